"""The 回答報告書 (「委員会意見への対応状況」) of a cycle as rows, one per item (a point of an
opinion × the 実施主体 answering it), for the print page, the Excel file and the CSV.

The CSV is for machines: one value per cell, years as 西暦 numbers. The xlsx and the PDF are
for people and print as delivered, with the same cells: a title and the year in 和暦, the
heading repeated on every page, A4 landscape one page wide, page n / N."""

import io
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.models import Cycle, FollowUp
from evaluation.sheet.pdf import draw_pdf
from policies.fiscal_years import wareki, wareki_date
from policies.spreadsheet import csv_text, save_xlsx, xlsx_cell

TITLE = "委員会意見への対応状況（回答報告書）"

CSV_COLUMNS = [
    "年度",
    "施策番号",
    "施策名",
    "委員会意見の年度",
    "委員会による評価",
    "委員会による評価及び意見",
    "指摘事項の番号",
    "指摘事項",
    "実施主体",
    "担当課",
    "対応方針",
    "取組内容",
    "時期",
    "対応状況",
    "対応困難の理由",
    "前年度からの繰り越し",
]


def point_text(item: FollowUp) -> str:
    """The point the item answers: the 事務局's wording, else the whole opinion."""
    if item.point:
        return item.point
    return item.opinion.opinion if item.opinion else ""


def csv_row(item: FollowUp) -> list[object]:
    opinion = item.opinion
    return [
        item.cycle.fiscal_year,
        item.measure.number,
        item.measure.title,
        opinion.cycle.fiscal_year if opinion else None,
        opinion.rating.code if opinion and opinion.rating else "",
        opinion.opinion if opinion else "",
        item.point_number,
        point_text(item),
        item.body.name,
        item.department,
        item.policy,
        item.action,
        item.timing,
        item.get_status_display(),
        item.difficulty_reason,
        "繰り越し" if item.carried_from_id else "",
    ]


def csv_bytes(items: list[FollowUp]) -> bytes:
    return csv_text([CSV_COLUMNS, *(csv_row(item) for item in items)]).encode("utf-8")


# The printed columns: (heading, width in characters). A4 landscape holds about 150. The PDF
# gives them the same shares (static/evaluation/follow_up_pdf.css, .col-1 to .col-7).
XLSX_COLUMNS = [
    ("施策", 16),
    ("指摘事項", 32),
    ("実施主体・担当課", 17),
    ("対応方針", 28),
    ("取組内容", 28),
    ("時期", 12),
    ("対応状況", 12),
]
HEADING_ROW = 4


def xlsx_row(item: FollowUp) -> list[str]:
    opinion = item.opinion
    rating = f"（評価 {opinion.rating.code}）" if opinion and opinion.rating else ""
    status = item.get_status_display()
    if item.difficulty_reason:
        status += f"\n理由: {item.difficulty_reason}"
    if item.carried_from_id:
        status += "\n前年度から繰り越し"
    return [
        f"{item.measure.number} {item.measure.title}{rating}",
        f"{item.point_number}. {point_text(item)}",
        f"{item.body.short_name}\n{item.department}".strip(),
        item.policy,
        item.action,
        item.timing,
        status,
    ]


LINE_HEIGHT = 15  # points, for the default 11 pt font


def _height(values: list[str]) -> float:
    """The row's height in points, so every wrapped line shows in any spreadsheet (LibreOffice
    keeps the default height of a row the file does not size). A full-width character is
    about two units of a column's width."""

    def lines(text: str, width: int) -> int:
        return sum(max(1, -(-2 * len(part) // (width - 1))) for part in (text or "").split("\n"))

    return LINE_HEIGHT * max(
        lines(value, width) for value, (_heading, width) in zip(values, XLSX_COLUMNS, strict=True)
    )


def xlsx_bytes(items: list[FollowUp], cycle: Cycle, *, made_on: date | None = None) -> bytes:
    """The report as a workbook that prints as delivered (A4 landscape, one page wide)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook holds one worksheet
    sheet.title = wareki(cycle.fiscal_year)[:31]
    opinions_year = wareki(cycle.fiscal_year - 1)
    sheet.append([xlsx_cell(sheet, f"{TITLE} {cycle.plan.short_name} {wareki(cycle.fiscal_year)}")])
    sheet.append(
        [
            xlsx_cell(
                sheet,
                f"{opinions_year}の委員会による評価及び意見への対応　"
                f"作成日: {wareki_date(made_on or timezone.localdate())}",
            )
        ]
    )
    sheet.append([])
    sheet["A1"].font = Font(bold=True, size=14)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, (heading, width) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = sheet.cell(HEADING_ROW, column, heading)
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for item in items:
        values = xlsx_row(item)
        sheet.append([xlsx_cell(sheet, value) for value in values])
        for written in sheet[sheet.max_row]:
            written.alignment, written.border = wrap, border
        sheet.row_dimensions[sheet.max_row].height = _height(values)
    last = get_column_letter(len(XLSX_COLUMNS))
    sheet.print_area = f"A1:{last}{max(sheet.max_row, HEADING_ROW)}"
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    sheet.freeze_panes = f"A{HEADING_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]  # openpyxl makes it with the sheet
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.center.text = f"{TITLE} {wareki(cycle.fiscal_year)}"  # type: ignore[union-attr]  # as above
    sheet.oddFooter.center.text = "&P / &N"  # type: ignore[union-attr]  # as above
    book.properties.title = f"{TITLE} {cycle}"
    out = io.BytesIO()
    # A locked year's report is the same file at every download (dated its fiscal year's end).
    fixed = datetime(cycle.fiscal_year + 1, 3, 31) if cycle.is_locked else None
    save_xlsx(book, out, fixed=fixed)
    return out.getvalue()


def pdf_bytes(items: list[FollowUp], cycle: Cycle, *, made_on: date | None = None) -> bytes:
    """The report as a PDF (WeasyPrint): the xlsx's columns and cells, A4 landscape, the
    heading on every page, 「n / N」 at the foot, 発行者 and 作成日 under the title."""
    html = render_to_string(
        "evaluation/follow_up_pdf.html",
        {
            "title": TITLE,
            "cycle": cycle,
            "opinions_year": wareki(cycle.fiscal_year - 1),
            "issuer": settings.MAIL_SENDER,
            "made_on": wareki_date(made_on or timezone.localdate()),
            "columns": [heading for heading, _width in XLSX_COLUMNS],
            "rows": [xlsx_row(item) for item in items],
        },
    )
    return draw_pdf(html, stylesheet="evaluation/follow_up_pdf.css")
