"""The lock that lets one ``send_reminders`` run at a time, on any number of machines.

It must be released when its holder dies (killed, out of memory, the machine lost), never
by a timeout: a lock that expires lets two runs in after a crash.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on the run's own
  database connection. The server drops it when that connection ends, however it ends.
  (A connection pooler in transaction mode would hand the session to others: connect the
  command to PostgreSQL directly.)
- SQLite: an exclusive ``flock`` on a file beside the database file. SQLite serves one
  machine only, so a lock of that machine's kernel is enough, and the kernel drops it when
  the process dies. Not the database file itself: SQLite holds POSIX (``fcntl``) locks on
  it, and a second descriptor on that file closed by us would drop SQLite's own locks.

The lock saves work; what keeps each message to one send is its claim in the log
(``reminders.sending.claim``), which also covers the send-back notices sent from requests.
"""

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

# pg_try_advisory_lock(int, int): this application's number and the job's.
PG_LOCK_KEYS = (0x706C616E, 1)  # "plan", send_reminders


def sqlite_lock_path(database_name: str) -> Path:
    """A file beside the database; for an in-memory database (tests), one in the temp dir
    named after it (an in-memory database is never shared between processes anyway)."""
    name = str(database_name)
    if name and name != ":memory:" and not name.startswith("file:"):
        return Path(f"{name}-send_reminders.lock")
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"plan-send_reminders-{digest}.lock"


@contextmanager
def run_lock(using: str = "default") -> Iterator[bool]:
    """Try to take the lock without waiting; yield whether it was taken, and release it on
    leaving if it was."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", PG_LOCK_KEYS)
            taken = cursor.fetchone()[0]
        try:
            yield taken
        finally:
            if taken:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", PG_LOCK_KEYS)
        return
    if connection.vendor != "sqlite":
        raise NotImplementedError(f"{connection.vendor} の実行ロックには対応していません。")
    fd = os.open(sqlite_lock_path(connection.settings_dict["NAME"]), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except BlockingIOError:
            taken = False
        yield taken  # closing the descriptor below releases the lock
    finally:
        os.close(fd)
