"""Export → edit → import → export again: the file says exactly what was saved, and an
edit the import cannot take (a repeated row, a read-only column) is reported by row."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.models import Direction, Phase, ProjectIndicator, ProjectReport
from evaluation.sheet.csv import csv_rows
from evaluation.sheet.importer import (
    ImportRejected,
    import_apply,
    import_preview,
    planned_saves,
)
from evaluation.sheet.layout import CSV_COLUMNS, xlsx_columns
from evaluation.sheet.table import build_table
from policies.models import Initiative
from policies.spreadsheet import protect
from policies.stored_text import stored_text
from tests.evaluation.test_sheet_import import edited_xlsx
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, secretariat

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name: str) -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": PLAN, "year": 2021})


def letter(name: str) -> str:
    columns = xlsx_columns(1)
    return openpyxl.utils.get_column_letter(columns.index(name) + 1)


@pytest.fixture
def cycle():
    """city-001 serves 1-1②, which 2-4④ and 3-1④ re-list: one 事業 on three rows."""
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    project = ProjectFactory(
        code="city-001",
        name="市民活動入門講座",
        initiatives=[Initiative.objects.get_by_natural_key(PLAN, "1-1", 2)],
    )
    report = ProjectReportFactory(
        cycle=cycle, project=project, activities="入門講座を年3回開催した。", times=3
    )
    ProjectIndicator.objects.create(
        report=report, name="講座の参加者数", unit="人", target=60, actual=45
    )
    return cycle


@pytest.fixture
def jimukyoku(client):
    client.force_login(secretariat().user)
    return client


def export(client) -> bytes:
    return b"".join(client.get(url("sheet_xlsx")).streaming_content)


def upload(client, data: bytes):
    return client.post(
        url("sheet_import"), {"file": SimpleUploadedFile("edited.xlsx", data, XLSX_MIME)}
    )


def values(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_one_edit_per_column_kind_comes_back_exactly_in_the_next_export(
    jimukyoku, cycle, django_capture_on_commit_callbacks
):
    # Row 8: city-001's own row under 1-1② (row 4: 凡例, row 5: 基本施策1, row 6: 施策の目標,
    # row 7: 1-1①).
    changes = {
        f"{letter('事業概要')}8": "市民向けの入門講座。",  # text, on the 事業
        f"{letter('事業の目標')}8": "入門講座を年4回開く。",  # text, on the 実施状況
        f"{letter('回数')}8": 5,  # number
        f"{letter('実施状況')}8": "一部実施",  # dropdown
        f"{letter('今後の方向性')}8": "拡充",  # dropdown
        # indicator: the 実績値 (and the 達成率 the next export will compute from it)
        f"{letter('指標')}8": "活動指標 講座の参加者数：目標 60人／実績 54人（90.0%）",
    }
    data = edited_xlsx(export(jimukyoku), changes)
    response = upload(jimukyoku, data)
    preview = response.context["preview"]
    assert [(c.kind, c.code, c.fields) for c in preview.changed] == [
        ("project", "city-001", [("事業概要", "", "市民向けの入門講座。")]),
        (
            "report",
            "city-001",
            [
                ("事業の目標", "", "入門講座を年4回開く。"),
                ("実施状況", "実施", "一部実施"),
                ("回数", "3", "5"),
                ("今後の方向性", "", "拡充"),
            ],
        ),
        ("indicator", "city-001", [("指標「講座の参加者数」の実績値", "45", "54")]),
    ]
    token = preview.token
    # The fixture's saves queued an invalidation the test's transaction never commits;
    # forget it, so the import queues (and, captured, runs) its own: the export is new.
    connection._dashboard_invalidation = None
    with django_capture_on_commit_callbacks(execute=True):
        assert jimukyoku.post(url("sheet_import_confirm"), {"token": token}).status_code == 302
    again, before = values(export(jimukyoku)), values(data)
    first = xlsx_columns(1).index("事業名")
    repeated = [n for n, row in enumerate(before) if row[2] == "city-001" and n != 7]
    assert len(repeated) == 2
    # Every edited cell is in the new export, and nothing else moved ...
    assert [r for n, r in enumerate(again) if n not in repeated] == [
        r for n, r in enumerate(before) if n not in repeated
    ]
    # ... and the rows repeating the 事業 under 2-4④ and 3-1④ now show the edit too.
    assert [again[n][first:] for n in repeated] == [before[7][first:]] * 2


def test_an_edit_on_a_relisted_row_is_reported_with_the_row_to_use(jimukyoku, cycle):
    data = export(jimukyoku)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    repeated = [r[0].row for r in sheet.iter_rows(min_row=9) if r[2].value == "city-001"]
    assert len(repeated) == 2  # under 2-4④ and 3-1④
    response = upload(
        jimukyoku, edited_xlsx(data, {f"{letter('実施内容')}{repeated[0]}": "別の内容"})
    )
    assert response.context["errors"] == [
        f"{repeated[0]}行目: この行は再掲です。8行目で入力してください。"
    ]
    assert ProjectReport.objects.get().activities == "入門講座を年3回開催した。"


def test_the_same_edit_typed_on_every_row_of_a_project_is_accepted(jimukyoku, cycle):
    data = export(jimukyoku)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [r[0].row for r in sheet.iter_rows(min_row=4) if r[2].value == "city-001"]
    response = upload(
        jimukyoku, edited_xlsx(data, {f"{letter('実施内容')}{row}": "同じ内容" for row in rows})
    )
    assert [c.fields for c in response.context["preview"].changed] == [
        [("実施内容", "入門講座を年3回開催した。", "同じ内容")]
    ]


def indicator_cell(client) -> tuple[bytes, str]:
    data = export(client)
    cell = f"{letter('指標')}8"
    assert openpyxl.load_workbook(io.BytesIO(data)).active[cell].value == (
        "活動指標 講座の参加者数：目標 60人／実績 45人（75.0%）"
    )
    return data, cell


def test_an_indicators_name_unit_kind_and_figures_are_imported(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    typed = "成果指標 入門講座の参加者数：目標 70名／実績 －（75.0%）"  # a stale 達成率 is ignored
    preview = upload(jimukyoku, edited_xlsx(data, {cell: typed})).context["preview"]
    assert [(c.kind_label, c.fields) for c in preview.changed] == [
        (
            "指標",
            [
                ("指標「講座の参加者数」の種類", "活動指標", "成果指標"),
                ("指標「講座の参加者数」の指標名", "講座の参加者数", "入門講座の参加者数"),
                ("指標「講座の参加者数」の単位", "人", "名"),
                ("指標「講座の参加者数」の目標値", "60", "70"),
                ("指標「講座の参加者数」の実績値", "45", ""),
            ],
        )
    ]
    assert jimukyoku.post(url("sheet_import_confirm"), {"token": preview.token}).status_code == 302
    saved = ProjectIndicator.objects.get()
    assert (saved.kind, saved.name, saved.unit, saved.target, saved.actual, saved.version) == (
        "outcome",
        "入門講座の参加者数",
        "名",
        70,
        None,
        2,
    )
    assert saved.history.first().history_user.participant.role == "secretariat"


def test_an_indicator_alone_edited_in_the_file_resubmits_its_sent_back_report(jimukyoku, cycle):
    from evaluation.models import ReviewState
    from evaluation.send_back import entry_send_back

    report = ProjectReport.objects.get()
    entry_send_back(
        entry=report, user=secretariat().user, expected_version=report.version, comment="実績は？"
    )
    sent_back = ProjectReport.objects.get()
    data, cell = indicator_cell(jimukyoku)
    typed = "活動指標 講座の参加者数：目標 60人／実績 50人"
    preview = upload(jimukyoku, edited_xlsx(data, {cell: typed})).context["preview"]
    assert [c.kind for c in preview.changed] == ["indicator"]  # the 実施状況's own cells unchanged
    assert jimukyoku.post(url("sheet_import_confirm"), {"token": preview.token}).status_code == 302

    saved = ProjectReport.objects.get()
    assert saved.review_state == ReviewState.RESUBMITTED
    assert saved.version == sent_back.version + 1  # a form opened before sees the change
    assert saved.history.first().history_user.participant.role == "secretariat"
    assert ProjectIndicator.objects.get().actual == 50


def test_a_report_sent_back_again_after_the_preview_is_resubmitted_from_its_new_version(
    jimukyoku, cycle
):
    from evaluation.models import ReviewState
    from evaluation.send_back import entry_send_back

    def send_back(comment: str) -> None:
        report = ProjectReport.objects.get()
        entry_send_back(
            entry=report, user=secretariat().user, expected_version=report.version, comment=comment
        )

    send_back("実績は？")
    data, cell = indicator_cell(jimukyoku)
    typed = "活動指標 講座の参加者数：目標 60人／実績 50人"
    preview = upload(jimukyoku, edited_xlsx(data, {cell: typed})).context["preview"]
    send_back("単位も確認してください。")  # meanwhile: a new version, still 差し戻し
    sent_back_again = ProjectReport.objects.get()
    assert jimukyoku.post(url("sheet_import_confirm"), {"token": preview.token}).status_code == 302

    saved = ProjectReport.objects.get()
    assert saved.review_state == ReviewState.RESUBMITTED
    assert saved.version == sent_back_again.version + 1  # not the version the preview saw + 1


def test_an_implausible_indicator_value_is_pointed_out_before_it_is_saved(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    typed = "活動指標 講座の参加者数：目標 20人／実績 45人"  # 225 %: a typo, or a great year
    response = upload(jimukyoku, edited_xlsx(data, {cell: typed}))
    preview = response.context["preview"]
    assert preview.warnings == [
        "8行目 指標「講座の参加者数」: 達成率が 225.0% で、200% を超えています。"
    ]
    html = response.content.decode()
    assert 'id="import-warnings"' in html and "225.0%" in html
    assert ProjectIndicator.objects.get().target == 60  # nothing saved before the confirm

    assert jimukyoku.post(url("sheet_import_confirm"), {"token": preview.token}).status_code == 302
    assert ProjectIndicator.objects.get().target == 20  # not refused: the person saw it


def test_a_plausible_edit_has_no_warning(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    typed = "活動指標 講座の参加者数：目標 60人／実績 54人"
    response = upload(jimukyoku, edited_xlsx(data, {cell: typed}))
    assert response.context["preview"].warnings == []
    assert 'id="import-warnings"' not in response.content.decode()


def test_an_indicator_value_that_is_not_a_number_is_reported_by_row_and_column(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    response = upload(
        jimukyoku, edited_xlsx(data, {cell: "活動指標 講座の参加者数：目標 60人／実績 たくさん"})
    )
    assert response.context["errors"] == [
        "8行目「実績値」: 数値で入力してください（「たくさん」）。"
    ]
    assert ProjectIndicator.objects.get().actual == 45


def test_adding_an_indicator_line_is_reported_not_dropped(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    two = "活動指標 講座の参加者数：目標 60人／実績 45人\n活動指標 講座の回数：目標 4回／実績 3回"
    response = upload(jimukyoku, edited_xlsx(data, {cell: two}))
    assert response.context["errors"] == [
        "8行目「指標」: 1件の指標が2行になっています。指標の追加と削除は、事業の実施状況の画面で行ってください。"
    ]


def test_an_indicator_saved_since_the_preview_is_a_conflict(jimukyoku, cycle):
    data, cell = indicator_cell(jimukyoku)
    typed = "活動指標 講座の参加者数：目標 60人／実績 50人"
    preview = upload(jimukyoku, edited_xlsx(data, {cell: typed})).context["preview"]
    other = ProjectIndicator.objects.get()
    other.actual = 48
    other.save()
    response = jimukyoku.post(url("sheet_import_confirm"), {"token": preview.token}, follow=True)
    assert ProjectIndicator.objects.get().actual == 48  # the other's save stands
    assert "ほかの人が" in response.content.decode()


# ------------------------------------------------------------ hypothesis, new columns

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Text a person may type; a leading apostrophe is Excel's own "keep as text" mark, which
# the import takes off before =, +, - and @ (see policies.spreadsheet.protect).
typed = st.text(max_size=30).filter(lambda t: not t.startswith("'"))
labels = [str(label) for _value, label in Direction.choices]


@FUZZ
@given(
    goal=typed,
    summary=typed,
    direction=st.one_of(st.sampled_from(["", *labels]), st.text(max_size=4)),
)
def test_the_new_columns_are_saved_exactly_or_refused_by_row(cycle, goal, summary, direction):
    user = secretariat().user
    rows = list(csv_rows(build_table(cycle)))
    row = rows[1]
    row[CSV_COLUMNS.index("事業の目標")] = goal
    row[CSV_COLUMNS.index("事業概要")] = summary
    row[CSV_COLUMNS.index("今後の方向性")] = direction
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [rows[0], *[["" if v is None else protect(v) for v in r] for r in rows[1:]]]
    )
    upload = SimpleUploadedFile("a.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    with transaction.atomic():
        try:
            preview = import_preview(user=user, cycle=cycle, upload=upload)
        except ImportRejected as rejected:
            if "\x00" in goal + summary + direction:  # binary, not a CSV at all
                assert rejected.errors == [
                    "Excel（.xlsx）または CSV（.csv）のファイルではありません。評価表の出力ファイルを選んでください。"
                ]
                return
            assert stored_text(direction).strip() not in ["", *labels]
            assert rejected.errors == [
                f"2行目「今後の方向性」: 「{stored_text(direction).strip()}」は選べません。"
                "拡充／継続／改善して継続／縮小／終了／完了から選んでください。"
            ]
            return
        pending = planned_saves(preview)
        import_apply(user=user, cycle=cycle, pending=pending)
        report = ProjectReport.objects.select_related("project").get()
        # Stored as every writer stores text: no control character, ｶﾅ as カナ.
        assert report.goal == stored_text(goal)
        assert report.project.summary == stored_text(summary).strip()
        assert report.get_direction_display() == stored_text(direction).strip()
        transaction.set_rollback(True)  # every example starts from the same records
