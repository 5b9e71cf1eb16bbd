import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import Cycle, Phase, ProjectReport
from policies.models import Initiative
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    level,
)


def measure_url(number: str = "1-1", year: int = 2021) -> str:
    return reverse(
        "evaluation:measure_year", kwargs={"plan": "revised-2017", "year": year, "number": number}
    )


def fill(world, projects: int) -> None:
    """A year with entries of every kind for 施策 1-1, and last year's committee opinion."""
    previous = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CommitteeEvaluationFactory(cycle=previous, opinion="昨年度の意見", rating=level("B"))
    for n in range(projects):
        project = ProjectFactory(code=f"extra-{n}", body=body(["city", "place", "shakyo"][n % 3]))
        ProjectReportFactory(cycle=world.cycle, project=project, activities=f"活動{n}")
    for code in ["city", "place", "shakyo"]:
        SelfEvaluationFactory(cycle=world.cycle, body=body(code))
    MemberEvaluationFactory(cycle=world.cycle, member=world.users["member"], opinion="委員の意見")
    CommitteeEvaluationFactory(cycle=world.cycle, opinion="今年度の意見")


def test_the_measure_page_shows_everything_side_by_side(world, login):
    fill(world, projects=2)
    html = login(world.users["member"]).get(measure_url()).content.decode()
    assert "活動0" in html and "活動1" in html
    assert html.count("概ね計画どおり実施した。") == 3  # each body's self-evaluation
    assert "委員の意見" in html
    assert "今年度の意見" in html and "昨年度の意見" in html


def test_a_relisted_item_shows_the_projects_of_its_original(world, login):
    original = Initiative.objects.get_by_natural_key("revised-2017", "1-1", 2)
    project = ProjectFactory(code="lecture", name="入門講座", initiatives=[original])
    ProjectReportFactory(cycle=world.cycle, project=project)
    html = login(world.users["member"]).get(measure_url("3-1")).content.decode()
    assert "入門講座" in html  # 3-1④ is (再掲) 1-1②
    assert "（再掲 <a" in html


