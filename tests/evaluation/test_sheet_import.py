"""評価表 import: preview, confirm, round trips, and every kind of bad file."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Phase, Project, ProjectReport
from evaluation.services import record_save
from evaluation.sheet.layout import CSV_COLUMNS, xlsx_columns
from policies.models import Initiative
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    UserFactory,
    body,
    member,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name: str, year: int = 2021) -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": PLAN, "year": year})


def item(number: str, position: int) -> Initiative:
    return Initiative.objects.get_by_natural_key(PLAN, number, position)


@pytest.fixture
def cycle():
    """令和3年度 in 実施状況入力: a 事業 of the city with a 実施状況, one of the Place without."""
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    city = ProjectFactory(code="city-001", name="市民活動入門講座", initiatives=[item("1-1", 2)])
    ProjectReportFactory(
        cycle=cycle, project=city, activities="入門講座を年3回開催した。", times=3, participants=45
    )
    ProjectFactory(
        code="place-001", name="ボランティア相談", body=body("place"), initiatives=[item("2-2", 1)]
    )
    return cycle


def snapshot() -> list:
    """Everything an import may touch, with versions, to show nothing changed."""
    projects = list(
        Project.objects.order_by("code").values_list("code", "name", "body_id", "version")
    )
    reports = list(
        ProjectReport.objects.order_by("project__code").values_list(
            "project__code", "status", "activities", "times", "participants", "issues", "version"
        )
    )
    history = (Project.history.count(), ProjectReport.history.count())
    return [projects, reports, history]


def export(client, fmt: str) -> bytes:
    response = client.get(url(f"sheet_{fmt}"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def upload(client, data: bytes, name: str):
    mime = XLSX_MIME if name.endswith(".xlsx") else "text/csv"
    return client.post(url("sheet_import"), {"file": SimpleUploadedFile(name, data, mime)})


def confirm(client, preview_response):
    token = preview_response.context["preview"].token
    return client.post(url("sheet_import_confirm"), {"token": token})


def col(name: str) -> int:
    """Index of a CSV column."""
    return CSV_COLUMNS.index(name)


def xlsx_col(name: str, years: int = 1) -> str:
    """Letter of an Excel column (the cycle's year: the last group of 実施状況 columns)."""
    columns = xlsx_columns(years)
    index = len(columns) - 1 - columns[::-1].index(name)
    return openpyxl.utils.get_column_letter(index + 1)


def new_row(**cells) -> list[str]:
    """A CSV row with the named cells filled in."""
    row = [""] * len(CSV_COLUMNS)
    for name, value in cells.items():
        row[col(name)] = value
    return row


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def edited_xlsx(data: bytes, edits: dict[str, object]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in edits.items():
        workbook.active[ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors_of(response) -> list[str]:
    assert response.status_code == 200
    return response.context["errors"]


@pytest.fixture
def jimukyoku(client):
    client.force_login(secretariat().user)
    return client


# --------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exporting_and_importing_again_changes_nothing(jimukyoku, cycle, fmt):
    before = snapshot()
    response = upload(jimukyoku, export(jimukyoku, fmt), f"hyokahyo.{fmt}")
    preview = response.context["preview"]
    assert (len(preview.created), len(preview.changed)) == (0, 0)
    assert [(c.kind, c.code) for c in preview.unchanged] == [
        ("project", "city-001"),
        ("report", "city-001"),
        ("project", "place-001"),
    ]
    assert "ファイルの内容は現在の記録と同じです。" in response.content.decode()
    assert snapshot() == before


def test_the_side_by_side_export_imports_as_well(jimukyoku, cycle):
    data = b"".join(jimukyoku.get(url("sheet_xlsx") + "?previous=1").streaming_content)
    preview = upload(jimukyoku, data, "two-years.xlsx").context["preview"]
    assert (len(preview.created), len(preview.changed), len(preview.unchanged)) == (0, 0, 3)


def test_an_edited_excel_changes_exactly_the_edited_rows(jimukyoku, cycle):
    # Row 8 is city-001 under 1-1② (row 4: 凡例, row 5: 基本施策1, row 6: 施策の目標); its 再掲 rows under 2-4④ and 3-1④
    # are for reading.
    data = edited_xlsx(
        export(jimukyoku, "xlsx"),
        {f"{xlsx_col('実施内容')}8": "入門講座を年4回開催した。", f"{xlsx_col('回数')}8": 4},
    )
    before_place = Project.objects.get(code="place-001").version
    response = upload(jimukyoku, data, "edited.xlsx")
    preview = response.context["preview"]
    assert [(c.kind, c.code, c.fields) for c in preview.changed] == [
        (
            "report",
            "city-001",
            [
                ("実施内容", "入門講座を年3回開催した。", "入門講座を年4回開催した。"),
                ("回数", "3", "4"),
            ],
        )
    ]
    assert ProjectReport.objects.get().times == 3  # the preview saves nothing

    done = confirm(jimukyoku, response)
    assert done.status_code == 302
    report = ProjectReport.objects.get()
    assert (report.activities, report.times, report.version) == ("入門講座を年4回開催した。", 4, 2)
    assert report.history.first().history_user.participant.is_secretariat
    assert Project.objects.get(code="place-001").version == before_place


def test_a_csv_can_add_a_new_project_with_its_report(client, cycle):
    importer = staff("place").user
    client.force_login(importer)
    rows = csv_rows(export(client, "csv"))
    rows.append(
        new_row(年度="2021", 施策番号="2-4", 展開番号="①", 事業コード="place-002",
                事業名="学びの講座", 実施主体="武蔵野プレイス", 担当課="市民活動推進課",
                実施状況="一部実施", 実施内容="講座を2回開いた。", 回数="2", 参加者数="30",
                課題="周知が足りない。")
    )  # fmt: skip
    response = upload(client, csv_bytes(rows), "new.csv")
    preview = response.context["preview"]
    assert [(c.kind, c.code, c.fields) for c in preview.created] == [
        (
            "project",
            "place-002",
            [
                ("事業名", "", "学びの講座"),
                ("実施主体", "", "武蔵野プレイス"),
                ("担当課", "", "市民活動推進課"),
                ("展開", "", "2-4①"),
            ],
        ),
        (
            "report",
            "place-002",
            [
                ("実施状況", "", "一部実施"),
                ("実施内容", "", "講座を2回開いた。"),
                ("回数", "", "2"),
                ("参加者数", "", "30"),
                ("課題", "", "周知が足りない。"),
            ],
        ),
    ]
    confirm(client, response)
    project = Project.objects.get(code="place-002")
    assert (project.name, project.body.code, project.first_year) == ("学びの講座", "place", 2021)
    assert list(project.initiatives.all()) == [item("2-4", 1)]
    report = project.reports.get()
    assert (report.status, report.times, report.participants) == ("partial", 2, 30)
    assert project.history.first().history_user == importer
    assert report.history.first().history_user == importer


def test_a_change_saved_by_someone_else_after_the_preview_is_a_conflict(jimukyoku, cycle):
    rows = csv_rows(export(jimukyoku, "csv"))
    rows[1][col("実施内容")] = "入門講座を年5回開催した。"  # city-001
    rows[2][col("実施内容")] = "相談会を開いた。"  # place-001: a new 実施状況...
    rows[2][col("実施状況")] = "実施"
    response = upload(jimukyoku, csv_bytes(rows), "edited.csv")
    assert len(response.context["preview"].changed) == 1
    assert len(response.context["preview"].created) == 1

    other = ProjectReport.objects.get()
    other.issues = "会場が狭い。"
    record_save(instance=other, expected_version=other.version, user=UserFactory())
    before = snapshot()

    done = confirm(jimukyoku, response)
    assert done.status_code == 302
    messages = [str(m) for m in done.wsgi_request._messages]
    assert (
        "ほかの人がこのファイルの事業・実施状況または指標を保存しました。何も保存していません。"
        in messages[0]
    )
    assert snapshot() == before  # place-001's new 実施状況 was not saved either


def test_confirming_twice_or_with_a_stale_token_saves_nothing_more(jimukyoku, cycle):
    response = jimukyoku.post(url("sheet_import_confirm"), {"token": "nope"})
    assert response.status_code == 302
    assert response["Location"] == url("sheet_import")


# -------------------------------------------------------------------------- bad files


@pytest.fixture
def rows(jimukyoku, cycle):
    return csv_rows(export(jimukyoku, "csv"))


def rejected(client, data: bytes, name: str) -> list[str]:
    before = snapshot()
    errors = errors_of(upload(client, data, name))
    assert snapshot() == before
    return errors


def test_wrong_columns_are_rejected(jimukyoku, rows):
    rows[0][col("回数")] = "回数（回）"
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "1行目: 列見出しが評価表の CSV 出力と違います。「年度、施策番号、展開番号、事業コード、"
        "事業名、事業概要、実施主体、担当課、事業の目標、実施状況、実施内容、回数、参加者数、指標、"
        "課題、今後の方向性、自己評価、委員会による評価及び意見」の順に並べてください"
        "（列を足したり消したりしないでください）。"
    ]


def test_an_excel_with_a_column_removed_is_rejected(jimukyoku, cycle):
    workbook = openpyxl.load_workbook(io.BytesIO(export(jimukyoku, "xlsx")))
    workbook.active.delete_cols(13)
    out = io.BytesIO()
    workbook.save(out)
    errors = rejected(jimukyoku, out.getvalue(), "x.xlsx")
    assert errors[0].startswith("3行目: 列見出しが評価表の出力と違います。")


def name_initiatives(cycle, label: str) -> None:
    cycle.plan.initiative_label = label
    cycle.plan.save()


def test_the_excel_heads_its_columns_with_the_plans_words_and_imports_back(jimukyoku, cycle):
    name_initiatives(cycle, "主な取組")
    data = export(jimukyoku, "xlsx")
    assert openpyxl.load_workbook(io.BytesIO(data)).active["E3"].value == "主な取組"
    preview = upload(jimukyoku, data, "hyokahyo.xlsx").context["preview"]
    assert (len(preview.created), len(preview.changed), len(preview.unchanged)) == (0, 0, 3)


def test_an_excel_exported_before_the_plan_renamed_its_levels_still_imports(jimukyoku, cycle):
    data = export(jimukyoku, "xlsx")  # headed 「計画後期の展開」, the 改定計画's word
    name_initiatives(cycle, "主な取組")
    preview = upload(jimukyoku, data, "hyokahyo.xlsx").context["preview"]
    assert (len(preview.created), len(preview.changed), len(preview.unchanged)) == (0, 0, 3)


def test_a_wrong_header_is_explained_in_the_plans_words(jimukyoku, cycle):
    name_initiatives(cycle, "主な取組")
    data = edited_xlsx(export(jimukyoku, "xlsx"), {"E3": "展開項目"})
    assert rejected(jimukyoku, data, "x.xlsx")[0] == (
        "3行目: 列見出しが評価表の出力と違います。「施策番号、展開番号、事業コード、施策、"
        "主な取組、事業名、事業概要、実施主体、担当課、事業の目標、実施状況、実施内容、回数、"
        "参加者数、指標、課題、今後の方向性」の順に並べてください（列を足したり消したりしないでください）。"
    )


def test_another_years_excel_is_rejected(jimukyoku, cycle):
    data = edited_xlsx(
        export(jimukyoku, "xlsx"), {f"{xlsx_col('事業の目標')}2": "令和2（2020）年度の実施状況"}
    )
    assert rejected(jimukyoku, data, "x.xlsx") == [
        "2行目: このファイルは「令和2（2020）年度の実施状況」のものです。"
        "「令和3（2021）年度の実施状況」の評価表を取り込んでください。"
    ]


def test_an_unknown_measure_number_is_rejected(jimukyoku, rows):
    rows[1][1] = "9-9"
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "2行目「施策番号」: 「9-9」はこの計画にありません。"
    ]


def test_an_unknown_initiative_number_is_rejected(jimukyoku, rows):
    rows[1][2] = "⑨"
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "2行目「展開番号」: 「⑨」は施策 1-1 にありません。"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("三回", "2行目「回数」: 0以上の整数で入力してください（「三回」）。"),
        ("-1", "2行目「回数」: 0以上の整数で入力してください（「-1」）。"),
        ("2.5", "2行目「回数」: 0以上の整数で入力してください（「2.5」）。"),
    ],
)
def test_counts_must_be_whole_numbers_of_zero_or_more(jimukyoku, rows, value, message):
    rows[1][col("回数")] = value
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [message]


