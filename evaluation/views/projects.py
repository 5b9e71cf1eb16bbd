"""事業: the 事業一覧 of a plan, a 事業's page, registration and edit."""

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluation import access, project_list, services
from evaluation.access import denied
from evaluation.forms import (
    ProjectContinueForm,
    ProjectForm,
)
from evaluation.history import changes_of
from evaluation.models import Project
from evaluation.page_cache import cached, person_key
from evaluation.views.editing import edit_record
from policies.models import Plan


@require_safe
def project_list_view(request: HttpRequest, plan: str) -> HttpResponse:
    """事業一覧: search by name, filter by 実施主体, 担当課, 展開 and year, with the year's
    実施状況 of each 事業 and, for those who may, the button to register one. Rendered once
    per generation of the data for each person and query (``page_cache``)."""
    plan_obj = get_object_or_404(Plan, code=plan)
    rule = access.plan_projects_access(request.user, plan_obj)
    if not rule.view:
        return denied(request)
    query = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    body = cached(
        ("projects", plan_obj.pk, *person_key(request.user), query[:16]),
        lambda: render_to_string(
            "evaluation/_project_list_body.html",
            _listing_context(request, plan_obj, rule),
            request=request,
        ),
    )
    return render(
        request,
        "evaluation/project_list.html",
        {"current_plan": plan_obj, "body": mark_safe(body)},  # our own template, escaped
    )


def _listing_context(request: HttpRequest, plan: Plan, rule: access.Access) -> dict:
    listing = project_list.project_listing(plan, request.GET, request.GET.get("page"))
    rows = [
        (project, _report_access(request, listing.cycle, project))
        for project in listing.page.object_list
    ]
    return {"current_plan": plan, "access": rule, "listing": listing, "rows": rows}


def _report_access(request: HttpRequest, cycle, project: Project) -> access.Access | None:
    return access.report_access(request.user, cycle, project) if cycle else None


def _project(request: HttpRequest, code: str) -> tuple[Project, access.Access]:
    project = get_object_or_404(
        Project.objects.select_related("body", "plan", "previous_plan"), code=code
    )
    return project, access.project_access(request.user, project)


@require_safe
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project, rule = _project(request, code)
    if not rule.view:
        return denied(request)
    reports = (
        project.reports.select_related("cycle__plan")
        .prefetch_related("indicators")
        .order_by("-cycle__fiscal_year")
    )
    return render(
        request,
        "evaluation/project_detail.html",
        {
            "project": project,
            "current_plan": project.plan,
            "access": rule,
            "reports": reports,
            "initiatives": project.initiatives.select_related("measure").prefetch_related(
                "relistings__measure"
            ),
            "changes": changes_of(project),
        },
    )


def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project, rule = _project(request, code)
    participant = access.participant_of(request.user)
    return edit_record(
        request,
        instance=project,
        rule=rule,
        form_class=ProjectForm,
        template="evaluation/project_form.html",
        context={"project": project, "current_plan": project.plan},
        success_url=project.get_absolute_url(),
        form_kwargs={
            "plan": project.plan,
            "body": participant.body if participant and participant.is_staff_member else None,
        },
    )


def project_create(request: HttpRequest, plan: str) -> HttpResponse:
    """Staff register a 事業 of their own body; the secretariat may register any body's."""
    plan_obj = get_object_or_404(Plan, code=plan)
    participant = access.participant_of(request.user)
    body = participant.body if participant and participant.is_staff_member else None
    return edit_record(
        request,
        instance=Project(plan=plan_obj, body=body),
        rule=access.plan_projects_access(request.user, plan_obj),
        form_class=ProjectForm,
        template="evaluation/project_form.html",
        context={"current_plan": plan_obj},
        success_url=lambda project: project.get_absolute_url(),
        form_kwargs={"plan": plan_obj, "body": body},
    )


def project_continue(request: HttpRequest, plan: str) -> HttpResponse:
    """「前の計画から引き継ぐ」: a running 事業 of the previous plan carries on in this one,
    in one step, with its code, history and every year's 実施状況 and 指標."""
    plan_obj = get_object_or_404(Plan.objects.select_related("predecessor"), code=plan)
    rule = access.plan_projects_access(request.user, plan_obj)
    if not rule.view or plan_obj.predecessor is None:
        return denied(request)
    if request.method == "POST" and not rule.edit:
        return denied(request, rule.reason)
    participant = access.participant_of(request.user)
    body = participant.body if participant and participant.is_staff_member else None
    form = ProjectContinueForm(
        request.POST if request.method == "POST" else None, plan=plan_obj, body=body
    )
    if request.method == "POST" and form.is_valid() and _carried_on(request, form, plan_obj):
        return redirect(form.cleaned_data["project"])
    return render(
        request,
        "evaluation/project_continue.html",
        {"current_plan": plan_obj, "form": form, "access": rule},
    )


@require_POST
def project_uncontinue(request: HttpRequest, code: str) -> HttpResponse:
    """「引き継ぎを取り消す」: the 事業 goes back to the previous plan, or the page says why not."""
    project, rule = _project(request, code)
    if not rule.edit:
        return denied(request, rule.reason)
    try:
        services.project_uncontinue(
            project=project,
            user=access.signed_in(request.user),
            expected_version=int(request.POST.get("version", -1)),
        )
    except services.EditConflict:
        messages.error(
            request,
            _("ほかの人がこの事業を変更しました。内容を確かめてから、もう一度操作してください。"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("事業「%(name)s」の引き継ぎを取り消し、%(plan)sの事業に戻しました。")
            % {"name": project.name, "plan": project.plan.short_name},
        )
    return redirect(project)


def _carried_on(request: HttpRequest, form: ProjectContinueForm, plan: Plan) -> bool:
    """Carry the chosen 事業 on into ``plan``; a refusal goes on the form (what was chosen
    stays chosen)."""
    project = form.cleaned_data["project"]
    try:
        services.project_continue(
            project=project,
            plan=plan,
            initiatives=list(form.cleaned_data["initiatives"]),
            user=access.signed_in(request.user),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(
        request,
        _("事業「%(name)s」を%(plan)sに引き継ぎました。")
        % {"name": project.name, "plan": plan.short_name},
    )
    return True
