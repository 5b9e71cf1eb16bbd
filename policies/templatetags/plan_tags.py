from django import template

from policies.fiscal_years import wareki

register = template.Library()


@register.filter
def fiscal_year(value: int) -> str:
    """{{ 2021|fiscal_year }} → 令和3（2021）年度"""
    return wareki(int(value))
