"""SQLite only: which lock a request's transaction takes when it begins.

Every view runs in a transaction (``ATOMIC_REQUESTS``). On SQLite the configured mode is
IMMEDIATE: a request that may write takes the write lock when its transaction begins, so
two requests never both read and then fail to upgrade ("database is locked"). Taken by a
page that only reads, that lock queues every reader behind every other one, although WAL
lets readers run beside the one writer: with two workers under load, the pages that take
longest waited most (the 施策 page at 0.26 of its floor, p95 200 ms; with reads deferred
0.57, p95 56 ms, same run conditions).

So a GET or HEAD begins DEFERRED: it reads from a snapshot beside the writer and the other
readers. What such a request's view writes is only the shared page cache (``page_cache``), which
skips a write that loses to a concurrent writer. The middleware is listed innermost, so
the session and messages, saved by the outer middleware after it has returned, begin
IMMEDIATE as configured.
"""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class DeferredReadsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite" or request.method not in READ_ONLY_METHODS:
            return self.get_response(request)
        # Connecting sets the mode from settings; set it for this request afterwards.
        try:
            connection.ensure_connection()
        except DatabaseError:
            # Unreachable: the view reports it (a 500 page, or /healthz's 503).
            return self.get_response(request)
        configured = connection.transaction_mode  # type: ignore[attr-defined]  # SQLite's (Django 5.1), not in django-stubs
        connection.transaction_mode = None  # type: ignore[attr-defined]  # a plain BEGIN: DEFERRED
        try:
            return self.get_response(request)
        finally:
            connection.transaction_mode = configured  # type: ignore[attr-defined]
