"""Every public page and file of a published year is hashed, every writer there is runs in
turn, and every hash is the same afterwards: a published year is its edition.

The public URLs are listed from the URL conf (every route with a year, as the access
matrix fills it in, for every 施策 and open data set, plain and with ``?previous=1``), read
by an anonymous visitor and, for the files, by a logged-in member. The writers are listed
in ``WRITERS`` and ``admin_writers``; each says what it did, so that a writer that was
refused is told apart from one that saved.
"""

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import services
from evaluation.models import Indicator, IndicatorValue, Phase, Project
from policies.models import Initiative, Measure, Plan
from publication import opendata
from publication.models import Edition
from tests.evaluation.test_access_matrix import MATRIX
from tests.evaluation.test_publication import confirm_all
from tests.factories import (
    CycleFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    UserFactory,
    body,
    level,
    measure,
    member,
    secretariat,
    staff,
)
from tests.publication.html_forms import main_form, with_text_changed

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"
YEAR = 2020
TEXTS = ("name", "title", "label", "activities", "reason", "opinion", "note", "first_name")


@dataclass
class World:
    superuser: User
    staff_admin: User  # the 事務局 in the admin: is_staff, every permission, no superuser
    jimukyoku: User
    staff_a: User
    member: User
    indicator: Indicator


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    """令和2年度 published through 確定 and 公開 (第1版), 令和3年度 open for entry and
    令和4年度 in 準備; a 事業 in both years, a 参考指標 with values for both."""
    jimukyoku = secretariat().user
    jimukyoku.is_staff = True
    jimukyoku.save()
    jimukyoku.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["evaluation", "policies", "publication", "auth"]
        )
    )
    cycle = CycleFactory(fiscal_year=YEAR, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座", first_year=2019)
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    SelfEvaluationFactory(cycle=cycle, body=body("city"), measure=measure("1-1"))
    indicator = Indicator.objects.create(
        plan=Plan.objects.get(code=PLAN), name="市民活動団体数", unit="団体", order=1
    )
    indicator.measures.add(measure("1-1"))
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=YEAR, actual=Decimal(30), target=Decimal(25)
    )
    for phase in (Phase.CONFIRMED, Phase.PUBLISHED):
        with django_capture_on_commit_callbacks(execute=True):
            cycle = services.cycle_move(
                cycle=cycle, to_phase=phase, user=jimukyoku, expected_version=cycle.version
            )
    open_year = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    ProjectReportFactory(cycle=open_year, project=project, activities="令和3年度の講座。")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, actual=Decimal(31))
    MemberEvaluationFactory(cycle=open_year, measure=measure("1-1"), opinion="委員の意見。")
    CycleFactory(fiscal_year=2022, phase=Phase.PREPARATION)
    assert Edition.objects.get().is_published
    return World(
        superuser=UserFactory(username="it-admin", is_staff=True, is_superuser=True),
        staff_admin=jimukyoku,
        jimukyoku=jimukyoku,
        staff_a=staff("city").user,
        member=member().user,
        indicator=indicator,
    )


# ----------------------------------------------------------------------- the public URLs


def public_urls() -> list[str]:
    """Every URL of the year's routes, from the URL conf through the access matrix."""
    numbers = list(
        Measure.objects.filter(basic_policy__plan__code=PLAN).values_list("number", flat=True)
    )
    values = {"number": numbers, "dataset": list(opendata.DATASETS)}
    urls = []
    for name, case in sorted(MATRIX.items()):
        # The list of a year's editions is a live index (it grows with each edition; its
        # files are the edition's, tested in test_edition_serving).
        if "year" not in case.kwargs or name == "publication:editions":
            continue
        combos = [{**case.kwargs, "year": YEAR}]
        for part, options in values.items():
            if part in case.kwargs:
                combos = [{**c, part: v} for c in combos for v in options]
        for kwargs in combos:
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception:  # a route naming a record of the matrix's own (an id)
                continue
            urls += [url, url + "?previous=1"]
    return urls


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def hashes(anonymous, member) -> dict[str, tuple]:
    """(status, Location, SHA-256 of the body) of every public URL as an anonymous visitor
    gets it, and of every public file (200 to the public, no trailing slash) as a
    logged-in member gets it."""
    seen = {}
    for url in public_urls():
        response = anonymous.get(url)
        seen[f"anonymous {url}"] = (
            response.status_code,
            response.get("Location", ""),
            hashlib.sha256(content_of(response)).hexdigest(),
        )
        if response.status_code == 200 and not url.split("?")[0].endswith("/"):
            again = member.get(url)
            seen[f"member {url}"] = (
                again.status_code,
                "",
                hashlib.sha256(content_of(again)).hexdigest(),
            )
    return seen


