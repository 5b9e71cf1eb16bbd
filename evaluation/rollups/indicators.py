"""The 指標 and 参考指標 figures of a plan, aggregated in SQL."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, FloatField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, NullIf

from evaluation.achievement import achievement_rate
from evaluation.models import Indicator, IndicatorValue
from policies.models import Measure, Plan


@dataclass
class IndicatorPoint:
    fiscal_year: int
    actual: float | None  # None: only the target is entered so far
    target: float | None
    achievement: float | None  # 達成率: actual/target, target/actual where lower is better


@dataclass
class IndicatorSeries:
    id: int
    name: str
    unit: str
    source: str
    higher_is_better: bool
    points: list[IndicatorPoint]


def indicator_series(
    plan: Plan, years: set[int] | None = None, *, measure: Measure | None = None
) -> list[IndicatorSeries]:
    """Each 参考指標 (of one ``measure``, or of the whole plan) with its yearly values and
    達成率 (computed in SQL), of the ``years`` given (``access.indicator_years``; None:
    every year). Two queries."""
    actual = Cast("actual", FloatField())
    target = Cast("target", FloatField())
    values = IndicatorValue.objects.filter(indicator__plan=plan)
    chosen = Indicator.objects.filter(plan=plan)
    if measure is not None:
        values = values.filter(indicator__measures=measure)
        chosen = chosen.filter(measures=measure)
    if years is not None:
        values = values.filter(fiscal_year__in=years)
    rows = (
        values.annotate(
            rate=Case(
                When(target__isnull=True, then=Value(None, output_field=FloatField())),
                When(indicator__higher_is_better=True, then=actual / NullIf(target, 0.0)),
                default=target / NullIf(actual, 0.0),
                output_field=FloatField(),
            )
        )
        .order_by("fiscal_year")
        .values("indicator_id", "fiscal_year", "actual", "target", "rate")
    )
    points: dict[int, list[IndicatorPoint]] = defaultdict(list)
    for v in rows:
        points[v["indicator_id"]].append(
            IndicatorPoint(
                v["fiscal_year"],
                float(v["actual"]) if v["actual"] is not None else None,
                float(v["target"]) if v["target"] is not None else None,
                v["rate"],
            )
        )
    return [
        IndicatorSeries(i.pk, i.name, i.unit, i.source, i.higher_is_better, points.get(i.pk, []))
        for i in chosen
    ]


@dataclass
class MeasureIndicator:
    """A 参考指標 of a 施策 with one year's values (None where not entered)."""

    id: int
    name: str
    unit: str
    source: str
    higher_is_better: bool
    target: Decimal | None
    actual: Decimal | None

    @property
    def achievement(self) -> float | None:
        return achievement_rate(self.actual, self.target, higher_is_better=self.higher_is_better)


def _with_values(indicators, fiscal_year: int) -> dict[int, MeasureIndicator]:
    """``indicators`` (a queryset) with that year's values, in display order. One query."""
    year_value = IndicatorValue.objects.filter(  # one per year: nothing to sort
        indicator=OuterRef("pk"), fiscal_year=fiscal_year
    ).order_by()
    rows = indicators.annotate(
        year_target=Subquery(year_value.values("target")[:1]),
        year_actual=Subquery(year_value.values("actual")[:1]),
    ).order_by("order", "pk")
    return {
        i.pk: MeasureIndicator(
            i.pk, i.name, i.unit, i.source, i.higher_is_better, i.year_target, i.year_actual
        )
        for i in rows
    }


def measure_indicators(plan: Plan, fiscal_year: int) -> dict[int, list[MeasureIndicator]]:
    """Every 施策's 参考指標 with their values in ``fiscal_year``, by measure id. Two queries."""
    links = Indicator.measures.through.objects.filter(indicator__plan=plan).values_list(
        "measure_id", "indicator_id"
    )
    indicators = _with_values(Indicator.objects.filter(plan=plan), fiscal_year)
    order = {pk: n for n, pk in enumerate(indicators)}
    result: dict[int, list[MeasureIndicator]] = defaultdict(list)
    for measure_id, indicator_id in sorted(links, key=lambda link: order[link[1]]):
        result[measure_id].append(indicators[indicator_id])
    return result


def indicators_of_measure(measure: Measure, fiscal_year: int) -> list[MeasureIndicator]:
    """One 施策's 参考指標 with their values in ``fiscal_year``: for the 施策 pages, the
    member's scoring page and anywhere else one 施策 is shown. One query."""
    return list(_with_values(Indicator.objects.filter(measures=measure), fiscal_year).values())
