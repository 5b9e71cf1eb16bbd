"""The cycle form: 年度 in 西暦 or 和暦, echoed back; due dates in the order of the phases."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evaluation.models import Cycle
from tests.factories import CycleFactory, secretariat

CREATE = reverse("evaluation:cycle_create", kwargs={"plan": "revised-2017"})

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.force_login(secretariat().user)
    return client


@pytest.mark.parametrize(
    ("typed", "year", "echo"),
    [
        ("令和3", 2021, "年度は「令和3」を令和3（2021）年度として受け付けました。"),
        ("R3", 2021, "年度は「R3」を令和3（2021）年度として受け付けました。"),
        ("令和元", 2019, "年度は「令和元」を令和元（2019）年度として受け付けました。"),
        ("平成31", 2019, "年度は「平成31」を令和元（2019）年度として受け付けました。"),
        ("H29", 2017, "年度は「H29」を平成29（2017）年度として受け付けました。"),
        ("2021", 2021, ""),
    ],
)
def test_the_year_can_be_typed_in_wareki_and_the_message_says_how_it_was_read(
    client, typed, year, echo
):
    response = client.post(CREATE, {"fiscal_year": typed, "version": 0})
    cycle = Cycle.objects.get(plan__code="revised-2017")
    assert cycle.fiscal_year == year
    assert response["Location"] == f"/cycles/revised-2017/{year}/"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"評価サイクル「{cycle}」を保存しました。{echo}"


def test_an_unreadable_year_is_refused_with_what_to_type(client):
    response = client.post(CREATE, {"fiscal_year": "来年", "version": 0})
    assert response.status_code == 200
    assert response.context["form"].errors["fiscal_year"] == [
        "「来年」は年度として読めません。2021、令和3、R3 のように入力してください。"
    ]
    assert not Cycle.objects.filter(plan__code="revised-2017").exists()


def test_a_year_outside_the_plan_is_refused(client):
    response = client.post(CREATE, {"fiscal_year": "平成28", "version": 0})
    assert response.context["form"].errors["fiscal_year"] == [
        "計画期間（2017〜2021年度）の年度を指定してください。"
    ]


def test_reversed_due_dates_are_refused_and_what_was_typed_stays(client):
    response = client.post(
        CREATE,
        {
            "fiscal_year": "R3",
            "entry_due": "2022-05-31",
            "committee_due": "2022-05-01",
            "confirm_due": "2022-09-30",
            "publish_due": "2022-09-01",
            "version": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["committee_due"] == [
        "委員会評価の期限は、実施状況入力の期限（令和4年5月31日）と同じ日かそれより後にしてください。"
    ]
    assert errors["publish_due"] == [
        "公開の予定日は、確定の期限（令和4年9月30日）と同じ日かそれより後にしてください。"
    ]
    assert "confirm_due" not in errors
    html = response.content.decode()
    assert 'value="R3"' in html and 'value="2022-05-01"' in html
    assert "「R3」は 令和3（2021）年度 です。" in html  # how the year was read, already
    assert not Cycle.objects.filter(plan__code="revised-2017").exists()


def test_a_later_date_is_checked_against_the_latest_earlier_one_skipping_blanks(client):
    response = client.post(
        CREATE,
        {
            "fiscal_year": "2021",
            "entry_due": "2022-05-31",
            "confirm_due": "2022-05-30",
            "version": 0,
        },
    )
    assert response.context["form"].errors["confirm_due"] == [
        "確定の期限は、実施状況入力の期限（令和4年5月31日）と同じ日かそれより後にしてください。"
    ]


def test_dates_in_order_or_on_the_same_day_are_saved(client):
    client.post(
        CREATE,
        {
            "fiscal_year": "2021",
            "entry_due": "2022-05-31",
            "committee_due": "2022-05-31",
            "confirm_due": "2022-09-30",
            "publish_due": "2022-10-15",
            "version": 0,
        },
    )
    assert str(Cycle.objects.get(plan__code="revised-2017").publish_due) == "2022-10-15"


def test_editing_the_dates_keeps_the_year_and_checks_the_order(client):
    cycle = CycleFactory(fiscal_year=2021)
    edit = reverse("evaluation:cycle_edit", kwargs={"plan": "revised-2017", "year": 2021})
    response = client.post(
        edit,
        {"entry_due": "2022-05-31", "committee_due": "2022-04-01", "version": cycle.version},
    )
    assert "committee_due" in response.context["form"].errors
    response = client.post(
        edit,
        {"entry_due": "2022-05-31", "committee_due": "2022-07-31", "version": cycle.version},
    )
    assert response["Location"] == "/cycles/revised-2017/2021/"
    assert Cycle.objects.get(pk=cycle.pk).fiscal_year == 2021
