"""評価表 pages: print view, Excel and CSV downloads, and the import of staff's spreadsheets."""

import io
import logging

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evaluation.access import (
    committee_drafts_seen_by,
    drafts_audience,
    previous_year_visible,
    refuse_hidden,
    sheet_import_access,
    signed_in,
    visible_cycle,
    visible_summary,
)
from evaluation.models import Cycle
from evaluation.page_cache import cached
from evaluation.services import EditConflict
from evaluation.sheet.csv import LEVEL_FILES, guide_csv, level_csv, write_csv
from evaluation.sheet.forms import SheetUploadForm
from evaluation.sheet.importer import (
    ImportRejected,
    already_applied,
    discard_pending,
    import_apply,
    import_preview,
    load_pending,
    store_pending,
)
from evaluation.sheet.pdf import sheet_pdf
from evaluation.sheet.table import build_table
from evaluation.sheet.xlsx import xlsx_file
from policies.fiscal_years import wareki


def _with_previous(request: HttpRequest, cycle: Cycle) -> bool:
    """``?previous=1`` adds last year's columns, if the viewer may see last year (the
    public sees a published year beside an unpublished one without its columns)."""
    return request.GET.get("previous") == "1" and previous_year_visible(request.user, cycle)


def _filename(cycle: Cycle, extension: str, part: str = "") -> str:
    """「評価表_改定計画_令和3（2021）年度.xlsx」 (「…年度_施策.csv」 for one level's CSV): sent as
    ``filename*`` (UTF-8)."""
    suffix = f"_{part}" if part else ""
    return f"評価表_{cycle.plan.short_name}_{wareki(cycle.fiscal_year)}{suffix}.{extension}"


def _log_export(request: HttpRequest, cycle: Cycle, file_format: str, part: str = "") -> None:
    """Who took the 評価表 away, and in which form (the ``security`` log, ops.security_events).
    The app drawing the file for an edition or the bundle is nobody taking it away."""
    if getattr(request, "rendered_for_publication", False):
        return
    logging.getLogger("security").info(
        "評価表を書き出しました: %s（%s）",
        _filename(cycle, file_format, part),
        "ログインなし" if request.user.is_anonymous else request.user.get_username(),
        extra={
            "event": "sheet.exported",
            "user_id": request.user.pk,
            "plan": cycle.plan.code,
            "fiscal_year": cycle.fiscal_year,
            "format": file_format,
        },
    )


def _table(request: HttpRequest, cycle: Cycle, previous: bool):
    """The 評価表 with the committee's evaluations the viewer may read."""
    return build_table(
        cycle, with_previous_year=previous, drafts=committee_drafts_seen_by(request.user)
    )


def _tables(request: HttpRequest, cycle: Cycle, previous: bool) -> str:
    """The rendered 評価表 tables. The same for everyone who may see the cycle (but a member
    scoring unanchored, ``access.drafts_audience``): rendered once per data generation (any
    save invalidates it, see page_cache), shared by all workers."""
    return cached(
        ("sheet", cycle.pk, previous, drafts_audience(request.user)),
        lambda: render_to_string(
            "evaluation/_sheet_tables.html",
            {
                "cycle": cycle,
                "table": _table(request, cycle, previous),
                # The committee's 総評 opens the sheet (under the same rule as the drafts).
                "summary": visible_summary(request.user, cycle),
            },
        ),
    )


