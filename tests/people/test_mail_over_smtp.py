"""The people app's mails go through a real SMTP server (aiosmtpd in the test process) with
the reminders' mail settings: an invitation with its one-time link, a role change announced
to the chair and the 事務局, and a mail server that is down does not undo the change."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from people.models import Participant, Role
from tests.factories import chair, member, revised_plan, secretariat
from tests.reminders import conftest as reminders_conftest
from tests.reminders.conftest import SITE_URL

pytestmark = pytest.mark.django_db

# The reminders' SMTP server and its settings.
smtp = reminders_conftest.smtp
smtp_down = reminders_conftest.smtp_down


@pytest.fixture
def jimukyoku(client) -> User:
    user = secretariat().user
    User.objects.filter(pk=user.pk).update(email="jimu@example.jp")
    client.force_login(user)
    return user


def test_an_invitation_arrives_with_an_absolute_one_time_link(
    client, jimukyoku, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:invite"),
            {
                "name": "山田 花子",
                "email": "hanako@example.jp",
                "role": Role.MEMBER,
                "plans": [revised_plan().pk],
            },
        )
    (invitation,) = smtp.to("hanako@example.jp")
    assert invitation.subject == "【進捗管理】ご招待: パスワードを設定してください"
    assert f"{SITE_URL}/welcome/" in invitation.body
    assert invitation.sender == "noreply@plan.example.jp"
    (announcement,) = smtp.to("jimu@example.jp")
    assert announcement.subject == "【進捗管理】役割の変更: 山田 花子（なし → 委員）"


def test_a_role_change_reaches_the_chair_and_the_secretariat(
    client, jimukyoku, smtp, django_capture_on_commit_callbacks
):
    chair_user = chair().user
    User.objects.filter(pk=chair_user.pk).update(email="chair@example.jp")
    person = member()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:role", args=[person.pk]), {"role": Role.CHAIR})
    assert [r.recipients for r in smtp.received] == [["chair@example.jp", "jimu@example.jp"]]


def test_a_mail_server_that_is_down_does_not_undo_the_change(
    client, jimukyoku, smtp_down, django_capture_on_commit_callbacks
):
    person = member()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:role", args=[person.pk]), {"role": Role.CHAIR})
    assert response.status_code == 302
    assert Participant.objects.get(pk=person.pk).role == Role.CHAIR
