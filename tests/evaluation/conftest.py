from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from evaluation.models import Cycle, Phase, Project
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    body,
    chair,
    member,
    secretariat,
    staff,
)
from tests.sessions import settled_login


@dataclass
class World:
    """The six actors of every access test and one unpublished cycle of the revised plan."""

    cycle: Cycle
    project: Project  # a 事業 of 武蔵野市 (body A)
    users: dict[str, User | None]

    def set_phase(self, phase: str) -> None:
        self.cycle.phase = phase
        self.cycle.save()


ROLES = ["anonymous", "member", "chair", "staff_a", "staff_b", "secretariat"]


@pytest.fixture
def world(db) -> World:
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
    )


@pytest.fixture
def login(client):
    """Log the test client in as a user (or stay anonymous for None)."""

    def _login(user: User | None):
        if user is not None:
            settled_login(client, user)
        return client

    return _login
