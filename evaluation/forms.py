"""Forms validate and normalise; saving goes through ``services.record_save``.

Every form of an editable record carries the version the user started from, so a save
after someone else's is caught as a conflict instead of overwriting it.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from evaluation.achievement import implausibilities
from evaluation.models import (
    PHASES,
    CommitteeEvaluation,
    CommitteeSummary,
    Cycle,
    FollowUp,
    Indicator,
    IndicatorValue,
    Meeting,
    MemberEvaluation,
    Phase,
    Project,
    ProjectIndicator,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.numbers import typed_number
from evaluation.rollups import ratings
from people.models import display_name
from policies.bootstrap_fields import draw
from policies.fiscal_years import parse_fiscal_year, wareki, wareki_date
from policies.form_messages import NamedRequired, name_required_fields
from policies.models import Initiative, Measure, Plan, RatingLevel

TEXTAREA = forms.Textarea(attrs={"rows": 4})


CHOOSE = _("（選択してください）")
TAKEN_BY = _("この%(label)sは既に「%(record)s」で使われています。")
TAKEN = _("この%(label)sは既にほかの記録で使われています。")


class FigureInput(forms.NumberInput):
    """A saved 目標値・実績値 as it was typed (275, not the stored 275.00). Only the shown
    text changes: the form's initial value stays the stored number, so a row saved again
    unchanged is not a change."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return typed_number(value)
        return super().format_value(value)


FIGURES = {"target": FigureInput, "actual": FigureInput}


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for field in self.fields.values():
            # Japanese placeholder instead of Django's "---------" in required choices.
            if isinstance(field, forms.TypedChoiceField) and field.choices:
                choices = cast(list[tuple[object, str]], field.choices)
                field.choices = [("", CHOOSE), *[c for c in choices if c[0] != ""]]
        name_required_fields(self)

    def validate_unique(self) -> None:
        """A value another record already holds is refused naming the field and that record:
        「この事業コードは既に「市民活動入門講座」で使われています。」 (Django says only that
        one exists)."""
        super().validate_unique()
        model = type(self.instance)
        for name in list(self.errors):
            if name not in self.fields:
                continue  # NON_FIELD_ERRORS: a constraint over several fields
            if not any(e.code == "unique" for e in self.errors.as_data().get(name, [])):
                continue
            value = self.data.get(self.add_prefix(name), "")
            holder = (
                model._default_manager.filter(**{name: self.fields[name].clean(value)})
                .exclude(pk=self.instance.pk)
                .first()
            )
            self.errors[name] = self.error_class(
                [
                    TAKEN_BY % {"label": self.fields[name].label, "record": holder}
                    if holder is not None
                    else TAKEN % {"label": self.fields[name].label}
                ]
            )

    def disable(self) -> None:
        """Read-only display for someone who may view but not edit."""
        for field in self.fields.values():
            field.disabled = True


