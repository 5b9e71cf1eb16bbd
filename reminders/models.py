"""Reminders by e-mail: each person's address and choices, and the log of what was sent.

The log's unique key (person, cycle, phase, kind, occasion) is what makes sending happen
once: a message is claimed in the log (a row with its claim time and claimer) before it is
handed to the SMTP server and marked sent once the server accepted it, so two senders on
two machines never both send it. A claim without a sent mark is a send whose outcome is
unknown (the sender died); only once it is older than ``REMINDER_CLAIM_STALE_MINUTES`` may
another run send it again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import Cycle, Phase, Versioned
from policies.natural_keys import loaded_after


class ReminderKind(models.TextChoices):
    OPENED = "opened", _("段階が始まったとき（入力するものがある人に）")
    DUE_SOON = "due_soon", _("期限が近づいたとき")
    OVERDUE = "overdue", _("期限を過ぎたとき（期限の翌日）")
    SUMMARY = "summary", _("入力状況のまとめ（事務局あて）")
    SEND_BACK = "send_back", _("入力が差し戻されたとき")


class ReminderPreferenceManager(models.Manager["ReminderPreference"]):
    def get_by_natural_key(self, username: str) -> "ReminderPreference":
        return self.get(user__username=username)


class ReminderPreference(Versioned):
    """One person's reminder address and which kinds of reminder they want (all by default).

    ``Versioned``: saved through ``services.record_save`` (version check, history)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("ユーザー"),
    )
    email = models.EmailField(
        _("送信先のメールアドレス"),
        blank=True,
        help_text=_("空欄のときは、アカウントに登録されたメールアドレスに送ります。"),
    )
    opened = models.BooleanField(ReminderKind.OPENED.label, default=True)
    due_soon = models.BooleanField(ReminderKind.DUE_SOON.label, default=True)
    overdue = models.BooleanField(ReminderKind.OVERDUE.label, default=True)
    summary = models.BooleanField(ReminderKind.SUMMARY.label, default=True)
    send_back = models.BooleanField(ReminderKind.SEND_BACK.label, default=True)

    objects = ReminderPreferenceManager()

    class Meta:
        verbose_name = _("リマインダーの設定")
        verbose_name_plural = _("リマインダーの設定")
        # Besides the one-to-one: record_save finds the saved row by it (double submits).
        constraints = [
            models.UniqueConstraint(fields=["user"], name="one_reminder_preference_per_user")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @loaded_after("auth.user")
    def natural_key(self) -> tuple[str, ...]:
        return self.user.natural_key()

    def wants(self, kind: str) -> bool:
        return getattr(self, ReminderKind(kind).value)


def preference_of(user) -> ReminderPreference:
    """The saved preference, or the defaults (everything on) for someone who never saved."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def address_of(user, preference: ReminderPreference) -> str:
    return preference.email or user.email


def stale_before(now: datetime | None = None) -> datetime:
    """Claims made before this moment (wall-clock time) with no sent mark may be retried."""
    return (now or timezone.now()) - timedelta(minutes=settings.REMINDER_CLAIM_STALE_MINUTES)


class SentReminderQuerySet(models.QuerySet["SentReminder"]):
    def sent(self) -> "SentReminderQuerySet":
        return self.filter(sent_at__isnull=False)

    def taken(self) -> "SentReminderQuerySet":
        """Messages nobody may send now: sent, or claimed by a sender that may still be
        sending them (a fresh claim)."""
        return self.filter(Q(sent_at__isnull=False) | Q(claimed_at__gte=stale_before()))


class SentReminder(models.Model):
    """One message claimed for sending, and marked sent once the SMTP server accepted it.

    The row is written (claimed) before the message goes to the server; ``sent_at`` stays
    empty until the server accepts. A refused message's claim is deleted at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("宛先の人"),
    )
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("評価サイクル"),
    )
    phase = models.CharField(_("段階"), max_length=20, choices=Phase.choices)
    kind = models.CharField(_("種類"), max_length=20, choices=ReminderKind.choices)
    # What makes this reminder distinct within its kind: the phase's opening day, the due
    # date (a moved due date is a new occasion), or the send-back's identity.
    occasion = models.CharField(_("きっかけ"), max_length=100)
    recipient = models.EmailField(_("送信先"))
    subject = models.CharField(_("件名"), max_length=255)
    items = models.PositiveIntegerField(_("記載した未入力の件数"), default=0)
    claimed_at = models.DateTimeField(_("送信を始めた日時"))
    # host:process of the sender, so an operator can tell which node a claim came from.
    claimed_by = models.CharField(_("送信したプロセス"), max_length=100)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    objects = SentReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("送信記録")
        verbose_name_plural = _("送信記録")
        ordering = ["-claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cycle", "phase", "kind", "occasion"], name="unique_reminder_sent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.subject}"
