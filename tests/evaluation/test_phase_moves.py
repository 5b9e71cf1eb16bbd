"""Moves that say what they do: a forward move with anything missing, 確定 and 公開 go
through a confirmation step stating the consequence and listing what is missing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CommitteeEvaluation, Cycle, Phase
from policies.models import Measure
from tests.factories import (
    CommitteeEvaluationFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
)

MOVE = reverse("evaluation:cycle_move", kwargs={"plan": "revised-2017", "year": 2021})


def test_a_forward_move_with_entries_missing_asks_first_and_lists_them(world, login):
    client = login(world.users["secretariat"])
    response = client.post(MOVE, {"to_phase": Phase.COMMITTEE, "version": world.cycle.version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和3（2021）年度を「委員会評価」に進めますか" in html
    assert "事業・実施状況・自己評価は読み取り専用になり" in html
    assert "事務局は、あとから1段階ずつ戻すことができます" in html
    # city-001 has no 実施状況, and 武蔵野市 wrote no 自己評価 of the one 施策 it has a 事業
    # under (the other bodies have none: 該当なし, not asked).
    assert "まだ入力されていないもの（2 件）" in html
    missing = html[html.index("実施状況（実施主体ごと）") :]
    assert "市民活動入門講座" in missing, missing[:3000]
    assert "/projects/city-001/report/" in missing, missing[:3000]
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.ENTRY  # nothing moved yet

    response = client.post(
        MOVE, {"to_phase": Phase.COMMITTEE, "version": world.cycle.version, "confirmed": "1"}
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.COMMITTEE


def test_a_forward_move_with_nothing_missing_needs_no_confirmation(world, login):
    ProjectReportFactory(cycle=world.cycle, project=world.project)
    for number in Measure.objects.of_plan(world.cycle.plan).values_list("number", flat=True):
        for code in ("city", "place", "shakyo"):
            SelfEvaluationFactory(cycle=world.cycle, body=body(code), measure=Measure.objects.get(
                basic_policy__plan=world.cycle.plan, number=number))  # fmt: skip
    response = login(world.users["secretariat"]).post(
        MOVE, {"to_phase": Phase.COMMITTEE, "version": world.cycle.version}
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.COMMITTEE


def test_confirming_asks_first_and_names_the_unconfirmed_evaluations(world, login):
    world.set_phase(Phase.COMMITTEE)
    for m in Measure.objects.of_plan(world.cycle.plan).exclude(number="2-4"):
        CommitteeEvaluationFactory(cycle=world.cycle, measure=m, confirmed_at=timezone.now())
    client = login(world.users["secretariat"])
    html = client.post(
        MOVE, {"to_phase": Phase.CONFIRMED, "version": world.cycle.version}
    ).content.decode()
    assert "委員長がまだ確定していない委員会評価" in html
    assert "2-4 市民活動に関する学びの機会の提供" in html
    assert "「確定」に進める" not in html  # no button while one is unconfirmed
    # Forcing the move past the page is refused by the rule itself, naming the 施策.
    response = client.post(
        MOVE,
        {"to_phase": Phase.CONFIRMED, "version": world.cycle.version, "confirmed": "1"},
        follow=True,
    )
    assert "2-4 市民活動に関する学びの機会の提供" in response.content.decode()
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.COMMITTEE


def test_publishing_asks_first_and_says_the_public_will_see_it(world, login):
    world.set_phase(Phase.CONFIRMED)
    html = (
        login(world.users["secretariat"])
        .post(MOVE, {"to_phase": Phase.PUBLISHED, "version": world.cycle.version})
        .content.decode()
    )
    assert "ログインしていない市民も、この年度の評価表" in html
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.CONFIRMED


def test_moving_back_needs_no_confirmation(world, login):
    world.set_phase(Phase.COMMITTEE)
    response = login(world.users["secretariat"]).post(
        MOVE, {"to_phase": Phase.ENTRY, "version": world.cycle.version}
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=world.cycle.pk).phase == Phase.ENTRY


def test_the_chairs_confirmation_asks_first(world, login):
    world.set_phase(Phase.COMMITTEE)
    draft = CommitteeEvaluationFactory(cycle=world.cycle, opinion="確定前の案")
    url = reverse(
        "evaluation:committee_confirm",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
    )
    html = login(world.users["chair"]).post(url, {"version": draft.version}).content.decode()
    assert "1-1 市民活動のきっかけづくり の委員会評価を確定しますか" in html
    assert "事務局も委員長も編集できなくなります" in html and "確定前の案" in html
    assert not CommitteeEvaluation.objects.get(cycle=world.cycle).is_confirmed


@pytest.mark.parametrize("phase", [Phase.ENTRY])
def test_the_cycle_page_says_the_secretariat_can_move_back(world, login, phase):
    html = login(world.users["secretariat"]).get(world.cycle.get_absolute_url()).content.decode()
    assert "事務局は段階を1つずつ戻すことができ" in html
