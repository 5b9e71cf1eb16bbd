"""Reading a plan file (upload or command line) within the bounds of the settings."""

from django.conf import settings

from policies import plan_import
from policies.spreadsheet import Bounds, SpreadsheetRejected, read_rows


def bounds() -> Bounds:
    return Bounds(
        max_bytes=settings.PLAN_IMPORT_MAX_BYTES,
        max_rows=settings.PLAN_IMPORT_MAX_ROWS,
        max_columns=20,
        max_cell_chars=4000,
    )


def parse_file(name: str, data: bytes) -> plan_import.Structure:
    """The file's structure, or ``ImportRejected`` (with the reader's reasons too)."""
    try:
        rows = read_rows(name, data, bounds())
    except SpreadsheetRejected as error:
        raise plan_import.ImportRejected(error.errors) from None
    return plan_import.parse(rows)
