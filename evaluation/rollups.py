"""The dashboard's numbers: plain functions that aggregate in SQL.

Every function runs a fixed number of queries whatever the plan's size (the database
does the counting and averaging; Python only arranges the grouped rows). Ratings are
averaged on ``RatingLevel.points``; a level without points (－ 評価不能) is left out of
every average and counted separately as ``unrated``.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from evaluation.achievement import achievement_rate
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    IndicatorValue,
    LockedSheet,
    MemberEvaluation,
    Project,
    ProjectReport,
    ReportStatus,
    Role,
    SelfEvaluation,
    display_name,
    running_between,
)
from evaluation.page_cache import cached
from policies.models import (
    BasicPolicy,
    ImplementingBody,
    Initiative,
    Measure,
    Plan,
    RatingLevel,
)

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
    chain, current = [], plan.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = predecessor.get(current)
    return chain


def measure_ratings(cycle: Cycle, drafts: Q | None = None) -> list[MeasureRow]:
    """Per 施策: committee rating, each 実施主体's self-rating, mean self points and the gap.

    Two queries: the 施策 annotated with the committee rating and the self-rating
    aggregates, and the individual self-ratings.
    """
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
    self_ratings: dict[int, dict[int, Rating]] = defaultdict(dict)
    for row in SelfEvaluation.objects.filter(cycle=cycle).values(
        "measure_id", "body_id", "rating__code", "rating__points"
    ):
        self_ratings[row["measure_id"]][row["body_id"]] = Rating(
            row["rating__code"], row["rating__points"]
        )
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
        for m in measures
    ]


def report_status_counts(cycle: Cycle) -> dict[int, dict[str, int]]:
    """Per 施策: how many 事業 reported each 実施状況 this year, and how many are active.

    A (再掲) item counts the work of its original, so a 事業 counts under every 施策 where
    the item it serves is listed. 事業 are linked to original items (the form offers only
    those), so for each listed item exactly one of the two paths below is non-empty, and
    the distinct count over their coalesced ids is the union. One query.
    """
    direct = "initiatives__projects"
    relisted = "initiatives__original__projects"
    report_id = Coalesce(f"{direct}__reports__id", f"{relisted}__reports__id")
    project_id = Coalesce(f"{direct}__id", f"{relisted}__id")

    def reported(status: str) -> Q:
        return Q(**{f"{direct}__reports__cycle": cycle, f"{direct}__reports__status": status}) | Q(
            **{f"{relisted}__reports__cycle": cycle, f"{relisted}__reports__status": status}
        )

    def active(prefix: str) -> Q:
        return running_between(cycle.fiscal_year, via=prefix)

    rows = (
        Measure.objects.of_plan(cycle.plan)
        .annotate(
            projects=Count(project_id, filter=active(direct) | active(relisted), distinct=True),
            **{
                status: Count(report_id, filter=reported(status), distinct=True)
                for status in STATUSES
            },
        )
        .values("id", "projects", *STATUSES)
    )
    return {row.pop("id"): row for row in rows}


@dataclass
class ProgressItem:
    """One record the cycle expects: a 事業's 実施状況 or a 施策's evaluation."""

    label: str  # the 事業's name or the 施策's number
    key: str  # the 事業's code or the 施策's number (URLs)
    # What was entered (the 実施状況's label, the 評価's 記号, "" when it says nothing more);
    # None while the record is missing.
    entered: str | None = None
    detail: str = ""  # the 事業's 担当課 or the 施策's title


@dataclass
class ProgressLine:
    """Expected versus existing records for one 実施主体 or one member."""

    label: str
    items: list[ProgressItem] = field(default_factory=list)  # every expected record, in order
    # (label, URL or None) per missing item; filled by the page that shows them
    links: list[tuple[str, str | None]] = field(default_factory=list)
    key: str = ""  # the 実施主体's code or the member's username (anchors, CSV)

    @property
    def expected(self) -> int:
        return len(self.items)

    @property
    def existing(self) -> int:
        return sum(item.entered is not None for item in self.items)

    @property
    def missing(self) -> list[tuple[str, str]]:
        """(label, key) of each gap."""
        return [(item.label, item.key) for item in self.items if item.entered is None]

    @property
    def complete(self) -> bool:
        return self.existing >= self.expected


@dataclass
class EntryProgress:
    reports: list[ProgressLine]  # 実施状況 per 実施主体
    self_evaluations: list[ProgressLine]  # 自己評価 per 実施主体
    member_evaluations: list[ProgressLine]  # 委員評価 per member
    committee: ProgressLine  # 委員会評価

    @property
    def committee_lines(self) -> list[ProgressLine]:
        return [self.committee]

    def all_lines(self) -> list[tuple[str, ProgressLine]]:
        """Every line with the kind of record it counts (report / measure based)."""
        return [
            *(("report", line) for line in self.reports),
            *(("measure", line) for line in self.self_evaluations),
            *(("measure", line) for line in self.member_evaluations),
            ("measure", self.committee),
        ]

    def of_body(self, body: ImplementingBody) -> tuple[ProgressLine, ProgressLine]:
        """The 実施主体's 実施状況 line and its 自己評価 line."""
        (reports,) = (line for line in self.reports if line.key == body.code)
        (evaluations,) = (line for line in self.self_evaluations if line.key == body.code)
        return reports, evaluations


