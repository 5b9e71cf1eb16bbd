"""The publication bundle: a year's public pages as static HTML in a zip, for the city's
internet site (the app itself may run inside the LGWAN).

The real views render each page as an anonymous visitor sees it (so nothing unpublished,
no member's own rating or opinion, can get in: the same access rules decide). Links between
the pages become relative file paths; links to pages outside the bundle (log in, forms)
lose their ``href``; the stylesheets are copied in. Nothing needs JavaScript or a server:
the pages work opened from disk and on any static web server.
"""

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.urls import reverse

from evaluation.models import Cycle
from policies.models import Measure
from publication import opendata
from publication.rendering import render_as_public

ATTRIBUTE = re.compile(r'(?P<name>href|src)="(?P<url>[^"]*)"')
# Only the app's own pages: the first path segment of every URL the bundle may hold.
HTML = "text/html"


class NotPublished(Exception):
    """Only a 公開 year has a publication bundle."""


@dataclass
class Page:
    path: str  # the URL path in the app
    file: str  # the file's path inside the zip
    content: bytes
    content_type: str


def file_for(path: str) -> str:
    """The file inside the bundle for an app URL path: directories get an index.html."""
    path = urlsplit(path).path.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    return path


def pages_of(cycle: Cycle) -> list[str]:
    """The URL paths of the year's public pages and files, the start page first."""
    plan, year = cycle.plan.code, cycle.fiscal_year
    measures = list(Measure.objects.of_plan(cycle.plan).values_list("number", flat=True))
    paths = [
        reverse("policies:tree", kwargs={"plan": plan}),
        reverse("evaluation:dashboard", kwargs={"plan": plan, "year": year}),
        reverse("evaluation:sheet_print", kwargs={"plan": plan, "year": year}),
        reverse("evaluation:sheet_xlsx", kwargs={"plan": plan, "year": year}),
        reverse("evaluation:sheet_csv", kwargs={"plan": plan, "year": year}),
        *(
            reverse(f"evaluation:sheet_csv_{level}", kwargs={"plan": plan, "year": year})
            for level in ("measures", "projects", "indicators", "columns")
        ),
        reverse("publication:opendata_columns"),
        reverse("publication:accessibility"),
    ]
    for number in measures:
        kwargs = {"plan": plan, "number": number}
        paths.append(reverse("policies:measure", kwargs=kwargs))
        paths.append(reverse("evaluation:measure_year", kwargs={**kwargs, "year": year}))
    for slug in opendata.DATASETS:
        for name in ("publication:opendata_csv", "publication:opendata_json"):
            paths.append(reverse(name, kwargs={"plan": plan, "year": year, "dataset": slug}))
    return paths


def _render(path: str, cycle: Cycle) -> Page:
    """The page as an anonymous visitor gets it, through the app's own view; base.html
    gives the bundle's own pages a header of their own (``publication_bundle``)."""
    page = render_as_public(path, publication_bundle=cycle)
    if page.status != 200:
        raise NotPublished(f"{path}: {page.status}")
    return Page(path, file_for(path), page.content, page.content_type.split(";")[0])


def _static_file(name: str) -> bytes | None:
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as f:
            return f.read()
    found = finders.find(name)
    if found:
        with open(found, "rb") as f:
            return f.read()
    return None


def _rewrite(page: Page, files: dict[str, str], statics: dict[str, bytes]) -> bytes:
    """Links to bundled pages become relative paths; stylesheets and scripts are copied in;
    other links to the app lose their href (a plain text, not a broken link)."""
    here = posixpath.dirname(page.file)
    static_url = "/" + settings.STATIC_URL.lstrip("/")

    def relative(target: str) -> str:
        return posixpath.relpath(target, here or ".")

    def replace(match: re.Match) -> str:
        name, url = match["name"], match["url"]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "data:")):
            return match[0]  # fragments, and other sites (the bundle holds none of the app)
        if parts.path.startswith(static_url):
            static_name = parts.path[len(static_url) :]
            content = _static_file(static_name)
            if content is None:
                return ""
            statics[static_name] = content
            return f'{name}="{relative("static/" + static_name)}"'
        target = files.get(parts.path)
        if target is None:
            return ""
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f'{name}="{relative(target)}{fragment}"'

    return ATTRIBUTE.sub(replace, page.content.decode("utf-8")).encode("utf-8")


def build_bundle(cycle: Cycle) -> bytes:
    """The zip of the year's public pages (see the module's docstring)."""
    if not cycle.is_published:
        raise NotPublished(f"{cycle} は公開されていません")
    pages = [_render(path, cycle) for path in pages_of(cycle)]
    files = {p.path: p.file for p in pages}
    statics: dict[str, bytes] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            content = _rewrite(page, files, statics) if page.content_type == HTML else page.content
            archive.writestr(page.file, content)
        archive.writestr("index.html", _start_page(cycle, pages))
        for name, content in sorted(statics.items()):
            archive.writestr("static/" + name, content)
    return out.getvalue()


def _start_page(cycle: Cycle, pages: list[Page]) -> bytes:
    """The bundle's own index.html: where to begin reading."""
    plan, year = cycle.plan.code, cycle.fiscal_year
    labels = [
        (reverse("policies:tree", kwargs={"plan": plan}), "施策体系（施策ごとの結果へ）"),
        (reverse("evaluation:dashboard", kwargs={"plan": plan, "year": year}), "ダッシュボード"),
        (
            reverse("evaluation:sheet_print", kwargs={"plan": plan, "year": year}),
            "評価表（印刷用）",
        ),
        (reverse("publication:opendata_columns"), "オープンデータの項目の説明"),
        (reverse("publication:accessibility"), "アクセシビリティ方針"),
    ]
    files = {p.path: p.file for p in pages}
    links = [(label, files[path]) for path, label in labels if path in files]
    return render_to_string(
        "publication/bundle_index.html", {"cycle": cycle, "links": links}
    ).encode("utf-8")
