"""Pages for citizens: the accessibility statement and open data; and the publication bundle
the secretariat downloads to put a year's results on the city's internet site."""

from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import condition, require_safe

from evaluation.access import bundle_access, denied, edition_access
from evaluation.models import Cycle
from evaluation.page_cache import cached
from policies.fiscal_years import wareki
from publication import accessibility_record, opendata
from publication.bundle import build_bundle
from publication.models import Edition, EditionFile
from publication.serving import stored_response


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """アクセシビリティ方針: scope, target, how it is checked (with the last run), exceptions."""
    return render(request, "publication/accessibility.html", {"check": accessibility_record.last()})


@require_safe
def opendata_index(request: HttpRequest) -> HttpResponse:
    cycles = list(opendata.published_cycles())
    return render(
        request,
        "publication/opendata_index.html",
        {
            "cycles": cycles,
            "datasets": list(opendata.DATASETS.values()),
            "licence": opendata.LICENCE,
            "licence_note": opendata.LICENCE_NOTE,
        },
    )


@require_safe
def opendata_columns(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publication/opendata_columns.html",
        {"datasets": list(opendata.DATASETS.values()), "licence": opendata.LICENCE},
    )


def _published(plan: str, year: int, dataset: str) -> tuple[Cycle, opendata.Dataset]:
    """A published cycle and the dataset asked for; 404 for everyone otherwise (a year that
    is not 公開 has no open data, whoever asks)."""
    if dataset not in opendata.DATASETS:
        raise Http404
    cycle = get_object_or_404(
        Cycle.objects.published().select_related("plan"), plan__code=plan, fiscal_year=year
    )
    return cycle, opendata.DATASETS[dataset]


def _file(request, plan: str, year: int, dataset: str, fmt: str) -> tuple[Cycle, bytes]:
    """The published cycle and the file's bytes (shared by every worker through the page
    cache, rebuilt after any save), read once per request."""
    if not hasattr(request, "_opendata_file"):
        cycle, data = _published(plan, year, dataset)
        content = cached(
            ("opendata", cycle.pk, dataset, fmt), lambda: opendata.render(data, cycle, fmt)
        )
        request._opendata_file = (cycle, content)
    return request._opendata_file


def _etag(request, plan, year, dataset, fmt) -> str:
    return opendata.digest(_file(request, plan, year, dataset, fmt)[1])


def _last_modified(request, plan, year, dataset, fmt) -> datetime | None:
    return opendata.last_modified(_file(request, plan, year, dataset, fmt)[0])


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def opendata_file(request: HttpRequest, plan: str, year: int, dataset: str, fmt: str):
    content = _file(request, plan, year, dataset, fmt)[1]
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{plan}-{year}-{dataset}.{fmt}"'
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


@require_safe
def bundle(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The year's public pages as a zip of static HTML (the secretariat, published years)."""
    cycle = get_object_or_404(
        Cycle.objects.select_related("plan"), plan__code=plan, fiscal_year=year
    )
    rule = bundle_access(request.user, cycle)
    if not rule.view:
        return denied(request, rule.reason)
    stored = EditionFile.objects.served().filter(path=request.path_info).first()
    if stored is not None:  # the bundle of the edition the public is served
        stored.edition_number = stored.edition.number
        return stored_response(request, stored)
    response = HttpResponse(build_bundle(cycle), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="publication-{plan}-{year}.zip"'
    return response


# --- editions ------------------------------------------------------------------------------


@require_safe
def editions(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The year's editions (第1版, 第2版, …): date, 正誤表, each file with its SHA-256. Found
    by the plan and year each edition was built for, whatever the cycle is called now."""
    found = list(
        Edition.objects.filter(plan_code=plan, fiscal_year=year)
        .select_related("cycle__plan")
        .prefetch_related(Prefetch("files", EditionFile.objects.defer("content")))
        .order_by("-number")
    )
    if not found:
        raise Http404
    rules = [edition_access(request.user, e.cycle, e.is_published) for e in found]
    shown = [e for e, rule in zip(found, rules, strict=True) if rule.view]
    if not shown:
        return denied(request, rules[0].reason)
    return render(
        request,
        "publication/editions.html",
        {
            "editions": shown,
            # The labels as the newest edition printed them, not as the plan is named now.
            "plan_name": found[0].snapshot.get("plan", {}).get("short_name", plan),
            "year_label": wareki(year),
        },
    )


@require_safe
def edition_file(request: HttpRequest, plan: str, year: int, edition: int, name: str):
    """One file of one edition, at a URL that never changes: the stored bytes."""
    stored = get_object_or_404(
        EditionFile.objects.select_related("edition__cycle__plan"),
        edition__plan_code=plan,
        edition__fiscal_year=year,
        edition__number=edition,
        name=name,
    )
    shown = stored.edition
    rule = edition_access(request.user, shown.cycle, shown.is_published and stored.public)
    if not rule.view:
        return denied(request, rule.reason)
    stored.edition_number = shown.number
    return stored_response(request, stored)
