"""Import of a plan's structure from the layout of ``plan_sheet`` (Excel or CSV).

Three steps, each usable alone (the upload page and ``import_plan`` use all three):

1. ``parse(rows)`` checks the layout row by row and returns a ``Structure`` (plain data,
   kept in the session between preview and confirm) or ``ImportRejected`` with every
   problem found, by row and column, in Japanese.
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
import unicodedata
from dataclasses import asdict, dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from policies.fiscal_years import wareki
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
)
from policies.spreadsheet import ImportRejected, unprotect

HEADERS = {
    SECTION_PLAN: PLAN_HEADER,
    SECTION_SCALE: SCALE_COLUMNS,
    SECTION_DIRECTIONS: DIRECTION_COLUMNS,
    SECTION_TREE: TREE_COLUMNS,
}
REQUIRED_ITEMS = ["code", "name", "short_name", "first_year", "last_year", "rating_scale"]
TRUE_MARKS = {PRIORITY_MARK, "◯", "〇", "●", "1", "はい", "重点", "重点施策", "TRUE", "true"}
FALSE_MARKS = {"", "0", "いいえ", "FALSE", "false", "×", "-", "－"}
LIST_SPLIT = re.compile(r"[、,，\s]+")
PLAN_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
SKIPPED = "skipped"  # a section whose header (or repetition) was refused
INITIATIVE_REF = re.compile(r"^(?P<measure>.+?)(?:-(?P<digit>\d{1,2})|(?P<circled>[①-⑳]))$")


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
        )


# ------------------------------------------------------------------------------- parsing


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _int(value: str, low: int, high: int) -> int | None:
    text = _norm(value).removesuffix("年度")
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    return None


def position_of(value: str) -> int | None:
    """展開番号 as printed (②) or as a number (2)."""
    value = value.strip()
    if len(value) == 1 and value in CIRCLED_NUMBERS:
        return CIRCLED_NUMBERS.index(value) + 1
    return _int(value, 1, len(CIRCLED_NUMBERS))


def reference_of(value: str) -> tuple[str, int] | None:
    """A 再掲元 as "1-2①" or "1-2-1": (施策番号, 展開番号)."""
    match = INITIATIVE_REF.match(value.strip().replace(" ", "").replace("　", ""))
    if not match:
        return None
    position = (
        CIRCLED_NUMBERS.index(match["circled"]) + 1 if match["circled"] else int(match["digit"])
    )
    if not 1 <= position <= len(CIRCLED_NUMBERS):
        return None
    return _norm(match["measure"]), position


def _label(measure: str, position: int) -> str:
    return f"{measure}{CIRCLED_NUMBERS[position - 1]}"


def _sections(rows: list[list[str]], errors: list[str]) -> dict[str, list[tuple[int, list]]]:
    """Split the rows into sections (data rows with their line numbers)."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    expect_header = False
    for line, raw in enumerate(rows, start=1):
        cells = [unprotect(c) for c in raw]
        if not any(c.strip() for c in cells):
            continue
        first = cells[0].strip()
        if first in SECTIONS and not any(c.strip() for c in cells[1:]):
            if first in sections:
                errors.append(f"{line}行目: 「{first}」が2回あります。1回にまとめてください。")
                current = SKIPPED
                continue
            current, expect_header = first, True
            sections[current] = []
            continue
        if current is None:
            errors.append(
                f"{line}行目: 見出し（{'・'.join(SECTIONS)}）より前、または重複した見出しの下に行があります。"
            )
            continue
        if expect_header:
            header = [c.strip() for c in cells]
            if header != HEADERS[current]:
                errors.append(
                    f"{line}行目: 「{current}」の列見出しが違います。「{'、'.join(HEADERS[current])}」の順に並べてください。"
                )
                current = SKIPPED  # its rows cannot be read; the header error says why
            expect_header = False
            continue
        if current == SKIPPED:
            continue
        width = len(HEADERS[current])
        if len(cells) > width:
            errors.append(
                f"{line}行目: 「{current}」の列は {width} 列までです（{len(cells)} 列目に値があります）。"
            )
            continue
        sections[current].append((line, cells + [""] * (width - len(cells))))
    for needed in (SECTION_PLAN, SECTION_TREE):
        if needed not in sections:
            errors.append(f"「{needed}」の見出しがありません（テンプレートの形で書いてください）。")
    return sections


