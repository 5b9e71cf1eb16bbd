"""Pages of the yearly evaluation. Views stay thin: fetch through the access functions,
validate a form, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation import access, measure_page, services
from evaluation.editing import denied, edit_record, refuse_hidden, visible_cycle
from evaluation.forms import (
    CommitteeEvaluationForm,
    ConfirmForm,
    CycleForm,
    MemberEvaluationForm,
    PhaseMoveForm,
    ProjectForm,
    ProjectReportForm,
    SelfEvaluationForm,
)
from evaluation.history import changes_of
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.todo import todo_for
from policies.models import ImplementingBody, Measure, Plan
from policies.views import home as plan_home


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """People with a part in the evaluation start at their to-do list; others at the plan."""
    if access.participant_of(request.user):
        return redirect("evaluation:todo")
    return plan_home(request)


# --- fetching, through the access rules -------------------------------------------------


def _cycle(request: HttpRequest, plan: str, year: int) -> Cycle:
    return visible_cycle(request, plan, year)[0]


def _measure(cycle: Cycle, number: str) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("basic_policy"),
        basic_policy__plan_id=cycle.plan_id,
        number=number,
    )


# --- pages -------------------------------------------------------------------------------


@require_safe
@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """やること: what the logged-in person still has to enter in the open cycles."""
    return render(request, "evaluation/todo.html", {"todo": todo_for(request.user)})


@require_safe
def cycle_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(Plan, code=plan)
    cycles = [
        c
        for c in Cycle.objects.filter(plan=plan_obj).select_related("plan")
        if access.cycle_access(request.user, c).view
    ]
    participant = access.participant_of(request.user)
    return render(
        request,
        "evaluation/cycle_list.html",
        {
            "current_plan": plan_obj,
            "cycles": cycles,
            "can_create": bool(participant and participant.is_secretariat),
        },
    )


@require_safe
@refuse_hidden
def cycle_detail(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    measures = Measure.objects.of_plan(cycle.plan).select_related("basic_policy")
    moves, phase = [], None
    for record in cycle.history.select_related("history_user").order_by("history_date"):
        if record.phase != phase:  # creation, or a phase move (not a due-date edit)
            moves.insert(0, record)
            phase = record.phase
    return render(
        request,
        "evaluation/cycle_detail.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "access": access.cycle_access(request.user, cycle),
            "measures": measures,
            "phases": Phase,
            "moves": moves,
        },
    )


def cycle_create(request: HttpRequest, plan: str) -> HttpResponse:
    """The secretariat opens a new fiscal year's cycle (in 準備) with its due dates."""
    plan_obj = get_object_or_404(Plan, code=plan)
    participant = access.participant_of(request.user)
    allowed = bool(participant and participant.is_secretariat)
    return edit_record(
        request,
        instance=Cycle(plan=plan_obj),
        rule=access.Access(view=allowed, edit=allowed),
        form_class=CycleForm,
        template="evaluation/cycle_form.html",
        context={"current_plan": plan_obj},
        success_url=lambda cycle: cycle.get_absolute_url(),
        form_kwargs={"plan": plan_obj},
    )


