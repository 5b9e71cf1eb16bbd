"""The user name is the e-mail address, typed in whatever case the mail program shows it."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def log_in(client, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_address_logs_in_in_any_case(client):
    user = UserFactory(username="hanako@example.jp")
    assert log_in(client, "Hanako@Example.JP").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_still_refused(client):
    UserFactory(username="hanako@example.jp")
    response = log_in(client, "HANAKO@example.jp", password="wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_two_names_differing_only_in_case_each_log_in_by_their_exact_name(client):
    lower = UserFactory(username="taro")
    UserFactory(username="Taro")
    assert log_in(client, "taro").status_code == 302
    assert client.session["_auth_user_id"] == str(lower.pk)
    client.logout()
    assert log_in(client, "TARO").status_code == 200  # neither is meant: refused


def test_changing_the_case_does_not_escape_the_lock(client):
    UserFactory(username="hanako@example.jp")
    for typed in ["hanako@example.jp", "Hanako@example.jp", "HANAKO@example.jp"] * 2:
        log_in(client, typed, password="wrong-password")
    response = log_in(client, "hanako@EXAMPLE.jp")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
