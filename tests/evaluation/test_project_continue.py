"""「前の計画から引き継ぐ」: a 事業 of the 改定計画 carries on into the next plan with its code,
its history and its 指標 series, on the 事業 page and the dashboard."""

import pytest
from django.urls import reverse

from evaluation.models import Phase, Project, ProjectIndicator
from policies import plan_import
from policies.models import Initiative, Plan
from policies.plan_files import parse_file
from tests.evaluation.test_lineage import NEW_PLAN
from tests.factories import CycleFactory, ProjectFactory, ProjectReportFactory, secretariat, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def continued(client):
    plan_import.apply(parse_file("next.csv", NEW_PLAN.encode("utf-8")), user=None)
    revised, new = Plan.objects.get(code="revised-2017"), Plan.objects.get(code="next-2022")
    project = ProjectFactory(code="city-101", name="市民活動入門講座")
    old_year = CycleFactory(plan=revised, fiscal_year=2021, phase=Phase.PUBLISHED)
    report = ProjectReportFactory(cycle=old_year, project=project)
    ProjectIndicator.objects.create(report=report, name="受講者数", unit="人", target=40, actual=38)
    CycleFactory(plan=new, fiscal_year=2022, phase=Phase.PREPARATION)
    client.force_login(secretariat().user)
    item = Initiative.objects.get_by_natural_key("next-2022", "1-1", 1)
    response = client.post(
        reverse("evaluation:project_continue", kwargs={"plan": "next-2022"}),
        {"project": project.pk, "initiatives": [item.pk]},
    )
    assert response.status_code == 302
    return Project.objects.get(pk=project.pk), revised, new


def test_a_continued_project_keeps_its_code_and_serves_both_plans(continued):
    project, revised, new = continued
    assert (project.code, project.plan, project.previous_plan) == ("city-101", new, revised)
    numbers = sorted(
        (i.measure.basic_policy.plan.code, i.measure.number) for i in project.initiatives.all()
    )
    assert numbers == [("next-2022", "1-1"), ("revised-2017", "1-1")]
    assert list(Project.objects.of_plan(revised)) == list(Project.objects.of_plan(new))


def test_its_page_runs_the_history_and_indicators_across_the_boundary(client, continued):
    project, _revised, _new = continued
    new_year = CycleFactory(plan=project.plan, fiscal_year=2022, phase=Phase.ENTRY)
    report = ProjectReportFactory(cycle=new_year, project=project)
    ProjectIndicator.objects.create(report=report, name="受講者数", unit="人", target=45, actual=50)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "改定計画から第二期計画に引き継いだ事業です" in page
    assert page.index("令和4（2022）年度") < page.index("令和3（2021）年度")  # newest first
    assert "活動指標 受講者数" in page and page.count("受講者数") >= 2
    assert "/cycles/revised-2017/2021/projects/city-101/report/" in page
    assert "/cycles/next-2022/2022/projects/city-101/report/" in page
    assert project.history.count() >= 2  # registered, then continued: one record


def test_the_new_plans_dashboard_and_both_project_lists_show_it(client, continued):
    project, _, _ = continued
    CycleFactory(plan=project.plan, fiscal_year=2022, phase=Phase.ENTRY)
    for plan in ["revised-2017", "next-2022"]:
        listing = client.get(reverse("evaluation:projects", kwargs={"plan": plan}))
        assert "city-101" in listing.content.decode(), plan
    dashboard = client.get(
        reverse("evaluation:dashboard", kwargs={"plan": "next-2022", "year": 2022})
    )
    assert dashboard.status_code == 200
    assert "市民活動入門講座" in dashboard.content.decode()


def test_staff_of_another_body_cannot_continue_it(client):
    plan_import.apply(parse_file("next.csv", NEW_PLAN.encode("utf-8")), user=None)
    project = ProjectFactory(code="city-102")
    CycleFactory(plan=Plan.objects.get(code="next-2022"), fiscal_year=2022, phase=Phase.PREPARATION)
    client.force_login(staff("place").user)
    item = Initiative.objects.get_by_natural_key("next-2022", "1-1", 1)
    response = client.post(
        reverse("evaluation:project_continue", kwargs={"plan": "next-2022"}),
        {"project": project.pk, "initiatives": [item.pk]},
    )
    assert response.status_code == 200  # the choice is not offered: the form says so
    assert Project.objects.get(pk=project.pk).plan.code == "revised-2017"


def uncontinue(client, project: Project):
    return client.post(
        reverse("evaluation:project_uncontinue", kwargs={"code": project.code}),
        {"version": project.version},
        follow=True,
    )


def test_a_continued_project_can_be_taken_back_while_the_new_plan_has_nothing_of_it(
    client, continued
):
    project, revised, _new = continued
    page = client.get(project.get_absolute_url()).content.decode()
    assert "引き継ぎを取り消す（改定計画の事業に戻す）" in page
    response = uncontinue(client, project)
    assert "事業「市民活動入門講座」の引き継ぎを取り消し、改定計画の事業に戻しました。" in (
        response.content.decode()
    )
    project = Project.objects.get(pk=project.pk)
    assert (project.plan, project.previous_plan) == (revised, None)
    numbers = [
        (i.measure.basic_policy.plan.code, i.measure.number) for i in project.initiatives.all()
    ]
    assert numbers == [("revised-2017", "1-1")]
    assert project.reports.count() == 1  # the 改定計画's year stays as it was
    plans = [h.plan.code for h in project.history.order_by("history_id")]
    steps = [code for n, code in enumerate(plans) if n == 0 or plans[n - 1] != code]
    assert steps == ["revised-2017", "next-2022", "revised-2017"]  # continued, then taken back
    assert "引き継ぎを取り消す" not in client.get(project.get_absolute_url()).content.decode()


def test_it_is_refused_with_the_reason_once_a_year_of_the_new_plan_is_entered(client, continued):
    project, _revised, new = continued
    new_year = CycleFactory(plan=new, fiscal_year=2022, phase=Phase.ENTRY)
    ProjectReportFactory(cycle=new_year, project=project)
    response = uncontinue(client, project)
    assert (
        "第二期計画の令和4（2022）年度の実施状況が入力されているため、引き継ぎを取り消せません。"
        "取り消すには、先にその実施状況を削除してください。"
    ) in response.content.decode()
    assert Project.objects.get(pk=project.pk).plan == new


def test_a_project_that_was_not_continued_cannot_be_taken_back(client, continued):
    _project, _revised, new = continued
    other = ProjectFactory(code="city-103", plan=new, first_year=2022)  # registered there
    response = uncontinue(client, other)
    assert "この事業は前の計画から引き継いだ事業ではありません。" in response.content.decode()


def test_staff_of_another_body_cannot_take_it_back(client, continued):
    project, _revised, new = continued
    client.force_login(staff("place").user)
    response = client.post(
        reverse("evaluation:project_uncontinue", kwargs={"code": project.code}),
        {"version": project.version},
    )
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).plan == new