def test_the_measure_page_has_the_same_query_count_with_more_data(
    world, login, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        fill(world, projects=1)
    client = login(world.users["member"])
    # Building the shared body: 17, the 施策's 参考指標 and the 指標 of its 事業 (one query
    # each), and the cache (the generation, the entry, storing it in a savepoint), for the
    # body and for the 施策 itself (access.measure_in).
    with django_assert_num_queries(36):
        client.get(measure_url())
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: invalidates
        for n in range(6):
            project = ProjectFactory(code=f"more-{n}")
            ProjectReportFactory(cycle=world.cycle, project=project)
    with django_assert_num_queries(36):
        client.get(measure_url())
    # Until the data changes again, the body comes from the cache (this worker's memory).
    with django_assert_num_queries(11):
        client.get(measure_url())


def test_the_measure_page_shows_a_saved_report_at_once(
    world, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        fill(world, projects=1)
    client = login(world.users["member"])
    assert "改めた実施内容" not in client.get(measure_url()).content.decode()  # now cached
    report = ProjectReport.objects.get(cycle=world.cycle, project__code="extra-0")
    report.activities = "改めた実施内容"
    with django_capture_on_commit_callbacks(execute=True):
        report.save()
    assert "改めた実施内容" in client.get(measure_url()).content.decode()


def test_the_public_never_gets_the_insiders_cached_body(world, login):
    fill(world, projects=1)
    report_link = "/report/"
    insider = login(world.users["member"]).get(measure_url(year=2020)).content.decode()
    public = Client().get(measure_url(year=2020)).content.decode()
    assert report_link in insider
    assert report_link not in public


def test_the_first_revised_year_shows_the_midterm_review_as_last_year(world, login):
    CycleFactory(fiscal_year=2017, phase=Phase.ENTRY)
    html = login(world.users["member"]).get(measure_url("2-6", year=2017)).content.decode()
    assert "平成28（2016）年度（基本計画）" in html
    assert "NPOとしての中間支援組織の確立も今後の課題である。" in html


@pytest.mark.django_db
def test_the_public_sees_a_published_year_without_member_scores(client):
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    MemberEvaluationFactory(cycle=cycle, opinion="個人の意見")
    CommitteeEvaluationFactory(cycle=cycle, opinion="委員会の意見")
    html = client.get(measure_url(year=2020)).content.decode()
    assert "委員会の意見" in html
    assert "個人の意見" not in html


@pytest.mark.django_db
def test_the_public_does_not_see_an_unpublished_year(client):
    CycleFactory(fiscal_year=2021, phase=Phase.CONFIRMED)
    response = client.get(measure_url())
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_the_cycle_list_shows_the_public_only_published_years(client):
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    html = client.get(
        reverse("evaluation:cycles", kwargs={"plan": "revised-2017"})
    ).content.decode()
    assert "令和2（2020）年度" in html
    assert "令和3（2021）年度" not in html


def fill_more_history(world) -> None:
    for n in range(3):
        world.project.name = f"改名{n}"
        world.project.save()
        world.cycle.entry_due = f"2022-05-{n + 1:02d}"
        world.cycle.save()
    for n in range(4):
        ProjectFactory(code=f"later-{n}")


FORM_URLS = {
    "report": {"plan": "revised-2017", "year": 2021, "code": "city-001"},
    "self_evaluation": {"plan": "revised-2017", "year": 2021, "number": "1-1", "body": "city"},
    "committee_evaluation": {"plan": "revised-2017", "year": 2021, "number": "1-1"},
    "cycle_edit": {"plan": "revised-2017", "year": 2021},
    "project_edit": {"code": "city-001"},
}
FORM_QUERIES = {
    "report": 10,  # with the body's next 事業 still to enter (保存して次へ)
    "self_evaluation": 14,  # with the body's answers to last year's opinion
    # The 施策 and the scale's levels come from the page cache (access.measure_in,
    # rollups.ratings.cycle_levels): a read of the generation token each, no model query.
    "committee_evaluation": 12,  # the members' side cached; the year's meetings to choose from
    "cycle_edit": 8,  # the rating scales to choose from
    "project_edit": 12,
}


@pytest.mark.parametrize("name", sorted(FORM_URLS))
def test_each_form_has_a_fixed_query_count(
    world, login, django_assert_num_queries, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        fill(world, projects=3)
    client = login(world.users["secretariat"])
    url = reverse(f"evaluation:{name}", kwargs=FORM_URLS[name])
    client.get(url)  # the record's history (once per version) and the members' side, cached
    with django_assert_num_queries(FORM_QUERIES[name]):
        assert client.get(url).status_code == 200
    # More history and more data do not add queries.
    with django_capture_on_commit_callbacks(execute=True):
        fill_more_history(world)
    client.get(url)
    with django_assert_num_queries(FORM_QUERIES[name]):
        assert client.get(url).status_code == 200


def test_a_cycle_can_be_created_by_the_secretariat(world, login):
    client = login(world.users["secretariat"])
    response = client.post(
        reverse("evaluation:cycle_create", kwargs={"plan": "revised-2017"}),
        {"fiscal_year": 2019, "entry_due": "2020-05-31", "version": 0},
    )
    cycle = Cycle.objects.get(plan__code="revised-2017", fiscal_year=2019)
    assert response["Location"] == cycle.get_absolute_url()
    assert (cycle.phase, str(cycle.entry_due)) == (Phase.PREPARATION, "2020-05-31")


def test_a_second_cycle_for_the_same_year_is_refused(world, login):
    response = login(world.users["secretariat"]).post(
        reverse("evaluation:cycle_create", kwargs={"plan": "revised-2017"}),
        {"fiscal_year": 2021, "version": 0},
    )
    assert "この年度の評価サイクルはすでにあります。" in response.content.decode()


def test_the_self_evaluation_form_shows_last_years_committee_opinion(world, login):
    fill(world, projects=0)
    url = reverse("evaluation:self_evaluation", kwargs=FORM_URLS["self_evaluation"])
    html = login(world.users["staff_a"]).get(url).content.decode()
    assert "前年度の委員会による評価及び意見" in html and "昨年度の意見" in html


def test_staff_register_a_project_for_their_own_body_only(world, login):
    client = login(world.users["staff_b"])
    url = reverse("evaluation:project_create", kwargs={"plan": "revised-2017"})
    form = client.get(url).context["form"]
    assert [b.code for b in form.fields["body"].queryset] == ["place"]
    data = {
        "code": "place-009",
        "name": "相談窓口",
        "body": body("city").pk,  # someone else's body
        "initiatives": [Initiative.objects.get_by_natural_key("revised-2017", "2-2", 2).pk],
        "first_year": 2021,
        "version": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()


def test_relisted_items_cannot_be_chosen_for_a_project(world, login):
    form = (
        login(world.users["staff_a"])
        .get(reverse("evaluation:project_create", kwargs={"plan": "revised-2017"}))
        .context["form"]
    )
    assert form.fields["initiatives"].queryset.count() == 32


def test_a_member_cannot_see_another_members_form_as_their_own(world, login):
    world.set_phase(Phase.COMMITTEE)
    MemberEvaluationFactory(cycle=world.cycle, member=world.users["chair"], opinion="委員長の意見")
    url = reverse("evaluation:scoring", kwargs=FORM_URLS["committee_evaluation"])
    html = login(world.users["member"]).get(url).content.decode()
    assert "委員長の意見" not in html


@pytest.mark.parametrize(
    ("name", "kwargs", "queries"),
    [
        (
            "evaluation:cycle",
            {"plan": "revised-2017", "year": 2021},
            15,
        ),  # 4: entry progress (+2 for 該当なし)
        ("evaluation:cycles", {"plan": "revised-2017"}, 8),
        ("evaluation:project", {"code": "city-001"}, 11),
    ],
)
def test_other_pages_have_a_fixed_query_count(
    world,
    login,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    name,
    kwargs,
    queries,
):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        fill(world, projects=2)
    client = login(world.users["secretariat"])
    url = reverse(name, kwargs=kwargs)
    client.get(url)  # a record's history is read once per version
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        fill_more_history(world)
        CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
