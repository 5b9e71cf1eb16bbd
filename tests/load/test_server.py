"""The load test's server side, checked in the normal test run so `make loadtest` cannot rot:
the people it creates, the pages it reads, every write it would send, and its verdict."""

import json
import re
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import User

from people.models import Participant, Role
from tests.load import server
from tests.load.form_answers import form_errors

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


def test_each_staff_member_of_a_body_writes_their_own_self_evaluations(plan):
    by_body: dict[str, list[set[str]]] = {}
    for account in plan["users"]:
        participant = Participant.objects.get(user__username=account["username"])
        if participant.role == Role.STAFF:
            paths = {t["path"] for t in account["writes"]["自己評価"]}
            by_body.setdefault(participant.body.code, []).append(paths)
    assert sorted(by_body) == ["city", "place", "shakyo"]
    for own in by_body.values():
        assert len(own) == 3
        assert not (own[0] & own[1] or own[0] & own[2] or own[1] & own[2])  # nobody shares


def test_the_deliberate_race_sends_a_bodys_staff_to_the_same_record(plan):
    race = {}
    for account in plan["users"]:
        for target in account["writes"].get("実施状況（同じ記録を同時に）", []):
            race.setdefault(target["path"], []).append(account["username"])
    assert len(race) == 3 and all(len(people) == 3 for people in race.values())
    assert "実施状況（同じ記録を同時に）" in plan["write_kinds"]


def test_the_load_test_reads_crispys_form_level_errors():
    html = (
        '<div class="alert alert-block alert-danger"><ul class="m-0">'
        "<li>あなたが編集している間に、ほかの人がこの記録を保存しました。</li></ul></div>"
        '<span class="invalid-feedback"><strong>このフィールドは必須です。</strong></span>'
    )
    assert form_errors(html) == [
        "あなたが編集している間に、ほかの人がこの記録を保存しました。",
        "このフィールドは必須です。",
    ]


def test_the_report_counts_conflicts_apart_from_failures(plan, tmp_path, capsys):
    path = tmp_path / "result.json"
    result = json.loads(Path(write_result(tmp_path, {})).read_text("utf-8"))
    result["conflicts"] = {"実施状況（同じ記録を同時に）": 4}
    path.write_text(json.dumps(result), encoding="utf-8")
    assert server.report(str(path)) == 0
    assert "競合（ほかの人が先に保存し、競合の画面を表示）: 実施状況（同じ記録を同時に） 4 件" in (
        capsys.readouterr().out
    )


def test_the_cross_node_checker_saves_a_record_and_finds_it_on_the_page_it_reads(
    plan, client, django_capture_on_commit_callbacks
):
    cross = plan["cross"]
    client.force_login(User.objects.get(username=cross["username"]))
    form = client.get(cross["form"]).content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    data = {**cross["fields"], "activities": "ノード間の確認 1", "version": version}
    with django_capture_on_commit_callbacks(execute=True):  # the commit invalidates the cache
        response = client.post(cross["form"], data)
    assert response.status_code == 302
    assert "ノード間の確認 1" in client.get(cross["read"]).content.decode()


def two_node_result(tmp_path, cross_reads: dict, cross_sent: int) -> str:
    path = tmp_path / "result.json"
    result = json.loads(Path(write_result(tmp_path, {})).read_text("utf-8"))
    result["nodes"] = {
        "ノード1": {"requests": 200, "p50_ms": 90, "p95_ms": 700},
        "ノード2": {"requests": 230, "p50_ms": 100, "p95_ms": 800},
    }
    result["cross_reads"] = cross_reads
    result["writes_sent"]["ノード間（一方で保存・他方で表示）"] = cross_sent
    path.write_text(json.dumps(result), encoding="utf-8")
    return str(path)


def test_with_two_nodes_the_report_shows_each_and_fails_on_a_stale_page(plan, tmp_path, capsys):
    assert server.report(two_node_result(tmp_path, {"fresh": 0, "stale": 1}, 0)) == 1
    out = capsys.readouterr().out
    assert "gunicorn 2 台" in out
    assert "ノード1: リクエスト 200 件、p50 90 ms、p95 700 ms" in out
    assert "新しい内容 0 回、古い内容 1 回" in out
    assert "結果: 不合格" in out


def test_with_two_nodes_the_report_fails_when_the_checkers_save_is_missing(plan, tmp_path, capsys):
    assert server.report(two_node_result(tmp_path, {"fresh": 3}, 3)) == 1
    assert "ノード間（一方で保存・他方で表示）: 3 → 0（不足 3）" in capsys.readouterr().out
