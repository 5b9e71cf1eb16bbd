from django import forms
from django.utils.translation import gettext_lazy as _

from policies.fiscal_years import wareki
from policies.form_messages import NamedRequired
from policies.models import Plan
from policies.plan_sheet import WORD_ITEMS


class PlanUploadForm(NamedRequired, forms.Form):
    """Only picks the file; size, type and content are checked by the import itself, so
    every problem comes back in the same list of Japanese messages."""

    file = forms.FileField(
        label=_("計画の構造のファイル（.xlsx または .csv）"),
        help_text=_("テンプレートか、書き出した計画のファイルに記入したものを選んでください。"),
        allow_empty_file=True,
    )


class PlanWordsForm(forms.ModelForm):
    """A plan's own words: what it calls its levels, its predecessor and its 施策's text,
    and what its 重点施策 are. Its name and short name are fixed once a year of it is
    確定 or 公開: the published 評価表 and open data carry them."""

    class Meta:
        model = Plan
        fields = ["name", "short_name", *WORD_ITEMS]  # the same words the import reads
        widgets = {"priority_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        locked = self.instance.locked_years() if self.instance.pk else []
        if not self.instance.predecessor_id:
            del self.fields["predecessor_label"]  # nothing to call
        if locked:
            reason = _(
                "%(year)sの評価が確定・公開されているため変えられません（公開した評価表とオープンデータに載っています）。"
            ) % {"year": wareki(locked[0])}
            for name in ("name", "short_name"):
                self.fields[name].disabled = True
                self.fields[name].help_text = reason
