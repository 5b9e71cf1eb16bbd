"""Whatever a file holds, the plan import answers with a structure or Japanese errors:
never a crash, never a 500, and a refused save leaves every table as it was."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from policies import plan_import
from policies.plan_files import parse_file
from policies.plan_sheet import (
    DIRECTION_COLUMNS,
    PLAN_HEADER,
    PLAN_ITEMS,
    SCALE_COLUMNS,
    SECTION_DIRECTIONS,
    SECTION_PLAN,
    SECTION_SCALE,
    SECTION_TREE,
    TREE_COLUMNS,
    template_rows,
)
from tests.factories import secretariat
from tests.policies.test_plan_import import snapshot

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def outcome(data: bytes, name: str):
    try:
        return parse_file(name, data)
    except plan_import.ImportRejected as rejected:
        assert rejected.errors and all(isinstance(e, str) and e for e in rejected.errors)
        return rejected


@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_arbitrary_bytes_are_refused_or_read_never_a_crash(data, name):
    assert isinstance(outcome(data, name), plan_import.ImportRejected | plan_import.Structure)


cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "next-2022", "revised-2017", "basic-2012", "tama-4", "1", "2", "1-1", "1-2", "2-1",
            "①", "②", "1-1①", "1-2-1", "○", "×", "2022", "2031", "A", "4", "",
            *PLAN_ITEMS.values(),
        ]
    ),
)  # fmt: skip


def section(title: str, header: list[str], width: int):
    return st.lists(st.lists(cells, min_size=width, max_size=width), max_size=5).map(
        lambda rows: [[title], header, *rows]
    )


plan_section = st.lists(
    st.tuples(st.sampled_from(list(PLAN_ITEMS.values())), cells).map(list), max_size=10
).map(lambda rows: [[SECTION_PLAN], PLAN_HEADER, *rows])
files = st.lists(
    st.one_of(
        plan_section,
        section(SECTION_SCALE, SCALE_COLUMNS, len(SCALE_COLUMNS)),
        section(SECTION_DIRECTIONS, DIRECTION_COLUMNS, len(DIRECTION_COLUMNS)),
        section(SECTION_TREE, TREE_COLUMNS, len(TREE_COLUMNS)),
    ),
    max_size=5,
).map(lambda sections: [row for s in sections for row in s])


TEMPLATE = [[str(c) for c in row] for row in template_rows()]


def mutate(edits: list[tuple[int, int, str]]) -> list[list[str]]:
    """The template with a few cells replaced: close enough to pass some checks."""
    rows = [row[:] for row in TEMPLATE]
    for row, column, value in edits:
        target = rows[row % len(rows)]
        target[column % len(target)] = value
    return rows


mutated_templates = st.lists(
    st.tuples(st.integers(0, 100), st.integers(0, 12), cells), max_size=2
).map(mutate)


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@FUZZ
@given(rows=st.one_of(mutated_templates, files))
def test_arbitrary_sections_are_saved_whole_or_not_at_all(rows):
    before = snapshot()
    result = outcome(as_csv(rows), "plan.csv")
    if isinstance(result, plan_import.ImportRejected):
        event("refused while reading")
        assert snapshot() == before
        return
    with transaction.atomic():
        try:
            saved = plan_import.apply(result, user=None)
        except plan_import.ImportRejected:
            event("refused against the database")
            assert snapshot() == before  # nothing of a refused file stays
        else:
            event("saved")
            moved = saved.count("create") + saved.count("change")
            assert (snapshot() != before) == (moved > 0)
        transaction.set_rollback(True)  # the next example starts from the same database


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), files.map(as_csv), mutated_templates.map(as_csv)))
def test_the_upload_page_never_answers_with_a_server_error(client, data):
    client.force_login(secretariat().user)
    before = snapshot()
    response = client.post(
        reverse("policies:plan_import"), {"file": SimpleUploadedFile("plan.csv", data)}
    )
    assert response.status_code == 200
    assert snapshot() == before
