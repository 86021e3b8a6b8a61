"""Compare extracted tables with the hand-typed expected tables (a debugging aid for developers).

Run from the project folder: ``.venv/bin/python tools/compare_expected.py``; it prints the rows
that differ, table by table (the test ``tests/test_samples.py`` fails on the same rows).
"""

import sys
from pathlib import Path

import pandas as pd

import evalkit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_samples import KEYS, normalise, load_expected  # noqa

REPORTS = Path(__file__).resolve().parent.parent.parent / "shared" / "reports"
c = evalkit.read_reports(REPORTS)
tabs = c.tables()
EXPECTED = Path(__file__).resolve().parent.parent / "tests" / "expected"
for rid_dir in sorted(p for p in EXPECTED.iterdir() if p.is_dir()):
    rid = rid_dir.name
    for name, keys in KEYS.items():
        exp = load_expected(rid, name)
        got = normalise(name, tabs[name][tabs[name]["report_id"] == rid])
        e = (
            exp.value_counts().rename("n").reset_index()
            if len(exp)
            else pd.DataFrame(columns=keys + ["n"])
        )
        g = (
            got.value_counts().rename("n").reset_index()
            if len(got)
            else pd.DataFrame(columns=keys + ["n"])
        )
        m = e.merge(g, on=keys, how="outer", suffixes=("_exp", "_got")).fillna(
            {"n_exp": 0, "n_got": 0}
        )
        bad = m[m["n_exp"] != m["n_got"]]
        if len(bad):
            print(f"== {rid} {name}: {len(bad)} differing rows")
            print(bad.to_string(max_colwidth=28))
