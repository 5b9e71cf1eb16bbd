"""What a member judges a 施策 by, gathered for the scoring page in a fixed number of
queries: the 施策の目標, each 展開 with its 事業 and their 実施状況 this year and last,
each 実施主体's 自己評価, last year's committee opinion, and where the member stands in
the plan's 施策 (previous / next, how many scored), and the 施策's 参考指標 over the plan's
years so far with their targets."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string

from evaluation.charts import LineChart
from evaluation.dashboard import indicator_charts
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    FollowUp,
    MemberEvaluation,
    Project,
    ProjectIndicator,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.page_cache import cached
from evaluation.rollups.indicators import IndicatorSeries
from policies.models import Initiative, Measure


@dataclass(frozen=True)
class ScoringRow:
    """One 施策 of the plan as the scoring pages list it."""

    pk: int
    number: str
    title: str
    is_priority: bool
    scored: bool  # by the member
    own: MemberEvaluation | None = None  # the member's own (the list of 施策 shows its rating)


@dataclass
class ScoringProgress:
    """The plan's 施策 in order, each marked scored or not by one member."""

    measures: list[ScoringRow]
    current: Measure | None = None

    @property
    def done(self) -> int:
        return sum(1 for m in self.measures if m.scored)

    @property
    def total(self) -> int:
        return len(self.measures)

    def _index(self) -> int:
        numbers = [m.number for m in self.measures]
        return numbers.index(self.current.number) if self.current else -1

    @property
    def previous(self) -> ScoringRow | None:
        index = self._index()
        return self.measures[index - 1] if index > 0 else None

    @property
    def next(self) -> ScoringRow | None:
        index = self._index()
        return self.measures[index + 1] if 0 <= index < len(self.measures) - 1 else None

    @property
    def position(self) -> int:
        return self._index() + 1


def scoring_progress(cycle: Cycle, member: User, current: Measure | None = None) -> ScoringProgress:
    """The plan's 施策 with whether ``member`` has a 委員評価 of each: one query, once per
    generation of the data (``page_cache``); plain rows, not model instances (a plan ten
    times the size lists 120)."""

    def rows() -> tuple[ScoringRow, ...]:
        scored = MemberEvaluation.objects.filter(cycle=cycle, member=member, measure=OuterRef("pk"))
        return tuple(
            ScoringRow(*row)
            for row in Measure.objects.of_plan(cycle.plan)
            .annotate(scored=Exists(scored))
            .values_list("pk", "number", "title", "is_priority", "scored")
        )

    return ScoringProgress(list(cached(("scoring_rows", cycle.pk, member.pk), rows)), current)


@dataclass
class Material:
    """Everything on the left of the scoring page."""

    previous: tuple[Cycle, Measure] | None
    initiatives: list[Initiative]  # each ``source.year_projects`` with current/previous report
    self_evaluations: list[SelfEvaluation]
    last_committee: CommitteeEvaluation | None
    responses: list[SelfEvaluation] = field(default_factory=list)  # with a response text
    follow_ups: list[FollowUp] = field(default_factory=list)  # 委員会意見への対応, this year
    # The 施策's 参考指標: every year of the plan so far, and the targets (a line and numbers).
    indicators: list[tuple[IndicatorSeries, LineChart]] = field(default_factory=list)


def _attach_reports(projects: list[Project], cycle: Cycle, previous: Cycle | None) -> None:
    for project in projects:
        by_cycle = {r.cycle_id: r for r in project.scoring_reports}
        project.current_report = by_cycle.get(cycle.pk)
        project.previous_report = by_cycle.get(previous.pk) if previous else None


def material(cycle: Cycle, measure: Measure) -> Material:
    """A fixed number of queries whatever the plan's size (last year's cycle, the 展開 with
    their 事業, reports and the reports' 指標, both directly and through a 再掲 item's
    original, the self-evaluations, last year's committee evaluation, the follow-ups and the
    参考指標 with their values)."""
    previous = cycle.previous_for(measure)
    previous_cycle = previous[0] if previous and previous[0].plan_id == cycle.plan_id else None
    initiatives = _initiatives(cycle, measure, previous_cycle)
    self_evaluations = list(
        SelfEvaluation.objects.filter(cycle=cycle, measure=measure)
        .with_response_rule()
        .select_related("rating", "body")
    )
    last_committee = (
        CommitteeEvaluation.objects.confirmed()
        .filter(cycle=previous[0], measure=previous[1])
        .select_related("rating", "cycle__plan", "measure")
        .first()
        if previous
        else None
    )
    return Material(
        previous=previous,
        initiatives=initiatives,
        self_evaluations=self_evaluations,
        last_committee=last_committee,
        responses=[s for s in self_evaluations if s.shown_response],
        follow_ups=list(
            FollowUp.objects.filter(cycle=cycle, measure=measure).select_related(
                "body", "opinion__cycle"
            )
        ),
        indicators=indicator_charts(
            cycle.plan, None, measure=measure, actual_up_to=cycle.fiscal_year
        ),
    )


def _initiatives(cycle: Cycle, measure: Measure, previous_cycle: Cycle | None) -> list[Initiative]:
    """The 施策's 展開, each with the 事業 of the year (a 再掲 item: its original's) and
    their 実施状況 with 指標, this year and last."""
    report_cycles = [cycle.pk] + ([previous_cycle.pk] if previous_cycle else [])
    projects = (
        Project.objects.active_in(cycle.fiscal_year)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProjectReport.objects.filter(cycle_id__in=report_cycles).prefetch_related(
                    Prefetch(
                        "indicators",
                        queryset=ProjectIndicator.objects.order_by("order", "pk"),
                        to_attr="indicator_list",
                    )
                ),
                to_attr="scoring_reports",
            )
        )
    )
    initiatives = list(
        Initiative.objects.filter(measure=measure)
        .select_related("original__measure")
        .prefetch_related(
            Prefetch("projects", queryset=projects, to_attr="year_projects"),
            Prefetch("original__projects", queryset=projects, to_attr="year_projects"),
        )
    )
    for initiative in initiatives:
        _attach_reports(initiative.source.year_projects, cycle, previous_cycle)
    return initiatives


def material_html(cycle: Cycle, measure: Measure) -> str:
    """The material rendered: the same for every member (and for the 事務局 drafting the
    committee's evaluation beside it), so rendered once per generation of the data."""
    return cached(
        ("scoring_material", cycle.pk, measure.pk),
        lambda: render_to_string(
            "evaluation/_scoring_material.html",
            {"cycle": cycle, "measure": measure, "material": material(cycle, measure)},
        ),
    )
