"""Whatever a file holds, the import answers with a preview or Japanese row errors, never
a crash. The preview writes nothing, so every example runs against the same database."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.models import Phase, Project, ProjectReport
from evaluation.sheet.importer import ImportRejected, Preview, import_preview
from evaluation.sheet.layout import CSV_COLUMNS
from tests.factories import CycleFactory, ProjectFactory, secretariat

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def setting():
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    ProjectFactory(code="city-001")
    return cycle, secretariat().user


def preview(setting, data: bytes, name: str):
    cycle, user = setting
    try:
        return import_preview(user=user, cycle=cycle, upload=SimpleUploadedFile(name, data))
    except ImportRejected as rejected:
        assert rejected.errors and all(isinstance(e, str) for e in rejected.errors)
        return rejected


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_arbitrary_bytes_are_rejected_or_read_never_a_crash(setting, data, name):
    assert isinstance(preview(setting, data, name), ImportRejected | Preview)


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2021", "1-1", "①", "②", "city-001", "武蔵野市", "実施", "3", "-1"]),
)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=len(CSV_COLUMNS), max_size=len(CSV_COLUMNS)), max_size=6)
)
def test_arbitrary_csv_rows_are_rejected_or_previewed_and_nothing_is_saved(setting, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([CSV_COLUMNS, *rows])
    before = (Project.objects.count(), ProjectReport.objects.count())
    preview(setting, ("\ufeff" + buffer.getvalue()).encode("utf-8"), "a.csv")
    assert (Project.objects.count(), ProjectReport.objects.count()) == before
