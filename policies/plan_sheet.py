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
from typing import BinaryIO

from django.http import HttpResponseBase
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from policies.models import CIRCLED_NUMBERS, Direction, Initiative, Measure, Plan, RatingScale
from policies.spreadsheet import csv_chunks, xlsx_cell
from policies.stored_text import without_control_characters

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
    "basic_policy_label": "基本施策の呼び方",
    "measure_label": "施策の呼び方",
    "initiative_label": "展開の呼び方",
    "measure_description_label": "施策の説明の呼び方",
    "predecessor_label": "前の計画の呼び方",
    "priority_note": "重点施策の説明",
}
# The plan's own words (``Plan.basic_policy_label`` …): a file that leaves one out keeps
# the plan's current word (or the default for a new plan).
WORD_ITEMS = [
    "basic_policy_label",
    "measure_label",
    "initiative_label",
    "measure_description_label",
    "predecessor_label",
    "priority_note",
]
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
    } | {key: getattr(plan, key) for key in WORD_ITEMS}
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
        "name": "（例）第三期市民活動促進基本計画",
        "short_name": "第三期計画",
        "first_year": "令和4（2022）年度",
        "last_year": "令和8（2026）年度",
        "goal": "（例）市民活動の促進を通じて実現する社会像",
        "predecessor": "revised-2017",
        "rating_scale": "tama-4",
        "basic_policy_label": "基本施策",
        "measure_label": "施策",
        "initiative_label": "展開",
        "measure_description_label": "施策の説明",
        "predecessor_label": "前の計画",
        "priority_note": "（例）重点施策は、この計画で力を入れて取り組む施策です。",
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


# --- the template workbook: the example, a 説明 sheet, drop-downs ------------------------

TEMPLATE_NAME = "計画の構造_テンプレート"
EXPLANATION_SHEET = "説明"
CHOICES_SHEET = "選択肢"
TEMPLATE_ROWS_WITH_CHOICES = 300  # rows under 【施策体系】's header that get the drop-downs

