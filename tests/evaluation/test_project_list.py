"""事業一覧: search, filters, the year's 実施状況, the 登録 button, a fixed query count."""

import pytest
from django.urls import reverse

from evaluation import page_cache
from evaluation.models import Phase
from policies.models import Initiative
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, body

LIST = reverse("evaluation:projects", kwargs={"plan": "revised-2017"})


def item(number: str, position: int) -> Initiative:
    return Initiative.objects.get_by_natural_key("revised-2017", number, position)


@pytest.fixture
def projects(world):
    """world.project (city-001 市民活動入門講座, 1-1①, reported 実施 in 2021) and three more."""
    ProjectReportFactory(cycle=world.cycle, project=world.project, status="done")
    ProjectFactory(
        code="place-001",
        name="プレイス フロアワーク",
        body=body("place"),
        department="プレイス事業課",
        initiatives=[item("2-4", 1)],
    )
    ProjectFactory(
        code="shakyo-001",
        name="ボランティア講座",
        body=body("shakyo"),
        department="ボランティアセンター",
        initiatives=[item("1-1", 2)],
    )
    ProjectFactory(code="city-old", name="旧 講座", first_year=2017, last_year=2019)
    return world


def names(response) -> list[str]:
    return [project.name for project, _rule in response.context["rows"]]


def test_it_lists_every_project_of_the_plan_with_this_years_status(projects, login):
    response = login(projects.users["member"]).get(LIST)
    assert names(response) == [
        "市民活動入門講座",
        "旧 講座",
        "プレイス フロアワーク",
        "ボランティア講座",
    ]
    html = response.content.decode()
    assert "令和3（2021）年度の実施状況" in html
    assert response.context["listing"].status_counts == [
        ("実施", 1),
        ("一部実施", 0),
        ("未実施", 0),
        ("終了", 0),
        ("未入力", 2),  # 旧 講座 ended in 2019: not expected this year
    ]
    assert "この年度の対象外" in html


def test_it_searches_by_name_including_half_width_katakana(projects, login):
    client = login(projects.users["staff_a"])
    assert names(client.get(LIST, {"q": "講座"})) == [
        "市民活動入門講座",
        "旧 講座",
        "ボランティア講座",
    ]
    assert names(client.get(LIST, {"q": "ﾎﾞﾗﾝﾃｨｱ"})) == ["ボランティア講座"]
    assert names(client.get(LIST, {"q": "place-0"})) == ["プレイス フロアワーク"]


def test_it_filters_by_body(projects, login):
    response = login(projects.users["member"]).get(LIST, {"body": "shakyo"})
    assert names(response) == ["ボランティア講座"]


def test_it_filters_by_department(projects, login):
    response = login(projects.users["member"]).get(LIST, {"department": "プレイス事業課"})
    assert names(response) == ["プレイス フロアワーク"]


def test_it_filters_by_initiative_counting_a_relisted_item_as_its_original(projects, login):
    client = login(projects.users["member"])
    assert names(client.get(LIST, {"initiative": item("1-1", 2).pk})) == ["ボランティア講座"]
    # 3-1④ is (再掲) 1-1②: the same work.
    assert names(client.get(LIST, {"initiative": item("3-1", 4).pk})) == ["ボランティア講座"]


def test_it_filters_by_the_year_a_project_is_active_and_shows_that_years_status(projects, login):
    CycleFactory(fiscal_year=2018, phase=Phase.PUBLISHED)
    response = login(projects.users["member"]).get(LIST, {"year": 2021})
    assert "旧 講座" not in names(response)
    response = login(projects.users["member"]).get(LIST, {"year": 2018})
    assert "旧 講座" in names(response)
    assert "平成30（2018）年度の実施状況" in response.content.decode()


def test_an_invalid_filter_is_ignored_with_a_message(projects, login):
    response = login(projects.users["member"]).get(LIST, {"body": "nowhere", "q": "講座"})
    assert names(response) == ["市民活動入門講座", "旧 講座", "ボランティア講座"]
    assert "正しくない条件は使わずに表示しています。" in response.content.decode()


def test_staff_and_the_secretariat_get_the_register_button_members_the_reason(projects, login):
    create = reverse("evaluation:project_create", kwargs={"plan": "revised-2017"})
    for role in ["staff_a", "secretariat"]:
        html = login(projects.users[role]).get(LIST).content.decode()
        assert f'href="{create}?next=%2Fplans%2Frevised-2017%2Fprojects%2F"' in html
    html = login(projects.users["member"]).get(LIST).content.decode()
    assert create not in html
    assert "事業を登録できるのは、実施主体の担当者と事務局です。" in html


