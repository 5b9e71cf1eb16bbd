"""The 回答報告書's items: the 事務局 splits an opinion into numbered points (指摘事項), each
実施主体 answering the opinion answers each point with its 担当課, 対応方針, 取組内容 and 時期."""

import pytest
from django.urls import reverse

from evaluation import follow_ups
from evaluation.models import FollowUp, FollowUpStatus
from tests.evaluation.test_follow_ups import edit_url, opened, years  # noqa: F401
from tests.factories import body, measure

REPORT = reverse("evaluation:follow_up_report", kwargs={"plan": "revised-2017", "year": 2021})


def points_url(item: FollowUp) -> str:
    return reverse(
        "evaluation:follow_up_points",
        kwargs={"plan": "revised-2017", "year": 2021, "pk": item.pk},
    )


def first_item() -> FollowUp:
    return FollowUp.objects.get(body=body("city"), measure=measure("1-1"), point_number=1)


def points_of(number: str) -> list[tuple[int, str, str]]:
    return list(
        FollowUp.objects.filter(measure=measure(number))
        .order_by("point_number", "body__order")
        .values_list("point_number", "body__code", "point")
    )


def test_the_form_starts_from_the_whole_opinion(opened, login):  # noqa: F811
    html = login(opened.users["secretariat"]).get(points_url(first_item())).content.decode()
    assert ">\n1-1の意見</textarea>" in html


def test_the_secretariat_splits_an_opinion_into_points_for_every_body_answering_it(
    opened,  # noqa: F811
    login,
):
    client = login(opened.users["secretariat"])
    response = client.post(
        points_url(first_item()),
        {"points": "講座の広報を見直すこと。\n\n参加者の層を広げること。\n"},
    )
    assert response.status_code == 302 and response["Location"] == REPORT
    assert points_of("1-1") == [
        (1, "city", "講座の広報を見直すこと。"),
        (1, "place", "講座の広報を見直すこと。"),
        (2, "city", "参加者の層を広げること。"),
        (2, "place", "参加者の層を広げること。"),
    ]
    html = client.get(REPORT).content.decode()
    assert "1-1 市民活動のきっかけづくりの指摘事項を2個にしました（回答の項目 4件）。" in html
    assert '2.</span> <span class="text-prewrap small">参加者の層を広げること。' in html
    assert "1-1 指摘事項2 武蔵野プレイスの回答を入力" in html


def test_an_answered_point_cannot_be_taken_away_and_what_was_typed_stays(opened, login):  # noqa: F811
    client = login(opened.users["secretariat"])
    client.post(points_url(first_item()), {"points": "広報を見直すこと。\n参加者を広げること。"})
    answered = FollowUp.objects.get(body=body("place"), measure=measure("1-1"), point_number=2)
    answered.policy, answered.status = "館内掲示を増やす。", FollowUpStatus.IN_PROGRESS
    answered.save()
    response = client.post(points_url(first_item()), {"points": "広報を見直すこと。"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "指摘事項2（武蔵野プレイス）はすでに回答があるため、なくせません。" in html
    assert "広報を見直すこと。</textarea>" in html
    assert len(points_of("1-1")) == 4  # nothing changed


def test_an_unanswered_point_taken_away_is_removed(opened, login):  # noqa: F811
    client = login(opened.users["secretariat"])
    client.post(points_url(first_item()), {"points": "広報を見直すこと。\n参加者を広げること。"})
    client.post(points_url(first_item()), {"points": "広報と参加者の両方を見直すこと。"})
    assert points_of("1-1") == [
        (1, "city", "広報と参加者の両方を見直すこと。"),
        (1, "place", "広報と参加者の両方を見直すこと。"),
    ]


def test_a_body_answers_a_point_with_its_section_action_and_timing(opened, login):  # noqa: F811
    item = first_item()
    response = login(opened.users["staff_a"]).post(
        edit_url(item),
        {
            "department": "市民活動推進課",
            "policy": "講座の周知を強める。",
            "action": "市報とSNSで講座を告知した。",
            "timing": "令和3年度中",
            "status": "in_progress",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.department, item.action, item.timing) == (
        "市民活動推進課",
        "市報とSNSで講座を告知した。",
        "令和3年度中",
    )


def test_points_are_carried_forward_with_their_answers(opened):  # noqa: F811
    from tests.factories import CycleFactory

    follow_ups.follow_up_points_set(item=first_item(), points=["広報", "参加者"], user=None)
    next_year = CycleFactory(fiscal_year=2022)
    follow_ups.follow_ups_open(cycle=next_year, user=None)
    carried = FollowUp.objects.filter(cycle=next_year, measure=measure("1-1"))
    assert sorted(carried.values_list("point_number", "body__code", "point")) == [
        (1, "city", "広報"),
        (1, "place", "広報"),
        (2, "city", "参加者"),
        (2, "place", "参加者"),
    ]


@pytest.mark.parametrize("points", [1, 15])
def test_the_points_page_has_a_fixed_query_count(
    opened,  # noqa: F811
    login,
    django_assert_max_num_queries,
    points,
):
    client = login(opened.users["secretariat"])
    client.post(points_url(first_item()), {"points": "\n".join(f"点{n}" for n in range(points))})
    with django_assert_max_num_queries(12):
        assert client.get(points_url(first_item())).status_code == 200


def test_the_secretariats_todo_counts_each_bodys_unanswered_points(opened, login):  # noqa: F811
    html = login(opened.users["secretariat"]).get(reverse("evaluation:todo")).content.decode()
    # 市 answers 1-1 and 1-2 (no 事業 there); its 実施状況 and 自己評価 are missing too.
    assert "・委員会意見への対応 未入力 2件" in html
    assert "・委員会意見への対応 未入力 1件" in html  # プレイス: 1-1
