"""Who takes part: a person's role (事務局, 実施主体担当, 委員, 委員長) and, for staff, their
実施主体. The bottom of the dependency graph beside the plan's structure: every other app asks
here who someone is, and nothing here imports them.

The table keeps the name it had in the evaluation app (``evaluation_participant``), so
existing databases keep their people when the model moved here.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.signals import role_changed
from policies.models import ImplementingBody
from policies.versioning import Versioned


def display_name(user: AbstractBaseUser | AnonymousUser) -> str:
    """How a person is named everywhere: full name, else username."""
    return user.get_full_name() or user.get_username()  # type: ignore[union-attr]


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("事務局")
    STAFF = "staff", _("実施主体担当")
    MEMBER = "member", _("委員")
    CHAIR = "chair", _("委員長")


def role_label(role: str, body: ImplementingBody | None) -> str:
    """「実施主体担当（市）」, 「委員長」, or 「なし」 for a person without a role."""
    if not role:
        return str(_("なし"))
    label = str(Role(role).label)
    return f"{label}（{body.short_name}）" if body is not None else label


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self) -> "ParticipantQuerySet":
        """People who can still log in (a deactivated person keeps their row and records)."""
        return self.filter(user__is_active=True)

    def announced_to(self) -> "ParticipantQuerySet":
        """Who hears of every change of role: the chair and the 事務局, with an address."""
        return self.active().filter(role__in=[Role.CHAIR, Role.SECRETARIAT]).exclude(user__email="")


class ParticipantManager(models.Manager.from_queryset(ParticipantQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, username: str) -> "Participant":
        return self.get(user__username=username)


class Participant(Versioned):
    """A user's role in the evaluation: 事務局, staff of one 実施主体, 委員 or 委員長.

    A person has one role, so a city employee who also sits on the committee (the 行政 seat)
    has a separate committee account: the 事務局 or 実施主体 account never scores. Who may
    change a role is ``people.rules``; every writer goes through ``people.services``, and
    ``save()`` itself keeps the history (``Versioned``) and announces a change of role or
    実施主体 to the chair and the 事務局 once it has committed, whoever saved it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participant",
        verbose_name=_("ユーザー"),
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        ImplementingBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属する実施主体"),
        help_text=_("実施主体担当のときだけ指定します。"),
    )

    objects = ParticipantManager()

    class Meta:
        db_table = "evaluation_participant"
        verbose_name = _("参加者")
        verbose_name_plural = _("参加者")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="staff") & Q(body__isnull=False))
                | (~Q(role="staff") & Q(body__isnull=True)),
                name="participant_body_only_for_staff",
            )
        ]

    def __str__(self) -> str:
        suffix = f"（{self.body.short_name}）" if self.body_id else ""
        return f"{display_name(self.user)} {self.get_role_display()}{suffix}"

    def natural_key(self) -> tuple[str]:
        return self.user.natural_key()

    natural_key.dependencies = ["auth.user", "policies.implementingbody"]  # type: ignore[attr-defined]

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_staff_member(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_committee_member(self) -> bool:
        """委員 and 委員長 both score 施策."""
        return self.role in {Role.MEMBER, Role.CHAIR}

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    def clean(self) -> None:
        if self.role == Role.STAFF and self.body_id is None:
            raise ValidationError(
                {"body": _("実施主体担当には、所属する実施主体を指定してください。")}
            )
        if self.role != Role.STAFF and self.body_id is not None:
            raise ValidationError(
                {"body": _("所属する実施主体を指定できるのは、実施主体担当だけです。")}
            )

    @property
    def label(self) -> str:
        return role_label(self.role, self.body)

    def save(self, *args: Any, **kwargs: Any) -> None:
        before = (
            Participant.objects.filter(pk=self.pk).select_related("body").first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        changed = before is not None and (
            before.role != self.role or before.body_id != self.body_id
        )
        if changed or getattr(self, "_announce", False):
            self.announce(
                change=_("役割の変更"),
                old=before.label if before is not None else role_label("", None),
                by=getattr(self, "_changed_by", None),
            )

    def announce(
        self, *, change: str, old: str, by: AbstractBaseUser | None, new: str = ""
    ) -> None:
        """Tell the chair and the 事務局 (``people.announce``) once the change has committed:
        a rolled-back change tells nobody."""
        kwargs = {
            "user_id": self.user_id,
            "change": str(change),
            "old": old,
            "new": new or (self.label if self.pk else role_label("", None)),
            "by": by,
        }
        transaction.on_commit(lambda: role_changed.send(sender=Participant, **kwargs))


class Handover(models.Model):
    """人事異動: the work of a 実施主体 handed from one person to the next on a date (発令日).

    The successor holds the role from then on and sees the body's open items and history;
    the predecessor's role is taken away (their own account stays, for anything else they
    do); every record either of them wrote stays attributed to its writer.
    """

    body = models.ForeignKey(
        ImplementingBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("実施主体")
    )
    predecessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("前任者"),
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("後任者"),
    )
    effective_on = models.DateField(_("発令日"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した人"),
    )
    recorded_at = models.DateTimeField(_("記録した日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("人事異動（引き継ぎ）")
        verbose_name_plural = _("人事異動（引き継ぎ）")
        ordering = ["-effective_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.body.short_name}: {display_name(self.predecessor)} → {display_name(self.successor)}"