@refuse_hidden
def cycle_edit(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    return edit_record(
        request,
        instance=cycle,
        rule=access.cycle_access(request.user, cycle),
        form_class=CycleForm,
        template="evaluation/cycle_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan},
        success_url=cycle.get_absolute_url(),
        form_kwargs={"plan": cycle.plan},
    )


@require_POST
@refuse_hidden
def cycle_move(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    rule = access.cycle_access(request.user, cycle)
    if not rule.edit:
        raise PermissionDenied(rule.reason)
    form = PhaseMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("段階の指定が正しくありません。"))
        return redirect(cycle)
    try:
        moved = services.cycle_move(
            cycle=cycle,
            to_phase=form.cleaned_data["to_phase"],
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.EditConflict:
        messages.error(
            request, _("ほかの人が先に段階を変更しました。現在の段階を確認してください。")
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("段階を「%(phase)s」にしました。") % {"phase": moved.get_phase_display()}
        )
    return redirect(cycle)


@require_safe
@refuse_hidden
def measure_year(request: HttpRequest, plan: str, year: int, number: str) -> HttpResponse:
    """A 施策 in one year: 展開 → 事業 and 実施状況, self-evaluations, member scores and the
    committee's evaluation side by side, with last year's beside them. Individual member
    scores are for insiders; the public sees the committee's evaluation."""
    cycle = _cycle(request, plan, year)
    measure = _measure(cycle, number)
    insider = access.is_insider(request.user)
    return render(
        request,
        "evaluation/measure_year.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "initiatives": measure_page.initiatives_with_projects(cycle, measure),
            "show_members": insider,
            "can_score": access.member_evaluation_access(request.user, cycle, request.user).edit,
            "can_draft": access.committee_evaluation_access(request.user, cycle, None).edit,
            **measure_page.year_pairs(cycle, measure, with_members=insider),
        },
    )


@refuse_hidden
def report_edit(request: HttpRequest, plan: str, year: int, code: str) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    project = get_object_or_404(Project.objects.select_related("body"), code=code)
    report = ProjectReport.objects.filter(cycle=cycle, project=project).first()
    return edit_record(
        request,
        instance=report or ProjectReport(cycle=cycle, project=project),
        rule=access.report_access(request.user, cycle, project),
        form_class=ProjectReportForm,
        template="evaluation/report_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan, "project": project},
        success_url=reverse("evaluation:todo"),
    )


@refuse_hidden
def self_evaluation_edit(
    request: HttpRequest, plan: str, year: int, number: str, body: str
) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    measure = _measure(cycle, number)
    body_obj = get_object_or_404(ImplementingBody, code=body)
    evaluation = SelfEvaluation.objects.filter(cycle=cycle, measure=measure, body=body_obj).first()
    previous = cycle.previous_for(measure)
    last_opinion = (
        CommitteeEvaluation.objects.filter(cycle=previous[0], measure=previous[1])
        .select_related("rating", "cycle")
        .first()
        if previous
        else None
    )
    return edit_record(
        request,
        instance=evaluation or SelfEvaluation(cycle=cycle, measure=measure, body=body_obj),
        rule=access.self_evaluation_access(request.user, cycle, body_obj),
        form_class=SelfEvaluationForm,
        template="evaluation/self_evaluation_form.html",
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "body": body_obj,
            "last_opinion": last_opinion,
        },
        success_url=reverse("evaluation:todo"),
        form_kwargs={"plan": cycle.plan},
    )


@login_required
@refuse_hidden
def member_evaluation_edit(request: HttpRequest, plan: str, year: int, number: str) -> HttpResponse:
    """The logged-in member's own score and opinion (nobody edits another's)."""
    cycle = _cycle(request, plan, year)
    measure = _measure(cycle, number)
    evaluation = MemberEvaluation.objects.filter(
        cycle=cycle, measure=measure, member=request.user
    ).first()
    return edit_record(
        request,
        instance=evaluation or MemberEvaluation(cycle=cycle, measure=measure, member=request.user),
        rule=access.member_evaluation_access(request.user, cycle, request.user),
        form_class=MemberEvaluationForm,
        template="evaluation/member_evaluation_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan, "measure": measure},
        success_url=reverse("evaluation:todo"),
        form_kwargs={"plan": cycle.plan},
    )


