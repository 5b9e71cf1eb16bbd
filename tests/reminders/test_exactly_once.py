"""Each reminder reaches each person once, whatever happens to the runs: a run is killed
while the mail server holds its message, then two runs start together (two nodes' timers).

Real processes (``manage.py send_reminders``) against a fresh database holding the demo,
and a real SMTP server (aiosmtpd) in the test process. On PostgreSQL (CI) the runs meet at
the advisory lock; without DATABASE_URL, on an SQLite file and its lock file.
"""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from reminders.management.commands.send_reminders import ANOTHER_RUN
from tests.ops.test_backup import ON_POSTGRES, ROOT, database_urls, manage  # noqa: F401
from tests.reminders.conftest import free_port

SETTLE_SECONDS = 60


@dataclass
class HoldingMailbox:
    """Records each message as it arrives (the server has it), then, while ``hold`` is set,
    keeps the sender waiting for the reply until ``hold()`` returns."""

    received: list[tuple[str, str]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    hold: Callable[[], None] | None = None

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.rcpt_tos[0], str(message["Subject"]).strip()))
        self.arrived.set()
        hold, self.hold = self.hold, None  # only the first message after it was set
        if hold:
            await asyncio.get_running_loop().run_in_executor(None, hold)
        return "250 2.0.0 OK"


def run(database_url: str, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "SITE_URL": "https://plan.example.jp",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{SETTLE_SECONDS}秒待っても {what}")
        time.sleep(0.05)


@pytest.fixture
def demo_database(database_urls):  # noqa: F811
    url = database_urls[0]
    manage("migrate", "--verbosity", "0", database_url=url)
    manage("load_plan", database_url=url)
    manage("load_demo", database_url=url)
    return url


@pytest.fixture
def mailbox():
    box = HoldingMailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


def test_a_killed_run_and_two_runs_together_send_each_reminder_once(demo_database, mailbox):
    box, port = mailbox
    due = manage("send_reminders", "--dry-run", database_url=demo_database).stdout.splitlines()
    expected = Counter(tuple(line.split("\t")) for line in due[:-1])
    assert due[-1] == "送信予定 4通（--dry-run のため送っていません）"  # 3 bodies and the summary

    # 1. A run is killed while the server holds its first message (the server has it).
    released = threading.Event()
    box.hold = lambda: released.wait(SETTLE_SECONDS)
    killed = run(demo_database, port)
    wait_until(box.arrived.is_set, "1通目が届きません")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    released.set()
    assert len(box.received) == 1

    # 2. Two runs start together. The one that gets the lock is held at its first message
    # until the other has ended: so they overlap, and the other must have been refused.
    runs = []
    box.hold = lambda: wait_until(
        lambda: any(r.poll() is not None for r in runs), "もう一方の実行が終わりません"
    )
    runs.extend([run(demo_database, port), run(demo_database, port)])
    outputs = [r.communicate(timeout=SETTLE_SECONDS) for r in runs]

    assert [r.returncode for r in runs] == [0, 0], outputs
    refused = [out for out, _err in outputs if ANOTHER_RUN in out]
    assert len(refused) == 1, outputs
    assert Counter(box.received) == expected  # every message, each once
    # The killed run's message stays claimed, not marked sent: its outcome was unknown.
    log = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from reminders.models import SentReminder as S; "
        "print(S.objects.sent().count(), S.objects.filter(sent_at=None).count())",
        database_url=demo_database,
    )
    assert log.stdout.split() == ["3", "1"]


@pytest.mark.django_db
def test_the_lock_is_the_databases_own_on_postgresql():
    if not ON_POSTGRES:
        pytest.skip("DATABASE_URL が PostgreSQL ではありません（CI では PostgreSQL で実行）")
    from django.db import connection

    from reminders.run_lock import PG_LOCK_KEYS, run_lock

    with run_lock() as taken, connection.cursor() as cursor:
        assert taken
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND classid = %s AND objid = %s",
            PG_LOCK_KEYS,
        )
        assert cursor.fetchone()[0] == 1
