"""Whole-database backup and restore, in the database's own format.

PostgreSQL: ``pg_dump -Fc`` / ``pg_restore --clean``. SQLite: the SQLite backup API, which
copies the database page by page. Both keep everything a ``dumpdata`` round trip can lose or
renumber: primary keys that the history tables and sessions point to, sequences, the
history tables themselves, users with their password hashes, sessions, login-lockout
records and the applied migrations. A restore replaces the whole database.
"""

import os
import re
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.migrations.loader import MigrationLoader

PG_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
SQLITE_MAGIC = b"SQLite format 3\x00"


# What backup_db names its files when no --output is given: plan-<YYYYMMDD-HHMMSS>.<suffix>.
STAMPED_NAME = re.compile(r"plan-\d{8}-\d{6}\.(dump|sqlite3)")


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest stamped backups in ``directory`` (newest by the
    stamp in the name, so a copied file's modification time cannot save or doom it); any
    other file is left alone. Returns what was deleted."""
    stamped = sorted(p for p in directory.iterdir() if STAMPED_NAME.fullmatch(p.name))
    doomed = stamped[: max(len(stamped) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Japanese."""


def vendor(using: str = "default") -> str:
    return connections[using].vendor


def file_suffix(using: str = "default") -> str:
    return ".dump" if vendor(using) == "postgresql" else ".sqlite3"


def _pg_env(using: str) -> dict[str, str]:
    """libpq's environment variables, so the password never appears on a command line."""
    db = connections[using].settings_dict
    env = dict(os.environ)
    for var, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} が失敗しました: {result.stderr.strip()}")


def backup(path: Path, using: str = "default") -> Path:
    """Write the whole database ``using`` to ``path``, readable by its owner only (mode
    0600: a backup holds password hashes and live session keys)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Create the file 0600 before anything is written into it; pg_dump and SQLite then
    # write into the existing file and keep its mode.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(path)], _pg_env(using))
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"{connection.vendor} のバックアップには対応していません。")
    return path


def applied_in_backup(path: Path, vendor: str, env: dict[str, str]) -> set[tuple[str, str]]:
    """The migrations (app, name) the backed-up database had applied, read from the file."""
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return set(source.execute("SELECT app, name FROM django_migrations"))
        except sqlite3.DatabaseError:
            return set()  # no such table: an empty database
        finally:
            source.close()
    # The table's data as pg_restore would load it: COPY … FROM stdin, one tab-separated row
    # (id, app, name, applied) per line, up to "\.".
    result = subprocess.run(
        ["pg_restore", "--data-only", "--table", "django_migrations", "-f", "-", str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore が失敗しました: {result.stderr.strip()}")
    applied, copying = set(), False
    for line in result.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying:
            _id, app, name, *_rest = line.split("\t")
            applied.add((app, name))
    return applied


def refuse_newer_schema(path: Path, vendor: str, env: dict[str, str]) -> None:
    """A backup made by a newer version of this program has tables this code does not know:
    restoring it would run the old code against them. Say so before touching anything."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(applied_in_backup(path, vendor, env) - known)
    if unknown:
        names = "、".join(f"{app}.{name}" for app, name in unknown[:3])
        more = f" ほか{len(unknown) - 3}件" if len(unknown) > 3 else ""
        raise BackupError(
            f"{path} は、このプログラムより新しい版で作られたバックアップです"
            f"（このプログラムにないマイグレーション: {names}{more}）。"
            "データベースは変更していません。バックアップを作った版（またはそれより新しい版）の"
            "プログラムを入れてから復元してください。"
        )


def restore(path: Path, using: str = "default") -> None:
    """Replace the whole database ``using`` with the backup in ``path``, unless the backup
    comes from a newer version of the program."""
    if not path.is_file():
        raise BackupError(f"バックアップファイル {path} がありません。")
    connection = connections[using]
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path} は PostgreSQL のバックアップ（pg_dump -Fc）ではありません。")
        refuse_newer_schema(path, "postgresql", _pg_env(using))
        # Our own connection would hold locks that --clean has to wait for.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            _pg_env(using),
        )
    elif connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} は SQLite のバックアップではありません。")
        refuse_newer_schema(path, "sqlite", {})
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"{connection.vendor} の復元には対応していません。")
