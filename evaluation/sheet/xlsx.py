"""The 評価表 as an Excel workbook, in the layout of the paper table.

Written with openpyxl's write-only mode: each row is streamed to a temporary file as it is
appended, so the workbook never holds the whole sheet. Merged ranges are the exception:
Excel wants them after the rows, so they wait in memory until the sheet is closed. They
are kept as a plain list of "A1:B2" strings (about 60 bytes per merged block: per 施策,
展開 and evaluation row, not per cell) instead of openpyxl's ``MultiCellRange``, whose
``add`` checks every earlier range for overlap and made the export quadratic (333 s at
k = 100). Our ranges never overlap by construction. At close, openpyxl would also build
the whole <mergeCells> element as one object tree (about 0.4 kB per range, 6 MB at
k = 100); ``_stream_merges`` writes the elements one by one instead.
"""

import datetime
import math
import tempfile
import unicodedata
from collections.abc import Collection
from copy import copy
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import Element

from evaluation.models import CommitteeSummary, Cycle, Direction, ReportStatus
from evaluation.sheet.layout import (
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    XLSX_FIRST_DATA_ROW,
    XLSX_HEADER_ROW,
    committee_text,
    evaluation_year_label,
    legend_text,
    reference_text,
    report_values,
    self_evaluation_text,
    tree_columns,
    xlsx_columns,
    year_label,
)
from evaluation.sheet.table import EvaluationTable
from people.models import display_name
from policies.fiscal_years import wareki, wareki_date
from policies.spreadsheet import save_xlsx, xlsx_cell

# Widths in Excel's character units; Japanese characters are about two units wide. The
# key columns (codes the import reads) are narrow and left out of the printed area. The
# printed columns add up to what A4 landscape shows at 86 % (10 pt text prints at 8.6 pt);
# a narrower column wraps its text onto more lines instead.
WIDTHS = {
    "施策番号": 5,
    "展開番号": 4,
    "事業コード": 9,
    "施策": 11,
    "展開": 15,
    "事業名": 13,
    "事業概要": 17,
    "実施主体": 7,
    "担当課": 9,
    "事業の目標": 15,
    "実施状況": 6,
    "実施内容": 21,
    "回数": 5,
    "参加者数": 5,
    "指標": 17,
    "課題": 15,
    "今後の方向性": 6,
}
FIRST_PRINTED_COLUMN = "D"
MEASURE_COLUMN = 4  # the 施策's title, repeated at the top of every page the 施策 continues on

# The font every city PC's Excel has; LibreOffice and others substitute their Japanese
# Gothic (IPA, Noto CJK) for it.
FONT_NAME = "ＭＳ Ｐゴシック"
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line of FONT_SIZE text
ROW_PADDING = 3
SMALLEST_PRINTED_SIZE = 8  # points: nothing of the printed sheet is smaller

# Paper (width × height in points, landscape) and margins (inches). The sheet is printed at a
# fixed scale and broken into pages here, not by the spreadsheet program: every page then
# starts with the 施策 it continues, and Excel and LibreOffice print the same pages.
PAPER = {"A4": (841.9, 595.3), "A3": (1190.6, 841.9)}
PAPER_CODE = {"A4": Worksheet.PAPERSIZE_A4, "A3": Worksheet.PAPERSIZE_A3}
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_HEADER = 0.3, 0.75, 0.75, 0.3
POINTS = 72  # per inch

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
PLAIN = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
EVALUATION_FILL = PatternFill("solid", fgColor="F2F2F2")
READ_ONLY_FILL = PatternFill("solid", fgColor="D9D9D9")  # a repeated 事業 row
EDITABLE = Protection(locked=False)
LOCKED = Protection(locked=True)


def text_lines(text, width: float) -> int:
    """Lines ``text`` takes when wrapped in a cell ``width`` characters wide (wide
    characters count two), the way a spreadsheet program wraps it."""
    if text is None or text == "":
        return 1
    usable = max(width - 1, 1)
    lines = 0
    for part in str(text).split("\n"):
        units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in part)
        lines += max(1, math.ceil(units / usable))
    return lines


