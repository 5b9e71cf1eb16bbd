"""Forms validate and normalise; saving goes through ``services.record_save``.

Every form of an editable record carries the version the user started from, so a save
after someone else's is caught as a conflict instead of overwriting it.
"""

from django import forms
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    PHASES,
    CommitteeEvaluation,
    Cycle,
    Indicator,
    IndicatorValue,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.numbers import typed_number
from policies.fiscal_years import parse_fiscal_year, wareki
from policies.models import Initiative, Plan, RatingLevel

TEXTAREA = forms.Textarea(attrs={"rows": 4})


CHOOSE = _("（選択してください）")


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for field in self.fields.values():
            # Japanese placeholder instead of Django's "---------" in required choices.
            if isinstance(field, forms.TypedChoiceField) and field.choices:
                field.choices = [("", CHOOSE), *[c for c in field.choices if c[0] != ""]]

    def disable(self) -> None:
        """Read-only display for someone who may view but not edit."""
        for field in self.fields.values():
            field.disabled = True


class RatingFieldMixin:
    """Ratings come from the plan's own scale, not a fixed list."""

    def limit_ratings(self, plan: Plan) -> None:
        field = self.fields["rating"]
        field.queryset = RatingLevel.objects.filter(scale_id=plan.rating_scale_id)
        field.empty_label = CHOOSE if field.required else _("（評価なし）")


class ProjectReportForm(VersionedForm):
    class Meta:
        model = ProjectReport
        fields = ["status", "activities", "times", "participants", "issues"]
        widgets = {"activities": TEXTAREA, "issues": TEXTAREA}
        help_texts = {
            "times": _("講座の開催回数など。該当しなければ空欄。"),
            "participants": _("延べ人数。該当しなければ空欄。"),
        }


class SelfEvaluationForm(RatingFieldMixin, VersionedForm):
    class Meta:
        model = SelfEvaluation
        fields = ["rating", "reason", "issues", "outlook", "response_to_committee"]
        widgets = {"reason": TEXTAREA, "issues": TEXTAREA, "response_to_committee": TEXTAREA}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(plan)


