"""What the 施策-per-year page shows, gathered in a fixed number of queries.

The page is one body shared by everyone of an audience (``body_context``, rendered once per
generation of the data, see ``page_cache``) and the member evaluations, which depend on
who is looking (``member_pairs``)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.http import urlencode

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.rollups.indicators import indicators_of_measure
from evaluation.sheet.locked import frozen_projects
from people.models import display_name
from policies.models import ImplementingBody, Initiative, Measure


@dataclass
class YearPair:
    """A record of this year beside last year's, for one row of the page."""

    label: str
    current: Any = None
    previous: Any = None


def initiatives_with_projects(cycle: Cycle, measure: Measure):
    """展開 items with the 事業 active this year and their 実施状況; a 再掲 item shows the
    事業 of its original (``initiative.source.year_projects``). A locked year shows its 事業
    as they were when it was locked, like its 評価表 (``sheet.locked``)."""
    if cycle.is_locked:
        return _locked_initiatives(cycle, measure)
    projects = (
        Project.objects.active_in(cycle.fiscal_year)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProjectReport.objects.filter(cycle=cycle).prefetch_related("indicators"),
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


def _locked_initiatives(cycle: Cycle, measure: Measure) -> list[Initiative]:
    """The same shape as the live query, from the locked year's frozen 事業. Four queries."""
    bodies = {b.pk: b for b in ImplementingBody.objects.all()}
    projects, links = frozen_projects(cycle, bodies)
    reports = {r.project_id: r for r in ProjectReport.objects.filter(cycle=cycle)}
    for project in projects.values():
        report = reports.get(project.pk)
        project.year_reports = [report] if report else []
    serving: dict[int, list[Project]] = {}
    for initiative_id, project_id in links:
        serving.setdefault(initiative_id, []).append(projects[project_id])
    initiatives = list(
        Initiative.objects.filter(measure=measure).select_related(
            "original__measure__basic_policy__plan"
        )
    )
    for initiative in initiatives:
        initiative.source.year_projects = serving.get(initiative.source.pk, [])
    return initiatives


def body_context(
    cycle: Cycle,
    measure: Measure,
    *,
    insider: bool,
    secretariat: bool,
    previous: tuple[Cycle, Measure] | None,
    path: str,
    drafts: Q | None = None,
) -> dict[str, Any]:
    """The shared body: 参考指標, 展開 → 事業 and 実施状況 (linked to their forms for insiders,
    coming back to ``path``), the committee's evaluation and the self-evaluations (with
    their review state and a link to review them, for the secretariat)."""

    return {
        "cycle": cycle,
        "measure": measure,
        "show_members": insider,
        "show_review": secretariat,
        "next_query": urlencode({"next": path}),
        "initiatives": initiatives_with_projects(cycle, measure),
        "measure_indicators": indicators_of_measure(measure, cycle.fiscal_year),
        **year_pairs(cycle, measure, previous=previous, drafts=drafts),
    }


def _slots(cycle: Cycle, measure: Measure, previous: tuple[Cycle, Measure] | None):
    """The (cycle, 施策) pairs to fetch, and a function naming a record's slot in a
    YearPair ("current", "previous" or None)."""
    keys = [(cycle.pk, measure.pk)]
    if previous:
        keys.append((previous[0].pk, previous[1].pk))

    def slot(record) -> str | None:
        key = (record.cycle_id, record.measure_id)
        return "current" if key == keys[0] else "previous" if key in keys else None

    return {"cycle__in": [k[0] for k in keys], "measure__in": [k[1] for k in keys]}, slot


def year_pairs(
    cycle: Cycle,
    measure: Measure,
    *,
    previous: tuple[Cycle, Measure] | None,
    drafts: Q | None = None,
) -> dict[str, Any]:
    """Self-evaluations per body and the committee's evaluation, each this year beside last
    year's (across the revision if need be). The same for everyone who may see the year.

    ``previous`` is last year's cycle and 施策 as the viewer may see them
    (``access.visible_previous``), or None to show no previous year."""
    where, slot = _slots(cycle, measure, previous)
    bodies = {b.pk: YearPair(b.name) for b in ImplementingBody.objects.all()}
    records = SelfEvaluation.objects.filter(**where).with_response_rule()
    for record in records.select_related("rating", "body"):
        if name := slot(record):
            setattr(bodies[record.body_id], name, record)

    committee = YearPair("委員会")
    for evaluation in (
        CommitteeEvaluation.objects.shown(drafts).filter(**where).select_related("rating")
    ):
        if name := slot(evaluation):
            setattr(committee, name, evaluation)

    return {"previous": previous, "self_rows": list(bodies.values()), "committee": committee}


def member_pairs(
    cycle: Cycle,
    measure: Measure,
    *,
    previous: tuple[Cycle, Measure] | None,
    only_member_id: int | None = None,
) -> list[YearPair]:
    """Member evaluations per member, this year beside last year's (insiders only).

    ``only_member_id``: this year's member evaluations are limited to that member's own
    (independent scoring, ``access.member_scores_access``); last year's are all shown."""
    where, slot = _slots(cycle, measure, previous)
    members: dict[int, YearPair] = {}
    rows = MemberEvaluation.objects.filter(**where).select_related("rating", "member")
    for record in rows.order_by():  # sorted by name below
        name = slot(record)
        if name == "current" and only_member_id not in (None, record.member_id):
            continue
        if name:
            pair = members.setdefault(record.member_id, YearPair(display_name(record.member)))
            setattr(pair, name, record)
    return sorted(members.values(), key=lambda p: p.label)
