"""Synthetic data at k times the real plan's size, for benchmarks and growth tests.

``generate(k)`` copies the revised plan's structure k times into a new plan
(k × 4 基本施策, k × 12 施策, k × 40 展開 with the same 再掲 links, k × 40 事業) and fills
five fiscal years with complete entries by the 3 実施主体 and 8 committee members.
History rows are written too (``bulk_create_with_history``), as for any other write.
"""

from django.contrib.auth.models import User
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Direction,
    IndicatorKind,
    MemberEvaluation,
    Phase,
    Project,
    ProjectIndicator,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.sheet.locked import freeze
from people.models import Participant, Role
from policies.models import BasicPolicy, ImplementingBody, Initiative, Measure, Plan, RatingLevel

YEARS = (2017, 2018, 2019, 2020, 2021)
MEMBERS = 8
SOURCE_PLAN = "revised-2017"
BATCH = 2000
# The real plan's last year, in 実施状況入力 with one 事業 of 武蔵野市 (``entry_sample``).
ENTRY_PLAN, ENTRY_YEAR, ENTRY_PROJECT = SOURCE_PLAN, YEARS[-1], "entry-city-001"
INDICATORS = [  # two 指標 per 実施状況 (an activity and an outcome), the shape city sheets carry
    (IndicatorKind.ACTIVITY, "講座の参加者数", "人", 60),
    (IndicatorKind.OUTCOME, "活動を始めた参加者の割合", "%", 30),
]


def _users(prefix: str, plan: Plan) -> tuple[dict[int, User], list[User]]:
    """One staff user per 実施主体 and 8 members (the first is the chair), taking part in the
    generated plan and in the real one, whose year in 実施状況入力 the bench's staff enter
    (``entry_sample``)."""
    plans = [plan, *Plan.objects.filter(code=ENTRY_PLAN)]
    staff = {}
    for body in ImplementingBody.objects.all():
        user, _ = User.objects.get_or_create(username=f"{prefix}-staff-{body.code}")
        participant, _ = Participant.objects.get_or_create(
            user=user, defaults={"role": Role.STAFF, "body": body}
        )
        participant.plans.add(*plans)
        staff[body.pk] = user
    members = []
    for i in range(1, MEMBERS + 1):
        user, _ = User.objects.get_or_create(username=f"{prefix}-member-{i}")
        role = Role.CHAIR if i == 1 else Role.MEMBER
        participant, _ = Participant.objects.get_or_create(user=user, defaults={"role": role})
        participant.plans.add(*plans)
        members.append(user)
    return staff, members


@transaction.atomic
def generate(k: int, *, code: str | None = None) -> Plan:
    """Create (or replace nothing and return) the plan ``code`` at k times the real size."""
    code = code or f"scale-k{k}"
    existing = Plan.objects.filter(code=code).first()
    if existing:
        return existing
    source = Plan.objects.get(code=SOURCE_PLAN)
    plan = Plan.objects.create(
        code=code,
        name=f"{source.name}（{k}倍の試験データ）",
        short_name=f"試験{k}倍",
        first_year=source.first_year,
        last_year=source.last_year,
        goal=source.goal,
        rating_scale=source.rating_scale,
    )
    levels = [lv for lv in source.rating_scale.levels.all() if lv.points is not None]
    bodies = list(ImplementingBody.objects.all())
    measures, measure_of = _copy_measures(source, plan, k)
    items, per_copy = _copy_initiatives(source, measure_of, k)
    projects = _projects(plan, code, items, per_copy, bodies)
    _staff, members = _users(code, plan)
    cycles = [
        Cycle.objects.create(
            plan=plan,
            fiscal_year=year,
            phase=Phase.PUBLISHED if year < YEARS[-1] else Phase.COMMITTEE,
        )
        for year in YEARS
    ]
    for y, cycle in enumerate(cycles):
        _reports(cycle, y, projects)
        _evaluations(cycle, y, measures, bodies, members, levels)
        if cycle.is_locked:
            freeze(cycle)  # what services.cycle_move does on the move to 確定
    return plan


