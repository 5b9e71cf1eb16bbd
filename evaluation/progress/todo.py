"""やること: what each person still has to enter in the open cycles, and what they have
already entered (「入力済み」), one click from editing it again.

The number of queries depends on the number of open cycles (one or two a year), never on
the size of the plan.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    FollowUp,
    FollowUpStatus,
    MemberEvaluation,
    Phase,
    ProjectReport,
    ReviewState,
    SelfEvaluation,
)
from evaluation.progress.entry import entry_progress
from people.access import participant_of
from people.models import committee_users
from policies.models import ImplementingBody, Measure


@dataclass
class TodoItem:
    label: str
    url: str
    detail: str = ""
    waiting: bool = False  # shown, but nothing to do yet (the chair waits for a draft)
    opens_form: bool = True  # links to a form carry ?next= so saving comes back here


@dataclass
class TodoSection:
    cycle: Cycle
    title: str
    due: date | None
    total: int
    items: list[TodoItem] = field(default_factory=list)
    # Other people's entries the secretariat follows up (not the reader's own to enter):
    # reminders leave these out of a person's own list and send them as the summary.
    oversight: bool = False
    finished: list[TodoItem] = field(default_factory=list)  # shown under 「入力済み」
    overview: tuple[str, str] | None = None  # (label, URL) of a page that does them all

    @property
    def done(self) -> int:
        return self.total - len(self.items)

    def overdue_on(self, today: date) -> bool:
        """Past the due date with something still missing (the due date itself is in time)."""
        return bool(self.items and self.due and today > self.due)

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())  # the day in Asia/Tokyo (TIME_ZONE)


class _Split(TypedDict):
    items: list[TodoItem]
    finished: list[TodoItem]


def _split(pairs: list[tuple[bool, TodoItem]]) -> _Split:
    """(is it done?, item) pairs → the section's to-do items and its 入力済み items."""
    return {
        "items": [item for done, item in pairs if not done],
        "finished": [item for done, item in pairs if done],
    }


NO_RATING = _("評価なし")


def _url(name: str, cycle: Cycle, **kwargs) -> str:
    return reverse(
        f"evaluation:{name}", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year, **kwargs}
    )


def _measures(cycle: Cycle):
    return Measure.objects.of_plan(cycle.plan).select_related("basic_policy")


def _staff_sections(cycle: Cycle, body: ImplementingBody) -> list[TodoSection]:
    """The body's 実施状況 and 自己評価, counted by the dashboard's roll-up
    (``progress.entry.entry_progress``): only the 施策 the body has 事業 under are asked."""
    reports, evaluations = entry_progress(cycle).of_body(body)
    reports_section = TodoSection(
        cycle,
        _("実施状況（%(body)sの事業）") % {"body": body.short_name},
        cycle.entry_due,
        total=reports.expected,
        **_split(
            [
                (
                    p.entered is not None,
                    TodoItem(p.label, _url("report", cycle, code=p.key), p.entered or p.detail),
                )
                for p in reports.items
            ]
        ),
    )
    self_evaluations = TodoSection(
        cycle,
        _("自己評価（%(body)s）") % {"body": body.short_name},
        cycle.entry_due,
        total=evaluations.expected,
        **_split(
            [
                (
                    m.entered is not None,
                    TodoItem(
                        f"{m.label} {m.detail}",
                        _url("self_evaluation", cycle, number=m.key, body=body.code),
                        _("評価 %(code)s") % {"code": m.entered} if m.entered else "",
                    ),
                )
                for m in evaluations.items
            ]
        ),
    )
    return [
        reports_section,
        self_evaluations,
        *_follow_up_sections(cycle, body),
        *sent_back_sections(cycle, body=body),
    ]


def _follow_up_sections(cycle: Cycle, body: ImplementingBody) -> list[TodoSection]:
    """Last year's committee opinions the body has still to answer (未対応). One query."""
    items = list(
        FollowUp.objects.filter(cycle=cycle, body=body)
        .select_related("measure")
        .order_by("measure__basic_policy__number", "measure__order", "pk")
    )
    if not items:
        return []
    return [
        TodoSection(
            cycle,
            _("委員会意見への対応（%(body)s）") % {"body": body.short_name},
            cycle.entry_due,
            total=len(items),
            items=[
                TodoItem(
                    f"{i.measure.number} {i.measure.title}",
                    _url("follow_up", cycle, pk=i.pk),
                    _("前年度からの繰り越し") if i.carried_from_id else "",
                )
                for i in items
                if i.status == FollowUpStatus.NOT_YET
            ],
        )
    ]


