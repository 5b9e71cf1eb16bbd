"""The embedded default (SQLite) holds simultaneous users: 8 people saving their own
records at the same instant, and one form submitted 8 times at the same instant, give
0 server errors and 0 lost writes (WAL, busy timeout, IMMEDIATE transactions).

A real server process (tests/plan/sqlite_server.py) driven by 8 threads released together.
"""

import pytest
import requests

from tests.plan.sqlite_server import logged_in, post_report, report_url, rows, sqlite_server
from tests.plan.sqlite_server import together as together_people

PEOPLE = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    with sqlite_server(database, PEOPLE) as base:
        yield base, database


def together(work) -> list:
    return together_people(PEOPLE, work)


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
