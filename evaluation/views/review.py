"""Reviews: the chair's page of every draft (confirm several in one step, or send one back
to the 事務局), and the 事務局's 差し戻し / 確認済 of an entry of a 実施主体."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation import access, send_back, services
from evaluation.access import measure_in, refuse_hidden, visible_cycle
from evaluation.committee.tallies import member_tallies
from evaluation.history import changes_of
from evaluation.models import (
    CommitteeEvaluation,
    CommitteeSummary,
    Cycle,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from evaluation.send_back_forms import (
    SEND_BACK,
    ReviewForm,
    SendBackForm,
    chosen_summary_version,
    chosen_versions,
)
from policies.models import ImplementingBody, Measure


def _review_url(cycle: Cycle) -> str:
    return reverse(
        "evaluation:committee_review", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year}
    )


def _review_page(
    request: HttpRequest,
    cycle: Cycle,
    rule: access.Access,
    *,
    bound: tuple[str, SendBackForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = _review_rows(cycle, bound)
    return render(
        request,
        "evaluation/committee_review.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "rows": rows,
            "summary": CommitteeSummary.objects.find(cycle=cycle),
            "access": rule,
            # 「未確定の案をすべて確定」: every draft not yet confirmed, with the version shown.
            "pending": [r for r in rows if r["draft"] and not r["draft"].is_confirmed],
        },
        status=status,
    )


def _review_rows(cycle: Cycle, bound: tuple[str, SendBackForm] | None) -> list[dict[str, Any]]:
    """Per 施策: its draft, the members' tally and the send-back form (the one bound to a
    refused POST keeps what the chair typed)."""
    drafts = {
        d.measure_id: d
        for d in CommitteeEvaluation.objects.filter(cycle=cycle).select_related(
            "rating", "confirmed_by", "confirmed_for"
        )
    }
    tallies = member_tallies(cycle)
    rows: list[dict[str, Any]] = []
    for measure in Measure.objects.of_plan(cycle.plan):
        draft = drafts.get(measure.pk)
        form = bound[1] if bound and bound[0] == measure.number else None
        if form is None and draft is not None:
            form = SendBackForm(initial={"version": draft.version}, auto_id=f"id_{measure.pk}_%s")
        rows.append(
            {"measure": measure, "draft": draft, "tally": tallies.get(measure.pk), "form": form}
        )
    return rows


@require_safe
@login_required
@refuse_hidden
def committee_review(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """Every draft of the cycle with the members' tally, for the chair to confirm or send back."""
    cycle, rule = visible_cycle(request, plan, year, rule=access.committee_review_access)
    return _review_page(request, cycle, rule)


@require_POST
@login_required
@refuse_hidden
def committee_review_confirm(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """Two steps: the chosen drafts are listed with what confirming means; confirming them
    then confirms each draft that is still the version the chair saw."""
    cycle, rule = visible_cycle(request, plan, year, rule=access.committee_review_access)
    if not rule.edit:
        raise PermissionDenied(rule.reason)
    numbers = list(Measure.objects.of_plan(cycle.plan).values_list("number", flat=True))
    chosen = chosen_versions(request.POST, numbers)
    summary_version = chosen_summary_version(request.POST)
    if not chosen and summary_version is None:
        messages.error(request, _("確定する施策を選んでください。"))
        return redirect(_review_url(cycle))
    if request.POST.get("step") != "confirm":
        return _confirm_step(request, cycle, chosen, summary_version)
    result = send_back.committee_confirm_many(
        cycle=cycle,
        versions=chosen,
        user=access.signed_in(request.user),
        summary_version=summary_version,
    )
    _tell_confirmed(request, result)
    return redirect(_review_url(cycle))


def _confirm_step(
    request: HttpRequest, cycle: Cycle, chosen: dict[str, int], summary_version: int | None
) -> HttpResponse:
    """The first step: the chosen drafts (and the 総評) listed with what confirming means."""
    drafts = CommitteeEvaluation.objects.filter(
        cycle=cycle, measure__number__in=list(chosen)
    ).select_related("measure", "rating")
    return render(
        request,
        "evaluation/committee_review_confirm.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "drafts": drafts,
            "chosen": chosen,
            "summary": CommitteeSummary.objects.find(cycle=cycle)
            if summary_version is not None
            else None,
            "summary_version": summary_version,
        },
    )


def _tell_confirmed(request: HttpRequest, result: send_back.ConfirmResult) -> None:
    """What was confirmed, and what was not because it changed after the page was opened."""
    if result.summary == "confirmed":
        messages.success(request, _("総評を確定しました。"))
    elif result.summary == "conflict":
        messages.error(
            request,
            _(
                "総評は、このページを開いた後に変更されたため確定していません。"
                "最新の総評を確認して、もう一度確定してください。"
            ),
        )
    if result.confirmed:
        messages.success(
            request,
            _("%(n)d件の委員会評価を確定しました（%(numbers)s）。")
            % {
                "n": len(result.confirmed),
                "numbers": "、".join(e.measure.number for e in result.confirmed),
            },
        )
    if result.conflicts:
        messages.error(
            request,
            _(
                "次の施策は、このページを開いた後に案が変更されたため確定していません。"
                "最新の案を確認して、もう一度確定してください：%(numbers)s"
            )
            % {"numbers": "、".join(e.measure.number for e in result.conflicts)},
        )


