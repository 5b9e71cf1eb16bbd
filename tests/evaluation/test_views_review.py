"""The chair's review page (confirm several drafts in one step, send one back) and the
事務局's 差し戻し / 確認済 of an entry."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import page_cache
from evaluation.models import (
    CommitteeEvaluation,
    Phase,
    ProjectReport,
    ReviewState,
    SelfEvaluation,
)
from tests.factories import (
    CommitteeEvaluationFactory,
    MemberEvaluationFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    level,
    measure,
)

CYCLE = {"plan": "revised-2017", "year": 2021}
NUMBERS = ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2", "4-1", "4-2"]


def url(name: str, **kwargs) -> str:
    return reverse(f"evaluation:{name}", kwargs={**CYCLE, **kwargs})


@pytest.fixture
def drafts(world):
    world.set_phase(Phase.COMMITTEE)
    return {
        n: CommitteeEvaluationFactory(cycle=world.cycle, measure=measure(n), opinion=f"{n}の案")
        for n in ["1-1", "1-2", "2-1"]
    }


def committed() -> None:
    """What the save's commit does for the pages kept per generation (やること among them):
    a new generation. A test's transaction never commits."""
    page_cache.invalidate()


def confirm_post(client, chosen: dict[str, int], step: str = "confirm"):
    data = {"measure": list(chosen), "step": step}
    data.update({f"version-{n}": v for n, v in chosen.items()})
    return client.post(url("committee_review_confirm"), data)


def test_the_review_page_shows_every_draft_with_the_members_tally(world, drafts, login):
    for code in ["A", "B", "B"]:
        MemberEvaluationFactory(cycle=world.cycle, measure=measure("1-1"), rating=level(code))
    html = login(world.users["chair"]).get(url("committee_review")).content.decode()
    assert "1-1の案" in html and "1-2の案" in html and "2-1の案" in html
    assert "委員の評価の集計（評価あり 3人）" in html
    assert "A〜B（1段階の差）" in html
    assert html.count('type="checkbox" name="measure"') == 3


def test_the_chair_confirms_several_drafts_in_one_step_after_a_confirmation(world, drafts, login):
    client = login(world.users["chair"])
    seen = {n: drafts[n].version for n in ["1-1", "2-1"]}  # the versions on the chair's page
    first = confirm_post(client, seen, step="")
    html = first.content.decode()
    assert first.status_code == 200
    assert "確定した委員会評価は、あとから編集できなくなります" in html
    assert "2件を確定する" in html
    assert CommitteeEvaluation.objects.filter(cycle=world.cycle).confirmed().count() == 0

    response = confirm_post(client, seen)
    assert response.status_code == 302
    confirmed = (
        CommitteeEvaluation.objects.filter(cycle=world.cycle)
        .confirmed()
        .order_by("measure__number")
    )
    assert [(e.measure.number, e.confirmed_by) for e in confirmed] == [
        ("1-1", world.users["chair"]),
        ("2-1", world.users["chair"]),
    ]
    page = client.get(response.headers["Location"]).content.decode()
    assert "2件の委員会評価を確定しました（1-1、2-1）。" in page


def test_a_draft_changed_after_the_page_was_opened_is_not_confirmed(world, drafts, login):
    seen = {n: drafts[n].version for n in ["1-1", "1-2"]}  # the chair opens the page
    changed = drafts["1-2"]
    changed.opinion = "事務局が直した案"
    changed.save()  # the 事務局 saves meanwhile
    client = login(world.users["chair"])
    response = confirm_post(client, seen)
    page = client.get(response.headers["Location"]).content.decode()
    assert "このページを開いた後に案が変更されたため確定していません。" in page
    assert "もう一度確定してください：1-2" in page
    assert not CommitteeEvaluation.objects.get(pk=changed.pk).is_confirmed
    assert CommitteeEvaluation.objects.get(pk=drafts["1-1"].pk).is_confirmed


def test_confirming_nothing_says_so(world, drafts, login):
    client = login(world.users["chair"])
    response = client.post(url("committee_review_confirm"), {"step": "confirm"})
    assert (
        "確定する施策を選んでください。"
        in client.get(response.headers["Location"]).content.decode()
    )


