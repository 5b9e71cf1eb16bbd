"""The record forms' fields, drawn in Python, carry what crispy's bootstrap5 pack gives them:
the same ids (which the error summary and aria-describedby point at), the "*" of a
required field, Bootstrap's classes and the errors under the field."""

import re

from django import forms
from django.template import Context, Template

from policies.bootstrap_fields import draw_form


class Entry(forms.Form):
    activities = forms.CharField(
        label="実施内容 <主な活動>", help_text="この年度に行ったこと。", widget=forms.Textarea
    )
    status = forms.ChoiceField(choices=[("", "（選択してください）"), ("done", "実施")])
    times = forms.IntegerField(required=False)
    agreed = forms.BooleanField(required=False, label="確認しました")
    places = forms.MultipleChoiceField(
        required=False, choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)

    def clean(self):
        raise forms.ValidationError("ほかの人が保存しました。")


def crispy(form) -> str:
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def ids(html: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', html))


def failed() -> Entry:
    form = Entry({"times": "たくさん", "version": "0"})
    assert not form.is_valid()
    return form


def test_the_fields_have_the_ids_crispy_gives_them_errors_and_help_texts_included():
    for form in (Entry(), failed()):
        assert ids(str(draw_form(form))) == ids(crispy(form))


def test_a_field_with_an_error_is_marked_and_says_why_under_it():
    html = str(draw_form(failed()))
    assert (
        'class="form-label requiredField">実施内容 &lt;主な活動&gt;<span class="asteriskField">*</span>'
        in html
    )
    assert re.search(r'<textarea name="activities"[^>]* class="form-control is-invalid"', html)
    assert 'aria-invalid="true"' in html
    assert '<p id="error_1_id_activities"><strong>このフィールドは必須です。</strong></p>' in html
    assert '<div id="id_activities_helptext" class="form-text">この年度に行ったこと。</div>' in html
    assert re.search(r'<select name="status"[^>]* class="form-select is-invalid"', html)
    assert '<div id="div_id_agreed" class="form-check">' in html


def test_messages_about_the_whole_form_come_first_and_nothing_is_marked_before_a_submit():
    assert str(draw_form(failed())).startswith(
        '<div class="alert alert-block alert-danger"><ul class="m-0"><li>ほかの人が保存しました。'
    )
    opened = str(draw_form(Entry()))
    assert "is-invalid" not in opened and "alert" not in opened
    assert re.search(r'<input type="checkbox"[^>]* name="places"', opened)  # crispy's list
