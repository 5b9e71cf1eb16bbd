import pytest
from django.urls import reverse

from evaluation.models import CommitteeEvaluation, Cycle
from policies.models import Initiative, Measure, Plan
from tests.factories import UserFactory, measure

pytestmark = pytest.mark.django_db

TREE = reverse("policies:tree", kwargs={"plan": "revised-2017"})


@pytest.fixture
def logged_in_client(client):
    client.force_login(UserFactory())
    return client


def test_home_redirects_to_the_newest_plans_tree(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == TREE


def test_home_explains_when_no_plan_is_loaded(client):
    # Plans are protected while referenced; remove references first, newest plan first.
    CommitteeEvaluation.objects.all().delete()
    Cycle.objects.all().delete()
    Initiative.objects.filter(original__isnull=False).delete()
    Measure.objects.filter(predecessors__isnull=False).delete()
    Plan.objects.filter(predecessor__isnull=False).delete()
    Plan.objects.all().delete()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "計画の構造がまだ読み込まれていません" in response.content.decode()


def test_the_tree_shows_all_40_initiatives_to_anonymous_visitors(client, django_assert_num_queries):
    # 6 reads (plan, 基本施策, 施策, 展開, 改定後の施策, plan switcher) + the request's savepoint pair
    with django_assert_num_queries(9):  # + the cycles each 施策 links to
        response = client.get(TREE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="initiative-marker"') == 40
    assert html.count("badge badge-priority") == 4  # three measures and the legend
    assert "課題解決のための「連携と協働」の推進" in html
    assert "令和3（2021）年度" in html


def test_the_tree_links_each_relisted_item_to_its_original(client):
    html = client.get(TREE).content.decode()
    assert html.count("（再掲 ") == 8
    assert '/plans/revised-2017/measures/1-1/#initiative-2">（再掲 1-1②）' in html


def test_the_tree_has_the_same_query_count_for_a_logged_in_user(
    logged_in_client, django_assert_num_queries
):
    # + session, user and role reads, and the session's idle-timeout refresh in its own savepoint
    with django_assert_num_queries(15):
        response = logged_in_client.get(TREE)
    assert response.status_code == 200


def test_the_tree_offers_a_plan_switcher(client):
    html = client.get(TREE).content.decode()
    assert "計画を切り替え" in html
    assert reverse("policies:tree", kwargs={"plan": "basic-2012"}) in html


def test_the_original_plans_tree_links_to_the_revised_measures(client):
    html = client.get(reverse("policies:tree", kwargs={"plan": "basic-2012"})).content.decode()
    assert "中間支援組織等の支援力強化に向けた取組み" in html
    assert "改定計画: <a" in html and "2-6 コーディネート機能の強化" in html


def test_an_unknown_plan_is_not_found(client):
    assert client.get(reverse("policies:tree", kwargs={"plan": "nope"})).status_code == 404


def test_the_measure_page_shows_its_description_and_initiatives(client, django_assert_num_queries):
    url = reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "3-1"})
    # 施策, its 再掲先, 展開, the lineage links, the linked 施策 (前の計画の),
    # plan switcher + the savepoint pair
    with django_assert_num_queries(8):
        response = client.get(url)
    html = response.content.decode()
    assert "3-1 武蔵野プレイスの有効活用" in html
    assert "テーマやニーズごとに市民活動団体同士をマッチングできる" in html
    assert html.count('class="initiative-marker"') == 5
    assert "2-2. 相談体制の拡充②" in html  # the relisted item names its original
    assert "改定前の計画: <a" in html  # the 改定計画's own word for its predecessor
    assert '<h2 class="h6 mt-3">施策の目標</h2>' in html  # and for a 施策's description


def test_the_measure_page_lists_where_an_item_is_relisted(client):
    url = reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "1-1"})
    html = client.get(url).content.decode()
    assert "再掲先" in html
    assert '#initiative-4">2-4④</a>' in html
    assert '#initiative-4">3-1④</a>' in html


def test_a_measure_without_lineage_links_reads_no_linked_measures(
    client, django_assert_num_queries
):
    Measure.predecessors.through.objects.filter(from_measure=measure("3-1")).delete()
    url = reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "3-1"})
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert "改定前の計画" not in html


def test_an_unknown_measure_is_not_found(client):
    url = reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "9-9"})
    assert client.get(url).status_code == 404


def test_the_login_page_is_in_japanese(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="ja">' in html
    assert "ユーザー名" in html and "パスワード" in html


def test_a_user_can_log_in_and_out(client):
    UserFactory(username="tanaka")
    response = client.post(
        reverse("login"), {"username": "tanaka", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(TREE).context["user"].is_authenticated
    client.post(reverse("logout"))
    assert not client.get(TREE).context["user"].is_authenticated