def test_a_sent_back_draft_reaches_the_secretariats_todo_with_the_comment(world, drafts, login):
    client = login(world.users["chair"])
    response = client.post(
        url("committee_send_back", number="1-2"),
        {"comment": "参加者数の推移にも触れてください。", "version": drafts["1-2"].version},
    )
    assert response.status_code == 302
    draft = CommitteeEvaluation.objects.get(pk=drafts["1-2"].pk)
    assert (draft.review_state, draft.review_comment, draft.version) == (
        ReviewState.SENT_BACK,
        "参加者数の推移にも触れてください。",
        drafts["1-2"].version + 1,
    )
    last = draft.history.first()
    assert (last.history_user, last.review_state) == (world.users["chair"], "sent_back")

    todo = login(world.users["secretariat"]).get(reverse("evaluation:todo")).content.decode()
    assert "委員長から差し戻された委員会評価の案" in todo
    assert "委員長のコメント: 参加者数の推移にも触れてください。" in todo

    # The 事務局 revises the draft: it is 再提出 and leaves the to-do list.
    client.post(
        url("committee_evaluation", number="1-2"),
        {"opinion": "参加者数は増えている。", "version": draft.version},
    )
    assert CommitteeEvaluation.objects.get(pk=draft.pk).review_state == ReviewState.RESUBMITTED
    committed()
    todo = client.get(reverse("evaluation:todo")).content.decode()
    assert "委員長から差し戻された" not in todo


def test_a_send_back_without_a_comment_is_refused_and_changes_nothing(world, drafts, login):
    response = login(world.users["chair"]).post(
        url("committee_send_back", number="1-1"), {"comment": "", "version": 0}
    )
    assert response.status_code == 400
    assert "「差し戻しのコメント」を入力してください。" in response.content.decode()
    assert CommitteeEvaluation.objects.get(pk=drafts["1-1"].pk).review_state == "submitted"


def test_a_stale_send_back_keeps_the_chairs_comment(world, drafts, login):
    drafts["1-1"].version = 3
    drafts["1-1"].save()
    response = login(world.users["chair"]).post(
        url("committee_send_back", number="1-1"),
        {"comment": "根拠を足してください。", "version": 0},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "最新の案を確認してから差し戻してください。" in html
    assert "根拠を足してください。" in html


@pytest.mark.parametrize("count", [1, 12])
def test_the_review_page_has_a_fixed_query_count(
    world, login, django_assert_max_num_queries, count
):
    world.set_phase(Phase.COMMITTEE)
    for n in NUMBERS[:count]:
        CommitteeEvaluationFactory(cycle=world.cycle, measure=measure(n))
        MemberEvaluationFactory(cycle=world.cycle, measure=measure(n))
    client = login(world.users["chair"])
    with django_assert_max_num_queries(12):  # with the 総評
        assert client.get(url("committee_review")).status_code == 200


# --- entries ----------------------------------------------------------------------------


def test_a_sent_back_report_is_on_the_bodys_todo_and_its_resubmission_can_be_checked(world, login):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project, activities="講座")
    secretariat = login(world.users["secretariat"])
    response = secretariat.post(
        url("report_review", code="city-001"),
        {"action": "send_back", "comment": "参加者数を入れてください。", "version": 1},
    )
    assert response.headers["Location"] == url("report", code="city-001")
    report.refresh_from_db()
    assert (report.review_state, report.review_comment) == (
        "sent_back",
        "参加者数を入れてください。",
    )

    staff = login(world.users["staff_a"])
    todo = staff.get(reverse("evaluation:todo")).content.decode()
    assert "事務局から差し戻された入力" in todo and "参加者数を入れてください。" in todo
    assert "差し戻しのコメント" in staff.get(url("report", code="city-001")).content.decode()
    staff.post(
        url("report", code="city-001"),
        {"status": "done", "activities": "講座", "participants": 40, "version": 2},
    )
    report.refresh_from_db()
    assert (report.review_state, report.participants) == ("resubmitted", 40)
    committed()
    assert (
        "事務局から差し戻された入力" not in staff.get(reverse("evaluation:todo")).content.decode()
    )

    secretariat = login(world.users["secretariat"])
    todo = secretariat.get(reverse("evaluation:todo")).content.decode()
    assert "再提出された入力（事務局の確認待ち）" in todo
    assert f'href="{url("report_review", code="city-001")}?next=%2Ftodo%2F"' in todo
    secretariat.post(url("report_review", code="city-001"), {"action": "check", "version": 3})
    report.refresh_from_db()
    assert (report.review_state, report.review_comment) == ("checked", "")
    states = [h.review_state for h in report.history.order_by("history_date")]
    assert states == ["submitted", "sent_back", "resubmitted", "checked"]


