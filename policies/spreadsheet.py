"""Reading an uploaded Excel (.xlsx) or CSV file as rows of text, within fixed bounds; and
the one way every xlsx writer makes a cell (``xlsx_cell``).

No input may exhaust the server: the file's size, the zip's unpacked sizes (checked in
the zip's directory before anything is parsed), the number of shared strings, the sheet's
declared range, the rows, the columns and each cell's length are all bounded, and every
refusal says why in Japanese. The workbook is streamed (openpyxl ``read_only``) and the
rows are never padded beyond the columns asked for.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from policies.stored_text import stored_text, without_control_characters

NOT_A_SPREADSHEET = "Excel（.xlsx）または CSV（.csv）のファイルではありません。"


class ImportRejected(Exception):
    """The file cannot be read or imported; ``errors`` lists every problem found (by row
    and column where there is one), in Japanese."""

    SHOWN = 100  # a file wrong from its first line would otherwise list every row

    def __init__(self, errors: list[str]):
        if len(errors) > self.SHOWN:
            rest = len(errors) - self.SHOWN
            errors = [*errors[: self.SHOWN], f"ほかに {rest:,} 件の問題があります。"]
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Bounds:
    max_bytes: int  # the uploaded file
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_unpacked_bytes: int = 16 * 1024 * 1024  # all parts of an xlsx, unzipped
    max_zip_members: int = 200
    max_shared_strings: int = 100_000


def read_rows(name: str, data: bytes, bounds: Bounds) -> list[list[str]]:
    """The file's rows as lists of text (trailing empty cells dropped), numbered from 1."""
    if len(data) > bounds.max_bytes:
        raise ImportRejected(
            [
                f"ファイルが大きすぎます（{len(data):,} バイト）。上限は {bounds.max_bytes:,} バイトです。"
            ]
        )
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        rows = _xlsx_rows(data, bounds)
    elif lowered.endswith(".csv"):
        rows = _csv_rows(data, bounds)
    else:
        raise ImportRejected([NOT_A_SPREADSHEET])
    errors = []
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row, start=1):
            if len(cell) > bounds.max_cell_chars:
                errors.append(
                    f"{number}行目 {column}列目: 文字が多すぎます（{len(cell):,} 文字。上限は {bounds.max_cell_chars:,} 文字）。"
                )
    if errors:
        raise ImportRejected(errors[:20])
    return rows


