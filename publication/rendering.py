"""A page as an anonymous visitor gets it, drawn by the app's own view from inside the app
(no request from outside): how an edition and the publication bundle are made."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve


@dataclass(frozen=True)
class Rendered:
    status: int
    content: bytes
    content_type: str
    disposition: str


class _NotAllowed(logging.Filter):
    """Drops Django's 「Method Not Allowed」 lines: the year's routes include forms that only
    take a POST, which a build reads once with a GET to find they are not pages."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 405


@contextmanager
def _quiet_not_allowed() -> Iterator[None]:
    request_logger = logging.getLogger("django.request")
    quiet = _NotAllowed()
    request_logger.addFilter(quiet)
    try:
        yield
    finally:
        request_logger.removeFilter(quiet)


def render_as_public(path: str, *, host: str | None = None, **attributes) -> Rendered:
    """``path`` (with its query, if any) as an anonymous visitor gets it. ``attributes`` are
    set on the request (``publication_bundle`` for the bundle's own header). The request is
    marked ``rendered_for_publication``: the app drawing its own pages is not a person taking
    a file away, so views leave it out of the security log."""
    headers = {"host": host} if host else {}
    request = RequestFactory().get(path, headers=headers)
    request.user = AnonymousUser()
    for name, value in {"rendered_for_publication": True, **attributes}.items():
        setattr(request, name, value)
    with _quiet_not_allowed():
        match = resolve(request.path_info)
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Rendered(
        response.status_code,
        content,
        response.get("Content-Type", "application/octet-stream"),
        response.get("Content-Disposition", ""),
    )