def test_full_width_digits_are_accepted_as_counts(jimukyoku, rows):
    rows[1][col("回数")] = "１２"
    preview = upload(jimukyoku, csv_bytes(rows), "x.csv").context["preview"]
    assert preview.changed[0].fields == [("回数", "3", "12")]


def test_an_unknown_status_is_rejected(jimukyoku, rows):
    rows[1][col("実施状況")] = "済"
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "2行目「実施状況」: 「済」は選べません。実施／一部実施／未実施／終了から選んでください。"
    ]


def test_a_report_without_activities_is_rejected(jimukyoku, rows):
    rows[2][col("実施状況")] = "実施"  # place-001 gets a status but no 実施内容
    errors = rejected(jimukyoku, csv_bytes(rows), "x.csv")
    assert errors == ["3行目「実施内容」: このフィールドは空ではいけません。"]


def test_several_problems_are_listed_together_by_row(jimukyoku, rows):
    rows[1][col("実施状況")] = "済"
    rows[1][col("参加者数")] = "多数"
    rows[2][1] = "0-0"
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "2行目「実施状況」: 「済」は選べません。実施／一部実施／未実施／終了から選んでください。",
        "2行目「参加者数」: 0以上の整数で入力してください（「多数」）。",
        "3行目「施策番号」: 「0-0」はこの計画にありません。",
    ]


