from evaluation import charts

YEARS = [2017, 2018, 2019, 2020]
LABELS = {y: str(y) for y in YEARS}


def chart(values, step=False, unplotted=None):
    return charts.line_chart(
        title="",
        years=YEARS,
        year_labels=LABELS,
        series=[("委員会", "series-committee", values, {})],
        low=1,
        high=4,
        y_labels=[(1, "D"), (4, "A")],
        step=step,
        unplotted=unplotted,
    )


def test_a_year_without_a_value_breaks_the_line():
    [series] = chart({2017: 4, 2018: 3, 2020: 1}).series
    assert series.segments == ["34.0,10.0 126.0,45.3"]  # 2020 stands alone, as a dot
    assert [(x, y) for x, y, _tip in series.dots] == [(34.0, 10.0), (126.0, 45.3), (310.0, 116.0)]


def test_a_step_chart_holds_each_level_until_the_next_year():
    [series] = chart({2017: 4, 2018: 3}, step=True).series
    assert series.segments == ["34.0,10.0 126.0,10.0 126.0,45.3"]


def test_an_unrated_year_is_marked_on_the_axis():
    [series] = chart({2017: 4}, unplotted={"委員会": {2019: "－"}}).series
    assert series.marks == [(218.0, "－", "")]


def test_the_axes_are_labelled():
    c = chart({})
    assert c.x_ticks == [(34.0, "2017"), (126.0, "2018"), (218.0, "2019"), (310.0, "2020")]
    assert c.y_ticks == [(116.0, "D"), (10.0, "A")]


def test_stacked_bars_split_the_width_by_share():
    levels = [("A", "level-1", "達成"), ("B", "level-2", "概ね達成"), ("－", "level-5", "評価不能")]
    bars = charts.stacked_bars([("委員会", {"A": 1, "B": 3}), ("委員", {})], levels)
    first, empty = bars.bars
    assert [(x, w, css) for x, w, css, _tip in first.segments] == [
        (150.0, 72.5, "level-1"),
        (222.5, 217.5, "level-2"),
    ]
    assert first.segments[1][3] == "B 概ね達成: 3"
    assert (empty.segments, empty.total) == ([], 0)


def test_an_axis_starts_at_zero_and_leaves_headroom():
    assert charts.nice_range([50.0, 100.0]) == (0.0, 110.0)
    assert charts.nice_range([]) == (0.0, 1.0)
