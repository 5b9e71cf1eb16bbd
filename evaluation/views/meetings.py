"""The committee's meetings of a year: the list (it prints with the year), the 事務局's
record of one meeting, the projector view (one 施策 a screen) and the 会議資料 PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from evaluation import access
from evaluation.access import denied, refuse_hidden, visible_cycle
from evaluation.committee.meetings import agenda, committee_members, meeting_items, meeting_pdf
from evaluation.forms import MeetingForm
from evaluation.models import CommitteeEvaluation, Cycle, Meeting
from evaluation.views.editing import edit_record
from policies.models import Measure


def _list_url(cycle: Cycle) -> str:
    return reverse(
        "evaluation:meetings", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year}
    )


def _screen_url(meeting: Meeting, number: str) -> str:
    cycle = meeting.cycle
    return reverse(
        "evaluation:meeting_screen",
        kwargs={
            "plan": cycle.plan.code,
            "year": cycle.fiscal_year,
            "pk": meeting.pk,
            "number": number,
        },
    )


@require_safe
@login_required
@refuse_hidden
def meeting_list(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """The year's meetings, oldest first, each with who attended, the 施策 discussed, the
    議事要旨 and the drafts changed at it."""
    cycle = visible_cycle(request, plan, year)[0]
    rule = access.meeting_access(request.user, cycle)
    if not rule.view:
        return denied(request, rule.reason)
    return render(
        request,
        "evaluation/meeting_list.html",
        {
            "cycle": cycle,
            "current_plan": cycle.plan,
            "rows": _meeting_rows(cycle),
            "access": rule,
            "material": access.meeting_material_access(request.user, cycle),
        },
    )


def _meeting_rows(cycle: Cycle) -> list[tuple[Meeting, str]]:
    """Each meeting with who attended, the 施策 discussed and the drafts changed at it, and
    its projector view's first screen."""
    meetings = list(
        cycle.meetings.prefetch_related(
            Prefetch("attendees", queryset=committee_members(cycle)),
            Prefetch("measures", queryset=Measure.objects.of_plan(cycle.plan)),
            Prefetch(
                "drafts",
                queryset=CommitteeEvaluation.objects.select_related("measure").order_by(
                    "measure__basic_policy__number", "measure__order"
                ),
            ),
        )
    )
    first = Measure.objects.of_plan(cycle.plan).values_list("number", flat=True).first()
    rows: list[tuple[Meeting, str]] = []
    for meeting in meetings:
        meeting.cycle = cycle  # already fetched
        opening = next((m.number for m in meeting.measures.all()), first)
        rows.append((meeting, _screen_url(meeting, opening) if opening else ""))
    return rows


@login_required
@refuse_hidden
def meeting_edit(request: HttpRequest, plan: str, year: int, pk: int | None = None) -> HttpResponse:
    """The 事務局 records a meeting (or corrects its record); members read it."""
    cycle = visible_cycle(request, plan, year)[0]
    rule = access.meeting_access(request.user, cycle)
    if not rule.view:
        return denied(request, rule.reason)
    meeting = get_object_or_404(Meeting, cycle=cycle, pk=pk) if pk else Meeting(cycle=cycle)
    return edit_record(
        request,
        instance=meeting,
        rule=rule,
        form_class=MeetingForm,
        template="evaluation/meeting_form.html",
        context={"cycle": cycle, "current_plan": cycle.plan, "meeting": meeting},
        success_url=_list_url(cycle),
        form_kwargs={"cycle": cycle, "attendees": committee_members(cycle)},
    )


def _material_meeting(request: HttpRequest, plan: str, year: int, pk: int) -> Meeting:
    cycle = visible_cycle(request, plan, year)[0]
    rule = access.meeting_material_access(request.user, cycle)
    if not rule.view:
        raise PermissionDenied(rule.reason)
    meeting = get_object_or_404(Meeting, cycle=cycle, pk=pk)
    meeting.cycle = cycle
    return meeting


@require_safe
@login_required
@refuse_hidden
def meeting_screen(
    request: HttpRequest, plan: str, year: int, pk: int, number: str
) -> HttpResponse:
    """One 施策 of the agenda on the projector: its material in brief, the members' tally and
    the draft, in large type; ← → (or PageUp/PageDown) go to the previous/next 施策."""
    meeting = _material_meeting(request, plan, year, pk)
    measures = agenda(meeting)
    numbers = [m.number for m in measures]
    if number not in numbers:
        raise Http404("この会議の議題にない施策です。")
    index = numbers.index(number)
    item = meeting_items(meeting.cycle, [measures[index]])[0]
    item.position = index + 1
    return render(
        request,
        "evaluation/meeting_screen.html",
        {
            "cycle": meeting.cycle,
            "current_plan": meeting.cycle.plan,
            "meeting": meeting,
            "item": item,
            "total": len(measures),
            "previous_url": _screen_url(meeting, numbers[index - 1]) if index > 0 else "",
            "next_url": _screen_url(meeting, numbers[index + 1])
            if index + 1 < len(numbers)
            else "",
            "list_url": _list_url(meeting.cycle),
        },
    )


@require_safe
@login_required
@refuse_hidden
def meeting_pdf_view(request: HttpRequest, plan: str, year: int, pk: int) -> HttpResponse:
    """The 会議資料 as one PDF: the same summary, tally and draft per 施策 of the agenda."""
    meeting = _material_meeting(request, plan, year, pk)
    pdf = meeting_pdf(meeting, meeting_items(meeting.cycle, agenda(meeting)))
    response = HttpResponse(pdf, content_type="application/pdf")
    held = timezone.localtime(meeting.held_at)
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=False,
            filename=f"会議資料_{meeting.cycle.plan.code}_{held:%Y%m%d}.pdf",
        )
        or "inline"
    )
    return response
