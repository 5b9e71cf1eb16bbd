"""Typed text as the app stores it: control characters other than tab and newline never get
in, whoever writes, and a soft line break pasted from Word becomes a newline."""

import io

import openpyxl
import pytest

from evaluation.models import Project
from policies.models import Measure
from policies.spreadsheet import text_of, xlsx_cell
from policies.stored_text import stored_text, without_control_characters


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("入門講座\x0b全3回", "入門講座\n全3回"),  # Word's and PowerPoint's soft line break
        ("一行目\r\n二行目\r三行目", "一行目\n二行目\n三行目"),
        ("改ページ\x0c後", "改ページ\n後"),
        ("段落\u2029区切り\u2028行", "段落\n区切り\n行"),
        ("ベル\x07と\x00ヌルと\x1bエスケープと\x7f削除", "ベルとヌルとエスケープと削除"),
        ("タブ\tと改行\nはそのまま", "タブ\tと改行\nはそのまま"),
    ],
)
def test_control_characters_are_removed_and_line_breaks_become_newlines(typed, stored):
    assert without_control_characters(typed) == stored


def test_stored_text_also_converts_half_width_katakana():
    assert stored_text("ｼﾆｱ向け\x0bｽﾏﾎ講座") == "シニア向け\nスマホ講座"


@pytest.mark.django_db
def test_a_project_saved_by_any_writer_stores_no_control_character():
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="市民活動\x0b入門講座", summary="概要\x07です")
    project.refresh_from_db()
    assert (project.name, project.summary) == ("市民活動\n入門講座", "概要です")
    assert Project.objects.get(pk=project.pk).name == "市民活動\n入門講座"


@pytest.mark.django_db
def test_the_plans_own_records_are_stored_the_same_way():
    measure = Measure.objects.get(basic_policy__plan__code="revised-2017", number="1-1")
    measure.description = "説明\x0bの続き"
    measure.save()
    measure.refresh_from_db()
    assert measure.description == "説明\nの続き"


def test_a_cell_read_from_a_plan_file_is_read_as_it_would_be_stored():
    assert text_of("施策名\x0b続き") == "施策名\n続き"


def test_an_xlsx_cell_carries_legacy_text_with_a_control_character():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("表")
    sheet.append(
        [xlsx_cell(sheet, "古い\x0b記録\x01"), xlsx_cell(sheet, "=1+1"), xlsx_cell(sheet, 3)]
    )
    out = io.BytesIO()
    book.save(out)
    row = next(
        openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True)
    )
    assert row == ("古い\n記録", "=1+1", 3)
