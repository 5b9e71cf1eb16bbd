"""Entry progress where people need it: the cycle page and its CSV (the reminders' summary
arranges the same lines per person: ``reminders.summary``).

Every count and every missing entry comes from ``progress.entry.entry_progress`` (the dashboard's
roll-up); this module only links and arranges its lines.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import Cycle
from evaluation.progress.entry import EntryProgress, ProgressLine, entry_progress
from policies.spreadsheet import csv_text


def missing_links(
    line: ProgressLine,
    kind: str,
    cycle: Cycle,
    *,
    limit: int | None = None,
    back: str = "",
) -> list[tuple[str, str | None]]:
    """(label, URL) of each missing entry of a line: a 実施状況's form, or the 施策's page
    of the year. A form opened from a page given as ``back`` comes back there after saving
    (see editing.edit_record)."""
    plan, year = cycle.plan.code, cycle.fiscal_year
    query = f"?{urlencode({'next': back})}" if back else ""
    links: list[tuple[str, str | None]] = []
    for label, key in line.missing[:limit]:
        if kind == "report":
            url = (
                reverse("evaluation:report", kwargs={"plan": plan, "year": year, "code": key})
                + query
            )
        else:
            url = reverse(
                "evaluation:measure_year", kwargs={"plan": plan, "year": year, "number": key}
            )
        links.append((label, url))
    return links


def link_missing(
    progress: EntryProgress,
    cycle: Cycle,
    *,
    limit: int | None = None,
    back: str = "",
) -> None:
    """Fill ``links`` of every line (the secretariat's pages show them)."""
    for kind, line in progress.all_lines():
        line.links = missing_links(line, kind, cycle, limit=limit, back=back)


@dataclass
class ProgressGroup:
    """One kind of record in the progress: 実施状況 per body, 委員評価 per member, …"""

    key: str  # the EntryProgress attribute: reports, self_evaluations, …
    title: str
    kind: str  # "report" or "measure" (what a missing entry links to)
    anchor_kind: str  # "body", "member" or "committee": the cycle page's anchors
    unit: str  # what a line's label is: 実施主体, 委員
    lines: list[ProgressLine]

    @property
    def behind(self) -> list[ProgressLine]:
        return [line for line in self.lines if not line.complete]


def progress_groups(progress: EntryProgress) -> list[ProgressGroup]:
    return [
        ProgressGroup("reports", _("実施状況"), "report", "body", _("実施主体"), progress.reports),
        ProgressGroup(
            "self_evaluations",
            _("自己評価"),
            "measure",
            "body",
            _("実施主体"),
            progress.self_evaluations,
        ),
        ProgressGroup(
            "member_evaluations",
            _("委員評価"),
            "measure",
            "member",
            _("委員"),
            progress.member_evaluations,
        ),
        ProgressGroup(
            "committee", _("委員会評価"), "measure", "committee", "", [progress.committee]
        ),
    ]


CSV_COLUMNS = ["年度", "記録", "実施主体・委員", "入力済み", "対象", "未入力", "未入力の一覧"]


def progress_csv(cycle: Cycle) -> str:
    """The cycle's entry progress as CSV text, BOM first (Japanese Excel reads it as UTF-8):
    one row per 実施主体 or member and kind of record, the missing entries listed."""
    rows = [
        [
            cycle.fiscal_year,
            group.title,
            line.label,
            line.existing,
            line.expected,
            len(line.missing),
            "、".join(label for label, _key in line.missing),
        ]
        for group in progress_groups(entry_progress(cycle))
        for line in group.lines
    ]
    return csv_text([CSV_COLUMNS, *rows])