def _member_section(cycle: Cycle, user: User) -> TodoSection:
    own = (  # one per 施策: nothing to sort (the default ordering would join the plan)
        MemberEvaluation.objects.filter(cycle=cycle, member=user, measure=OuterRef("pk")).order_by()
    )
    measures = list(
        _measures(cycle).annotate(
            scored=Exists(own), rating=Subquery(own.values("rating__code")[:1])
        )
    )
    return TodoSection(
        cycle,
        _("委員評価（あなたの評価と意見）"),
        cycle.committee_due,
        total=len(measures),
        **_split(
            [
                (
                    m.scored,
                    TodoItem(
                        f"{m.number} {m.title}",
                        _url("scoring", cycle, number=m.number),
                        (_("評価 %(code)s") % {"code": m.rating} if m.rating else NO_RATING)
                        if m.scored
                        else "",
                    ),
                )
                for m in measures
            ]
        ),
    )


def _committee_section(cycle: Cycle, *, for_chair: bool) -> TodoSection:
    """Secretariat: 施策 without a draft. Chair: drafts waiting for confirmation."""
    drafts = CommitteeEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"))
    measures = list(
        _measures(cycle).annotate(drafted=Exists(drafts), confirmed=Exists(drafts.confirmed()))
    )

    def item(m, detail: str, waits: bool = False) -> TodoItem:
        return TodoItem(
            f"{m.number} {m.title}",
            _url("committee_evaluation", cycle, number=m.number),
            detail,
            waiting=waits,
        )

    confirmed = _("確定済み")
    overview = None
    if for_chair:
        title = _("委員会評価の確定（委員長）")
        overview = (_("すべての案を一覧で確認・確定する"), _url("committee_review", cycle))
        waiting = {True: "", False: _("事務局の案を待っています")}
        pairs = [
            (
                m.confirmed,
                item(m, confirmed if m.confirmed else waiting[m.drafted], waits=not m.drafted),
            )
            for m in measures
        ]
    else:
        title = _("委員会評価の案の作成（事務局）")
        drafted = _("案を作成済み")
        pairs = [
            (m.drafted, item(m, (confirmed if m.confirmed else drafted) if m.drafted else ""))
            for m in measures
        ]
    return TodoSection(
        cycle, title, cycle.committee_due, total=len(measures), overview=overview, **_split(pairs)
    )


def progress_anchor(kind: str, key: str) -> str:
    """The cycle page's anchor of one 実施主体's or member's progress line."""
    return f"progress-{kind}-{key}"


def _entry_progress_section(cycle: Cycle) -> TodoSection:
    """Secretariat during 実施状況入力: which bodies still have entries missing, counted by
    the dashboard's roll-up, each linking to its list of missing entries on the cycle page."""
    progress = entry_progress(cycle)
    names = dict(ImplementingBody.objects.values_list("code", "name"))
    # The 委員会意見への対応 still 未対応: counted as the reminders' summary counts them.
    unanswered = dict(
        FollowUp.objects.filter(cycle=cycle, status=FollowUpStatus.NOT_YET)
        .order_by()
        .values("body__code")
        .annotate(n=Count("pk"))
        .values_list("body__code", "n")
    )
    pairs = []
    for reports, evaluations in zip(progress.reports, progress.self_evaluations, strict=True):
        missing_reports = len(reports.missing)
        missing_evaluations = len(evaluations.missing)
        missing_answers = unanswered.get(reports.key, 0)
        complete = not (missing_reports or missing_evaluations or missing_answers)
        detail = (
            _("すべて入力済み")
            if complete
            else _("実施状況 未入力 %(r)d件・自己評価 未入力 %(e)d件")
            % {"r": missing_reports, "e": missing_evaluations}
        )
        if missing_answers:
            detail += _("・委員会意見への対応 未入力 %(a)d件") % {"a": missing_answers}
        url = f"{cycle.get_absolute_url()}#{progress_anchor('body', reports.key)}"
        item = TodoItem(names.get(reports.key, reports.label), url, detail, opens_form=False)
        pairs.append((complete, item))
    return TodoSection(
        cycle,
        _("実施主体の入力状況"),
        cycle.entry_due,
        total=len(pairs),
        oversight=True,
        **_split(pairs),
    )


def sent_back_sections(
    cycle: Cycle,
    *,
    body: ImplementingBody | None = None,
    resubmitted: bool = False,
    committee: bool = False,
) -> list[TodoSection]:
    """差し戻し on the to-do pages, with the comment. A body's staff: their entries sent back.
    The 事務局 in 実施状況入力: entries saved again after a send-back (再提出), to check.
    The 事務局 in 委員会評価: drafts the chair sent back. One or two queries; a section only
    when there is something in it."""
    if committee:
        items = _sent_back_drafts(cycle)
        title = _("委員長から差し戻された委員会評価の案")
    else:
        items = _sent_back_entries(cycle, body, resubmitted)
        title = (
            _("再提出された入力（事務局の確認待ち）")
            if resubmitted
            else _("事務局から差し戻された入力（直して保存してください）")
        )
    if not items:
        return []
    due = cycle.committee_due if committee else cycle.entry_due
    return [TodoSection(cycle, title, due, total=len(items), items=items)]


