"""The 評価表 as a PDF: drawn on the server, cached like the print view, with page
numbers and the 施策 at the head of every page, in one font named by its file."""

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from evaluation.models import Cycle
from evaluation.sheet.pdf import font_file, sheet_pdf_html
from evaluation.sheet.table import build_table
from evaluation.views import sheet as sheet_views
from policies.models import Initiative, Measure
from tests.system_tools import require

pytestmark = pytest.mark.django_db
PDF = reverse("evaluation:sheet_pdf", kwargs={"plan": "revised-2017", "year": 2020})


@pytest.fixture
def demo():
    """The demo's 令和2年度: published, with 事業, self-evaluations and committee texts."""
    call_command("loaddata", "demo_users", "demo_evaluation", verbosity=0)


def pages_of(pdf: bytes, tmp_path, mode: str = "-layout") -> list[str]:
    """Each page's text: laid out as printed, or (``-raw``) in drawing order, where a
    cell's wrapped lines follow one another."""
    require("pdftotext", packages="poppler-utils")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", mode, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # a form feed ends every page


def test_the_public_gets_a_published_years_pdf_with_page_numbers(client, demo, tmp_path):
    response = client.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    pages = pages_of(response.content, tmp_path)
    assert 4 <= len(pages) <= 30  # 4 基本施策, 12 施策 of the real plan, A4 landscape
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"\b{number} / {total}\b", page), f"{number}ページ目に番号がない"
        assert "基本施策" in page and "施策" in page  # the head repeats on every page


def test_every_measure_number_and_initiative_title_is_in_the_pdf(client, demo, tmp_path):
    text = re.sub(r"\s+", "", "".join(pages_of(client.get(PDF).content, tmp_path, "-raw")))
    plan_measures = Measure.objects.filter(basic_policy__plan__code="revised-2017")
    assert all(m.number in text for m in plan_measures)
    items = Initiative.objects.filter(measure__basic_policy__plan__code="revised-2017")
    missing = [i.display_title for i in items if re.sub(r"\s+", "", i.display_title) not in text]
    assert missing == []


def test_the_pdf_is_drawn_once_until_something_is_saved(
    client, demo, monkeypatch, django_capture_on_commit_callbacks
):
    drawn = []
    real = sheet_views.sheet_pdf
    monkeypatch.setattr(sheet_views, "sheet_pdf", lambda *a: drawn.append(1) or real(*a))
    first = client.get(PDF).content
    assert client.get(PDF).content == first
    assert drawn == [1]


def test_an_unpublished_years_pdf_is_for_insiders_only(client, demo):
    unpublished = reverse("evaluation:sheet_pdf", kwargs={"plan": "revised-2017", "year": 2021})
    assert client.get(unpublished).status_code == 302  # to the login page


def test_a_plan_with_many_projects_per_measure_is_drawn_too(client, tmp_path):
    """Generated data (51 事業 per 12 施策), where a 施策 is taller than a page: its head
    (基本施策・施策 and the column headings) is drawn again on every page it continues on."""
    from ops.scale_data import generate

    plan = generate(1)
    url = reverse("evaluation:sheet_pdf", kwargs={"plan": plan.code, "year": 2019})  # 公開
    response = client.get(url)
    assert response.status_code == 200
    pages = pages_of(response.content, tmp_path, "-raw")
    assert len(pages) >= 12
    heads = [re.findall(r"^施策 (\d+-\d+) ", page, re.MULTILINE) for page in pages]
    assert all(heads), "施策の見出しのないページがある"
    continued = [n for n in range(1, len(pages)) if heads[n][0] == heads[n - 1][-1]]
    assert continued  # a 施策 running over a page break is named again on the next page


def test_no_page_but_the_last_is_under_a_third_full(client, demo, tmp_path):
    """The demo year drew 15 pages, page 2 three-quarters empty, before."""
    require("pdftotext", packages="poppler-utils")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(client.get(PDF).content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    fills = []
    for page in re.findall(r"<page (.*?)</page>", boxes, re.S):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page)]
        # The page number sits in the bottom margin (12 mm); the body ends above it.
        body = [y for y in bottoms if y < height - 34]
        fills.append(max(body) / height)
    assert len(fills) <= 12
    assert [round(f, 2) for f in fills[:-1] if f < 1 / 3] == []


