from django import forms
from django.utils.translation import gettext_lazy as _

from policies.form_messages import NamedRequired


class PlanUploadForm(NamedRequired, forms.Form):
    """Only picks the file; size, type and content are checked by the import itself, so
    every problem comes back in the same list of Japanese messages."""

    file = forms.FileField(
        label=_("計画の構造のファイル（.xlsx または .csv）"),
        help_text=_("テンプレートか、書き出した計画のファイルに記入したものを選んでください。"),
        allow_empty_file=True,
    )
