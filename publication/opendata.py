"""Open data of a published year: the same rows as CSV and JSON, with a column dictionary.

Only what is public: the 実施状況 of each 事業 and the confirmed 委員会評価 of each 施策 of a
公開 cycle. Never a member's own rating or opinion, never a draft (an unconfirmed
委員会評価 is left out even if one were found in a published year).

Each dataset is a list of ``Column``s and one function giving a row (a dict keyed by the
columns' headers) per record; a new column is one more ``Column`` and one more key in the
row function. The CSV is written by the app's one CSV writer (``spreadsheet.csv_chunks``).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils.functional import Promise

from evaluation.models import (
    CommitteeEvaluation,
    CommitteeSummary,
    Cycle,
    Direction,
    Project,
    ProjectIndicator,
    ProjectReport,
)
from evaluation.sheet.locked import frozen_projects
from policies.fiscal_years import wareki
from policies.models import ImplementingBody, Initiative, Measure, RatingLevel
from policies.spreadsheet import csv_chunks

LICENCE = "公共データ利用規約（第1.0版）（PDL1.0）"
LICENCE_NOTE = (
    "公共データ利用規約（第1.0版）に従って、出典を記載のうえ自由に利用できます。"
    "この規約はクリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）と互換性があります。"
)
INTEGER, NUMBER, TEXT, DATE = "整数", "数値", "文字列", "日付（YYYY-MM-DD）"


@dataclass(frozen=True)
class Column:
    header: str  # the CSV header and the JSON key; the unit, if any, in 全角括弧
    kind: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    row_is: str  # what one row is, for the dictionary page
    columns: tuple[Column, ...]
    rows: Callable[[Cycle], list[dict]]


YEAR_COLUMNS = (
    Column("計画コード", TEXT, "計画の識別子（施策体系のページのアドレスの計画コードと同じ）"),
    Column("年度（西暦）", INTEGER, "評価の対象年度（4月〜翌3月）の西暦の始まりの年"),
    Column("年度（和暦）", TEXT, "同じ年度の和暦表記（例: 令和2（2020）年度）"),
)


def _year(cycle: Cycle) -> dict:
    return {
        "計画コード": cycle.plan.code,
        "年度（西暦）": cycle.fiscal_year,
        "年度（和暦）": wareki(cycle.fiscal_year),
    }


# --- 施策 × 年度 -------------------------------------------------------------------------

MEASURE_COLUMNS = (
    *YEAR_COLUMNS,
    Column("基本施策番号", INTEGER, "基本施策（計画によって呼び方が違います）の番号"),
    Column("基本施策名", TEXT, "基本施策の名称"),
    Column("施策番号", TEXT, "施策の番号（例: 2-4）。計画の中で変わらない識別子"),
    Column("施策名", TEXT, "施策の名称"),
    Column("重点施策", INTEGER, "重点施策なら 1、そうでなければ 0"),
    Column(
        "委員会評価（記号）",
        TEXT,
        "委員会が確定した評価の記号（A〜D、－ は評価不能）。空欄は評価なし",
    ),
    Column("委員会評価（意味）", TEXT, "評価の記号の意味（例: 概ね達成）"),
    Column("委員会評価（点）", INTEGER, "評価の点数（評価不能と評価なしは空欄）"),
    Column(
        "評価尺度の最高点（点）", INTEGER, "この年度の評価尺度の最高点。年度間の比較は点÷最高点で"
    ),
    Column("委員会による評価及び意見", TEXT, "委員長が確定した委員会の評価及び意見"),
    Column("確定日", DATE, "委員長が委員会評価を確定した日"),
)


def measure_rows(cycle: Cycle) -> list[dict]:
    confirmed = {
        e.measure_id: e
        for e in CommitteeEvaluation.objects.filter(cycle=cycle)
        .confirmed()
        .select_related("rating")
    }
    top = RatingLevel.objects.filter(scale_id=cycle.scale_id).aggregate(top=Max("points"))[
        "top"
    ]  # the year's own scale (the committee re-set its criteria in 2019), not the plan's
    rows = []
    measures = Measure.objects.of_plan(cycle.plan).select_related("basic_policy")
    for m in measures.order_by("basic_policy__number", "order"):
        e = confirmed.get(m.pk)
        rating = e.rating if e else None
        rows.append(
            {
                **_year(cycle),
                "基本施策番号": m.basic_policy.number,
                "基本施策名": m.basic_policy.title,
                "施策番号": m.number,
                "施策名": m.title,
                "重点施策": 1 if m.is_priority else 0,
                "委員会評価（記号）": rating.code if rating else "",
                "委員会評価（意味）": rating.label if rating else "",
                "委員会評価（点）": rating.points if rating else None,
                "評価尺度の最高点（点）": top,
                "委員会による評価及び意見": e.opinion if e else "",
                "確定日": e.confirmed_at.date() if e and e.confirmed_at else None,
            }
        )
    return rows


# --- 事業 × 年度 -------------------------------------------------------------------------

PROJECT_COLUMNS = (
    *YEAR_COLUMNS,
    Column("事業コード", TEXT, "事業の識別子。年度をまたいで変わりません"),
    Column("事業名", TEXT, "事業の名称"),
    Column("実施主体コード", TEXT, "実施主体の識別子（city / place / shakyo）"),
    Column(
        "実施主体", TEXT, "事業を実施する団体（武蔵野市・武蔵野プレイス・武蔵野市民社会福祉協議会）"
    ),
    Column("担当課", TEXT, "事業を担当する課"),
    Column("事業の目標", TEXT, "この年度の事業の目標"),
    Column("実施状況", TEXT, "実施／一部実施／未実施／終了。空欄は報告なし"),
    Column("実施内容", TEXT, "この年度に行ったこと"),
    Column("回数（回）", INTEGER, "事業を行った回数"),
    Column("参加者数（人）", INTEGER, "参加した人数"),
    Column("課題", TEXT, "実施主体が挙げた課題"),
    Column("今後の方向性", TEXT, "拡充／継続／改善して継続／縮小／終了／完了。空欄は未記入"),
)


def project_row(cycle: Cycle, project: Project, report: ProjectReport | None) -> dict:
    """One 事業's row for the year; the one place to add a 事業 column."""
    return {
        **_year(cycle),
        "事業コード": project.code,
        "事業名": project.name,
        "実施主体コード": project.body.code,
        "実施主体": project.body.name,
        "担当課": project.department,
        "事業の目標": report.goal if report else "",
        "実施状況": report.get_status_display() if report else "",
        "実施内容": report.activities if report else "",
        "回数（回）": report.times if report else None,
        "参加者数（人）": report.participants if report else None,
        "課題": report.issues if report else "",
        "今後の方向性": Direction(report.direction).label if report and report.direction else "",
    }