# ------------------------------------------------------------------------------ writers


def submit(
    client, url: str, change: Callable[[dict], dict] = lambda d: with_text_changed(d, TEXTS)
):
    """Open the form at ``url`` and send it back changed; the final status code."""
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code
    data = change(main_form(page.content.decode()))
    return client.post(url, data).status_code


def cycle_url(name: str, year: int, **extra) -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": PLAN, "year": year, **extra})


def project_edit(w, c):
    return submit(c(w.staff_a), reverse("evaluation:project_edit", kwargs={"code": "city-001"}))


def report_of_open_year(w, c):
    return submit(c(w.staff_a), cycle_url("report", 2021, code="city-001"))


def report_of_published_year(w, c):
    return submit(c(w.jimukyoku), cycle_url("report", YEAR, code="city-001"))


def self_evaluation_of_open_year(w, c):
    url = cycle_url("self_evaluation", 2021, number="1-1", body="city")
    rated = lambda d: {**with_text_changed(d, TEXTS), "rating": [str(level("A").pk)]}  # noqa: E731
    return submit(c(w.staff_a), url, rated)


def committee_evaluation_of_published_year(w, c):
    return submit(c(w.jimukyoku), cycle_url("committee_evaluation", YEAR, number="1-1"))


def cycle_edit_of_published_year(w, c):
    return submit(c(w.jimukyoku), cycle_url("cycle_edit", YEAR))


def scale_editor(w, c):
    return submit(c(w.jimukyoku), cycle_url("cycle_scale", 2022))


def indicator_edit(w, c):
    url = reverse("evaluation:indicator_edit", kwargs={"plan": PLAN, "pk": w.indicator.pk})
    return submit(c(w.jimukyoku), url)


def indicator_value(year: int):
    def write(w, c):
        url = reverse(
            "evaluation:indicator_value_edit",
            kwargs={"plan": PLAN, "pk": w.indicator.pk, "year": year},
        )
        return submit(c(w.jimukyoku), url, lambda d: {**d, "actual": ["99"], "target": ["50"]})

    return write


def sheet_import(fmt: str):
    def write(w, c):
        client = c(w.jimukyoku)
        exported = client.get(cycle_url(f"sheet_{fmt}", 2021))
        data = content_of(exported)
        if fmt == "csv":
            text = data.decode("utf-8-sig").replace("令和3年度の講座。", "令和3年度の講座（改）。")
            data = ("\ufeff" + text).encode("utf-8")
        else:
            book = openpyxl.load_workbook(io.BytesIO(data))
            for row in book.active.iter_rows():
                for cell in row:
                    if cell.value == "令和3年度の講座。":
                        cell.value = "令和3年度の講座（Excel）。"
            out = io.BytesIO()
            book.save(out)
            data = out.getvalue()
        upload = SimpleUploadedFile(f"sheet.{fmt}", data)
        preview = client.post(cycle_url("sheet_import", 2021), {"file": upload})
        if preview.status_code != 200 or "preview" not in preview.context:
            return preview.status_code
        token = preview.context["preview"].token
        return client.post(cycle_url("sheet_import_confirm", 2021), {"token": token}).status_code

    return write


def plan_structure_import(w, c):
    """Renames 施策 1-1 and its ① through the plan-structure import."""
    client = c(w.superuser)
    exported = client.get(reverse("policies:plan_export", kwargs={"plan": PLAN, "fmt": "csv"}))
    text = content_of(exported).decode("utf-8-sig")
    first = Initiative.objects.get_by_natural_key(PLAN, "1-1", 1)
    text = text.replace("市民活動のきっかけづくり", "市民活動のきっかけを広げる").replace(
        first.title, first.title + "（改）"
    )
    upload = SimpleUploadedFile("plan.csv", text.encode("utf-8"), content_type="text/csv")
    preview = client.post(reverse("policies:plan_import"), {"file": upload})
    if preview.status_code != 200 or "preview" not in preview.context:
        return preview.status_code
    digest = preview.context["preview"].digest
    return client.post(reverse("policies:plan_import_confirm"), {"digest": digest}).status_code


