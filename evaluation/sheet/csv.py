"""The 評価表 as CSV (written by ``policies.spreadsheet.csv_chunks``, as every CSV of the app).

``write_csv``: the file staff edit and import back (``sheet.importer``), one row per 事業 ×
year with stable codes, the 施策's evaluations beside each 事業 as text. Below it, the
machine-readable files, one per level (``LEVEL_FILES``).
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from evaluation.models import Direction, ReportStatus
from evaluation.sheet.layout import (
    CODE_SEPARATOR,
    CSV_COLUMNS,
    UNRATED,
    committee_text,
    report_values,
    self_evaluation_text,
)
from evaluation.sheet.table import EvaluationTable, MeasureBlock, ProjectLine
from policies.fiscal_years import wareki
from policies.spreadsheet import csv_chunks


def csv_rows(table: EvaluationTable) -> Iterator[list]:
    """Header, then each 事業 once per year shown, in plan order of its first 展開, with
    the 自己評価 of its 実施主体 and the committee's evaluation of its 施策 beside it."""
    yield CSV_COLUMNS
    seen: dict[int, tuple[list[str], list[str]]] = {}
    blocks: dict[int, list[MeasureBlock]] = {}
    lines: dict[int, ProjectLine] = {}
    for measure, block, line in table.project_lines():
        if block.initiative.is_relisting:
            continue  # the same 事業 under its original item
        codes = seen.setdefault(line.project.pk, ([], []))
        codes[0].append(measure.measure.number)
        codes[1].append(block.code)
        listed = blocks.setdefault(line.project.pk, [])
        if measure not in listed:
            listed.append(measure)
        lines.setdefault(line.project.pk, line)
    for n, year in enumerate(table.years):
        for pk, line in lines.items():
            project = line.project
            measures, items = seen[pk]
            yield [
                year,
                CODE_SEPARATOR.join(measures),
                CODE_SEPARATOR.join(items),
                project.code,
                project.name,
                project.summary,
                project.body.name,
                project.department,
                *report_values(line.reports[n]),
                _per_measure(
                    blocks[pk],
                    lambda b, n=n, body=project.body_id: self_evaluation_text(
                        next(
                            (e.evaluations[n] for e in b.self_evaluations if e.body.pk == body),
                            None,
                        )
                    ),
                ),
                _per_measure(blocks[pk], lambda b, n=n: committee_text(b.committee[n])),
            ]


def _per_measure(blocks: list[MeasureBlock], text) -> str:
    """One 施策's text as is; several 施策's each headed by its number (【1-1】…)."""
    if len(blocks) == 1:
        return text(blocks[0])
    return "\n".join(f"【{b.measure.number}】{text(b)}" for b in blocks)


def write_csv(table: EvaluationTable) -> Iterator[str]:
    """The CSV as chunks of text (BOM first), for a streaming response."""
    return csv_chunks(csv_rows(table))


# --- machine-readable files, one per level ------------------------------------------------
#
# Each file has one value per cell and one row per record of its level, the way 総務省's
# rules for machine-readable data ask: a 施策 file (every 施策 every year, with the committee's
# and each 実施主体's evaluation), a 事業 file (a 事業 under each 展開 it is listed under, 再掲
# marked) and a 指標 file (each 指標 of a 事業 and each 参考指標 of a 施策). Numbers are plain
# (no separators, no unit: the unit is in the header or its own column); a missing value is
# an empty cell. ``COLUMN_GUIDE`` describes every column (``guide_rows``).


@dataclass(frozen=True)
class Column:
    header: str
    description: str


@dataclass(frozen=True)
class LevelFile:
    slug: str  # the file name: sheet-<slug>.csv
    title: str
    row_is: str
    columns: Callable[[EvaluationTable], list[Column]]
    rows: Callable[[EvaluationTable], Iterator[list]]


YEAR_COLUMNS = [
    Column("年度（西暦）", "実績の年度（4月〜翌3月）の始まりの年。委員会はその翌年度に評価します"),
    Column("年度（和暦）", "同じ年度の和暦表記（例: 令和2（2020）年度）"),
]


def _year(year: int) -> list:
    return [year, wareki(year)]


