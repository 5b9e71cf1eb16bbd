"""A soft line break (U+000B, what Word and PowerPoint paste) in a 事業名 or a 実施内容:
the imports store it as a newline, and text stored before that rule still reaches every
output of a published year without an error."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import LockedProject, Phase, Project, ProjectReport
from publication import opendata
from tests.evaluation.test_publication import confirm_all, move
from tests.evaluation.test_sheet_import import (
    confirm,
    csv_bytes,
    csv_rows,
    export,
    new_row,
    upload,
)
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, secretariat

pytestmark = pytest.mark.django_db

PLAN = "revised-2017"


def test_a_csv_import_stores_a_soft_line_break_as_a_newline(
    client, django_capture_on_commit_callbacks
):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    client.force_login(secretariat().user)
    rows = csv_rows(export(client, "csv"))
    rows.append(
        new_row(年度="2021", 施策番号="1-1", 展開番号="②", 事業コード="city-009",
                事業名="市民活動\x0b入門講座", 実施主体="武蔵野市", 担当課="市民活動推進課",
                実施状況="実施", 実施内容="講座を\x0b3回開いた。\x07")
    )  # fmt: skip
    response = upload(client, csv_bytes(rows), "pasted.csv")
    assert response.status_code == 200, response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, response).status_code == 302
    project = Project.objects.get(code="city-009")
    assert project.name == "市民活動\n入門講座"
    assert project.reports.get().activities == "講座を\n3回開いた。"
    again = upload(client, export(client, "csv"), "again.csv").context["preview"]
    assert (len(again.created), len(again.changed)) == (0, 0)


@pytest.fixture
def published_with_legacy_text(db):
    """令和2年度, published, whose 事業名 and 実施内容 were stored with a soft line break
    before the rule (written past ``save()``, as an old row would be)."""
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    report = ProjectReportFactory(cycle=cycle, project=project, activities="講座を開いた。")
    move(move(cycle, Phase.CONFIRMED), Phase.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(name="市民活動\x0b入門講座")
    LockedProject.objects.filter(project=project).update(name="市民活動\x0b入門講座")
    ProjectReport.objects.filter(pk=report.pk).update(activities="講座を\x0b3回開いた。")
    return cycle


def content_of(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("previous", ["", "?previous=1"])
def test_legacy_text_reaches_the_print_view_csv_and_pdf(
    client, published_with_legacy_text, previous
):
    kwargs = {"plan": PLAN, "year": 2020}
    html = content_of(client.get(reverse("evaluation:sheet_print", kwargs=kwargs) + previous))
    assert "市民活動" in html.decode()
    sheet_csv = content_of(client.get(reverse("evaluation:sheet_csv", kwargs=kwargs) + previous))
    assert "講座を\x0b3回開いた。" in sheet_csv.decode("utf-8-sig")
    pdf = content_of(client.get(reverse("evaluation:sheet_pdf", kwargs=kwargs)))
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("previous", ["", "?previous=1"])
def test_legacy_text_reaches_the_excel_as_a_newline(client, published_with_legacy_text, previous):
    url = reverse("evaluation:sheet_xlsx", kwargs={"plan": PLAN, "year": 2020}) + previous
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(client.get(url))))
    cells = {c for row in workbook.active.iter_rows(values_only=True) for c in row}
    assert {"市民活動\n入門講座", "講座を\n3回開いた。"} <= cells


def test_legacy_text_reaches_every_open_data_file_and_the_bundle(
    client, published_with_legacy_text, tmp_path
):
    for slug in opendata.DATASETS:
        base = f"/opendata/{PLAN}/2020/{slug}"
        list(csv.reader(io.StringIO(content_of(client.get(f"{base}.csv")).decode("utf-8-sig"))))
        json.loads(content_of(client.get(f"{base}.json")))
    client.force_login(secretariat().user)
    bundle = content_of(
        client.get(reverse("publication:bundle", kwargs={"plan": PLAN, "year": 2020}))
    )
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        xlsx = archive.read("cycles/revised-2017/2020/sheet.xlsx")
    openpyxl.load_workbook(io.BytesIO(xlsx))
