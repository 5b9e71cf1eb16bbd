from django import template

from evaluation.access import sheet_import_access
from evaluation.models import Cycle

register = template.Library()


@register.simple_tag(takes_context=True)
def can_import_sheet(context, cycle: Cycle) -> bool:
    """{% can_import_sheet cycle as can_import %}: offer the import link only to those it serves."""
    return sheet_import_access(context["request"].user, cycle).view
