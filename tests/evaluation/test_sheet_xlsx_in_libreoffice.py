"""The exported Excel read by a real spreadsheet program: LibreOffice Calc (headless)
prints it to PDF, and the PDF read back shows every 施策 number, 展開 title and evaluation
text, no line of one cell printed over another (rows are as tall as their text), 「n / N」
on every page, every page naming the 施策 it shows, and no text smaller than 8 pt.

Carlito (Debian's fonts-crosextra-carlito, installed by .ci/run) stands in for Calibri, the
workbook's default font that Excel measures column widths in; without it LibreOffice draws
the columns a quarter wider than Excel does and the sheet no longer fits the paper."""

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluation.models import CommitteeSummary, Cycle, ProjectReport, SelfEvaluation
from evaluation.sheet.table import build_table
from evaluation.sheet.xlsx import SMALLEST_PRINTED_SIZE, write_xlsx
from policies.models import Initiative, Measure
from tests.system_tools import require

# Marked so that pytest-django creates the test database; the module fixtures below work
# outside the tests' transactions and leave the plan as they found it.
pytestmark = pytest.mark.django_db
NS = {"x": "http://www.w3.org/1999/xhtml"}
SUMMARY = "各施策とも概ね計画どおり進んだが、若い世代の参加を広げる工夫が引き続き求められる。"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def print_with_libreoffice(source: Path) -> Path:
    require("soffice", "pdftotext", packages="libreoffice-calc-nogui poppler-utils")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{source.parent}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return source.with_suffix(".pdf")


