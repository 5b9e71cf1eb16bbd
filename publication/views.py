"""Pages for citizens: the accessibility statement and open data; and the publication bundle
the secretariat downloads to put a year's results on the city's internet site."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_http_methods, require_safe

from evaluation.access import (
    bundle_access,
    correction_access,
    edition_access,
    refuse_hidden,
    visible_cycle,
)
from evaluation.models import CorrectionState, Cycle
from evaluation.page_cache import cached
from people.access import Access, denied
from policies.fiscal_years import wareki
from policies.form_messages import NamedRequired
from publication import accessibility_record, corrections, opendata
from publication.bundle import build_bundle
from publication.models import Correction, Edition, EditionFile
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
            "plan": plan,
            "year": year,
            # 事務局 and 委員長 go on from here to the year's 訂正.
            "can_correct": found[0].cycle.is_published
            and correction_access(request.user, found[0].cycle, None).view,
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


# --- corrections (訂正) ------------------------------------------------------------------


class CorrectionOpenForm(NamedRequired, forms.Form):
    reason = forms.CharField(
        label=_("訂正の理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("正誤表に載ります（例：事業の実施回数の誤記を訂正）。"),
    )


class CorrectionSendBackForm(NamedRequired, forms.Form):
    comment = forms.CharField(
        label=_("差し戻しのコメント"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("事務局に、何を直してほしいかを書きます。"),
    )


# The button pressed: (the form it sends, what it does, what it says when done).
ACTIONS = {
    "open": (
        CorrectionOpenForm,
        lambda cycle, user, data: corrections.correction_open(
            cycle=cycle, reason=data["reason"], user=user
        ),
        _("訂正を始めました。評価表や施策のページから記録を開いて直してください。"),
    ),
    "submit": (
        forms.Form,
        lambda cycle, user, data: corrections.correction_submit(cycle=cycle, user=user),
        _("委員長に承認を求めました。"),
    ),
    "withdraw": (
        forms.Form,
        lambda cycle, user, data: corrections.correction_withdraw(cycle=cycle, user=user),
        _("訂正を取り下げました。"),
    ),
    "send_back": (
        CorrectionSendBackForm,
        lambda cycle, user, data: corrections.correction_send_back(
            cycle=cycle, comment=data["comment"], user=user
        ),
        _("訂正を事務局に差し戻しました。"),
    ),
    "approve": (
        forms.Form,
        lambda cycle, user, data: corrections.correction_approve(cycle=cycle, user=user),
        _("訂正を承認し、新しい版を公開しました。"),
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@refuse_hidden
def correction(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The year's 訂正: open one (事務局), see what it changes against the published edition,
    submit or withdraw it (事務局), approve or send it back (委員長); and the past ones. A
    refused action comes back with the reason and what was typed."""
    cycle = visible_cycle(request, plan, year)[0]
    pending = (
        Correction.objects.pending()
        .select_related("opened_by", "cycle__plan")
        .filter(cycle=cycle)
        .first()
    )
    rule = correction_access(request.user, cycle, pending.state if pending else None)
    if not rule.view:
        return denied(request, rule.reason)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        done = _act(request, cycle, rule, bound)
        if done is not None:
            return done
    return _correction_page(request, cycle, rule, pending, bound)


def _act(
    request: HttpRequest, cycle: Cycle, rule: Access, bound: dict[str, forms.Form]
) -> HttpResponse | None:
    """The action posted: the redirect once done, else None with its form (as typed, with
    the reason it was refused) in ``bound``."""
    action = request.POST.get("action")
    if action not in ACTIONS:
        raise Http404
    form_class, act, done = ACTIONS[action]
    form = bound[action] = form_class(request.POST)
    if not rule.edit:
        form.is_valid()
        form.add_error(None, rule.reason)
    elif form.is_valid():
        try:
            act(cycle, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(request.path)
    return None


def _correction_page(
    request: HttpRequest,
    cycle: Cycle,
    rule: Access,
    pending: Correction | None,
    bound: dict[str, forms.Form],
) -> HttpResponse:
    forms_shown = {name: bound.get(name) or ACTIONS[name][0]() for name in ACTIONS}
    submitted = pending is not None and pending.state == CorrectionState.SUBMITTED
    buttons = set()
    if rule.edit:
        buttons = {"approve", "send_back"} if submitted else {"submit", "withdraw"}
        buttons = buttons if pending else {"open"}
    past = Correction.objects.filter(cycle=cycle).select_related(
        "opened_by", "approved_by", "edition"
    )
    if pending:
        past = past.exclude(pk=pending.pk)
    return render(
        request,
        "publication/correction.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "access": rule,
            "submitted": submitted,
            "pending": pending,
            "preview": corrections.preview(pending) if pending else [],
            "forms": forms_shown,
            # An action refused where its button is not on the page: its form, as typed.
            "refused": next((f for name, f in bound.items() if name not in buttons), None),
            "past": list(past),
        },
    )
