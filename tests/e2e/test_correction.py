"""A 訂正 in a real browser: the 事務局 opens it with a reason and corrects a 実施状況, the
public keeps 第1版 meanwhile, the 委員長 approves, 第2版 is published with its 正誤表, and
第1版 still downloads with the hash it had."""

import hashlib

import pytest
from django.db import transaction
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Phase
from publication.models import Edition, EditionFile
from tests.e2e.journeys import log_in
from tests.evaluation.test_publication import confirm_all
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, chair, secretariat

YEAR = "/cycles/revised-2017/2020/"
FIRST_XLSX = "/cycles/revised-2017/2020/editions/1/sheet.xlsx"
REASON = "事業の実施回数に誤記があったため訂正します。"
BUILD_MS = 120_000


def named(participant, username: str):
    participant.user.username = username
    participant.user.save()
    return participant.user


@pytest.fixture
def published_year(db):
    """令和2年度, 公開 with 第1版 (built and published as the phase moves commit)."""
    office = named(secretariat(), "jimukyoku")
    named(chair(), "iincho")
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    for phase in (Phase.CONFIRMED, Phase.PUBLISHED):
        with transaction.atomic():
            cycle = services.cycle_move(
                cycle=cycle, to_phase=phase, user=office, expected_version=cycle.version
            )
    assert Edition.objects.get().is_published
    return cycle


def test_a_correction_is_opened_edited_approved_and_published_as_edition_2(
    pages, live_server, published_year
):
    public = pages.open()
    first = public.request.get(live_server.url + FIRST_XLSX)
    first_hash = hashlib.sha256(first.body()).hexdigest()
    assert first_hash == EditionFile.objects.get(edition__number=1, name="sheet.xlsx").sha256

    # The 事務局 opens a 訂正 from the year's page, with its reason.
    office = pages.open()
    log_in(office, "jimukyoku")
    office.goto(YEAR)
    office.get_by_role("link", name="訂正（正誤表を付けて新しい版を公開する）").click()
    office.get_by_label("訂正の理由").fill(REASON)
    office.get_by_role("button", name="訂正を始める").click()
    expect(office.locator(".alert-success")).to_contain_text("訂正を始めました")

    # ... corrects the 実施状況 (the year is otherwise locked) ...
    office.goto(f"{YEAR}projects/city-001/report/")
    office.get_by_label("実施内容").fill("講座を4回開いた。")
    office.get_by_role("button", name="保存する").click()
    expect(office.locator(".alert-success")).to_be_visible()

    # ... sees the change against the published edition, and asks for approval.
    office.goto(f"{YEAR}correction/")
    changes = office.get_by_role("table")
    expect(changes).to_contain_text("講座を3回開いた。")
    expect(changes).to_contain_text("講座を4回開いた。")
    office.get_by_role("button", name="委員長に承認を求める").click()
    expect(office.locator(".alert-success")).to_contain_text("委員長に承認を求めました")

    # Meanwhile the public still reads 第1版.
    public.goto(f"{YEAR}sheet/")
    expect(public.locator("main")).to_contain_text("講座を3回開いた。")
    expect(public.locator("main")).not_to_contain_text("講座を4回開いた。")

    # The 委員長 approves: 第2版 is published at once.
    chair_page = pages.open()
    log_in(chair_page, "iincho")
    chair_page.goto(f"{YEAR}correction/")
    expect(chair_page.locator("main")).to_contain_text(REASON)
    # Building 第2版 renders every page and file of the year: it takes a while.
    chair_page.get_by_role("button", name="承認して新しい版を公開する").click(timeout=BUILD_MS)
    expect(chair_page.locator(".alert-success")).to_contain_text("新しい版を公開しました")

    # The public now reads 第2版, and its 正誤表 on the editions page.
    public.goto(f"{YEAR}sheet/")
    expect(public.locator("main")).to_contain_text("講座を4回開いた。")
    public.goto(f"{YEAR}editions/")
    errata = public.locator("section[aria-labelledby=edition-2]")
    expect(errata).to_contain_text("正誤表（第2版）")
    expect(errata).to_contain_text("講座を3回開いた。")
    expect(errata).to_contain_text("講座を4回開いた。")
    expect(errata).to_contain_text(REASON)

    # 第1版 still downloads, byte for byte as before.
    again = public.request.get(live_server.url + FIRST_XLSX)
    assert hashlib.sha256(again.body()).hexdigest() == first_hash
    assert [pages.problems(p) for p in (public, office, chair_page)] == [[], [], []]
