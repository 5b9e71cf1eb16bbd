from datetime import date

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
        (date(2021, 6, 30), "令和3年6月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_dates_are_shown_with_the_era_in_force_that_day(day, expected):
    assert wareki_date(day) == expected


def test_dates_before_showa_are_refused():
    with pytest.raises(ValueError):
        wareki_date(date(1926, 12, 24))
