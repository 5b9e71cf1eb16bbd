"""Japanese error pages in the site's layout (400, 403 with the access rule's reason, 404,
500 and a refused CSRF check), each with a way back.

Each page falls back to a plain Japanese page if the layout itself cannot be rendered (the
database is what failed, or the static files are not collected): an error page that fails
would show nothing at all.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PLAIN = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p><p><a href="/">トップページへ</a></p></body></html>"""

TITLES = {
    400: "リクエストを受け付けられません（400）",
    403: "この操作はできません（403）",
    404: "ページが見つかりません（404）",
    500: "システムの内部でエラーが起きました（500）",
}


def _page(
    request: HttpRequest | None, template: str, status: int, context: dict | None = None
) -> HttpResponse:
    try:
        html: str = render_to_string(template, context or {}, request)
    except Exception:  # the layout failed too: still answer in Japanese
        logger.exception("エラーページ %s を表示できませんでした", template)
        reason = (context or {}).get("exception") or ""
        html = PLAIN.format(title=TITLES[status], text=escape(reason))
    return HttpResponse(html, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The access functions' reason (PermissionDenied's message), shown as it is.
    reason = exception.args[0] if exception is not None and exception.args else ""
    return _page(request, "403.html", 403, {"exception": str(reason)})


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: its processors read the database, which may be what failed.
    return _page(None, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Usually a page left open across a logout or a new login; the draft is in the browser.
    return _page(request, "403_csrf.html", 403)