HEAD_LABELS = [
    "令和2（2020）年度の実施状況",
    "事業（実施主体・担当課）",
    "指標（目標値／実績値・達成率）",
    "計画後期の展開",
    "今後の方向性",
    "事業の目標",
    "実施状況",
    "実施内容",
    "参加者数",
    "回数",
    "課題",
]


def test_a_measures_head_never_ends_a_page_alone(client, demo, tmp_path):
    alone = []
    for number, page in enumerate(pages_of(client.get(PDF).content, tmp_path, "-raw"), 1):
        heads = list(re.finditer(r"^施策 \d+-\d+ .*$", page, re.MULTILINE))
        rest = re.sub(r"\s+", "", page[heads[-1].end() :])
        for label in HEAD_LABELS:
            rest = rest.replace(label, "", 1)
        if not re.sub(r"(重点施策)?\d+/\d+$", "", rest):
            alone.append(number)
    assert alone == []


def test_the_public_pdf_names_its_publisher_date_scale_and_years_but_no_codes(
    client, demo, tmp_path, settings
):
    settings.PUBLISHER = "武蔵野市 市民部 市民活動推進課"
    text = "".join(pages_of(client.get(PDF).content, tmp_path, "-raw"))
    flat = re.sub(r"\s+", "", text)
    assert "発行者:武蔵野市市民部市民活動推進課" in flat
    assert re.search(r"作成日:令和\d+年\d+月\d+日", flat)
    assert "令和2（2020）年度実績／令和3（2021）年度評価" in flat
    assert "A達成／B概ね達成／C一部達成／D未達成／－評価不能" in flat
    assert "段階" not in flat and "公開前" not in flat
    assert not re.search(r"demo-[a-z]+-\d+", text)  # no 事業コード


FONT_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
DRAW = (
    "import sys, django; django.setup(); from evaluation.sheet.pdf import draw_pdf; "
    "sys.stdout.buffer.write(draw_pdf(sys.stdin.read()))"
)


def drawn_elsewhere(html: str, env: dict[str, str]) -> bytes:
    """The PDF drawn by a fresh process (fontconfig reads its configuration once)."""
    return subprocess.run(
        [sys.executable, "-c", DRAW],
        input=html.encode(),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "plan.settings", **env},
        capture_output=True,
        check=True,
        timeout=300,
    ).stdout


def fonts_of(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return sorted({line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]})


def test_the_pdf_has_the_same_pages_whatever_fonts_the_machine_has(demo, tmp_path, settings):
    """Drawn once with every font of this machine (IPA, Noto CJK or whatever else it has)
    and once with fontconfig pinned to the IPAex file alone: the same pages, in IPAex only."""
    require("pdffonts", "pdftotext", packages="poppler-utils")
    cycle = Cycle.objects.select_related("plan").get(plan__code="revised-2017", fiscal_year=2020)
    tables = render_to_string(
        "evaluation/_sheet_tables.html", {"cycle": cycle, "table": build_table(cycle)}
    )
    html = sheet_pdf_html(cycle, mark_safe(tables))
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "ipaexg.ttf").symlink_to(font_file())
    config = tmp_path / "fonts.conf"
    config.write_text(FONT_CONFIG.format(fonts=fonts, cache=tmp_path / "cache"))
    every_font = drawn_elsewhere(html, {})
    only_ipaex = drawn_elsewhere(html, {"FONTCONFIG_FILE": str(config)})
    assert len(pages_of(every_font, tmp_path)) == len(pages_of(only_ipaex, tmp_path))
    assert pages_of(every_font, tmp_path) == pages_of(only_ipaex, tmp_path)
    # Bold is the same face, drawn thicker; fontconfig may name it apart or not.
    ipaex = {"IPAexGothicSheet", "IPAexGothicSheet-Bold"}
    assert "IPAexGothicSheet" in fonts_of(every_font, tmp_path)
    assert set(fonts_of(every_font, tmp_path)) <= ipaex
    assert set(fonts_of(only_ipaex, tmp_path)) <= ipaex