def text_of(value) -> str:
    """A cell as text: whole numbers without ".0", nothing for an empty cell, and the text
    as the app stores it (``stored_text``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return stored_text(str(value))  # as it would be saved, so an unchanged row stays 'same'


def _trimmed(cells) -> list[str]:
    row = [text_of(v) for v in cells]
    while row and row[-1] == "":
        row.pop()
    return row


def _too_many_rows(bounds: Bounds) -> ImportRejected:
    return ImportRejected(
        [
            f"行が多すぎます。上限は {bounds.max_rows:,} 行です（空の行も数えます。不要な行は削除してください）。"
        ]
    )


def _check_zip(data: bytes, bounds: Bounds) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected([NOT_A_SPREADSHEET]) from None
    with archive:
        if len(members) > bounds.max_zip_members:
            raise ImportRejected(["ファイルの中身の部品が多すぎます。"])
        # zipfile never returns more than a member's declared size, so these bound the parse.
        unpacked = sum(m.file_size for m in members)
        if unpacked > bounds.max_unpacked_bytes:
            raise ImportRejected(
                [
                    f"展開後の大きさが上限を超えます（{unpacked:,} バイト。上限は {bounds.max_unpacked_bytes:,} バイト）。"
                ]
            )
        names = {m.filename for m in members}
        for name in sorted(names):
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_sheet_part(archive, name, bounds)
        if "xl/sharedStrings.xml" in names:
            count = 0
            with archive.open("xl/sharedStrings.xml") as part:
                while chunk := part.read(1 << 20):
                    count += chunk.count(b"<si>") + chunk.count(b"<si ")
                    if count > bounds.max_shared_strings:
                        raise ImportRejected(
                            [f"文字列の数が多すぎます（上限は {bounds.max_shared_strings:,} 個）。"]
                        )


ROOT_TAG = re.compile(rb"<(\w+:)?worksheet[\s>]")


def _count_tags(data: bytes, name: bytes, end: int) -> int:
    """Start tags ``<name …>``, ``<name>`` and ``<name/>`` that begin before ``end``
    (bytes.count: no match objects, so it stays fast and small on a huge sheet)."""
    return sum(data.count(name + after, 0, end + len(name)) for after in (b" ", b">", b"/"))


def _check_sheet_part(archive: zipfile.ZipFile, name: str, bounds: Bounds) -> None:
    """Count rows and cells in the sheet's XML before openpyxl parses it: openpyxl reads a
    whole sheet without a declared range just to look for one, and builds each row's
    cells before they can be cut."""
    rows = cells = 0
    data = b""
    prefix = None
    with archive.open(name) as part:
        while True:
            chunk = part.read(1 << 20)
            data += chunk
            if prefix is None:
                root = ROOT_TAG.search(data)
                prefix = root[1] or b"" if root else b""
            # Count the tags that start in this stretch; a tag cut at the end is counted
            # with the next chunk, which starts with the stretch's last bytes.
            end = len(data) if not chunk else max(0, len(data) - 16)
            rows += _count_tags(data, b"<" + prefix + b"row", end)
            cells += _count_tags(data, b"<" + prefix + b"c", end)
            if rows > bounds.max_rows:
                raise _too_many_rows(bounds)
            if cells > bounds.max_rows * bounds.max_columns:
                raise ImportRejected(
                    [f"セルが多すぎます（上限は {bounds.max_rows * bounds.max_columns:,} 個）。"]
                )
            if not chunk:
                return
            data = data[end:]


DIMENSION = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$")


def _xlsx_rows(data: bytes, bounds: Bounds) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_zip(data, bounds)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for non-xlsx data
        raise ImportRejected([NOT_A_SPREADSHEET]) from None
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.calculate_dimension(force=False) if sheet.max_row else None
        if declared and DIMENSION.match(declared):
            _min_col, _min_row, max_col, max_row = range_boundaries(declared)
            if (max_row or 0) > bounds.max_rows or (max_col or 0) > bounds.max_columns:
                raise ImportRejected(
                    [
                        f"シートの範囲（{declared}）が大きすぎます。上限は {bounds.max_rows:,} 行 × "
                        f"{bounds.max_columns} 列です。使っていない行・列を削除してください。"
                    ]
                )
        # Ignore the declared range from here on: rows are read as they are stored, and
        # never padded beyond max_columns (a row is cut there, see the check below).
        sheet.reset_dimensions()
        rows = []
        for cells in sheet.iter_rows(max_col=bounds.max_columns + 1, values_only=True):
            if len(rows) >= bounds.max_rows:
                raise _too_many_rows(bounds)
            rows.append(_trimmed(cells))
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected([NOT_A_SPREADSHEET]) from None
    finally:
        workbook.close()
    _check_columns(rows, bounds)
    return rows


def _too_many_columns(line: int, bounds: Bounds) -> ImportRejected:
    return ImportRejected([f"{line}行目: 列が多すぎます（上限は {bounds.max_columns} 列）。"])


def _check_columns(rows: list[list[str]], bounds: Bounds) -> None:
    for number, row in enumerate(rows, start=1):
        if len(row) > bounds.max_columns:
            raise _too_many_columns(number, bounds)


def _csv_rows(data: bytes, bounds: Bounds) -> list[list[str]]:
    if b"\x00" in data:
        raise ImportRejected([NOT_A_SPREADSHEET])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Japanese Excel's 「CSV（コンマ区切り）」 saves in Shift_JIS (cp932).
            text = data.decode("cp932")
        except UnicodeDecodeError:
            raise ImportRejected([NOT_A_SPREADSHEET]) from None
    rows = []
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            if len(rows) >= bounds.max_rows:
                raise _too_many_rows(bounds)
            if any(c.strip() for c in cells[bounds.max_columns :]):
                raise _too_many_columns(len(rows) + 1, bounds)
            rows.append(_trimmed(cells[: bounds.max_columns]))
    except csv.Error:
        raise ImportRejected([NOT_A_SPREADSHEET]) from None
    return rows


def xlsx_cell(sheet: Worksheet, value) -> WriteOnlyCell:
    """A cell of an xlsx the app writes. Text is never a formula (it would run when the file
    is opened), and loses the control characters an xlsx cannot hold: text is cleaned when
    it is stored (``stored_text``), but rows stored before that rule may still have them."""
    if isinstance(value, str):
        value = without_control_characters(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell
