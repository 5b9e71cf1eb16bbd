"""No upload can take the server down: crafted spreadsheets are refused within 2 s and
200 MB (measured here), large files are refused with a message, a 3,000-row file is
confirmed well within the worker timeout, and a double-clicked confirm saves once."""

import csv
import io
import resource
import time
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import ImportReceipt, Phase, Project, ProjectReport
from evaluation.sheet.importer import ImportRejected, read_rows
from evaluation.sheet.layout import CSV_COLUMNS
from tests.evaluation.crafted_xlsx import GIB, MIB, sheet, strings, xlsx
from tests.factories import CycleFactory, secretariat

pytestmark = pytest.mark.django_db

SECONDS, MEMORY = 2.0, 200 * MIB


@pytest.fixture
def cycle():
    return CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)


def url(name: str) -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": "revised-2017", "year": 2021})


def measured_refusal(data: bytes, cycle) -> tuple[str, float, int, int]:
    """Read the file as the import does: the refusal, seconds, tracemalloc peak, RSS growth."""
    upload = SimpleUploadedFile("crafted.xlsx", data)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportRejected) as refused:
            read_rows(upload, cycle)
    finally:
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return refused.value.errors[0], seconds, peak, rss_growth


CELL = b'<c r="A{n}" t="inlineStr"><is><t>x</t></is></c>'
CRAFTED = {
    # A1:XFD1048576 declared over three real cells (openpyxl would pad every row).
    "dimension bomb": (
        lambda: xlsx(
            sheet(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                dimension=b"A1:XFD1048576",
            ),
            strings(b"", 0),
        ),
        "ファイルが宣言している範囲（A1:XFD1048576）が大きすぎます。",
    ),
    "a million blank rows": (
        lambda: xlsx(sheet(chunk=b"<row/>" * 10_000, repeat=100), strings(b"", 0)),
        "行が多すぎます（10,004 行以上）。",
    ),
    "a million blank rows numbered far down": (
        lambda: xlsx(sheet(b'<row r="1"/><row r="1048576"/>'), strings(b"", 0)),
        "行が多すぎます（1,048,576 行以上）。",
    ),
    "5 M shared strings": (
        lambda: xlsx(sheet(), strings(b"<si><t>a</t></si>" * 10_000, 500)),
        "ファイルを展開すると大きすぎます",
    ),
    "150,000 small shared strings": (
        lambda: xlsx(sheet(), strings(b"<si><t/></si>" * 10_000, 15)),
        "文字列の数が多すぎます（100,000 個を超えています）。",
    ),
    "a 1 GiB shared string": (
        lambda: xlsx(sheet(), strings(b"a" * MIB, 1024, head=b"<si><t>", tail=b"</t></si>")),
        "ファイルを展開すると大きすぎます",
    ),
    "a 12 MiB shared string": (
        lambda: xlsx(sheet(), strings(b"a" * MIB, 12, head=b"<si><t>", tail=b"</t></si>")),
        "文字列: セルの文字数が多すぎます",
    ),
    "2 GiB of whitespace": (
        lambda: xlsx(sheet(chunk=b" " * MIB, repeat=2 * GIB // MIB), strings(b"", 0)),
        "ファイルを展開すると大きすぎます",
    ),
    "a cell in column XFD": (
        lambda: xlsx(sheet(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'), strings(b"", 0)),
        "列が多すぎます（XFD 列）。",
    ),
}


@pytest.mark.parametrize("kind", list(CRAFTED))
def test_a_crafted_file_is_refused_quickly_in_little_memory(cycle, kind):
    build, message = CRAFTED[kind]
    data = build()
    assert len(data) < 3 * MIB  # small on the wire
    refusal, seconds, peak, rss_growth = measured_refusal(data, cycle)
    print(
        f"{kind}: {len(data):,} B, {seconds:.3f} s, peak {peak / MIB:.1f} MiB, "
        f"RSS +{rss_growth / MIB:.1f} MiB"
    )
    assert refusal.startswith(message) or message in refusal
    assert seconds < SECONDS
    assert peak < MEMORY
    assert rss_growth < MEMORY


def test_a_crafted_file_is_refused_with_a_page_not_a_server_error(client, cycle):
    client.force_login(secretariat().user)
    data = CRAFTED["dimension bomb"][0]()
    response = client.post(url("sheet_import"), {"file": SimpleUploadedFile("b.xlsx", data)})
    assert response.status_code == 200
    assert (
        "ファイルが宣言している範囲（A1:XFD1048576）が大きすぎます。" in response.content.decode()
    )


def big_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for n in range(rows):
        cells = {"年度": 2021, "施策番号": "1-1", "展開番号": "②", "事業コード": f"bulk-{n:05d}",
                 "事業名": f"事業{n}", "実施主体": "武蔵野市", "担当課": "市民活動推進課",
                 "実施状況": "実施", "実施内容": f"講座を{n}回開いた。", "回数": 3, "参加者数": 40}  # fmt: skip
        writer.writerow([cells.get(column, "") for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def test_twenty_thousand_rows_are_refused_with_a_message(client, cycle):
    client.force_login(secretariat().user)
    upload = SimpleUploadedFile("big.csv", big_csv(20_000))
    response = client.post(url("sheet_import"), {"file": upload})
    assert response.status_code == 200
    assert "行が多すぎます（10,001 行以上）。一度に取り込めるのは 10,000 行までです。" in (
        response.content.decode()
    )
    assert not Project.objects.filter(code__startswith="bulk-").exists()


def test_twenty_thousand_excel_rows_are_refused_too(cycle):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for n in range(20_010):
        ws.append([n])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as refused:
        read_rows(SimpleUploadedFile("big.xlsx", out.getvalue()), cycle)
    assert refused.value.errors[0].startswith("行が多すぎます（10,004 行以上）。")


def test_three_thousand_rows_are_confirmed_well_within_the_worker_timeout(client, cycle):
    user = secretariat().user
    client.force_login(user)
    started = time.monotonic()
    preview = client.post(url("sheet_import"), {"file": SimpleUploadedFile("a.csv", big_csv(3000))})
    previewed = time.monotonic()
    token = preview.context["preview"].token
    confirm = client.post(url("sheet_import_confirm"), {"token": token})
    confirmed = time.monotonic()
    print(f"3,000 rows: preview {previewed - started:.1f} s, confirm {confirmed - previewed:.1f} s")
    assert confirm.status_code == 302
    assert Project.objects.filter(code__startswith="bulk-").count() == 3000
    assert (
        ProjectReport.objects.filter(cycle=cycle, project__code__startswith="bulk-").count() == 3000
    )
    # Every saved record has its history, as the importing user.
    created = Project.history.filter(code="bulk-02999").get()
    assert (created.history_type, created.history_user) == ("+", user)
    # The time limit (20 s, under gunicorn's 30 s) was not reached: the import finished.
    assert confirmed - previewed < 20


def test_a_double_clicked_confirm_saves_once_and_says_so(client, cycle):
    user = secretariat().user
    client.force_login(user)
    preview = client.post(url("sheet_import"), {"file": SimpleUploadedFile("a.csv", big_csv(2))})
    token = preview.context["preview"].token
    first = client.post(url("sheet_import_confirm"), {"token": token}, follow=True)
    second = client.post(url("sheet_import_confirm"), {"token": token}, follow=True)
    assert "取り込みました（新規 4 件、変更 0 件）。" in first.content.decode()
    assert (
        "この取り込みは既に保存しました（新規 4 件、変更 0 件）。二重には保存していません。"
        in second.content.decode()
    )
    assert "何も保存していません" not in second.content.decode()
    assert Project.objects.filter(code__startswith="bulk-").count() == 2
    assert ImportReceipt.objects.get(token=token).user == user


@pytest.mark.parametrize("cell", [b"<c/>", b"<c\n/>", b"<c\t/>", b"<c\r/>"])
def test_three_million_cells_are_refused_within_a_second_however_the_xml_spells_them(cycle, cell):
    # 300 rows of 10,000 empty cells: about 30 KB on the wire. A byte count of "<c/>" missed
    # "<c\n/>", and openpyxl then spent 10 s building the cells; the parser counts elements.
    data = xlsx(sheet(chunk=b"<row>" + cell * 10_000 + b"</row>", repeat=300), strings(b"", 0))
    refusal, seconds, peak, _rss = measured_refusal(data, cycle)
    assert refusal == "列が多すぎます（上限は 64 列）。"
    assert seconds < 1
    assert peak < MEMORY
