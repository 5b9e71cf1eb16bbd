"""Japanese fiscal years (年度, April–March) shown with the era name: 「令和3（2021）年度」.

A fiscal year takes the era in force on its first day, 1 April, except the year of an
era change: FY2019 began in 平成31 but the city, like every government office, calls the
whole year 令和元年度 (the era changed on 1 May 2019).
"""

import datetime
import re
import unicodedata

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


def era_label(fiscal_year: int) -> str:
    """The era and year alone, for tight places like a chart axis: 2019 → 令和元, 2017 → 平成29."""
    era, year = era_year(fiscal_year)
    return f"{era}{'元' if year == 1 else year}"


def wareki_short(fiscal_year: int) -> str:
    """「令和2年度」: in running text where the Western year would be noise."""
    return f"{era_label(fiscal_year)}年度"


# 和暦 as people type it: 令和3, R3, r03, 令和元, 平成31, H29 (平成33 is how plans written
# before May 2019 name 2021), with or without 年度; also 2021 and 令和3（2021）年度.
_ERA_OFFSETS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
_TYPED_YEAR = re.compile(
    r"(?:(?P<era>令和|平成|昭和|[RHS])\.?\s*(?P<n>元|\d{1,2})\s*(?:\((?P<paren>\d{4})\))?"
    r"|(?P<western>\d{4}))\s*(?:年度|年)?"
)


def parse_fiscal_year(text: str | int) -> int:
    """Read a fiscal year typed in 西暦 or 和暦; ``ValueError`` (in Japanese) if it is not one."""
    if isinstance(text, int):
        return text
    # NFKC only for reading: full-width digits and letters (Ｒ３), （） → ().
    typed = unicodedata.normalize("NFKC", text).strip().upper()
    match = _TYPED_YEAR.fullmatch(typed)
    if not match:
        raise ValueError(
            f"「{text}」は年度として読めません。2021、令和3、R3 のように入力してください。"
        )
    if match["western"]:
        return int(match["western"])
    number = 1 if match["n"] == "元" else int(match["n"])
    if number == 0 or (match["era"] in {"昭和", "S"} and number > 64):
        raise ValueError(f"「{text}」という年はありません。")
    year = _ERA_OFFSETS[match["era"]] + number
    if match["paren"] and int(match["paren"]) != year:
        raise ValueError(
            f"「{text}」は和暦と西暦が合っていません（{era_label(year)}は{year}年度）。"
        )
    return year
