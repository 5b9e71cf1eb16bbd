import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=False)


def snapshot() -> str:
    """Every row of the plan structure, primary keys included."""
    rows = []
    for model in apps.get_app_config("policies").get_models():
        rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    return "\n".join(rows)


def test_loading_the_plan_again_changes_nothing():
    before = snapshot()
    call_command("load_plan", verbosity=0)
    call_command("load_plan", verbosity=0)
    assert snapshot() == before
