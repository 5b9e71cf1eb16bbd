"""職務代理: once the 事務局 records that the 副委員長 acts for the chair, the 副委員長 does
exactly what the chair does for those dates, and a confirmation records who acted and in
whose place."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CommitteeEvaluation, Phase
from people.models import ActingChair, Office, Seat, SeatCategory
from tests.factories import measure, member, revised_plan

pytestmark = pytest.mark.django_db

CONFIRM = reverse(
    "evaluation:committee_confirm",
    kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
)


@pytest.fixture
def vice_chair(world) -> User:
    user = member().user
    Seat.objects.create(
        plan=revised_plan(),
        user=user,
        category=SeatCategory.ACADEMIC,
        office=Office.VICE_CHAIR,
        starts_on=date(2021, 4, 1),
    )
    return user


@pytest.fixture
def draft(world) -> CommitteeEvaluation:
    world.set_phase(Phase.COMMITTEE)
    return CommitteeEvaluation.objects.create(
        cycle=world.cycle, measure=measure("1-1"), opinion="概ね達成。"
    )


def record_acting(client, world, vice_chair: User, starts: date, ends: date):
    client.force_login(world.users["secretariat"])
    return client.post(
        reverse("people:acting_chair_create"),
        {
            "user": vice_chair.pk,
            "in_place_of": world.users["chair"].pk,
            "starts_on": starts.isoformat(),
            "ends_on": ends.isoformat(),
        },
    )


def test_the_vice_chair_confirms_while_acting_and_the_record_says_for_whom(
    client, world, vice_chair, draft
):
    today = timezone.localdate()
    assert (
        record_acting(client, world, vice_chair, today, today + timedelta(days=30)).status_code
        == 302
    )
    client.force_login(vice_chair)
    response = client.post(CONFIRM, {"version": draft.version, "confirmed": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.confirmed_by, draft.confirmed_for) == (vice_chair, world.users["chair"])
    page = client.get(
        reverse(
            "evaluation:committee_evaluation",
            kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
        )
    ).content.decode()
    assert "の職務代理として" in page


def test_the_vice_chair_cannot_confirm_without_a_current_record(client, world, vice_chair, draft):
    today = timezone.localdate()
    record_acting(client, world, vice_chair, today - timedelta(days=30), today - timedelta(days=1))
    client.force_login(vice_chair)
    assert client.post(CONFIRM, {"version": draft.version, "confirmed": "1"}).status_code == 403
    draft.refresh_from_db()
    assert draft.confirmed_by is None


def test_the_chair_confirming_records_no_one_in_their_place(client, world, draft):
    client.force_login(world.users["chair"])
    client.post(CONFIRM, {"version": draft.version, "confirmed": "1"})
    draft.refresh_from_db()
    assert (draft.confirmed_by, draft.confirmed_for) == (world.users["chair"], None)


def test_only_a_serving_vice_chair_may_act(client, world):
    someone = member().user
    today = timezone.localdate()
    response = record_acting(client, world, someone, today, today)
    assert response.status_code == 200
    assert not ActingChair.objects.exists()


def test_only_the_secretariat_records_it(client, world, vice_chair):
    today = timezone.localdate()
    client.force_login(vice_chair)
    response = client.post(
        reverse("people:acting_chair_create"),
        {
            "user": vice_chair.pk,
            "in_place_of": world.users["chair"].pk,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    assert response.status_code == 403
    assert not ActingChair.objects.exists()
