"""Import of 事業 and 実施状況 from the 評価表's own Excel or CSV layout.

Two steps. ``import_preview`` reads the file, checks every row (layout, codes, the
user's right to each 事業, values) and works out what would be created, changed and left
alone, noting each record's version. Nothing is written. The planned saves are kept in
the user's session (the database-backed session: every worker sees it, and the uploaded
file itself is not kept). ``import_apply`` then saves them in one transaction through
``record_save`` with the versions seen at preview time, so a record someone saved in
between is a conflict and nothing is saved.
"""

import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evaluation import page_cache
from evaluation.access import project_access, report_access, sheet_import_access
from evaluation.models import (
    Cycle,
    Direction,
    ImportReceipt,
    Project,
    ProjectIndicator,
    ProjectReport,
    ReportStatus,
    ReviewState,
)
from evaluation.services import EditConflict, mark_resubmitted
from evaluation.sheet.csv import csv_rows
from evaluation.sheet.indicators import indicator_apply, indicator_edits
from evaluation.sheet.layout import (
    CODE_SEPARATOR,
    CSV_COLUMNS,
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    XLSX_FIRST_DATA_ROW,
    XLSX_FIRST_PROJECT_COLUMN,
    XLSX_GROUP_ROW,
    XLSX_HEADER_ROW,
    XLSX_TREE_COLUMNS_BEFORE,
    tree_columns,
    xlsx_columns,
    year_label,
)
from evaluation.sheet.table import build_table
from policies.models import CIRCLED_NUMBERS, ImplementingBody, Initiative
from policies.spreadsheet import (
    MIB,
    Bounds,
    Deadline,
    ImportRejected,
    check_size,
    lines,
    text_of,
    unprotect,
)
from policies.stored_text import stored_text

SESSION_KEY = "sheet_import:{cycle}"

PROJECT_FIELDS = {
    "name": "事業名",
    "summary": "事業概要",
    "body": "実施主体",
    "department": "担当課",
    "initiatives": "展開",
}
REPORT_FIELDS = {
    "goal": "事業の目標",
    "status": "実施状況",
    "activities": "実施内容",
    "times": "回数",
    "participants": "参加者数",
    "issues": "課題",
    "direction": "今後の方向性",
}
# The file's cells of a 事業 row, in column order (PROJECT_COLUMNS + REPORT_COLUMNS).
ROW_KEYS = [
    "name",
    "summary",
    "body",
    "department",
    "goal",
    "status",
    "activities",
    "times",
    "participants",
    "indicators",
    "issues",
    "direction",
]
# Cells shown for reading only: an edit there is reported, not taken and not dropped.
# (The 「指標」 cell is read back: ``sheet.indicators``.)
READ_ONLY = {
    "self_evaluation": "自己評価",
    "committee": "委員会による評価及び意見",
}
READ_ONLY_HINT = {
    "self_evaluation": "自己評価は自己評価の画面で入力してください。",
    "committee": "委員会評価は委員会評価の画面で入力してください。",
}


@dataclass
class FileRow:
    """One data row of the file, in the file's own words (cells as text or numbers)."""

    line: int
    measure: str
    item: str
    code: str
    values: dict  # ROW_KEYS (and, from the CSV, the evaluation columns)


@dataclass
class Change:
    """What the import does to one record: create, change (field, old → new) or nothing."""

    kind: str  # "project", "report" or "indicator"
    code: str
    name: str
    action: str  # "create", "change" or "same"
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    expected_version: int = 0
    values: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # values to check before saving

    @property
    def kind_label(self) -> str:
        return {"project": "事業", "report": "実施状況", "indicator": "指標"}[self.kind]


@dataclass
class Preview:
    token: str
    filename: str
    changes: list[Change]

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.action == "create"]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.action == "change"]

    @property
    def unchanged(self) -> list[Change]:
        return [c for c in self.changes if c.action == "same"]

    @property
    def warnings(self) -> list[str]:
        return [warning for c in self.changes for warning in c.warnings]


@dataclass
class ImportResult:
    created: int
    changed: int


# ---------------------------------------------------------------------------- reading


def bounds() -> Bounds:
    """The import's bounds, read from the settings at use (tests and operators change them)."""
    part = settings.SHEET_IMPORT_MAX_UNPACKED_MB * MIB
    return Bounds(
        max_bytes=settings.SHEET_IMPORT_MAX_BYTES,
        max_rows=settings.SHEET_IMPORT_MAX_ROWS,
        max_columns=64,  # the export has 19 columns with the previous year beside it
        max_cell_chars=20_000,  # longer than any 実施内容 typed in a form
        max_part_bytes=part,
        max_unpacked_bytes=2 * part,
        seconds=settings.SHEET_IMPORT_MAX_SECONDS,
        advice="評価表の出力ファイルを選んでください。",
    )


