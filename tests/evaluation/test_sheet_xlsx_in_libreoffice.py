"""The exported Excel read by a real spreadsheet program: LibreOffice Calc (headless)
prints it to PDF, and the PDF's text shows every 施策 number, 展開 title and evaluation
text, with no line of one cell printed over another (rows are as tall as their text)."""

import re
import subprocess
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.core.management import call_command

from evaluation.models import Cycle, ProjectReport, SelfEvaluation
from evaluation.sheet.table import build_table
from evaluation.sheet.xlsx import write_xlsx
from policies.models import Initiative, Measure
from tests.system_tools import require

# Marked so that pytest-django creates the test database; the module fixture below works
# outside the tests' transactions and leaves the plan as it found it.
pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's published year, with long texts added, as LibreOffice prints it."""
    require("soffice", "pdftotext", packages="libreoffice-calc-nogui poppler-utils")
    with django_db_blocker.unblock():
        call_command("loaddata", "demo_users", "demo_evaluation", verbosity=0)
        cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=2020)
        report = ProjectReport.objects.filter(cycle=cycle).first()
        report.activities = "講座・イベントを開催し、参加者に市民活動団体を紹介した。" * 8
        report.save()
        evaluation = SelfEvaluation.objects.filter(cycle=cycle).first()
        evaluation.reason = "計画した事業を概ね実施できたが、若い世代の参加が少ない。" * 10
        evaluation.save()
        table = build_table(cycle)
        work = tmp_path_factory.mktemp("libreoffice")
        source = work / "sheet.xlsx"
        with source.open("wb") as out:
            write_xlsx(table, out)
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
                for cell in row[10:11]
                if isinstance(cell, str) and cell.startswith("評価：")
            ],
        }
        # Back to the plan alone, which every test database holds.
        call_command("flush", verbosity=0, interactive=False)
        call_command("load_plan", verbosity=0)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = work / "sheet.pdf"
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    boxes = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return expected, text, boxes


def test_every_measure_title_and_evaluation_text_is_printed(printed):
    expected, text, _boxes = printed
    flat = squeeze(text)
    assert len(expected["evaluations"]) >= 12
    missing = [
        value
        for key in ("measures", "titles", "evaluations")
        for value in expected[key]
        if squeeze(value) not in flat
    ]
    assert missing == []


def test_no_line_of_text_is_printed_over_another(printed):
    _expected, _text, boxes = printed
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", boxes))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    overlaps = []
    pages = root.findall(".//x:page", ns)
    assert len(pages) >= 4  # a page (at least) per 基本施策
    for number, page in enumerate(pages, start=1):
        lines = []
        for line in page.findall(".//x:line", ns):
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            words = "".join(w.text or "" for w in line.findall("x:word", ns))
            lines.append((box, words))
        for i, (a, text_a) in enumerate(lines):
            for b, text_b in lines[i + 1 :]:
                width = min(a[2], b[2]) - max(a[0], b[0])
                height = min(a[3], b[3]) - max(a[1], b[1])
                # Touching boxes are fine; a real overprint shares most of a line's height.
                if width > 1 and height > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                    overlaps.append((number, text_a[:20], text_b[:20]))
    assert overlaps == []
