"""A 施策 in one year and the records entered for it: 実施状況, 自己評価, 委員評価 and the
committee's evaluation. Views stay thin: fetch through the access functions, validate a form,
call one service, render."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation import access, measure_page, services
from evaluation.access import measure_in, refuse_hidden, visible_cycle
from evaluation.committee.material import material_html as scoring_material
from evaluation.committee.tallies import member_tally
from evaluation.forms import (
    CommitteeEvaluationForm,
    ConfirmForm,
    ProjectIndicatorFormSet,
    ProjectReportForm,
    SelfEvaluationForm,
)
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    FollowUp,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.page_cache import cached
from evaluation.rollups import ratings
from evaluation.views import drafting
from evaluation.views.editing import THEN_NEXT, edit_record, safe_next
from policies.models import ImplementingBody, Measure


@require_safe
@refuse_hidden
def measure_year(request: HttpRequest, plan: str, year: int, number: str) -> HttpResponse:
    """A 施策 in one year: 展開 → 事業 and 実施状況, self-evaluations, member scores and the
    committee's evaluation side by side, with last year's beside them. Individual member
    scores are for insiders; the public sees the committee's evaluation. The body is the
    same for everyone of an audience (rendered once per generation of the data, see
    ``page_cache``); the member evaluations depend on who is looking."""
    cycle = visible_cycle(request, plan, year)[0]
    measure = measure_in(cycle, number)

    @functools.cache
    def previous():
        # Which previous year a viewer may see depends only on the audience (cycle_access);
        # fetched only when the body is built or the member evaluations are shown.
        return access.visible_previous(request.user, cycle, measure)

    return render(
        request,
        "evaluation/measure_year.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "body": mark_safe(_measure_year_body(request, cycle, measure, previous)),
            "scoring": access.scoring_access(request.user, cycle),
            "can_score": access.member_evaluation_access(request.user, cycle, request.user).edit,
            "can_draft": access.committee_evaluation_access(request.user, cycle, None).edit,
            "members": mark_safe(_measure_year_members(request, cycle, measure, previous)),
        },
    )


def _measure_year_body(request: HttpRequest, cycle: Cycle, measure, previous) -> str:
    """The page's body, one per audience and generation (our own template, escaped)."""
    audience = access.audience_of(request.user, cycle.plan_id)
    return cached(
        ("measure_year", cycle.pk, measure.pk, audience, access.drafts_audience(request.user)),
        lambda: render_to_string(
            "evaluation/_measure_year_body.html",
            measure_page.body_context(
                cycle,
                measure,
                insider=access.is_insider(request.user, cycle.plan_id),
                secretariat=audience == access.SECRETARIAT,
                previous=previous(),
                path=request.path,
                drafts=access.committee_drafts_seen_by(request.user),
            ),
        ),
    )


def _measure_year_members(request: HttpRequest, cycle: Cycle, measure, previous) -> str:
    """The members' evaluations (our own template, escaped), for insiders only. Everyone's
    scores are the same for all who may see them (rendered once per generation); a member
    scoring independently sees only their own."""
    if not access.is_insider(request.user, cycle.plan_id):
        return ""
    scores = access.member_scores_access(request.user, cycle)

    def members() -> str:
        return render_to_string(
            "evaluation/_measure_year_members.html",
            {
                "cycle": cycle,
                "member_scores": scores,
                "member_rows": measure_page.member_pairs(
                    cycle,
                    measure,
                    previous=previous(),
                    only_member_id=None if scores.view else request.user.pk,
                ),
            },
        )

    if not scores.view:
        return members()
    audience = access.audience_of(request.user, cycle.plan_id)
    return cached(("measure_year_members", cycle.pk, measure.pk, audience), members)


@refuse_hidden
def report_edit(request: HttpRequest, plan: str, year: int, code: str) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    report, project = _report_of(cycle, code)
    rule = access.report_access(request.user, cycle, project)
    # Whoever may enter it is offered 「保存して次へ」: the body's next 事業 still to enter.
    following = _next_to_enter(cycle, project) if rule.edit else None
    return edit_record(
        request,
        instance=report or ProjectReport(cycle=cycle, project=project),
        rule=rule,
        form_class=ProjectReportForm,
        formset_class=ProjectIndicatorFormSet,
        template="evaluation/report_form.html",
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "project": project,
            "following": following,
            "then_next": THEN_NEXT,
            "review": access.entry_review_access(request.user, cycle, report),
            "review_url": reverse(
                "evaluation:report_review", kwargs={"plan": plan, "year": year, "code": code}
            ),
        },
        success_url=functools.partial(_after_report, request, cycle, project),
    )


