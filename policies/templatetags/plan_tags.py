from django import template

from policies.fiscal_years import wareki, wareki_date, wareki_short

register = template.Library()


@register.filter
def fiscal_year(value: int) -> str:
    """{{ 2021|fiscal_year }} → 令和3（2021）年度"""
    return wareki(int(value))


@register.filter(name="wareki_date")
@register.filter(name="wareki")
def date_in_wareki(value) -> str:
    """{{ due|wareki_date }} (or ``|wareki``) → 令和元年5月1日 (empty for no date)."""
    return wareki_date(value) if value else ""


@register.filter
def fiscal_year_short(value: int) -> str:
    """{{ 2020|fiscal_year_short }} → 令和2年度"""
    return wareki_short(int(value))
