"""Form messages a city employee would write: a value already taken names the field and the
record holding it; a missing value names the field."""

import pytest
from django.urls import reverse

from tests.evaluation.conftest import ROLES
from tests.evaluation.test_access_matrix import MATRIX, OK, REDIRECT, SAVED, project_data

NEW_PROJECT = reverse("evaluation:project_create", kwargs={"plan": "revised-2017"})


def test_a_code_already_used_names_the_project_that_has_it(world, login):
    data = {**project_data(world, "staff_a"), "code": "city-001"}
    response = login(world.users["staff_a"]).post(NEW_PROJECT, data)
    html = response.content.decode()
    assert "この事業コードは既に「市民活動入門講座」で使われています。" in html
    assert "が既に存在します" not in html
    assert 'value="新しい事業"' in html  # what was typed stays


def test_a_missing_value_names_the_field(world, login):
    data = {**project_data(world, "staff_a"), "name": "", "body": ""}
    html = login(world.users["staff_a"]).post(NEW_PROJECT, data).content.decode()
    assert "「事業名」を入力してください。" in html
    assert "「実施主体」を選んでください。" in html
    assert "このフィールドは必須です。" not in html


DJANGO_DEFAULTS = ["このフィールドは必須です。", "が既に存在します", ">Version<", "This field"]
# A formset's page: an empty post lacks the hidden counts every browser sends with it.
FORMSETS = {"evaluation:cycle_scale"}
WRITABLE = sorted(
    name
    for name, case in MATRIX.items()
    if name not in FORMSETS and any(case.post[role] in (OK, SAVED, REDIRECT) for role in ROLES)
)


@pytest.mark.parametrize("name", WRITABLE)
def test_no_form_answers_an_empty_post_with_djangos_default_wording(world, login, name):
    """Every form the app takes, sent empty by someone allowed to send it: the page that
    comes back names what is missing in the app's own words."""
    case = MATRIX[name]
    world.set_phase(case.phase)
    case.setup(world)
    role = next(r for r in reversed(ROLES) if case.post[r] in (OK, SAVED, REDIRECT))
    response = login(world.users[role]).post(reverse(name, kwargs=case.kwargs), {})
    html = response.content.decode(errors="replace")
    assert [text for text in DJANGO_DEFAULTS if text in html] == []
