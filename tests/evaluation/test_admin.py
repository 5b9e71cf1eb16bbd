"""The admin is held to the rules of every other writer: versions, history, locks."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CommitteeEvaluation, Phase, ProjectReport
from evaluation.services import record_save
from tests.factories import (
    CommitteeEvaluationFactory,
    ProjectReportFactory,
    UserFactory,
    measure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="it-admin", is_staff=True, is_superuser=True))
    return client


def change_url(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def report_data(report: ProjectReport, opened_version: int, **changes) -> dict:
    data = {
        "cycle": report.cycle_id,
        "project": report.project_id,
        "status": report.status,
        "activities": report.activities,
        "times": report.times or "",
        "participants": report.participants or "",
        "issues": report.issues,
        "opened_version": opened_version,
    }
    return {**data, **changes}


def test_an_admin_save_bumps_the_version_and_records_the_admin_in_the_history(world, admin_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    response = admin_client.post(
        change_url(report), report_data(report, report.version, activities="管理画面で修正。")
    )
    assert response.status_code == 302
    saved = ProjectReport.objects.get(pk=report.pk)
    assert (saved.activities, saved.version) == ("管理画面で修正。", report.version + 1)
    assert saved.history.first().history_user.username == "it-admin"


def test_a_form_opened_before_an_admin_edit_is_a_conflict_not_an_overwrite(world, admin_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project, activities="元の文")
    opened_in_the_app = report.version
    admin_client.post(
        change_url(report), report_data(report, report.version, activities="管理画面で修正。")
    )
    staff_client = admin_client.__class__()
    staff_client.force_login(world.users["staff_a"])
    url = reverse(
        "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": "city-001"}
    )
    response = staff_client.post(
        url, {"status": "done", "activities": "担当者の文", "version": opened_in_the_app}
    )
    assert response.status_code == 200
    assert "ほかの人がこの記録を保存しました" in response.content.decode()
    assert ProjectReport.objects.get(pk=report.pk).activities == "管理画面で修正。"


def test_an_admin_form_opened_before_someone_elses_save_is_refused(world, admin_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project, activities="元の文")
    opened_in_the_admin = report.version
    report.activities = "担当者が保存した文"
    record_save(instance=report, expected_version=report.version, user=world.users["staff_a"])
    response = admin_client.post(
        change_url(report), report_data(report, opened_in_the_admin, activities="管理画面の文")
    )
    assert response.status_code == 200
    assert "この画面を開いた後に、ほかの人がこの記録を保存しました" in response.content.decode()
    assert ProjectReport.objects.get(pk=report.pk).activities == "担当者が保存した文"


def test_a_confirmed_committee_evaluation_is_read_only_in_the_admin(world, admin_client):
    world.set_phase(Phase.COMMITTEE)
    confirmed = CommitteeEvaluationFactory(
        cycle=world.cycle, measure=measure("1-1"), confirmed_at=timezone.now()
    )
    page = admin_client.get(change_url(confirmed)).content.decode()
    assert 'name="opinion"' not in page
    response = admin_client.post(
        change_url(confirmed), {"opinion": "書き換え", "opened_version": confirmed.version}
    )
    assert response.status_code == 403
    assert CommitteeEvaluation.objects.get(pk=confirmed.pk).opinion == confirmed.opinion


def test_a_record_of_a_published_year_is_read_only_in_the_admin(world, admin_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project, activities="公開した文")
    world.set_phase(Phase.PUBLISHED)
    response = admin_client.post(
        change_url(report), report_data(report, report.version, activities="書き換え")
    )
    assert response.status_code == 403
    assert ProjectReport.objects.get(pk=report.pk).activities == "公開した文"
    delete = reverse("admin:evaluation_projectreport_delete", args=[report.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_admin_speaks_japanese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "市民活動促進基本計画 進捗管理 管理画面" in page
    assert "評価サイクル" in page


def test_the_demo_secretariat_uses_the_admin_without_being_a_superuser(client):
    call_command("load_plan", verbosity=0)
    call_command("load_demo", verbosity=0)
    from django.contrib.auth.models import User

    jimukyoku = User.objects.get(username="jimukyoku")
    assert (jimukyoku.is_staff, jimukyoku.is_superuser) == (True, False)
    client.force_login(jimukyoku)
    assert client.get(reverse("admin:evaluation_projectreport_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    home = client.get(reverse("evaluation:todo")).content.decode()
    assert reverse("admin:index") in home
