"""What a phase move does, said before it is done: the consequence of the move and what is
still missing in the cycle (from ``rollups``), for the confirmation step of the cycle page.

A forward move with anything missing, the move to 確定 and the move to 公開 each need the
secretariat's confirmation; a move back (the secretariat can always go back one step) and
a forward move with nothing missing do not.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evaluation import services
from evaluation.models import LOCKED_PHASES, PHASES, Cycle, Phase
from evaluation.progress.entry import EntryProgress, ProgressLine, entry_progress
from evaluation.progress.groups import link_missing

CONSEQUENCES: dict[str, str | Promise] = {
    Phase.ENTRY: _("実施主体の担当者が、事業・実施状況・自己評価を入力できるようになります。"),
    Phase.COMMITTEE: _(
        "事業・実施状況・自己評価は読み取り専用になり、委員が評価と意見を入力できるようになります。"
        "未入力の実施状況・自己評価は、このまま委員会評価に回ります。"
    ),
    Phase.CONFIRMED: _(
        "すべての記録が読み取り専用になります。評価表に載る事業の内容（事業名・担当課・展開）は、"
        "この時点のもので固定され、あとで事業を編集しても、この年度の評価表は変わりません。"
    ),
    Phase.PUBLISHED: _(
        "ログインしていない市民も、この年度の評価表（印刷・Excel・CSV）、ダッシュボード、"
        "施策ごとのページを見られるようになります。委員個人の評価・意見は公開されません。"
    ),
}


@dataclass
class MovePlan:
    cycle: Cycle
    to_phase: str
    consequence: str | Promise
    progress: EntryProgress | None = None
    unconfirmed: list[tuple[str, str]] = field(default_factory=list)  # (label, URL)

    @property
    def forward(self) -> bool:
        return PHASES.index(self.to_phase) > self.cycle.phase_index

    @property
    def missing(self) -> int:
        if self.progress is None:
            return 0
        lines = self._relevant_lines()
        return sum(line.expected - line.existing for line in lines) + len(self.unconfirmed)

    @property
    def groups(self) -> list[tuple[str | Promise, list[ProgressLine]]]:
        """What the current phase should have produced, by kind of record."""
        if self.progress is None:
            return []
        if self.cycle.phase == Phase.ENTRY:
            return [
                (_("実施状況（実施主体ごと）"), self.progress.reports),
                (_("自己評価（実施主体ごと）"), self.progress.self_evaluations),
            ]
        if self.cycle.phase == Phase.COMMITTEE:
            return [
                (_("委員評価（委員ごと）"), self.progress.member_evaluations),
                (_("委員会評価の案"), [self.progress.committee]),
            ]
        return []

    def _relevant_lines(self) -> list[ProgressLine]:
        return [line for _title, lines in self.groups for line in lines]

    @property
    def needs_confirmation(self) -> bool:
        return self.forward and (self.to_phase in LOCKED_PHASES or self.missing > 0)


def plan_move(cycle: Cycle, to_phase: str) -> MovePlan:
    """The consequence of moving ``cycle`` to ``to_phase`` and what is still missing."""
    plan = MovePlan(cycle, to_phase, CONSEQUENCES.get(to_phase, ""))
    if to_phase not in PHASES or PHASES.index(to_phase) <= cycle.phase_index:
        return plan
    if cycle.phase in (Phase.ENTRY, Phase.COMMITTEE):
        plan.progress = entry_progress(cycle)
        link_missing(plan.progress, cycle)
    if to_phase == Phase.CONFIRMED:
        plan.unconfirmed = [
            (
                f"{m.number} {m.title}",
                reverse(
                    "evaluation:committee_evaluation",
                    kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year, "number": m.number},
                ),
            )
            for m in services.unconfirmed_measures(cycle)
        ]
    return plan
