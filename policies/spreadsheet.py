"""The app's one spreadsheet toolkit: reading an uploaded Excel (.xlsx) or CSV file as rows of
text within fixed bounds, and writing CSV and xlsx cells with one formula guard. Both imports
(the plan's structure and the 評価表) read here; every CSV and xlsx the app writes passes its
text through here. It sits at the bottom layer: it imports nothing from the apps above.

No input may exhaust the server. An .xlsx is a zip of XML parts: a few kilobytes can unpack
to gigabytes, declare a used range of A1:XFD1048576 (openpyxl would pad every row to 16,384
cells), hold millions of empty rows or cells however the XML spells them (``<c/>``,
``<c\\n/>``, ``<x:c …>``) or millions of shared strings. So, in order:

1. ``_open_zip``: the sizes the zip's directory declares for each part, and their sum,
   before anything is unpacked. Reading a part never yields more than its declared size
   (Python's zipfile stops there), so these are real bounds.
2. ``_scan``: one streaming pass of an XML parser (expat, no element kept) over the string
   table and the first sheet, counting strings, their length, rows and cells, and reading
   the declared range, refusing at the first limit passed and when the time is up.
3. The rows are then read by openpyxl in read-only mode, without the declared range
   (``reset_dimensions``), a bounded number of columns, one row at a time.

Each refusal is an ``ImportRejected`` with a Japanese message saying why.
"""

import csv
import datetime
import io
import posixpath
import re
import shutil
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import iterparse
from xml.parsers import expat

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from policies.stored_text import stored_text, without_control_characters

NOT_A_SPREADSHEET = "Excel（.xlsx）または CSV（.csv）のファイルではありません。"
MIB = 1024 * 1024


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
    max_rows: int  # data rows (rows above the data, ``header_rows``, come on top)
    max_columns: int
    max_cell_chars: int
    max_part_bytes: int = 16 * MIB  # the sheet or the string table, unpacked
    max_unpacked_bytes: int = 16 * MIB  # all parts of an xlsx, unpacked
    max_other_part_bytes: int = 4 * MIB  # styles, workbook, relationships…
    max_zip_members: int = 200
    max_shared_strings: int = 100_000
    seconds: float = 20
    advice: str = ""  # said after "not a spreadsheet" and "too big" (which file to choose)


class Deadline:
    """Time-bounds one reading or import: ``check()`` refuses once the time is up."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise ImportRejected(
                [
                    f"ファイルの処理が {self.seconds:g} 秒を超えたため中止しました。何も保存していません。"
                    "ファイルを分けて取り込んでください。"
                ]
            )


# ---------------------------------------------------------------------------- reading


def read_rows(name: str, data: bytes, bounds: Bounds) -> list[list[str]]:
    """The whole file's rows as lists of text (trailing empty cells dropped), from line 1."""
    rows = []
    for cells in lines(name, data, bounds, Deadline(bounds.seconds)):
        row = [stored_text(c) for c in cells]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    return rows


def lines(
    name: str, data: bytes, bounds: Bounds, deadline: Deadline, header_rows: int = 0
) -> Iterator[list[str]]:
    """The file's lines as cells of text, one at a time, within ``bounds``: an xlsx's first
    sheet (cells as ``text_of``) or a CSV (cells as written; UTF-8 or Shift_JIS)."""
    check_size(len(data), bounds)
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        return _xlsx_lines(data, bounds, deadline, header_rows)
    if lowered.endswith(".csv"):
        return _csv_lines(data, bounds, deadline, header_rows)
    raise not_a_spreadsheet(bounds)


def check_size(size: int, bounds: Bounds) -> None:
    if size > bounds.max_bytes:
        raise ImportRejected(
            [f"ファイルが大きすぎます（{size:,} バイト）。上限は {bounds.max_bytes:,} バイトです。"]
        )


def not_a_spreadsheet(bounds: Bounds) -> ImportRejected:
    return ImportRejected([NOT_A_SPREADSHEET + bounds.advice])


