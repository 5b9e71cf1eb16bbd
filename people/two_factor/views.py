"""The pages of 二段階認証: 確認コードの入力 after the password, the first set-up of an
authenticator app (QR code and secret, then the recovery codes, shown once), and the
事務局's reset of someone's lost phone from the people page."""

from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.access import denied, people_access
from people.models import Participant, display_name
from people.two_factor import services
from people.two_factor.forms import EnrolCodeForm, SignInCodeForm
from people.two_factor.rules import totp_required

ENROL_KEY = "two_factor_enrol_key"  # the secret being set up, in the session until confirmed


def _next_url(request: HttpRequest) -> str:
    """Where the person was going (this site only), else やること's home."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _nothing_to_do(request: HttpRequest) -> HttpResponse | None:
    """Anonymous visitors log in first; a person who needs no code, or whose session a code
    has confirmed, goes on to where they were going."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not totp_required(request.user) or request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    return None


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def two_factor(request: HttpRequest) -> HttpResponse:
    """確認コードの入力: the authenticator app's 6 digits, or a recovery code."""
    if response := _nothing_to_do(request):
        return response
    user = request.user
    if services.confirmed_totp(user) is None:  # type: ignore[arg-type]
        return redirect(_with_next("people:two_factor_enrol", request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.sign_in_check(user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error("code", error)
        else:
            _signed_in(request, device)
            return redirect(_next_url(request))
    status = 429 if form.has_error("code", code="throttled") else 200
    return render(
        request,
        "people/two_factor.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


def _signed_in(request: HttpRequest, device) -> None:
    """A code confirmed the session (a new session key, as after the password); a recovery
    code says how many are left and what to do when the phone is lost."""
    request.session.cycle_key()
    django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        messages.warning(
            request,
            _(
                "回復コードでログインしました。使った回復コードはもう使えません（残り%(left)d個）。"
                "スマートフォンをなくしたときは、事務局に二段階認証の初期化を依頼してください。"
            )
            % {"left": services.recovery_codes_left(request.user)},  # type: ignore[arg-type]
        )


def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """The first set-up: a QR code (and the secret as text) for the authenticator app,
    confirmed by one of its codes; then the 10 recovery codes, shown this once."""
    if response := _nothing_to_do(request):
        return response
    user = request.user
    # Only the 事務局 or an administrator replaces a device (a reset): a session confirmed by
    # nothing but the password must not enrol another phone.
    if services.confirmed_totp(user) is not None:  # type: ignore[arg-type]
        return redirect(_with_next("people:two_factor", request))
    key = request.session.setdefault(ENROL_KEY, services.new_key())
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrol(user=user, key=key, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[ENROL_KEY]
            request.session.cycle_key()
            django_otp.login(request, device)
            return render(
                request,
                "people/two_factor_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    return _enrol_page(request, form, key)


def _enrol_page(request: HttpRequest, form: EnrolCodeForm, key: str) -> HttpResponse:
    """The QR code (drawn by segno as inline SVG, no outside service) and the secret as text."""
    setup = TOTPDevice(user=request.user, key=key)
    qr = segno.make(setup.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("認証アプリで読み取るQRコード")
    )
    return render(
        request,
        "people/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr": mark_safe(qr),  # noqa: S308 - drawn by segno from our own URL, nothing typed
            "secret": services.key_text(key),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@require_POST
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A lost phone: the 事務局 resets the person's 二段階認証 (``services.two_factor_reset``)."""
    if not people_access(request.user).edit:
        return denied(request)
    participant = get_object_or_404(Participant.objects.select_related("user"), pk=pk)
    try:
        services.two_factor_reset(actor=request.user, user=participant.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)sさんの二段階認証を初期化しました。次のログインで認証アプリを設定し直します。"
                "委員長と事務局にメールでお知らせします。"
            )
            % {"name": display_name(participant.user)},
        )
    return redirect("people:list")