def entry_progress(cycle: Cycle) -> EntryProgress:
    """What exists and what is missing in a cycle. Six queries whatever the size.

    Expected: a 実施状況 for every active 事業 of a body, a 自己評価 per 施策 per body
    where the body has 事業 under the 施策 (``self_evaluation_scope``),
    a 委員評価 per 施策 per member (委員 and 委員長), a 委員会評価 per 施策.
    A body's items say what was entered (the 実施状況, the 評価's 記号): the to-do page
    lists them under 「入力済み」.
    """
    plan, year = cycle.plan, cycle.fiscal_year
    active = Project.objects.of_plan(plan).active_in(year)
    # One row per key in each subquery: ``order_by()`` drops the models' default ordering,
    # which would join the cycle, the plan, the 施策 and the body for every row looked up.
    reported = ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk")).order_by()
    status_labels = dict(ReportStatus.choices)
    projects: dict[int, list[ProgressItem]] = defaultdict(list)
    for project in active.annotate(status=Subquery(reported.values("status")[:1])).values(
        "body_id", "name", "code", "department", "status"
    ):
        status = project["status"]
        projects[project["body_id"]].append(
            ProgressItem(
                project["name"],
                project["code"],
                None if status is None else str(status_labels.get(status, status)),
                project["department"],
            )
        )

    bodies = list(ImplementingBody.objects.all())
    members = list(
        get_user_model()
        .objects.filter(participant__role__in=[Role.MEMBER, Role.CHAIR])
        .order_by("participant__role", "username")
    )
    body_rating = {
        f"b{b.pk}": Subquery(
            SelfEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"), body=b)
            .order_by()
            .values("rating__code")[:1]
        )
        for b in bodies
    }
    member_has = {
        f"u{u.pk}": Exists(
            MemberEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"), member=u)
        )
        for u in members
    }
    committee_has = {
        "committee": Exists(CommitteeEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk")))
    }
    measures = list(
        Measure.objects.of_plan(plan)
        .annotate(**body_rating, **member_has, **committee_has)
        .order_by("basic_policy__number", "order")
        .values("id", "number", "title", *body_rating, *member_has, *committee_has)
    )
    expected = self_evaluation_expected(cycle)

    def item(m: dict, entered: str | None) -> ProgressItem:
        return ProgressItem(m["number"], m["number"], entered, m["title"])

    def body_line(b: ImplementingBody) -> ProgressLine:
        """Only the 施策 the body has 事業 under (該当なし elsewhere)."""
        wanted = [m for m in measures if m["id"] in expected.get(b.pk, set())]
        return ProgressLine(b.short_name, [item(m, m[f"b{b.pk}"]) for m in wanted], key=b.code)

    def line(label: str, key: str, owner: str) -> ProgressLine:
        return ProgressLine(label, [item(m, "" if m[key] else None) for m in measures], key=owner)

    return EntryProgress(
        reports=[ProgressLine(b.short_name, projects.get(b.pk, []), key=b.code) for b in bodies],
        self_evaluations=[body_line(b) for b in bodies],
        member_evaluations=[line(display_name(u), f"u{u.pk}", u.get_username()) for u in members],
        committee=line("委員会", "committee", "committee"),
    )


@dataclass
class TrendPoint:
    fiscal_year: int
    plan_id: int
    committee: Rating | None
    self_mean: float | None
    self_unrated: int
    scale_id: int | None = None  # the rating scale of that year's cycle
    scale_max: int | None = None  # its highest points

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
    where a 施策 merged several of the previous plan's, the first (by number) wins, as for
    "前年度" (``Measure.main_predecessor``). Each point carries its cycle's scale and that
    scale's maximum, so years rated on different scales compare as shares of their maximum
    (``committee_share``). Five queries: plans, the lineage's 施策 with their links,
    committee ratings, self-rating averages, and the cycles' scales.
    """
    chain = plan_chain(plan)
    maxima = scale_maxima(chain)
    rank = {plan_id: i for i, plan_id in enumerate(chain)}
    predecessors: dict[int, list[int]] = defaultdict(list)
    own_measures: list[int] = []
    order: dict[int, tuple[int, int]] = {}
    # One row per lineage link (and one per 施策 without any): a LEFT JOIN on the links.
    for m in Measure.objects.filter(basic_policy__plan__in=chain).values(
        "id", "predecessors", "basic_policy__plan_id", "basic_policy__number", "order"
    ):
        order[m["id"]] = (m["basic_policy__number"], m["order"])
        if m["predecessors"] is not None:
            predecessors[m["id"]].append(m["predecessors"])
        if m["basic_policy__plan_id"] == plan.pk and m["id"] not in own_measures:
            own_measures.append(m["id"])
    committee = {
        (r["measure_id"], r["cycle__fiscal_year"]): r
        for r in CommitteeEvaluation.objects.shown(drafts)
        .filter(cycle__plan__in=chain)
        .values(
            "measure_id", "cycle__fiscal_year", "cycle__plan_id", "rating__code", "rating__points"
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
    selfs = {(r["measure_id"], r["cycle__fiscal_year"]): r for r in own}

    by_measure: dict[int, list[int]] = {}  # measure → its lineage, nearest first
    for measure_id in own_measures:
        lineage, queue = [], [measure_id]
        while queue:
            current = queue.pop(0)
            if current in lineage or current not in order:
                continue  # a loop, or a link to a plan outside the chain
            lineage.append(current)
            queue.extend(sorted(predecessors[current], key=lambda m: order.get(m, (0, 0))))
        by_measure[measure_id] = lineage

    # Index the records by measure once, so each lineage walk touches only its own rows.
    years_of: dict[int, set[int]] = defaultdict(set)
    plan_of: dict[tuple[int, int], int] = {}
    for (measure_id, year), r in committee.items():
        years_of[measure_id].add(year)
        plan_of[(measure_id, year)] = r["cycle__plan_id"]
    for (measure_id, year), r in selfs.items():
        years_of[measure_id].add(year)
        plan_of[(measure_id, year)] = r["cycle__plan_id"]

    trends: dict[int, list[TrendPoint]] = {}
    for measure_id, lineage in by_measure.items():
        chosen: dict[int, int] = {}  # year → the lineage measure whose record is shown
        for lineage_measure in lineage:
            for year in years_of.get(lineage_measure, ()):
                current = chosen.get(year)
                if (
                    current is None
                    or rank[plan_of[(lineage_measure, year)]] < rank[plan_of[(current, year)]]
                ):
                    chosen[year] = lineage_measure
        points = []
        for year in sorted(chosen):
            key = (chosen[year], year)
            c, s = committee.get(key), selfs.get(key)
            points.append(
                TrendPoint(
                    fiscal_year=year,
                    plan_id=plan_of[key],
                    committee=(
                        Rating(c["rating__code"], c["rating__points"])
                        if c and c["rating__code"]
                        else None
                    ),
                    self_mean=s["mean"] if s else None,
                    self_unrated=s["unrated"] if s else 0,
                    scale_id=maxima.get((plan_of[key], year), (None, None))[0],
                    scale_max=maxima.get((plan_of[key], year), (None, None))[1],
                )
            )
        trends[measure_id] = points
    return trends


@dataclass
class Distribution:
    """Ratings of one kind (委員会・自己・委員) within one 基本施策."""

    counts: dict[str, int]  # by level code, 評価不能 included
    mean: float | None  # 評価不能 left out
    unrated: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


KINDS = {
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
            CommitteeEvaluation.objects.shown(drafts) if kind == "committee" else model.objects
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


@dataclass
class IndicatorPoint:
    fiscal_year: int
    actual: float | None  # None: only the target is entered so far
    target: float | None
    achievement: float | None  # 達成率: actual/target, target/actual where lower is better


@dataclass
class IndicatorSeries:
    id: int
    name: str
    unit: str
    source: str
    higher_is_better: bool
    points: list[IndicatorPoint]


def indicator_series(plan: Plan, years: set[int] | None = None) -> list[IndicatorSeries]:
    """Each 参考指標 with its yearly values and 達成率 (computed in SQL), of the ``years``
    given (``access.indicator_years``; None: every year). Two queries."""
    from evaluation.models import Indicator

    actual = Cast("actual", FloatField())
    target = Cast("target", FloatField())
    values = IndicatorValue.objects.filter(indicator__plan=plan)
    if years is not None:
        values = values.filter(fiscal_year__in=years)
    values = (
        values.annotate(
            achievement=Case(
                When(target__isnull=True, then=Value(None, output_field=FloatField())),
                When(indicator__higher_is_better=True, then=actual / NullIf(target, 0.0)),
                default=target / NullIf(actual, 0.0),
                output_field=FloatField(),
            )
        )
        .order_by("fiscal_year")
        .values("indicator_id", "fiscal_year", "actual", "target", "achievement")
    )
    points: dict[int, list[IndicatorPoint]] = defaultdict(list)
    for v in values:
        points[v["indicator_id"]].append(
            IndicatorPoint(
                v["fiscal_year"],
                float(v["actual"]) if v["actual"] is not None else None,
                float(v["target"]) if v["target"] is not None else None,
                v["achievement"],
            )
        )
    return [
        IndicatorSeries(i.pk, i.name, i.unit, i.source, i.higher_is_better, points.get(i.pk, []))
        for i in Indicator.objects.filter(plan=plan)
    ]


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


def self_evaluation_scope(
    plan: Plan, years: list[int], *, any_locked: bool = True, frozen_for: int | None = None
) -> set[tuple[int, int, int]]:
    """Where a 自己評価 is asked for: (実施主体 id, 施策 id, fiscal year) for each body with a
    事業 active that year that serves a 展開 of the 施策, directly or through a 再掲 item
    (work on 1-1② counts under 3-1④). Everywhere else the body is 該当なし: not asked,
    though it may still write one. The one place of this rule: やること, the entry
    progress, the dashboard's 未入力 lists and the 評価表 all read it.

    A locked (確定/公開) year reads its 事業 as frozen when it was locked (``LockedProject``),
    so editing a 事業 for a later year never turns its 「（未入力）」 into 「該当なし」.
    ``frozen_for``: a locked year whose 評価表 is being read; a year shown beside it without
    a copy of its own (last year's columns, where last year has no locked cycle) is read from
    that year's frozen 事業 too, so the whole printed sheet stays as it was. Up to four queries; two where the caller knows no year is locked (``any_locked``)."""
    if not years:
        return set()
    scope: set[tuple[int, int, int]] = set()
    frozen = (
        list(
            LockedSheet.objects.filter(cycle__plan=plan, cycle__fiscal_year__in=years)
            .order_by()
            .values_list("cycle__fiscal_year", "projects__body_id", "projects__initiative_ids")
        )
        if any_locked
        else []
    )
    copied = {year for year, _b, _i in frozen}
    # Years read from ``frozen_for``'s copy: those shown beside it without one of their own.
    stand_in = [year for year in years if year not in copied] if frozen_for in copied else []
    if any(body_id is not None for _year, body_id, _ids in frozen):
        measures_of: dict[int, set[int]] = defaultdict(set)  # 展開 → its 施策 and its 再掲's
        for pk, measure_id, original_id in Initiative.objects.filter(
            measure__basic_policy__plan=plan
        ).values_list("pk", "measure_id", "original_id"):
            measures_of[pk].add(measure_id)
            if original_id is not None:
                measures_of[original_id].add(measure_id)
        for year, body_id, initiative_ids in frozen:
            for initiative_id in initiative_ids or []:
                for m in measures_of[initiative_id]:
                    scope.add((body_id, m, year))
                    if year == frozen_for:
                        scope.update((body_id, m, other) for other in stand_in)
    live = [year for year in years if year not in copied and year not in stand_in]
    if not live:
        return scope
    first, last = min(live), max(live)
    running = (
        Project.objects.of_plan(plan)
        .filter(first_year__lte=last)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=first))
        .order_by()
    )
    for path in ("initiatives__measure_id", "initiatives__relistings__measure_id"):
        for body_id, measure_id, start, end in running.filter(
            **{f"{path}__isnull": False}
        ).values_list("body_id", path, "first_year", "last_year"):
            for year in live:
                if start <= year and (end is None or year <= end):
                    scope.add((body_id, measure_id, year))
    return scope


