"""A committee meeting on the embedded default: 30 people log in at the same instant, then
30 save a record of their own at the same instant, against ``runserver`` on a SQLite file
(what ``make run`` serves). 0 server errors; every save lands.

A login hashes the password (about 0.3–1 s of CPU) outside any transaction, so it never
holds SQLite's one write lock while it does (plan/urls.py, ``non_atomic_requests``)."""

import pytest

from tests.plan.sqlite_server import meeting, rows, sqlite_server

PEOPLE = 30


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    with sqlite_server(database, PEOPLE) as base:
        yield meeting(base, PEOPLE), database


def test_thirty_people_log_in_at_once_without_a_server_error(figures):
    result = figures[0]["logins"]
    print(f"logins: p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s")
    assert result["statuses"] == [302] * PEOPLE


def test_then_thirty_save_their_own_records_at_once_and_every_save_lands(figures):
    result, database = figures[0]["saves"], figures[1]
    print(f"saves: p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s")
    assert result["statuses"] == [302] * PEOPLE
    saved = rows(
        database,
        "select p.code, r.activities, r.version from evaluation_projectreport r "
        "join evaluation_project p on p.id = r.project_id",
    )
    assert sorted(saved) == sorted((f"load-{n}", f"会議中の保存{n}", 1) for n in range(PEOPLE))