def user_rename(w, c):
    w.jimukyoku.first_name, w.jimukyoku.last_name = "改名", "事務"
    w.jimukyoku.save()
    return "saved"


WRITERS: dict[str, Callable] = {
    "事業の編集（開いている年度に使う事業 city-001）": project_edit,
    "実施状況の入力（令和3年度）": report_of_open_year,
    "実施状況の編集（公開した年度）": report_of_published_year,
    "自己評価の入力（令和3年度）": self_evaluation_of_open_year,
    "委員会評価の編集（公開した年度）": committee_evaluation_of_published_year,
    "年度の編集（公開した年度の期日など）": cycle_edit_of_published_year,
    "評価尺度の編集（令和4年度）": scale_editor,
    "参考指標の編集": indicator_edit,
    "参考指標の値（公開した年度）": indicator_value(YEAR),
    "参考指標の値（令和3年度）": indicator_value(2021),
    "評価表の取り込み（CSV）": sheet_import("csv"),
    "評価表の取り込み（Excel）": sheet_import("xlsx"),
    "計画の構造の取り込み（施策 1-1 と ① の名称変更）": plan_structure_import,
    "利用者の氏名の変更": user_rename,
}


def admin_change(model, who: str) -> Callable:
    meta = model._meta

    def change(w, c):
        record = model._default_manager.order_by("pk").first()
        if record is None:
            return "no record"
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        return submit(c(getattr(w, who)), url)

    return change


def admin_delete(model, who: str) -> Callable:
    meta = model._meta

    def delete(w, c):
        records = model._default_manager.order_by("pk")
        if model is User:
            records = records.exclude(pk__in=[w.superuser.pk, w.staff_admin.pk])
        record = records.first()
        if record is None:
            return "no record"
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[record.pk])
        return c(getattr(w, who)).post(url, {"post": "yes"}).status_code

    return delete


ADMINS = ("superuser", "staff_admin")


def admin_writers() -> dict[str, dict[str, Callable]]:
    """A change (a text field given 「（改）」) of the first record of every model registered
    in the admin, as the superuser and as the 事務局 (staff), hashed after each model; then
    a delete of the first record of every model, hashed after each person's round (the
    deletes come last: they take records that the changes of other models use)."""
    rounds = {
        f"管理画面 {model._meta.verbose_name} の変更": {
            who: admin_change(model, who) for who in ADMINS
        }
        for model in admin.site._registry
    }
    for who in ADMINS:
        rounds[f"管理画面 全モデルの削除（{who}）"] = {
            f"{model._meta.verbose_name}": admin_delete(model, who)
            for model in admin.site._registry
        }
    return rounds


def test_no_writer_changes_a_byte_of_a_published_years_pages_or_files(world, client):
    from django.test import Client

    clients: dict = {}

    def client_of(user: User) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    readers = (client, client_of(world.member))
    before = hashes(*readers)
    assert len(before) > 60
    assert sum(1 for status, _loc, _h in before.values() if status == 200) > 40
    outcomes = {}
    moved = {}
    rounds = {**{name: {"": write} for name, write in WRITERS.items()}, **admin_writers()}
    for name, writes in rounds.items():
        for part, write in writes.items():
            outcomes[f"{name} {part}".strip()] = write(world, client_of)
        after = hashes(*readers)
        changed = sorted(url for url in before if after.get(url) != before[url])
        if changed:
            moved[name] = changed
    assert not moved, "\n".join(f"{w}: {len(urls)} {urls[:4]}" for w, urls in moved.items())
    # The writers really wrote (the history says so; the admin's deletes come after):
    # the live records moved while the edition stayed.
    assert Project.history.filter(name__startswith="市民活動入門講座（改）").exists()
    assert Measure.history.filter(title="市民活動のきっかけを広げる").exists()
    assert Indicator.history.filter(name__startswith="市民活動団体数（改）").exists()
    for name, outcome in outcomes.items():  # shown with -s: what each writer did
        print(f"{outcome}\t{name}")
    saved = [name for name, outcome in outcomes.items() if outcome in (302, "saved")]
    assert len(saved) >= 20, outcomes
