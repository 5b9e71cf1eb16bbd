import datetime
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan.sessions import KEY
from tests.factories import PASSWORD, UserFactory
from tests.plan.test_settings import manage

pytestmark = pytest.mark.django_db

TREE = reverse("policies:tree", kwargs={"plan": "revised-2017"})


def log_in(client) -> None:
    user = UserFactory(username="yamada", last_name="山田")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def the_session(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_the_session_cookie_ends_when_the_browser_closes(client):
    log_in(client)
    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


def test_without_browser_close_expiry_the_cookie_lasts_the_idle_time(client, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    settings.SESSION_COOKIE_AGE = 1800
    log_in(client)
    assert client.cookies["sessionid"]["max-age"] == 1800


def age_the_session(client, seconds: int) -> None:
    """As if the last refresh of the idle timeout was ``seconds`` ago."""
    session = the_session(client)
    data = session.get_decoded()
    data[KEY] = int(time.time()) - seconds
    session.session_data = SessionStore().encode(data)
    session.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    session.save()


def test_a_request_a_minute_after_the_last_refresh_pushes_the_idle_timeout_forward(
    client, settings
):
    settings.SESSION_COOKIE_AGE = 1800
    log_in(client)
    age_the_session(client, seconds=61)
    client.get(TREE)
    remaining = the_session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_requests_within_a_minute_do_not_write_the_session(client):
    log_in(client)
    age_the_session(client, seconds=30)
    with CaptureQueriesContext(connection) as queries:
        client.get(TREE)
    writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert writes == []
    remaining = the_session(client).expire_date - timezone.now()
    assert remaining <= datetime.timedelta(minutes=1)


def test_an_idle_session_is_logged_out(client):
    log_in(client)
    assert "山田" in client.get(TREE).content.decode()
    session = the_session(client)
    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    html = client.get(TREE).content.decode()
    assert "山田" not in html
    assert f'href="{reverse("login")}"' in html


def test_idle_minutes_and_browser_close_come_from_the_environment():
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    assert manage("shell", "-v", "0", "-c", code, env={}).stdout.split() == ["7200", "True"]
    env = {"SESSION_IDLE_MINUTES": "30", "SESSION_EXPIRE_AT_BROWSER_CLOSE": "0"}
    assert manage("shell", "-v", "0", "-c", code, env=env).stdout.split() == ["1800", "False"]
