"""No side door into a locked (確定/公開) year: its cycle (year, dates, scale), the scale and
levels it was rated on, and its 参考指標 values are read-only in the admin for every user —
the 事務局 (staff) and a superuser alike — with the reason in Japanese, and in the app."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import Cycle, Indicator, IndicatorValue, Phase
from policies.models import RatingLevel, RatingScale
from tests.factories import CycleFactory, UserFactory, revised_plan, secretariat

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"


@pytest.fixture(params=["staff", "superuser"])
def admin_user(request, client):
    """The demo's 事務局 is staff with every model permission but no superuser; IT is one."""
    if request.param == "superuser":
        user = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    else:
        from django.contrib.auth.models import Permission

        user = secretariat().user
        user.is_staff = True
        user.save()
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["evaluation", "policies"])
        )
    client.force_login(user)
    return client


def admin_url(record, action: str = "change") -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[record.pk])


@pytest.fixture
def published():
    return CycleFactory(
        fiscal_year=2020,
        phase=Phase.PUBLISHED,
        entry_due=date(2021, 5, 31),
        committee_due=date(2021, 7, 31),
    )


def cycle_post(cycle: Cycle, **changes) -> dict:
    data = {
        "plan": cycle.plan_id,
        "fiscal_year": cycle.fiscal_year,
        "entry_due": "2021-05-31",
        "committee_due": "2021-07-31",
        "confirm_due": "",
        "publish_due": "",
        "rating_scale": "",
        "opened_version": cycle.version,
    }
    return {**data, **changes}


def test_the_admin_shows_a_published_cycle_read_only_with_the_reason(admin_user, published):
    page = admin_user.get(admin_url(published)).content.decode()
    assert 'name="fiscal_year"' not in page
    assert "「公開」の段階のため、年度・期限・評価尺度は変更できません。" in page


def test_the_admin_refuses_to_relabel_or_delete_a_published_cycle(admin_user, published):
    response = admin_user.post(admin_url(published), cycle_post(published, fiscal_year=2019))
    assert response.status_code == 403
    assert admin_user.post(admin_url(published, "delete"), {"post": "yes"}).status_code == 403
    saved = Cycle.objects.get(pk=published.pk)
    assert (saved.fiscal_year, saved.entry_due) == (2020, date(2021, 5, 31))
    assert admin_user.get(f"/cycles/{PLAN}/2020/sheet/").status_code == 200


def test_the_admin_still_edits_the_dates_of_an_open_cycle(admin_user):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    response = admin_user.post(
        admin_url(cycle), cycle_post(cycle, entry_due="2022-06-30", committee_due="2022-07-31")
    )
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).entry_due == date(2022, 6, 30)


def test_the_admin_refuses_to_change_the_scale_and_levels_a_locked_year_used(admin_user, published):
    scale = RatingScale.objects.get(code="tama-4")  # the plan's default, read by 2020
    a = scale.levels.get(code="A")
    page = admin_user.get(admin_url(a)).content.decode()
    assert 'name="label"' not in page and "計画の既定の尺度は変更できません。" in page
    response = admin_user.post(
        admin_url(a), {"scale": scale.pk, "code": "A", "label": "書き換えた意味", "order": 1}
    )
    assert response.status_code == 403
    assert admin_user.post(admin_url(a, "delete"), {"post": "yes"}).status_code == 403
    assert admin_user.post(admin_url(scale), {"code": "tama-4", "name": "別名"}).status_code == 403
    assert 'name="levels-0-label"' not in admin_user.get(admin_url(scale)).content.decode()
    assert RatingLevel.objects.get(pk=a.pk).label == a.label


def test_the_scale_of_a_year_of_its_own_is_locked_once_the_year_is_past_preparation(
    admin_user,
):
    scale = RatingScale.objects.create(code="ten", name="10点評価")
    level = RatingLevel.objects.create(scale=scale, code="A", label="達成", points=10, order=1)
    CycleFactory(fiscal_year=2019, phase=Phase.CONFIRMED, rating_scale=scale)
    response = admin_user.post(
        admin_url(level), {"scale": scale.pk, "code": "A", "label": "変更", "points": 4, "order": 1}
    )
    assert response.status_code == 403
    assert RatingLevel.objects.get(pk=level.pk).points == 10