def text_of(value) -> str:
    """A cell as text: whole numbers without ".0", nothing for an empty cell, and the text
    as the app stores it (``stored_text``), so an unchanged row reads as unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return stored_text(str(value))


def too_many_rows(count: int, bounds: Bounds) -> ImportRejected:
    return ImportRejected(
        [
            f"行が多すぎます（{count:,} 行以上）。一度に取り込めるのは {bounds.max_rows:,} 行までです。"
            "空の行も数えます（不要な行は削除してください）。"
        ]
    )


def _too_many_columns(where: str, bounds: Bounds) -> ImportRejected:
    return ImportRejected([f"{where}列が多すぎます（上限は {bounds.max_columns} 列）。"])


def _check_cells(cells: list[str], line: int, bounds: Bounds) -> None:
    for column, cell in enumerate(cells, start=1):
        if len(cell) > bounds.max_cell_chars:
            raise ImportRejected(
                [
                    f"{line}行目 {column}列目: セルの文字数が多すぎます（{len(cell):,} 文字）。"
                    f"1つのセルは {bounds.max_cell_chars:,} 文字までです。"
                ]
            )


def _csv_lines(
    data: bytes, bounds: Bounds, deadline: Deadline, header_rows: int
) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise not_a_spreadsheet(bounds)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Japanese Excel's 「CSV（コンマ区切り）」 saves in Shift_JIS (cp932).
            text = data.decode("cp932")
        except UnicodeDecodeError:
            raise not_a_spreadsheet(bounds) from None
    return _csv_cells(csv.reader(io.StringIO(text, newline="")), bounds, deadline, header_rows)


def _csv_cells(reader, bounds: Bounds, deadline: Deadline, header_rows: int):
    try:
        for line, cells in enumerate(reader, start=1):
            if line > bounds.max_rows + header_rows:
                raise too_many_rows(line - header_rows, bounds)
            if line % 256 == 0:
                deadline.check()
            if any(c.strip() for c in cells[bounds.max_columns :]):
                raise _too_many_columns(f"{line}行目: ", bounds)
            cells = cells[: bounds.max_columns]
            _check_cells(cells, line, bounds)
            yield cells
    except csv.Error:
        raise not_a_spreadsheet(bounds) from None


def _xlsx_lines(
    data: bytes, bounds: Bounds, deadline: Deadline, header_rows: int
) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # openpyxl's reader is heavy; only an upload needs it

    archive = _open_zip(data, bounds)
    _scan(archive, bounds, deadline, header_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for non-xlsx data
        raise not_a_spreadsheet(bounds) from None
    return _xlsx_cells(workbook, bounds, deadline)


def _xlsx_cells(workbook, bounds: Bounds, deadline: Deadline) -> Iterator[list[str]]:
    try:
        sheet = workbook.worksheets[0]
        # Never trust the declared range (the scan checked it): read the rows as stored, one
        # column past the limit (to refuse a row that goes on), never padded beyond it.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=bounds.max_columns + 1, values_only=True)
        for line, values in enumerate(rows, start=1):
            if line % 256 == 0:
                deadline.check()
            cells = [text_of(v) for v in values]
            if any(cells[bounds.max_columns :]):
                raise _too_many_columns(f"{line}行目: ", bounds)
            cells = cells[: bounds.max_columns]
            _check_cells(cells, line, bounds)
            yield cells
    except ImportRejected:
        raise
    except Exception:
        raise not_a_spreadsheet(bounds) from None
    finally:
        workbook.close()


def _open_zip(data: bytes, bounds: Bounds) -> zipfile.ZipFile:
    """The archive, if its declared sizes are within the bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_spreadsheet(bounds) from None
    total = sum(part.file_size for part in parts)
    too_big = ImportRejected(
        [
            f"ファイルを展開すると大きすぎます（{total:,} バイト。Excel の中身が上限を超えています）。"
            + bounds.advice
        ]
    )
    if len(parts) > bounds.max_zip_members or total > bounds.max_unpacked_bytes:
        raise too_big
    for part in parts:
        big = part.filename.startswith("xl/worksheets/") or part.filename.endswith(
            "sharedStrings.xml"
        )
        if part.file_size > (bounds.max_part_bytes if big else bounds.max_other_part_bytes):
            raise too_big
    return archive


MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)$")


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The first worksheet's part, as openpyxl finds it (workbook → its relationships)."""
    try:
        with archive.open("xl/workbook.xml") as f:
            first = next((el for _event, el in iterparse(f) if el.tag == f"{MAIN_NS}sheet"), None)
        if first is None:
            return None
        rel_id = first.get(f"{REL_NS}id")
        with archive.open("xl/_rels/workbook.xml.rels") as f:
            for _event, el in iterparse(f):
                if el.tag == f"{PKG_REL_NS}Relationship" and el.get("Id") == rel_id:
                    target = el.get("Target", "")
                    return (
                        target.lstrip("/")
                        if target.startswith("/")
                        else posixpath.normpath(posixpath.join("xl", target))
                    )
    except (KeyError, SyntaxError, zipfile.BadZipFile, OSError):
        return None
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _stream(f, start, characters, deadline: Deadline) -> None:
    """Feed a part to expat in 64 KB pieces: no element objects are built, handlers refuse by
    raising, and the deadline is checked between pieces."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if characters is not None:
        parser.CharacterDataHandler = characters
    while piece := f.read(65536):
        parser.Parse(piece, False)
        deadline.check()
    parser.Parse(b"", True)


class _Scan:
    """The counts of one streaming pass, and the expat handlers that refuse at the first
    bound passed (one per element that counts, looked up by its local name)."""

    def __init__(self, bounds: Bounds, header_rows: int) -> None:
        self.bounds = bounds
        self.max_rows = bounds.max_rows + header_rows
        self.strings = self.length = self.rows = self.cells = 0
        self.sheet_elements = {"c": self.cell, "row": self.row, "dimension": self.dimension}

    def string_start(self, name: str, attrs: dict) -> None:
        if _local(name) == "si":
            self.strings += 1
            self.length = 0
            if self.strings > self.bounds.max_shared_strings:
                raise ImportRejected(
                    [
                        f"文字列の数が多すぎます（{self.bounds.max_shared_strings:,} 個を超えています）。"
                    ]
                )

    def string_text(self, text: str) -> None:
        self.length += len(text)
        if self.length > self.bounds.max_cell_chars:
            raise ImportRejected(
                [
                    f"文字列: セルの文字数が多すぎます（{self.length:,} 文字以上）。"
                    f"1つのセルは {self.bounds.max_cell_chars:,} 文字までです。"
                ]
            )

    def sheet_start(self, name: str, attrs: dict) -> None:
        element = self.sheet_elements.get(_local(name))
        if element is not None:
            element(attrs)

    def cell(self, attrs: dict) -> None:
        bounds = self.bounds
        self.cells += 1
        match = CELL_REF.match(attrs.get("r", ""))
        if match and _column_number(match.group(1)) > bounds.max_columns:
            raise ImportRejected(
                [f"列が多すぎます（{match.group(1)} 列）。上限は {bounds.max_columns} 列です。"]
            )
        if self.cells > bounds.max_columns * max(self.rows, 1):
            raise _too_many_columns("", bounds)

    def row(self, attrs: dict) -> None:
        self.rows += 1
        number = attrs.get("r", "")
        row = int(number) if number.isdigit() else self.rows
        if self.rows > self.max_rows or row > self.max_rows:
            raise too_many_rows(max(self.rows, row), self.bounds)

    def dimension(self, attrs: dict) -> None:
        """The range the sheet declares (Excel sizes its grid by it)."""
        bounds, ref = self.bounds, attrs.get("ref", "")
        match = CELL_REF.match(ref.split(":")[-1])
        if match and (
            _column_number(match.group(1)) > bounds.max_columns
            or int(match.group(2)) > self.max_rows
        ):
            raise ImportRejected(
                [
                    f"ファイルが宣言している範囲（{ref}）が大きすぎます。上限は "
                    f"{bounds.max_rows:,} 行 × {bounds.max_columns} 列です。"
                    "使っていない行・列を削除してください。"
                ]
            )


def _scan(archive: zipfile.ZipFile, bounds: Bounds, deadline: Deadline, header_rows: int) -> None:
    """One streaming pass over the string table and the first sheet; refuses at the first
    bound passed. Rows and cells are elements to the parser however the XML spells them."""
    scan = _Scan(bounds, header_rows)
    try:
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as f:
                _stream(f, scan.string_start, scan.string_text, deadline)
        sheet = _first_sheet_path(archive)
        if sheet is None:
            raise not_a_spreadsheet(bounds)
        with archive.open(sheet) as f:
            _stream(f, scan.sheet_start, None, deadline)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, KeyError):
        # Broken or truncated XML; a zip whose parts lie about their size fails here too.
        raise not_a_spreadsheet(bounds) from None


# ---------------------------------------------------------------------------- writing

# Text starting with these would run as a formula when the file is opened in Excel (which
# skips leading blanks, tabs and line breaks, and reads full-width ＝＋－＠ as the ASCII
# signs). The one guard: a CSV cell gets a leading apostrophe (which the imports take off
# again, ``unprotect``); an xlsx cell is typed as text, so nothing is added to what it shows.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
LEADING_BLANKS = " \t\r\n\u3000"
BOM = "\ufeff"


def is_formula_like(value: str) -> bool:
    """A sign followed by something: a sign alone computes nothing (and the plan's own
    評価不能 symbol is a lone full-width －, which stays readable)."""
    text = value.lstrip(LEADING_BLANKS)
    return len(text) > 1 and text.startswith(FORMULA_STARTS)


def protect(value):
    """A CSV cell's value: formula-like text kept as text by a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unprotect(value: str) -> str:
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """Rows as CSV text, a chunk a row, BOM first (so Japanese Excel reads UTF-8): CRLF, an
    empty cell for None, and formula-like text kept as text. Every CSV of the app is
    written here."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield BOM
    for row in rows:
        writer.writerow(["" if v is None else protect(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_text(rows: Iterable[list]) -> str:
    return "".join(csv_chunks(rows))


def xlsx_cell(sheet: Worksheet, value) -> Cell:
    """A cell of an xlsx the app writes. Text is typed as text, so it is never a formula (it
    would run when the file is opened) and shows as written; and it loses the control
    characters an xlsx cannot hold: text is cleaned when it is stored (``stored_text``), but
    rows stored before that rule may still have them."""
    if isinstance(value, str):
        value = without_control_characters(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


class _DatedZip(zipfile.ZipFile):
    """A zip whose every entry carries one date instead of the moment it was written."""

    def __init__(self, out: IO[bytes], date_time: tuple[int, int, int, int, int, int]):
        super().__init__(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.date_time = date_time

    def _dated(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._dated(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        # openpyxl writes each worksheet to a temporary file, whose date would be now; it is
        # copied in chunks, so a large sheet never sits in memory whole.
        with open(filename, "rb") as src, self.open(self._dated(arcname or filename), "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save_xlsx(book: Workbook, out: IO[bytes], *, fixed: datetime.datetime | None = None) -> None:
    """Write ``book`` to ``out``. With ``fixed`` (a locked year's file) the bytes depend on
    the content alone: the document's dates and every part of the zip carry ``fixed``
    instead of now, so the same year downloads as the same file, as its edition's SHA-256
    says. Without it, the file is dated now, as openpyxl's ``save`` would date it."""
    stamp = fixed or datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    date_time = (
        max(stamp.year, 1980),
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second,
    )
    with _DatedZip(out, date_time) as archive:
        ExcelWriter(book, archive).save()