@refuse_hidden
def committee_evaluation_edit(
    request: HttpRequest, plan: str, year: int, number: str
) -> HttpResponse:
    """The secretariat drafts the committee's evaluation with every member's opinion beside it."""
    cycle = _cycle(request, plan, year)
    measure = _measure(cycle, number)
    evaluation = CommitteeEvaluation.objects.filter(cycle=cycle, measure=measure).first()
    rule = access.committee_evaluation_access(request.user, cycle, evaluation)
    opinions = (
        MemberEvaluation.objects.filter(cycle=cycle, measure=measure).select_related(
            "rating", "member"
        )
        if access.is_insider(request.user)
        else MemberEvaluation.objects.none()
    )
    return edit_record(
        request,
        instance=evaluation or CommitteeEvaluation(cycle=cycle, measure=measure),
        rule=rule,
        form_class=CommitteeEvaluationForm,
        template="evaluation/committee_evaluation_form.html",
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "opinions": opinions,
            "evaluation": evaluation,
            "confirm": access.committee_confirmation_access(request.user, cycle, evaluation),
        },
        success_url=reverse(
            "evaluation:measure_year",
            kwargs={"plan": plan, "year": year, "number": number},
        ),
        form_kwargs={"plan": cycle.plan},
    )


@require_POST
@refuse_hidden
def committee_evaluation_confirm(
    request: HttpRequest, plan: str, year: int, number: str
) -> HttpResponse:
    cycle = _cycle(request, plan, year)
    measure = _measure(cycle, number)
    evaluation = CommitteeEvaluation.objects.filter(cycle=cycle, measure=measure).first()
    rule = access.committee_confirmation_access(request.user, cycle, evaluation)
    if not rule.edit:
        raise PermissionDenied(rule.reason)
    form = ConfirmForm(request.POST)
    target = reverse(
        "evaluation:committee_evaluation", kwargs={"plan": plan, "year": year, "number": number}
    )
    if not form.is_valid():
        messages.error(request, _("確定できませんでした。画面を開き直してください。"))
        return redirect(target)
    try:
        services.committee_evaluation_confirm(
            evaluation=evaluation, user=request.user, expected_version=form.cleaned_data["version"]
        )
    except services.EditConflict:
        messages.error(
            request,
            _(
                "確定する前に事務局が案を変更しました。最新の案を確認してから、もう一度確定してください。"
            ),
        )
    else:
        messages.success(request, _("委員会評価を確定しました。"))
    return redirect(target)


def _project(request: HttpRequest, code: str) -> tuple[Project, access.Access]:
    project = get_object_or_404(Project.objects.select_related("body", "plan"), code=code)
    return project, access.project_access(request.user, project)


@require_safe
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project, rule = _project(request, code)
    if not rule.view:
        return denied(request)
    reports = project.reports.select_related("cycle").order_by("-cycle__fiscal_year")
    return render(
        request,
        "evaluation/project_detail.html",
        {
            "project": project,
            "current_plan": project.plan,
            "access": rule,
            "reports": reports,
            "initiatives": project.initiatives.select_related("measure").prefetch_related(
                "relistings__measure"
            ),
            "changes": changes_of(project),
        },
    )


def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project, rule = _project(request, code)
    participant = access.participant_of(request.user)
    return edit_record(
        request,
        instance=project,
        rule=rule,
        form_class=ProjectForm,
        template="evaluation/project_form.html",
        context={"project": project, "current_plan": project.plan},
        success_url=project.get_absolute_url(),
        form_kwargs={
            "plan": project.plan,
            "body": participant.body if participant and participant.is_staff_member else None,
        },
    )


def project_create(request: HttpRequest, plan: str) -> HttpResponse:
    """Staff register a 事業 of their own body; the secretariat may register any body's."""
    plan_obj = get_object_or_404(Plan, code=plan)
    participant = access.participant_of(request.user)
    body = participant.body if participant and participant.is_staff_member else None
    draft = Project(plan=plan_obj, body=body or ImplementingBody.objects.first())
    return edit_record(
        request,
        instance=draft,
        rule=access.project_access(request.user, draft),
        form_class=ProjectForm,
        template="evaluation/project_form.html",
        context={"current_plan": plan_obj},
        success_url=lambda project: project.get_absolute_url(),
        form_kwargs={"plan": plan_obj, "body": body},
    )
