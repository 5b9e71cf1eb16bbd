"""A 参考指標 value belongs to its year: the public sees it only once that year is published,
on every page that shows values (the list of 参考指標, both dashboards), and a year's
dashboard never shows a later year's value."""

import pytest
from django.test import Client

from evaluation.models import Indicator, IndicatorValue, Phase
from tests.factories import CycleFactory, measure, revised_plan, secretariat

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"
PAGES = [f"/indicators/{PLAN}/", f"/dashboard/{PLAN}/2020/", f"/dashboard/{PLAN}/"]
VALUE_2020, VALUE_2021 = "8,642", "97,531"  # as the pages print them


@pytest.fixture
def values(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
        CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
        indicator = Indicator.objects.create(plan=revised_plan(), name="市民活動団体の登録数")
        indicator.measures.set([measure("1-1")])
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, actual=8642)
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, actual=97531)


@pytest.mark.parametrize("url", PAGES)
def test_the_public_sees_only_the_values_of_published_years(client, values, url):
    page = client.get(url).content.decode()
    assert VALUE_2020 in page and VALUE_2021 not in page


@pytest.mark.parametrize("url", PAGES)
def test_insiders_see_the_open_years_value(values, url):
    client = Client()
    client.force_login(secretariat().user)
    page = client.get(url).content.decode()
    assert VALUE_2020 in page and VALUE_2021 in page


def test_once_the_year_is_published_its_value_is_public_but_not_on_an_earlier_years_dashboard(
    client, values, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cycle = CycleFactory(fiscal_year=2021)
        cycle.phase = Phase.PUBLISHED
        cycle.save()
    assert VALUE_2021 in client.get(f"/indicators/{PLAN}/").content.decode()
    assert VALUE_2021 in client.get(f"/dashboard/{PLAN}/").content.decode()
    assert VALUE_2021 not in client.get(f"/dashboard/{PLAN}/2020/").content.decode()
