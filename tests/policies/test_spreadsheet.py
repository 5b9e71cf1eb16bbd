"""No spreadsheet can exhaust the server: crafted files are refused quickly and in little
memory, measured here (time with perf_counter, memory with tracemalloc)."""

import datetime
import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from policies.plan_files import parse_file
from policies.spreadsheet import Bounds, ImportRejected, read_rows, save_xlsx
from tests.evaluation.crafted_xlsx import sheet as sheet_part
from tests.evaluation.crafted_xlsx import xlsx

BOUNDS = Bounds(max_bytes=2 * 1024 * 1024, max_rows=3000, max_columns=20, max_cell_chars=4000)
SECONDS = 2
MEGABYTES = 200


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_parts(data: bytes, **parts: bytes) -> bytes:
    """The workbook with some of its zip members replaced (keyword: path with / as __)."""
    replace = {name.replace("__", "/").replace("_xml", ".xml"): v for name, v in parts.items()}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info.filename)))
        for name, value in replace.items():
            target.writestr(name, value)
    return out.getvalue()


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"%s<sheetData>%s</sheetData></worksheet>"
)


def sheet(data: bytes, dimension: str | None = None) -> bytes:
    ref = b'<dimension ref="%s"/>' % dimension.encode() if dimension else b""
    return SHEET % (ref, data)


def refused_quickly(data: bytes, name: str = "plan.xlsx") -> list[str]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportRejected) as rejected:
            read_rows(name, data, BOUNDS)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.2f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return rejected.value.errors


def test_a_normal_workbook_is_read_as_rows_of_text():
    data = workbook_bytes(
        [["【計画】"], ["項目", "内容"], ["計画期間（開始年度）", 2022], [], ["x"]]
    )
    assert read_rows("plan.xlsx", data, BOUNDS) == [
        ["【計画】"],
        ["項目", "内容"],
        ["計画期間（開始年度）", "2022"],
        [],
        ["x"],
    ]


def test_a_declared_range_of_the_whole_sheet_is_refused_before_reading_a_row():
    data = with_parts(
        workbook_bytes([["a"]]),
        xl__worksheets__sheet1_xml=sheet(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>', "A1:XFD1048576"
        ),
    )
    assert refused_quickly(data) == [
        "ファイルが宣言している範囲（A1:XFD1048576）が大きすぎます。上限は 3,000 行 × 20 列です。使っていない行・列を削除してください。"
    ]


def test_a_million_blank_rows_are_refused_at_the_row_limit():
    rows = b"<row/>" * 1_000_000
    data = with_parts(workbook_bytes([["a"]]), xl__worksheets__sheet1_xml=sheet(rows))
    assert len(data) < BOUNDS.max_bytes  # small on disk, huge when unpacked and padded
    assert refused_quickly(data) == [
        "行が多すぎます（3,001 行以上）。一度に取り込めるのは 3,000 行までです。空の行も数えます（不要な行は削除してください）。"
    ]


def test_one_cell_at_the_last_row_and_column_is_never_padded_into_memory():
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = with_parts(workbook_bytes([["a"]]), xl__worksheets__sheet1_xml=sheet(far))
    assert refused_quickly(data) == [
        "行が多すぎます（1,048,576 行以上）。一度に取り込めるのは 3,000 行までです。空の行も数えます（不要な行は削除してください）。"
    ]


def test_millions_of_shared_strings_are_refused_by_the_unpacked_size():
    strings = b"<si><t>a</t></si>" * 3_000_000
    shared = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>' % strings
    )
    data = with_parts(workbook_bytes([["a"]]), xl__sharedStrings_xml=shared)
    assert len(data) < BOUNDS.max_bytes
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked > 50_000_000
    assert refused_quickly(data) == [
        f"ファイルを展開すると大きすぎます（{unpacked:,} バイト。Excel の中身が上限を超えています）。"
    ]


def test_many_shared_strings_within_the_size_are_refused_by_their_count():
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>' % (
        b"<si><t>a</t></si>" * 200_000
    )
    data = with_parts(workbook_bytes([["a"]]), xl__sharedStrings_xml=shared)
    assert refused_quickly(data) == ["文字列の数が多すぎます（100,000 個を超えています）。"]


