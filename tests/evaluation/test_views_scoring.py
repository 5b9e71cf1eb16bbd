"""The member's scoring pages: the material beside the form, 保存して次へ, n / 12."""

import pytest
from django.urls import reverse

from evaluation import page_cache
from evaluation.committee.material import material_html
from evaluation.models import (
    FollowUp,
    Indicator,
    IndicatorValue,
    MemberEvaluation,
    Phase,
    ProjectIndicator,
    ProjectReport,
)
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    level,
    measure,
    member,
)


def scoring_url(number: str | None = None) -> str:
    kwargs = {"plan": "revised-2017", "year": 2021}
    if number is None:
        return reverse("evaluation:scoring_list", kwargs=kwargs)
    return reverse("evaluation:scoring", kwargs={**kwargs, "number": number})


@pytest.fixture
def scoring(world):
    world.set_phase(Phase.COMMITTEE)
    return world


def fill(world, projects: int) -> None:
    """施策 1-1 with 事業 and their reports this year and last, every body's self-evaluation
    and last year's confirmed committee opinion."""
    previous = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CommitteeEvaluationFactory(
        cycle=previous,
        opinion="昨年度の委員会意見",
        rating=level("B"),
        confirmed_at="2021-06-01T10:00:00+09:00",
    )
    for n in range(projects):
        project = ProjectFactory(code=f"extra-{n}", body=body(["city", "place", "shakyo"][n % 3]))
        ProjectReportFactory(cycle=world.cycle, project=project, activities=f"今年の活動{n}")
        ProjectReportFactory(cycle=previous, project=project, activities=f"昨年の活動{n}")
    for code in ["city", "place", "shakyo"]:
        SelfEvaluationFactory(
            cycle=world.cycle,
            body=body(code),
            reason=f"{code}の理由",
            issues=f"{code}の課題",
            response_to_committee=f"{code}の対応",
        )


def test_the_page_shows_everything_the_member_judges_by(scoring, login):
    fill(scoring, projects=2)
    html = login(scoring.users["member"]).get(scoring_url("1-1")).content.decode()
    assert measure("1-1").description[:30] in html  # 施策の目標
    assert "今年の活動0" in html and "今年の活動1" in html
    assert "昨年の活動0" in html and "昨年の活動1" in html
    assert "cityの理由" in html and "shakyoの課題" in html
    assert "昨年度の委員会意見" in html and "placeの対応" in html
    assert "0 / 12 入力済み" in html
    assert "次の施策 1-2" in html and "前の施策" not in html


def test_a_year_with_follow_up_items_shows_their_status_not_the_old_response_text(scoring, login):
    fill(scoring, projects=1)
    FollowUp.objects.create(
        cycle=scoring.cycle, measure=measure("1-1"), body=body("place"), status="not_yet"
    )
    html = login(scoring.users["member"]).get(scoring_url("1-1")).content.decode()
    assert "未対応" in html  # the item's 対応状況
    assert "placeの対応" not in html and "cityの対応" not in html


def test_save_and_next_saves_and_opens_the_next_measure(
    scoring, login, django_capture_on_commit_callbacks
):
    client = login(scoring.users["member"])
    client.get(scoring_url("1-1"))  # the progress, cached until the save commits
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        response = client.post(
            scoring_url("1-1"),
            {"rating": level("C").pk, "opinion": "橋渡しが弱い。", "version": 0, "then": "next"},
        )
    assert response.status_code == 302
    # At the next 施策's form, its first field focused.
    assert response.headers["Location"] == scoring_url("1-2") + "#id_rating"
    saved = MemberEvaluation.objects.get(member=scoring.users["member"])
    assert (saved.measure.number, saved.rating.code, saved.opinion) == (
        "1-1",
        "C",
        "橋渡しが弱い。",
    )
    html = client.get(scoring_url("1-2")).content.decode()
    assert "1 / 12 入力済み" in html
    assert "前の施策 1-1" in html and "次の施策 2-1" in html
    assert 'id="id_rating"' in html  # where the fragment lands


def test_plain_save_stays_on_the_measure(scoring, login):
    response = login(scoring.users["member"]).post(
        scoring_url("2-4"), {"opinion": "学びの場が広がった。", "version": 0}
    )
    assert response.headers["Location"] == scoring_url("2-4")


def test_save_and_next_on_the_last_measure_returns_to_the_list(scoring, login):
    response = login(scoring.users["chair"]).post(
        scoring_url("4-2"), {"opinion": "庁内の連携が進んだ。", "version": 0, "then": "next"}
    )
    assert response.headers["Location"] == scoring_url()


