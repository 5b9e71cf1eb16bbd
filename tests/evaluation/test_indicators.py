from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.access import indicator_access
from evaluation.models import Indicator, IndicatorValue, Phase
from evaluation.rollups import indicators
from tests.factories import (
    CycleFactory,
    UserFactory,
    measure,
    member,
    revised_plan,
    secretariat,
)

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
    plan = revised_plan().pk
    assert not indicator_access(UserFactory(), plan, False).view
    assert indicator_access(UserFactory(), plan, True).view
    assert indicator_access(member().user, plan, False).view
    assert not indicator_access(member().user, plan, False).edit
    assert indicator_access(secretariat().user, plan, False).edit


def test_the_secretariat_enters_a_years_value_and_sees_the_achievement(indicator):
    client = logged_in(secretariat())
    response = client.post(
        value_url(indicator, 2019), {"actual": "180", "target": "200", "version": "0"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, fiscal_year=2019)
    assert (value.actual, value.target, value.achievement) == (Decimal("180"), Decimal("200"), 0.9)
    assert "達成率 90.0%" in client.get(LIST).content.decode()


def test_a_year_outside_the_plan_is_not_found(indicator):
    assert logged_in(secretariat()).get(value_url(indicator, 2030)).status_code == 404


def test_a_concurrent_edit_is_reported_and_keeps_both_versions(indicator):
    first, second = logged_in(secretariat()), logged_in(secretariat())
    url = value_url(indicator, 2020)
    assert first.post(url, {"actual": "150", "version": "0"}).status_code == 302
    response = second.post(url, {"actual": "160", "target": "170", "version": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "さんがこの記録を保存しました" in html
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
    [series] = indicators.indicator_series(revised_plan())
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
    [series] = indicators.indicator_series(plan)
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
    # A year still open (a locked year's values no longer change), read by a member.
    with django_capture_on_commit_callbacks(execute=True):
        CycleFactory(fiscal_year=2019, phase=Phase.COMMITTEE)
        reader, writer = logged_in(member()), logged_in(secretariat())
    url = reverse("evaluation:dashboard", kwargs={"plan": PLAN, "year": 2019})
    assert "実績値: 42" not in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit
        writer.post(value_url(indicator, 2019), {"actual": "42", "version": "0"})
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


def test_each_entry_link_names_the_indicator_and_year_for_screen_readers(indicator):
    html = logged_in(secretariat()).get(LIST).content.decode()
    assert html.count('aria-label="市民活動団体の登録数 ') == 5
    assert (
        f'href="{value_url(indicator, 2020)}?next=%2Findicators%2Frevised-2017%2F"'
        ' aria-label="市民活動団体の登録数 令和2年度を入力">入力</a>' in html
    )


def test_counts_are_shown_without_decimals_and_decimals_only_where_they_are(indicator):
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2019, actual=Decimal("275"))
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2020, actual=Decimal("1275.5"), target=Decimal("1300")
    )
    client = logged_in(secretariat())
    html = client.get(LIST).content.decode()
    assert "<div>275</div>" in html and "<div>1,275.5 / 1,300</div>" in html
    assert "275.00" not in html and "275.50" not in html
    form = client.get(value_url(indicator, 2019)).content.decode()
    assert 'name="actual" value="275"' in form
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    dashboard = client.get(
        reverse("evaluation:dashboard", kwargs={"plan": PLAN, "year": 2020})
    ).content.decode()
    assert "令和元（2019）年度 実績値: 275団体" in dashboard
    assert "275.00" not in dashboard


# ------------------------------------------------------------- 参考指標 of a 施策


def test_the_secretariat_links_an_indicator_to_measures():
    response = logged_in(secretariat()).post(
        CREATE,
        {
            "name": "ボランティア登録者数",
            "order": "0",
            "measures": [measure("1-1").pk, measure("2-6").pk],
            "version": "0",
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(name="ボランティア登録者数")
    assert sorted(m.number for m in created.measures.all()) == ["1-1", "2-6"]


def test_a_target_can_be_entered_before_the_actual(indicator):
    client = logged_in(secretariat())
    response = client.post(value_url(indicator, 2021), {"target": "200", "version": "0"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.target, value.actual, value.achievement) == (Decimal("200"), None, None)


def test_an_implausible_value_asks_for_confirmation_first(indicator):
    client = logged_in(secretariat())
    data = {"actual": "500", "target": "200", "version": "0"}
    response = client.post(value_url(indicator, 2021), data)
    assert response.status_code == 200
    assert "達成率が 250.0% で、200% を超えています。" in response.content.decode()
    assert 'value="500"' in response.content.decode()  # what was typed stays
    assert not IndicatorValue.objects.exists()
    response = client.post(value_url(indicator, 2021), {**data, "confirm_unusual": "on"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().actual == Decimal("500")


def test_a_lower_is_better_indicator_is_checked_the_other_way_round(indicator):
    indicator.higher_is_better = False  # e.g. days until a reply: 4 against a target of 10
    indicator.save()
    client = logged_in(secretariat())
    data = {"actual": "4", "target": "10", "version": "0"}
    response = client.post(value_url(indicator, 2021), data)
    assert "達成率が 250.0% で、200% を超えています。" in response.content.decode()
    assert not IndicatorValue.objects.exists()

    worse = {"actual": "25", "target": "10", "version": "0"}  # 40 %: plausible, not asked
    assert client.post(value_url(indicator, 2021), worse).status_code == 302


def test_a_saved_value_is_shown_in_its_field_as_typed(indicator):
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2021, target=Decimal("200.00"), actual=Decimal("12.50")
    )
    html = logged_in(secretariat()).get(value_url(indicator, 2021)).content.decode()
    assert 'name="target" value="200"' in html and 'name="actual" value="12.5"' in html


def test_a_measures_indicators_come_with_that_years_values(indicator, django_assert_num_queries):
    indicator.measures.set([measure("1-1")])
    other = Indicator.objects.create(plan=revised_plan(), name="講座の数", unit="回", order=1)
    other.measures.set([measure("1-1"), measure("2-4")])
    Indicator.objects.create(plan=revised_plan(), name="ほかの施策の指標")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, actual=180, target=200)
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, actual=150)
    IndicatorValue.objects.create(indicator=other, fiscal_year=2021, target=12)
    first = measure("1-1")
    with django_assert_num_queries(1):
        found = indicators.indicators_of_measure(first, 2021)
    assert [(i.name, i.unit, i.target, i.actual, i.achievement) for i in found] == [
        ("市民活動団体の登録数", "団体", Decimal("200"), Decimal("180"), 0.9),
        ("講座の数", "回", Decimal("12"), None, None),
    ]
    by_measure = indicators.measure_indicators(revised_plan(), 2021)
    assert [i.name for i in by_measure[measure("2-4").pk]] == ["講座の数"]


def test_the_measure_page_shows_its_indicators_without_decimals(indicator):
    indicator.measures.set([measure("1-1")])
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, actual=5738, target=5000)
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    page = reverse("evaluation:measure_year", kwargs={"plan": PLAN, "year": 2021, "number": "1-1"})
    html = logged_in(member()).get(page).content.decode()
    assert "市民活動団体の登録数（団体）" in html
    assert ">5,000<" in html and ">5,738<" in html and ">114.8%<" in html
    assert "5738.00" not in html