@require_POST
@login_required
@refuse_hidden
def committee_send_back(request: HttpRequest, plan: str, year: int, number: str) -> HttpResponse:
    """The chair sends one draft back to the 事務局 with a comment."""
    cycle, review_rule = visible_cycle(request, plan, year, rule=access.committee_review_access)
    measure = measure_in(cycle, number)
    evaluation = CommitteeEvaluation.objects.find(cycle=cycle, measure=measure)
    rule = access.committee_confirmation_access(request.user, cycle, evaluation)
    if evaluation is None or not rule.edit:
        raise PermissionDenied(rule.reason)
    form = SendBackForm(request.POST, auto_id=f"id_{measure.pk}_%s")
    if form.is_valid():
        try:
            send_back.committee_send_back(
                evaluation=evaluation,
                user=access.signed_in(request.user),
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except services.EditConflict:
            form.add_error(
                None,
                _(
                    "このページを開いた後に案が変更されました。最新の案を確認してから差し戻してください。"
                ),
            )
        else:
            messages.success(
                request, _("%(number)s の案を事務局に差し戻しました。") % {"number": number}
            )
            return redirect(_review_url(cycle))
    return _review_page(request, cycle, review_rule, bound=(number, form), status=400)


def _entry_review(request: HttpRequest, cycle: Cycle, entry, *, title: str, back_url: str):
    rule = access.entry_review_access(request.user, cycle, entry)
    if not rule.view:
        return access.denied(request)
    if request.method == "POST":
        if not rule.edit:
            raise PermissionDenied(rule.reason)
        form = ReviewForm(request.POST)
        if form.is_valid() and _review_entry(request, entry, form):
            return redirect(back_url)
    else:
        form = ReviewForm(initial={"version": entry.version if entry else 0})
    return render(
        request,
        "evaluation/entry_review.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "entry": entry,
            "title": title,
            "is_report": isinstance(entry, ProjectReport),
            "form": form,
            "access": rule,
            "back_url": back_url,
            "changes": changes_of(entry),
        },
        status=400 if form.errors else 200,
    )


def _review_entry(request: HttpRequest, entry, form: ReviewForm) -> bool:
    """Send the entry back or mark it checked; False (with the form's error) when the
    実施主体 saved it after the page was opened."""
    try:
        if form.cleaned_data["action"] == SEND_BACK:
            send_back.entry_send_back(
                entry=entry,
                user=access.signed_in(request.user),
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("実施主体に差し戻しました。"))
        else:
            send_back.entry_mark_checked(
                entry=entry,
                user=access.signed_in(request.user),
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("確認済にしました。"))
    except services.EditConflict:
        form.add_error(
            None,
            _(
                "このページを開いた後に、実施主体がこの記録を保存しました。"
                "最新の内容を確認してから、もう一度操作してください。"
            ),
        )
        entry.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(entry.version)
        form.data = data
        return False
    return True


@login_required
@refuse_hidden
def report_review(request: HttpRequest, plan: str, year: int, code: str) -> HttpResponse:
    """差し戻し / 確認済 of one 事業's 実施状況."""
    cycle = visible_cycle(request, plan, year)[0]
    project = get_object_or_404(Project.objects.select_related("body"), code=code)
    report = ProjectReport.objects.find(cycle=cycle, project=project)
    return _entry_review(
        request,
        cycle,
        report,
        title=_("実施状況：%(name)s（%(body)s）")
        % {"name": project.name, "body": project.body.short_name},
        back_url=reverse("evaluation:report", kwargs={"plan": plan, "year": year, "code": code}),
    )


@login_required
@refuse_hidden
def self_evaluation_review(
    request: HttpRequest, plan: str, year: int, number: str, body: str
) -> HttpResponse:
    """差し戻し / 確認済 of one 実施主体's 自己評価 of a 施策."""
    cycle = visible_cycle(request, plan, year)[0]
    measure = measure_in(cycle, number)
    body_obj = get_object_or_404(ImplementingBody, code=body)
    evaluation = SelfEvaluation.objects.select_related("rating").find(
        cycle=cycle, measure=measure, body=body_obj
    )
    return _entry_review(
        request,
        cycle,
        evaluation,
        title=_("自己評価：%(number)s %(title)s（%(body)s）")
        % {"number": number, "title": measure.title, "body": body_obj.short_name},
        back_url=reverse(
            "evaluation:self_evaluation",
            kwargs={"plan": plan, "year": year, "number": number, "body": body},
        ),
    )
