"""やること: what each person still has to enter in the open cycles.

The number of queries depends on the number of open cycles (one or two a year), never on
the size of the plan.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q
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
    SelfEvaluation,
    running_between,
)
from policies.models import ImplementingBody, Measure


@dataclass
class TodoItem:
    label: str
    url: str
    detail: str = ""


@dataclass
class TodoSection:
    cycle: Cycle
    title: str
    due: date | None
    total: int
    items: list[TodoItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.total - len(self.items)


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
            reported=Exists(ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk")))
        )
    )
    projects = list(projects)
    reports = TodoSection(
        cycle,
        _("実施状況（%(body)sの事業）") % {"body": body.short_name},
        cycle.entry_due,
        total=len(projects),
        items=[
            TodoItem(p.name, _url("report", cycle, code=p.code), p.department)
            for p in projects
            if not p.reported
        ],
    )
    measures = list(
        _measures(cycle).annotate(
            evaluated=Exists(
                SelfEvaluation.objects.filter(cycle=cycle, body=body, measure=OuterRef("pk"))
            )
        )
    )
    self_evaluations = TodoSection(
        cycle,
        _("自己評価（%(body)s）") % {"body": body.short_name},
        cycle.entry_due,
        total=len(measures),
        items=[
            TodoItem(
                f"{m.number} {m.title}",
                _url("self_evaluation", cycle, number=m.number, body=body.code),
            )
            for m in measures
            if not m.evaluated
        ],
    )
    return [reports, self_evaluations]


def _member_section(cycle: Cycle, user: User) -> TodoSection:
    measures = list(
        _measures(cycle).annotate(
            scored=Exists(
                MemberEvaluation.objects.filter(cycle=cycle, member=user, measure=OuterRef("pk"))
            )
        )
    )
    return TodoSection(
        cycle,
        _("委員評価（あなたの評価と意見）"),
        cycle.committee_due,
        total=len(measures),
        items=[
            TodoItem(f"{m.number} {m.title}", _url("member_evaluation", cycle, number=m.number))
            for m in measures
            if not m.scored
        ],
    )


def _committee_section(cycle: Cycle, *, for_chair: bool) -> TodoSection:
    """Secretariat: 施策 without a draft. Chair: drafts waiting for confirmation."""
    drafts = CommitteeEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"))
    measures = list(
        _measures(cycle).annotate(
            drafted=Exists(drafts), confirmed=Exists(drafts.filter(confirmed_at__isnull=False))
        )
    )
    if for_chair:
        title = _("委員会評価の確定（委員長）")
        pending = [m for m in measures if not m.confirmed]
        detail = {True: "", False: _("事務局の案を待っています")}
        items = [
            TodoItem(
                f"{m.number} {m.title}",
                _url("committee_evaluation", cycle, number=m.number),
                detail[m.drafted],
            )
            for m in pending
        ]
    else:
        title = _("委員会評価の案の作成（事務局）")
        items = [
            TodoItem(f"{m.number} {m.title}", _url("committee_evaluation", cycle, number=m.number))
            for m in measures
            if not m.drafted
        ]
    return TodoSection(cycle, title, cycle.committee_due, total=len(measures), items=items)


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
    items = []
    for body in bodies:
        missing_reports = body.project_count - body.report_count
        missing_evaluations = measure_count - body.evaluation_count
        if missing_reports or missing_evaluations:
            items.append(
                TodoItem(
                    body.name,
                    cycle.get_absolute_url(),
                    _("実施状況 未入力 %(r)d件・自己評価 未入力 %(e)d件")
                    % {"r": missing_reports, "e": missing_evaluations},
                )
            )
    return TodoSection(
        cycle, _("実施主体の入力状況"), cycle.entry_due, total=len(bodies), items=items
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
                        items=[TodoItem(str(cycle), cycle.get_absolute_url())],
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
