"""Every way a clerk types a value of the plan's structure, read as the import stores it."""

import pytest

from policies.fiscal_years import parse_fiscal_year
from policies.plan_values import (
    basic_policy_number,
    header_name,
    measure_list,
    measure_number,
    position,
    priority,
    reference,
    without_relisting_mark,
)


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("令和4", 2022),
        ("令和4年度", 2022),
        ("R4", 2022),
        ("Ｒ４", 2022),
        ("平成31", 2019),
        ("令和元", 2019),
        ("令和元年度", 2019),
        ("H29", 2017),
        ("2022", 2022),
        ("２０２２年度", 2022),
        ("令和4（2022）年度", 2022),
    ],
)
def test_a_plan_period_year_is_read_in_wareki_or_western_years(typed, year):
    assert parse_fiscal_year(typed) == year


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("○", True),
        ("◯", True),
        ("〇", True),
        ("●", True),
        ("重点", True),
        ("重点施策", True),
        ("【重点施策】", True),
        ("［重点］", True),
        ("（重点施策）", True),
        ("TRUE", True),
        ("１", True),
        ("×", False),
        ("0", False),
        ("なし", False),
        ("-", False),
        ("たぶん", None),
    ],
)
def test_a_priority_mark_is_read_in_every_usual_form(typed, read):
    assert priority(typed) is read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1-1", ("1-1", "")),
        ("１－１", ("1-1", "")),
        ("1ー1", ("1-1", "")),
        ("1−1", ("1-1", "")),
        ("1‐1", ("1-1", "")),
        ("1-1 市民活動のきっかけづくり", ("1-1", "市民活動のきっかけづくり")),
        ("１－１　市民活動のきっかけづくり", ("1-1", "市民活動のきっかけづくり")),
        ("施策1-2", ("1-2", "")),
        ("A", ("A", "")),
        ("", None),
        ("とても長い施策の番号です", None),
    ],
)
def test_a_measure_number_is_read_with_a_title_typed_after_it(typed, read):
    assert measure_number(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1", (1, "")),
        ("１", (1, "")),
        ("基本施策2", (2, "")),
        ("基本施策２　市民活動の支援", (2, "市民活動の支援")),
        ("基本目標3", (3, "")),
        ("Ⅱ", (2, "")),
        ("1 市民活動の裾野の拡大", (1, "市民活動の裾野の拡大")),
        ("0", None),
        ("いち", None),
    ],
)
def test_a_basic_policy_number_is_read_with_a_title_typed_after_it(typed, read):
    assert basic_policy_number(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("①", (1, "")),
        ("⑳", (20, "")),
        ("2", (2, "")),
        ("２", (2, "")),
        ("(3)", (3, "")),
        ("（３）", (3, "")),
        ("4.", (4, "")),
        ("① きっかけづくりの場", (1, "きっかけづくりの場")),
        ("①きっかけづくりの場", (1, "きっかけづくりの場")),
        ("②　講座の開催", (2, "講座の開催")),
        ("21", None),
        ("い", None),
    ],
)
def test_an_initiative_number_is_read_with_a_title_typed_after_it(typed, read):
    assert position(typed) == read


def test_a_year_at_the_start_of_a_title_is_not_read_as_an_initiative_number():
    assert position("2020年に始めた講座", plain_number=False) is None
    assert position("（2）講座", plain_number=False) == (2, "講座")
    assert position("② 講座", plain_number=False) == (2, "講座")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1-2①", ("1-2", 1)),
        ("1-2-1", ("1-2", 1)),
        ("（再掲）1-1②", ("1-1", 2)),
        ("(再掲)1-1②", ("1-1", 2)),
        ("【再掲】１－１②", ("1-1", 2)),
        ("再掲 1-1②", ("1-1", 2)),
        ("再掲：1-1②", ("1-1", 2)),
        ("1-1②（再掲）", ("1-1", 2)),
        ("1-1の②", ("1-1", 2)),
        ("1-1 ②", ("1-1", 2)),
        ("1-1(2)", ("1-1", 2)),
        ("1ー1－2", ("1-1", 2)),
        ("きっかけ", None),
    ],
)
def test_a_relisting_source_is_read_with_or_without_its_mark(typed, read):
    assert reference(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("（再掲）きっかけづくりの場", "きっかけづくりの場"),
        ("きっかけづくりの場（再掲）", "きっかけづくりの場"),
        ("【再掲】きっかけづくりの場", "きっかけづくりの場"),
    ],
)
def test_a_relisting_mark_comes_off_a_title(typed, read):
    assert without_relisting_mark(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1-1、1-2", ["1-1", "1-2"]),
        ("1-1・1-2", ["1-1", "1-2"]),
        ("1-1，1-2", ["1-1", "1-2"]),
        ("1-1,1-2", ["1-1", "1-2"]),
        ("１－１、１－２", ["1-1", "1-2"]),
        ("1-2 1-1", ["1-1", "1-2"]),
        ("1-1及び1-2", ["1-1", "1-2"]),
        ("旧1-1・旧1-2", ["1-1", "1-2"]),
        ("2-6", ["2-6"]),
        ("", []),
    ],
)
def test_predecessors_are_read_whatever_separates_them(typed, read):
    assert measure_list(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("施策番号", "施策番号"),
        (" 施策 番号 ", "施策番号"),
        ("計画期間(開始年度)", "計画期間（開始年度）"),
        ("施策名\n※必須", "施策名"),
    ],
)
def test_a_header_is_compared_without_blanks_or_notes(typed, read):
    assert header_name(typed) == read
