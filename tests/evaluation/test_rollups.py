"""Each roll-up against a straightforward Python computation on generated data."""

from statistics import mean

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.progress.entry import entry_progress, report_status_counts
from evaluation.rollups import indicators, ratings
from ops.scale_data import generate
from policies.models import ImplementingBody, Initiative, Measure, Plan, RatingLevel
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    level,
    measure,
    revised_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> Plan:
    """k = 2, with the awkward cases the generator does not make: 評価不能 ratings, missing
    entries, an ended 事業, and a 事業 serving both an item and an item re-listed beside it."""
    plan = generate(2)
    cycle = Cycle.objects.get(plan=plan, fiscal_year=2019)
    unrated = level("－")
    SelfEvaluation.objects.filter(cycle=cycle, measure__number__in=["1-1", "2-4"]).filter(
        body__code="city"
    ).update(rating=unrated)
    SelfEvaluation.objects.filter(cycle=cycle, measure__number="3-1", body__code="place").delete()
    CommitteeEvaluation.objects.filter(cycle=cycle, measure__number="2-2").update(rating=unrated)
    CommitteeEvaluation.objects.filter(cycle=cycle, measure__number="4-1").delete()
    MemberEvaluation.objects.filter(cycle=cycle, measure__number="1-2").update(rating=None)
    three = MemberEvaluation.objects.filter(cycle=cycle, measure__number="2-3")[:3]
    MemberEvaluation.objects.filter(pk__in=[e.pk for e in three]).delete()
    ProjectReport.objects.filter(cycle=cycle, project__code__endswith="-07").delete()
    Project.objects.filter(code=f"{plan.code}-000-09").update(last_year=2018)
    both = Project.objects.get(code=f"{plan.code}-000-01")
    # 3-1① is an original in 3-1; 1-1② is re-listed as 3-1④: the 事業 counts once in 3-1.
    both.initiatives.add(
        Initiative.objects.get_by_natural_key(plan.code, "3-1", 1),
        Initiative.objects.get_by_natural_key(plan.code, "1-1", 2),
    )
    return plan


def cycle_of(plan: Plan, year: int = 2019) -> Cycle:
    return Cycle.objects.select_related("plan").get(plan=plan, fiscal_year=year)


def points_mean(ratings: list[RatingLevel]) -> float | None:
    points = [r.points for r in ratings if r.points is not None]
    return mean(points) if points else None


# --- Python references --------------------------------------------------------------


def reference_measure_ratings(cycle: Cycle) -> dict[str, tuple]:
    result = {}
    for m in Measure.objects.of_plan(cycle.plan):
        committee = CommitteeEvaluation.objects.filter(cycle=cycle, measure=m).first()
        selfs = [s.rating for s in SelfEvaluation.objects.filter(cycle=cycle, measure=m)]
        self_mean = points_mean(selfs)
        c_points = committee.rating.points if committee and committee.rating else None
        gap = c_points - self_mean if c_points is not None and self_mean is not None else None
        result[m.number] = (
            committee.rating.code if committee and committee.rating else None,
            self_mean,
            sum(1 for r in selfs if r.points is None),
            gap,
            {
                s.body_id: s.rating.code
                for s in SelfEvaluation.objects.filter(cycle=cycle, measure=m)
            },
        )
    return result


def reference_status_counts(cycle: Cycle) -> dict[str, dict[str, int]]:
    result = {}
    projects = list(Project.objects.of_plan(cycle.plan).prefetch_related("initiatives"))
    for m in Measure.objects.of_plan(cycle.plan):
        sources = {i.source.pk for i in m.initiatives.all()}
        serving = [p for p in projects if {i.pk for i in p.initiatives.all()} & sources]
        counts = {s: 0 for s in ReportStatus.values}
        for report in ProjectReport.objects.filter(cycle=cycle, project__in=serving):
            counts[report.status] += 1
        counts["projects"] = sum(1 for p in serving if p.is_active_in(cycle.fiscal_year))
        result[m.number] = counts
    return result


# --- the roll-ups -----------------------------------------------------------------------


def test_measure_ratings_match_the_reference(plan):
    cycle = cycle_of(plan)
    expected = reference_measure_ratings(cycle)
    rows = ratings.measure_ratings(cycle)
    assert len(rows) == 24
    for row in rows:
        code, self_mean, unrated, gap, bodies = expected[row.number]
        assert (row.committee.code if row.committee else None) == code
        assert row.self_mean == pytest.approx(self_mean)
        assert row.self_unrated == unrated
        assert row.gap == pytest.approx(gap)
        assert {b: r.code for b, r in row.self_ratings.items()} == bodies


