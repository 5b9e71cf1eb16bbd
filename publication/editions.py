"""Building, publishing and reading editions (``publication.models.Edition``).

An edition is rendered by the app's own views, called as an anonymous visitor would call
them once the year is 公開: the year's phase is set to 公開 inside a savepoint that is
rolled back afterwards, and the page cache is bypassed, so every page and file is drawn
from the records as they are, by the same code and the same access rules as a live page.
Which pages a year has is read from the URL conf: every route with a ``plan`` and a
``year``, for every 施策 and open data set, as plain and with ``?previous=1`` where that
changes the output. What answers 200 to the public goes in; what does not (forms, pages
for staff) stays out.
"""

import io
import logging
from collections.abc import Iterator

import openpyxl
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evaluation import page_cache
from evaluation.models import Cycle, Phase, RatingLevel
from evaluation.sheet.layout import (
    REPORT_COLUMNS,
    committee_text,
    reference_text,
    report_values,
    self_evaluation_text,
)
from evaluation.sheet.pdf import sheet_pdf
from evaluation.sheet.table import build_table
from policies.fiscal_years import wareki
from policies.models import Measure
from policies.spreadsheet import save_xlsx
from publication import opendata
from publication.bundle import build_bundle
from publication.models import Edition, EditionFile
from publication.rendering import render_as_public

security = logging.getLogger("security")
logger = logging.getLogger(__name__)

PREVIOUS = "?previous=1"
# Values the year's routes take besides ``plan`` and ``year``, by converter name.
KNOWN_PARTS = {"plan", "year", "number", "dataset"}
# The list of a year's editions grows with every edition: it is read live, never stored.
LIVE_ROUTES = {"publication:editions"}


# --- which pages a year has -----------------------------------------------------------------


def _routes(patterns, prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(``namespace:name``, its converter names) of every named route in the URL conf."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, set(entry.pattern.converters)


def year_routes() -> dict[str, set[str]]:
    """Routes of one year: those with a ``plan`` and a ``year`` and nothing else to fill in
    than a 施策 number or an open data set (a route naming one 事業 or one record is a form
    or a staff page, which the public never reads), with their parts."""
    return {
        name: parts
        for name, parts in sorted(_routes(get_resolver().url_patterns))
        if {"plan", "year"} <= parts <= KNOWN_PARTS and name not in LIVE_ROUTES
    }


def year_paths(cycle: Cycle) -> list[str]:
    """Every URL path of the year's routes (``year_routes``), filled in."""
    plan, year = cycle.plan.code, cycle.fiscal_year
    numbers = list(Measure.objects.of_plan(cycle.plan).values_list("number", flat=True))
    values = {"number": numbers, "dataset": list(opendata.DATASETS)}
    paths: list[str] = []
    for name, parts in year_routes().items():
        combos: list[dict] = [{}]
        for part in sorted(parts - {"plan", "year"}):
            combos = [{**c, part: v} for c in combos for v in values[part]]
        paths.extend(
            reverse(name, kwargs={"plan": plan, "year": year, **combo}) for combo in combos
        )
    return paths


# --- rendering --------------------------------------------------------------------------------


def _render(path: str) -> tuple[int, bytes, str, str]:
    """(status, bytes, content type, content disposition) of ``path`` for an anonymous
    visitor, through the app's own view."""
    page = render_as_public(path, host=_host())
    return page.status, page.content, page.content_type, page.disposition


def _host() -> str:
    """A host the settings accept (a login redirect builds an absolute URL from it)."""
    named = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    return named[0] if named else "localhost"


def file_name(path: str, cycle: Cycle) -> str:
    """「sheet.pdf」, 「measures_1-1.html」, 「opendata_projects.csv」: the path without the
    plan and year, so that every edition names its files alike."""
    url, _sep, query = path.partition("?")
    skip = {cycle.plan.code, str(cycle.fiscal_year)}
    segments = [s for s in url.split("/") if s and s not in skip]
    if segments[:1] == ["cycles"]:
        segments = segments[1:]
    name = "_".join(segments) or "index"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, "html"
    if query:
        stem += "-previous"
    return f"{stem}.{extension}"


def render_files(cycle: Cycle) -> list[EditionFile]:
    """The year's public pages and files as the public gets them once it is 公開 (call with
    the year 公開; see ``edition_build``)."""
    files: list[EditionFile] = []
    for path in year_paths(cycle):
        status, content, content_type, disposition = _render(path)
        if status != 200:
            continue
        files.append(_file(cycle, path, content, content_type, disposition))
        status, previous, content_type, disposition = _render(path + PREVIOUS)
        if status == 200 and previous != content:
            files.append(_file(cycle, path + PREVIOUS, previous, content_type, disposition))
    bundle_path = reverse(
        "publication:bundle", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year}
    )
    files.append(
        _file(cycle, bundle_path, build_bundle(cycle), "application/zip", "", public=False)
    )
    return files


