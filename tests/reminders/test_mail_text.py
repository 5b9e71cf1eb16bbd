"""The mails read as letters from the 事務局, per kind of recipient: a member (a citizen on
the committee), a 実施主体's staff, the 事務局's summary. Each has 「〇〇 様」, the greeting,
「よろしくお願いいたします。」, the section's signature and the send-only notice; a person's
mail has one link to their own list; the summary's counts add up per person, per kind and
overall."""

import re

from django.core.management import call_command

from evaluation.models import FollowUp, FollowUpStatus, Phase
from reminders.models import SentReminder
from tests.factories import MemberEvaluationFactory, body, measure
from tests.reminders.conftest import ALL_MEASURES, CYCLE_URL, SITE_URL, WEEK_BEFORE

SIGNATURE = (
    "よろしくお願いいたします。\n"
    "\n"
    "――――――――――――――――――――\n"
    "武蔵野市 市民部 市民活動推進課\n"
    "このメールは送信専用です。ご返信いただいてもお答えできません。\n"
    "お問い合わせは、武蔵野市 市民部 市民活動推進課までお願いいたします。\n"
)  # no MAIL_CONTACT by default: nothing the city has not given is printed


def greeting(user) -> str:
    return (
        f"{user.get_full_name()} 様\n"
        "\n"
        "いつもお世話になっております。\n"
        "武蔵野市 市民部 市民活動推進課です。\n"
    )


def links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def follow_ups(world) -> None:
    """Last year's opinions to answer: 市 has two 未対応, プレイス one already 対応済."""
    for number, code, status in [
        ("1-1", "city", FollowUpStatus.NOT_YET),
        ("3-2", "city", FollowUpStatus.NOT_YET),
        ("1-1", "place", FollowUpStatus.DONE),
    ]:
        FollowUp.objects.create(
            cycle=world.cycle, measure=measure(number), body=body(code), status=status
        )


def test_a_members_reminder_is_a_letter_with_one_link_to_their_own_list(behind, smtp):
    behind.set_phase(Phase.COMMITTEE)
    behind.cycle.committee_due = behind.cycle.entry_due
    behind.cycle.save()
    for number in ALL_MEASURES[2:]:
        MemberEvaluationFactory(
            cycle=behind.cycle, member=behind.users["member"], measure=measure(number)
        )
    call_command("send_reminders", now=WEEK_BEFORE)
    (mail,) = smtp.to("member@example.jp")
    assert mail.body == (
        greeting(behind.users["member"]) + "\n"
        "改定計画 令和3（2021）年度の「委員会評価」の期限（令和3年6月30日）まで、あと7日です。\n"
        "まだ入力されていないものが 2件 あります。\n"
        "お手数ですが、次のページ（あなたのやること）からご入力をお願いいたします（ログインが必要です）。\n"
        f"{SITE_URL}/todo/\n"
        "\n"
        "■ 委員評価（あなたの評価と意見）: 12件中 10件 入力済み、未入力 2件\n"
        "・1-1 市民活動のきっかけづくり\n"
        "・1-2 多様な活動につながる情報の提供\n"
        "\n" + SIGNATURE + "\n"
        "このメールは、この評価サイクルで入力をご担当いただいていて、まだ入力されていないものが"
        "あるため、「市民活動促進基本計画 進捗管理」から自動でお送りしています"
        "（お知らせの種類: 期限が近づいたとき）。\n"
        "このお知らせが不要な場合は、次のページで「期限が近づいたとき」のチェックを外して"
        "保存してください（ログインが必要です）。\n"
        f"{SITE_URL}/settings/reminders/\n"
    )


def test_the_contact_the_city_sets_is_signed_under_the_section(behind, smtp, settings):
    settings.MAIL_CONTACT = "電話 0422-00-0000（内線 000）"
    call_command("send_reminders", now=WEEK_BEFORE)
    mail = smtp.to("staff-a@example.jp")[0]
    assert (
        "武蔵野市 市民部 市民活動推進課\n"
        "電話 0422-00-0000（内線 000）\n"
        "このメールは送信専用です。ご返信いただいてもお答えできません。\n"
        "お問い合わせは、上記の連絡先までお願いいたします。\n"
    ) in mail.body


def test_a_staff_reminder_lists_every_own_entry_with_one_link(behind, smtp):
    follow_ups(behind)
    call_command("send_reminders", now=WEEK_BEFORE)
    (mail,) = smtp.to("staff-a@example.jp")
    assert mail.subject.endswith("「実施状況入力」の期限が近づいています（未入力 4件）")
    assert mail.body.startswith(greeting(behind.users["staff_a"]))
    assert (
        "まだ入力されていないものが 4件 あります。\n"
        "お手数ですが、次のページ（あなたのやること）からご入力をお願いいたします（ログインが必要です）。\n"
        f"{SITE_URL}/todo/\n"
        "\n"
        "■ 実施状況（市の事業）: 1件中 0件 入力済み、未入力 1件\n"
        "・市民活動入門講座（市民活動推進課）\n"
        "\n"
        "■ 自己評価（市）: 12件中 11件 入力済み、未入力 1件\n"
        "・2-4 市民活動に関する学びの機会の提供\n"
        "\n"
        "■ 委員会意見への対応（市）: 2件中 0件 入力済み、未入力 2件\n"
        "・1-1 市民活動のきっかけづくり\n"
        "・3-2 多様な活動の場の情報提供\n"
    ) in mail.body
    assert SIGNATURE in mail.body
    assert links(mail.body) == [f"{SITE_URL}/todo/", f"{SITE_URL}/settings/reminders/"]
    assert SentReminder.objects.get(user=behind.users["staff_a"]).items == 4