def test_measure_ratings_leave_unrated_self_ratings_out_of_the_mean(plan):
    rows = {r.number: r for r in ratings.measure_ratings(cycle_of(plan))}
    row = rows["1-1"]
    assert row.self_unrated == 1
    points = sorted(r.points for r in row.self_ratings.values() if r.points is not None)
    assert len(points) == 2
    assert row.self_mean == pytest.approx(sum(points) / 2)


def test_an_unrated_committee_rating_has_no_gap_and_a_missing_one_shows_as_none(plan):
    rows = {r.number: r for r in ratings.measure_ratings(cycle_of(plan))}
    assert rows["2-2"].committee.code == "－"
    assert rows["2-2"].gap is None
    assert rows["4-1"].committee is None


def test_report_status_counts_match_the_reference(plan):
    cycle = cycle_of(plan)
    expected = reference_status_counts(cycle)
    counts = report_status_counts(cycle)
    numbers = dict(Measure.objects.of_plan(plan).values_list("id", "number"))
    assert {numbers[k]: v for k, v in counts.items()} == expected


def test_a_project_counts_once_under_a_measure_it_reaches_twice(plan):
    cycle = cycle_of(plan)
    m = Measure.objects.get_by_natural_key(plan.code, "3-1")
    counts = report_status_counts(cycle)[m.pk]
    # Four 事業 serve 3-1's originals, one serves 1-1② (re-listed as 3-1④), and -000-01
    # reaches 3-1 both ways: six 事業, not seven.
    assert counts == {"projects": 6, "done": 3, "partial": 3, "not_done": 0, "ended": 0}
    assert counts == reference_status_counts(cycle)["3-1"]


def test_relisted_items_count_the_work_of_their_original():
    plan = revised_plan()
    cycle = CycleFactory(plan=plan, fiscal_year=2021)
    original = Initiative.objects.get_by_natural_key(plan.code, "1-1", 2)  # re-listed as 2-4④, 3-1④
    project = ProjectFactory(initiatives=[original])
    ProjectReportFactory(cycle=cycle, project=project, status=ReportStatus.PARTIAL)
    counts = report_status_counts(cycle)
    for number in ["1-1", "2-4", "3-1"]:
        assert counts[measure(number).pk]["partial"] == 1
        assert counts[measure(number).pk]["projects"] == 1
    assert counts[measure("1-2").pk]["partial"] == 0


def test_entry_progress_counts_expected_and_existing_records(plan):
    cycle = cycle_of(plan)
    progress = entry_progress(cycle)
    bodies = list(ImplementingBody.objects.all())
    active = [p for p in Project.objects.of_plan(plan) if p.is_active_in(2019)]
    for body, line in zip(bodies, progress.reports, strict=True):
        mine = [p for p in active if p.body_id == body.pk]
        reported = [p for p in mine if p.reports.filter(cycle=cycle).exists()]
        assert (line.expected, line.existing) == (len(mine), len(reported))
        assert sorted(code for _label, code in line.missing) == sorted(
            p.code for p in mine if p not in reported
        )
    assert sum(line.expected for line in progress.reports) == 79  # one 事業 ended in 2018
    assert sum(line.existing for line in progress.reports) == 77  # -07 of both copies
    place = progress.self_evaluations[1]
    assert (place.label, place.expected, place.existing) == (
        "武蔵野プレイス",
        22,
        21,
    )  # 該当なし where it has no 事業
    assert place.missing == [("3-1", "3-1")]
    assert [line.existing for line in progress.member_evaluations].count(23) == 3
    assert progress.committee.missing == [("4-1", "4-1")]


def test_entry_progress_looks_records_up_without_joining_anything_to_sort_them(plan):
    """Each 実施状況 / 自己評価 is one row per key: the models' default ordering (through the
    cycle, its plan and the 施策) in a correlated subquery would run for every 事業 and 施策."""
    with CaptureQueriesContext(connection) as queries:
        entry_progress(cycle_of(plan))
    looked_up = [q["sql"] for q in queries if "(SELECT" in q["sql"]]
    assert looked_up  # the 事業 with their 実施状況, the 施策 with their 自己評価
    assert not [sql for sql in looked_up if '"policies_plan"."first_year"' in sql]


def test_rating_distribution_matches_the_reference(plan):
    cycle = cycle_of(plan)
    result = ratings.rating_distribution(cycle)
    for bp in plan.basic_policies.all():
        for kind, model in ratings.KINDS.items():
            given = [
                r.rating
                for r in model.objects.filter(cycle=cycle, measure__basic_policy=bp)
                if r.rating is not None
            ]
            dist = result[bp.pk][kind]
            counts: dict[str, int] = {}
            for r in given:
                counts[r.code] = counts.get(r.code, 0) + 1
            assert dist.counts == counts
            assert dist.mean == pytest.approx(points_mean(given))
            assert dist.unrated == sum(1 for r in given if r.points is None)


