"""Shared test settings: where the sample reports are, and an output folder per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = Path(os.environ.get("EVALKIT_REPORTS", ROOT.parent / "shared" / "reports"))


def require_reports() -> Path:
    """The sample reports folder; fail in CI when it is missing, skip with a reason elsewhere."""
    if REPORTS_DIR.is_dir() and any(REPORTS_DIR.glob("*.txt")):
        return REPORTS_DIR
    message = f"sample reports not found at {REPORTS_DIR} (set EVALKIT_REPORTS)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _no_kept_results(monkeypatch):
    """No test reuses another's derived tables (evalkit.derived_cache): tests that replace the
    analysis must see their own; the cache's tests turn it on in a folder of their own."""
    monkeypatch.setenv("EVALKIT_CACHE_DIR", "off")