def self_evaluation_expected(cycle: Cycle) -> dict[int, set[int]]:
    """Per 実施主体 id: the 施策 ids whose 自己評価 the cycle asks it for (see
    ``self_evaluation_scope``)."""
    expected: dict[int, set[int]] = defaultdict(set)
    scope = self_evaluation_scope(cycle.plan, [cycle.fiscal_year], any_locked=cycle.is_locked)
    for body_id, measure_id, _year in scope:
        expected[body_id].add(measure_id)
    return expected


@dataclass
class MeasureIndicator:
    """A 参考指標 of a 施策 with one year's values (None where not entered)."""

    id: int
    name: str
    unit: str
    source: str
    higher_is_better: bool
    target: Decimal | None
    actual: Decimal | None

    @property
    def achievement(self) -> float | None:
        return achievement_rate(self.actual, self.target, higher_is_better=self.higher_is_better)


def _with_values(indicators, fiscal_year: int) -> dict[int, MeasureIndicator]:
    """``indicators`` (a queryset) with that year's values, in display order. One query."""
    year_value = IndicatorValue.objects.filter(  # one per year: nothing to sort
        indicator=OuterRef("pk"), fiscal_year=fiscal_year
    ).order_by()
    rows = indicators.annotate(
        year_target=Subquery(year_value.values("target")[:1]),
        year_actual=Subquery(year_value.values("actual")[:1]),
    ).order_by("order", "pk")
    return {
        i.pk: MeasureIndicator(
            i.pk, i.name, i.unit, i.source, i.higher_is_better, i.year_target, i.year_actual
        )
        for i in rows
    }


def measure_indicators(plan: Plan, fiscal_year: int) -> dict[int, list[MeasureIndicator]]:
    """Every 施策's 参考指標 with their values in ``fiscal_year``, by measure id. Two queries."""
    from evaluation.models import Indicator

    links = Indicator.measures.through.objects.filter(indicator__plan=plan).values_list(
        "measure_id", "indicator_id"
    )
    indicators = _with_values(Indicator.objects.filter(plan=plan), fiscal_year)
    order = {pk: n for n, pk in enumerate(indicators)}
    result: dict[int, list[MeasureIndicator]] = defaultdict(list)
    for measure_id, indicator_id in sorted(links, key=lambda link: order[link[1]]):
        result[measure_id].append(indicators[indicator_id])
    return result


def indicators_of_measure(measure: Measure, fiscal_year: int) -> list[MeasureIndicator]:
    """One 施策's 参考指標 with their values in ``fiscal_year``: for the 施策 pages, the
    member's scoring page and anywhere else one 施策 is shown. One query."""
    from evaluation.models import Indicator

    return list(_with_values(Indicator.objects.filter(measures=measure), fiscal_year).values())
