"""Japanese fiscal years (年度, April–March) shown with the era name: 「令和3（2021）年度」.

A fiscal year takes the era in force on its first day, 1 April, except the year of an
era change: FY2019 began in 平成31 but the city, like every government office, calls the
whole year 令和元年度 (the era changed on 1 May 2019).
"""

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
