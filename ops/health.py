"""What a monitor asks of a running node: can it serve? (``/healthz``)

The database answers, every migration this code knows has been applied to it, and the
shared cache's table is there (``createcachetable``). Nothing else: no data, no login, no
session, so a monitor can ask every few seconds without leaving a trace.
"""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def problems() -> list[str]:
    """What stops this node from serving, as stable English keys; empty when it can."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return ["database"]
    found = []
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            found.append("migrations")
    except DatabaseError:
        found.append("migrations")
    try:
        cache.get("healthz")
    except DatabaseError:
        found.append("cache")
    return found
