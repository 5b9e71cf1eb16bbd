"""The load test's server side, checked in the normal test run so `make loadtest` cannot rot:
the people it creates, the pages it reads, every write it would send, and its verdict."""

import json
import re

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import User

from evaluation.models import Participant, Role
from tests.load import server

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(tmp_path) -> dict:
    path = tmp_path / "plan.json"
    server.prepare(str(path), users=20)
    return json.loads(path.read_text("utf-8"))


def test_it_prepares_twenty_people_in_every_role(plan):
    assert len(plan["users"]) == 20
    roles = Participant.objects.filter(user__username__startswith="load-").values_list(
        "role", flat=True
    )
    assert sorted(roles) == sorted(
        [Role.CHAIR] + [Role.MEMBER] * 7 + [Role.STAFF] * 9 + [Role.SECRETARIAT] * 3
    )
    assert plan["write_kinds"][0] == "ログイン"


def test_every_page_it_reads_answers_a_logged_in_person(plan, client):
    client.force_login(User.objects.get(username="load-01"))
    assert len(plan["reads"]) >= 13  # the tree and the 12 施策, plus the evaluation pages
    assert {path: client.get(path).status_code for path in plan["reads"]} == dict.fromkeys(
        plan["reads"], 200
    )


def test_every_write_it_would_send_is_saved_by_the_real_form(plan, client):
    sent = 0
    for account in plan["users"]:
        client.force_login(User.objects.get(username=account["username"]))
        for kind, targets in account["writes"].items():
            target = targets[0]
            form = client.get(target["path"]).content.decode()
            version = re.search(r'name="version" value="(\d+)"', form)
            assert version, (kind, target["path"])
            data = {**target["fields"], "version": version.group(1)}
            response = client.post(target["path"], data)
            assert response.status_code == 302, (kind, target["path"])
            sent += 1
    # Evaluation forms add kinds as they appear; the count follows what the plan holds.
    assert sent == sum(len(a["writes"]) for a in plan["users"])


def write_result(tmp_path, sent: dict) -> str:
    path = tmp_path / "result.json"
    result = {
        "users": 20,
        "seconds": 60,
        "requests": 430,
        "failures": 0,
        "rps": 7.2,
        "p50_ms": 800,
        "p95_ms": 6700,
        "max_ms": 11000,
        "write_kinds": ["ログイン"],
        "writes_sent": sent,
    }
    path.write_text(json.dumps(result), encoding="utf-8")
    return str(path)


def test_the_report_passes_when_every_write_is_found(plan, tmp_path, capsys):
    AccessLog.objects.create(username="load-01", ip_address="127.0.0.1", user_agent="locust")
    assert server.report(write_result(tmp_path, {"ログイン": 1})) == 0
    out = capsys.readouterr().out
    assert "ログイン: 1 → 1（不足 0）" in out
    assert "結果: 合格" in out


def test_the_report_fails_when_a_write_is_missing(plan, tmp_path, capsys):
    assert server.report(write_result(tmp_path, {"ログイン": 2})) == 1
    out = capsys.readouterr().out
    assert "ログイン: 2 → 0（不足 2）" in out
    assert "結果: 不合格" in out


def test_its_people_log_in_through_the_login_form_with_its_password(plan, client):
    response = client.post("/login/", {"username": "load-20", "password": plan["password"]})
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="load-20").count() == 1
