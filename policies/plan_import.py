"""Import of a plan's structure from the layout of ``plan_sheet`` (Excel or CSV).

Three steps, each usable alone (the upload page and ``import_plan`` use all three):

1. ``parse(rows)`` reads the rows as a clerk types them (``plan_values``: 和暦, 「① 名称」,
   「（再掲）1-1②」, 「1-1・1-2」, merged cells, columns in any order, title rows above the
   first heading) and returns a ``Structure`` (plain data, kept in the session between
   preview and confirm) or ``ImportRejected``: the first problem of the layout alone (which
   heading or header row is expected where), or else every problem of the values, each
   with its row, column letter and the text as typed, in Japanese.
2. ``preview(structure)`` checks it against the database (前の計画, 前計画の施策, the
   rating scale, overlapping periods) and lists what saving would create or change,
   per level, matched by natural keys (計画コード, 基本施策番号, 施策番号, 展開番号).
   Nothing is written.
3. ``apply(structure, user, digest)`` saves it in one transaction, only if the changes
   are still the ones previewed (``digest``). Changed records are saved (with history,
   as ``user``); unchanged ones are not touched, so an unchanged re-import changes
   nothing. Nothing is deleted: what the file leaves out is listed and kept.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from openpyxl.utils import get_column_letter

from policies.fiscal_years import parse_fiscal_year, wareki
from policies.models import (
    CIRCLED_NUMBERS,
    BasicPolicy,
    Direction,
    Initiative,
    Measure,
    Plan,
    RatingLevel,
    RatingScale,
)
from policies.plan_sheet import (
    DIRECTION_COLUMNS,
    PLAN_HEADER,
    PLAN_ITEMS,
    PRIORITY_MARK,
    SCALE_COLUMNS,
    SECTION_DIRECTIONS,
    SECTION_PLAN,
    SECTION_SCALE,
    SECTION_TREE,
    SECTIONS,
    TREE_COLUMNS,
    WORD_ITEMS,
)
from policies.plan_values import (
    bare,
    basic_policy_number,
    header_name,
    is_relisting,
    measure_list,
    measure_number,
    normalized,
    position,
    priority,
    reference,
    without_relisting_mark,
)
from policies.spreadsheet import ImportRejected, unprotect

HEADERS = {
    SECTION_PLAN: PLAN_HEADER,
    SECTION_SCALE: SCALE_COLUMNS,
    SECTION_DIRECTIONS: DIRECTION_COLUMNS,
    SECTION_TREE: TREE_COLUMNS,
}
SECTION_BY_NAME = {bare(title): title for title in SECTIONS}
PLAN_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


# ----------------------------------------------------------------------------- structure


@dataclass
class MeasureData:
    line: int
    number: str
    basic_policy: int
    order: int
    title: str
    description: str
    is_priority: bool
    predecessors: list[str]


@dataclass
class InitiativeData:
    line: int
    measure: str
    position: int
    title: str
    description: str
    original: str  # "1-2①", or "" for an original item


@dataclass
class Structure:
    """A parsed file: plain data, so it can wait in the session until confirmed."""

    plan: dict
    scale: dict | None  # {"code", "name", "levels": [[code, label, points, order], …]}
    directions: list[list]  # [number, title]
    basic_policies: list[list]  # [number, title, description]
    measures: list[MeasureData]
    initiatives: list[InitiativeData]
    # Where each column of 【施策体系】 was in the file (name → letter), for the messages
    # of the checks against the database.
    columns: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Structure":
        return cls(
            plan=data["plan"],
            scale=data["scale"],
            directions=data["directions"],
            basic_policies=data["basic_policies"],
            measures=[MeasureData(**m) for m in data["measures"]],
            initiatives=[InitiativeData(**i) for i in data["initiatives"]],
            columns=data.get("columns", {}),
        )


# ------------------------------------------------------------------------------- parsing


class Structural(Exception):
    """The file is not in the layout (a heading, a header row): said once, as the first
    problem, since none of the rows below it can be read the way the person meant."""


def _label(measure: str, position: int) -> str:
    return f"{measure}{CIRCLED_NUMBERS[position - 1]}"


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


@dataclass
class Section:
    """One section of the file: its heading's line, where each column is, its data rows."""

    title: str
    line: int
    columns: dict[str, int] = field(default_factory=dict)  # column name → index
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def at(self, line: int, name: str) -> str:
        """「12行目 E列「施策番号」」: where a message points."""
        index = self.columns.get(name)
        column = f" {_letter(index)}列" if index is not None else ""
        return f"{line}行目{column}「{name}」"

    def letters(self) -> dict[str, str]:
        return {name: _letter(index) for name, index in self.columns.items()}


# Words a plan may use for its levels or columns, read as the template's own.
HEADER_ALIASES = [
    ("基本目標", "基本施策"),
    ("取り組み", "展開"),
    ("取組み", "展開"),
    ("取組", "展開"),
    ("施策の目標", "施策の説明"),
    ("施策の内容", "施策の説明"),
    ("展開の説明", "展開の内容"),
    ("前の計画の施策", "前計画の施策"),
    ("前計画での施策", "前計画の施策"),
    ("重点", "重点施策"),
    ("再掲", "再掲元"),
    ("No.", "番号"),
    ("No", "番号"),
]
REQUIRED_COLUMNS = {
    SECTION_PLAN: ["項目", "内容"],
    SECTION_SCALE: ["記号", "意味", "点数"],
    SECTION_DIRECTIONS: ["方向性"],
    SECTION_TREE: ["施策番号"],
}


# A column named by its level alone holds the number and the title: 「1-1 きっかけづくり」.
HEADER_SHORT = {"基本施策": "基本施策番号", "基本目標": "基本施策番号", "施策": "施策番号"}


def _column_name(
    typed: str, names: list[str], words: list[tuple[str, str]] | None = None
) -> str | None:
    name = header_name(typed)
    if name in names:
        return name
    if HEADER_SHORT.get(name) in names:
        return HEADER_SHORT[name]
    # The plan's own words (its 【計画】 rows): 「取組」 for 展開, 「施策の目標」 for 施策の説明.
    for alias, meant in [*(words or []), *HEADER_ALIASES]:
        if name == alias and meant in names:
            return meant
        if alias in name and (renamed := name.replace(alias, meant, 1)) in names:
            return renamed
    return None


def _heading(cells: list[str]) -> str | None:
    """A row that holds only a section's title, in any column, with or without 【】."""
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1:
        return None
    return SECTION_BY_NAME.get(bare(filled[0]))


WORD_MEANS = {
    "basic_policy_label": "基本施策",
    "measure_label": "施策",
    "initiative_label": "展開",
    "measure_description_label": "施策の説明",
}


def _plan_words(plan: Section | None) -> list[tuple[str, str]]:
    """(the plan's word, the template's) from 【計画】's rows, longest first: a column
    「基本目標名」 is 「基本施策名」 in a plan whose 基本施策 are 基本目標."""
    words = []
    for _line, cells in plan.rows if plan else []:
        filled = [c for c in cells if c.strip()]
        key = PLAN_LABELS.get(header_name(filled[0])) if filled else None
        if key in WORD_MEANS and len(filled) > 1 and header_name(filled[1]) != WORD_MEANS[key]:
            words.append((header_name(filled[1]), WORD_MEANS[key]))
    return sorted(words, key=lambda w: -len(w[0]))


