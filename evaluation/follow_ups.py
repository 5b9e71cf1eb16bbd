"""Closing the loop on committee opinions (the 回答報告書): each confirmed 委員会評価 of year N
becomes, in year N+1, a follow-up item (担当課, 対応方針, 取組内容, 時期, 対応状況) for each
実施主体 with 事業 under that 施策 (the same 施策, or its successor across the revision);
a 施策 without 事業 is answered by the first 実施主体, the city, so no opinion goes
unanswered. The 事務局 splits an opinion into numbered points (``follow_up_points_set``):
each body concerned answers each point. Items not 対応済 are carried forward to the next
year until closed.

``follow_ups_open`` runs when a cycle enters 実施状況入力 (``services.cycle_move``) and can
run again safely: it only adds what is missing.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    FollowUp,
    FollowUpStatus,
    Project,
    running_between,
)
from evaluation.progress.entry import self_evaluation_expected
from policies.models import ImplementingBody, Measure


@dataclass
class Opened:
    created: int
    carried: int


def _previous_cycle(cycle: Cycle) -> Cycle | None:
    """Last year's cycle: of the same plan, else of the plan it revises."""
    year = cycle.fiscal_year - 1
    same = Cycle.objects.filter(plan_id=cycle.plan_id, fiscal_year=year).first()
    if same or not cycle.plan.predecessor_id:
        return same
    return Cycle.objects.filter(plan_id=cycle.plan.predecessor_id, fiscal_year=year).first()


def _successors(cycle: Cycle, previous: Cycle) -> dict[int, list[int]]:
    """Last year's 施策 id → this year's 施策 ids (itself within a plan; across the revision,
    the revised 施策 that list it among their ``predecessors``: a split gives several)."""
    measures = Measure.objects.of_plan(cycle.plan)
    if previous.plan_id == cycle.plan_id:
        return {m: [m] for m in measures.values_list("pk", flat=True)}
    successors: dict[int, list[int]] = defaultdict(list)
    for new, old in measures.filter(predecessors__isnull=False).values_list("pk", "predecessors"):
        successors[old].append(new)
    return successors


@dataclass
class Departments:
    """The 担当課 a new item of (施策, 実施主体) starts with (the 事務局 or the body may change
    it): those of the body's 事業 under the 施策 in the cycle's year, else the body's name
    (a 施策 without 事業, answered by the city)."""

    of_projects: dict[tuple[int, int], str]
    body_names: dict[int, str]

    @classmethod
    def of(cls, cycle: Cycle) -> "Departments":
        """Two queries, whatever the plan's size."""
        found: dict[tuple[int, int], list[str]] = defaultdict(list)
        for measure_id, body_id, department in (
            Project.objects.of_plan(cycle.plan)
            .filter(running_between(cycle.fiscal_year))
            .exclude(department="")
            .order_by("code")
            .values_list("initiatives__measure_id", "body_id", "department")
        ):
            if department not in found[(measure_id, body_id)]:
                found[(measure_id, body_id)].append(department)
        return cls(
            of_projects={key: "、".join(names) for key, names in found.items()},
            body_names=dict(ImplementingBody.objects.values_list("pk", "name")),
        )

    def of_item(self, measure_id: int, body_id: int) -> str:
        """「市民活動推進課、生涯学習スポーツ課」 or 「武蔵野プレイス」."""
        return self.of_projects.get((measure_id, body_id)) or self.body_names.get(body_id, "")


@transaction.atomic
def follow_ups_open(*, cycle: Cycle, user: User | None) -> Opened:
    """Create this year's follow-up items from last year's confirmed opinions, and carry
    forward last year's items that are not 対応済. A fixed number of queries plus one
    insert per new item."""
    previous = _previous_cycle(cycle)
    if previous is None:
        return Opened(0, 0)
    successor = _successors(cycle, previous)
    bodies_of = _answering_bodies(cycle)
    items = _Items.of(cycle, user)
    created = carried = 0
    departments = Departments.of(cycle)
    for opinion in CommitteeEvaluation.objects.filter(cycle=previous).confirmed():
        for measure_id in successor.get(opinion.measure_id, []):
            for body_id in bodies_of(measure_id):
                department = departments.of_item(measure_id, body_id)
                created += items.add(measure_id, body_id, opinion.pk, department=department)
    for item in FollowUp.objects.filter(cycle=previous).open():
        for measure_id in successor.get(item.measure_id, []):
            carried += items.add(
                measure_id,
                item.body_id,
                item.opinion_id,
                item.point_number,
                carried_from=item,
                point=item.point,
                department=item.department,
                policy=item.policy,
                action=item.action,
                timing=item.timing,
                status=item.status,
                difficulty_reason=item.difficulty_reason,
            )
    return Opened(created, carried)