def _plan_items(items: list[tuple[int, list]], errors: list[str]) -> dict:
    by_label = {label: key for key, label in PLAN_ITEMS.items()}
    plan: dict = {"goal": "", "predecessor": ""}
    lines: dict[str, int] = {}
    for line, (label, value) in items:
        key = by_label.get(label.strip())
        if key is None:
            errors.append(
                f"{line}行目「項目」: 「{label}」は使えません（{'、'.join(PLAN_ITEMS.values())}）。"
            )
            continue
        if key in lines:
            errors.append(f"{line}行目「項目」: 「{label}」が{lines[key]}行目と重複しています。")
            continue
        lines[key] = line
        plan[key] = value.strip() if key != "goal" else value.strip("\r\n")
    for key in REQUIRED_ITEMS:
        if not plan.get(key):
            errors.append(f"「{SECTION_PLAN}」: 「{PLAN_ITEMS[key]}」を入力してください。")
    if plan.get("code") and not PLAN_CODE.match(plan["code"]):
        errors.append(
            f"{lines['code']}行目「内容」: 計画コードは半角の英数字・ハイフン・下線（50文字まで）にしてください（「{plan['code']}」）。"
        )
    for key in ("first_year", "last_year"):
        if plan.get(key):
            year = _int(plan[key], 1900, 2200)
            if year is None:
                errors.append(
                    f"{lines[key]}行目「内容」: {PLAN_ITEMS[key]}は西暦の年度（例: 2022）で入力してください（「{plan[key]}」）。"
                )
            plan[key] = year
    first, last = plan.get("first_year"), plan.get("last_year")
    if isinstance(first, int) and isinstance(last, int) and first > last:
        errors.append(
            f"{lines['last_year']}行目「内容」: 計画期間の終了年度（{plan['last_year']}）が開始年度（{plan['first_year']}）より前です。"
        )
    return plan


def _scale(items: list[tuple[int, list]], plan: dict, errors: list[str]) -> dict | None:
    if not items:
        return None
    scale: dict = {"code": plan.get("rating_scale", ""), "name": "", "levels": []}
    seen: dict[str, int] = {}
    for line, (code, name, level, label, points, order) in items:
        if code.strip() != scale["code"]:
            errors.append(
                f"{line}行目「尺度コード」: 「{code}」が「{SECTION_PLAN}」の評価尺度（{scale['code']}）と違います。"
            )
            continue
        scale["name"] = scale["name"] or name.strip()
        level = level.strip()
        if not level or not label.strip():
            errors.append(f"{line}行目「記号」「意味」: 記号と意味を入力してください。")
            continue
        if level in seen:
            errors.append(f"{line}行目「記号」: 「{level}」が{seen[level]}行目と重複しています。")
            continue
        seen[level] = line
        value = None if not points.strip() else _int(points, 0, 1000)
        number = _int(order, 1, 1000)
        if points.strip() and value is None:
            errors.append(
                f"{line}行目「点数」: 0以上の整数か空欄（評価不能）にしてください（「{points}」）。"
            )
        if number is None:
            errors.append(f"{line}行目「表示順」: 1以上の整数にしてください（「{order}」）。")
        scale["levels"].append([level, label.strip(), value, number])
    if not scale["name"]:
        errors.append(f"「{SECTION_SCALE}」: 尺度名を入力してください。")
    return scale