def _header(
    section: Section, line: int, cells: list[str], words: list[tuple[str, str]] | None = None
) -> None:
    names = HEADERS[section.title]
    unknown: list[str] = []
    for index, typed in enumerate(cells):
        if not typed.strip():
            continue
        name = _column_name(typed, names, _with_words(names, words or []))
        if name is None:
            unknown.append(f"{_letter(index)}列「{typed.strip()}」")
        elif name in section.columns:
            first = _letter(section.columns[name])
            raise Structural(
                f"{line}行目 {_letter(index)}列: 「{section.title}」の列見出し「{typed.strip()}」が{first}列と重複しています。1つにしてください。"
            )
        else:
            section.columns[name] = index
    missing = [n for n in REQUIRED_COLUMNS[section.title] if n not in section.columns]
    if unknown or missing:
        said = []
        if unknown:
            said.append(f"{'、'.join(unknown)}は使えない列見出しです")
        if missing:
            said.append(f"「{'」「'.join(missing)}」の列がありません")
        raise Structural(
            f"{line}行目: 「{section.title}」の列見出しが読めません（{'。'.join(said)}）。"
            f"使える列見出しは「{'、'.join(names)}」です（順番は自由。"
            f"「{'」「'.join(REQUIRED_COLUMNS[section.title])}」は必ず置きます）。"
        )


