"""The 評価表 (計画目標の達成状況評価表) of one cycle, as rows in plan order.

``build_table(cycle)`` reads everything the print view, the Excel and the CSV need in a
fixed number of queries (independent of the plan's size) and arranges it as
基本施策 → 施策 → 展開 → 事業, with per 施策 the 自己評価 of each 実施主体 and the
委員会による評価及び意見. A 再掲 展開 shows the 事業 of its original, because work
reported on the original counts wherever it is listed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Project,
    ProjectIndicator,
    ProjectReport,
    SelfEvaluation,
    running_between,
)
from evaluation.progress.entry import self_evaluation_scope
from evaluation.rollups import indicators
from evaluation.rollups.ratings import rating_levels
from evaluation.sheet.locked import frozen_projects
from policies.models import BasicPolicy, ImplementingBody, Initiative, Measure, RatingLevel


@dataclass
class ProjectLine:
    """One 事業 under one 展開, with its 実施状況 for each year shown (None = not entered)."""

    project: Project
    reports: list[ProjectReport | None]


@dataclass
class InitiativeBlock:
    initiative: Initiative
    lines: list[ProjectLine]

    @property
    def row_span(self) -> int:
        # An item without 事業 still takes one (empty) row, as on paper.
        return max(len(self.lines), 1)

    @property
    def code(self) -> str:
        """展開番号 as printed: ①, ②, …"""
        return self.initiative.marker

    @property
    def relisting_note(self) -> str:
        """「（再掲）1-1②」 for a re-listed item, else empty."""
        original = self.initiative.original
        if original is None:
            return ""
        return f"（再掲）{original.measure.number}{original.marker}"


@dataclass
class SelfEvaluationLine:
    """One 実施主体's 自己評価 of a 施策, for each year shown."""

    body: ImplementingBody
    evaluations: list[SelfEvaluation | None]
    # Per year: whether the body is asked for it (else 該当なし; progress.entry.self_evaluation_scope)
    asked: list[bool] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[SelfEvaluation | None, bool]]:
        return list(
            zip(self.evaluations, self.asked or [True] * len(self.evaluations), strict=True)
        )


@dataclass
class MeasureBlock:
    measure: Measure
    initiatives: list[InitiativeBlock]
    self_evaluations: list[SelfEvaluationLine]
    committee: list[CommitteeEvaluation | None]
    reference: list[list[indicators.MeasureIndicator]] = field(
        default_factory=list
    )  # 参考指標 per year

    @property
    def project_rows(self) -> int:
        return sum(block.row_span for block in self.initiatives) or 1

    @property
    def row_span(self) -> int:
        """施策の目標, 事業 rows, 参考指標, then one row per 実施主体's 自己評価 and one for
        the committee."""
        return 1 + self.project_rows + 1 + len(self.self_evaluations) + 1

    @property
    def printed_lines(self) -> int:
        """About how many lines of 9 pt text the 施策 takes on A4 landscape, one year shown:
        the print layout lets a 施策 of more than a page's worth break between its rows
        (``LONG_MEASURE_LINES``) rather than leave the page before it mostly empty."""
        lines = _lines(self.measure.description, EVALUATION_LINE) + 1  # + the 参考指標
        for item in self.initiatives:
            item_lines = 0
            for line in item.lines:
                report = line.reports[-1]
                cells = [_lines(line.project.name, 11) + 1 + _lines(line.project.summary, 13)]
                if report is not None:
                    cells += [
                        _lines(report.goal, 9),
                        _lines(report.activities, 15),
                        _lines(report.issues, 11),
                        len(getattr(report, "indicator_list", [])) * 2,
                    ]
                item_lines += max(cells)
            lines += max(item_lines, _lines(item.initiative.display_title, 11))
        for evaluation_line in self.self_evaluations:
            evaluation = evaluation_line.evaluations[-1]
            text = f"{evaluation.reason}\n{evaluation.issues}" if evaluation else ""
            lines += _lines(text, EVALUATION_LINE) + 1
        committee = self.committee[-1]
        return lines + _lines(committee.opinion if committee else "", EVALUATION_LINE) + 1

    @property
    def is_long(self) -> bool:
        return self.printed_lines > LONG_MEASURE_LINES


