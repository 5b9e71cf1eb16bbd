"""After saving a 実施状況, staff go on to their body's next 事業 still to enter
(「保存して次へ」) or back to やること, without looking for it."""

import pytest
from django.urls import reverse

from evaluation.models import ProjectReport
from tests.evaluation.test_report_indicators import report_data
from tests.factories import ProjectFactory, ProjectReportFactory, body


def report_url(code: str) -> str:
    return reverse("evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": code})


TODO = reverse("evaluation:todo")


@pytest.fixture
def three(world):
    """市 has city-001 and city-002 to enter, city-003 entered; プレイス has place-001."""
    ProjectFactory(code="city-002", name="団体交流会", body=body("city"))
    entered = ProjectFactory(code="city-003", name="ボランティア講座", body=body("city"))
    ProjectReportFactory(cycle=world.cycle, project=entered)
    ProjectFactory(code="place-001", name="相談窓口", body=body("place"))
    return world


def test_the_form_offers_the_bodys_next_project_still_to_enter(three, login):
    html = login(three.users["staff_a"]).get(report_url("city-001")).content.decode()
    assert 'name="then" value="next"' in html
    assert "まだ実施状況を入力していない次の事業（団体交流会）を開きます。" in html
    assert f'href="{TODO}">やることに戻る</a>' in html


def test_save_and_next_opens_the_next_project_with_the_page_it_came_from(three, login):
    client = login(three.users["staff_a"])
    response = client.post(report_url("city-001"), {**report_data(), "then": "next", "next": TODO})
    assert response.status_code == 302
    assert response["Location"] == f"{report_url('city-002')}?next=%2Ftodo%2F"
    assert ProjectReport.objects.filter(project__code="city-001").exists()


def test_after_the_last_one_save_and_next_lands_on_the_todo_page(three, login):
    client = login(three.users["staff_a"])
    client.post(report_url("city-001"), report_data())
    html = client.get(report_url("city-002")).content.decode()
    assert 'name="then"' not in html
    assert "この実施主体の事業は、ほかにすべて実施状況を入力済みです。" in html
    response = client.post(report_url("city-002"), {**report_data(), "then": "next"})
    assert response["Location"] == TODO


def test_a_plain_save_stays_on_the_form(three, login):
    response = login(three.users["staff_a"]).post(report_url("city-001"), report_data())
    assert response["Location"] == report_url("city-001")


def test_someone_who_may_only_read_is_offered_no_next(three, login):
    html = login(three.users["member"]).get(report_url("city-001")).content.decode()
    assert "保存して次へ" not in html


@pytest.mark.parametrize("more", [0, 30])
def test_the_form_costs_the_same_queries_whatever_the_bodys_size(
    three, login, django_assert_max_num_queries, more
):
    for n in range(more):
        ProjectFactory(code=f"city-9{n:02d}", body=body("city"))
    client = login(three.users["staff_a"])
    with django_assert_max_num_queries(10):
        assert client.get(report_url("city-001")).status_code == 200
