"""The secretariat's summary lists exactly the missing entries (the dashboard's roll-up)."""

from django.core.management import call_command
from django.utils import timezone

from evaluation import services
from evaluation.models import Cycle, Phase
from evaluation.progress.todo import todo_for
from reminders.models import SentReminder
from tests.factories import MemberEvaluationFactory, ProjectFactory, body, measure, revised_plan
from tests.reminders.conftest import ALL_MEASURES, CYCLE_URL, WEEK_BEFORE


def listed(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("  ・")]


def test_the_summary_lists_exactly_the_missing_entries(behind, smtp):
    ProjectFactory(code="place-001", name="相談窓口", body=body("place"))
    call_command("send_reminders", now=WEEK_BEFORE)
    (summary,) = smtp.to("secretariat@example.jp")
    assert summary.subject == (
        "【市民活動促進基本計画】改定計画 令和3（2021）年度 入力状況のまとめ: "
        "「実施状況入力」の期限が近づいています（未入力 17件）"
    )
    assert listed(summary.body) == [
        "・市民活動入門講座",
        "・2-4 市民活動に関する学びの機会の提供",
        "・相談窓口",
        "・1-1 市民活動のきっかけづくり",
        "・4-2 連携と協働に向けた体制の整備",
        *(f"・{n} {measure(n).title}" for n in ALL_MEASURES),  # 市民社協: all 12
    ]
    assert "○ 実施状況: 1件中 0件 入力済み、未入力 1件\n  ・市民活動入門講座\n" in summary.body
    assert "■ 市民社協: 未入力 12件\n○ 自己評価: 12件中 0件 入力済み、未入力 12件\n" in (
        summary.body
    )
    assert "未入力は合わせて 17件（実施状況 2件、自己評価 15件）です。" in summary.body
    assert "未入力が残っている実施主体: 3（市、武蔵野プレイス、市民社協）" in summary.body
    assert f"入力状況の CSV: {CYCLE_URL}/progress.csv" in summary.body


def test_the_summary_and_each_persons_todo_agree(behind, smtp):
    """Staff's own reminders and the summary come from the same records: what a body's
    staff are told to enter is what the summary lists for the body."""
    call_command("send_reminders", now=WEEK_BEFORE)
    (summary,) = smtp.to("secretariat@example.jp")
    own = [i.url for s in todo_for(behind.users["staff_b"]).sections for i in s.items]
    assert own == [
        "/cycles/revised-2017/2021/measures/1-1/self/place/",
        "/cycles/revised-2017/2021/measures/4-2/self/place/",
    ]
    assert "■ 武蔵野プレイス: 未入力 2件\n○ 自己評価: 12件中 10件 入力済み、未入力 2件\n" in (
        summary.body
    )


def test_in_committee_scoring_the_summary_names_the_members_behind(behind, smtp):
    behind.set_phase(Phase.COMMITTEE)
    behind.cycle.committee_due = behind.cycle.entry_due
    behind.cycle.save()
    for number in ALL_MEASURES[1:]:
        MemberEvaluationFactory(
            cycle=behind.cycle, member=behind.users["member"], measure=measure(number)
        )
    call_command("send_reminders", now=WEEK_BEFORE)
    (chair,) = smtp.to("chair@example.jp")  # to score: 12; to confirm: none drafted yet
    assert chair.subject.endswith("（未入力 12件）")
    assert "事務局の案を待っています" not in chair.body
    own, summary = smtp.to("secretariat@example.jp")  # drafts to write, then the summary
    assert "（未入力 12件）" in own.subject and "入力状況のまとめ" in summary.subject
    assert "○ 委員評価" in summary.body and "○ 実施状況" not in summary.body
    member_name = behind.users["member"].get_full_name()
    assert f"■ {member_name}: 未入力 1件\n○ 委員評価: 12件中 11件 入力済み、未入力 1件\n" in (
        summary.body
    )
    (member,) = smtp.to("member@example.jp")
    assert "・1-1 市民活動のきっかけづくり\n" in member.body


def test_a_phase_opening_is_announced_to_everyone_with_something_to_enter(world, smtp):
    world.users["staff_a"].email = "staff-a@example.jp"
    world.users["staff_a"].save()
    world.users["secretariat"].email = "jimu@example.jp"
    world.users["secretariat"].save()
    cycle = Cycle.objects.get(pk=world.cycle.pk)
    cycle.phase = Phase.PREPARATION
    cycle.save()
    services.cycle_move(
        cycle=cycle,
        to_phase=Phase.ENTRY,
        user=world.users["secretariat"],
        expected_version=cycle.version,
    )
    call_command("send_reminders")
    (opened,) = smtp.to("staff-a@example.jp")
    assert "「実施状況入力」が始まりました" in opened.subject
    assert "「実施状況入力」の段階が始まりました。" in opened.body
    assert smtp.to("jimu@example.jp") == []  # no summary when a phase has just opened
    log = SentReminder.objects.get()
    opened_on = timezone.localdate(cycle.history.latest().history_date)  # Asia/Tokyo
    assert (log.kind, log.occasion) == ("opened", opened_on.isoformat())


def test_the_first_day_of_reiwa_counts_in_tokyo(world, smtp):
    """A cycle of FY2018 due 令和元年5月8日: at 00:30 on 1 May in Tokyo (still 30 April in
    UTC) the due-soon window has begun; a minute before midnight it had not."""
    cycle = Cycle.objects.create(
        plan=revised_plan(), fiscal_year=2018, phase=Phase.ENTRY, entry_due="2019-05-08"
    )
    world.users["staff_a"].email = "staff-a@example.jp"
    world.users["staff_a"].save()
    ProjectFactory(code="city-2018", name="平成30年度の講座", body=body("city"), first_year=2018)
    call_command("send_reminders", now="2019-04-30T14:59:00+00:00")
    before = [r.subject for r in smtp.to("staff-a@example.jp")]
    assert any("平成30（2018）年度 「実施状況入力」が始まりました" in s for s in before)
    call_command("send_reminders", now="2019-04-30T15:30:00+00:00")
    latest = smtp.to("staff-a@example.jp")[-1]
    assert "平成30（2018）年度 「実施状況入力」の期限が近づいています" in latest.subject
    assert "期限（令和元年5月8日）まで、あと7日です。" in latest.body
    assert SentReminder.objects.filter(cycle=cycle, kind="due_soon").count() == 1
