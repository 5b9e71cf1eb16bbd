"""How far the year's entries are: counted in SQL per 実施主体, member and record."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    LockedSheet,
    MemberEvaluation,
    Project,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
    running_between,
)
from evaluation.rollups.ratings import STATUSES
from people.models import Seat, committee_users, display_name
from policies.fiscal_years import wareki_date
from policies.models import ImplementingBody, Initiative, Measure, Plan


def report_status_counts(cycle: Cycle) -> dict[int, dict[str, int]]:
    """Per 施策: how many 事業 reported each 実施状況 this year, and how many are active.

    A (再掲) item counts the work of its original, so a 事業 counts under every 施策 where
    the item it serves is listed. 事業 are linked to original items (the form offers only
    those), so for each listed item exactly one of the two paths below is non-empty, and
    the distinct count over their coalesced ids is the union. One query.
    """
    direct = "initiatives__projects"
    relisted = "initiatives__original__projects"
    report_id = Coalesce(f"{direct}__reports__id", f"{relisted}__reports__id")
    project_id = Coalesce(f"{direct}__id", f"{relisted}__id")

    def reported(status: str) -> Q:
        return Q(**{f"{direct}__reports__cycle": cycle, f"{direct}__reports__status": status}) | Q(
            **{f"{relisted}__reports__cycle": cycle, f"{relisted}__reports__status": status}
        )

    def active(prefix: str) -> Q:
        return running_between(cycle.fiscal_year, via=prefix)

    rows = (
        Measure.objects.of_plan(cycle.plan)
        .annotate(
            projects=Count(project_id, filter=active(direct) | active(relisted), distinct=True),
            **{
                status: Count(report_id, filter=reported(status), distinct=True)
                for status in STATUSES
            },
        )
        .values("id", "projects", *STATUSES)
    )
    return {row.pop("id"): row for row in rows}


@dataclass
class ProgressItem:
    """One record the cycle expects: a 事業's 実施状況 or a 施策's evaluation."""

    label: str  # the 事業's name or the 施策's number
    key: str  # the 事業's code or the 施策's number (URLs)
    # What was entered (the 実施状況's label, the 評価's 記号, "" when it says nothing more);
    # None while the record is missing.
    entered: str | None = None
    detail: str = ""  # the 事業's 担当課 or the 施策's title


@dataclass
class ProgressLine:
    """Expected versus existing records for one 実施主体 or one member."""

    label: str
    items: list[ProgressItem] = field(default_factory=list)  # every expected record, in order
    # (label, URL or None) per missing item; filled by the page that shows them
    links: list[tuple[str, str | None]] = field(default_factory=list)
    key: str = ""  # the 実施主体's code or the member's username (anchors, CSV)

    @property
    def expected(self) -> int:
        return len(self.items)

    @property
    def existing(self) -> int:
        return sum(item.entered is not None for item in self.items)

    @property
    def missing(self) -> list[tuple[str, str]]:
        """(label, key) of each gap."""
        return [(item.label, item.key) for item in self.items if item.entered is None]

    @property
    def complete(self) -> bool:
        return self.existing >= self.expected


@dataclass
class EntryProgress:
    reports: list[ProgressLine]  # 実施状況 per 実施主体
    self_evaluations: list[ProgressLine]  # 自己評価 per 実施主体
    member_evaluations: list[ProgressLine]  # 委員評価 per member
    committee: ProgressLine  # 委員会評価

    @property
    def committee_lines(self) -> list[ProgressLine]:
        return [self.committee]

    def all_lines(self) -> list[tuple[str, ProgressLine]]:
        """Every line with the kind of record it counts (report / measure based)."""
        return [
            *(("report", line) for line in self.reports),
            *(("measure", line) for line in self.self_evaluations),
            *(("measure", line) for line in self.member_evaluations),
            ("measure", self.committee),
        ]

    def of_body(self, body: ImplementingBody) -> tuple[ProgressLine, ProgressLine]:
        """The 実施主体's 実施状況 line and its 自己評価 line."""
        (reports,) = (line for line in self.reports if line.key == body.code)
        (evaluations,) = (line for line in self.self_evaluations if line.key == body.code)
        return reports, evaluations


