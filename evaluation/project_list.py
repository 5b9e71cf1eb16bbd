"""事業一覧: a plan's 事業, searched and filtered, with one year's 実施状況 beside each.

The page costs the same number of queries whatever the number of 事業: the choices, one
count, one page of rows (with this year's status as a subquery), their 展開 in one
prefetch and the status totals in one aggregate.
"""

from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _

from evaluation.models import Cycle, Project, ProjectQuerySet, ProjectReport, ReportStatus
from policies.fiscal_years import wareki
from policies.kana import full_width_katakana
from policies.models import ImplementingBody, Initiative, Plan, circled

PER_PAGE = 50
ALL = _("（すべて）")
NOT_ENTERED = "not_entered"  # a 事業 of the year without a 実施状況 yet


class ProjectFilterForm(forms.Form):
    """The search and filters of the 事業一覧, read from the query string."""

    q = forms.CharField(
        label=_("事業名・事業コード"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    body = forms.ModelChoiceField(
        label=_("実施主体"),
        queryset=ImplementingBody.objects.all(),
        required=False,
        empty_label=ALL,
        to_field_name="code",
    )
    department = forms.ChoiceField(label=_("担当課"), required=False)
    initiative = forms.TypedChoiceField(
        label=_("展開"), coerce=int, required=False, empty_value=None
    )
    year = forms.TypedChoiceField(label=_("実施年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].label = plan.initiative_label  # the plan's own word
        departments = (
            Project.objects.of_plan(plan)
            .exclude(department="")
            .order_by("department")
            .values_list("department", flat=True)
            .distinct()
        )
        departments_field = cast(forms.ChoiceField, self.fields["department"])
        departments_field.choices = [("", ALL), *((d, d) for d in departments)]
        labels, self.source_of = _initiative_choices(plan)
        cast(forms.ChoiceField, self.fields["initiative"]).choices = [("", ALL), *labels]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", ALL),
            *((y, wareki(y)) for y in plan.fiscal_years),
        ]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    def filter(self, projects: ProjectQuerySet) -> ProjectQuerySet:
        """Apply the valid filters."""
        data = self.valid_data()
        if text := full_width_katakana(data.get("q", "")).strip():
            projects = projects.filter(Q(name__icontains=text) | Q(code__icontains=text))
        if data.get("body"):
            projects = projects.filter(body=data["body"])
        if data.get("department"):
            projects = projects.filter(department=data["department"])
        if data.get("initiative"):
            # A 再掲 item is its original: the 事業 serving the original serve it too.
            projects = projects.filter(initiatives=self.source_of[data["initiative"]])
        if data.get("year"):
            projects = projects.active_in(data["year"])
        return projects

    def valid_data(self) -> dict:
        """The filters that are valid; an invalid one is ignored (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    @property
    def chosen_year(self) -> int | None:
        return self.valid_data().get("year")


def _initiative_choices(plan: Plan) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """The plan's 展開 as (id, label) choices, and each one's source (a 再掲 item's original),
    read as plain rows: a plan has hundreds of items, and a model instance per item and per
    related 施策 cost more than the rest of the page."""
    rows = Initiative.objects.filter(measure__basic_policy__plan=plan).values_list(
        "pk",
        "measure__number",
        "position",
        "title",
        "original_id",
        "original__measure__number",
        "original__position",
    )
    choices = []
    source_of = {}
    for pk, number, position, title, original, original_number, original_position in rows:
        marker = f"{number}{circled(position)}"
        if original is None:
            choices.append((pk, f"{marker} {title}"))
        else:
            choices.append((pk, f"{marker}（再掲 {original_number}{circled(original_position)}）"))
        source_of[pk] = original or pk
    return choices, source_of


@dataclass
class ProjectListing:
    form: ProjectFilterForm
    page: Page
    cycle: Cycle | None  # the year whose 実施状況 is shown
    status_counts: list[tuple[str, int]]  # (label, count) over every 事業 found
    total: int


def status_cycle(plan: Plan, year: int | None) -> Cycle | None:
    """The chosen year's cycle, else the plan's newest one: "this year"."""
    cycles = Cycle.objects.filter(plan=plan).select_related("plan").order_by("-fiscal_year")
    if year is not None:
        cycles = cycles.filter(fiscal_year=year)
    return cycles.first()


def project_listing(plan: Plan, query: dict, page_number: str | None) -> ProjectListing:
    form = ProjectFilterForm(query or None, plan=plan)
    found = form.filter(Project.objects.of_plan(plan))
    cycle = status_cycle(plan, form.chosen_year)
    projects = found
    if cycle is not None:
        # One per 事業: without the default ordering, which would join the plan to sort it.
        reports = ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk")).order_by()
        projects = projects.annotate(
            year_status=Subquery(reports.values("status")[:1]),
            year_report=Subquery(reports.values("pk")[:1]),
        )
    rows = projects.select_related("body").prefetch_related(
        Prefetch(
            "initiatives",
            queryset=Initiative.objects.select_related("measure").order_by(
                "measure__basic_policy__number", "measure__order", "position"
            ),
        )
    )
    page = Paginator(rows, PER_PAGE).get_page(page_number)
    return ProjectListing(
        form=form,
        page=page,
        cycle=cycle,
        status_counts=_status_counts(found, cycle),
        total=page.paginator.count,
    )


def _status_counts(projects: ProjectQuerySet, cycle: Cycle | None) -> list[tuple[str, int]]:
    """How the found 事業 stand in the year: one aggregate query."""
    if cycle is None:
        return []
    active = projects.active_in(cycle.fiscal_year)
    by_status = {
        value: Count("pk", filter=Q(reports__cycle=cycle, reports__status=value))
        for value in ReportStatus.values
    }
    totals = active.aggregate(
        all=Count("pk", distinct=True),
        entered=Count("pk", filter=Q(reports__cycle=cycle), distinct=True),
        **by_status,
    )
    counts = [(str(label), totals[value]) for value, label in ReportStatus.choices]
    counts.append((str(_("未入力")), totals["all"] - totals["entered"]))
    return counts
