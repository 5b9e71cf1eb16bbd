"""The member's scoring pages: the plan's 施策 with what the member has scored, and one
施策 with everything the member judges by beside their own form. "保存して次へ" saves and
opens the next 施策, so scoring the whole plan takes one submit per 施策."""

import functools
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evaluation import access
from evaluation.access import measure_in, refuse_hidden, visible_cycle
from evaluation.committee import material
from evaluation.forms import MemberEvaluationForm
from evaluation.models import Cycle, MemberEvaluation
from evaluation.views.editing import THEN_NEXT, edit_record
from policies.models import Measure

# The button that saves and moves on posts ``then=next``; any other submit stays on the page.


FIRST_FIELD = "id_rating"  # the form's first field, where 保存して次へ lands


def _scoring_url(cycle, number: str | None = None) -> str:
    kwargs = {"plan": cycle.plan.code, "year": cycle.fiscal_year}
    if number is None:
        return reverse("evaluation:scoring_list", kwargs=kwargs)
    return reverse("evaluation:scoring", kwargs={**kwargs, "number": number})


@require_safe
@login_required
@refuse_hidden
def scoring_list(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The plan's 施策 with the member's own rating of each and "n / 12 入力済み"."""
    cycle = visible_cycle(request, plan, year, rule=access.scoring_access)[0]
    progress = material.scoring_progress(cycle, access.signed_in(request.user))
    own = {
        e.measure_id: e
        for e in MemberEvaluation.objects.filter(
            cycle=cycle, member=access.signed_in(request.user)
        ).select_related("rating")
    }
    # The rows are shared through the page cache: each gets a copy with the member's own.
    progress.measures = [replace(m, own=own.get(m.pk)) for m in progress.measures]
    return render(
        request,
        "evaluation/scoring_list.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "progress": progress,
            "first_open": next((m for m in progress.measures if not m.scored), None),
            "can_score": access.member_evaluation_access(request.user, cycle, request.user).edit,
        },
    )


@login_required
@refuse_hidden
def scoring_page(request: HttpRequest, plan: str, year: int, number: str) -> HttpResponse:
    """One 施策: the material on one side, the member's own 委員評価 on the other."""
    cycle = visible_cycle(request, plan, year, rule=access.scoring_access)[0]
    measure = measure_in(cycle, number)
    evaluation = MemberEvaluation.objects.find(cycle=cycle, measure=measure, member=request.user)
    progress = material.scoring_progress(cycle, access.signed_in(request.user), measure)
    return edit_record(
        request,
        instance=evaluation
        or MemberEvaluation(cycle=cycle, measure=measure, member=access.signed_in(request.user)),
        rule=access.member_evaluation_access(request.user, cycle, request.user),
        form_class=MemberEvaluationForm,
        template="evaluation/scoring_form.html",
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "measure": measure,
            "progress": progress,
            "material": mark_safe(material.material_html(cycle, measure)),  # our own, escaped
            "then_next": THEN_NEXT,
            "scoring_list_url": _scoring_url(cycle),
        },
        success_url=functools.partial(_after_scoring, request, cycle, measure, progress),
        form_kwargs={"cycle": cycle},
    )


def _after_scoring(
    request: HttpRequest,
    cycle: Cycle,
    measure: Measure,
    progress: material.ScoringProgress,
    saved,
) -> str:
    """The 施策's own page, or with 保存して次へ the next 施策 (the list after the last)."""
    if request.POST.get("then") == THEN_NEXT:
        following = progress.next
        if following is None:
            return _scoring_url(cycle)
        # The next 施策 opens at its form with the focus in the first field: a page
        # opened at a #fragment scrolls to that element and focuses it (no script), so
        # a phone lands on the form, not 1–3 screens above it, and the keyboard goes on
        # from there. (``autofocus`` would not do: a #fragment, which the browser
        # carries over from the page posted, switches it off.)
        return f"{_scoring_url(cycle, following.number)}#{FIRST_FIELD}"
    return _scoring_url(cycle, measure.number)
