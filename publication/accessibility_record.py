"""The figures of the last accessibility check, for the アクセシビリティ方針 page.

The browser tests (tests/e2e/test_accessibility.py) record their figures in the database
(``ops.AccessibilityCheck``, through ``record_accessibility_check``), so every node shows
the same; a release carries the figures of the run made before it in
``accessibility_check.json`` beside this file. The page shows the newer of the two.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ops.models import AccessibilityCheck

RELEASED = Path(__file__).with_name("accessibility_check.json")

USERS = {
    "anonymous": "ログインしていない人（市民）",
    "secretariat": "事務局",
    "staff_city": "実施主体担当（武蔵野市）",
    "staff_place": "実施主体担当（武蔵野プレイス）",
    "staff_shakyo": "実施主体担当（市民社協）",
    "member": "委員",
    "chair": "委員長",
}


@dataclass(frozen=True)
class Check:
    date: date
    users: list[tuple[str, int, int]]  # who, pages checked, violations found


def _read(path: Path) -> Check | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Check(
            date=date.fromisoformat(data["date"]),
            users=[
                (USERS.get(key, key), int(v["pages"]), int(v["violations"]))
                for key, v in data["users"].items()
            ],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _recorded() -> Check | None:
    checks = list(AccessibilityCheck.objects.order_by("pk"))
    if not checks:
        return None
    return Check(
        date=max(c.checked_on for c in checks),
        users=[(USERS.get(c.who, c.who), c.pages, c.violations) for c in checks],
    )


def last() -> Check | None:
    found = [c for c in (_recorded(), _read(RELEASED)) if c is not None]
    return max(found, key=lambda c: c.date, default=None)
