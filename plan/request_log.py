"""One log line per request (logger ``request``): its id, the user, method, path, status and
duration, and the client's address (plan.client_address).

The id is the caller's ``X-Request-ID`` when it looks like one (a proxy or load balancer
that sets it can then follow a request through both logs), else a new one; it is sent back
in the response's ``X-Request-ID`` and added to every other line logged while the request
runs (``RequestIdFilter``: a security event carries the id of the request that caused it).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.functional import empty

from plan.client_address import client_address

logger = logging.getLogger("request")
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# Letters, digits and - _ . : only (a UUID, a hex id, nginx's $request_id): nothing that
# could forge a second log line or a header.
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def _user_id(request) -> int | None:
    """The user's id if the request already looked the user up; never a query of its own."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk


class RequestLogMiddleware:
    """Listed first, so that it times everything and sees the final status."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "request_id": request_id,
                    "user_id": _user_id(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                    "client": client_address(request),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds the running request's id to a line logged while it runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True
