"""The demo shows a plan's life: 平成29〜令和2年度 published (the three earlier years made
from the fixture's 令和2年度, marked 【デモ】, with each member's 委員評価 and a 回答報告書)
and 参考指標 with values across the years, so a newcomer's first dashboard draws trends as
lines."""

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    FollowUp,
    FollowUpStatus,
    IndicatorValue,
    MemberEvaluation,
    Phase,
    ProjectReport,
)
from people.models import Seat, committee_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_the_demo_plan_has_four_published_years_before_the_open_one(demo):
    phases = dict(
        Cycle.objects.filter(plan__code="revised-2017").values_list("fiscal_year", "phase")
    )
    assert phases == {
        2017: Phase.PUBLISHED,
        2018: Phase.PUBLISHED,
        2019: Phase.PUBLISHED,
        2020: Phase.PUBLISHED,
        2021: Phase.ENTRY,
    }


def test_the_earlier_years_are_marked_as_demo_and_never_rated_above_2020(demo):
    latest = {
        e.measure_id: e.rating.points
        for e in CommitteeEvaluation.objects.filter(cycle__fiscal_year=2020).select_related(
            "rating"
        )
    }
    for year in (2017, 2018, 2019):
        evaluations = CommitteeEvaluation.objects.filter(
            cycle__plan__code="revised-2017", cycle__fiscal_year=year
        ).select_related("rating")
        assert evaluations.count() == 12
        assert all(e.is_confirmed and e.opinion.startswith("【デモ】") for e in evaluations)
        assert all(e.rating.points <= latest[e.measure_id] for e in evaluations)
        reports = ProjectReport.objects.filter(cycle__fiscal_year=year)
        assert reports.exists() and all(r.activities.startswith("【デモ】") for r in reports)


def test_the_reference_indicators_have_a_value_for_every_published_year(demo):
    years = IndicatorValue.objects.filter(actual__isnull=False).values_list(
        "fiscal_year", flat=True
    )
    assert sorted(set(years)) == [2017, 2018, 2019, 2020]


def test_the_first_dashboard_draws_trends_as_lines(client, demo):
    html = client.get(
        reverse("evaluation:dashboard_trends", kwargs={"plan": "revised-2017"})
    ).content
    text = html.decode()
    assert "参考指標はまだ登録されていません。" not in text
    points = [len(p.split()) for p in re.findall(r'<polyline[^>]*points="([^"]*)"', text)]
    assert points and min(points) == 4  # 平成29〜令和2年度


def test_each_earlier_year_has_every_serving_members_evaluation_around_the_committees(demo):
    for year in (2017, 2018, 2019):
        cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=year)
        serving = set(
            committee_users(cycle.plan_id, *cycle.committee_period()).values_list(
                "username", flat=True
            )
        )
        assert len(serving) == 8
        for committee in cycle.committee_evaluations.all():
            members = MemberEvaluation.objects.filter(cycle=cycle, measure=committee.measure)
            assert set(members.values_list("member__username", flat=True)) == serving
            ratings = Counter(members.values_list("rating_id", flat=True))
            assert ratings.most_common(1)[0][0] == committee.rating_id


def test_the_earlier_committee_is_its_own_term_and_the_real_2016_roster_stays_empty(demo):
    rosters = {
        c.fiscal_year: c.roster().count()
        for c in Cycle.objects.filter(fiscal_year__in=[2016, 2017, 2020])
    }
    assert rosters == {2016: 0, 2017: 8, 2020: 8}


def test_every_earlier_year_has_a_reply_report_answered_point_by_point(demo):
    for year in (2017, 2018, 2019, 2020):
        items = FollowUp.objects.filter(cycle__plan__code="revised-2017", cycle__fiscal_year=year)
        assert items.exists()
        assert all(i.department and i.action.startswith("【デモ】") for i in items)
        assert not items.filter(status=FollowUpStatus.NOT_YET).exists()
        opinions = CommitteeEvaluation.objects.filter(cycle__fiscal_year=year - 1).confirmed()
        assert set(items.values_list("opinion_id", flat=True)) >= set(
            opinions.values_list("pk", flat=True)
        )
        if year > 2017:  # the demo's own opinions, split by the 事務局 into ① and ②
            assert set(items.filter(carried_from=None).values_list("point_number", flat=True)) == {
                1,
                2,
            }
    carried = FollowUp.objects.filter(cycle__fiscal_year=2018, carried_from__isnull=False)
    assert carried.exists() and all(i.status == FollowUpStatus.DONE for i in carried)


def test_the_open_year_answers_only_the_last_published_years_opinions(demo):
    items = FollowUp.objects.filter(cycle__fiscal_year=2021)
    assert items.count() == 19
    assert not items.filter(carried_from__isnull=False).exists()
    assert set(items.values_list("opinion__cycle__fiscal_year", flat=True)) == {2020}


def test_the_reply_report_of_an_earlier_year_lists_its_points(client, demo):
    html = client.get(
        reverse("evaluation:follow_up_report", kwargs={"plan": "revised-2017", "year": 2019})
    ).content.decode()
    assert "【デモ】若い世代への周知を工夫すること。" in html
    assert "対応困難" in html


def test_loading_the_demo_again_changes_nothing(demo):
    counts = (MemberEvaluation.objects.count(), FollowUp.objects.count(), Seat.objects.count())
    call_command("load_demo", verbosity=0)
    assert (MemberEvaluation.objects.count(), FollowUp.objects.count(), Seat.objects.count()) == (
        counts
    )


def test_resetting_the_demo_restores_the_fixture_and_keeps_the_years_made_from_it(demo):
    counts = (MemberEvaluation.objects.count(), FollowUp.objects.count(), Seat.objects.count())
    call_command("load_demo", "--reset", verbosity=0)
    assert (MemberEvaluation.objects.count(), FollowUp.objects.count(), Seat.objects.count()) == (
        counts
    )
