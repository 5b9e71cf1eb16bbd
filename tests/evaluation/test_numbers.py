from decimal import Decimal

import pytest

from evaluation.numbers import plain_number, typed_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("275.00"), "275"),
        (Decimal("275.50"), "275.5"),
        (Decimal("0.25"), "0.25"),
        (275.0, "275"),
        (Decimal("1234567.00"), "1,234,567"),
        (Decimal("100"), "100"),
        (Decimal("0.00"), "0"),
        (Decimal("5738.00"), "5,738"),  # the 財政援助団体 sheets' example
        (Decimal("-3"), "-3"),
        (0, "0"),
        (None, ""),
    ],
)
def test_counts_are_shown_without_decimals_and_decimals_as_they_are(value, shown):
    assert plain_number(value) == shown


def test_a_number_for_an_input_field_has_no_separators():
    assert typed_number(Decimal("1234.50")) == "1234.5"
