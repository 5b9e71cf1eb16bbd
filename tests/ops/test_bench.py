"""The benchmark's table building and parsing (the load itself runs only in `make bench`)."""

import json

import pytest
from django.core.management import call_command

from evaluation.models import Phase
from ops import bench
from ops.scale_data import entry_sample, generate

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/floor/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.12ms    3.01ms  40.00ms   80.00%
    Req/Sec   395.00     20.00   450.00     70.00%
  7900 requests in 10.00s, 20.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    790.00
Transfer/sec:      2.00MB
BENCH 7900 2 9100.0 15400.0
"""


def results() -> list[bench.Result]:
    return [
        bench.Result("floor", 1, 3, 800.0, 9.0, 15.0),
        bench.Result("dashboard", 1, 6, 600.0, 12.0, 20.0),
        bench.Result("floor", 100, 3, 780.0, 9.5, 16.0),
        bench.Result("dashboard", 100, 7, 5.0, 900.0, 1500.0),
    ]


def test_it_parses_requests_latency_and_errors_from_wrk():
    assert bench.parse_wrk(WRK_OUTPUT) == (790.0, 9.1, 15.4, 5)


def test_it_divides_each_page_by_the_floor_of_the_same_size():
    rows = bench.add_ratios(results())
    assert [r.ratio for r in rows] == [1.0, 0.75, 1.0, 5.0 / 780.0]


def test_it_prints_one_row_per_page_and_size():
    table = bench.format_table(bench.add_ratios(results()))
    lines = table.splitlines()
    assert lines[0] == (
        "| page      | k   | SQL queries | requests/s | ÷ floor | p50 ms | p95 ms | errors |"
    )
    assert lines[3] == (
        "| dashboard | 1   | 6           | 600.0      | 0.75    | 12.0   | 20.0   | 0      |"
    )
    assert len(lines) == 6


def test_it_says_which_targets_are_missed_and_by_how_much():
    lines = bench.check_targets(bench.add_ratios(results()))
    assert lines == [
        "OK  floor: SQL queries by k {1: 3, 100: 3}",
        "OK  floor: time at k=100 is 1.0× k=1 (target ≤ 100×)",
        "MISS dashboard: SQL queries by k {1: 6, 100: 7}",
        "MISS dashboard: time at k=100 is 120.0× k=1 (target ≤ 100×)",
        "OK  dashboard at k=1: 0.75 of the floor (target ≥ 0.5)",
    ]


def test_a_page_that_answered_nothing_or_failed_is_a_miss_not_a_missing_line():
    rows = [
        bench.Result("floor", 1, 3, 800.0, 9.0, 15.0),
        bench.Result("評価表 xlsx", 1, 4, 0.0, 0.0, 0.0),
        bench.Result("measure_year", 1, 9, 500.0, 10.0, 20.0, errors=2),
    ]
    lines = bench.check_targets(bench.add_ratios(rows))
    assert "MISS 評価表 xlsx at k=1: 0.0 requests/s, 0 errors" in lines
    assert "MISS measure_year at k=1: 500.0 requests/s, 2 errors" in lines


def test_pages_people_wait_on_have_targets():
    targets = {page.label: page.target for page in bench.PAGES if page.target}
    assert targets["measure_year"] == 0.5
    assert targets["measure"] == targets["todo (secretariat)"] == 0.5
    assert targets["事業一覧 (secretariat)"] == 0.5
    assert targets["評価表 xlsx"] == 0.33
    # Each edit form as the person who fills it in, in the phase it is filled in.
    assert {label for label in targets if label.startswith("form: ")} == {
        "form: committee_evaluation (secretariat)",
        "form: scoring (member)",
        "form: self_evaluation (staff)",
        "form: report (staff)",
    }


def test_the_logged_in_pages_compare_with_the_floor_of_the_same_person():
    floors = {page.label: bench.floor_for(page) for page in bench.PAGES}
    assert floors["dashboard"] == "floor"
    assert floors["dashboard (secretariat)"] == "floor (secretariat)"
    assert floors["form: scoring (member)"] == "floor (member)"
    assert floors["form: report (staff)"] == "floor (staff)"


@pytest.mark.django_db
def test_the_probe_counts_every_pages_queries_and_opens_a_session_per_person(capsys):
    generate(1)
    entry_sample()
    call_command("bench", probe="scale-k1")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(out["queries"]) == {page.label for page in bench.PAGES}
    assert out["queries"]["floor"] == 3
    # the body from this process's memory, after the look-up of an edition (none here)
    assert out["queries"]["dashboard"] == 6
    assert set(out["sessions"]) == set(bench.ROLES)
    assert {len(session) for session in out["sessions"].values()} == {32}


@pytest.mark.django_db
def test_the_probe_refuses_to_measure_a_form_that_is_not_editable():
    from django.core.management.base import CommandError

    generate(1)
    report = entry_sample()
    report.cycle.phase = Phase.COMMITTEE
    report.cycle.save()
    with pytest.raises(CommandError, match="form: report \\(staff\\).*not editable"):
        call_command("bench", probe="scale-k1")


def test_rounds_combine_into_their_medians_and_summed_errors():
    rounds = [(100.0, 9.0, 20.0, 0), (40.0, 25.0, 60.0, 1), (90.0, 10.0, 22.0, 2)]
    assert bench.combine(rounds) == (90.0, 10.0, 22.0, 3)


def test_a_shorter_run_measures_the_pages_asked_for_with_their_floors():
    pages = bench.selected_pages("measure, todo (secretariat)")
    assert [page.label for page in pages] == [
        "floor",
        "floor (secretariat)",
        "measure",
        "todo (secretariat)",
    ]
    assert bench.selected_pages("") == bench.PAGES
    with pytest.raises(ValueError, match="ないページ.*todo"):
        bench.selected_pages("todo")
