"""Security events on the logger ``security`` (ops.security_events): each with a stable
``event`` key, a Japanese message, and never a password."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from people.models import Role
from tests.factories import PASSWORD, CycleFactory, ParticipantFactory, UserFactory, secretariat

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="security")

    def read() -> list[dict]:
        return [
            {"message": r.getMessage(), **r.__dict__}
            for r in caplog.records
            if r.name == "security"
        ]

    return read


def test_a_failed_login_yields_a_security_line_without_the_password(client, events):
    UserFactory(username="tanaka")
    client.post(LOGIN, {"username": "tanaka", "password": "wrong-password"}, REMOTE_ADDR="10.1.1.1")
    [line] = events()
    assert line["event"] == "auth.login_failed"
    assert line["message"] == "ログインに失敗しました"
    assert line["username"] == "tanaka"
    assert line["client"] == "10.1.1.1"
    assert line["levelname"] == "WARNING"
    assert "wrong-password" not in str(line)


def test_the_fifth_failure_yields_a_lockout_line(client, events):
    UserFactory(username="tanaka")
    for _ in range(5):
        client.post(LOGIN, {"username": "tanaka", "password": "wrong-password"})
    kinds = [line["event"] for line in events()]
    assert sorted(kinds) == ["auth.locked_out"] + ["auth.login_failed"] * 5
    [lockout] = [line for line in events() if line["event"] == "auth.locked_out"]
    assert lockout["username"] == "tanaka"


def test_a_login_and_a_logout_yield_a_line_each(client, events):
    user = UserFactory(username="tanaka")
    client.post(LOGIN, {"username": "tanaka", "password": PASSWORD})
    client.post(reverse("logout"))
    assert [(line["event"], line["user_id"]) for line in events()] == [
        ("auth.login", user.pk),
        ("auth.logout", user.pk),
    ]


def test_a_change_in_the_admin_yields_a_line_naming_what_changed(client, events):
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    target = UserFactory(username="sato")
    group = Group.objects.create(name="事務局")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_change", args=[target.pk]),
        {
            "username": "sato",
            "last_name": target.last_name,
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "date_joined_0": "2021-04-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lines = {line["event"]: line for line in events()}
    assert lines["user.permissions_changed"]["changed_id"] == target.pk
    assert lines["user.permissions_changed"]["ids"] == [group.pk]
    assert lines["user.permissions_changed"]["action"] == "add"
    change = lines["admin.change"]
    assert change["user_id"] == admin.pk
    assert change["model"] == "auth.user"
    assert change["object_id"] == target.pk
    assert change["action"] == "change"
    assert change["message"].startswith("管理画面で変更しました: ユーザー「sato」")


def test_a_permission_given_to_a_group_yields_a_line(events):
    group = Group.objects.create(name="事務局")
    permission = Permission.objects.get(codename="change_project")
    group.permissions.add(permission)
    [line] = events()
    assert line["event"] == "user.permissions_changed"
    assert line["of"] == "auth.permission"
    assert line["ids"] == [permission.pk]


def test_a_role_given_or_changed_yields_a_line(events):
    participant = ParticipantFactory(role=Role.MEMBER)
    participant.role = Role.CHAIR
    participant.save()
    participant.delete()
    assert [(line["event"], line.get("role")) for line in events()] == [
        ("participant.saved", "member"),
        ("participant.saved", "chair"),
        ("participant.deleted", "chair"),
    ]
    assert events()[1]["message"] == "役割を変更しました: 委員長"


@pytest.mark.parametrize("output", ["sheet_xlsx", "sheet_csv"])
def test_an_export_of_the_sheet_yields_a_line(client, events, output):
    person = secretariat()
    CycleFactory(fiscal_year=2021)
    client.force_login(person.user)
    url = reverse(f"evaluation:{output}", kwargs={"plan": "revised-2017", "year": 2021})
    assert client.get(url).status_code == 200
    [line] = [line for line in events() if line["event"] == "sheet.exported"]
    assert line["user_id"] == person.user.pk
    assert line["fiscal_year"] == 2021
    assert line["format"] == output.removeprefix("sheet_")
    assert line["message"].startswith("評価表を書き出しました: 評価表_改定計画_令和3（2021）年度")
