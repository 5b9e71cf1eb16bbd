"""The plan's structure as one sheet: the layout that ``export_plan`` writes and
``import_plan`` reads (Excel or CSV, the same rows).

Four sections, each starting with its title in column A, then a header row, then data:

- 【計画】: one 項目/内容 pair a row (計画コード, 計画名, 略称, 開始年度, 終了年度, 社会像,
  前の計画, 評価尺度).
- 【評価尺度】: the scale's levels (尺度コード, 尺度名, 記号, 意味, 点数, 表示順).
- 【新たな方向性】: 番号 and 方向性 (may be left empty).
- 【施策体系】: one row per 展開 (a 施策 without 展開 has one row with the 展開 columns empty).
"""

import io
from collections.abc import Iterator

from openpyxl import Workbook

from policies.models import Direction, Initiative, Measure, Plan, RatingScale
from policies.spreadsheet import csv_chunks, xlsx_cell

SECTION_PLAN = "【計画】"
SECTION_SCALE = "【評価尺度】"
SECTION_DIRECTIONS = "【新たな方向性】"
SECTION_TREE = "【施策体系】"
SECTIONS = [SECTION_PLAN, SECTION_SCALE, SECTION_DIRECTIONS, SECTION_TREE]

PLAN_ITEMS = {
    "code": "計画コード",
    "name": "計画名",
    "short_name": "略称",
    "first_year": "計画期間（開始年度）",
    "last_year": "計画期間（終了年度）",
    "goal": "社会像",
    "predecessor": "前の計画",
    "rating_scale": "評価尺度",
}
PLAN_HEADER = ["項目", "内容"]
SCALE_COLUMNS = ["尺度コード", "尺度名", "記号", "意味", "点数", "表示順"]
DIRECTION_COLUMNS = ["番号", "方向性"]
TREE_COLUMNS = [
    "計画コード",
    "基本施策番号",
    "基本施策名",
    "基本施策の説明",
    "施策番号",
    "施策名",
    "施策の説明",
    "重点施策",
    "展開番号",
    "展開",
    "展開の内容",
    "再掲元",
    "前計画の施策",
]
PRIORITY_MARK = "○"
# The default scale as the fixtures name it (rating_scale.json), for the template.
DEFAULT_SCALE_NAME = "既定の例: 4段階評価（A 達成／B 概ね達成／C 一部達成／D 未達成、－ 評価不能）"
LIST_SEPARATOR = "、"


def initiative_label(initiative: Initiative) -> str:
    """How a 再掲元 is written: 施策番号 and the circled 展開番号, e.g. 1-2①."""
    return f"{initiative.measure.number}{initiative.marker}"


def plan_rows(plan: Plan) -> Iterator[list]:
    """Every row of the layout for a loaded plan."""
    yield [SECTION_PLAN]
    yield PLAN_HEADER
    values = {
        "code": plan.code,
        "name": plan.name,
        "short_name": plan.short_name,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "goal": plan.goal,
        "predecessor": plan.predecessor.code if plan.predecessor else "",
        "rating_scale": plan.rating_scale.code,
    }
    for key, label in PLAN_ITEMS.items():
        yield [label, values[key]]
    yield from scale_rows(plan.rating_scale)
    yield [SECTION_DIRECTIONS]
    yield DIRECTION_COLUMNS
    for direction in Direction.objects.filter(plan=plan).order_by("number"):
        yield [direction.number, direction.title]
    yield [SECTION_TREE]
    yield TREE_COLUMNS
    measures = (
        Measure.objects.of_plan(plan)
        .select_related("basic_policy")
        .prefetch_related("predecessors", "initiatives__original__measure")
        .order_by("basic_policy__number", "order")
    )
    for measure in measures:
        bp = measure.basic_policy
        head = [
            plan.code,
            bp.number,
            bp.title,
            bp.description,
            measure.number,
            measure.title,
            measure.description,
            PRIORITY_MARK if measure.is_priority else "",
        ]
        lineage = LIST_SEPARATOR.join(p.number for p in measure.predecessors.all())
        initiatives = list(measure.initiatives.all())
        if not initiatives:
            yield [*head, "", "", "", "", lineage]
        for initiative in initiatives:
            yield [
                *head,
                initiative.marker,
                initiative.title,
                initiative.description,
                initiative_label(initiative.original) if initiative.original else "",
                lineage,
            ]


def scale_rows(scale: RatingScale) -> Iterator[list]:
    yield [SECTION_SCALE]
    yield SCALE_COLUMNS
    for level in scale.levels.order_by("order"):
        points = "" if level.points is None else level.points
        yield [scale.code, scale.name, level.code, level.label, points, level.order]


def template_rows() -> Iterator[list]:
    """An example plan for the template download: every section, a 再掲 and a lineage."""
    yield [SECTION_PLAN]
    yield PLAN_HEADER
    example = {
        "code": "next-2022",
        "name": "（例）第二期市民活動促進基本計画",
        "short_name": "第二期計画",
        "first_year": 2022,
        "last_year": 2031,
        "goal": "（例）市民活動の促進を通じて実現する社会像",
        "predecessor": "revised-2017",
        "rating_scale": "tama-4",
    }
    for key, label in PLAN_ITEMS.items():
        yield [label, example[key]]
    yield [SECTION_SCALE]
    yield SCALE_COLUMNS
    for code, label, points, order in [
        ("A", "達成", 4, 1),
        ("B", "概ね達成", 3, 2),
        ("C", "一部達成", 2, 3),
        ("D", "未達成", 1, 4),
        ("－", "評価不能", "", 5),
    ]:
        yield ["tama-4", DEFAULT_SCALE_NAME, code, label, points, order]
    yield [SECTION_DIRECTIONS]
    yield DIRECTION_COLUMNS
    yield [1, "（例）新たな方向性"]
    yield [SECTION_TREE]
    yield TREE_COLUMNS
    first = ["next-2022", 1, "（例）市民活動の裾野の拡大", "", "1-1", "（例）きっかけづくり"]
    yield [
        *first,
        "（例）施策の説明",
        PRIORITY_MARK,
        "①",
        "（例）展開",
        "（例）展開の内容",
        "",
        "1-1",
    ]
    yield [*first, "（例）施策の説明", PRIORITY_MARK, "②", "（例）二つ目の展開", "", "", "1-1"]
    second = ["next-2022", 1, "（例）市民活動の裾野の拡大", "", "1-2", "（例）情報の提供"]
    yield [*second, "", "", "①", "", "", "1-1①", f"1-2{LIST_SEPARATOR}2-1"]


def write_csv(rows: Iterator[list], out: io.TextIOBase) -> None:
    """As every CSV of the app (``csv_chunks``): Japanese Excel opens it as UTF-8, and text
    Excel would run as a formula stays text (the import reads it back as written)."""
    for chunk in csv_chunks(rows):
        out.write(chunk)


def write_xlsx(rows: Iterator[list], out) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("計画")
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    workbook.save(out)
