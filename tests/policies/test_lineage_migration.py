"""The move from ``Measure.predecessor`` (one FK) to ``predecessors`` (many-to-many) keeps
every existing link, both ways. Run in a separate process on its own SQLite file, since
migrating back and forth cannot happen inside a test's transaction."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

def state_apps(target):
    return MigrationExecutor(connection).loader.project_state(target).apps

call_command("migrate", verbosity=0)  # everything: saves reach the page cache's table
call_command("migrate", "policies", "0001", verbosity=0)
old = state_apps(("policies", "0001_initial"))
Scale, Plan = old.get_model("policies", "RatingScale"), old.get_model("policies", "Plan")
BasicPolicy, Measure = old.get_model("policies", "BasicPolicy"), old.get_model("policies", "Measure")
scale = Scale.objects.create(code="s", name="尺度")
first = Plan.objects.create(code="a", name="前", short_name="前", first_year=2012, last_year=2016, rating_scale=scale)
second = Plan.objects.create(code="b", name="後", short_name="後", first_year=2017, last_year=2021, rating_scale=scale, predecessor=first)
bp_a = BasicPolicy.objects.create(plan=first, number=1, title="一")
bp_b = BasicPolicy.objects.create(plan=second, number=1, title="一")
a1 = Measure.objects.create(basic_policy=bp_a, number="1-1", order=1, title="旧1")
a2 = Measure.objects.create(basic_policy=bp_a, number="1-2", order=2, title="旧2")
Measure.objects.create(basic_policy=bp_b, number="1-1", order=1, title="新1", predecessor=a1)
Measure.objects.create(basic_policy=bp_b, number="1-2", order=2, title="新2", predecessor=a2)
Measure.objects.create(basic_policy=bp_b, number="1-3", order=3, title="新3")

call_command("migrate", "policies", verbosity=0)
from policies.models import Measure as Current
forwards = {
    m.number: [p.number for p in m.predecessors.all()]
    for m in Current.objects.filter(basic_policy__plan__code="b").order_by("number")
}

call_command("migrate", "policies", "0001", verbosity=0)
Measure = state_apps(("policies", "0001_initial")).get_model("policies", "Measure")
backwards = {
    m.number: m.predecessor.number if m.predecessor_id else None
    for m in Measure.objects.filter(basic_policy__plan__code="b").order_by("number")
}
print(json.dumps({"forwards": forwards, "backwards": backwards}))
"""


def test_every_existing_predecessor_link_survives_the_migration_both_ways(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lineage.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "plan.settings",
        "DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "forwards": {"1-1": ["1-1"], "1-2": ["1-2"], "1-3": []},
        "backwards": {"1-1": "1-1", "1-2": "1-2", "1-3": None},
    }
