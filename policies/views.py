from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

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
    return render(request, "policies/plan_tree.html", {"current_plan": plan_obj})


@require_safe
def measure_detail(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """A 施策 with its description and 展開 items; 再掲 items link to their original."""
    with_plan = "measure__basic_policy__plan"
    initiatives = Initiative.objects.select_related(f"original__{with_plan}").prefetch_related(
        Prefetch("relistings", queryset=Initiative.objects.select_related(with_plan))
    )
    lineage = Measure.objects.in_lineage_order()
    measure = get_object_or_404(
        Measure.objects.select_related("basic_policy__plan").prefetch_related(
            Prefetch("initiatives", queryset=initiatives),
            Prefetch("predecessors", queryset=lineage),
            Prefetch("successors", queryset=lineage),
        ),
        basic_policy__plan__code=plan,
        number=number,
    )
    return render(
        request,
        "policies/measure_detail.html",
        {"measure": measure, "current_plan": measure.basic_policy.plan},
    )
