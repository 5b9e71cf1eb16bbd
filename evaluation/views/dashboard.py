"""The dashboard: one plan's year at a glance, and its 施策 across the years.

The pages' roll-ups are rendered once per generation of the data and audience (see
``page_cache``), so a request costs a handful of queries whatever the plan's size.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evaluation import dashboard
from evaluation.access import (
    audience_of,
    committee_drafts_seen_by,
    drafts_audience,
    member_scores_access,
    plan_dashboard_access,
    refuse_hidden,
    visible_cycle,
    visible_plan,
)
from evaluation.page_cache import cached


@require_safe
@refuse_hidden
def dashboard_year(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """One plan and fiscal year: ratings, gaps, 事業 by status, entry progress, indicators."""
    cycle, _access = visible_cycle(request, plan, year)
    audience = audience_of(request.user, cycle.plan_id)
    scores = member_scores_access(request.user, cycle).view or audience == dashboard.PUBLIC
    body = cached(
        ("year", cycle.pk, cycle.phase, audience, scores, drafts_audience(request.user)),
        lambda: render_to_string(
            "evaluation/_dashboard_year_body.html",
            dashboard.year_context(
                cycle,
                audience,
                member_scores=scores,
                drafts=committee_drafts_seen_by(request.user),
            ),
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
@refuse_hidden
def dashboard_trends(request: HttpRequest, plan: str) -> HttpResponse:
    """Every 施策's ratings over the fiscal years, back through the first-half plan."""
    plan_obj, _access = visible_plan(request, plan, plan_dashboard_access)
    audience = audience_of(request.user, plan_obj.pk)
    body = cached(
        ("trends", plan_obj.pk, audience, drafts_audience(request.user)),
        lambda: render_to_string(
            "evaluation/_dashboard_trends_body.html",
            dashboard.trends_context(plan_obj, audience, committee_drafts_seen_by(request.user)),
        ),
    )
    return render(
        request,
        "evaluation/dashboard_trends.html",
        {"plan": plan_obj, "current_plan": plan_obj, "body": mark_safe(body)},
    )