def _sent_back_drafts(cycle: Cycle) -> list[TodoItem]:
    """The 委員会評価 drafts the chair sent back and nobody has confirmed since."""
    drafts = CommitteeEvaluation.objects.filter(
        cycle=cycle, review_state=ReviewState.SENT_BACK, confirmed_at__isnull=True
    ).select_related("measure")
    return [
        TodoItem(
            f"{d.measure.number} {d.measure.title}",
            _url("committee_evaluation", cycle, number=d.measure.number),
            _("委員長のコメント: %(c)s") % {"c": d.review_comment},
        )
        for d in drafts
    ]


def _sent_back_entries(
    cycle: Cycle, body: ImplementingBody | None, resubmitted: bool
) -> list[TodoItem]:
    """実施状況 and 自己評価 sent back (with the comment), or saved again after a send-back
    (with the body, linking to the review page); of one body, or of all."""
    state = ReviewState.RESUBMITTED if resubmitted else ReviewState.SENT_BACK
    reports = ProjectReport.objects.filter(cycle=cycle, review_state=state).select_related(
        "project__body"
    )
    evaluations = SelfEvaluation.objects.filter(cycle=cycle, review_state=state).select_related(
        "measure", "body"
    )
    if body is not None:
        reports = reports.filter(project__body=body)
        evaluations = evaluations.filter(body=body)
    review = "_review" if resubmitted else ""
    return [
        TodoItem(
            _("実施状況：%(name)s") % {"name": r.project.name},
            _url(f"report{review}", cycle, code=r.project.code),
            r.project.body.short_name if resubmitted else r.review_comment,
        )
        for r in reports
    ] + [
        TodoItem(
            _("自己評価：%(n)s %(t)s") % {"n": e.measure.number, "t": e.measure.title},
            _url(f"self_evaluation{review}", cycle, number=e.measure.number, body=e.body.code),
            e.body.short_name if resubmitted else e.review_comment,
        )
        for e in evaluations
    ]


def _serves_today(cycle: Cycle, user: User) -> bool:
    """A member scores the year while their 任期 on the plan's committee runs: one who left
    mid-phase keeps what they entered but has nothing more to do (and no reminder); one who
    joined mid-phase has their to-do from their first day."""
    today = timezone.localdate()
    return committee_users(cycle.plan_id, today, today).filter(pk=user.pk).exists()


@dataclass
class Todo:
    sections: list[TodoSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what comes later, so nobody wonders


def todo_for(user: User) -> Todo:
    participant = participant_of(user)
    todo = Todo()
    if participant is None:
        return todo
    sections = todo.sections
    for cycle in Cycle.objects.filter(
        phase__in=[Phase.PREPARATION, Phase.ENTRY, Phase.COMMITTEE],
        plan_id__in=participant.plan_ids,  # type: ignore[attr-defined]
    ).select_related("plan"):
        if cycle.phase == Phase.PREPARATION:
            if participant.is_secretariat:
                sections.append(
                    TodoSection(
                        cycle,
                        _("評価サイクルの開始（期限を確認して「実施状況入力」へ進める）"),
                        cycle.entry_due,
                        total=1,
                        items=[TodoItem(str(cycle), cycle.get_absolute_url(), opens_form=False)],
                    )
                )
        elif cycle.phase == Phase.ENTRY:
            if participant.is_staff_member and participant.body is not None:
                sections += _staff_sections(cycle, participant.body)
            elif participant.is_secretariat:
                sections.append(_entry_progress_section(cycle))
                sections += sent_back_sections(cycle, resubmitted=True)
            else:
                todo.notes.append(
                    _(
                        "%(cycle)s は実施主体が実施状況を入力している段階です。"
                        "委員評価は「委員会評価」の段階になってから入力できます。"
                    )
                    % {"cycle": cycle}
                )
        elif cycle.phase == Phase.COMMITTEE:
            if participant.is_committee_member and _serves_today(cycle, user):
                sections.append(_member_section(cycle, user))
            if participant.is_chair:
                sections.append(_committee_section(cycle, for_chair=True))
            if participant.is_secretariat:
                sections.append(_committee_section(cycle, for_chair=False))
                sections += sent_back_sections(cycle, committee=True)
            if participant.is_staff_member:
                todo.notes.append(
                    _(
                        "%(cycle)s は委員会評価の段階です。実施状況と自己評価の入力は締め切られました。"
                    )
                    % {"cycle": cycle}
                )
    return todo
