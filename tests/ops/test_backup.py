"""Backup and restore round trip: fill a database, back it up, restore it into a fresh
database and find every row of every table (history, users and sessions included).

The round trip runs in separate processes against real files/databases, because a backup
must see committed data: on SQLite two temporary files, on PostgreSQL (when DATABASE_URL
says so, as in CI) two temporary databases on the same server.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))


def manage(*args: str, database_url: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


HELPERS = "import tests.ops.backup_roundtrip as h; h"


def shell(code: str, database_url: str) -> str:
    return manage("shell", "-v", "0", "-c", code, database_url=database_url).stdout.strip()


def last_json(output: str, count: int = 1):
    """The last ``count`` lines of a process's output, each one JSON document."""
    found = [json.loads(line) for line in output.splitlines()[-count:]]
    return found[0] if count == 1 else found


@pytest.fixture
def database_urls(tmp_path):
    """Two empty databases: the one to fill and back up, and the fresh one to restore into."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg2

    server = dj_database_url.parse(SERVER_URL)
    names = [f"backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("source", "fresh")]
    admin = psycopg2.connect(
        dbname="postgres",
        user=server["USER"],
        password=server["PASSWORD"],
        host=server["HOST"],
        port=server["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    base = SERVER_URL.rsplit("/", 1)[0]
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_restored_backup_holds_every_row_of_every_table(database_urls, tmp_path):
    source, fresh = database_urls
    backup_file = tmp_path / ("plan.dump" if ON_POSTGRES else "plan.sqlite3")
    manage("migrate", "--verbosity", "0", database_url=source)

    # backup_db and restore_db run as management commands inside these two processes.
    before = last_json(shell(f"{HELPERS}.fill_and_back_up({str(backup_file)!r})", source))
    restored, written = last_json(
        shell(f"{HELPERS}.restore_and_check({str(backup_file)!r})", fresh), count=2
    )

    assert restored == before
    # The data really is there: the scale data, history rows, users, a session, a lockout record.
    assert before["evaluation_projectreport"][0] == 5 * 40 + 1
    assert before["evaluation_historicalmemberevaluation"][0] == 5 * 12 * 8 + 1
    assert before["auth_user"][0] == 3 + 8 + 2
    assert before["django_session"][0] == 1
    assert before["axes_accessattempt"][0] == 1
    assert written["new_pk"] > before["evaluation_project"][0]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("これはバックアップではありません", encoding="utf-8")
    with pytest.raises(CommandError, match="のバックアップ.*ではありません"):
        call_command("restore_db", str(junk), "--noinput")


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="ありません"):
        call_command("restore_db", str(tmp_path / "nothing.dump"), "--noinput")


def test_restore_stops_unless_the_operator_types_yes(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    with pytest.raises(CommandError, match="取りやめました"):
        call_command("restore_db", str(tmp_path / "plan.sqlite3"))


def test_restore_refuses_a_backup_from_a_newer_version_and_changes_nothing(database_urls, tmp_path):
    source, fresh = database_urls
    backup_file = tmp_path / ("plan.dump" if ON_POSTGRES else "plan.sqlite3")
    manage("migrate", "--verbosity", "0", database_url=source)
    shell(
        "from django.db.migrations.recorder import MigrationRecorder as R; "
        "R.Migration.objects.create(app='reminders', name='0099_from_a_newer_version')",
        source,
    )
    manage("backup_db", "--output", str(backup_file), database_url=source)

    refused = manage("restore_db", str(backup_file), "--noinput", database_url=fresh, check=False)

    assert refused.returncode == 1
    assert (
        "は、このプログラムより新しい版で作られたバックアップです"
        "（このプログラムにないマイグレーション: reminders.0099_from_a_newer_version）。"
        "データベースは変更していません。" in refused.stderr
    )
    tables = shell(
        "from django.db import connection; print(connection.introspection.table_names())", fresh
    )
    assert tables == "[]"
