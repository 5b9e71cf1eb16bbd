from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from reminders.models import ReminderPreference, SentReminder
from reminders.send_back import notify_send_back
from tests.factories import staff
from tests.reminders.conftest import CYCLE_URL


def send_back(world, users):
    return notify_send_back(
        cycle=world.cycle,
        users=users,
        what="実施状況「市民活動入門講座」",
        url="/cycles/revised-2017/2021/projects/city-001/report/",
        comment="参加者数が前年度と同じです。確認してください。",
        by=world.users["secretariat"],
        key="report:1:3",
    )


def test_the_people_who_entered_a_record_are_told_it_was_sent_back(world, smtp):
    colleague = staff("city").user
    for user, address in [(world.users["staff_a"], "a@example.jp"), (colleague, "c@example.jp")]:
        user.email = address
        user.save()
    result = send_back(world, [world.users["staff_a"], colleague])
    assert result.ok and len(result.sent) == 2
    (notice,) = smtp.to("a@example.jp")
    assert notice.subject == (
        "【市民活動促進基本計画】改定計画 令和3（2021）年度 差し戻し: 実施状況「市民活動入門講座」"
    )
    secretariat = world.users["secretariat"].get_full_name()
    assert (
        f"年度の実施状況「市民活動入門講座」が、{secretariat} さんから差し戻されました。"
        in notice.body
    )
    assert "参加者数が前年度と同じです。確認してください。" in notice.body
    assert f"入力画面: {CYCLE_URL}/projects/city-001/report/" in notice.body
    assert "「入力が差し戻されたとき」のチェックを外して" in notice.body


def test_the_same_send_back_is_never_sent_twice_and_can_be_turned_off(world, smtp):
    user = world.users["staff_a"]
    user.email = "a@example.jp"
    user.save()
    send_back(world, [user])
    send_back(world, [user])
    assert len(smtp.received) == 1
    off = world.users["staff_b"]
    ReminderPreference.objects.create(user=off, email="b@example.jp", send_back=False)
    send_back(world, [off])
    assert smtp.to("b@example.jp") == []
    assert SentReminder.objects.filter(kind="send_back").count() == 1


def test_a_failing_server_does_not_break_the_send_back(world, smtp_down):
    user = world.users["staff_a"]
    user.email = "a@example.jp"
    user.save()
    result = send_back(world, [user])
    assert result.aborted and not result.sent
    assert not SentReminder.objects.exists()


def test_a_line_break_in_what_was_sent_back_cannot_break_the_subject(world, smtp):
    user = world.users["staff_a"]
    user.email = "a@example.jp"
    user.save()
    result = notify_send_back(
        cycle=world.cycle,
        users=[user],
        what="実施状況\r\nBcc: someone@example.jp",
        url="/todo/",
        comment="確認してください。",
        by=world.users["secretariat"],
        key="report:1:4",
    )
    assert result.ok
    (notice,) = smtp.received
    assert notice.recipients == ["a@example.jp"]
    assert notice.subject.endswith("差し戻し: 実施状況 Bcc: someone@example.jp")
    assert notice.message["Bcc"] is None


def send_back_report(world, capture):
    """The 事務局 sends a 実施状況 of 市 back; its staff member staff_a has an address."""
    from evaluation.send_back import entry_send_back
    from tests.factories import ProjectReportFactory

    world.users["staff_a"].email = "a@example.jp"
    world.users["staff_a"].save()
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    with capture(execute=True):
        entry_send_back(
            entry=report,
            user=world.users["secretariat"],
            expected_version=report.version,
            comment="参加者数を確認してください。",
        )
    return report


def test_an_entry_sent_back_by_the_secretariat_is_mailed_to_its_bodys_staff(
    world, smtp, django_capture_on_commit_callbacks
):
    world.users["staff_b"].email = "b@example.jp"  # another body's staff: not told
    world.users["staff_b"].save()
    send_back_report(world, django_capture_on_commit_callbacks)
    (notice,) = smtp.received
    assert notice.recipients == ["a@example.jp"]
    assert notice.subject.endswith("差し戻し: 実施状況「市民活動入門講座」")
    assert "参加者数を確認してください。" in notice.body
    assert f"{CYCLE_URL}/projects/city-001/report/" in notice.body


