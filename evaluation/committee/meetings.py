"""The committee's meetings of a year: who may attend, and what is shown of each 施策 on the agenda — on the projector one 施策 a screen, and in
the 会議資料 PDF — gathered in a fixed number of queries whatever the agenda's length.

The summary is drawn from the scoring page's material (the 施策の目標, the 事業's
実施状況, each 実施主体's 自己評価, the 参考指標 over the years), beside the members' tally
and the 事務局's draft."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.template.loader import render_to_string

from evaluation.charts import LineChart
from evaluation.committee.tallies import Tally, member_tallies
from evaluation.dashboard import indicator_charts
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Indicator,
    Meeting,
    MemberEvaluation,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.progress.entry import report_status_counts
from evaluation.rollups.indicators import IndicatorSeries
from evaluation.sheet.pdf import draw_pdf
from people.models import committee_users
from policies.models import Measure


def committee_members(cycle: Cycle) -> QuerySet[User]:
    """Who may be recorded as attending a meeting of the year: the committee of the plan
    serving in its 委員会評価 (``committee_users``, the year's 委員名簿), by name."""
    return (
        committee_users(cycle.plan_id, *cycle.committee_period())
        .filter(is_active=True)
        .select_related("participant")
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class MeetingItem:
    """One 施策 on the agenda, as the projector and the 会議資料 show it."""

    measure: Measure
    status_counts: list[tuple[str, int]]  # 実施状況 label, number of 事業
    projects: int  # 事業 active this year
    self_evaluations: list[SelfEvaluation]
    indicators: list[tuple[IndicatorSeries, LineChart]]
    tally: Tally | None
    no_opinion: bool  # members scored it, but none wrote an opinion (評価だけ)
    draft: CommitteeEvaluation | None
    position: int = 0  # 1-based, on the agenda


def agenda(meeting: Meeting) -> list[Measure]:
    """The 施策 the meeting deliberates on, in the plan's order; all of the plan's 施策
    when the 事務局 has named none."""
    chosen = Measure.objects.of_plan(meeting.cycle.plan).select_related("basic_policy")
    named = chosen.filter(meetings=meeting)
    return list(named) or list(chosen)


def meeting_items(cycle: Cycle, measures: list[Measure]) -> list[MeetingItem]:
    """The summary, tally and draft of each of ``measures``. Nine queries whatever their
    number: 事業 counts, 自己評価, drafts, the scale and the tallies, the opinions, and the
    参考指標 (their values, and which 施策 each belongs to)."""
    ids = [m.pk for m in measures]
    counts = report_status_counts(cycle)
    self_evaluations: dict[int, list[SelfEvaluation]] = defaultdict(list)
    for record in (
        SelfEvaluation.objects.filter(cycle=cycle, measure_id__in=ids)
        .select_related("rating", "body")
        .order_by("measure_id", "body__order", "body_id")
    ):
        self_evaluations[record.measure_id].append(record)
    drafts = {
        d.measure_id: d
        for d in CommitteeEvaluation.objects.filter(cycle=cycle, measure_id__in=ids).select_related(
            "rating"
        )
    }
    tallies = member_tallies(cycle)
    scored: set[int] = set()
    commented: set[int] = set()
    for measure_id, opinion in MemberEvaluation.objects.filter(
        cycle=cycle, measure_id__in=ids
    ).values_list("measure_id", "opinion"):
        scored.add(measure_id)
        if opinion.strip():
            commented.add(measure_id)
    charts = {
        series.id: (series, chart)
        for series, chart in indicator_charts(cycle.plan, None, actual_up_to=cycle.fiscal_year)
    }
    indicators: dict[int, list[tuple[IndicatorSeries, LineChart]]] = defaultdict(list)
    for measure_id, indicator_id in Indicator.measures.through.objects.filter(
        measure_id__in=ids
    ).values_list("measure_id", "indicator_id"):
        if indicator_id in charts:
            indicators[measure_id].append(charts[indicator_id])
    order = list(charts)
    items = []
    for position, measure in enumerate(measures, start=1):
        count = counts.get(measure.pk, {})
        items.append(
            MeetingItem(
                measure=measure,
                status_counts=[
                    (str(label), count.get(code, 0)) for code, label in ReportStatus.choices
                ],
                projects=count.get("projects", 0),
                self_evaluations=self_evaluations[measure.pk],
                indicators=sorted(indicators[measure.pk], key=lambda pair: order.index(pair[0].id)),
                tally=tallies.get(measure.pk),
                no_opinion=measure.pk in scored and measure.pk not in commented,
                draft=drafts.get(measure.pk),
                position=position,
            )
        )
    return items


def meeting_pdf(meeting: Meeting, items: list[MeetingItem]) -> bytes:
    """The 会議資料: the meeting's particulars, then one page per 施策 on the agenda."""
    html = render_to_string(
        "evaluation/meeting_pdf.html",
        {"meeting": meeting, "cycle": meeting.cycle, "items": items},
    )
    return draw_pdf(html, stylesheet="evaluation/meeting_pdf.css")