def _file(cycle, path, content, content_type, disposition, public=True) -> EditionFile:
    return EditionFile.of(
        name=file_name(path, cycle),
        path=path,
        content_type=content_type,
        disposition=disposition,
        content=content,
        public=public,
    )


# --- what the outputs show ----------------------------------------------------------------


def snapshot_of(cycle: Cycle) -> dict:
    """What the year's pages and files show, as JSON: labels, the scale, and one entry per
    printed cell of the 評価表 (施策 and 展開 titles, 事業 as printed with their 実施状況,
    each 自己評価 or 該当なし, the 委員会評価, the 参考指標 values), keyed so that two
    editions can be compared cell by cell (``errata_between``)."""
    table = build_table(cycle)
    entries: dict[str, dict] = {}

    def put(key: str, where: str, text) -> None:
        entries[key] = {"where": where, "text": "" if text is None else str(text)}

    plan = table.cycle.plan  # its own words for its levels
    for policy in table.policies:
        bp = policy.basic_policy
        put(f"policy:{bp.number}", f"{plan.basic_policy_label}{bp.number}", bp.title)
        for block in policy.measures:
            m = block.measure
            at = f"{plan.measure_label} {m.number}"
            put(f"measure:{m.number}", at, m.title)
            for item in block.initiatives:
                put(
                    f"initiative:{m.number}:{item.code}", f"{at} {item.code}", item.initiative.title
                )
                for line in item.lines:
                    p = line.project
                    where = f"事業 {p.code}"
                    put(f"project:{p.code}:name", f"{where} 事業名", p.name)
                    put(f"project:{p.code}:department", f"{where} 担当課", p.department)
                    for column, value in zip(
                        REPORT_COLUMNS, report_values(line.reports[-1]), strict=True
                    ):
                        put(f"project:{p.code}:{column}", f"{where} {column}", value)
            for row in block.self_evaluations:
                evaluation, asked = row.cells[-1]
                put(
                    f"self:{m.number}:{row.body.code}",
                    f"{at} 自己評価（{row.body.name}）",
                    self_evaluation_text(evaluation, asked),
                )
            put(f"committee:{m.number}", f"{at} 委員会評価", committee_text(block.committee[-1]))
            if block.reference:
                put(f"reference:{m.number}", f"{at} 参考指標", reference_text(block.reference[-1]))
    levels = RatingLevel.objects.filter(scale_id=cycle.scale_id).order_by("order")
    for level in levels:
        put(f"scale:{level.code}", f"評価尺度 {level.code}", f"{level.label}（{level.points}点）")
    return {
        "plan": {
            "code": cycle.plan.code,
            "name": cycle.plan.name,
            "short_name": cycle.plan.short_name,
        },
        "year": {"fiscal_year": cycle.fiscal_year, "label": wareki(cycle.fiscal_year)},
        "entries": entries,
    }


def errata_between(before: dict, after: dict) -> list[dict]:
    """The 正誤表 rows (where, before, after) from one edition's snapshot to the next's, in
    the order of the later edition."""
    old, new = before.get("entries", {}), after.get("entries", {})
    rows = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was and now and was["text"] == now["text"]:
            continue
        rows.append(
            {
                "where": (now or was)["where"],
                "before": was["text"] if was else "",
                "after": now["text"] if now else "",
            }
        )
    return rows


# --- the year's editions ------------------------------------------------------------------


def _rendered_as_published(cycle: Cycle) -> tuple[list[EditionFile], dict]:
    """Files and snapshot of the year as the public will get it once 公開 (see the
    module's docstring); nothing of the rendering stays in the database or the cache."""
    with page_cache.bypassed(), transaction.atomic():
        savepoint = transaction.savepoint()
        try:
            # No save(): no history row, no cache invalidation for a phase never kept.
            Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLISHED)
            public = Cycle.objects.select_related("plan").get(pk=cycle.pk)
            return render_files(public), snapshot_of(public)
        finally:
            transaction.savepoint_rollback(savepoint)


@transaction.atomic
def edition_build(*, cycle: Cycle, user: User | None, reason: str = "") -> Edition:
    """A new draft edition of a locked year (第1版, or the next number after a published
    one): rendered, hashed and stored; the 正誤表 against the last published edition, each
    row with the 訂正's ``reason`` and the date, printed in the edition's PDF and workbook
    too."""
    cycle = Cycle.objects.select_for_update().select_related("plan").get(pk=cycle.pk)
    files, snapshot = _rendered_as_published(cycle)
    last = cycle.editions.order_by("-number").first()
    published = cycle.editions.published().order_by("-number").first()
    number = (last.number + 1) if last else 1
    built_at = timezone.now()
    errata = [
        {**row, "reason": reason, "date": timezone.localdate(built_at).isoformat()}
        for row in (errata_between(published.snapshot, snapshot) if published else [])
    ]
    if errata:
        files = [_with_errata(f, cycle, errata, number) for f in files]
    edition = Edition.objects.create(
        cycle=cycle,
        number=number,
        plan_code=cycle.plan.code,
        fiscal_year=cycle.fiscal_year,
        built_at=built_at,
        built_by=user,
        snapshot=snapshot,
        errata=errata,
    )
    for f in files:
        f.edition = edition
    EditionFile.objects.bulk_create(files)
    return edition


