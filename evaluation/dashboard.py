"""What the dashboard pages show, assembled from ``rollups`` (numbers) and ``charts``
(geometry). The views call one function here per page and cache what it returns."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import charts, rollups
from evaluation.access import PUBLIC, SECRETARIAT
from evaluation.models import Cycle, Phase, ReportStatus
from policies.fiscal_years import wareki
from policies.models import Measure, Plan

MISSING_SHOWN = 20  # per line; the rest is counted ("ほか N 件")
GAP_HIGHLIGHT = 1.0  # a whole level between the committee and the bodies' mean


@dataclass
class MeasureLine:
    row: rollups.MeasureRow
    self_cells: list[rollups.Rating | None]  # one per 実施主体, in display order
    status_counts: dict[str, int]
    projects: int
    url: str

    @property
    def gap_class(self) -> str:
        gap = self.row.gap
        if gap is None or abs(gap) < GAP_HIGHLIGHT:
            return ""
        return "gap-lower" if gap < 0 else "gap-higher"


def _visible_cycles(cycles: list[Cycle], audience: str) -> list[Cycle]:
    if audience == PUBLIC:
        return [c for c in cycles if c.phase == Phase.PUBLISHED]
    return cycles


def year_context(cycle: Cycle, audience: str) -> dict:
    """Everything the dashboard of one plan and year shows to one kind of viewer."""
    plan = cycle.plan
    bodies = list(rollups.ImplementingBody.objects.all())
    levels = rollups.rating_levels(plan)
    policies = rollups.basic_policies(plan)
    counts = rollups.report_status_counts(cycle)
    rows = rollups.measure_ratings(cycle)
    lines_by_policy: dict[int, list[MeasureLine]] = {p.pk: [] for p in policies}
    for row in rows:
        c = counts.get(row.id, {})
        line = MeasureLine(
            row=row,
            self_cells=[row.self_ratings.get(b.pk) for b in bodies],
            status_counts={s: c.get(s, 0) for s in rollups.STATUSES},
            projects=c.get("projects", 0),
            url=reverse(
                "evaluation:measure_year",
                kwargs={"plan": plan.code, "year": cycle.fiscal_year, "number": row.number},
            ),
        )
        lines_by_policy[row.basic_policy_id].append(line)
    for lines in lines_by_policy.values():
        lines.sort(key=lambda line: not line.row.is_priority)  # stable: 重点施策 first

    distribution = rollups.rating_distribution(cycle)
    level_keys = [(lv.code, f"level-{lv.order}", lv.label) for lv in levels]
    kinds = [("committee", _("委員会")), ("self", _("自己評価")), ("member", _("委員"))]
    policy_blocks = []
    for p in policies:
        dist = distribution.get(p.pk, {})
        policy_blocks.append(
            {
                "policy": p,
                "lines": lines_by_policy[p.pk],
                "chart": charts.stacked_bars(
                    [(label, dist[k].counts if k in dist else {}) for k, label in kinds],
                    level_keys,
                ),
                "stats": [(label, dist.get(k)) for k, label in kinds],
            }
        )
    cycles = _visible_cycles(
        list(Cycle.objects.filter(plan=plan).order_by("fiscal_year")), audience
    )
    progress = rollups.entry_progress(cycle) if audience != PUBLIC else None
    if progress and audience == SECRETARIAT:
        _link_missing(progress, cycle)
    return {
        "plan": plan,
        "cycle": cycle,
        "bodies": bodies,
        "levels": levels,
        "level_keys": level_keys,
        "statuses": ReportStatus.choices,
        "priority_lines": [
            line for block in policy_blocks for line in block["lines"] if line.row.is_priority
        ],
        "policy_blocks": policy_blocks,
        "years": [c.fiscal_year for c in cycles],
        "progress": progress,
        "columns": len(bodies) + len(rollups.STATUSES) + 5,
        "show_missing": audience == SECRETARIAT,
        "cycle_url": cycle.get_absolute_url(),
        "indicators": indicator_charts(plan),
        "edit_indicators": audience == SECRETARIAT,
        "gap_highlight": GAP_HIGHLIGHT,
    }


def _link_missing(progress: rollups.EntryProgress, cycle: Cycle) -> None:
    """Links for the secretariat to each missing record's page."""
    plan, year = cycle.plan.code, cycle.fiscal_year
    for kind, line in progress.all_lines():
        shown = line.missing[:MISSING_SHOWN]
        if kind == "report":
            line.links = [
                (
                    label,
                    reverse("evaluation:report", kwargs={"plan": plan, "year": year, "code": key}),
                )
                for label, key in shown
            ]
        else:
            line.links = [
                (
                    label,
                    reverse(
                        "evaluation:measure_year",
                        kwargs={"plan": plan, "year": year, "number": key},
                    ),
                )
                for label, key in shown
            ]


