"""Forms of 差し戻し / 確認済 and of the chair's confirmation of several drafts. They carry
the version the person saw, like every form of a versioned record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.send_back import COMMENT_MAX
from policies.form_messages import NamedRequired

SEND_BACK, CHECK = "send_back", "check"


class ReviewForm(NamedRequired, forms.Form):
    """差し戻す (with a comment) or 確認済にする, on one record."""

    action = forms.ChoiceField(
        label=_("操作"), choices=[(SEND_BACK, _("差し戻す")), (CHECK, _("確認済にする"))]
    )
    comment = forms.CharField(
        label=_("差し戻しのコメント"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "差し戻す理由と、直してほしい点を書きます（実施主体の「やること」に表示されます）。"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == SEND_BACK and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("差し戻すときは、理由をコメントに書いてください。"))
        return cleaned


class SendBackForm(NamedRequired, forms.Form):
    """The chair sends one draft back to the 事務局."""

    comment = forms.CharField(
        label=_("差し戻しのコメント"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))


def chosen_versions(data, numbers: list[str]) -> dict[str, int]:
    """The 施策 the chair ticked (``measure``) with the version of each draft they saw
    (``version-<number>``); numbers not in the cycle and unreadable versions are ignored."""
    chosen = {}
    for number in data.getlist("measure"):
        raw = data.get(f"version-{number}", "")
        if number in numbers and raw.isdigit() and len(raw) < 10:
            chosen[number] = int(raw)
    return chosen


def chosen_summary_version(data) -> int | None:
    """The version of the 総評 the chair saw, when they chose to confirm it (``summary``)."""
    raw = data.get("summary", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
