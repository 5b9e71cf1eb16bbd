"""Caching of rendered pages and parts of pages (the dashboard, the 施策-per-year body, the
committee's members' side, the printed 評価表, its xlsx and PDF), shared by every worker,
invalidated on any save; and of what one version of a record determines (``of_version``:
its change history), which no save invalidates.

The cache is Django's database cache (``CACHES`` in settings), so every gunicorn worker
and machine sees the same entries. Entries are keyed by a *generation* token; any save or
delete of a plan or evaluation record replaces the token, so every older entry becomes
unreachable at once.

Each worker also keeps the entries it used last in its own memory (``LOCAL_ENTRIES``),
under the same generation-stamped keys: a request then costs one query (the token) instead
of two and no unpickling, and an invalidation reaches every worker with the token.

The token is replaced once per transaction, when it commits (``on_commit``): a request
that saves several records pays for one cache write, a rolled-back save invalidates
nothing, and a page computed from the old data meanwhile is stored under the old token,
which is unreachable after the commit. With ATOMIC_REQUESTS the commit (and so the
invalidation) happens before the response is sent. Tests that save and then read the
dashboard run the callbacks with ``django_capture_on_commit_callbacks(execute=True)``.
"""

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from people.access import participant_of

GENERATION_KEY = "dashboard:generation"
logger = logging.getLogger(__name__)
TIMEOUT = 24 * 60 * 60  # entries of an old generation are unreachable; this only frees space
TRACKED_APPS = {"evaluation", "policies"}
LOCAL_ENTRIES = 64  # per worker: a year's pages and sheets of a few plans and audiences
LOCAL_BYTES = 32 * 1024 * 1024  # per worker (a str's length counts as its size, else pickled)

T = TypeVar("T")


def _code_stamp() -> str:
    """A digest of the code and templates that can render the cached pages: a deploy that
    changes any of them must not serve pages rendered by the old code from the shared cache.
    Every module of the apps and every template counts, so a new module needs no listing."""
    base = settings.BASE_DIR
    files = sorted(
        path
        for pattern in ("evaluation/**/*.py", "policies/**/*.py", "templates/**/*.html")
        for path in base.glob(pattern)
        if "migrations" not in path.parts
    )
    digest = hashlib.sha1(usedforsecurity=False)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


CODE_STAMP = _code_stamp()


def _store(key: str, value: object, timeout: int | None) -> None:
    """Store in the shared cache, unless a concurrent writer holds the database: a page
    request reads in a deferred SQLite transaction (``plan.transactions``), where a write
    can lose to another request's. The value is still served, and stored another time."""
    try:
        with transaction.atomic():  # a failed write rolls back to here, on any database
            cache.set(key, value, timeout=timeout)
    except DatabaseError:
        logger.info("page cache: %s not stored (the database was busy)", key)


def _new_generation() -> str:
    token = uuid4().hex
    _store(GENERATION_KEY, token, timeout=None)
    return token


def generation() -> str:
    # A missing token (never set, or culled) gets a fresh one rather than a default,
    # so an entry computed before an invalidation can never become reachable again.
    return cache.get(GENERATION_KEY) or _new_generation()


class _Recent:
    """The worker's most recently used entries, oldest dropped first, within a budget of
    entries and of bytes (a large plan's printed 評価表 or PDF is megabytes; an entry over
    a quarter of the budget is not kept here, only in the shared cache). Keys carry the
    generation, so an entry of an older one is never read again; it just ages out."""

    def __init__(self, size: int, max_bytes: int = LOCAL_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, value: object) -> None:
        weight = len(value) if isinstance(value, str | bytes) else len(pickle.dumps(value))
        if weight > self.max_bytes // 4:
            return  # the largest pages and files stay only in the shared cache
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (value, weight)
            self.bytes += weight
            while len(self.entries) > self.size or self.bytes > self.max_bytes:
                _key, (_value, dropped) = self.entries.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bytes = 0


recent = _Recent(LOCAL_ENTRIES)


# Set while an edition of a year is rendered (``publication.editions``): its pages come from
# the records, never from an entry rendered earlier, and leave nothing in the cache.
_bypassed: ContextVar[bool] = ContextVar("page_cache_bypassed", default=False)


@contextmanager
def bypassed() -> Iterator[None]:
    """Within the block every ``cached`` value is built afresh and not stored."""
    token = _bypassed.set(True)
    try:
        yield
    finally:
        _bypassed.reset(token)


def _fetch(key: str, build: Callable[[], T]) -> T:
    if _bypassed.get():
        return build()
    value = recent.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = build()
            _store(key, value, timeout=TIMEOUT)
        recent.put(key, value)
    return value


def cached(parts: tuple, build: Callable[[], T]) -> T:
    """``build()``'s value for ``parts`` in the current generation, computed at most once."""
    return _fetch(
        "dashboard:" + ":".join(str(p) for p in (CODE_STAMP, generation(), *parts)), build
    )


def person_key(user) -> tuple:
    """What the key of a page rendered for one person carries besides the generation: who
    they are, and their role, 実施主体 and 委員長 duty today (``people.access.participant_of``:
    records of people, whose saves start no new generation; a save of the user does)."""
    participant = participant_of(user)
    if participant is None:
        return (user.pk,)
    return (user.pk, participant.role, participant.body_id, participant.is_chair)


def of_version(record, name: str, build: Callable[[], T]) -> T:
    """``build()``'s value for one version of a record, which no later save changes (a save
    makes a new version; ids are never reused): computed once, with no generation token
    to read. For what a record's own rows determine, such as its change history."""
    version = getattr(record, "version", None)
    if version is None:  # a record without versions has nothing that marks a change
        return build()
    parts = (CODE_STAMP, name, record._meta.label, record.pk, version)
    return _fetch("version:" + ":".join(str(p) for p in parts), build)


def invalidate() -> None:
    _new_generation()


def invalidate_on_commit() -> None:
    """Invalidate when the current transaction commits (now, outside a transaction),
    once however many records the transaction saves."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_dashboard_invalidation", None)
    # Still queued (not run, not dropped by a rollback): this transaction is covered.
    if pending is not None and any(entry[1] is pending for entry in connection.run_on_commit):
        return

    def callback() -> None:
        connection._dashboard_invalidation = None
        invalidate()

    connection._dashboard_invalidation = callback
    transaction.on_commit(callback)


def _tracked(sender: type) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in TRACKED_APPS:
        return False
    # simple_history writes a Historical… row with every save; one bump per save is enough.
    return not sender.__name__.startswith("Historical")


@receiver(post_save)
@receiver(post_delete)
def _record_changed(sender: type, **kwargs) -> None:
    if _tracked(sender):
        invalidate_on_commit()
    elif sender is get_user_model():
        # Member names appear in the entry progress; a login only touches last_login.
        update_fields = kwargs.get("update_fields")
        if not (update_fields and set(update_fields) <= {"last_login"}):
            invalidate_on_commit()


@receiver(m2m_changed)
def _links_changed(sender: type, action: str, **kwargs) -> None:
    # 事業 ↔ 展開 links change the counts of 事業 per 施策.
    if action.startswith("post_") and _tracked(kwargs["model"]):
        invalidate_on_commit()