# (見出し, what goes under it)
EXPLAINED_SECTIONS = [
    (
        SECTION_PLAN,
        "A列に項目、B列に内容を1行ずつ。必須は「計画名」「計画期間（開始年度）」「計画期間（終了年度）」。"
        "計画コード（半角英数字）を省くと「plan-開始年度」、略称を省くと計画名、評価尺度を省くと前の計画と同じ尺度になります。"
        "「前の計画」は読み込み済みの計画の略称・計画名・計画コードのどれか（一覧から選べます）。"
        "「計画期間」の1行に「令和4年度〜令和8年度」と書いてもかまいません。"
        "「基本施策の呼び方」「施策の呼び方」「展開の呼び方」（例: 基本目標・施策・取組）、「施策の説明の呼び方」、"
        "「前の計画の呼び方」、「重点施策の説明」は、この計画のページとファイルがそのまま使う言葉です（省くと今の言葉のまま）。",
    ),
    (
        SECTION_SCALE,
        "新しい評価尺度を作るときだけ書きます。すでにある尺度（一覧から選べます）を使うなら、この見出しごと消してかまいません。",
    ),
    (SECTION_DIRECTIONS, "計画の「新たな方向性」。なければ列見出しだけ残します。"),
    (
        SECTION_TREE,
        "展開ごとに1行。同じ施策の2行目からは、計画コード・基本施策・施策の列を空欄にしても（セルを結合しても）かまいません。"
        "列の順番は自由で、列見出しで読みます。「施策番号」の列は必須です。",
    ),
]
# (列, 意味, 書き方)
EXPLAINED_COLUMNS = [
    ("計画コード", "【計画】の計画コード", "空欄でもよい"),
    (
        "基本施策番号",
        "基本施策の番号",
        "1、１、基本施策1。空欄なら施策番号の前の数字（2-3 なら 2）",
    ),
    (
        "基本施策名",
        "基本施策の名称",
        "「基本施策」という列に「1 市民活動の裾野の拡大」と番号と一緒に書いてもよい",
    ),
    ("基本施策の説明", "基本施策の説明文", "省略可"),
    (
        "施策番号",
        "施策の番号（計画の中で重複しない）",
        "1-1、１－１、1ー1。「施策」という列に「1-1 きっかけづくり」と名称と一緒でもよい",
    ),
    ("施策名", "施策の名称", ""),
    ("施策の説明", "施策の説明文", "省略可"),
    (
        "重点施策",
        "重点施策かどうか",
        "○（一覧から選べます）、重点、重点施策、【重点施策】。重点施策でなければ空欄",
    ),
    (
        "展開番号",
        "施策の中の展開の番号",
        "①〜⑳（一覧から選べます）か 1〜20。「展開」の列に「① 名称」と書けば省略可",
    ),
    ("展開", "展開の名称", "再掲なら「（再掲）1-1②」と書くか、再掲元の列に書いて空欄に"),
    ("展開の内容", "展開の説明文", "省略可。再掲の行には書きません"),
    ("再掲元", "再掲の行だけ: もとの展開", "1-1②、1-1-2、（再掲）1-1②、1-1の②"),
    (
        "前計画の施策",
        "前の計画で対応する施策（年度をまたいで評価を比べるため）",
        "2-6。統合なら 1-1、1-2 や 1-1・1-2。分割なら同じ番号を複数の施策に",
    ),
]
EXPLAINED_ROWS: list[tuple[str, list[str | int]]] = [
    (
        "展開の行",
        [
            "next-2022",
            1,
            "市民活動の裾野の拡大",
            "",
            "1-1",
            "きっかけづくり",
            "",
            "○",
            "①",
            "講座の開催",
            "",
            "",
            "1-1",
        ],
    ),
    (
        "同じ施策の2行目（施策の列は空欄でよい）",
        ["", "", "", "", "", "", "", "", "②", "情報の発信", "", "", ""],
    ),
    ("再掲の行", ["", 1, "", "", "1-2", "情報の提供", "", "", "①", "（再掲）1-1①", "", "", "1-2"]),
    (
        "統合した施策（前の計画の2つの施策から）",
        [
            "",
            2,
            "市民活動の支援",
            "",
            "2-1",
            "相談と交流",
            "",
            "",
            "①",
            "相談窓口",
            "",
            "",
            "2-2・2-5",
        ],
    ),
    (
        "分割した施策（前の計画の1つの施策から2つに）",
        ["", 2, "", "", "2-2", "コーディネート", "", "", "①", "養成講座", "", "", "2-6"],
    ),
    ("", ["", 2, "", "", "2-3", "中間支援", "", "", "①", "連携会議", "", "", "2-6"]),
    (
        "展開のない計画の施策（展開の列は空欄、施策ごとに1行）",
        ["", 3, "場の提供", "", "3-1", "活動の場の提供", "", "", "", "", "", "", ""],
    ),
]
EXPLAINED_RULES = [
    "年度は 2022、令和4、R4、令和4年度、令和4（2022）年度 のどれでも読みます（平成31、令和元 も）。",
    "全角・半角の数字や記号、（）と()、「－」「ー」「−」の違いは区別しません。",
    "前計画の施策が複数なら「、」「・」「，」のどれで区切ってもかまいません。",
    "1枚目のシートだけを読みます（この説明のシートは読みません）。最初の見出しより上の表題の行も読みません。",
    "見出しや列見出しが読めないときは、その最初の1か所だけを、行と列と直し方で知らせます。"
    "値の誤りは、すべての行について行・列・入力された値を知らせます。",
    "取り込む前に確認画面で、新しく作るもの・変わるものの一覧を確かめます。確認するまで何も保存しません。",
    "ファイルにない施策や展開は削除しません。同じ計画コードのファイルを取り込み直すと、変わったところだけを更新します（変更履歴が残ります）。",
    "確定・公開した年度の評価表（公開した版）は、取り込みで変わりません。",
]


def _put(sheet: Worksheet, row: int, column: int, value: str | int | None) -> None:
    """A cell as ``xlsx_cell`` writes it: text typed as text (never a formula)."""
    if isinstance(value, str):
        value = without_control_characters(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def _list_validation(formula: str, cells: str, prompt: str) -> DataValidation:
    # A typed value outside the list is allowed (the import reads names and codes alike):
    # the list is a help, the preview the check.
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=False,
        showInputMessage=True,
        promptTitle="選択肢",
        prompt=prompt,
    )
    validation.add(cells)
    return validation


