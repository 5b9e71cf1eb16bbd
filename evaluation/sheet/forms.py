from django import forms
from django.utils.translation import gettext_lazy as _

from policies.form_messages import NamedRequired


class SheetUploadForm(NamedRequired, forms.Form):
    """Only picks the file; size, type and content are checked by the import itself, so
    every problem comes back in the same list of Japanese messages."""

    file = forms.FileField(
        label=_("評価表のファイル（.xlsx または .csv）"),
        help_text=_("評価表の Excel または CSV を出力し、実施状況を入力したものを選んでください。"),
        allow_empty_file=True,
    )
