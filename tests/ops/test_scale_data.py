import pytest

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from ops.scale_data import generate
from policies.models import Initiative, Measure

pytestmark = pytest.mark.django_db


def test_it_builds_a_plan_k_times_the_real_one_with_five_years_of_entries():
    plan = generate(2)
    assert Measure.objects.of_plan(plan).count() == 24
    initiatives = Initiative.objects.filter(measure__basic_policy__plan=plan)
    assert initiatives.count() == 80
    assert initiatives.filter(original__isnull=False).count() == 16
    assert Project.objects.of_plan(plan).count() == 80
    assert Cycle.objects.filter(plan=plan).count() == 5
    assert ProjectReport.objects.filter(cycle__plan=plan).count() == 80 * 5
    assert SelfEvaluation.objects.filter(cycle__plan=plan).count() == 24 * 3 * 5
    assert MemberEvaluation.objects.filter(cycle__plan=plan).count() == 24 * 8 * 5
    assert CommitteeEvaluation.objects.filter(cycle__plan=plan).count() == 24 * 5


def test_relisted_items_point_within_their_own_copy():
    plan = generate(2)
    relisting = Initiative.objects.get_by_natural_key(plan.code, "7-1", 4)  # copy 2 of 3-1④
    assert relisting.original.measure.number == "5-1"  # copy 2 of 1-1②
    assert relisting.display_title == "市民活動に対する理解促進のための講座等の企画・実施"


def test_generating_the_same_plan_twice_adds_nothing():
    generate(1)
    before = ProjectReport.objects.count()
    generate(1)
    assert ProjectReport.objects.count() == before


@pytest.mark.django_db
def test_the_year_in_entry_is_added_once_with_its_entries():
    from evaluation.models import Phase, ProjectIndicator, SelfEvaluation
    from ops.scale_data import entry_sample

    report = entry_sample()
    assert entry_sample() == report
    assert report.cycle.phase == Phase.ENTRY and report.project.body.code == "city"
    assert ProjectIndicator.objects.filter(report=report).count() == 2
    assert SelfEvaluation.objects.filter(cycle=report.cycle).count() == 1