def _projects(cycle: Cycle) -> tuple[list[Project], list[tuple[int, int]]]:
    """The published year's 事業 as its 評価表 printed them (copied when the year was locked,
    ``sheet.locked``), by code, and their (展開 id, 事業 id) links: editing a 事業 for a later
    year never changes a published year's files."""
    bodies = {b.pk: b for b in ImplementingBody.objects.all()}
    projects, links = frozen_projects(cycle, bodies)
    return sorted(projects.values(), key=lambda p: p.code), links


def project_rows(cycle: Cycle) -> list[dict]:
    reports = {r.project_id: r for r in ProjectReport.objects.filter(cycle=cycle)}
    return [project_row(cycle, p, reports.get(p.pk)) for p in _projects(cycle)[0]]


# --- 事業 × 展開 -------------------------------------------------------------------------

LINK_COLUMNS = (
    *YEAR_COLUMNS,
    Column("事業コード", TEXT, "事業の識別子（事業の表と同じ）"),
    Column("施策番号", TEXT, "事業が取り組む展開の施策の番号（施策の表と同じ）"),
    Column(
        "展開番号", INTEGER, "施策の中の展開（計画によって呼び方が違います）の番号（①＝1、②＝2 …）"
    ),
    Column("展開", TEXT, "展開の名称（再掲は再掲元の名称）"),
)