def _report_of(cycle: Cycle, code: str) -> tuple[ProjectReport | None, Project]:
    """The 事業's 実施状況 of the year (None before it is entered) and the 事業: together when
    there is a 実施状況 (one query instead of two)."""
    report = ProjectReport.objects.select_related("project__body").find(
        cycle=cycle, project__code=code
    )
    if report is None:
        return None, get_object_or_404(Project.objects.select_related("body"), code=code)
    report.cycle = cycle
    return report, report.project


def _after_report(request: HttpRequest, cycle: Cycle, project: Project, saved) -> str:
    """保存して次へ: the body's next 事業 still to enter, carrying the page the first form
    was opened from; else the form's own page."""
    if request.POST.get("then") != THEN_NEXT:
        return request.path
    # Looked up again: a colleague may have entered it meanwhile.
    upcoming = _next_to_enter(cycle, project)
    if upcoming is None:
        return reverse("evaluation:todo")
    url = reverse(
        "evaluation:report",
        kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year, "code": upcoming.code},
    )
    back = safe_next(request)  # the page the first form was opened from, kept along
    return f"{url}?{urlencode({'next': back})}" if back else url


def _next_to_enter(cycle: Cycle, project: Project) -> Project | None:
    """The 実施主体's next 事業 of the year without a 実施状況 yet, in the order of its list
    (after this one, then from the top). One query."""
    waiting = list(
        Project.objects.of_plan(cycle.plan)
        .active_in(cycle.fiscal_year)
        .filter(body_id=project.body_id)
        .exclude(pk=project.pk)
        .exclude(reports__cycle=cycle)
        .order_by("code")
        .only("code", "name")
    )
    later = [p for p in waiting if p.code > project.code]
    return next(iter(later or waiting), None)


@refuse_hidden
def self_evaluation_edit(
    request: HttpRequest, plan: str, year: int, number: str, body: str
) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    measure, body_obj, evaluation = _self_evaluation_of(cycle, number, body)
    last_opinion = _last_opinion(access.visible_previous(request.user, cycle, measure))
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
            # The body's answers to it: the 回答報告書's items, point by point.
            "follow_ups": _answers(cycle, measure, body_obj),
            "review": access.entry_review_access(request.user, cycle, evaluation),
            "review_url": reverse(
                "evaluation:self_evaluation_review", args=[plan, year, number, body]
            ),
        },
        form_kwargs={"cycle": cycle},
    )


def _self_evaluation_of(
    cycle: Cycle, number: str, body: str
) -> tuple[Measure, ImplementingBody, SelfEvaluation | None]:
    """The 施策, the 実施主体 and its 自己評価 of the year (None before it is written)."""
    body_obj = get_object_or_404(ImplementingBody, code=body)
    measure = measure_in(cycle, number)
    evaluation = SelfEvaluation.objects.select_related("rating").find(
        cycle=cycle, measure=measure, body=body_obj
    )  # the rating: shown as text to those who may only read
    return measure, body_obj, evaluation


def _answers(cycle: Cycle, measure: Measure, body: ImplementingBody) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(cycle=cycle, measure=measure, body=body).order_by(
            "point_number", "pk"
        )
    )


def _last_opinion(previous: tuple[Cycle, Measure] | None) -> CommitteeEvaluation | None:
    """Last year's committee opinion of the 施策, when the viewer may see that year."""
    if previous is None:
        return None
    return (
        CommitteeEvaluation.objects.shown()
        .select_related("rating", "cycle")
        .find(cycle=previous[0], measure=previous[1])
    )


@require_safe
@login_required
def member_evaluation_moved(
    request: HttpRequest, plan: str, year: int, number: str
) -> HttpResponse:
    """The old address of a member's own score and opinion: the scoring page (with what the
    member judges by beside the form) has replaced that form. Kept for bookmarks."""
    return redirect("evaluation:scoring", plan=plan, year=year, number=number)


