"""The year's rating scale: shown to whoever sees the cycle, edited by the 事務局 in 準備
until the first rating (``access.cycle_scale_access``)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evaluation import access, services
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.models import Cycle
from evaluation.scale_forms import (
    BaseRatingLevelFormSet,
    RatingLevelFormSet,
    RatingScaleForm,
    ScalePickForm,
)
from evaluation.views.editing import _refresh_versions, safe_next
from policies.models import RatingScale

LEVELS = "levels"


def _scale_forms(scale: RatingScale, data=None) -> tuple[RatingScaleForm, BaseRatingLevelFormSet]:
    return (
        RatingScaleForm(data, instance=scale),
        cast(BaseRatingLevelFormSet, RatingLevelFormSet(data, instance=scale, prefix=LEVELS)),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@refuse_hidden
def cycle_scale(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle, rule = visible_cycle(request, plan, year, rule=access.cycle_scale_access)
    scale = RatingScale.objects.get(pk=cycle.scale_id)
    scale_form, levels = _scale_forms(scale)
    pick = ScalePickForm(initial={"scale": scale.pk, "cycle_version": cycle.version})
    status, refused, conflict = 200, False, False
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.POST.get("action") == "pick":
            pick = ScalePickForm(request.POST)
            if rule.edit and pick.is_valid():
                _pick(request, cycle, pick)
                return _back(request, cycle)
        else:
            # The forms are read against the scale the page was opened with: if the year
            # was given another one meanwhile, saving is a conflict, not a mix of the two.
            opened = RatingScale.objects.filter(pk=_opened_scale(request)).first() or scale
            scale_form, levels = _scale_forms(opened, request.POST)
            if rule.edit and scale_form.is_valid() and levels.is_valid():
                try:
                    services.cycle_scale_save(
                        cycle=cycle,
                        opened_scale_id=_opened_scale(request),
                        scale_form=scale_form,
                        levels=levels,
                        user=request.user,
                    )
                except services.EditConflict:
                    conflict = True
                    scale.refresh_from_db()
                    data = request.POST.copy()
                    data["version"] = str(scale.version)  # saving again overrides, knowingly
                    scale_form.data = data
                    _refresh_versions(levels)
                    scale_form.add_error(
                        None,
                        _(
                            "あなたが編集している間に、ほかの人がこの年度の評価尺度を保存しました。"
                            "下の「保存されている尺度」を確認し、必要ならあなたの入力を直してから、もう一度保存してください。"
                        ),
                    )
                except ValidationError as error:
                    scale_form.add_error(None, error)
                else:
                    messages.success(request, _("この年度の評価尺度を保存しました。"))
                    return _back(request, cycle)
        if not rule.edit:
            # Refused (the phase moved, a rating came in): what was typed stays on screen.
            refused, status = True, 403
    saved_levels = list(RatingScale.objects.get(pk=cycle.scale_id).levels.order_by("order"))
    return render(
        request,
        "evaluation/cycle_scale.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "access": rule,
            "scale": scale,
            "saved_levels": saved_levels,
            "is_default": cycle.scale_id == cycle.plan.rating_scale_id,
            "form": scale_form,
            "formset": levels,
            "pick": pick,
            "refused": refused,
            "conflict": conflict,
            "show_form": rule.edit or request.method == "POST",
            "next": safe_next(request),
        },
        status=status,
    )


def _opened_scale(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("scale", ""))
    except ValueError:
        return 0


def _back(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """After a save: the page the scale page was opened from, else the scale page."""
    return redirect(
        safe_next(request)
        or reverse("evaluation:cycle_scale", args=[cycle.plan.code, cycle.fiscal_year])
    )


def _pick(request: HttpRequest, cycle: Cycle, pick: ScalePickForm) -> None:
    chosen = pick.cleaned_data["scale"]
    try:
        services.cycle_scale_pick(
            cycle=cycle,
            scale=chosen,
            expected_version=pick.cleaned_data["cycle_version"],
            user=access.signed_in(request.user),
        )
    except services.EditConflict:
        messages.error(
            request,
            _("ほかの人が先にこの年度を変更しました。保存されている尺度を確認してください。"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("この年度の評価尺度を「%(name)s」にしました。") % {"name": chosen.name}
        )
