"""The columns of the exported 評価表 (Excel and CSV), shared by the exports and the import.

The import accepts exactly these layouts, so export → edit → import works without a
mapping step. Headers are Japanese because city staff edit the files in Excel; they are
data here (compared character for character), not UI text.
"""

from evaluation.achievement import format_rate
from evaluation.models import Direction, ProjectReport, ReportStatus, SelfEvaluation
from evaluation.numbers import plain_number
from policies.fiscal_years import wareki
from policies.models import Plan

# 事業 columns of the Excel sheet, left to right. The three code columns identify a row
# on import; the title columns (施策, 展開) are for people. The 基本施策 is a row of its own
# above its 施策 (a column of its own made the printed sheet too wide to read).
XLSX_KEY_COLUMNS = ["施策番号", "展開番号", "事業コード"]
# What the title columns hold (the widths are keyed by these); each plan's file heads them
# with its own words (``tree_columns``).
XLSX_TREE_COLUMNS = ["施策", "展開"]
# The headers of files exported before each plan named its own levels (the 改定計画's
# words): such files still import.
XLSX_TREE_COLUMNS_BEFORE = ["施策", "計画後期の展開"]
XLSX_FIRST_PROJECT_COLUMN = len(XLSX_KEY_COLUMNS) + len(XLSX_TREE_COLUMNS)  # 0-based: 事業名
PROJECT_COLUMNS = ["事業名", "事業概要", "実施主体", "担当課"]
REPORT_COLUMNS = [
    "事業の目標",
    "実施状況",
    "実施内容",
    "回数",
    "参加者数",
    "指標",
    "課題",
    "今後の方向性",
]
# 「指標」: one line per 指標 of the 事業; the import takes back each existing 指標's kind,
# name, unit, 目標値 and 実績値 (``sheet.indicators``); adding or removing 指標 is done on
# the 実施状況 page.
# The 施策's evaluations beside each 事業 (CSV only; the Excel has them as rows).
EVALUATION_COLUMNS = ["自己評価", "委員会による評価及び意見"]

# CSV: one row per 事業 × year. A 事業 serving several 展開 lists them pairwise,
# separated by CODE_SEPARATOR in 施策番号 and 展開番号 (e.g. "1-1／2-4" and "②／①").
CSV_COLUMNS = [
    "年度",
    "施策番号",
    "展開番号",
    "事業コード",
    *PROJECT_COLUMNS,
    *REPORT_COLUMNS,
    *EVALUATION_COLUMNS,
]
CODE_SEPARATOR = "／"

# Excel: title in row 1, the year groups in row 2, column headers in row 3, data from row 4.
XLSX_TITLE_ROW = 1
XLSX_GROUP_ROW = 2
XLSX_HEADER_ROW = 3
XLSX_FIRST_DATA_ROW = 4


# The two marks every output uses, explained once on each page and file that shows them
# (templates/evaluation/_marks_note.html, the Excel's legend, the CSV's column guide).
NO_VALUE = "—"  # no value: not entered, not applicable
UNRATED = "－"  # the scale's 評価不能
MARKS_NOTE = f"「{NO_VALUE}」は値がないこと、「{UNRATED}」は評価不能を示します。"


def legend_text(levels) -> str:
    """The Excel's 凡例: the year's scale, who writes which evaluation, and the two marks."""
    scale = "／".join(f"{level.code} {level.label}" for level in levels)
    return (
        (f"評価の基準：{scale}。" if scale else "")
        + "自己評価は実施主体、委員会による評価及び意見は市民活動推進委員会によるものです。"
        + MARKS_NOTE
    )


def tree_columns(plan: Plan) -> list[str]:
    """The title columns' headers in the plan's own words (「施策」「計画後期の展開」…)."""
    return [plan.measure_label, plan.initiative_label]


def xlsx_columns(year_count: int, tree: list[str] = XLSX_TREE_COLUMNS) -> list[str]:
    return [
        *XLSX_KEY_COLUMNS,
        *tree,
        *PROJECT_COLUMNS,
        *(REPORT_COLUMNS * year_count),
    ]


def year_label(year: int) -> str:
    return f"{wareki(year)}の実施状況"


def evaluation_year_label(year: int) -> str:
    """「令和2（2020）年度 実績／令和3（2021）年度 評価」: the year whose work is evaluated and
    the year the committee evaluates it in, so nobody reads the one for the other."""
    return f"{wareki(year)} 実績／{wareki(year + 1)} 評価"


def report_values(report: ProjectReport | None) -> list:
    """The 実施状況 cells, in REPORT_COLUMNS order."""
    if report is None:
        return ["", "", "", None, None, "", "", ""]
    return [
        report.goal,
        str(ReportStatus(report.status).label),
        report.activities,
        report.times,
        report.participants,
        indicators_text(getattr(report, "indicator_list", [])),
        report.issues,
        str(Direction(report.direction).label) if report.direction else "",
    ]


def figure_line(name: str, indicator) -> str:
    """「講座の参加者数：目標 60人／実績 45人（75.0%）」; NO_VALUE for a value not entered yet."""
    unit = indicator.unit
    target = f"{plain_number(indicator.target)}{unit}" if indicator.target is not None else NO_VALUE
    actual = f"{plain_number(indicator.actual)}{unit}" if indicator.actual is not None else NO_VALUE
    rate = format_rate(indicator.achievement)
    return f"{name}：目標 {target}／実績 {actual}" + (f"（{rate}）" if rate else "")


def indicators_text(indicators) -> str:
    """指標 of a 実施状況, one a line, each with its kind (活動指標・成果指標)."""
    return "\n".join(figure_line(f"{i.get_kind_display()} {i.name}", i) for i in indicators)


def reference_text(indicators) -> str:
    """A 施策's 参考指標 for one year, one a line (``rollups.indicators.MeasureIndicator``)."""
    return "\n".join(figure_line(i.name, i) for i in indicators) or "（なし）"


def self_evaluation_text(evaluation: SelfEvaluation | None, asked: bool = True) -> str:
    """A 自己評価 as one cell of text, the way the paper table prints it. A body without
    事業 under the 施策 that wrote none is 該当なし."""
    if evaluation is None:
        return "（未入力）" if asked else "該当なし"
    parts = [
        f"評価：{evaluation.rating}",
        f"評価の理由：{evaluation.reason}",
    ]
    if evaluation.issues:
        parts.append(f"課題：{evaluation.issues}")
    if evaluation.shown_response:
        parts.append(f"前年度の委員会意見への対応：{evaluation.shown_response}")
    return "\n".join(parts)


def committee_text(evaluation) -> str:
    if evaluation is None:
        return "（未入力）"
    draft = "" if evaluation.is_confirmed else "【案・未確定】\n"
    rating = f"評価：{evaluation.rating}\n" if evaluation.rating_id else ""
    return f"{draft}{rating}{evaluation.opinion}"
