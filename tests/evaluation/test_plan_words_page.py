"""The 事務局 edits a plan's words (its level names, its predecessor's, its 重点施策's note);
the plan's pages say them at once, and the history keeps who changed what."""

import pytest
from django.urls import reverse

from evaluation.models import Phase
from policies.models import Plan
from tests.factories import CycleFactory, member, secretariat

pytestmark = pytest.mark.django_db

URL = reverse("evaluation:plan_words", kwargs={"plan": "revised-2017"})


def words(**changed) -> dict:
    plan = Plan.objects.get(code="revised-2017")
    return {
        "name": plan.name,
        "short_name": plan.short_name,
        "basic_policy_label": plan.basic_policy_label,
        "measure_label": plan.measure_label,
        "initiative_label": plan.initiative_label,
        "measure_description_label": plan.measure_description_label,
        "predecessor_label": plan.predecessor_label,
        "priority_note": plan.priority_note,
        **changed,
    }


@pytest.fixture
def jimukyoku(client):
    person = secretariat()
    person.user.first_name, person.user.last_name = "事務", "花子"
    person.user.save()
    client.force_login(person.user)
    return client


def test_the_secretariat_renames_a_level_and_the_tree_says_it_at_once(jimukyoku):
    response = jimukyoku.post(URL, words(initiative_label="主な取組"))
    assert response.status_code == 302
    tree = jimukyoku.get(reverse("policies:tree", kwargs={"plan": "revised-2017"}))
    assert '<th scope="col">主な取組</th>' in tree.content.decode()
    assert "計画後期の展開" not in tree.content.decode()


def test_the_page_shows_who_changed_which_words(jimukyoku):
    jimukyoku.post(URL, words(initiative_label="取組"))
    jimukyoku.post(URL, words(initiative_label="主な取組", priority_note="重点です。"))
    page = jimukyoku.get(URL).content.decode()
    assert "事務 花子" in page
    assert "変更：展開の呼び方、重点施策の説明" in page
    assert list(
        Plan.history.filter(code="revised-2017").values_list("initiative_label", flat=True)
    )[:1] == ["主な取組"]


def test_an_empty_level_name_is_refused_and_what_was_typed_stays(jimukyoku):
    response = jimukyoku.post(URL, words(basic_policy_label="", initiative_label="主な取組"))
    assert response.status_code == 200
    assert response.context["form"].errors["basic_policy_label"] == ["このフィールドは必須です。"]
    assert 'value="主な取組"' in response.content.decode()
    assert Plan.objects.get(code="revised-2017").initiative_label == "計画後期の展開"


def test_the_name_is_fixed_once_a_year_of_the_plan_is_confirmed(jimukyoku):
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    response = jimukyoku.post(URL, words(name="別の名前", short_name="別", initiative_label="取組"))
    assert response.status_code == 302
    plan = Plan.objects.get(code="revised-2017")
    assert (plan.short_name, plan.initiative_label) == ("改定計画", "取組")
    page = jimukyoku.get(URL).content.decode()
    assert "令和2（2020）年度の評価が確定・公開されているため変えられません" in page


def test_the_name_may_change_while_no_year_is_confirmed(jimukyoku):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    jimukyoku.post(URL, words(short_name="第二期計画"))
    assert Plan.objects.get(code="revised-2017").short_name == "第二期計画"


def test_a_plan_without_predecessor_has_no_predecessor_word_to_edit(jimukyoku):
    page = jimukyoku.get(reverse("evaluation:plan_words", kwargs={"plan": "basic-2012"}))
    assert "predecessor_label" not in page.content.decode()
    assert "initiative_label" in page.content.decode()


def test_the_tree_links_the_page_for_the_secretariat_only(client, jimukyoku):
    tree = reverse("policies:tree", kwargs={"plan": "revised-2017"})
    assert URL in jimukyoku.get(tree).content.decode()
    client.force_login(member().user)
    assert URL not in client.get(tree).content.decode()


def test_the_page_reads_a_fixed_number_of_queries(jimukyoku, django_assert_max_num_queries):
    for label in ("取組", "主な取組", "取組み"):
        jimukyoku.post(URL, words(initiative_label=label))
    with django_assert_max_num_queries(10):
        assert jimukyoku.get(URL).status_code == 200
