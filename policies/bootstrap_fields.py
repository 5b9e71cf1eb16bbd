"""A form's fields drawn the way crispy-forms' bootstrap5 pack draws them (``{{ form|crispy }}``:
a label with "*" when required, the widget with Bootstrap's class and ``is-invalid``, the help
text and each error under it, with the ids that ``aria-describedby`` and the error summary
point at), without a template per field.

Crispy's per-field template cost about a millisecond per form, and more on the 実施状況 form
with its 指標 rows, the form city staff wait on most. Checkbox lists, radio buttons and file
inputs are still drawn by crispy's own template.
"""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from plan.form_renderer import text

CONTROL_CLASSES = {"check": "form-check-input", "select": "form-select", "control": "form-control"}
ASTERISK = '<span class="asteriskField">*</span>'


def kind_of(widget: forms.Widget) -> str:
    """How a widget is drawn: as a "check", a "select", a "control", or by "crispy"."""
    if isinstance(
        widget,
        forms.CheckboxSelectMultiple | forms.RadioSelect | forms.FileInput | forms.MultiWidget,
    ):
        return "crispy"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    return "select" if isinstance(widget, forms.Select) else "control"


def _with_classes(field: forms.BoundField, kind: str) -> None:
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    wanted = [CONTROL_CLASSES[kind], *(["is-invalid"] if field.errors else [])]
    widget.attrs["class"] = " ".join([*classes, *(c for c in wanted if c not in classes)])


def _notes(field: forms.BoundField) -> str:
    """Each error (crispy's ids), then the help text (the id Django's aria-describedby names)."""
    auto_id = text(field.auto_id)
    html = ""
    if field.errors:
        errors = "".join(
            f'<p id="error_{n}_{auto_id}"><strong>{text(error)}</strong></p>'
            for n, error in enumerate(field.errors, 1)
        )
        html = f'<div id="{auto_id}_error" class="invalid-feedback">{errors}</div>'
    if field.help_text:
        html += f'<div id="{auto_id}_helptext" class="form-text">{field.help_text}</div>'
    return html


def _label(field: forms.BoundField, css: str) -> str:
    required = field.field.required
    css += " requiredField" if required else ""
    mark = ASTERISK if required else ""
    return (
        f'<label for="{text(field.id_for_label)}" class="{css}">{text(field.label)}{mark}</label>'
    )


def draw(field: forms.BoundField, wrapper: str = "mb-3") -> str:
    """One field; ``wrapper`` is the class of the ``<div>`` around it (a grid column in the
    指標 rows)."""
    if field.is_hidden:
        return str(field)
    kind = kind_of(field.field.widget)
    if kind == "crispy":
        return render_to_string(
            "bootstrap5/field.html",
            {"field": field, "form_show_labels": True, "form_show_errors": True},
        )
    _with_classes(field, kind)
    div_id = f"div_{text(field.auto_id)}"
    if kind == "check":
        inner = f"{field}{_label(field, 'form-check-label')}{_notes(field)}"
        return f'<div class="{wrapper}"><div id="{div_id}" class="form-check">{inner}</div></div>'
    return (
        f'<div id="{div_id}" class="{wrapper}">'
        f"{_label(field, 'form-label')}{field}{_notes(field)}</div>"
    )


def draw_form(form: forms.BaseForm) -> SafeString:
    """Every field of the form, after the messages about the whole form (crispy's alert)."""
    html = ""
    if form.non_field_errors():
        items = "".join(f"<li>{text(error)}</li>" for error in form.non_field_errors())
        html = f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'
    return SafeString(html + "\n".join(draw(field) for field in form))