def read_rows(
    upload: UploadedFile, cycle: Cycle, deadline: Deadline | None = None
) -> list[FileRow]:
    """The file's data rows, or ``ImportRejected`` for a file that is not the 評価表 layout
    or passes a bound (``policies.spreadsheet``)."""
    limits = bounds()
    deadline = deadline or Deadline(limits.seconds)
    check_size(upload.size or 0, limits)
    name = (upload.name or "").lower()
    data = upload.read(limits.max_bytes + 1)
    if name.endswith(".csv"):
        return _csv_rows(lines(name, data, limits, deadline, header_rows=1), cycle)
    rows = lines(name, data, limits, deadline, header_rows=XLSX_FIRST_DATA_ROW - 1)
    return _xlsx_rows(rows, cycle)


def _xlsx_rows(rows, cycle: Cycle) -> list[FileRow]:
    """Check the group and header rows, then gather the 事業 rows, streaming."""
    group: list[str] = []
    header: list[str] = []
    first_report = 0
    result = []
    for number, cells in enumerate(rows, start=1):
        if number == XLSX_GROUP_ROW:
            group = cells
        elif number == XLSX_HEADER_ROW:
            header = cells
            while header and header[-1] == "":
                header.pop()
            first_report = _check_xlsx_header(header, group, cycle)
        if number < XLSX_FIRST_DATA_ROW:
            continue
        cells += [""] * len(header)
        measure, item, code = cells[0].strip(), cells[1].strip(), cells[2].strip()
        if not (measure or item or code):
            continue  # 自己評価・委員会評価 rows, and blank rows
        project = cells[
            XLSX_FIRST_PROJECT_COLUMN : XLSX_FIRST_PROJECT_COLUMN + len(PROJECT_COLUMNS)
        ]
        report = cells[first_report : first_report + len(REPORT_COLUMNS)]
        result.append(_file_row(number, measure, item, code, [*project, *report]))
    if not header:
        _check_xlsx_header(header, group, cycle)
    return result


def _check_xlsx_header(header: list[str], group: list[str], cycle: Cycle) -> int:
    """The column of this year's first 実施状況 cell, if the header rows are the export's."""
    own = tree_columns(cycle.plan)
    accepted = [xlsx_columns(n, tree) for tree in (own, XLSX_TREE_COLUMNS_BEFORE) for n in (1, 2)]
    if header not in accepted:
        raise ImportRejected(
            [
                f"{XLSX_HEADER_ROW}行目: 列見出しが評価表の出力と違います。"
                f"「{'、'.join(xlsx_columns(1, own))}」の順に並べてください（列を足したり消したりしないでください）。"
            ]
        )
    first_report = len(header) - len(REPORT_COLUMNS)  # this year's group is the last one
    if len(group) <= first_report or group[first_report] != year_label(cycle.fiscal_year):
        found = group[first_report] if len(group) > first_report else ""
        raise ImportRejected(
            [
                f"{XLSX_GROUP_ROW}行目: このファイルは「{found or '年度不明'}」のものです。"
                f"「{year_label(cycle.fiscal_year)}」の評価表を取り込んでください。"
            ]
        )
    return first_report


def _csv_rows(rows, cycle: Cycle) -> list[FileRow]:
    header: list[str] = next(rows, [])
    if header != CSV_COLUMNS:
        raise ImportRejected(
            [
                "1行目: 列見出しが評価表の CSV 出力と違います。"
                f"「{'、'.join(CSV_COLUMNS)}」の順に並べてください（列を足したり消したりしないでください）。"
            ]
        )
    result: list[FileRow] = []
    errors: list[str] = []
    for number, cells in enumerate(rows, start=2):
        _csv_row(number, cells, cycle, result, errors)
    if errors:
        raise ImportRejected(errors)
    return result


