"""The benchmark behind `make bench`: pages, load driving, parsing and the result table.

For each size k the command builds a database (migrate, load_plan, generate_scale_data),
counts each page's SQL queries in-process with the test client, starts gunicorn on
loopback and drives each page with wrk (or a bounded Python client where wrk is missing).
Throughput is reported as a ratio to the floor page measured in the same run.
"""

import json
import re
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from ops.scale_data import ENTRY_PLAN, ENTRY_PROJECT, ENTRY_YEAR

# Scale data: 2017–2020 are 公開, 2021 is in 委員会評価 (see ops.scale_data). The forms of
# 実施状況入力 are measured on the real plan's year in that phase (ops.scale_data.entry_sample).
PUBLISHED_YEAR = 2020
OPEN_YEAR = 2021
# A published year served from its edition (built by the bench: build_editions); 2020 stays
# without one, so that the pages above measure rendering.
EDITION_YEAR = 2019
# Who a logged-in page is requested as: the bench's own 事務局 user, a member and the 市's
# staff of the scale plan (ops.scale_data). Each is compared with its own floor.
SECRETARIAT, MEMBER, STAFF = "secretariat", "member", "staff"
ROLES = (SECRETARIAT, MEMBER, STAFF)


@dataclass(frozen=True)
class Page:
    label: str
    url: Callable[[str], str]  # plan code → path
    login: str | None = None  # the role requested as (ROLES); None: anonymous
    target: float | None = None  # the least requests/s ÷ floor allowed at k in TARGET_KS


TARGET_KS = (1, 10)  # pages people wait on must hold their target at these sizes


def _cycle_url(name: str, year: int, **kwargs) -> Callable[[str], str]:
    """A page of one year of the scale plan."""
    return lambda plan: reverse(f"evaluation:{name}", kwargs={"plan": plan, "year": year, **kwargs})


def _entry_url(name: str, **kwargs) -> Callable[[str], str]:
    """A page of the real plan's year in 実施状況入力 (ops.scale_data.entry_sample): a form
    of one 事業 or one 施策, whose size does not depend on k."""
    return lambda plan: reverse(
        f"evaluation:{name}", kwargs={"plan": ENTRY_PLAN, "year": ENTRY_YEAR, **kwargs}
    )


def _form(name: str, url: Callable[[str], str], login: str) -> Page:
    """The GET of an edit form, editable by whoever requests it: a page people wait on."""
    return Page(f"form: {name} ({login})", url, login=login, target=0.5)


# Adding a page is one line here.
PAGES: list[Page] = [
    Page("floor", lambda plan: reverse("floor")),
    *(Page(f"floor ({role})", lambda plan: reverse("floor"), login=role) for role in ROLES),
    Page("dashboard", _cycle_url("dashboard", PUBLISHED_YEAR), target=0.5),
    Page("dashboard (secretariat)", _cycle_url("dashboard", OPEN_YEAR), login=SECRETARIAT),
    Page(
        "dashboard_trends",
        lambda plan: reverse("evaluation:dashboard_trends", kwargs={"plan": plan}),
    ),
    Page(
        "measure",
        lambda plan: reverse("policies:measure", kwargs={"plan": plan, "number": "1-1"}),
        target=0.5,
    ),
    Page("measure_year", _cycle_url("measure_year", PUBLISHED_YEAR, number="1-1"), target=0.5),
    Page(
        "measure_year (secretariat)",
        _cycle_url("measure_year", OPEN_YEAR, number="1-1"),
        login=SECRETARIAT,
        target=0.5,
    ),
    Page(
        "todo (secretariat)",
        lambda plan: reverse("evaluation:todo"),
        login=SECRETARIAT,
        target=0.5,
    ),
    Page(
        "事業一覧 (secretariat)",
        lambda plan: reverse("evaluation:projects", kwargs={"plan": plan}),
        login=SECRETARIAT,
        target=0.5,
    ),
    Page("評価表 print", _cycle_url("sheet_print", PUBLISHED_YEAR), target=0.33),
    Page("評価表 xlsx", _cycle_url("sheet_xlsx", PUBLISHED_YEAR), target=0.33),
    Page("edition: 評価表 print", _cycle_url("sheet_print", EDITION_YEAR), target=0.5),
    Page("edition: 評価表 PDF", _cycle_url("sheet_pdf", EDITION_YEAR), target=0.5),
    Page("edition: dashboard", _cycle_url("dashboard", EDITION_YEAR), target=0.5),
    _form(
        "committee_evaluation",
        _cycle_url("committee_evaluation", OPEN_YEAR, number="1-1"),
        SECRETARIAT,
    ),
    _form("scoring", _cycle_url("scoring", OPEN_YEAR, number="1-1"), MEMBER),
    _form("report", _entry_url("report", code=ENTRY_PROJECT), STAFF),
    _form("self_evaluation", _entry_url("self_evaluation", number="1-1", body="city"), STAFF),
]


def floor_for(page: Page) -> str:
    return f"floor ({page.login})" if page.login else "floor"


