"""The year's main journeys in a real browser: staff enter, a member scores, the secretariat
drafts, the chair confirms, and the 施策 page and the dashboard show all of it."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.models import CommitteeEvaluation, MemberEvaluation, Phase, ProjectReport
from tests.e2e.journeys import log_in
from tests.factories import CycleFactory, ProjectFactory, body, chair, member, secretariat, staff

MEASURE_PAGE = "/cycles/revised-2017/2021/measures/1-1/"


@pytest.fixture
def year(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY, entry_due="2022-05-31")
    project = ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    people = {
        "staff": staff("city").user,
        "member": member().user,
        "chair": chair().user,
        "secretariat": secretariat().user,
    }
    for role, user in people.items():
        user.username = role
        user.last_name = {
            "staff": "市 担当",
            "member": "委員 一郎",
            "chair": "委員長 花子",
            "secretariat": "事務局",
        }[role]
        user.save()
    return cycle, project, people


def set_phase(cycle, phase):
    cycle.phase = phase
    cycle.save()


def test_staff_enter_a_report_and_a_self_evaluation(page, year):
    cycle, project, people = year
    log_in(page, "staff")
    expect(page.get_by_role("heading", name="やること")).to_be_visible()
    page.get_by_role("link", name="市民活動入門講座").click()
    page.get_by_label("実施状況").select_option(label="実施")
    page.get_by_label("実施内容").fill("入門講座を3回開催した。")
    page.get_by_label("回数").fill("3")
    page.get_by_label("参加者数").fill("75")
    page.get_by_label("今後の方向性").select_option(label="継続")
    page.get_by_text(
        "指標を追加する", exact=True
    ).click()  # the empty row is folded until asked for
    page.locator("#id_children-0-name").fill("講座の参加者数")
    page.locator("#id_children-0-unit").fill("人")
    page.locator("#id_children-0-target").fill("60")
    page.locator("#id_children-0-actual").fill("75")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "保存しました"
    )
    report = ProjectReport.objects.get(project=project, cycle=cycle)
    assert (report.times, report.participants, report.direction) == (3, 75, "continue")
    assert [(i.name, i.target, i.actual) for i in report.indicators.all()] == [
        ("講座の参加者数", 60, 75)
    ]

    page.get_by_role("link", name="1-1 市民活動のきっかけづくり").click()
    page.locator("#id_rating").select_option(label="B 概ね達成")
    page.get_by_label("評価の理由").fill("講座は計画どおり開催できた。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".alert-success")).to_contain_text("保存しました")

    page.goto(MEASURE_PAGE)
    expect(page.locator("body")).to_contain_text("入門講座を3回開催した。")
    expect(page.locator("body")).to_contain_text("講座は計画どおり開催できた。")


def test_a_member_scores_and_the_chair_confirms_the_secretariats_draft(pages, year):
    cycle, project, people = year
    set_phase(cycle, Phase.COMMITTEE)

    member_page = pages.open()
    log_in(member_page, "member")
    member_page.get_by_role("link", name="1-1 市民活動のきっかけづくり").click()
    member_page.locator("#id_rating").select_option(label="C 一部達成")
    member_page.get_by_label("意見").fill("参加につなげる橋渡しが弱い。")
    member_page.get_by_role("button", name="保存する").click()
    expect(member_page.locator(".alert-success")).to_contain_text("保存しました")
    assert MemberEvaluation.objects.get(cycle=cycle).opinion == "参加につなげる橋渡しが弱い。"

    secretariat_page = pages.open()
    log_in(secretariat_page, "secretariat")
    secretariat_page.get_by_role("link", name="1-1 市民活動のきっかけづくり").click()
    expect(secretariat_page.locator("aside")).to_contain_text("参加につなげる橋渡しが弱い。")
    secretariat_page.locator("#id_rating").select_option(label="C 一部達成")
    secretariat_page.get_by_label("委員会による評価及び意見").fill(
        "講座は行われているが、参加を促す活動が弱い。"
    )
    secretariat_page.get_by_role("button", name="保存する").click()
    expect(secretariat_page.locator(".alert-success")).to_contain_text("保存しました")

    chair_page = pages.open()
    log_in(chair_page, "chair")
    chair_page.get_by_role("link", name="1-1 市民活動のきっかけづくり").last.click()
    chair_page.get_by_role("button", name="この内容で委員会評価を確定する（委員長）").click()
    expect(chair_page.locator(".alert-warning")).to_contain_text("編集できなくなります")
    assert pages.problems(chair_page) == []  # the confirmation step passes axe too
    chair_page.get_by_role("button", name="内容を確認しました。確定する").click()
    expect(chair_page.locator(".alert-success").first).to_contain_text("確定しました")
    assert CommitteeEvaluation.objects.get(cycle=cycle).confirmed_by == people["chair"]

    chair_page.goto(MEASURE_PAGE)
    body_text = chair_page.locator("main")
    expect(body_text).to_contain_text("講座は行われているが、参加を促す活動が弱い。")
    expect(body_text).to_contain_text("確定")
    expect(body_text).to_contain_text("参加につなげる橋渡しが弱い。")
    assert pages.problems(chair_page) == []

    # The dashboard of the year shows the committee's rating for 1-1.
    chair_page.goto("/dashboard/revised-2017/2021/")
    row = chair_page.locator("tr.priority-row", has_text="1-1 市民活動のきっかけづくり").first
    expect(row).to_contain_text("C")
    assert pages.problems(chair_page) == []


def test_a_second_person_saving_the_same_record_sees_the_conflict(pages, year):
    cycle, project, people = year
    first, second = pages.open(), pages.open()
    log_in(first, "staff")
    log_in(second, "secretariat")
    url = f"/cycles/revised-2017/2021/projects/{project.code}/report/"
    for page in (first, second):
        page.goto(url)
    first.get_by_label("実施状況").select_option(label="実施")
    first.get_by_label("実施内容").fill("担当者が入力した内容")
    first.get_by_role("button", name="保存する").click()
    expect(first.locator(".alert-success")).to_contain_text("保存しました")

    second.get_by_label("実施状況").select_option(label="一部実施")
    second.get_by_label("実施内容").fill("事務局が入力した内容")
    second.get_by_role("button", name="保存する").click()
    expect(second.locator("main form")).to_contain_text("さんがこの記録を保存しました")
    expect(second.locator("#conflict")).to_contain_text("担当者が入力した内容")
    expect(second.get_by_label("実施内容")).to_have_value("事務局が入力した内容")
    assert ProjectReport.objects.get().activities == "担当者が入力した内容"


def test_staff_find_a_project_in_the_list_enter_its_report_and_land_back_on_the_list(pages, year):
    cycle, project, people = year
    page = pages.open()
    log_in(page, "staff")
    page.get_by_role("link", name="事業一覧").first.click()
    page.get_by_label("事業名・事業コード").fill("入門")
    page.get_by_label("実施主体").select_option(label="武蔵野市")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("table.project-list tbody tr")).to_have_count(1)
    page.get_by_role("link", name="市民活動入門講座の実施状況を入力").click()
    page.get_by_label("実施状況").select_option(label="一部実施")
    page.get_by_label("実施内容").fill("ｵﾝﾗｲﾝで2回開催した。")
    page.get_by_role("button", name="保存する").click()
    # Back on the filtered list, with a message naming what was saved.
    expect(page).to_have_url(
        re.compile(r"/plans/revised-2017/projects/\?q=%E5%85%A5%E9%96%80&body=city")
    )
    expect(page.locator(".alert-success")).to_have_text(
        "実施状況「市民活動入門講座 令和3（2021）年度」を保存しました。"
    )
    expect(page.locator("table.project-list")).to_contain_text("一部実施")
    assert ProjectReport.objects.get(project=project, cycle=cycle).activities == (
        "オンラインで2回開催した。"
    )

    page.get_by_role("link", name="事業を登録").click()
    page.get_by_label("事業コード").fill("city-002")
    page.get_by_label("事業名").fill("協働研修")
    page.get_by_label("1-1① 教育機関等と連携した市民のボランティア意識の醸成").check()
    page.get_by_label("開始年度").fill("2021")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".alert-success")).to_have_text("事業「協働研修」を保存しました。")
    expect(page.get_by_role("heading", name="事業一覧")).to_be_visible()
    assert pages.problems(page) == []
