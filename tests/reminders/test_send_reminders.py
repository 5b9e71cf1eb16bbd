"""send_reminders against a real SMTP server (aiosmtpd in the test process)."""

from datetime import datetime

import pytest
from django.core.management import CommandError, call_command

from reminders.models import ReminderPreference, SentReminder
from tests.factories import ProjectFactory, SelfEvaluationFactory, body, measure
from tests.reminders.conftest import CYCLE_URL, WEEK_BEFORE

WEEK = datetime.fromisoformat(WEEK_BEFORE)


def test_each_person_gets_what_they_still_have_to_enter_in_japanese(behind, smtp):
    call_command("send_reminders", now=WEEK_BEFORE)
    assert sorted(r.recipients[0] for r in smtp.received) == [
        "place@example.jp",
        "secretariat@example.jp",
        "staff-a@example.jp",
    ]  # members have nothing to enter in 実施状況入力
    (city,) = smtp.to("staff-a@example.jp")
    assert city.subject == (
        "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限が近づいています（未入力 2件）"
    )
    assert city.message["From"].addresses[0].display_name == "市民活動推進課"
    assert city.message.get_content_charset() == "utf-8"
    body = city.body
    assert body.startswith("利用者")  # the person's name, then 様
    assert (
        "改定計画 令和3（2021）年度の「実施状況入力」の期限（令和3年6月30日）まで、あと7日です。"
        in body
    )
    assert "まだ入力されていないものが 2件 あります。" in body
    assert "・市民活動入門講座（市民活動推進課）\n" in body
    assert "・2-4 市民活動に関する学びの機会の提供\n" in body
    assert f"{CYCLE_URL}/projects/" not in body  # one link: the person's own やること
    assert "「期限が近づいたとき」のチェックを外して" in body
    assert "https://plan.example.jp/settings/reminders/" in body
    (place,) = smtp.to("place@example.jp")
    assert place.subject.endswith("（未入力 2件）")
    assert "・1-1 市民活動のきっかけづくり\n・4-2 連携と協働に向けた体制の整備\n" in place.body


def test_a_second_run_sends_nothing(behind, smtp):
    call_command("send_reminders", now=WEEK_BEFORE)
    assert len(smtp.received) == 3
    assert SentReminder.objects.count() == 3
    call_command("send_reminders", now=WEEK_BEFORE)
    call_command("send_reminders", now="2021-06-30T23:59+09:00")  # same window, a week on
    assert len(smtp.received) == 3
    assert SentReminder.objects.count() == 3


def test_the_day_after_the_due_date_brings_the_overdue_reminder_once(behind, smtp):
    call_command("send_reminders", now=WEEK_BEFORE)
    call_command("send_reminders", now="2021-07-01T00:30+09:00")  # 6月30日 15:30 UTC
    overdue = [r.subject for r in smtp.to("staff-a@example.jp")][1]
    assert overdue == (
        "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限を過ぎています（未入力 2件）"
    )
    call_command("send_reminders", now="2021-07-02T09:00+09:00")
    assert len(smtp.to("staff-a@example.jp")) == 2


def test_the_log_says_what_was_sent_to_whom(behind, smtp):
    call_command("send_reminders", now=WEEK_BEFORE)
    log = SentReminder.objects.get(user=behind.users["staff_a"])
    assert (log.recipient, log.phase, log.kind, log.occasion, log.items) == (
        "staff-a@example.jp",
        "entry",
        "due_soon",
        "2021-06-30",
        2,
    )


def test_a_failing_smtp_server_leaves_the_log_untouched_and_the_next_run_retries(behind, smtp):
    smtp.reply = "451 4.3.0 一時的なエラー"
    with pytest.raises(CommandError, match="3通を送れませんでした"):
        call_command("send_reminders", now=WEEK_BEFORE)
    assert SentReminder.objects.count() == 0
    smtp.reply = "250 2.0.0 OK"
    call_command("send_reminders", now=WEEK_BEFORE)
    assert len(smtp.received) == 3
    assert SentReminder.objects.count() == 3


def test_an_unreachable_smtp_server_leaves_the_log_untouched(behind, smtp_down):
    with pytest.raises(CommandError, match="メールサーバーに送れませんでした"):
        call_command("send_reminders", now=WEEK_BEFORE)
    assert SentReminder.objects.count() == 0