def selected_pages(names: str = "") -> list[Page]:
    """The pages labelled by the comma-separated ``names`` (all when none), with the floors
    they are compared with (BENCH_PAGES: a shorter run for one question)."""
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    if not wanted:
        return list(PAGES)
    unknown = set(wanted) - {page.label for page in PAGES}
    if unknown:
        raise ValueError(f"ベンチマークにないページです: {', '.join(sorted(unknown))}")
    chosen = [page for page in PAGES if page.label in wanted]
    floors = {floor_for(page) for page in chosen}
    return [page for page in PAGES if page in chosen or page.label in floors]


@dataclass
class Result:
    page: str
    k: int
    queries: int
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int = 0
    floor: str = "floor"
    ratio: float | None = None  # requests/s ÷ the floor's, same k, same run


# --- driving the load ----------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %.1f %.1f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, errors) from wrk's output with WRK_SCRIPT."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    match = re.search(r"^BENCH (\d+) (\d+) ([\d.]+) ([\d.]+)$", output, re.MULTILINE)
    if rate is None or match is None:
        raise ValueError(f"wrk の出力を読めません: {output[-500:]}")
    rps = float(rate.group(1))
    _requests, errors, p50_us, p95_us = match.groups()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return (
        rps,
        float(p50_us) / 1000,
        float(p95_us) / 1000,
        int(errors) + (int(non2xx.group(1)) if non2xx else 0),
    )


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def python_load(
    url: str, *, connections: int, seconds: float, cookie: str | None
) -> tuple[float, float, float, int]:
    """A bounded concurrent client for machines without wrk: same figures, less precise."""
    tally = _Tally()
    deadline = time.perf_counter() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
                    r.read()
                    ok = r.status < 400
            except Exception:  # a failed request is counted, not raised
                ok = False
            with tally.lock:
                tally.latencies.append(time.perf_counter() - started)
                tally.errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    lat = sorted(tally.latencies) or [0.0]
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    return len(tally.latencies) / elapsed, statistics.median(lat) * 1000, p95 * 1000, tally.errors


def combine(rounds: list[tuple[float, float, float, int]]) -> tuple[float, float, float, int]:
    """One figure from several short rounds: the median of each, errors summed.

    The pages are measured in interleaved rounds (floor, page, page, …, floor, page, …)
    so that a burst of load from elsewhere on a shared machine hits every page alike
    instead of whichever page happened to run at that moment."""
    return (
        statistics.median(r[0] for r in rounds),
        statistics.median(r[1] for r in rounds),
        statistics.median(r[2] for r in rounds),
        sum(r[3] for r in rounds),
    )


# --- the table -----------------------------------------------------------------------


def add_ratios(results: list[Result]) -> list[Result]:
    """Set each result's ratio to its floor (same k) in place; returns the list."""
    floors = {(r.page, r.k): r.rps for r in results if r.page.startswith("floor")}
    for r in results:
        base = floors.get((r.floor, r.k))
        r.ratio = r.rps / base if base else None
    return results


def format_table(results: list[Result]) -> str:
    headers = ["page", "k", "SQL queries", "requests/s", "÷ floor", "p50 ms", "p95 ms", "errors"]
    rows = [
        [
            r.page,
            str(r.k),
            str(r.queries),
            f"{r.rps:.1f}",
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            f"{r.p50_ms:.1f}",
            f"{r.p95_ms:.1f}",
            str(r.errors),
        ]
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows]
    return "\n".join(out)


def check_targets(results: list[Result]) -> list[str]:
    """The issue's targets, one line each, saying by how much a missed one is missed."""
    lines = []
    ks = sorted({r.k for r in results})
    by_page: dict[str, dict[int, Result]] = {}
    for r in results:
        by_page.setdefault(r.page, {})[r.k] = r
    for label, per_k in by_page.items():
        counts = {k: per_k[k].queries for k in ks if k in per_k}
        same = len(set(counts.values())) == 1
        lines.append(f"{'OK ' if same else 'MISS'} {label}: SQL queries by k {counts}")
        first, last = min(per_k), max(per_k)
        if last > first and per_k[first].rps and per_k[last].rps:
            growth = per_k[first].rps / per_k[last].rps  # time per request, k=last ÷ k=first
            allowed = last / first
            ok = growth <= allowed
            lines.append(
                f"{'OK ' if ok else 'MISS'} {label}: time at k={last} is {growth:.1f}× k={first}"
                f" (target ≤ {allowed:g}×)"
            )
    for page in PAGES:
        for k, r in sorted(by_page.get(page.label, {}).items()):
            if r.rps <= 0 or r.errors:
                # A page that answered nothing (requests still queued, a crash) is a miss,
                # never a line silently left out.
                lines.append(
                    f"MISS {page.label} at k={k}: {r.rps:.1f} requests/s, {r.errors} errors"
                )
            elif page.target is not None and k in TARGET_KS and r.ratio is not None:
                ok = r.ratio >= page.target
                lines.append(
                    f"{'OK ' if ok else 'MISS'} {page.label} at k={k}: {r.ratio:.2f} of the floor"
                    f" (target ≥ {page.target:g})"
                )
    return lines


def dumps(results: list[Result]) -> str:
    return json.dumps([r.__dict__ for r in results], ensure_ascii=False)
