"""Japanese fiscal years (年度, April–March) shown with the era name: 「令和3（2021）年度」.

A fiscal year takes the era in force on its first day, 1 April, except the year of an
era change: FY2019 began in 平成31 but the city, like every government office, calls the
whole year 令和元年度 (the era changed on 1 May 2019).
"""

import datetime

# (first fiscal year of the era, era name), newest first.
ERAS = (
    (2019, "令和"),
    (1989, "平成"),
    (1926, "昭和"),
)


def era_year(fiscal_year: int) -> tuple[str, int]:
    """Return the era and the year within it, e.g. 2021 → ("令和", 3)."""
    for first_year, era in ERAS:
        if fiscal_year >= first_year:
            return era, fiscal_year - first_year + 1
    raise ValueError(f"{fiscal_year} 年度は対応していない元号の年です。")


def wareki(fiscal_year: int) -> str:
    """Format a fiscal year as 「令和3（2021）年度」; the first year of an era is 元年."""
    era, year = era_year(fiscal_year)
    year_text = "元" if year == 1 else str(year)
    return f"{era}{year_text}（{fiscal_year}）年度"


# (first day of the era, era name), newest first. Dates use the day the era began, unlike
# fiscal years (a whole FY2019 is 令和元年度, but 30 April 2019 is 平成31年4月30日).
DATE_ERAS = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
)


def wareki_date(value: datetime.date | datetime.datetime) -> str:
    """Format a date as 「令和元年5月1日」 (a datetime in local time, its date only)."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    for first_day, era in DATE_ERAS:
        if value >= first_day:
            year = value.year - first_day.year + 1
            year_text = "元" if year == 1 else str(year)
            return f"{era}{year_text}年{value.month}月{value.day}日"
    raise ValueError(f"{value} は対応していない元号の日付です。")
