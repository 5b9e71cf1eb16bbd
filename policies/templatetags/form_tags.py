"""Template helpers shared by every form: the error summary's entries, and whether anything
is required (so "*" needs explaining). A form's child rows (an inline formset) count too."""

from django import template
from django.utils.safestring import SafeString

from policies.bootstrap_fields import draw_form

register = template.Library()


def _forms(form, formset=None):
    """The form, then each child row of the formset with its number (1, 2, …)."""
    yield form, ""
    if formset:
        name = formset.model._meta.verbose_name
        for number, child in enumerate(formset.forms, 1):
            yield child, f"{name} {number} "


@register.simple_tag
def field_error_list(form, formset=None) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every field error, the child rows' included; messages
    about the whole form are shown inside the form (``bootstrap_fields.draw_form``)."""
    if not form.is_bound:
        return []  # a form just opened (and its rows) has no errors yet
    return [
        (field.id_for_label, f"{prefix}{field.label}", error)
        for each, prefix in _forms(form, formset)
        for field in each
        for error in field.errors
    ]


@register.filter
def has_required(form, formset=None) -> bool:
    """Whether any field the person fills in is required (marked "*" by crispy-forms)."""
    return any(
        field.field.required and not field.is_hidden
        for each, _prefix in _forms(form, formset)
        for field in each
    )


@register.filter
def bootstrap_fields(form) -> SafeString:
    """The form's fields as crispy's bootstrap5 pack draws them (``bootstrap_fields.draw_form``)."""
    return draw_form(form)
