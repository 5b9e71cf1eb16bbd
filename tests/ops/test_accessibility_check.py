"""``record_accessibility_check``: the axe run's figures into the database, one row per kind
of user, and back out in the release's form."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ops.models import AccessibilityCheck

pytestmark = pytest.mark.django_db


def test_a_run_is_recorded_per_kind_of_user_and_replaces_the_last():
    call_command("record_accessibility_check", "member", "46", "0")
    call_command("record_accessibility_check", "member", "47", "2")
    call_command("record_accessibility_check", "anonymous", "25", "0")
    assert list(
        AccessibilityCheck.objects.order_by("pk").values_list("who", "pages", "violations")
    ) == [
        ("member", 47, 2),
        ("anonymous", 25, 0),
    ]


def test_the_records_print_in_the_form_of_the_release_file(capsys):
    AccessibilityCheck.objects.create(
        who="member", checked_on=date(2026, 11, 1), pages=46, violations=0
    )
    AccessibilityCheck.objects.create(
        who="chair", checked_on=date(2026, 11, 2), pages=48, violations=0
    )
    call_command("record_accessibility_check", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "users": {
            "member": {"pages": 46, "violations": 0},
            "chair": {"pages": 48, "violations": 0},
        },
        "date": "2026-11-02",
    }


def test_it_says_what_is_missing():
    with pytest.raises(CommandError, match="利用者の種類・ページ数・違反の数を指定してください"):
        call_command("record_accessibility_check", "member")
    with pytest.raises(CommandError, match="検査の記録がありません"):
        call_command("record_accessibility_check", "--json")
