"""Factories for test data. The real plan (fixtures) is in every test database; factories
build evaluation records on top of it, or whole small plans where a test needs its own."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
)
from people.models import Participant, Role
from policies.models import ImplementingBody, Initiative, Measure, Plan, RatingLevel

PASSWORD = "correct-horse-battery"


def revised_plan() -> Plan:
    return Plan.objects.get(code="revised-2017")


def body(code: str) -> ImplementingBody:
    """ "city", "place" or "shakyo"."""
    return ImplementingBody.objects.get(code=code)


def measure(number: str, plan_code: str = "revised-2017") -> Measure:
    return Measure.objects.get_by_natural_key(plan_code, number)


def level(code: str, scale: str = "tama-4") -> RatingLevel:
    return RatingLevel.objects.get_by_natural_key(scale, code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password(PASSWORD)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    body = None

    @factory.post_generation
    def plans(self, create, extracted, **kwargs):
        """The plans the person takes part in: every plan there is, unless given."""
        if create:
            self.plans.set(Plan.objects.all() if extracted is None else extracted)


def secretariat() -> Participant:
    return ParticipantFactory(role=Role.SECRETARIAT)


def member() -> Participant:
    return ParticipantFactory(role=Role.MEMBER)


def chair() -> Participant:
    return ParticipantFactory(role=Role.CHAIR)


def staff(body_code: str = "city") -> Participant:
    return ParticipantFactory(role=Role.STAFF, body=body(body_code))


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ["plan", "fiscal_year"]

    plan = factory.LazyFunction(revised_plan)
    fiscal_year = 2021
    phase = Phase.ENTRY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"p-{n:04d}")
    plan = factory.LazyFunction(revised_plan)
    body = factory.LazyFunction(lambda: body("city"))
    department = "市民活動推進課"
    name = factory.Sequence(lambda n: f"事業{n}")
    first_year = 2017
    last_year = None

    @factory.post_generation
    def initiatives(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [Initiative.objects.get_by_natural_key("revised-2017", "1-1", 1)]
        self.initiatives.set(extracted)


class ProjectReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectReport

    cycle = factory.SubFactory(CycleFactory)
    project = factory.SubFactory(ProjectFactory)
    status = ReportStatus.DONE
    activities = "講座を開催した。"
    times = 3
    participants = 45
    issues = ""


class SelfEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfEvaluation

    cycle = factory.SubFactory(CycleFactory)
    measure = factory.LazyFunction(lambda: measure("1-1"))
    body = factory.LazyFunction(lambda: body("city"))
    rating = factory.LazyFunction(lambda: level("B"))
    reason = "概ね計画どおり実施した。"


class MemberEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberEvaluation

    cycle = factory.SubFactory(CycleFactory, phase=Phase.COMMITTEE)
    measure = factory.LazyFunction(lambda: measure("1-1"))
    member = factory.LazyFunction(lambda: member().user)
    rating = factory.LazyFunction(lambda: level("B"))
    opinion = "参加につなげる仕組みが必要である。"


class CommitteeEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeEvaluation

    cycle = factory.SubFactory(CycleFactory, phase=Phase.COMMITTEE)
    measure = factory.LazyFunction(lambda: measure("1-1"))
    rating = factory.LazyFunction(lambda: level("C"))
    opinion = "講座は行われているが、参加を促す活動が弱い。"
    # A locked (確定/公開) year only ever holds confirmed evaluations (services.cycle_move).
    confirmed_at = factory.LazyAttribute(lambda o: timezone.now() if o.cycle.is_locked else None)
