"""Signing in by user name regardless of case: the user name is the e-mail address, which
the people page stores in lower case (``InviteForm.clean_email``), while people type it as
their mail program shows it (「Hanako@Example.jp」). django-axes counts failures under the
same lower-cased name (``axes_username``), so changing the case does not reset the lock."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


class CaseInsensitiveModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        users = User._default_manager
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        # Two accounts whose names differ only in case (made before this rule) sign in by
        # their exact name; the people page refuses to create such a pair.
        matches = list(users.filter(username__iexact=username)[:2])
        if len(matches) > 1:
            matches = [u for u in matches if u.get_username() == username]
        if len(matches) != 1:
            User().set_password(password)  # as long as a wrong password takes
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name django-axes counts failures under: the typed one, in lower case."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.lower() if isinstance(username, str) else None
