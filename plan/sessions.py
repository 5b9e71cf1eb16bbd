"""The idle timeout without a session write on every request.

``SESSION_COOKIE_AGE`` is an idle timeout: each request should push the session's expiry
forward. Django's ``SESSION_SAVE_EVERY_REQUEST`` does that with an UPDATE of the session
row on every request, the largest single cost of a logged-in page. This middleware
refreshes the expiry at most once a minute instead, so a session ends between
``SESSION_COOKIE_AGE`` − 60 s and ``SESSION_COOKIE_AGE`` after the last request.
"""

import time

REFRESH_SECONDS = 60
KEY = "_idle_refreshed_at"


class IdleTimeoutMiddleware:
    """Listed after SessionMiddleware, so the session it marks modified is saved on the way
    out (with a new expiry) by SessionMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(KEY, 0) >= REFRESH_SECONDS:
            session[KEY] = now
        return response
