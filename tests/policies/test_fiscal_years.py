import pytest

from policies.fiscal_years import wareki


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
