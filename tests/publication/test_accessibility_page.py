from datetime import date

import pytest

from ops.models import AccessibilityCheck
from policies.fiscal_years import wareki_date
from publication import accessibility_record

pytestmark = pytest.mark.django_db


def test_every_page_links_to_the_accessibility_statement_in_its_footer(client):
    for url in ("/plans/revised-2017/", "/login/", "/opendata/", "/accessibility/"):
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        assert 'href="/accessibility/">アクセシビリティ方針</a>' in footer, url


def test_the_statement_gives_scope_target_method_and_exceptions(client):
    html = client.get("/accessibility/").content.decode()
    for heading in ("対象範囲", "目標とする適合レベル", "確認の方法", "既知の例外"):
        assert f">{heading}</h2>" in html
    assert "JIS X 8341-3:2016 の適合レベル AA" in html
    assert "axe-core" in html


def test_the_statement_shows_the_run_recorded_in_the_database(
    client, django_assert_max_num_queries
):
    AccessibilityCheck.objects.create(
        who="anonymous", checked_on=date(2999, 4, 1), pages=18, violations=0
    )
    AccessibilityCheck.objects.create(
        who="member", checked_on=date(2999, 3, 31), pages=40, violations=1
    )
    with django_assert_max_num_queries(4):  # the layout (plans) and the record
        html = client.get("/accessibility/").content.decode()
    assert "最後に自動検査をした日: 令和981年4月1日" in html  # 和暦, as every date shown
    assert '<th scope="row">ログインしていない人（市民）</th><td class="text-end">18</td>' in html
    assert (
        '<th scope="row">委員</th><td class="text-end">40</td><td class="text-end">1</td>' in html
    )


def test_without_a_newer_recorded_run_the_release_record_is_shown(client):
    AccessibilityCheck.objects.create(
        who="anonymous", checked_on=date(2000, 4, 1), pages=3, violations=9
    )
    released = accessibility_record._read(accessibility_record.RELEASED)
    html = client.get("/accessibility/").content.decode()
    assert f"最後に自動検査をした日: {wareki_date(released.date)}" in html
    assert '<td class="text-end">9</td>' not in html


def test_the_release_carries_a_record_of_its_last_run():
    check = accessibility_record._read(accessibility_record.RELEASED)
    assert check is not None
    assert [violations for _who, _pages, violations in check.users] == [0] * 7
