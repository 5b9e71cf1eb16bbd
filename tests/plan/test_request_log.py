"""One log line per request, with its id, the user and the status (plan.request_log), in
the format an operator's tools read (plan.log_format)."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from plan.log_format import JsonFormatter, TextFormatter
from plan.request_log import RequestIdFilter, current_request_id
from tests.factories import UserFactory
from tests.plan.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[dict]:
    """The request log's lines as the JSON formatter writes them."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "request"]


def test_a_request_yields_a_line_with_its_id_user_and_status(client, caplog):
    user = UserFactory()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="request"):
        response = client.get(reverse("policies:tree", kwargs={"plan": "revised-2017"}))
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == user.pk
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["path"] == "/plans/revised-2017/"
    assert line["event"] == "request"
    assert line["client"] == "127.0.0.1"
    assert line["logger"] == "request"
    assert line["level"] == "INFO"
    assert line["duration_ms"] > 0


def test_an_anonymous_request_has_no_user_and_costs_no_query(
    client, caplog, django_assert_num_queries
):
    with caplog.at_level(logging.INFO, logger="request"), django_assert_num_queries(0):
        response = client.get("/no-such-page-here/", HTTP_ACCEPT="text/html")
    [line] = request_lines(caplog)
    assert line["user_id"] is None
    assert line["status"] == response.status_code == 404


def test_a_server_error_is_logged_with_its_status_and_id(db, settings, caplog):
    settings.ROOT_URLCONF = "tests.plan.error_urls"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO, logger="request"):
        response = client.get("/fail/")
    [line] = request_lines(caplog)
    assert line["status"] == response.status_code == 500
    assert line["request_id"] == response["X-Request-ID"]
    # Django's own line of the failure carries the same id (the console handler's
    # RequestIdFilter added it while the request ran).
    [error] = [r for r in caplog.records if r.name == "django.request"]
    assert error.request_id == response["X-Request-ID"]


def test_a_callers_request_id_is_kept_and_sent_back(client, caplog):
    with caplog.at_level(logging.INFO, logger="request"):
        response = client.get(reverse("ops:healthz"), HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert response["X-Request-ID"] == "lb-7f3a9c21-0001"
    assert request_lines(caplog)[0]["request_id"] == "lb-7f3a9c21-0001"


@pytest.mark.parametrize(
    "forged", ["abc\nlevel=ERROR fake line", "short", "x" * 200, "<script>", "a b c d e f g h"]
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, forged):
    response = client.get(reverse("ops:healthz"), HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_lines_logged_during_a_request_carry_its_id(client, caplog, monkeypatch):
    seen = []
    from ops import views

    def checking():
        record = logging.LogRecord("security", logging.INFO, "", 0, "test", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)
        return []

    monkeypatch.setattr(views, "problems", checking)
    response = client.get(reverse("ops:healthz"))
    assert seen == [response["X-Request-ID"]]
    assert current_request_id.get() is None  # and forgotten afterwards


def record(**extra) -> logging.LogRecord:
    entry = logging.LogRecord(
        "security", logging.WARNING, "", 0, "ログインに失敗しました", None, None
    )
    entry.__dict__.update(extra)
    return entry


def test_the_json_format_is_one_line_with_the_japanese_message_and_every_extra_key():
    line = JsonFormatter().format(record(event="auth.login_failed", username="tanaka"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "ログインに失敗しました"
    assert entry["event"] == "auth.login_failed"
    assert entry["username"] == "tanaka"
    assert entry["level"] == "WARNING"
    assert entry["time"].endswith("Z")
    assert "ログインに失敗しました" in line  # readable, not \\u escapes


def test_the_text_format_reads_as_a_line_with_its_keys():
    line = TextFormatter().format(record(event="auth.login_failed", username="tanaka"))
    assert line.endswith(
        "WARNING security: ログインに失敗しました [event=auth.login_failed username=tanaka]"
    )


def test_production_logs_json_lines_and_an_unknown_format_stops_the_start():
    code = "import logging; logging.getLogger('security').warning('試し', extra={'event': 'x'})"
    production = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert json.loads(production.stderr)["event"] == "x"
    development = manage("shell", "-c", code, env={"DEBUG": "1"})
    assert development.stderr.strip().endswith("WARNING security: 試し [event=x]")
    wrong = manage("check", env={"DEBUG": "1", "LOG_FORMAT": "xml"})
    assert wrong.returncode != 0
    assert "LOG_FORMAT" in wrong.stderr
