"""指標 of a 事業 in the 評価表 file: the 「指標」 cell read back for the import.

The export writes one line per 指標 (``sheet.layout.figure_line``), e.g.
「活動指標 講座の参加者数：目標 60人／実績 45人（75.0%）」. The import takes back, per line
and in the same order, the kind, the name, the unit and the 目標値・実績値 of the 指標 that
exist; the 達成率 in brackets is computed, not read. Adding or removing 指標, and their
direction (大きいほどよい/小さいほどよい, not in the cell), stay on the 実施状況 page.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from evaluation.achievement import implausibilities
from evaluation.models import IndicatorKind, ProjectIndicator
from evaluation.numbers import plain_number

FIELDS = {"kind": "種類", "name": "指標名", "unit": "単位", "target": "目標値", "actual": "実績値"}
KINDS = {str(label): value for value, label in IndicatorKind.choices}
LINE = re.compile(
    r"^(?P<kind>\S+)\s+(?P<name>.+)：目標\s*(?P<target>.*?)／実績\s*(?P<actual>.*?)"
    r"(?:（[^（）]*%）)?$"
)
NUMBER = re.compile(r"^(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+))(?P<unit>.*)$")
NOT_ENTERED = {"", "—", "－", "-", "ー"}  # 「—」 as exported; the others as typed


@dataclass
class Edit:
    indicator: ProjectIndicator
    values: dict  # FIELDS → value (numbers as text, for the session)
    fields: list[tuple[str, str, str]]  # (label, old, new), as the preview lists them
    # Values that look wrong (達成率 over 200 %, a negative figure): not refused, but shown in
    # the preview before anything is saved, as the 実施状況 form asks before it saves them.
    warnings: list[str]


def _figure(text: str, label: str, where: str, errors: list[str]) -> tuple[str | None, str]:
    """「60人」 → ("60", "人"); 「－」 → (None, "")."""
    text = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if text in NOT_ENTERED:
        return None, ""
    match = NUMBER.match(text)
    try:
        if match is None:
            raise InvalidOperation
        Decimal(match["number"])
    except InvalidOperation:
        errors.append(f"{where}「{label}」: 数値で入力してください（「{text}」）。")
        return None, ""
    return match["number"], match["unit"].strip()


def _shown(key: str, value) -> str:
    if key == "kind":
        return str(IndicatorKind(value).label)
    if key in ("target", "actual"):
        return plain_number(value)
    return value


def indicator_edits(
    cell: str, existing: list[ProjectIndicator], line: int, errors: list[str]
) -> list[Edit]:
    """The edits that the 「指標」 cell of file row ``line`` makes to ``existing`` (in export
    order); problems are added to ``errors``, each naming the row and the column once."""
    lines = [text.strip() for text in cell.replace("\r\n", "\n").split("\n") if text.strip()]
    if len(lines) != len(existing):
        errors.append(
            f"{line}行目「指標」: {len(existing)}件の指標が{len(lines)}行になっています。"
            "指標の追加と削除は、事業の実施状況の画面で行ってください。"
        )
        return []
    edits = []
    for number, (text, indicator) in enumerate(zip(lines, existing, strict=True), start=1):
        where = f"{line}行目" if len(lines) == 1 else f"{line}行目（{number}つ目の指標）"
        values = _line_values(text, indicator, where, errors)
        if values is None:
            continue
        candidate = _checked(values, indicator, where, errors)
        edit = _edit(indicator, values, candidate, where) if candidate is not None else None
        if edit is not None:
            edits.append(edit)
    return edits


def _line_values(
    text: str, indicator: ProjectIndicator, where: str, errors: list[str]
) -> dict | None:
    """One line of the cell read as FIELDS → value, or None (with the errors added)."""
    match = LINE.match(text)
    if match is None or match["kind"] not in KINDS:
        errors.append(
            f"{where}「指標」: 「{text}」を読み取れません。"
            "「活動指標 講座の参加者数：目標 60人／実績 45人」の形で入力してください。"
        )
        return None
    found = len(errors)
    target, target_unit = _figure(match["target"], FIELDS["target"], where, errors)
    actual, actual_unit = _figure(match["actual"], FIELDS["actual"], where, errors)
    units = {u for u in (target_unit, actual_unit) if u} or {indicator.unit}
    if len(units) > 1:
        errors.append(f"{where}「{FIELDS['unit']}」: 目標値と実績値で単位が違います。")
    if len(errors) > found:
        return None
    return {
        "kind": KINDS[match["kind"]],
        "name": match["name"].strip(),
        "unit": units.pop(),
        "target": target,
        "actual": actual,
    }


def _checked(
    values: dict, indicator: ProjectIndicator, where: str, errors: list[str]
) -> ProjectIndicator | None:
    """The 指標 as it would be saved, checked by the model's own rules; None when refused."""
    candidate = ProjectIndicator(
        report_id=indicator.report_id,
        **{k: Decimal(v) if k in ("target", "actual") and v else v for k, v in values.items()},
    )
    try:
        candidate.full_clean(exclude=["report"])
    except ValidationError as error:
        errors.extend(
            f"{where}「{FIELDS.get(name, name)}」: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        )
        return None
    return candidate


def _edit(
    indicator: ProjectIndicator, values: dict, candidate: ProjectIndicator, where: str
) -> Edit | None:
    """What the line changes, with warnings for values that look wrong; None if nothing."""
    old = {
        "kind": indicator.kind,
        "name": indicator.name,
        "unit": indicator.unit,
        "target": None if indicator.target is None else str(indicator.target),
        "actual": None if indicator.actual is None else str(indicator.actual),
    }
    changed = [
        (f"指標「{indicator.name}」の{FIELDS[k]}", _shown(k, old[k]), _shown(k, values[k]))
        for k in FIELDS
        if _shown(k, old[k]) != _shown(k, values[k])
    ]
    if not changed:
        return None
    reasons = implausibilities(
        candidate.actual, candidate.target, higher_is_better=indicator.higher_is_better
    )
    warnings = [f"{where} 指標「{candidate.name}」: {reason}" for reason in reasons]
    return Edit(indicator, values, changed, warnings)


def indicator_apply(*, indicator: ProjectIndicator, values: dict, expected_version: int, user):
    """Save one imported 指標 edit through ``record_save`` (the version the preview saw)."""
    from evaluation.services import record_save

    for key, value in values.items():
        if key in ("target", "actual"):
            value = None if value is None else Decimal(value)
        setattr(indicator, key, value)
    return record_save(instance=indicator, expected_version=expected_version, user=user)
