"""A person's reminder settings, and the secretariat's log of what was sent per cycle."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evaluation import access
from evaluation.access import refuse_hidden, visible_cycle
from evaluation.views.editing import edit_record
from reminders.forms import ReminderPreferenceForm
from reminders.models import SentReminder, address_of, preference_of


@login_required
def preference_edit(request: HttpRequest) -> HttpResponse:
    """メールのお知らせ: the address and which reminders to receive (one's own only)."""
    preference = preference_of(request.user)
    if preference.pk is None:
        preference.email = request.user.email
    return edit_record(
        request,
        instance=preference,
        rule=access.reminder_settings_access(request.user),
        form_class=ReminderPreferenceForm,
        template="reminders/preference_form.html",
        context={
            "preference": preference,
            "address": address_of(request.user, preference),
            "participant": access.participant_of(request.user),
        },
        success_url=reverse("reminders:settings"),
        form_kwargs={"secretariat": access.receives_summary(request.user)},
    )


@require_safe
@refuse_hidden
def sent_log(request: HttpRequest, plan: str, year: int) -> HttpResponse:
    """送信記録: every reminder of the cycle the mail server accepted, newest first."""
    cycle = visible_cycle(request, plan, year, rule=access.entry_follow_up_access)[0]
    records = SentReminder.objects.filter(cycle=cycle).select_related("user")
    return render(
        request,
        "reminders/sent_log.html",
        {"cycle": cycle, "current_plan": cycle.plan, "records": records},
    )
