"""The committee's meetings: the 事務局 records them, a draft changed at one names it, the
projector shows one 施策 a screen, and the 会議資料 is one PDF of the same material."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import page_cache
from evaluation.committee.meetings import agenda, meeting_items
from evaluation.models import CommitteeEvaluation, Meeting, Phase
from tests.evaluation.test_sheet_pdf import pages_of
from tests.factories import (
    CommitteeEvaluationFactory,
    MemberEvaluationFactory,
    SelfEvaluationFactory,
    level,
    measure,
    member,
)

CYCLE = {"plan": "revised-2017", "year": 2021}
NUMBERS = ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2", "4-1", "4-2"]


@pytest.fixture
def committee(world):
    world.set_phase(Phase.COMMITTEE)
    return world


def held(
    world, *numbers: str, place: str = "市役所 412会議室", when: str = "2021-07-05T18:30+09:00"
):
    meeting = Meeting.objects.create(cycle=world.cycle, held_at=when, place=place)
    meeting.measures.set([measure(n) for n in numbers])
    meeting.attendees.set([world.users["member"], world.users["chair"]])
    return meeting


def test_the_secretariat_records_a_meeting_with_its_attendees_and_agenda(committee, login):
    client = login(committee.users["secretariat"])
    response = client.post(
        reverse("evaluation:meeting_create", kwargs=CYCLE),
        {
            "held_at": "2021-07-05T18:30",
            "place": "市役所 412会議室",
            "attendees": [committee.users["member"].pk, committee.users["chair"].pk],
            "measures": [measure("1-1").pk, measure("2-4").pk],
            "summary": "施策1-1と2-4の案について審議した。",
            "version": 0,
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M") == "2021-07-05 18:30"
    assert set(meeting.attendees.all()) == {committee.users["member"], committee.users["chair"]}
    assert [m.number for m in agenda(meeting)] == ["1-1", "2-4"]
    html = client.get(response.url).content.decode()
    assert "第1回" in html and "令和3年7月5日 18:30" in html and "市役所 412会議室" in html
    assert "施策1-1と2-4の案について審議した。" in html


def test_only_committee_members_can_be_recorded_as_attending(committee, login):
    response = login(committee.users["secretariat"]).post(
        reverse("evaluation:meeting_create", kwargs=CYCLE),
        {
            "held_at": "2021-07-05T18:30",
            "place": "市役所",
            "attendees": [committee.users["staff_a"].pk],
            "version": 0,
        },
    )
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_meetings_list_prints_with_the_plan_and_the_year(committee, login):
    held(committee, "1-1")
    html = login(committee.users["member"]).get(reverse("evaluation:meetings", kwargs=CYCLE))
    html = html.content.decode()
    heading = html[html.index("<h1") : html.index("</h1>")]
    assert "委員会の会議" in heading and "令和3（2021）年度" in heading
    assert "会議を記録する" not in html  # the 事務局 records; a member reads
    assert "投影画面" not in html and "会議資料（PDF）" not in html


def test_body_staff_are_told_the_meetings_are_for_the_committee(committee, login):
    response = login(committee.users["staff_a"]).get(reverse("evaluation:meetings", kwargs=CYCLE))
    assert response.status_code == 403
    assert "委員会の会議の記録は、事務局と委員が見られます。" in response.content.decode()


def test_a_draft_written_after_a_meeting_names_it_and_the_history_keeps_it(committee, login):
    meeting = held(committee, "1-1")
    url = reverse("evaluation:committee_evaluation", kwargs={**CYCLE, "number": "1-1"})
    client = login(committee.users["secretariat"])
    html = client.get(url).content.decode()
    assert f'<option value="{meeting.pk}" selected>' in html  # the meeting held last
    client.post(
        url,
        {"rating": level("B").pk, "opinion": "会議を受けた案", "meeting": meeting.pk, "version": 0},
    )
    draft = CommitteeEvaluation.objects.get(cycle=committee.cycle)
    assert draft.meeting == meeting
    assert draft.history.first().meeting_id == meeting.pk
    page_cache.invalidate()
    listed = client.get(reverse("evaluation:meetings", kwargs=CYCLE)).content.decode()
    assert "会議を受けて変えた案" in listed


def test_a_meeting_yet_to_be_held_is_not_chosen_for_a_draft(committee, login):
    held(committee, "1-1", when="2099-01-01T10:00+09:00")
    url = reverse("evaluation:committee_evaluation", kwargs={**CYCLE, "number": "1-1"})
    html = login(committee.users["secretariat"]).get(url).content.decode()
    assert '<option value="" selected>（会議によらない変更）</option>' in html


def test_the_draft_page_asks_for_no_meeting_before_one_is_recorded(committee, login):
    url = reverse("evaluation:committee_evaluation", kwargs={**CYCLE, "number": "1-1"})
    assert "審議した会議" not in login(committee.users["secretariat"]).get(url).content.decode()


def test_the_projector_shows_one_measure_with_its_material_tally_and_draft(committee, login):
    meeting = held(committee, "1-1", "2-4")
    SelfEvaluationFactory(cycle=committee.cycle, measure=measure("2-4"), reason="講座は満員だった")
    MemberEvaluationFactory(cycle=committee.cycle, measure=measure("2-4"), rating=level("B"))
    CommitteeEvaluationFactory(
        cycle=committee.cycle, measure=measure("2-4"), rating=level("B"), opinion="概ね達成の案"
    )
    url = reverse("evaluation:meeting_screen", kwargs={**CYCLE, "pk": meeting.pk, "number": "2-4"})
    html = login(committee.users["chair"]).get(url).content.decode()
    assert "2 / 2" in html and "講座は満員だった" in html and "概ね達成の案" in html
    assert "委員の評価の集計（評価あり 1人）" in html
    previous = reverse(
        "evaluation:meeting_screen", kwargs={**CYCLE, "pk": meeting.pk, "number": "1-1"}
    )
    assert f'href="{previous}" rel="prev" data-key="ArrowLeft PageUp"' in html
    assert 'rel="next"' not in html


def test_the_projector_keeps_to_the_agenda(committee, login):
    meeting = held(committee, "1-1")
    url = reverse("evaluation:meeting_screen", kwargs={**CYCLE, "pk": meeting.pk, "number": "2-4"})
    assert login(committee.users["secretariat"]).get(url).status_code == 404


def test_a_member_is_told_why_the_meeting_material_is_not_theirs(committee, login):
    meeting = held(committee, "1-1")
    url = reverse("evaluation:meeting_pdf", kwargs={**CYCLE, "pk": meeting.pk})
    response = login(committee.users["member"]).get(url)
    assert response.status_code == 403
    assert "事務局と委員長が開きます" in response.content.decode()


def test_the_meeting_material_is_one_pdf_a_page_per_measure(committee, login, tmp_path):
    meeting = held(committee, "1-1", "2-4")
    CommitteeEvaluationFactory(
        cycle=committee.cycle, measure=measure("2-4"), rating=level("B"), opinion="概ね達成の案"
    )
    response = login(committee.users["secretariat"]).get(
        reverse("evaluation:meeting_pdf", kwargs={**CYCLE, "pk": meeting.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    pages = pages_of(response.content, tmp_path)
    assert len(pages) == 3  # the particulars, then 1-1 and 2-4
    assert "市役所 412会議室" in pages[0]
    assert "1-1" in pages[1] and "概ね達成の案" in pages[2]


@pytest.mark.parametrize("count", [1, 12])
def test_the_agendas_material_takes_the_same_queries_for_one_measure_and_twelve(
    committee, django_assert_num_queries, count
):
    for number in NUMBERS[:count]:
        MemberEvaluationFactory(
            cycle=committee.cycle, measure=measure(number), member=member().user
        )
        CommitteeEvaluationFactory(cycle=committee.cycle, measure=measure(number), opinion="案")
    measures = [measure(n) for n in NUMBERS[:count]]
    with django_assert_num_queries(9):
        items = meeting_items(committee.cycle, measures)
    assert [item.draft.opinion for item in items] == ["案"] * count
    assert not any(item.no_opinion for item in items)  # each has a member's opinion


def test_a_measure_is_marked_no_opinion_only_when_members_scored_it_without_one(committee):
    MemberEvaluationFactory(cycle=committee.cycle, measure=measure("2-4"), opinion="")
    items = meeting_items(committee.cycle, [measure("1-1"), measure("2-4")])
    assert [(item.measure.number, item.no_opinion) for item in items] == [
        ("1-1", False),
        ("2-4", True),
    ]
