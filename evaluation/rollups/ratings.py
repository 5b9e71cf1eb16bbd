"""The dashboard's numbers: plain functions that aggregate in SQL.

Every function runs a fixed number of queries whatever the plan's size (the database
does the counting and averaging; Python only arranges the grouped rows). Ratings are
averaged on ``RatingLevel.points``; a level without points (－ 評価不能) is left out of
every average and counted separately as ``unrated``.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.page_cache import cached
from policies.models import BasicPolicy, Measure, Plan, RatingLevel

STATUSES: list[str] = list(ReportStatus.values)


@dataclass
class Rating:
    code: str
    points: int | None


@dataclass
class MeasureRow:
    """One 施策 of one year: the committee's rating, each body's, the gap, 事業 counts."""

    id: int
    number: str
    title: str
    is_priority: bool
    basic_policy_id: int
    committee: Rating | None
    self_ratings: dict[int, Rating]  # by 実施主体 id
    self_mean: float | None  # mean points of the self-ratings, 評価不能 left out
    self_unrated: int
    gap: float | None  # committee points − self_mean: negative = the committee rated lower
    status_counts: dict[str, int] = field(default_factory=dict)
    projects: int = 0  # active 事業 serving the 施策 this year


def plan_chain(plan: Plan) -> list[int]:
    """The plan's id and its predecessors' ids, newest first (one small query)."""
    predecessor = dict(Plan.objects.values_list("id", "predecessor_id"))
    chain: list[int] = []
    current: int | None = plan.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = predecessor.get(current)
    return chain


def measure_ratings(cycle: Cycle, drafts: Q | None = None) -> list[MeasureRow]:
    """Per 施策: committee rating, each 実施主体's self-rating, mean self points and the gap.

    Two queries: the 施策 annotated with the committee rating and the self-rating
    aggregates, and the individual self-ratings.
    """
    self_ratings = _self_ratings(cycle)
    return [
        MeasureRow(
            id=m["id"],
            number=m["number"],
            title=m["title"],
            is_priority=m["is_priority"],
            basic_policy_id=m["basic_policy_id"],
            committee=(
                Rating(m["committee_code"], m["committee_points"]) if m["committee_code"] else None
            ),
            self_ratings=self_ratings.get(m["id"], {}),
            self_mean=m["self_mean"],
            self_unrated=m["self_unrated"],
            gap=m["gap"],
        )
        for m in _rated_measures(cycle, drafts)
    ]


def _rated_measures(cycle: Cycle, drafts: Q | None) -> Iterable[Mapping[str, Any]]:
    """The 施策 of the year with the committee rating and the self-rating aggregates."""
    committee = (  # one per 施策: no default ordering, which would join the plan to sort it
        CommitteeEvaluation.objects.shown(drafts)
        .filter(cycle=cycle, measure=OuterRef("pk"))
        .order_by()
    )
    own = Q(self_evaluations__cycle=cycle)
    measures = (
        Measure.objects.of_plan(cycle.plan)
        .annotate(
            committee_code=Subquery(committee.values("rating__code")[:1]),
            committee_points=Subquery(committee.values("rating__points")[:1]),
            self_mean=Avg("self_evaluations__rating__points", filter=own),
            self_unrated=Count(
                "self_evaluations",
                filter=own & Q(self_evaluations__rating__points__isnull=True),
            ),
        )
        .annotate(
            gap=Cast(F("committee_points"), FloatField()) - F("self_mean"),
        )
        .order_by("basic_policy__number", "order")
        .values(
            "id",
            "number",
            "title",
            "is_priority",
            "basic_policy_id",
            "committee_code",
            "committee_points",
            "self_mean",
            "self_unrated",
            "gap",
        )
    )
    return measures


def _self_ratings(cycle: Cycle) -> dict[int, dict[int, Rating]]:
    """Each 実施主体's self-rating of each 施策 of the year: 施策 id → body id → rating."""
    self_ratings: dict[int, dict[int, Rating]] = defaultdict(dict)
    for row in SelfEvaluation.objects.filter(cycle=cycle).values(
        "measure_id", "body_id", "rating__code", "rating__points"
    ):
        self_ratings[row["measure_id"]][row["body_id"]] = Rating(
            row["rating__code"], row["rating__points"]
        )
    return self_ratings


@dataclass
class TrendPoint:
    fiscal_year: int
    plan_id: int
    committee: Rating | None
    self_mean: float | None
    self_unrated: int
    scale_id: int | None = None  # the rating scale of that year's cycle
    scale_max: int | None = None  # its highest points
    # A merged 施策's year before the merge: every predecessor's record of that year, as
    # (施策番号, committee rating, mean self points), in lineage order; empty otherwise.
    parts: list[tuple[str, Rating | None, float | None]] = field(default_factory=list)

    @property
    def committee_share(self) -> float | None:
        """The committee's rating as a share of the scale's maximum (B of A–D: 0.75)."""
        if self.committee is None or self.committee.points is None or not self.scale_max:
            return None
        return self.committee.points / self.scale_max

    @property
    def self_share(self) -> float | None:
        if self.self_mean is None or not self.scale_max:
            return None
        return self.self_mean / self.scale_max