def _csv_row(number: int, cells: list[str], cycle: Cycle, result: list, errors: list) -> None:
    if not any(c.strip() for c in cells):
        return
    if len(cells) != len(CSV_COLUMNS):
        errors.append(
            f"{number}行目: 列の数が {len(cells)} 個です（{len(CSV_COLUMNS)} 個のはずです）。"
        )
        return
    cells = [stored_text(unprotect(c)) for c in cells]  # as saved, like the Excel's cells
    year = cells[0].strip()
    if year == str(cycle.fiscal_year - 1):
        return  # the previous year's rows of a side-by-side export are for reading only
    if year != str(cycle.fiscal_year):
        errors.append(
            f"{number}行目: 年度「{year}」はこの取り込み（{cycle.fiscal_year}年度）の対象ではありません。"
        )
        return
    measures = cells[1].split(CODE_SEPARATOR)
    items = cells[2].split(CODE_SEPARATOR)
    if len(measures) != len(items):
        errors.append(
            f"{number}行目: 施策番号と展開番号の数が合いません（「{CODE_SEPARATOR}」で区切って同じ数にしてください）。"
        )
        return
    values = cells[4 : 4 + len(ROW_KEYS)]
    evaluations = dict(
        zip(["self_evaluation", "committee"], cells[4 + len(ROW_KEYS) :], strict=True)
    )
    for measure, item in zip(measures, items, strict=True):
        row = _file_row(number, measure.strip(), item.strip(), cells[3].strip(), values)
        row.values.update(evaluations)
        result.append(row)


def _file_row(line: int, measure: str, item: str, code: str, values: list[str]) -> FileRow:
    return FileRow(line, measure, item, code, dict(zip(ROW_KEYS, values, strict=True)))


# ------------------------------------------------------------------------- checking


def _count(value: str, label: str, line: int, errors: list[str]) -> int | None:
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if text == "":
        return None
    if text.isdigit():
        return int(text)
    errors.append(f"{line}行目「{label}」: 0以上の整数で入力してください（「{value}」）。")
    return None


def _choice(value: str, label: str, choices: dict[str, str], line: int, errors: list[str]) -> str:
    """A dropdown cell: one of ``choices``' labels, or empty."""
    text = value.strip()
    if text and text not in choices:
        errors.append(
            f"{line}行目「{label}」: 「{text}」は選べません。{'／'.join(choices)}から選んでください。"
        )
    return choices.get(text, "")


def _position(item: str) -> int | None:
    """展開番号 as printed (②) or as a digit (2)."""
    if len(item) == 1 and item in CIRCLED_NUMBERS:
        return CIRCLED_NUMBERS.index(item) + 1
    text = unicodedata.normalize("NFKC", item)
    return int(text) if text.isdigit() else None


def _same_text(a: str, b: str) -> bool:
    # Excel stores line breaks as \n; the browser's forms send \r\n. Both mean the same.
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


def import_preview(*, user: User, cycle: Cycle, upload: UploadedFile) -> Preview:
    """Check the whole file and list what confirming would do; writes nothing."""
    access = sheet_import_access(user, cycle)
    if not access.edit:
        raise ImportRejected([access.reason or "この評価サイクルには取り込めません。"])
    deadline = Deadline(settings.SHEET_IMPORT_MAX_SECONDS)
    rows = read_rows(upload, cycle, deadline)
    changes = plan_changes(user=user, cycle=cycle, rows=rows, deadline=deadline)
    return Preview(token=uuid.uuid4().hex, filename=upload.name or "", changes=changes)


def _gather_projects(
    rows: list[FileRow],
    initiatives: dict[tuple[str, int], Initiative],
    exported: dict[str, dict[str, str]],
    errors: list[str],
) -> tuple[dict[str, FileRow], dict[str, list[int]]]:
    """Each 事業's row and the 展開 it serves.

    A 事業 is entered on its first row (in plan order, as exported). Its later rows (a 再掲
    展開, a second 展開) are for reading: they add their 展開 to the 事業 but their cells
    must stay as exported (or repeat the first row); an edit there is reported with the row
    to use instead, never silently dropped.
    """
    measure_numbers = {number for number, _position in initiatives}
    first_row: dict[str, FileRow] = {}
    sources: dict[str, list[int]] = {}
    for row in rows:
        if row.measure not in measure_numbers:
            errors.append(f"{row.line}行目「施策番号」: 「{row.measure}」はこの計画にありません。")
            continue
        initiative = initiatives.get((row.measure, _position(row.item) or 0))
        if initiative is None:
            errors.append(
                f"{row.line}行目「展開番号」: 「{row.item}」は施策 {row.measure} にありません。"
            )
            continue
        if not row.code:
            if any(str(v).strip() for v in row.values.values()):
                errors.append(
                    f"{row.line}行目「事業コード」: 入力してください（新しい事業には新しいコードを付けます）。"
                )
            continue  # a 展開 without 事業
        earlier = first_row.setdefault(row.code, row)
        if earlier is not row and not (
            _same_cells(row.values, earlier.values)
            or (row.code in exported and _same_cells(row.values, exported[row.code]))
        ):
            errors.append(
                f"{row.line}行目: この行は再掲です。{earlier.line}行目で入力してください。"
            )
            continue
        _add_source(sources, row.code, initiative)
    return first_row, sources


