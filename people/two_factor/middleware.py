from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from people.two_factor.rules import totp_required


class TwoFactorMiddleware:
    """A person who must use 二段階認証 and has signed in with the password only reaches
    nothing but the code's pages (and logout) until a code has confirmed the session —
    every page of the site and the admin site alike. After django-otp's ``OTPMiddleware``,
    which tells whether a device has confirmed it (``request.user.is_verified()``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_TOTP_FOR
            and request.user.is_authenticated
            and not request.user.is_verified()  # type: ignore[attr-defined]
            and request.path_info not in self._open_paths()
            and totp_required(request.user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('people:two_factor')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _open_paths() -> set[str]:
        return {reverse("people:two_factor"), reverse("people:two_factor_enrol"), reverse("logout")}
