"""「パスワードを忘れた場合」 and the invitation's link: Django's token machinery, Japanese
pages, no hint whether an address exists, a limit per client, and a link that explains
itself once it is used or expired."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from people.mails import send_password_link
from tests.factories import PASSWORD, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def known_person() -> User:
    user = UserFactory(username="hanako", email="hanako@example.jp", last_name="山田 花子")
    User.objects.filter(pk=user.pk).update(last_login="2021-04-01T09:00+09:00")
    ParticipantFactory(user=user)
    return User.objects.get(pk=user.pk)


def test_the_login_page_offers_the_forgotten_password(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("people:password_reset")}"' in page
    assert "パスワードを忘れた場合" in page


def test_a_known_address_gets_a_link_and_an_unknown_one_the_same_page(client):
    known_person()
    known = client.post(reverse("people:password_reset"), {"email": "HANAKO@example.jp"})
    unknown = client.post(reverse("people:password_reset"), {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("people:password_reset_done")
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]
    assert mail.outbox[0].subject == "【進捗管理】パスワードの再設定"
    assert "ユーザー名: hanako" in mail.outbox[0].body


def test_the_reset_link_sets_a_new_password_once(client):
    user = known_person()
    client.post(reverse("people:password_reset"), {"email": "hanako@example.jp"})
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "新しいパスワードを設定する" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "shin-password-2021", "new_password2": "shin-password-2021"},
    )
    assert done["Location"] == reverse("people:password_reset_complete")
    logged_in = client.post(
        reverse("login"), {"username": "hanako", "password": "shin-password-2021"}
    )
    assert logged_in["Location"] == reverse("home")
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "このリンクは使えません" in again
    assert User.objects.get(pk=user.pk).check_password("shin-password-2021")


def test_an_expired_link_explains_itself_in_japanese(client, settings):
    known_person()
    settings.PASSWORD_RESET_TIMEOUT = 60
    client.post(reverse("people:password_reset"), {"email": "hanako@example.jp"})
    link = link_in(mail.outbox[0])
    from django.contrib.auth.tokens import default_token_generator

    default_token_generator._now = lambda: (
        __import__("datetime").datetime.now() + timedelta(hours=1)
    )
    try:
        page = client.get(link, follow=True).content.decode()
    finally:
        del default_token_generator._now
    assert "このリンクは使えません" in page
    assert "有効期限が過ぎたか" in page


def test_many_requests_from_one_client_are_refused_for_a_while(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 3
    for _ in range(3):
        assert (
            client.post(reverse("people:password_reset"), {"email": "a@example.jp"}).status_code
            == 302
        )
    refused = client.post(reverse("people:password_reset"), {"email": "b@example.jp"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "短い時間に何度も送信されました" in page
    assert 'value="b@example.jp"' in page


def test_many_requests_for_one_address_send_no_more_mail_and_say_nothing_new(client, settings):
    known_person()
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for _ in range(4):
        response = client.post(reverse("people:password_reset"), {"email": "hanako@example.jp"})
        assert response["Location"] == reverse("people:password_reset_done")
    assert len(mail.outbox) == 2


def test_the_invitation_link_sets_the_password_and_lands_on_the_todo_list(client):
    user = UserFactory(username="new@example.jp", email="new@example.jp", last_login=None)
    user.set_unusable_password()
    user.save()
    ParticipantFactory(user=user)
    send_password_link(user)
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "ユーザー名は「new@example.jp」です" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "hajimete-2021-pw", "new_password2": "hajimete-2021-pw"},
    )
    assert response["Location"] == reverse("evaluation:todo")
    assert client.get(reverse("evaluation:todo")).status_code == 200
    client.logout()
    used = client.get(link, follow=True).content.decode()
    assert "このリンクは使えません" in used


def test_a_deactivated_persons_link_sets_no_password(client):
    user = known_person()
    send_password_link(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "このリンクは使えません" in page
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