def _answering_bodies(cycle: Cycle) -> Callable[[int], list[int]]:
    """Which 実施主体 answer an opinion on a 施策: those with 事業 under it; a 施策 no body
    has 事業 under is answered by the first 実施主体 (the city)."""
    bodies_of: dict[int, list[int]] = defaultdict(list)
    for body_id, measures in self_evaluation_expected(cycle).items():
        for measure_id in measures:
            bodies_of[measure_id].append(body_id)
    city = ImplementingBody.objects.order_by("order", "pk").values_list("pk", flat=True).first()
    return lambda measure_id: sorted(bodies_of.get(measure_id, [])) or ([city] if city else [])


@dataclass
class _Items:
    """The year's follow-up items, to add the missing ones once each."""

    cycle: Cycle
    user: User | None
    existing: set[tuple[int, int, int | None, int]]

    @classmethod
    def of(cls, cycle: Cycle, user: User | None) -> "_Items":
        existing = FollowUp.objects.filter(cycle=cycle).values_list(
            "measure_id", "body_id", "opinion_id", "point_number"
        )
        return cls(cycle, user, set(existing))

    def add(
        self,
        measure_id: int,
        body_id: int,
        opinion_id: int | None,
        point_number: int = 1,
        **fields: Any,
    ) -> bool:
        key = (measure_id, body_id, opinion_id, point_number)
        if key in self.existing:
            return False
        item = FollowUp(
            cycle=self.cycle,
            measure_id=measure_id,
            body_id=body_id,
            opinion_id=opinion_id,
            point_number=point_number,
            **fields,
        )
        item._history_user = self.user
        item.save()
        self.existing.add(key)
        return True


def _answered(item: FollowUp) -> bool:
    return bool(
        item.status != FollowUpStatus.NOT_YET
        or item.policy.strip()
        or item.action.strip()
        or item.timing.strip()
    )


def opinion_points(item: FollowUp) -> list[str]:
    """The points the 事務局 has split the item's opinion into (the whole opinion while it
    is one point), for the splitting form. One query."""
    siblings = FollowUp.objects.filter(
        cycle_id=item.cycle_id, measure_id=item.measure_id, opinion_id=item.opinion_id
    ).order_by("point_number", "pk")
    points: dict[int, str] = {}
    for number, text in siblings.values_list("point_number", "point"):
        points.setdefault(number, text)
    if len(points) == 1 and not points.get(1) and item.opinion is not None:
        return [item.opinion.opinion]
    return [points[n] for n in sorted(points)]


@transaction.atomic
def follow_up_points_set(*, item: FollowUp, points: list[str], user: User) -> int:
    """Split the item's opinion into numbered points (指摘事項): every 実施主体 answering
    that opinion gets one item per point, numbered 1, 2, … in the order given. A point
    taken away must not have been answered yet; an answered one is kept and refused
    with the reason. Returns the number of items now answering the opinion."""
    siblings = list(
        FollowUp.objects.select_for_update()
        .filter(cycle_id=item.cycle_id, measure_id=item.measure_id, opinion_id=item.opinion_id)
        .select_related("body")
        .order_by("point_number", "pk")
    )
    by_key = {(s.body_id, s.point_number): s for s in siblings}
    bodies = sorted({s.body_id for s in siblings})
    dropped = [s for s in siblings if s.point_number > len(points)]
    answered = [s for s in dropped if _answered(s)]
    if answered:
        raise ValidationError(
            _("指摘事項%(n)d（%(body)s）はすでに回答があるため、なくせません。")
            % {"n": answered[0].point_number, "body": answered[0].body.short_name}
        )
    for stale in dropped:
        stale.delete()
    for number, text in enumerate(points, start=1):
        for body_id in bodies:
            current = by_key.get((body_id, number))
            if current is None:
                current = FollowUp(
                    cycle_id=item.cycle_id,
                    measure_id=item.measure_id,
                    body_id=body_id,
                    opinion_id=item.opinion_id,
                    point_number=number,
                    department=by_key[(body_id, 1)].department if (body_id, 1) in by_key else "",
                )
            elif current.point == text:
                continue
            current.point = text
            current._history_user = user
            current.save()
    return len(points) * len(bodies)


def report_rows(cycle: Cycle) -> list[FollowUp]:
    """The 「委員会意見への対応状況」 of a cycle, in plan order. One query."""
    return list(
        FollowUp.objects.filter(cycle=cycle)
        .select_related("measure", "body", "opinion__cycle", "opinion__measure", "opinion__rating")
        .order_by(
            "measure__basic_policy__number", "measure__order", "point_number", "body__order", "pk"
        )
    )
