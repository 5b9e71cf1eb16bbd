"""The committee as the city appoints it: seats with a 任期, 区分 and office, held by
committee accounts only, one 委員長 and one 副委員長 at a time, recorded by the 事務局 with
history and a mail; each year's 委員名簿 is the committee serving in its 委員会評価."""

import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import Phase
from people.models import Office, Seat, SeatCategory
from tests.factories import (
    CycleFactory,
    ParticipantFactory,
    UserFactory,
    chair,
    member,
    revised_plan,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db


def seat_data(user: User, **changes) -> dict:
    return {
        "plan": revised_plan().pk,
        "user": user.pk,
        "category": SeatCategory.PUBLIC,
        "office": "",
        "starts_on": "2021-04-01",
        "ends_on": "2023-03-31",
        **changes,
    }


@pytest.fixture
def jimukyoku(client) -> User:
    user = secretariat().user
    client.force_login(user)
    return user


def seat(user: User, category: str, starts: str, ends: str | None = None, office: str = "") -> Seat:
    return Seat.objects.create(
        plan=revised_plan(),
        user=user,
        category=category,
        office=office,
        starts_on=date.fromisoformat(starts),
        ends_on=date.fromisoformat(ends) if ends else None,
    )


def test_the_secretariat_records_a_seat_with_history_and_a_mail(
    client, jimukyoku, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=jimukyoku.pk).update(email="jimu@example.jp")
    person = member().user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:seat_create"), seat_data(person, office=Office.VICE_CHAIR)
        )
    assert response.status_code == 302
    saved = Seat.objects.get()
    assert (saved.office, saved.history.first().history_user) == (Office.VICE_CHAIR, jimukyoku)
    assert mail.outbox[0].subject.startswith("【進捗管理】委員の任期の登録:")
    assert "公募市民・副委員長（2021-04-01〜2023-03-31）" in mail.outbox[0].subject


def test_a_staff_or_secretariat_account_cannot_hold_a_seat(client, jimukyoku):
    for account in (staff().user, secretariat().user):
        response = client.post(reverse("people:seat_create"), seat_data(account))
        assert response.status_code == 200
    assert not Seat.objects.exists()


def test_the_form_offers_only_committee_accounts(client, jimukyoku):
    member_user, staff_user = member().user, staff().user
    page = client.get(reverse("people:seat_create")).content.decode()
    assert f'value="{member_user.pk}"' in page
    assert f'value="{staff_user.pk}"' not in page


def test_a_staff_account_is_refused_with_the_reason():
    seat_ = Seat(
        plan=revised_plan(),
        user=staff().user,
        category=SeatCategory.ADMINISTRATION,
        starts_on=date(2021, 4, 1),
    )
    with pytest.raises(ValidationError, match="委員用の別のアカウントを招待してください"):
        seat_.full_clean()


def test_there_is_one_chair_at_a_time(client, jimukyoku):
    seat(chair().user, SeatCategory.ACADEMIC, "2021-04-01", "2023-03-31", office=Office.CHAIR)
    other = member().user
    response = client.post(reverse("people:seat_create"), seat_data(other, office=Office.CHAIR))
    assert "同じ期間の委員長は、すでに" in response.content.decode()
    # The next 任期's chair is fine.
    response = client.post(
        reverse("people:seat_create"),
        seat_data(other, office=Office.CHAIR, starts_on="2023-04-01", ends_on=""),
    )
    assert response.status_code == 302


def test_nobody_records_their_own_seat(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    ParticipantFactory(user=admin)
    client.force_login(admin)
    response = client.post(reverse("people:seat_create"), seat_data(admin, office=Office.CHAIR))
    assert "自分自身の役割は変更できません" in response.content.decode()
    assert not Seat.objects.exists()


def test_each_year_keeps_the_roster_that_served_in_its_committee_phase():
    first, second = member().user, member().user
    leaver, joiner = member().user, member().user
    seat(first, SeatCategory.ACADEMIC, "2019-04-01", "2021-03-31", office=Office.CHAIR)
    seat(second, SeatCategory.ACADEMIC, "2021-04-01", office=Office.CHAIR)
    seat(leaver, SeatCategory.CIVIC_GROUP, "2019-04-01", "2021-06-30")
    seat(joiner, SeatCategory.PUBLIC, "2021-07-01")
    fy2019 = CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)  # evaluated in FY2020
    fy2020 = CycleFactory(
        fiscal_year=2020,
        phase=Phase.COMMITTEE,
        entry_due=date(2021, 5, 31),
        committee_due=date(2021, 7, 31),
    )
    assert [s.user for s in fy2019.roster()] == [first, leaver]
    assert [s.user for s in fy2020.roster()] == [second, leaver, joiner]


@pytest.fixture
def year_with_a_leaver(client):
    """FY2021 in 委員会評価 (evaluated until 2022-07-31): the chair 委員長 一郎 and 退任 次郎,
    who left on 2022-06-15; the 事務局 logged in. Returns the year's URL arguments."""
    head, leaver = chair().user, member().user
    User.objects.filter(pk=head.pk).update(last_name="委員長 一郎")
    User.objects.filter(pk=leaver.pk).update(last_name="退任 次郎")
    seat(User.objects.get(pk=head.pk), SeatCategory.ACADEMIC, "2021-04-01", office=Office.CHAIR)
    seat(User.objects.get(pk=leaver.pk), SeatCategory.PUBLIC, "2021-04-01", "2022-06-15")
    cycle = CycleFactory(
        fiscal_year=2021,
        phase=Phase.COMMITTEE,
        entry_due=date(2022, 5, 31),
        committee_due=date(2022, 7, 31),
    )
    client.force_login(secretariat().user)
    return {"plan": cycle.plan.code, "year": 2021}


def test_the_roster_prints_on_the_sheet_with_a_leaver_marked(client, year_with_a_leaver):
    page = client.get(reverse("evaluation:sheet_print", kwargs=year_with_a_leaver)).content.decode()
    assert "令和3（2021）年度 市民活動推進委員会 委員名簿" in page
    assert "退任 次郎（令和4年6月15日まで）" in page
    assert "委員長" in page


def test_the_roster_is_in_the_excel_with_a_leaver_marked(client, year_with_a_leaver):
    response = client.get(reverse("evaluation:sheet_xlsx", kwargs=year_with_a_leaver))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    index = cells.index("委員名簿")
    assert cells[index + 1] == (
        "委員長 一郎（学識経験者・委員長）、退任 次郎（公募市民、令和4年6月15日まで）"
    )


def test_progress_counts_the_committee_serving_in_the_committee_phase(world):
    from evaluation.progress.entry import entry_progress

    left = member().user  # left before the year's 委員会評価
    joined = member().user  # joined during it
    seat(left, SeatCategory.PUBLIC, "2019-04-01", "2022-03-31")
    seat(joined, SeatCategory.PUBLIC, "2022-07-01")
    seat(world.users["member"], SeatCategory.ACADEMIC, "2021-04-01")
    world.cycle.entry_due, world.cycle.committee_due = date(2022, 5, 31), date(2022, 7, 31)
    world.cycle.save()
    counted = {line.key for line in entry_progress(world.cycle).member_evaluations}
    assert counted == {joined.username, world.users["member"].username}


def test_without_any_seat_recorded_every_committee_account_is_counted(world):
    from evaluation.progress.entry import entry_progress

    counted = {line.key for line in entry_progress(world.cycle).member_evaluations}
    assert counted == {world.users["member"].username, world.users["chair"].username}