def _same_cells(values: dict, reference: dict) -> bool:
    """The 事業 cells of two rows say the same (line breaks and outer spaces aside)."""
    return all(
        _same_text(str(values.get(k, "")).strip(), str(reference.get(k, "")).strip())
        for k in ROW_KEYS
    )


def _exported(cycle: Cycle) -> dict[str, dict[str, str]]:
    """What the export shows for each 事業 this year, as the import reads cells back."""
    keys = [*ROW_KEYS, "self_evaluation", "committee"]
    rows = iter(csv_rows(build_table(cycle)))
    next(rows)  # header
    return {
        row[3]: {k: text_of(v) for k, v in zip(keys, row[4:], strict=True)}
        for row in rows
        if row[0] == cycle.fiscal_year
    }


@dataclass
class _Known:
    """What the database says about the file's 事業, read once for all rows, and the
    problems found so far (``errors``, in the order the checks find them)."""

    user: User
    cycle: Cycle
    errors: list[str]
    bodies: dict[str, ImplementingBody]  # by name and by short name
    exported: dict[str, dict[str, str]]
    sources: dict[str, list[int]]  # each 事業's 展開 in the file
    existing: dict[str, Project]
    reports: dict[int, ProjectReport]  # by 事業
    indicators: dict[int, list[ProjectIndicator]]  # by 実施状況, in export order
    label_of: dict[int, str]  # 展開 → 「1-1①」
    names: dict[int, str] = field(init=False)  # 実施主体 → its name
    statuses: dict[str, str] = field(init=False)  # label → value
    directions: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.names = {b.pk: b.name for b in self.bodies.values()}
        self.statuses = {str(label): value for value, label in ReportStatus.choices}
        self.directions = {str(label): value for value, label in Direction.choices}

    def shown(self, key: str, value) -> str:
        if key == "body":
            return self.names.get(value, "")
        if key == "initiatives":
            return "、".join(self.label_of.get(pk, str(pk)) for pk in value)
        return value

    def refuse(self, line: int, code: str, reason: str) -> None:
        self.errors.append(f"{line}行目: 事業「{code}」: {reason}")


def _initiatives(cycle: Cycle) -> dict[tuple[str, int], Initiative]:
    return {
        (i.measure.number, i.position): i
        for i in Initiative.objects.filter(measure__basic_policy__plan=cycle.plan).select_related(
            "measure"
        )
    }


def _bodies() -> dict[str, ImplementingBody]:
    bodies = {}
    for each in ImplementingBody.objects.all():
        bodies[each.name] = each
        bodies[each.short_name] = each
    return bodies


def _known(
    user: User,
    cycle: Cycle,
    rows: list[FileRow],
    errors: list[str],
) -> tuple[_Known, dict[str, FileRow]]:
    """The database's side of the file's 事業, and each 事業's first row."""
    initiatives = _initiatives(cycle)
    bodies = _bodies()
    exported = _exported(cycle)
    first_row, sources = _gather_projects(rows, initiatives, exported, errors)
    existing = {
        p.code: p
        for p in Project.objects.filter(code__in=list(first_row)).prefetch_related("initiatives")
    }
    reports = {
        r.project_id: r
        for r in ProjectReport.objects.filter(cycle=cycle, project__in=existing.values())
    }
    indicators: dict[int, list[ProjectIndicator]] = {}
    for indicator in ProjectIndicator.objects.filter(report__in=list(reports.values())):
        indicators.setdefault(indicator.report_id, []).append(indicator)  # in export order
    label_of = {i.pk: f"{i.measure.number}{i.marker}" for i in initiatives.values()}
    known = _Known(
        user, cycle, errors, bodies, exported, sources, existing, reports, indicators, label_of
    )
    return known, first_row


@dataclass
class _RowRead:
    """A 事業 row's cells, checked: the 事業's, the 実施状況's values and the 指標 edits."""

    line: int
    code: str
    cells: dict
    body: ImplementingBody
    report_values: dict
    edits: list


