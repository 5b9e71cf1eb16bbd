import datetime

import pytest

from policies.fiscal_years import wareki, wareki_date


@pytest.mark.parametrize(
    ("fiscal_year", "expected"),
    [
        (2017, "平成29（2017）年度"),
        (2018, "平成30（2018）年度"),
        (2019, "令和元（2019）年度"),
        (2020, "令和2（2020）年度"),
        (2021, "令和3（2021）年度"),
        (1989, "平成元（1989）年度"),
        (1988, "昭和63（1988）年度"),
    ],
)
def test_fiscal_years_are_shown_with_the_era(fiscal_year, expected):
    assert wareki(fiscal_year) == expected


def test_years_before_showa_are_refused():
    with pytest.raises(ValueError):
        wareki(1900)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),  # a date keeps the old era to its end
        (datetime.date(2022, 3, 31), "令和4年3月31日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_a_date_is_shown_with_the_era_of_that_day(day, expected):
    assert wareki_date(day) == expected


def test_an_aware_datetime_is_shown_as_its_local_date(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 15:30 UTC on 30 April 2019 is already 1 May in Japan.
    moment = datetime.datetime(2019, 4, 30, 15, 30, tzinfo=datetime.UTC)
    assert wareki_date(moment) == "令和元年5月1日"
