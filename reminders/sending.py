"""What ``send_reminders`` does: find the reminders due now, send them, log each one.

Each message is claimed in the log before it goes to the SMTP server and marked sent once
the server accepted it (``reminders.models.SentReminder``). A message the server refuses has
its claim deleted, so the next run sends it again; nothing is claimed while the server
cannot be reached. A message cut off mid-send keeps its claim: only a run after the stale
time sends it again. A run sends nothing another sender has sent or freshly claimed, so
running it every hour on every machine is safe.
"""

import logging
import os
import smtplib
import socket
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluation.access import receives_summary
from evaluation.models import Cycle, Phase
from evaluation.progress.todo import Todo, TodoItem, TodoSection, todo_for
from people.models import Participant
from reminders.compose import reminder_message, summary_message
from reminders.models import (
    ReminderKind,
    ReminderPreference,
    SentReminder,
    address_of,
    preference_of,
    stale_before,
)
from reminders.summary import Summary, summary_of
from reminders.windows import Window, tokyo_day, window_on

logger = logging.getLogger(__name__)


class Mail(TypedDict):
    """Who a message goes to, for which year and why now: what every message is given."""

    user: User
    address: str
    cycle: Cycle
    window: Window


@dataclass
class Outgoing:
    user: User
    cycle: Cycle
    kind: str
    occasion: str
    message: EmailMessage
    items: int

    @property
    def key(self) -> tuple:
        return (self.user.pk, self.cycle.pk, self.cycle.phase, self.kind, self.occasion)


@dataclass
class RunResult:
    sent: list[SentReminder] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)  # people who would get one
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, error)
    aborted: str = ""  # the server could not be reached: nothing more was tried
    uncertain: list[str] = field(default_factory=list)  # cut off mid-message: claim kept

    @property
    def ok(self) -> bool:
        return not (self.failed or self.aborted)


# The phases in which people enter something (実施主体: 実施状況入力, 委員: 委員会評価).
REMINDED_PHASES = [Phase.ENTRY, Phase.COMMITTEE]


def opened_on(cycle: Cycle) -> date | None:
    """The day (Asia/Tokyo) the cycle entered its current phase, from its history."""
    opened: datetime | None = None
    for record in cycle.history.order_by("-history_date", "-history_id").only(
        "phase", "history_date"
    ):
        if record.phase != cycle.phase:
            break
        opened = record.history_date
    return tokyo_day(opened) if opened else None


def cycle_windows(today: date) -> list[tuple[Cycle, Window]]:
    """Each cycle open for entry (実施状況入力, 委員会評価) and its window today."""
    return [
        (
            cycle,
            window_on(
                today,
                due=cycle.due_date(),
                opened_on=opened_on(cycle),
                days_before=settings.REMINDER_DAYS_BEFORE,
            ),
        )
        for cycle in Cycle.objects.filter(phase__in=REMINDED_PHASES).select_related("plan")
    ]


def due_reminders(now: datetime | None = None, result: RunResult | None = None) -> list[Outgoing]:
    """Every reminder due at ``now`` that is not in the log yet."""
    result = result if result is not None else RunResult()
    windows = cycle_windows(tokyo_day(now or timezone.now()))
    if not windows:
        return []
    logged = set(
        SentReminder.objects.taken()
        .filter(cycle__in=[c for c, _w in windows])
        .values_list("user_id", "cycle_id", "phase", "kind", "occasion")
    )
    run = _Run(result, logged)
    participants = (
        Participant.objects.filter(user__is_active=True)
        .select_related("user__reminder_preference", "body")
        .prefetch_related("plans")
        .order_by("role", "user__username")
    )
    for participant in participants:
        run.add_for(participant, windows)
    return run.outgoing


def _wanted(user: User, preference: ReminderPreference, window: Window) -> list[tuple[str, str]]:
    """The (kind, occasion) of the reminders the person asked for in this window."""
    wanted = []
    if preference.wants(window.kind):
        wanted.append((window.kind, window.occasion))
    # The 事務局's summary: when a due date nears or has passed, and at once when a
    # phase opened after its due date (the people are not told: windows.py).
    if (
        receives_summary(user)
        and (window.kind != ReminderKind.OPENED or window.late)
        and preference.wants(ReminderKind.SUMMARY)
    ):
        wanted.append((ReminderKind.SUMMARY, f"{window.kind}:{window.occasion}"))
    return wanted


