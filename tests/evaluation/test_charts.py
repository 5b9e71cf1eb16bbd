from evaluation import charts

YEARS = [2017, 2018, 2019, 2020]


def chart(values, years=YEARS, unplotted=None):
    return charts.line_chart(
        title="",
        years=years,
        series=[("委員会", "series-committee", values, {})],
        low=1,
        high=4,
        y_labels=[(1, "D"), (4, "A")],
        unplotted=unplotted,
    )


def test_every_year_with_a_value_gets_one_point_joined_by_straight_lines():
    [series] = chart({2017: 4, 2018: 3, 2019: 3, 2020: 1}).series
    assert [(x, y) for x, y, _tip in series.dots] == [
        (44.0, 12.0),
        (127.3, 49.3),
        (210.7, 49.3),
        (294.0, 124.0),
    ]
    # One point per year and nothing between them: no step (flat, then a vertical jump).
    assert series.segments == ["44.0,12.0 127.3,49.3 210.7,49.3 294.0,124.0"]


def test_a_year_without_a_value_breaks_the_line():
    [series] = chart({2017: 4, 2018: 3, 2020: 1}).series
    assert series.segments == ["44.0,12.0 127.3,49.3"]  # 2020 stands alone, as a point
    assert len(series.dots) == 3


def test_every_year_is_labelled_in_wareki_and_western_years():
    c = chart({})
    assert c.x_ticks == [
        (44.0, "平成29", "2017"),
        (127.3, "平成30", "2018"),
        (210.7, "令和元", "2019"),
        (294.0, "令和2", "2020"),
    ]
    assert c.y_ticks == [(124.0, "D"), (12.0, "A")]
    assert c.font >= 12


def test_many_years_widen_the_chart_instead_of_dropping_or_crowding_labels():
    years = list(range(2012, 2022))  # the ten years of the basic plan
    c = chart({}, years=years)
    assert [era for _x, era, _w in c.x_ticks] == [
        "平成24", "平成25", "平成26", "平成27", "平成28",
        "平成29", "平成30", "令和元", "令和2", "令和3",
    ]  # fmt: skip
    xs = [x for x, _era, _w in c.x_ticks]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 52  # 「平成29」 at 12 px is ~38
    assert c.width == 538 and c.right_edge == 512


def test_years_without_data_keep_their_place_and_label_on_the_axis():
    c = chart({2016: 3, 2020: 2, 2021: 2}, years=[2016, 2020, 2021])
    assert [era for _x, era, _w in c.x_ticks] == [
        "平成28", "平成29", "平成30", "令和元", "令和2", "令和3",
    ]  # fmt: skip
    [series] = c.series
    assert len(series.dots) == 3
    assert series.segments == ["252.0,86.7 304.0,86.7"]  # 2016 stands alone: no data between


def test_a_single_year_is_one_point_in_the_middle():
    [series] = chart({2021: 2}, years=[2021]).series
    assert [(x, y) for x, y, _tip in series.dots] == [(169.0, 86.7)]
    assert series.segments == []


def test_an_unrated_year_is_marked_on_the_axis():
    [series] = chart({2017: 4}, unplotted={"委員会": {2019: "－"}}).series
    assert series.marks == [(210.7, "－", "")]


def test_stacked_bars_split_the_width_by_share_and_print_every_count():
    levels = [("A", "level-1", "達成"), ("B", "level-2", "概ね達成"), ("－", "level-5", "評価不能")]
    bars = charts.stacked_bars([("委員会", {"A": 1, "B": 3}), ("委員", {})], levels)
    first, empty = bars.bars
    assert [(s.x, s.width, s.css, s.count, s.inside) for s in first.segments] == [
        (70.0, 70.5, "level-1", 1, True),
        (140.5, 211.5, "level-2", 3, True),
    ]
    assert [s.count_x for s in first.segments] == [105.2, 246.2]  # centred in each segment
    assert first.segments[1].tooltip == "B 概ね達成: 3"
    assert (empty.segments, empty.total) == ([], 0)


def test_counts_too_wide_for_their_segment_go_under_the_bar_without_overlapping():
    levels = [(c, f"level-{i}", c) for i, c in enumerate("ABCD", start=1)]
    [bar] = charts.stacked_bars([("委員", {"A": 1, "B": 1, "C": 1, "D": 40})], levels).bars
    narrow = [s for s in bar.segments if not s.inside]
    assert [s.count for s in narrow] == [1, 1, 1]
    xs = [s.count_x for s in narrow]
    assert all(b - a >= 12 for a, b in zip(xs, xs[1:], strict=False))
    assert bar.segments[-1].inside and bar.segments[-1].count == 40


def test_an_axis_starts_at_zero_and_leaves_headroom():
    assert charts.nice_range([50.0, 100.0]) == (0.0, 110.0)
    assert charts.nice_range([]) == (0.0, 1.0)


def test_each_bar_carries_its_counts_on_the_bar_and_for_the_table():
    bars = charts.stacked_bars(
        [("基本施策1", {"A": 1, "B": 3})],
        [("A", "level-1", "達成"), ("B", "level-2", "概ね達成"), ("C", "level-3", "一部達成")],
    )
    (bar,) = bars.bars
    assert [s.count for s in bar.segments] == [1, 3]
    assert bar.cells == [1, 3, 0]
    assert [code for code, _css, _label in bars.levels] == ["A", "B", "C"]


def test_each_line_series_gives_its_value_per_year_for_the_table():
    chart = charts.line_chart(
        title="",
        years=[2019, 2020, 2021],
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