def test_one_huge_string_is_refused_by_the_cell_length():
    huge = b'<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>' % (b"a" * 10_000_000)
    data = with_parts(workbook_bytes([["a"]]), xl__worksheets__sheet1_xml=sheet(huge))
    assert refused_quickly(data) == [
        "1行目 1列目: セルの文字数が多すぎます（10,000,000 文字）。1つのセルは 4,000 文字までです。"
    ]


def test_a_file_over_the_size_limit_is_refused_unread():
    assert refused_quickly(b"a" * (BOUNDS.max_bytes + 1), "plan.csv") == [
        "ファイルが大きすぎます（2,097,153 バイト）。上限は 2,097,152 バイトです。"
    ]


def test_a_csv_with_too_many_rows_or_columns_is_refused():
    assert refused_quickly(b"a\r\n" * 3001, "plan.csv") == [
        "行が多すぎます（3,001 行以上）。一度に取り込めるのは 3,000 行までです。空の行も数えます（不要な行は削除してください）。"
    ]
    assert refused_quickly(b"," * 100 + b"x", "plan.csv") == [
        "1行目: 列が多すぎます（上限は 20 列）。"
    ]


def test_a_csv_in_shift_jis_from_japanese_excel_is_read():
    data = "【計画】\r\n項目,内容\r\n".encode("cp932")
    assert read_rows("plan.csv", data, BOUNDS) == [["【計画】"], ["項目", "内容"]]


def test_neither_xlsx_nor_csv_is_refused():
    assert refused_quickly(b"PK\x03\x04 broken", "plan.xlsx") == [
        "Excel（.xlsx）または CSV（.csv）のファイルではありません。"
    ]
    assert refused_quickly(b"hello", "plan.pdf") == [
        "Excel（.xlsx）または CSV（.csv）のファイルではありません。"
    ]


def test_a_file_wrong_from_its_first_line_lists_a_hundred_problems_and_counts_the_rest():
    errors = ImportRejected([f"{n}行目: 違います。" for n in range(1, 3001)]).errors
    assert len(errors) == 101
    assert errors[-2:] == ["100行目: 違います。", "ほかに 2,900 件の問題があります。"]


@pytest.mark.parametrize("cell", [b"<c/>", b"<c\n/>", b"<c\t/>", b"<c\r/>"])
def test_three_million_cells_are_refused_within_a_second_however_the_xml_spells_them(cell):
    # 300 rows of 10,000 empty cells: about 30 KB on the wire. A byte count of "<c/>" missed
    # "<c\n/>", and openpyxl then spent 10 s building the cells; the parser counts elements.
    data = xlsx(sheet_part(chunk=b"<row>" + cell * 10_000 + b"</row>", repeat=300))
    assert len(data) < 50_000
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as rejected:
        parse_file("plan.xlsx", data)
    assert time.perf_counter() - started < 1
    assert rejected.value.errors == ["列が多すぎます（上限は 20 列）。"]


def _workbook_saved(fixed, *, write_only: bool) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("令和2年度") if write_only else book.active
    sheet.append(["施策", "1-1 市民活動への参加のきっかけづくり"])
    out = io.BytesIO()
    save_xlsx(book, out, fixed=fixed)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [True, False])
def test_a_workbook_saved_with_a_fixed_date_is_the_same_bytes_a_few_seconds_later(write_only):
    fixed = datetime.datetime(2021, 3, 31)
    first = _workbook_saved(fixed, write_only=write_only)
    time.sleep(2.1)  # a zip entry's date has two-second steps
    assert _workbook_saved(fixed, write_only=write_only) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2021, 3, 31, 0, 0, 0)}
        assert b"2021-03-31T00:00:00Z" in archive.read("docProps/core.xml")


def test_a_workbook_saved_without_a_fixed_date_is_dated_now():
    saved = _workbook_saved(None, write_only=True)
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        years = {info.date_time[0] for info in archive.infolist()}
    assert years == {datetime.datetime.now(tz=datetime.UTC).year}
