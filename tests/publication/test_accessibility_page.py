import json

import pytest

from publication import accessibility_record

pytestmark = pytest.mark.django_db


def test_every_page_links_to_the_accessibility_statement_in_its_footer(client):
    for url in ("/plans/revised-2017/", "/login/", "/opendata/", "/accessibility/"):
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        assert 'href="/accessibility/">アクセシビリティ方針</a>' in footer, url


def test_the_statement_gives_scope_target_method_and_exceptions(client, settings, tmp_path):
    settings.ACCESSIBILITY_RECORD = tmp_path / "none.json"
    html = client.get("/accessibility/").content.decode()
    for heading in ("対象範囲", "目標とする適合レベル", "確認の方法", "既知の例外"):
        assert f">{heading}</h2>" in html
    assert "JIS X 8341-3:2016 の適合レベル AA" in html
    assert "axe-core" in html


def test_the_statement_shows_the_newest_recorded_run(client, settings, tmp_path):
    record = tmp_path / "last-run.json"
    record.write_text(
        json.dumps({"date": "2999-04-01", "users": {"anonymous": {"pages": 18, "violations": 0}}}),
        "utf-8",
    )
    settings.ACCESSIBILITY_RECORD = record
    html = client.get("/accessibility/").content.decode()
    assert "最後に自動検査をした日: 2999年4月1日" in html
    assert '<th scope="row">ログインしていない人（市民）</th><td class="text-end">18</td>' in html


def test_the_release_carries_a_record_of_its_last_run():
    check = accessibility_record._read(accessibility_record.RELEASED)
    assert check is not None
    assert [violations for _who, _pages, violations in check.users] == [0] * 7
