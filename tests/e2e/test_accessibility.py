"""JIS X 8341-3:2016 AA (WCAG 2.x A/AA) on every page each kind of user can reach.

Each test logs in as one demo person, crawls the site from the start page (``crawl.Crawl``),
runs axe-core on every page and on each form submitted empty, prints the pages it visited
and fails on any violation. It also fails when a page the person may see (by the access
matrix) was never reached from the start page: a page nobody can find is not accessible.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from evaluation.models import Cycle, Indicator, IndicatorValue, Meeting, Phase
from policies.models import Measure, Plan
from tests.e2e import axe
from tests.e2e.crawl import Crawl, url_name
from tests.e2e.journeys import log_in
from tests.evaluation.test_access_matrix import MATRIX, OK

DEMO_PASSWORD = "musashino-demo-2021"
ROOT = Path(__file__).resolve().parents[2]
# Not reached by links, on purpose: the benchmark's floor page, the start page (a redirect),
# the login page once logged in, Django's admin, downloads (files, not pages) and /healthz.
NOT_PAGES = {
    "floor",
    "home",
    "evaluation:member_evaluation",  # the old address of the scoring page: a redirect
    "admin:index",
    "logout",
    "evaluation:sheet_xlsx",
    "evaluation:sheet_csv",
    "evaluation:sheet_csv_measures",
    "evaluation:sheet_csv_projects",
    "evaluation:sheet_csv_indicators",
    "evaluation:sheet_csv_columns",
    "evaluation:sheet_pdf",
    "evaluation:meeting_pdf",
    "evaluation:cycle_progress_csv",
    "evaluation:follow_up_xlsx",
    "evaluation:follow_up_csv",
    "evaluation:follow_up_pdf",
    "publication:opendata_csv",
    "publication:opendata_json",
    "publication:bundle",
    "policies:plan_export",
    "policies:plan_import_template",
    "ops:healthz",  # JSON for a monitor
}
# Pages no link leads to yet (a gap to close, not a rule): opened directly so axe still
# checks them, and listed in the output. Remove an entry once a page links to it.
NOT_LINKED_YET: dict[str, str] = {}
# Pages reached from a mail's link or after sending a form (and 「パスワードを忘れた場合」,
# linked from the login page that logged-in people do not see): opened directly. The links
# here are not valid, so each shows why in Japanese.
OPENED_DIRECTLY: dict[str, str] = {
    "people:password_reset": "/password-reset/",
    "people:password_reset_done": "/password-reset/sent/",
    "people:password_reset_complete": "/password-reset/complete/",
    "people:password_reset_confirm": "/password-reset/MA/0-0/",
    "people:welcome": "/welcome/MA/0-0/",
}
# Linked, but behind pages of a kind the crawl already saw twice (PER_NAME) in another
# state: the review links show only on an entered 実施状況 / 自己評価, and the 事務局's lists
# lead first to the missing ones. The crawl goes on from a page that has the link.
REACHED_VIA = {
    "evaluation:report_review": "/cycles/revised-2017/2021/projects/demo-city-01/report/",
    "evaluation:self_evaluation_review": "/cycles/revised-2017/2021/measures/1-1/",
}
# The access matrix uses an unpublished year; the demo's 令和2年度 is 公開, whose pages the
# public may see too.
PUBLISHED_YEAR_PAGES = {
    "evaluation:cycle",
    "evaluation:measure_year",
    "evaluation:dashboard",
    "evaluation:dashboard_trends",
    "evaluation:sheet_print",
    "evaluation:indicators",
    "publication:editions",
    "publication:edition_file",
}

# Forms linked only for the people who can use them: to the others they would show a
# read-only copy of what the cycle, 事業 and 施策 pages already show.
LINKED_FOR_EDITORS = {
    "evaluation:cycle_edit": {"secretariat"},
    "evaluation:project_create": {"secretariat", "staff_a", "staff_b"},
    "evaluation:project_continue": {"secretariat", "staff_a", "staff_b"},
    "evaluation:project_edit": {"secretariat", "staff_a", "staff_b"},
    "evaluation:self_evaluation": {"staff_a", "staff_b"},
    "evaluation:follow_up": {"secretariat", "staff_a", "staff_b"},
    "evaluation:meeting_create": {"secretariat"},
    "evaluation:follow_up_points": {"secretariat"},  # the 事務局 splits the opinions
    # The review bar on a 実施状況 / 自己評価 shows everyone its state; only the 事務局 gets
    # the link to the page that sends back or checks it.
    "evaluation:report_review": {"secretariat"},
    "evaluation:self_evaluation_review": {"secretariat"},
}

# (test id, demo user, role in the access matrix, phase of the open 令和3年度)
PEOPLE = [
    ("anonymous", None, "anonymous", Phase.ENTRY),
    ("secretariat", "jimukyoku", "secretariat", Phase.ENTRY),
    ("staff_city", "shi-tanto", "staff_a", Phase.ENTRY),
    ("staff_place", "place-tanto", "staff_b", Phase.ENTRY),
    ("staff_shakyo", "shakyo-tanto", "staff_b", Phase.ENTRY),
    ("member", "iin2", "member", Phase.COMMITTEE),
    ("chair", "iincho", "chair", Phase.COMMITTEE),
]


def may_see(role: str) -> set[str]:
    names = {name for name, case in MATRIX.items() if case.get[role] == OK}
    if role == "anonymous":
        names |= PUBLISHED_YEAR_PAGES
    else:
        names.discard("login")
    unlinked = {name for name, editors in LINKED_FOR_EDITORS.items() if role not in editors}
    return names - NOT_PAGES - unlinked


def _record(test_id: str, crawl: Crawl) -> None:
    """The figures of this run, for the アクセシビリティ方針 page: recorded in the database this
    checkout is configured with (the one ``make run`` serves), not the test's own, which
    is emptied after the test. A database that is not set up is reported, not a failure."""
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "record_accessibility_check", test_id,
         str(len(crawl.visited)), str(crawl.count())],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        print(f"\n[{test_id}] 検査の結果を記録できませんでした: {result.stderr.strip()}")


def _an_indicator_with_a_value() -> None:
    """The demo has no 参考指標; one with a value gives the indicator pages something to show."""
    indicator = Indicator.objects.create(
        plan=Plan.objects.get(code="revised-2017"), name="市民活動団体数", unit="団体", order=1
    )
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, actual=120, target=150)


def _a_meeting() -> None:
    """The demo records no meeting; one of the open year gives the meeting pages (the
    record, the projector view) something to show."""
    meeting = Meeting.objects.create(
        cycle=Cycle.objects.get(plan__code="revised-2017", fiscal_year=2021),
        held_at="2021-07-05T18:30:00+09:00",
        place="市役所 412会議室",
        summary="施策1-1について審議した。",
    )
    meeting.measures.set(
        Measure.objects.filter(basic_policy__plan__code="revised-2017", number__in=["1-1", "2-4"])
    )
    meeting.attendees.set(User.objects.filter(username__in=["iincho", "iin2"]))


@pytest.mark.parametrize(
    ("test_id", "username", "role", "phase"), PEOPLE, ids=[p[0] for p in PEOPLE]
)
def test_every_page_a_person_can_reach_has_no_wcag_violation(
    pages, live_server, test_id, username, role, phase
):
    call_command("load_demo", verbosity=0)
    call_command("build_editions", verbosity=0)  # 令和2年度 served from its edition
    _an_indicator_with_a_value()
    _a_meeting()
    Cycle.objects.filter(plan__code="revised-2017", fiscal_year=2021).update(phase=phase)
    page = pages.open()
    axe.install(page.context)
    if username:
        # The demo's stored hash is PBKDF2; the tests' hasher is the fast one.
        user = User.objects.get(username=username)
        user.set_password(DEMO_PASSWORD)
        user.save()
        log_in(page, username, DEMO_PASSWORD)

    crawl = Crawl(page, live_server.url).run("/")
    reached = {url_name(p.split(" → ")[-1].split("（")[0]) for p in crawl.visited}
    for name, path in REACHED_VIA.items():
        if name in may_see(role) and name not in reached:
            print(f"\n[{test_id}] {name} へのリンクのあるページから続けます: {path}")
            crawl.run(path, again=True)
    reached = {url_name(p.split(" → ")[-1].split("（")[0]) for p in crawl.visited}
    for name, path in {**NOT_LINKED_YET, **OPENED_DIRECTLY}.items():
        if name in may_see(role) and name not in reached:
            print(f"\n[{test_id}] リンクのないページを直接開きます: {path}")
            crawl.run(path)
    print(f"\n[{test_id}] " + crawl.report())
    _record(test_id, crawl)

    reached = {url_name(p.split(" → ")[-1].split("（")[0]) for p in crawl.visited}
    found = {
        "start page から辿れないページ": sorted(may_see(role) - reached),
        "エラーになったページ": crawl.errors,
        "違反のあるページ": sorted(crawl.violations),
    }
    assert found == dict.fromkeys(found, []) | {"エラーになったページ": {}}, (
        f"{found}\n{crawl.report()}"
    )


def test_the_import_preview_with_a_change_and_a_warning_has_no_wcag_violation(
    pages, live_server, tmp_path
):
    """The crawl submits the import form empty (its errors); the preview of a real file,
    with a change and a value to check, is reached only by uploading one."""
    import io

    import openpyxl
    from playwright.sync_api import expect

    from evaluation.models import ProjectIndicator, ProjectReport

    call_command("load_demo", verbosity=0)
    report = ProjectReport.objects.get(
        project__code="demo-city-01", cycle__plan__code="revised-2017", cycle__fiscal_year=2021
    )
    ProjectIndicator.objects.create(report=report, name="講座の参加者数", unit="人", target=60)
    user = User.objects.get(username="shi-tanto")
    user.set_password(DEMO_PASSWORD)
    user.save()
    page = pages.open()
    axe.install(page.context)
    log_in(page, "shi-tanto", DEMO_PASSWORD)
    exported = page.request.get(f"{live_server.url}/cycles/revised-2017/2021/sheet.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(exported.body()))
    for row in book.active.iter_rows():
        for cell in row:
            if str(cell.value).startswith("活動指標 講座の参加者数："):
                cell.value = "活動指標 講座の参加者数：目標 60人／実績 150人"  # 250 %
    book.save(tmp_path / "edited.xlsx")

    page.goto("/cycles/revised-2017/2021/sheet/import/")
    page.set_input_files("input[type=file]", str(tmp_path / "edited.xlsx"))
    page.get_by_role("button", name="確認する（まだ保存しません）").click()
    expect(page.locator("#import-warnings")).to_contain_text("達成率が 250.0% で")
    assert [str(v) for v in axe.violations(page)] == []
    assert pages.problems(page) == []
