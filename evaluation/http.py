"""The one way a view refuses a request it may not show."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def denied(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors are asked to log in; logged-in people without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
