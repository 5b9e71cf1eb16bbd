from decimal import Decimal

import pytest

from evaluation.achievement import achievement_rate, format_rate, implausibilities


@pytest.mark.parametrize(
    ("actual", "target", "higher_is_better", "expected"),
    [
        (Decimal("5738"), Decimal("5000"), True, "114.8%"),  # 財政援助団体 sheets' example
        (Decimal("40"), Decimal("50"), False, "125.0%"),  # smaller is better: target ÷ actual
        (None, Decimal("50"), True, ""),  # a target before the actual
        (Decimal("10"), None, True, ""),
        (Decimal("10"), Decimal("0"), True, ""),
    ],
)
def test_achievement_is_actual_over_target_or_the_reverse(
    actual, target, higher_is_better, expected
):
    rate = achievement_rate(actual, target, higher_is_better=higher_is_better)
    assert format_rate(rate) == expected


def test_a_rate_over_200_percent_and_negative_values_look_implausible():
    assert implausibilities(Decimal("45"), Decimal("20"), higher_is_better=True) == [
        "達成率が 225.0% で、200% を超えています。"
    ]
    assert implausibilities(Decimal("-3"), None, higher_is_better=True) == [
        "実績値がマイナス（-3）です。"
    ]
    assert implausibilities(Decimal("40"), Decimal("20"), higher_is_better=True) == []