def scale_maxima(plan_ids: list[int]) -> dict[tuple[int, int], tuple[int, int | None]]:
    """(plan id, fiscal year) → (the cycle's scale, its highest points). One query."""
    top = (
        RatingLevel.objects.filter(scale_id=OuterRef("scale"))
        .exclude(points__isnull=True)
        .order_by("-points")
        .values("points")[:1]
    )
    rows = (
        Cycle.objects.filter(plan__in=plan_ids)
        .annotate(scale=Coalesce("rating_scale_id", "plan__rating_scale_id"))
        .annotate(top=Subquery(top))
        .values("plan_id", "fiscal_year", "scale", "top")
    )
    return {(r["plan_id"], r["fiscal_year"]): (r["scale"], r["top"]) for r in rows}


def rating_trends(plan: Plan, drafts: Q | None = None) -> dict[int, list[TrendPoint]]:
    """Per 施策 of ``plan``: the committee rating and mean self points per fiscal year,
    following ``Measure.predecessors`` back through earlier plans (the revision, the plan
    before it, …).

    Where two plans of the lineage have a record for the same year, the newer plan's wins;
    where a 施策 merged several of the previous plan's, the point is the first's (by number),
    as for "前年度" (``Measure.main_predecessor``), and ``parts`` carries every one of them. Each point carries its cycle's scale and that
    scale's maximum, so years rated on different scales compare as shares of their maximum
    (``committee_share``). Five queries: plans, the lineage's 施策 with their links,
    committee ratings, self-rating averages, and the cycles' scales.
    """
    chain = plan_chain(plan)
    maxima = scale_maxima(chain)
    rank = {plan_id: i for i, plan_id in enumerate(chain)}
    lineage = _Lineage.read(plan, chain)
    records = _TrendRecords.read(chain, drafts)
    trends: dict[int, list[TrendPoint]] = {}
    for measure_id in lineage.own:
        chosen = records.chosen(lineage.walk(measure_id), rank)
        trends[measure_id] = [
            records.point(year, chosen[year], lineage.numbers, maxima) for year in sorted(chosen)
        ]
    return trends


@dataclass
class _Lineage:
    """The 施策 of a plan's chain: the plan's own (in order), every one's place and number,
    and the links to their predecessors."""

    own: list[int]
    order: dict[int, tuple[int, int]]
    numbers: dict[int, str]
    predecessors: dict[int, list[int]]

    @classmethod
    def read(cls, plan: Plan, chain: list[int]) -> "_Lineage":
        lineage = cls(own=[], order={}, numbers={}, predecessors=defaultdict(list))
        # One row per lineage link (and one per 施策 without any): a LEFT JOIN on the links.
        for m in Measure.objects.filter(basic_policy__plan__in=chain).values(
            "id", "number", "predecessors", "basic_policy__plan_id", "basic_policy__number", "order"
        ):
            lineage.order[m["id"]] = (m["basic_policy__number"], m["order"])
            lineage.numbers[m["id"]] = m["number"]
            if m["predecessors"] is not None:
                lineage.predecessors[m["id"]].append(m["predecessors"])
            if m["basic_policy__plan_id"] == plan.pk and m["id"] not in lineage.own:
                lineage.own.append(m["id"])
        return lineage

    def walk(self, measure_id: int) -> list[int]:
        """The 施策's lineage, nearest first."""
        lineage, queue = [], [measure_id]
        while queue:
            current = queue.pop(0)
            if current in lineage or current not in self.order:
                continue  # a loop, or a link to a plan outside the chain
            lineage.append(current)
            queue.extend(
                sorted(self.predecessors[current], key=lambda m: self.order.get(m, (0, 0)))
            )
        return lineage


