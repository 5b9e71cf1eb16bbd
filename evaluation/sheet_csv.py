"""The 評価表's 事業 and 実施状況 as CSV: one row per 事業 × year, with stable codes.

UTF-8 with a byte-order mark, so Japanese Excel opens it as UTF-8 rather than Shift_JIS.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from evaluation.sheet_layout import (
    CODE_SEPARATOR,
    CSV_COLUMNS,
    committee_text,
    report_values,
    self_evaluation_text,
)
from evaluation.sheet_table import EvaluationTable, MeasureBlock

BOM = "\ufeff"
# Text starting with these would run as a formula when the file is opened in Excel (which
# skips leading blanks, tabs and line breaks, and reads full-width ＝＋－＠ as the ASCII
# signs); a leading apostrophe keeps it text, and the import takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
LEADING_BLANKS = " \t\r\n\u3000"


def is_formula_like(value: str) -> bool:
    """A sign followed by something: a sign alone computes nothing (and the plan's own
    評価不能 symbol is a lone full-width －, which stays readable)."""
    text = value.lstrip(LEADING_BLANKS)
    return len(text) > 1 and text.startswith(FORMULA_STARTS)


def protect(value):
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unprotect(value: str) -> str:
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def csv_rows(table: EvaluationTable) -> Iterator[list]:
    """Header, then each 事業 once per year shown, in plan order of its first 展開, with
    the 自己評価 of its 実施主体 and the committee's evaluation of its 施策 beside it."""
    yield CSV_COLUMNS
    seen: dict[int, tuple[list[str], list[str]]] = {}
    blocks: dict[int, list[MeasureBlock]] = {}
    lines = {}
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


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """Rows as CSV text, a chunk a row, BOM first: UTF-8, CRLF, an empty cell for None, and
    formula-like text kept as text. Every CSV of the app is written here (the 評価表's and
    the open data's)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield BOM
    for row in rows:
        writer.writerow(["" if v is None else protect(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
