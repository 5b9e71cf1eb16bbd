"""委員会意見への対応 (the 回答報告書): the 事務局 splits last year's committee opinions into
numbered points; a 実施主体 writes its 担当課, 対応方針, 取組内容, 時期 and 対応状況 for each;
the cycle's report as a print page, Excel and CSV."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation import access, follow_ups
from evaluation import follow_up_report as report_files
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.forms import FollowUpForm, FollowUpPointsForm
from evaluation.models import Cycle, FollowUp
from evaluation.views.editing import edit_record, safe_next
from policies.fiscal_years import wareki


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


_ITEM_WITH_OPINION = FollowUp.objects.select_related(
    "measure", "body", "opinion__cycle", "opinion__rating"
)


@refuse_hidden
def follow_up_points(request: HttpRequest, plan: str, year: int, pk: int) -> HttpResponse:
    """指摘事項の整理: the 事務局 splits the item's opinion into numbered points; every
    実施主体 answering the opinion then answers each point."""
    cycle = visible_cycle(request, plan, year)[0]
    item = get_object_or_404(_ITEM_WITH_OPINION, pk=pk, cycle=cycle)
    rule = access.follow_up_points_access(request.user, cycle)
    if not rule.view:
        return access.denied(request, rule.reason)
    refused = request.method == "POST" and not rule.edit
    if request.method == "POST":
        form = FollowUpPointsForm(request.POST)
        if rule.edit and form.is_valid() and _points_set(request, item, form):
            return redirect(safe_next(request) or _report_url(cycle))
    else:
        form = FollowUpPointsForm(initial={"points": "\n".join(follow_ups.opinion_points(item))})
    return render(
        request,
        "evaluation/follow_up_points.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "item": item,
            "form": form,
            "access": rule,
            "refused": refused,
            "next": safe_next(request),
        },
        status=403 if refused else 200,
    )


def _points_set(request: HttpRequest, item: FollowUp, form: FollowUpPointsForm) -> bool:
    """Split the item's opinion into the points typed; False (with the form's error) when
    they cannot be saved."""
    try:
        count = follow_ups.follow_up_points_set(
            item=item,
            points=form.cleaned_data["points"],
            user=access.signed_in(request.user),
        )
    except ValidationError as error:
        form.add_error("points", error)
        return False
    messages.success(
        request,
        _("%(n)s %(t)sの指摘事項を%(p)d個にしました（回答の項目 %(c)d件）。")
        % {
            "n": item.measure.number,
            "t": item.measure.title,
            "p": len(form.cleaned_data["points"]),
            "c": count,
        },
    )
    return True


@require_safe
@refuse_hidden
def follow_up_report(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    items = follow_ups.report_rows(cycle)
    bodies = {item.body_id for item in items}
    return render(
        request,
        "evaluation/follow_up_report.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "items": items,
            "can_split": access.follow_up_points_access(request.user, cycle).edit,
            # The 実施主体 whose answers the viewer may write now, each asked of the rule.
            "answers_for": {
                body for body in bodies if access.follow_up_access(request.user, cycle, body).edit
            },
        },
    )


def _download(cycle: Cycle, content: bytes, extension: str, content_type: str) -> HttpResponse:
    """「回答報告書_改定計画_令和3（2021）年度.xlsx」: sent as ``filename*`` (UTF-8)."""
    response = HttpResponse(content, content_type=content_type)
    name = f"回答報告書_{cycle.plan.short_name}_{wareki(cycle.fiscal_year)}.{extension}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@require_safe
@refuse_hidden
def follow_up_csv(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    content = report_files.csv_bytes(follow_ups.report_rows(cycle))
    return _download(cycle, content, "csv", "text/csv; charset=utf-8")


@require_safe
@refuse_hidden
def follow_up_pdf(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    content = report_files.pdf_bytes(follow_ups.report_rows(cycle), cycle)
    return _download(cycle, content, "pdf", "application/pdf")


@require_safe
@refuse_hidden
def follow_up_xlsx(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    cycle = visible_cycle(request, plan, year)[0]
    content = report_files.xlsx_bytes(follow_ups.report_rows(cycle), cycle)
    return _download(
        cycle,
        content,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