def write_template_xlsx(
    out: BinaryIO | HttpResponseBase, plans: list[str], scales: list[str]
) -> None:
    """The template: the example on the first sheet (the one the import reads), with
    drop-downs where a value comes from a list (前の計画 and 評価尺度 from ``plans`` and
    ``scales``, 重点施策, 展開番号), then the 説明 sheet and the hidden list of choices."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook holds one worksheet
    rows = list(template_rows())
    _example_sheet(sheet, rows)
    _choices_sheet(workbook.create_sheet(CHOICES_SHEET), plans, scales)
    _plan_choices(sheet, rows, plans, scales)
    _tree_choices(sheet, rows)
    _explanation(workbook.create_sheet(EXPLANATION_SHEET, 1))
    workbook.save(out)


def _example_sheet(sheet: Worksheet, rows: list[list]) -> None:
    sheet.title = "計画"
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            _put(sheet, number, column, value)
    for letter, width in zip(
        "ABCDEFGHIJKLM", [22, 40, 20, 16, 10, 24, 24, 10, 10, 24, 24, 10, 14], strict=True
    ):
        sheet.column_dimensions[letter].width = width


def _choices_sheet(choices: Worksheet, plans: list[str], scales: list[str]) -> None:
    """The hidden sheet the drop-downs of 前の計画 (column A) and 評価尺度 (B) list."""
    for number, value in enumerate(plans, start=1):
        _put(choices, number, 1, value)
    for number, value in enumerate(scales, start=1):
        _put(choices, number, 2, value)
    choices.sheet_state = "hidden"


def _line_of(rows: list[list], label: str) -> int:
    return next(i for i, row in enumerate(rows, start=1) if row and row[0] == label)


def _plan_choices(sheet: Worksheet, rows: list[list], plans: list[str], scales: list[str]) -> None:
    """Drop-downs on 【計画】's 前の計画 and 評価尺度 (when there is anything to choose)."""
    if plans:
        formula = f"{CHOICES_SHEET}!$A$1:$A${len(plans)}"
        cell = f"B{_line_of(rows, PLAN_ITEMS['predecessor'])}"
        sheet.add_data_validation(
            _list_validation(
                formula, cell, "読み込み済みの計画から選ぶか、計画名・計画コードを書きます。"
            )
        )
    if scales:
        formula = f"{CHOICES_SHEET}!$B$1:$B${len(scales)}"
        cell = f"B{_line_of(rows, PLAN_ITEMS['rating_scale'])}"
        sheet.add_data_validation(
            _list_validation(
                formula, cell, "すでにある評価尺度を選ぶか、【評価尺度】に新しい尺度を書きます。"
            )
        )


def _tree_choices(sheet: Worksheet, rows: list[list]) -> None:
    """Drop-downs on 【施策体系】's 重点施策 and 展開番号, on the example's rows and more."""
    first = _line_of(rows, SECTION_TREE) + 2
    last = first + TEMPLATE_ROWS_WITH_CHOICES
    columns = {name: chr(ord("A") + i) for i, name in enumerate(TREE_COLUMNS)}
    sheet.add_data_validation(
        _list_validation(
            f'"{PRIORITY_MARK}"',
            f"{columns['重点施策']}{first}:{columns['重点施策']}{last}",
            "重点施策なら ○、そうでなければ空欄。",
        )
    )
    sheet.add_data_validation(
        _list_validation(
            '"' + ",".join(CIRCLED_NUMBERS) + '"',
            f"{columns['展開番号']}{first}:{columns['展開番号']}{last}",
            "施策の中の展開の番号（①〜⑳）。",
        )
    )


def _explanation(sheet: Worksheet) -> None:
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    line = 0

    def put(*values: str | int, strong: bool = False) -> None:
        nonlocal line
        line += 1
        for column, value in enumerate(values, start=1):
            _put(sheet, line, column, value)
            cell = sheet.cell(row=line, column=column)
            cell.alignment = wrap
            if strong:
                cell.font = bold

    put("計画の構造（施策体系）の取り込み: 記入のしかた", strong=True)
    put("1枚目の「計画」シートの例を書き換えて、画面「計画の構造の取り込み」から取り込みます。")
    line += 1
    put("見出し", "書くこと", strong=True)
    for title, text in EXPLAINED_SECTIONS:
        put(title, text)
    line += 1
    put("【施策体系】の列", "意味", "書き方", strong=True)
    for name, meaning, how in EXPLAINED_COLUMNS:
        put(name, meaning, how)
    line += 1
    put(
        "行の種類",
        "【施策体系】の行の例（左から 計画コード、基本施策番号、… 前計画の施策）",
        strong=True,
    )
    for kind, row in EXPLAINED_ROWS:
        put(kind, "｜".join(str(v) for v in row))
    line += 1
    put("決まり", strong=True)
    for rule in EXPLAINED_RULES:
        put("・", rule)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 60
