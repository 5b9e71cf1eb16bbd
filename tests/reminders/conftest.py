"""A real SMTP server (aiosmtpd) in the test process, on a free port, and the settings that
point Django's SMTP backend at it."""

import email
import email.policy
import socket
from dataclasses import dataclass, field
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from policies.models import Initiative
from reminders.models import ReminderPreference
from tests.evaluation import conftest as evaluation_conftest
from tests.factories import (
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    measure,
)

SITE_URL = "https://plan.example.jp"

# The six actors and their cycle, shared with the evaluation tests.
world = evaluation_conftest.world
login = evaluation_conftest.login


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        # Django folds a long encoded subject onto a continuation line; readers unfold it.
        return str(self.message["Subject"]).strip()

    @property
    def body(self) -> str:
        return self.message.get_content().replace("\r\n", "\n")  # SMTP sends CRLF


@dataclass
class Mailbox:
    """What the server received; ``reply`` is its answer to DATA (250 accepts)."""

    reply: str = "250 2.0.0 OK"
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    email.message_from_bytes(
                        envelope.original_content, policy=email.policy.default
                    ),
                )
            )
        return self.reply

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if r.recipients == [address]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE_URL
    settings.DEFAULT_FROM_EMAIL = "市民活動推進課 <noreply@plan.example.jp>"
    settings.REMINDER_DAYS_BEFORE = 7


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    yield mailbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Settings pointing at a port where nothing listens."""
    use_smtp(settings, free_port())


ALL_MEASURES = ["1-1", "1-2", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "3-1", "3-2", "4-1", "4-2"]
WEEK_BEFORE = "2021-06-23T08:00+09:00"  # 7 days before 令和3年6月30日
CYCLE_URL = "https://plan.example.jp/cycles/revised-2017/2021"


def entered(world, body_code: str, missing: list[str]) -> None:
    """Self-evaluations of a body for every 施策 but ``missing``."""
    for number in ALL_MEASURES:
        if number not in missing:
            SelfEvaluationFactory(cycle=world.cycle, measure=measure(number), body=body(body_code))


def asked_everywhere(world) -> None:
    """Every body has a 事業 under every 施策 (so each is asked for all 12 自己評価: no
    該当なし); the new 事業 of プレイス and 社協 have their 実施状況, 市's city-001 has not."""
    firsts = [
        Initiative.objects.filter(measure=measure(n), original__isnull=True).order_by("position")[0]
        for n in ALL_MEASURES
    ]
    world.project.initiatives.add(*firsts)
    for code in ("place", "shakyo"):
        project = ProjectFactory(code=f"{code}-all", body=body(code))
        project.initiatives.set(firsts)
        ProjectReportFactory(cycle=world.cycle, project=project)


@pytest.fixture
def behind(world):
    """Entry phase due 令和3年6月30日: 市 has its 事業 and 2-4 missing, プレイス 1-1 and 4-2,
    社協 (no staff account) everything. Addresses on the accounts or in the preferences."""
    world.cycle.entry_due = date(2021, 6, 30)
    world.cycle.save()
    asked_everywhere(world)
    entered(world, "city", ["2-4"])
    entered(world, "place", ["1-1", "4-2"])
    for role in ["staff_a", "secretariat", "member", "chair"]:
        user = world.users[role]
        user.email = f"{role.replace('_', '-')}@example.jp"
        user.save()
    ReminderPreference.objects.create(user=world.users["staff_b"], email="place@example.jp")
    return world
