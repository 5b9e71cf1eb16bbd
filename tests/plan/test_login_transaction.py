"""A login hashes the password outside any transaction: on SQLite a request's transaction
takes the one write lock when it begins, and holding it for the 0.3–1 s of a hash queued a
meeting's logins one behind another (tests/plan/test_sqlite_meeting.py)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

seen: list[bool] = []


class RecordingHasher(MD5PasswordHasher):
    """Notes whether a transaction was open while it checked a password."""

    def verify(self, password: str, encoded: str) -> bool:
        seen.append(connection.in_atomic_block)
        return super().verify(password, encoded)


@pytest.fixture
def recording_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.plan.test_login_transaction.RecordingHasher"]
    seen.clear()
    yield seen


# Not inside the test's own transaction, so that what the request opens is what is seen.
@pytest.mark.django_db(transaction=True)
def test_the_password_is_checked_outside_any_transaction(client, recording_hasher):
    UserFactory(username="tanaka")
    response = client.post(reverse("login"), {"username": "tanaka", "password": PASSWORD})
    assert response.status_code == 302
    assert recording_hasher == [False]


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_checked_outside_any_transaction_too(client, recording_hasher):
    UserFactory(username="tanaka")
    response = client.post(reverse("login"), {"username": "tanaka", "password": "wrong-pass"})
    assert response.status_code == 200
    assert recording_hasher == [False]