def row_height(lines: int) -> float:
    return max(lines, 1) * LINE_HEIGHT + ROW_PADDING


@dataclass
class PageSetup:
    """How the sheet is printed: the paper, a scale at which the printed columns fit its
    width, and the height (in the sheet's points, before scaling) each page holds."""

    paper: str
    scale: int  # percent
    height: float

    @classmethod
    def fitting(cls, paper: str, printed_widths: list[float]) -> "PageSetup":
        width, height = PAPER[paper]
        # A column of w characters is 7w + 5 pixels at 96 dpi (0.75 pt a pixel); 2 % spare
        # for a spreadsheet program that draws the columns a little wider.
        columns = sum(7 * w + 5 for w in printed_widths) * 0.75 * 1.02
        usable = width - 2 * MARGIN_SIDE * POINTS
        scale = min(100, math.floor(100 * usable / columns))
        body = height - (MARGIN_TOP + MARGIN_BOTTOM) * POINTS
        return cls(paper=paper, scale=scale, height=body * 100 / scale * 0.98)

    @property
    def printed_size(self) -> float:
        return FONT_SIZE * self.scale / 100


class _Sheet:
    """Appends styled rows to a write-only worksheet and remembers the row number.

    It also breaks the sheet into pages: a row that no longer fits on the page starts the
    next one, and if a 施策 continues there, that row names the 施策 (in its 施策 column) as
    the 施策's first row does. Rows given ``keep`` start a new page unless that much more
    (the rows that belong with them) fits below them."""

    def __init__(self, ws, widths: list[float], pages: PageSetup | None = None):
        self.ws = ws
        self.widths = widths  # by column, 1-based (index 0 unused)
        self.width = len(widths) - 1
        self.row = 0
        # Titles of the 施策 column, written into the next row appended (the first row of
        # its block). Not merged down the block: a spreadsheet program prints such a merge's
        # text at the top of the range, over the repeated header rows when the range
        # continues on a new page.
        self.pending: dict[int, str] = {}
        self.styles: dict[tuple, Cell] = {}  # made by WriteOnlyCell
        self.pages = pages
        self.page_height = 0.0  # the page's room for data rows (set by ``start_pages``)
        self.used: float | None = None  # of the current page; None until pages start
        self.measure_title = ""  # the 施策 the rows being appended belong to
        self.page_count = 1

    def start_pages(self, repeated_height: float, first_page: float) -> None:
        """From the next row on, break pages. The rows repeated at the top of every page
        (the column headings) take ``repeated_height``, and the first page also holds
        ``first_page`` points of title."""
        assert self.pages is not None
        self.page_height = self.pages.height - repeated_height
        self.used = first_page

    def cell(self, value, *, bold=False, fill=None, align=WRAP, editable=False) -> Cell:
        cell = xlsx_cell(self.ws, value)  # never a formula, no control character
        # Assigning font, border, … through openpyxl hashes each style object every time
        # (most of the export's time); a style registered once is copied by its ids.
        key = (bold, id(fill), id(align), editable)
        prototype = self.styles.get(key)
        if prototype is None:
            prototype = self.styles[key] = WriteOnlyCell(self.ws)
            prototype.alignment = align
            prototype.border = BORDER
            prototype.font = BOLD if bold else PLAIN
            prototype.protection = EDITABLE if editable else LOCKED
            if fill is not None:
                prototype.fill = fill
        cell._style = copy(prototype._style)  # type: ignore[attr-defined]  # openpyxl's own style ids, not in its stubs
        return cell

    def lines(self, values: list, spans: dict[int, int]) -> int:
        """Lines the tallest cell of a row needs, from its text and its (merged) width."""
        most = 1
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            last = spans.get(col, col)
            most = max(most, text_lines(value, sum(self.widths[col : last + 1])))
        return most

    def append(
        self,
        values: list,
        *,
        spans: dict[int, int] | None = None,
        editable: Collection[int] = frozenset(),
        fills: dict[int, PatternFill] | None = None,
        comment: tuple[int, str] | None = None,
        keep: float = 0,
        **style,
    ) -> int:
        """Append a row: ``spans`` (first → last column of a merge in this row) and the
        text give the row its height. ``editable`` columns are unlocked."""
        values = list(values) + [None] * (self.width - len(values))
        for col, text in self.pending.items():
            values[col - 1] = text
        self.pending = {}
        spans = spans or {}
        fills = fills or {}
        height = row_height(self.lines(values, spans))
        if self.used is not None:
            if self.used and self.used + height + keep > self.page_height:
                self.ws.row_breaks.append(Break(id=self.row))
                self.page_count += 1
                self.used = 0.0
                if self.measure_title and not values[MEASURE_COLUMN - 1]:
                    values[MEASURE_COLUMN - 1] = f"{self.measure_title}（続き）"
                    height = row_height(self.lines(values, spans))
            self.used += height
        cells = [
            self.cell(
                v,
                editable=col in editable,
                **{**style, "fill": fills.get(col, style.get("fill"))},
            )
            for col, v in enumerate(values, start=1)
        ]
        if comment is not None:
            cells[comment[0] - 1].comment = Comment(comment[1], "評価表")
        number = self.row + 1
        dimension = self.ws.row_dimensions[number]
        dimension.height = height
        self.ws.append(cells)
        # The row is written; its dimension is not needed any more (keeps memory flat).
        del self.ws.row_dimensions[number]
        self.row = number
        for first, last in spans.items():
            self.merge(number, first, number, last)
        return number

    def stream_merges(self) -> None:
        """Write <mergeCells> one element at a time when the sheet is closed.

        Uses the writer's stream the way openpyxl's own write-only rows do (``xf.send(True)``
        hands out the XML file, ``send(None)`` takes it back).
        """
        writer = self.ws._writer
        refs = self.ws.merged_cells

        def write_merged_cells() -> None:
            if not refs:
                return
            xf = writer.xf.send(True)
            with xf.element("mergeCells", count=str(len(refs))):
                for ref in refs:
                    xf.write(Element("mergeCell", ref=ref))
            writer.xf.send(None)

        writer.write_merged_cells = write_merged_cells

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if (first_row, first_col) != (last_row, last_col):
            self.ws.merged_cells.append(
                f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
            )


