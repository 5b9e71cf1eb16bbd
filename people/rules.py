"""Separation of duties: who may give whom which role, written once.

Every writer of a role asks ``role_change_refusal`` — the people page, the admin (its form
and its save both go through ``people.services.participant_save``) — so the 事務局 cannot
make itself 委員長 and confirm its own drafts, and a member cannot make themselves chair.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from people.access import manages_people, plans_managed_by
from people.models import Participant, Role


def role_change_refusal(
    *,
    actor: User | AnonymousUser,
    target_user_id: int | None,
    old_role: str,
    new_role: str,
) -> str:
    """Why ``actor`` may not give the person ``target_user_id`` (now ``old_role``, "" when
    they have none) the role ``new_role`` — in Japanese, empty when allowed.

    - nobody changes their own role, administrators included: a role is given by someone else;
    - only the 事務局 and administrators change roles;
    - only an administrator makes someone 事務局 or takes the role away, so one 事務局
      account cannot create another to confirm for it;
    - the 事務局 of a plan manages only the people of its plans (``plans_managed_by``).
    """
    if not manages_people(actor):
        return _("役割を変更できるのは事務局と管理者だけです。")
    if target_user_id is not None and target_user_id == actor.pk:
        return _(
            "自分自身の役割は変更できません。ほかの事務局の職員または管理者に依頼してください。"
        )
    if target_user_id is not None and not actor.is_superuser:
        theirs = Participant.objects.filter(user_id=target_user_id)
        if theirs.exists() and not theirs.filter(plans__in=plans_managed_by(actor)).exists():
            return _(
                "この人はあなたが参加する計画の関係者ではないため、変更できません。"
                "その計画の事務局または管理者に依頼してください。"
            )
    touches_secretariat = Role.SECRETARIAT in {old_role, new_role} and old_role != new_role
    if touches_secretariat and not actor.is_superuser:
        return _("事務局の役割を付ける・外すことができるのは管理者だけです。")
    return ""
