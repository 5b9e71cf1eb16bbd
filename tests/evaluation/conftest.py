import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from evaluation.models import Cycle, Phase, Project
from plan.sessions import KEY as IDLE_KEY
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    body,
    chair,
    member,
    secretariat,
    staff,
)


@dataclass
class World:
    """The six actors of every access test and one unpublished cycle of the revised plan."""

    cycle: Cycle
    project: Project  # a 事業 of 武蔵野市 (body A)
    users: dict[str, User | None]
    committed: Callable  # django_capture_on_commit_callbacks: run what a commit would run

    def set_phase(self, phase: str) -> None:
        with self.committed(execute=True):  # as if the move committed: caches invalidated
            self.cycle.phase = phase
            self.cycle.save()


ROLES = ["anonymous", "member", "chair", "staff_a", "staff_b", "secretariat"]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    # As if committed: the cache invalidation it queues runs now, so that a test's own
    # saves queue (and, captured, run) theirs as they would in production.
    with django_capture_on_commit_callbacks(execute=True):
        return World(
            cycle=CycleFactory(fiscal_year=2021, phase=Phase.ENTRY),
            project=ProjectFactory(code="city-001", name="市民活動入門講座", body=body("city")),
            users={
                "anonymous": None,
                "member": member().user,
                "chair": chair().user,
                "staff_a": staff("city").user,
                "staff_b": staff("place").user,
                "secretariat": secretariat().user,
            },
            committed=django_capture_on_commit_callbacks,
        )


def fresh_idle_timeout(client) -> None:
    """As right after a request: the next requests within a minute write no session, so a
    page's pinned query count is the same on the first request and the second."""
    session = client.session
    session[IDLE_KEY] = int(time.time())
    session.save()


@pytest.fixture
def login(client):
    """Log the test client in as a user (or stay anonymous for None)."""

    def _login(user: User | None):
        if user is not None:
            client.force_login(user)
            fresh_idle_timeout(client)
        return client

    return _login
