"""The e-mail notice of a send-back (差し戻し). ``evaluation.send_back`` calls it once the
send-back is committed (``transaction.on_commit``), with a key naming the record and its
version, so that the same send-back never reaches a person twice."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from evaluation.models import Cycle
from evaluation.send_back import sent_back_notices
from reminders.compose import send_back_message
from reminders.models import ReminderKind, SentReminder, address_of, preference_of
from reminders.sending import Outgoing, RunResult, send


def send_back_outgoing(
    *,
    cycle: Cycle,
    users: Iterable[User],
    what: str,
    url: str,
    comment: str,
    by: User,
    key: str,
    result: RunResult,
) -> list[Outgoing]:
    """The messages of one send-back still to be sent: to each person who has not turned
    it off and has not had it yet (whatever the phase since: ``key`` names the record and
    its version). People without an address are added to ``result.no_address``."""
    occasion = key[:100]
    outgoing = []
    for user in users:
        preference = preference_of(user)
        if not (user.is_active and preference.wants(ReminderKind.SEND_BACK)):
            continue
        logged = (
            SentReminder.objects.taken()
            .filter(user=user, cycle=cycle, kind=ReminderKind.SEND_BACK, occasion=occasion)
            .exists()
        )
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
    return outgoing


def notify_send_back(*, connection=None, **notice) -> RunResult:
    """Send the send-back (``evaluation.send_back.notice_of``) to its people now.

    Failures are returned and logged, never raised: the send-back itself stands, the people
    still see it in やること, and the next ``send_reminders`` run sends what did not go.
    """
    result = RunResult()
    return send(send_back_outgoing(**notice, result=result), result, connection)


def on_sent_back(sender, *, signal=None, **notice) -> RunResult:
    """The ``sent_back`` signal's receiver: the notice goes out as soon as it is announced."""
    return notify_send_back(**notice)


# A send-back's own commit sends its notice at once; a run looks only at older ones.
RETRY_AFTER = timedelta(minutes=10)


def unsent_send_backs(result: RunResult, now: datetime | None = None) -> list[Outgoing]:
    """The notices of records still sent back that did not reach someone when they were
    sent back (the mail server was down or refused): ``send_reminders`` sends them."""
    before = (now or timezone.now()) - RETRY_AFTER
    return [
        item
        for notice in sent_back_notices(before)
        for item in send_back_outgoing(**notice, result=result)
    ]
