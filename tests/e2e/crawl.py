"""Walk a site as one person would: follow same-origin links from the start page (GET only),
submit each form page's form once empty to see its errors, and run axe on every page."""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.e2e import axe

# Never followed: leaving the session, Django's own admin (its pages are Django's, reached
# only by is_staff users), and files that download instead of showing a page.
SKIPPED_PREFIXES = ("/logout/", "/admin/")
DOWNLOAD_SUFFIXES = (".xlsx", ".csv", ".json", ".zip", ".pdf")
# Forms whose submission changes the year rather than showing errors: never submitted.
NOT_SUBMITTED = {
    "logout",
    "evaluation:cycle_move",
    "evaluation:committee_confirm",
    "evaluation:sheet_import_confirm",
    "evaluation:project_uncontinue",  # a button that moves a 事業 back to the previous plan
    "people:send_link",  # a button that mails a person, not a form to fill in
    "people:set_active",  # a button that stops a person's account
    "people:two_factor_reset",  # a button that forgets a person's authenticator app
}
# Two pages of each kind (URL name) are enough to see its template in two states.
PER_NAME = 2

# The main content's links first, then the navigation's: as a person would, one's own
# records (the to-do list, a form's 事業) come before the full lists, so the PER_NAME pages
# of a kind include one this person may edit.
LINKS = """() => Array.from(new Set([
  ...Array.from(document.querySelectorAll("main a[href]"), (a) => a.href),
  ...Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
]))"""


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


@dataclass
class Crawl:
    page: object
    origin: str
    visited: list[str] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    violations: dict[str, list] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def run(self, start: str = "/", *, again: bool = False) -> "Crawl":
        """Crawl from ``start``; ``again``: open ``start`` even if its kind had its pages."""
        queue, seen = deque([start]), {start}
        while queue:
            path = queue.popleft()
            for link in self._visit(path, force=again and path == start):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        return self

    def _local(self, href: str) -> str | None:
        href = urldefrag(href)[0]
        if not href.startswith(self.origin):
            return None
        path = href[len(self.origin) :] or "/"
        if path.startswith(SKIPPED_PREFIXES) or urlsplit(path).path.endswith(DOWNLOAD_SUFFIXES):
            return None
        return path

    def _visit(self, path: str, force: bool = False) -> list[str]:
        name = url_name(path) or "?"
        if self.names.get(name, 0) >= PER_NAME and not force:
            return []
        try:
            response = self.page.goto(path)
        except PlaywrightError as error:
            if "Download" in str(error) or "ERR_ABORTED" in str(error):
                return []  # a download link without a file suffix
            raise
        self.page.wait_for_load_state()
        final = self._local(self.page.url) or path
        name = url_name(final) or "?"
        if final != path and self.names.get(name, 0) >= PER_NAME and not force:
            return []
        self.names[name] = self.names.get(name, 0) + 1
        self.visited.append(final if final == path else f"{path} → {final}")
        if response is None or response.status >= 400:
            self.errors[path] = f"HTTP {response.status if response else '?'}"
            return []
        self._check(final)
        links = [p for p in map(self._local, self.page.evaluate(LINKS)) if p]
        if name not in self.submitted:
            self.submitted.add(name)
            self._submit_empty(final)
        return links

    def _check(self, label: str) -> None:
        found = axe.violations(self.page)
        if found:
            self.violations[label] = found

    def _submit_empty(self, path: str) -> None:
        """Submit the page's first data form with its fields emptied; check the page shown."""
        forms = self.page.locator("main form[method=post], main form[method=POST]")
        for index in range(forms.count()):
            form = forms.nth(index)
            action = form.get_attribute("action") or path
            if url_name(action) in NOT_SUBMITTED:
                continue
            submit = form.locator("button[type=submit], input[type=submit]")
            if submit.count() == 0 or not submit.first.is_enabled():
                continue
            for field_ in form.locator(
                "input:not([type=hidden]):not([type=submit]):not([type=checkbox])"
                ":not([type=radio]):not([type=file]), textarea"
            ).all():
                if field_.is_visible() and field_.is_editable():  # not a folded 指標 row
                    field_.fill("")
            for select in form.locator("select").all():
                visible = select.is_visible() and select.is_enabled()
                if visible and select.locator("option[value='']").count():
                    select.select_option("")
            submit.first.click()
            self.page.wait_for_load_state()
            label = f"{path}（空で送信）"
            self.visited.append(label)
            self._check(label)
            return

    def report(self) -> str:
        lines = [f"{len(self.visited)} ページ:"] + [f"  {p}" for p in self.visited]
        for page, found in self.violations.items():
            lines.append(f"違反 {page}:")
            lines += [f"  - {v}" for v in found]
        for page, error in self.errors.items():
            lines.append(f"エラー {page}: {error}")
        return "\n".join(lines)

    def count(self) -> int:
        return sum(len(v.targets) for found in self.violations.values() for v in found)
