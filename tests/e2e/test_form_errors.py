"""After a failed submit the person lands on a summary of what to fix, each item a link to
its field, and what they typed is still there."""

from playwright.sync_api import expect

from evaluation.models import Phase
from tests.e2e.journeys import log_in
from tests.factories import CycleFactory, ProjectFactory, body, staff


def test_a_failed_submit_focuses_the_error_summary_whose_links_lead_to_each_field(page, db):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    user = staff("city").user
    log_in(page, user.username)
    page.goto("/cycles/revised-2017/2021/projects/city-001/report/")
    expect(page.locator(".required-note")).to_contain_text("の付いた項目は入力が必要です。")
    page.get_by_label("回数").fill("3")
    page.get_by_role("button", name="保存する").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("入力内容を確認してください")
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == ["実施状況", "実施内容"]
    links.nth(1).click()
    expect(page.get_by_label("実施内容")).to_be_focused()
    expect(page.get_by_label("回数")).to_have_value("3")


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(page, db):
    page.goto("/plans/revised-2017/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_a_message_about_the_whole_form_is_focused_when_no_field_is_wrong(page, db):
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill("nobody")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    message = page.locator("main form .alert-danger")
    expect(message).to_be_focused()
    expect(message).to_contain_text("正しいユーザー名とパスワードを入力してください")
    expect(page.locator(".error-summary")).to_have_count(0)
