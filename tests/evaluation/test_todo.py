from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Phase
from evaluation.progress.todo import todo_for
from policies.models import Initiative
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
    missing = ProjectFactory(
        code="city-002",
        name="職員研修",
        body=body("city"),
        initiatives=[Initiative.objects.get_by_natural_key("revised-2017", "1-2", 1)],
    )
    ProjectFactory(code="place-001", body=body("place"))  # another body's: not listed
    SelfEvaluationFactory(cycle=world.cycle, measure=measure("1-1"), body=body("city"))
    todo = todo_for(world.users["staff_a"])
    reports, evaluations = todo.sections
    assert (reports.title, reports.total, reports.done) == ("実施状況（市の事業）", 2, 1)
    assert [i.label for i in reports.items] == [missing.name]
    assert reports.items[0].url == "/cycles/revised-2017/2021/projects/city-002/report/"
    # Only the 施策 the body has 事業 under: 1-1, 1-2, and 2-1 (its ③ re-lists 1-2①);
    # the others are 該当なし.
    assert (evaluations.total, evaluations.done) == (3, 1)
    assert [i.label for i in evaluations.items] == [
        "1-2 多様な活動につながる情報の提供",
        "2-1 情報提供の充実",
    ]


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
    # Only 武蔵野市 has a 事業 (under 1-1): the other bodies are asked for nothing.
    assert [(i.label, i.detail) for i in sections[0].items] == [
        ("武蔵野市", "実施状況 未入力 1件・自己評価 未入力 1件"),
    ]


def test_the_secretariat_goes_straight_to_the_list_of_what_a_body_is_missing(world):
    (item,) = todo_for(world.users["secretariat"]).sections[0].items  # only 市 has a 事業
    assert item.url == "/cycles/revised-2017/2021/#progress-body-city"


def test_a_section_past_its_due_date_with_entries_missing_is_overdue(world):
    world.cycle.entry_due = date(2021, 6, 30)
    world.cycle.save()
    reports = todo_for(world.users["staff_a"]).sections[0]
    assert reports.overdue_on(date(2021, 6, 30)) is False  # the due date itself is in time
    assert reports.overdue_on(date(2021, 7, 1)) is True
    ProjectReportFactory(cycle=world.cycle, project=world.project)
    done = todo_for(world.users["staff_a"]).sections[0]
    assert done.overdue_on(date(2021, 7, 1)) is False  # nothing missing: nothing late


def test_the_todo_page_marks_overdue_sections_with_the_date_in_the_era(world, login, monkeypatch):
    world.cycle.entry_due = date(2021, 6, 30)
    world.cycle.save()
    client = login(world.users["staff_a"])
    monkeypatch.setattr(timezone, "now", lambda: datetime(2021, 6, 30, 14, 59, tzinfo=UTC))
    assert "期限を過ぎています" not in client.get(TODO).content.decode()  # 23:59 in Tokyo
    monkeypatch.setattr(timezone, "now", lambda: datetime(2021, 6, 30, 15, 0, tzinfo=UTC))
    page = client.get(TODO).content.decode()  # 7月1日 0:00 in Tokyo, still 6月30日 in UTC
    assert "期限: 令和3年6月30日" in page
    assert page.count("期限を過ぎています") == 2  # 実施状況 and 自己評価


def test_the_todo_page_has_a_fixed_query_count(
    world, login, django_assert_num_queries, django_capture_on_commit_callbacks
):
    world.cycle.entry_due = "2022-05-31"
    with django_capture_on_commit_callbacks(execute=True):
        world.cycle.save()
    client = login(world.users["staff_a"])
    # 9 + the body's entries counted by the dashboard's roll-up (progress.entry.entry_progress: 6)
    # + the entries sent back to the body (実施状況, 自己評価) + its follow-ups
    # + the page cache: the generation, the entry looked up, then stored (4)
    with django_assert_num_queries(25):
        response = client.get(TODO)
    assert "期限: 令和4年5月31日" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            ProjectFactory(code=f"city-1{n}", body=body("city"))
    with django_assert_num_queries(25):  # a save starts a new generation: built again
        client.get(TODO)
    with django_assert_num_queries(7):  # then the generation only: the page from memory
        client.get(TODO)


