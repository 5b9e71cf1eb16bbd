"""The publication bundle opened from disk (file://), as a citizen's browser would show it
from the city's site: every page passes axe and needs no script or server."""

import re
import zipfile

import pytest

from publication.bundle import build_bundle
from tests.e2e import axe
from tests.publication.conftest import _published_year


@pytest.fixture
def site(db, tmp_path):
    cycle = _published_year()
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(build_bundle(cycle))
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "site")
    return tmp_path / "site"


def test_every_page_of_the_bundle_opened_from_disk_has_no_wcag_violation(pages, site):
    page = pages.open()
    axe.install(page.context)
    found, checked = {}, []
    for path in sorted(site.rglob("*.html")):
        page.goto(path.as_uri())
        page.wait_for_load_state()
        # The stylesheet loaded from the bundle (the navigation bar is the site's dark blue).
        if path.name == "index.html" and path.parent != site:
            assert page.evaluate(
                "getComputedStyle(document.querySelector('nav')).backgroundColor"
            ) in ("rgb(8, 66, 152)", "rgba(0, 0, 0, 0)"), path
        violations = axe.violations(page)
        if violations:
            found[str(path.relative_to(site))] = [str(v) for v in violations]
        checked.append(str(path.relative_to(site)))
    print("\n".join(["", f"{len(checked)} ページ（file://）:", *checked]))
    assert len(checked) == 30
    assert found == {}
    # axe reads stylesheets with XMLHttpRequest, which file:// refuses: axe's, not the page's.
    assert [p for p in pages.problems(page) if "XMLHttpRequest" not in p] == []


def test_the_start_page_leads_to_a_measures_results_by_links_alone(pages, site):
    page = pages.open()
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="施策体系（施策ごとの結果へ）").click()
    page.get_by_role("link", name=re.compile(r"^令和2年度\s*（1-1）$")).click()
    assert page.url.endswith("/cycles/revised-2017/2020/measures/1-1/index.html")
    assert "概ね達成。参加の入口は広がった。" in page.locator("main").inner_text()
