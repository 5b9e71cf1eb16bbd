"""Who scores a year is the plan's committee serving during its 委員会評価: the tally and
progress count them, やること and the reminders reach the members serving today — a member
who left mid-phase keeps what they entered and is reminded of nothing more, one who joined
gets their to-do — and a member of another plan's committee is in none of it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from evaluation.committee.meetings import committee_members
from evaluation.models import Phase
from evaluation.progress.entry import entry_progress
from evaluation.progress.todo import todo_for
from people.models import Seat, SeatCategory
from policies.fiscal_years import wareki_date
from policies.models import Plan
from reminders.sending import due_reminders
from tests.factories import (
    CycleFactory,
    MemberEvaluationFactory,
    ParticipantFactory,
    level,
    measure,
    revised_plan,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def seated(name: str, starts: int, ends: int | None, plan: Plan | None = None) -> User:
    """A member (at ``name``@example.jp) whose 任期 runs from ``starts`` to ``ends`` days
    from today (open-ended for None)."""
    plan = plan or revised_plan()
    user = ParticipantFactory(plans=[plan]).user
    User.objects.filter(pk=user.pk).update(
        username=name, last_name=name, email=f"{name}@example.jp"
    )
    Seat.objects.create(
        plan=plan,
        user=user,
        category=SeatCategory.PUBLIC,
        starts_on=TODAY + timedelta(days=starts),
        ends_on=None if ends is None else TODAY + timedelta(days=ends),
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def committee():
    """The 委員会評価 ran from 30 days ago and is due in 3 days."""
    cycle = CycleFactory(
        fiscal_year=2021,
        phase=Phase.COMMITTEE,
        entry_due=TODAY - timedelta(days=30),
        committee_due=TODAY + timedelta(days=3),
    )
    people = {
        "stayer": seated("stayer", -400, None),
        "leaver": seated("leaver", -400, -1),
        "joiner": seated("joiner", -5, None),
        "gone": seated("gone", -800, -31),  # left before the phase began
        "other": seated("other", -400, None, plan=Plan.objects.get(code="basic-2012")),
    }
    MemberEvaluationFactory(
        cycle=cycle, member=people["leaver"], measure=measure("1-1"), rating=level("A")
    )
    return cycle, people


def test_progress_counts_the_committee_serving_in_the_phase(committee):
    cycle, people = committee
    lines = entry_progress(cycle).member_evaluations
    left = f"leaver（{wareki_date(TODAY - timedelta(days=1))} 任期終了）"
    assert [line.label for line in lines] == ["joiner", left, "stayer"]
    assert {line.label: line.existing for line in lines} == {"joiner": 0, left: 1, "stayer": 0}
    assert {line.expected for line in lines} == {12}


def test_a_leaver_has_nothing_to_do_and_a_joiner_their_scoring(committee):
    _cycle, people = committee
    assert [len(todo_for(people[n]).sections) for n in ("stayer", "leaver", "joiner")] == [
        1,
        0,
        1,
    ]
    assert todo_for(people["other"]).sections == []
    assert todo_for(people["gone"]).sections == []


def test_reminders_reach_the_members_serving_today_only(committee):
    recipients = sorted(o.user.username for o in due_reminders())
    assert recipients == ["joiner", "stayer"]


def test_attendance_is_taken_from_the_year_s_roster(committee):
    cycle, _people = committee
    assert [u.username for u in committee_members(cycle)] == ["joiner", "leaver", "stayer"]
