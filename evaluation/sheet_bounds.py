"""Limits of the 評価表 import, checked before and while a file is read, so that no upload
can take a worker's memory or time.

An .xlsx is a zip of XML parts. A few kilobytes can unpack to gigabytes (one huge shared
string, gigabytes of whitespace), declare a used range of A1:XFD1048576 (openpyxl would pad
every row to 16,384 cells), hold a million empty rows or millions of shared strings
(openpyxl reads the whole string table before the first row). So, in order:

1. ``check_zip``: the sizes the zip's directory declares for each part, and their sum,
   before anything is unpacked. Reading a part never yields more than its declared size
   (Python's zipfile stops there), so these are real bounds.
2. ``scan_xlsx``: one streaming pass (expat, elements dropped as soon as read) over the
   string table and the first sheet, counting strings, their length, rows and columns, and
   reading the declared dimension, refusing at the first limit passed.
3. The rows are then read by openpyxl in read-only mode, without the declared dimension
   (``reset_dimensions``), a bounded number of columns, one row at a time.

Each refusal is an ``ImportRejected`` with a Japanese message. A ``Deadline`` bounds the
time of the preview and of the confirm.
"""

import io
import posixpath
import re
import time
import zipfile
from xml.etree.ElementTree import iterparse
from xml.parsers import expat

from django.conf import settings

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MAX_PARTS = 200
MAX_OTHER_PART_BYTES = 4 * 1024 * 1024  # styles, workbook, relationships…
CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


class Limits:
    """The limits, read from the settings at use (tests and operators may change them)."""

    @property
    def rows(self) -> int:  # data rows of one file
        return settings.SHEET_IMPORT_MAX_ROWS

    columns = 64  # the export has 19 columns with the previous year beside it
    cell_chars = 20_000  # longer than any 実施内容 typed in a form
    shared_strings = 100_000  # a 10,000-row export has about 40,000

    @property
    def part_bytes(self) -> int:  # the sheet or the string table, unpacked
        return settings.SHEET_IMPORT_MAX_UNPACKED_MB * 1024 * 1024

    @property
    def total_bytes(self) -> int:
        return 2 * self.part_bytes

    @property
    def seconds(self) -> float:
        return settings.SHEET_IMPORT_MAX_SECONDS


LIMITS = Limits()


def _rejected(message: str) -> Exception:
    from evaluation.sheet_import import ImportRejected

    return ImportRejected([message])


class Deadline:
    """Time-bounds one preview or confirm: ``check()`` refuses once the time is up."""

    def __init__(self, seconds: float | None = None):
        self.seconds = LIMITS.seconds if seconds is None else seconds
        self.until = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise _rejected(
                f"ファイルの処理が {self.seconds:g} 秒を超えたため中止しました。何も保存していません。"
                "ファイルを分けて（例えば実施主体ごとに）取り込んでください。"
            )


def too_many_rows(count: int | str) -> Exception:
    return _rejected(
        f"行が多すぎます（{count} 行以上）。一度に取り込めるのは {LIMITS.rows:,} 行までです。"
        "ファイルを分けて取り込んでください。"
    )


def check_cell(text: str, where: str) -> None:
    if len(text) > LIMITS.cell_chars:
        raise _rejected(
            f"{where}: セルの文字数が多すぎます（{len(text):,} 文字）。"
            f"1つのセルは {LIMITS.cell_chars:,} 文字までです。"
        )


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, if its declared sizes are within the limits; else ``ImportRejected``."""
    from evaluation.sheet_import import NOT_A_SPREADSHEET

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _rejected(NOT_A_SPREADSHEET) from None
    too_big = _rejected(
        "ファイルを展開すると大きすぎます（Excel の中身が上限を超えています）。"
        "評価表の出力ファイルに入力したものを選んでください。"
    )
    if len(parts) > MAX_PARTS:
        raise too_big
    total = 0
    for part in parts:
        big_part = part.filename.startswith("xl/worksheets/") or part.filename.endswith(
            "sharedStrings.xml"
        )
        if part.file_size > (LIMITS.part_bytes if big_part else MAX_OTHER_PART_BYTES):
            raise too_big
        total += part.file_size
    if total > LIMITS.total_bytes:
        raise too_big
    return archive


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


def scan_xlsx(archive: zipfile.ZipFile, deadline: Deadline, header_rows: int) -> None:
    """One streaming pass over the string table and the first sheet; refuses at the first
    limit passed. ``header_rows`` rows above the data do not count as data rows."""
    from evaluation.sheet_import import NOT_A_SPREADSHEET

    max_rows = LIMITS.rows + header_rows
    state = {"strings": 0, "length": 0, "rows": 0, "cells": 0}

    def string_start(name: str, attrs: dict) -> None:
        if _local(name) == "si":
            state["strings"] += 1
            state["length"] = 0
            if state["strings"] > LIMITS.shared_strings:
                raise _rejected(
                    f"文字列の数が多すぎます（{LIMITS.shared_strings:,} 個を超えています）。"
                    "評価表の出力ファイルに入力したものを選んでください。"
                )

    def string_text(text: str) -> None:
        state["length"] += len(text)
        if state["length"] > LIMITS.cell_chars:
            raise _rejected(
                f"文字列: セルの文字数が多すぎます（{state['length']:,} 文字以上）。"
                f"1つのセルは {LIMITS.cell_chars:,} 文字までです。"
            )

    def sheet_start(name: str, attrs: dict) -> None:
        tag = _local(name)
        if tag == "c":
            state["cells"] += 1
            match = CELL_REF.match(attrs.get("r", ""))
            if match and _column_number(match.group(1)) > LIMITS.columns:
                raise _rejected(
                    f"列が多すぎます（{match.group(1)} 列）。評価表の列（{LIMITS.columns} 列まで）だけにしてください。"
                )
            if state["cells"] > LIMITS.columns * max(state["rows"], 1):
                raise _rejected(f"列が多すぎます（{LIMITS.columns} 列まで）。")
        elif tag == "row":
            state["rows"] += 1
            number = attrs.get("r", "")
            row = int(number) if number.isdigit() else state["rows"]
            if state["rows"] > max_rows or row > max_rows:
                raise too_many_rows(f"{max(state['rows'], row):,}")
        elif tag == "dimension":
            ref = attrs.get("ref", "")
            match = CELL_REF.match(ref.split(":")[-1])
            if match and (
                _column_number(match.group(1)) > LIMITS.columns or int(match.group(2)) > max_rows
            ):
                raise _rejected(
                    f"ファイルが宣言している範囲（{ref}）が大きすぎます。"
                    f"評価表は {LIMITS.columns} 列・{LIMITS.rows:,} 行までです。"
                )

    try:
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as f:
                _stream(f, string_start, string_text, deadline)
        sheet = _first_sheet_path(archive)
        if sheet is None:
            raise _rejected(NOT_A_SPREADSHEET)
        with archive.open(sheet) as f:
            _stream(f, sheet_start, None, deadline)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, KeyError):
        # Broken or truncated XML; a zip whose parts lie about their size fails here too.
        raise _rejected(NOT_A_SPREADSHEET) from None