ERRATA_HEADINGS = ["箇所", "誤（前の版）", "正（この版）", "訂正の理由", "訂正日"]
ERRATA_KEYS = ("where", "before", "after", "reason", "date")


def _with_errata(stored: EditionFile, cycle: Cycle, errata: list[dict], number: int):
    """The edition's 評価表 files with their 正誤表: the workbook gets a sheet, the PDF a
    last page; every other file is as rendered."""
    if stored.name.endswith(".xlsx"):
        return _with_errata_sheet(stored, errata, number)
    if stored.name.endswith(".pdf"):
        return _with_errata_pages(stored, cycle, errata, number)
    return stored


def _with_errata_pages(stored: EditionFile, cycle: Cycle, errata: list[dict], number: int):
    """The 評価表 PDF drawn again with the 正誤表 after the tables (the print view's tables,
    with or without last year's columns as the stored file was)."""
    table = build_table(cycle, with_previous_year=stored.path.endswith(PREVIOUS))
    tables = render_to_string("evaluation/_sheet_tables.html", {"cycle": cycle, "table": table})
    appendix = render_to_string(
        "publication/_errata.html", {"errata": errata, "label": f"第{number}版"}
    )
    return _replaced(stored, sheet_pdf(cycle, mark_safe(tables + appendix)))  # our templates


def _with_errata_sheet(stored: EditionFile, errata: list[dict], number: int) -> EditionFile:
    """The workbook with a 「正誤表」 sheet after the 評価表. Text is kept as text (never a
    formula) and without the characters a workbook cannot hold."""
    book = openpyxl.load_workbook(io.BytesIO(bytes(stored.content)))
    sheet = book.create_sheet("正誤表")
    sheet.append([f"正誤表（第{number}版）"])
    sheet.append(ERRATA_HEADINGS)
    for row in errata:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", row.get(k, "")) for k in ERRATA_KEYS])
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.value is not None:
                cell.data_type = "s"
    out = io.BytesIO()
    # Dated as the stored file was, so the same 正誤表 gives the same bytes.
    save_xlsx(book, out, fixed=book.properties.modified or book.properties.created)
    return _replaced(stored, out.getvalue())


def _replaced(stored: EditionFile, content: bytes) -> EditionFile:
    return EditionFile.of(
        name=stored.name,
        path=stored.path,
        content_type=stored.content_type,
        content=content,
        disposition=stored.disposition,
        public=stored.public,
    )


def draft_of(cycle: Cycle) -> Edition | None:
    return cycle.editions.drafts().order_by("-number").first()


@transaction.atomic
def edition_drop_draft(*, cycle: Cycle) -> None:
    """The year left 確定 before 公開: its draft edition no longer shows what it will print.
    A published edition is never dropped."""
    cycle.editions.drafts().delete()


@transaction.atomic
def edition_publish(*, cycle: Cycle, user: User | None) -> Edition:
    """The year became 公開: its draft edition is published (built first if the year was
    locked before editions existed). A year moved back from 公開 and published again keeps
    its last published edition when no draft was built in between."""
    edition = draft_of(cycle)
    if edition is None:
        current = cycle.editions.published().order_by("-number").first()
        if current is not None:
            return current
        edition = edition_build(cycle=cycle, user=user)
    edition.publish()
    security.info(
        "%s %s を公開しました。",
        wareki(edition.fiscal_year),
        edition.label,
        extra={
            "event": "edition.published",
            "user_id": user.pk if user else None,
            "cycle": cycle.pk,
        },
    )
    return edition


def on_phase_moved(*, cycle: Cycle, from_phase: str, to_phase: str, user, **_kwargs) -> None:
    """Subscribed to ``evaluation.signals.phase_moved`` (see apps.py). Runs after the move
    committed; an edition that cannot be built is logged and built again at 公開 (or by
    ``manage.py build_editions``), and the phase move stands."""
    try:
        if to_phase == Phase.CONFIRMED and from_phase == Phase.COMMITTEE:
            edition_drop_draft(cycle=cycle)
            edition_build(cycle=cycle, user=user)
        elif to_phase == Phase.PUBLISHED:
            edition_publish(cycle=cycle, user=user)
        elif from_phase == Phase.CONFIRMED and to_phase == Phase.COMMITTEE:
            edition_drop_draft(cycle=cycle)
    except Exception:
        logger.exception("%s の版を作れませんでした", cycle)
