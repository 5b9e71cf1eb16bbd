"""The 事務局's people page: everyone by role and 実施主体, invitations, a new link,
deactivation and changes of role — each through ``people.services``."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from people.models import Participant, Role
from tests.evaluation.conftest import fresh_idle_timeout
from tests.factories import (
    PASSWORD,
    ParticipantFactory,
    UserFactory,
    body,
    chair,
    member,
    revised_plan,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def jimukyoku(client) -> Participant:
    person = secretariat()
    client.force_login(person.user)
    fresh_idle_timeout(client)
    return person


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_it_lists_everyone_by_role_with_the_last_login(
    client, jimukyoku, django_assert_max_num_queries
):
    staff("city")
    staff("place")
    member()
    chair()
    with django_assert_max_num_queries(8):
        page = client.get(reverse("people:list")).content.decode()
    headings = re.findall(r'<h2 class="h5 mt-4">(.+?)</h2>', page)
    assert headings == ["事務局", "実施主体担当", "委員", "委員長"]
    assert "まだログインしていません" in page
    assert "（自分）" in page


def test_the_query_count_does_not_grow_with_the_number_of_people(
    client, jimukyoku, django_assert_max_num_queries
):
    for _ in range(30):
        member()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("people:list")).status_code == 200


def test_members_and_staff_do_not_see_the_people_page(client):
    for person in (member(), chair(), staff()):
        client.force_login(person.user)
        assert client.get(reverse("people:list")).status_code == 403


def test_an_invitation_creates_the_person_and_mails_a_one_time_link(
    client, jimukyoku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:invite"),
            {
                "name": "山田 花子",
                "email": "Hanako@Example.jp",
                "role": Role.STAFF,
                "body": body("place").pk,
                "plans": [revised_plan().pk],
            },
        )
    assert response.status_code == 302
    person = Participant.objects.get(user__username="hanako@example.jp")
    assert (person.role, person.body.code, person.user.has_usable_password()) == (
        Role.STAFF,
        "place",
        False,
    )
    invitation = [m for m in mail.outbox if m.to == ["hanako@example.jp"]]
    assert invitation[0].subject == "【進捗管理】ご招待: パスワードを設定してください"
    assert link_in(invitation[0]).startswith("/welcome/")
    assert person.history.first().history_user == jimukyoku.user


def test_an_invitation_as_secretariat_is_refused_with_what_was_typed_kept(client, jimukyoku):
    response = client.post(
        reverse("people:invite"),
        {
            "name": "山田 花子",
            "email": "hanako@example.jp",
            "role": Role.SECRETARIAT,
            "plans": [revised_plan().pk],
        },
    )
    page = response.content.decode()
    assert "事務局の役割を付ける・外すことができるのは管理者だけです" in page
    assert 'value="山田 花子"' in page
    assert not User.objects.filter(username="hanako@example.jp").exists()


def test_an_address_already_registered_is_refused(client, jimukyoku):
    UserFactory(username="taro", email="taro@example.jp")
    response = client.post(
        reverse("people:invite"),
        {
            "name": "太郎",
            "email": "TARO@example.jp",
            "role": Role.MEMBER,
            "plans": [revised_plan().pk],
        },
    )
    assert "このメールアドレスの人はすでに登録されています" in response.content.decode()


def test_the_link_is_sent_again_as_an_invitation_or_a_reset(client, jimukyoku):
    invited = ParticipantFactory(user=UserFactory(email="new@example.jp", last_login=None))
    known = ParticipantFactory(user=UserFactory(email="known@example.jp"))
    User.objects.filter(pk=known.user_id).update(last_login="2021-04-01T09:00+09:00")
    client.post(reverse("people:send_link", args=[invited.pk]))
    client.post(reverse("people:send_link", args=[known.pk]))
    assert [(m.to, link_in(m).split("/")[1]) for m in mail.outbox] == [
        (["new@example.jp"], "welcome"),
        (["known@example.jp"], "password-reset"),
    ]


def test_deactivation_stops_the_login_and_keeps_the_person(client, jimukyoku):
    person = staff()
    response = client.post(reverse("people:set_active", args=[person.pk]), {"active": "0"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.is_active is False
    assert Participant.objects.filter(pk=person.pk).exists()
    client.logout()
    refused = client.post(
        reverse("login"), {"username": person.user.username, "password": PASSWORD}
    )
    assert refused.status_code == 200


def test_the_secretariat_cannot_deactivate_itself_or_another_secretariat(client, jimukyoku):
    other = secretariat()
    for target in (jimukyoku, other):
        client.post(reverse("people:set_active", args=[target.pk]), {"active": "0"})
        target.user.refresh_from_db()
        assert target.user.is_active is True


def test_a_change_of_body_is_saved_with_history(
    client, jimukyoku, django_capture_on_commit_callbacks
):
    person = staff("city")
    chair_user = chair().user
    User.objects.filter(pk=chair_user.pk).update(email="chair@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:role", args=[person.pk]), {"role": Role.STAFF, "body": body("place").pk}
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.body.code == "place"
    assert [h.body.code for h in person.history.all()] == ["place", "city"]
    assert mail.outbox[0].to == ["chair@example.jp"]
    assert "実施主体担当（市） → 実施主体担当（武蔵野プレイス）" in mail.outbox[0].subject
