"""What the dashboard pages show, assembled from ``rollups`` (numbers) and ``charts``
(geometry). The views call one function here per page and cache what it returns."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import charts
from evaluation.access import PUBLIC, SECRETARIAT, indicator_years, read_live_by_public
from evaluation.models import Cycle, ReportStatus
from evaluation.numbers import plain_number
from evaluation.progress.entry import entry_progress, report_status_counts
from evaluation.progress.groups import link_missing
from evaluation.rollups import indicators, ratings
from policies.fiscal_years import wareki
from policies.models import BasicPolicy, ImplementingBody, Measure, Plan

MISSING_SHOWN = 20  # per line; the rest is counted ("ほか N 件")
GAP_HIGHLIGHT = 1.0  # a whole level between the committee and the bodies' mean


@dataclass
class MeasureLine:
    row: ratings.MeasureRow
    self_cells: list[ratings.Rating | None]  # one per 実施主体, in display order
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
        return read_live_by_public(cycles)
    return cycles


def year_context(
    cycle: Cycle, audience: str, *, member_scores: bool = True, drafts: Q | None = None
) -> dict:
    """Everything the dashboard of one plan and year shows to one kind of viewer.

    ``member_scores`` False (a member while scoring is open, ``access.member_scores_access``)
    leaves the members' ratings out of the distribution; ``drafts`` which committee evaluations
    the viewer may read (``access.committee_drafts_seen_by``)."""
    plan = cycle.plan
    bodies = list(ImplementingBody.objects.all())
    levels = ratings.rating_levels(plan, cycle.scale_id)
    policies = ratings.basic_policies(plan)
    lines_by_policy = _measure_lines(cycle, policies, bodies, drafts)
    level_keys = [(lv.code, f"level-{lv.order}", lv.label) for lv in levels]
    policy_blocks = _policy_blocks(
        cycle, policies, lines_by_policy, level_keys, member_scores=member_scores, drafts=drafts
    )
    cycles = _visible_cycles(
        list(Cycle.objects.filter(plan=plan).order_by("fiscal_year")), audience
    )
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
        "progress": _progress(cycle, audience),
        "columns": len(bodies) + len(ratings.STATUSES) + 5,
        "show_missing": audience == SECRETARIAT,
        "cycle_url": cycle.get_absolute_url(),
        "indicators": indicator_charts(
            plan, indicator_years(audience, cycles, up_to=cycle.fiscal_year)
        ),
        "edit_indicators": audience == SECRETARIAT,
        "gap_highlight": GAP_HIGHLIGHT,
    }


def _measure_lines(
    cycle: Cycle, policies: list[BasicPolicy], bodies: list[ImplementingBody], drafts: Q | None
) -> dict[int, list[MeasureLine]]:
    """The year's 施策 as table lines, by 基本施策. Within a 基本施策 the plan's order (rows
    come ordered); 重点施策 are marked, not moved: the 重点施策 summary at the top brings
    them forward."""
    plan = cycle.plan
    counts = report_status_counts(cycle)
    rows = ratings.measure_ratings(cycle, drafts)
    lines_by_policy: dict[int, list[MeasureLine]] = {p.pk: [] for p in policies}
    for row in rows:
        c = counts.get(row.id, {})
        line = MeasureLine(
            row=row,
            self_cells=[row.self_ratings.get(b.pk) for b in bodies],
            status_counts={s: c.get(s, 0) for s in ratings.STATUSES},
            projects=c.get("projects", 0),
            url=reverse(
                "evaluation:measure_year",
                kwargs={"plan": plan.code, "year": cycle.fiscal_year, "number": row.number},
            ),
        )
        lines_by_policy[row.basic_policy_id].append(line)
    return lines_by_policy


def _policy_blocks(
    cycle: Cycle,
    policies: list[BasicPolicy],
    lines_by_policy: dict[int, list[MeasureLine]],
    level_keys: list[tuple[str, str, str]],
    *,
    member_scores: bool,
    drafts: Q | None,
) -> list[dict[str, Any]]:
    """Per 基本施策: its lines and the distribution of the ratings (committee, bodies and,
    when the viewer may see them, members) as a chart and figures."""
    distribution = ratings.rating_distribution(cycle, drafts)
    kinds = [("committee", _("委員会")), ("self", _("自己評価")), ("member", _("委員"))]
    if not member_scores:
        kinds = kinds[:2]
    policy_blocks: list[dict[str, Any]] = []
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
    return policy_blocks


def _progress(cycle: Cycle, audience: str):
    """The year's entry progress for insiders; the 事務局 see the missing entries linked."""
    progress = entry_progress(cycle) if audience != PUBLIC else None
    if progress and audience == SECRETARIAT:
        back = reverse(
            "evaluation:dashboard", kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year}
        )
        link_missing(progress, cycle, limit=MISSING_SHOWN, back=back)
    return progress