@refuse_hidden
def committee_evaluation_edit(
    request: HttpRequest, plan: str, year: int, number: str
) -> HttpResponse:
    """The secretariat drafts the committee's evaluation with every member's opinion beside it."""
    cycle = visible_cycle(request, plan, year)[0]
    measure = measure_in(cycle, number)
    evaluation = CommitteeEvaluation.objects.select_related("rating").find(
        cycle=cycle, measure=measure
    )  # the rating: shown as text to those who may only read
    rule = access.committee_evaluation_access(request.user, cycle, evaluation)
    following = drafting.next_to_draft(cycle, measure.number) if rule.edit else None
    return edit_record(
        request,
        instance=evaluation or CommitteeEvaluation(cycle=cycle, measure=measure),
        rule=rule,
        form_class=CommitteeEvaluationForm,
        template="evaluation/committee_evaluation_form.html",
        success_url=functools.partial(_after_draft, request, cycle, following),
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "then_next": THEN_NEXT,
            "next_draft": following,
            "evaluation": evaluation,
            **_drafting_context(request, cycle, measure, evaluation, rule),
        },
        form_kwargs={"cycle": cycle},
    )


def _drafting_context(
    request: HttpRequest,
    cycle: Cycle,
    measure: Measure,
    evaluation: CommitteeEvaluation | None,
    rule: access.Access,
) -> dict:
    """What the drafting page shows beside the form, each part to whom the rules allow."""
    scores = access.member_scores_access(request.user, cycle)
    return {
        # What the committee weighs (実施状況, 自己評価, last year's opinion and the
        # responses), as the members read it on their scoring page.
        "material": mark_safe(scoring_material(cycle, measure)) if rule.edit else "",
        "member_scores": scores,
        # The members' scores and opinions, the same for everyone who may see them:
        # rendered once per generation of the data.
        "members": mark_safe(  # our own template, escaped
            cached(
                ("committee_members", cycle.pk, measure.pk),
                functools.partial(_members_side, cycle, measure),
            )
        )
        if scores.view
        else "",
        "confirm": access.committee_confirmation_access(request.user, cycle, evaluation),
        # Why the draft cannot be edited concerns the secretariat who drafts it; the
        # chair and members see only what applies to them (confirming, the result).
        "hide_reason": not access.drafts_committee_evaluations(request.user),
        "confirms": access.confirms_committee_evaluations(request.user),
    }


def _members_side(cycle: Cycle, measure: Measure) -> str:
    """Every member's rating and opinion of the 施策, with their tally."""
    opinions = list(
        MemberEvaluation.objects.filter(cycle=cycle, measure=measure)
        .select_related("rating", "member")
        .order_by("member_id")
    )
    return render_to_string(
        "evaluation/_committee_members.html",
        {
            "opinions": opinions,
            "tally": member_tally(opinions, ratings.cycle_levels(cycle)),
            # Members comment where they have something to say: mark a 施策 with none.
            "no_opinion": not any(o.opinion.strip() for o in opinions),
        },
    )


def _after_draft(request: HttpRequest, cycle: Cycle, following: str | None, saved) -> str:
    """保存して次へ: the next 施策 that still needs a draft, or the chair's review page
    once every one has its draft."""
    if request.POST.get("then") != THEN_NEXT:
        return request.path
    kwargs = {"plan": cycle.plan.code, "year": cycle.fiscal_year}
    if following is None:
        return reverse("evaluation:committee_review", kwargs=kwargs)
    return reverse("evaluation:committee_evaluation", kwargs={**kwargs, "number": following})


@require_POST
@refuse_hidden
def committee_evaluation_confirm(
    request: HttpRequest, plan: str, year: int, number: str
) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    measure = measure_in(cycle, number)
    evaluation = CommitteeEvaluation.objects.find(cycle=cycle, measure=measure)
    rule = access.committee_confirmation_access(request.user, cycle, evaluation)
    if evaluation is None or not rule.edit:
        raise PermissionDenied(rule.reason)
    form = ConfirmForm(request.POST)
    target = reverse("evaluation:committee_evaluation", args=[plan, year, number])
    if not form.is_valid():
        messages.error(request, _("確定できませんでした。画面を開き直してください。"))
        return redirect(target)
    if request.POST.get("confirmed") != "1":
        # The chair's 確定 cannot be undone by the chair: say so before doing it.
        return render(
            request,
            "evaluation/committee_confirm.html",
            {
                "cycle": cycle,
                "current_plan": cycle.plan,
                "measure": measure,
                "evaluation": evaluation,
                "version": form.cleaned_data["version"],
                "back": target,
            },
        )
    _confirm(request, evaluation, form.cleaned_data["version"])
    return redirect(target)


def _confirm(request: HttpRequest, evaluation: CommitteeEvaluation, version: int) -> None:
    """The chair's 確定 of the draft they saw, or why it did not happen."""
    try:
        services.committee_evaluation_confirm(
            evaluation=evaluation, user=access.signed_in(request.user), expected_version=version
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
