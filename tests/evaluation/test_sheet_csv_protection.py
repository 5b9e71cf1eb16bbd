"""CSV cells that Excel would run as a formula are kept as text, however they start."""

import pytest

from policies.spreadsheet import protect, unprotect


@pytest.mark.parametrize(
    "typed",
    [
        "=1+1",
        "+81-3",
        "-2",
        "@SUM(A1)",
        ' =HYPERLINK("x")',
        "\t=1",
        "\r\n=1",
        "\u3000=1",
        "＝1+1",
        "＋1",
        "－1",
        "＠A1",
        "  ＝1",
    ],
)
def test_formula_like_text_gets_an_apostrophe_and_the_import_takes_it_off(typed):
    assert protect(typed) == "'" + typed
    assert unprotect(protect(typed)) == typed


@pytest.mark.parametrize(
    "typed", ["講座を3回開いた。", "1-1", "'既にアポストロフィ", "", "A=1", "－", " =", "-"]
)
def test_ordinary_text_is_left_alone(typed):
    assert protect(typed) == typed
    assert unprotect(typed) == typed
