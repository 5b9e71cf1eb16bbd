"""The yearly cycle: the start page, やること, the cycle list and page, the cycle form
and phase moves."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation import access, phase_moves, services
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.forms import (
    ConfirmForm,
    CycleForm,
    PhaseMoveForm,
)
from evaluation.models import (
    Cycle,
    Phase,
)
from evaluation.page_cache import cached, person_key
from evaluation.progress import entry, groups
from evaluation.progress.todo import todo_for
from evaluation.views.editing import edit_record
from policies.models import Measure, Plan
from policies.views import home as plan_home


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """People with a part in the evaluation start at their to-do list; others at the plan."""
    if access.participant_of(request.user):
        return redirect("evaluation:todo")
    return plan_home(request)


@require_safe
@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """やること: what the logged-in person still has to enter in the open cycles."""
    body = _todo_body(access.signed_in(request.user))
    return render(request, "evaluation/todo.html", {"body": mark_safe(body)})  # our template


def _todo_body(user: User) -> str:
    """The list rendered once per generation of the data for each person (``page_cache``),
    and per day (「期限を過ぎています」)."""
    return cached(
        ("todo", *person_key(user), timezone.localdate()),
        lambda: render_to_string(
            "evaluation/_todo_body.html",
            {
                "todo": todo_for(user),
                # Saving a form opened from here comes back here (editing.edit_record).
                "next_query": urlencode({"next": reverse("evaluation:todo")}),
            },
        ),
    )


@require_safe
def cycle_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(Plan, code=plan)
    cycles = [
        c
        for c in Cycle.objects.filter(plan=plan_obj).select_related("plan")
        if access.cycle_access(request.user, c).view
    ]
    return render(
        request,
        "evaluation/cycle_list.html",
        {
            "current_plan": plan_obj,
            "cycles": cycles,
            "can_create": access.cycle_creation_access(request.user, plan_obj).edit,
        },
    )


@require_safe
@refuse_hidden
def cycle_detail(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    measures = Measure.objects.of_plan(cycle.plan).select_related("basic_policy")
    moves: list = []  # the cycle's history rows of each phase move, newest first
    phase = None
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
            "release": access.drafts_release_access(request.user, cycle),
            "meetings": access.meeting_access(request.user, cycle),
            "summary": access.committee_summary_access(request.user, cycle, None),
            "scoring": access.scoring_access(request.user, cycle),
            "review": access.committee_review_access(request.user, cycle),
            "correction": access.correction_access(request.user, cycle, None),
            "measures": measures,
            "phases": Phase,
            "moves": moves,
            # Who moved the phase is staff's business; the public sees when and to what.
            "show_people": access.is_insider(request.user, cycle.plan_id),
            **_progress_context(request, cycle),
        },
    )


def _progress_context(request: HttpRequest, cycle: Cycle) -> dict:
    """入力の進み具合 for insiders (the dashboard's roll-up); the secretariat also gets every
    missing entry linked, the CSV and the reminders sent."""
    if not access.is_insider(request.user, cycle.plan_id):
        return {}
    progress = entry.entry_progress(cycle)
    follow_up = access.entry_follow_up_access(request.user, cycle).view
    if follow_up:
        groups.link_missing(progress, cycle, back=cycle.get_absolute_url())
    return {"progress_groups": groups.progress_groups(progress), "follow_up": follow_up}


@require_safe
@refuse_hidden
def cycle_progress_csv(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The cycle's entry progress as CSV (UTF-8 with BOM), for the secretariat."""
    cycle = visible_cycle(request, plan, year, rule=access.entry_follow_up_access)[0]
    response = HttpResponse(
        groups.progress_csv(cycle).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filename = f"progress-{cycle.plan.code}-{cycle.fiscal_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cycle_create(request: HttpRequest, plan: str) -> HttpResponse:
    """The secretariat opens a new fiscal year's cycle (in 準備) with its due dates."""
    plan_obj = get_object_or_404(Plan, code=plan)
    return edit_record(
        request,
        instance=Cycle(plan=plan_obj),
        rule=access.cycle_creation_access(request.user, plan_obj),
        form_class=CycleForm,
        template="evaluation/cycle_form.html",
        context={"current_plan": plan_obj},
        success_url=lambda cycle: cycle.get_absolute_url(),
        form_kwargs={"plan": plan_obj},
    )


@refuse_hidden
def cycle_edit(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    return edit_record(
        request,
        instance=cycle,
        rule=access.cycle_edit_access(request.user, cycle),
        form_class=CycleForm,
        template="evaluation/cycle_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan},
        success_url=cycle.get_absolute_url(),
        form_kwargs={"plan": cycle.plan},
    )


@require_POST
@refuse_hidden
def cycle_move(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    rule = access.cycle_access(request.user, cycle)
    if not rule.edit:
        raise PermissionDenied(rule.reason)
    form = PhaseMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("段階の指定が正しくありません。"))
        return redirect(cycle)
    move = phase_moves.plan_move(cycle, form.cleaned_data["to_phase"])
    if move.needs_confirmation and request.POST.get("confirmed") != "1":
        # Say what the move does and what is still missing before doing it.
        return render(
            request,
            "evaluation/cycle_move_confirm.html",
            {
                "cycle": cycle,
                "current_plan": cycle.plan,
                "move": move,
                "version": form.cleaned_data["version"],
            },
        )
    _move(request, cycle, form)
    return redirect(cycle)


def _move(request: HttpRequest, cycle: Cycle, form: PhaseMoveForm) -> None:
    """The phase move, or why it did not happen."""
    try:
        moved = services.cycle_move(
            cycle=cycle,
            to_phase=form.cleaned_data["to_phase"],
            user=access.signed_in(request.user),
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


@require_POST
@refuse_hidden
def drafts_release(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The 事務局 releases the committee's drafts to every member, after a confirmation page
    that says what it does (it cannot be taken back)."""
    cycle = visible_cycle(request, plan, year)[0]
    rule = access.drafts_release_access(request.user, cycle)
    if not rule.edit:
        raise PermissionDenied(rule.reason)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("公開できませんでした。画面を開き直してください。"))
        return redirect(cycle)
    if request.POST.get("confirmed") != "1":
        return render(
            request,
            "evaluation/drafts_release_confirm.html",
            {
                "cycle": cycle,
                "current_plan": cycle.plan,
                "version": form.cleaned_data["version"],
            },
        )
    _release(request, cycle, form.cleaned_data["version"])
    return redirect(cycle)


def _release(request: HttpRequest, cycle: Cycle, version: int) -> None:
    """The drafts released to the members, or why they were not."""
    try:
        services.drafts_release(
            cycle=cycle, user=access.signed_in(request.user), expected_version=version
        )
    except services.EditConflict:
        messages.error(
            request, _("ほかの人が先にこの年度を変更しました。内容を確認してから公開してください。")
        )
    else:
        messages.success(request, _("委員会評価の案を委員に公開しました。"))
