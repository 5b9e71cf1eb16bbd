from django import template

from policies.fiscal_years import era_year, wareki

register = template.Library()


@register.filter
def fiscal_year(value: int) -> str:
    """{{ 2021|fiscal_year }} → 令和3（2021）年度"""
    return wareki(int(value))


@register.filter
def fiscal_year_short(value: int) -> str:
    """{{ 2020|fiscal_year_short }} → 令和2年度 (where the 西暦 is already in view)."""
    era, year = era_year(int(value))
    return f"{era}{'元' if year == 1 else year}年度"
