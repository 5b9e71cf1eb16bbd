"""A backup holds password hashes and live session keys: only its owner may read it.

Run as a separate process against a SQLite file (as ``make backup`` does): a backup of the
test's own in-memory database would wait forever on the test's open transaction.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_backup(database: Path, output: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "backup_db", "--output", str(output)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"},
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_backup_is_created_readable_by_its_owner_only(tmp_path):
    output = tmp_path / "backups" / "plan.sqlite3"
    run_backup(tmp_path / "db.sqlite3", output)
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600


def test_a_backup_over_a_world_readable_file_makes_it_private(tmp_path):
    output = tmp_path / "plan.sqlite3"
    output.write_bytes(b"")
    output.chmod(0o644)
    run_backup(tmp_path / "db.sqlite3", output)
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600
