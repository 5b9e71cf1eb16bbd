"""A member scores the whole plan from the scoring page, with the keyboard alone, moving on
with 保存して次へ and back with 前の施策: one submit per 施策 (was three clicks each)."""

import pytest
from playwright.sync_api import expect

from evaluation.models import MemberEvaluation, Phase
from tests.e2e.journeys import log_in
from tests.factories import CycleFactory, member

NUMBERS = ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2", "4-1", "4-2"]


@pytest.fixture
def scoring_member(db):
    CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    user = member().user
    user.username, user.last_name = "iin", "委員 一郎"
    user.save()
    return user


def test_a_member_scores_all_twelve_measures_with_next_and_previous_only(
    page, pages, scoring_member
):
    log_in(page, "iin")
    page.get_by_role("link", name="1-1 市民活動のきっかけづくり").click()
    submits = 0
    for n, number in enumerate(NUMBERS):
        expect(page.locator("h1")).to_contain_text(f"委員評価：{number}")
        expect(page.locator(".scoring-nav")).to_contain_text(f"{n} / 12 入力済み")
        # Keyboard only: choose the rating by typing its letter, Tab to the opinion, type,
        # Tab to the first button (保存して次へ) and press Enter.
        page.locator("#id_rating").focus()
        page.keyboard.type("C")
        page.keyboard.press("Tab")
        expect(page.locator("#id_opinion")).to_be_focused()
        page.keyboard.type(f"{number}の意見。参加につなげる工夫が必要。")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="保存して")).to_be_focused()
        page.keyboard.press("Enter")
        submits += 1
        page.wait_for_load_state()
    # After the last 施策 the list says everything is in.
    expect(page.locator("main")).to_contain_text("12 / 12 入力済み")
    assert submits == 12
    saved = MemberEvaluation.objects.filter(member=scoring_member).order_by("measure__number")
    assert [(e.measure.number, e.rating.code) for e in saved] == [(n, "C") for n in NUMBERS]

    # Back through the plan with 前の施策: the member's own opinion is there to revise.
    page.get_by_role("link", name="4-2", exact=False).first.click()
    page.get_by_role("link", name="前の施策 4-1").click()
    expect(page.locator("#id_opinion")).to_have_value("4-1の意見。参加につなげる工夫が必要。")
    page.get_by_label("意見").fill("4-1は見直した意見。")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.locator("h1")).to_contain_text("委員評価：4-2")
    assert MemberEvaluation.objects.get(member=scoring_member, measure__number="4-1").opinion == (
        "4-1は見直した意見。"
    )
    assert pages.problems(page) == []


def test_the_scoring_page_is_usable_390_pixels_wide(browser, live_server, scoring_member):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, "iin")
        page.goto("/cycles/revised-2017/2021/scoring/2-4/")
        # Nothing wider than the screen: no sideways scrolling to reach the form.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("link", name="評価の入力欄へ移動").focus()
        page.keyboard.press("Enter")
        page.get_by_label("意見").fill("学びの機会は広がっている。")
        page.get_by_role("button", name="保存して次へ").click()
        expect(page.locator("h1")).to_contain_text("委員評価：2-5")
    finally:
        context.close()


def test_on_a_phone_save_and_next_lands_on_the_next_form_with_the_focus_in_it(
    browser, live_server, scoring_member
):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, "iin")
        page.goto("/cycles/revised-2017/2021/scoring/2-4/")
        # The first Tab stop is the way to the form.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "評価の入力欄へ移動"
        page.keyboard.press("Enter")
        page.get_by_label("意見").fill("学びの機会は広がっている。")
        page.get_by_role("button", name="保存して次へ").click()
        expect(page.locator("h1")).to_contain_text("委員評価：2-5")
        # The focus is in the first field, and the form is on the screen, not below it.
        assert page.url.endswith("/scoring/2-5/#id_rating")
        expect(page.get_by_label("評価", exact=True)).to_be_focused()
        # (Bootstrap scrolls smoothly: wait for the scroll to end.)
        page.wait_for_function(
            "() => { const top = document.querySelector('#id_rating')"
            ".getBoundingClientRect().top; return top >= 0 && top < innerHeight / 2; }"
        )
        assert page.get_by_text("評価", exact=True).first.is_visible()
        heading = page.get_by_role("heading", name="あなたの評価と意見").bounding_box()["y"]
        assert heading >= 0
        page.keyboard.press("Tab")  # on to 意見, with the keyboard alone
        expect(page.get_by_label("意見")).to_be_focused()
    finally:
        context.close()
