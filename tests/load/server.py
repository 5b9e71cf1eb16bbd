"""The server side of `make loadtest`, run inside ``manage.py shell`` against the load-test
database: ``prepare`` creates the people and records to write to and tells the locustfile
what to do (a JSON plan); ``report`` counts what reached the database and prints the figures.

Each kind of write is one ``WriteKind`` in ``WRITE_KINDS``: which page it posts to (skipped
while that page does not exist yet), what each person may write there, and how to count the
rows that prove the writes arrived. Every form save goes through ``record_save``, which
writes exactly one history row, so history rows by the load-test users = successful saves.
"""

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from people.models import Participant, Role
from policies.models import ImplementingBody, Initiative, Measure, Plan

PLAN = "revised-2017"
ENTRY_YEAR = 2020  # 実施状況入力: staff write 実施状況 and 自己評価
COMMITTEE_YEAR = 2021  # 委員会評価: members score, the secretariat drafts
PASSWORD = "load-test-password-2021"
PREFIX = "load-"

# Who the load-test users are, in turn: 8 members (the first is the chair), 9 staff (3 per
# 実施主体), 3 secretariat; more users repeat the pattern.
ROLES = [Role.CHAIR, *[Role.MEMBER] * 7, *[Role.STAFF] * 9, *[Role.SECRETARIAT] * 3]


