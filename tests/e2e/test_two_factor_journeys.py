"""二段階認証 in a browser: the 事務局's first sign-in sets up an authenticator app from the
page's secret, confirms it with a code, sees the recovery codes once and lands on やること;
the next sign-in asks for a code, refuses a wrong one in Japanese and takes a recovery code.
Each page is checked with axe."""

from base64 import b32decode

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.journeys import log_in
from tests.factories import secretariat
from tests.people.test_two_factor import code_of


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_TOTP_FOR = ["secretariat", "admin"]


def no_violations(page) -> None:
    assert axe.violations(page) == [], page.url


def test_the_secretariat_sets_up_an_authenticator_and_signs_in_with_codes(pages):
    jimukyoku = secretariat().user
    page = pages.open()
    axe.install(page.context)
    log_in(page, jimukyoku.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("二段階認証の設定")
    expect(page.locator("main svg title")).to_have_text("認証アプリで読み取るQRコード")
    no_violations(page)
    secret = page.locator("dd code").inner_text().replace(" ", "")
    key = b32decode(secret).hex()
    page.get_by_label("確認コード（6桁）").fill(code_of(key))
    page.get_by_role("button", name="設定を完了する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("回復コード")
    expect(page.locator("main")).to_contain_text("この画面を印刷するか書き留めてください")
    codes = page.locator("main ol code").all_inner_texts()
    assert len(codes) == 10
    no_violations(page)
    page.get_by_role("link", name="書き留めたので、続ける").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("やること")
    page.get_by_role("button", name="ログアウト").click()

    log_in(page, jimukyoku.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    no_violations(page)
    wrong = "000000" if code_of(key) != "000000" else "999999"
    page.get_by_label("確認コード").fill(wrong)
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("alert").first).to_contain_text("確認コードが正しくありません")
    expect(page.get_by_label("確認コード")).to_have_value(wrong)
    no_violations(page)
    # The wrong code makes the next wait a second (django-otp's throttle).
    page.wait_for_timeout(1100)
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("やること")
    expect(page.locator("main")).to_contain_text("回復コードでログインしました")
    assert pages.problems(page) == []
