"""The third plan of issue 25, typed the way a clerk types it: title rows, merged cells,
「① 名称」 in one cell, 「（再掲）1-1①」, 和暦 and 「1-1・1-2」. The first try is refused
with one message that says what to change; with that change made, it imports."""

import csv
import io

import pytest
from openpyxl import Workbook

from policies import plan_import
from policies.models import Initiative, Measure, Plan
from policies.plan_files import parse_file

pytestmark = pytest.mark.django_db

TITLE = "第三期武蔵野市市民活動促進基本計画　施策体系"
HEADER = ["基本施策", "施策", "重点", "取組", "前計画の施策"]
# 基本施策, then each 施策 with its 取組 (the clerk's 「① 名称」), 重点, 前計画の施策.
THIRD_PLAN = [
    (
        "1 市民活動への参加の促進",
        [
            ("1-1 市民活動のきっかけづくりと情報の提供", "○", "1-1・1-2",
             ["① きっかけづくりの場の提供", "② 情報発信の充実"]),
            ("1-2 多様な世代の参加の促進", "", "2-1",
             ["① 若い世代への働きかけ", "② （再掲）1-1①"]),
            ("1-3 学びの機会の提供", "重点", "2-4", ["① 講座の開催"]),
        ],
    ),
    (
        "2 市民活動の支援",
        [
            ("2-1 相談体制の充実", "", "2-2", ["① 相談窓口の運営"]),
            ("2-2 財政的な支援", "", "2-3", ["① 補助金の交付"]),
            ("2-3 コーディネート機能の強化", "【重点施策】", "2-6", ["① コーディネーターの養成"]),
            ("2-4 中間支援組織の支援力強化", "", "2-6",
             ["① 中間支援組織との連携", "②（再掲）2-3①"]),
        ],
    ),
    (
        "3 連携と協働の推進",
        [
            ("3-1 活動の場の提供", "", "3-1、3-2", ["① 武蔵野プレイスの活用"]),
            ("3-2 ネットワークの構築", "", "4-1", ["① 団体間の交流"]),
            ("3-3 庁内体制の整備", "", "4-2", ["① 職員研修"]),
        ],
    ),
]  # fmt: skip
# What the first message asks for, above the table's header row.
PLAN_ROWS = [
    ["【計画】"],
    ["計画名", "第三期武蔵野市市民活動促進基本計画"],
    ["計画期間（開始年度）", "令和4"],
    ["計画期間（終了年度）", "令和8年度"],
    ["前の計画", "改定計画"],
    ["【施策体系】"],
]


def clerk_sheet(above_header: list[list[str]]) -> bytes:
    """The clerk's workbook: two title rows (merged across), a blank row, the rows asked
    for, then the table with the 基本施策 and 施策 cells merged down their rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(["計画期間：令和4年度〜令和8年度"])
    sheet.append([])
    for row in above_header:
        sheet.append(row)
    sheet.append(HEADER)
    for policy, measures in THIRD_PLAN:
        policy_top = sheet.max_row + 1
        for measure, mark, lineage, items in measures:
            top = sheet.max_row + 1
            for number, item in enumerate(items):
                first = number == 0
                sheet.append(
                    [
                        policy if first and top == policy_top else None,
                        measure if first else None,
                        mark if first else None,
                        item,
                        lineage if first else None,
                    ]
                )
            for column in "BCE":
                if len(items) > 1:
                    sheet.merge_cells(f"{column}{top}:{column}{sheet.max_row}")
        sheet.merge_cells(f"A{policy_top}:A{sheet.max_row}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rounds() -> tuple[list[str], plan_import.Preview]:
    with pytest.raises(plan_import.ImportRejected) as first:
        parse_file("第三期.xlsx", clerk_sheet([]))
    second = parse_file("第三期.xlsx", clerk_sheet(PLAN_ROWS))
    return first.value.errors, plan_import.apply(second, user=None)


def test_the_first_try_is_refused_with_one_message_that_says_what_to_insert_where():
    errors, _saved = rounds()
    assert errors == [
        "このファイルはテンプレートの形になっていません（1行目は「第三期武蔵野市市民活動促進基本計画　施策体系」）。"
        "4行目の列見出し（施策番号など）の上に、A列に「【施策体系】」とだけ書いた行を入れてください。"
        "さらにその上に、A列に「【計画】」とだけ書いた行を入れ、その下に「計画名」「計画期間（開始年度）」"
        "「計画期間（終了年度）」「前の計画」などを、A列に項目、B列に内容で1行ずつ書いてください。"
        "表題の行はそのままでかまいません（テンプレートの「説明」シートに、各行の書き方と例があります）。"
    ]


def test_with_the_rows_it_asked_for_the_clerks_sheet_imports_as_typed():
    _errors, saved = rounds()
    plan = Plan.objects.get(code="plan-2022")
    assert (plan.name, plan.first_year, plan.last_year) == (
        "第三期武蔵野市市民活動促進基本計画",
        2022,
        2026,
    )
    assert plan.predecessor.code == "revised-2017"
    assert plan.rating_scale.code == "tama-4"  # the previous plan's
    assert saved.count("create") == 1 + 3 + 10 + 13
    measures = Measure.objects.of_plan(plan).prefetch_related("predecessors")
    assert [(m.number, m.title) for m in measures][:2] == [
        ("1-1", "市民活動のきっかけづくりと情報の提供"),
        ("1-2", "多様な世代の参加の促進"),
    ]
    assert [m.number for m in measures if m.is_priority] == ["1-1", "1-3", "2-3"]
    lineage = {m.number: sorted(p.number for p in m.predecessors.all()) for m in measures}
    assert lineage["1-1"] == ["1-1", "1-2"]  # merged
    assert lineage["2-3"] == lineage["2-4"] == ["2-6"]  # split
    assert lineage["3-1"] == ["3-1", "3-2"]
    items = Initiative.objects.filter(measure__basic_policy__plan=plan)
    assert items.count() == 13
    relistings = {
        str(i): i.original.measure.number + i.original.marker
        for i in items.filter(original__isnull=False).select_related("measure", "original__measure")
    }
    assert relistings == {
        "1-2② きっかけづくりの場の提供（再掲）": "1-1①",
        "2-4② コーディネーターの養成（再掲）": "2-3①",
    }


def clerk_csv(above_header: list[list[str]]) -> bytes:
    """The same sheet saved by Japanese Excel as 「CSV（コンマ区切り）」: Shift_JIS, and the
    merged cells empty below their first row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[TITLE], ["計画期間：令和4年度～令和8年度"], [], *above_header, HEADER])
    for policy, measures in THIRD_PLAN:
        for index, (measure, mark, lineage, items) in enumerate(measures):
            for number, item in enumerate(items):
                first = number == 0
                writer.writerow(
                    [
                        policy if first and index == 0 else "",
                        measure if first else "",
                        mark if first else "",
                        item,
                        lineage if first else "",
                    ]
                )
    return out.getvalue().encode("cp932")


def test_the_same_sheet_as_a_shift_jis_csv_takes_the_same_two_rounds():
    with pytest.raises(plan_import.ImportRejected) as first:
        parse_file("第三期.csv", clerk_csv([]))
    assert len(first.value.errors) == 1
    assert "4行目の列見出し（施策番号など）の上に" in first.value.errors[0]
    saved = plan_import.apply(parse_file("第三期.csv", clerk_csv(PLAN_ROWS)), user=None)
    assert saved.count("create") == 1 + 3 + 10 + 13