def paper_for(table: EvaluationTable) -> str:
    """A4 (or ``SHEET_XLSX_PAPER``) for one year; two years side by side need A3 to print at
    a readable size."""
    return "A3" if len(table.years) > 1 else settings.SHEET_XLSX_PAPER


def sheet_title(table: EvaluationTable) -> str:
    """The worksheet's name: 「評価表 令和2（2020）年度」 (at most 31 characters)."""
    return f"評価表 {wareki(table.year)}"[:31]


def _header_text(text: str) -> str:
    """Text for a page header or footer, where 「&」 starts a code."""
    return text.replace("&", "&&")


@dataclass(frozen=True)
class _Columns:
    """Where things are in the sheet's columns (1-based): the key columns, the plan's
    titles, the 事業 columns, then each year's 実施状況 columns."""

    names: list[str]
    years: int

    @classmethod
    def of(cls, table: EvaluationTable) -> "_Columns":
        years = len(table.years)
        return cls(names=xlsx_columns(years, tree_columns(table.cycle.plan)), years=years)

    @property
    def last(self) -> int:
        return len(self.names)

    @property
    def first_report(self) -> int:
        return self.last - self.years * len(REPORT_COLUMNS) + 1

    @property
    def current_first(self) -> int:
        """The first of this year's 実施状況 columns."""
        return self.first_report + (self.years - 1) * len(REPORT_COLUMNS)

    @property
    def project(self) -> int:
        """事業名."""
        return self.first_report - len(PROJECT_COLUMNS)

    @property
    def label(self) -> int:
        """展開 (in the plan's words); the labels of the evaluation rows."""
        return self.project - 1

    @property
    def editable(self) -> set[int]:
        return {
            *range(self.project, self.first_report),
            *range(self.current_first, self.current_first + len(REPORT_COLUMNS)),  # 指標 too
        }

    @property
    def widths(self) -> list[float]:
        """By column, 1-based (index 0 unused)."""
        # Widths are keyed by the 改定計画's headings; a plan's own words take the same width.
        return [0.0] + [WIDTHS[name] for name in xlsx_columns(self.years)]


