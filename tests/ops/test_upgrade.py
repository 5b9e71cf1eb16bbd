"""Upgrading keeps the data: the previous release's code builds its demo database, then
this code's migrations run on it, and every table the old code had keeps its rows.

The previous release is a commit of this repository (PREVIOUS_RELEASE, moved forward at each
release), unpacked with ``git archive`` into a temporary directory and run with the same
Python. Separate processes against one SQLite file, as an upgrade on a server would run.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The last commit of main before the claim-before-send migration (reminders 0002).
PREVIOUS_RELEASE = "497b0c1f2a82f78337577afbab26bcac81c3db30"

COUNTS = (
    "import json; from django.apps import apps; print(json.dumps({m._meta.db_table:"
    " m._base_manager.count() for m in apps.get_models(include_auto_created=True)}))"
)


def manage(code_dir: Path, database: Path, *args: str) -> str:
    """``manage.py`` of ``code_dir``. The previous release's code runs without the site
    module (``-S``), with the installed packages on PYTHONPATH: this checkout is installed
    in editable mode, and the editable finder would otherwise hand the old code any module
    it lacks (a ``models.py`` added since) from this checkout."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    command = [sys.executable, "manage.py", *args]
    if code_dir != ROOT:
        paths = sysconfig.get_paths()
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys((paths["purelib"], paths["platlib"])))
        command.insert(1, "-S")
    result = subprocess.run(
        command,
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def previous_release(tmp_path) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("git のリポジトリではないため、前の版を取り出せません")
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if known.returncode != 0:
        pytest.skip(f"前の版 {PREVIOUS_RELEASE[:7]} がこのリポジトリにありません（浅い clone）")
    target = tmp_path / "previous"
    target.mkdir()
    archive = subprocess.run(
        ["git", "archive", PREVIOUS_RELEASE], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def test_this_codes_migrations_keep_every_row_of_the_previous_releases_demo(
    previous_release, tmp_path
):
    database = tmp_path / "demo.sqlite3"
    manage(previous_release, database, "migrate", "--verbosity", "0")
    manage(previous_release, database, "load_plan", "--verbosity", "0")
    manage(previous_release, database, "load_demo")
    manage(previous_release, database, "send_reminders")  # the old log: rows written once sent
    before = json.loads(manage(previous_release, database, "shell", "-v", "0", "-c", COUNTS))

    manage(ROOT, database, "migrate", "--verbosity", "0")
    after = json.loads(manage(ROOT, database, "shell", "-v", "0", "-c", COUNTS))

    # New models bring their own content types and permissions; every other table keeps
    # exactly the rows it had.
    grown = {"django_content_type", "auth_permission"}
    assert {t: after.get(t) for t in before if t not in grown} == {
        t: n for t, n in before.items() if t not in grown
    }
    assert all(after[t] >= before[t] for t in grown)
    assert before["evaluation_projectreport"] > 0 and before["auth_user"] > 10
    assert before["reminders_sentreminder"] == 4
    claims = manage(
        ROOT,
        database,
        "shell",
        "-v",
        "0",
        "-c",
        "from reminders.models import SentReminder as S; from django.db.models import F;"
        " print(S.objects.filter(claimed_at=F('sent_at')).count())",
    )
    assert claims.strip() == "4"  # sent when they were claimed: none looks unfinished
    manage(ROOT, database, "migrate", "--check")  # nothing left to apply
