"""``/healthz`` for a monitor: 200 and a tiny JSON body when the node can serve, 503 naming
what is wrong when it cannot; no login, no data, no cookie."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("ops:healthz")


def test_it_answers_ok_without_a_login(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_sets_no_cookie_and_starts_no_session(client):
    response = client.get(URL)
    assert response.cookies == {}
    assert Session.objects.count() == 0


def test_it_is_served_over_plain_http_even_where_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get(reverse("floor")).status_code == 301


def test_it_answers_503_when_the_database_cannot_be_reached(client, monkeypatch):
    def unreachable():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "problems": ["database"]}


def test_it_answers_503_when_a_migration_is_not_applied(client):
    # As after an upgrade whose new code runs before `migrate`: the latest is not applied.
    latest = max(MigrationLoader(connection).graph.leaf_nodes("evaluation"))
    MigrationRecorder(connection).record_unapplied(*latest)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "problems": ["migrations"]}


def test_it_answers_503_when_the_cache_table_is_missing(client):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE plan_cache")
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "problems": ["cache"]}


def test_it_only_answers_get_and_head(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405
