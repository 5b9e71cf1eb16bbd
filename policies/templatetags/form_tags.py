"""Template helpers shared by every form: is anything required (so "*" needs explaining)."""

from django import template

register = template.Library()


@register.filter
def has_required(form) -> bool:
    """Whether any field the person fills in is required (marked "*" by crispy-forms)."""
    return any(field.field.required and not field.is_hidden for field in form)
