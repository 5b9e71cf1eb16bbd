"""「—」 (no value) and 「－」 (評価不能) are explained once on every page and file that shows
them, in the same words (``sheet.layout.MARKS_NOTE``)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import Phase
from evaluation.sheet.layout import MARKS_NOTE

CYCLE = {"plan": "revised-2017", "year": 2021}
MEASURE = {**CYCLE, "number": "1-1"}


@pytest.mark.parametrize(
    ("name", "kwargs", "role"),
    [
        ("evaluation:sheet_print", CYCLE, "secretariat"),
        ("evaluation:measure_year", MEASURE, "secretariat"),
        ("evaluation:scoring", MEASURE, "member"),
        ("evaluation:dashboard", CYCLE, "secretariat"),
        ("evaluation:dashboard_trends", {"plan": "revised-2017"}, "secretariat"),
    ],
)
def test_the_page_explains_both_marks_once(world, login, name, kwargs, role):
    world.set_phase(Phase.COMMITTEE)
    html = login(world.users[role]).get(reverse(name, kwargs=kwargs)).content.decode()
    assert html.count(MARKS_NOTE) == 1


def test_the_excel_legend_explains_both_marks(world, login):
    response = login(world.users["secretariat"]).get(reverse("evaluation:sheet_xlsx", kwargs=CYCLE))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    legend = next(row for row in ws.iter_rows(values_only=True) if row[3] == "凡例")
    assert legend[5].endswith(MARKS_NOTE)


def test_the_csv_column_guide_says_what_the_unrated_mark_means(world, login):
    response = login(world.users["secretariat"]).get(
        reverse("evaluation:sheet_csv_columns", kwargs=CYCLE)
    )
    guide = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "委員会による評価の記号（例: B。「－」は評価不能）" in guide
