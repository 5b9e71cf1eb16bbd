"""参考指標: the secretariat defines indicators and enters their yearly values."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evaluation.access import (
    audience_of,
    indicator_access,
    indicator_value_access,
    indicator_years,
    refuse_hidden,
    visible_plan,
)
from evaluation.forms import IndicatorForm, IndicatorValueForm
from evaluation.models import Indicator, IndicatorValue
from evaluation.rollups.indicators import indicator_series
from evaluation.views.editing import edit_record
from people.access import denied


@require_safe
@refuse_hidden
def indicator_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj, access = visible_plan(request, plan, indicator_access)
    return render(
        request,
        "evaluation/indicator_list.html",
        {
            "plan": plan_obj,
            "current_plan": plan_obj,
            "access": access,
            "years": list(plan_obj.fiscal_years),
            "indicators": indicator_series(
                plan_obj,
                indicator_years(audience_of(request.user, plan_obj.pk), plan_obj.cycles.all()),
            ),
        },
    )


@login_required
@refuse_hidden
def indicator_edit(request: HttpRequest, plan: str, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or edit a 参考指標."""
    plan_obj, access = visible_plan(request, plan, indicator_access)
    if not access.edit:
        return denied(request, access.reason)
    indicator = (
        get_object_or_404(Indicator, plan=plan_obj, pk=pk) if pk else Indicator(plan=plan_obj)
    )
    return edit_record(
        request,
        instance=indicator,
        rule=access,
        form_class=IndicatorForm,
        template="evaluation/indicator_form.html",
        context={"plan": plan_obj, "current_plan": plan_obj, "indicator": indicator},
        success_url=reverse("evaluation:indicators", kwargs={"plan": plan_obj.code}),
    )


@login_required
@refuse_hidden
def indicator_value_edit(request: HttpRequest, plan: str, pk: int, year: int) -> HttpResponse:
    """Enter or correct one fiscal year's 実績値 and 目標値 of a 参考指標."""
    plan_obj, access = visible_plan(request, plan, indicator_access)
    if not access.edit:
        return denied(request, access.reason)
    indicator = get_object_or_404(Indicator, plan=plan_obj, pk=pk)
    if year not in plan_obj.fiscal_years:
        raise Http404
    value = IndicatorValue.objects.filter(indicator=indicator, fiscal_year=year).first()
    value = value or IndicatorValue(indicator=indicator, fiscal_year=year)
    return edit_record(
        request,
        instance=value,
        rule=indicator_value_access(request.user, access, value),
        form_class=IndicatorValueForm,
        template="evaluation/indicator_value_form.html",
        context={
            "plan": plan_obj,
            "current_plan": plan_obj,
            "indicator": indicator,
            "year": year,
        },
        success_url=reverse("evaluation:indicators", kwargs={"plan": plan_obj.code}),
    )
