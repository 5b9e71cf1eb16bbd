import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def fail(client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        client.post(
            LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address
        )


def test_five_failures_lock_the_username_from_that_address(client):
    UserFactory(username="tanaka")
    fail(client, "tanaka", 5)
    response = client.post(
        LOGIN, {"username": "tanaka", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "ログインが一時的に制限されています" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_allow_the_right_password(client):
    UserFactory(username="tanaka")
    fail(client, "tanaka", 4)
    response = client.post(
        LOGIN, {"username": "tanaka", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_the_lock_is_per_username_and_address(client):
    UserFactory(username="tanaka")
    UserFactory(username="suzuki")
    fail(client, "tanaka", 5)
    other_user = client.post(
        LOGIN, {"username": "suzuki", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert other_user.status_code == 302
    client.logout()
    other_address = client.post(
        LOGIN, {"username": "tanaka", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_address.status_code == 302
