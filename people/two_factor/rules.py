"""Who must confirm a sign-in with a code, and who may reset someone's authenticator."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from people.access import manages_people, participant_of


def totp_required(user: User | AnonymousUser) -> bool:
    """Whether ``user`` must enter a code after the password (``REQUIRE_TOTP_FOR``): the
    事務局 for "secretariat", staff and superusers (the admin site) for "admin"."""
    required = settings.REQUIRE_TOTP_FOR
    if not required or not user.is_authenticated:
        return False
    if "admin" in required and (user.is_staff or user.is_superuser):
        return True
    if "secretariat" in required:
        participant = participant_of(user)
        return participant is not None and participant.is_secretariat
    return False


def reset_refusal(*, actor: User | AnonymousUser, target: User) -> str:
    """Why ``actor`` may not reset ``target``'s authenticator (a lost phone) — in Japanese,
    empty when allowed. Nobody resets their own: with only a password, a stolen session
    could otherwise enrol the thief's phone. Only an administrator resets an administrator's."""
    if not manages_people(actor):
        return _("二段階認証を初期化できるのは事務局と管理者だけです。")
    if target.pk == actor.pk:
        return _(
            "自分自身の二段階認証は初期化できません。ほかの事務局の職員または管理者に依頼してください。"
        )
    if (target.is_staff or target.is_superuser) and not actor.is_superuser:
        return _("管理者の二段階認証を初期化できるのは、ほかの管理者だけです。")
    return ""