EVALUATION_LINE = 64  # characters a line across a year's columns
LONG_MEASURE_LINES = 40  # of the about 45 lines an A4 landscape page holds


def _lines(text: str, per_line: int) -> int:
    return sum(-(-len(part) // per_line) or 1 for part in (text or "").split("\n"))


@dataclass
class PolicyBlock:
    basic_policy: BasicPolicy
    measures: list[MeasureBlock]

    @property
    def row_span(self) -> int:
        return sum(block.row_span for block in self.measures)


@dataclass
class EvaluationTable:
    cycle: Cycle
    years: list[int]  # oldest first; the cycle's year is last
    bodies: list[ImplementingBody]
    policies: list[PolicyBlock] = field(default_factory=list)
    levels: list[RatingLevel] = field(default_factory=list)  # the year's scale, for its legend

    @property
    def year(self) -> int:
        return self.cycle.fiscal_year

    @property
    def previous_year(self) -> int | None:
        return self.years[0] if len(self.years) > 1 else None

    def project_lines(self):
        """Every (measure block, initiative block, line) in plan order."""
        for policy in self.policies:
            for measure in policy.measures:
                for block in measure.initiatives:
                    for line in block.lines:
                        yield measure, block, line


def build_table(
    cycle: Cycle, *, with_previous_year: bool = False, drafts: Q | None = None
) -> EvaluationTable:
    """Read the whole 評価表 of ``cycle`` in at most 15 + 2 × (years shown) queries, whatever
    the plan's size."""
    plan = cycle.plan
    years = (
        [cycle.fiscal_year - 1, cycle.fiscal_year] if with_previous_year else [cycle.fiscal_year]
    )
    bodies = list(ImplementingBody.objects.all())
    structure = _Structure.read(plan)
    projects_of = _projects_of(cycle, years, bodies)
    records = _Records.read(cycle, years, drafts)
    table = EvaluationTable(
        cycle=cycle, years=years, bodies=bodies, levels=rating_levels(plan, cycle.scale_id)
    )
    for policy in structure.policies:
        blocks = []
        for measure in structure.measures_of[policy.pk]:
            measure.basic_policy = policy  # already read; saves a query per 施策
            items = []
            for initiative in structure.initiatives_of[measure.pk]:
                initiative.measure = measure
                # A 再掲 展開 shows the 事業 of its original.
                listed = projects_of[initiative.original_id or initiative.pk]
                items.append(
                    InitiativeBlock(initiative=initiative, lines=[records.line(p) for p in listed])
                )
            blocks.append(records.measure_block(measure, items, bodies))
        table.policies.append(PolicyBlock(basic_policy=policy, measures=blocks))
    return table


@dataclass
class _Structure:
    """The plan's 基本施策, with their 施策 and the 展開 of each, in plan order."""

    policies: list[BasicPolicy]
    measures_of: dict[int, list[Measure]]
    initiatives_of: dict[int, list[Initiative]]

    @classmethod
    def read(cls, plan) -> "_Structure":
        policies = list(BasicPolicy.objects.filter(plan=plan).order_by("number"))
        measures = list(Measure.objects.of_plan(plan).order_by("basic_policy__number", "order"))
        initiatives = list(
            Initiative.objects.filter(measure__basic_policy__plan=plan)
            .select_related("original__measure")
            .order_by("measure_id", "position")
        )
        initiatives_of: dict[int, list[Initiative]] = defaultdict(list)
        for initiative in initiatives:
            initiatives_of[initiative.measure_id].append(initiative)
        measures_of: dict[int, list[Measure]] = defaultdict(list)
        for measure in measures:
            measures_of[measure.basic_policy_id].append(measure)
        return cls(policies, measures_of, initiatives_of)


def _projects_of(
    cycle: Cycle, years: list[int], bodies: list[ImplementingBody]
) -> dict[int, list[Project]]:
    """The 事業 listed under each 展開 (by id), in the order of the 事業一覧."""
    plan = cycle.plan
    if cycle.is_locked:
        # A locked year prints its 事業 as they were when it was locked (sheet.locked).
        projects, links = frozen_projects(cycle, {b.pk: b for b in bodies})
    else:
        # 事業 shown: those running in any year shown (ended ones keep their last report).
        projects = {
            p.pk: p
            for p in Project.objects.of_plan(plan)
            .filter(running_between(years[0], years[-1]))
            .select_related("body")
            .order_by("body__order", "code")
        }
        links = list(
            Project.initiatives.through.objects.filter(
                initiative__measure__basic_policy__plan=plan, project_id__in=list(projects)
            ).values_list("initiative_id", "project_id")
        )
    projects_of: dict[int, list[Project]] = defaultdict(list)
    for initiative_id, project_id in links:
        projects_of[initiative_id].append(projects[project_id])
    order = {pk: n for n, pk in enumerate(projects)}
    for listed in projects_of.values():
        listed.sort(key=lambda p: order[p.pk])
    return projects_of


@dataclass
class _Records:
    """What was entered for the years shown, looked up by 事業 or 施策 and year."""

    years: list[int]
    report_of: dict[tuple[int, int], ProjectReport]
    self_of: dict[tuple[int, int, int], SelfEvaluation]
    committee_of: dict[tuple[int, int], CommitteeEvaluation]
    reference: list[dict[int, list[indicators.MeasureIndicator]]]
    scope: set[tuple[int, int, int]]

    @classmethod
    def read(cls, cycle: Cycle, years: list[int], drafts: Q | None) -> "_Records":
        plan = cycle.plan
        reports = ProjectReport.objects.filter(
            cycle__plan=plan, cycle__fiscal_year__in=years
        ).select_related("cycle")
        self_evaluations = (
            SelfEvaluation.objects.filter(cycle__plan=plan, cycle__fiscal_year__in=years)
            .with_response_rule()
            .select_related("cycle", "rating")
        )
        # Never a draft as the committee's evaluation of a locked year (see ``shown``).
        committee = (
            CommitteeEvaluation.objects.shown(drafts)
            .filter(cycle__plan=plan, cycle__fiscal_year__in=years)
            .select_related("cycle", "rating")
        )
        indicators_of: dict[int, list[ProjectIndicator]] = defaultdict(list)
        for indicator in ProjectIndicator.objects.filter(
            report__cycle__plan=plan, report__cycle__fiscal_year__in=years
        ).order_by("report_id", "order", "pk"):
            indicators_of[indicator.report_id].append(indicator)
        reference = [indicators.measure_indicators(plan, year) for year in years]
        report_of: dict[tuple[int, int], ProjectReport] = {}
        for r in reports:
            r.indicator_list = indicators_of.get(r.pk, [])
            report_of[(r.project_id, r.cycle.fiscal_year)] = r
        return cls(
            years=years,
            report_of=report_of,
            self_of={(e.measure_id, e.body_id, e.cycle.fiscal_year): e for e in self_evaluations},
            committee_of={(e.measure_id, e.cycle.fiscal_year): e for e in committee},
            reference=reference,
            scope=self_evaluation_scope(
                plan, years, frozen_for=cycle.fiscal_year if cycle.is_locked else None
            ),
        )

    def line(self, project: Project) -> ProjectLine:
        return ProjectLine(
            project=project, reports=[self.report_of.get((project.pk, y)) for y in self.years]
        )

    def measure_block(
        self, measure: Measure, items: list[InitiativeBlock], bodies: list[ImplementingBody]
    ) -> MeasureBlock:
        years = self.years
        return MeasureBlock(
            measure=measure,
            initiatives=items,
            self_evaluations=[
                SelfEvaluationLine(
                    body=body,
                    evaluations=[self.self_of.get((measure.pk, body.pk, y)) for y in years],
                    asked=[(body.pk, measure.pk, y) in self.scope for y in years],
                )
                for body in bodies
            ],
            committee=[self.committee_of.get((measure.pk, y)) for y in years],
            reference=[by_measure.get(measure.pk, []) for by_measure in self.reference],
        )
