"""Geometry of the dashboard's server-rendered SVG charts (no JavaScript; they print).

Functions here turn numbers into coordinates and year labels; what the numbers are (a
rating's points, a share of the scale's maximum, an indicator's value) is decided by the
caller. The templates under ``templates/evaluation/_chart_*.html`` draw the result;
colours come from CSS classes.

Charts are drawn at 1:1 (the SVG's width is its viewBox width and CSS never shrinks it;
a narrow screen scrolls the chart sideways), so ``FONT`` is the text size on screen.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from policies.fiscal_years import era_label

FONT = 12  # px on screen: every label, tick and count
WIDTH = 320  # the narrowest line chart; fits a 390 px phone screen
HEIGHT = 164
MIN_STEP = 52  # px between two years, so that 「平成29」 and 「2017」 never collide
LEFT, RIGHT, TOP, BOTTOM = 44, 26, 12, 40  # room for the axis labels (two lines under x)


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
    x_ticks: list[tuple[float, str, str]]  # x, 和暦 (平成29), 西暦 (2017)
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    font: int = FONT

    @property
    def right_edge(self) -> int:
        return self.width - RIGHT

    @property
    def bottom_edge(self) -> int:
        return self.height - BOTTOM


def line_width(year_count: int) -> int:
    return max(WIDTH, LEFT + RIGHT + MIN_STEP * max(year_count - 1, 0))


def _x(years: list[int], year: int, width: int) -> float:
    span = width - LEFT - RIGHT
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
    series: list[tuple[str, str, Mapping[int, float | None], dict[int, str]]],
    low: float,
    high: float,
    y_labels: list[tuple[float, str]],
    unplotted: dict[str, dict[int, str]] | None = None,
) -> LineChart:
    """A line chart of values per year: a point for every year that has a value, straight
    lines between neighbouring years, and every year labelled on the axis in 和暦 and 西暦.

    ``series`` holds (label, css, value by year, tooltip by year); a year without a value
    breaks the line. ``unplotted`` puts a text mark (e.g. － for 評価不能) on the axis for
    a series' years that have a record but no value. The axis runs through every year
    from the first to the last, so a year without data is a visible gap, not a shorter step.
    """
    years = list(range(min(years), max(years) + 1)) if years else []
    width = line_width(len(years))
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
            x, y = _x(years, year, width), _y(value, low, high)
            stretch.append((x, y))
            s.dots.append((x, y, tips.get(year, "")))
        if len(stretch) > 1:
            s.segments.append(_points(stretch))
        marks = (unplotted or {}).get(label) or {}
        for year, text in marks.items():
            if year in years:
                s.marks.append((_x(years, year, width), text, tips.get(year, "")))
        s.cells = [_cell(values.get(year), tips.get(year, ""), marks.get(year)) for year in years]
        lines.append(s)
    return LineChart(
        title=title,
        series=lines,
        x_ticks=[(_x(years, y, width), era_label(y), str(y)) for y in years],
        y_ticks=[(_y(v, low, high), text) for v, text in y_labels],
        width=width,
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


# --- stacked bars ------------------------------------------------------------------------

BAR_HEIGHT = 18
ROW_HEIGHT = 40  # the bar, and under it the counts that do not fit inside their segment
COUNT_FITS = 22  # px: a segment this wide holds its count (up to two digits at FONT)


@dataclass
class Segment:
    x: float
    width: float
    css: str
    tooltip: str
    count: int
    count_x: float  # where the count is printed (centre of the segment, or pushed right)
    inside: bool  # printed inside the segment, else under the bar


@dataclass
class Bar:
    y: float
    label: str
    segments: list[Segment]
    total: int
    cells: list[int] = field(default_factory=list)  # count per level, for the data table


@dataclass
class BarChart:
    bars: list[Bar]
    height: int
    levels: list[tuple[str, str, str]] = field(default_factory=list)  # code, css, label
    width: int = 360
    label_width: int = 70
    bar_height: int = BAR_HEIGHT
    font: int = FONT

    @property
    def span(self) -> int:
        return self.width - self.label_width - 8


def stacked_bars(
    rows: list[tuple[str, dict[str, int]]], levels: list[tuple[str, str, str]]
) -> BarChart:
    """Horizontal stacked bars, one per row: counts per rating level, as shares of 100%,
    with every count printed (inside its segment, or under the bar when it is too narrow).

    ``levels`` holds (code, css, label) in display order, so every bar stacks alike.
    """
    chart = BarChart(bars=[], height=len(rows) * ROW_HEIGHT + 4, levels=list(levels))
    for i, (label, counts) in enumerate(rows):
        total = sum(counts.values())
        x = float(chart.label_width)
        segments = []
        under_x = 0.0  # the right end of the last count printed under the bar
        for code, css, level_label in levels:
            n = counts.get(code, 0)
            if not n:
                continue
            w = round(chart.span * n / total, 1)
            centre = round(x + w / 2, 1)
            inside = w >= COUNT_FITS
            if not inside:  # keep the counts under the bar apart
                centre = max(centre, round(under_x + FONT, 1))
                under_x = centre
            segments.append(
                Segment(round(x, 1), w, css, f"{code} {level_label}: {n}", n, centre, inside)
            )
            x += w
        chart.bars.append(
            Bar(
                y=i * ROW_HEIGHT + 4,
                label=label,
                segments=segments,
                total=total,
                cells=[counts.get(code, 0) for code, _css, _label in levels],
            )
        )
    return chart