def test_the_todo_page_is_kept_per_person_until_something_is_saved(
    world, login, django_capture_on_commit_callbacks
):
    assert "市民活動入門講座" not in login(world.users["staff_b"]).get(TODO).content.decode()
    staff_a = login(world.users["staff_a"])  # the same pages, each person's own list
    assert "市民活動入門講座" in staff_a.get(TODO).content.decode()
    assert "入力済み" not in staff_a.get(TODO).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ProjectReportFactory(cycle=world.cycle, project=world.project, status="partial")
    assert "入力済み（1件）" in staff_a.get(TODO).content.decode()


def test_people_with_a_role_start_at_their_todo(world, login):
    response = login(world.users["member"]).get(reverse("home"))
    assert response["Location"] == TODO


@pytest.mark.django_db
def test_anonymous_visitors_start_at_the_plan(client):
    assert client.get(reverse("home"))["Location"] == "/plans/revised-2017/"


def test_what_staff_have_entered_stays_listed_under_finished_with_links(world, login):
    ProjectReportFactory(cycle=world.cycle, project=world.project, status="partial")
    SelfEvaluationFactory(cycle=world.cycle, measure=measure("1-1"), body=body("city"))
    reports, evaluations = todo_for(world.users["staff_a"]).sections
    assert [(i.label, i.url, i.detail) for i in reports.finished] == [
        ("市民活動入門講座", "/cycles/revised-2017/2021/projects/city-001/report/", "一部実施")
    ]
    assert [(i.label, i.detail) for i in evaluations.finished] == [
        ("1-1 市民活動のきっかけづくり", "評価 B")
    ]
    html = login(world.users["staff_a"]).get(TODO).content.decode()
    assert "入力済み（1件）" in html
    # One click from やること to the saved record, and back here after saving it.
    assert (
        '<a href="/cycles/revised-2017/2021/projects/city-001/report/?next=%2Ftodo%2F">'
        "市民活動入門講座</a>" in html
    )


def test_a_members_scored_measures_stay_listed_with_their_rating(world):
    world.set_phase(Phase.COMMITTEE)
    MemberEvaluationFactory(cycle=world.cycle, member=world.users["member"], measure=measure("2-4"))
    MemberEvaluationFactory(
        cycle=world.cycle, member=world.users["member"], measure=measure("1-1"), rating=None
    )
    section = todo_for(world.users["member"]).sections[0]
    assert [(i.label, i.detail) for i in section.finished] == [
        ("1-1 市民活動のきっかけづくり", "評価なし"),
        ("2-4 市民活動に関する学びの機会の提供", "評価 B"),
    ]
    assert len(section.items) == 10


def test_confirmed_and_drafted_measures_stay_listed_for_the_chair_and_the_secretariat(world):
    world.set_phase(Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=world.cycle, measure=measure("1-1"))
    CommitteeEvaluationFactory(
        cycle=world.cycle, measure=measure("1-2"), confirmed_at="2022-08-01T10:00:00+09:00"
    )
    confirm = todo_for(world.users["chair"]).sections[1]
    assert [(i.label, i.detail) for i in confirm.finished] == [
        ("1-2 多様な活動につながる情報の提供", "確定済み")
    ]
    drafting = todo_for(world.users["secretariat"]).sections[0]
    assert [i.detail for i in drafting.finished] == ["案を作成済み", "確定済み"]


def test_bodies_with_everything_entered_stay_listed_for_the_secretariat(world):
    world.project.delete()  # no body has an active 事業: nobody is asked for anything
    section = todo_for(world.users["secretariat"]).sections[0]
    assert [(i.label, i.detail, i.opens_form) for i in section.finished] == [
        ("武蔵野市", "すべて入力済み", False),
        ("武蔵野プレイス", "すべて入力済み", False),
        ("武蔵野市民社会福祉協議会", "すべて入力済み", False),
    ]
