"""Template helpers shared by every form: the error summary's entries, and whether anything
is required (so "*" needs explaining). A form's child rows (an inline formset) count too."""

from django import forms, template

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
    about the whole form are shown by crispy inside the form."""
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


def _kind(widget: forms.Widget) -> str:
    """How ``_form_fields.html`` draws a widget (Bootstrap 5's classes)."""
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.FileInput)):
        return "crispy"  # lists of choices and files: crispy's own template draws them
    if isinstance(widget, forms.MultiWidget):
        return "crispy"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    return "select" if isinstance(widget, forms.Select) else "control"


CONTROL_CLASSES = {"check": "form-check-input", "select": "form-select", "control": "form-control"}


@register.filter
def drawn_fields(form) -> list[tuple[forms.BoundField, str]]:
    """The form's fields with how each is drawn: "hidden", "check", "select", "control" (by
    ``_form_fields.html``, the way crispy's bootstrap5 pack draws them, without its
    per-field template, which cost about a millisecond per form on the record pages), or
    "crispy" (checkbox lists, radio buttons, files: left to crispy's template)."""
    drawn = []
    for field in form:
        kind = "hidden" if field.is_hidden else _kind(field.field.widget)
        if kind in CONTROL_CLASSES:
            widget = field.field.widget
            classes = widget.attrs.get("class", "").split()
            wanted = [CONTROL_CLASSES[kind]] + (["is-invalid"] if field.errors else [])
            widget.attrs["class"] = " ".join([*classes, *(c for c in wanted if c not in classes)])
        drawn.append((field, kind))
    return drawn