def write_xlsx(
    table: EvaluationTable, out: IO[bytes], summary: CommitteeSummary | None = None
) -> int:
    """Write the table as .xlsx into ``out`` (a file opened for binary writing); return the
    number of pages it prints on.

    One editable row per 事業: its first row in plan order. Its other rows (a 再掲 展開, a
    second 展開) are grey and locked, with a note naming the row to use; the sheet is
    protected without a password, so the locks guide rather than forbid. Every row is as
    tall as its wrapped text needs (spreadsheet programs do not grow merged rows).

    Printed, every page has the title and the year in its header, 「3 / 12」 in its footer,
    the column headings, and the 施策 it shows (``_Sheet``); the codes for the import stay
    outside the printed area. Under the headings come the year's 総評 (``summary``, once the
    chair has confirmed it) and the legend of the scale and the marks.
    """
    columns = _Columns.of(table)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(table))
    pages = _set_up_printing(ws, table, columns)
    ws.merged_cells = []  # see the module docstring
    sheet = _Sheet(ws, columns.widths, pages)
    _write_title(sheet, table, columns)
    _write_headings(sheet, table, columns)
    _write_head_notes(sheet, table, columns, summary)
    _write_measures(sheet, table, columns)
    _dropdowns(ws, columns.current_first, sheet.row)
    ws.print_area = f"{FIRST_PRINTED_COLUMN}1:{get_column_letter(columns.last)}{sheet.row}"
    _save(wb, table, out)
    return sheet.page_count


def _set_up_printing(ws, table: EvaluationTable, columns: _Columns) -> PageSetup:
    """Column widths, paper, scale, margins, the repeated heading rows, the header (title,
    year) and the footer (「n / N」, 発行者), and the sheet's protection."""
    widths = columns.widths
    for index, width in enumerate(widths[1:], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    pages = PageSetup.fitting(paper_for(table), widths[MEASURE_COLUMN:])
    ws.freeze_panes = f"{FIRST_PRINTED_COLUMN}{XLSX_FIRST_DATA_ROW}"
    ws.print_title_rows = f"2:{XLSX_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_CODE[pages.paper]
    ws.page_setup.scale = pages.scale
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    ws.page_margins.header = ws.page_margins.footer = MARGIN_HEADER
    ws.oddHeader.left.text = _header_text(_title(table))
    ws.oddHeader.right.text = _header_text(evaluation_year_label(table.year))
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = _header_text(settings.PUBLISHER)
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.center, ws.oddFooter.right):
        part.size = SMALLEST_PRINTED_SIZE * 100 // pages.scale + 1  # scaled like the sheet
    ws.protection.sheet = True  # no password: a guide, see ``write_xlsx``
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    return pages


def _title(table: EvaluationTable) -> str:
    return f"計画目標の達成状況評価表　{table.cycle.plan.name}"


def _write_title(sheet: "_Sheet", table: EvaluationTable, columns: _Columns) -> None:
    """Row 1: the title in the first printed column (the codes left of it are not printed)."""
    ws = sheet.ws
    title_cells = [xlsx_cell(ws, None) for _ in range(MEASURE_COLUMN - 1)]
    title_cell = xlsx_cell(ws, f"{_title(table)}　{evaluation_year_label(table.year)}")
    title_cell.font = TITLE
    ws.row_dimensions[1].height = 24
    ws.append([*title_cells, title_cell])
    sheet.row = 1
    ws.merged_cells.append(f"{FIRST_PRINTED_COLUMN}1:{get_column_letter(columns.last)}1")
    sheet.stream_merges()  # the writer exists once the first row is appended


