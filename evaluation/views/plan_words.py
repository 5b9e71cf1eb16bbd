"""A plan's own words (its level names, its predecessor's, its 重点施策's note), edited by
the 事務局. Here rather than in policies because the page shows the change history with
people's names, which the layers below evaluation cannot draw."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.access import plan_words_access
from evaluation.history import changes_of
from evaluation.views.editing import safe_next
from people.access import denied, signed_in
from policies.forms import PlanWordsForm
from policies.models import Plan


def plan_words(request: HttpRequest, plan: str) -> HttpResponse:
    """Show and save the plan's words; every save is kept in the plan's history, and lands
    on the page the form was opened from (else on this page, with the history)."""
    plan_obj = get_object_or_404(Plan, code=plan)
    rule = plan_words_access(request.user, plan_obj)
    if not rule.edit:
        return denied(request, rule.reason)
    form = PlanWordsForm(request.POST or None, instance=plan_obj)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved._history_user = signed_in(request.user)
        saved.save()
        messages.success(request, _("「%(plan)s」の呼び方を保存しました。") % {"plan": saved})
        return redirect(safe_next(request) or reverse("evaluation:plan_words", args=[saved.code]))
    context = {"current_plan": plan_obj, "form": form, "changes": changes_of(plan_obj)}
    return render(request, "evaluation/plan_words.html", {**context, "next": safe_next(request)})