def _directions(items: list[tuple[int, list]], errors: list[str]) -> list[list]:
    result: list[list] = []
    seen: dict[int, int] = {}  # number → its line
    for line, (number, title) in items:
        value = _int(number, 1, 1000)
        if value is None:
            errors.append(f"{line}行目「番号」: 1以上の整数にしてください（「{number}」）。")
        elif value in seen:
            errors.append(f"{line}行目「番号」: 「{value}」が{seen[value]}行目と重複しています。")
        elif not title.strip():
            errors.append(f"{line}行目「方向性」: 方向性を入力してください。")
        else:
            seen[value] = line
            result.append([value, title.strip()])
    return result


def _same(
    kept: dict, key: str, value, line: int, column: str, errors: list[str], what: str
) -> None:
    """A value repeated on each row of a 施策 (or 基本施策): the first non-empty one counts;
    a different non-empty one later is an error."""
    if value in ("", None):
        return
    if kept.get(key) in ("", None):
        kept[key] = value
        kept.setdefault("_lines", {})[key] = line
    elif kept[key] != value:
        first = kept["_lines"][key]
        errors.append(f"{line}行目「{column}」: {what}の{column}が{first}行目と違います。")


def _tree(
    items: list[tuple[int, list]], plan: dict, errors: list[str]
) -> tuple[list[list], list[MeasureData], list[InitiativeData]]:
    policies: dict[int, dict] = {}
    measures: dict[str, dict] = {}
    initiatives: dict[tuple[str, int], InitiativeData] = {}
    for line, cells in items:
        row = dict(zip(TREE_COLUMNS, cells, strict=True))
        found = len(errors)
        if row["計画コード"].strip() != plan.get("code"):
            errors.append(
                f"{line}行目「計画コード」: 「{row['計画コード']}」が「{SECTION_PLAN}」の計画コード（{plan.get('code', '')}）と違います。"
            )
        bp_number = _int(row["基本施策番号"], 1, 1000)
        if bp_number is None:
            errors.append(
                f"{line}行目「基本施策番号」: 1以上の整数にしてください（「{row['基本施策番号']}」）。"
            )
        number = _norm(row["施策番号"])
        if not number or len(number) > 10:
            errors.append(
                f"{line}行目「施策番号」: 施策番号（10文字まで、例: 1-1）を入力してください。"
            )
        mark = row["重点施策"].strip()
        if mark not in TRUE_MARKS | FALSE_MARKS:
            errors.append(
                f"{line}行目「重点施策」: 重点施策は「{PRIORITY_MARK}」、そうでなければ空欄にしてください（「{mark}」）。"
            )
        item = row["展開番号"].strip()
        position = position_of(item) if item else None
        if item and position is None:
            errors.append(f"{line}行目「展開番号」: ①〜⑳ か 1〜20 にしてください（「{item}」）。")
        if len(errors) > found or bp_number is None:
            continue
        bp = policies.setdefault(bp_number, {"number": bp_number, "title": "", "description": ""})
        _same(
            bp,
            "title",
            row["基本施策名"].strip(),
            line,
            "基本施策名",
            errors,
            f"基本施策{bp_number}",
        )
        _same(
            bp,
            "description",
            row["基本施策の説明"].strip("\r\n"),
            line,
            "基本施策の説明",
            errors,
            f"基本施策{bp_number}",
        )
        measure = measures.get(number)
        if measure is None:
            order = 1 + sum(1 for m in measures.values() if m["basic_policy"] == bp_number)
            measure = measures[number] = {
                "line": line,
                "number": number,
                "basic_policy": bp_number,
                "order": order,
                "title": "",
                "description": "",
                "is_priority": None,
                "predecessors": None,
                "initiatives": 0,
                "blank_rows": 0,
            }
        elif measure["basic_policy"] != bp_number:
            errors.append(
                f"{line}行目「施策番号」: 施策番号「{number}」が重複しています（{measure['line']}行目は基本施策{measure['basic_policy']}）。"
            )
            continue
        what = f"施策 {number} "
        _same(measure, "title", row["施策名"].strip(), line, "施策名", errors, what)
        _same(
            measure,
            "description",
            row["施策の説明"].strip("\r\n"),
            line,
            "施策の説明",
            errors,
            what,
        )
        # A blank 重点施策 on a later row of the 施策 repeats the first; "×" or "0" says no.
        flag = (mark in TRUE_MARKS) if mark else None
        _same(measure, "is_priority", flag, line, "重点施策", errors, what)
        lineage = sorted({_norm(p) for p in LIST_SPLIT.split(row["前計画の施策"]) if _norm(p)})
        _same(measure, "predecessors", lineage or None, line, "前計画の施策", errors, what)
        title, description, original = (
            row["展開"].strip(),
            row["展開の内容"].strip("\r\n"),
            row["再掲元"].strip(),
        )
        if position is None:
            if title or description or original:
                errors.append(f"{line}行目「展開番号」: 展開番号を入力してください。")
            measure["blank_rows"] += 1
            continue
        if (number, position) in initiatives:
            first = initiatives[(number, position)].line
            errors.append(
                f"{line}行目「展開番号」: 施策 {number} の展開番号 {CIRCLED_NUMBERS[position - 1]} が{first}行目と重複しています。"
            )
            continue
        if original:
            reference = reference_of(original)
            if reference is None:
                errors.append(
                    f"{line}行目「再掲元」: 「{original}」は再掲元の書き方ではありません（例: 1-2① または 1-2-1）。"
                )
                continue
            original = _label(*reference)
        elif not title:
            errors.append(
                f"{line}行目「展開」: 展開名を入力してください（再掲の場合は再掲元を入力します）。"
            )
            continue
        measure["initiatives"] += 1
        initiatives[(number, position)] = InitiativeData(
            line, number, position, title, description, original
        )

    _check_relistings(initiatives, errors)
    with_items = [m for m in measures.values() if m["initiatives"]]
    for m in measures.values():
        if not m["title"]:
            errors.append(
                f"{m['line']}行目「施策名」: 施策 {m['number']} の施策名を入力してください。"
            )
        if with_items and not m["initiatives"]:
            errors.append(
                f"{m['line']}行目「展開番号」: 施策 {m['number']} に展開がありません（この計画の他の施策には展開があります）。"
            )
    for bp in policies.values():
        if not bp["title"]:
            errors.append(
                f"「{SECTION_TREE}」: 基本施策{bp['number']} の基本施策名を入力してください。"
            )
    return (
        [
            [bp["number"], bp["title"], bp["description"]]
            for bp in sorted(policies.values(), key=lambda b: b["number"])
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
            for m in measures.values()
        ],
        list(initiatives.values()),
    )