def _number(value: Decimal | int | None) -> int | float | None:
    """A plain number for a machine: 60.00 → 60, 12.50 → 12.5."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _flag(value: bool) -> int:
    return 1 if value else 0


def _entered(evaluation: object | None, asked: bool = True) -> str:
    if evaluation is None:
        return "未入力" if asked else "該当なし"
    return "入力済"


def measure_columns(table: EvaluationTable) -> list[Column]:
    plan = table.cycle.plan
    columns = [
        *YEAR_COLUMNS,
        Column("基本施策番号", f"{plan.term('基本施策')}の番号"),
        Column("基本施策名", f"{plan.term('基本施策')}の名称"),
        Column(
            "施策番号",
            f"{plan.term('施策')}の番号（例: 2-4）。事業と指標のファイルの施策番号と同じ",
        ),
        Column("施策名", f"{plan.term('施策')}の名称"),
        Column("重点施策", "重点施策なら 1、そうでなければ 0"),
        Column("施策の目標", f"計画に書かれた{plan.term('施策の説明')}"),
        Column(
            "委員会評価",
            f"委員会による評価の記号（例: B。「{UNRATED}」は評価不能）。空欄は評価なし（意見のみ・未入力）",
        ),
        Column("委員会評価の意味", "評価の記号の意味（例: 概ね達成）"),
        Column("委員会評価の状態", "確定／案（委員長の確定前）／未入力"),
        Column("委員会による評価及び意見", "委員会による評価及び意見の文"),
    ]
    for body in table.bodies:
        name = body.short_name
        columns += [
            Column(
                f"自己評価（{name}）",
                f"{body.name}の自己評価の記号（「{UNRATED}」は評価不能）。空欄は未入力か該当なし",
            ),
            Column(f"自己評価の意味（{name}）", "自己評価の記号の意味"),
            Column(
                f"自己評価の状態（{name}）",
                "入力済／未入力／該当なし（その実施主体の事業がこの施策にない）",
            ),
            Column(f"評価の理由（{name}）", "自己評価の理由"),
            Column(f"課題（{name}）", "自己評価で挙げた課題"),
            Column(
                f"前年度の委員会意見への対応（{name}）",
                "前年度の委員会による評価及び意見への対応",
            ),
        ]
    return columns


def measure_rows(table: EvaluationTable) -> Iterator[list]:
    """One row per 施策 and year shown: every 施策 of the plan, evaluated or not."""
    for n, year in enumerate(table.years):
        for policy in table.policies:
            for block in policy.measures:
                m = block.measure
                committee = block.committee[n]
                rating = committee.rating if committee else None
                row = [
                    *_year(year),
                    policy.basic_policy.number,
                    policy.basic_policy.title,
                    m.number,
                    m.title,
                    _flag(m.is_priority),
                    m.description,
                    rating.code if rating else "",
                    rating.label if rating else "",
                    ("確定" if committee.is_confirmed else "案") if committee else "未入力",
                    committee.opinion if committee else "",
                ]
                for line in block.self_evaluations:
                    evaluation, asked = line.cells[n]
                    own = evaluation.rating if evaluation else None
                    row += [
                        own.code if own else "",
                        own.label if own else "",
                        _entered(evaluation, asked),
                        evaluation.reason if evaluation else "",
                        evaluation.issues if evaluation else "",
                        evaluation.shown_response if evaluation else "",
                    ]
                yield row


def project_columns(table: EvaluationTable) -> list[Column]:
    plan = table.cycle.plan
    return [
        *YEAR_COLUMNS,
        Column("施策番号", f"事業が載っている{plan.term('施策')}の番号"),
        Column("施策名", f"{plan.term('施策')}の名称"),
        Column("展開番号", f"施策の中の{plan.term('展開')}の番号（①＝1、②＝2 …）"),
        Column("展開", f"{plan.term('展開')}の名称"),
        Column("再掲", "この展開が他の施策の展開の再掲なら 1（事業の内容は再掲元と同じ行）"),
        Column("再掲元の施策番号", "再掲元の施策の番号。再掲でなければ空欄"),
        Column("再掲元の展開番号", "再掲元の展開の番号。再掲でなければ空欄"),
        Column("事業コード", "事業の識別子。年度をまたいで変わらず、指標のファイルと同じ"),
        Column("事業名", "事業の名称"),
        Column("事業概要", "事業の概要"),
        Column("実施主体", "事業を実施する団体"),
        Column("担当課", "事業を担当する課"),
        Column("事業の目標", "この年度の事業の目標"),
        Column("実施状況", "実施／一部実施／未実施／終了。空欄は未入力"),
        Column("実施内容", "この年度に行ったこと"),
        Column("回数（回）", "事業を行った回数"),
        Column("参加者数（人）", "参加した人数"),
        Column("課題", "実施主体が挙げた課題"),
        Column("今後の方向性", "拡充／継続／改善して継続／縮小／終了／完了。空欄は未記入"),
        Column("指標の数", "この年度の実施状況に登録された指標の数（指標のファイル）"),
    ]


def project_rows(table: EvaluationTable) -> Iterator[list]:
    """One row per 事業 under each 展開 it is listed under (a 再掲 展開 too), and year."""
    for n, year in enumerate(table.years):
        for measure, block, line in table.project_lines():
            original = block.initiative.original
            project = line.project
            report = line.reports[n]
            yield [
                *_year(year),
                measure.measure.number,
                measure.measure.title,
                block.initiative.position,
                block.initiative.display_title,
                _flag(original is not None),
                original.measure.number if original else "",
                original.position if original else None,
                project.code,
                project.name,
                project.summary,
                project.body.name,
                project.department,
                report.goal if report else "",
                str(ReportStatus(report.status).label) if report else "",
                report.activities if report else "",
                report.times if report else None,
                report.participants if report else None,
                report.issues if report else "",
                str(Direction(report.direction).label) if report and report.direction else "",
                len(getattr(report, "indicator_list", [])) if report else None,
            ]


def indicator_columns(table: EvaluationTable) -> list[Column]:
    return [
        *YEAR_COLUMNS,
        Column("区分", "活動指標・成果指標（事業の指標）／参考指標（施策の指標）"),
        Column("施策番号", "参考指標が結び付いた施策の番号。事業の指標は空欄（事業のファイルで）"),
        Column("事業コード", "事業の指標ならその事業の識別子。参考指標は空欄"),
        Column("事業名", "事業の名称。参考指標は空欄"),
        Column("指標名", "指標の名称"),
        Column("単位", "目標値・実績値の単位（例: 人、回）"),
        Column("目標値", "この年度の目標値。空欄は未設定"),
        Column("実績値", "この年度の実績値。空欄は未入力"),
        Column("達成率（%）", "実績値÷目標値×100（小さいほどよい指標は 目標値÷実績値×100）"),
        Column("大きいほどよい", "値が大きいほどよい指標なら 1、小さいほどよい指標なら 0"),
        Column("出典", "参考指標の出典。事業の指標は空欄"),
    ]


def _rate(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def indicator_rows(table: EvaluationTable) -> Iterator[list]:
    """One row per 指標 of a 事業 (once, however many 展開 list the 事業) and per 参考指標
    of a 施策, and year."""
    for n, year in enumerate(table.years):
        seen: set[int] = set()
        for policy in table.policies:
            for block in policy.measures:
                for item in block.initiatives:
                    for line in item.lines:
                        report = line.reports[n]
                        if report is None or report.pk in seen:
                            continue
                        seen.add(report.pk)
                        for i in getattr(report, "indicator_list", []):
                            yield [
                                *_year(year),
                                i.get_kind_display(),
                                "",
                                line.project.code,
                                line.project.name,
                                i.name,
                                i.unit,
                                _number(i.target),
                                _number(i.actual),
                                _rate(i.achievement),
                                _flag(i.higher_is_better),
                                "",
                            ]
                for r in block.reference[n] if block.reference else []:
                    yield [
                        *_year(year),
                        "参考指標",
                        block.measure.number,
                        "",
                        "",
                        r.name,
                        r.unit,
                        _number(r.target),
                        _number(r.actual),
                        _rate(r.achievement),
                        _flag(r.higher_is_better),
                        r.source,
                    ]


LEVEL_FILES = {
    f.slug: f
    for f in (
        LevelFile("measures", "施策", "施策 × 年度", measure_columns, measure_rows),
        LevelFile("projects", "事業", "事業 × 展開 × 年度", project_columns, project_rows),
        LevelFile("indicators", "指標", "指標 × 年度", indicator_columns, indicator_rows),
    )
}


def level_csv(table: EvaluationTable, slug: str) -> Iterator[str]:
    """One level's file as chunks of text (BOM first), header row first."""
    level = LEVEL_FILES[slug]
    header = [c.header for c in level.columns(table)]
    return csv_chunks(itertools.chain([header], level.rows(table)))


def guide_rows(table: EvaluationTable) -> Iterator[list]:
    """The 項目説明: each file's columns with what they hold."""
    yield ["ファイル", "1行の単位", "列", "説明"]
    for level in LEVEL_FILES.values():
        for column in level.columns(table):
            yield [f"sheet-{level.slug}.csv", level.row_is, column.header, column.description]


def guide_csv(table: EvaluationTable) -> Iterator[str]:
    return csv_chunks(guide_rows(table))