def _path(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _levels(plan: Plan) -> list[str]:
    return [str(lv.pk) for lv in plan.rating_scale.levels.all() if lv.points is not None]


@dataclass(frozen=True)
class WriteKind:
    name: str
    targets: Callable[[User, int, Plan], list[dict]]  # [{"path", "fields"}] for one user
    found: Callable[[list[User]], int]  # rows proving the successful writes


def _measures(plan: Plan, share: int, of: int) -> list[Measure]:
    """Every ``of``-th 施策, so people sharing a role never edit the same record at once."""
    return [m for n, m in enumerate(Measure.objects.of_plan(plan)) if n % of == share]


def _member_targets(user: User, index: int, plan: Plan) -> list[dict]:
    if not user.participant.is_committee_member:
        return []
    levels = _levels(plan)
    targets = []
    for n, measure in enumerate(Measure.objects.of_plan(plan)):
        path = _path(
            "evaluation:scoring",
            plan=plan.code,
            year=COMMITTEE_YEAR,
            number=measure.number,
        )
        if path is None:
            return []
        fields = {
            "rating": levels[n % len(levels)],
            "opinion": "負荷試験の意見。参加者を増やす工夫が必要。",
        }
        targets.append({"path": path, "fields": fields})
    return targets


def _committee_targets(user: User, index: int, plan: Plan) -> list[dict]:
    if not user.participant.is_secretariat:
        return []
    levels = _levels(plan)
    targets = []
    for n, measure in enumerate(_measures(plan, index % 3, 3)):
        path = _path(
            "evaluation:committee_evaluation",
            plan=plan.code,
            year=COMMITTEE_YEAR,
            number=measure.number,
        )
        if path is None:
            return []
        fields = {"rating": levels[n % len(levels)], "opinion": "負荷試験の委員会意見（案）。"}
        targets.append({"path": path, "fields": fields})
    return targets


def _self_targets(user: User, index: int, plan: Plan) -> list[dict]:
    participant = user.participant
    if not participant.is_staff_member:
        return []
    levels = _levels(plan)
    targets = []
    # Staff take turns among the bodies (index % 3 is the body), so the k-th staff member of
    # a body is index // 3: each of a body's three staff writes its own third of the 施策.
    for n, measure in enumerate(_measures(plan, (index // 3) % 3, 3)):
        path = _path(
            "evaluation:self_evaluation",
            plan=plan.code,
            year=ENTRY_YEAR,
            number=measure.number,
            body=participant.body.code,
        )
        if path is None:
            return []
        fields = {
            "rating": levels[n % len(levels)],
            "reason": "負荷試験: 計画どおり実施した。",
            "issues": "",
            "response_to_committee": "",
        }
        targets.append({"path": path, "fields": fields})
    return targets


REPORT_FIELDS = {
    "status": "done",
    "activities": "負荷試験: 講座を開催した。",
    "times": "3",
    "participants": "40",
    "issues": "",
}
RACE = "load-race-"  # one 事業 per body that all its staff edit at once, on purpose


def _race_targets(user: User, index: int, plan: Plan) -> list[dict]:
    """The deliberate same-record race: every staff member of a body saves the same
    実施状況; a save that finds another's newer version gets the conflict panel."""
    participant = user.participant
    if not participant.is_staff_member:
        return []
    path = _path(
        "evaluation:report", plan=plan.code, year=ENTRY_YEAR, code=f"{RACE}{participant.body.code}"
    )
    return [{"path": path, "fields": REPORT_FIELDS}] if path else []


def _report_targets(user: User, index: int, plan: Plan) -> list[dict]:
    if not user.participant.is_staff_member:
        return []
    targets = []
    for project in Project.objects.filter(code__startswith=f"{user.username}-"):
        path = _path("evaluation:report", plan=plan.code, year=ENTRY_YEAR, code=project.code)
        if path is None:
            return []
        targets.append({"path": path, "fields": REPORT_FIELDS})
    return targets


def _history_by(model, **filters) -> Callable[[list[User]], int]:
    return lambda users: model.history.filter(history_user__in=users, **filters).count()


def _own_reports(users: list[User]) -> int:
    return (
        ProjectReport.history.filter(history_user__in=users)
        .exclude(project__code__startswith=RACE)
        .count()
    )


WRITE_KINDS = [
    WriteKind("委員評価", _member_targets, _history_by(MemberEvaluation)),
    WriteKind("委員会評価（案）", _committee_targets, _history_by(CommitteeEvaluation)),
    WriteKind("自己評価", _self_targets, _history_by(SelfEvaluation)),
    WriteKind("実施状況", _report_targets, _own_reports),
    WriteKind(
        "実施状況（同じ記録を同時に）",
        _race_targets,
        _history_by(ProjectReport, project__code__startswith=RACE),
    ),
]
RACE_KIND = "実施状況（同じ記録を同時に）"  # its conflicts are counted, not failures
# With several servers (NODES=2) one more person saves its own 実施状況 through one server
# and reads it through the other (the locustfile's CrossNodeChecker). Not a load- user, so
# the per-kind counts above do not see it.
CROSS_USER = "nodecheck"
CROSS_KIND = "ノード間（一方で保存・他方で表示）"
# Logins are writes too (a session row, last_login, django-axes' access log), and the only
# ones that exist before the evaluation forms do.
LOGIN = "ログイン"


def _read_paths(plan: Plan) -> list[str]:
    numbers = [m.number for m in Measure.objects.of_plan(plan)]
    paths = [reverse("policies:tree", kwargs={"plan": plan.code})]
    paths += [reverse("policies:measure", kwargs={"plan": plan.code, "number": n}) for n in numbers]
    optional = [
        _path("evaluation:todo"),
        _path("evaluation:cycle", plan=plan.code, year=COMMITTEE_YEAR),
    ]
    optional += [
        _path("evaluation:measure_year", plan=plan.code, year=year, number=n)
        for year in (ENTRY_YEAR, COMMITTEE_YEAR)
        for n in numbers
    ]
    return paths + [p for p in optional if p]


@transaction.atomic
def _people_and_records(users: int, plan: Plan) -> list[User]:
    Cycle.objects.update_or_create(
        plan=plan, fiscal_year=ENTRY_YEAR, defaults={"phase": Phase.ENTRY}
    )
    Cycle.objects.update_or_create(
        plan=plan, fiscal_year=COMMITTEE_YEAR, defaults={"phase": Phase.COMMITTEE}
    )
    bodies = list(ImplementingBody.objects.all())
    initiative = Initiative.objects.filter(
        measure__basic_policy__plan=plan, original__isnull=True
    ).first()
    people = []
    for n in range(users):
        user, _ = get_user_model().objects.get_or_create(
            username=f"{PREFIX}{n + 1:02d}", defaults={"last_name": f"負荷試験 {n + 1}"}
        )
        user.set_password(PASSWORD)  # the production hasher: logins cost what they really cost
        user.email = f"{user.username}@load.example.jp"  # send_reminders on both nodes
        user.save()
        role = ROLES[n % len(ROLES)]
        body = bodies[n % len(bodies)] if role == Role.STAFF else None
        participant, _ = Participant.objects.update_or_create(
            user=user, defaults={"role": role, "body": body}
        )
        participant.plans.add(plan)  # roles are per plan: the load's people take part in it
        if role == Role.STAFF:
            for k in (1, 2):  # each person's own 事業, so nobody shares a 実施状況
                name = f"負荷試験の事業 {user.username}-{k}"
                _project(f"{user.username}-{k}", name, plan, body, initiative)
        people.append(user)
    for body in bodies:
        name = f"負荷試験の競合用の事業（{body.short_name}）"
        _project(f"{RACE}{body.code}", name, plan, body, initiative)
    checker, _ = get_user_model().objects.get_or_create(
        username=CROSS_USER, defaults={"last_name": "ノード間の確認"}
    )
    checker.set_password(PASSWORD)
    checker.save()
    participant, _ = Participant.objects.update_or_create(
        user=checker, defaults={"role": Role.STAFF, "body": bodies[0]}
    )
    participant.plans.add(plan)
    _project(f"{CROSS_USER}-1", "ノード間の確認の事業", plan, bodies[0], initiative)
    return people


def _cross(plan: Plan) -> dict | None:
    """The checker's form and the cached page that shows what it saves."""
    project = Project.objects.get(code=f"{CROSS_USER}-1")
    measure = project.initiatives.get().measure
    form = _path("evaluation:report", plan=plan.code, year=ENTRY_YEAR, code=project.code)
    read = _path("evaluation:measure_year", plan=plan.code, year=ENTRY_YEAR, number=measure.number)
    if not (form and read):
        return None
    return {"username": CROSS_USER, "form": form, "read": read, "fields": REPORT_FIELDS}


def _project(code: str, name: str, plan: Plan, body, initiative: Initiative) -> None:
    project, _ = Project.objects.get_or_create(
        code=code,
        defaults={"plan": plan, "body": body, "name": name, "first_year": plan.first_year},
    )
    project.initiatives.set([initiative])


def prepare(plan_file: str, users: int = 20) -> None:
    """Create the load-test users and what they write to; save the locustfile's plan."""
    plan = Plan.objects.get(code=PLAN)
    people = _people_and_records(users, plan)
    kinds_available = set()
    plan_users = []
    for index, user in enumerate(people):
        writes = {}
        for kind in WRITE_KINDS:
            targets = kind.targets(user, index, plan)
            if targets:
                writes[kind.name] = targets
                kinds_available.add(kind.name)
        plan_users.append({"username": user.username, "writes": writes})
    Path(plan_file).write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "reads": _read_paths(plan),
                "users": plan_users,
                "cross": _cross(plan),
                "write_kinds": [LOGIN, *[k.name for k in WRITE_KINDS if k.name in kinds_available]],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    skipped = [k.name for k in WRITE_KINDS if k.name not in kinds_available]
    print(f"負荷試験の準備: 利用者 {len(people)} 人、読む URL {len(_read_paths(plan))} 件")
    if skipped:
        print(f"まだページがないため書き込みなし: {'、'.join(skipped)}")


def report(result_file: str) -> int:
    """Print the figures and return the exit status: 0 only with no failure and no write lost."""
    result = json.loads(Path(result_file).read_text("utf-8"))
    users = list(get_user_model().objects.filter(username__startswith=PREFIX))
    found = {LOGIN: AccessLog.objects.filter(username__startswith=PREFIX).count()}
    found |= {kind.name: kind.found(users) for kind in WRITE_KINDS}
    nodes = result.get("nodes", {})
    kinds = list(result["write_kinds"])
    if len(nodes) > 1:
        kinds.append(CROSS_KIND)
        found[CROSS_KIND] = ProjectReport.history.filter(
            project__code=f"{CROSS_USER}-1", history_user__username=CROSS_USER
        ).count()
    sent = result["writes_sent"]
    print()
    print("== 負荷試験の結果")
    print(
        f"同時利用者 {result['users']} 人、{result['seconds']} 秒、"
        f"gunicorn {max(len(nodes), 1)} 台（{os.environ.get('LOADTEST_WORKERS', '3')} ワーカーずつ）、PostgreSQL"
    )
    print(
        f"リクエスト {result['requests']:,} 件（{result['rps']:.1f} 件/秒）、失敗 {result['failures']} 件"
    )
    print(
        f"応答時間 p50 {result['p50_ms']:.0f} ms、p95 {result['p95_ms']:.0f} ms、最大 {result['max_ms']:.0f} ms"
    )
    for node, figures in nodes.items():
        print(
            f"  {node}: リクエスト {figures['requests']:,} 件、"
            f"p50 {figures['p50_ms']:.0f} ms、p95 {figures['p95_ms']:.0f} ms"
        )
    missing_total = 0
    print("書き込み（送信して成功した数 → データベースで見つかった数）:")
    for name in kinds:
        missing = sent.get(name, 0) - found.get(name, 0)
        missing_total += max(missing, 0)
        print(f"  {name}: {sent.get(name, 0)} → {found.get(name, 0)}（不足 {max(missing, 0)}）")
    print(f"書き込みの不足: {missing_total} 件")
    conflicts = result.get("conflicts", {})
    for name, count in conflicts.items():
        print(f"競合（ほかの人が先に保存し、競合の画面を表示）: {name} {count} 件")
    overwritten = _overwritten_versions()
    print(f"同じ記録の版の重複（上書き）: {overwritten} 件")
    cross = result.get("cross_reads", {})
    if len(nodes) > 1:
        print(
            f"ノード間: 一方で保存して他方で表示 {sum(cross.values())} 回、"
            f"新しい内容 {cross.get('fresh', 0)} 回、古い内容 {cross.get('stale', 0)} 回"
            "（1つのセッションで両方のノードに）"
        )
    for error, count in result.get("errors", {}).items():
        print(f"  失敗 {count} 回: {error}")
    ok = (
        result["failures"] == 0
        and missing_total == 0
        and result["requests"] > 0
        and overwritten == 0
        and (len(nodes) < 2 or (cross.get("fresh", 0) > 0 and cross.get("stale", 0) == 0))
    )
    print("結果: 合格" if ok else "結果: 不合格")
    return 0 if ok else 1


def _overwritten_versions() -> int:
    """Saves of the raced records accepted from the same version: each accepted save must
    have made a new version, so the history's versions of a record never repeat."""
    repeated = 0
    for report in ProjectReport.objects.filter(project__code__startswith=RACE):
        versions = list(report.history.values_list("version", flat=True))
        repeated += len(versions) - len(set(versions))
    return repeated


def report_and_exit(result_file: str) -> None:
    sys.exit(report(result_file))