def _check_relistings(
    initiatives: dict[tuple[str, int], InitiativeData], errors: list[str]
) -> None:
    by_label = {_label(i.measure, i.position): i for i in initiatives.values()}
    for item in initiatives.values():
        if not item.original:
            continue
        original = by_label.get(item.original)
        if original is None:
            errors.append(
                f"{item.line}行目「再掲元」: 再掲元「{item.original}」はこのファイルの展開にありません。"
            )
        elif original is item:
            errors.append(f"{item.line}行目「再掲元」: 自分自身を再掲元にはできません。")
        elif original.original:
            errors.append(
                f"{item.line}行目「再掲元」: 「{item.original}」は再掲の項目です。再掲の再掲はできないので、もとの展開（{original.original}）を指定してください。"
            )
        elif (item.title and item.title != original.title) or item.description:
            errors.append(
                f"{item.line}行目「展開」: 再掲の行には展開名・内容を書かないでください（再掲元「{item.original}」のものを表示します）。"
            )
        else:
            item.title = ""  # a 再掲 item carries no text of its own


def parse(rows: list[list[str]]) -> Structure:
    """The file's structure, or ``ImportRejected`` with every problem of the layout."""
    errors: list[str] = []
    sections = _sections(rows, errors)
    plan = _plan_items(sections.get(SECTION_PLAN, []), errors)
    scale = _scale(sections.get(SECTION_SCALE, []), plan, errors)
    directions = _directions(sections.get(SECTION_DIRECTIONS, []), errors)
    policies, measures, initiatives = _tree(sections.get(SECTION_TREE, []), plan, errors)
    if SECTION_TREE in sections and not measures and not errors:
        errors.append(f"「{SECTION_TREE}」に施策の行がありません。")
    if errors:
        raise ImportRejected(errors)
    return Structure(plan, scale, directions, policies, measures, initiatives)


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
            if i.original
            else "",
        }
        for i in Initiative.objects.filter(measure__basic_policy__plan=plan).select_related(
            "measure", "original__measure"
        )
    }
    return directions, policies, measures, initiatives


