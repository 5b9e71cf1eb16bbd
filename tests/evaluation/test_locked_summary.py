"""A locked year's 評価表 prints each 事業's 事業概要 as it was when the year was locked, in
every output, like the open years do."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from evaluation import services
from evaluation.models import LockedProject, Phase
from tests.evaluation.test_publication import body_text, confirm_all, move
from tests.evaluation.test_sheet_pdf import pages_of
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, secretariat

pytestmark = pytest.mark.django_db

SUMMARY = "はじめて市民活動に関わる人のための連続講座"


@pytest.fixture
def published():
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座", summary=SUMMARY)
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    move(move(cycle, Phase.CONFIRMED), Phase.PUBLISHED)
    return project


def url(name: str) -> str:
    return reverse(f"evaluation:{name}", kwargs={"plan": "revised-2017", "year": 2020})


@pytest.mark.parametrize("name", ["sheet_print", "sheet_xlsx", "sheet_csv"])
def test_a_published_sheet_prints_the_summary_of_each_project(client, published, name):
    assert SUMMARY in body_text(client.get(url(name)))


def test_the_published_pdf_prints_the_summary(client, published, tmp_path):
    pages = pages_of(client.get(url("sheet_pdf")).content, tmp_path, "-raw")
    assert SUMMARY in "".join("".join(page.split()) for page in pages)


def test_the_summary_edited_for_the_open_year_leaves_the_published_one_as_it_was(client, published):
    published.refresh_from_db()
    published.summary = "翌年度に書き直した概要"
    services.record_save(
        instance=published, expected_version=published.version, user=secretariat().user
    )
    text = body_text(client.get(url("sheet_csv")))
    assert SUMMARY in text and "翌年度に書き直した概要" not in text


def test_years_locked_before_the_copy_take_the_live_summary():
    migration = importlib.import_module("evaluation.migrations.0013_locked_project_summary")
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", summary=SUMMARY)
    move(cycle, Phase.CONFIRMED)
    LockedProject.objects.update(summary="")  # as a copy taken before the field existed
    migration.copy_live_summaries(apps, None)
    assert LockedProject.objects.get(project=project).summary == SUMMARY
