"""The 事務局 invites a person, who chooses a password from the mail's link and lands on
やること; a person who forgot their password resets it and logs in; a used link explains
itself in Japanese."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.journeys import log_in
from tests.factories import UserFactory, secretariat

NEW_PASSWORD = "atarashii-pass-2021"


@pytest.fixture(autouse=True)
def links_to_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def choose_password(page, button: str) -> None:
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_an_invited_person_sets_a_password_and_lands_on_the_todo_list(pages):
    jimukyoku = secretariat().user
    office = pages.open()
    log_in(office, jimukyoku.username)
    office.get_by_role("link", name="関係者").click()
    office.get_by_role("link", name="新しい人を招待する").click()
    office.get_by_label("氏名").fill("山田 花子")
    office.get_by_label("メールアドレス").fill("hanako@example.jp")
    office.get_by_label("役割").select_option(label="委員")
    office.get_by_role("button", name="招待のメールを送る").click()
    expect(office.get_by_role("alert").first).to_contain_text(
        "山田 花子さんに招待のメールを送りました"
    )
    expect(office.locator("main")).to_contain_text("招待中")

    (invitation,) = [m for m in mail.outbox if m.to == ["hanako@example.jp"]]
    invited = pages.open()
    invited.goto(link_in(invitation))
    expect(invited.locator("main")).to_contain_text("ユーザー名は「hanako@example.jp」です")
    choose_password(invited, "パスワードを設定してはじめる")
    expect(invited).to_have_url(re.compile(r"/todo/$"))
    expect(invited.get_by_role("heading", level=1)).to_contain_text("やること")
    expect(invited.locator("nav.navbar")).to_contain_text("山田 花子")
    assert pages.problems(invited) == []

    # The link was used: it explains itself instead of setting a password again.
    again = pages.open()
    again.goto(link_in(invitation))
    expect(again.get_by_role("alert")).to_contain_text("このリンクは使えません")
    expect(again.locator("main")).to_contain_text("市民活動推進課（事務局）に依頼してください")


def test_a_forgotten_password_is_reset_by_mail_and_the_link_works_once(pages):
    UserFactory(username="tanaka", email="tanaka@example.jp", last_name="田中 委員")
    page = pages.open()
    page.goto("/login/")
    page.get_by_role("link", name="パスワードを忘れた場合").click()
    page.get_by_label("メールアドレス").fill("tanaka@example.jp")
    page.get_by_role("button", name="再設定のメールを送る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("メールを確認してください")

    (message,) = mail.outbox
    page.goto(link_in(message))
    choose_password(page, "新しいパスワードを設定する")
    expect(page.get_by_role("heading", level=1)).to_have_text("パスワードを設定しました")
    log_in(page, "tanaka", NEW_PASSWORD)
    expect(page.locator("nav.navbar")).to_contain_text("田中 委員")
    assert pages.problems(page) == []

    used = pages.open()
    used.goto(link_in(message))
    expect(used.get_by_role("alert")).to_contain_text("このリンクは使えません")
    expect(
        used.get_by_role("link", name="パスワードを忘れた場合（メールをもう一度送る）")
    ).to_be_visible()