def _check_database(s: Structure, plan: Plan | None, errors: list[str]) -> None:
    p = s.plan
    others = Plan.objects.exclude(code=p["code"])
    for other in others.filter(name=p["name"]):
        if other.first_year <= p["last_year"] and p["first_year"] <= other.last_year:
            errors.append(
                f"「{SECTION_PLAN}」: 計画期間（{p['first_year']}〜{p['last_year']}年度）が、同じ名前の計画"
                f"（計画コード {other.code}、{other.first_year}〜{other.last_year}年度）と重なっています。"
                "同じ計画なら計画コードを合わせてください。"
            )
    previous = None
    if p["predecessor"]:
        previous = Plan.objects.filter(code=p["predecessor"]).first()
        if previous is None:
            errors.append(
                f"「{SECTION_PLAN}」: 前の計画「{p['predecessor']}」は読み込まれていません。先に前の計画を読み込んでください。"
            )
        elif previous.code == p["code"] or (plan is not None and _chain_reaches(previous, plan)):
            errors.append(
                f"「{SECTION_PLAN}」: 前の計画「{p['predecessor']}」をたどると、この計画に戻ってしまいます。"
            )
            previous = None
    old_numbers = (
        set(Measure.objects.of_plan(previous).values_list("number", flat=True))
        if previous
        else set()
    )
    for m in s.measures:
        if m.predecessors and not p["predecessor"]:
            errors.append(
                f"{m.line}行目「前計画の施策」: 「{SECTION_PLAN}」に前の計画がないので、前計画の施策は指定できません。"
            )
            continue
        missing = [n for n in m.predecessors if previous and n not in old_numbers]
        if missing:
            errors.append(
                f"{m.line}行目「前計画の施策」: 前の計画（{p['predecessor']}）に施策「{'、'.join(missing)}」はありません。"
            )
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
        k: s.plan[k] for k in ("code", "name", "short_name", "first_year", "last_year", "goal")
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


def preview(s: Structure) -> Preview:
    """Check the structure against the database and list what saving would do."""
    errors: list[str] = []
    plan = Plan.objects.select_related("rating_scale").filter(code=s.plan["code"]).first()
    _check_database(s, plan, errors)
    _check_fields(s, errors)
    if errors:
        raise ImportRejected(errors)
    directions, policies, measures, initiatives = _existing(plan)
    changes: list[Change] = []
    current_plan = (
        {k: getattr(plan, k) for k in ("name", "short_name", "first_year", "last_year", "goal")}
        | {
            "code": plan.code,
            "predecessor": plan.predecessor.code if plan.predecessor else "",
            "rating_scale": plan.rating_scale.code,
        }
        if plan
        else None
    )
    changes.append(_diff("計画", s.plan["code"], Plan, current_plan, _plan_values(s)))
    if s.scale is not None:
        exists = RatingScale.objects.filter(code=s.scale["code"]).exists()
        changes.append(
            Change("評価尺度", s.scale["code"], "same")
            if exists
            else _diff("評価尺度", s.scale["code"], RatingScale, None, {"name": s.scale["name"]})
        )
    for number, title in s.directions:
        changes.append(
            _diff("新たな方向性", str(number), Direction, directions.get(number), {"title": title})
        )
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

    listed = {
        "新たな方向性": {str(n) for n, _t in s.directions},
        "基本施策": {n for n, _t, _d in s.basic_policies},
        "施策": {m.number for m in s.measures},
        "展開": {(i.measure, i.position) for i in s.initiatives},
    }
    kept = (
        [f"新たな方向性 {n}" for n in directions if str(n) not in listed["新たな方向性"]]
        + [f"基本施策{n}" for n in policies if n not in listed["基本施策"]]
        + [f"施策 {n}" for n in measures if n not in listed["施策"]]
        + [f"展開 {_label(*k)}" for k in initiatives if k not in listed["展開"]]
    )
    result = Preview(plan_code=s.plan["code"], changes=changes, kept=kept)
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


