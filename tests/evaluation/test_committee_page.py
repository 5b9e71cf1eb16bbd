"""The committee's evaluation page shows each person only what applies to them."""

from django.urls import reverse

from evaluation.models import Phase, ReviewState
from tests.factories import CommitteeEvaluationFactory, MemberEvaluationFactory, measure

PAGE = reverse(
    "evaluation:committee_evaluation",
    kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
)
CONFIRM = reverse(
    "evaluation:committee_confirm",
    kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
)
DRAFTING = "委員会評価の案を作成するのは事務局です。"


def test_the_chair_sees_the_confirmation_and_no_note_about_who_drafts(world, login):
    world.set_phase(Phase.COMMITTEE)
    draft = CommitteeEvaluationFactory(cycle=world.cycle)
    client = login(world.users["chair"])
    before = client.get(PAGE).content.decode()
    assert "この内容で委員会評価を確定する（委員長）" in before
    assert DRAFTING not in before
    after = client.post(
        CONFIRM, {"version": draft.version, "confirmed": "1"}, follow=True
    ).content.decode()
    assert "委員会評価を確定しました。" in after
    assert DRAFTING not in after and "alert-secondary" not in after


def test_the_chair_is_told_when_there_is_no_draft_yet(world, login):
    world.set_phase(Phase.COMMITTEE)
    html = login(world.users["chair"]).get(PAGE).content.decode()
    assert "まだ事務局の案がありません。" in html
    assert DRAFTING not in html


def test_a_member_sees_neither_the_drafting_nor_the_confirming_note(world, login):
    world.set_phase(Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=world.cycle)
    html = login(world.users["member"]).get(PAGE).content.decode()
    assert DRAFTING not in html
    assert "委員会評価を確定できるのは委員長だけです。" not in html


def test_the_secretariat_is_told_why_the_draft_is_read_only(world, login):
    world.set_phase(Phase.CONFIRMED)
    CommitteeEvaluationFactory(cycle=world.cycle)
    html = login(world.users["secretariat"]).get(PAGE).content.decode()
    assert "この年度の評価は確定しているため編集できません。" in html


def test_a_members_new_opinion_is_beside_the_draft_at_once(
    world, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        world.set_phase(Phase.COMMITTEE)
    client = login(world.users["secretariat"])
    assert "遅れて届いた意見" not in client.get(PAGE).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        MemberEvaluationFactory(
            cycle=world.cycle, member=world.users["member"], opinion="遅れて届いた意見"
        )
    assert "遅れて届いた意見" in client.get(PAGE).content.decode()


def test_save_and_next_opens_the_next_measure_that_still_needs_a_draft(world, login):
    world.set_phase(Phase.COMMITTEE)
    CommitteeEvaluationFactory(cycle=world.cycle, measure=measure("1-2"), opinion="案")
    CommitteeEvaluationFactory(
        cycle=world.cycle,
        measure=measure("2-1"),
        opinion="差し戻された案",
        review_state=ReviewState.SENT_BACK,
    )
    client = login(world.users["secretariat"])
    url = reverse(
        "evaluation:committee_evaluation",
        kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"},
    )
    html = client.get(url).content.decode()
    assert "案がまだない次の施策（2-1）を開きます" in html  # 1-2 has its draft
    assert "施策の実施状況と自己評価" in html
    response = client.post(url, {"opinion": "概ね達成している。", "version": 0, "then": "next"})
    assert response.headers["Location"] == url.replace("/1-1/", "/2-1/")
