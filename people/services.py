"""Every write of who may do what goes through here — the people page and the admin alike —
so the rules of ``people.rules`` cannot be skipped, and each change leaves a history row (who,
when) and a mail to the chair and the 事務局 (``Participant.save``, ``people.announce``)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import plans_managed_by, signed_in
from people.mails import send_password_link
from people.models import ActingChair, Handover, Office, Participant, Role, Seat, role_label
from people.rules import role_change_refusal
from people.signals import role_changed
from policies.models import ImplementingBody, Plan

Actor = User | AnonymousUser


@transaction.atomic
def participant_save(*, actor: Actor, participant: Participant) -> Participant:
    """Save ``participant`` (new, or with a changed role or 実施主体) as ``actor`` did it;
    ``ValidationError`` with the reason in Japanese when the rules refuse it."""
    before = (
        Participant.objects.select_for_update()
        .filter(pk=participant.pk)
        .values("role", "body_id")
        .first()
        if participant.pk
        else None
    )
    if before == {"role": participant.role, "body_id": participant.body_id}:
        return participant  # nothing changed: nothing to check, record or announce
    reason = role_change_refusal(
        actor=actor,
        target_user_id=participant.user_id,
        old_role=before["role"] if before else "",
        new_role=participant.role,
    )
    if reason:
        raise ValidationError(reason)
    participant.full_clean()
    participant._changed_by = actor  # type: ignore[attr-defined]
    participant._history_user = signed_in(actor)
    participant._announce = before is None  # type: ignore[attr-defined]
    participant.save()
    return participant


@transaction.atomic
def person_invite(
    *,
    actor: Actor,
    name: str,
    email: str,
    role: str,
    body: ImplementingBody | None,
    plans: "list[Plan] | QuerySet[Plan]",
) -> Participant:
    """A new person with ``role`` in ``plans``: an account without a password (the e-mail
    address is the user name), and a mail with a one-time link to choose one, sent once this
    commits. The 事務局 invites people into its own plans only."""
    reason = role_change_refusal(actor=actor, target_user_id=None, old_role="", new_role=role)
    if reason:
        raise ValidationError(reason)
    _check_plans(actor, plans)
    user = get_user_model().objects.create_user(username=email, email=email, last_name=name)
    participant = participant_save(
        actor=actor, participant=Participant(user=user, role=role, body=body)
    )
    participant.plans.set(plans)
    transaction.on_commit(lambda: send_password_link(user))
    return participant


def person_send_link(*, actor: Actor, participant: Participant) -> None:
    """The invitation again (never logged in) or a password reset link, to the person's
    address; the same link they would get from 「パスワードを忘れた場合」."""
    _check_may_manage(actor, participant)
    if not participant.user.is_active:
        raise ValidationError(_("利用を停止している人には送れません。先に利用を再開してください。"))
    if not participant.user.email:
        raise ValidationError(_("メールアドレスが登録されていないため送れません。"))
    send_password_link(participant.user)


@transaction.atomic
def person_set_active(*, actor: Actor, participant: Participant, active: bool) -> None:
    """Deactivate (the person can no longer log in; everything they wrote stays theirs) or
    reactivate. Announced like a change of role."""
    _check_may_manage(actor, participant)
    user = participant.user
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    stopped = _("利用停止")
    participant.announce(
        change=_("利用の再開") if active else _("利用の停止"),
        old=stopped if active else participant.label,
        new=participant.label if active else stopped,
        by=actor,  # type: ignore[arg-type]
    )


def _check_plans(actor: Actor, plans: "list[Plan] | QuerySet[Plan]") -> None:
    """Refuse a plan the actor does not manage, or none at all: a person belongs to a plan."""
    managed = set(plans_managed_by(actor).values_list("pk", flat=True))
    if not plans or any(plan.pk not in managed for plan in plans):
        raise ValidationError(_("参加する計画は、あなたが事務局を務める計画から選んでください。"))


def _check_may_manage(actor: Actor, participant: Participant) -> None:
    """What may be done to a person's account follows who may change their role: not one's
    own, and a 事務局's only by an administrator."""
    reason = role_change_refusal(
        actor=actor,
        target_user_id=participant.user_id,
        old_role=participant.role,
        new_role="",
    )
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def staff_handover(
    *, actor: Actor, predecessor: Participant, name: str, email: str, effective_on: date
) -> Handover:
    """人事異動 in one step: the 実施主体 of ``predecessor`` passes to the person at ``email``
    (an account of theirs takes the role; otherwise they are invited) as of ``effective_on``,
    and the predecessor's role is taken away — they no longer see the body's records, and
    what they wrote stays theirs. Each change is announced like any change of role."""
    if not predecessor.is_staff_member:
        raise ValidationError(_("人事異動で引き継げるのは、実施主体担当の人だけです。"))
    if effective_on > timezone.localdate():
        raise ValidationError(
            _(
                "発令日が先の日付の引き継ぎは、その日になってから行ってください（それまでは前任者が担当します）。"
            )
        )
    _check_may_manage(actor, predecessor)
    body = predecessor.body
    assert body is not None  # a 実施主体担当 always has one (participant_body_only_for_staff)
    users = get_user_model().objects
    existing = (
        users.filter(username__iexact=email).first() or users.filter(email__iexact=email).first()
    )
    plans = list(predecessor.plans.all())
    if existing is None:
        successor = person_invite(
            actor=actor, name=name, email=email, role=Role.STAFF, body=body, plans=plans
        )
    elif existing.pk == predecessor.user_id:
        raise ValidationError(_("前任者と後任者が同じ人です。"))
    elif not existing.is_active:
        raise ValidationError(_("後任者のアカウントは利用停止中です。先に利用を再開してください。"))
    else:
        successor = Participant.objects.filter(user=existing).first() or Participant(user=existing)
        successor.role, successor.body = Role.STAFF, body
        participant_save(actor=actor, participant=successor)
        successor.plans.add(*plans)  # the body's work in the predecessor's plans
    old = predecessor.label
    predecessor._history_user = signed_in(actor)
    predecessor.delete()
    predecessor.announce(change=_("人事異動"), old=old, by=actor)  # type: ignore[arg-type]
    return Handover.objects.create(
        body=body,
        predecessor=predecessor.user,
        successor=successor.user,
        effective_on=effective_on,
        recorded_by=signed_in(actor),
    )


