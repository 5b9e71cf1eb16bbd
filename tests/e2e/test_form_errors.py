"""After a failed submit the person lands on a summary of what to fix, each item a link to
its field, and what they typed is still there."""

from playwright.sync_api import expect

from evaluation.models import Phase, ProjectIndicator
from tests.e2e.journeys import log_in
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    body,
    secretariat,
    staff,
)


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


def test_an_error_in_an_indicator_row_is_in_the_summary_and_its_link_leads_to_the_field(page, db):
    """The 指標 rows (a formset under the 実施状況 form) are summarised like the form's fields."""
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    log_in(page, staff("city").user.username)
    page.goto("/cycles/revised-2017/2021/projects/city-001/report/")
    page.locator("#id_status").select_option(index=1)
    page.get_by_label("実施内容").fill("講座を3回開いた。")
    page.get_by_text(
        "指標を追加する", exact=True
    ).click()  # the empty row is folded until asked for
    page.locator("#id_children-0-target").fill("60")  # a target without the 指標's name
    page.get_by_role("button", name="保存する").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == ["事業の指標 1 指標名"]
    links.first.click()
    expect(page.locator("#id_children-0-name")).to_be_focused()
    expect(page.locator("#id_children-0-target")).to_have_value("60")


def test_a_send_back_without_a_comment_is_summarised_and_focused(page, db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    project = ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    ProjectReportFactory(cycle=cycle, project=project)
    log_in(page, secretariat().user.username)
    page.goto("/cycles/revised-2017/2021/projects/city-001/report/review/")
    page.get_by_role("button", name="実施主体に差し戻す").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="差し戻しのコメント").click()
    expect(page.get_by_label("差し戻しのコメント")).to_be_focused()


def test_a_record_someone_may_only_read_is_text_with_its_indicators_not_greyed_out_inputs(page, db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    project = ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city"))
    report = ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    ProjectIndicator.objects.create(report=report, name="受講者数", unit="人", target=60, actual=45)
    log_in(page, staff("place").user.username)  # another body's 事業: read only
    page.goto("/cycles/revised-2017/2021/projects/city-001/report/")

    main = page.locator("main")
    expect(main.locator(".record-values")).to_contain_text("講座を3回開いた。")
    expect(main).to_contain_text("受講者数")
    expect(main.locator("input:not([type=hidden]), textarea, select")).to_have_count(0)
