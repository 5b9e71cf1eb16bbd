"""Every change of role or 実施主体 is announced by e-mail to the chair and the 事務局, so a
role given behind someone's back is seen by the people it concerns. Subscribed to
``people.signals.role_changed`` (connected in ``PeopleConfig.ready``); sent with the same
mail settings as the reminders."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from people.models import Participant, Role, display_name
from people.signals import role_changed
from policies.models import ImplementingBody

logger = logging.getLogger(__name__)


def role_label(role: str, body_id: int | None) -> str:
    """「実施主体担当（武蔵野市）」, 「委員長」, or 「なし」 for a person without a role."""
    if not role:
        return "なし"
    label = str(Role(role).label)
    if body_id is not None:
        label += f"（{ImplementingBody.objects.get(pk=body_id).short_name}）"
    return label


@receiver(role_changed, dispatch_uid="people-announce-role-change")
def announce_role_change(
    *,
    participant_id: int,
    old_role: str,
    old_body_id: int | None,
    by: AbstractBaseUser | None,
    **kwargs: Any,
) -> None:
    participant = Participant.objects.select_related("user", "body").get(pk=participant_id)
    recipients = sorted(
        set(Participant.objects.announced_to().values_list("user__email", flat=True))
    )
    if not recipients:
        return
    name = display_name(participant.user)
    old = role_label(old_role, old_body_id)
    new = role_label(participant.role, participant.body_id)
    when = date_format(timezone.localtime(), "Y年n月j日 H:i")
    lines = [
        f"{name} さんの役割が変わりました。",
        "",
        f"  変更前: {old}",
        f"  変更後: {new}",
        f"  変更した人: {display_name(by) if by is not None else 'サーバーの管理作業'}",
        f"  日時: {when}",
        "",
        "心当たりのない変更であれば、市民活動推進課（事務局）に確認してください。",
        f"関係者の一覧: {settings.SITE_URL}{reverse('people:list')}",
    ]
    try:
        send_mail(
            f"【進捗管理】役割の変更: {name}（{old} → {new}）",
            "\n".join(lines),
            None,
            recipients,
        )
    except (OSError, smtplib.SMTPException):
        # The change stands; the history keeps it. A lost mail must not undo it.
        logger.exception("役割の変更のお知らせを送れませんでした: %s", name)
