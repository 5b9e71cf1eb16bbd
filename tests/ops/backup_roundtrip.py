"""Run inside ``manage.py shell`` (a separate process with its own DATABASE_URL) by
test_backup.py: fill a database the way a year of real use would, and fingerprint one."""

import hashlib
import json

from django.apps import apps
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse

from evaluation.models import Phase
from evaluation.services import record_save
from ops.scale_data import generate
from tests import factories


def fill() -> None:
    """The real plan, the k = 1 scale data, and records of every other kind: a versioned
    save with its history user, a logged-in session and a login-lockout record."""
    call_command("load_plan", verbosity=0)
    generate(1)
    chair = factories.chair()
    evaluation = factories.MemberEvaluationFactory.build(
        cycle=factories.CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE),
        member=chair.user,
        opinion="バックアップから戻っても残っているべき意見。",
    )
    record_save(instance=evaluation, expected_version=0, user=chair.user)
    factories.ProjectReportFactory(activities="復元後も読める実施内容。")
    staff = factories.staff("place")
    client = Client(headers={"host": "127.0.0.1"})  # outside the test runner: a real host
    login = reverse("login")
    response = client.post(login, {"username": staff.user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.status_code
    response = client.post(login, {"username": "intruder", "password": "wrong-password"})
    assert response.status_code == 200, response.status_code


def fill_and_back_up(path: str) -> None:
    fill()
    call_command("backup_db", "--output", path)
    fingerprint()


def restore_and_check(path: str) -> None:
    call_command("restore_db", path, "--noinput")
    fingerprint()
    write_after_restore()


def fingerprint() -> None:
    """Print {table: [rows, sha256 of every row in primary-key order]} as one JSON line."""
    models = [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]
    result = {}
    for model in models:
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        result[model._meta.db_table] = [len(rows), digest]
    print(json.dumps(result))


def write_after_restore() -> None:
    """A new record gets a fresh primary key: the sequences came back with the rows."""
    project = factories.ProjectFactory(code="after-restore")
    print(json.dumps({"new_pk": project.pk}))
