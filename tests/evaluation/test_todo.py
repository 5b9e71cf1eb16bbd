import pytest
from django.urls import reverse

from evaluation.models import Phase
from evaluation.todo import todo_for
from tests.factories import (
    CommitteeEvaluationFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    measure,
)

TODO = reverse("evaluation:todo")


def titles(todo) -> list[str]:
    return [s.title for s in todo.sections]


def test_staff_see_their_missing_reports_and_self_evaluations(world):
    ProjectReportFactory(cycle=world.cycle, project=world.project)
    missing = ProjectFactory(code="city-002", name="職員研修", body=body("city"))
    ProjectFactory(code="place-001", body=body("place"))  # another body's: not listed
    SelfEvaluationFactory(cycle=world.cycle, measure=measure("1-1"), body=body("city"))
    todo = todo_for(world.users["staff_a"])
    reports, evaluations = todo.sections
    assert (reports.title, reports.total, reports.done) == ("実施状況（市の事業）", 2, 1)
    assert [i.label for i in reports.items] == [missing.name]
    assert reports.items[0].url == "/cycles/revised-2017/2021/projects/city-002/report/"
    assert (evaluations.total, evaluations.done) == (12, 1)
    assert evaluations.items[0].label == "1-2 多様な活動につながる情報の提供"


def test_projects_that_ended_are_not_expected(world):
    ProjectFactory(code="city-old", body=body("city"), first_year=2017, last_year=2019)
    reports = todo_for(world.users["staff_a"]).sections[0]
    assert reports.total == 1


def test_members_are_told_when_their_turn_comes(world):
    todo = todo_for(world.users["member"])
    assert todo.sections == []
    assert todo.notes == [
        "改定計画 令和3（2021）年度 は実施主体が実施状況を入力している段階です。"
        "委員評価は「委員会評価」の段階になってから入力できます。"
    ]


def test_members_see_the_measures_they_have_not_scored(world):
    world.set_phase(Phase.COMMITTEE)
    MemberEvaluationFactory(cycle=world.cycle, member=world.users["member"], measure=measure("2-4"))
    section = todo_for(world.users["member"]).sections[0]
    assert (section.title, section.total, section.done) == ("委員評価（あなたの評価と意見）", 12, 1)
    assert "2-4 市民活動に関する学びの機会の提供" not in [i.label for i in section.items]


def test_the_chair_sees_drafts_to_confirm_and_the_secretariat_measures_to_draft(world):
    world.set_phase(Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=world.cycle, measure=measure("1-1"))
    chair_sections = todo_for(world.users["chair"]).sections
    assert [s.title for s in chair_sections] == [
        "委員評価（あなたの評価と意見）",
        "委員会評価の確定（委員長）",
    ]
    confirm = chair_sections[1]
    assert confirm.items[0].detail == ""  # 1-1 has a draft
    assert confirm.items[1].detail == "事務局の案を待っています"
    drafting = todo_for(world.users["secretariat"]).sections[0]
    assert (drafting.total, drafting.done) == (12, 1)


def test_the_secretariat_sees_which_bodies_are_behind(world):
    sections = todo_for(world.users["secretariat"]).sections
    assert [(i.label, i.detail) for i in sections[0].items] == [
        ("武蔵野市", "実施状況 未入力 1件・自己評価 未入力 12件"),
        ("武蔵野プレイス", "実施状況 未入力 0件・自己評価 未入力 12件"),
        ("武蔵野市民社会福祉協議会", "実施状況 未入力 0件・自己評価 未入力 12件"),
    ]


def test_the_todo_page_has_a_fixed_query_count(world, login, django_assert_num_queries):
    world.cycle.entry_due = "2022-05-31"
    world.cycle.save()
    client = login(world.users["staff_a"])
    with django_assert_num_queries(9):
        response = client.get(TODO)
    assert "期限: 2022年5月31日" in response.content.decode()
    for n in range(5):
        ProjectFactory(code=f"city-1{n}", body=body("city"))
    with django_assert_num_queries(9):
        client.get(TODO)


def test_people_with_a_role_start_at_their_todo(world, login):
    response = login(world.users["member"]).get(reverse("home"))
    assert response["Location"] == TODO


@pytest.mark.django_db
def test_anonymous_visitors_start_at_the_plan(client):
    assert client.get(reverse("home"))["Location"] == "/plans/revised-2017/"
