from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation import rollups
from evaluation.access import indicator_access
from evaluation.models import Indicator, IndicatorValue, Phase
from tests.factories import CycleFactory, UserFactory, member, revised_plan, secretariat

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"
LIST = reverse("evaluation:indicators", kwargs={"plan": PLAN})
CREATE = reverse("evaluation:indicator_create", kwargs={"plan": PLAN})


def value_url(indicator: Indicator, year: int) -> str:
    return reverse(
        "evaluation:indicator_value_edit", kwargs={"plan": PLAN, "pk": indicator.pk, "year": year}
    )


def logged_in(participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


@pytest.fixture
def indicator(django_capture_on_commit_callbacks) -> Indicator:
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        return Indicator.objects.create(
            plan=revised_plan(), name="市民活動団体の登録数", unit="団体"
        )


def test_the_secretariat_creates_an_indicator_with_history():
    secretary = secretariat()
    response = logged_in(secretary).post(
        CREATE,
        {
            "name": "ボランティア登録者数",
            "unit": "人",
            "source": "市民活動推進課調べ",
            "higher_is_better": "on",
            "order": "1",
            "version": "0",
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(name="ボランティア登録者数")
    assert (created.unit, created.version) == ("人", 1)
    assert created.history.get().history_user == secretary.user


def test_an_indicator_name_is_unique_within_its_plan(indicator):
    response = logged_in(secretariat()).post(
        CREATE, {"name": "市民活動団体の登録数", "order": "0", "version": "0"}
    )
    assert response.status_code == 200
    assert "同じ名前の参考指標がすでにあります。" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_members_may_read_but_not_edit_indicators(indicator):
    client = logged_in(member())
    assert client.get(LIST).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert (
        client.post(value_url(indicator, 2019), {"actual": "5", "version": "0"}).status_code == 403
    )
    assert not IndicatorValue.objects.exists()


def test_the_public_sees_indicators_only_once_a_year_is_published(client, indicator):
    assert client.get(LIST).status_code == 302  # to the login page
    assert client.post(LIST).status_code == 405
    CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)
    assert client.get(LIST).status_code == 200
    assert client.get(CREATE).status_code == 302  # to the login page


def test_indicator_access_is_by_role():
    assert not indicator_access(UserFactory(), False).view
    assert indicator_access(UserFactory(), True).view
    assert indicator_access(member().user, False).view
    assert not indicator_access(member().user, False).edit
    assert indicator_access(secretariat().user, False).edit


def test_the_secretariat_enters_a_years_value_and_sees_the_achievement(indicator):
    client = logged_in(secretariat())
    response = client.post(
        value_url(indicator, 2019), {"actual": "180", "target": "200", "version": "0"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, fiscal_year=2019)
    assert (value.actual, value.target, value.achievement) == (Decimal("180"), Decimal("200"), 0.9)
    assert "達成率 90%" in client.get(LIST).content.decode()


def test_a_year_outside_the_plan_is_not_found(indicator):
    assert logged_in(secretariat()).get(value_url(indicator, 2030)).status_code == 404


def test_a_concurrent_edit_is_reported_and_keeps_both_versions(indicator):
    first, second = logged_in(secretariat()), logged_in(secretariat())
    url = value_url(indicator, 2020)
    assert first.post(url, {"actual": "150", "version": "0"}).status_code == 302
    response = second.post(url, {"actual": "160", "target": "170", "version": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人がこの記録を保存しました" in html
    saved = html[html.index('id="conflict"') : html.index("<form", html.index('id="conflict"'))]
    assert "実績値" in saved and ">150" in saved  # the other person's saved values
    assert 'value="160"' in html  # the second person's input is still there
    assert 'name="version" value="1"' in html  # saving again now overwrites knowingly
    assert IndicatorValue.objects.get(indicator=indicator, fiscal_year=2020).actual == 150
    assert second.post(url, {"actual": "160", "version": "1"}).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, fiscal_year=2020).actual == 160


def test_the_achievement_is_inverted_when_lower_is_better(indicator):
    indicator.higher_is_better = False
    indicator.save()
    value = IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2018, actual=Decimal("25"), target=Decimal("20")
    )
    assert value.achievement == 0.8
    [series] = rollups.indicator_series(revised_plan())
    assert series.points[0].achievement == pytest.approx(0.8)


@settings(max_examples=30, deadline=None)
@given(
    actual=st.decimals(min_value=0, max_value=10**6, places=2),
    target=st.none() | st.decimals(min_value=0, max_value=10**6, places=2),
    higher=st.booleans(),
)
def test_the_sql_achievement_matches_the_models(actual, target, higher):
    plan = revised_plan()
    indicator, _ = Indicator.objects.update_or_create(
        plan=plan, name="指標", defaults={"higher_is_better": higher}
    )
    value, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator, fiscal_year=2019, defaults={"actual": actual, "target": target}
    )
    value.refresh_from_db()
    [series] = rollups.indicator_series(plan)
    expected = value.achievement
    got = series.points[0].achievement
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_the_dashboard_draws_indicators_with_their_achievement(client, indicator):
    CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2019, actual=Decimal("110"), target=Decimal("100")
    )
    url = reverse("evaluation:dashboard", kwargs={"plan": PLAN, "year": 2019})
    html = client.get(url).content.decode()
    assert "市民活動団体の登録数（団体）" in html
    assert '<span class="achieved">110%</span>' in html
    assert "令和元（2019）年度 実績値: 110団体" in html  # the chart's tooltip


def test_saving_an_indicator_value_through_one_client_changes_the_dashboard_for_another(
    indicator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)
    reader = Client()
    url = reverse("evaluation:dashboard", kwargs={"plan": PLAN, "year": 2019})
    assert "実績値: 42" not in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit
        logged_in(secretariat()).post(value_url(indicator, 2019), {"actual": "42", "version": "0"})
    assert "令和元（2019）年度 実績値: 42団体" in reader.get(url).content.decode()


def test_the_indicator_list_query_count_is_pinned(indicator, django_assert_num_queries):
    client = logged_in(secretariat())
    for year in (2018, 2019):
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=year, actual=Decimal("1"))
    client.get(LIST)
    # session, user, participant, plan, published?, values, indicators, plan switcher and
    # the request's savepoint pair (the session's idle timeout was refreshed by the first)
    with django_assert_num_queries(10):
        assert client.get(LIST).status_code == 200