class MemberEvaluationForm(RatingFieldMixin, VersionedForm):
    class Meta:
        model = MemberEvaluation
        fields = ["rating", "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(plan)

    def saved_message(self, evaluation: MemberEvaluation) -> str:
        measure = evaluation.measure
        return _("委員評価「%(measure)s %(year)s」を保存しました。") % {
            "measure": f"{measure.number} {measure.title}",
            "year": wareki(evaluation.cycle.fiscal_year),
        }


class CommitteeEvaluationForm(RatingFieldMixin, VersionedForm):
    class Meta:
        model = CommitteeEvaluation
        fields = ["rating", "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(plan)


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "body",
            "department",
            "summary",
            "initiatives",
            "first_year",
            "last_year",
        ]
        widgets = {"summary": TEXTAREA, "initiatives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan: Plan, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A 再掲 item is the same initiative as its original: choose the original.
        self.fields["initiatives"].queryset = Initiative.objects.filter(
            measure__basic_policy__plan=plan, original__isnull=True
        ).select_related("measure")
        self.fields["initiatives"].label_from_instance = lambda i: (
            f"{i.measure.number}{i.marker} {i.title}"
        )
        if body is not None:
            # Staff enter projects of their own body only.
            self.fields["body"].queryset = self.fields["body"].queryset.filter(pk=body.pk)
            self.fields["body"].initial = body
        self.fields["body"].empty_label = None
        self.fields["first_year"].min_value = plan.first_year
        self.plan = plan

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        plan = self.plan
        for name, year in (("first_year", first), ("last_year", last)):
            if year is not None and not plan.first_year <= year <= plan.last_year:
                self.add_error(
                    name,
                    _("計画期間（%(first)s〜%(last)s年度）の中で指定してください。")
                    % {"first": plan.first_year, "last": plan.last_year},
                )
        if first and last and last < first:
            self.add_error("last_year", _("終了年度は開始年度より後にしてください。"))
        return cleaned


class FiscalYearField(forms.CharField):
    """年度, typed as 2021 or in 和暦 (令和3, R3, 令和元, 平成31, H29); cleaned to 2021."""

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 20:
            raise forms.ValidationError(
                _("年度は20文字以内で入力してください。"), code="max_length"
            )
        try:
            return parse_fiscal_year(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


FISCAL_YEAR_HELP = _("2021 のほか、和暦でも入力できます（令和3、R3、令和元、平成31、H29 など）。")
DUE_DATES = ["entry_due", "committee_due", "confirm_due", "publish_due"]  # in phase order


class CycleForm(VersionedForm):
    fiscal_year = FiscalYearField(
        label=_("年度"),
        help_text=FISCAL_YEAR_HELP,
        widget=forms.TextInput(attrs={"maxlength": 20, "class": "fiscal-year-input"}),
    )

    class Meta:
        model = Cycle
        fields = ["fiscal_year", *DUE_DATES]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DUE_DATES
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.typed_year = ""
        if self.instance.pk:
            self.fields["fiscal_year"].disabled = True
            self.fields["fiscal_year"].help_text = ""

    def clean_fiscal_year(self) -> int:
        year = self.cleaned_data["fiscal_year"]
        if not self.plan.first_year <= year <= self.plan.last_year:
            raise forms.ValidationError(
                _("計画期間（%(first)s〜%(last)s年度）の年度を指定してください。")
                % {"first": self.plan.first_year, "last": self.plan.last_year}
            )
        if not self.instance.pk and Cycle.objects.filter(plan=self.plan, fiscal_year=year).exists():
            raise forms.ValidationError(_("この年度の評価サイクルはすでにあります。"))
        typed = str(self.data.get(self.add_prefix("fiscal_year"), "")).strip()
        if not self.instance.pk and typed != str(year):
            # Say how the 和暦 was read, while the form is still on screen.
            self.typed_year = typed
            understood = _("「%(typed)s」は %(year)s です。") % {
                "typed": typed,
                "year": wareki(year),
            }
            self["fiscal_year"].help_text = understood  # the bound field keeps its own copy
        return year

    def clean(self):
        """Due dates follow the phases: 実施状況 ≤ 委員会評価 ≤ 確定 ≤ 公開 (blank ones skipped)."""
        cleaned = super().clean()
        latest = None  # (field name, date) of the latest due date so far
        for name in DUE_DATES:
            due = cleaned.get(name)
            if due is None:
                continue
            if latest is not None and due < latest[1]:
                self.add_error(
                    name,
                    _("%(this)sは、%(before)s（%(date)s）と同じ日かそれより後にしてください。")
                    % {
                        "this": self.fields[name].label,
                        "before": self.fields[latest[0]].label,
                        "date": date_format(latest[1], "Y年n月j日"),
                    },
                )
            else:
                latest = (name, due)
        return cleaned

    def saved_message(self, cycle: Cycle) -> str:
        message = _("評価サイクル「%(cycle)s」を保存しました。") % {"cycle": cycle}
        if self.typed_year:
            message += _("年度は「%(typed)s」を%(year)sとして受け付けました。") % {
                "typed": self.typed_year,
                "year": wareki(cycle.fiscal_year),
            }
        return message


class PhaseMoveForm(forms.Form):
    to_phase = forms.ChoiceField(choices=[(p, p) for p in PHASES])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class IndicatorForm(VersionedForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "source", "higher_is_better", "order"]

    def clean_name(self) -> str:
        # The plan is not a form field, so the model's unique check would skip it.
        name = self.cleaned_data["name"]
        same = Indicator.objects.filter(plan_id=self.instance.plan_id, name=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("同じ名前の参考指標がすでにあります。"))
        return name


class IndicatorValueForm(VersionedForm):
    class Meta:
        model = IndicatorValue
        fields = ["actual", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._meta.fields:  # 275, not the stored 275.00
            if self.initial.get(name) is not None:
                self.initial[name] = typed_number(self.initial[name])
