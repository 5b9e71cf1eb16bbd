from urllib.parse import urlencode

from django import template

from evaluation.access import self_evaluation_body
from evaluation.achievement import format_rate
from evaluation.models import Cycle, Phase, ReportStatus
from evaluation.numbers import plain_number
from evaluation.sheet.layout import (
    MARKS_NOTE,
    evaluation_year_label,
    indicators_text,
    reference_text,
)
from people.models import display_name

register = template.Library()


@register.filter
def phase_label(value: str) -> str:
    """{{ "committee"|phase_label }} → 委員会評価"""
    return str(Phase(value).label)


@register.filter
def due_of(cycle: Cycle, phase: str):
    """{{ cycle|due_of:"entry" }} → that phase's due date (or None)."""
    return cycle.due_date(phase)


@register.filter
def person(user) -> str:
    """A user's display name: full name, else username; （システム） for changes without one."""
    if user is None or user == "":
        return "（システム）"
    return display_name(user)


@register.filter
def rate(value) -> str:
    """{{ 1.148|rate }} → 114.8%"""
    return format_rate(value)


@register.filter
def mul(value: int, factor: int) -> int:
    """{{ 2|mul:8 }} → 16 (column spans per year)."""
    return int(value) * int(factor)


@register.filter
def evaluation_years(fiscal_year: int) -> str:
    """{{ 2020|evaluation_years }} → 令和2（2020）年度 実績／令和3（2021）年度 評価."""
    return evaluation_year_label(fiscal_year)


@register.filter
def indicator_lines(report) -> str:
    """A 実施状況's 指標 as the 評価表 prints them, one a line."""
    return indicators_text(getattr(report, "indicator_list", None) or report.indicators.all())


@register.filter
def reference_lines(indicators) -> str:
    """A 施策's 参考指標 for one year, one a line."""
    return reference_text(indicators)


@register.simple_tag(takes_context=True)
def own_self_evaluation_body(context):
    """{% own_self_evaluation_body as own_body %}: the 実施主体 whose 自己評価 the viewer
    writes (``access.self_evaluation_body``), for the link to it."""
    return self_evaluation_body(context["request"].user)


@register.simple_tag(takes_context=True)
def next_here(context) -> str:
    """``href="{% url … %}?{% next_here %}"``: a link that opens a form carries the page it
    was opened from, so that saving comes back here (``editing.edit_record`` checks it)."""
    return urlencode({"next": context["request"].get_full_path()})


@register.filter
def report_status(value: str) -> str:
    """{{ "partial"|report_status }} → 一部実施"""
    return str(ReportStatus(value).label)


@register.filter
def active_in(project, fiscal_year: int) -> bool:
    return project.is_active_in(fiscal_year)


@register.filter
def number(value) -> str:
    """{{ 275.00|number }} → 275, {{ 275.5|number }} → 275.5, {{ 1234|number }} → 1,234"""
    return plain_number(value)


@register.simple_tag
def marks_note() -> str:
    """「「—」は値がないこと…、「－」は評価不能を示します。」 (``templates/evaluation/_marks_note.html``)."""
    return MARKS_NOTE