def test_the_summary_counts_add_up_per_body_per_kind_and_overall(behind, smtp):
    follow_ups(behind)
    call_command("send_reminders", now=WEEK_BEFORE)
    (summary,) = smtp.to("secretariat@example.jp")
    assert summary.subject.endswith(
        "入力状況のまとめ: 「実施状況入力」の期限が近づいています（未入力 18件）"
    )
    body = summary.body
    assert body.startswith(greeting(behind.users["secretariat"]))
    assert (
        "入力状況をお知らせします。未入力は合わせて 18件"
        "（実施状況 1件、自己評価 15件、委員会意見への対応 2件）です。\n"
        "未入力が残っている実施主体: 3（市、武蔵野プレイス、市民社協）\n"
    ) in body
    assert (
        "■ 市: 未入力 4件\n"
        "○ 実施状況: 1件中 0件 入力済み、未入力 1件\n"
        "  ・市民活動入門講座\n"
        "○ 自己評価: 12件中 11件 入力済み、未入力 1件\n"
        "  ・2-4 市民活動に関する学びの機会の提供\n"
        "○ 委員会意見への対応: 2件中 0件 入力済み、未入力 2件\n"
        "  ・1-1 市民活動のきっかけづくり\n"
        "  ・3-2 多様な活動の場の情報提供\n"
        f"  入力状況: {CYCLE_URL}/#progress-body-city\n"
        "\n"
        "■ 武蔵野プレイス: 未入力 2件\n"
        "○ 自己評価: 12件中 10件 入力済み、未入力 2件\n"
        "  ・1-1 市民活動のきっかけづくり\n"
        "  ・4-2 連携と協働に向けた体制の整備\n"
        f"  入力状況: {CYCLE_URL}/#progress-body-place\n"
        "\n"
        "■ 市民社協: 未入力 12件\n"
        "○ 自己評価: 12件中 0件 入力済み、未入力 12件\n"
    ) in body
    listed = [line for line in body.splitlines() if line.startswith("  ・")]
    per_body = [int(n) for n in re.findall(r"^■ .+: 未入力 (\d+)件$", body, re.M)]
    assert (len(listed), per_body, sum(per_body)) == (18, [4, 2, 12], 18)
    assert SentReminder.objects.get(user=behind.users["secretariat"]).items == 18


def test_in_committee_scoring_the_summary_names_each_member_and_the_drafts(behind, smtp):
    behind.set_phase(Phase.COMMITTEE)
    behind.cycle.committee_due = behind.cycle.entry_due
    behind.cycle.save()
    for number in ALL_MEASURES[1:]:
        MemberEvaluationFactory(
            cycle=behind.cycle, member=behind.users["member"], measure=measure(number)
        )
    call_command("send_reminders", now=WEEK_BEFORE)
    summary = smtp.to("secretariat@example.jp")[-1]
    member = behind.users["member"].get_full_name()
    chair = behind.users["chair"].get_full_name()
    assert (
        "入力状況をお知らせします。未入力は合わせて 25件（委員評価 13件、委員会評価の案 12件）です。\n"
        f"未入力が残っている委員: 2人（{chair}、{member}）\n"  # 委員長 first
    ) in summary.body
    assert (
        f"■ {member}: 未入力 1件\n"
        "○ 委員評価: 12件中 11件 入力済み、未入力 1件\n"
        "  ・1-1 市民活動のきっかけづくり\n"
        f"  入力状況: {CYCLE_URL}/#progress-member-{behind.users['member'].username}\n"
    ) in summary.body
    assert "■ 委員会評価の案（事務局）: 未作成 12件\n" in summary.body


def test_a_phase_opened_after_its_due_date_tells_only_the_secretariat(behind, smtp):
    """The 事務局 moved to 実施状況入力 on 7月1日 with the due date still 6月30日: staff hear
    the phase began, not that they are late; the 事務局 hears the date is past."""
    behind.cycle.entry_due = "2021-06-30"
    behind.cycle.save()
    behind.set_phase(Phase.PREPARATION)
    behind.set_phase(Phase.ENTRY)  # history: the phase opened today
    call_command("send_reminders")
    (staff,) = smtp.to("staff-a@example.jp")
    assert "「実施状況入力」が始まりました" in staff.subject
    assert "期限" not in staff.subject + staff.body.split("――")[0]
    assert "「実施状況入力」の段階が始まりました。\n" in staff.body
    (summary,) = smtp.to("secretariat@example.jp")
    assert "「実施状況入力」が始まりました" in summary.subject
    assert (
        "「実施状況入力」の期限（令和3年6月30日）は、この段階を始める前に過ぎています。"
        "担当者へのお知らせには期限を書いていません。評価サイクルの画面で期限を設定し直してください。"
    ) in summary.body
    call_command("send_reminders")  # later the same day, or any later day: nothing new
    assert len(smtp.received) == 3