def test_staff_cannot_import_another_bodys_project(client, cycle):
    client.force_login(staff("place").user)
    rows = csv_rows(export(client, "csv"))
    rows[1][col("実施内容")] = "市の事業を書き換える。"  # city-001
    errors = rejected(client, csv_bytes(rows), "x.csv")
    assert errors == [
        "2行目: 事業「city-001」: この実施状況を入力できるのは、担当の実施主体と事務局です。"
    ]


def test_staff_cannot_create_a_project_for_another_body(client, cycle):
    client.force_login(staff("place").user)
    rows = csv_rows(export(client, "csv"))
    rows.append(
        new_row(年度="2021", 施策番号="1-1", 展開番号="①", 事業コード="city-099",
                事業名="市の新事業", 実施主体="武蔵野市", 担当課="市民活動推進課")
    )  # fmt: skip
    assert rejected(client, csv_bytes(rows), "x.csv") == [
        "4行目: 事業「city-099」: この実施状況を入力できるのは、担当の実施主体と事務局です。"
    ]


def test_staff_can_import_a_file_with_other_bodies_rows_left_as_they_were(client, cycle):
    client.force_login(staff("place").user)
    rows = csv_rows(export(client, "csv"))
    rows[2][col("実施状況") : col("回数") + 1] = ["実施", "相談会を開いた。", "6"]
    response = upload(client, csv_bytes(rows), "x.csv")
    assert [(c.kind, c.code) for c in response.context["preview"].created] == [
        ("report", "place-001")
    ]


