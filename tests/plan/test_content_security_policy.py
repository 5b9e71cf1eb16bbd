import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Inline code a strict policy would block: <script> without src, <style>, style="…", on…="…".
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def directives(header: str) -> dict[str, str]:
    """The policy as {directive: sources}; django-csp does not keep the directives' order."""
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_send_the_strict_policy(client):
    response = client.get(reverse("policies:tree", kwargs={"plan": "revised-2017"}))
    assert directives(response["Content-Security-Policy"]) == POLICY


@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),
        reverse("policies:tree", kwargs={"plan": "revised-2017"}),
        reverse("policies:measure", kwargs={"plan": "revised-2017", "number": "2-4"}),
        reverse("admin:login"),
    ],
)
def test_the_policy_allows_no_inline_script_or_style(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert INLINE.findall(response.content.decode()) == []


def test_the_lockout_page_carries_the_policy_too(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.post(reverse("login"), {"username": "nobody", "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong-password-1"})
    assert response.status_code == 429
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_no_project_template_contains_inline_script_or_style():
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): INLINE.findall(path.read_text("utf-8"))
        for path in Path(settings.BASE_DIR).glob("*/templates/**/*.html")
    }
    offenders |= {
        str(path.relative_to(settings.BASE_DIR)): INLINE.findall(path.read_text("utf-8"))
        for path in (Path(settings.BASE_DIR) / "templates").glob("**/*.html")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_inline_pattern_catches_what_the_policy_would_block():
    # Guards the guard: if this pattern stopped matching, the tests above could not fail.
    assert (
        len(INLINE.findall('<script>x()</script><style>a{}</style><p style="x" onclick="y">')) == 4
    )
    assert INLINE.findall('<script src="/static/app.js"></script><p class="x">') == []
