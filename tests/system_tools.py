"""Tests that run a system program (LibreOffice, pdftotext) skip without it on a developer's
machine and fail without it in CI, where .ci/run installs it."""

import os
import shutil

import pytest


def require(*programs: str, packages: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    message = f"{'、'.join(missing)} がありません（apt-get install {packages}）"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
