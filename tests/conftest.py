"""Shared test settings: where the sample reports are, and an output folder per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = Path(os.environ.get("EVALKIT_REPORTS", ROOT.parent / "shared" / "reports"))
SPECIMENS_DIR = Path(os.environ.get("EVALKIT_SPECIMENS", ROOT.parent / "shared" / "specimens"))


def require_reports() -> Path:
    """The sample reports folder; fail in CI when it is missing, skip with a reason elsewhere."""
    return _require(REPORTS_DIR, "*.txt", "sample reports", "EVALKIT_REPORTS")


def require_specimens() -> Path:
    """The specimen gallery's folder, as :func:`require_reports`."""
    return _require(SPECIMENS_DIR, "*.*", "specimens", "EVALKIT_SPECIMENS")


def _require(folder: Path, pattern: str, what: str, variable: str) -> Path:
    if folder.is_dir() and any(folder.glob(pattern)):
        return folder
    message = f"{what} not found at {folder} (set {variable})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _no_kept_results(monkeypatch):
    """No test reuses another's derived tables (evalkit.derived_cache): tests that replace the
    analysis must see their own; the cache's tests turn it on in a folder of their own."""
    monkeypatch.setenv("EVALKIT_CACHE_DIR", "off")