def _read_row(known: _Known, code: str, row: FileRow) -> _RowRead | None:
    """The row's values, or ``None`` with every problem of its cells listed."""
    errors, line, v = known.errors, row.line, row.values
    body = known.bodies.get(v["body"].strip())
    if body is None:
        errors.append(
            f"{line}行目: 実施主体「{v['body']}」はありません（{'、'.join(b.name for b in set(known.bodies.values()))}）。"
        )
        return None
    found = len(errors)
    status = _choice(v["status"], "実施状況", known.statuses, line, errors)
    direction = _choice(v["direction"], "今後の方向性", known.directions, line, errors)
    _check_read_only(known, code, row)
    times = _count(v["times"], "回数", line, errors)
    participants = _count(v["participants"], "参加者数", line, errors)
    edits = _indicator_edits(known, code, row)
    if len(errors) > found:
        return None  # every problem of the row is listed; checking further would repeat them
    report_values = {
        "goal": v["goal"],
        "status": status or "",
        "activities": v["activities"],
        "times": times,
        "participants": participants,
        "issues": v["issues"],
        "direction": direction or "",
    }
    return _RowRead(line, code, v, body, report_values, edits)


def _check_read_only(known: _Known, code: str, row: FileRow) -> None:
    """An edit in a column shown for reading only is reported, not taken."""
    for key, label in READ_ONLY.items():
        if key in row.values and not _same_text(
            str(row.values[key]).strip(), known.exported.get(code, {}).get(key, "").strip()
        ):
            known.errors.append(
                f"{row.line}行目「{label}」: この列は取り込みません（参照用です）。{READ_ONLY_HINT[key]}"
            )


def _indicator_edits(known: _Known, code: str, row: FileRow) -> list:
    """The 指標 edits of the row's 「指標」 cell (none if it reads as exported)."""
    typed = str(row.values["indicators"])
    shown = known.exported.get(code, {}).get("indicators", "")
    if _same_text(typed.strip(), shown.strip()):
        return []
    project = known.existing.get(code)
    report = known.reports.get(project.pk) if project else None
    current = known.indicators.get(report.pk, []) if report else []
    return indicator_edits(typed, current, row.line, known.errors)


@dataclass
class _Rights:
    """Who may save the row's 事業 and 実施状況. Rights matter only where something
    changes: a body's staff may import the whole exported table, with the other bodies'
    rows left as they were."""

    user: User
    cycle: Cycle
    project: Project | None  # as saved
    proposed: Project  # as the file has it

    def denied(self) -> str | None:
        for target in [self.project, self.proposed] if self.project else [self.proposed]:
            access = report_access(self.user, self.cycle, target)
            if not access.edit:
                return access.reason
        return None

    def denied_project(self) -> str | None:
        if reason := self.denied():
            return reason
        if self.project and not project_access(self.user, self.project).edit:
            return project_access(self.user, self.project).reason
        return None


def _row_changes(known: _Known, code: str, row: FileRow) -> list[Change]:
    """The changes of one 事業 row: the 事業, its 実施状況, its 指標 (problems in ``known``)."""
    read = _read_row(known, code, row)
    if read is None:
        return []
    project = known.existing.get(code)
    if project is not None and not project.serves(known.cycle.plan_id):
        known.errors.append(f"{read.line}行目: 事業コード「{code}」は別の計画の事業です。")
        return []
    rights = _Rights(known.user, known.cycle, project, _proposed(known, read, project))
    project_change = _project_change(known, read, rights)
    if project_change is None:
        return []
    return [project_change, *_report_changes(known, read, rights)]


def _proposed(known: _Known, read: _RowRead, project: Project | None) -> Project:
    """The 事業 as the file has it (not saved)."""
    v = read.cells
    return Project(
        code=read.code,
        plan=known.cycle.plan,
        body=read.body,
        department=v["department"].strip(),
        name=v["name"].strip(),
        summary=v["summary"].strip(),
        first_year=project.first_year if project else known.cycle.fiscal_year,
        last_year=project.last_year if project else None,
    )


def _project_change(known: _Known, read: _RowRead, rights: _Rights) -> Change | None:
    """The 事業's create or change, or ``None`` with its problem listed."""
    project, proposed = rights.project, rights.proposed
    values = {
        "name": proposed.name,
        "summary": proposed.summary,
        "body": read.body.pk,
        "department": proposed.department,
        "initiatives": sorted(known.sources[read.code]),
    }
    if project is None:
        change = Change("project", read.code, proposed.name, "create", values=values)
        change.fields = [
            (PROJECT_FIELDS[k], "", known.shown(k, value)) for k, value in values.items() if value
        ]
    else:
        old = {
            "name": project.name,
            "summary": project.summary,
            "body": project.body_id,
            "department": project.department,
            "initiatives": sorted(i.pk for i in project.initiatives.all()),
        }
        fields = [
            (PROJECT_FIELDS[k], known.shown(k, old[k]), known.shown(k, values[k]))
            for k in values
            if old[k] != values[k]
        ]
        action = "change" if fields else "same"
        change = Change("project", read.code, proposed.name, action, fields, project.version)
        change.values = values
    if change.action == "same":
        return change
    if reason := rights.denied_project():
        known.refuse(read.line, read.code, reason)
        return None
    try:
        # A new code is known to be free: `existing` holds every code of the file that exists.
        proposed.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        known.errors.extend(f"{read.line}行目{m}" for m in _messages(error))
        return None
    return change


