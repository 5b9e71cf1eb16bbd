from django import template

from evaluation.models import Cycle, Phase, display_name

register = template.Library()


@register.filter
def phase_label(value: str) -> str:
    """{{ "committee"|phase_label }} → 委員会評価"""
    return Phase(value).label


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
