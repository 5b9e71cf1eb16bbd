"""The year's rating scale: shown to whoever sees the cycle, edited by the 事務局 in 準備
until the first rating (``access.cycle_scale_access``)."""

from dataclasses import dataclass
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


@dataclass
class _ScalePage:
    """The forms of the scale page and what became of a POST (a conflict, a refusal)."""

    scale: RatingScale
    scale_form: RatingScaleForm
    levels: BaseRatingLevelFormSet
    pick: ScalePickForm
    refused: bool = False
    conflict: bool = False


@require_http_methods(["GET", "HEAD", "POST"])
@refuse_hidden
def cycle_scale(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle, rule = visible_cycle(request, plan, year, rule=access.cycle_scale_access)
    scale = RatingScale.objects.get(pk=cycle.scale_id)
    page = _ScalePage(
        scale,
        *_scale_forms(scale),
        pick=ScalePickForm(initial={"scale": scale.pk, "cycle_version": cycle.version}),
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        done = _post(request, cycle, rule, page)
        if done is not None:
            return done
        # Refused (the phase moved, a rating came in): what was typed stays on screen.
        page.refused = not rule.edit
    return _render(request, cycle, rule, page)


def _post(
    request: HttpRequest, cycle: Cycle, rule: access.Access, page: _ScalePage
) -> HttpResponse | None:
    """Another scale picked for the year, or the year's scale edited: the redirect once
    saved, else None (the page shows the forms again)."""
    if request.POST.get("action") == "pick":
        page.pick = ScalePickForm(request.POST)
        if rule.edit and page.pick.is_valid():
            _pick(request, cycle, page.pick)
            return _back(request, cycle)
        return None
    # The forms are read against the scale the page was opened with: if the year was given
    # another one meanwhile, saving is a conflict, not a mix of the two.
    opened = RatingScale.objects.filter(pk=_opened_scale(request)).first() or page.scale
    page.scale_form, page.levels = _scale_forms(opened, request.POST)
    if not (rule.edit and page.scale_form.is_valid() and page.levels.is_valid()):
        return None
    try:
        services.cycle_scale_save(
            cycle=cycle,
            opened_scale_id=_opened_scale(request),
            scale_form=page.scale_form,
            levels=page.levels,
            user=access.signed_in(request.user),
        )
    except services.EditConflict:
        _show_conflict(request, page)
    except ValidationError as error:
        page.scale_form.add_error(None, error)
    else:
        messages.success(request, _("この年度の評価尺度を保存しました。"))
        return _back(request, cycle)
    return None


def _show_conflict(request: HttpRequest, page: _ScalePage) -> None:
    page.conflict = True
    page.scale.refresh_from_db()
    data = request.POST.copy()
    data["version"] = str(page.scale.version)  # saving again overrides, knowingly
    page.scale_form.data = data
    _refresh_versions(page.levels)
    page.scale_form.add_error(
        None,
        _(
            "あなたが編集している間に、ほかの人がこの年度の評価尺度を保存しました。"
            "下の「保存されている尺度」を確認し、必要ならあなたの入力を直してから、もう一度保存してください。"
        ),
    )


def _render(
    request: HttpRequest, cycle: Cycle, rule: access.Access, page: _ScalePage
) -> HttpResponse:
    saved_levels = list(RatingScale.objects.get(pk=cycle.scale_id).levels.order_by("order"))
    return render(
        request,
        "evaluation/cycle_scale.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "access": rule,
            "scale": page.scale,
            "saved_levels": saved_levels,
            "is_default": cycle.scale_id == cycle.plan.rating_scale_id,
            "form": page.scale_form,
            "formset": page.levels,
            "pick": page.pick,
            "refused": page.refused,
            "conflict": page.conflict,
            "show_form": rule.edit or request.method == "POST",
            "next": safe_next(request),
        },
        status=403 if page.refused else 200,
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