def _write_headings(sheet: "_Sheet", table: EvaluationTable, columns: _Columns) -> None:
    """Row 2: one group label per year over its 実施状況 columns; row 3: the column
    headings. Both are repeated at the top of every printed page."""
    n_report = len(REPORT_COLUMNS)
    groups: list[str | None] = [None] * (columns.first_report - 1)
    for year in table.years:
        groups += [year_label(year)] + [None] * (n_report - 1)
    spans = {
        columns.first_report + n * n_report: columns.first_report + (n + 1) * n_report - 1
        for n in range(columns.years)
    }
    sheet.append(groups, bold=True, fill=HEADER_FILL, align=CENTER, spans=spans)
    sheet.append(columns.names, bold=True, fill=HEADER_FILL, align=CENTER)
    repeated = row_height(sheet.lines(groups, spans)) + row_height(sheet.lines(columns.names, {}))
    sheet.start_pages(repeated, first_page=24)


def _write_head_notes(
    sheet: "_Sheet",
    table: EvaluationTable,
    columns: _Columns,
    summary: CommitteeSummary | None,
) -> None:
    """The committee's 総評 (one row a paragraph: a row is at most 409 pt tall), the year's
    委員名簿 (who evaluated it, as the printed sheet lists them), then the legend. The key
    columns stay empty, so the import reads these rows as not being 事業."""
    if summary is not None and summary.is_confirmed:
        paragraphs = [p for p in summary.text.splitlines() if p.strip()]
        for n, paragraph in enumerate(paragraphs):
            _head_row(sheet, columns, "総評" if n == 0 else None, paragraph)
    if roster := roster_text(table.cycle):
        _head_row(sheet, columns, "委員名簿", roster)
    _head_row(sheet, columns, "凡例", legend_text(table.levels))


def roster_text(cycle: Cycle) -> str:
    """「山田 太郎（学識経験者・委員長）、…」: the year's 委員名簿 (``Cycle.roster``) in one
    line; a member who left before the 委員会評価 ended says until when."""
    end = cycle.committee_period()[1]
    names = []
    for seat in cycle.roster():
        office = f"・{seat.get_office_display()}" if seat.office else ""
        until = f"、{wareki_date(seat.ends_on)}まで" if seat.ends_on and seat.ends_on < end else ""
        names.append(f"{display_name(seat.user)}（{seat.get_category_display()}{office}{until}）")
    return "、".join(names)


def _head_row(sheet: "_Sheet", columns: _Columns, label: str | None, text: str) -> None:
    values = [None] * (MEASURE_COLUMN - 1) + [label]
    values += [None] * (columns.project - MEASURE_COLUMN - 1)
    values += [text]
    sheet.append(
        values,
        fill=EVALUATION_FILL,
        spans={MEASURE_COLUMN: columns.project - 1, columns.project: columns.last},
    )