@pytest.fixture
def values(published):
    indicator = Indicator.objects.create(plan=revised_plan(), name="市民活動団体の登録数")
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    return (
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, actual=25, target=25),
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, actual=30),
    )


def test_the_admin_refuses_a_locked_years_indicator_value(admin_user, values):
    locked, open_ = values
    data = {"indicator": locked.indicator_id, "fiscal_year": 2020, "actual": "30", "target": "25"}
    page = admin_user.get(admin_url(locked)).content.decode()
    assert "令和2（2020）年度の評価は確定しているため" in page
    assert admin_user.post(admin_url(locked), {**data, "opened_version": 1}).status_code == 403
    assert admin_user.post(admin_url(locked, "delete"), {"post": "yes"}).status_code == 403
    assert IndicatorValue.objects.get(pk=locked.pk).actual == Decimal("25")
    assert admin_user.get(admin_url(open_)).status_code == 200
    assert 'name="actual"' in admin_user.get(admin_url(open_)).content.decode()


def value_url(value: IndicatorValue) -> str:
    kwargs = {"plan": PLAN, "pk": value.indicator_id, "year": value.fiscal_year}
    return reverse("evaluation:indicator_value_edit", kwargs=kwargs)


def test_the_value_form_of_a_locked_year_is_read_only_with_the_reason(client, values):
    locked, open_ = values
    client.force_login(secretariat().user)
    page = client.get(value_url(locked)).content.decode()
    assert "保存する" not in page
    assert (
        "令和2（2020）年度の評価は確定しているため、この年度の参考指標の値は変更できません。"
        in page
    )
    response = client.post(value_url(locked), {"actual": "30", "target": "25", "version": "1"})
    assert response.status_code == 403
    assert "30" in response.content.decode()  # what was typed stays in the form
    assert IndicatorValue.objects.get(pk=locked.pk).actual == Decimal("25")
    assert "保存する" in client.get(value_url(open_)).content.decode()


def test_the_cycle_edit_page_refuses_the_dates_of_a_locked_year(client, published):
    client.force_login(secretariat().user)
    url = reverse("evaluation:cycle_edit", kwargs={"plan": PLAN, "year": 2020})
    page = client.get(url).content.decode()
    assert "「公開」の段階のため、年度・期限・評価尺度は変更できません。" in page
    assert "保存する" not in page
    response = client.post(
        url,
        {"fiscal_year": "2020", "entry_due": "2021-06-30", "version": published.version},
    )
    assert response.status_code == 403
    assert "2021-06-30" in response.content.decode()
    assert Cycle.objects.get(pk=published.pk).entry_due == date(2021, 5, 31)


def test_the_admin_refuses_to_add_a_level_to_a_scale_in_use_or_a_value_to_a_locked_year(
    admin_user, values
):
    scale = RatingScale.objects.get(code="tama-4")
    response = admin_user.post(
        reverse("admin:policies_ratinglevel_add"),
        {"scale": scale.pk, "code": "E", "label": "追加した段階", "points": 0, "order": 9},
    )
    assert response.status_code == 200
    assert "計画の既定の尺度は変更できません。" in response.content.decode()
    assert not scale.levels.filter(code="E").exists()
    indicator = values[0].indicator
    indicator.values.filter(fiscal_year=2020).delete()
    response = admin_user.post(
        reverse("admin:evaluation_indicatorvalue_add"),
        {"indicator": indicator.pk, "fiscal_year": 2020, "actual": "30", "opened_version": 0},
    )
    assert response.status_code == 200
    assert "この年度の参考指標の値は変更できません。" in response.content.decode()
    assert not indicator.values.filter(fiscal_year=2020).exists()
