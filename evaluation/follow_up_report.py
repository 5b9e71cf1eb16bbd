"""「委員会意見への対応状況」 of a cycle as rows (one per follow-up item), for the print page,
the Excel file and the CSV. One value per cell, no merged cells, 西暦 in its own column."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from evaluation.models import FollowUp
from policies.spreadsheet import csv_text, xlsx_cell

COLUMNS = [
    "年度",
    "施策番号",
    "施策名",
    "実施主体",
    "委員会意見の年度",
    "委員会による評価",
    "委員会による評価及び意見",
    "対応方針",
    "対応状況",
    "対応困難の理由",
    "前年度からの繰り越し",
]


def row(item: FollowUp) -> list:
    opinion = item.opinion
    return [
        item.cycle.fiscal_year,
        item.measure.number,
        item.measure.title,
        item.body.name,
        opinion.cycle.fiscal_year if opinion else None,
        opinion.rating.code if opinion and opinion.rating else "",
        opinion.opinion if opinion else "",
        item.policy,
        item.get_status_display(),
        item.difficulty_reason,
        "繰り越し" if item.carried_from_id else "",
    ]


def csv_bytes(items: list[FollowUp]) -> bytes:
    return csv_text([COLUMNS, *(row(item) for item in items)]).encode("utf-8")


def xlsx_bytes(items: list[FollowUp], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("委員会意見への対応状況")
    sheet.freeze_panes = "A2"
    widths = [8, 8, 28, 22, 10, 8, 50, 50, 10, 30, 12]
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + n)].width = width
    sheet.append([_bold(c, sheet) for c in COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in items:
        sheet.append([_cell(v, sheet, wrap) for v in row(item)])
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(value, sheet):
    cell = xlsx_cell(sheet, value)
    cell.font = Font(bold=True)
    return cell


def _cell(value, sheet, alignment):
    cell = xlsx_cell(sheet, value)  # text typed as text: shown as written, never a formula
    cell.alignment = alignment
    return cell
