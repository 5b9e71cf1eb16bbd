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
import tempfile
from copy import copy
from typing import IO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element

from evaluation.sheet_layout import (
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    XLSX_FIRST_DATA_ROW,
    XLSX_HEADER_ROW,
    committee_text,
    report_values,
    self_evaluation_text,
    xlsx_columns,
    year_label,
)
from evaluation.sheet_table import EvaluationTable
from policies.fiscal_years import wareki

# Widths in Excel's character units; Japanese characters are about two units wide.
WIDTHS = {
    "施策番号": 6,
    "展開番号": 5,
    "事業コード": 14,
    "基本施策": 16,
    "施策": 20,
    "計画後期の展開": 26,
    "事業名": 22,
    "実施主体": 12,
    "担当課": 12,
    "実施状況": 9,
    "実施内容": 36,
    "回数": 6,
    "参加者数": 8,
    "課題": 26,
}

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
EVALUATION_FILL = PatternFill("solid", fgColor="F2F2F2")


class _Sheet:
    """Appends styled rows to a write-only worksheet and remembers the row number."""

    def __init__(self, ws, width: int):
        self.ws = ws
        self.width = width
        self.row = 0
        # Titles of vertically merged cells: a merge shows its top-left cell, and in
        # write-only mode a row cannot be changed once appended, so the next row takes them.
        self.pending: dict[int, str] = {}
        self.styles: dict[tuple, WriteOnlyCell] = {}

    def cell(self, value, *, bold=False, fill=None, align=WRAP) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            # Text typed by staff is never a formula (it would run when the file is opened).
            cell.data_type = "s"
        # Assigning font, border, … through openpyxl hashes each style object every time
        # (most of the export's time); a style registered once is copied by its ids.
        key = (bold, id(fill), id(align))
        prototype = self.styles.get(key)
        if prototype is None:
            prototype = self.styles[key] = WriteOnlyCell(self.ws)
            prototype.alignment = align
            prototype.border = BORDER
            if bold:
                prototype.font = BOLD
            if fill is not None:
                prototype.fill = fill
        cell._style = copy(prototype._style)
        return cell

    def append(self, values: list, **style) -> int:
        values = list(values) + [None] * (self.width - len(values))
        for col, text in self.pending.items():
            values[col - 1] = text
        self.pending = {}
        cells = [self.cell(v, **style) for v in values]
        self.ws.append(cells)
        self.row += 1
        return self.row

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


def write_xlsx(table: EvaluationTable, out: IO[bytes]) -> None:
    """Write the table as .xlsx into ``out`` (a file opened for binary writing)."""
    columns = xlsx_columns(len(table.years))
    n_years = len(table.years)
    first_report_col = len(columns) - n_years * len(REPORT_COLUMNS) + 1
    project_col = first_report_col - len(PROJECT_COLUMNS)  # 事業名

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=f"評価表{table.year}")
    for index, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
    ws.freeze_panes = f"D{XLSX_FIRST_DATA_ROW}"
    ws.print_title_rows = f"2:{XLSX_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    ws.merged_cells = []  # see the module docstring
    sheet = _Sheet(ws, len(columns))
    title = f"計画目標の達成状況評価表　{table.cycle.plan.name}　{wareki(table.year)}"
    ws.append([WriteOnlyCell(ws, value=title)])
    sheet.row = 1
    ws.merged_cells.append(f"A1:{get_column_letter(len(columns))}1")
    sheet.stream_merges()  # the writer exists once the first row is appended

    # Row 2: one group label per year over its 実施状況 columns; row 3: column headers.
    groups = [None] * (first_report_col - 1)
    for year in table.years:
        groups += [year_label(year)] + [None] * (len(REPORT_COLUMNS) - 1)
    group_row = sheet.append(groups, bold=True, fill=HEADER_FILL, align=CENTER)
    for n in range(n_years):
        start = first_report_col + n * len(REPORT_COLUMNS)
        sheet.merge(group_row, start, group_row, start + len(REPORT_COLUMNS) - 1)
    sheet.append(columns, bold=True, fill=HEADER_FILL, align=CENTER)

    for policy in table.policies:
        policy_first = sheet.row + 1
        bp = policy.basic_policy
        sheet.pending[4] = f"基本施策{bp.number}\n{bp.title}"
        for block in policy.measures:
            measure = block.measure
            measure_first = sheet.row + 1
            sheet.pending[5] = f"{measure.number} {measure.title}" + (
                "\n【重点施策】" if measure.is_priority else ""
            )
            for item in block.initiatives:
                item_first = sheet.row + 1
                item_title = f"{item.code} {item.initiative.display_title}"
                if item.relisting_note:
                    item_title += f"\n{item.relisting_note}"
                head = [
                    measure.number,
                    item.code,
                ]
                if not item.lines:
                    sheet.append([*head, None, None, None, item_title])
                for n, line in enumerate(item.lines):
                    project = line.project
                    values = [
                        *head,
                        project.code,
                        None,
                        None,
                        item_title if n == 0 else None,
                        project.name,
                        project.body.name,
                        project.department,
                    ]
                    for report in line.reports:
                        values += report_values(report)
                    sheet.append(values)
                sheet.merge(item_first, 6, sheet.row, 6)
            # 自己評価 of each 実施主体, then the committee's; the code columns stay empty so
            # the import reads these rows as not being 事業.
            for evaluation_line in block.self_evaluations:
                label = f"自己評価（{evaluation_line.body.short_name}）"
                _evaluation_row(
                    sheet,
                    label,
                    [self_evaluation_text(e, asked) for e, asked in evaluation_line.cells],
                    project_col,
                    first_report_col,
                )
            _evaluation_row(
                sheet,
                "委員会による評価及び意見",
                [committee_text(e) for e in block.committee],
                project_col,
                first_report_col,
            )
            sheet.merge(measure_first, 5, sheet.row, 5)
        sheet.merge(policy_first, 4, sheet.row, 4)
        ws.row_breaks.append(Break(id=sheet.row))
    # A locked year's file must not change from one download to the next, so its
    # document properties carry a fixed date (the end of the fiscal year), not "now",
    # which openpyxl's ``save`` would stamp in.
    stamp = (
        datetime.datetime(table.year + 1, 3, 31)
        if table.cycle.is_locked
        else datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    )
    wb.properties.created = wb.properties.modified = stamp
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()


def _evaluation_row(
    sheet: _Sheet, label: str, texts: list[str], project_col: int, first_report_col: int
) -> None:
    # The label spans the 展開 and 事業 columns; each year's text spans its 実施状況 columns.
    label_col = project_col - 1
    values = [None] * (label_col - 1) + [label] + [None] * (first_report_col - 1 - label_col)
    for text in texts:
        values += [text] + [None] * (len(REPORT_COLUMNS) - 1)
    row = sheet.append(values, fill=EVALUATION_FILL)
    sheet.merge(row, label_col, row, first_report_col - 1)
    for n in range(len(texts)):
        start = first_report_col + n * len(REPORT_COLUMNS)
        sheet.merge(row, start, row, start + len(REPORT_COLUMNS) - 1)


def xlsx_file(table: EvaluationTable) -> IO[bytes]:
    """The workbook in a temporary file (rewound), to stream without holding it in memory."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response that streams it)
    write_xlsx(table, out)
    out.seek(0)
    return out
