"""How the load test reads the app's answer to a form post (no locust import here, so the
normal test run can check it: importing locust patches the standard library for gevent)."""

import re

# Field errors (invalid-feedback) and form-level ones: crispy renders those as
# <div class="alert alert-block alert-danger"><ul><li>…</li></ul></div>.
ERROR_TEXT = re.compile(
    r'class="(?:invalid-feedback|alert[^"]*alert-danger)[^"]*"[^>]*>(.*?)</(?:div|span|p)>', re.S
)
TAG = re.compile(r"<[^>]+>")
CONFLICT = 'id="conflict"'  # the conflict panel: another person saved first


def form_errors(html: str) -> list[str]:
    """The first two error messages of a form page, as plain text."""
    return [" ".join(TAG.sub(" ", e).split()) for e in ERROR_TEXT.findall(html)][:2]


def is_conflict(status: int, html: str) -> bool:
    return status == 200 and CONFLICT in html
