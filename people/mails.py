"""The one-time link to choose a password: an invitation for someone who has never logged
in, a password reset otherwise (the same mail 「パスワードを忘れた場合」 sends). Sent with the
reminders' mail settings; the link is absolute (``SITE_URL``), as a mail has no request."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people.tokens import invitation_tokens


def mail_context() -> dict[str, Any]:
    """What both mails need besides the user and token (PasswordResetView's
    ``extra_email_context`` too)."""
    return {"site_url": settings.SITE_URL, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


def send_password_link(user: User) -> None:
    invitation = user.last_login is None
    tokens = invitation_tokens if invitation else default_token_generator
    context = {
        **mail_context(),
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": tokens.make_token(user),
    }
    prefix = "people/invitation" if invitation else "registration/password_reset"
    subject = render_to_string(f"{prefix}_subject.txt", context).strip()
    body = render_to_string(f"{prefix}_email.txt", context)
    send_mail(subject, body, None, [user.email])