def test_a_self_evaluation_can_be_sent_back_to_its_body(world, login):
    SelfEvaluationFactory(cycle=world.cycle)
    login(world.users["secretariat"]).post(
        url("self_evaluation_review", number="1-1", body="city"),
        {"action": "send_back", "comment": "課題も書いてください。", "version": 1},
    )
    assert SelfEvaluation.objects.get().review_state == "sent_back"
    todo = login(world.users["staff_a"]).get(reverse("evaluation:todo")).content.decode()
    assert "自己評価：1-1 市民活動のきっかけづくり" in todo and "課題も書いてください。" in todo
    other = login(world.users["staff_b"]).get(reverse("evaluation:todo")).content.decode()
    assert "課題も書いてください。" not in other


def test_sending_back_needs_a_comment_and_a_stale_page_keeps_it(world, login):
    ProjectReportFactory(cycle=world.cycle, project=world.project, version=2)
    client = login(world.users["secretariat"])
    empty = client.post(
        url("report_review", code="city-001"), {"action": "send_back", "comment": " ", "version": 2}
    )
    assert empty.status_code == 400
    assert "差し戻すときは、理由をコメントに書いてください。" in empty.content.decode()
    stale = client.post(
        url("report_review", code="city-001"),
        {"action": "send_back", "comment": "回数を確認してください。", "version": 1},
    )
    html = stale.content.decode()
    assert "実施主体がこの記録を保存しました" in html and "回数を確認してください。" in html
    assert ProjectReport.objects.get().review_state == "submitted"


def test_an_entry_not_yet_entered_cannot_be_sent_back(world, login):
    html = login(world.users["secretariat"]).get(url("report_review", code="city-001"))
    assert "まだ入力されていないため、差し戻せません。" in html.content.decode()


@pytest.mark.parametrize("edits", [1, 15])
def test_the_entry_review_page_has_a_fixed_query_count(
    world, login, django_assert_max_num_queries, edits
):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    for n in range(edits):
        report.activities = f"版{n}"
        report.save()
    client = login(world.users["secretariat"])
    client.get(url("report_review", code="city-001"))  # the history, read once per version
    with django_assert_max_num_queries(10):
        assert client.get(url("report_review", code="city-001")).status_code == 200


def test_one_button_offers_every_unconfirmed_draft_with_the_version_the_chair_sees(
    world, drafts, login
):
    confirmed = drafts["1-2"]
    confirmed.confirmed_at = timezone.now()
    confirmed.save()
    html = login(world.users["chair"]).get(url("committee_review")).content.decode()
    assert "未確定の案をすべて確定（2件）" in html
    button = html.index("未確定の案をすべて確定（2件）")
    form = html[html.rindex("<form", 0, button) : button]
    assert form.count('type="hidden" name="measure"') == 2
    assert 'name="measure" value="1-2"' not in form
    assert f'name="version-2-1" value="{drafts["2-1"].version}"' in form


def test_confirming_all_keeps_a_draft_changed_meanwhile_unconfirmed(world, drafts, login):
    client = login(world.users["chair"])
    seen = {n: d.version for n, d in drafts.items()}
    drafts["1-2"].opinion = "事務局が書き直した案"
    drafts["1-2"].save()
    confirm_post(client, seen)
    confirmed = set(
        CommitteeEvaluation.objects.filter(
            cycle=world.cycle, confirmed_at__isnull=False
        ).values_list("measure__number", flat=True)
    )
    assert confirmed == {"1-1", "2-1"}