def test_a_cycle_past_entry_is_rejected(jimukyoku, cycle, rows):
    cycle.phase = Phase.COMMITTEE
    cycle.save()
    assert rejected(jimukyoku, csv_bytes(rows), "x.csv") == [
        "いまは「委員会評価」の段階なので、「実施状況入力」の記録は編集できません。"
    ]


def test_the_import_page_explains_why_a_locked_cycle_takes_no_file(jimukyoku, cycle):
    cycle.phase = Phase.CONFIRMED
    cycle.save()
    html = jimukyoku.get(url("sheet_import")).content.decode()
    assert "この年度の評価は確定しているため編集できません。" in html
    assert 'type="file"' not in html


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not a spreadsheet", "report.pdf"),
        (b"PK\x03\x04 broken zip", "broken.xlsx"),
        (b"\x00\x01\x02\x03", "binary.csv"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_rejected(jimukyoku, cycle, data, name):
    assert rejected(jimukyoku, data, name) == [
        "Excel（.xlsx）または CSV（.csv）のファイルではありません。評価表の出力ファイルを選んでください。"
    ]


def test_an_oversized_file_is_rejected(jimukyoku, cycle, settings):
    settings.SHEET_IMPORT_MAX_BYTES = 1024 * 1024
    assert rejected(jimukyoku, b"x" * (1024 * 1024 + 1), "big.csv") == [
        "ファイルが大きすぎます（1,048,577 バイト）。上限は 1,048,576 バイトです。"
    ]


def test_a_shift_jis_csv_saved_by_japanese_excel_is_read(jimukyoku, rows):
    data = csv_bytes(rows).decode("utf-8-sig").encode("cp932")
    preview = upload(jimukyoku, data, "sjis.csv").context["preview"]
    assert len(preview.unchanged) == 3


# ----------------------------------------------------------------------------- access


def test_anonymous_visitors_are_sent_to_login(client, cycle):
    response = client.get(url("sheet_import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_committee_members_cannot_import(client, cycle):
    client.force_login(member().user)
    assert client.get(url("sheet_import")).status_code == 403
    assert client.post(url("sheet_import_confirm"), {"token": "x"}).status_code == 403


def test_body_staff_see_the_upload_form(client, cycle):
    client.force_login(staff("shakyo").user)
    html = client.get(url("sheet_import")).content.decode()
    assert 'type="file"' in html
    assert "確認する（まだ保存しません）" in html


def test_confirm_only_accepts_post(jimukyoku, cycle):
    assert jimukyoku.get(url("sheet_import_confirm")).status_code == 405


def test_posting_without_a_file_shows_the_form_again(jimukyoku, cycle):
    before = snapshot()
    response = jimukyoku.post(url("sheet_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "「評価表のファイル（.xlsx または .csv）」を選んでください。"
    ]
    assert snapshot() == before


def test_half_width_katakana_in_a_file_is_stored_full_width(client, cycle):
    client.force_login(staff("place").user)
    rows = csv_rows(export(client, "csv"))
    rows.append(
        new_row(年度="2021", 施策番号="2-4", 展開番号="①", 事業コード="place-003",
                事業名="ﾊﾟｿｺﾝ講座①（入門）", 実施主体="武蔵野プレイス", 担当課="ｼﾐﾝ活動推進課",
                実施状況="実施", 実施内容="ｶﾞｲﾀﾞﾝｽを2回開いた。", 回数="2", 参加者数="30")
    )  # fmt: skip
    response = upload(client, csv_bytes(rows), "kana.csv")
    confirm(client, response)
    project = Project.objects.get(code="place-003")
    assert (project.name, project.department) == ("パソコン講座①（入門）", "シミン活動推進課")
    assert project.reports.get().activities == "ガイダンスを2回開いた。"
    again = upload(client, export(client, "csv"), "again.csv").context["preview"]
    assert again.created == [] and again.changed == []


def test_an_import_that_changes_a_sent_back_report_resubmits_it(jimukyoku, cycle):
    from evaluation.models import ReviewState
    from evaluation.send_back import entry_send_back

    report = ProjectReport.objects.get()
    entry_send_back(
        entry=report,
        user=secretariat().user,
        expected_version=report.version,
        comment="回数を確認してください。",
    )
    rows = csv_rows(export(jimukyoku, "csv"))
    rows[1][col("回数")] = "4"
    confirm(jimukyoku, upload(jimukyoku, csv_bytes(rows), "edited.csv"))
    saved = ProjectReport.objects.get()
    assert (saved.times, saved.review_state) == (4, ReviewState.RESUBMITTED)
