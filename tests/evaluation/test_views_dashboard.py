import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import page_cache
from evaluation.models import CommitteeEvaluation, Cycle, Phase, Project, ProjectReport
from ops.scale_data import generate
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    UserFactory,
    level,
    measure,
    member,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db


def year_url(plan: str, year: int) -> str:
    return reverse("evaluation:dashboard", kwargs={"plan": plan, "year": year})


def trends_url(plan: str) -> str:
    return reverse("evaluation:dashboard_trends", kwargs={"plan": plan})


@pytest.fixture
def scale_plan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        return generate(1)  # 2017–2020 公開, 2021 in 委員会評価


def logged_in(participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    client.get("/floor/")  # writes the session's idle stamp now, not in a counted request
    return client


def test_the_public_sees_the_dashboard_of_a_published_year(client, scale_plan):
    response = client.get(year_url("scale-k1", 2020))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ダッシュボード 令和2（2020）年度" in html
    assert "市民活動のきっかけづくり" in html
    assert html.count('class="badge badge-priority"') == 6  # three 重点施策: summary + table
    assert "入力の進み具合" not in html  # member names and gaps are for insiders


def test_the_public_is_sent_to_log_in_for_a_year_not_yet_published(client, scale_plan):
    response = client.get(year_url("scale-k1", 2021))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_may_not_see_an_unpublished_year(client, scale_plan):
    client.force_login(UserFactory())
    assert client.get(year_url("scale-k1", 2021)).status_code == 403


@pytest.mark.parametrize("make", [member, lambda: staff("place")])
def test_insiders_see_the_open_year_with_its_entry_progress(scale_plan, make):
    html = logged_in(make()).get(year_url("scale-k1", 2021)).content.decode()
    assert "入力の進み具合" in html
    assert "未入力" not in html  # the lists of what is missing are the secretariat's


def test_the_secretariat_sees_what_is_missing(scale_plan):
    cycle = Cycle.objects.get(plan=scale_plan, fiscal_year=2021)
    ProjectReport.objects.filter(cycle=cycle, project__code="scale-k1-000-05").delete()
    CommitteeEvaluation.objects.filter(cycle=cycle, measure__number="4-2").delete()
    html = logged_in(secretariat()).get(year_url("scale-k1", 2021)).content.decode()
    assert "未入力" in html
    assert (
        '<a href="/cycles/scale-k1/2021/projects/scale-k1-000-05/report/'
        '?next=%2Fdashboard%2Fscale-k1%2F2021%2F">試験事業 1-6</a>' in html
    )  # saving the missing report comes back to the dashboard
    assert '<a href="/cycles/scale-k1/2021/measures/4-2/">4-2</a>' in html
    assert "12 / 13" in html  # 市民社協's 事業 (every third of 40)
    assert "11 / 12" in html


def test_the_dashboard_marks_gaps_and_counts_projects_by_status(client):
    plan_code = "revised-2017"
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("2-4"), rating=level("D"))
    from tests.factories import ProjectFactory, ProjectReportFactory, SelfEvaluationFactory

    SelfEvaluationFactory(cycle=cycle, measure=measure("2-4"), rating=level("A"))
    project = ProjectFactory(first_year=2017)
    ProjectReportFactory(cycle=cycle, project=project, status="not_done")
    html = client.get(year_url(plan_code, 2020)).content.decode()
    assert '<td class="text-center gap gap-lower">-3.0</td>' in html
    assert "差 -3.0" in html.replace("（", " ").replace("）", " ") or "（差 -3.0）" in html
    assert html.count('<td class="text-end">1</td>') >= 2  # 未実施 1 and 対象事業 1 under 1-1


def test_an_unknown_year_is_not_found(client, scale_plan):
    assert client.get(year_url("scale-k1", 2030)).status_code == 404


