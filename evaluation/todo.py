"""やること: what each person still has to enter in the open cycles, and what they have
already entered (「入力済み」), one click from editing it again.

The number of queries depends on the number of open cycles (one or two a year), never on
the size of the plan.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.access import participant_of
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
    running_between,
)
from policies.models import ImplementingBody, Measure


@dataclass
class TodoItem:
    label: str
    url: str
    detail: str = ""
    opens_form: bool = True  # links to a form carry ?next= so saving comes back here


@dataclass
class TodoSection:
    cycle: Cycle
    title: str
    due: date | None
    total: int
    items: list[TodoItem] = field(default_factory=list)
    finished: list[TodoItem] = field(default_factory=list)  # shown under 「入力済み」

    @property
    def done(self) -> int:
        return self.total - len(self.items)


def _split(pairs: list[tuple[bool, TodoItem]]) -> dict[str, list[TodoItem]]:
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
    projects = (
        Project.objects.of_plan(cycle.plan)
        .filter(body=body)
        .active_in(cycle.fiscal_year)
        .annotate(
            reported=Subquery(
                ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk")).values("status")[
                    :1
                ]
            )
        )
    )
    projects = list(projects)
    reports = TodoSection(
        cycle,
        _("実施状況（%(body)sの事業）") % {"body": body.short_name},
        cycle.entry_due,
        total=len(projects),
        **_split(
            [
                (
                    p.reported is not None,
                    TodoItem(
                        p.name,
                        _url("report", cycle, code=p.code),
                        ReportStatus(p.reported).label if p.reported else p.department,
                    ),
                )
                for p in projects
            ]
        ),
    )
    measures = list(
        _measures(cycle).annotate(
            evaluated=Subquery(
                SelfEvaluation.objects.filter(
                    cycle=cycle, body=body, measure=OuterRef("pk")
                ).values("rating__code")[:1]
            )
        )
    )
    self_evaluations = TodoSection(
        cycle,
        _("自己評価（%(body)s）") % {"body": body.short_name},
        cycle.entry_due,
        total=len(measures),
        **_split(
            [
                (
                    m.evaluated is not None,
                    TodoItem(
                        f"{m.number} {m.title}",
                        _url("self_evaluation", cycle, number=m.number, body=body.code),
                        _("評価 %(code)s") % {"code": m.evaluated} if m.evaluated else "",
                    ),
                )
                for m in measures
            ]
        ),
    )
    return [reports, self_evaluations]


def _member_section(cycle: Cycle, user: User) -> TodoSection:
    own = MemberEvaluation.objects.filter(cycle=cycle, member=user, measure=OuterRef("pk"))
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
                        _url("member_evaluation", cycle, number=m.number),
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
        _measures(cycle).annotate(
            drafted=Exists(drafts), confirmed=Exists(drafts.filter(confirmed_at__isnull=False))
        )
    )

    def item(m, detail: str) -> TodoItem:
        return TodoItem(
            f"{m.number} {m.title}", _url("committee_evaluation", cycle, number=m.number), detail
        )

    confirmed = _("確定済み")
    if for_chair:
        title = _("委員会評価の確定（委員長）")
        waiting = {True: "", False: _("事務局の案を待っています")}
        pairs = [
            (m.confirmed, item(m, confirmed if m.confirmed else waiting[m.drafted]))
            for m in measures
        ]
    else:
        title = _("委員会評価の案の作成（事務局）")
        drafted = _("案を作成済み")
        pairs = [
            (m.drafted, item(m, (confirmed if m.confirmed else drafted) if m.drafted else ""))
            for m in measures
        ]
    return TodoSection(cycle, title, cycle.committee_due, total=len(measures), **_split(pairs))


def _entry_progress_section(cycle: Cycle) -> TodoSection:
    """Secretariat during 実施状況入力: which bodies still have entries missing."""
    bodies = ImplementingBody.objects.annotate(
        project_count=Count(
            "projects",
            filter=Q(projects__plan=cycle.plan)
            & running_between(cycle.fiscal_year, via="projects"),
            distinct=True,
        ),
        report_count=Count(
            "projects__reports", filter=Q(projects__reports__cycle=cycle), distinct=True
        ),
        evaluation_count=Count(
            "self_evaluations", filter=Q(self_evaluations__cycle=cycle), distinct=True
        ),
    )
    measure_count = Measure.objects.of_plan(cycle.plan).count()
    pairs = []
    for body in bodies:
        missing_reports = body.project_count - body.report_count
        missing_evaluations = measure_count - body.evaluation_count
        complete = not (missing_reports or missing_evaluations)
        detail = (
            _("すべて入力済み")
            if complete
            else _("実施状況 未入力 %(r)d件・自己評価 未入力 %(e)d件")
            % {"r": missing_reports, "e": missing_evaluations}
        )
        item = TodoItem(body.name, cycle.get_absolute_url(), detail, opens_form=False)
        pairs.append((complete, item))
    return TodoSection(
        cycle, _("実施主体の入力状況"), cycle.entry_due, total=len(pairs), **_split(pairs)
    )


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
        phase__in=[Phase.PREPARATION, Phase.ENTRY, Phase.COMMITTEE]
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
            if participant.is_staff_member:
                sections += _staff_sections(cycle, participant.body)
            elif participant.is_secretariat:
                sections.append(_entry_progress_section(cycle))
            else:
                todo.notes.append(
                    _(
                        "%(cycle)s は実施主体が実施状況を入力している段階です。"
                        "委員評価は「委員会評価」の段階になってから入力できます。"
                    )
                    % {"cycle": cycle}
                )
        elif cycle.phase == Phase.COMMITTEE:
            if participant.is_committee_member:
                sections.append(_member_section(cycle, user))
            if participant.is_chair:
                sections.append(_committee_section(cycle, for_chair=True))
            if participant.is_secretariat:
                sections.append(_committee_section(cycle, for_chair=False))
            if participant.is_staff_member:
                todo.notes.append(
                    _(
                        "%(cycle)s は委員会評価の段階です。実施状況と自己評価の入力は締め切られました。"
                    )
                    % {"cycle": cycle}
                )
    return todo
