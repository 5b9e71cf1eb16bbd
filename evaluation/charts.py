"""Geometry of the dashboard's server-rendered SVG charts (no JavaScript; they print).

Functions here turn numbers into coordinates; the templates under
``templates/evaluation/_chart_*.html`` draw them. Colours come from CSS classes.
"""

from dataclasses import dataclass, field

WIDTH = 320
HEIGHT = 140
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 24  # room for the axis labels


@dataclass
class Series:
    label: str
    css: str  # CSS class giving the colour and dash
    segments: list[str] = field(default_factory=list)  # "x,y x,y …" per unbroken stretch
    dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, tooltip
    marks: list[tuple[float, str, str]] = field(default_factory=list)  # x, text, tooltip
    cells: list[str] = field(default_factory=list)  # the value per year, for the data table


@dataclass
class LineChart:
    title: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM


def _x(years: list[int], year: int) -> float:
    span = WIDTH - LEFT - RIGHT
    if len(years) == 1:
        return LEFT + span / 2
    return round(LEFT + span * years.index(year) / (len(years) - 1), 1)


def _y(value: float, low: float, high: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    if high == low:
        return TOP + span / 2
    return round(TOP + span * (high - value) / (high - low), 1)


def line_chart(
    *,
    title: str,
    years: list[int],
    year_labels: dict[int, str],
    series: list[tuple[str, str, dict[int, float | None], dict[int, str]]],
    low: float,
    high: float,
    y_labels: list[tuple[float, str]],
    step: bool = False,
    unplotted: dict[str, dict[int, str]] | None = None,
) -> LineChart:
    """A chart of values per year. ``series`` holds (label, css, value by year, tooltip by
    year); a year without a value breaks the line. ``step`` draws a step line (ratings are
    levels, not a continuum). ``unplotted`` puts a text mark (e.g. － for 評価不能) on the
    axis for a series' years that have a record but no value."""
    lines = []
    for label, css, values, tips in series:
        s = Series(label, css)
        stretch: list[tuple[float, float]] = []
        for year in years:
            value = values.get(year)
            if value is None:
                if len(stretch) > 1:
                    s.segments.append(_points(stretch))
                stretch = []
                continue
            x, y = _x(years, year), _y(value, low, high)
            if step and stretch:
                stretch.append((x, stretch[-1][1]))
            stretch.append((x, y))
            s.dots.append((x, y, tips.get(year, "")))
        if len(stretch) > 1:
            s.segments.append(_points(stretch))
        marks = (unplotted or {}).get(label) or {}
        for year, text in marks.items():
            if year in years:
                s.marks.append((_x(years, year), text, tips.get(year, "")))
        s.cells = [_cell(values.get(year), tips.get(year, ""), marks.get(year)) for year in years]
        lines.append(s)
    return LineChart(
        title=title,
        series=lines,
        x_ticks=[(_x(years, y), year_labels.get(y, str(y))) for y in years],
        y_ticks=[(_y(v, low, high), text) for v, text in y_labels],
    )


def _cell(value: float | None, tip: str, mark: str | None) -> str:
    """A year's value as the data table shows it: the tooltip's value (tooltips read
    "<what>: <value>", e.g. "令和2（2020）年度 委員会: B"), else the mark, else －."""
    if value is not None and ": " in tip:
        return tip.rsplit(": ", 1)[1]
    if value is not None:
        return f"{value:g}"
    return mark or "－"


def _points(stretch: list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in stretch)


def nice_range(values: list[float]) -> tuple[float, float]:
    """An axis from 0 (or the lowest negative value) to a little above the highest value."""
    if not values:
        return 0.0, 1.0
    low, high = min(0.0, min(values)), max(values)
    if high == low:
        high = low + 1
    return low, high + (high - low) * 0.1


@dataclass
class Bar:
    y: float
    label: str
    segments: list[tuple[float, float, str, str]]  # x, width, css, tooltip
    total: int
    counts: list[tuple[float, int]] = field(default_factory=list)  # centre x, count: on the bar
    cells: list[int] = field(default_factory=list)  # count per level, for the data table


@dataclass
class BarChart:
    bars: list[Bar]
    height: int
    levels: list[tuple[str, str, str]] = field(default_factory=list)  # code, css, label
    width: int = WIDTH + 160
    label_width: int = 150
    bar_height: int = 16


def stacked_bars(
    rows: list[tuple[str, dict[str, int]]], levels: list[tuple[str, str, str]]
) -> BarChart:
    """Horizontal stacked bars, one per row: counts per rating level, as shares of 100%.

    ``levels`` holds (code, css, label) in display order, so every bar stacks alike.
    """
    chart = BarChart(bars=[], height=len(rows) * 24 + 4, levels=list(levels))
    span = chart.width - chart.label_width - 40
    for i, (label, counts) in enumerate(rows):
        total = sum(counts.values())
        x = float(chart.label_width)
        segments, on_bar = [], []
        for code, css, level_label in levels:
            n = counts.get(code, 0)
            if not n:
                continue
            w = round(span * n / total, 1)
            segments.append((round(x, 1), w, css, f"{code} {level_label}: {n}"))
            on_bar.append((round(x + w / 2, 1), n))  # the count, not the colour alone
            x += w
        chart.bars.append(
            Bar(
                y=i * 24 + 4,
                label=label,
                segments=segments,
                total=total,
                counts=on_bar,
                cells=[counts.get(code, 0) for code, _css, _label in levels],
            )
        )
    return chart