def _report_changes(known: _Known, read: _RowRead, rights: _Rights) -> list[Change]:
    """The 実施状況's create or change and its 指標's changes (problems in ``known``)."""
    values, line, code, name = read.report_values, read.line, read.code, rights.proposed.name
    report = known.reports.get(rights.project.pk) if rights.project else None
    if report is None and not any(
        value.strip() if isinstance(value, str) else value is not None for value in values.values()
    ):
        return []  # no 実施状況 yet, and none entered
    candidate = ProjectReport(cycle=known.cycle, **values)
    try:
        candidate.full_clean(
            exclude=["cycle", "project"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        known.errors.extend(f"{line}行目{m}" for m in _messages(error))
        return []
    if report is None:
        if reason := rights.denied():
            known.refuse(line, code, reason)
            return []
        fields = [
            (REPORT_FIELDS[k], "", _shown_report(k, value))
            for k, value in values.items()
            if value not in ("", None)
        ]
        return [Change("report", code, name, "create", fields=fields, values=values)]
    fields = _report_fields(report, values)
    if fields and (reason := rights.denied()):
        known.refuse(line, code, reason)
        return []
    action = "change" if fields else "same"
    change = Change("report", code, name, action, fields, report.version, values)
    if read.edits and (reason := rights.denied()):
        known.refuse(line, code, reason)
        return [change]
    return [change, *_indicator_changes(code, name, read.edits)]


def _report_fields(report: ProjectReport, values: dict) -> list[tuple[str, str, str]]:
    """(column, old, new) for each of the 実施状況's values the file changes."""
    old = {k: getattr(report, k) for k in values}
    return [
        (REPORT_FIELDS[k], _shown_report(k, old[k]), _shown_report(k, values[k]))
        for k in values
        if not (_same_text(old[k], values[k]) if isinstance(old[k], str) else old[k] == values[k])
    ]


def _indicator_changes(code: str, name: str, edits: list) -> list[Change]:
    return [
        Change(
            "indicator",
            code,
            name,
            "change",
            fields=edit.fields,
            expected_version=edit.indicator.version,
            values={"pk": edit.indicator.pk, **edit.values},
            warnings=edit.warnings,
        )
        for edit in edits
    ]


def plan_changes(
    *, user: User, cycle: Cycle, rows: list[FileRow], deadline: Deadline | None = None
) -> list[Change]:
    """Check every row and work out the saves; ``ImportRejected`` lists all problems."""
    errors: list[str] = []
    known, first_row = _known(user, cycle, rows, errors)
    deadline = deadline or Deadline(settings.SHEET_IMPORT_MAX_SECONDS)
    changes: list[Change] = []
    for n, (code, row) in enumerate(first_row.items()):
        if n % 128 == 0:
            deadline.check()
        changes.extend(_row_changes(known, code, row))
    if errors:
        # In file order, however the checks found them (a stable sort keeps a row's order).
        raise ImportRejected(sorted(errors, key=lambda e: int(e.split("行目", 1)[0])))
    return changes


def _add_source(sources: dict[str, list[int]], code: str, initiative: Initiative) -> None:
    source = initiative.original_id or initiative.pk
    listed = sources.setdefault(code, [])
    if source not in listed:
        listed.append(source)


def _shown_report(key: str, value) -> str:
    if key == "status":
        return str(ReportStatus(value).label) if value else ""
    if key == "direction":
        return str(Direction(value).label) if value else ""
    return "" if value is None else str(value)


def _messages(error: ValidationError) -> list[str]:
    """「列」: message, to follow 「○行目」 (the row and the column named once)."""
    if hasattr(error, "error_dict"):
        labels = {**PROJECT_FIELDS, **REPORT_FIELDS, "code": "事業コード"}
        return [
            f"「{labels.get(name, name)}」: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [f": {message}" for message in error.messages]


# ------------------------------------------------------------------ session and saving


def store_pending(session, cycle: Cycle, preview: Preview) -> None:
    """Keep the planned saves (not the file) in the session until the user confirms."""
    session[SESSION_KEY.format(cycle=cycle.pk)] = {
        "token": preview.token,
        "changes": planned_saves(preview),
    }


def planned_saves(preview: Preview) -> list[dict]:
    """The preview's creations and changes, as ``import_apply`` takes them (plain data)."""
    return [
        {
            "kind": c.kind,
            "code": c.code,
            "action": c.action,
            "expected_version": c.expected_version,
            "values": c.values,
        }
        for c in preview.changes
        if c.action != "same"
    ]


def load_pending(session, cycle: Cycle, token: str) -> list[dict] | None:
    pending = session.get(SESSION_KEY.format(cycle=cycle.pk))
    if not pending or not token or pending["token"] != token:
        return None
    return pending["changes"]


def discard_pending(session, cycle: Cycle) -> None:
    session.pop(SESSION_KEY.format(cycle=cycle.pk), None)


def _locked_for_update(cycle: Cycle, codes: list[str]):
    projects = {p.code: p for p in Project.objects.select_for_update().filter(code__in=codes)}
    reports = {
        r.project_id: r
        for r in ProjectReport.objects.select_for_update().filter(
            cycle=cycle, project__code__in=codes
        )
    }
    return projects, reports


def _resubmit_for_indicators(report_ids: set[int], *, user) -> None:
    """A 指標 edited in the file re-submits its 実施状況 (差し戻し or 確認済 → 再提出), as
    saving the 実施状況's form does. Read again and locked here: the version moves from the
    one saved, not from the one the preview saw."""
    waiting = ProjectReport.objects.select_for_update().filter(
        pk__in=report_ids, review_state__in=[ReviewState.SENT_BACK, ReviewState.CHECKED]
    )
    for report in waiting:
        mark_resubmitted(report, report)
        report._history_user = user
        report.save(update_fields=["review_state", "version"])


def _check_version(current, change: dict) -> None:
    """The record is as the preview saw it: absent for a create, same version for a change."""
    if change["action"] == "create" and current is not None:
        raise EditConflict(current)
    if change["action"] == "change" and (
        current is None or current.version != change["expected_version"]
    ):
        raise EditConflict(current)


def already_applied(cycle: Cycle, user: User, token: str) -> ImportReceipt | None:
    """The receipt of this preview's confirm, if it was already saved (a double click)."""
    if not token:
        return None
    return ImportReceipt.objects.filter(token=token, cycle=cycle, user=user).first()


@dataclass
class _Writer:
    """What each batch of the confirm shares: who saves, the year, the time limit."""

    user: User
    cycle: Cycle
    deadline: Deadline

    def allowed(self, project: Project) -> None:
        # Rights are checked again: the role or the 事業 may have changed since the preview.
        rule = report_access(self.user, self.cycle, project)
        if not rule.edit:
            raise ImportRejected([f"事業「{project.code}」: {rule.reason}"])

    def each(self, pending: list[dict], kind: str):
        """The planned changes of one kind, the time limit checked as they go."""
        for n, change in enumerate(c for c in pending if c["kind"] == kind):
            if n % 256 == 0:
                self.deadline.check()
            yield change


def _apply_projects(
    writer: _Writer, pending: list[dict], projects: dict[str, Project]
) -> tuple[list[Project], list[Project]]:
    """Create and change the 事業 (and their 展開), as previewed: (created, changed)."""
    new_projects: list[Project] = []
    changed_projects: list[Project] = []
    links = {}
    for change in writer.each(pending, "project"):
        current = projects.get(change["code"])
        _check_version(current, change)
        values = dict(change["values"])
        project = current or Project(
            code=change["code"], plan=writer.cycle.plan, first_year=writer.cycle.fiscal_year
        )
        project.name = values["name"]
        project.summary = values["summary"]
        project.body_id = values["body"]
        project.department = values["department"]
        project.version = change["expected_version"]
        project.before_write()  # bulk writes skip save(): its text and version rule, here
        writer.allowed(project)
        (new_projects if current is None else changed_projects).append(project)
        links[project.code] = values["initiatives"]
    user = writer.user
    bulk_create_with_history(new_projects, Project, batch_size=500, default_user=user)
    bulk_update_with_history(
        changed_projects,
        Project,
        ["name", "summary", "body", "department", "version"],
        batch_size=500,
        default_user=user,
    )
    _link_initiatives(links)
    return new_projects, changed_projects


def _link_initiatives(links: dict[str, list[int]]) -> None:
    """Each saved 事業 serves the 展開 of its rows, and only those."""
    if not links:
        return
    saved = {p.code: p.pk for p in Project.objects.filter(code__in=list(links))}
    through = Project.initiatives.through
    through.objects.filter(project_id__in=list(saved.values())).delete()
    through.objects.bulk_create(
        [
            through(project_id=saved[code], initiative_id=initiative)
            for code, initiatives in links.items()
            for initiative in initiatives
        ],
        batch_size=500,
    )


def _apply_reports(
    writer: _Writer,
    pending: list[dict],
    projects: dict[str, Project],
    reports: dict[int, ProjectReport],
) -> tuple[list[ProjectReport], list[ProjectReport]]:
    """Create and change the 実施状況, as previewed: (created, changed)."""
    new_reports: list[ProjectReport] = []
    changed_reports: list[ProjectReport] = []
    for change in writer.each(pending, "report"):
        project = projects[change["code"]]
        writer.allowed(project)
        current = reports.get(project.pk)
        _check_version(current, change)
        report = current or ProjectReport(cycle=writer.cycle, project=project)
        if current is not None:
            mark_resubmitted(report, current)  # as record_save would: 差し戻し → 再提出
        for key, value in change["values"].items():
            setattr(report, key, value)
        report.version = change["expected_version"]
        report.before_write()  # as save() does: stored text, the version moved on
        (new_reports if current is None else changed_reports).append(report)
    user = writer.user
    bulk_create_with_history(new_reports, ProjectReport, batch_size=500, default_user=user)
    bulk_update_with_history(
        changed_reports,
        ProjectReport,
        [*REPORT_FIELDS, "review_state", "version"],
        batch_size=500,
        default_user=user,
    )
    return new_reports, changed_reports


def _apply_indicators(
    writer: _Writer, pending: list[dict], projects: dict[str, Project]
) -> set[int]:
    """Change the 指標, as previewed: the 実施状況 whose 指標 changed."""
    indicator_changes = [c for c in pending if c["kind"] == "indicator"]
    current_indicators = ProjectIndicator.objects.select_related("report").in_bulk(
        [c["values"]["pk"] for c in indicator_changes]
    )
    for change in indicator_changes:
        values = dict(change["values"])
        indicator = current_indicators.get(values.pop("pk"))
        project = projects[change["code"]]
        if indicator is None or indicator.report.project_id != project.pk:
            raise EditConflict(indicator or project)  # removed (or moved) since the preview
        writer.allowed(project)
        indicator_apply(
            indicator=indicator,
            values=values,
            expected_version=change["expected_version"],
            user=writer.user,
        )
    return {current_indicators[c["values"]["pk"]].report_id for c in indicator_changes}


@transaction.atomic
def import_apply(
    *,
    user: User,
    cycle: Cycle,
    pending: list[dict],
    token: str = "",
    deadline: Deadline | None = None,
) -> ImportResult:
    """Save every planned change as ``user``, or none: the first conflict undoes them all.

    The versions seen at preview are checked for every record first (rows locked), then the
    records are written in batches with their history (``bulk_*_with_history``, as
    ``user``): a 3,000-row file is a few dozen queries instead of one save per record.
    Each record goes through ``before_write``, the rule ``save()`` applies (stored text,
    version moved on). The receipt (``ImportReceipt``, unique by token) makes a second
    confirm of the same preview find that it was already saved.
    """
    access = sheet_import_access(user, cycle)
    writer = _Writer(user, cycle, deadline or Deadline(settings.SHEET_IMPORT_MAX_SECONDS))
    if not access.edit:
        raise ImportRejected([access.reason or "この評価サイクルには取り込めません。"])
    codes = list({c["code"] for c in pending})
    projects, reports = _locked_for_update(cycle, codes)
    new_projects, changed_projects = _apply_projects(writer, pending, projects)
    missing = [code for code in codes if code not in projects]
    projects.update({p.code: p for p in Project.objects.filter(code__in=missing)})
    new_reports, changed_reports = _apply_reports(writer, pending, projects, reports)
    indicated = _apply_indicators(writer, pending, projects)
    # A 実施状況 the file changed itself was marked with its own change, above.
    _resubmit_for_indicators(indicated - {r.pk for r in changed_reports}, user=user)
    writer.deadline.check()  # past the time limit, the transaction is rolled back: nothing saved
    result = ImportResult(
        created=len(new_projects) + len(new_reports),
        changed=len(changed_projects)
        + len(changed_reports)
        + sum(1 for c in pending if c["kind"] == "indicator"),
    )
    if token:
        ImportReceipt.objects.create(
            token=token, cycle=cycle, user=user, created=result.created, changed=result.changed
        )
    # Bulk writes send no post_save: drop the cached dashboard and 評価表 explicitly.
    page_cache.invalidate_on_commit()
    return result