def test_a_draft_sent_back_by_the_chair_is_mailed_to_the_secretariat(
    world, smtp, django_capture_on_commit_callbacks
):
    from evaluation.models import Phase
    from evaluation.send_back import committee_send_back
    from tests.factories import CommitteeEvaluationFactory, measure

    world.set_phase(Phase.COMMITTEE)
    world.users["secretariat"].email = "s@example.jp"
    world.users["secretariat"].save()
    draft = CommitteeEvaluationFactory(cycle=world.cycle, measure=measure("1-1"))
    with django_capture_on_commit_callbacks(execute=True):
        committee_send_back(
            evaluation=draft,
            user=world.users["chair"],
            expected_version=draft.version,
            comment="意見の2段落目を短く。",
        )
    (notice,) = smtp.received
    assert notice.recipients == ["s@example.jp"]
    assert "差し戻し: 委員会評価の案「1-1 市民活動のきっかけづくり」" in notice.subject
    assert f"{CYCLE_URL}/measures/1-1/committee/" in notice.body


def _sent_back_while_the_server_refuses(world, smtp, capture):
    smtp.reply = "451 4.3.0 一時的なエラー"
    report = send_back_report(world, capture)
    smtp.reply = "250 2.0.0 OK"
    assert smtp.received == [] and not SentReminder.objects.exists()
    return report


def notices_to(smtp, address: str) -> list:
    return [r for r in smtp.to(address) if "差し戻し" in r.subject]


def run_at(minutes: int, *args) -> None:
    """send_reminders as if it ran ``minutes`` from now."""
    later = timezone.localtime() + timedelta(minutes=minutes)
    call_command("send_reminders", *args, now=later.isoformat())


def test_a_send_back_notice_that_did_not_go_is_sent_by_the_next_run_once(
    world, smtp, django_capture_on_commit_callbacks
):
    _sent_back_while_the_server_refuses(world, smtp, django_capture_on_commit_callbacks)
    run_at(60)
    run_at(120)
    (notice,) = notices_to(smtp, "a@example.jp")
    assert "参加者数を確認してください。" in notice.body
    assert f"{CYCLE_URL}/projects/city-001/report/" in notice.body
    secretariat = world.users["secretariat"].get_full_name()
    assert f"{secretariat} さんから差し戻されました。" in notice.body


def test_an_entry_resubmitted_before_the_next_run_is_not_announced_late(
    world, smtp, django_capture_on_commit_callbacks
):
    from evaluation import services

    report = _sent_back_while_the_server_refuses(world, smtp, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    report.activities = "参加者数を直しました。"
    services.record_save(
        instance=report, expected_version=report.version, user=world.users["staff_a"]
    )
    run_at(60, "--dry-run")
    run_at(60)
    assert notices_to(smtp, "a@example.jp") == []


def test_a_run_right_after_a_send_back_leaves_its_notice_to_its_own_commit(
    world, smtp, django_capture_on_commit_callbacks
):
    _sent_back_while_the_server_refuses(world, smtp, django_capture_on_commit_callbacks)
    run_at(1)  # the send-back's own sender may still be talking to the server
    assert notices_to(smtp, "a@example.jp") == []
    run_at(11)
    assert len(notices_to(smtp, "a@example.jp")) == 1


def test_a_send_back_is_announced_once_it_commits_and_not_when_it_rolls_back(
    world, django_capture_on_commit_callbacks
):
    # evaluation does not import reminders: it announces, reminders subscribed in ready().
    from django.db import transaction

    from evaluation.send_back import entry_send_back
    from evaluation.signals import sent_back
    from tests.factories import ProjectReportFactory

    heard = []

    def listener(sender, **notice):
        heard.append(notice)

    sent_back.connect(listener)
    try:
        report = ProjectReportFactory(cycle=world.cycle, project=world.project)
        with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
            entry_send_back(
                entry=report,
                user=world.users["secretariat"],
                expected_version=report.version,
                comment="回数を確認してください。",
            )
            assert heard == []  # not before the commit
            transaction.set_rollback(True)
        assert callbacks == [] and heard == []  # rolled back: nobody is told
        with django_capture_on_commit_callbacks(execute=True):
            entry_send_back(
                entry=report,
                user=world.users["secretariat"],
                expected_version=report.version,
                comment="回数を確認してください。",
            )
    finally:
        sent_back.disconnect(listener)
    (notice,) = heard
    assert notice["comment"] == "回数を確認してください。"
    assert notice["users"] == [world.users["staff_a"]]
    assert notice["key"] == f"projectreport:{report.pk}:{report.version + 1}"
