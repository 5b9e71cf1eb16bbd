"""The 評価表's 事業 and 実施状況 as CSV: one row per 事業 × year, with stable codes
(written by ``policies.spreadsheet.csv_chunks``, as every CSV of the app)."""

from collections.abc import Iterator

from evaluation.sheet.layout import (
    CODE_SEPARATOR,
    CSV_COLUMNS,
    committee_text,
    report_values,
    self_evaluation_text,
)
from evaluation.sheet.table import EvaluationTable, MeasureBlock, ProjectLine
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