def entry_progress(cycle: Cycle) -> EntryProgress:
    """What exists and what is missing in a cycle. Six queries whatever the size.

    Expected: a 実施状況 for every active 事業 of a body, a 自己評価 per 施策 per body
    where the body has 事業 under the 施策 (``self_evaluation_scope``),
    a 委員評価 per 施策 per member (委員 and 委員長), a 委員会評価 per 施策.
    A body's items say what was entered (the 実施状況, the 評価's 記号): the to-do page
    lists them under 「入力済み」.
    """
    projects = _project_items(cycle)
    bodies = list(ImplementingBody.objects.all())
    # The committee serving in the year's 委員会評価 (its 任期), not every committee account;
    # a member who left before the phase ended keeps what they entered, marked as such.
    start, end = cycle.committee_period()
    last_day = (
        Seat.objects.filter(plan_id=cycle.plan_id, user=OuterRef("pk"))
        .serving(start, end)
        .order_by(F("ends_on").desc(nulls_first=True))
        .values("ends_on")[:1]
    )
    members = list(
        committee_users(cycle.plan_id, start, end)
        .annotate(seat_ends=Subquery(last_day))
        .order_by("participant__role", "username")
    )
    measures = _measure_rows(cycle, bodies, members)
    expected = self_evaluation_expected(cycle)

    def item(m: dict, entered: str | None) -> ProgressItem:
        return ProgressItem(m["number"], m["number"], entered, m["title"])

    def body_line(b: ImplementingBody) -> ProgressLine:
        """Only the 施策 the body has 事業 under (該当なし elsewhere)."""
        wanted = [m for m in measures if m["id"] in expected.get(b.pk, set())]
        return ProgressLine(b.short_name, [item(m, m[f"b{b.pk}"]) for m in wanted], key=b.code)

    def line(label: str, key: str, owner: str) -> ProgressLine:
        return ProgressLine(label, [item(m, "" if m[key] else None) for m in measures], key=owner)

    return EntryProgress(
        reports=[ProgressLine(b.short_name, projects.get(b.pk, []), key=b.code) for b in bodies],
        self_evaluations=[body_line(b) for b in bodies],
        member_evaluations=[
            line(_member_label(u, end), f"u{u.pk}", u.get_username()) for u in members
        ],
        committee=line("委員会", "committee", "committee"),
    )


def _member_label(user: User, phase_end: date) -> str:
    """「山田 花子」, or 「山田 花子（令和4年6月15日 任期終了）」 for one who left before the
    year's 委員会評価 ended: what they entered stays and counts, but no more is asked."""
    ends = getattr(user, "seat_ends", None)
    if ends is not None and ends < phase_end:
        return _("%(name)s（%(day)s 任期終了）") % {
            "name": display_name(user),
            "day": wareki_date(ends),
        }
    return display_name(user)


def _project_items(cycle: Cycle) -> dict[int, list[ProgressItem]]:
    """Per 実施主体 id: its 事業 active in the year, each with its 実施状況 (or None). One query."""
    active = Project.objects.of_plan(cycle.plan).active_in(cycle.fiscal_year)
    # One row per key in each subquery: ``order_by()`` drops the models' default ordering,
    # which would join the cycle, the plan, the 施策 and the body for every row looked up.
    reported = ProjectReport.objects.filter(cycle=cycle, project=OuterRef("pk")).order_by()
    status_labels = dict(ReportStatus.choices)
    projects: dict[int, list[ProgressItem]] = defaultdict(list)
    for project in active.annotate(status=Subquery(reported.values("status")[:1])).values(
        "body_id", "name", "code", "department", "status"
    ):
        status = project["status"]
        projects[project["body_id"]].append(
            ProgressItem(
                project["name"],
                project["code"],
                None if status is None else str(status_labels.get(status, status)),
                project["department"],
            )
        )
    return projects


def _measure_rows(cycle: Cycle, bodies: list[ImplementingBody], members: list) -> list[dict]:
    """Per 施策 in plan order: each body's 自己評価 記号 (``b<id>``), whether each member
    scored it (``u<id>``) and whether the committee's evaluation exists. One query."""
    body_rating = {
        f"b{b.pk}": Subquery(
            SelfEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"), body=b)
            .order_by()
            .values("rating__code")[:1]
        )
        for b in bodies
    }
    member_has = {
        f"u{u.pk}": Exists(
            MemberEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk"), member=u)
        )
        for u in members
    }
    committee_has = {
        "committee": Exists(CommitteeEvaluation.objects.filter(cycle=cycle, measure=OuterRef("pk")))
    }
    return list(
        Measure.objects.of_plan(cycle.plan)
        .annotate(**body_rating, **member_has, **committee_has)
        .order_by("basic_policy__number", "order")
        .values("id", "number", "title", *body_rating, *member_has, *committee_has)
    )


