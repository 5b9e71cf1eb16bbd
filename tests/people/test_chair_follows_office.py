"""Who is 委員長 has one source of truth, the seat's office: the account's role follows it
(with history and a mail, as any change of role), and the role form defers to the seat."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from people.models import Office, Participant, Role, Seat, SeatCategory
from tests.factories import member, revised_plan, secretariat

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def jimukyoku(client) -> User:
    user = secretariat().user
    User.objects.filter(pk=user.pk).update(email="jimu@example.jp")
    client.force_login(user)
    return user


def seat_data(user: User, office: str, ends=None) -> dict:
    return {
        "plan": revised_plan().pk,
        "user": user.pk,
        "category": SeatCategory.ACADEMIC,
        "office": office,
        "starts_on": (TODAY - timedelta(days=30)).isoformat(),
        "ends_on": ends.isoformat() if ends else "",
        "version": 0,
    }


def role_of(user: User) -> str:
    return Participant.objects.get(user=user).role


def test_the_office_of_chair_makes_the_account_chair_with_history_and_a_mail(
    client, jimukyoku, django_capture_on_commit_callbacks
):
    person = member().user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:seat_create"), seat_data(person, Office.CHAIR))
    assert response.status_code == 302
    assert role_of(person) == Role.CHAIR
    participant = Participant.objects.get(user=person)
    assert participant.history.first().history_user == jimukyoku
    assert any("（委員 → 委員長）" in m.subject for m in mail.outbox)


def test_taking_the_office_away_or_ending_the_term_makes_them_a_member_again(client, jimukyoku):
    person = member().user
    client.post(reverse("people:seat_create"), seat_data(person, Office.CHAIR))
    seat = Seat.objects.get(user=person)
    data = {**seat_data(person, ""), "version": seat.version}
    client.post(reverse("people:seat_edit", args=[seat.pk]), data)
    assert role_of(person) == Role.MEMBER
    seat.refresh_from_db()
    client.post(
        reverse("people:seat_edit", args=[seat.pk]),
        {**seat_data(person, Office.CHAIR), "version": seat.version},
    )
    assert role_of(person) == Role.CHAIR
    seat.refresh_from_db()
    ended = {
        **seat_data(person, Office.CHAIR, ends=TODAY - timedelta(days=1)),
        "version": seat.version,
    }
    client.post(reverse("people:seat_edit", args=[seat.pk]), ended)
    assert role_of(person) == Role.MEMBER


def test_the_role_form_defers_to_the_seat(client, jimukyoku):
    person = member()
    Seat.objects.create(
        plan=revised_plan(),
        user=person.user,
        category=SeatCategory.PUBLIC,
        starts_on=TODAY - timedelta(days=30),
    )
    response = client.post(reverse("people:role", args=[person.pk]), {"role": Role.CHAIR})
    assert "委員の任期の役職で決まります" in response.content.decode()
    assert role_of(person.user) == Role.MEMBER
