"""The 事務局 drafting the committee's evaluations one 施策 after another (保存して次へ):
which 施策 still needs a draft, in the plan's order."""

from django.db.models import Exists, OuterRef

from evaluation.models import CommitteeEvaluation, Cycle, ReviewState
from evaluation.page_cache import cached
from policies.models import Measure


def _needs_draft(cycle: Cycle) -> tuple[tuple[str, bool], ...]:
    """Every 施策 of the plan in order, and whether it still needs a draft (none yet, or
    the chair sent it back): one query, once per generation of the data."""

    def rows() -> tuple[tuple[str, bool], ...]:
        standing = CommitteeEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk")).exclude(
            review_state=ReviewState.SENT_BACK, confirmed_at__isnull=True
        )
        return tuple(
            (number, not drafted)
            for number, drafted in Measure.objects.of_plan(cycle.plan)
            .annotate(drafted=Exists(standing))
            .values_list("number", "drafted")
        )

    return cached(("needs_draft", cycle.pk), rows)


def next_to_draft(cycle: Cycle, current: str) -> str | None:
    """The number of the next 施策 after ``current`` (going round to the plan's start) that
    still needs a draft, or None when every other one has its draft."""
    rows = _needs_draft(cycle)
    numbers = [number for number, _needed in rows]
    start = numbers.index(current) + 1 if current in numbers else 0
    for number, needed in rows[start:] + rows[:start]:
        if needed and number != current:
            return number
    return None
