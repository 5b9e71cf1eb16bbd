"""On SQLite a GET's transaction begins DEFERRED (readers beside each other); a request that
may write keeps the configured IMMEDIATE (plan.transactions)."""

import pytest
from django.db import DatabaseError
from django.test import RequestFactory

from evaluation import page_cache
from plan import transactions


class Connection:
    """The two things the middleware reads of a database connection."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.transaction_mode = "IMMEDIATE"

    def ensure_connection(self) -> None:
        pass


@pytest.fixture
def mode_during(monkeypatch):
    def during(method: str, vendor: str = "sqlite") -> tuple[str | None, str | None]:
        """The connection's transaction mode while the view runs, and after the request."""
        connection = Connection(vendor)
        monkeypatch.setattr(transactions, "connections", {"default": connection})
        seen = []
        middleware = transactions.DeferredReadsMiddleware(
            lambda request: seen.append(connection.transaction_mode)
        )
        middleware(RequestFactory().generic(method, "/"))
        return seen[0], connection.transaction_mode

    return during


def test_a_page_that_only_reads_begins_deferred_and_the_mode_is_restored(mode_during):
    assert mode_during("GET") == (None, "IMMEDIATE")
    assert mode_during("HEAD") == (None, "IMMEDIATE")


def test_a_request_that_may_write_takes_the_write_lock_when_it_begins(mode_during):
    assert mode_during("POST") == ("IMMEDIATE", "IMMEDIATE")


def test_other_databases_are_left_alone(mode_during):
    assert mode_during("GET", vendor="postgresql") == ("IMMEDIATE", "IMMEDIATE")


def test_it_covers_the_view_only_not_the_session_saved_on_the_way_out(settings):
    middleware = settings.MIDDLEWARE
    mine = middleware.index("plan.transactions.DeferredReadsMiddleware")
    assert mine > middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert mine > middleware.index("django.contrib.messages.middleware.MessageMiddleware")


@pytest.mark.django_db
def test_a_cache_write_that_loses_to_a_concurrent_writer_still_serves_the_page(monkeypatch):
    def busy(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(page_cache.cache, "set", busy)
    assert page_cache.cached(("busy",), lambda: "the page") == "the page"
