"""Following people up in a real browser: the secretariat goes from やること to what a body
is missing; a person turns a kind of reminder off."""

import pytest
from playwright.sync_api import expect

from evaluation.models import Phase
from reminders.models import ReminderPreference
from tests.e2e.journeys import log_in
from tests.factories import CycleFactory, ProjectFactory, body, secretariat, staff


@pytest.fixture
def behind(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY, entry_due="2021-06-30")
    ProjectFactory(code="place-001", name="市民活動相談窓口", body=body("place"))
    people = {"secretariat": secretariat().user, "staff": staff("place").user}
    for role, user in people.items():
        user.username = role
        user.save()
    return cycle, people


def test_the_secretariat_goes_from_the_todo_to_what_a_body_is_missing(pages, behind):
    page = pages.open()
    log_in(page, "secretariat")
    section = page.locator("section.card", has_text="実施主体の入力状況")
    expect(section).to_contain_text("期限: 令和3年6月30日")
    expect(section).to_contain_text("期限を過ぎています")
    section.get_by_role("link", name="武蔵野プレイス").click()
    assert page.url.endswith("/cycles/revised-2017/2021/#progress-body-place")
    row = page.locator("#progress-body-place")
    expect(row).to_contain_text("0 / 1")
    page.get_by_role("link", name="市民活動相談窓口").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("市民活動相談窓口")
    assert pages.problems(page) == []


def test_a_person_turns_the_overdue_reminder_off(pages, behind):
    page = pages.open()
    log_in(page, "staff")
    page.get_by_role("link", name="メールのお知らせ").click()
    page.get_by_label("送信先のメールアドレス").fill("place@example.jp")
    page.get_by_label("期限を過ぎたとき（期限の翌日）").uncheck()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".alert-success")).to_contain_text("保存しました")
    saved = ReminderPreference.objects.get(user__username="staff")
    assert (saved.email, saved.overdue, saved.due_soon) == ("place@example.jp", False, True)
    assert pages.problems(page) == []