def self_evaluation_scope(
    plan: Plan, years: list[int], *, any_locked: bool = True, frozen_for: int | None = None
) -> set[tuple[int, int, int]]:
    """Where a 自己評価 is asked for: (実施主体 id, 施策 id, fiscal year) for each body with a
    事業 active that year that serves a 展開 of the 施策, directly or through a 再掲 item
    (work on 1-1② counts under 3-1④). Everywhere else the body is 該当なし: not asked,
    though it may still write one. The one place of this rule: やること, the entry
    progress, the dashboard's 未入力 lists and the 評価表 all read it.

    A locked (確定/公開) year reads its 事業 as frozen when it was locked (``LockedProject``),
    so editing a 事業 for a later year never turns its 「（未入力）」 into 「該当なし」.
    ``frozen_for``: a locked year whose 評価表 is being read; a year shown beside it without
    a copy of its own (last year's columns, where last year has no locked cycle) is read from
    that year's frozen 事業 too, so the whole printed sheet stays as it was. Up to four queries; two where the caller knows no year is locked (``any_locked``)."""
    if not years:
        return set()
    frozen = (
        list(
            LockedSheet.objects.filter(cycle__plan=plan, cycle__fiscal_year__in=years)
            .order_by()
            .values_list("cycle__fiscal_year", "projects__body_id", "projects__initiative_ids")
        )
        if any_locked
        else []
    )
    copied = {year for year, _b, _i in frozen}
    # Years read from ``frozen_for``'s copy: those shown beside it without one of their own.
    stand_in = [year for year in years if year not in copied] if frozen_for in copied else []
    scope = _frozen_scope(plan, frozen, frozen_for, stand_in)
    live = [year for year in years if year not in copied and year not in stand_in]
    return scope | _live_scope(plan, live)


def _frozen_scope(
    plan: Plan, frozen: list, frozen_for: int | None, stand_in: list[int]
) -> set[tuple[int, int, int]]:
    """The scope of the locked years, from the 事業 frozen when each was locked (and of the
    ``stand_in`` years, from ``frozen_for``'s copy). One query, if any year has 事業."""
    scope: set[tuple[int, int, int]] = set()
    if not any(body_id is not None for _year, body_id, _ids in frozen):
        return scope
    measures_of: dict[int, set[int]] = defaultdict(set)  # 展開 → its 施策 and its 再掲's
    for pk, measure_id, original_id in Initiative.objects.filter(
        measure__basic_policy__plan=plan
    ).values_list("pk", "measure_id", "original_id"):
        measures_of[pk].add(measure_id)
        if original_id is not None:
            measures_of[original_id].add(measure_id)
    for year, body_id, initiative_ids in frozen:
        for initiative_id in initiative_ids or []:
            for m in measures_of[initiative_id]:
                scope.add((body_id, m, year))
                if year == frozen_for:
                    scope.update((body_id, m, other) for other in stand_in)
    return scope


def _live_scope(plan: Plan, live: list[int]) -> set[tuple[int, int, int]]:
    """The scope of the years read from today's 事業: each running 事業's 施策, directly and
    through the 再掲 of its 展開. Two queries, none without a year."""
    scope: set[tuple[int, int, int]] = set()
    if not live:
        return scope
    running = Project.objects.of_plan(plan).filter(running_between(min(live), max(live)))
    for path in ("initiatives__measure_id", "initiatives__relistings__measure_id"):
        for body_id, measure_id, start, end in (
            running.order_by()
            .filter(**{f"{path}__isnull": False})
            .values_list("body_id", path, "first_year", "last_year")
        ):
            scope.update(
                (body_id, measure_id, year)
                for year in live
                if start <= year and (end is None or year <= end)
            )
    return scope


def self_evaluation_expected(cycle: Cycle) -> dict[int, set[int]]:
    """Per 実施主体 id: the 施策 ids whose 自己評価 the cycle asks it for (see
    ``self_evaluation_scope``)."""
    expected: dict[int, set[int]] = defaultdict(set)
    scope = self_evaluation_scope(cycle.plan, [cycle.fiscal_year], any_locked=cycle.is_locked)
    for body_id, measure_id, _year in scope:
        expected[body_id].add(measure_id)
    return expected
