"""The year's rating scale, edited by the 事務局 on its own page while the cycle is in 準備;
locked (shown read-only, POST refused with the typed values kept) once a rating exists."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import Cycle, Phase
from policies.models import RatingLevel, RatingScale
from tests.factories import CycleFactory, SelfEvaluationFactory, revised_plan, secretariat, staff

pytestmark = pytest.mark.django_db

URL = reverse("evaluation:cycle_scale", kwargs={"plan": "revised-2017", "year": 2021})


@pytest.fixture
def cycle() -> Cycle:
    return CycleFactory(fiscal_year=2021, phase=Phase.PREPARATION)


def logged_in(participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


def form_data(client: Client, rows: list[tuple] | None = None, name: str | None = None) -> dict:
    """The page's form as it comes, with ``rows`` — (order, code, label, points or None,
    delete) — typed over its level rows (existing rows first, then the empty ones)."""
    page = client.get(URL)
    form, levels = page.context["form"], page.context["formset"]
    data = {
        "action": "save",
        "scale": page.context["scale"].pk,
        "name": name or form.initial["name"],
        "version": form["version"].value(),
    }
    for key, value in levels.management_form.initial.items():
        data[f"levels-{key}"] = value
    for index, row in enumerate(levels.forms):
        prefix = f"levels-{index}"
        data[f"{prefix}-id"] = row.instance.pk or ""
        data[f"{prefix}-version"] = row["version"].value()
        data[f"{prefix}-scale"] = row["scale"].value() or ""
        for name in ["ORDER", "code", "label", "points"]:
            data[f"{prefix}-{name}"] = row[name].value() or ""
        if row["unratable"].value():
            data[f"{prefix}-unratable"] = "on"
        if rows is None:
            continue
        order, code, label, points, delete = (
            rows[index] if index < len(rows) else ("", "", "", "", False)
        )
        data.update(
            {
                f"{prefix}-ORDER": order,
                f"{prefix}-code": code,
                f"{prefix}-label": label,
                f"{prefix}-points": "" if points is None else points,
            }
        )
        if points is None and code:
            data[f"{prefix}-unratable"] = "on"
        if delete:
            data[f"{prefix}-DELETE"] = "on"
    return data


THREE_LEVELS = [
    (1, "A", "達成", 4, False),
    (2, "B", "概ね達成", 3, False),
    (4, "C", "一部達成", 2, True),  # removed
    (3, "C", "未達成", 1, False),  # D becomes C 未達成
    (5, "－", "評価不能", None, False),
]


def levels_of(cycle: Cycle) -> list[tuple]:
    cycle.refresh_from_db()
    scale = RatingScale.objects.get(pk=cycle.scale_id)
    return [(lv.code, lv.label, lv.points) for lv in scale.levels.order_by("order")]


def test_editing_the_plans_default_makes_the_years_own_copy(cycle):
    client = logged_in(secretariat())
    response = client.post(URL, form_data(client, THREE_LEVELS, name="3段階評価（令和3年度）"))
    assert response.status_code == 302
    assert levels_of(cycle) == [
        ("A", "達成", 4),
        ("B", "概ね達成", 3),
        ("C", "未達成", 1),
        ("－", "評価不能", None),
    ]
    assert cycle.rating_scale.name == "3段階評価（令和3年度）"
    assert cycle.rating_scale.code == "revised-2017-2021"
    # The plan's default, which every other year reads, is as it was.
    assert [lv.code for lv in revised_plan().rating_scale.levels.all()] == [
        "A",
        "B",
        "C",
        "D",
        "－",
    ]


def test_the_years_own_scale_is_edited_in_place_with_its_history(cycle):
    client = logged_in(secretariat())
    client.post(URL, form_data(client, THREE_LEVELS))
    own = Cycle.objects.get(pk=cycle.pk).rating_scale
    rows = [
        (2, "A", "達成", 3, False),
        (1, "S", "大きく上回る", 4, False),  # moved to the top
        (3, "C", "未達成", 1, False),
        (4, "－", "評価不能", None, False),
    ]
    data = form_data(client)
    data.update(form_data(client, [*rows[:1], (3, "B", "概ね達成", 2, False), *rows[2:]]))
    data.update({"levels-4-ORDER": 1, "levels-4-code": "S", "levels-4-label": "大きく上回る"})
    data["levels-4-points"] = 4
    assert client.post(URL, data).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).rating_scale == own  # no second copy
    assert levels_of(cycle) == [
        ("S", "大きく上回る", 4),
        ("A", "達成", 3),
        ("B", "概ね達成", 2),
        ("C", "未達成", 1),
        ("－", "評価不能", None),
    ]
    a = RatingLevel.objects.get(scale=own, code="A")
    assert a.version == 2
    assert [h.points for h in a.history.order_by("history_date")] == [4, 3]


def test_two_secretaries_saving_at_once_get_a_conflict_not_an_overwrite(cycle):
    first, second = logged_in(secretariat()), logged_in(secretariat())
    first.post(URL, form_data(first, THREE_LEVELS))  # the year's own scale from now on
    mine = form_data(first, name="一人目の名前")
    theirs = form_data(second, name="二人目の名前")
    assert first.post(URL, mine).status_code == 302
    response = second.post(URL, theirs)
    assert response.status_code == 200
    assert "ほかの人がこの年度の評価尺度を保存しました" in response.content.decode()
    assert response.context["form"]["name"].value() == "二人目の名前"  # typed text kept
    assert Cycle.objects.get(pk=cycle.pk).rating_scale.name == "一人目の名前"
    # Saving again, having seen the other's scale, overrides knowingly.
    again = {**theirs, "version": response.context["form"]["version"].value()}
    for index in range(int(theirs["levels-INITIAL_FORMS"])):
        again[f"levels-{index}-version"] = response.context["formset"].data[
            f"levels-{index}-version"
        ]
    assert second.post(URL, again).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).rating_scale.name == "二人目の名前"


def test_two_secretaries_copying_the_default_at_once_conflict(cycle):
    first, second = logged_in(secretariat()), logged_in(secretariat())
    mine, theirs = form_data(first, THREE_LEVELS), form_data(second, THREE_LEVELS)
    assert first.post(URL, mine).status_code == 302
    assert "ほかの人がこの年度の評価尺度を保存しました" in second.post(URL, theirs).content.decode()
    assert RatingScale.objects.filter(code__startswith="revised-2017-2021").count() == 1


def test_once_a_rating_exists_the_scale_is_read_only_and_a_post_is_refused(cycle):
    client = logged_in(secretariat())
    data = form_data(client, THREE_LEVELS, name="入力した名前")
    SelfEvaluationFactory(cycle=cycle)
    page = client.get(URL).content.decode()
    assert "すでに評価が入力されているため、評価尺度は変更できません" in page
    assert 'name="levels-TOTAL_FORMS"' not in page  # shown, not offered for editing
    response = client.post(URL, data)
    assert response.status_code == 403
    text = response.content.decode()
    assert "保存できませんでした。" in text
    assert "すでに評価が入力されているため" in text
    assert 'value="入力した名前"' in text  # what was typed is still there
    assert levels_of(cycle)[2] == ("C", "一部達成", 2)  # nothing saved


def test_after_preparation_the_scale_cannot_change(cycle):
    cycle.phase = Phase.ENTRY
    cycle.save()
    client = logged_in(secretariat())
    assert (
        "「準備」の段階だけです（いまは「実施状況入力」の段階です）"
        in client.get(URL).content.decode()
    )
    assert client.post(URL, {"action": "save"}).status_code == 403


def test_only_the_secretariat_edits(cycle):
    page = logged_in(staff("city")).get(URL)
    assert page.status_code == 200
    assert "評価尺度を編集するのは事務局です。" in page.content.decode()


def test_the_model_refuses_an_edit_of_a_scale_in_use_whoever_saves(cycle):
    from evaluation.services import record_save

    default = revised_plan().rating_scale
    default.name = "書き換え"
    with pytest.raises(Exception, match="計画の既定の尺度は変更できません"):
        record_save(instance=default, expected_version=default.version, user=secretariat().user)


def test_the_secretariat_picks_another_existing_scale(cycle):
    other = RatingScale.objects.create(code="three", name="3段階評価")
    for order, (code, points) in enumerate([("A", 3), ("B", 2), ("C", 1)]):
        RatingLevel.objects.create(scale=other, code=code, label=code, points=points, order=order)
    client = logged_in(secretariat())
    response = client.post(
        URL, {"action": "pick", "scale": other.pk, "cycle_version": cycle.version}
    )
    assert response.status_code == 302
    assert levels_of(cycle) == [("A", "A", 3), ("B", "B", 2), ("C", "C", 1)]


def test_a_level_needs_points_unless_it_is_the_one_unratable_level(cycle):
    client = logged_in(secretariat())
    rows = [
        (1, "A", "達成", 4, False),
        (2, "B", "概ね達成", "", False),
        (3, "C", "一部達成", 2, False),
        (4, "×", "対象外", None, False),
        (5, "－", "評価不能", None, False),
    ]
    data = form_data(client, rows)
    data["levels-1-points"] = ""
    text = client.post(URL, data).content.decode()
    assert "点数を入力してください" in text
    data["levels-1-points"] = 3
    text = client.post(URL, data).content.decode()
    assert "「評価不能」にできる段階は1つだけです。" in text


def test_the_default_is_shown_as_a_default_example_not_the_citys(cycle):
    text = logged_in(secretariat()).get(URL).content.decode()
    assert "計画の既定（デフォルトの例）" in text
    assert "武蔵野市や委員会が定めた基準ではありません" in text


def test_the_cycle_page_links_the_scale(cycle):
    text = logged_in(secretariat()).get(cycle.get_absolute_url()).content.decode()
    assert "この年度の評価尺度（準備の段階で編集できます）" in text


def test_the_page_has_a_fixed_query_count(cycle, django_assert_num_queries):
    client = logged_in(secretariat())
    client.get(URL)  # the session and the user, read once
    with django_assert_num_queries(14):
        client.get(URL)
