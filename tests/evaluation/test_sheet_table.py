"""The 評価表 builder: plan order, 再掲, per-施策 evaluations, and a fixed query count."""

import pytest

from evaluation.models import Cycle, Phase
from evaluation.sheet.table import build_table
from ops.scale_data import generate
from policies.models import Initiative
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    measure,
)

pytestmark = pytest.mark.django_db


def item(number: str, position: int) -> Initiative:
    return Initiative.objects.get_by_natural_key("revised-2017", number, position)


@pytest.fixture
def cycle():
    return CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)


def test_it_lists_the_plan_in_order_with_every_initiative(cycle):
    table = build_table(cycle)
    assert [p.basic_policy.number for p in table.policies] == [1, 2, 3, 4]
    numbers = [m.measure.number for p in table.policies for m in p.measures]
    assert numbers == ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6",
                       "3-1", "3-2", "4-1", "4-2"]  # fmt: skip
    items = [i for p in table.policies for m in p.measures for i in m.initiatives]
    assert len(items) == 40
    assert sum(1 for i in items if i.relisting_note) == 8


def test_a_relisted_item_shows_the_projects_of_its_original(cycle):
    project = ProjectFactory(code="city-001", initiatives=[item("1-1", 2)])
    table = build_table(cycle)
    blocks = {
        f"{m.measure.number}{i.code}": i
        for p in table.policies
        for m in p.measures
        for i in m.initiatives
    }
    assert [line.project for line in blocks["1-1②"].lines] == [project]
    assert [line.project for line in blocks["3-1④"].lines] == [project]
    assert blocks["3-1④"].relisting_note == "（再掲）1-1②"
    assert blocks["1-1②"].relisting_note == ""


def test_each_measure_carries_every_bodys_self_evaluation_and_the_committees(cycle):
    own = SelfEvaluationFactory(cycle=cycle, measure=measure("2-4"), body=body("place"))
    committee = CommitteeEvaluationFactory(cycle=cycle, measure=measure("2-4"))
    block = next(
        m for p in build_table(cycle).policies for m in p.measures if m.measure.number == "2-4"
    )
    assert [line.body.code for line in block.self_evaluations] == ["city", "place", "shakyo"]
    assert [line.evaluations for line in block.self_evaluations] == [[None], [own], [None]]
    assert block.committee == [committee]
    # 施策の目標, 5 展開 rows (2-4 has five items), 参考指標, 3 自己評価 rows and the
    # committee's.
    assert block.row_span == 1 + 5 + 1 + 3 + 1


def test_the_previous_year_comes_first_beside_this_one(cycle):
    project = ProjectFactory(code="city-001", initiatives=[item("1-1", 1)])
    last_year = ProjectReportFactory(
        cycle=CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED), project=project
    )
    this_year = ProjectReportFactory(cycle=cycle, project=project)
    table = build_table(cycle, with_previous_year=True)
    assert table.years == [2020, 2021]
    _measure, _block, line = next(table.project_lines())
    assert line.reports == [last_year, this_year]


def test_ended_projects_are_left_out_of_later_years(cycle):
    ProjectFactory(code="old-001", first_year=2017, last_year=2019)
    assert list(build_table(cycle).project_lines()) == []


def test_it_reads_the_table_in_nineteen_queries_whatever_the_plans_size(
    django_assert_num_queries,
):
    for k in (1, 3):
        cycle = Cycle.objects.select_related("plan").get(plan=generate(k), fiscal_year=2021)
        # 10 reads, 4 for the 該当なし scope (the 事業 frozen for the locked 2020 and the
        # 展開 they serve, the live ones of 2021), two per year for the 参考指標 of each 施策,
        # and the scale's levels for the legend
        with django_assert_num_queries(19):
            table = build_table(cycle, with_previous_year=True)
            lines = list(table.project_lines())
            for _measure, _block, line in lines:
                str(line.project.body)
        assert len(lines) == 51 * k
