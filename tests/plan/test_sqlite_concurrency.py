"""The embedded default (SQLite) holds simultaneous users: 8 people saving their own
records at the same instant, and one form submitted 8 times at the same instant, give
0 server errors and 0 lost writes (WAL, busy timeout, IMMEDIATE transactions).

A real server process (``runserver``, one thread per request, each with its own database
connection) on a SQLite *file*, driven by 8 threads released together by a barrier; the
test's own in-memory database could not show file locking.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 8
PASSWORD = "concurrency-test-password-8"

SETUP = f"""
from django.contrib.auth.models import User
from evaluation.models import Cycle, Participant, Project, Role
from policies.models import ImplementingBody, Initiative, Plan
plan = Plan.objects.get(code="revised-2017")
city = ImplementingBody.objects.get(code="city")
Cycle.objects.create(plan=plan, fiscal_year=2021, phase="entry")
item = Initiative.objects.get_by_natural_key("revised-2017", "1-1", 2)
for n in range({PEOPLE}):
    user = User.objects.create_user(f"staff{{n}}", password="{PASSWORD}")
    Participant.objects.create(user=user, role=Role.STAFF, body=city)
    project = Project.objects.create(code=f"load-{{n}}", plan=plan, body=city, name=f"事業{{n}}", first_year=2017)
    project.initiatives.set([item])
twice = Project.objects.create(code="twice", plan=plan, body=city, name="二重送信の事業", first_year=2017)
twice.initiatives.set([item])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)  # fmt: skip

    manage("migrate", "--noinput")
    manage("load_plan")
    manage("shell", "-c", SETUP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{base}/login/", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield base, database
    process.terminate()
    process.wait(timeout=10)


def logged_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/", timeout=30)
    response = session.post(
        f"{base}/login/",
        {"username": username, "password": PASSWORD,
         "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"}, timeout=60, allow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 302, response.text[:500]
    return session


def together(work) -> list:
    """Run ``work(n)`` in 8 threads released at the same instant; their results."""
    barrier = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001  (a failed request is a result here)
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def report_url(base: str, n: int) -> str:
    return f"{base}/cycles/revised-2017/2021/projects/load-{n}/report/"


def post_report(session: requests.Session, url: str, text: str) -> int:
    return session.post(
        url,
        {"status": "done", "activities": text, "version": 0,
         "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url}, timeout=120, allow_redirects=False,
    ).status_code  # fmt: skip


def rows(database: Path, sql: str) -> list:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def test_eight_people_log_in_and_save_their_own_records_at_once(server):
    base, database = server
    sessions = together(lambda n: logged_in(base, f"staff{n}"))
    assert all(isinstance(s, requests.Session) for s in sessions), sessions
    statuses = together(lambda n: post_report(sessions[n], report_url(base, n), f"同時保存{n}"))
    assert statuses == [302] * PEOPLE  # every save succeeded: no 500, nothing lost
    saved = rows(
        database,
        "select p.code, r.activities, r.version from evaluation_projectreport r "
        "join evaluation_project p on p.id = r.project_id order by p.code",
    )
    assert saved == [(f"load-{n}", f"同時保存{n}", 1) for n in range(PEOPLE)]


def test_one_form_submitted_eight_times_at_once_saves_once_and_shows_conflicts(server):
    base, database = server
    session = logged_in(base, "staff0")
    url = f"{base}/cycles/revised-2017/2021/projects/twice/report/"
    statuses = together(lambda n: post_report(session, url, f"二重送信{n}"))
    # One save wins; the seven others (same version) get the conflict page, not a 500.
    assert sorted(statuses) == [200] * (PEOPLE - 1) + [302]
    winner = statuses.index(302)
    saved = rows(
        database,
        "select r.activities, r.version from evaluation_projectreport r "
        "join evaluation_project p on p.id = r.project_id where p.code = 'twice'",
    )
    assert saved == [(f"二重送信{winner}", 1)]
