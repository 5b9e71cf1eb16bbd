"""Logging a test client in as a person already in the middle of their work."""

import time

from django.test import Client

from plan.sessions import KEY


def settled_login(client: Client, user) -> Client:
    """``force_login``, with the idle timeout just refreshed (``plan.sessions``): pinned query
    counts are then those of an ordinary request, not of the once-a-minute session write."""
    client.force_login(user)
    session = client.session
    session[KEY] = int(time.time())
    session.save()
    return client
