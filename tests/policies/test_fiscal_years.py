import datetime

import pytest

from policies.fiscal_years import era_label, parse_fiscal_year, wareki, wareki_date, wareki_short


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


@pytest.mark.parametrize(
    ("typed", "fiscal_year"),
    [
        ("2021", 2021),
        ("２０２１年度", 2021),
        ("令和3", 2021),
        ("令和3年度", 2021),
        ("令和３", 2021),
        ("R3", 2021),
        ("r03", 2021),
        ("Ｒ３", 2021),
        ("令和元", 2019),
        ("令和元年度", 2019),
        ("平成31", 2019),
        ("H29", 2017),
        ("平成33年度", 2021),  # how the plan, written in 2017, names its last year
        ("令和3（2021）年度", 2021),
        (2020, 2020),
    ],
)
def test_typed_fiscal_years_are_read_in_either_calendar(typed, fiscal_year):
    assert parse_fiscal_year(typed) == fiscal_year


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和", "「令和」は年度として読めません。2021、令和3、R3 のように入力してください。"),
        ("来年", "「来年」は年度として読めません。2021、令和3、R3 のように入力してください。"),
        ("令和0", "「令和0」という年はありません。"),
        (
            "令和3（2020）年度",
            "「令和3（2020）年度」は和暦と西暦が合っていません（令和3は2021年度）。",
        ),
    ],
)
def test_what_is_not_a_fiscal_year_is_refused_with_the_reason(typed, message):
    with pytest.raises(ValueError) as error:
        parse_fiscal_year(typed)
    assert str(error.value) == message


def test_short_forms_for_axes_and_running_text():
    assert [era_label(y) for y in (2017, 2019, 2021)] == ["平成29", "令和元", "令和3"]
    assert wareki_short(2020) == "令和2年度"
