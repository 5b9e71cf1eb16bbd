from datetime import UTC, date, datetime

import pytest

from reminders.windows import tokyo_day, window_on

DUE = date(2021, 6, 30)


@pytest.mark.parametrize(
    ("today", "kind", "occasion"),
    [
        (date(2021, 6, 1), "opened", "2021-06-01"),
        (date(2021, 6, 22), "opened", "2021-06-01"),  # 8 days before
        (date(2021, 6, 23), "due_soon", "2021-06-30"),  # 7 days before
        (date(2021, 6, 30), "due_soon", "2021-06-30"),  # the due date is still in time
        (date(2021, 7, 1), "overdue", "2021-06-30"),  # the day after
        (date(2021, 9, 1), "overdue", "2021-06-30"),  # still the same overdue reminder
    ],
)
def test_the_window_follows_the_due_date(today, kind, occasion):
    window = window_on(today, due=DUE, opened_on=date(2021, 6, 1), days_before=7)
    assert (window.kind, window.occasion) == (kind, occasion)


@pytest.mark.parametrize("today", [date(2021, 7, 2), date(2021, 7, 3), date(2021, 9, 1)])
def test_a_phase_opened_after_its_due_date_stays_opened_and_late(today):
    window = window_on(today, due=DUE, opened_on=date(2021, 7, 2), days_before=7)
    assert (window.kind, window.occasion, window.late) == ("opened", "2021-07-02", True)


def test_a_new_due_date_after_a_late_opening_brings_the_usual_windows_back():
    window = window_on(
        date(2021, 7, 3), due=date(2021, 7, 9), opened_on=date(2021, 7, 2), days_before=7
    )
    assert (window.kind, window.occasion, window.late) == ("due_soon", "2021-07-09", False)


def test_a_moved_due_date_is_a_new_occasion():
    before = window_on(date(2021, 7, 1), due=DUE, opened_on=None, days_before=7)
    after = window_on(date(2021, 7, 1), due=date(2021, 7, 5), opened_on=None, days_before=7)
    assert (before.kind, before.occasion) == ("overdue", "2021-06-30")
    assert (after.kind, after.occasion) == ("due_soon", "2021-07-05")


def test_without_a_due_date_only_the_opening_is_announced():
    window = window_on(date(2030, 1, 1), due=None, opened_on=None, days_before=7)
    assert (window.kind, window.occasion, window.days_left) == ("opened", "-", None)


def test_days_are_counted_in_tokyo_on_the_first_day_of_reiwa():
    # 2019-04-30 15:30 UTC is 2019-05-01 00:30 in Tokyo: 令和元年の初日.
    assert tokyo_day(datetime(2019, 4, 30, 15, 30, tzinfo=UTC)) == date(2019, 5, 1)
    assert tokyo_day(datetime(2019, 4, 30, 14, 59, tzinfo=UTC)) == date(2019, 4, 30)
    due = date(2019, 5, 8)
    window = window_on(date(2019, 5, 1), due=due, opened_on=None, days_before=7)
    assert (window.kind, window.days_left) == ("due_soon", 7)
    window = window_on(date(2019, 4, 30), due=due, opened_on=None, days_before=7)
    assert window.kind == "opened"
