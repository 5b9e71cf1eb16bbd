"""A real server process on a SQLite *file* for the concurrency tests: ``runserver`` (what
``make run`` serves: one thread per request, each with its own database connection) with
the project's own settings (the real password hasher included), and the requests people
send to it. The test's own in-memory database could not show file locking."""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "concurrency-test-password-8"


def setup_code(people: int) -> str:
    """``manage.py shell`` code: the open 2021 cycle, ``people`` staff of the city each with a
    事業 of their own (load-0 …), and one more 事業 for double submits (twice)."""
    return f"""
from django.contrib.auth.models import User
from evaluation.models import Cycle, Project
from people.models import Participant, Role
from policies.models import ImplementingBody, Initiative, Plan
plan = Plan.objects.get(code="revised-2017")
city = ImplementingBody.objects.get(code="city")
Cycle.objects.create(plan=plan, fiscal_year=2021, phase="entry")
item = Initiative.objects.get_by_natural_key("revised-2017", "1-1", 2)
for n in range({people}):
    user = User.objects.create_user(f"staff{{n}}", password="{PASSWORD}")
    Participant.objects.create(user=user, role=Role.STAFF, body=city).plans.add(plan)
    project = Project.objects.create(code=f"load-{{n}}", plan=plan, body=city, name=f"事業{{n}}", first_year=2017)
    project.initiatives.set([item])
twice = Project.objects.create(code="twice", plan=plan, body=city, name="二重送信の事業", first_year=2017)
twice.initiatives.set([item])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def sqlite_server(database: Path, people: int):
    """``runserver`` on a fresh SQLite file holding ``people`` staff; yields its base URL."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)  # fmt: skip

    manage("migrate", "--noinput")
    manage("createcachetable")
    manage("load_plan")
    manage("shell", "-c", setup_code(people))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def login_form(base: str) -> requests.Session:
    """A browser that has opened the login page (it holds the CSRF cookie)."""
    session = requests.Session()
    session.get(f"{base}/login/", timeout=60)
    return session


def post_login(base: str, session: requests.Session, username: str) -> int:
    return session.post(
        f"{base}/login/",
        {"username": username, "password": PASSWORD,
         "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"}, timeout=120, allow_redirects=False,
    ).status_code  # fmt: skip


def logged_in(base: str, username: str) -> requests.Session:
    session = login_form(base)
    status = post_login(base, session, username)
    assert status == 302, status
    return session


def together(people: int, work) -> list:
    """Run ``work(n)`` in ``people`` threads released at the same instant; their results
    (an exception is a result too)."""
    barrier = threading.Barrier(people)
    results: list = [None] * people

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001  (a failed request is a result here)
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def timed(work):
    """``work`` returning (its result, seconds taken)."""

    def run(n: int):
        start = time.perf_counter()
        result = work(n)
        return result, time.perf_counter() - start

    return run


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


def percentile(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def meeting(base: str, people: int) -> dict:
    """A committee meeting: ``people`` log in at the same instant, then each saves a record
    of their own at the same instant. The statuses (an exception's name when a request
    failed outright) and the p50/p95 seconds of the logins and of the saves."""
    browsers = [login_form(base) for _ in range(people)]
    logins = together(people, timed(lambda n: post_login(base, browsers[n], f"staff{n}")))
    saves = together(
        people,
        timed(lambda n: post_report(browsers[n], report_url(base, n), f"会議中の保存{n}")),
    )
    figures = {}
    for name, results in (("logins", logins), ("saves", saves)):
        statuses = [r[0] if isinstance(r, tuple) else type(r).__name__ for r in results]
        seconds = [r[1] for r in results if isinstance(r, tuple)]
        figures[name] = {
            "statuses": statuses,
            "p50": percentile(seconds, 0.5) if seconds else None,
            "p95": percentile(seconds, 0.95) if seconds else None,
        }
    return figures


if __name__ == "__main__":
    # Measuring by hand: python -m tests.plan.sqlite_server 30 45 60 …
    import collections
    import tempfile

    for people in map(int, sys.argv[1:]):
        with (
            tempfile.TemporaryDirectory() as folder,
            sqlite_server(Path(folder) / "db.sqlite3", people) as base,
        ):
            figures = meeting(base, people)
        for name, f in figures.items():
            counts = dict(collections.Counter(f["statuses"]))
            print(f"{people} people, {name}: {counts} p50 {f['p50']:.2f} s p95 {f['p95']:.2f} s")