def test_the_list_shows_the_members_own_ratings_and_progress(scoring, login):
    member = scoring.users["member"]
    MemberEvaluationFactory(cycle=scoring.cycle, member=member, rating=level("A"))
    html = login(member).get(scoring_url()).content.decode()
    assert "1 / 12 入力済み" in html
    assert "未入力の施策（1-2）から入力する" in html
    assert html.count(">入力済み</span>") == 1 and html.count(">未入力</span>") == 11


def test_a_second_save_from_a_stale_page_is_a_conflict_and_keeps_the_text(scoring, login):
    member = scoring.users["member"]
    MemberEvaluationFactory(cycle=scoring.cycle, member=member, opinion="先に保存", version=1)
    response = login(member).post(
        scoring_url("1-1"), {"opinion": "あとから保存", "version": 0, "then": "next"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "さんがこの記録を保存しました" in html and "あとから保存" in html
    assert MemberEvaluation.objects.get().opinion == "先に保存"


@pytest.mark.parametrize("role", ["staff_a", "secretariat"])
def test_only_committee_members_have_a_scoring_page(scoring, login, role):
    client = login(scoring.users[role])
    assert client.get(scoring_url("1-1")).status_code == 403
    assert client.get(scoring_url()).status_code == 403


def test_outside_committee_scoring_the_page_is_read_only_and_says_why(world, login):
    html = login(world.users["member"]).get(scoring_url("1-1")).content.decode()
    assert "いまは「実施状況入力」の段階なので" in html
    assert "保存して次へ" not in html


def test_the_todo_links_each_measure_to_its_scoring_page(scoring, login):
    html = login(scoring.users["member"]).get(reverse("evaluation:todo")).content.decode()
    assert f'href="{scoring_url("1-1")}?next=%2Ftodo%2F"' in html


@pytest.mark.parametrize("k", [1, 10, 100])
def test_the_scoring_page_has_a_fixed_query_count(scoring, login, django_assert_max_num_queries, k):
    fill(scoring, projects=k)
    with_project_material(scoring, projects=k)
    with_reference_indicators(k)
    MemberEvaluationFactory(cycle=scoring.cycle, member=scoring.users["member"])
    client = login(scoring.users["member"])
    client.get(scoring_url("1-1"))  # the record's history, read once per version
    with django_assert_max_num_queries(19):
        assert client.get(scoring_url("1-1")).status_code == 200


@pytest.mark.parametrize("k", [1, 10, 100])
def test_the_draft_page_with_the_material_has_a_fixed_query_count(
    scoring, login, django_assert_max_num_queries, k
):
    fill(scoring, projects=k)
    with_project_material(scoring, projects=k)
    with_reference_indicators(k)
    for _ in range(k):
        MemberEvaluationFactory(cycle=scoring.cycle, measure=measure("1-1"), member=member().user)
    url = reverse(
        "evaluation:committee_evaluation",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
    )
    client = login(scoring.users["secretariat"])
    client.get(url)  # the material and the members' side, rendered once per generation
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("scored", [1, 12])
def test_the_scoring_list_has_a_fixed_query_count(
    scoring, login, django_assert_max_num_queries, scored
):
    member = scoring.users["member"]
    for number in [
        "1-1",
        "1-2",
        "2-1",
        "2-2",
        "2-3",
        "2-4",
        "2-5",
        "2-6",
        "3-1",
        "3-2",
        "4-1",
        "4-2",
    ][:scored]:
        MemberEvaluationFactory(cycle=scoring.cycle, member=member, measure=measure(number))
    client = login(member)
    client.get(scoring_url())  # the member's progress, read once per generation
    with django_assert_max_num_queries(9):
        assert client.get(scoring_url()).status_code == 200


def test_a_rating_alone_is_saved_as_no_opinion(scoring, login):
    client = login(scoring.users["member"])
    client.post(scoring_url("2-4"), {"rating": level("B").pk, "opinion": "", "version": 0})
    saved = MemberEvaluation.objects.get()
    assert (saved.rating.code, saved.opinion) == ("B", "")
    page_cache.invalidate()  # what the save's commit does (the test's transaction never commits)
    html = client.get(scoring_url()).content.decode()
    assert "1 / 12 入力済み" in html


def test_neither_a_rating_nor_an_opinion_is_refused_and_says_why(scoring, login):
    response = login(scoring.users["member"]).post(
        scoring_url("2-4"), {"opinion": "   ", "version": 0, "then": "next"}
    )
    assert response.status_code == 200
    assert "評価か意見の少なくとも一方を入力してください。" in response.content.decode()
    assert not MemberEvaluation.objects.exists()


def test_the_draft_page_marks_a_measure_that_received_no_opinion(scoring, login):
    for code in ["A", "B"]:
        MemberEvaluationFactory(
            cycle=scoring.cycle, measure=measure("2-4"), rating=level(code), opinion=""
        )
    url = reverse(
        "evaluation:committee_evaluation",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "2-4"},
    )
    html = login(scoring.users["secretariat"]).get(url).content.decode()
    assert "この施策には、委員から意見が寄せられていません（評価だけです）。" in html
    assert html.count(">意見なし<") == 3  # the mark and each member's card


def test_the_skip_link_to_the_form_comes_before_everything_else(scoring, login):
    html = login(scoring.users["member"]).get(scoring_url("1-2")).content.decode()
    body = html[html.index("<body>") :]
    first_link = body[body.index("<a ") : body.index("</a>")]
    assert 'href="#scoring-form"' in first_link and "評価の入力欄へ移動" in first_link


def with_project_material(world, projects: int) -> None:
    """Each 事業 of ``fill`` with its 概要, and its report with a 目標, two 指標 and a 方向性."""
    for report in ProjectReport.objects.filter(cycle=world.cycle).select_related("project"):
        report.project.summary = f"{report.project.code}の概要"
        report.project.save()
        report.goal, report.direction = f"{report.project.code}の目標", "expand"
        report.save()
        for order, (target, actual) in enumerate([(40, 46), (10, 5)]):
            ProjectIndicator.objects.create(
                report=report,
                name=f"参加者数{order}",
                unit="人",
                target=target,
                actual=actual,
                order=order,
            )


def test_the_page_shows_each_projects_summary_goal_indicators_and_direction(scoring, login):
    fill(scoring, projects=1)
    with_project_material(scoring, projects=1)
    html = login(scoring.users["member"]).get(scoring_url("1-1")).content.decode()
    assert "extra-0の概要" in html and "extra-0の目標" in html
    assert "参加者数0（人）" in html and "115.0%" in html and "50.0%" in html
    assert "今後の方向性" in html and "拡充" in html


def with_reference_indicators(count: int) -> None:
    """``count`` 参考指標 of 施策 1-1, each with a value for every year of the plan so far
    (平成29–令和3) and a target for 令和3."""
    plan = measure("1-1").basic_policy.plan
    for n in range(count):
        indicator = Indicator.objects.create(plan=plan, name=f"参考指標{n}", unit="団体", order=n)
        indicator.measures.add(measure("1-1"))
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                fiscal_year=year,
                actual=100 + year - 2017,
                target=120 if year == 2021 else None,
            )
            for year in range(2017, 2022)
        )


