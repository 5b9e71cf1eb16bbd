import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command

from evaluation.models import Phase
from tests.factories import member, secretariat
from tests.publication.conftest import DRAFT_OPINION, MEMBER_OPINION

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|src)="([^"]*)"')


def unzip(content: bytes, folder: Path) -> Path:
    archive = folder / "bundle.zip"
    archive.write_bytes(content)
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder / "site")
    return folder / "site"


def export(tmp_path: Path) -> Path:
    output = tmp_path / "out.zip"
    call_command("export_site", "revised-2017", "2020", "--output", str(output), verbosity=0)
    return unzip(output.read_bytes(), tmp_path)


def test_every_link_of_every_page_resolves_to_a_file_inside(published, tmp_path):
    site = export(tmp_path)
    pages = sorted(site.rglob("*.html"))
    assert (
        len(pages) == 1 + 1 + 1 + 1 + 1 + 1 + 12 * 2
    )  # index, tree, dashboard, 評価表, 2 notes, 施策
    checked = 0
    for page in pages:
        for url in LINK.findall(page.read_text("utf-8")):
            parts = urlsplit(url)
            if not parts.path:  # "#main": a place on the same page
                continue
            assert not parts.scheme and not parts.netloc and not url.startswith("/"), (page, url)
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page.relative_to(site), url)
            assert site.resolve() in target.parents, (page, url)
            checked += 1
    assert checked > 300


def test_the_bundle_holds_the_years_pages_open_data_and_css(published, tmp_path):
    site = export(tmp_path)
    expected = [
        "index.html",
        "plans/revised-2017/index.html",
        "dashboard/revised-2017/2020/index.html",
        "cycles/revised-2017/2020/sheet/index.html",
        "cycles/revised-2017/2020/measures/2-4/index.html",
        "opendata/revised-2017/2020/measures.csv",
        "opendata/revised-2017/2020/projects.json",
        "static/bootstrap/css/bootstrap.min.css",
        "static/policies/app.css",
    ]
    assert [name for name in expected if not (site / name).is_file()] == []
    tree = (site / "plans/revised-2017/index.html").read_text("utf-8")
    assert 'href="../../cycles/revised-2017/2020/measures/1-1/index.html"' in tree


def test_no_script_no_absolute_url_and_nothing_unpublished_is_inside(published, tmp_path):
    site = export(tmp_path)
    for path in site.rglob("*"):
        if path.is_dir() or path.suffix == ".xlsx":
            continue
        text = path.read_text("utf-8-sig")
        assert "<script" not in text, path
        assert "http://testserver" not in text and "localhost" not in text, path
        assert MEMBER_OPINION not in text, path
        assert DRAFT_OPINION not in text, path
        assert "/login/" not in text, path


def test_a_year_not_published_cannot_be_exported(published, tmp_path):
    published.phase = Phase.CONFIRMED
    published.save()
    with pytest.raises(CommandError, match="公開した年度だけ"):
        call_command("export_site", "revised-2017", "2020", "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_the_secretariat_downloads_the_bundle_from_the_cycle_page(client, published, tmp_path):
    client.force_login(secretariat().user)
    cycle_page = client.get("/cycles/revised-2017/2020/").content.decode()
    assert 'href="/cycles/revised-2017/2020/publication.zip"' in cycle_page
    response = client.get("/cycles/revised-2017/2020/publication.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="publication-revised-2017-2020.zip"'
    )
    assert (unzip(response.content, tmp_path) / "index.html").is_file()


def test_a_member_may_not_download_the_bundle(client, published):
    client.force_login(member().user)
    assert client.get("/cycles/revised-2017/2020/publication.zip").status_code == 403
