"""The e-mail notice of a send-back (差し戻し), for the send-back service to call.

No send-back exists in the app yet (another issue adds it). Its service calls this once
the send-back is committed, e.g.::

    transaction.on_commit(lambda: notify_send_back(
        cycle=cycle, users=staff_of_body, what=f"実施状況「{project.name}」",
        url=reverse("evaluation:report", kwargs=...), comment=comment, by=request.user,
        key=f"report:{report.pk}:{report.version}",
    ))
"""

from collections.abc import Iterable

from django.contrib.auth.models import User

from evaluation.models import Cycle
from reminders.compose import send_back_message
from reminders.models import ReminderKind, SentReminder, address_of, preference_of
from reminders.sending import Outgoing, RunResult, send


def notify_send_back(
    *,
    cycle: Cycle,
    users: Iterable[User],
    what: str,
    url: str,
    comment: str,
    by: User,
    key: str,
    connection=None,
) -> RunResult:
    """Send each person (who has not turned it off) the send-back with its comment and link.

    ``key`` names the send-back (record and version): the same key never reaches a person
    twice. Failures are returned and logged, never raised: the send-back itself stands,
    and the people still see it in やること.
    """
    result = RunResult()
    occasion = key[:100]
    outgoing = []
    for user in users:
        preference = preference_of(user)
        if not (user.is_active and preference.wants(ReminderKind.SEND_BACK)):
            continue
        logged = SentReminder.objects.filter(
            user=user,
            cycle=cycle,
            phase=cycle.phase,
            kind=ReminderKind.SEND_BACK,
            occasion=occasion,
        ).exists()
        if logged:
            continue
        address = address_of(user, preference)
        if not address:
            result.no_address.append(user.get_username())
            continue
        message = send_back_message(
            user=user, address=address, cycle=cycle, what=what, url=url, comment=comment, by=by
        )
        outgoing.append(Outgoing(user, cycle, ReminderKind.SEND_BACK, occasion, message, 1))
    return send(outgoing, result, connection)
