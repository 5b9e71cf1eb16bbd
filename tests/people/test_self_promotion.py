"""The hole of issue 23: the 事務局 made itself 委員長 in the admin, confirmed its own drafts
and set itself back. Every way to change a role now asks ``people.rules``; an allowed change
leaves a history row and a mail to the chair and the 事務局."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from people.models import Participant, Role
from tests.factories import ParticipantFactory, UserFactory, member, secretariat

pytestmark = pytest.mark.django_db


def admin_change(client, participant: Participant, role: str, body: str = ""):
    return client.post(
        reverse("admin:people_participant_change", args=[participant.pk]),
        {"role": role, "body": body},
    )


@pytest.fixture
def jimukyoku(client) -> User:
    """The demo's 事務局, with its group's admin permissions (change_participant included)."""
    call_command("load_demo", verbosity=0)
    user = User.objects.get(username="jimukyoku")
    client.force_login(user)
    return user


def test_the_secretariat_cannot_make_itself_chair_in_the_admin(client, jimukyoku):
    own = jimukyoku.participant
    response = admin_change(client, own, Role.CHAIR)
    assert response.status_code == 200
    assert "自分自身の役割は変更できません" in response.content.decode()
    assert Participant.objects.get(pk=own.pk).role == Role.SECRETARIAT


def test_the_secretariat_cannot_make_a_member_secretariat_in_the_admin(client, jimukyoku):
    iin2 = Participant.objects.get(user__username="iin2")
    response = admin_change(client, iin2, Role.SECRETARIAT)
    assert "事務局の役割を付ける・外すことができるのは管理者だけです" in response.content.decode()
    assert Participant.objects.get(pk=iin2.pk).role == Role.MEMBER


def test_the_secretariat_makes_a_member_chair_in_the_admin_with_history_and_a_mail(
    client, jimukyoku, django_capture_on_commit_callbacks
):
    User.objects.filter(username="jimukyoku").update(email="jimukyoku@example.jp")
    User.objects.filter(username="iincho").update(email="iincho@example.jp")
    iin2 = Participant.objects.get(user__username="iin2")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(client, iin2, Role.CHAIR)
    assert response.status_code == 302
    assert Participant.objects.get(pk=iin2.pk).role == Role.CHAIR
    last = iin2.history.first()
    assert (last.role, last.history_user.username) == (Role.CHAIR, "jimukyoku")
    assert [m.subject for m in mail.outbox] == [
        "【進捗管理】役割の変更: デモ 委員2（委員 → 委員長）"
    ]
    assert sorted(mail.outbox[0].to) == ["iincho@example.jp", "jimukyoku@example.jp"]
    assert "変更した人: デモ 事務局（市民活動推進課）" in mail.outbox[0].body


def test_a_member_cannot_make_themselves_chair_in_the_app(client):
    person = member()
    client.force_login(person.user)
    response = client.post(reverse("people:role", args=[person.pk]), {"role": Role.CHAIR})
    assert response.status_code == 403
    assert Participant.objects.get(pk=person.pk).role == Role.MEMBER


def test_the_secretariat_cannot_make_itself_chair_in_the_app(client):
    own = secretariat()
    client.force_login(own.user)
    response = client.post(reverse("people:role", args=[own.pk]), {"role": Role.CHAIR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "自分自身の役割は変更できません" in page
    assert 'value="chair" selected' in page  # what was chosen is still there
    assert Participant.objects.get(pk=own.pk).role == Role.SECRETARIAT


def test_an_administrator_cannot_give_themselves_a_role_in_the_admin(client):
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    own = ParticipantFactory(user=admin, role=Role.MEMBER)
    client.force_login(admin)
    response = admin_change(client, own, Role.CHAIR)
    assert "自分自身の役割は変更できません" in response.content.decode()
    assert Participant.objects.get(pk=own.pk).role == Role.MEMBER


def test_only_an_administrator_makes_someone_secretariat(
    client, django_capture_on_commit_callbacks
):
    person = member()
    client.force_login(UserFactory(username="it-admin", is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(client, person, Role.SECRETARIAT)
    assert response.status_code == 302
    assert Participant.objects.get(pk=person.pk).role == Role.SECRETARIAT
    assert person.history.first().history_user.username == "it-admin"