def test_a_person_who_turned_the_kind_off_gets_no_message(behind, smtp):
    ReminderPreference.objects.create(user=behind.users["staff_a"], due_soon=False)
    call_command("send_reminders", now=WEEK_BEFORE)
    assert smtp.to("staff-a@example.jp") == []
    assert len(smtp.to("place@example.jp")) == 1
    call_command("send_reminders", now="2021-07-01T09:00+09:00")  # overdue is still on
    assert len(smtp.to("staff-a@example.jp")) == 1


def test_the_secretariat_can_turn_the_summary_off(behind, smtp):
    ReminderPreference.objects.create(user=behind.users["secretariat"], summary=False)
    call_command("send_reminders", now=WEEK_BEFORE)
    assert smtp.to("secretariat@example.jp") == []


def test_nobody_with_everything_entered_is_reminded(behind, smtp):
    from tests.factories import ProjectReportFactory

    ProjectReportFactory(cycle=behind.cycle, project=behind.project)
    SelfEvaluationFactory(cycle=behind.cycle, measure=measure("2-4"), body=body("city"))
    call_command("send_reminders", now=WEEK_BEFORE)
    assert smtp.to("staff-a@example.jp") == []


def test_people_without_an_address_are_named_for_the_operator(behind, smtp, capsys):
    ProjectFactory(code="place-001", name="相談窓口", body=body("place"))
    ReminderPreference.objects.filter(user=behind.users["staff_b"]).update(email="")
    call_command("send_reminders", now=WEEK_BEFORE)
    assert "メールアドレスがないため送れません: " + behind.users["staff_b"].username in (
        capsys.readouterr().err
    )
    assert smtp.to("place@example.jp") == []


def test_a_second_run_while_one_holds_the_lock_does_nothing_and_ends_normally(behind, smtp, capsys):
    from django.db import connections

    from reminders.run_lock import run_lock

    # The holder: another database connection (PostgreSQL) or descriptor (SQLite).
    other = connections.create_connection("default")
    connections["other_run"] = other
    try:
        with run_lock("other_run") as taken:
            assert taken
            call_command("send_reminders", now=WEEK_BEFORE)  # no CommandError: status 0
            assert "別の send_reminders が送信中のため、今回は何もせずに終わります" in (
                capsys.readouterr().out
            )
            assert smtp.received == []
    finally:
        other.close()
        del connections["other_run"]
    call_command("send_reminders", now=WEEK_BEFORE)  # the lock was released
    assert len(smtp.received) == 3


def test_a_message_claimed_by_a_live_sender_is_left_to_it(behind, smtp):
    from reminders.sending import claim, due_reminders

    staff_a = next(i for i in due_reminders(WEEK) if i.user == behind.users["staff_a"])
    assert claim(staff_a) is not None  # another node is sending it right now
    call_command("send_reminders", now=WEEK_BEFORE)
    assert smtp.to("staff-a@example.jp") == []
    assert len(smtp.received) == 2


def test_a_stale_claim_never_marked_sent_is_sent_again_once(behind, smtp, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reminders.sending import claim, due_reminders

    staff_a = next(i for i in due_reminders(WEEK) if i.user == behind.users["staff_a"])
    claim(staff_a)  # its sender died mid-send
    SentReminder.objects.update(
        claimed_at=timezone.now() - timedelta(minutes=settings.REMINDER_CLAIM_STALE_MINUTES + 1)
    )
    call_command("send_reminders", now=WEEK_BEFORE)
    call_command("send_reminders", now=WEEK_BEFORE)
    assert len(smtp.to("staff-a@example.jp")) == 1
    log = SentReminder.objects.get(user=behind.users["staff_a"])
    assert log.sent_at is not None and log.claimed_at > timezone.now() - timedelta(minutes=1)


def test_finding_the_reminders_costs_the_same_queries_whatever_the_plans_size(
    behind, django_assert_max_num_queries
):
    from reminders.sending import due_reminders

    now = WEEK
    # Cycle, its history, the log, 5 participants and their plans: each one's やること (a body's counted by
    # the dashboard's roll-up, with send-backs and follow-ups; the 事務局's with each body's
    # unanswered follow-ups), and the summary's roll-up with its follow-ups. Fixed for a fixed number of people, whatever the number of 事業
    # and 施策.
    with django_assert_max_num_queries(45):
        assert len(due_reminders(now)) == 3
    for n in range(30):
        ProjectFactory(code=f"city-9{n:02d}", body=body("city"))
        ProjectFactory(code=f"place-9{n:02d}", body=body("place"))
    with django_assert_max_num_queries(45):
        assert len(due_reminders(now)) == 3
