"""The widgets drawn in Python come out exactly as Django's own templates draw them."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from plan.form_renderer import DRAWN, INPUTS, WIDGETS, WidgetRenderer, text


class EveryWidget(forms.Form):
    text = forms.CharField(initial='「引用」 & <b>太字</b> "二重"')
    empty_text = forms.CharField(required=False)
    number = forms.DecimalField(initial=12.5, widget=forms.NumberInput(attrs={"step": "any"}))
    email = forms.EmailField(initial="a@example.jp")
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.IntegerField(initial=3, widget=forms.HiddenInput)
    date = forms.DateField(initial="2021-04-01", widget=forms.DateInput(attrs={"type": "date"}))
    checked = forms.BooleanField(initial=True)
    unchecked = forms.BooleanField(required=False, disabled=True)
    note = forms.CharField(
        initial="一行目\n<二行目> & 'x'", widget=forms.Textarea(attrs={"rows": 3, "class": "x"})
    )
    empty_note = forms.CharField(required=False, widget=forms.Textarea)
    choice = forms.ChoiceField(choices=[("", "（選択してください）"), ("a", "A <達成>"), (1, "1")])
    grouped = forms.ChoiceField(
        initial="b", choices=[("グループ「1」", [("a", "A"), ("b", "B")]), ("c", "C")]
    )
    several = forms.MultipleChoiceField(initial=["a", "c"], choices=[("a", "A"), ("c", "C")])
    yes_no = forms.NullBooleanField(initial=None)
    # Marked safe: a label and an attribute's value are written as they are.
    safe = forms.ChoiceField(
        choices=[("a", mark_safe("<i>A</i>"))],
        widget=forms.Select(attrs={"title": mark_safe("<b>太字</b>")}),
    )
    translated = forms.ChoiceField(choices=[("y", gettext_lazy("Yes")), ("n", gettext_lazy("No"))])


def rendered(renderer) -> dict[str, str]:
    bound = EveryWidget(renderer=renderer)
    invalid = EveryWidget({"number": "たくさん", "choice": "z"}, renderer=renderer)
    invalid.is_valid()  # errors add aria-invalid and aria-describedby
    return {
        f"{kind} {name}": str(form[name])
        for kind, form in (("unbound", bound), ("invalid", invalid))
        for name in form.fields
    }


def test_every_plain_widget_is_drawn_as_djangos_templates_draw_it():
    ours, django = WidgetRenderer(), DjangoTemplates()
    expected = rendered(django)
    assert rendered(ours) == expected
    assert len(expected) == 2 * len(EveryWidget.base_fields)


def test_a_lazy_text_is_drawn_in_the_language_active_at_the_time():
    yes = gettext_lazy("Yes")
    with translation.override("en"):
        assert text(yes) == "Yes"
    with translation.override("ja"):
        assert text(yes) == "はい"
    with translation.override("en"):
        assert text(yes) == "Yes"


def test_the_inputs_drawn_are_the_templates_that_only_include_djangos_input():
    renderer = DjangoTemplates()
    for name in DRAWN:
        source = renderer.get_template(name).template.source.strip()
        if name.removeprefix(WIDGETS).removesuffix(".html") in INPUTS:
            assert source == '{% include "django/forms/widgets/input.html" %}', name


def test_other_widgets_are_left_to_djangos_templates():
    field = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )

    class Checkboxes(forms.Form):
        options = field

    ours = str(Checkboxes(renderer=WidgetRenderer())["options"])
    assert ours == str(Checkboxes(renderer=DjangoTemplates())["options"])
    assert 'type="checkbox"' in ours