@dataclass
class _Run:
    """One run: what the log already holds, each cycle's summary (built once) and the
    messages to send."""

    result: RunResult
    logged: set[tuple]
    summaries: dict[int, Summary] = field(default_factory=dict)
    outgoing: list[Outgoing] = field(default_factory=list)

    def summary(self, cycle: Cycle) -> Summary:
        if cycle.pk not in self.summaries:
            self.summaries[cycle.pk] = summary_of(cycle)
        return self.summaries[cycle.pk]

    def add_for(self, participant: Participant, windows: list[tuple[Cycle, Window]]) -> None:
        """The person's reminders due in each window, not sent yet and not empty."""
        user = participant.user
        # todo_for reads the role and the plans without a query, as participant_of would.
        participant.plan_ids = frozenset(p.pk for p in participant.plans.all())  # type: ignore[attr-defined]  # read by participant_of
        user._participant_cache = participant  # type: ignore[attr-defined]  # for todo_for
        preference = preference_of(user)
        address = address_of(user, preference)
        todo = None
        for cycle, window in windows:
            for kind, occasion in _wanted(user, preference, window):
                if (user.pk, cycle.pk, cycle.phase, kind, occasion) in self.logged:
                    continue
                if kind == ReminderKind.SUMMARY:
                    summary = self.summary(cycle)
                    if summary.empty:
                        continue
                else:
                    todo = todo if todo is not None else todo_for(user)
                    sections = own_sections(todo, cycle)
                    if not sections:
                        continue
                if not address:
                    self.result.no_address.append(user.get_username())
                    continue
                mail = Mail(user=user, address=address, cycle=cycle, window=window)
                message, items = (
                    summary_message(**mail, summary=summary)
                    if kind == ReminderKind.SUMMARY
                    else reminder_message(**mail, sections=sections)
                )
                self.outgoing.append(Outgoing(user, cycle, kind, occasion, message, items))


def own_sections(todo: Todo, cycle: Cycle) -> list[tuple[TodoSection, list[TodoItem]]]:
    """The person's own sections of やること for the cycle, each with the items they can act
    on now (not the secretariat's follow-up of others, not drafts still awaited)."""
    sections = []
    for section in todo.sections:
        if section.cycle.pk != cycle.pk or section.oversight:
            continue
        items = [item for item in section.items if not item.waiting]
        if items:
            sections.append((section, items))
    return sections


# A response to one message (bad recipient, rejected data) or a message that cannot be
# built (a header Django refuses): the next message may still go.
PER_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, BadHeaderError)


def send(outgoing: list[Outgoing], result: RunResult | None = None, connection=None) -> RunResult:
    """Send each message this sender manages to claim; mark each one the server accepted as
    sent at once, and give back the claim of each one it refused."""
    result = result if result is not None else RunResult()
    if not outgoing:
        return result
    connection = connection or get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        result.aborted = f"{type(error).__name__}: {error}"
        logger.error("リマインダー: メールサーバーに接続できません: %s", result.aborted)
        return result
    try:
        for item in outgoing:
            address = item.message.to[0]
            record = claim(item)
            if record is None:
                continue  # sent, or being sent, by another run or node
            try:
                accepted = connection.send_messages([item.message])
            except PER_MESSAGE as error:
                record.delete()
                result.failed.append((address, f"{type(error).__name__}: {error}"))
                logger.warning("リマインダー: %s への送信が拒否されました: %s", address, error)
                continue
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke mid-message: whether the server kept it is unknown,
                # so the claim stays and only a run after the stale time sends it again.
                result.uncertain.append(address)
                result.aborted = f"{type(error).__name__}: {error}"
                logger.error("リマインダー: 送信を中断しました: %s", result.aborted)
                break
            if not accepted:
                record.delete()
                result.failed.append((address, "送信されませんでした"))
                continue
            record.sent_at = timezone.now()
            record.save(update_fields=["sent_at"])
            result.sent.append(record)
    finally:
        connection.close()
    return result


def claimer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(item: Outgoing) -> SentReminder | None:
    """Write the message's row in the log (committed at once) before it is sent, or take over
    a stale claim nobody marked sent; ``None`` if another sender has it."""
    now = timezone.now()
    record = SentReminder(
        user=item.user,
        cycle=item.cycle,
        phase=item.cycle.phase,
        kind=item.kind,
        occasion=item.occasion,
        recipient=item.message.to[0],
        subject=item.message.subject[:255],
        items=item.items,
        claimed_at=now,
        claimed_by=claimer(),
    )
    try:
        with transaction.atomic():
            record.save()
        return record
    except IntegrityError:
        pass
    # Taken over only if still unsent and stale: of two runs trying, one updates the row.
    key = {f: getattr(record, f) for f in ("user", "cycle", "phase", "kind", "occasion")}
    taken_over = SentReminder.objects.filter(
        **key, sent_at__isnull=True, claimed_at__lt=stale_before(now)
    ).update(
        claimed_at=now,
        claimed_by=record.claimed_by,
        recipient=record.recipient,
        subject=record.subject,
        items=record.items,
    )
    return SentReminder.objects.get(**key) if taken_over else None