def test_the_year_dashboard_query_count_is_pinned(client, scale_plan, django_assert_num_queries):
    url = year_url("scale-k1", 2020)
    # Each request first looks for the year's edition (publication.serving; a year made
    # 公開 by the generator has none, so the view renders it).
    # cold (first request after a save): the roll-ups and writing the cache entry (in a
    # savepoint of its own, so that a write lost to a concurrent writer is skipped), and
    # which 公開 years have a 訂正 pending (access.read_live_by_public: once for the
    # year's 参考指標, once for its trend)
    with django_assert_num_queries(31):
        client.get(url)
    # warm: cycle, generation, plan switcher + the request's savepoint pair; the rendered
    # body comes from this worker's memory
    with django_assert_num_queries(6):
        client.get(url)
    # another worker: the body from the shared cache (one more query)
    page_cache.recent.clear()
    with django_assert_num_queries(7):
        client.get(url)


def test_the_trends_query_count_is_pinned(client, scale_plan, django_assert_num_queries):
    client.get(trends_url("scale-k1"))
    # plan, published cycle exists, generation, plan switcher + savepoint pair
    with django_assert_num_queries(6):
        client.get(trends_url("scale-k1"))


def _counts(client: Client, urls: list[str]) -> list[int]:
    result = []
    for url in urls:
        for _ in range(2):  # cold, then warm
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
    return result


def test_query_counts_are_the_same_at_k_1_and_k_10():
    generate(1)
    generate(10)
    secretary = logged_in(secretariat())
    secretary.get(reverse("floor"))  # the session's once-a-minute refresh happens here
    counts = {}
    for k in (1, 10):
        plan = f"scale-k{k}"
        counts[k] = _counts(Client(), [year_url(plan, 2020), trends_url(plan)]) + _counts(
            secretary, [year_url(plan, 2021), trends_url(plan)]
        )
    assert counts[1] == counts[10]


def test_the_public_trends_show_only_published_years(client, scale_plan):
    html = client.get(trends_url("scale-k1")).content.decode()
    assert html.count('<svg class="chart chart-line"') == 12
    assert "令和2（2020）年度" in html and "令和3（2021）年度" not in html
    assert ">2021</text>" not in html and ">2020</text>" in html


def test_insiders_see_every_year_in_the_trends(scale_plan):
    html = logged_in(member()).get(trends_url("scale-k1")).content.decode()
    assert ">2021</text>" in html
    assert "令和3（2021）年度" in html


def test_trends_reach_back_to_the_first_half_plan(client):
    CycleFactory(fiscal_year=2017, phase=Phase.PUBLISHED)
    # The real mid-term review (FY2016) has opinions only; give 2-6's a rating here.
    midterm = CommitteeEvaluation.objects.get_by_natural_key("basic-2012", 2016, "2-6")
    midterm.rating = level("D")
    midterm.save()
    html = client.get(trends_url("revised-2017")).content.decode()
    assert "基本計画: 2-6 中間支援組織等の支援力強化に向けた取組み" in html
    assert "平成28（2016）年度 委員会: D" in html


def test_a_plan_without_a_published_year_is_not_shown_to_the_public(client):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    assert client.get(trends_url("revised-2017")).status_code == 302


def test_a_saved_record_shows_on_the_dashboard_other_clients_read(
    scale_plan, django_capture_on_commit_callbacks
):
    reader = Client()
    url = year_url("scale-k1", 2020)
    before = reader.get(url).content.decode()
    cycle = Cycle.objects.get(plan=scale_plan, fiscal_year=2020)
    evaluation = CommitteeEvaluation.objects.get(cycle=cycle, measure__number="1-1")
    assert evaluation.rating.code != "－"
    evaluation.rating = level("－")
    # A confirmed evaluation of a 公開 year is locked for every writer (record_save refuses
    # it); any save, as a data fix in the database would be, invalidates the shared cache.
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.save()
    after = reader.get(url).content.decode()
    assert after != before
    # 1-1 is a 重点施策: shown in the summary and in the table
    assert after.count("rating-unrated") == before.count("rating-unrated") + 2


def test_linking_a_project_to_an_item_updates_the_counts(
    scale_plan, django_capture_on_commit_callbacks
):
    reader = Client()
    url = year_url("scale-k1", 2020)
    reader.get(url)
    project = Project.objects.get(code="scale-k1-000-00")
    before = reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        project.initiatives.clear()
    assert reader.get(url).content.decode() != before


def test_the_navigation_links_to_the_dashboard(client):
    html = client.get(reverse("policies:tree", kwargs={"plan": "revised-2017"})).content.decode()
    assert f'href="{trends_url("revised-2017")}">ダッシュボード</a>' in html


