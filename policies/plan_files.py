"""Reading a plan file (upload or command line) within the bounds of the settings."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from policies import plan_import
from policies.spreadsheet import Bounds, ImportRejected, read_rows


def bounds() -> Bounds:
    return Bounds(
        max_bytes=settings.PLAN_IMPORT_MAX_BYTES,
        max_rows=settings.PLAN_IMPORT_MAX_ROWS,
        max_columns=20,
        max_cell_chars=4000,
    )


def parse_file(name: str, data: bytes) -> plan_import.Structure:
    """The file's structure, or ``ImportRejected`` with every reason."""
    return plan_import.parse(read_rows(name, data, bounds()))


def parse_upload(upload: UploadedFile) -> plan_import.Structure:
    """An uploaded file's structure; a file over the size bound is refused before it is
    read into memory."""
    size = upload.size or 0
    if size > settings.PLAN_IMPORT_MAX_BYTES:
        raise ImportRejected(
            [
                f"ファイルが大きすぎます（{size:,} バイト）。上限は {settings.PLAN_IMPORT_MAX_BYTES:,} バイトです。"
            ]
        )
    return parse_file(upload.name or "", upload.read())
