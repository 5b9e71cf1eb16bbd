"""Each cycle rates on its own scale: chosen by the 事務局 in 準備, fixed once any rating
exists, offered by the rating forms; trends across scales compare shares of the maximum."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from evaluation.models import Phase
from evaluation.rollups import ratings
from policies.models import RatingLevel, RatingScale
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    SelfEvaluationFactory,
    level,
    measure,
    revised_plan,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_levels() -> RatingScale:
    """流山's A–C, as the committee might re-set its criteria."""
    scale = RatingScale.objects.create(code="three", name="3段階評価（A〜C）")
    for order, (code, label, points) in enumerate(
        [("A", "達成", 3), ("B", "概ね達成", 2), ("C", "未達成", 1), ("－", "評価不能", None)]
    ):
        RatingLevel.objects.create(scale=scale, code=code, label=label, points=points, order=order)
    return scale


def logged_in(participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


def test_a_three_level_year_and_a_four_level_year_roll_into_one_trend(three_levels):
    earlier = CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED, rating_scale=three_levels)
    later = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)  # the default A–D
    b_of_three = RatingLevel.objects.get(scale=three_levels, code="B")
    CommitteeEvaluationFactory(cycle=earlier, measure=measure("1-1"), rating=b_of_three)
    CommitteeEvaluationFactory(cycle=later, measure=measure("1-1"), rating=level("B"))

    trend = [
        p for p in ratings.rating_trends(revised_plan())[measure("1-1").pk] if p.fiscal_year >= 2019
    ]  # (2016 is the first-half plan's mid-term review: opinions without ratings)
    assert [(p.fiscal_year, p.committee.code, p.scale_max) for p in trend] == [
        (2019, "B", 3),
        (2020, "B", 4),
    ]
    assert [round(p.committee_share, 3) for p in trend] == [0.667, 0.75]

    html = (
        logged_in(secretariat())
        .get(reverse("evaluation:dashboard_trends", kwargs={"plan": "revised-2017"}))
        .content.decode()
    )
    assert "その年度の尺度の最高点に対する割合（%）で比べています" in html
    assert "縦軸: その年度の評価尺度の最高点に対する割合" in html
    assert "委員会: B（最高点の67%）" in html and "委員会: B（最高点の75%）" in html


def test_one_scale_for_every_year_keeps_the_levels_on_the_chart():
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("1-1"), rating=level("B"))
    html = (
        logged_in(secretariat())
        .get(reverse("evaluation:dashboard_trends", kwargs={"plan": "revised-2017"}))
        .content.decode()
    )
    assert "最高点に対する割合" not in html


def test_the_rating_forms_offer_the_cycles_own_levels(three_levels):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY, rating_scale=three_levels)
    page = reverse(
        "evaluation:self_evaluation",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1", "body": "city"},
    )
    form = logged_in(staff("city")).get(page).context["form"]
    assert [str(lv) for lv in form.fields["rating"].queryset.order_by("order")] == [
        str(lv) for lv in three_levels.levels.order_by("order")
    ]
    assert level("D") not in form.fields["rating"].queryset  # the default scale's D


def test_the_secretariat_picks_the_scale_in_preparation(three_levels):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.PREPARATION)
    edit = reverse("evaluation:cycle_edit", kwargs={"plan": "revised-2017", "year": 2021})
    response = logged_in(secretariat()).post(
        edit, {"rating_scale": three_levels.pk, "version": cycle.version}
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.rating_scale == three_levels


def test_the_scale_is_fixed_once_a_rating_exists(three_levels):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.PREPARATION)
    SelfEvaluationFactory(cycle=cycle)
    edit = reverse("evaluation:cycle_edit", kwargs={"plan": "revised-2017", "year": 2021})
    client = logged_in(secretariat())
    form = client.get(edit).context["form"]
    assert form.fields["rating_scale"].disabled
    assert "評価がまだ1件もないときだけです" in form.fields["rating_scale"].help_text
    client.post(edit, {"rating_scale": three_levels.pk, "version": cycle.version})
    cycle.refresh_from_db()
    assert cycle.rating_scale_id in (None, revised_plan().rating_scale_id)
    # Whatever the writer (the admin, a script), the model refuses the change.
    cycle.rating_scale = three_levels
    with pytest.raises(ValidationError) as refused:
        cycle.full_clean()
    assert refused.value.message_dict["rating_scale"] == [
        "この年度は評価が入力済みのため、評価尺度は変えられません。"
    ]


def test_the_default_scale_is_labelled_as_an_example():
    assert revised_plan().rating_scale.name.startswith("既定の例")