def trends_context(plan: Plan, audience: str) -> dict:
    """Each 施策's ratings over the years (back through the first-half plan), as charts."""
    chain = rollups.plan_chain(plan)
    cycles = _visible_cycles(
        list(Cycle.objects.filter(plan__in=chain).order_by("fiscal_year")), audience
    )
    visible = {(c.plan_id, c.fiscal_year) for c in cycles}
    trends = rollups.rating_trends(plan)
    levels = [lv for lv in rollups.rating_levels(plan) if lv.points is not None]
    unrated_code = next((lv.code for lv in rollups.rating_levels(plan) if lv.points is None), "－")
    years = sorted({y for (_plan, y) in visible})
    labels = {y: str(y) for y in years}  # 西暦: ten years of 和暦 do not fit under a small chart
    low = min((lv.points for lv in levels), default=1)
    high = max((lv.points for lv in levels), default=4)
    y_labels = [(lv.points, lv.code) for lv in levels]
    charts_by_measure = {}
    for measure_id, points in trends.items():
        shown = [pt for pt in points if (pt.plan_id, pt.fiscal_year) in visible]
        committee = {
            pt.fiscal_year: pt.committee.points for pt in shown if pt.committee is not None
        }
        own = {pt.fiscal_year: pt.self_mean for pt in shown}
        committee_tips = {
            pt.fiscal_year: f"{wareki(pt.fiscal_year)} {_('委員会')}: {pt.committee.code}"
            for pt in shown
            if pt.committee is not None
        }
        self_tips = {
            pt.fiscal_year: f"{wareki(pt.fiscal_year)} {_('自己評価の平均')}: {pt.self_mean:.2f}"
            for pt in shown
            if pt.self_mean is not None
        }
        unplotted = {
            _("委員会"): {
                pt.fiscal_year: unrated_code
                for pt in shown
                if pt.committee is not None and pt.committee.points is None
            }
        }
        charts_by_measure[measure_id] = charts.line_chart(
            title="",
            years=years,
            year_labels=labels,
            series=[
                (_("委員会"), "series-committee", committee, committee_tips),
                (_("自己評価の平均"), "series-self", own, self_tips),
            ],
            low=low,
            high=high,
            y_labels=y_labels,
            step=True,
            unplotted=unplotted,
        )
    measures = list(
        rollups.Measure.objects.of_plan(plan)
        .select_related("basic_policy__plan")
        .prefetch_related(Prefetch("predecessors", queryset=Measure.objects.in_lineage_order()))
        .order_by("basic_policy__number", "-is_priority", "order")
    )
    own_years = [c.fiscal_year for c in cycles if c.plan_id == plan.pk]
    return {
        "plan": plan,
        "years": own_years,
        "measures": [(m, charts_by_measure.get(m.pk)) for m in measures],
        "indicators": indicator_charts(plan),
        "edit_indicators": audience == SECRETARIAT,
    }


def indicator_charts(plan: Plan) -> list[tuple[rollups.IndicatorSeries, charts.LineChart]]:
    """Each 参考指標 as a chart of 実績値 and 目標値, over the plan's fiscal years."""
    result = []
    years = list(plan.fiscal_years)
    labels = {y: str(y) for y in years}
    for series in rollups.indicator_series(plan):
        actual = {p.fiscal_year: p.actual for p in series.points}
        target = {p.fiscal_year: p.target for p in series.points if p.target is not None}
        low, high = charts.nice_range([*actual.values(), *target.values()])
        unit = series.unit
        chart = charts.line_chart(
            title=series.name,
            years=years,
            year_labels=labels,
            series=[
                (
                    _("実績値"),
                    "series-actual",
                    actual,
                    {y: f"{wareki(y)} {_('実績値')}: {v:g}{unit}" for y, v in actual.items()},
                ),
                (
                    _("目標値"),
                    "series-target",
                    target,
                    {y: f"{wareki(y)} {_('目標値')}: {v:g}{unit}" for y, v in target.items()},
                ),
            ],
            low=low,
            high=high,
            y_labels=[(low, f"{low:g}"), (high, f"{high:g}")],
        )
        result.append((series, chart))
    return result
