"""The committee's 総評: the 事務局 writes it, the 委員長 confirms it with the drafts, and it
opens the 評価表 and is in the year's open data once confirmed."""

import json

import pytest
from django.urls import reverse

from evaluation import page_cache, services
from evaluation.models import CommitteeEvaluation, CommitteeSummary, Phase
from publication import opendata
from tests.factories import CommitteeEvaluationFactory, measure

CYCLE = {"plan": "revised-2017", "year": 2021}
SUMMARY = reverse("evaluation:committee_summary", kwargs=CYCLE)


@pytest.fixture
def committee(world):
    world.set_phase(Phase.COMMITTEE)
    return world


def test_the_secretariat_writes_the_summary(committee, login):
    client = login(committee.users["secretariat"])
    response = client.post(SUMMARY, {"text": "各施策とも概ね計画どおり進んだ。", "version": 0})
    assert response.status_code == 302
    assert CommitteeSummary.objects.get().text == "各施策とも概ね計画どおり進んだ。"


def test_the_chair_reads_the_summary_but_does_not_write_it(committee, login):
    CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案")
    html = login(committee.users["chair"]).get(SUMMARY).content.decode()
    assert "総評の案" in html and "総評の案を書くのは事務局です。" in html


def test_a_member_reads_the_summary_only_once_the_drafts_are_released(committee, login):
    CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案")
    client = login(committee.users["member"])
    refused = client.get(SUMMARY)
    assert refused.status_code == 403
    assert "総評の案は、事務局が案を委員に公開するまで表示しません" in refused.content.decode()
    committee.cycle.refresh_from_db()
    services.drafts_release(
        cycle=committee.cycle,
        user=committee.users["secretariat"],
        expected_version=committee.cycle.version,
    )
    assert "総評の案" in client.get(SUMMARY).content.decode()


def test_the_chair_confirms_the_summary_with_every_remaining_draft(committee, login):
    summary = CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案")
    CommitteeEvaluationFactory(cycle=committee.cycle, measure=measure("1-1"), opinion="案")
    client = login(committee.users["chair"])
    review = client.get(reverse("evaluation:committee_review", kwargs=CYCLE)).content.decode()
    assert "未確定の案をすべて確定（1件）・総評" in review
    url = reverse("evaluation:committee_review_confirm", kwargs=CYCLE)
    data = {"measure": "1-1", "version-1-1": 1, "summary": summary.version}
    asked = client.post(url, data).content.decode()
    assert "総評の案" in asked and "1件を確定する" in asked
    client.post(url, {**data, "step": "confirm"})
    summary.refresh_from_db()
    assert summary.is_confirmed and summary.confirmed_by == committee.users["chair"]
    assert CommitteeEvaluation.objects.get(cycle=committee.cycle).is_confirmed


def test_a_summary_changed_after_the_chair_opened_the_page_is_not_confirmed(committee, login):
    summary = CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案")
    seen = summary.version
    summary.text = "書き直した総評"
    summary.save()
    client = login(committee.users["chair"])
    url = reverse("evaluation:committee_review_confirm", kwargs=CYCLE)
    response = client.post(url, {"summary": seen, "step": "confirm"}, follow=True)
    assert "総評は、このページを開いた後に変更されたため確定していません。" in (
        response.content.decode()
    )
    summary.refresh_from_db()
    assert not summary.is_confirmed


def test_the_year_is_not_confirmed_while_the_summary_is_a_draft(committee):
    for number in ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2"]:
        CommitteeEvaluationFactory(
            cycle=committee.cycle, measure=measure(number), confirmed_at="2022-06-01T10:00+09:00"
        )
    for number in ["4-1", "4-2"]:
        CommitteeEvaluationFactory(
            cycle=committee.cycle, measure=measure(number), confirmed_at="2022-06-01T10:00+09:00"
        )
    CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案")
    committee.cycle.refresh_from_db()
    with pytest.raises(services.TransitionError, match="委員長が確定していない総評"):
        services.cycle_move(
            cycle=committee.cycle,
            to_phase=Phase.CONFIRMED,
            user=committee.users["secretariat"],
            expected_version=committee.cycle.version,
        )


def test_the_summary_opens_the_sheet_marked_as_a_draft_until_confirmed(committee, login):
    summary = CommitteeSummary.objects.create(cycle=committee.cycle, text="総評の案です")
    client = login(committee.users["secretariat"])
    html = client.get(reverse("evaluation:sheet_print", kwargs=CYCLE)).content.decode()
    assert "<h2>総評（案）</h2>" in html and "総評の案です" in html
    assert html.index("総評の案です") < html.index("基本施策1")
    summary.confirmed_at = "2022-06-01T10:00+09:00"
    summary.save()
    page_cache.invalidate()
    html = client.get(reverse("evaluation:sheet_print", kwargs=CYCLE)).content.decode()
    assert "<h2>総評</h2>" in html


def test_the_open_data_carries_the_summary_once_confirmed(committee):
    summary = CommitteeSummary.objects.create(cycle=committee.cycle, text="総評です")
    dataset = opendata.DATASETS["summary"]
    assert json.loads(opendata.render(dataset, committee.cycle, "json"))["rows"] == []
    summary.confirmed_at = "2022-06-01T10:00+09:00"
    summary.save()
    rows = json.loads(opendata.render(dataset, committee.cycle, "json"))["rows"]
    assert [(r["総評"], r["確定日"], r["年度（西暦）"]) for r in rows] == [
        ("総評です", "2022-06-01", 2021)
    ]