def pdf_text(pdf: Path, mode: str) -> str:
    return subprocess.run(
        ["pdftotext", mode, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def pages_of(pdf: Path) -> list:
    """Each page of ``pdftotext -bbox-layout`` as an element tree."""
    boxes = pdf_text(pdf, "-bbox-layout")
    return ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", boxes)).findall(".//x:page", NS)


def word_heights(page) -> list[float]:
    return [float(w.get("yMax")) - float(w.get("yMin")) for w in page.iterfind(".//x:word", NS)]


@pytest.fixture(scope="module")
def points_per_height(tmp_path_factory) -> float:
    """What a word's box height is in font points, as this LibreOffice draws its Japanese
    Gothic: a 10 pt cell printed at 100 %."""
    work = tmp_path_factory.mktemp("calibration")
    book = openpyxl.Workbook()
    book.active["A1"] = "計画目標の達成状況"
    book.active["A1"].font = openpyxl.styles.Font(name="ＭＳ Ｐゴシック", size=10)
    book.save(work / "ten.xlsx")
    (page,) = pages_of(print_with_libreoffice(work / "ten.xlsx"))
    return 10 / max(word_heights(page))


def printed_sheet(
    cycle: Cycle, work: Path, summary: CommitteeSummary | None = None
) -> tuple[Path, int]:
    source = work / "sheet.xlsx"
    with source.open("wb") as out:
        pages = write_xlsx(build_table(cycle), out, summary)
    return source, pages


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's published year, with long texts added, as LibreOffice prints it."""
    with django_db_blocker.unblock():
        call_command("loaddata", "demo_users", "demo_evaluation", verbosity=0)
        cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=2020)
        report = ProjectReport.objects.filter(cycle=cycle).first()
        report.activities = "講座・イベントを開催し、参加者に市民活動団体を紹介した。" * 8
        report.save()
        evaluation = SelfEvaluation.objects.filter(cycle=cycle).first()
        evaluation.reason = "計画した事業を概ね実施できたが、若い世代の参加が少ない。" * 10
        evaluation.save()
        summary = CommitteeSummary.objects.create(
            cycle=cycle, text=SUMMARY, confirmed_at=timezone.now()
        )
        source, page_count = printed_sheet(cycle, tmp_path_factory.mktemp("libreoffice"), summary)
        expected = {
            "measures": [m.number for m in Measure.objects.of_plan(cycle.plan)],
            "titles": [
                i.display_title
                for i in Initiative.objects.filter(
                    measure__basic_policy__plan=cycle.plan
                ).select_related("original")
            ],
            "evaluations": [
                cell
                for row in openpyxl.load_workbook(source).active.iter_rows(values_only=True)
                for cell in row[9:10]
                if isinstance(cell, str) and cell.startswith("評価：")
            ],
            "measure_titles": [
                f"{m.number} {m.title}" for m in Measure.objects.of_plan(cycle.plan)
            ],
            "summary": [SUMMARY],
            "pages": page_count,
        }
        # Back to the plan alone, which every test database holds.
        call_command("flush", verbosity=0, interactive=False)
        call_command("load_plan", verbosity=0)
    pdf = print_with_libreoffice(source)
    return expected, pdf


@pytest.fixture(scope="module")
def printed_large(django_db_setup, django_db_blocker, tmp_path_factory):
    """A generated plan of 108 施策 (9 times the real one), its published year printed."""
    from ops.scale_data import generate

    with django_db_blocker.unblock():
        plan = generate(9)
        cycle = Cycle.objects.get(plan=plan, fiscal_year=2019)  # 公開
        source, page_count = printed_sheet(cycle, tmp_path_factory.mktemp("large"))
        titles = [f"{m.number} {m.title}" for m in Measure.objects.of_plan(plan)]
        call_command("flush", verbosity=0, interactive=False)
        call_command("load_plan", verbosity=0)
    return titles, page_count, print_with_libreoffice(source)


def test_every_measure_title_evaluation_text_and_the_summary_is_printed(printed):
    expected, pdf = printed
    flat = squeeze(pdf_text(pdf, "-raw"))
    assert len(expected["evaluations"]) >= 12
    missing = [
        value
        for key in ("measures", "titles", "evaluations", "summary")
        for value in expected[key]
        if squeeze(value) not in flat
    ]
    assert missing == []


def test_no_line_of_text_is_printed_over_another(printed):
    _expected, pdf = printed
    overlaps = []
    pages = pages_of(pdf)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        lines = []
        for line in page.findall(".//x:line", NS):
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            words = "".join(w.text or "" for w in line.findall("x:word", NS))
            lines.append((box, words))
        for i, (a, text_a) in enumerate(lines):
            for b, text_b in lines[i + 1 :]:
                width = min(a[2], b[2]) - max(a[0], b[0])
                height = min(a[3], b[3]) - max(a[1], b[1])
                # Touching boxes are fine; a real overprint shares most of a line's height.
                if width > 1 and height > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                    overlaps.append((number, text_a[:20], text_b[:20]))
    assert overlaps == []


def check_pages(pdf: Path, measure_titles: list[str], page_count: int, points_per_height: float):
    """The pages the export broke the sheet into, and no more (the columns fit the paper's
    width, the rows its height); each with 「n / N」, the title and year in its header, a
    施策 title, and no word under 8 pt."""
    texts = pdf_text(pdf, "-raw").split("\f")[:-1]
    assert len(texts) == page_count
    titles = [squeeze(t) for t in measure_titles]
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"\b{number} / {page_count}\b", text), f"{number}ページ目に番号がない"
        assert "計画目標の達成状況評価表" in text and "年度 実績／" in text
        flat = squeeze(text)
        assert any(t in flat for t in titles), f"{number}ページ目に施策の名前がない"
    smallest = min(min(word_heights(page)) for page in pages_of(pdf)) * points_per_height
    assert smallest >= SMALLEST_PRINTED_SIZE - 0.05


def test_the_demo_years_pages_are_numbered_titled_and_readable(printed, points_per_height):
    expected, pdf = printed
    check_pages(pdf, expected["measure_titles"], expected["pages"], points_per_height)


def test_a_plan_of_108_measures_prints_the_same_way(printed_large, points_per_height):
    titles, page_count, pdf = printed_large
    assert page_count > 20
    check_pages(pdf, titles, page_count, points_per_height)
