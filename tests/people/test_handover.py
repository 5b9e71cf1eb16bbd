"""人事異動 on a date, in one step: the successor sees the 実施主体's open items and history,
the predecessor no longer sees them, and what the predecessor wrote stays theirs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from evaluation.models import SelfEvaluation
from evaluation.services import record_save
from people.models import Handover, Participant, Role
from tests.factories import SelfEvaluationFactory, UserFactory, measure

pytestmark = pytest.mark.django_db

SELF_EVALUATION = reverse(
    "evaluation:self_evaluation",
    kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1", "body": "city"},
)


def hand_over(client, world, **data):
    predecessor = world.users["staff_a"].participant
    client.force_login(world.users["secretariat"])
    fields = {
        "name": "後任 太郎",
        "email": "kohnin@example.jp",
        "effective_on": timezone.localdate().isoformat(),
        **data,
    }
    return client.post(reverse("people:handover", args=[predecessor.pk]), fields)


def test_the_successor_sees_the_bodys_open_items_and_the_predecessor_gets_403(
    client, world, django_capture_on_commit_callbacks
):
    predecessor = world.users["staff_a"]
    evaluation = SelfEvaluationFactory(cycle=world.cycle, measure=measure("1-1"))
    evaluation.reason = "前任者が書いた理由。"
    record_save(instance=evaluation, expected_version=evaluation.version, user=predecessor)
    with django_capture_on_commit_callbacks(execute=True):
        response = hand_over(client, world, effective_on="2021-04-01")
    assert response.status_code == 302
    successor = User.objects.get(username="kohnin@example.jp")
    handover = Handover.objects.get()
    assert (handover.body.code, handover.predecessor, handover.successor) == (
        "city",
        predecessor,
        successor,
    )
    assert str(handover.effective_on) == "2021-04-01"
    assert not Participant.objects.filter(user=predecessor).exists()
    assert successor.participant.role == Role.STAFF
    assert "kohnin@example.jp" in [m.to[0] for m in mail.outbox]

    client.force_login(successor)
    todo = client.get(reverse("evaluation:todo")).content.decode()
    assert "市民活動入門講座" in todo  # the body's 事業 still without its 実施状況
    page = client.get(SELF_EVALUATION).content.decode()
    assert "前任者が書いた理由。" in page
    assert predecessor.last_name in page  # the history names who wrote it
    assert SelfEvaluation.objects.get().history.first().history_user == predecessor

    client.force_login(predecessor)
    assert client.get(SELF_EVALUATION).status_code == 403
    assert client.get(reverse("evaluation:todo")).status_code == 200
    assert "市民活動入門講座" not in client.get(reverse("evaluation:todo")).content.decode()


def test_an_existing_account_takes_over_without_an_invitation(client, world):
    UserFactory(username="sato", email="sato@example.jp", last_name="佐藤")
    response = hand_over(client, world, email="SATO@example.jp")
    assert response.status_code == 302
    assert Participant.objects.get(user__username="sato").body.code == "city"
    assert not [m for m in mail.outbox if m.to == ["sato@example.jp"]]


def test_a_handover_dated_in_the_future_waits_for_its_day(client, world):
    later = timezone.localdate() + timedelta(days=3)
    response = hand_over(client, world, effective_on=later.isoformat())
    page = response.content.decode()
    assert "発令日が先の日付の引き継ぎは、その日になってから行ってください" in page
    assert 'value="後任 太郎"' in page
    assert Participant.objects.filter(user=world.users["staff_a"]).exists()
    assert not Handover.objects.exists()


def test_only_body_staff_are_handed_over(client, world):
    member = world.users["member"].participant
    client.force_login(world.users["secretariat"])
    response = client.post(
        reverse("people:handover", args=[member.pk]),
        {"name": "誰か", "email": "x@example.jp", "effective_on": "2021-04-01"},
    )
    assert "引き継げるのは、実施主体担当の人だけです" in response.content.decode()
    assert Participant.objects.get(pk=member.pk).role == Role.MEMBER


def test_the_handover_is_listed_on_the_people_page(client, world):
    hand_over(client, world, effective_on="2021-04-01")
    page = client.get(reverse("people:list")).content.decode()
    assert "人事異動（引き継ぎ）の記録" in page
    assert "2021年4月1日" in page