def _copy_measures(
    source: Plan, plan: Plan, k: int
) -> tuple[list[Measure], dict[tuple[int, int], Measure]]:
    """k copies of the source's 基本施策 and 施策 (numbered on), with their lineage links;
    the new 施策 and, by (copy, source 施策 id), each one's copy."""
    src_policies = list(BasicPolicy.objects.filter(plan=source).order_by("number"))
    src_measures = list(Measure.objects.of_plan(source).select_related("basic_policy"))
    n_policies = len(src_policies)

    policies = BasicPolicy.objects.bulk_create(
        BasicPolicy(plan=plan, number=c * n_policies + p.number, title=p.title)
        for c in range(k)
        for p in src_policies
    )
    policy_of = {
        (c, p.number): policies[c * n_policies + i]
        for c in range(k)
        for i, p in enumerate(src_policies)
    }
    measures = Measure.objects.bulk_create(
        Measure(
            basic_policy=policy_of[(c, m.basic_policy.number)],
            number=f"{c * n_policies + m.basic_policy.number}-{m.order}",
            order=m.order,
            title=m.title,
            is_priority=m.is_priority,
        )
        for c in range(k)
        for m in src_measures
    )
    measure_of = {
        (c, m.pk): measures[c * len(src_measures) + i]
        for c in range(k)
        for i, m in enumerate(src_measures)
    }
    links = Measure.predecessors.through
    src_links = list(links.objects.filter(from_measure__in=src_measures))
    links.objects.bulk_create(
        links(from_measure=measure_of[(c, link.from_measure_id)], to_measure_id=link.to_measure_id)
        for c in range(k)
        for link in src_links
    )
    return measures, measure_of


def _copy_initiatives(
    source: Plan, measure_of: dict[tuple[int, int], Measure], k: int
) -> tuple[list[list[Initiative]], int]:
    """k copies of the source's 展開 (each 再掲 pointing at its copy's original): the new
    originals of each copy, and how many 展開 one copy has."""
    src_initiatives = list(
        Initiative.objects.filter(measure__basic_policy__plan=source).select_related(
            "measure", "original__measure"
        )
    )
    originals = [i for i in src_initiatives if i.original_id is None]
    new_originals = Initiative.objects.bulk_create(
        Initiative(measure=measure_of[(c, i.measure_id)], position=i.position, title=i.title)
        for c in range(k)
        for i in originals
    )
    original_of = {
        (c, i.pk): new_originals[c * len(originals) + n]
        for c in range(k)
        for n, i in enumerate(originals)
    }
    Initiative.objects.bulk_create(
        Initiative(
            measure=measure_of[(c, i.measure_id)],
            position=i.position,
            original=original_of[(c, i.original_id)],
        )
        for c in range(k)
        for i in src_initiatives
        if i.original_id is not None
    )
    per_copy = [new_originals[c * len(originals) : (c + 1) * len(originals)] for c in range(k)]
    return per_copy, len(src_initiatives)


def _projects(
    plan: Plan,
    code: str,
    items: list[list[Initiative]],
    per_copy: int,
    bodies: list[ImplementingBody],
) -> list[Project]:
    """``per_copy`` 事業 per copy (40), each serving one original 展開 of its copy (round
    robin), the 実施主体 in turn."""
    projects = bulk_create_with_history(
        [
            Project(
                code=f"{code}-{c:03d}-{n:02d}",
                plan=plan,
                body=bodies[n % len(bodies)],
                department="市民活動推進課",
                name=f"試験事業 {c + 1}-{n + 1}",
                first_year=YEARS[0],
            )
            for c in range(len(items))
            for n in range(per_copy)
        ],
        Project,
        batch_size=BATCH,
    )
    Through = Project.initiatives.through
    Through.objects.bulk_create(
        (
            Through(
                project_id=projects[c * per_copy + n].pk,
                initiative_id=originals[n % len(originals)].pk,
            )
            for c, originals in enumerate(items)
            for n in range(per_copy)
        ),
        batch_size=BATCH,
    )
    return projects


def _reports(cycle: Cycle, y: int, projects: list[Project]) -> None:
    """Every 事業's 実施状況 of the year (the y-th), with its two 指標."""
    reports = bulk_create_with_history(
        [
            ProjectReport(
                cycle=cycle,
                project=p,
                status=ReportStatus.DONE if (n + y) % 5 else ReportStatus.PARTIAL,
                goal="講座を年12回開催し、参加者を活動団体につなぐ。",
                activities="講座を開催し、参加者に活動団体を紹介した。",
                times=(n + y) % 12 + 1,
                participants=((n * 7 + y) % 90) + 10,
                direction=Direction.CONTINUE,
            )
            for n, p in enumerate(projects)
        ],
        ProjectReport,
        batch_size=BATCH,
    )
    bulk_create_with_history(
        [
            ProjectIndicator(
                report=r,
                kind=kind,
                name=name,
                unit=unit,
                target=target,
                actual=r.participants if kind == IndicatorKind.ACTIVITY else None,
                order=order,
            )
            for r in reports
            for order, (kind, name, unit, target) in enumerate(INDICATORS)
        ],
        ProjectIndicator,
        batch_size=BATCH,
    )