def link_rows(cycle: Cycle) -> list[dict]:
    projects, links = _projects(cycle)
    initiatives = Initiative.objects.select_related("measure", "original").in_bulk(
        {initiative_id for initiative_id, _project_id in links}
    )
    serving: dict[int, list[Initiative]] = {}
    for initiative_id, project_id in links:
        serving.setdefault(project_id, []).append(initiatives[initiative_id])
    rows = []
    for project in projects:
        for i in sorted(serving.get(project.pk, []), key=lambda i: (i.measure.order, i.position)):
            rows.append(
                {
                    **_year(cycle),
                    "事業コード": project.code,
                    "施策番号": i.measure.number,
                    "展開番号": i.position,
                    "展開": i.display_title,
                }
            )
    return rows


# --- 指標 × 年度 -------------------------------------------------------------------------

INDICATOR_COLUMNS = (
    *YEAR_COLUMNS,
    Column("事業コード", TEXT, "事業の識別子（事業の表と同じ）"),
    Column("指標の種類", TEXT, "活動指標／成果指標"),
    Column("指標名", TEXT, "指標の名称"),
    Column("単位", TEXT, "目標値・実績値の単位（例: 人、回）"),
    Column("目標値", NUMBER, "この年度の目標値。空欄は未設定"),
    Column("実績値", NUMBER, "この年度の実績値。空欄は未入力"),
    Column("大きいほどよい", INTEGER, "値が大きいほどよい指標なら 1、小さいほどよい指標なら 0"),
    Column(
        "達成率（%）",
        NUMBER,
        "実績値÷目標値×100（小さいほどよい指標は 目標値÷実績値×100）、小数第1位まで",
    ),
)


def indicator_rows(cycle: Cycle) -> list[dict]:
    indicators = (
        ProjectIndicator.objects.filter(report__cycle=cycle)
        .select_related("report__project")
        .order_by("report__project__code", "order", "pk")
    )
    rows = []
    for i in indicators:
        rate = i.achievement
        rows.append(
            {
                **_year(cycle),
                "事業コード": i.report.project.code,
                "指標の種類": i.get_kind_display(),
                "指標名": i.name,
                "単位": i.unit,
                "目標値": i.target,
                "実績値": i.actual,
                "大きいほどよい": 1 if i.higher_is_better else 0,
                "達成率（%）": None if rate is None else round(rate * 100, 1),
            }
        )
    return rows


# --- 総評 × 年度 -------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    *YEAR_COLUMNS,
    Column("総評", TEXT, "委員長が確定した、委員会によるこの年度の総評"),
    Column("確定日", DATE, "委員長が総評を確定した日"),
)


def summary_rows(cycle: Cycle) -> list[dict]:
    """The year's 総評, once the chair confirmed it: one row, or none."""
    return [
        {
            **_year(cycle),
            "総評": summary.text,
            "確定日": summary.confirmed_at.date() if summary.confirmed_at else None,
        }
        for summary in CommitteeSummary.objects.confirmed().filter(cycle=cycle)
    ]


ROSTER_COLUMNS = (
    *YEAR_COLUMNS,
    Column("氏名", TEXT, "この年度を評価した市民活動推進委員会の委員の氏名"),
    Column("区分", TEXT, "委員の区分（学識経験者・市民活動団体・公募市民・行政）"),
    Column("役職", TEXT, "委員長・副委員長（ほかの委員は空欄）"),
    Column("任期の始まり", DATE, "委員の任期の初日"),
    Column(
        "任期の終わり",
        DATE,
        "委員の任期の末日（任期中なら空欄）。評価の途中で退任した委員もこの日で分かります",
    ),
)


