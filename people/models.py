"""Who takes part: a person's role (事務局, 実施主体担当, 委員, 委員長) and, for staff, their
実施主体. The bottom of the dependency graph beside the plan's structure: every other app asks
here who someone is, and nothing here imports them.

The table keeps the name it had in the evaluation app (``evaluation_participant``), so
existing databases keep their people when the model moved here.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from people.signals import role_changed
from policies.models import ImplementingBody, Plan
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
    """A user's role in the evaluation: 事務局, staff of one 実施主体, 委員 or 委員長, in the
    plans they take part in (``plans``): in another plan they are an outsider, as the public is
    (``people.access.participant_of`` with a plan).

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
    plans = models.ManyToManyField(
        Plan,
        blank=True,
        related_name="participants",
        verbose_name=_("参加する計画"),
        help_text=_("この人が役割を持つ計画です。ほかの計画の内部のページは見られません。"),
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
        suffix = f"（{self.body.short_name}）" if self.body is not None else ""
        return f"{display_name(self.user)} {self.get_role_display()}{suffix}"

    def natural_key(self) -> tuple[str, ...]:
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
        """The 委員長, or the 副委員長 acting for them today (職務代理: ``acting_for_id`` is
        read with the role by ``people.access.participant_of``)."""
        return self.role == Role.CHAIR or getattr(self, "acting_for_id", None) is not None

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
                change=str(_("役割の変更")),
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


class SeatCategory(models.TextChoices):
    """The committee's 区分, as the city appoints it (学識経験者 2, 市民活動団体 3, 公募市民 2, 行政 1)."""

    ACADEMIC = "academic", _("学識経験者")
    CIVIC_GROUP = "civic_group", _("市民活動団体")
    PUBLIC = "public", _("公募市民")
    ADMINISTRATION = "administration", _("行政")


class Office(models.TextChoices):
    NONE = "", _("（なし）")
    CHAIR = "chair", _("委員長")
    VICE_CHAIR = "vice_chair", _("副委員長")


class SeatQuerySet(models.QuerySet["Seat"]):
    def serving(self, start: date, end: date) -> "SeatQuerySet":
        """Seats whose 任期 overlaps ``start``–``end`` (both days included)."""
        return self.filter(starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )

    def roster(self, start: date, end: date) -> "SeatQuerySet":
        """委員名簿 of a period: 委員長, 副委員長, then by 区分 as the city lists them."""
        office = models.Case(
            models.When(office=Office.CHAIR, then=0),
            models.When(office=Office.VICE_CHAIR, then=1),
            default=2,
        )
        category = models.Case(
            *(models.When(category=c, then=i) for i, c in enumerate(SeatCategory.values))
        )
        return (
            self.serving(start, end)
            .select_related("user")
            .annotate(office_order=office, category_order=category)
            .order_by("office_order", "category_order", "starts_on", "user__last_name")
        )


class Seat(Versioned):
    """A member's seat on a plan's committee for a 任期 (from–to): their 区分 and office.
    Each plan has its own committee, so a seat belongs to one plan.

    Held by a committee account only (a 委員 or 委員長): a 事務局 or 実施主体 account never sits
    on the committee, so a city employee in the 行政 seat has a separate committee account.
    A member who leaves mid-term gets an earlier 任期の終わり; one who joins, a later start.
    Written through ``people.services.seat_save`` (rules, history, mail).
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="seats", verbose_name=_("計画")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("委員"),
    )
    category = models.CharField(_("区分"), max_length=20, choices=SeatCategory.choices)
    office = models.CharField(
        _("役職"), max_length=20, choices=Office.choices, default=Office.NONE, blank=True
    )
    starts_on = models.DateField(_("任期の始まり"))
    ends_on = models.DateField(
        _("任期の終わり"), null=True, blank=True, help_text=_("空欄なら任期中です。")
    )

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("委員の任期")
        verbose_name_plural = _("委員の任期")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        office = f" {self.get_office_display()}" if self.office else ""
        return f"{display_name(self.user)}（{self.get_category_display()}{office}）"

    @property
    def label(self) -> str:
        """「公募市民・副委員長（2021-04-01〜2023-03-31）」, as the announcement reads it."""
        office = f"・{self.get_office_display()}" if self.office else ""
        end = self.ends_on.isoformat() if self.ends_on else ""
        return f"{self.get_category_display()}{office}（{self.starts_on.isoformat()}〜{end}）"

    def clean(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("任期の終わりは、始まりより後の日付にしてください。")}
            )
        participant = Participant.objects.filter(user_id=self.user_id).first()
        if participant is None or participant.role not in {Role.MEMBER, Role.CHAIR}:
            raise ValidationError(
                {
                    "user": _(
                        "委員の任期を登録できるのは、委員・委員長のアカウントだけです。"
                        "事務局・実施主体担当の職員が行政の委員を務めるときは、委員用の別のアカウントを招待してください。"
                    )
                }
            )
        if self.plan_id and not participant.plans.filter(pk=self.plan_id).exists():
            raise ValidationError(
                {
                    "user": _(
                        "この人はこの計画に参加していません。関係者の画面で参加する計画を確かめてください。"
                    )
                }
            )
        if self.office:
            end = self.ends_on or date.max
            taken = (
                Seat.objects.exclude(pk=self.pk)
                .filter(plan_id=self.plan_id, office=self.office)
                .serving(self.starts_on, end)
                .select_related("user")
                .first()
            )
            if taken is not None:
                raise ValidationError(
                    {
                        "office": _("同じ期間の%(office)sは、すでに%(name)sさんです。")
                        % {"office": self.get_office_display(), "name": display_name(taken.user)}
                    }
                )


class ActingChairQuerySet(models.QuerySet["ActingChair"]):
    def on(self, day: date) -> "ActingChairQuerySet":
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class ActingChair(models.Model):
    """職務代理: the 事務局 records that the 副委員長 acts for the 委員長 for a year or a date
    range. Meanwhile the 副委員長 may do exactly what the chair does (``Participant.is_chair``
    as ``people.access.participant_of`` reads it), and each confirmation records who acted
    and in whose place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("職務を代理する人（副委員長）"),
    )
    in_place_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代理される人（委員長）"),
    )
    starts_on = models.DateField(_("代理の始まり"))
    ends_on = models.DateField(_("代理の終わり"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した人"),
    )
    recorded_at = models.DateTimeField(_("記録した日時"), auto_now_add=True)

    objects = ActingChairQuerySet.as_manager()

    class Meta:
        verbose_name = _("職務代理")
        verbose_name_plural = _("職務代理")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="acting_chair_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{display_name(self.user)}（{display_name(self.in_place_of)}の職務代理）"

    def clean(self) -> None:
        if self.ends_on is not None and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("代理の終わりは、始まりより後の日付にしてください。")}
            )
        if not (self.user_id and self.in_place_of_id and self.starts_on and self.ends_on):
            return
        seats = Seat.objects.serving(self.starts_on, self.ends_on)
        if not seats.filter(user_id=self.user_id, office=Office.VICE_CHAIR).exists():
            raise ValidationError(
                {"user": _("職務を代理できるのは、その期間に任期のある副委員長だけです。")}
            )
        if not Participant.objects.filter(user_id=self.in_place_of_id, role=Role.CHAIR).exists():
            raise ValidationError(
                {"in_place_of": _("代理される人は委員長のアカウントにしてください。")}
            )


def acting_for(user: AbstractBaseUser, day: date) -> User | None:
    """The 委員長 ``user`` acts for on ``day`` (職務代理), or None — also for the chair themself."""
    acting = ActingChair.objects.on(day).filter(user_id=user.pk).select_related("in_place_of")
    record = acting.first()
    return record.in_place_of if record is not None else None


def committee_users(plan_id: int, start: date, end: date) -> "models.QuerySet[User]":
    """A plan's committee serving ``start``–``end``: the committee accounts with a seat of
    that plan then (a member who left before, or joins after, is not in it); while the plan
    has no 任期 recorded at all, every committee account taking part in the plan. One query,
    the seats read as subqueries."""
    seats = Seat.objects.filter(plan_id=plan_id)
    serving = seats.serving(start, end).filter(user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(
            participant__role__in=[Role.MEMBER, Role.CHAIR],
            participant__plans=plan_id,
        )
        .filter(Exists(serving) | ~Exists(seats))
    )
