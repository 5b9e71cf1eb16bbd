"""The demo shows a plan's life: 平成29〜令和2年度 published (the three earlier years made
from the fixture's 令和2年度, marked 【デモ】) and 参考指標 with values across the years, so a
newcomer's first dashboard draws trends as lines."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import CommitteeEvaluation, Cycle, IndicatorValue, Phase, ProjectReport

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
