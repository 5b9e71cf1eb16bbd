"""The committee's 総評 of the year: the 事務局 writes it; the 委員長 confirms it with the
drafts on the review page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from evaluation import access
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.forms import CommitteeSummaryForm
from evaluation.models import CommitteeSummary
from evaluation.views.editing import edit_record


@login_required
@refuse_hidden
def committee_summary_edit(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The 総評 of the year, with its history; read-only to everyone but the 事務局."""
    cycle = visible_cycle(request, plan, year)[0]
    summary = CommitteeSummary.objects.find(cycle=cycle) or CommitteeSummary(cycle=cycle)
    return edit_record(
        request,
        instance=summary,
        rule=access.committee_summary_access(request.user, cycle, summary if summary.pk else None),
        form_class=CommitteeSummaryForm,
        template="evaluation/committee_summary_form.html",
        context={
            "cycle": cycle,
            "current_plan": cycle.plan,
            "summary": summary,
            "review_url": reverse(
                "evaluation:committee_review", kwargs={"plan": plan, "year": year}
            ),
        },
    )