def test_the_page_shows_the_measures_reference_indicators_over_the_years_and_the_target(
    scoring, login
):
    with_reference_indicators(1)
    html = login(scoring.users["member"]).get(scoring_url("1-1")).content.decode()
    section = html[html.index('id="indicators-heading"') : html.index('id="self-heading"')]
    assert "参考指標0（団体）" in section
    assert section.count("<polyline") == 1  # 実績値 joined over five years; one target
    for era in ["平成29", "平成30", "令和元", "令和2", "令和3"]:
        assert era in section
    assert '<td class="text-end">104</td><td class="text-end">120</td>' in section
    assert "86.7%" in section  # 104 / 120


def test_a_later_years_value_is_left_out_but_its_target_is_kept(scoring, login):
    with_reference_indicators(1)
    IndicatorValue.objects.filter(fiscal_year=2021).update(actual=999)
    CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    html = (
        login(scoring.users["member"])
        .get(
            reverse(
                "evaluation:scoring", kwargs={"plan": "revised-2017", "year": 2020, "number": "1-1"}
            )
        )
        .content.decode()
    )
    section = html[html.index('id="indicators-heading"') : html.index('id="self-heading"')]
    assert "999" not in section and "120" in section


@pytest.mark.parametrize("k", [1, 10, 100])
def test_the_material_has_a_fixed_query_count(scoring, django_assert_num_queries, k):
    fill(scoring, projects=k)
    with_project_material(scoring, projects=k)
    with_reference_indicators(k)
    page_cache.invalidate()
    # The same for 1 事業 and for 100, each with 2 指標, and for 1 参考指標 and for 100.
    with django_assert_num_queries(20):
        html = material_html(scoring.cycle, measure("1-1"))
    assert html.count("の目標</dd>") == k
    assert html.count('class="scoring-indicator ') == k
