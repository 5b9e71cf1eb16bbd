"""What the 施策-per-year page shows, gathered in a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
    display_name,
)
from policies.models import ImplementingBody, Initiative, Measure


@dataclass
class YearPair:
    """A record of this year beside last year's, for one row of the page."""

    label: str
    current: Any = None
    previous: Any = None


def initiatives_with_projects(cycle: Cycle, measure: Measure):
    """展開 items with the 事業 active this year and their 実施状況; a 再掲 item shows the
    事業 of its original (``initiative.source.year_projects``)."""
    projects = (
        Project.objects.active_in(cycle.fiscal_year)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProjectReport.objects.filter(cycle=cycle),
                to_attr="year_reports",
            )
        )
    )
    return (
        Initiative.objects.filter(measure=measure)
        .select_related("original__measure__basic_policy__plan")
        .prefetch_related(
            Prefetch("projects", queryset=projects, to_attr="year_projects"),
            Prefetch("original__projects", queryset=projects, to_attr="year_projects"),
        )
    )


def year_pairs(
    cycle: Cycle, measure: Measure, *, with_members: bool
) -> dict[str, list[YearPair] | YearPair]:
    """Self-evaluations per body, member evaluations per member and the committee's
    evaluation, each this year beside last year's (across the revision if need be)."""
    previous = cycle.previous_for(measure)
    keys = [(cycle.pk, measure.pk)]
    if previous:
        keys.append((previous[0].pk, previous[1].pk))
    cycles = [k[0] for k in keys]
    measures = [k[1] for k in keys]

    def slot(record) -> str | None:
        key = (record.cycle_id, record.measure_id)
        return "current" if key == keys[0] else "previous" if key in keys else None

    bodies = {b.pk: YearPair(b.name) for b in ImplementingBody.objects.all()}
    for record in SelfEvaluation.objects.filter(
        cycle__in=cycles, measure__in=measures
    ).select_related("rating"):
        if name := slot(record):
            setattr(bodies[record.body_id], name, record)

    members: dict[int, YearPair] = {}
    if with_members:
        for record in MemberEvaluation.objects.filter(
            cycle__in=cycles, measure__in=measures
        ).select_related("rating", "member"):
            if name := slot(record):
                pair = members.setdefault(
                    record.member_id,
                    YearPair(display_name(record.member)),
                )
                setattr(pair, name, record)

    committee = YearPair("委員会")
    for record in (
        CommitteeEvaluation.objects.shown()
        .filter(cycle__in=cycles, measure__in=measures)
        .select_related("rating")
    ):
        if name := slot(record):
            setattr(committee, name, record)

    return {
        "previous": previous,
        "self_rows": list(bodies.values()),
        "member_rows": sorted(members.values(), key=lambda p: p.label),
        "committee": committee,
    }
