"""The messages, in Japanese: subject and plain-text body, every link absolute (SITE_URL).

What a person still has to enter is the ``items`` of their やること sections
(``evaluation.progress.todo``); the secretariat's summary is ``progress.entry.entry_progress``'s lines.
Nothing here counts anything itself.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import Cycle, Phase
from evaluation.progress.groups import ProgressGroup, missing_links
from evaluation.progress.todo import TodoItem, TodoSection
from people.models import display_name
from policies.fiscal_years import wareki_date
from reminders.models import ReminderKind
from reminders.windows import Window

SUBJECT_PREFIX = "【市民活動促進基本計画】"


def absolute(url: str) -> str:
    return settings.SITE_URL + url


def _message(address: str, subject: str, template: str, context: dict) -> EmailMessage:
    settings_url = absolute(reverse("reminders:settings"))
    body = render_to_string(
        template,
        {
            **context,
            "site_url": settings.SITE_URL,
            "settings_url": settings_url,
            "todo_url": absolute(reverse("evaluation:todo")),
        },
    )
    return EmailMessage(
        subject=SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={
            # Out-of-office replies and mail loops: this is an automatic message.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "List-Unsubscribe": f"<{settings_url}>",
        },
    )


def _when(window: Window, phase: str) -> str:
    """The sentence that says why now: the phase opened, the due date nears or has passed."""
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
    if due:
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


def reminder_message(
    *,
    user: User,
    address: str,
    cycle: Cycle,
    window: Window,
    sections: list[tuple[TodoSection, list[TodoItem]]],
) -> tuple[EmailMessage, int]:
    """A person's reminder: their own missing entries in this cycle, section by section."""
    count = sum(len(items) for _section, items in sections)
    subject = _("%(cycle)s %(when)s（未入力 %(n)d件）") % {
        "cycle": cycle,
        "when": _short_when(window, cycle.phase),
        "n": count,
    }
    context = {
        "name": display_name(user),
        "cycle": cycle,
        "when": _when(window, cycle.phase),
        "count": count,
        "sections": [
            (section, [(item, absolute(item.url)) for item in items]) for section, items in sections
        ],
        "reason": _(
            "あなたがこの評価サイクルで入力を担当していて、まだ入力されていないものがあるため"
        ),
        "kind_label": ReminderKind(window.kind).label,
    }
    return _message(address, subject, "reminders/email/reminder.txt", context), count


def summary_message(
    *, user: User, address: str, cycle: Cycle, window: Window, groups: list[ProgressGroup]
) -> tuple[EmailMessage, int]:
    """The secretariat's summary: every 実施主体 and member behind, with every missing entry."""
    cycle_url = absolute(cycle.get_absolute_url())
    blocks = []
    count = 0
    for group in groups:
        lines = []
        for line in group.behind:
            links = missing_links(line, group.kind, cycle, base_url=settings.SITE_URL)
            count += len(links)
            lines.append((line, links))
        if lines:
            blocks.append((group, lines))
    people = sum(len(lines) for _group, lines in blocks)
    subject = _("%(cycle)s 入力状況のまとめ: %(when)s（未入力 %(n)d件）") % {
        "cycle": cycle,
        "when": _short_when(window, cycle.phase),
        "n": count,
    }
    context = {
        "name": display_name(user),
        "cycle": cycle,
        "when": _when(window, cycle.phase),
        "blocks": blocks,
        "count": count,
        "people": people,
        "cycle_url": cycle_url,
        "csv_url": absolute(
            reverse(
                "evaluation:cycle_progress_csv",
                kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year},
            )
        ),
        "reason": _("あなたが事務局として、この評価サイクルの入力状況を確認する立場にあるため"),
        "kind_label": ReminderKind.SUMMARY.label,
    }
    return _message(address, subject, "reminders/email/summary.txt", context), count


def send_back_message(
    *, user: User, address: str, cycle: Cycle, what: str, url: str, comment: str, by: User
) -> EmailMessage:
    # A header is one line: whatever the caller's text holds, the subject never breaks.
    subject = _("%(cycle)s 差し戻し: %(what)s") % {"cycle": cycle, "what": " ".join(what.split())}
    context = {
        "name": display_name(user),
        "cycle": cycle,
        "what": what,
        "url": absolute(url),
        "comment": comment,
        "by": display_name(by),
        "reason": _("あなたが入力を担当している記録が差し戻されたため"),
        "kind_label": ReminderKind.SEND_BACK.label,
    }
    return _message(address, subject, "reminders/email/send_back.txt", context)
