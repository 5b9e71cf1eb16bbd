"""How figures are shown: as people write them, not as the database stores them.

A 参考指標 is stored with two decimals (DecimalField), so 275 comes back as 275.00; shown
as typed it is 275, and 275.5 stays 275.5. Thousands get separators (1,234).
"""

from decimal import Decimal, InvalidOperation


def plain_number(value) -> str:
    """275.00 → "275", 275.50 → "275.5", 1234567 → "1,234,567"; None → ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return f"{number:,f}"


def typed_number(value) -> str:
    """As in an input field: no thousands separators (275.5, 1234)."""
    return plain_number(value).replace(",", "")