@dataclass
class _TrendAxis:
    """The trend charts' vertical axis: the scale's points, or shares of each year's
    maximum where the years shown were rated on different scales (``mixed``)."""

    mixed: bool
    low: float
    high: float
    labels: list[tuple[float, str]]
    unrated_code: str

    @classmethod
    def of(
        cls, plan: Plan, trends: dict[int, list[ratings.TrendPoint]], visible: set[tuple[int, int]]
    ) -> "_TrendAxis":
        scales = {
            pt.scale_id
            for points in trends.values()
            for pt in points
            if (pt.plan_id, pt.fiscal_year) in visible and pt.scale_id is not None
        }
        # Years rated on different scales compare as a share of each year's maximum.
        mixed = len(scales) > 1
        all_levels = ratings.rating_levels(plan, next(iter(scales)) if len(scales) == 1 else None)
        unrated_code = next((lv.code for lv in all_levels if lv.points is None), "－")
        if mixed:
            return cls(True, 0.0, 1.0, [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")], unrated_code)
        scored = [(lv.points, lv.code) for lv in all_levels if lv.points is not None]
        return cls(
            False,
            min((points for points, _code in scored), default=1),
            max((points for points, _code in scored), default=4),
            [(points, code) for points, code in scored],
            unrated_code,
        )


def _trend_chart(shown: list[ratings.TrendPoint], years: list[int], axis: _TrendAxis):
    """One 施策's committee rating and mean self points over the years shown."""
    committee, own, committee_tips, self_tips = _trend_values(shown, axis.mixed)
    unplotted = {
        _("委員会"): {
            pt.fiscal_year: axis.unrated_code
            for pt in shown
            if pt.committee is not None
            and pt.committee.points is None
            and pt.fiscal_year not in committee
        }
    }
    return charts.line_chart(
        title="",
        years=years,
        series=[
            (_("委員会"), "series-committee", committee, committee_tips),
            (_("自己評価の平均"), "series-self", own, self_tips),
        ],
        low=axis.low,
        high=axis.high,
        y_labels=axis.labels,
        unplotted=unplotted,
    )


def trends_context(plan: Plan, audience: str, drafts: Q | None = None) -> dict:
    """Each 施策's ratings over the years (back through the first-half plan), as charts."""
    chain = ratings.plan_chain(plan)
    cycles = _visible_cycles(
        list(Cycle.objects.filter(plan__in=chain).order_by("fiscal_year")), audience
    )
    visible = {(c.plan_id, c.fiscal_year) for c in cycles}
    trends = ratings.rating_trends(plan, drafts)
    axis = _TrendAxis.of(plan, trends, visible)
    years = sorted({y for (_plan, y) in visible})
    charts_by_measure = {
        measure_id: _trend_chart(
            [pt for pt in points if (pt.plan_id, pt.fiscal_year) in visible], years, axis
        )
        for measure_id, points in trends.items()
    }
    own_years = [c.fiscal_year for c in cycles if c.plan_id == plan.pk]
    earlier = [p for p in Plan.objects.filter(pk__in=chain).order_by("first_year") if p != plan]
    return {
        "plan": plan,
        # The plans whose years the trend shows too, by their own names: 「基本計画・改定計画」.
        "earlier_plans": "・".join(p.short_name for p in earlier),
        "years": own_years,
        "measures": [(m, charts_by_measure.get(m.pk)) for m in _trend_measures(plan)],
        "scale_note": (
            _(
                "年度によって評価尺度が違うため、各年度の評価を、その年度の尺度の最高点に対する"
                "割合（%）で比べています（例: 4段階のB＝75%、3段階のB＝67%）。"
            )
            if axis.mixed
            else ""
        ),
        "indicators": indicator_charts(
            plan, indicator_years(audience, [c for c in cycles if c.plan_id == plan.pk])
        ),
        "edit_indicators": audience == SECRETARIAT,
    }


def _trend_measures(plan: Plan) -> list[Measure]:
    """The plan's 施策 in its order (重点施策 marked), each with its predecessors and, for a
    split, the predecessor's successors (who shares it)."""
    return list(
        ratings.Measure.objects.of_plan(plan)
        .select_related("basic_policy__plan")
        .prefetch_related(
            Prefetch(
                "predecessors",
                # A split: the predecessor's successors say who shares it.
                queryset=Measure.objects.in_lineage_order().prefetch_related(
                    Prefetch("successors", queryset=Measure.objects.order_by("number"))
                ),
            )
        )
        .order_by("basic_policy__number", "order")  # the plan's order; 重点施策 marked
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _trend_values(
    shown: list[ratings.TrendPoint], mixed: bool
) -> tuple[dict[int, float], dict[int, float | None], dict[int, str], dict[int, str]]:
    """A 施策's committee and self points by year, with their tooltips. A merged 施策's
    years before the merge carry every predecessor (``TrendPoint.parts``): one combined
    point (their mean) whose tooltip and table cell name each part: 「1-2 B・2-1 D」."""
    values = _TrendValues()
    for pt in shown:
        if pt.parts:
            values.add_merged(pt, mixed)
        else:
            values.add(pt, mixed)
    return values.committee, values.own, values.committee_tips, values.self_tips


@dataclass
class _TrendValues:
    """One 施策's trend being drawn: the points by year and their tooltips."""

    committee: dict[int, float] = field(default_factory=dict)
    own: dict[int, float | None] = field(default_factory=dict)
    committee_tips: dict[int, str] = field(default_factory=dict)
    self_tips: dict[int, str] = field(default_factory=dict)

    def add(self, pt: ratings.TrendPoint, mixed: bool) -> None:
        year = pt.fiscal_year
        share = (lambda value: f"（最高点の{value:.0%}）") if mixed else (lambda value: "")
        if mixed:
            if pt.committee_share is not None:
                self.committee[year] = pt.committee_share
            self.own[year] = pt.self_share
        else:
            if pt.committee is not None and pt.committee.points is not None:
                self.committee[year] = pt.committee.points
            self.own[year] = pt.self_mean
        if pt.committee is not None:
            self.committee_tips[year] = f"{wareki(year)} {_('委員会')}: {pt.committee.code}" + (
                share(pt.committee_share) if pt.committee_share is not None else ""
            )
        if pt.self_mean is not None:
            self.self_tips[year] = f"{wareki(year)} {_('自己評価の平均')}: {pt.self_mean:.2f}" + (
                share(pt.self_share) if pt.self_share is not None else ""
            )

    def add_merged(self, pt: ratings.TrendPoint, mixed: bool) -> None:
        """A year before the merge: the mean of the parts, each part named in the tips."""
        year, scale_max = pt.fiscal_year, pt.scale_max
        rated = [r.points for _n, r, _s in pt.parts if r is not None and r.points is not None]
        means = [m for _n, _r, m in pt.parts if m is not None]
        points, mean = _mean(rated), _mean(means)
        if mixed:
            points = points / scale_max if points is not None and scale_max else None
            mean = mean / scale_max if mean is not None and scale_max else None
        if points is not None:
            self.committee[year] = points
        self.own[year] = mean
        named = "・".join(f"{n} {r.code if r else _('なし')}" for n, r, _m in pt.parts)
        self.committee_tips[year] = f"{wareki(year)} {_('委員会')}: {named}"
        if mean is not None:
            own_named = "・".join(
                f"{n} {m:.2f}" if m is not None else f"{n} {_('なし')}" for n, _r, m in pt.parts
            )
            self.self_tips[year] = f"{wareki(year)} {_('自己評価の平均')}: {own_named}"


def indicator_charts(
    plan: Plan,
    shown: set[int] | None,
    *,
    measure: Measure | None = None,
    actual_up_to: int | None = None,
) -> list[tuple[indicators.IndicatorSeries, charts.LineChart]]:
    """Each 参考指標 (of one ``measure``, or of the plan) as a chart of 実績値 and 目標値,
    over the plan's fiscal years, with the values of the years ``shown``
    (``access.indicator_years``). ``actual_up_to``: the year being evaluated; later years
    keep their 目標値 (where the plan is heading) but not their 実績値."""
    result = []
    years = list(plan.fiscal_years)
    for series in indicators.indicator_series(plan, shown, measure=measure):
        if actual_up_to is not None:
            series.points = [
                p if p.fiscal_year <= actual_up_to else replace(p, actual=None, achievement=None)
                for p in series.points
                if p.fiscal_year <= actual_up_to or p.target is not None
            ]
        actual = {p.fiscal_year: p.actual for p in series.points if p.actual is not None}
        target = {p.fiscal_year: p.target for p in series.points if p.target is not None}
        low, high = charts.nice_range([*actual.values(), *target.values()])
        unit = series.unit
        chart = charts.line_chart(
            title=series.name,
            years=years,
            series=[
                (
                    _("実績値"),
                    "series-actual",
                    actual,
                    {
                        y: f"{wareki(y)} {_('実績値')}: {plain_number(v)}{unit}"
                        for y, v in actual.items()
                    },
                ),
                (
                    _("目標値"),
                    "series-target",
                    target,
                    {
                        y: f"{wareki(y)} {_('目標値')}: {plain_number(v)}{unit}"
                        for y, v in target.items()
                    },
                ),
            ],
            low=low,
            high=high,
            y_labels=[(low, plain_number(low)), (high, plain_number(round(high, 2)))],
        )
        result.append((series, chart))
    return result
