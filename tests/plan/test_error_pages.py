"""Error pages are Japanese, in the site's layout, say why, and offer a way back."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import Phase
from tests.factories import CycleFactory, member


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


def test_a_missing_page_is_a_japanese_404_with_a_way_back(db, client, production_errors):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません（404）" in html
    assert "前のページに戻る" in html and "トップページへ" in html
    assert "市民活動促進基本計画 進捗管理" in html  # the site's layout


def test_a_refusal_shows_the_access_rules_reason(db, client, production_errors):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    client.force_login(member().user)
    response = client.post(
        reverse("evaluation:cycle_move", kwargs={"plan": "revised-2017", "year": 2021}),
        {"to_phase": Phase.COMMITTEE, "version": 0},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "この操作はできません（403）" in html
    assert "段階を進める・戻すのは事務局だけです。" in html


def test_a_failed_csrf_check_explains_in_japanese(db, production_errors):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "送信を受け付けられませんでした（403）" in html
    assert "ページを再読み込み" in html


def test_a_server_error_is_a_japanese_500(db, settings, production_errors):
    settings.ROOT_URLCONF = "tests.plan.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "システムの内部でエラーが起きました（500）" in html
    assert "保存されていません" in html


def test_an_error_page_that_cannot_render_its_layout_still_answers_in_japanese(
    db, client, production_errors, monkeypatch
):
    import plan.errors

    def broken(*args, **kwargs):
        raise RuntimeError("layout")

    monkeypatch.setattr(plan.errors, "render_to_string", broken)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません（404）" in response.content.decode()
