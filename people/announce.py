"""Every change of role or 実施主体 is announced by e-mail to the chair and the 事務局, so a
role given behind someone's back is seen by the people it concerns. Subscribed to
``people.signals.role_changed`` (connected in ``PeopleConfig.ready``); sent with the same
mail settings as the reminders."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from people.models import Participant, display_name
from people.signals import role_changed

logger = logging.getLogger(__name__)


@receiver(role_changed, dispatch_uid="people-announce-role-change")
def announce_role_change(
    *, user_id: int, change: str, old: str, new: str, by: AbstractBaseUser | None, **kwargs: Any
) -> None:
    recipients = sorted(
        set(Participant.objects.announced_to().values_list("user__email", flat=True))
    )
    if not recipients:
        return
    name = display_name(get_user_model().objects.get(pk=user_id))
    when = date_format(timezone.localtime(), "Y年n月j日 H:i")
    lines = [
        f"{name} さんについて、{change}がありました。",
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
            f"【進捗管理】{change}: {name}（{old} → {new}）", "\n".join(lines), None, recipients
        )
    except (OSError, smtplib.SMTPException):
        # The change stands; the history keeps it. A lost mail must not undo it.
        logger.exception("役割の変更のお知らせを送れませんでした: %s", name)
