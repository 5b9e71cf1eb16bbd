"""Who may write depends on the phase; confirmed records are read-only for everyone."""

import pytest
from django.urls import reverse

from evaluation.models import CommitteeEvaluation, Cycle, Phase, ProjectReport
from evaluation.services import TransitionError, cycle_move
from tests.factories import CommitteeEvaluationFactory, secretariat

REPORT = reverse(
    "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": "city-001"}
)
MEMBER = reverse(
    "evaluation:scoring", kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"}
)
COMMITTEE = reverse(
    "evaluation:committee_evaluation",
    kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
)
REPORT_DATA = {"status": "done", "activities": "講座を開催した。", "version": 0}


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.COMMITTEE, Phase.CONFIRMED])
def test_staff_cannot_enter_a_report_outside_the_entry_phase(world, login, phase):
    world.set_phase(phase)
    response = login(world.users["staff_a"]).post(REPORT, REPORT_DATA)
    assert response.status_code == 403
    assert not ProjectReport.objects.exists()


def test_staff_see_why_a_report_is_read_only(world, login):
    world.set_phase(Phase.COMMITTEE)
    html = login(world.users["staff_a"]).get(REPORT).content.decode()
    assert "いまは「委員会評価」の段階なので、「実施状況入力」の記録は編集できません。" in html
    assert "保存する" not in html


@pytest.mark.parametrize("phase", [Phase.ENTRY, Phase.CONFIRMED, Phase.PUBLISHED])
def test_members_score_only_in_the_committee_phase(world, login, phase):
    world.set_phase(phase)
    response = login(world.users["member"]).post(MEMBER, {"opinion": "意見", "version": 0})
    assert response.status_code == 403


def test_a_confirmed_committee_evaluation_is_locked(world, login):
    world.set_phase(Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=world.cycle, confirmed_at="2022-08-01T10:00:00+09:00")
    response = login(world.users["secretariat"]).post(
        COMMITTEE, {"opinion": "書き換え", "version": 0}
    )
    assert response.status_code == 403
    assert (
        CommitteeEvaluation.objects.get(cycle=world.cycle).opinion
        == "講座は行われているが、参加を促す活動が弱い。"
    )


def test_the_chair_confirms_and_then_nobody_can_edit(world, login):
    world.set_phase(Phase.COMMITTEE)
    draft = CommitteeEvaluationFactory(cycle=world.cycle)
    confirm = reverse(
        "evaluation:committee_confirm",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
    )
    login(world.users["chair"]).post(confirm, {"version": draft.version, "confirmed": "1"})
    draft.refresh_from_db()
    assert draft.is_confirmed
    assert draft.confirmed_by == world.users["chair"]
    html = login(world.users["secretariat"]).get(COMMITTEE).content.decode()
    assert "委員長が確定した評価は編集できません。" in html


def test_moving_the_phase_back_reopens_entry(world, login):
    world.set_phase(Phase.COMMITTEE)
    client = login(world.users["secretariat"])
    move = reverse("evaluation:cycle_move", kwargs={"plan": "revised-2017", "year": 2021})
    client.post(move, {"to_phase": Phase.ENTRY, "version": world.cycle.version})
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.ENTRY
    client.logout()
    response = login(world.users["staff_a"]).post(REPORT, REPORT_DATA)
    assert response.status_code == 302
    assert ProjectReport.objects.get().activities == "講座を開催した。"


def test_every_phase_move_is_recorded_with_who_and_when(world):
    user = secretariat().user
    cycle = cycle_move(
        cycle=world.cycle, to_phase=Phase.COMMITTEE, user=user, expected_version=world.cycle.version
    )
    latest = cycle.history.latest()
    assert (latest.phase, latest.history_user) == (Phase.COMMITTEE, user)


def test_phases_move_one_step_at_a_time(world):
    with pytest.raises(TransitionError):
        cycle_move(
            cycle=world.cycle,
            to_phase=Phase.PUBLISHED,
            user=secretariat().user,
            expected_version=world.cycle.version,
        )
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.ENTRY


def test_the_cycle_page_shows_the_moves(world, login):
    client = login(world.users["secretariat"])
    move = reverse("evaluation:cycle_move", kwargs={"plan": "revised-2017", "year": 2021})
    response = client.post(
        move,
        {"to_phase": Phase.COMMITTEE, "version": world.cycle.version, "confirmed": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert "段階を「委員会評価」にしました。" in html
    assert "段階の変更履歴" in html and html.count("<td>委員会評価</td>") == 1


def test_a_stale_phase_move_is_refused(world, login):
    client = login(world.users["secretariat"])
    move = reverse("evaluation:cycle_move", kwargs={"plan": "revised-2017", "year": 2021})
    opened = world.cycle.version  # two tabs open at this version
    client.post(move, {"to_phase": Phase.COMMITTEE, "version": opened, "confirmed": "1"})
    response = client.post(
        move, {"to_phase": Phase.CONFIRMED, "version": opened, "confirmed": "1"}, follow=True
    )
    assert "ほかの人が先に段階を変更しました" in response.content.decode()
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.COMMITTEE


def test_a_save_refused_because_the_phase_moved_shows_the_typed_text_and_the_reason(world, login):
    world.set_phase(Phase.COMMITTEE)  # moved on while the staff member was typing
    typed = {**REPORT_DATA, "activities": "入力中だった長い文章。講座を5回開いた。"}
    response = login(world.users["staff_a"]).post(REPORT, typed)
    assert response.status_code == 403
    html = response.content.decode()
    assert "保存できませんでした。" in html
    assert "いまは「委員会評価」の段階なので、「実施状況入力」の記録は編集できません。" in html
    assert "入力中だった長い文章。講座を5回開いた。</textarea>" in html
    assert "disabled" not in html.split('name="activities"')[1].split(">")[0]
    assert not ProjectReport.objects.exists()


def test_a_save_after_the_session_expired_goes_to_the_login_and_back(world, client):
    response = client.post(REPORT, REPORT_DATA)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={REPORT}"
    assert not ProjectReport.objects.exists()
