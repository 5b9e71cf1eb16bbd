"""`make loadtest NODES=2`, after the load: ``send_reminders`` started on every node at the
same moment (each node's hourly timer), against one SMTP server. Each message must arrive
once: the list of what is due (``--dry-run``, taken first) against what arrived.

Run from run.sh as ``python -m tests.load.reminders_on_nodes N``; DATABASE_URL and the settings come from its
environment. Prints the figures; exits 1 if a message is missing or came twice.
"""

import asyncio
import os
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]


class Sink:
    def __init__(self) -> None:
        self.received: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received[(envelope.rcpt_tos[0], str(message["Subject"]).strip())] += 1
        await asyncio.sleep(0.05)  # a real server's pace: the runs overlap
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_reminders(port: int, *args: str) -> subprocess.Popen:
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def main(nodes: int) -> int:
    from reminders.management.commands.send_reminders import ANOTHER_RUN

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        dry = send_reminders(controller.port, "--dry-run").communicate()[0].splitlines()
        due = Counter(tuple(line.split("\t")) for line in dry[:-1])
        runs = [send_reminders(controller.port) for _ in range(nodes)]
        outputs = [run.communicate(timeout=600) for run in runs]
    finally:
        controller.stop()
    twice = sum(n - 1 for n in sink.received.values() if n > 1)
    missing = sum((due - sink.received).values())
    refused = sum(ANOTHER_RUN in out for out, _err in outputs)
    failed = [err for run, (_out, err) in zip(runs, outputs, strict=True) if run.returncode]
    print(
        f"リマインダー: {nodes} 台で同時に send_reminders、送るべきもの {sum(due.values())} 通、"
        f"届いたもの {sum(sink.received.values())} 通（2通目 {twice}、不足 {missing}）、"
        f"「別の send_reminders が送信中」で終わった実行 {refused}、失敗した実行 {len(failed)}"
    )
    for err in failed:
        print(err[-2000:])
    return 0 if due and not (twice or missing or failed) else 1


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan.settings")
    django.setup()
    sys.exit(main(int(sys.argv[1])))
