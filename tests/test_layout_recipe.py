"""docs/recipes/adding-a-layout.md, run as written: its code is the text reader's code, and the
report on the page gives the hand-typed rows on the page with the layout and none without."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import evalkit
from evalkit.readers import text

RECIPE = Path(__file__).parents[1] / "docs" / "recipes" / "adding-a-layout.md"
COLUMNS = ["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]


def fenced(page: Path) -> list[tuple[str, str]]:
    """The fenced blocks of a page: (info string, body), in order."""
    found = re.findall(r"^```([^\n]*)\n(.*?)^```", page.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    return [(info.strip(), body) for info, body in found]


def blocks(page: Path) -> dict[str, str]:
    """The fenced blocks of a page by their info string ('text report.txt' …)."""
    return dict(fenced(page))


def rows(path: Path) -> list[tuple]:
    ind = evalkit.read_report(path).indicators
    out = ind[COLUMNS].assign(line=ind["source"].str.rsplit(":", n=1).str[1].astype(int))
    return [tuple(None if pd.isna(v) else v for v in r) for r in out.itertuples(index=False)]


def test_the_recipes_code_is_the_readers_code():
    code = [body for info, body in fenced(RECIPE) if info.startswith("python")]
    source = Path(text.__file__).read_text(encoding="utf-8")
    assert len(code) == 3 and all(body.strip() in source for body in code)
    assert [layout.name for layout in text.LAYOUTS][:4] == ["html", "grid", "pipe", "box"]


def test_the_recipes_report_gives_the_typed_rows_with_the_layout_and_none_without(tmp_path, monkeypatch):
    page = blocks(RECIPE)
    report = tmp_path / "report.txt"
    report.write_text(page["text report.txt"], encoding="utf-8")
    expected = [line.split(",") for line in page["text expected indicators"].strip().splitlines()[1:]]
    expected = [(*r[:5], float(r[5]), float(r[6]), int(r[7])) for r in expected]
    assert rows(report) == expected
    (table,) = text.load_document(report).tables
    assert table.layout == "box" and len(table.rows) == 4  # the header and three rows

    monkeypatch.setattr(text, "LAYOUTS", [layout for layout in text.LAYOUTS if layout.name != "box"])
    without = evalkit.read_report(report)
    assert without.indicators.empty  # narrative lines: no table, no indicator row
