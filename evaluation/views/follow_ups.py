"""委員会意見への対応: a 実施主体 writes its 対応方針 and 対応状況 for last year's committee
opinion; the cycle's 「委員会意見への対応状況」 as a print page, Excel and CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evaluation import access, follow_ups
from evaluation import follow_up_report as report_files
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.forms import FollowUpForm
from evaluation.models import Cycle, FollowUp
from evaluation.views.editing import edit_record


def _report_url(cycle: Cycle) -> str:
    return reverse(
        "evaluation:follow_up_report", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year}
    )


@refuse_hidden
def follow_up_edit(request: HttpRequest, plan: str, year: int, pk: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    item = get_object_or_404(
        FollowUp.objects.select_related(
            "measure", "body", "opinion__cycle", "opinion__rating", "carried_from__cycle"
        ),
        pk=pk,
        cycle=cycle,
    )
    return edit_record(
        request,
        instance=item,
        rule=access.follow_up_access(request.user, cycle, item.body_id),
        form_class=FollowUpForm,
        template="evaluation/follow_up_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan, "item": item},
        success_url=_report_url(cycle),
    )


@require_safe
@refuse_hidden
def follow_up_report(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    participant = access.participant_of(request.user)
    return render(
        request,
        "evaluation/follow_up_report.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "items": follow_ups.report_rows(cycle),
            "can_edit_body": (
                None
                if participant is None
                else "all"
                if participant.is_secretariat
                else participant.body_id
            ),
        },
    )


def _download(cycle: Cycle, content: bytes, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"taiou-{cycle.plan.code}-{cycle.fiscal_year}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@refuse_hidden
def follow_up_csv(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    content = report_files.csv_bytes(follow_ups.report_rows(cycle))
    return _download(cycle, content, "csv", "text/csv; charset=utf-8")


@require_safe
@refuse_hidden
def follow_up_xlsx(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    content = report_files.xlsx_bytes(
        follow_ups.report_rows(cycle), f"委員会意見への対応状況 {cycle}"
    )
    return _download(
        cycle,
        content,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
