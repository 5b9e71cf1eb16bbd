"""Nothing typed is lost, in a real browser: a session that expires while typing, a phase
that moves while typing, and Japanese error pages with a way back."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from evaluation.models import Phase, ProjectReport
from tests.e2e.journeys import log_in
from tests.factories import PASSWORD, CycleFactory, ProjectFactory, body, member, staff

REPORT = "/cycles/revised-2017/2021/projects/city-001/report/"
TYPED = "講座を5回開いた。参加者の声をまとめた長い文章を入力中。"


@pytest.fixture
def year(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    user = staff("city").user
    user.username = "staff"
    user.save()
    return cycle


def test_a_session_that_expires_while_typing_keeps_the_text_after_logging_in(page, year):
    log_in(page, "staff")
    page.goto(REPORT)
    page.get_by_label("実施状況").select_option(label="実施")
    page.get_by_label("実施内容").fill(TYPED)
    Session.objects.all().delete()  # the session expires while the person types
    page.get_by_role("button", name="保存する").click()

    expect(page.get_by_role("button", name="ログイン")).to_be_visible()
    page.get_by_label("ユーザー名").fill("staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    expect(page).to_have_url(re.compile(re.escape(REPORT) + "$"))  # back to the form
    expect(page.get_by_label("実施内容")).to_have_value(TYPED)
    expect(page.get_by_role("status").filter(has_text="保存されていなかった入力")).to_be_visible()
    assert not ProjectReport.objects.exists()

    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".alert-success")).to_contain_text("保存しました")
    assert ProjectReport.objects.get().activities == TYPED
    # Saved: the draft is gone, so the form shows the saved record, not an old draft.
    page.goto(REPORT)
    expect(page.get_by_label("実施内容")).to_have_value(TYPED)
    expect(page.get_by_text("保存されていなかった入力")).to_have_count(0)


def test_a_phase_moved_while_typing_shows_the_form_with_the_text_and_the_reason(page, year):
    log_in(page, "staff")
    page.goto(REPORT)
    page.get_by_label("実施状況").select_option(label="実施")
    page.get_by_label("実施内容").fill(TYPED)
    year.phase = Phase.COMMITTEE  # the secretariat moves the year on meanwhile
    year.save()
    page.get_by_role("button", name="保存する").click()

    alert = page.get_by_role("alert").filter(has_text="保存できませんでした")
    expect(alert).to_contain_text(
        "いまは「委員会評価」の段階なので、「実施状況入力」の記録は編集できません。"
    )
    expect(page.get_by_label("実施内容")).to_have_value(TYPED)
    assert not ProjectReport.objects.exists()


def test_a_missing_page_is_japanese_with_a_way_back(page, year):
    page.goto("/cycles/revised-2017/2099/")
    expect(page.get_by_role("heading", name="ページが見つかりません（404）")).to_be_visible()
    expect(page.get_by_role("link", name="トップページへ")).to_be_visible()


def test_a_refusal_is_japanese_with_the_reason(page, year):
    user = member().user
    user.username = "member"
    user.save()
    log_in(page, "member")
    page.goto("/cycles/revised-2017/new/")
    expect(page.get_by_role("heading", name="この操作はできません（403）")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("権限")


def test_a_server_error_is_japanese(page, year, settings):
    settings.ROOT_URLCONF = "tests.plan.error_urls"
    page.goto("/fail/")
    expect(
        page.get_by_role("heading", name="システムの内部でエラーが起きました（500）")
    ).to_be_visible()
    expect(page.get_by_role("link", name="前のページに戻る")).to_be_visible()
