"""The five sample reports against tables typed by hand from reading them (tests/expected/).

The expected tables were typed by people reading each report (see each folder's NOTES.md for
their judgement calls), never produced by the parser. A row of an expected table that the
parser does not yet reproduce is listed in ``KNOWN_GAPS`` with the reason; the test fails if
such a row starts to be reproduced (so the list stays true) or if any other row differs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPORTS_DIR, require_reports

EXPECTED = Path(__file__).parent / "expected"
KEYS = {
    "reports": [
        "department",
        "province",
        "city",
        "county",
        "fiscal_year",
        "report_kind",
        "evaluator",
        "report_date",
        "total_score",
        "grade",
        "grade_raw",
    ],
    "indicators": [
        "scope",
        "table",
        "seq",
        "level1",
        "level2",
        "level3",
        "weight",
        "target_raw",
        "actual_raw",
        "score",
        "line",
    ],
    "budget": ["scope", "stage", "item", "parent", "amount_wan", "line"],
    "enrollment": ["year", "scheme", "persons", "raw", "line"],
    "funds": ["year", "scheme", "flow", "amount_wan", "raw", "line"],
}
REPORT_IDS = sorted(p.name for p in EXPECTED.iterdir() if p.is_dir()) if EXPECTED.exists() else []


def _text(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = round(float(v), 6)
        return str(int(x)) if x.is_integer() else repr(x)
    s = str(v).strip()
    try:
        x = round(float(s), 6)
    except ValueError:
        return s
    return str(int(x)) if x.is_integer() else repr(x)


def normalise(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Extracted rows as text in the expected tables' form (line from source)."""
    df = df.copy()
    if "source" in df.columns:
        df["line"] = df["source"].str.rsplit(":", n=1).str[1]
    cols = KEYS[name]
    out = pd.DataFrame({c: [_text(v) for v in df[c].tolist()] for c in cols}, columns=cols)
    return out.astype(object)


def load_expected(rid: str, name: str) -> pd.DataFrame:
    df = pd.read_csv(
        EXPECTED / rid / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    cols = KEYS[name]
    return pd.DataFrame({c: [_text(v) for v in df[c].tolist()] for c in cols}, columns=cols).astype(
        object
    )


def diff(expected: pd.DataFrame, got: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows whose count differs between the two tables (n_exp, n_got)."""
    e = (
        expected.groupby(keys, dropna=False).size().rename("n_exp").reset_index()
        if len(expected)
        else pd.DataFrame(columns=keys + ["n_exp"])
    )
    g = (
        got.groupby(keys, dropna=False).size().rename("n_got").reset_index()
        if len(got)
        else pd.DataFrame(columns=keys + ["n_got"])
    )
    m = e.merge(g, on=keys, how="outer").fillna({"n_exp": 0, "n_got": 0})
    return m[m["n_exp"] != m["n_got"]]


@pytest.fixture(scope="module")
def corpus():
    require_reports()
    import evalkit

    return evalkit.read_reports(REPORTS_DIR)


@pytest.mark.parametrize("rid", REPORT_IDS)
@pytest.mark.parametrize("name", list(KEYS))
def test_sample_table_matches_hand_typed(corpus, rid, name):
    table = getattr(corpus, name)
    got = normalise(name, table[table["report_id"] == rid])
    expected = load_expected(rid, name)
    bad = diff(expected, got, KEYS[name])
    assert bad.empty, f"{rid} {name}:\n{bad.to_string(max_colwidth=30)}"
