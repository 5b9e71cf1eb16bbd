from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from evaluation.access import visible_cycles
from policies.models import Initiative, Measure, Plan


def home(request: HttpRequest) -> HttpResponse:
    """The newest plan's 施策体系; a short explanation while no plan is loaded yet."""
    plan = Plan.objects.only("code").first()
    if plan is None:
        return render(request, "policies/no_plan.html")
    return redirect(plan)


@require_safe
def plan_tree(request: HttpRequest, plan: str) -> HttpResponse:
    """施策体系: 基本施策 → 施策 → 展開, like 図表4 of the plan."""
    plan_obj = get_object_or_404(Plan.objects.with_tree().select_related("predecessor"), code=plan)
    cycles = visible_cycles(request.user, plan_obj)
    published = [c for c in cycles if c.is_published]
    return render(
        request,
        "policies/plan_tree.html",
        {
            "current_plan": plan_obj,
            # Each 施策 links to its results in these years (oldest first, as a timeline).
            "cycles": cycles[::-1],
            "latest_published": published[0] if published else None,
        },
    )


@require_safe
def measure_detail(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """A 施策 with its description and 展開 items; 再掲 items link to their original."""
    with_plan = "measure__basic_policy__plan"
    initiatives = Initiative.objects.select_related(f"original__{with_plan}").prefetch_related(
        Prefetch("relistings", queryset=Initiative.objects.select_related(with_plan))
    )
    measure = get_object_or_404(
        Measure.objects.select_related(
            "basic_policy__plan", "predecessor__basic_policy__plan"
        ).prefetch_related(
            Prefetch("initiatives", queryset=initiatives),
            Prefetch("successors", queryset=Measure.objects.select_related("basic_policy__plan")),
        ),
        basic_policy__plan__code=plan,
        number=number,
    )
    return render(
        request,
        "policies/measure_detail.html",
        {"measure": measure, "current_plan": measure.basic_policy.plan},
    )
