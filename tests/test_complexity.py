"""Every function of evalkit is small enough to read: ruff's complexity rule C901 at 15, on the
whole package and with no exception (pyproject.toml sets it for `make lint` too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_no_function_of_the_package_is_over_complexity_15():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:  # pragma: no cover - ruff is a dev dependency
        pytest.fail("ruff is not installed (pip install -e '.[dev]')")
    out = subprocess.run([ruff, "check", "--select", "C901", "--config", "lint.mccabe.max-complexity=15",
                          "--no-cache", str(ROOT / "src" / "evalkit")],
                         capture_output=True, text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
