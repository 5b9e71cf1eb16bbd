"""The 事務局's summary of who is behind: per 実施主体 and per member, what each still owes,
with 施策 named, and totals that add up (per person, per kind, overall).

The 実施状況, 自己評価 and 委員評価 come from ``entry_progress`` (the dashboard's roll-up),
the 委員会意見への対応 still 未対応 from the follow-ups: the same records each person's own
reminder lists, so the summary and the people's mails agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from evaluation.models import Cycle, FollowUp, FollowUpStatus, Phase
from evaluation.progress.entry import EntryProgress, ProgressLine, entry_progress
from evaluation.progress.todo import progress_anchor


@dataclass
class Gap:
    """One kind of record one 実施主体 or member still owes: what it is and which ones."""

    title: str
    total: int  # how many are asked of them
    missing: list[str]  # 「市民活動入門講座」, 「1-1 市民活動のきっかけづくり」

    @property
    def done(self) -> int:
        return self.total - len(self.missing)


@dataclass
class Behind:
    """A 実施主体 or a member with something missing, and the anchor of their progress line
    on the cycle page."""

    name: str
    anchor: str
    gaps: list[Gap] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(gap.missing) for gap in self.gaps)


@dataclass
class Summary:
    bodies: list[Behind]
    members: list[Behind]
    committee: Gap | None  # the 委員会評価 not drafted yet (the 事務局's own work)

    @property
    def everyone(self) -> list[Behind]:
        return [*self.bodies, *self.members]

    @property
    def count(self) -> int:
        own = len(self.committee.missing) if self.committee else 0
        return sum(who.count for who in self.everyone) + own

    def per_kind(self) -> list[tuple[str, int]]:
        """(kind of record, missing) in the order they first appear; they sum to ``count``."""
        totals: dict[str, int] = {}
        for gap in [g for who in self.everyone for g in who.gaps] + (
            [self.committee] if self.committee else []
        ):
            totals[gap.title] = totals.get(gap.title, 0) + len(gap.missing)
        return [(title, n) for title, n in totals.items() if n]

    @property
    def empty(self) -> bool:
        return self.count == 0


def _measures(line: ProgressLine) -> list[str]:
    return [f"{item.label} {item.detail}" for item in line.items if item.entered is None]


def _projects(line: ProgressLine) -> list[str]:
    return [item.label for item in line.items if item.entered is None]


def _unanswered(cycle: Cycle) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Per 実施主体 code: how many follow-ups it has, and the 施策 of those still 未対応."""
    totals: dict[str, int] = defaultdict(int)
    missing: dict[str, list[str]] = defaultdict(list)
    rows = (
        FollowUp.objects.filter(cycle=cycle)
        .order_by("measure__basic_policy__number", "measure__order", "pk")
        .values_list("body__code", "status", "measure__number", "measure__title")
    )
    for code, status, number, title in rows:
        totals[code] += 1
        if status == FollowUpStatus.NOT_YET:
            missing[code].append(f"{number} {title}")
    return totals, missing


def _entry(cycle: Cycle, progress: EntryProgress) -> Summary:
    follow_ups, unanswered = _unanswered(cycle)
    bodies = []
    for reports, evaluations in zip(progress.reports, progress.self_evaluations, strict=True):
        who = Behind(reports.label, progress_anchor("body", reports.key))
        candidates = [
            Gap(_("実施状況"), reports.expected, _projects(reports)),
            Gap(_("自己評価"), evaluations.expected, _measures(evaluations)),
            Gap(
                _("委員会意見への対応"),
                follow_ups.get(reports.key, 0),
                unanswered.get(reports.key, []),
            ),
        ]
        who.gaps = [gap for gap in candidates if gap.missing]
        if who.gaps:
            bodies.append(who)
    return Summary(bodies=bodies, members=[], committee=None)


def _committee(progress: EntryProgress) -> Summary:
    members = []
    for line in progress.member_evaluations:
        missing = _measures(line)
        if missing:
            who = Behind(line.label, progress_anchor("member", line.key))
            who.gaps = [Gap(_("委員評価"), line.expected, missing)]
            members.append(who)
    drafts = progress.committee
    committee = Gap(_("委員会評価の案"), drafts.expected, _measures(drafts))
    return Summary(bodies=[], members=members, committee=committee if committee.missing else None)


def summary_of(cycle: Cycle) -> Summary:
    """Who is behind in the cycle's current phase (実施状況入力 or 委員会評価)."""
    progress = entry_progress(cycle)
    if cycle.phase == Phase.ENTRY:
        return _entry(cycle, progress)
    if cycle.phase == Phase.COMMITTEE:
        return _committee(progress)
    return Summary(bodies=[], members=[], committee=None)
