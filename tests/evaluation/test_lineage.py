"""Three plans in a row (基本計画 → 改定計画 → a new plan imported from a spreadsheet): a
施策's trend and its 前年度 follow the lineage across all three, through merges and splits."""

import pytest
from django.urls import reverse

from evaluation.models import CommitteeEvaluation, Cycle, Phase
from evaluation.rollups import ratings
from policies import plan_import
from policies.models import Plan
from policies.plan_files import parse_file
from tests.factories import CommitteeEvaluationFactory, CycleFactory, level, measure

pytestmark = pytest.mark.django_db

# The new plan, in the import layout: 1-1 continues 1-1; 1-2 merges 1-2 and 2-1; 2-1 and
# 2-2 both continue 2-2 (a split).
NEW_PLAN = """\ufeff【計画】
項目,内容
計画コード,next-2022
計画名,第二期市民活動促進基本計画
略称,第二期計画
計画期間（開始年度）,2022
計画期間（終了年度）,2031
前の計画,revised-2017
評価尺度,tama-4
【施策体系】
計画コード,基本施策番号,基本施策名,基本施策の説明,施策番号,施策名,施策の説明,重点施策,展開番号,展開,展開の内容,再掲元,前計画の施策
next-2022,1,裾野の拡大,,1-1,きっかけづくり,,○,①,体験の場,,,1-1
next-2022,1,裾野の拡大,,1-2,情報の提供,,,①,情報誌,,,1-2、2-1
next-2022,2,自律・自立の支援,,2-1,相談,,,①,相談窓口,,,2-2
next-2022,2,自律・自立の支援,,2-2,専門相談,,,①,専門家派遣,,,2-2
"""


@pytest.fixture
def plans():
    plan_import.apply(parse_file("next.csv", NEW_PLAN.encode("utf-8")), user=None)
    basic, revised, new = (
        Plan.objects.get(code=c) for c in ["basic-2012", "revised-2017", "next-2022"]
    )
    midterm = CommitteeEvaluation.objects.get(
        cycle__plan=basic, cycle__fiscal_year=2016, measure=measure("1-1", "basic-2012")
    )
    midterm.rating = level("D")  # the real review has opinions only; give it a rating here
    midterm.save()
    for year, codes in [
        (2020, {"1-1": "C"}),
        (2021, {"1-1": "B", "1-2": "B", "2-1": "D", "2-2": "A"}),
    ]:
        cycle = CycleFactory(plan=revised, fiscal_year=year, phase=Phase.PUBLISHED)
        for number, code in codes.items():
            CommitteeEvaluationFactory(cycle=cycle, measure=measure(number), rating=level(code))
    cycle = CycleFactory(plan=new, fiscal_year=2022, phase=Phase.PUBLISHED)
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("1-1", "next-2022"), rating=level("A"))
    return basic, revised, new


def trend(plan: Plan, number: str) -> list[tuple[int, str, str | None]]:
    trends = ratings.rating_trends(plan)
    codes = dict(Plan.objects.values_list("pk", "code"))
    return [
        (p.fiscal_year, codes[p.plan_id], p.committee.code if p.committee else None)
        for p in trends[measure(number, plan.code).pk]
    ]


def test_one_measures_trend_runs_across_all_three_plans(plans):
    _basic, _revised, new = plans
    assert trend(new, "1-1") == [
        (2016, "basic-2012", "D"),
        (2020, "revised-2017", "C"),
        (2021, "revised-2017", "B"),
        (2022, "next-2022", "A"),
    ]


def test_a_merged_measure_carries_every_predecessor_and_a_split_one_shows_it_twice(plans):
    _basic, _revised, new = plans
    last = ratings.rating_trends(new)[measure("1-2", "next-2022").pk][-1]
    assert trend(new, "1-2")[-1] == (2021, "revised-2017", "B")  # the point: the first's
    assert [(number, r.code if r else None) for number, r, _m in last.parts] == [
        ("1-2", "B"),
        ("2-1", "D"),  # 2-1's D is kept, not left out
    ]
    assert trend(new, "2-1")[-1] == (2021, "revised-2017", "A")
    assert trend(new, "2-2")[-1] == (2021, "revised-2017", "A")
    assert ratings.rating_trends(new)[measure("2-1", "next-2022").pk][-1].parts == []


def test_the_previous_year_of_the_new_plans_first_year_is_the_revised_plans_last(plans):
    _basic, revised, new = plans
    cycle = Cycle.objects.get(plan=new, fiscal_year=2022)
    previous, predecessor = cycle.previous_for(measure("1-2", "next-2022"))
    assert (previous.plan, previous.fiscal_year, predecessor) == (revised, 2021, measure("1-2"))


def test_the_trend_dashboard_names_every_predecessor_by_its_plan(client, plans):
    page = client.get(reverse("evaluation:dashboard_trends", kwargs={"plan": "next-2022"}))
    text = page.content.decode()
    assert "改定計画: 1-2 多様な活動につながる情報の提供" in text
    assert "改定計画: 2-1 情報提供の充実" in text
    assert "改定前" not in text  # the third plan's predecessor is named, not 「改定前」
    assert "基本計画・改定計画の年度は、その計画の対応する施策の評価です。" in text


def test_a_merged_measures_trend_shows_both_predecessors_ratings_of_a_year(client, plans):
    page = client.get(reverse("evaluation:dashboard_trends", kwargs={"plan": "next-2022"}))
    chart = dict(page.context["measures"])[measure("1-2", "next-2022")]
    committee = chart.series[0]
    # The table's cell for 2021 and the point's tooltip name each part; the line joins
    # their mean (B=3, D=1 → 2).
    assert "1-2 B・2-1 D" in committee.cells
    assert "令和3（2021）年度 委員会: 1-2 B・2-1 D" in [tip for _x, _y, tip in committee.dots]


def test_a_split_measure_says_which_predecessor_it_shares(client, plans):
    page = client.get(reverse("evaluation:dashboard_trends", kwargs={"plan": "next-2022"}))
    text = page.content.decode()
    assert "改定計画: 2-2 相談体制の拡充（2-1・2-2 に分けて引き継いでいます）" in text


def test_the_measure_page_links_both_ways(client, plans):
    page = client.get(
        reverse("policies:measure", kwargs={"plan": "next-2022", "number": "1-2"})
    ).content.decode()
    assert page.count("前の計画: <a") == 2  # the imported plan's default word
    assert "改定前" not in page
    old = client.get(
        reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "2-2"})
    ).content.decode()
    assert "次の計画: <a" in old and "2-1 相談" in old and "2-2 専門相談" in old
