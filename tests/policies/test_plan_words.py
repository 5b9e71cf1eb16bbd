"""Each plan speaks its own words: the 基本計画, the 改定計画 and an imported plan with its
own level names are crawled, and no page or file of one shows another plan's words."""

import io
import re
from collections import deque

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import Phase
from policies import plan_import
from policies.models import Initiative, Plan
from policies.plan_files import parse_file
from tests.factories import CycleFactory, ProjectFactory, secretariat

pytestmark = pytest.mark.django_db

THIRD = """\ufeff【計画】
計画名,第三期計画（例）
略称,第三期計画
計画期間,令和4年度〜令和8年度
前の計画,改定計画
基本施策の呼び方,基本目標
施策の呼び方,施策
展開の呼び方,主な取組
施策の説明の呼び方,施策の方向
前の計画の呼び方,前期計画
重点施策の説明,重点施策は、第三期計画で特に力を入れる施策です。
【施策体系】
基本目標番号,基本目標名,施策番号,施策名,施策の方向,重点施策,主な取組,前計画の施策
1,参加の促進,1-1,きっかけづくり,参加のきっかけをつくります,○,① 体験の場,1-1・1-2
1,,1-2,学び,,,① 講座,2-4
"""
# The words only one plan says (its level names, its predecessor's, its 重点施策's note).
WORDS = {
    "basic-2012": [],
    "revised-2017": ["計画後期の展開", "改定前の計画", "改定計画で力を入れて"],
    "plan-2022": ["基本目標", "主な取組", "施策の方向", "前期計画", "第三期計画で特に力を入れる"],
}


# A year of each plan, 公開 so that its open data is served too, with a 事業 under a 展開.
YEARS = {"basic-2012": 2015, "revised-2017": 2021, "plan-2022": 2022}
DATASETS = ("measures", "projects", "project-initiatives", "project-indicators", "summary")


def give_each_plan_a_published_year() -> None:
    for code, year in YEARS.items():
        plan = Plan.objects.get(code=code)
        CycleFactory(plan=plan, fiscal_year=year, phase=Phase.PUBLISHED)
        # The 基本計画 is loaded without 展開: its 事業 stands under no item.
        first = Initiative.objects.filter(measure__basic_policy__plan=plan, original=None).first()
        ProjectFactory(plan=plan, first_year=year, initiatives=[first] if first else [])


def as_text(path: str, response) -> str:
    data = b"".join(response) if response.streaming else response.content
    if path.endswith(".xlsx"):  # every cell of every sheet
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return data.decode("utf-8-sig")


def crawl(client: Client, code: str) -> dict[str, str]:
    """Every page and file of the plan reached from its tree, its dashboards and its years
    (addresses under /plans/<code>/, /dashboard/<code>/ and /cycles/<code>/: the 評価表's
    print view, Excel and CSV files among them), and its year's open data, as text."""
    prefixes = (f"/plans/{code}/", f"/dashboard/{code}/", f"/cycles/{code}/")
    year = YEARS[code]
    opendata = [
        reverse(f"publication:opendata_{fmt}", kwargs={"plan": code, "year": year, "dataset": d})
        for d in DATASETS
        for fmt in ("csv", "json")
    ]
    seen: dict[str, str] = {}
    queue = deque([*prefixes, f"/cycles/{code}/{year}/", *opendata])
    while queue:
        path = queue.popleft()
        if path in seen or path.endswith((".pdf", ".zip")) or "/editions/" in path:
            continue  # the PDF is the print view drawn; the bundle and editions hold these files
        response = client.get(path)
        assert response.status_code == 200, path
        seen[path] = text = as_text(path, response)
        for href in re.findall(r'href="([^"#?]+)', text):
            if href.startswith(prefixes):
                queue.append(href.replace("&amp;", "&"))
    return seen


def test_no_page_or_file_of_one_plan_shows_another_plans_words(client):
    plan_import.apply(parse_file("third.csv", THIRD.encode("utf-8")), user=None)
    give_each_plan_a_published_year()
    client.force_login(secretariat().user)
    for code, own in WORDS.items():
        others = [w for other, words in WORDS.items() if other != code for w in words]
        pages = crawl(client, code)
        year = YEARS[code]
        assert {
            f"/plans/{code}/structure.csv",
            f"/dashboard/{code}/",
            f"/cycles/{code}/{year}/sheet/",
            f"/cycles/{code}/{year}/sheet.xlsx",
            f"/cycles/{code}/{year}/sheet-columns.csv",
            f"/opendata/{code}/{year}/project-initiatives.json",
        } <= set(pages), code
        for path, text in pages.items():
            shown = [w for w in others if w in text]
            assert not shown, f"{path} shows {shown}"
        if own:  # and the plan's own words are there
            assert all(any(w in t for t in pages.values()) for w in own), code
        if code == "plan-2022":  # its 評価表 heads the 展開 column with its own word
            assert "主な取組" in pages[f"/cycles/{code}/{year}/sheet.xlsx"]
            assert "主な取組" in pages[f"/cycles/{code}/{year}/sheet/"]
