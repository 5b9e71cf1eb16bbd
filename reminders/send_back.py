"""The e-mail notice of a send-back (差し戻し). ``evaluation.send_back`` calls it once the
send-back is committed (``transaction.on_commit``), with a key naming the record and its
version, so that the same send-back never reaches a person twice."""

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
