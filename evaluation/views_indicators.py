"""参考指標: the secretariat defines indicators and enters their yearly values."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation import rollups
from evaluation.access import Access, indicator_access
from evaluation.forms_indicators import IndicatorForm, IndicatorValueForm, VersionedForm
from evaluation.http import denied
from evaluation.models import Cycle, Indicator, IndicatorValue
from evaluation.services import EditConflict, record_save
from policies.models import Plan


def _plan_and_access(request: HttpRequest, plan: str) -> tuple[Plan, Access]:
    plan_obj = get_object_or_404(Plan, code=plan)
    published = Cycle.objects.filter(plan=plan_obj).published().exists()
    access = indicator_access(request.user, published)
    return plan_obj, access


def _save(request: HttpRequest, form: VersionedForm, list_url: str) -> HttpResponse | None:
    """Save through ``record_save``; on a conflict keep the user's input and show theirs."""
    try:
        record_save(
            instance=form.save(commit=False),
            expected_version=form.cleaned_data["version"],
            user=request.user,
        )
    except EditConflict as conflict:
        saved = conflict.current
        form.add_error(
            None,
            _(
                "ほかの人が先に保存しました（保存されている内容: %(saved)s）。"
                "あなたの入力は残っています。確かめてからもう一度保存すると上書きします。"
            )
            % {"saved": _describe(saved)},
        )
        # Re-submitting now means "overwrite what I have seen".
        data = form.data.copy()
        data["version"] = saved.version
        form.data = data
        return None
    messages.success(request, _("保存しました。"))
    return redirect(list_url)


def _plain(number: Decimal) -> str:
    """150.00 → "150", 12.50 → "12.5"."""
    return f"{number.normalize():f}"


def _describe(record) -> str:
    if isinstance(record, IndicatorValue):
        target = "－" if record.target is None else _plain(record.target)
        return f"{_('実績値')} {_plain(record.actual)} / {_('目標値')} {target}"
    return f"{record.name}（{record.unit}）"


@require_safe
def indicator_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj, access = _plan_and_access(request, plan)
    if not access.view:
        return denied(request)
    return render(
        request,
        "evaluation/indicator_list.html",
        {
            "plan": plan_obj,
            "current_plan": plan_obj,
            "access": access,
            "years": list(plan_obj.fiscal_years),
            "indicators": rollups.indicator_series(plan_obj),
        },
    )


@login_required
def indicator_edit(request: HttpRequest, plan: str, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or edit a 参考指標."""
    plan_obj, access = _plan_and_access(request, plan)
    if not access.edit:  # logged in (login_required), so a refusal is a 403
        raise PermissionDenied(access.reason)
    indicator = (
        get_object_or_404(Indicator, plan=plan_obj, pk=pk) if pk else Indicator(plan=plan_obj)
    )
    list_url = reverse("evaluation:indicators", kwargs={"plan": plan_obj.code})
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, list_url)
        if response:
            return response
    return render(
        request,
        "evaluation/indicator_form.html",
        {"plan": plan_obj, "current_plan": plan_obj, "form": form, "indicator": indicator},
    )


@login_required
def indicator_value_edit(request: HttpRequest, plan: str, pk: int, year: int) -> HttpResponse:
    """Enter or correct one fiscal year's 実績値 and 目標値 of a 参考指標."""
    plan_obj, access = _plan_and_access(request, plan)
    if not access.edit:  # logged in (login_required), so a refusal is a 403
        raise PermissionDenied(access.reason)
    indicator = get_object_or_404(Indicator, plan=plan_obj, pk=pk)
    if year not in plan_obj.fiscal_years:
        raise Http404
    value = IndicatorValue.objects.filter(indicator=indicator, fiscal_year=year).first()
    value = value or IndicatorValue(indicator=indicator, fiscal_year=year)
    list_url = reverse("evaluation:indicators", kwargs={"plan": plan_obj.code})
    form = IndicatorValueForm(request.POST or None, instance=value)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, list_url)
        if response:
            return response
    return render(
        request,
        "evaluation/indicator_value_form.html",
        {
            "plan": plan_obj,
            "current_plan": plan_obj,
            "form": form,
            "indicator": indicator,
            "year": year,
        },
    )
