"""The messages, in Japanese and in the city's voice: subject and plain-text body, every link
absolute (SITE_URL).

Every mail the app sends is a letter from the 事務局 (``city_mail``): 「〇〇 様」 and
「いつもお世話になっております。」 first (``reminders/email/_greeting.txt``), 「よろしくお願い
いたします。」, the sender's section and contact (``MAIL_SENDER``, ``MAIL_CONTACT``) and the
send-only notice last (``reminders/email/_closing.txt``). Other apps' mails (invitations,
notices of a change of role) render their body between the same two templates.

What a person still has to enter is the ``items`` of their やること sections
(``evaluation.progress.todo``); the secretariat's summary is ``reminders.summary``.
Nothing here counts anything itself.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import Cycle, Phase
from evaluation.progress.todo import TodoItem, TodoSection
from people.models import display_name
from policies.fiscal_years import wareki_date
from reminders.models import ReminderKind
from reminders.summary import Summary
from reminders.windows import Window

SUBJECT_PREFIX = "【市民活動促進基本計画】"


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def letter_context(user: User) -> dict[str, str]:
    """What the greeting and the closing of every mail need: whom it is for, who sends it."""
    return {
        "name": display_name(user),
        "sender": settings.MAIL_SENDER,
        "contact": settings.MAIL_CONTACT,
    }


def city_mail(
    *,
    user: User,
    address: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """One letter from the 事務局 to one person; ``template`` includes the greeting and the
    closing (``reminders/email/_greeting.txt``, ``_closing.txt``)."""
    body = render_to_string(template, {**letter_context(user), **context})
    return EmailMessage(
        subject=SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={
            # Out-of-office replies and mail loops: this is an automatic message.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            **(headers or {}),
        },
    )


def _reminder(
    *, user: User, address: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMessage:
    """A reminder: a letter that says why it came and where to turn it off."""
    settings_url = absolute(reverse("reminders:settings"))
    return city_mail(
        user=user,
        address=address,
        subject=subject,
        template=template,
        context={
            **context,
            "settings_url": settings_url,
            "todo_url": absolute(reverse("evaluation:todo")),
        },
        headers={"List-Unsubscribe": f"<{settings_url}>"},
    )


def _when(window: Window, phase: str) -> str:
    """The sentence that says why now: the phase opened, the due date nears or has passed.
    A phase opened after its due date says only that it opened: the 事務局 is told the date
    is past (``late_notice``), the people are not blamed for a date set before they began."""
    phase_label = Phase(phase).label
    due = wareki_date(window.due) if window.due else ""
    if window.kind == ReminderKind.OVERDUE:
        return _("「%(phase)s」の期限（%(due)s）を過ぎています。") % {
            "phase": phase_label,
            "due": due,
        }
    if window.kind == ReminderKind.DUE_SOON:
        if window.days_left == 0:
            return _("「%(phase)s」の期限は今日（%(due)s）です。") % {
                "phase": phase_label,
                "due": due,
            }
        return _("「%(phase)s」の期限（%(due)s）まで、あと%(n)d日です。") % {
            "phase": phase_label,
            "due": due,
            "n": window.days_left,
        }
    if due and not window.late:
        return _("「%(phase)s」の段階が始まりました。期限は%(due)sです。") % {
            "phase": phase_label,
            "due": due,
        }
    return _("「%(phase)s」の段階が始まりました。") % {"phase": phase_label}


def _short_when(window: Window, phase: str) -> str:
    phase_label = Phase(phase).label
    if window.kind == ReminderKind.OVERDUE:
        return _("「%(phase)s」の期限を過ぎています") % {"phase": phase_label}
    if window.kind == ReminderKind.DUE_SOON:
        return _("「%(phase)s」の期限が近づいています") % {"phase": phase_label}
    return _("「%(phase)s」が始まりました") % {"phase": phase_label}


def late_notice(window: Window, phase: str) -> str:
    """To the 事務局 only: the phase opened after its due date."""
    if not (window.late and window.due):
        return ""
    return _(
        "「%(phase)s」の期限（%(due)s）は、この段階を始める前に過ぎています。"
        "担当者へのお知らせには期限を書いていません。評価サイクルの画面で期限を設定し直してください。"
    ) % {"phase": Phase(phase).label, "due": wareki_date(window.due)}


def reminder_message(
    *,
    user: User,
    address: str,
    cycle: Cycle,
    window: Window,
    sections: list[tuple[TodoSection, list[TodoItem]]],
) -> tuple[EmailMessage, int]:
    """A person's reminder: their own missing entries in this cycle, section by section, and
    one link to their own list (やること), where each opens its form."""
    count = sum(len(items) for _section, items in sections)
    subject = _("%(cycle)s %(when)s（未入力 %(n)d件）") % {
        "cycle": cycle,
        "when": _short_when(window, cycle.phase),
        "n": count,
    }
    context = {
        "cycle": cycle,
        "when": _when(window, cycle.phase),
        "count": count,
        "sections": sections,
        "reason": _(
            "この評価サイクルで入力をご担当いただいていて、まだ入力されていないものがあるため"
        ),
        "kind_label": ReminderKind(window.kind).label,
    }
    message = _reminder(
        user=user,
        address=address,
        subject=subject,
        template="reminders/email/reminder.txt",
        context=context,
    )
    return message, count


def summary_message(
    *, user: User, address: str, cycle: Cycle, window: Window, summary: Summary
) -> tuple[EmailMessage, int]:
    """The secretariat's summary: each 実施主体 and member behind, what they owe by kind with
    the 施策 named, one link to each one's progress on the cycle page."""
    cycle_url = absolute(cycle.get_absolute_url())
    subject = _("%(cycle)s 入力状況のまとめ: %(when)s（未入力 %(n)d件）") % {
        "cycle": cycle,
        "when": _short_when(window, cycle.phase),
        "n": summary.count,
    }
    context = {
        "cycle": cycle,
        "when": _when(window, cycle.phase),
        "late": late_notice(window, cycle.phase),
        "summary": summary,
        "cycle_url": cycle_url,
        "csv_url": absolute(
            reverse(
                "evaluation:cycle_progress_csv",
                kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year},
            )
        ),
        "reason": _("事務局として、この評価サイクルの入力状況を確認していただくため"),
        "kind_label": ReminderKind.SUMMARY.label,
    }
    message = _reminder(
        user=user,
        address=address,
        subject=subject,
        template="reminders/email/summary.txt",
        context=context,
    )
    return message, summary.count


def send_back_message(
    *, user: User, address: str, cycle: Cycle, what: str, url: str, comment: str, by: User
) -> EmailMessage:
    # A header is one line: whatever the caller's text holds, the subject never breaks.
    subject = _("%(cycle)s 差し戻し: %(what)s") % {"cycle": cycle, "what": " ".join(what.split())}
    context = {
        "cycle": cycle,
        "what": what,
        "url": absolute(url),
        "comment": comment,
        "by": display_name(by),
        "reason": _("ご担当の記録が差し戻されたため"),
        "kind_label": ReminderKind.SEND_BACK.label,
    }
    return _reminder(
        user=user,
        address=address,
        subject=subject,
        template="reminders/email/send_back.txt",
        context=context,
    )
