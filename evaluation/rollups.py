"""The dashboard's numbers: plain functions that aggregate in SQL.

Every function runs a fixed number of queries whatever the plan's size (the database
does the counting and averaging; Python only arranges the grouped rows). Ratings are
averaged on ``RatingLevel.points``; a level without points (－ 評価不能) is left out of
every average and counted separately as ``unrated``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

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

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    IndicatorValue,
    MemberEvaluation,
    Project,
    ProjectReport,
    ReportStatus,
    Role,
    SelfEvaluation,
    display_name,
    running_between,
)
from policies.models import BasicPolicy, ImplementingBody, Measure, Plan, RatingLevel

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


def measure_ratings(cycle: Cycle) -> list[MeasureRow]:
    """Per 施策: committee rating, each 実施主体's self-rating, mean self points and the gap.

    Two queries: the 施策 annotated with the committee rating and the self-rating
    aggregates, and the individual self-ratings.
    """
    committee = CommitteeEvaluation.objects.shown().filter(cycle=cycle, measure=OuterRef("pk"))
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
class ProgressLine:
    """Expected versus existing records for one 実施主体 or one member."""

    label: str
    expected: int
    existing: int
    missing: list[tuple[str, str]] = field(default_factory=list)  # (label, key) of each gap
    # (label, URL or None) per missing item; filled by the page that shows them
    links: list[tuple[str, str | None]] = field(default_factory=list)

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


def entry_progress(cycle: Cycle) -> EntryProgress:
    """What exists and what is missing in a cycle. Four queries whatever the size.

    Expected: a 実施状況 for every active 事業 of a body, a 自己評価 per 施策 per body,
    a 委員評価 per 施策 per member (委員 and 委員長), a 委員会評価 per 施策.
    """
    plan, year = cycle.plan, cycle.fiscal_year
    active = Project.objects.of_plan(plan).active_in(year)
    reported = ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk"))
    missing_projects: dict[int, list[tuple[str, str]]] = defaultdict(list)
    expected_reports: dict[int, int] = defaultdict(int)
    for project in active.annotate(has_report=Exists(reported)).values(
        "body_id", "name", "code", "has_report"
    ):
        expected_reports[project["body_id"]] += 1
        if not project["has_report"]:
            missing_projects[project["body_id"]].append((project["name"], project["code"]))

    bodies = list(ImplementingBody.objects.all())
    members = list(
        get_user_model()
        .objects.filter(participant__role__in=[Role.MEMBER, Role.CHAIR])
        .order_by("participant__role", "username")
    )
    body_has = {
        f"b{b.pk}": Exists(
            SelfEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"), body=b)
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
        .annotate(**body_has, **member_has, **committee_has)
        .order_by("basic_policy__number", "order")
        .values("number", *body_has, *member_has, *committee_has)
    )
    n = len(measures)

    def line(label: str, key: str) -> ProgressLine:
        missing = [(m["number"], m["number"]) for m in measures if not m[key]]
        return ProgressLine(label, n, n - len(missing), missing)

    return EntryProgress(
        reports=[
            ProgressLine(
                b.short_name,
                expected_reports.get(b.pk, 0),
                expected_reports.get(b.pk, 0) - len(missing_projects.get(b.pk, [])),
                missing_projects.get(b.pk, []),
            )
            for b in bodies
        ],
        self_evaluations=[line(b.short_name, f"b{b.pk}") for b in bodies],
        member_evaluations=[line(display_name(u), f"u{u.pk}") for u in members],
        committee=line("委員会", "committee"),
    )


@dataclass
class TrendPoint:
    fiscal_year: int
    plan_id: int
    committee: Rating | None
    self_mean: float | None
    self_unrated: int


def rating_trends(plan: Plan) -> dict[int, list[TrendPoint]]:
    """Per 施策 of ``plan``: the committee rating and mean self points per fiscal year,
    following ``Measure.predecessors`` back through earlier plans (the revision, the plan
    before it, …).

    Where two plans of the lineage have a record for the same year, the newer plan's wins;
    where a 施策 merged several of the previous plan's, the first (by number) wins, as for
    "前年度" (``Measure.main_predecessor``). Four queries: plans, the lineage's 施策 with
    their links, committee ratings, self-rating averages.
    """
    chain = plan_chain(plan)
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
        for r in CommitteeEvaluation.objects.shown()
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


def rating_distribution(cycle: Cycle) -> dict[int, dict[str, Distribution]]:
    """Per 基本施策 and kind of rating: count per level, mean points, 評価不能 count.

    Two queries per kind (counts per level, then mean and 評価不能 per 基本施策). Records
    without a rating (an opinion only) are not counted.
    """
    result: dict[int, dict[str, Distribution]] = defaultdict(dict)
    for kind, model in KINDS.items():
        base = model.objects.filter(cycle=cycle, rating__isnull=False).order_by()
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


def rating_levels(plan: Plan) -> list[RatingLevel]:
    return list(RatingLevel.objects.filter(scale_id=plan.rating_scale_id).order_by("order"))


@dataclass
class IndicatorPoint:
    fiscal_year: int
    actual: float
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


def indicator_series(plan: Plan) -> list[IndicatorSeries]:
    """Each 参考指標 with its yearly values and 達成率 (computed in SQL). Two queries."""
    from evaluation.models import Indicator

    actual = Cast("actual", FloatField())
    target = Cast("target", FloatField())
    values = (
        IndicatorValue.objects.filter(indicator__plan=plan)
        .annotate(
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
                float(v["actual"]),
                float(v["target"]) if v["target"] is not None else None,
                v["achievement"],
            )
        )
    return [
        IndicatorSeries(i.pk, i.name, i.unit, i.source, i.higher_is_better, points.get(i.pk, []))
        for i in Indicator.objects.filter(plan=plan)
    ]
