"""Closing the loop on committee opinions: each confirmed 委員会評価 of year N becomes, in
year N+1, a follow-up item (対応方針, 対応状況) for each 実施主体 with 事業 under that 施策
(the same 施策, or its successor across the revision). Items not 対応済 are carried
forward to the next year until closed.

``follow_ups_open`` runs when a cycle enters 実施状況入力 (``services.cycle_move``) and can
run again safely: it only adds what is missing.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from evaluation.models import CommitteeEvaluation, Cycle, FollowUp
from evaluation.progress.entry import self_evaluation_expected
from policies.models import Measure


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


@transaction.atomic
def follow_ups_open(*, cycle: Cycle, user: User | None) -> Opened:
    """Create this year's follow-up items from last year's confirmed opinions, and carry
    forward last year's items that are not 対応済. A fixed number of queries plus one
    insert per new item."""
    previous = _previous_cycle(cycle)
    if previous is None:
        return Opened(0, 0)
    successor = _successors(cycle, previous)
    bodies_of: dict[int, list[int]] = defaultdict(list)
    for body_id, measures in self_evaluation_expected(cycle).items():
        for measure_id in measures:
            bodies_of[measure_id].append(body_id)
    existing: set[tuple[int, int, int | None]] = set(
        FollowUp.objects.filter(cycle=cycle).values_list("measure_id", "body_id", "opinion_id")
    )

    def add(measure_id: int, body_id: int, opinion_id: int | None, **fields) -> bool:
        key = (measure_id, body_id, opinion_id)
        if key in existing:
            return False
        item = FollowUp(
            cycle=cycle, measure_id=measure_id, body_id=body_id, opinion_id=opinion_id, **fields
        )
        item._history_user = user
        item.save()
        existing.add(key)
        return True

    created = carried = 0
    for opinion in CommitteeEvaluation.objects.filter(cycle=previous).confirmed():
        for measure_id in successor.get(opinion.measure_id, []):
            for body_id in sorted(bodies_of.get(measure_id, [])):
                created += add(measure_id, body_id, opinion.pk)
    for item in FollowUp.objects.filter(cycle=previous).open():
        for measure_id in successor.get(item.measure_id, []):
            carried += add(
                measure_id,
                item.body_id,
                item.opinion_id,
                carried_from=item,
                policy=item.policy,
                status=item.status,
                difficulty_reason=item.difficulty_reason,
            )
    return Opened(created, carried)


def report_rows(cycle: Cycle) -> list[FollowUp]:
    """The 「委員会意見への対応状況」 of a cycle, in plan order. One query."""
    return list(
        FollowUp.objects.filter(cycle=cycle)
        .select_related("measure", "body", "opinion__cycle", "opinion__measure", "opinion__rating")
        .order_by("measure__basic_policy__number", "measure__order", "body__order", "pk")
    )
