"""Once 公開, a year's public pages and files are its edition's stored bytes, nothing live."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Cycle, Phase, Project
from publication.models import Edition, EditionChangeRefused, EditionFile
from tests.evaluation.test_publication import confirm_all
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    chair,
    member,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db

SHEET = "/cycles/revised-2017/2020/sheet/"
PDF = "/cycles/revised-2017/2020/sheet.pdf"
SHEET_XLSX = "/cycles/revised-2017/2020/sheet.xlsx"
EDITIONS = "/cycles/revised-2017/2020/editions/"


def move(cycle, phase, capture):
    with capture(execute=True):
        return services.cycle_move(
            cycle=cycle, to_phase=phase, user=secretariat().user, expected_version=cycle.version
        )


@pytest.fixture
def confirmed(db, django_capture_on_commit_callbacks):
    """令和2年度, moved to 確定 (edition 1 built, not yet published)."""
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    return move(cycle, Phase.CONFIRMED, django_capture_on_commit_callbacks)


@pytest.fixture
def published(confirmed, django_capture_on_commit_callbacks):
    return move(confirmed, Phase.PUBLISHED, django_capture_on_commit_callbacks)


def test_publishing_publishes_the_draft_edition(published):
    edition = Edition.objects.get()
    assert edition.is_published and edition.number == 1


def test_the_public_gets_every_file_of_the_edition_as_stored(published, client):
    files = list(EditionFile.objects.filter(public=True))
    assert len(files) > 30
    for stored in files:
        response = client.get(stored.path)
        assert response.status_code == 200, stored.path
        assert response.content == bytes(stored.content), stored.path
        assert response["ETag"] == f'"{stored.sha256}"'
        assert response["X-Edition"] == "1"


def test_a_change_to_the_records_after_publication_reaches_no_public_page(published, client):
    project = Project.objects.get(code="city-001")
    project.name = "あとから変えた事業名"
    project.save()
    html = client.get(SHEET).content.decode()
    assert "市民活動入門講座" in html and "あとから変えた事業名" not in html


def test_a_served_page_costs_one_query(published, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PDF)
    assert response.status_code == 200
    assert len(queries) == 1


def test_a_revisit_with_the_etag_costs_a_304(published, client):
    etag = client.get(SHEET)["ETag"]
    assert client.get(SHEET, headers={"if-none-match": etag}).status_code == 304


def test_the_previous_year_columns_are_served_from_the_edition_too(published, client):
    stored = EditionFile.objects.get(path=SHEET + "?previous=1")
    assert client.get(SHEET + "?previous=1").content == bytes(stored.content)


def test_logged_in_people_get_downloads_from_the_edition_and_their_own_pages_live(
    published, client
):
    client.force_login(secretariat().user)
    assert client.get(PDF)["X-Edition"] == "1"
    page = client.get(SHEET)
    assert "X-Edition" not in page and page.status_code == 200


def test_a_year_moved_back_from_published_serves_nothing(
    published, client, django_capture_on_commit_callbacks
):
    move(published, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    response = client.get(PDF)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Edition.objects.get().is_published  # a published edition is never dropped


def test_a_relabelled_cycle_keeps_its_urls_on_its_edition(published, client):
    Cycle.objects.filter(pk=published.pk).update(fiscal_year=2019)
    response = client.get(SHEET)
    assert response.status_code == 200 and response["X-Edition"] == "1"
    assert client.get(EDITIONS).status_code == 200


# ----------------------------------------------------------------------- the editions page


def test_before_publication_the_secretariat_and_the_chair_read_the_exact_files(confirmed, client):
    stored = EditionFile.objects.get(name="sheet.pdf")
    for person in (secretariat(), chair()):
        client.force_login(person.user)
        page = client.get(EDITIONS).content.decode()
        assert "第1版" in page and stored.sha256 in page and "未公開" in page
        url = reverse(
            "publication:edition_file",
            kwargs={"plan": "revised-2017", "year": 2020, "edition": 1, "name": "sheet.pdf"},
        )
        assert client.get(url).content == bytes(stored.content)


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_before_publication_nobody_else_reads_the_edition(confirmed, client, who):
    person = {"member": member, "staff": lambda: staff("city")}.get(who)
    if person:
        client.force_login(person().user)
    response = client.get(EDITIONS)
    assert response.status_code == (302 if who == "anonymous" else 403)


def test_the_public_editions_page_lists_each_file_with_its_hash(published, client):
    page = client.get(EDITIONS).content.decode()
    assert "第1版" in page and "現在の版" in page
    for stored in EditionFile.objects.filter(public=True):
        assert stored.sha256 in page
    assert "publication.zip" not in page or "事務局用" in page


def test_the_editions_page_costs_a_fixed_number_of_queries(
    published, client, django_assert_max_num_queries
):
    # The served-file look-up, the editions, their files, the plans menu; two savepoints.
    with django_assert_max_num_queries(6):
        assert client.get(EDITIONS).status_code == 200


# ---------------------------------------------------------------------------- immutability


def test_an_edition_cannot_be_saved_again_or_deleted_once_published(published):
    edition = Edition.objects.get()
    with pytest.raises(EditionChangeRefused):
        edition.save()
    with pytest.raises(EditionChangeRefused):
        edition.delete()
    with pytest.raises(EditionChangeRefused):
        Edition.objects.all().delete()
    with pytest.raises(EditionChangeRefused):
        Edition.objects.update(number=9)
    stored = edition.files.first()
    with pytest.raises(EditionChangeRefused):
        stored.save()
    with pytest.raises(EditionChangeRefused):
        EditionFile.objects.update(content=b"x")


# ------------------------------------------------------------------ a second edition


def test_a_year_locked_again_after_a_change_gets_edition_2_with_its_errata_and_keeps_1(
    published, client, django_capture_on_commit_callbacks
):
    first_pdf = EditionFile.objects.get(name="sheet.pdf")
    first_url = reverse(
        "publication:edition_file",
        kwargs={"plan": "revised-2017", "year": 2020, "edition": 1, "name": "sheet.pdf"},
    )
    cycle = move(published, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    cycle = move(cycle, Phase.COMMITTEE, django_capture_on_commit_callbacks)
    report = cycle.reports.get()
    report.activities = "講座を4回開いた。"
    report.save()
    cycle = move(cycle, Phase.CONFIRMED, django_capture_on_commit_callbacks)
    move(cycle, Phase.PUBLISHED, django_capture_on_commit_callbacks)

    second = Edition.objects.get(number=2)
    assert second.is_published
    assert second.errata == [
        {
            "where": "事業 city-001 実施内容",
            "before": "講座を3回開いた。",
            "after": "講座を4回開いた。",
            "reason": "",  # moved back and locked again: no 訂正, no reason
            "date": timezone.localdate().isoformat(),
        }
    ]
    assert client.get(SHEET)["X-Edition"] == "2"
    assert "講座を4回開いた。" in client.get(SHEET).content.decode()
    page = client.get(EDITIONS).content.decode()
    assert "第2版" in page and "第1版" in page and "正誤表" in page
    assert "講座を3回開いた。" in page and "講座を4回開いた。" in page
    old = client.get(first_url)
    assert old.content == bytes(first_pdf.content) and old["X-Edition"] == "1"
    # The new edition's workbook carries its 正誤表 after the 評価表.
    book = openpyxl.load_workbook(io.BytesIO(client.get(SHEET_XLSX).content))
    assert [[c.value for c in row] for row in book["正誤表"].iter_rows()] == [
        ["正誤表（第2版）", None, None, None, None],
        ["箇所", "誤（前の版）", "正（この版）", "訂正の理由", "訂正日"],
        [
            "事業 city-001 実施内容",
            "講座を3回開いた。",
            "講座を4回開いた。",
            None,
            timezone.localdate().isoformat(),
        ],
    ]
    assert (
        "正誤表"
        not in openpyxl.load_workbook(
            io.BytesIO(
                client.get(
                    reverse(
                        "publication:edition_file",
                        kwargs={
                            "plan": "revised-2017",
                            "year": 2020,
                            "edition": 1,
                            "name": "sheet.xlsx",
                        },
                    )
                ).content
            )
        ).sheetnames
    )
