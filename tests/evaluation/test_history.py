import pytest
from django.urls import reverse

from evaluation.history import changes_of
from evaluation.models import ProjectReport

REPORT = reverse(
    "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": "city-001"}
)


def test_each_save_writes_a_history_row_with_the_user(world, login):
    client = login(world.users["staff_a"])
    client.post(REPORT, {"status": "partial", "activities": "一部実施", "version": 0})
    client.post(REPORT, {"status": "done", "activities": "全部実施", "times": "3", "version": 1})
    report = ProjectReport.objects.get()
    history = list(report.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert {h.history_user for h in history} == {world.users["staff_a"]}
    assert [h.activities for h in history] == ["一部実施", "全部実施"]


def test_the_record_page_shows_who_changed_which_fields(world, login):
    client = login(world.users["staff_a"])
    client.post(REPORT, {"status": "partial", "activities": "一部実施", "version": 0})
    client.post(REPORT, {"status": "done", "activities": "一部実施", "times": "3", "version": 1})
    changes = changes_of(ProjectReport.objects.get())
    assert [(c.kind, c.fields) for c in changes] == [("変更", ["実施状況", "回数"]), ("作成", [])]
    html = client.get(REPORT).content.decode()
    assert "変更履歴" in html and "変更：実施状況、回数" in html


@pytest.mark.django_db
def test_a_record_without_a_saved_row_has_no_history():
    assert changes_of(ProjectReport()) == []


def test_a_version_s_history_is_read_once_and_a_save_shows_at_once(
    world, login, django_assert_num_queries
):
    client = login(world.users["staff_a"])
    client.post(REPORT, {"status": "partial", "activities": "一部実施", "version": 0})
    report = ProjectReport.objects.get()
    assert len(changes_of(report)) == 1
    with django_assert_num_queries(0):  # this version's history, remembered
        assert len(changes_of(report)) == 1
    client.post(REPORT, {"status": "done", "activities": "一部実施", "version": 1})
    assert "変更：実施状況" in client.get(REPORT).content.decode()
