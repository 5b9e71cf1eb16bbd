"""該当なし: a 実施主体 with no active 事業 under a 施策 is not asked for a 自己評価 of it.
やること, the entry progress (dashboard), the 事務局's list and the 評価表 agree, because
they all read ``progress.entry.self_evaluation_scope``."""

import pytest
from django.urls import reverse

from evaluation.progress.entry import entry_progress, self_evaluation_expected
from evaluation.progress.todo import todo_for
from evaluation.sheet.table import build_table
from policies.models import Initiative
from tests.factories import ProjectFactory, body, level, measure

ASKED_OF_CITY = ["1-1", "2-4", "3-1"]  # 1-1② is re-listed as 2-4④ and 3-1④


@pytest.fixture
def year(world):
    lecture = Initiative.objects.get_by_natural_key("revised-2017", "1-1", 2)
    world.project.initiatives.set([lecture])
    # A 事業 of 武蔵野プレイス that ended before this year asks for nothing.
    ProjectFactory(code="place-old", body=body("place"), first_year=2017, last_year=2020)
    return world


def self_line(table, number: str, body_code: str):
    for policy in table.policies:
        for block in policy.measures:
            if block.measure.number == number:
                return next(x for x in block.self_evaluations if x.body.code == body_code)
    raise AssertionError(number)


def test_the_scope_is_the_measures_with_active_projects_counting_relisted_items(year):
    scope = self_evaluation_expected(year.cycle)
    assert sorted(measure_number(m) for m in scope[body("city").pk]) == ASKED_OF_CITY
    assert body("place").pk not in scope


def measure_number(pk: int) -> str:
    from policies.models import Measure

    return Measure.objects.get(pk=pk).number


def test_todo_progress_and_the_secretariats_list_agree(year):
    staff_todo = todo_for(year.users["staff_a"]).sections[1]
    assert (staff_todo.total, [i.label.split()[0] for i in staff_todo.items]) == (3, ASKED_OF_CITY)
    assert todo_for(year.users["staff_b"]).sections[1].total == 0

    progress = entry_progress(year.cycle)
    city, place, shakyo = progress.self_evaluations
    assert (city.expected, [n for n, _k in city.missing]) == (3, ASKED_OF_CITY)
    assert (place.expected, place.missing, shakyo.expected) == (0, [], 0)

    secretariat = todo_for(year.users["secretariat"]).sections[0]
    assert [(i.label, i.detail) for i in secretariat.items] == [
        ("武蔵野市", "実施状況 未入力 1件・自己評価 未入力 3件")
    ]


def test_the_dashboard_lists_only_what_was_asked(year, login):
    html = login(year.users["secretariat"]).get(
        reverse("evaluation:dashboard", kwargs={"plan": "revised-2017", "year": 2021})
    )
    text = html.content.decode()
    assert "0 / 3" in text  # 武蔵野市's 自己評価 (not 0 / 12)


def test_the_sheet_says_not_applicable_and_a_body_may_still_add_one(year, login):
    table = build_table(year.cycle, with_previous_year=False)
    assert self_line(table, "1-1", "city").cells == [(None, True)]
    assert self_line(table, "1-1", "place").cells == [(None, False)]
    html = login(year.users["staff_b"]).get(
        reverse("evaluation:sheet_print", kwargs={"plan": "revised-2017", "year": 2021})
    )
    assert "該当なし" in html.content.decode()

    # 武蔵野プレイス writes one anyway: it is kept and printed.
    response = login(year.users["staff_b"]).post(
        reverse(
            "evaluation:self_evaluation",
            kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1", "body": "place"},
        ),
        {
            "rating": level("B").pk,
            "reason": "講座に協力した。",
            "version": 0,
        },
    )
    assert response.status_code == 302
    table = build_table(year.cycle, with_previous_year=False)
    ((evaluation, asked),) = self_line(table, "1-1", "place").cells
    assert (evaluation.reason, asked) == ("講座に協力した。", False)
    assert measure("1-1").pk not in self_evaluation_expected(year.cycle)[body("place").pk]