class ConfirmUnusualMixin(VersionedForm):
    """目標値・実績値 that look wrong (達成率 over 200 %, a negative count) are not refused:
    the form comes back once with the reasons and a box to tick, the values still typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_unusual"] = forms.BooleanField(
            label=_("この値で正しいことを確認しました"), required=False, widget=forms.HiddenInput
        )

    def higher_is_better(self) -> bool:
        return self.cleaned_data.get("higher_is_better", True)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        reasons = implausibilities(
            cleaned.get("actual"), cleaned.get("target"), higher_is_better=self.higher_is_better()
        )
        if reasons and not cleaned.get("confirm_unusual"):
            self.fields["confirm_unusual"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_unusual",
                " ".join(reasons)
                + _(
                    "入力の誤りでなければ「この値で正しいことを確認しました」にチェックして、もう一度保存してください。"
                ),
            )
        return cleaned


class RatingFieldMixin(VersionedForm):
    """Ratings come from the cycle's own scale (the plan's default unless the 事務局 chose
    another in 準備), not a fixed list."""

    def limit_ratings(self, cycle: Cycle) -> None:
        """The choices are drawn from the scale's levels as read once per generation
        (``rollups.ratings.cycle_levels``); a submitted value is still checked against the scale
        in the database."""
        field = cast(forms.ModelChoiceField, self.fields["rating"])
        field.queryset = RatingLevel.objects.filter(scale_id=cycle.scale_id)
        field.empty_label = CHOOSE if field.required else _("（評価なし）")
        field.choices = [("", field.empty_label)] + [
            (level.pk, field.label_from_instance(level)) for level in ratings.cycle_levels(cycle)
        ]


class ProjectReportForm(VersionedForm):
    class Meta:
        model = ProjectReport
        fields = ["goal", "status", "activities", "times", "participants", "issues", "direction"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "activities": TEXTAREA,
            "issues": TEXTAREA,
        }
        help_texts = {
            "times": _("講座の開催回数など。該当しなければ空欄。"),
            "participants": _("延べ人数。該当しなければ空欄。"),
        }


class SelfEvaluationForm(RatingFieldMixin, VersionedForm):
    """The answer to last year's committee opinion is not asked here: it is the body's items
    of the 回答報告書 (``FollowUpForm``), linked beside the form, so the two cannot disagree."""

    class Meta:
        model = SelfEvaluation
        fields = ["rating", "reason", "issues"]
        widgets = {"reason": TEXTAREA, "issues": TEXTAREA}

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(cycle)


class MemberEvaluationForm(RatingFieldMixin, VersionedForm):
    class Meta:
        model = MemberEvaluation
        fields = ["rating", "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(cycle)

    def saved_message(self, evaluation: MemberEvaluation) -> str:
        measure = evaluation.measure
        return _("委員評価「%(measure)s %(year)s」を保存しました。") % {
            "measure": f"{measure.number} {measure.title}",
            "year": wareki(evaluation.cycle.fiscal_year),
        }


class CommitteeEvaluationForm(RatingFieldMixin, VersionedForm):
    class Meta:
        model = CommitteeEvaluation
        fields = ["rating", "opinion", "meeting"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_ratings(cycle)
        meetings = list(cycle.meetings.all())
        if not meetings:  # nothing to choose until the 事務局 records a meeting
            del self.fields["meeting"]
            return
        field = cast(forms.ModelChoiceField, self.fields["meeting"])
        field.queryset = cycle.meetings.all()
        field.empty_label = _("（会議によらない変更）")
        if not self.is_bound:
            # A draft written now follows the meeting held last (the 事務局 may choose another).
            held = [m for m in meetings if m.held_at <= timezone.now()]
            latest = max(held, key=lambda m: (m.held_at, m.pk)) if held else None
            self.initial["meeting"] = latest.pk if latest else None


class CommitteeSummaryForm(VersionedForm):
    class Meta:
        model = CommitteeSummary
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "text": _(
                "評価表の冒頭と、公開する年度のオープンデータに載ります。委員長が案と一緒に確定します。"
            )
        }

    def saved_message(self, saved: CommitteeSummary) -> str:
        return str(_("総評を保存しました。"))


class MeetingForm(VersionedForm):
    """A meeting of the committee, recorded by the 事務局."""

    class Meta:
        model = Meeting
        fields = ["held_at", "place", "attendees", "measures", "summary"]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "attendees": forms.CheckboxSelectMultiple,
            "measures": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "held_at": _("例: 2021-07-05 18:30"),
            "measures": _("選ばなければ、会議資料と投影画面は計画のすべての施策を順に示します。"),
        }

    def __init__(self, *args, cycle: Cycle, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        attendees_field = cast(forms.ModelMultipleChoiceField, self.fields["attendees"])
        attendees_field.queryset = attendees
        attendees_field.label_from_instance = display_name  # type: ignore[method-assign,assignment]  # Django's documented per-field label
        measures = cast(forms.ModelMultipleChoiceField, self.fields["measures"])
        measures.queryset = Measure.objects.of_plan(cycle.plan)
        measures.label_from_instance = lambda m: f"{m.number} {m.title}"  # type: ignore[method-assign,assignment]  # Django's documented per-field label


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
        initiatives = cast(forms.ModelMultipleChoiceField, self.fields["initiatives"])
        initiatives.label = plan.initiative_label  # the plan's own word
        initiatives.queryset = Initiative.objects.filter(
            measure__basic_policy__plan=plan, original__isnull=True
        ).select_related("measure")
        initiatives.label_from_instance = lambda i: f"{i.measure.number}{i.marker} {i.title}"  # type: ignore[method-assign,assignment]  # Django's documented per-field label
        bodies = cast(forms.ModelChoiceField, self.fields["body"])
        if body is not None:
            # Staff enter projects of their own body only.
            assert bodies.queryset is not None  # a model form's ForeignKey field has one
            bodies.queryset = bodies.queryset.filter(pk=body.pk)
            bodies.initial = body
        bodies.empty_label = None
        if not self.instance.previous_plan_id:
            cast(forms.IntegerField, self.fields["first_year"]).min_value = plan.first_year
        self.plan = plan

    def clean_initiatives(self) -> list[Initiative]:
        # A 事業 continued from the previous plan keeps that plan's 展開 (its years there),
        # which this form does not show.
        chosen = list(self.cleaned_data["initiatives"])
        if self.instance.pk and self.instance.previous_plan_id:
            chosen += self.instance.initiatives.exclude(measure__basic_policy__plan=self.plan)
        return chosen

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        plan = self.plan
        # A continued 事業 began in the previous plan.
        start = self.instance.previous_plan.first_year if self.instance.previous_plan_id else None
        for name, year in (("first_year", first), ("last_year", last)):
            low = start if name == "first_year" and start else plan.first_year
            if year is not None and not low <= year <= plan.last_year:
                self.add_error(
                    name,
                    _("計画期間（%(first)s〜%(last)s年度）の中で指定してください。")
                    % {"first": low, "last": plan.last_year},
                )
        if first and last and last < first:
            self.add_error("last_year", _("終了年度は開始年度より後にしてください。"))
        return cleaned


class ProjectContinueForm(NamedRequired, forms.Form):
    """「前の計画から引き継ぐ」: a running 事業 of the previous plan, and the 展開 of this plan
    it serves from now on."""

    project = forms.ModelChoiceField(label=_("引き継ぐ事業"), queryset=Project.objects.none())
    initiatives = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan: Plan, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        assert plan.predecessor_id is not None  # the view offers this form to a successor plan only
        projects = (
            Project.objects.filter(plan_id=plan.predecessor_id)
            .filter(Q(last_year__isnull=True) | Q(last_year__gte=plan.first_year))
            .select_related("body")
            .order_by("body__order", "code")
        )
        if body is not None:  # staff continue their own body's 事業
            projects = projects.filter(body=body)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = projects
        project.label_from_instance = lambda p: f"{p.code} {p.name}（{p.body.short_name}）"  # type: ignore[method-assign,assignment]  # Django's documented per-field label
        initiatives = cast(forms.ModelMultipleChoiceField, self.fields["initiatives"])
        initiatives.label = plan.initiative_label
        initiatives.queryset = Initiative.objects.filter(
            measure__basic_policy__plan=plan, original__isnull=True
        ).select_related("measure")
        initiatives.label_from_instance = lambda i: f"{i.measure.number}{i.marker} {i.title}"  # type: ignore[method-assign,assignment]  # Django's documented per-field label


class FiscalYearField(forms.CharField):
    """年度, typed as 2021 or in 和暦 (令和3, R3, 令和元, 平成31, H29); cleaned to 2021."""

    def to_python(self, value) -> int | None:  # type: ignore[override]  # typed text, cleaned to a year
        text = super().to_python(value)
        if not text:
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
        fields = ["fiscal_year", "rating_scale", *DUE_DATES]
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
        scale = cast(forms.ModelChoiceField, self.fields["rating_scale"])
        scale.required = False
        scale.empty_label = _("計画の既定の尺度")
        self.initial["rating_scale"] = self.instance.rating_scale_id or plan.rating_scale_id
        self.scale_locked = self.instance.pk and (
            self.instance.phase != Phase.PREPARATION or self.instance.has_ratings()
        )
        if self.scale_locked:
            # Ratings already given on one scale cannot be re-read on another.
            scale.disabled = True
            scale.help_text = _(
                "評価尺度を選べるのは「準備」の段階で、評価がまだ1件もないときだけです。"
            )

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
        super().clean()
        cleaned = self.cleaned_data
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
                        "date": wareki_date(latest[1]),
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


class PhaseMoveForm(NamedRequired, forms.Form):
    to_phase = forms.ChoiceField(choices=[(p, p) for p in PHASES])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))


class ConfirmForm(NamedRequired, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, label=_("版"))


class IndicatorForm(VersionedForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "source", "higher_is_better", "order", "measures"]
        widgets = {"measures": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        measures = cast(forms.ModelMultipleChoiceField, self.fields["measures"])
        measures.queryset = Measure.objects.of_plan(self.instance.plan).order_by(
            "basic_policy__number", "order"
        )
        measures.label_from_instance = lambda m: f"{m.number} {m.title}"  # type: ignore[method-assign,assignment]  # as above

    def clean_name(self) -> str:
        # The plan is not a form field, so the model's unique check would skip it.
        name = self.cleaned_data["name"]
        same = Indicator.objects.filter(plan_id=self.instance.plan_id, name=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("同じ名前の参考指標がすでにあります。"))
        return name


class IndicatorValueForm(ConfirmUnusualMixin, VersionedForm):
    class Meta:
        model = IndicatorValue
        fields = ["target", "actual"]
        widgets = FIGURES

    def higher_is_better(self) -> bool:
        return self.instance.indicator.higher_is_better


class FollowUpForm(VersionedForm):
    """One item of the 回答報告書: who answers (担当課) and how (対応方針, 取組内容, 時期, 対応状況)."""

    class Meta:
        model = FollowUp
        fields = ["department", "policy", "action", "timing", "status", "difficulty_reason"]
        widgets = {
            "policy": TEXTAREA,
            "action": TEXTAREA,
            "difficulty_reason": forms.Textarea(attrs={"rows": 2}),
        }


MAX_POINTS = 20


class FollowUpPointsForm(NamedRequired, forms.Form):
    """The 事務局 splits a committee opinion into numbered points (指摘事項), one a line."""

    points = forms.CharField(
        label=_("指摘事項（1行に1つ）"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "上から指摘事項1、2、…になります。実施主体はそれぞれの指摘事項に回答します。"
            "回答が入力された指摘事項はなくせません。"
        ),
    )

    def clean_points(self) -> list[str]:
        points = [line.strip() for line in self.cleaned_data["points"].splitlines()]
        points = [point for point in points if point]
        if not points:
            raise forms.ValidationError(_("指摘事項を1つ以上書いてください。"))
        if len(points) > MAX_POINTS:
            raise forms.ValidationError(
                _("指摘事項は%(n)d個までです（%(given)d個あります）。")
                % {"n": MAX_POINTS, "given": len(points)}
            )
        return points


class ProjectIndicatorForm(ConfirmUnusualMixin, VersionedForm):
    class Meta:
        model = ProjectIndicator
        fields = ["kind", "name", "unit", "target", "actual", "higher_is_better"]
        widgets = {
            **FIGURES,
            "higher_is_better": forms.Select(
                choices=[(True, _("大きいほどよい")), (False, _("小さいほどよい"))]
            ),
        }
        labels = {"higher_is_better": _("方向")}
        help_texts = {"higher_is_better": "", "name": ""}

    # Where each field sits in the row's grid (templates/evaluation/_indicator_formset.html).
    COLUMNS = {
        "kind": "col-sm-3",
        "name": "col-sm-5",
        "unit": "col-sm-4",
        "target": "col-sm-3",
        "actual": "col-sm-3",
        "higher_is_better": "col-sm-3",
        "DELETE": "col-sm-3 align-self-end",
    }

    def cells(self) -> list[SafeString]:
        """The row's fields, each in its grid column (削除 only on a saved row), drawn like
        the rest of the form (``policies.bootstrap_fields``)."""
        return [
            SafeString(draw(self[name], wrapper=column if name == "DELETE" else f"{column} mb-2"))
            for name, column in self.COLUMNS.items()
            if name in self.fields and (name != "DELETE" or self.instance.pk)
        ]


class IndicatorRows(forms.BaseInlineFormSet):
    """指標 of one 実施状況: the saved rows and one empty row to add another, folded under
    「指標を追加する」 (another after each save, with no script needed). Until something is
    typed in it, the empty row marks nothing as required: a 指標 is optional, and an empty
    row is left out when saved (``empty_permitted``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form in self.extra_forms:
            if not (form.is_bound and form.has_changed()):
                for field in form.fields.values():
                    field.required = False


# Bounded: at most MAX_INDICATORS per 実施状況.
MAX_INDICATORS = 20
ProjectIndicatorFormSet = forms.inlineformset_factory(
    ProjectReport,
    ProjectIndicator,
    form=ProjectIndicatorForm,
    formset=IndicatorRows,
    extra=1,
    can_delete=True,
    max_num=MAX_INDICATORS,
    validate_max=True,
    absolute_max=MAX_INDICATORS,
)
