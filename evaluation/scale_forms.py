"""The form of a cycle's rating scale: its name and its levels (label, points, which one is
評価不能), levels added, removed and reordered in one save."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms import VersionedForm
from policies.form_messages import NamedRequired
from policies.models import RatingLevel, RatingScale

# Bounded like every form: a scale of more levels than this is not a scale people read.
MAX_LEVELS = 10


class RatingScaleForm(VersionedForm):
    class Meta:
        model = RatingScale
        fields = ["name"]
        labels = {"name": _("尺度の名前")}


class RatingLevelForm(VersionedForm):
    unratable = forms.BooleanField(
        label=_("評価不能"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = RatingLevel
        fields = ["code", "label", "points"]
        labels = {"code": _("記号"), "label": _("意味"), "points": _("点数")}
        widgets = {
            "code": forms.TextInput(attrs={"size": 4}),
            "points": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].help_text = ""
        cast(forms.IntegerField, self.fields["points"]).max_value = 100
        for name in ("code", "label", "points"):
            self.fields[name].widget.attrs["class"] = "form-control"
        if self.instance.pk:
            self.fields["unratable"].initial = self.instance.points is None

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not self.has_changed() and not self.instance.pk:
            return cleaned  # an empty extra row
        if cleaned.get("unratable"):
            cleaned["points"] = None
            self.instance.points = None
        elif cleaned.get("points") is None and "points" not in self.errors:
            self.add_error(
                "points", _("点数を入力してください（集計から除く段階は「評価不能」にします）。")
            )
        return cleaned


class BaseRatingLevelFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("表示順")
            attrs = {"min": 1, "max": MAX_LEVELS + 2, "class": "form-control"}
            form.fields["ORDER"].widget.attrs.update(attrs)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("削除")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        deleted = set(self.deleted_forms)
        kept = [f for f in self.forms if f not in deleted and (f.instance.pk or f.has_changed())]
        rated = [f for f in kept if not f.cleaned_data.get("unratable")]
        if len(rated) < 2:
            raise forms.ValidationError(_("点数のある段階を2つ以上にしてください。"))
        if len(kept) - len(rated) > 1:
            raise forms.ValidationError(_("「評価不能」にできる段階は1つだけです。"))

    def rows_in_order(self) -> None:
        """Put the rows in the order ``services.children_save`` writes them: removed rows
        first (so a new level may take a removed one's 記号), then the kept rows as the
        person numbered them (表示順; unnumbered rows last, as typed)."""
        deleted = set(self.deleted_forms)

        def key(form):
            order = form.cleaned_data.get("ORDER")
            return (form not in deleted, order is None, order or 0)

        self.forms.sort(key=key)  # a stable sort: equal numbers keep the typed order
        # Django keeps the removed rows by index: renumber them for the new order.
        self._deleted_form_indexes = [i for i, f in enumerate(self.forms) if f in deleted]

    def disable(self) -> None:
        for form in self.forms:
            cast(RatingLevelForm, form).disable()


RatingLevelFormSet = forms.inlineformset_factory(
    RatingScale,
    RatingLevel,
    form=RatingLevelForm,
    formset=BaseRatingLevelFormSet,
    fields=["code", "label", "points"],
    extra=2,
    can_delete=True,
    can_order=True,
    max_num=MAX_LEVELS,
    validate_max=True,
    absolute_max=MAX_LEVELS + 2,
)


class ScalePickForm(NamedRequired, forms.Form):
    """Use another existing scale for the year (then edit it: a shared scale is copied)."""

    scale = forms.ModelChoiceField(
        label=_("使う尺度"), queryset=RatingScale.objects.order_by("name"), empty_label=None
    )
    cycle_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))
