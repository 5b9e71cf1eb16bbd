"""The backup timer runs ``backup_db --keep N``: the N newest backups stay, older ones go,
and nothing else in the folder is touched. A separate process against an SQLite file, as
the timer runs it (see test_backup_file_mode.py for why not the test's own database)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def backup_db(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "backup_db", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "BACKUP_DIR": str(tmp_path / "backups"),
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_newest_backups_are_kept_and_older_ones_deleted(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in ["20240101", "20240102", "20240103", "20240104"]:
        (folder / f"plan-{day}-020000.sqlite3").write_bytes(b"old")
    (folder / "plan-手で残したもの.sqlite3").write_bytes(b"mine")
    (folder / "README.txt").write_text("keep me")

    result = backup_db(tmp_path, "--keep", "3")

    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    new = [n for n in names if n.startswith("plan-20") and not n.startswith("plan-2024")]
    assert len(new) == 1  # written into BACKUP_DIR
    assert names == sorted(
        ["README.txt", "plan-手で残したもの.sqlite3", "plan-20240103-020000.sqlite3"]
        + ["plan-20240104-020000.sqlite3", new[0]]
    )
    assert "古いバックアップを削除しました" in result.stdout
    assert "plan-20240101-020000.sqlite3" in result.stdout


def test_keep_is_refused_with_an_output_file_of_the_operators_choosing(tmp_path):
    with pytest.raises(CommandError, match="--keep は 1 以上の数で"):
        call_command("backup_db", "--keep", "3", "--output", str(tmp_path / "x.sqlite3"))


def test_keep_must_leave_at_least_one(tmp_path):
    with pytest.raises(CommandError, match="--keep は 1 以上の数で"):
        call_command("backup_db", "--keep", "0")