def _write_measures(sheet: "_Sheet", table: EvaluationTable, columns: _Columns) -> None:
    """Each 基本施策 as a band, then each of its 施策: the 施策の目標, its 展開 with their
    事業, the 参考指標, the 自己評価 of each 実施主体 and the committee's evaluation."""

    def evaluation_row(
        label: str, texts: list[str], *, whole_width: bool = False, keep: float = 0
    ) -> None:
        # The label spans the 展開 and 事業 columns; each year's text spans its 実施状況
        # columns (or, for the 施策の目標, all of them).
        n_report = len(REPORT_COLUMNS)
        values = [None] * (columns.label - 1) + [label]
        values += [None] * (columns.first_report - 1 - columns.label)
        spans = {columns.label: columns.first_report - 1}
        for n, text in enumerate(texts):
            start = columns.first_report + n * n_report
            values += [text] + [None] * (n_report - 1)
            spans[start] = columns.last if whole_width else start + n_report - 1
        sheet.append(values, fill=EVALUATION_FILL, spans=spans, keep=keep)

    first_row_of: dict[int, int] = {}  # 事業 → its editable row
    for policy in table.policies:
        bp = policy.basic_policy
        sheet.measure_title = ""
        band = [None] * (MEASURE_COLUMN - 1) + [
            f"{table.cycle.plan.basic_policy_label}{bp.number}　{bp.title}"
        ]
        sheet.append(
            band,
            bold=True,
            fill=HEADER_FILL,
            spans={MEASURE_COLUMN: columns.last},
            keep=LINE_HEIGHT * 4,
        )
        for block in policy.measures:
            measure = block.measure
            sheet.measure_title = f"{measure.number} {measure.title}"
            sheet.pending[MEASURE_COLUMN] = sheet.measure_title + (
                "\n【重点施策】" if measure.is_priority else ""
            )
            # A 施策's first row (and a 基本施策's) starts a page unless a few lines fit after it.
            evaluation_row(
                table.cycle.plan.measure_description_label,
                [measure.description or "（記載なし）"],
                whole_width=True,
                keep=LINE_HEIGHT * 3,
            )
            for item in block.initiatives:
                _write_item(sheet, item, measure, first_row_of, columns.editable, columns.project)
            evaluation_row("参考指標", [reference_text(r) for r in block.reference])
            for evaluation_line in block.self_evaluations:
                evaluation_row(
                    f"自己評価（{evaluation_line.body.short_name}）",
                    [self_evaluation_text(e, asked) for e, asked in evaluation_line.cells],
                )
            evaluation_row("委員会による評価及び意見", [committee_text(e) for e in block.committee])


def _save(wb: Workbook, table: EvaluationTable, out: IO[bytes]) -> None:
    """A locked year's file must not change from one download to the next: it is dated the
    end of its fiscal year, not now (``save_xlsx``)."""
    fixed = datetime.datetime(table.year + 1, 3, 31) if table.cycle.is_locked else None
    save_xlsx(wb, out, fixed=fixed)


def _write_item(sheet, item, measure, first_row_of, editable_cols, project_col) -> None:
    """One 展開 and its 事業 rows; the title is in the first row. A 事業's first row in
    the sheet is its editable row; its later rows are grey, locked and say which row to use."""
    title = f"{item.code} {item.initiative.display_title}"
    if item.relisting_note:
        title += f"\n{item.relisting_note}"
    head = [measure.number, item.code]
    if not item.lines:
        # A 展開 without 事業: a new 事業 can be written here (with a new code).
        sheet.append([*head, None, None, title], editable={3, *editable_cols})
    for n, line in enumerate(item.lines):
        project = line.project
        values = [
            *head,
            project.code,
            None,
            title if n == 0 else None,
            project.name,
            project.summary,
            project.body.name,
            project.department,
        ]
        for report in line.reports:
            values += report_values(report)
        first = first_row_of.setdefault(project.pk, sheet.row + 1)
        if first == sheet.row + 1:
            sheet.append(values, editable=editable_cols)
            continue
        sheet.append(
            values,
            fills={col: READ_ONLY_FILL for col in range(project_col, sheet.width + 1)},
            comment=(project_col, f"この行は再掲です。{first}行目で入力してください。"),
        )


def _dropdowns(ws, current_first: int, last_row: int) -> None:
    """Lists to choose from for this year's 実施状況 and 今後の方向性."""
    for name, choices in (
        ("実施状況", ReportStatus.choices),
        ("今後の方向性", Direction.choices),
    ):
        col = get_column_letter(current_first + REPORT_COLUMNS.index(name))
        labels = ",".join(str(label) for _value, label in choices)
        validation = DataValidation(
            type="list",
            formula1=f'"{labels}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name,
            error=f"「{name}」は一覧から選んでください（{labels.replace(',', '／')}）。",
            promptTitle=name,
            prompt="一覧から選んでください。",
            showInputMessage=True,
        )
        validation.add(f"{col}{XLSX_FIRST_DATA_ROW}:{col}{last_row}")
        ws.data_validations.append(validation)


def xlsx_file(table: EvaluationTable, summary: CommitteeSummary | None = None) -> IO[bytes]:
    """The workbook in a temporary file (rewound), to stream without holding it in memory."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response that streams it)
    write_xlsx(table, out, summary)
    out.seek(0)
    return out
