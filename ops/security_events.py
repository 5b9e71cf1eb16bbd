"""Security events on the logger ``security``, one line each, for an operator to search.

Each line's ``message`` is Japanese, its ``event`` a stable English key (``auth.login``,
``auth.login_failed``, ``auth.locked_out``, ``auth.logout``, ``admin.change``,
``user.permissions_changed``, ``participant.saved`` / ``participant.deleted``). Other apps
log their own the same way (``sheet.exported`` in evaluation/views/sheet.py,
``edition.published``…): ``logging.getLogger("security").info("…", extra={"event": …})``.
A line logged during a request also carries its ``request_id`` (plan.request_log), which
leads to the request's own line and so to who made it.

No password, and no more of a failed login than the user name it tried.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from people.models import Participant
from plan.client_address import client_address

logger = logging.getLogger("security")


def _client(request) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="security-login")
def logged_in(sender, request, user, **kwargs) -> None:
    logger.info(
        "ログインしました",
        extra={
            "event": "auth.login",
            "user_id": user.pk,
            "username": user.get_username(),
            "client": _client(request),
        },
    )


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    logger.warning(
        "ログインに失敗しました",
        extra={
            "event": "auth.login_failed",
            "username": credentials.get("username"),
            "client": _client(request),
        },
    )


@receiver(user_locked_out, dispatch_uid="security-locked-out")
def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    logger.warning(
        "ログインの失敗が上限に達したため、このユーザー名とアクセス元からのログインを一時的に止めました",
        extra={"event": "auth.locked_out", "username": username, "client": ip_address},
    )


@receiver(user_logged_out, dispatch_uid="security-logout")
def logged_out(sender, request, user, **kwargs) -> None:
    logger.info(
        "ログアウトしました",
        extra={
            "event": "auth.logout",
            "user_id": getattr(user, "pk", None),
            "client": _client(request),
        },
    )


ADMIN_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="security-admin-change")
def admin_changed(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every change made in Django's admin (users, groups and their permissions included)."""
    if not created:
        return
    logger.info(
        "管理画面で変更しました: %s「%s」%s",
        instance.content_type.name if instance.content_type else "",
        instance.object_repr,
        instance.get_change_message(),
        extra={
            "event": "admin.change",
            "user_id": instance.user_id,
            "action": ADMIN_ACTIONS.get(instance.action_flag),
            "model": (
                f"{instance.content_type.app_label}.{instance.content_type.model}"
                if instance.content_type
                else None
            ),
            "object_id": instance.object_id,
        },
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security-user-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="security-user-perms")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="security-group-perms")
def permissions_changed(sender, instance, action: str, pk_set, model, **kwargs) -> None:
    """Who may do what, however it was changed (admin, shell, a command)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    logger.info(
        "権限を変更しました: %s「%s」の%s",
        instance._meta.verbose_name,
        instance,
        model._meta.verbose_name,
        extra={
            "event": "user.permissions_changed",
            "changed": instance._meta.label_lower,
            "changed_id": instance.pk,
            "action": action.removeprefix("post_"),
            "of": model._meta.label_lower,
            "ids": sorted(pk_set) if pk_set else [],
        },
    )


@receiver(post_save, sender=Participant, dispatch_uid="security-participant-saved")
def participant_saved(sender, instance: Participant, created: bool, raw: bool, **kwargs) -> None:
    if raw:  # loaddata (the demo, a backup): not a change of anyone's role
        return
    logger.info(
        "役割を%sしました: %s",
        "登録" if created else "変更",
        instance.get_role_display(),
        extra={
            "event": "participant.saved",
            "subject_user_id": instance.user_id,
            "role": instance.role,
            "body_id": instance.body_id,
            "new": created,
        },
    )


@receiver(post_delete, sender=Participant, dispatch_uid="security-participant-deleted")
def participant_deleted(sender, instance: Participant, **kwargs) -> None:
    logger.info(
        "役割を削除しました",
        extra={
            "event": "participant.deleted",
            "subject_user_id": instance.user_id,
            "role": instance.role,
        },
    )
