"""The 評価表 as a PDF: drawn on the server, cached like the print view, with page
numbers and the 基本施策 at the head of every page."""

import re
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

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
        assert "基本施策" in page  # the caption row repeats on continuation pages


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
    """Generated data (51 事業 per 12 施策), where a 施策 can be taller than a page."""
    from ops.scale_data import generate

    plan = generate(1)
    url = reverse("evaluation:sheet_pdf", kwargs={"plan": plan.code, "year": 2019})  # 公開
    response = client.get(url)
    assert response.status_code == 200
    pages = pages_of(response.content, tmp_path, "-raw")
    assert len(pages) >= 4
    assert pages_ending_with_a_policy_head(pages) == []


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
    "施策",
    "回数",
    "課題",
]


def pages_ending_with_a_policy_head(pages: list[str]) -> list[int]:
    """Pages (text in drawing order, ``-raw``) whose last 基本施策 head has nothing under
    it: after the caption only the column headings, the page number and (clipped) the
    caption's hidden copy for screen readers."""
    alone = []
    for number, page in enumerate(pages, start=1):
        heads = list(re.finditer(r"^基本施策\d+ .*$", page, re.MULTILINE))
        if not heads:
            continue
        caption = re.sub(r"\s+", "", heads[-1].group())
        rest = re.sub(r"\s+", "", page[heads[-1].end() :])
        for label in HEAD_LABELS:
            rest = rest.replace(label, "", 1)
        rest = re.sub(r"\d+/\d+$", "", rest)
        if caption.startswith(rest):
            alone.append(number)
    return alone


def test_a_policy_head_never_ends_a_page_alone(client, demo, tmp_path):
    """The demo year drew 基本施策2's head alone at the foot of page 2 before."""
    pages = pages_of(client.get(PDF).content, tmp_path, "-raw")
    assert pages_ending_with_a_policy_head(pages) == []
    # Without a forced break per 基本施策, no page is left mostly empty for the next one:
    # 4 基本施策 of 12 施策, with the 事業概要 the published year prints, fill 11 pages.
    assert len(pages) <= 11
