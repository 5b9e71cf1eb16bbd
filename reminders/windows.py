"""When a reminder is due: the window a cycle's current phase is in on a given day.

Days are counted in Asia/Tokyo (``TIME_ZONE``): at 00:30 on 1 May in Tokyo it is still
30 April in UTC, and the city's due dates are Tokyo dates.

A phase has three windows, each sent at most once per person:
- ``opened``: from the day the phase opened until the due-soon window (or for good, with
  no due date);
- ``due_soon``: from ``days_before`` days before the due date to the due date itself;
- ``overdue``: from the day after the due date.
A run that finds a later window never sends an earlier one: the later message says it all.

A phase opened after its due date (the 事務局 moved on without changing the date) stays in
its ``opened`` window, marked ``late``: the people are told it began, not that they are late
for a date set before they could start; the 事務局 is told the date is past. A new due
date brings the usual windows back.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from reminders.models import ReminderKind


@dataclass(frozen=True)
class Window:
    kind: str  # ReminderKind.OPENED / DUE_SOON / OVERDUE
    occasion: str  # the phase's opening day, or the due date: a new date is a new reminder
    due: date | None
    today: date
    late: bool = False  # the phase opened after its due date: only the 事務局 hears of it

    @property
    def days_left(self) -> int | None:
        return (self.due - self.today).days if self.due else None


def tokyo_day(moment: datetime) -> date:
    """The calendar day of an aware moment in the project's time zone (Asia/Tokyo)."""
    return timezone.localdate(moment)


def window_on(today: date, *, due: date | None, opened_on: date | None, days_before: int) -> Window:
    if due is not None and opened_on is not None and due < opened_on <= today:
        return Window(ReminderKind.OPENED, opened_on.isoformat(), due, today, late=True)
    if due is not None and today > due:
        return Window(ReminderKind.OVERDUE, due.isoformat(), due, today)
    if due is not None and today >= due - timedelta(days=days_before):
        return Window(ReminderKind.DUE_SOON, due.isoformat(), due, today)
    return Window(ReminderKind.OPENED, opened_on.isoformat() if opened_on else "-", due, today)