def _with_words(names: list[str], words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each column name said in the plan's words: 基本目標番号 for 基本施策番号, 主な取組 for 展開."""
    result = []
    for name in names:
        for word, meant in words:
            if meant in name:
                result.append((name.replace(meant, word, 1), name))
    return result


def _looks_like_header(cells: list[str]) -> bool:
    names = {_column_name(c, TREE_COLUMNS) for c in cells if c.strip()}
    return "施策番号" in names or "施策名" in names


def _missing_sections(
    missing: list[str],
    sections: dict[str, Section],
    header: tuple[int, list[str]] | None,
    first: str,
) -> str:
    header_line = header[0] if header else None
    if SECTION_TREE in missing:
        where = (
            f"{header_line}行目の列見出し（施策番号など）の上に、A列に「{SECTION_TREE}」とだけ書いた行を入れてください"
            if header_line
            else f"施策の行の上に、A列に「{SECTION_TREE}」とだけ書いた行と、列見出しの行（{'、'.join(TREE_COLUMNS)}）を入れてください"
        )
    else:
        where = ""
    plan_part = (
        f"A列に「{SECTION_PLAN}」とだけ書いた行を入れ、その下に「計画名」「計画期間（開始年度）」「計画期間（終了年度）」"
        "「前の計画」などを、A列に項目、B列に内容で1行ずつ書いてください"
    )
    columns = ""
    if header is not None:
        # The columns under the missing heading are checked now, so that one round of
        # corrections is enough.
        try:
            _header(Section(SECTION_TREE, 0), *header)
        except Structural as problem:
            columns = f"また、{problem}"
    if len(missing) == 2:
        seen = f"（1行目は「{first}」）" if first else ""
        return (
            f"このファイルはテンプレートの形になっていません{seen}。{where}。"
            f"さらにその上に、{plan_part}。表題の行はそのままでかまいません"
            f"（テンプレートの「説明」シートに、各行の書き方と例があります）。{columns}"
        )
    if SECTION_PLAN in missing:
        tree = sections[SECTION_TREE].line
        return f"「{SECTION_PLAN}」の見出しがありません。{tree}行目の「{SECTION_TREE}」より上に、{plan_part}。"
    return f"「{SECTION_TREE}」の見出しがありません。{where}。{columns}"


def _sections(rows: list[list[str]]) -> dict[str, Section]:
    """Split the rows into sections. Rows above the first heading are the sheet's title
    rows and are not read. A problem with a heading or a header row raises ``Structural``."""
    sections: dict[str, Section] = {}
    current: Section | None = None
    expect_header = False
    header: tuple[int, list[str]] | None = None  # a row of column names before any heading
    first = ""
    for line, raw in enumerate(rows, start=1):
        cells = [unprotect(c) for c in raw]
        if not any(c.strip() for c in cells):
            continue
        first = first or next(c for c in cells if c.strip()).strip()[:40]
        title = _heading(cells)
        if title:
            if title in sections:
                raise Structural(
                    f"{line}行目: 見出し「{title}」が{sections[title].line}行目にもあります。1つにまとめてください。"
                )
            current = sections[title] = Section(title, line)
            expect_header = True
            continue
        if current is None:
            if header is None and _looks_like_header(cells):
                header = (line, cells)
            continue
        if expect_header:
            expect_header = False
            if current.title != SECTION_PLAN or header_name(cells[0]) == "項目":
                _header(current, line, cells, _plan_words(sections.get(SECTION_PLAN)))
                continue
            current.columns = {"項目": 0, "内容": 1}  # the 項目・内容 header may be left out
        current.rows.append((line, cells))
    missing = [s for s in (SECTION_PLAN, SECTION_TREE) if s not in sections]
    if missing:
        raise Structural(_missing_sections(missing, sections, header, first))
    return sections


def _unheaded_cells(section: Section, line: int, cells: list[str], errors: list[str]) -> None:
    known = set(section.columns.values())
    for index, value in enumerate(cells):
        if value.strip() and index not in known:
            errors.append(
                f"{line}行目 {_letter(index)}列: 列見出しのない列に「{value.strip()}」があります。"
                "列見出しを付けるか、値を消してください。"
            )


PLAN_LABELS = {header_name(label): key for key, label in PLAN_ITEMS.items()} | {
    "コード": "code",
    "計画の名称": "name",
    "名称": "name",
    "開始年度": "first_year",
    "終了年度": "last_year",
    "計画期間": "period",
    "前計画": "predecessor",
    "尺度": "rating_scale",
}
PERIOD_SPLIT = re.compile(r"\s*(?:〜|～|~|から)\s*")


def _year(typed: str, where: str, errors: list[str]) -> int | None:
    text = typed.strip().removesuffix("まで")
    try:
        year = parse_fiscal_year(text)
    except ValueError as error:
        errors.append(f"{where}: {error}")
        return None
    if not 1900 <= year <= 2200:
        errors.append(f"{where}: 「{typed}」は計画期間の年度として読めません。")
        return None
    return year


def _plan_items(section: Section | None, errors: list[str]) -> dict:
    plan: dict = {"code": "", "goal": "", "predecessor": "", "rating_scale": "", "short_name": ""}
    lines: dict[str, int] = {}  # the line of each item read
    for line, cells in section.rows if section else []:
        _plan_item(line, cells, plan, lines, errors)
    _check_plan_items(plan, lines, errors)
    return plan


def _plan_item(
    line: int, cells: list[str], plan: dict, lines: dict[str, int], errors: list[str]
) -> None:
    """One 【計画】 row: 項目 and 内容, read into ``plan``."""
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    label_index, label = filled[0]
    # The 内容 is the next filled cell: merged cells leave the ones between empty.
    value_index, value = filled[1] if len(filled) > 1 else (label_index + 1, "")
    where = f"{line}行目 {_letter(value_index)}列「{label.strip()}」"
    key = PLAN_LABELS.get(header_name(label))
    if key is None:
        errors.append(
            f"{line}行目 {_letter(label_index)}列: 「{label.strip()}」は「{SECTION_PLAN}」の項目にありません"
            f"（使える項目: {'、'.join(PLAN_ITEMS.values())}）。"
        )
        return
    if key in lines or (key == "period" and {"first_year", "last_year"} & set(lines)):
        errors.append(
            f"{where}: 「{label.strip()}」が{lines.get(key) or lines.get('first_year') or lines.get('last_year')}行目と重複しています。"
        )
        return
    for extra_index, extra in filled[2:]:
        errors.append(
            f"{line}行目 {_letter(extra_index)}列: 「{SECTION_PLAN}」は1行に項目と内容の2つです（「{extra.strip()}」が余分です）。"
        )
    if key == "period":
        _plan_period(line, value, where, plan, lines, errors)
        return
    lines[key] = line
    if key in ("first_year", "last_year"):
        plan[key] = _year(value, where, errors) if value.strip() else None
    else:
        multiline = key in ("goal", "priority_note")
        plan[key] = value.strip("\r\n") if multiline else value.strip()


def _plan_period(
    line: int, value: str, where: str, plan: dict, lines: dict[str, int], errors: list[str]
) -> None:
    """「計画期間」 on one row: 「令和4年度〜令和8年度」."""
    parts = [p for p in PERIOD_SPLIT.split(value.strip()) if p]
    if len(parts) != 2:
        errors.append(
            f"{where}: 計画期間は「令和4年度〜令和8年度」のように、開始と終了を「〜」でつないでください（「{value}」）。"
        )
        return
    lines["first_year"] = lines["last_year"] = line
    plan["first_year"] = _year(parts[0], where, errors)
    plan["last_year"] = _year(parts[1], where, errors)


def _check_plan_items(plan: dict, lines: dict[str, int], errors: list[str]) -> None:
    """The items every plan has, a 計画コード the URLs can carry, a period in order."""
    for key in ("name", "first_year", "last_year"):
        if key not in lines:
            errors.append(
                f"「{SECTION_PLAN}」: 「{PLAN_ITEMS[key]}」の行がありません（A列に項目名、B列に内容を書きます）。"
            )
        elif plan.get(key) in ("", None) and not any(str(lines[key]) in e for e in errors):
            errors.append(f"{lines[key]}行目 B列「{PLAN_ITEMS[key]}」: 入力してください。")
    if plan["code"] and not PLAN_CODE.match(plan["code"]):
        errors.append(
            f"{lines['code']}行目 B列「計画コード」: 計画コードは半角の英数字・ハイフン・下線（50文字まで）にしてください（「{plan['code']}」）。"
        )
    if not plan["short_name"] and len(plan.get("name", "")) <= 50:
        plan["short_name"] = plan.get("name", "")
    start, end = plan.get("first_year"), plan.get("last_year")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        errors.append(
            f"{lines['last_year']}行目 B列「計画期間（終了年度）」: 終了年度（{wareki(end)}）が開始年度（{wareki(start)}）より前です。"
        )


def _int(typed: str, low: int, high: int) -> int | None:
    text = normalized(typed).removesuffix("年度")
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _scale(section: Section | None, plan: dict, errors: list[str]) -> dict | None:
    if section is None or not section.rows:
        return None
    scale: dict = {"code": plan.get("rating_scale", ""), "name": "", "levels": []}
    seen: dict[str, int] = {}
    for number, (line, cells) in enumerate(section.rows, start=1):
        _unheaded_cells(section, line, cells, errors)
        cell = partial(section.cell, cells)
        at = partial(section.at, line)
        code = cell("尺度コード").strip()
        if code and not scale["code"]:
            scale["code"] = plan["rating_scale"] = code
        elif code and code != scale["code"]:
            errors.append(
                f"{at('尺度コード')}: 「{code}」が「{SECTION_PLAN}」の評価尺度（{scale['code']}）と違います。"
            )
            continue
        scale["name"] = scale["name"] or cell("尺度名").strip()
        level, label, points = cell("記号").strip(), cell("意味").strip(), cell("点数")
        if not level or not label:
            errors.append(f"{at('記号')}「意味」: 記号と意味を入力してください。")
            continue
        if level in seen:
            errors.append(f"{at('記号')}: 「{level}」が{seen[level]}行目と重複しています。")
            continue
        seen[level] = line
        value = None if not points.strip() else _int(points, 0, 1000)
        if points.strip() and value is None:
            errors.append(
                f"{at('点数')}: 0以上の整数か空欄（評価不能）にしてください（「{points}」）。"
            )
        order = cell("表示順")
        position = _int(order, 1, 1000) if order.strip() else number
        if position is None:
            errors.append(f"{at('表示順')}: 1以上の整数にしてください（「{order}」）。")
        scale["levels"].append([level, label, value, position])
    if not scale["code"]:
        errors.append(
            f"「{SECTION_SCALE}」: 尺度コード（半角英数字）を「尺度コード」の列か「{SECTION_PLAN}」の「評価尺度」に書いてください。"
        )
    if not scale["name"]:
        errors.append(f"「{SECTION_SCALE}」: 尺度名を入力してください。")
    return scale


def _directions(section: Section | None, errors: list[str]) -> list[list]:
    result: list[list] = []
    seen: dict[int, int] = {}
    if section is None:
        return result
    for count, (line, cells) in enumerate(section.rows, start=1):
        _unheaded_cells(section, line, cells, errors)
        typed, title = section.cell(cells, "番号"), section.cell(cells, "方向性").strip()
        read = position(typed) if typed.strip() else (count, "")
        value = read[0] if read else None
        if value is None:
            errors.append(f"{section.at(line, '番号')}: 1以上の整数にしてください（「{typed}」）。")
        elif value in seen:
            errors.append(
                f"{section.at(line, '番号')}: 「{typed}」が{seen[value]}行目と重複しています。"
            )
        elif not title:
            errors.append(f"{section.at(line, '方向性')}: 方向性を入力してください。")
        else:
            seen[value] = line
            result.append([value, title])
    return result


def _same(
    kept: dict, key: str, value: object, typed: str, where: str, errors: list[str], what: str
) -> None:
    """A value repeated on each row of a 施策 (or 基本施策): the first non-empty one counts;
    an empty cell (a merged cell reads as one) repeats it; a different one is an error."""
    if value in ("", None):
        return
    if kept.get(key) in ("", None):
        kept[key] = value
        kept.setdefault("_typed", {})[key] = (typed, where.split("行目", 1)[0])
    elif kept[key] != value:
        first_typed, first_line = kept["_typed"][key]
        errors.append(
            f"{where}: {what}の行で「{typed.strip()}」と{first_line}行目の「{first_typed.strip()}」が違います。"
            "同じにするか、2行目からは空欄にしてください。"
        )


@dataclass
class _Item:
    """A 展開 cell as typed: for the messages, and for a 再掲 named by its original's title."""

    data: InitiativeData
    typed: str
    where: str
    by_title: bool = False


def _measure_of_row(
    section: Section,
    line: int,
    cells: list[str],
    measures: dict[str, dict],
    previous: dict | None,
    errors: list[str],
) -> tuple[dict, str, str] | None:
    """The 施策 a row belongs to (a blank 施策番号 continues the one above, as merged cells
    do), and the 施策名 and 基本施策名 of the row (typed in their own cells or after the
    number)."""
    numbered = _measure_number(section, line, cells, previous, errors)
    if numbered is None:
        return None
    number, title = numbered
    in_policy = _basic_policy_number(section, line, cells, number, measures, previous, errors)
    if in_policy is None:
        return None
    bp_number, bp_title = in_policy
    measure = measures.get(number)
    if measure is None:
        measure = measures[number] = _new_measure(measures, line, number, bp_number)
    elif measure["basic_policy"] != bp_number:
        typed = section.cell(cells, "施策番号")
        errors.append(
            f"{section.at(line, '施策番号')}: 施策番号「{typed.strip() or number}」が重複しています（{measure['line']}行目は基本施策{measure['basic_policy']}）。"
        )
        return None
    return measure, title.strip(), bp_title.strip()


def _measure_number(
    section: Section, line: int, cells: list[str], previous: dict | None, errors: list[str]
) -> tuple[str, str] | None:
    """The row's 施策番号 (typed, or the one above) and 施策名 (its cell, or typed after the number)."""
    title, typed = section.cell(cells, "施策名"), section.cell(cells, "施策番号")
    if typed.strip():
        read = measure_number(typed)
        if read is None:
            errors.append(
                f"{section.at(line, '施策番号')}: 施策番号は「1-1」のように、10文字までで書いてください（「{typed.strip()}」）。"
            )
            return None
        number, rest = read
        return number, title if title.strip() else rest
    if previous is not None:
        return previous["number"], title
    errors.append(f"{section.at(line, '施策番号')}: 施策番号を入力してください（例: 1-1）。")
    return None


def _basic_policy_number(
    section: Section,
    line: int,
    cells: list[str],
    number: str,
    measures: dict[str, dict],
    previous: dict | None,
    errors: list[str],
) -> tuple[int, str] | None:
    """The row's 基本施策番号 (typed, the 施策's, read from 「2-3」, or the one above) and
    基本施策名 (its cell, or typed after the number)."""
    bp_title, bp_typed = section.cell(cells, "基本施策名"), section.cell(cells, "基本施策番号")
    if bp_typed.strip():
        read_bp = basic_policy_number(bp_typed)
        if read_bp is None:
            errors.append(
                f"{section.at(line, '基本施策番号')}: 基本施策番号は「1」のように書いてください（「{bp_typed.strip()}」）。"
            )
            return None
        bp_number, rest = read_bp
        return bp_number, bp_title if bp_title.strip() else rest
    if number in measures:
        return measures[number]["basic_policy"], bp_title
    if match := re.match(r"(\d{1,3})-", number):
        return int(match[1]), bp_title  # 施策 2-3 is under 基本施策 2
    if previous is not None:
        return previous["basic_policy"], bp_title
    errors.append(f"{section.at(line, '基本施策番号')}: 基本施策番号を入力してください（例: 1）。")
    return None


def _new_measure(measures: dict[str, dict], line: int, number: str, bp_number: int) -> dict:
    """A 施策 first seen on ``line``: last in its 基本施策 so far."""
    return {
        "line": line,
        "number": number,
        "basic_policy": bp_number,
        "order": 1 + sum(1 for m in measures.values() if m["basic_policy"] == bp_number),
        "title": "",
        "description": "",
        "is_priority": None,
        "predecessors": None,
        "initiatives": 0,
        "troubled": False,
    }


def _item_of_row(
    section: Section, line: int, cells: list[str], measure: dict, errors: list[str]
) -> _Item | None:
    """The row's 展開: its number (①, 2, or typed before the title: 「① 名称」), title,
    content and 再掲元 (a 再掲元 column, or 「（再掲）1-1②」 / 「名称（再掲）」 in the title)."""
    cell = partial(section.cell, cells)
    at = partial(section.at, line)
    typed_title, typed_original = cell("展開").strip(), cell("再掲元").strip()
    description = cell("展開の内容").strip("\r\n")
    numbered = _item_number(cell("展開番号").strip(), typed_title, at, errors)
    if numbered is None:
        return None
    number, title = numbered
    relisted = _relisting(title, typed_original, at, errors)
    if relisted is None:
        return None
    title, original = relisted.title, relisted.original
    if number is None:
        if title or description or original or relisted.relisting:
            shown = typed_title or typed_original
            errors.append(
                f"{at('展開番号')}: 展開「{shown}」の展開番号（①〜⑳）を入力してください。"
            )
            measure["troubled"] = True
        return None
    if not title and not original:
        errors.append(
            f"{at('展開')}: 展開名を入力してください（再掲なら再掲元を「1-2①」のように書きます）。"
        )
        measure["troubled"] = True
        return None
    data = InitiativeData(line, measure["number"], number, title, description, original)
    where = at("再掲元") if typed_original else at("展開")
    return _Item(data, typed_original or typed_title, where, relisted.by_title)


def _item_number(
    typed_number: str, title: str, at, errors: list[str]
) -> tuple[int | None, str] | None:
    """The 展開番号 (its cell, or typed before the title) and the title without it;
    ``None`` with the problem listed if the cell cannot be read."""
    number = None
    if typed_number:
        read = position(typed_number)
        if read is None:
            errors.append(
                f"{at('展開番号')}: 展開番号は ①〜⑳ か 1〜20 にしてください（「{typed_number}」）。"
            )
            return None
        number, rest = read
        title = title or rest
    in_title = position(title, plain_number=False) if title else None
    if in_title and (number is None or in_title[0] == number):
        number, title = in_title
    return number, title


@dataclass
class _Relisted:
    """A 展開's title without its 再掲 mark, and the original it relists: named
    (「1-2①」), by its title (``by_title``), or none."""

    title: str
    original: str
    relisting: bool
    by_title: bool


def _relisting(title: str, typed_original: str, at, errors: list[str]) -> _Relisted | None:
    relisting = is_relisting(title) or is_relisting(typed_original)
    title = without_relisting_mark(title) if is_relisting(title) else title
    if typed_original and without_relisting_mark(typed_original):
        reference_read = reference(typed_original)
        if reference_read is None:
            errors.append(
                f"{at('再掲元')}: 再掲元は「1-2①」のように、施策番号と展開番号で書いてください（「{typed_original}」）。"
            )
            return None
        return _Relisted(title, _label(*reference_read), relisting, False)
    if relisting and (reference_read := reference(title)):
        return _Relisted("", _label(*reference_read), relisting, False)
    # 「名称（再掲）」: the original is the 展開 of the same title
    return _Relisted(title, "", relisting, by_title=relisting)


@dataclass
class _TreeReading:
    """The 【施策体系】 rows read so far: the 基本施策, 施策 and 展開 by their numbers, and
    the 施策 the next row continues if its 施策番号 is blank."""

    section: Section
    plan: dict
    errors: list[str]
    policies: dict[int, dict] = field(default_factory=dict)
    measures: dict[str, dict] = field(default_factory=dict)
    items: dict[tuple[str, int], _Item] = field(default_factory=dict)
    previous: dict | None = None

    def read_row(self, line: int, cells: list[str]) -> None:
        found = len(self.errors)
        _unheaded_cells(self.section, line, cells, self.errors)
        self._check_plan_code(line, cells)
        read = _measure_of_row(self.section, line, cells, self.measures, self.previous, self.errors)
        if read is None:
            return
        measure, title, bp_title = read
        self.previous = measure
        self._same_basic_policy(line, cells, measure["basic_policy"], bp_title)
        self._same_measure(line, cells, measure, title)
        if len(self.errors) > found:
            measure["troubled"] = True
            return
        self._add_item(line, cells, measure)

    def _check_plan_code(self, line: int, cells: list[str]) -> None:
        code = self.section.cell(cells, "計画コード").strip()
        if code and self.plan.get("code") and code != self.plan["code"]:
            self.errors.append(
                f"{self.section.at(line, '計画コード')}: 「{code}」が「{SECTION_PLAN}」の計画コード（{self.plan['code']}）と違います（空欄でもかまいません）。"
            )

    def _same_basic_policy(self, line: int, cells: list[str], number: int, title: str) -> None:
        cell, at, errors = (
            partial(self.section.cell, cells),
            partial(self.section.at, line),
            self.errors,
        )
        bp = self.policies.setdefault(number, {"number": number, "title": "", "description": ""})
        what = f"基本施策{number}"
        _same(bp, "title", title, cell("基本施策名") or title, at("基本施策名"), errors, what)
        typed = cell("基本施策の説明")
        _same(bp, "description", typed.strip("\r\n"), typed, at("基本施策の説明"), errors, what)

    def _same_measure(self, line: int, cells: list[str], measure: dict, title: str) -> None:
        cell, at, errors = (
            partial(self.section.cell, cells),
            partial(self.section.at, line),
            self.errors,
        )
        what = f"施策 {measure['number']} "
        _same(measure, "title", title, cell("施策名") or title, at("施策名"), errors, what)
        typed = cell("施策の説明")
        _same(measure, "description", typed.strip("\r\n"), typed, at("施策の説明"), errors, what)
        mark = cell("重点施策")
        flag = priority(mark) if mark.strip() else None
        if mark.strip() and flag is None:
            errors.append(
                f"{at('重点施策')}: 重点施策なら「○」（「重点」「重点施策」も可）、そうでなければ空欄にしてください（「{mark.strip()}」）。"
            )
        # A blank 重点施策 on a later row of the 施策 repeats the first; 「×」 or 「0」 says no.
        _same(measure, "is_priority", flag, mark, at("重点施策"), errors, what)
        typed = cell("前計画の施策")
        lineage = measure_list(typed)
        _same(measure, "predecessors", lineage or None, typed, at("前計画の施策"), errors, what)

    def _add_item(self, line: int, cells: list[str], measure: dict) -> None:
        item = _item_of_row(self.section, line, cells, measure, self.errors)
        if item is None:
            return
        key = (measure["number"], item.data.position)
        if key in self.items:
            self.errors.append(
                f"{self.section.at(line, '展開番号')}: 施策 {key[0]} の展開番号 {CIRCLED_NUMBERS[key[1] - 1]} が{self.items[key].data.line}行目と重複しています。"
            )
            return
        measure["initiatives"] += 1
        self.items[key] = item

    def check_complete(self) -> None:
        """Every 再掲 names an original; every 施策 and 基本施策 has its title; every 施策
        has a 展開 (when any has)."""
        _check_relistings(self.items, self.errors)
        section, errors = self.section, self.errors
        with_items = [m for m in self.measures.values() if m["initiatives"]]
        for m in self.measures.values():
            if not m["title"]:
                errors.append(
                    f"{m['line']}行目{_column(section, '施策名')}「施策名」: 施策 {m['number']} の施策名を入力してください。"
                )
            if with_items and not m["initiatives"] and not m["troubled"]:
                errors.append(
                    f"{m['line']}行目{_column(section, '展開番号')}「展開番号」: 施策 {m['number']} に展開がありません（この計画の他の施策には展開があります）。"
                )
        for bp in self.policies.values():
            if not bp["title"]:
                errors.append(
                    f"「{SECTION_TREE}」: 基本施策{bp['number']} の基本施策名を入力してください。"
                )

    def result(self) -> tuple[list[list], list[MeasureData], list[InitiativeData]]:
        return (
            [
                [bp["number"], bp["title"], bp["description"]]
                for bp in sorted(self.policies.values(), key=lambda b: b["number"])
            ],
            [
                MeasureData(
                    line=m["line"],
                    number=m["number"],
                    basic_policy=m["basic_policy"],
                    order=m["order"],
                    title=m["title"],
                    description=m["description"],
                    is_priority=bool(m["is_priority"]),
                    predecessors=m["predecessors"] or [],
                )
                for m in self.measures.values()
            ],
            [item.data for item in self.items.values()],
        )


def _tree(
    section: Section, plan: dict, errors: list[str]
) -> tuple[list[list], list[MeasureData], list[InitiativeData]]:
    reading = _TreeReading(section, plan, errors)
    for line, cells in section.rows:
        reading.read_row(line, cells)
    reading.check_complete()
    return reading.result()


def _column(section: Section, name: str) -> str:
    index = section.columns.get(name)
    return f" {_letter(index)}列" if index is not None else ""


def _check_relistings(items: dict[tuple[str, int], _Item], errors: list[str]) -> None:
    by_label = {_label(i.data.measure, i.data.position): i.data for i in items.values()}
    for item in items.values():
        data = item.data
        if item.by_title:
            # 「名称（再掲）」: the one original 展開 of that title.
            same = [
                i.data
                for i in items.values()
                if not i.by_title and not i.data.original and i.data.title == data.title
            ]
            if len(same) != 1:
                errors.append(
                    f"{item.where}: 「{item.typed}」は再掲とありますが、"
                    + (
                        "同じ名前の展開がこのファイルにありません。"
                        if not same
                        else "同じ名前の展開が複数あります。"
                    )
                    + "「再掲元」の列に「1-2①」のように再掲元を書いてください。"
                )
                continue
            data.original = _label(same[0].measure, same[0].position)
        if not data.original:
            continue
        original = by_label.get(data.original)
        if original is None:
            errors.append(
                f"{item.where}: 再掲元「{item.typed}」（施策 {data.original[:-1]} の展開{data.original[-1]}）はこのファイルにありません。"
            )
        elif original is data:
            errors.append(f"{item.where}: 自分自身を再掲元にはできません（「{item.typed}」）。")
        elif original.original:
            errors.append(
                f"{item.where}: 「{item.typed}」は再掲の項目です。再掲の再掲はできないので、もとの展開（{original.original}）を指定してください。"
            )
        elif (data.title and data.title != original.title) or data.description:
            errors.append(
                f"{item.where}: 再掲の行には展開名・内容を書かないでください（再掲元「{data.original}」のものを表示します）。"
            )
        else:
            data.title = ""  # a 再掲 item carries no text of its own


def parse(rows: list[list[str]]) -> Structure:
    """The file's structure, or ``ImportRejected``: the first problem of the layout alone
    (a heading or a header row), or else every problem of the values."""
    try:
        sections = _sections(rows)
    except Structural as problem:
        raise ImportRejected([str(problem)]) from None
    errors: list[str] = []
    plan = _plan_items(sections.get(SECTION_PLAN), errors)
    scale = _scale(sections.get(SECTION_SCALE), plan, errors)
    directions = _directions(sections.get(SECTION_DIRECTIONS), errors)
    tree = sections[SECTION_TREE]
    policies, measures, initiatives = _tree(tree, plan, errors)
    if not measures and not errors:
        errors.append(f"「{SECTION_TREE}」に施策の行がありません。")
    if errors:
        raise ImportRejected(errors)
    return Structure(
        plan, scale, directions, policies, measures, initiatives, columns=tree.letters()
    )


# ------------------------------------------------------------------------- preview


@dataclass
class Change:
    """What saving does to one record: create, change (項目: 現在 → 取り込み後) or nothing."""

    level: str  # 計画, 評価尺度, 新たな方向性, 基本施策, 施策, 展開
    key: str
    action: str  # "create", "change" or "same"
    fields: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Preview:
    plan_code: str
    changes: list[Change]
    kept: list[str]  # records of the plan that the file leaves out: kept, not deleted
    digest: str = ""
    # Titles of 施策 and 展開 the file renames while a 確定/公開 year uses them: the years
    # (和暦) and each (what, before, after), for the preview to say so.
    locked_years: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def count_created(self) -> int:
        return self.count("create")

    @property
    def count_changed(self) -> int:
        return self.count("change")

    @property
    def count_same(self) -> int:
        return self.count("same")

    @property
    def levels(self) -> list[tuple[str, list[Change], int]]:
        """Per level: the created and changed records, and how many stay as they are."""
        result = []
        for level in ["計画", "評価尺度", "新たな方向性", "基本施策", "施策", "展開"]:
            own = [c for c in self.changes if c.level == level]
            if own:
                moving = [c for c in own if c.action != "same"]
                result.append((level, moving, len(own) - len(moving)))
        return result


def _shown(value) -> str:
    if value is True:
        return PRIORITY_MARK
    if value in (False, None):
        return ""
    return str(value)


def _diff(level: str, key: str, model, current: dict | None, new: dict) -> Change:
    def verbose(name: str) -> str:
        return str(model._meta.get_field(name).verbose_name)

    if current is None:
        fields = [(verbose(k), "", _shown(v)) for k, v in new.items() if v not in ("", None, False)]
        return Change(level, key, "create", fields)
    fields = [
        (verbose(k), _shown(current[k]), _shown(v)) for k, v in new.items() if current[k] != v
    ]
    return Change(level, key, "change" if fields else "same", fields)


def _plan_values(s: Structure) -> dict:
    return {k: s.plan[k] for k in PLAN_ITEMS}


def _existing(plan: Plan | None):
    """The plan's records as flat values keyed by natural key (FKs as their numbers)."""
    if plan is None:
        return {}, {}, {}, {}
    directions = {d.number: {"title": d.title} for d in plan.directions.all()}
    policies = {
        bp.number: {"title": bp.title, "description": bp.description}
        for bp in plan.basic_policies.all()
    }
    measures = {
        m.number: {
            "basic_policy": m.basic_policy.number,
            "order": m.order,
            "title": m.title,
            "description": m.description,
            "is_priority": m.is_priority,
            "predecessors": "、".join(sorted(p.number for p in m.predecessors.all())),
        }
        for m in Measure.objects.of_plan(plan)
        .select_related("basic_policy")
        .prefetch_related("predecessors")
    }
    initiatives = {
        (i.measure.number, i.position): {
            "title": i.title,
            "description": i.description,
            "original": _label(i.original.measure.number, i.original.position)
            if i.original is not None
            else "",
        }
        for i in Initiative.objects.filter(measure__basic_policy__plan=plan).select_related(
            "measure", "original__measure"
        )
    }
    return directions, policies, measures, initiatives


def find_plan(typed: str) -> Plan | None:
    """前の計画 as a person names it: its 計画コード, its 計画名 or its 略称."""
    typed = typed.strip()
    for name in ("code", "name", "short_name"):
        found = list(Plan.objects.filter(**{name: typed}).select_related("rating_scale")[:2])
        if len(found) == 1:
            return found[0]
    return None


def _find_scale(typed: str) -> RatingScale | None:
    typed = typed.strip()
    return (
        RatingScale.objects.filter(code=typed).first()
        or RatingScale.objects.filter(name=typed).first()
    )


def _resolve(s: Structure, errors: list[str]) -> None:
    """What the file may name loosely, made exact: the 前の計画 by code, name or 略称; a
    計画コード left empty (plan-開始年度, unless another plan has it); the 評価尺度 left
    empty (the 前の計画's, or the one scale there is). Idempotent: ``apply`` previews again."""
    p = s.plan
    previous = None
    if p["predecessor"]:
        previous = find_plan(p["predecessor"])
        if previous is None:
            loaded = "、".join(f"「{x.short_name}」（{x.code}）" for x in Plan.objects.all())
            errors.append(
                f"「{SECTION_PLAN}」の「前の計画」: 「{p['predecessor']}」という計画は読み込まれていません。"
                f"読み込み済みの計画の計画コード・計画名・略称のどれかを書いてください（{loaded or 'まだありません'}）。"
            )
        else:
            p["predecessor"] = previous.code
    if not p["code"]:
        candidate = f"plan-{p['first_year']}"
        taken = Plan.objects.filter(code=candidate).exclude(name=p["name"]).first()
        if taken is None:
            p["code"] = candidate
        else:
            errors.append(
                f"「{SECTION_PLAN}」: 「計画コード」の行に、半角英数字の計画コードを書いてください（{candidate} は「{taken.name}」が使っています）。"
            )
    mine = Plan.objects.filter(code=p["code"]).first()
    for key in WORD_ITEMS:
        if key not in p:  # left out: the plan's current word, or the default
            p[key] = (
                getattr(mine, key)
                if mine
                else cast(models.Field, Plan._meta.get_field(key)).get_default()
            )
    typed_scale = p["rating_scale"]
    if typed_scale and (scale := _find_scale(typed_scale)) and s.scale is None:
        p["rating_scale"] = scale.code
    elif not typed_scale:
        scales = list(RatingScale.objects.filter(plans__isnull=False).distinct()[:2])
        known = mine or previous
        fallback = known.rating_scale if known else (scales[0] if len(scales) == 1 else None)
        if fallback is None:
            errors.append(
                f"「{SECTION_PLAN}」: 「評価尺度」の行に評価尺度のコードを書いてください"
                f"（{'、'.join(RatingScale.objects.values_list('code', flat=True)) or '新しい尺度なら「' + SECTION_SCALE + '」に段階を書きます'}）。"
            )
        else:
            p["rating_scale"] = fallback.code


def _check_database(s: Structure, plan: Plan | None, errors: list[str]) -> None:
    _check_overlaps(s.plan, errors)
    _check_lineage(s, _previous_plan(s.plan, plan, errors), errors)
    _check_scale(s, plan, errors)


def _check_overlaps(p: dict, errors: list[str]) -> None:
    """Another plan of the same name over the same years is most likely this one."""
    others = Plan.objects.exclude(code=p["code"])
    for other in others.filter(name=p["name"]):
        if other.first_year <= p["last_year"] and p["first_year"] <= other.last_year:
            errors.append(
                f"「{SECTION_PLAN}」: 計画期間（{p['first_year']}〜{p['last_year']}年度）が、同じ名前の計画"
                f"（計画コード {other.code}、{other.first_year}〜{other.last_year}年度）と重なっています。"
                "同じ計画なら計画コードを合わせてください。"
            )


def _previous_plan(p: dict, plan: Plan | None, errors: list[str]) -> Plan | None:
    """The 前の計画, unless following it leads back to this plan."""
    if not p["predecessor"]:
        return None
    previous = Plan.objects.filter(code=p["predecessor"]).first()
    if previous is not None and (
        previous.code == p["code"] or (plan is not None and _chain_reaches(previous, plan))
    ):
        errors.append(
            f"「{SECTION_PLAN}」: 前の計画「{p['predecessor']}」をたどると、この計画に戻ってしまいます。"
        )
        return None
    return previous


def _check_lineage(s: Structure, previous: Plan | None, errors: list[str]) -> None:
    """Each 前計画の施策 is a 施策 of the 前の計画."""
    p = s.plan
    old_numbers = (
        set(Measure.objects.of_plan(previous).values_list("number", flat=True))
        if previous
        else set()
    )
    letter = s.columns.get("前計画の施策", "")
    column = f" {letter}列「前計画の施策」" if letter else "「前計画の施策」"
    for m in s.measures:
        if m.predecessors and not p["predecessor"]:
            errors.append(
                f"{m.line}行目{column}: 「{SECTION_PLAN}」に前の計画がないので、前計画の施策は指定できません。"
            )
            continue
        missing = [n for n in m.predecessors if previous and n not in old_numbers]
        if missing and previous is not None:
            errors.append(
                f"{m.line}行目{column}: 前の計画（{previous.short_name}）に施策「{'、'.join(missing)}」はありません"
                f"（前の計画の施策: {'、'.join(sorted(old_numbers))}。複数なら「、」か「・」で区切ります）。"
            )


def _check_scale(s: Structure, plan: Plan | None, errors: list[str]) -> None:
    """The 評価尺度 exists or is written out, is not redefined, and stays once evaluated."""
    p = s.plan
    scale = RatingScale.objects.filter(code=p["rating_scale"]).first()
    if scale is None and s.scale is None:
        errors.append(
            f"「{SECTION_PLAN}」: 評価尺度「{p['rating_scale']}」はまだありません。「{SECTION_SCALE}」に段階を書いてください。"
        )
    if scale is not None and s.scale is not None:
        current = [
            [lv.code, lv.label, lv.points, lv.order] for lv in scale.levels.order_by("order")
        ]
        wanted = sorted(s.scale["levels"], key=lambda lv: lv[3] or 0)
        if current != wanted or scale.name != s.scale["name"]:
            errors.append(
                f"「{SECTION_SCALE}」: 評価尺度「{scale.code}」はすでにあり、内容が違います。評価済みの記録の意味が変わらないよう、"
                "変えるときは別の尺度コードにしてください。"
            )
    if plan is not None and plan.rating_scale.code != p["rating_scale"] and plan.cycles.exists():
        errors.append(
            f"「{SECTION_PLAN}」: 評価サイクルがある計画の評価尺度は変えられません（いまは {plan.rating_scale.code}）。"
        )


def _field_errors(instance, exclude: list[str], where: str, errors: list[str]) -> None:
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = instance._meta.get_field(name).verbose_name
            errors.extend(f"{where}「{label}」: {m}" for m in messages)


def _check_fields(s: Structure, errors: list[str]) -> None:
    """Lengths and formats the models require, reported before anything is saved."""
    values = {
        k: s.plan[k]
        for k in ("code", "name", "short_name", "first_year", "last_year", "goal", *WORD_ITEMS)
    }
    _field_errors(Plan(**values), ["predecessor", "rating_scale"], f"「{SECTION_PLAN}」", errors)
    if s.scale is not None:
        where = f"「{SECTION_SCALE}」"
        _field_errors(RatingScale(code=s.scale["code"], name=s.scale["name"]), [], where, errors)
        for code, label, points, order in s.scale["levels"]:
            level = RatingLevel(code=code, label=label, points=points, order=order)
            _field_errors(level, ["scale"], where, errors)
    for number, title in s.directions:
        _field_errors(
            Direction(number=number, title=title),
            ["plan"],
            f"「{SECTION_DIRECTIONS}」{number}",
            errors,
        )
    for number, title, description in s.basic_policies:
        bp = BasicPolicy(number=number, title=title, description=description)
        _field_errors(bp, ["plan"], f"「{SECTION_TREE}」基本施策{number}", errors)
    for m in s.measures:
        measure = Measure(number=m.number, order=m.order, title=m.title, description=m.description)
        _field_errors(measure, ["basic_policy"], f"{m.line}行目 施策 {m.number}", errors)
    for i in s.initiatives:
        item = Initiative(position=i.position, title=i.title or "-", description=i.description)
        _field_errors(item, ["measure", "original"], f"{i.line}行目 展開", errors)


def _chain_reaches(start: Plan, target: Plan) -> bool:
    seen: set[int] = set()
    current: Plan | None = start
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        current = current.predecessor
    return False


def _current_plan(plan: Plan | None) -> dict | None:
    """The saved plan's 【計画】 values, as the file writes them."""
    if plan is None:
        return None
    return {
        k: getattr(plan, k)
        for k in ("name", "short_name", "first_year", "last_year", "goal", *WORD_ITEMS)
    } | {
        "code": plan.code,
        "predecessor": plan.predecessor.code if plan.predecessor is not None else "",
        "rating_scale": plan.rating_scale.code,
    }


def _scale_change(s: Structure) -> list[Change]:
    if s.scale is None:
        return []
    if RatingScale.objects.filter(code=s.scale["code"]).exists():
        return [Change("評価尺度", s.scale["code"], "same")]
    return [_diff("評価尺度", s.scale["code"], RatingScale, None, {"name": s.scale["name"]})]


def _tree_changes(s: Structure, directions, policies, measures, initiatives) -> list[Change]:
    """The changes of the 新たな方向性, 基本施策, 施策 and 展開, each against its saved values."""
    changes = [
        _diff("新たな方向性", str(number), Direction, directions.get(number), {"title": title})
        for number, title in s.directions
    ]
    for number, title, description in s.basic_policies:
        new = {"title": title, "description": description}
        changes.append(
            _diff("基本施策", f"基本施策{number}", BasicPolicy, policies.get(number), new)
        )
    for m in s.measures:
        new = {
            "basic_policy": m.basic_policy,
            "order": m.order,
            "title": m.title,
            "description": m.description,
            "is_priority": m.is_priority,
            "predecessors": "、".join(m.predecessors),
        }
        changes.append(_diff("施策", m.number, Measure, measures.get(m.number), new))
    for i in s.initiatives:
        new = {"title": i.title, "description": i.description, "original": i.original}
        key = _label(i.measure, i.position)
        changes.append(
            _diff("展開", key, Initiative, initiatives.get((i.measure, i.position)), new)
        )
    return changes


def _kept(s: Structure, directions, policies, measures, initiatives) -> list[str]:
    """The plan's records the file leaves out: kept, not deleted."""
    listed = {
        "新たな方向性": {str(n) for n, _t in s.directions},
        "基本施策": {n for n, _t, _d in s.basic_policies},
        "施策": {m.number for m in s.measures},
        "展開": {(i.measure, i.position) for i in s.initiatives},
    }
    return (
        [f"新たな方向性 {n}" for n in directions if str(n) not in listed["新たな方向性"]]
        + [f"基本施策{n}" for n in policies if n not in listed["基本施策"]]
        + [f"施策 {n}" for n in measures if n not in listed["施策"]]
        + [f"展開 {_label(*k)}" for k in initiatives if k not in listed["展開"]]
    )


def _checked(s: Structure) -> Plan | None:
    """The saved plan of the file's 計画コード, once the file passes the checks against
    the database (``ImportRejected`` otherwise)."""
    errors: list[str] = []
    _resolve(s, errors)
    if errors:
        raise ImportRejected(errors)
    plan = Plan.objects.select_related("rating_scale").filter(code=s.plan["code"]).first()
    _check_database(s, plan, errors)
    _check_fields(s, errors)
    if errors:
        raise ImportRejected(errors)
    return plan


def preview(s: Structure) -> Preview:
    """Check the structure against the database and list what saving would do."""
    plan = _checked(s)
    existing = _existing(plan)
    changes = [
        _diff("計画", s.plan["code"], Plan, _current_plan(plan), _plan_values(s)),
        *_scale_change(s),
        *_tree_changes(s, *existing),
    ]
    result = Preview(plan_code=s.plan["code"], changes=changes, kept=_kept(s, *existing))
    if plan is not None:
        _renamed_in_locked_years(result, plan)
    result.digest = hashlib.sha256(
        json.dumps([asdict(c) for c in changes], ensure_ascii=False).encode()
    ).hexdigest()
    return result


def _renamed_in_locked_years(result: Preview, plan: Plan) -> None:
    """A 施策 or 展開 renamed while a 確定/公開 year printed it under its old title: the
    preview names the years and the titles. What those years published keeps the title it
    was published with; the internal pages follow the new title."""
    titles = {"施策": Measure._meta.get_field("title"), "展開": Initiative._meta.get_field("title")}
    renamed = [
        (f"{c.level} {c.key}", old, new)
        for c in result.changes
        if c.action == "change" and c.level in titles
        for name, old, new in c.fields
        if name == str(titles[c.level].verbose_name)
    ]
    if renamed and (years := plan.locked_years()):
        result.locked_years = [wareki(year) for year in years]
        result.renamed = renamed


# --------------------------------------------------------------------------- saving


class ChangedMeanwhile(Exception):
    """The database changed between the preview and the confirmation."""


def _save(instance, user: User | None, errors: list[str], what: str) -> None:
    # The related records were just saved or read here: checking that they exist would
    # cost a query per link. Uniqueness and constraints were checked on the whole file.
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    try:
        instance.clean_fields(exclude=relations)
        instance.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = instance._meta.get_field(name).verbose_name if name != "__all__" else ""
            errors.extend(
                f"{what}{'「' + str(label) + '」' if label else ''}: {m}" for m in messages
            )
        return
    instance._history_user = user
    instance.save()


def _update(instance, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        field = instance._meta.get_field(key)
        if field.is_relation:  # compare ids: an unsaved instance has no related object yet
            current, wanted = getattr(instance, field.attname), value.pk if value else None
        else:
            current, wanted = getattr(instance, key), value
        if current != wanted:
            setattr(instance, key, value)
            changed = True
    return changed


@dataclass
class _Saver:
    """Saves the records of one confirm as ``user``, gathering what does not validate."""

    user: User | None
    errors: list[str] = field(default_factory=list)

    def save(self, instance, what: str) -> None:
        _save(instance, self.user, self.errors, what)

    def save_changed(self, instance, values: dict, what: str) -> None:
        """Save ``instance`` with ``values`` if they change it or it is new; else leave it."""
        if _update(instance, values) or instance.pk is None:
            self.save(instance, what)


def _apply_scale(s: Structure, saver: _Saver) -> RatingScale:
    """The plan's 評価尺度: the saved one, or the one the file writes out, created."""
    scale = RatingScale.objects.filter(code=s.plan["rating_scale"]).first()
    if scale is not None:
        return scale
    assert s.scale is not None  # preview refused a scale neither saved nor written out
    scale = RatingScale(code=s.scale["code"], name=s.scale["name"])
    saver.save(scale, "評価尺度")
    for code, label, points, order in s.scale["levels"]:
        saver.save(
            RatingLevel(scale=scale, code=code, label=label, points=points, order=order),
            f"評価尺度 {code}",
        )
    return scale


def _apply_plan(s: Structure, saver: _Saver, scale: RatingScale) -> Plan:
    p = s.plan
    plan = Plan.objects.filter(code=p["code"]).first() or Plan(code=p["code"])
    values = {
        k: p[k] for k in ("name", "short_name", "first_year", "last_year", "goal", *WORD_ITEMS)
    }
    values["predecessor"] = Plan.objects.filter(code=p["predecessor"]).first()
    values["rating_scale"] = scale
    saver.save_changed(plan, values, "計画")
    return plan


def _apply_directions(s: Structure, saver: _Saver, plan: Plan) -> None:
    for number, title in s.directions:
        direction = Direction.objects.filter(plan=plan, number=number).first()
        direction = direction or Direction(plan=plan, number=number)
        saver.save_changed(direction, {"title": title}, f"新たな方向性 {number}")


def _apply_basic_policies(s: Structure, saver: _Saver, plan: Plan) -> dict[int, BasicPolicy]:
    policies = {bp.number: bp for bp in plan.basic_policies.all()} if plan.pk else {}
    for number, title, description in s.basic_policies:
        bp = policies.get(number) or BasicPolicy(plan=plan, number=number)
        saver.save_changed(bp, {"title": title, "description": description}, f"基本施策{number}")
        policies[number] = bp
    return policies


def _apply_measures(
    s: Structure, saver: _Saver, plan: Plan, policies: dict[int, BasicPolicy]
) -> dict[str, Measure]:
    """The 施策, and the 前計画の施策 each continues."""
    measures = {m.number: m for m in Measure.objects.of_plan(plan)} if plan.pk else {}
    old = (
        {m.number: m for m in Measure.objects.of_plan(plan.predecessor)}
        if plan.predecessor is not None
        else {}
    )
    for m in s.measures:
        measure = measures.get(m.number) or Measure(number=m.number)
        fields = {
            "basic_policy": policies[m.basic_policy],
            "order": m.order,
            "title": m.title,
            "description": m.description,
            "is_priority": m.is_priority,
        }
        saver.save_changed(measure, fields, f"施策 {m.number}")
        measures[m.number] = measure
        if measure.pk:
            wanted = {old[n].pk for n in m.predecessors}
            if set(measure.predecessors.values_list("pk", flat=True)) != wanted:
                measure._history_user = saver.user
                measure.predecessors.set(wanted)
    return measures


def _apply_initiatives(
    s: Structure, saver: _Saver, plan: Plan, measures: dict[str, Measure]
) -> None:
    items = (
        {
            (i.measure.number, i.position): i
            for i in Initiative.objects.filter(measure__basic_policy__plan=plan).select_related(
                "measure"
            )
        }
        if plan.pk
        else {}
    )
    # Originals first, so that each 再掲 can point at a saved item.
    for i in sorted(s.initiatives, key=lambda i: bool(i.original)):
        item = items.get((i.measure, i.position)) or Initiative(
            measure=measures[i.measure], position=i.position
        )
        original = None
        if i.original:
            ref = reference(i.original)
            assert ref is not None  # the sheet's reading refused an unreadable 再掲元
            original = items[ref]
        values = {"title": i.title, "description": i.description, "original": original}
        saver.save_changed(item, values, f"展開 {_label(i.measure, i.position)}")
        items[(i.measure, i.position)] = item


@transaction.atomic
def apply(s: Structure, *, user: User | None, digest: str | None = None) -> Preview:
    """Save the structure, or nothing: ``ChangedMeanwhile`` if the changes are no longer
    those previewed (``digest``), ``ImportRejected`` if a record does not validate."""
    result = preview(s)
    if digest is not None and result.digest != digest:
        raise ChangedMeanwhile
    if not any(c.action != "same" for c in result.changes):
        return result
    saver = _Saver(user)
    plan = _apply_plan(s, saver, _apply_scale(s, saver))
    _apply_directions(s, saver, plan)
    policies = _apply_basic_policies(s, saver, plan)
    measures = _apply_measures(s, saver, plan, policies)
    _apply_initiatives(s, saver, plan, measures)
    if saver.errors:
        raise ImportRejected(saver.errors)  # and the transaction is rolled back
    return result
