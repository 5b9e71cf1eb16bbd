"""達成率 and the plausibility of a figure, for 参考指標 and for the 指標 of a 事業.

One rule for both kinds of indicator: 達成率 = 実績値 ÷ 目標値 when a larger value is
better, 目標値 ÷ 実績値 when a smaller one is; no rate without both values. A figure the
person should look at twice (a rate over 200 %, a negative count) is not an error: the
form asks them to confirm it.
"""

from decimal import Decimal

from evaluation.numbers import plain_number

IMPLAUSIBLE_RATE = 2.0  # 200 %


def achievement_rate(
    actual: Decimal | None, target: Decimal | None, *, higher_is_better: bool
) -> float | None:
    """達成率 as a fraction (1.148 = 114.8 %), or None without both values or for a zero divisor."""
    if actual is None or target is None:
        return None
    numerator, denominator = (actual, target) if higher_is_better else (target, actual)
    return float(numerator / denominator) if denominator else None


def implausibilities(
    actual: Decimal | None, target: Decimal | None, *, higher_is_better: bool
) -> list[str]:
    """Why a pair of values looks wrong, in Japanese; empty when it looks plausible."""
    reasons = []
    for label, value in (("目標値", target), ("実績値", actual)):
        if value is not None and value < 0:
            reasons.append(f"{label}がマイナス（{plain_number(value)}）です。")
    rate = achievement_rate(actual, target, higher_is_better=higher_is_better)
    if rate is not None and rate > IMPLAUSIBLE_RATE:
        reasons.append(f"達成率が {rate * 100:.1f}% で、200% を超えています。")
    return reasons


def format_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"
