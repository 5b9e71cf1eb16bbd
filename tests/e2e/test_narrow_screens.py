"""At 390 px (a phone) the pages fit the screen: wide tables scroll inside their own box
(with the first column kept in view) rather than pushing the page sideways. Screenshots are
saved in var/e2e-screenshots/ for a person to look at."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from evaluation.models import Cycle, Phase
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.journeys import log_in

PHONE = {"width": 390, "height": 844}
PUBLIC = {
    "tree": "/plans/revised-2017/",
    "measure-year": "/cycles/revised-2017/2020/measures/2-4/",
    "dashboard": "/dashboard/revised-2017/2020/",
    "trends": "/dashboard/revised-2017/",
    "opendata": "/opendata/",
    "opendata-columns": "/opendata/columns/",
    "accessibility": "/accessibility/",
    "follow-ups": "/cycles/revised-2017/2020/follow-ups/",
    "indicators": "/indicators/revised-2017/",
}
STAFF = {
    "todo": "/todo/",
    "projects": "/plans/revised-2017/projects/",
    "project": "/projects/demo-city-01/",
    "report-form": "/cycles/revised-2017/2021/projects/demo-city-01/report/",
    "self-evaluation-form": "/cycles/revised-2017/2021/measures/1-1/self/city/",
    "dashboard-entry": "/dashboard/revised-2017/2021/",
    "reminder-settings": "/settings/reminders/",
}
SECRETARIAT = {
    "cycle": "/cycles/revised-2017/2021/",
    "projects": "/plans/revised-2017/projects/",
    "review": "/cycles/revised-2017/2021/review/",
    "reminders-log": "/cycles/revised-2017/2021/reminders/",
    "report-review": "/cycles/revised-2017/2021/projects/demo-city-01/report/review/",
    "sheet-import": "/cycles/revised-2017/2021/sheet/import/",
    "plan-import": "/plan-import/",
}
# The committee's pages, in the 委員会評価 phase.
MEMBER = {
    "scoring-list": "/cycles/revised-2017/2021/scoring/",
    "scoring": "/cycles/revised-2017/2021/scoring/1-1/",
    "measure-year": "/cycles/revised-2017/2021/measures/1-1/",
}

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def overflow_of(page, paths: dict[str, str], prefix: str) -> dict[str, int]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in paths.items():
        assert page.goto(path).status == 200, path
        page.wait_for_load_state()
        page.screenshot(path=str(SCREENSHOTS / f"390-{prefix}-{name}.png"), full_page=True)
        found[name] = page.evaluate(OVERFLOW)
    return found


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    for username in ("shi-tanto", "jimukyoku", "iin2"):
        user = User.objects.get(username=username)
        user.set_password("musashino-demo-2021")
        user.save()


# (who, their pages, the phase of the open 令和3年度); None: not logged in.
PEOPLE = {
    "public": (None, PUBLIC, Phase.ENTRY),
    "staff": ("shi-tanto", STAFF, Phase.ENTRY),
    "secretariat": ("jimukyoku", SECRETARIAT, Phase.ENTRY),
    "member": ("iin2", MEMBER, Phase.COMMITTEE),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_each_persons_pages_fit_a_phone_screen(pages, demo, who):
    username, paths, phase = PEOPLE[who]
    Cycle.objects.filter(plan__code="revised-2017", fiscal_year=2021).update(phase=phase)
    page = pages.open()
    page.set_viewport_size(PHONE)
    if username:
        log_in(page, username, "musashino-demo-2021")
    assert overflow_of(page, paths, who) == dict.fromkeys(paths, 0)


def test_a_wide_table_keeps_its_first_column_in_view_when_scrolled(pages, demo):
    page = pages.open()
    page.set_viewport_size(PHONE)
    page.goto(PUBLIC["dashboard"])
    box = page.locator(".table-responsive:has(table.table-sticky-first)").first
    row = box.locator("tbody tr:nth-child(2)").first
    first, second = row.locator("> :first-child"), row.locator("> :nth-child(2)")
    before = (first.bounding_box()["x"], second.bounding_box()["x"])
    box.evaluate("b => { b.scrollLeft = 200; }")
    assert box.evaluate("b => b.scrollLeft") == 200  # the table is wider than the phone
    after = (first.bounding_box()["x"], second.bounding_box()["x"])
    assert abs(after[0] - before[0]) <= 4  # the 施策 stays at the left edge (its border aside)
    assert before[1] - after[1] >= 150  # while the other columns scroll