def test_no_one_registers_without_a_year_in_preparation_or_entry(projects, login):
    projects.set_phase(Phase.COMMITTEE)
    html = login(projects.users["staff_a"]).get(LIST).content.decode()
    assert "「準備」か「実施状況入力」の段階の年度がないため、事業は登録できません。" in html


def test_staff_register_a_project_for_a_year_still_in_preparation(projects, login):
    projects.set_phase(Phase.PREPARATION)
    create = reverse("evaluation:project_create", kwargs={"plan": "revised-2017"})
    html = login(projects.users["staff_a"]).get(LIST).content.decode()
    assert f'href="{create}?next=%2Fplans%2Frevised-2017%2Fprojects%2F"' in html
    assert login(projects.users["staff_a"]).get(create).status_code == 200


def test_staff_get_an_entry_link_for_their_own_bodys_projects_only(projects, login):
    html = login(projects.users["staff_a"]).get(LIST).content.decode()
    assert "/cycles/revised-2017/2021/projects/city-001/report/?next=" in html
    assert "/cycles/revised-2017/2021/projects/place-001/report/?next=" not in html


def test_the_list_has_a_fixed_query_count(projects, login, django_assert_num_queries):
    client = login(projects.users["staff_a"])
    client.get(reverse("floor"))  # the session's once-a-minute refresh happens here
    # 16 + the page cache: the generation and the entry looked up (2), the entry stored (7)
    with django_assert_num_queries(25):
        client.get(LIST, {"q": "講座", "year": 2021})
    for n in range(30):
        project = ProjectFactory(code=f"more-{n}", name=f"講座{n}", initiatives=[item("1-1", 1)])
        ProjectReportFactory(cycle=projects.cycle, project=project)
    page_cache.invalidate()  # as the saves' commit does (a test's data is never committed)
    with django_assert_num_queries(25):  # a save starts a new generation: built again
        response = client.get(LIST, {"q": "講座", "year": 2021})
    assert response.context["listing"].total == 32
    with django_assert_num_queries(9):  # then the plan, the access rule and the generation
        client.get(LIST, {"q": "講座", "year": 2021})


def test_the_list_is_kept_per_person_and_query(projects, login):
    client = login(projects.users["staff_a"])
    assert "事業を登録" in client.get(LIST).content.decode()
    ProjectFactory(code="new-1", name="新しい講座")
    assert "新しい講座" not in client.get(LIST).content.decode()  # until the commit
    page_cache.invalidate()
    assert "新しい講座" in client.get(LIST).content.decode()
    assert "条件に合う事業はありません" in client.get(LIST, {"q": "ない事業"}).content.decode()
    assert "事業を登録できるのは" in login(projects.users["member"]).get(LIST).content.decode()


def test_a_long_list_is_paged(projects, login):
    for n in range(55):
        ProjectFactory(code=f"bulk-{n:02d}", name=f"一括{n:02d}")
    client = login(projects.users["member"])
    first = client.get(LIST, {"q": "一括"})
    assert len(first.context["rows"]) == 50
    assert "?q=%E4%B8%80%E6%8B%AC&amp;page=2" in first.content.decode()
    assert len(client.get(LIST, {"q": "一括", "page": 2}).context["rows"]) == 5


@pytest.mark.django_db
def test_the_public_is_asked_to_log_in(client):
    assert client.get(LIST)["Location"].startswith("/login/")


def test_hostile_query_strings_are_refused_as_form_errors_not_server_errors(projects, login):
    client = login(projects.users["member"])
    for query in [
        {"q": "x" * 5000},
        {"initiative": "'; DROP TABLE x"},
        {"year": "1900"},
        {"department": "<script>"},
        {"page": "-1"},
        {"page": "abc"},
        {"q": "%_\\"},
    ]:
        response = client.get(LIST, query)
        assert response.status_code == 200, query
        assert "<script>" not in response.content.decode().split("<main")[1], query
    assert names(client.get(LIST, {"q": "%_"})) == []  # LIKE wildcards are literal


def test_the_project_page_leads_back_to_the_list(projects, login):
    html = login(projects.users["member"]).get("/projects/city-001/").content.decode()
    assert '<a href="/plans/revised-2017/projects/">事業一覧</a>' in html
