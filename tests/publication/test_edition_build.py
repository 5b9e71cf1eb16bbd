"""At 確定 a year becomes an edition: every public page and file rendered once and hashed."""

import hashlib

import pytest
from django.core.management import call_command

from evaluation import services
from evaluation.models import Phase
from publication.editions import errata_between, year_routes
from publication.models import Edition, EditionFile
from tests.evaluation.test_publication import confirm_all
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, secretariat

pytestmark = pytest.mark.django_db


def move(cycle, phase, capture):
    with capture(execute=True):
        return services.cycle_move(
            cycle=cycle, to_phase=phase, user=secretariat().user, expected_version=cycle.version
        )


@pytest.fixture
def committee_year(db):
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    return cycle


def test_moving_to_confirmed_builds_edition_1_with_every_public_page_and_file(
    committee_year, django_capture_on_commit_callbacks
):
    move(committee_year, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    edition = Edition.objects.get()
    assert (edition.number, edition.plan_code, edition.fiscal_year) == (1, "revised-2017", 2020)
    assert edition.published_at is None
    names = set(edition.files.values_list("name", flat=True))
    assert {
        "index.html",
        "sheet.html",
        "sheet.pdf",
        "sheet.xlsx",
        "sheet.csv",
        "measures_1-1.html",
        "measures_4-2.html",
        "dashboard.html",
        "opendata_projects.csv",
        "opendata_projects.json",
        "publication.zip",
    } <= names
    for f in edition.files.all():
        assert f.sha256 == hashlib.sha256(bytes(f.content)).hexdigest()
        assert f.size == len(bytes(f.content))
    pdf = edition.files.get(name="sheet.pdf")
    assert bytes(pdf.content).startswith(b"%PDF")
    assert pdf.path == "/cycles/revised-2017/2020/sheet.pdf"
    assert "講座を3回開いた。" in bytes(edition.files.get(name="sheet.html").content).decode()


def test_the_snapshot_holds_what_the_sheet_prints(
    committee_year, django_capture_on_commit_callbacks
):
    move(committee_year, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    entries = Edition.objects.get().snapshot["entries"]
    assert entries["measure:1-1"] == {"where": "施策 1-1", "text": "市民活動のきっかけづくり"}
    assert entries["project:city-001:name"]["text"] == "市民活動入門講座"
    assert entries["project:city-001:実施内容"]["text"] == "講座を3回開いた。"
    assert entries["committee:1-1"]["text"].endswith("確定した意見1-1")


def test_the_years_routes_come_from_the_url_conf():
    assert set(year_routes()) >= {
        "evaluation:cycle",
        "evaluation:sheet_print",
        "evaluation:sheet_pdf",
        "evaluation:measure_year",
        "evaluation:dashboard",
        "publication:opendata_csv",
        "publication:bundle",
    }
    assert "evaluation:report" not in year_routes()  # names one 事業: a staff form


def test_moving_back_to_committee_drops_the_draft_edition(
    committee_year, django_capture_on_commit_callbacks
):
    confirmed = move(committee_year, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    move(confirmed, Phase.COMMITTEE, django_capture_on_commit_callbacks)
    assert not Edition.objects.exists()
    assert not EditionFile.objects.exists()


def test_the_errata_list_each_changed_cell_with_before_and_after():
    before = {
        "entries": {"a": {"where": "施策 1-1", "text": "旧"}, "b": {"where": "x", "text": "同"}}
    }
    after = {
        "entries": {"a": {"where": "施策 1-1", "text": "新"}, "b": {"where": "x", "text": "同"}}
    }
    assert errata_between(before, after) == [{"where": "施策 1-1", "before": "旧", "after": "新"}]


def test_an_edition_builds_on_a_server_that_accepts_only_its_own_host_name(
    committee_year, django_capture_on_commit_callbacks, settings
):
    settings.ALLOWED_HOSTS = ["shinchoku.example.lg.jp"]
    settings.DEBUG = False
    move(committee_year, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    assert Edition.objects.get().files.filter(name="sheet.pdf").exists()


def test_build_editions_gives_a_year_published_before_editions_its_first_one(db):
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    confirm_all(cycle)
    call_command("build_editions", "--plan", "revised-2017", verbosity=0)
    edition = Edition.objects.get()
    assert (edition.cycle, edition.number, edition.is_published) == (cycle, 1, True)
    # The real plan's 平成28年度 (published in the fixtures) gets one as well, once.
    call_command("build_editions", verbosity=0)
    call_command("build_editions", verbosity=0)
    assert sorted(Edition.objects.values_list("fiscal_year", "number")) == [(2016, 1), (2020, 1)]


def test_a_build_logs_no_export_and_no_method_not_allowed_line(
    committee_year, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level("INFO"):
        move(committee_year, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    assert Edition.objects.exists()
    events = [getattr(r, "event", None) for r in caplog.records]
    assert "sheet.exported" not in events
    assert not [r for r in caplog.records if getattr(r, "status_code", None) == 405]