def _evaluations(
    cycle: Cycle,
    y: int,
    measures: list[Measure],
    bodies: list[ImplementingBody],
    members: list[User],
    levels: list[RatingLevel],
) -> None:
    """Every 施策's 自己評価 (each body), 委員評価 (each member) and 委員会評価 of the year,
    the committee's confirmed by the chair in a published year."""
    confirmed = cycle.phase == Phase.PUBLISHED
    bulk_create_with_history(
        [
            SelfEvaluation(
                cycle=cycle,
                measure=m,
                body=b,
                rating=levels[(n + b.order + y) % len(levels)],
                reason="計画どおり実施した。",
            )
            for n, m in enumerate(measures)
            for b in bodies
        ],
        SelfEvaluation,
        batch_size=BATCH,
    )
    bulk_create_with_history(
        [
            MemberEvaluation(
                cycle=cycle,
                measure=m,
                member=u,
                rating=levels[(n + i + y) % len(levels)],
                opinion="参加につなげる仕組みが必要である。",
            )
            for n, m in enumerate(measures)
            for i, u in enumerate(members)
        ],
        MemberEvaluation,
        batch_size=BATCH,
    )
    bulk_create_with_history(
        [
            CommitteeEvaluation(
                cycle=cycle,
                measure=m,
                rating=levels[(n + y) % len(levels)],
                opinion="概ね計画どおりだが、参加を促す活動を強める必要がある。",
                confirmed_by=members[0] if confirmed else None,
                confirmed_at=cycle_time(cycle) if confirmed else None,
            )
            for n, m in enumerate(measures)
        ],
        CommitteeEvaluation,
        batch_size=BATCH,
    )


@transaction.atomic
def entry_sample() -> ProjectReport:
    """The real plan's last year in 実施状況入力, with one 事業 of 武蔵野市 under 施策 1-1
    whose 実施状況 (two 指標) and 自己評価 are entered: the forms city staff fill in, which
    have the same size whatever k is. Added once; returns the 実施状況."""
    plan = Plan.objects.get(code=ENTRY_PLAN)
    cycle, _ = Cycle.objects.get_or_create(
        plan=plan, fiscal_year=ENTRY_YEAR, defaults={"phase": Phase.ENTRY}
    )
    city = ImplementingBody.objects.get(code="city")
    initiative = Initiative.objects.filter(
        measure__basic_policy__plan=plan, measure__number="1-1", original__isnull=True
    )[0]
    project, created = Project.objects.get_or_create(
        code=ENTRY_PROJECT,
        defaults={
            "plan": plan,
            "body": city,
            "name": "試験事業（実施状況入力）",
            "department": "市民活動推進課",
            "first_year": plan.first_year,
        },
    )
    if created:
        project.initiatives.add(initiative)
    report, created = ProjectReport.objects.get_or_create(
        cycle=cycle,
        project=project,
        defaults={
            "status": ReportStatus.DONE,
            "goal": "講座を年12回開催し、参加者を活動団体につなぐ。",
            "activities": "講座を開催し、参加者に活動団体を紹介した。",
            "times": 12,
            "participants": 54,
            "direction": Direction.CONTINUE,
        },
    )
    if created:
        for order, (kind, name, unit, target) in enumerate(INDICATORS):
            ProjectIndicator.objects.create(
                report=report, kind=kind, name=name, unit=unit, target=target, order=order
            )
    SelfEvaluation.objects.get_or_create(
        cycle=cycle,
        measure=initiative.measure,
        body=city,
        defaults={"rating": plan.rating_scale.levels.all()[0], "reason": "計画どおり実施した。"},
    )
    return report


def cycle_time(cycle: Cycle):
    """A fixed confirmation time at the end of the fiscal year (deterministic data)."""
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(cycle.fiscal_year + 1, 3, 31, 12, 0))
