import pytest
from django.core.management import call_command

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Phase,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from people.models import Participant
from tests.factories import ProjectReportFactory, SelfEvaluationFactory

pytestmark = pytest.mark.django_db


def test_the_midterm_review_is_a_published_cycle_of_the_original_plan():
    cycle = Cycle.objects.get(plan__code="basic-2012")
    assert (cycle.fiscal_year, cycle.phase) == (2016, Phase.PUBLISHED)
    evaluations = CommitteeEvaluation.objects.filter(cycle=cycle)
    assert evaluations.count() == 12
    assert all(e.is_confirmed and e.rating is None for e in evaluations)


def test_the_midterm_opinions_are_the_seeds_text():
    opinion = CommitteeEvaluation.objects.get_by_natural_key("basic-2012", 2016, "1-1").opinion
    assert opinion == (
        "市民活動のきっかけづくりとして、市民活動に関する学びの機会の提供は、概ね行われているが、"
        "実際に参加を促すための活動が弱い。今後については、講座等の学びの機会を引き続き提供するとともに、"
        "実際の活動に参加できるよう橋渡しをする仕組みの構築などが必要である。"
    )
    # The seed's page break splits this sentence; the fixture joins it again.
    assert CommitteeEvaluation.objects.get_by_natural_key(
        "basic-2012", 2016, "2-1"
    ).opinion.endswith("企業経営の視点を取り入れた情報提供やセミナーを検討すべきである。")


def test_reloading_the_plan_after_a_year_of_evaluations_loses_nothing(world):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    evaluation = SelfEvaluationFactory(cycle=world.cycle)
    call_command("load_plan", verbosity=0)
    assert ProjectReport.objects.get(pk=report.pk).activities == report.activities
    reloaded = SelfEvaluation.objects.get(pk=evaluation.pk)
    assert reloaded.measure.number == "1-1"
    assert reloaded.measure.title == "市民活動のきっかけづくり"
    assert list(Project.objects.get(pk=world.project.pk).initiatives.all()) == list(
        world.project.initiatives.all()
    )


def test_the_demo_loads_once_and_is_marked_as_demo():
    call_command("load_demo", verbosity=0)
    assert Participant.objects.filter(user__username="shi-tanto", body__code="city").exists()
    assert Cycle.objects.get(plan__code="revised-2017", fiscal_year=2021).phase == Phase.ENTRY
    projects = Project.objects.filter(code__startswith="demo-")
    assert projects.count() == 12
    assert all(p.name.startswith("【デモ】") for p in projects)
    cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=2021)
    cycle.phase = Phase.COMMITTEE
    cycle.save()
    call_command("load_demo", verbosity=0)  # a second run keeps what was done in the demo
    assert Cycle.objects.get(pk=cycle.pk).phase == Phase.COMMITTEE
