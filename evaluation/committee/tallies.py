"""The members' scores of a 施策, counted per rating level."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from evaluation.models import Cycle, MemberEvaluation
from evaluation.rollups.ratings import rating_levels
from policies.models import Measure, RatingLevel


@dataclass
class Tally:
    """The members' ratings of one 施策: how many chose each level, the median and the
    spread. 評価不能 is counted but left out of the median and the spread; an opinion
    without a rating is counted as ``opinion_only``."""

    counts: list[tuple[RatingLevel, int]]  # every level of the scale, in display order
    median: str  # a level code, or "B〜C" when the median falls between two levels
    spread: str  # lowest〜highest level code ("B" when all agree, "" without ratings)
    spread_points: int | None  # highest minus lowest points
    opinion_only: int

    @property
    def rated(self) -> int:
        return sum(n for _level, n in self.counts)


def _tally(levels: list[RatingLevel], counts: dict[int, int], opinion_only: int) -> Tally:
    scored = sorted(
        (
            (lv.points, lv.code)
            for lv in levels
            if lv.points is not None
            for _ in range(counts.get(lv.pk, 0))
        ),
    )
    median = spread = ""
    spread_points = None
    if scored:
        middle = len(scored) // 2
        low, high = scored[(len(scored) - 1) // 2][1], scored[middle][1]
        median = low if low == high else f"{high}〜{low}"
        # Codes read best from the better level down (A〜C), like the paper sheets.
        best, worst = scored[-1], scored[0]
        spread = best[1] if best[1] == worst[1] else f"{best[1]}〜{worst[1]}"
        spread_points = best[0] - worst[0]
    return Tally(
        counts=[(lv, counts.get(lv.pk, 0)) for lv in levels],
        median=median,
        spread=spread,
        spread_points=spread_points,
        opinion_only=opinion_only,
    )


def member_tallies(
    cycle: Cycle, measure: Measure | None = None, *, levels: list[RatingLevel] | None = None
) -> dict[int, Tally]:
    """The members' rating tally per 施策 of the cycle (or of one 施策) that has any 委員評価.
    Two queries: the scale's levels, and the count per 施策 and level (grouped in SQL)."""
    levels = rating_levels(cycle.plan, cycle.scale_id) if levels is None else levels
    rows = MemberEvaluation.objects.filter(cycle=cycle).order_by()
    if measure is not None:
        rows = rows.filter(measure=measure)
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    opinion_only: dict[int, int] = defaultdict(int)
    for row in rows.values("measure_id", "rating_id").annotate(n=Count("id")):
        if row["rating_id"] is None:
            opinion_only[row["measure_id"]] += row["n"]
        else:
            counts[row["measure_id"]][row["rating_id"]] = row["n"]
    measure_ids = set(counts) | set(opinion_only)
    return {m: _tally(levels, counts.get(m, {}), opinion_only.get(m, 0)) for m in measure_ids}


def member_tally(evaluations: list[MemberEvaluation], levels: list[RatingLevel]) -> Tally:
    """One 施策's tally from its member evaluations, already fetched (all zeros when no
    member has scored it yet), on the cycle's scale (``rating_levels``). No query."""
    counts = Counter(e.rating_id for e in evaluations if e.rating_id is not None)
    return _tally(levels, counts, sum(1 for e in evaluations if e.rating_id is None))
