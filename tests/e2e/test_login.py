from playwright.sync_api import expect

from tests.e2e.journeys import log_in
from tests.factories import UserFactory


def test_a_user_logs_in_and_out(page):
    UserFactory(username="tanaka", last_name="田中 委員")
    log_in(page, "tanaka")
    navbar = page.locator("nav.navbar")
    expect(navbar).to_contain_text("田中 委員")
    navbar.get_by_role("button", name="ログアウト").click()
    expect(navbar.get_by_role("link", name="ログイン")).to_be_visible()
    expect(navbar).not_to_contain_text("田中 委員")


def test_a_wrong_password_is_refused_with_a_japanese_message(page):
    UserFactory(username="tanaka")
    log_in(page, "tanaka", "not-the-password")
    expect(page.locator("form .alert-danger, form .invalid-feedback, .alert")).to_contain_text(
        "正しいユーザー名とパスワードを入力してください"
    )


def test_five_failures_lock_the_login_with_a_clear_japanese_message(page):
    UserFactory(username="tanaka")
    for _ in range(4):
        log_in(page, "tanaka", "not-the-password")
        expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    log_in(page, "tanaka", "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインが一時的に制限されています")
    expect(page.get_by_role("alert")).to_contain_text("ログインに5回続けて失敗したため")
    # Even the right password is refused now.
    log_in(page, "tanaka")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインが一時的に制限されています")
