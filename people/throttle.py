"""A fixed-window counter in the shared cache (the database cache, seen by every worker and
machine): how many times a key was used in the current window."""

import hashlib

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more use of ``key``; True once it has been used more than ``limit`` times
    in this window. The key is hashed: an address never lands in the cache table as typed."""
    name = "throttle:" + hashlib.sha256(key.encode()).hexdigest()
    cache.add(name, 0, window_seconds)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: a new window starts
        cache.set(name, 1, window_seconds)
        count = 1
    return count > limit
