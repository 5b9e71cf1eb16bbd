"""Template helpers shared by every form: is anything required (so "*" needs explaining)."""

from django import template

register = template.Library()


@register.filter
def field_errors(form) -> bool:
    """Whether any field has an error (messages about the whole form are shown by crispy)."""
    return any(field.errors for field in form)


@register.filter
def has_required(form) -> bool:
    """Whether any field the person fills in is required (marked "*" by crispy-forms)."""
    return any(field.field.required and not field.is_hidden for field in form)
