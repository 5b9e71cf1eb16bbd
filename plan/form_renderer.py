"""Django's form renderer, with the plain widgets drawn in Python.

Django draws every widget with a small template, and every attribute list and every
``<option>`` with another. On the 実施状況 form, with its 指標 rows (about forty inputs),
that was the largest part of the page's time. The widgets below produce the same markup as
Django's templates (``tests/plan/test_form_renderer.py`` compares them); any other
template (checkbox lists, radio buttons, files, the admin's widgets) is rendered by
Django's templates as before.
"""

from collections.abc import Callable
from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.translation import get_language

WIDGETS = "django/forms/widgets/"
# Templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = ["text", "number", "email", "url", "password", "hidden", "date", "datetime", "time"]
INPUTS += ["checkbox", "search", "tel", "color"]


def text(value) -> str:
    """``{{ value }}`` in a template: escaped unless marked safe. Django's
    ``conditional_escape`` without its wrapper for lazy arguments, which cost more than the
    escaping itself at hundreds of calls a form (``policies.bootstrap_fields`` uses it too).
    A lazy translation (a label, a help text, a choice) is looked up once per language."""
    if isinstance(value, Promise):
        return _translated(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


# id of a lazy text → (the text object, its language, the escaped result). A form's labels,
# help texts and choices are the same objects on every request (deep-copying a field keeps
# them), so each is translated once instead of once per field drawn. The entry holds the
# object, so its id cannot be reused while it is here; lazy texts made afresh per request
# only fill the table until it is emptied.
_TRANSLATED: dict[int, tuple[Promise, str | None, str]] = {}
TRANSLATED_ENTRIES = 4096


def _translated(value: Promise) -> str:
    language = get_language()
    entry = _TRANSLATED.get(id(value))
    if entry is not None and entry[1] == language:
        return entry[2]
    html = value.__html__() if hasattr(value, "__html__") else escape(str(value))
    if len(_TRANSLATED) >= TRANSLATED_ENTRIES:
        _TRANSLATED.clear()
    _TRANSLATED[id(value)] = (value, language, html)
    return html


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: False leaves the attribute out, True writes its
    name alone."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{text(value)}"'
    return (
        f'<input type="{text(widget["type"])}" '
        f'name="{text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{text(value) if value else ''}</textarea>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{text(option["value"])}"'
        f"{_attrs(option['attrs'])}>{text(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        # Each option is an included template, and the template file ends with a newline.
        parts.extend(f"\n  {_option(option)}\n" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


DRAWN: dict[str, Callable[[dict], str]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUTS},
    f"{WIDGETS}input.html": _input,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _option,
}


class WidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the widgets in ``DRAWN`` in Python, everything else as Django."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        if draw is None:
            return super().render(template_name, context, request)
        return draw(context["widget"])