def roster_rows(cycle: Cycle) -> list[dict]:
    """The year's 委員名簿 (``Cycle.roster``): the committee serving in its 委員会評価, so an
    earlier year keeps the committee that evaluated it."""
    return [
        {
            **_year(cycle),
            "氏名": seat.user.get_full_name() or seat.user.get_username(),
            "区分": seat.get_category_display(),
            "役職": seat.get_office_display() if seat.office else "",
            "任期の始まり": seat.starts_on,
            "任期の終わり": seat.ends_on,
        }
        for seat in cycle.roster()
    ]


DATASETS = {
    d.slug: d
    for d in (
        Dataset("measures", "施策ごとの委員会評価", "施策 × 年度", MEASURE_COLUMNS, measure_rows),
        Dataset("projects", "事業ごとの実施状況", "事業 × 年度", PROJECT_COLUMNS, project_rows),
        Dataset(
            "project-initiatives",
            "事業と展開の対応",
            "事業 × 展開 × 年度",
            LINK_COLUMNS,
            link_rows,
        ),
        Dataset(
            "project-indicators",
            "事業の指標（目標値・実績値）",
            "事業の指標 × 年度",
            INDICATOR_COLUMNS,
            indicator_rows,
        ),
        Dataset("summary", "委員会の総評", "年度", SUMMARY_COLUMNS, summary_rows),
        Dataset(
            "roster", "市民活動推進委員会 委員名簿", "委員 × 年度", ROSTER_COLUMNS, roster_rows
        ),
    )
}


# --- files --------------------------------------------------------------------------------


def open_value(value):
    """Every value a dataset offers, as CSV and JSON write it: the one place that turns a
    date, a decimal or a translated label (a lazy string, e.g. 今後の方向性) into plain text
    or a number. Anything else is a mistake in a row function, refused by name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"オープンデータに書けない値です: {type(value).__name__}")


def as_csv(dataset: Dataset, rows: Iterable[dict]) -> bytes:
    """The 評価表's CSV conventions (UTF-8 with BOM so Japanese Excel opens it, CRLF, empty
    cells for missing values, formula-like text kept as text); numbers unquoted."""
    table = [
        [c.header for c in dataset.columns],
        *([open_value(row[c.header]) for c in dataset.columns] for row in rows),
    ]
    return "".join(csv_chunks(table)).encode("utf-8")


def as_json(dataset: Dataset, cycle: Cycle, rows: Iterable[dict]) -> bytes:
    document = {
        "title": f"{cycle.plan.name} {wareki(cycle.fiscal_year)} {dataset.title}",
        "publisher": settings.PUBLISHER,
        "license": LICENCE,
        "columns": [
            {"name": c.header, "type": c.kind, "description": c.description}
            for c in dataset.columns
        ],
        "rows": [{c.header: open_value(row[c.header]) for c in dataset.columns} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def render(dataset: Dataset, cycle: Cycle, fmt: str) -> bytes:
    rows = dataset.rows(cycle)
    return as_csv(dataset, rows) if fmt == "csv" else as_json(dataset, cycle, rows)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:32]


def published_cycles():
    return Cycle.objects.published().select_related("plan").order_by("plan", "-fiscal_year")


def last_modified(cycle: Cycle) -> datetime | None:
    """The latest change to anything in the year's open data (its records' histories; its
    事業 are the copy taken when the year was locked, which moves with the cycle's phase)."""
    dates = [
        cycle.history.aggregate(at=Max("history_date"))["at"],
        CommitteeEvaluation.history.filter(cycle_id=cycle.pk).aggregate(at=Max("history_date"))[
            "at"
        ],
        ProjectReport.history.filter(cycle_id=cycle.pk).aggregate(at=Max("history_date"))["at"],
        ProjectIndicator.history.filter(report__cycle_id=cycle.pk).aggregate(
            at=Max("history_date")
        )["at"],
    ]
    return max((d for d in dates if d is not None), default=None)
