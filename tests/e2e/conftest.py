"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

- No browser download: the system's /usr/bin/chromium (``.ci/run`` installs it).
- Without chromium (or the playwright package) the tests skip locally, and the end of the
  run says so; with CI set they fail instead, so CI never passes without running them.
- Every page a test opens collects console errors and Content-Security-Policy violations;
  ``pages.problems(page)`` returns them. On failure each open page is saved as a screenshot.
- live_server needs real transactions, which pytest-django flushes after each test, taking
  the plan every other test relies on with it; it is loaded back after each browser test.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(
    os.environ.get(
        "E2E_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
    )
)
TIMEOUT_MS = 10_000

# Recorded by the page listeners before any page script runs (CSP does not apply to it).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"}`);
});
"""

_skipped: list[str] = []
_screenshots: list[Path] = []


@contextmanager
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread, so Django refuses ORM calls
    (factories, the live server's database set-up and flush) as "async". Allowed only while
    the browser is open: set for the whole run, it would fail `check --deploy` in later tests."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"ブラウザテストを実行できません（CI では省略しません）: {reason}", pytrace=False
        )
    _skipped.append(reason)
    pytest.skip(f"ブラウザテストを省略: {reason}")


# Package scope: the browser (and its event loop) closes after the last browser test, so the
# tests that pytest-django runs after them see no event loop.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} がありません（apt-get install chromium fonts-ipafont-gothic）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright パッケージがありません（pip install -e '.[dev]'）")
    with _orm_beside_playwright(), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_problem(message) -> bool:
    # Failed loads are reported with their URL by _failed instead (the console omits it).
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def _failed(response) -> bool:
    # Browsers ask for /favicon.ico on their own; the site has none, which no one sees.
    return response.status >= 400 and not response.url.endswith("/favicon.ico")


class Pages:
    """The browser pages one test opened, each in its own context (its own cookies), with the
    console errors and CSP violations seen on each."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.opened: list[tuple[object, list[str]]] = []
        self.contexts: list[object] = []

    def open(self):
        """A new person's page; call twice for two people editing the same record."""
        context = self.browser.new_context(
            base_url=self.base_url, locale="ja-JP", viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(WATCH_CSP)
        self.contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if _is_problem(msg) else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if _failed(r) else None
        )
        self.opened.append((page, errors))
        return page

    def problems(self, page) -> list[str]:
        """Console errors and Content-Security-Policy violations on ``page`` so far."""
        errors = next(e for p, e in self.opened if p is page)
        violations = page.evaluate("window.__cspViolations || []")
        return [*errors, *(f"CSP: {v}" for v in violations)]

    def screenshot_all(self, test_name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", test_name)
        for n, (page, _errors) in enumerate(self.opened, start=1):
            path = SCREENSHOTS / f"{name}-{n}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                _screenshots.append(path)
            except Exception:  # noqa: BLE001  (a crashed page must not hide the real failure)
                pass

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live_server, request) -> Iterator[Pages]:
    opened = Pages(browser, live_server.url)
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        opened.screenshot_all(request.node.name)
    opened.close()


@pytest.fixture
def page(pages):
    """One person's browser page on the live server."""
    return pages.open()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Read by the pages fixture (screenshots on failure) and by the teardown below.
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the last test the test database is already gone: nothing to load back.
    # A test skipped at set-up (no chromium) never touched the database.
    set_up = getattr(item, "rep_setup", None)
    if (
        nextitem is not None
        and "live_server" in getattr(item, "fixturenames", ())
        and set_up is not None
        and set_up.passed
    ):
        # The flush after this test removed the plan that every test database holds.
        with item.config.stash[_blocker_key()].unblock():
            call_command("load_plan", verbosity=0)
    return result


def _blocker_key():
    from pytest_django.plugin import blocking_manager_key

    return blocking_manager_key


def pytest_terminal_summary(terminalreporter) -> None:
    if _skipped:
        terminalreporter.section("ブラウザテスト（e2e）", sep="=", yellow=True, bold=True)
        terminalreporter.write_line(
            f"ブラウザテストを省略しました: {_skipped[0]}。CI（CI=1）では省略せず失敗になります。",
            yellow=True,
        )
    if _screenshots:
        terminalreporter.section("ブラウザテストの失敗時のスクリーンショット", sep="=", red=True)
        for path in _screenshots:
            terminalreporter.write_line(str(path))