@require_GET
@refuse_hidden
def sheet_print(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The 評価表 for printing: A4 landscape, page numbers, no navigation."""
    cycle, _access = visible_cycle(request, plan, year)
    previous = _with_previous(request, cycle)
    tables = _tables(request, cycle, previous)
    return render(
        request,
        "evaluation/sheet_print.html",
        {
            "cycle": cycle,
            "tables": mark_safe(tables),
            "previous_withheld": request.GET.get("previous") == "1" and not previous,
        },
    )


@require_GET
@refuse_hidden
def sheet_pdf_view(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The 評価表 as a PDF drawn on the server, cached like the print view."""
    cycle, _access = visible_cycle(request, plan, year)
    previous = _with_previous(request, cycle)
    pdf = cached(
        ("sheet-pdf", cycle.pk, previous, drafts_audience(request.user)),
        lambda: sheet_pdf(cycle, mark_safe(_tables(request, cycle, previous))),
    )
    _log_export(request, cycle, "pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=False, filename=_filename(cycle, "pdf"))
        or "inline"
    )
    return response


@require_GET
@refuse_hidden
def sheet_xlsx(request: HttpRequest, plan: str, year: int) -> FileResponse:
    cycle, _access = visible_cycle(request, plan, year)
    previous = _with_previous(request, cycle)

    def workbook() -> bytes:
        # The 総評 under the same rule as the print view's; the Excel carries it once confirmed.
        summary = visible_summary(request.user, cycle)
        with xlsx_file(_table(request, cycle, previous), summary) as out:
            return out.read()

    # Like the print view: built once per data generation, shared by every worker.
    content = cached(("sheet.xlsx", cycle.pk, previous, drafts_audience(request.user)), workbook)
    _log_export(request, cycle, "xlsx")
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=_filename(cycle, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@refuse_hidden
def sheet_csv(request: HttpRequest, plan: str, year: int) -> StreamingHttpResponse:
    cycle, _access = visible_cycle(request, plan, year)
    table = _table(request, cycle, _with_previous(request, cycle))
    _log_export(request, cycle, "csv")
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in write_csv(table)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(cycle, "csv")
    )
    return response


@require_GET
@refuse_hidden
def sheet_level_csv(
    request: HttpRequest, plan: str, year: int, level: str
) -> StreamingHttpResponse:
    """One level's machine-readable CSV (施策, 事業 or 指標; ``sheet.csv.LEVEL_FILES``), or
    the guide to their columns (``level="columns"``)."""
    cycle, _access = visible_cycle(request, plan, year)
    table = _table(request, cycle, _with_previous(request, cycle))
    if level == "columns":
        chunks, label = guide_csv(table), "項目説明"
    else:
        chunks, label = level_csv(table, level), LEVEL_FILES[level].title
    _log_export(request, cycle, "csv", label)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(cycle, "csv", label)
    )
    return response


@refuse_hidden
def sheet_import(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """Upload: parse and check the file, keep the result in the session, show the preview."""
    cycle, access = visible_cycle(request, plan, year, sheet_import_access)
    posted = request.method == "POST"
    form = SheetUploadForm(request.POST, request.FILES) if posted else SheetUploadForm()
    context = {"cycle": cycle, "access": access, "form": form}
    if posted and form.is_valid():
        try:
            preview = import_preview(
                user=signed_in(request.user), cycle=cycle, upload=form.cleaned_data["file"]
            )
        except ImportRejected as rejected:
            context["errors"] = rejected.errors
        else:
            store_pending(request.session, cycle, preview)
            context["preview"] = preview
            return render(request, "evaluation/sheet_import_preview.html", context)
    return render(request, "evaluation/sheet_import.html", context)


@require_POST
@refuse_hidden
def sheet_import_confirm(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """Apply the previewed changes in one transaction, or nothing at all."""
    cycle, access = visible_cycle(request, plan, year, sheet_import_access)
    user, token = signed_in(request.user), request.POST.get("token", "")
    upload_url = reverse("evaluation:sheet_import", kwargs={"plan": plan, "year": year})
    if receipt := already_applied(cycle, user, token):
        # A double click (or a second tab): the first confirm saved it; say so truthfully.
        messages.info(request, _saved_message(receipt, again=True))
        return redirect(upload_url)
    pending = load_pending(request.session, cycle, token)
    if pending is None:
        messages.error(
            request, _("取り込みの確認期限が切れました。もう一度ファイルを選んでください。")
        )
        return redirect(upload_url)
    try:
        result = import_apply(user=user, cycle=cycle, pending=pending, token=token)
    except ImportRejected as rejected:
        form = SheetUploadForm()
        context = {"cycle": cycle, "access": access, "form": form, "errors": rejected.errors}
        return render(request, "evaluation/sheet_import.html", context)
    except EditConflict:
        _say_conflict(request, cycle, token)
        return redirect(upload_url)
    discard_pending(request.session, cycle)
    messages.success(request, _saved_message(result))
    return redirect(upload_url)


def _say_conflict(request: HttpRequest, cycle: Cycle, token: str) -> None:
    """After a conflict: this very file saved by the other click, or nothing saved."""
    if receipt := already_applied(cycle, signed_in(request.user), token):
        # The other click won the race (PostgreSQL): it saved this very file.
        messages.info(request, _saved_message(receipt, again=True))
        return
    discard_pending(request.session, cycle)
    messages.error(
        request,
        _(
            "確認のあいだに、ほかの人がこのファイルの事業・実施状況または指標を保存しました。"
            "何も保存していません。最新の評価表を出力し直してから取り込んでください。"
        ),
    )


def _saved_message(result, *, again: bool = False) -> str:
    counts = {"created": result.created, "changed": result.changed}
    if again:
        return (
            _(
                "この取り込みは既に保存しました（新規 %(created)d 件、変更 %(changed)d 件）。二重には保存していません。"
            )
            % counts
        )
    return _("取り込みました（新規 %(created)d 件、変更 %(changed)d 件）。") % counts