def test_rating_distribution_shows_unrated_separately(plan):
    cycle = cycle_of(plan)
    bp = Measure.objects.get_by_natural_key(plan.code, "2-2").basic_policy
    committee = ratings.rating_distribution(cycle)[bp.pk]["committee"]
    assert committee.unrated == 1
    assert committee.counts["－"] == 1


def test_rating_trends_follow_the_lineage_back_to_the_first_half_plan():
    plan = revised_plan()
    first_half = Plan.objects.get(code="basic-2012")
    old = Cycle.objects.get(plan=first_half, fiscal_year=2016)  # the real mid-term review
    overlap_old = CycleFactory(plan=first_half, fiscal_year=2017, phase=Phase.PUBLISHED)
    new = CycleFactory(plan=plan, fiscal_year=2017, phase=Phase.PUBLISHED)
    later = CycleFactory(plan=plan, fiscal_year=2018, phase=Phase.PUBLISHED)
    m = measure("2-6")
    midterm = CommitteeEvaluation.objects.get(cycle=old, measure=m.main_predecessor())
    midterm.rating = level("D")  # the real review has opinions only; give it a rating here
    midterm.save()
    CommitteeEvaluationFactory(cycle=overlap_old, measure=m.main_predecessor(), rating=level("A"))
    CommitteeEvaluationFactory(cycle=new, measure=m, rating=level("C"))
    CommitteeEvaluationFactory(cycle=later, measure=m, rating=level("－"))
    trends = ratings.rating_trends(plan)
    points = [(p.fiscal_year, p.plan_id, p.committee.code) for p in trends[m.pk]]
    assert points == [(2016, first_half.pk, "D"), (2017, plan.pk, "C"), (2018, plan.pk, "－")]
    # 1-1 has only the mid-term review's opinion, without a rating.
    assert [(p.fiscal_year, p.committee) for p in trends[measure("1-1").pk]] == [(2016, None)]
    assert set(trends) == set(Measure.objects.of_plan(plan).values_list("pk", flat=True))


def test_rating_trends_match_the_reference_on_generated_data(plan):
    trends = ratings.rating_trends(plan)
    for m in Measure.objects.of_plan(plan):
        expected = []
        for cycle in Cycle.objects.filter(plan=plan).order_by("fiscal_year"):
            c = CommitteeEvaluation.objects.filter(cycle=cycle, measure=m).first()
            selfs = [s.rating for s in SelfEvaluation.objects.filter(cycle=cycle, measure=m)]
            if c is None and not selfs:
                continue
            expected.append((cycle.fiscal_year, c.rating.code if c else None, points_mean(selfs)))
        got = [
            (p.fiscal_year, p.committee.code if p.committee else None, p.self_mean)
            for p in trends[m.pk]
        ]
        assert [g[:2] for g in got] == [e[:2] for e in expected]
        assert [g[2] for g in got] == pytest.approx([e[2] for e in expected])


def test_roll_ups_run_a_fixed_number_of_queries_at_any_size():
    counts = []
    for k in (1, 3):
        cycle = cycle_of(generate(k))
        with CaptureQueriesContext(connection) as queries:
            ratings.measure_ratings(cycle)
            report_status_counts(cycle)
            entry_progress(cycle)
            ratings.rating_trends(cycle.plan)
            ratings.rating_distribution(cycle)
            indicators.indicator_series(cycle.plan)
        counts.append(len(queries))
    assert counts == [22, 22]  # the 該当なし scope (2 queries), the cycles' scales


@settings(max_examples=20, deadline=None)
@given(
    codes=st.lists(st.sampled_from(["A", "B", "C", "D", "－"]), min_size=36, max_size=36),
    committee=st.lists(st.sampled_from(["A", "B", "C", "D", "－"]), min_size=12, max_size=12),
)
def test_any_mix_of_ratings_averages_like_the_reference(codes, committee):
    plan = generate(1)  # once: later examples find it (only each example's edits roll back)
    with transaction.atomic():
        cycle = cycle_of(plan, 2020)
        levels = {lv.code: lv for lv in RatingLevel.objects.filter(scale__code="tama-4")}
        for s, code in zip(
            SelfEvaluation.objects.filter(cycle=cycle).order_by("pk"), codes, strict=True
        ):
            s.rating = levels[code]
            s.save(update_fields=["rating"])
        for c, code in zip(
            CommitteeEvaluation.objects.filter(cycle=cycle).order_by("pk"), committee, strict=True
        ):
            c.rating = levels[code]
            c.save(update_fields=["rating"])
        expected = reference_measure_ratings(cycle)
        for row in ratings.measure_ratings(cycle):
            code, self_mean, unrated, gap, _bodies = expected[row.number]
            assert row.self_mean == pytest.approx(self_mean)
            assert row.self_unrated == unrated
            assert row.gap == pytest.approx(gap)
        transaction.set_rollback(True)
