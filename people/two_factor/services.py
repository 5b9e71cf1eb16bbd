"""The writes of 二段階認証: enrolling an authenticator app (with its recovery codes),
checking a sign-in's code, and resetting a lost phone. A wrong code counts against the
device (django-otp's throttle: 1, 2, 4, 8 … seconds before the next is heard); that count is
saved by the request's own transaction, so these checks are not wrapped in one of their own
that a refusal would roll back."""

import logging
import re
from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from people.signals import role_changed
from people.two_factor.rules import reset_refusal

RECOVERY_CODE_COUNT = 10
SIX_DIGITS = re.compile(r"\d{6}")
security = logging.getLogger("security")


def new_key() -> str:
    """A new secret for an authenticator app (hex, as django-otp keeps it)."""
    return default_key()


def key_text(key: str) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of 4."""
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _normalised(code: str) -> str:
    """What people type: spaces and hyphens (as a code is shown, in groups) and case ignored."""
    return re.sub(r"[\s-]", "", code).lower()


def _check(device: TOTPDevice | StaticDevice, code: str) -> None:
    allowed, refusal = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            _(
                "確認コードを続けて間違えたため、しばらく受け付けません。"
                "%(time)s 以降に、もう一度入力してください。"
            )
            % {"time": date_format(timezone.localtime(refusal["locked_until"]), "H:i:s")},
            code="throttled",
        )
    if not device.verify_token(code):
        if isinstance(device, StaticDevice):
            raise ValidationError(
                _(
                    "回復コードが正しくないか、すでに使われています。1つの回復コードは1回しか使えません。"
                ),
                code="wrong",
            )
        raise _wrong_code()


def _wrong_code() -> ValidationError:
    return ValidationError(
        _("確認コードが正しくありません。認証アプリに表示されている最新の6桁を入力してください。"),
        code="wrong",
    )


def totp_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app set up with ``key`` by one of its codes, and give the
    person 10 new recovery codes (returned once: only they keep them). ``ValidationError``
    in Japanese for a wrong code."""
    # Unconfirmed devices of an earlier key are left-overs of a page opened again.
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(key=key).delete()
    device, _created = TOTPDevice.objects.select_for_update().get_or_create(
        user=user, confirmed=False, key=key, defaults={"name": "認証アプリ"}
    )
    _check(device, _normalised(code))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="回復コード", confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    security.info(
        "二段階認証を設定しました",
        extra={"event": "two_factor.enrolled", "subject_user_id": user.pk},
    )
    return device, codes


def sign_in_check(*, user: User, code: str) -> Device:
    """The device that accepts ``code``: 6 digits are the authenticator app's, anything else
    a recovery code (used up by this). ``ValidationError`` in Japanese otherwise."""
    code = _normalised(code)
    model = TOTPDevice if SIX_DIGITS.fullmatch(code) else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:  # no recovery codes: most likely a mistyped 6-digit code
        raise _wrong_code()
    _check(device, code)
    if isinstance(device, StaticDevice):
        security.info(
            "回復コードでログインしました",
            extra={"event": "two_factor.recovery_code_used", "subject_user_id": user.pk},
        )
    return device


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_reset(*, actor: User | AnonymousUser | None, user: User) -> None:
    """Forget ``user``'s authenticator app and recovery codes (a lost phone): at the next
    sign-in they set up a new one. ``actor`` None is an operator's command on the server;
    anyone else is asked ``reset_refusal``. Announced like a change of role."""
    if actor is not None:
        reason = reset_refusal(actor=actor, target=user)
        if reason:
            raise ValidationError(reason)
    if not TOTPDevice.objects.filter(user=user).exists():
        raise ValidationError(_("この人は二段階認証をまだ設定していません。"))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    by = actor if isinstance(actor, User) else None
    security.info(
        "二段階認証を初期化しました",
        extra={"event": "two_factor.reset", "subject_user_id": user.pk},
    )
    transaction.on_commit(
        lambda: role_changed.send(
            sender=TOTPDevice,
            user_id=user.pk,
            change=_("二段階認証の初期化"),
            old=_("設定済み"),
            new=_("未設定（次のログインで設定し直します）"),
            by=by,
        )
    )
