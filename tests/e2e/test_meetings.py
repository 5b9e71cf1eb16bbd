"""A meeting in a real browser: the 事務局 records it from the cycle page, opens the
projector view and moves through the agenda with the arrow keys, and opens the 会議資料."""

import pytest
from playwright.sync_api import expect

from evaluation.models import Meeting, Phase
from tests.e2e.journeys import log_in
from tests.factories import CommitteeEvaluationFactory, CycleFactory, measure, member, secretariat


def named(participant, username: str, name: str):
    participant.user.username, participant.user.last_name = username, name
    participant.user.save()
    return participant.user


@pytest.fixture
def committee_year(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("2-4"), opinion="2-4の案")
    named(member(), "iin1", "委員 一郎")
    named(member(), "iin2", "委員 二郎")
    return cycle, named(secretariat(), "jimukyoku", "事務局 花子")


def test_the_secretariat_records_a_meeting_projects_it_and_opens_its_material(
    pages, committee_year
):
    page = pages.open()
    log_in(page, "jimukyoku")
    page.goto("/cycles/revised-2017/2021/")
    page.get_by_role("link", name="委員会の会議").click()
    page.get_by_role("link", name="会議を記録する").click()
    page.get_by_label("日時").fill("2021-07-05T18:30")
    page.get_by_label("場所").fill("市役所 412会議室")
    page.get_by_label("委員 一郎").check()
    page.get_by_label("委員 二郎").check()
    page.get_by_label("1-1 市民活動のきっかけづくり").check()
    page.get_by_label("2-4 市民活動に関する学びの機会の提供").check()
    page.get_by_label("議事要旨").fill("施策1-1と2-4の案について審議した。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("main")).to_contain_text("第1回 令和3年7月5日 18:30")
    expect(page.locator("main")).to_contain_text("委員 一郎、委員 二郎")
    meeting = Meeting.objects.get()
    assert [m.number for m in meeting.measures.order_by("number")] == ["1-1", "2-4"]

    page.get_by_role("link", name="投影画面").click()
    expect(page.locator("h1")).to_contain_text("1-1 市民活動のきっかけづくり")
    page.wait_for_load_state("load")  # the keys are read by meeting_screen.js, loaded deferred
    page.keyboard.press("ArrowRight")
    expect(page.locator("h1")).to_contain_text("2-4")
    expect(page.locator("main")).to_contain_text("2-4の案")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("h1")).to_contain_text("1-1")

    page.get_by_role("link", name="会議の一覧").click()
    link = page.get_by_role("link", name="会議資料（PDF）")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert pages.problems(page) == []