def test_the_floor_page_renders_the_base_template_without_plan_data(
    client, django_assert_num_queries
):
    # the plan switcher's one query (part of every page) + the request's savepoint pair
    with django_assert_num_queries(3):
        response = client.get(reverse("floor"))
    assert response.status_code == 200
    assert "計測用の基準ページ" in response.content.decode()


def test_cache_keys_change_with_the_code_that_renders_the_pages(monkeypatch):
    from evaluation import page_cache

    built = []
    page_cache.cached(("probe",), lambda: built.append(1) or "old")
    assert page_cache.cached(("probe",), lambda: "never") == "old"
    monkeypatch.setattr(page_cache, "CODE_STAMP", "another-deploy")
    assert page_cache.cached(("probe",), lambda: "new") == "new"


def test_a_workers_remembered_entry_is_not_served_after_an_invalidation():
    page_cache.cached(("probe",), lambda: "before")
    page_cache.invalidate()  # as another worker's save would, through the shared token
    assert page_cache.cached(("probe",), lambda: "after") == "after"


def test_a_worker_remembers_a_bounded_number_of_entries():
    recent = page_cache._Recent(size=2)
    for key in ["a", "b", "c"]:
        recent.put(key, key.upper())
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (None, "B", "C")


def test_a_worker_remembers_a_bounded_number_of_bytes():
    recent = page_cache._Recent(size=10, max_bytes=100)
    recent.put("huge", "x" * 26)  # over a quarter of the budget: left to the shared cache
    for key in "abcde":
        recent.put(key, key * 25)
    assert recent.get("huge") is None and recent.get("a") is None  # the oldest went first
    assert [recent.get(key) for key in "bcde"] == [key * 25 for key in "bcde"]
    assert recent.bytes == 100


def test_a_superuser_without_a_role_sees_an_unpublished_year(client, scale_plan):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    assert client.get(year_url("scale-k1", 2021)).status_code == 200


def test_only_the_secretariat_gets_a_link_to_enter_indicators(scale_plan):
    link = 'href="/indicators/scale-k1/">参考指標の登録・入力</a>'
    assert link in logged_in(secretariat()).get(trends_url("scale-k1")).content.decode()
    assert link not in logged_in(member()).get(trends_url("scale-k1")).content.decode()
    assert link not in Client().get(year_url("scale-k1", 2020)).content.decode()


def test_a_transaction_that_saves_many_records_invalidates_once(
    scale_plan, django_capture_on_commit_callbacks
):
    cycle = Cycle.objects.get(plan=scale_plan, fiscal_year=2020)
    with django_capture_on_commit_callbacks() as callbacks:
        for evaluation in CommitteeEvaluation.objects.filter(cycle=cycle)[:3]:
            evaluation.opinion = "修正"
            evaluation.save()
    assert len(callbacks) == 1


def test_a_rolled_back_save_does_not_invalidate(scale_plan, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as rolled_back, transaction.atomic():
        CommitteeEvaluation.objects.filter(cycle__plan=scale_plan).first().save()
        transaction.set_rollback(True)
    assert rolled_back == []
    with django_capture_on_commit_callbacks() as kept:
        CommitteeEvaluation.objects.filter(cycle__plan=scale_plan).first().save()
    assert len(kept) == 1


def test_the_dashboard_pages_refuse_posts(client, scale_plan):
    assert client.post(year_url("scale-k1", 2020)).status_code == 405
    assert client.post(trends_url("scale-k1")).status_code == 405


def test_measures_keep_the_plans_order_with_priority_measures_marked_not_moved(client):
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    for url in [year_url("revised-2017", 2020), trends_url("revised-2017")]:
        html = client.get(url).content.decode()
        table = html[html.find("基本施策2 ") :]
        positions = [table.find(f">{n} ") for n in ["2-1", "2-2", "2-3", "2-4", "2-5", "2-6"]]
        assert -1 not in positions and positions == sorted(positions), url
        assert "重点施策" in table[positions[3] : positions[4]], url  # 2-4 is marked
        assert "重点施策" not in table[positions[0] : positions[3]], url
