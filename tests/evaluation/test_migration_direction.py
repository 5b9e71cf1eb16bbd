"""The data migration that moves 今後の方向性 from the 施策 × 実施主体 自己評価 to each
事業's 実施状況 keeps every value: placed on the 事業 where it belongs, or noted in the
自己評価 where it could not be placed as it was; and it can be undone."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policies.models import ImplementingBody, Initiative, Measure, Plan, RatingLevel

BEFORE = ("evaluation", "0008_report_goal_direction_indicators")
AFTER = ("evaluation", "0010_selfevaluation_outlook_removed")
PLAN = "revised-2017"


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.fixture
def migrator():
    """Run the test on the schema before the move; afterwards, back to the latest schema
    with the plan loaded again (a transactional test's flush removes it)."""
    yield migrate_to
    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0)


def ids(*keys):
    return [Initiative.objects.get_by_natural_key(PLAN, number, pos).pk for number, pos in keys]


@pytest.mark.django_db(transaction=True)
def test_every_outlook_lands_on_its_projects_or_stays_noted_and_comes_back(migrator):
    apps = migrator(BEFORE)
    Cycle = apps.get_model("evaluation", "Cycle")
    Project = apps.get_model("evaluation", "Project")
    ProjectReport = apps.get_model("evaluation", "ProjectReport")
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    plan = Plan.objects.get(code=PLAN)
    city, place = (
        ImplementingBody.objects.get(code="city"),
        ImplementingBody.objects.get(code="place"),
    )
    measure = {
        n: Measure.objects.get(basic_policy__plan=plan, number=n).pk for n in ["1-1", "2-4", "3-1"]
    }
    rating = RatingLevel.objects.get(scale_id=plan.rating_scale_id, code="B").pk
    cycle = Cycle.objects.create(plan_id=plan.pk, fiscal_year=2021, phase="entry")
    # A serves 1-1②, which 2-4④ and 3-1④ re-list; B serves 1-1① and 2-4①.
    a = Project.objects.create(
        code="a", plan_id=plan.pk, body_id=city.pk, name="A", first_year=2017
    )
    a.initiatives.set(ids(("1-1", 2)))
    b = Project.objects.create(
        code="b", plan_id=plan.pk, body_id=city.pk, name="B", first_year=2017
    )
    b.initiatives.set(ids(("1-1", 1), ("2-4", 1)))
    report_a = ProjectReport.objects.create(cycle=cycle, project=a, status="done", activities="a")
    report_b = ProjectReport.objects.create(cycle=cycle, project=b, status="done", activities="b")

    def self_evaluation(number, body, outlook, issues=""):
        return SelfEvaluation.objects.create(
            cycle=cycle, measure_id=measure[number], body_id=body.pk, rating_id=rating,
            reason="理由", issues=issues, outlook=outlook,
        ).pk  # fmt: skip

    city_11 = self_evaluation("1-1", city, "expand")
    city_24 = self_evaluation("2-4", city, "improve", issues="担い手不足。")
    city_31 = self_evaluation("3-1", city, "continue")
    place_11 = self_evaluation("1-1", place, "reduce")  # the Place has no 事業 here

    apps = migrator(AFTER)
    ProjectReport = apps.get_model("evaluation", "ProjectReport")
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    # Both 事業 are under 1-1 first in plan order: they take 1-1's 拡充.
    assert ProjectReport.objects.get(pk=report_a.pk).direction == "expand"
    assert ProjectReport.objects.get(pk=report_b.pk).direction == "expand"
    issues = dict(SelfEvaluation.objects.values_list("pk", "issues"))
    assert issues == {
        city_11: "",  # landed on every one of its 事業
        city_24: "担い手不足。\n（移行前の施策全体の今後の方向性：改善して継続）",
        city_31: "（移行前の施策全体の今後の方向性：継続）",
        place_11: "（移行前の施策全体の今後の方向性：縮小）",
    }

    apps = migrator(BEFORE)
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    assert dict(SelfEvaluation.objects.values_list("pk", "outlook")) == {
        city_11: "expand",
        city_24: "improve",
        city_31: "continue",
        place_11: "reduce",
    }
    assert dict(SelfEvaluation.objects.values_list("pk", "issues")) == {
        city_11: "",
        city_24: "担い手不足。",
        city_31: "",
        place_11: "",
    }
