"""The chair's review in a real browser: one draft sent back with a comment (it reaches the
事務局's やること), two confirmed in one step through the confirmation page; and an entry
sent back to its 実施主体 and re-submitted."""

import pytest
from playwright.sync_api import expect

from evaluation.models import CommitteeEvaluation, Phase, ProjectReport
from tests.e2e.journeys import log_in
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    body,
    chair,
    level,
    measure,
    secretariat,
    staff,
)


def named(participant, username: str):
    participant.user.username = username
    participant.user.save()
    return participant.user


@pytest.fixture
def committee_year(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    for number in ["1-1", "1-2", "2-1"]:
        CommitteeEvaluationFactory(cycle=cycle, measure=measure(number), opinion=f"{number}の案")
        MemberEvaluationFactory(cycle=cycle, measure=measure(number), rating=level("B"))
    return cycle, named(chair(), "iincho"), named(secretariat(), "jimukyoku")


def test_the_chair_sends_one_draft_back_and_confirms_two_in_one_step(pages, committee_year):
    cycle, chair_user, _secretariat = committee_year
    page = pages.open()
    log_in(page, "iincho")
    page.get_by_role("link", name="すべての案を一覧で確認・確定する").click()
    expect(page.get_by_role("heading", name="委員会評価の確認と確定")).to_be_visible()

    row = page.locator("#measure-1-2")
    row.get_by_label("差し戻しのコメント").fill("参加者数の推移にも触れてください。")
    row.get_by_role("button", name="事務局に差し戻す").click()
    expect(page.locator(".alert-success")).to_contain_text("1-2 の案を事務局に差し戻しました。")

    page.get_by_label("1-1 を確定する").check()
    page.get_by_label("2-1 を確定する").check()
    page.get_by_role("button", name="選んだ案を確定する").click()
    expect(page.get_by_role("alert")).to_contain_text("あとから編集できなくなります")
    page.get_by_role("button", name="2件を確定する").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "2件の委員会評価を確定しました（1-1、2-1）。"
    )
    states = {
        e.measure.number: (e.is_confirmed, e.review_state)
        for e in CommitteeEvaluation.objects.filter(cycle=cycle)
    }
    assert states == {
        "1-1": (True, "submitted"),
        "1-2": (False, "sent_back"),
        "2-1": (True, "submitted"),
    }
    assert pages.problems(page) == []

    office = pages.open()
    log_in(office, "jimukyoku")
    expect(office.locator("main")).to_contain_text(
        "委員長のコメント: 参加者数の推移にも触れてください。"
    )
    assert pages.problems(office) == []


def test_the_secretariat_sends_a_report_back_and_the_body_resubmits_it(pages, db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    project = ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を開いた。")
    named(secretariat(), "jimukyoku")
    named(staff("city"), "shi")

    office = pages.open()
    log_in(office, "jimukyoku")
    office.goto("/cycles/revised-2017/2021/projects/city-001/report/")
    office.get_by_role("link", name="差し戻す・確認済にする（事務局）").click()
    office.get_by_label("差し戻しのコメント").fill("回数と参加者数を入れてください。")
    office.get_by_role("button", name="実施主体に差し戻す").click()
    expect(office.locator(".alert-success")).to_contain_text("実施主体に差し戻しました。")

    body_page = pages.open()
    log_in(body_page, "shi")
    expect(body_page.locator("main")).to_contain_text("回数と参加者数を入れてください。")
    body_page.get_by_role("link", name="実施状況：市民活動入門講座").click()
    body_page.get_by_label("回数").fill("3")
    body_page.get_by_label("参加者数").fill("45")
    body_page.get_by_role("button", name="保存する").click()
    expect(body_page.locator(".alert-success")).to_contain_text("保存しました")
    report = ProjectReport.objects.get()
    assert (report.review_state, report.times, report.participants) == ("resubmitted", 3, 45)
    assert pages.problems(office) == [] and pages.problems(body_page) == []


TWELVE = ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2", "4-1", "4-2"]


def test_the_chair_confirms_twelve_drafts_in_three_clicks_on_a_1280_pixel_screen(pages, db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    for number in TWELVE:
        CommitteeEvaluationFactory(cycle=cycle, measure=measure(number), opinion=f"{number}の案")
        MemberEvaluationFactory(cycle=cycle, measure=measure(number), rating=level("B"))
    named(chair(), "iincho")
    page = pages.open()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "iincho")
    clicks = 0

    def click(target) -> None:
        nonlocal clicks
        target.click()
        clicks += 1

    click(page.get_by_role("link", name="すべての案を一覧で確認・確定する"))
    # The whole table in the window: no sideways scrolling, 「確定」 on one line.
    expect(page.get_by_role("heading", name="委員会評価の確認と確定")).to_be_visible()
    box = page.locator(".table-responsive")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    heading = page.get_by_role("columnheader", name="確定", exact=True)
    one_line = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    assert heading.evaluate(one_line) == 1
    assert page.get_by_role("columnheader", name="差し戻し").bounding_box()["x"] < 1280

    click(page.get_by_role("button", name="未確定の案をすべて確定（12件）"))
    expect(page.get_by_role("alert")).to_contain_text("あとから編集できなくなります")
    click(page.get_by_role("button", name="12件を確定する"))
    expect(page.locator(".alert-success")).to_contain_text("12件の委員会評価を確定しました")
    assert CommitteeEvaluation.objects.filter(cycle=cycle, confirmed_at__isnull=False).count() == 12
    assert clicks == 3
    assert pages.problems(page) == []


def test_the_secretariat_drafts_twelve_measures_in_thirteen_clicks(pages, db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    for number in TWELVE:
        MemberEvaluationFactory(cycle=cycle, measure=measure(number), rating=level("B"))
    named(secretariat(), "jimukyoku")
    page = pages.open()
    log_in(page, "jimukyoku")
    clicks = 0

    def click(target) -> None:
        nonlocal clicks
        target.click()
        clicks += 1

    click(page.get_by_role("link", name="1-1 市民活動のきっかけづくり").first)
    for number in TWELVE:
        expect(page.locator("h1")).to_contain_text(f"委員会による評価及び意見：{number}")
        # Beside the form: the members' tally and the 施策's material.
        expect(page.get_by_text("委員の評価の集計（評価あり 1人）")).to_be_visible()
        expect(page.get_by_text("施策の実施状況と自己評価")).to_be_visible()
        page.get_by_label("評価", exact=True).select_option(label="B 概ね達成")
        page.get_by_label("評価及び意見").fill(f"{number}は概ね達成している。")
        last = number == TWELVE[-1]
        name = "保存して確認・確定の一覧へ" if last else "保存して次へ"
        click(page.get_by_role("button", name=name))
    expect(page.get_by_role("heading", name="委員会評価の確認と確定")).to_be_visible()
    assert CommitteeEvaluation.objects.filter(cycle=cycle).count() == 12
    assert clicks == 13
    assert pages.problems(page) == []
