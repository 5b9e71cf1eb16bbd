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


def test_each_bar_carries_its_counts_on_the_bar_and_for_the_table():
    bars = charts.stacked_bars(
        [("基本施策1", {"A": 1, "B": 3})],
        [("A", "level-1", "達成"), ("B", "level-2", "概ね達成"), ("C", "level-3", "一部達成")],
    )
    (bar,) = bars.bars
    assert [n for _x, n in bar.counts] == [1, 3]
    assert bar.cells == [1, 3, 0]
    assert [code for code, _css, _label in bars.levels] == ["A", "B", "C"]


def test_each_line_series_gives_its_value_per_year_for_the_table():
    chart = charts.line_chart(
        title="",
        years=[2019, 2020, 2021],
        year_labels={2019: "R1", 2020: "R2", 2021: "R3"},
        series=[
            ("委員会", "series-committee", {2019: 3, 2021: None}, {2019: "令和元年度 委員会: B"}),
            ("実績", "series-actual", {2020: 12.5}, {}),
        ],
        low=0,
        high=4,
        y_labels=[],
        unplotted={"委員会": {2021: "－"}},
    )
    assert [s.cells for s in chart.series] == [["B", "－", "－"], ["－", "12.5", "－"]]
