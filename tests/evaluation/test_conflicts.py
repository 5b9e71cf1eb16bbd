"""Two people open the same record and both save: nothing is overwritten silently."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import ProjectReport
from tests.factories import ProjectReportFactory, secretariat

REPORT = reverse(
    "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": "city-001"}
)


@pytest.fixture
def two_clients(world):
    first, second = Client(), Client()
    first.force_login(world.users["staff_a"])
    second.force_login(secretariat().user)
    return first, second


def test_the_second_save_gets_a_conflict_with_both_versions(world, two_clients):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project, activities="最初の内容")
    first, second = two_clients
    opened = report.version  # both open the form at this version
    first.post(REPORT, {"status": "done", "activities": "Aさんの内容", "version": opened})
    response = second.post(
        REPORT, {"status": "partial", "activities": "Bさんの内容", "version": opened}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "さんがこの記録を保存しました" in html
    assert "Aさんの内容" in html  # the other person's saved values
    assert "Bさんの内容" in html  # this person's input, intact in the form
    assert ProjectReport.objects.get().activities == "Aさんの内容"


def test_saving_again_after_seeing_the_conflict_succeeds(world, two_clients):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    first, second = two_clients
    first.post(REPORT, {"status": "done", "activities": "Aさんの内容", "version": report.version})
    conflict = second.post(
        REPORT, {"status": "done", "activities": "Bさんの内容", "version": report.version}
    )
    new_version = conflict.context["form"].data["version"]
    response = second.post(
        REPORT,
        {"status": "done", "activities": "Bさんの内容（Aさんの分も反映）", "version": new_version},
    )
    assert response.status_code == 302
    assert ProjectReport.objects.get().activities == "Bさんの内容（Aさんの分も反映）"


def test_two_people_creating_the_same_record_conflict(world, two_clients):
    first, second = two_clients
    first.post(REPORT, {"status": "done", "activities": "Aさんの内容", "version": 0})
    response = second.post(REPORT, {"status": "done", "activities": "Bさんの内容", "version": 0})
    assert "さんがこの記録を保存しました" in response.content.decode()
    assert ProjectReport.objects.get().activities == "Aさんの内容"
