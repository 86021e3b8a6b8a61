"""Time each chart of ``build_charts`` on extracted tables, with the unit cap and without it.

    .venv/bin/python bench/charts.py TABLES_DIR [--max-units N|none] [--out DIR]

``TABLES_DIR`` is a folder written by ``evalkit extract`` (e.g. of a corpus made with
``bench/corpus.py``). Prints, per chart, the seconds to make the figure and to save it (PNG and
SVG), the number of text objects drawn and the figure's size in inches.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tables", type=Path)
    parser.add_argument("--max-units", default="20", help="a number, or 'none' for every unit")
    parser.add_argument("--out", type=Path, help="folder for the charts (default: a temporary one)")
    args = parser.parse_args(argv)
    max_units = None if args.max_units.lower() == "none" else int(args.max_units)

    from evalkit import plotting
    from evalkit.analysis import derive
    from evalkit.export import read_tables

    start = time.perf_counter()
    tables = read_tables(args.tables)
    derived = derive(tables)
    print(f"read and derive: {time.perf_counter() - start:.1f} s, {len(tables['reports'])} reports")
    reports = tables["reports"]
    plan = {
        "enrollment": (plotting.plot_enrollment, tables.get("enrollment"), True),
        "funds_income_expense": (plotting.plot_funds, tables.get("funds"), True),
        "budget_execution": (plotting.plot_execution, derived.get("execution"), True),
        "budget_structure": (plotting.plot_budget_structure, tables.get("budget"), True),
        "indicator_achievement": (plotting.plot_achievement, derived.get("achievement"), True),
        "findings_by_rule": (plotting.plot_findings, derived.get("findings"), False),
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        total = 0.0
        for stem, (func, table, capped) in plan.items():
            if table is None or len(table) == 0:
                print(f"{stem:24s} no data")
                continue
            a = time.perf_counter()
            fig = func(table, reports, max_units=max_units) if capped else func(table, reports)
            b = time.perf_counter()
            plotting.save_chart(fig, out / stem)
            c = time.perf_counter()
            texts = len(fig.findobj(lambda o: hasattr(o, "get_text")))
            width, height = fig.get_size_inches()
            print(f"{stem:24s} make {b - a:6.1f} s  save {c - b:6.1f} s  texts {texts:6d}  "
                  f"size {width:.1f} x {height:.1f} in")
            total += c - a
        print(f"charts: {total:.1f} s (max_units={max_units})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
