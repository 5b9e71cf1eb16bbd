"""Form messages a city employee would write: a value already taken names the field and the
record holding it; a missing value names the field."""

from django.urls import reverse

from tests.evaluation.test_access_matrix import project_data

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
