"""The 評価表 as machine-readable CSV, one file per level (施策, 事業, 指標) and a guide to
their columns: every file parses with Python's csv module, one value per cell, and the 施策
file has a row for every 施策 of every demo year, the real 平成28 opinions included."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Cycle, Indicator, IndicatorValue, ProjectIndicator, ProjectReport
from tests.factories import measure, secretariat

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def rows_of(client, level: str, plan: str, year: int) -> list[dict[str, str]]:
    return read(client, level, plan, year)[1]


def read(client, level: str, plan: str, year: int) -> tuple[list[str], list[dict[str, str]]]:
    url = reverse(f"evaluation:sheet_csv_{level}", kwargs={"plan": plan, "year": year})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Japanese Excel opens it as UTF-8
    table = list(csv.reader(io.StringIO(text[1:], newline="")))
    header, body = table[0], table[1:]
    assert len(set(header)) == len(header)
    assert all(len(row) == len(header) for row in body)  # one value per cell, every row
    return header, [dict(zip(header, row, strict=True)) for row in body]


DEMO_YEARS = [("basic-2012", 2016), *(("revised-2017", year) for year in range(2017, 2022))]


@pytest.mark.parametrize(("plan", "year"), DEMO_YEARS)
def test_every_demo_year_has_a_row_for_each_of_its_12_measures(client, demo, plan, year):
    client.force_login(secretariat().user)  # 2021 is not published yet
    rows = rows_of(client, "measures", plan, year)
    assert len(rows) == 12
    assert [r["年度（西暦）"] for r in rows] == [str(year)] * 12
    assert len({r["施策番号"] for r in rows}) == 12
    for level in ("projects", "indicators", "columns"):
        rows_of(client, level, plan, year)


def test_the_heisei_28_opinions_are_a_row_each_with_their_text(client, demo):
    rows = rows_of(client, "measures", "basic-2012", 2016)  # 公開: no login needed
    assert all(r["委員会による評価及び意見"] for r in rows)
    assert {r["委員会評価の状態"] for r in rows} == {"確定"}
    assert rows[0]["年度（和暦）"] == "平成28（2016）年度"


def test_a_measure_row_holds_the_committees_and_each_bodys_evaluation(client, demo):
    rows = rows_of(client, "measures", "revised-2017", 2020)
    first = rows[0]
    assert first["施策番号"] == "1-1" and first["重点施策"] == "1"
    assert first["委員会評価"] == "A" and first["委員会評価の意味"] == "達成"
    assert first["自己評価（市）"] == "A" and first["自己評価の状態（市）"] == "入力済"
    assert first["評価の理由（市）"].startswith("【デモ】")
    states = {
        r[f"自己評価の状態（{b}）"] for r in rows for b in ("市", "武蔵野プレイス", "市民社協")
    }
    assert states <= {"入力済", "未入力", "該当なし"}


def test_a_project_has_a_row_under_each_item_it_is_listed_under_relistings_marked(client, demo):
    rows = rows_of(client, "projects", "revised-2017", 2020)
    relisted = [r for r in rows if r["再掲"] == "1"]
    assert relisted and all(r["再掲元の施策番号"] and r["再掲元の展開番号"] for r in relisted)
    for row in relisted:
        original = next(
            r
            for r in rows
            if r["施策番号"] == row["再掲元の施策番号"]
            and r["展開番号"] == row["再掲元の展開番号"]
            and r["事業コード"] == row["事業コード"]
        )
        assert original["再掲"] == "0" and original["実施内容"] == row["実施内容"]
    assert all(r["回数（回）"] == "" or r["回数（回）"].isdigit() for r in rows)


def test_indicators_are_a_row_each_with_plain_numbers(client, demo):
    cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=2020)
    report = ProjectReport.objects.filter(cycle=cycle).select_related("project").first()
    ProjectIndicator.objects.create(
        report=report, kind="activity", name="講座の回数", unit="回",
        target=Decimal("4"), actual=Decimal("3"), order=1,
    )  # fmt: skip
    reference = Indicator.objects.create(
        plan=cycle.plan, name="市民活動団体の数", unit="団体", source="市民活動推進課調べ"
    )
    reference.measures.add(measure("1-1"))
    IndicatorValue.objects.create(
        indicator=reference, fiscal_year=2020, actual=Decimal("1234.5"), target=Decimal("1200")
    )
    rows = rows_of(client, "indicators", "revised-2017", 2020)
    shown = [(r["区分"], r["指標名"], r["目標値"], r["実績値"], r["達成率（%）"]) for r in rows]
    assert shown[0] == ("活動指標", "講座の回数", "4", "3", "75.0")
    assert ("参考指標", "市民活動団体の数", "1200", "1234.5", "102.9") in shown
    assert ("参考指標", "【デモ】ボランティア講座の受講者数", "", "240", "") in shown
    assert rows[0]["事業コード"] == report.project.code
    assert {r["施策番号"] for r in rows if r["指標名"] == "市民活動団体の数"} == {"1-1"}


def test_the_column_guide_describes_every_column_of_the_three_files(client, demo):
    guide = rows_of(client, "columns", "revised-2017", 2020)
    for level in ("measures", "projects", "indicators"):
        header = read(client, level, "revised-2017", 2020)[0]
        described = [g["列"] for g in guide if g["ファイル"] == f"sheet-{level}.csv"]
        assert described == header
    assert all(g["説明"] for g in guide)


def test_the_column_guide_names_each_level_as_the_plan_calls_it(client, demo):
    guide = {
        (g["ファイル"], g["列"]): g["説明"]
        for g in rows_of(client, "columns", "revised-2017", 2020)
    }
    assert guide[("sheet-projects.csv", "展開")] == "展開（この計画では「計画後期の展開」）の名称"
    assert guide[("sheet-measures.csv", "施策の目標")] == (
        "計画に書かれた施策の説明（この計画では「施策の目標」）"
    )
    assert guide[("sheet-measures.csv", "施策名")] == "施策の名称"


def test_the_sheet_and_open_data_pages_link_the_three_files(client, demo):
    links = [
        reverse(f"evaluation:sheet_csv_{level}", kwargs={"plan": "revised-2017", "year": 2020})
        for level in ("measures", "projects", "indicators", "columns")
    ]
    sheet = client.get(
        reverse("evaluation:sheet_print", kwargs={"plan": "revised-2017", "year": 2020})
    )
    opendata = client.get(reverse("publication:opendata"))
    for page in (sheet, opendata):
        assert all(link in page.content.decode() for link in links)
