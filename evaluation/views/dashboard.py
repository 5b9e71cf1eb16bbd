"""The dashboard: one plan's year at a glance, and its 施策 across the years.

The pages' roll-ups are rendered once per generation of the data and audience (see
``page_cache``), so a request costs a handful of queries whatever the plan's size.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evaluation import dashboard
from evaluation.access import (
    cycle_access,
    denied,
    member_scores_access,
    participant_of,
    plan_dashboard_access,
)
from evaluation.models import Cycle
from evaluation.page_cache import cached
from policies.models import Plan


def _audience(request: HttpRequest) -> str:
    participant = participant_of(request.user)
    if participant and participant.is_secretariat:
        return dashboard.SECRETARIAT
    if participant or (request.user.is_authenticated and request.user.is_superuser):
        return dashboard.INSIDER
    return dashboard.PUBLIC


@require_safe
def dashboard_year(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """One plan and fiscal year: ratings, gaps, 事業 by status, entry progress, indicators."""
    cycle = get_object_or_404(
        Cycle.objects.select_related("plan"), plan__code=plan, fiscal_year=year
    )
    if not cycle_access(request.user, cycle).view:
        return denied(request)
    audience = _audience(request)
    scores = member_scores_access(request.user, cycle).view or audience == dashboard.PUBLIC
    body = cached(
        ("year", cycle.pk, cycle.phase, audience, scores),
        lambda: render_to_string(
            "evaluation/_dashboard_year_body.html",
            dashboard.year_context(cycle, audience, member_scores=scores),
        ),
    )
    return render(
        request,
        "evaluation/dashboard_year.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "body": mark_safe(body),
        },  # our own template, escaped
    )


@require_safe
def dashboard_trends(request: HttpRequest, plan: str) -> HttpResponse:
    """Every 施策's ratings over the fiscal years, back through the first-half plan."""
    plan_obj = get_object_or_404(Plan, code=plan)
    published = Cycle.objects.filter(plan=plan_obj).published().exists()
    if not plan_dashboard_access(request.user, published).view:
        return denied(request)
    audience = _audience(request)
    body = cached(
        ("trends", plan_obj.pk, audience),
        lambda: render_to_string(
            "evaluation/_dashboard_trends_body.html", dashboard.trends_context(plan_obj, audience)
        ),
    )
    return render(
        request,
        "evaluation/dashboard_trends.html",
        {"plan": plan_obj, "current_plan": plan_obj, "body": mark_safe(body)},
    )