@transaction.atomic
def apply(s: Structure, *, user: User | None, digest: str | None = None) -> Preview:
    """Save the structure, or nothing: ``ChangedMeanwhile`` if the changes are no longer
    those previewed (``digest``), ``ImportRejected`` if a record does not validate."""
    result = preview(s)
    if digest is not None and result.digest != digest:
        raise ChangedMeanwhile
    if not any(c.action != "same" for c in result.changes):
        return result
    errors: list[str] = []
    p = s.plan
    scale = RatingScale.objects.filter(code=p["rating_scale"]).first()
    if scale is None and s.scale is not None:
        scale = RatingScale(code=s.scale["code"], name=s.scale["name"])
        _save(scale, user, errors, "評価尺度")
        for code, label, points, order in s.scale["levels"]:
            _save(
                RatingLevel(scale=scale, code=code, label=label, points=points, order=order),
                user,
                errors,
                f"評価尺度 {code}",
            )
    plan = Plan.objects.filter(code=p["code"]).first() or Plan(code=p["code"])
    values = {k: p[k] for k in ("name", "short_name", "first_year", "last_year", "goal")}
    values["predecessor"] = Plan.objects.filter(code=p["predecessor"]).first()
    values["rating_scale"] = scale
    if _update(plan, values) or plan.pk is None:
        _save(plan, user, errors, "計画")

    for number, title in s.directions:
        direction = Direction.objects.filter(plan=plan, number=number).first()
        direction = direction or Direction(plan=plan, number=number)
        if _update(direction, {"title": title}) or direction.pk is None:
            _save(direction, user, errors, f"新たな方向性 {number}")
    policies = {bp.number: bp for bp in plan.basic_policies.all()} if plan.pk else {}
    for number, title, description in s.basic_policies:
        bp = policies.get(number) or BasicPolicy(plan=plan, number=number)
        if _update(bp, {"title": title, "description": description}) or bp.pk is None:
            _save(bp, user, errors, f"基本施策{number}")
        policies[number] = bp
    measures = {m.number: m for m in Measure.objects.of_plan(plan)} if plan.pk else {}
    old = (
        {m.number: m for m in Measure.objects.of_plan(plan.predecessor)} if plan.predecessor else {}
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
        if _update(measure, fields) or measure.pk is None:
            _save(measure, user, errors, f"施策 {m.number}")
        measures[m.number] = measure
        if measure.pk:
            wanted = {old[n].pk for n in m.predecessors}
            if set(measure.predecessors.values_list("pk", flat=True)) != wanted:
                measure._history_user = user
                measure.predecessors.set(wanted)
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
        if i.original and (ref := reference_of(i.original)):  # checked by preview
            original = items[ref]
        if (
            _update(item, {"title": i.title, "description": i.description, "original": original})
            or item.pk is None
        ):
            _save(item, user, errors, f"展開 {_label(i.measure, i.position)}")
        items[(i.measure, i.position)] = item
    if errors:
        raise ImportRejected(errors)  # and the transaction is rolled back
    return result
