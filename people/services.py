"""Every write of who may do what goes through here — the people page and the admin alike —
so the rules of ``people.rules`` cannot be skipped, and each change leaves a history row (who,
when) and a mail to the chair and the 事務局 (``Participant.save``, ``people.announce``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from people.mails import send_password_link
from people.models import Participant
from people.rules import role_change_refusal
from policies.models import ImplementingBody

Actor = AbstractBaseUser | AnonymousUser


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
    participant._history_user = actor  # type: ignore[attr-defined]
    participant._announce = before is None  # type: ignore[attr-defined]
    participant.save()
    return participant


@transaction.atomic
def person_invite(
    *, actor: Actor, name: str, email: str, role: str, body: ImplementingBody | None
) -> Participant:
    """A new person with ``role``: an account without a password (the e-mail address is the
    user name), and a mail with a one-time link to choose one, sent once this commits."""
    reason = role_change_refusal(actor=actor, target_user_id=None, old_role="", new_role=role)
    if reason:
        raise ValidationError(reason)
    user = get_user_model().objects.create_user(username=email, email=email, last_name=name)
    participant = participant_save(
        actor=actor, participant=Participant(user=user, role=role, body=body)
    )
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