@dataclass
class _TrendRecords:
    """The committee ratings and self-rating averages of the chain, by (施策, year), indexed
    by 施策 once so that each lineage walk touches only its own rows."""

    committee: Mapping[tuple[int, int], Mapping[str, Any]]
    selfs: Mapping[tuple[int, int], Mapping[str, Any]]
    years_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    plan_of: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def read(cls, chain: list[int], drafts: Q | None) -> "_TrendRecords":
        committee = {
            (r["measure_id"], r["cycle__fiscal_year"]): r
            for r in CommitteeEvaluation.objects.shown(drafts)
            .filter(cycle__plan__in=chain)
            .values(
                "measure_id",
                "cycle__fiscal_year",
                "cycle__plan_id",
                "rating__code",
                "rating__points",
            )
        }
        own = (
            SelfEvaluation.objects.filter(cycle__plan__in=chain)
            .values("measure_id", "cycle__fiscal_year", "cycle__plan_id")
            .annotate(
                mean=Avg("rating__points"),
                unrated=Count("id", filter=Q(rating__points__isnull=True)),
            )
            .order_by()
        )
        records = cls(committee, {(r["measure_id"], r["cycle__fiscal_year"]): r for r in own})
        for rows in (records.committee, records.selfs):
            for (measure_id, year), r in rows.items():
                records.years_of[measure_id].add(year)
                records.plan_of[(measure_id, year)] = r["cycle__plan_id"]
        return records

    def chosen(self, lineage: list[int], rank: dict[int, int]) -> dict[int, list[int]]:
        """year → the lineage measures of the newest plan with a record that year (several
        where a merged 施策's predecessors each have one), in lineage order."""
        chosen: dict[int, list[int]] = {}
        for lineage_measure in lineage:
            for year in self.years_of.get(lineage_measure, ()):
                so_far = chosen.get(year)
                mine = rank[self.plan_of[(lineage_measure, year)]]
                if so_far is None or mine < rank[self.plan_of[(so_far[0], year)]]:
                    chosen[year] = [lineage_measure]
                elif mine == rank[self.plan_of[(so_far[0], year)]]:
                    so_far.append(lineage_measure)
        return chosen

    def point(
        self,
        year: int,
        measures: list[int],
        numbers: dict[int, str],
        maxima: dict[tuple[int, int], tuple[int, int | None]],
    ) -> TrendPoint:
        key = (measures[0], year)
        c, s = self.committee.get(key), self.selfs.get(key)
        parts = [
            _part(numbers[m], self.committee.get((m, year)), self.selfs.get((m, year)))
            for m in measures
        ]
        scale_id, scale_max = maxima.get((self.plan_of[key], year), (None, None))
        return TrendPoint(
            fiscal_year=year,
            plan_id=self.plan_of[key],
            committee=_rating(c),
            self_mean=s["mean"] if s else None,
            self_unrated=s["unrated"] if s else 0,
            scale_id=scale_id,
            scale_max=scale_max,
            parts=parts if len(parts) > 1 else [],
        )


def _rating(row: Mapping[str, Any] | None) -> Rating | None:
    return (
        Rating(row["rating__code"], row["rating__points"]) if row and row["rating__code"] else None
    )


def _part(
    number: str, committee: Mapping[str, Any] | None, own: Mapping[str, Any] | None
) -> tuple[str, Rating | None, float | None]:
    return number, _rating(committee), own["mean"] if own else None


@dataclass
class Distribution:
    """Ratings of one kind (委員会・自己・委員) within one 基本施策."""

    counts: dict[str, int]  # by level code, 評価不能 included
    mean: float | None  # 評価不能 left out
    unrated: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


KINDS: dict[str, type[CommitteeEvaluation] | type[SelfEvaluation] | type[MemberEvaluation]] = {
    "committee": CommitteeEvaluation,
    "self": SelfEvaluation,
    "member": MemberEvaluation,
}


def rating_distribution(
    cycle: Cycle, drafts: Q | None = None
) -> dict[int, dict[str, Distribution]]:
    """Per 基本施策 and kind of rating: count per level, mean points, 評価不能 count.

    Two queries per kind (counts per level, then mean and 評価不能 per 基本施策). Records
    without a rating (an opinion only) are not counted.
    """
    result: dict[int, dict[str, Distribution]] = defaultdict(dict)
    for kind, model in KINDS.items():
        records = (
            CommitteeEvaluation.objects.shown(drafts)
            if kind == "committee"
            else model._default_manager
        )
        base = records.filter(cycle=cycle, rating__isnull=False).order_by()
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for row in base.values("measure__basic_policy_id", "rating__code").annotate(n=Count("id")):
            counts[row["measure__basic_policy_id"]][row["rating__code"]] = row["n"]
        for row in base.values("measure__basic_policy_id").annotate(
            mean=Avg("rating__points"),
            unrated=Count("id", filter=Q(rating__points__isnull=True)),
        ):
            policy = row["measure__basic_policy_id"]
            result[policy][kind] = Distribution(counts[policy], row["mean"], row["unrated"])
    return dict(result)


def basic_policies(plan: Plan) -> list[BasicPolicy]:
    return list(BasicPolicy.objects.filter(plan=plan).order_by("number"))


def rating_levels(plan: Plan, scale_id: int | None = None) -> list[RatingLevel]:
    """The levels of a scale (the plan's default unless ``scale_id`` is given)."""
    return list(
        RatingLevel.objects.filter(scale_id=scale_id or plan.rating_scale_id).order_by("order")
    )


def cycle_levels(cycle: Cycle) -> list[RatingLevel]:
    """The levels of the cycle's scale, read once per generation of the data (``page_cache``):
    the rating forms' choices and the members' tally. Any save of a scale or a level starts
    a new generation, and a scale is locked once anything is rated on it."""
    return cached(
        ("rating_levels", cycle.scale_id), lambda: rating_levels(cycle.plan, cycle.scale_id)
    )
