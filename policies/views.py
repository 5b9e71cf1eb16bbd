import io
from collections import defaultdict

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation.access import visible_cycles
from people.access import denied, plan_import_access, signed_in
from policies import plan_import as importer
from policies.forms import PlanUploadForm
from policies.models import Initiative, Measure, Plan, RatingScale, circled
from policies.plan_files import parse_upload
from policies.plan_sheet import (
    TEMPLATE_NAME,
    plan_rows,
    template_rows,
    write_csv,
    write_template_xlsx,
    write_xlsx,
)


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
            # The 事務局 (and administrators) find the plan import here, next to the export.
            "plan_import": plan_import_access(request.user),
        },
    )


@require_safe
def measure_detail(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """A 施策 with its description and 展開 items; 再掲 items link to their original."""
    measure = get_object_or_404(
        Measure.objects.select_related("basic_policy__plan"),
        basic_policy__plan__code=plan,
        number=number,
    )
    predecessors, successors = _lineage(measure)
    return render(
        request,
        "policies/measure_detail.html",
        {
            "measure": measure,
            "current_plan": measure.basic_policy.plan,
            "initiatives": _items_with_relistings(measure),
            "predecessors": predecessors,
            "successors": successors,
        },
    )


def _lineage(measure: Measure) -> tuple[list[Measure], list[Measure]]:
    """The 施策 this one continues and those that continue it, in lineage order: one query
    of the links, and one of the 施策 only when there are any (most have none)."""
    links = Measure.predecessors.through.objects.filter(
        Q(from_measure=measure) | Q(to_measure=measure)
    ).values_list("from_measure_id", "to_measure_id")
    before = {to for start, to in links if start == measure.pk}
    after = {start for start, to in links if to == measure.pk}
    if not (before or after):
        return [], []
    linked = list(Measure.objects.in_lineage_order().filter(pk__in=before | after))
    return [m for m in linked if m.pk in before], [m for m in linked if m.pk in after]


def _items_with_relistings(
    measure: Measure,
) -> list[tuple[Initiative, list[tuple[str, int, str]]]]:
    """The 施策's 展開 items, each with the (施策 number, position, marker) of the items that
    re-list it, in two queries of few columns: a 再掲 and its original are
    items of the same plan, so their links need only the 施策's number."""
    relisted_at: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for original, at_number, position in (
        Initiative.objects.filter(original__measure=measure)
        .order_by("measure__basic_policy__number", "measure__order", "position")
        .values_list("original_id", "measure__number", "position")
    ):
        relisted_at[original].append((at_number, position))
    return [
        (item, [(n, p, circled(p)) for n, p in relisted_at[item.pk]])
        for item in measure.initiatives.select_related("original__measure")
    ]


# --- the plan's structure as a file, and its import -------------------------------------

SESSION_KEY = "plan_import"
FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _file_response(rows, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=FILE_TYPES[fmt])
    if fmt == "xlsx":
        write_xlsx(rows, response)
    else:
        # Not a TextIOWrapper around the response: collecting the wrapper would close the
        # response, and with it the request's database connection.
        text = io.StringIO()
        write_csv(rows, text)
        response.write(text.getvalue().encode("utf-8"))
    return _attachment(response, f"{filename}.{fmt}")


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """A Japanese file name as browsers read it (RFC 5987 ``filename*``)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def plan_export(request: HttpRequest, plan: str, fmt: str) -> HttpResponse:
    """A loaded plan in the import layout (the structure is public, like the tree)."""
    plan_obj = get_object_or_404(
        Plan.objects.select_related("predecessor", "rating_scale"), code=plan
    )
    return _file_response(plan_rows(plan_obj), fmt, f"計画の構造_{plan_obj.short_name}")


@require_safe
def plan_import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The layout with an example plan, for whoever may import."""
    if not plan_import_access(request.user).view:
        return denied(request)
    if fmt == "csv":
        return _file_response(template_rows(), fmt, TEMPLATE_NAME)
    # The workbook teaches: a 説明 sheet, and drop-downs of the plans and scales loaded.
    plans = Plan.objects.only("code", "short_name")
    short_names = [p.short_name for p in plans]
    choices = [p.short_name if short_names.count(p.short_name) == 1 else p.code for p in plans]
    response = HttpResponse(content_type=FILE_TYPES["xlsx"])
    write_template_xlsx(response, choices, list(RatingScale.objects.values_list("code", flat=True)))
    return _attachment(response, f"{TEMPLATE_NAME}.xlsx")


def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload: read and check the file, keep the structure in the session, show the preview."""
    access = plan_import_access(request.user)
    if not access.view:
        return denied(request)
    posted = request.method == "POST"
    if posted and not access.edit:
        return denied(request, access.reason)
    form = PlanUploadForm(request.POST, request.FILES) if posted else PlanUploadForm()
    context = {"access": access, "form": form}
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            structure = parse_upload(upload)
            preview = importer.preview(structure)
        except importer.ImportRejected as rejected:
            context["errors"] = rejected.errors
        else:
            request.session[SESSION_KEY] = {
                "structure": structure.to_json(),
                "digest": preview.digest,
            }
            context.update(preview=preview, filename=upload.name)
            return render(request, "policies/plan_import_preview.html", context)
    return render(request, "policies/plan_import.html", context)


@require_POST
def plan_import_confirm(request: HttpRequest) -> HttpResponse:
    """Save the previewed structure in one transaction, or nothing at all."""
    access = plan_import_access(request.user)
    if not access.edit:
        return denied(request, access.reason)
    pending = request.session.get(SESSION_KEY)
    if not pending or request.POST.get("digest") != pending["digest"]:
        messages.error(
            request, _("取り込みの確認期限が切れました。もう一度ファイルを選んでください。")
        )
        return redirect("policies:plan_import")
    structure = importer.Structure.from_json(pending["structure"])
    try:
        result = importer.apply(structure, user=signed_in(request.user), digest=pending["digest"])
    except importer.ChangedMeanwhile:
        messages.error(
            request,
            _(
                "確認のあいだに計画の構造が変わりました。何も保存していません。もう一度ファイルを選んでください。"
            ),
        )
        return redirect("policies:plan_import")
    except importer.ImportRejected as rejected:
        context = {"access": access, "form": PlanUploadForm(), "errors": rejected.errors}
        return render(request, "policies/plan_import.html", context)
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(request, _imported_message(result))
    return redirect("policies:tree", plan=structure.plan["code"])


def _imported_message(result: importer.Preview) -> str:
    return _("計画の構造を取り込みました（新規 %(created)d件、変更 %(changed)d件）。") % {
        "created": result.count("create"),
        "changed": result.count("change"),
    }
