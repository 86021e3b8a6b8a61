"""The notebook suite: committed executed, paired with text twins, and guarded by nbval.

``make test`` runs every notebook under nbval (``--nbval-lax``: cells marked
``# NBVAL_CHECK_OUTPUT`` must reproduce their stored output). The test here shows that this
guard works: a copy of a notebook whose stored key figure was altered fails under nbval,
while an unaltered copy of the same notebook passes the same cell.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"
MARKER = "# NBVAL_CHECK_OUTPUT"
#: The notebook copied and altered by the nbval test (one of the quicker ones).
GUARDED = NOTEBOOKS / "03_funds.ipynb"

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def test_the_suite_is_there():
    names = [p.stem for p in NOTEBOOK_FILES]
    assert [n[:2] for n in names] == ["01", "02", "03", "04", "05", "06"], names


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_is_committed_executed(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = _code_cells(nb)
    counts = [c["execution_count"] for c in cells]
    assert all(isinstance(n, int) for n in counts), f"unexecuted cells in {path.name}"
    assert counts == sorted(counts), f"{path.name} was not run top to bottom"
    errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name} holds an error output"
    marked = [c for c in cells if MARKER in _source(c)]
    assert marked, f"{path.name} marks no key-figure cell"
    assert all(c["outputs"] for c in marked), f"a marked cell of {path.name} has no output"
    images = [o for c in cells for o in c["outputs"] if "image/png" in o.get("data", {})]
    assert images, f"{path.name} shows no chart"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_and_its_py_percent_twin_agree(path):
    jupytext = pytest.importorskip("jupytext")
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{twin.name} missing: run `jupytext --sync {path.name}`"
    nb = jupytext.read(path)
    text = jupytext.read(twin)

    def cells(notebook):
        return [(c.cell_type, c.source.strip()) for c in notebook.cells]

    assert cells(nb) == cells(text), f"{path.name} and {twin.name} differ: run jupytext --sync"


def _alter_first_number(text: str) -> str:
    """Change the first figure after the header line of a stored output."""
    head, sep, body = text.partition("\n")
    match = re.search(r"\d", body)
    assert match, "no figure in the stored output"
    i = match.start()
    digit = str((int(body[i]) + 1) % 10)
    return head + sep + body[:i] + digit + body[i + 1 :]


def test_nbval_fails_when_a_marked_figure_changes(tmp_path):
    pytest.importorskip("nbval")
    nb = json.loads(GUARDED.read_text(encoding="utf-8"))
    cells = _code_cells(nb)
    index = next(
        i
        for i, c in enumerate(cells)
        if MARKER in _source(c) and any(o["output_type"] == "execute_result" for o in c["outputs"])
    )
    # Copies sit in <tmp>/notebooks beside a link to data/, as the notebooks read ../data.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    (tmp_path / "build").mkdir()
    unaltered = folder / "unaltered.ipynb"
    unaltered.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")

    result = next(o for o in cells[index]["outputs"] if o["output_type"] == "execute_result")
    for mime in ("text/plain", "text/html"):
        if mime in result["data"]:
            before = _text(result["data"][mime])
            result["data"][mime] = _alter_first_number(before)
            assert result["data"][mime] != before
    altered = folder / "altered.ipynb"
    altered.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")

    env = dict(os.environ, PYTHONWARNINGS="error:Glyph:UserWarning")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--color=no",
            "--nbval-lax",
            "--nbval-current-env",
            # One token: pytest would take a separate path argument for a test path and
            # look for its configuration (this project's pyproject.toml) above it.
            f"--nbval-sanitize-with={SANITIZE}",
            str(unaltered),
            str(altered),
        ],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert f"FAILED notebooks/altered.ipynb::Cell {index}" in out, out
    assert "Cell outputs differ" in out, out
    assert f"PASSED notebooks/unaltered.ipynb::Cell {index}" in out, out
    assert "FAILED notebooks/unaltered.ipynb" not in out, out


# --------------------------------------------------------------------------- the user's data


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_reads_its_data_folder_from_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = _code_cells(nb)
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: one cell tagged 'parameters' (papermill)"
    assert cells.index(tagged[0]) == 0, f"{path.name}: the parameters cell comes first"
    assert 'os.environ.get("EVALKIT_DATA", "../data")' in _source(tagged[0])
    others = "".join(_source(c) for c in cells if c is not tagged[0])
    assert "../data" not in others, f"{path.name} names the bundled data outside its parameters cell"
    assert "open_tables(DATA)" in others


def _unmarked_copy(path: Path, folder: Path) -> Path:
    """A copy of a notebook whose stored outputs are not compared (the data differ)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in _code_cells(nb):
        src = _source(cell).replace(MARKER + "\n", "").replace(MARKER, "")
        cell["source"] = src
    copy = folder / path.name
    copy.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return copy


def test_the_whole_suite_runs_on_another_data_folder(tmp_path):
    """nbval runs every notebook on tables extracted from a subset of the samples."""
    pytest.importorskip("nbval")
    from conftest import require_reports

    reports = require_reports()
    subset = sorted(reports.glob("*.txt"))
    subset = [p for p in subset if p.name[:3] in {"000", "001", "004"}] or subset[:3]
    data = tmp_path / "mydata"
    from evalkit.cli import main

    assert main(["extract", *map(str, subset), "--out", str(data), "-q"]) == 0
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (tmp_path / "build").mkdir()  # 06 writes ../build/workpaper.xlsx
    copies = [_unmarked_copy(p, folder) for p in NOTEBOOK_FILES]
    env = dict(os.environ, PYTHONWARNINGS="error:Glyph:UserWarning", EVALKIT_DATA=str(data))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--color=no", "--nbval-lax",
         "--nbval-current-env", f"--nbval-sanitize-with={SANITIZE}", *map(str, copies)],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "failed" not in out and " passed" in out, out
    # The notebooks did read the other folder: the workbook lists three reports, not five.
    import pandas as pd
    from openpyxl import load_workbook

    assert len(pd.read_csv(data / "reports.csv", encoding="utf-8-sig")) == len(subset)
    assert load_workbook(tmp_path / "build" / "workpaper.xlsx", read_only=True).sheetnames