@transaction.atomic
def seat_save(*, actor: Actor, seat: Seat) -> Seat:
    """Record a member's 任期, 区分 and office (new, or changed: a member leaving mid-term
    gets an earlier end). Nobody records their own seat or office; only the 事務局 and
    administrators record seats; ``Seat.clean`` keeps the committee to committee accounts and
    one 委員長 and one 副委員長 at a time. Versioned, and announced to the chair and the 事務局."""
    before = Seat.objects.select_for_update().filter(pk=seat.pk).first() if seat.pk else None
    reason = role_change_refusal(
        actor=actor, target_user_id=seat.user_id, old_role=Role.MEMBER, new_role=Role.MEMBER
    )
    if reason:
        raise ValidationError(reason)
    _check_plans(actor, [seat.plan] if seat.plan_id else [])
    seat.full_clean()
    seat._history_user = signed_in(actor)
    seat.save()
    kwargs = {
        "user_id": seat.user_id,
        "change": str(_("委員の任期・役職の変更") if before else _("委員の任期の登録")),
        "old": before.label if before else role_label("", None),
        "new": seat.label,
        "by": actor,
    }
    transaction.on_commit(lambda: role_changed.send(sender=Seat, **kwargs))
    _role_follows_office(actor, seat)
    return seat


def _role_follows_office(actor: Actor, seat: Seat) -> None:
    """One source of truth for who is 委員長: the seat's office. The account's role follows
    it through ``participant_save`` (its rules, history and mail): a seat with the office
    委員長 serving today makes the account 委員長; a 委員長 whose seats no longer give them the
    office today (taken away, or the 任期 ended) is a 委員 again."""
    participant = Participant.objects.filter(user_id=seat.user_id).first()
    if participant is None or not participant.is_committee_member:
        return
    today = timezone.localdate()
    chairs = Seat.objects.filter(user_id=seat.user_id, office=Office.CHAIR).serving(today, today)
    role = Role.CHAIR if chairs.exists() else Role.MEMBER
    if participant.role != role:
        participant.role = role
        participant_save(actor=actor, participant=participant)


@transaction.atomic
def acting_chair_record(*, actor: Actor, acting: ActingChair) -> ActingChair:
    """職務代理: the 副委員長 acts for the 委員長 from ``starts_on`` to ``ends_on``. Recorded by
    the 事務局 (never by either of the two), checked by ``ActingChair.clean``, announced."""
    for user_id in (acting.user_id, acting.in_place_of_id):
        reason = role_change_refusal(
            actor=actor, target_user_id=user_id, old_role=Role.MEMBER, new_role=Role.MEMBER
        )
        if reason:
            raise ValidationError(reason)
    acting.recorded_by = signed_in(actor)
    acting.full_clean()
    acting.save()
    kwargs = {
        "user_id": acting.user_id,
        "change": str(_("職務代理の記録")),
        "old": str(_("副委員長")),
        "new": str(
            _("委員長の職務代理（%(start)s〜%(end)s）")
            % {"start": acting.starts_on.isoformat(), "end": acting.ends_on.isoformat()}
        ),
        "by": actor,
    }
    transaction.on_commit(lambda: role_changed.send(sender=ActingChair, **kwargs))
    return acting
