"""評価表 outputs: print view, Excel and CSV — access, content and fixed query counts."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CommitteeSummary, FollowUp, Phase
from ops.scale_data import generate
from policies.models import Initiative
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    UserFactory,
    body,
    level,
    measure,
    member,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db

OUTPUTS = ["sheet_print", "sheet_xlsx", "sheet_csv"]


def url(name: str, plan: str = "revised-2017", year: int = 2021, query: str = "") -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": plan, "year": year}) + query


@pytest.fixture
def cycle():
    """令和3年度 in 実施状況入力, with one 事業 under 1-1② and its 実施状況."""
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    project = ProjectFactory(
        code="city-001",
        name="市民活動入門講座",
        department="市民活動推進課",
        initiatives=[_item("1-1", 2)],
    )
    ProjectReportFactory(
        cycle=cycle,
        project=project,
        activities="入門講座を年3回開催した。",
        times=3,
        participants=45,
    )
    SelfEvaluationFactory(cycle=cycle, measure=measure("1-1"), body=body("city"), rating=level("B"))
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("1-1"), rating=level("C"))
    return cycle


def _item(number: str, position: int) -> Initiative:
    return Initiative.objects.get_by_natural_key("revised-2017", number, position)


@pytest.mark.parametrize("name", OUTPUTS)
def test_anonymous_visitors_are_sent_to_login_for_an_unpublished_cycle(client, cycle, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", OUTPUTS)
def test_anonymous_visitors_get_a_published_cycles_outputs(client, cycle, name):
    cycle.phase = Phase.PUBLISHED
    cycle.save()
    assert client.get(url(name)).status_code == 200


@pytest.mark.parametrize("name", OUTPUTS)
def test_a_logged_in_user_without_a_role_cannot_see_an_unpublished_cycle(client, cycle, name):
    client.force_login(UserFactory())
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", OUTPUTS)
def test_insiders_get_any_cycles_outputs(client, cycle, name):
    client.force_login(member().user)
    assert client.get(url(name)).status_code == 200


def test_an_unknown_cycle_is_not_found(client):
    assert client.get(url("sheet_print", year=1999)).status_code == 404


def test_the_print_view_shows_the_table_in_plan_order(client, cycle):
    client.force_login(staff("place").user)
    html = client.get(url("sheet_print")).content.decode()
    # One table per 施策, each with its own head (基本施策・施策 and the column headings).
    assert html.count('<table class="sheet') == 12
    assert html.index("1-1 市民活動のきっかけづくり") < html.index(
        "2-4 市民活動に関する学びの機会の提供"
    )
    assert html.count('class="priority"') == 3
    assert "市民活動入門講座" in html and "入門講座を年3回開催した。" in html
    assert "（再掲）1-1②" in html
    # 1-1② is re-listed as 2-4④ and 3-1④, so its 事業 shows three times.
    assert html.count("市民活動入門講座") == 3
    assert "B 概ね達成" in html  # the body's 自己評価
    # The committee's draft (C) waits until the 事務局 releases the drafts: body staff could
    # pass it on to a member who has not scored yet.
    assert html.count("C 一部達成") == 1  # in the scale's legend only
    assert "講座は行われているが、参加を促す活動が弱い。" not in html
    assert 'class="navbar' not in html  # no navigation chrome on paper
    assert "evaluation/sheet.css" in html
    assert "令和3（2021）年度 実績／令和4（2022）年度 評価" in html
    assert "公開前の資料です（関係者のみ）。" in html


def test_the_public_print_view_has_the_scales_legend_and_no_codes_or_phases(client, cycle):
    cycle.phase = Phase.PUBLISHED
    cycle.save()
    html = client.get(url("sheet_print")).content.decode()
    assert "A 達成／B 概ね達成／C 一部達成／D 未達成／－ 評価不能" in html
    assert "city-001" not in html  # 事業コード are for the import, not for readers
    assert "段階" not in html and "公開前" not in html


def test_the_print_view_can_show_the_previous_year_beside_this_one(client, cycle):
    client.force_login(member().user)
    html = client.get(url("sheet_print", query="?previous=1")).content.decode()
    assert "令和2（2020）年度の実施状況" in html and "令和3（2021）年度の実施状況" in html
    assert html.index("令和2（2020）年度の実施状況") < html.index("令和3（2021）年度の実施状況")


def test_the_print_stylesheet_sets_a4_landscape_page_numbers_and_page_breaks():
    css = Path(finders.find("evaluation/sheet.css")).read_text(encoding="utf-8")
    assert "size: A4 landscape;" in css
    assert '@bottom-center { content: counter(page) " / " counter(pages);' in css
    assert "break-inside: avoid; }" in css
    assert "display: table-header-group" in css


def test_the_excel_file_has_the_papers_layout(client, cycle):
    # The 事務局 reads the drafts; a member reads one once their own score of it is saved.
    client.force_login(secretariat().user)
    response = client.get(url("sheet_xlsx"))
    # 評価表_改定計画_令和3（2021）年度.xlsx, percent-encoded UTF-8 (RFC 6266)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%A9%95%E4%BE%A1%E8%A1%A8_%E6%94%B9%E5%AE%9A%E8%A8%88"
        "%E7%94%BB_%E4%BB%A4%E5%92%8C3%EF%BC%882021%EF%BC%89%E5%B9%B4%E5%BA%A6.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = book.active
    assert ws.title == "評価表 令和3（2021）年度"
    # The title in the first printed column (the key columns A–C are not printed).
    assert ws["D1"].value == (
        "計画目標の達成状況評価表　武蔵野市市民活動促進基本計画改定計画　"
        "令和3（2021）年度 実績／令和4（2022）年度 評価"
    )
    assert ws["J2"].value == "令和3（2021）年度の実施状況"
    assert [c.value for c in ws[3]] == [
        "施策番号", "展開番号", "事業コード", "施策", "計画後期の展開",
        "事業名", "事業概要", "実施主体", "担当課", "事業の目標", "実施状況", "実施内容", "回数",
        "参加者数", "指標", "課題", "今後の方向性",
    ]  # fmt: skip
    # Under the headings, the legend: the year's scale and the two marks.
    assert ws["D4"].value == "凡例"
    assert ws["F4"].value == (
        "評価の基準：A 達成／B 概ね達成／C 一部達成／D 未達成／－ 評価不能。"
        "自己評価は実施主体、委員会による評価及び意見は市民活動推進委員会によるものです。"
        "「—」は値がないこと、「－」は評価不能を示します。"
    )
    assert ws["D5"].value == "基本施策1　市民活動の裾野の拡大"  # a row of its own
    assert ws["D6"].value == "1-1 市民活動のきっかけづくり\n【重点施策】"
    assert ws["E6"].value == "施策の目標"
    assert ws["J6"].value.startswith("市民活動に対する関心を高めるため、")
    assert [c.value for c in ws[8]][:3] == ["1-1", "②", "city-001"]
    assert [c.value for c in ws[8]][5:14] == [
        "市民活動入門講座", None, "武蔵野市", "市民活動推進課", None, "実施",
        "入門講座を年3回開催した。", 3, 45,
    ]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "J2:Q2" in merged  # the year group over its eight columns
    assert "D1:Q1" in merged and "D5:Q5" in merged
    assert "J6:Q6" in merged  # 施策の目標 across the year's columns
    assert ws.freeze_panes == "D4"
    assert ws.print_title_rows == "$2:$3"
    assert ws.print_area == "'評価表 令和3（2021）年度'!$D$1:$Q$120"  # not the key columns
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.scale == 86  # 10 pt text prints at 8.6 pt
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert (
        ws.oddHeader.left.text == "計画目標の達成状況評価表　武蔵野市市民活動促進基本計画改定計画"
    )
    assert ws.oddHeader.right.text == "令和3（2021）年度 実績／令和4（2022）年度 評価"
    assert ws.oddFooter.center.text == "&P / &N"
    assert ws.oddFooter.right.text == "武蔵野市 市民部 市民活動推進課"
    assert ws.column_dimensions["L"].width == 21
    assert ws.column_dimensions["C"].width == 9  # a narrow key column
    assert ws["L8"].alignment.wrap_text is True
    assert ws["L8"].font.name == "ＭＳ Ｐゴシック"
    # 1-1: 施策の目標, 4 展開 rows (one with a 事業, three empty), 参考指標, 3 自己評価 rows
    # and the committee's. Titles are not merged down their rows (a spreadsheet program
    # would print such text over the repeated headers of a continuation page).
    assert [r for r in ws.merged_cells.ranges if r.min_row != r.max_row] == []
    assert ws["D16"].value == "1-2 多様な活動につながる情報の提供"
    assert ws["E11"].value == "参考指標"
    assert ws["E12"].value == "自己評価（市）"
    assert ws["J12"].value.startswith("評価：B 概ね達成\n評価の理由：")
    assert ws["E15"].value == "委員会による評価及び意見"
    assert (
        ws["J15"].value
        == "【案・未確定】\n評価：C 一部達成\n講座は行われているが、参加を促す活動が弱い。"
    )
    assert "J15:Q15" in merged and "E15:I15" in merged
    # The sheet is broken into pages here; every page after a break starts with the 施策 it
    # shows (a 施策 continued from the page before is named again, 「（続き）」).
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 5
    assert all(ws.cell(row=row + 1, column=4).value for row in breaks)
    assert any(str(ws.cell(row=row + 1, column=4).value).endswith("（続き）") for row in breaks)


def test_two_years_side_by_side_print_on_a3(client, cycle):
    client.force_login(secretariat().user)
    response = client.get(url("sheet_xlsx", query="?previous=1"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws.page_setup.paperSize == 8  # A3
    assert ws.page_setup.scale >= 80


def test_the_excel_has_one_editable_row_per_project_and_dropdowns(client, cycle):
    client.force_login(member().user)
    ws = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(url("sheet_xlsx")).streaming_content))
    ).active
    assert ws.protection.sheet is True
    assert ws["L8"].protection.locked is False  # city-001's own row: 実施内容 is editable
    assert ws["O8"].protection.locked is False  # 指標: the existing ones are imported too
    assert ws["E8"].protection.locked is True  # the plan's titles
    # 1-1② is re-listed as 2-4④: the same 事業 again, grey, locked and with a note.
    relisted = next(r for r in ws.iter_rows(min_row=9) if r[2].value == "city-001")
    assert [c.protection.locked for c in relisted[5:]] == [True] * 12
    assert relisted[11].fill.fgColor.rgb == "00D9D9D9"
    assert relisted[5].comment.text == "この行は再掲です。8行目で入力してください。"
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    last = ws.max_row
    assert validations == {
        f"K4:K{last}": '"実施,一部実施,未実施,終了"',
        f"Q4:Q{last}": '"拡充,継続,改善して継続,縮小,終了,完了"',
    }


def test_the_excel_opens_with_the_confirmed_summary_one_row_a_paragraph(client, cycle):
    CommitteeSummary.objects.create(
        cycle=cycle,
        text="各施策とも概ね計画どおり進んだ。\n\n若い世代の参加が課題である。",
        confirmed_at=timezone.now(),
    )
    client.force_login(secretariat().user)
    ws = _workbook(client)
    assert [(ws[f"D{n}"].value, ws[f"F{n}"].value) for n in (4, 5)] == [
        ("総評", "各施策とも概ね計画どおり進んだ。"),
        (None, "若い世代の参加が課題である。"),
    ]
    assert ws["D6"].value == "凡例"
    assert {"D4:E4", "F4:Q4", "F5:Q5"} <= {str(r) for r in ws.merged_cells.ranges}


def test_a_draft_summary_stays_out_of_the_excel(client, cycle):
    CommitteeSummary.objects.create(cycle=cycle, text="総評の案")
    client.force_login(secretariat().user)  # who reads the draft on the print page
    assert _workbook(client)["D4"].value == "凡例"


def _workbook(client):
    response = client.get(url("sheet_xlsx"))
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


@pytest.mark.parametrize("with_items", [False, True])
def test_the_old_response_text_shows_only_in_a_year_without_follow_up_items(
    client, cycle, with_items
):
    cycle.self_evaluations.update(response_to_committee="SNSでの告知を増やした。")
    if with_items:  # the answer is the 回答報告書's item, which may say 未対応
        FollowUp.objects.create(cycle=cycle, measure=measure("1-1"), body=body("city"))
    client.force_login(secretariat().user)
    html = client.get(url("sheet_print")).content.decode()
    csv_text = b"".join(client.get(url("sheet_csv")).streaming_content).decode("utf-8-sig")
    cell = _workbook(client)["J12"].value
    shown = ["SNSでの告知を増やした。" in text for text in (html, csv_text, cell)]
    assert shown == [not with_items] * 3


def test_excel_rows_are_as_tall_as_their_wrapped_text(client, cycle):
    report = cycle.reports.get()
    report.activities = "入門講座を開催した。" * 20  # 200 wide characters in a 32-wide cell
    report.save()
    client.force_login(member().user)
    ws = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(url("sheet_xlsx")).streaming_content))
    ).active
    # 400 width units over 20 usable a line: 20 lines of 13.5 pt, plus padding
    assert ws.row_dimensions[8].height == 20 * 13.5 + 3
    # 1-1① has no 事業; its title 「① 教育機関等と…醸成」 is 49 units in a 15-wide cell
    assert ws.row_dimensions[7].height == 4 * 13.5 + 3


def test_text_that_looks_like_a_formula_stays_text_in_excel(client, cycle):
    report = cycle.reports.get()
    report.activities = '=HYPERLINK("http://example.invalid")'
    report.save()
    client.force_login(member().user)
    response = client.get(url("sheet_xlsx"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["L8"].data_type == "s"


def test_the_csv_is_utf8_with_a_bom_and_one_row_per_project_and_year(client, cycle):
    client.force_login(secretariat().user)  # who reads the drafts while members score
    response = client.get(url("sheet_csv", query="?previous=1"))
    body_bytes = b"".join(response.streaming_content)
    assert body_bytes.startswith(b"\xef\xbb\xbf")
    lines = body_bytes.decode("utf-8-sig").splitlines()
    rows = list(csv.reader(io.StringIO(body_bytes.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "年度", "施策番号", "展開番号", "事業コード", "事業名", "事業概要", "実施主体", "担当課",
        "事業の目標", "実施状況", "実施内容", "回数", "参加者数", "指標", "課題", "今後の方向性",
        "自己評価", "委員会による評価及び意見",
    ]  # fmt: skip
    assert rows[1:] == [
        ["2020", "1-1", "②", "city-001", "市民活動入門講座", "", "武蔵野市", "市民活動推進課",
         "", "", "", "", "", "", "", "", "（未入力）", "（未入力）"],
        ["2021", "1-1", "②", "city-001", "市民活動入門講座", "", "武蔵野市", "市民活動推進課",
         "", "実施", "入門講座を年3回開催した。", "3", "45", "", "", "",
         "評価：B 概ね達成\n評価の理由：概ね計画どおり実施した。",
         "【案・未確定】\n評価：C 一部達成\n講座は行われているが、参加を促す活動が弱い。"],
    ]  # fmt: skip
    assert len(lines) > 2


def test_a_project_serving_two_items_is_one_csv_row_listing_both(client, cycle):
    ProjectFactory(code="place-001", name="講座と交流会", body=body("place"),
                   initiatives=[_item("1-1", 3), _item("2-5", 1)])  # fmt: skip
    client.force_login(member().user)
    text = b"".join(client.get(url("sheet_csv")).streaming_content).decode("utf-8-sig")
    assert "2021,1-1／2-5,③／①,place-001,講座と交流会,,武蔵野プレイス," in text


@pytest.mark.parametrize("name", ["sheet_print", "sheet_xlsx"])
def test_query_count_does_not_grow_with_the_plan(client, name):
    small, large = generate(1), generate(10)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, plan=plan.code, year=2019))  # 公開
            if name == "sheet_xlsx":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(queries))
    # cycle + 14 reads of the table (12, the scale's levels for the legend, and the frozen
    # 事業 of a locked year: 2 for 該当なし, one fewer for 事業 and links) + the request's
    # savepoint pair, at k = 1 and k = 10
    # alike, plus the cache look-ups and the store of the rendered table or workbook (in a
    # savepoint of its own), and the look-up of the year's edition (publication.serving;
    # a year made 公開 by the generator has none, so the view renders it); the printed
    # table and the workbook add the 総評 and the year's 委員名簿.
    expected = {"sheet_print": 29, "sheet_xlsx": 29}[name]
    assert counts == [expected, expected]


def test_the_print_view_is_rendered_once_until_something_is_saved(
    client, cycle, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(member().user)
    client.get(url("sheet_print"))  # renders and stores the table
    # session, user, role, savepoints, cycle, cache generation (the entry is in this
    # worker's memory): no table reads (and no session write: the idle timeout is
    # refreshed at most once a minute), and the year's 委員名簿
    with django_assert_num_queries(8):
        cached = client.get(url("sheet_print"))
    assert "計画目標の達成状況評価表" in cached.content.decode()
    # Earlier saves in this test queued an invalidation that the test's transaction never
    # commits; forget it, so the save below queues (and, captured, runs) its own.
    connection._dashboard_invalidation = None
    with django_capture_on_commit_callbacks(execute=True):
        ProjectFactory(code="late-001", name="あとから登録した事業", body=body("city"))
    assert "あとから登録した事業" in client.get(url("sheet_print")).content.decode()


def render_links(user, cycle) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return render_to_string("evaluation/_sheet_links.html", {"cycle": cycle}, request=request)


def test_the_links_partial_offers_every_output_of_the_cycle(cycle):
    html = render_links(None, cycle)
    assert url("sheet_print") in html
    assert url("sheet_xlsx", query="?previous=1") in html
    assert url("sheet_csv") in html
    assert url("sheet_import") not in html


def test_the_links_partial_offers_the_import_to_staff_but_not_to_members(cycle):
    assert url("sheet_import") in render_links(staff("city").user, cycle)
    assert url("sheet_import") not in render_links(member().user, cycle)


@pytest.mark.parametrize("name", OUTPUTS)
def test_the_outputs_only_read(client, cycle, name):
    client.force_login(member().user)
    assert client.post(url(name)).status_code == 405


def test_the_workbook_is_built_once_until_something_is_saved(
    client, cycle, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(member().user)
    first = b"".join(client.get(url("sheet_xlsx")).streaming_content)
    # session, user, look-up of an edition (a download: publication.serving), role,
    # savepoints, cycle, cache generation (the entry is in this worker's memory): no
    # table reads
    with django_assert_num_queries(8):
        again = b"".join(client.get(url("sheet_xlsx")).streaming_content)
    assert again == first
    connection._dashboard_invalidation = None
    with django_capture_on_commit_callbacks(execute=True):
        ProjectFactory(code="late-001", name="あとから登録した事業", body=body("city"))
    assert b"".join(client.get(url("sheet_xlsx")).streaming_content) != first
