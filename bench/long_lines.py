"""How the cost of reading one line grows with its length (issue 13: linear time on any line).

A report pasted without line breaks, or without full stops, is one line of any length. This
benchmark builds lines of several shapes from 1 000 to 1 000 000 characters, reads each as a
whole report with ``evalkit.read_report`` (what the user runs) and prints the time per
character: it should stay flat as the line grows. Run: ``.venv/bin/python bench/long_lines.py``
(``--max 100000`` for a quick look).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import evalkit

TITLE = "某县医疗保障局2023年度部门整体支出绩效自评报告\n"
SHAPES = {
    "clauses, no full stop": "全县参保人数43.01万人，基金收入2.5亿元，支出2.1亿元，预算安排120万元，实际支出118万元；",
    "sentences": "年初预算安排资金120万元，实际支出118万元，执行率98.3%。",
    "bare numbers": "编号 12 34 56.7 89 ",
    "words only": "持续深化医疗保障制度改革，不断提升经办服务水平，",
    "tab cells": "基本支出\t120.5\t118.2\t",
}


def measure(shape: str, unit: str, n: int, folder: Path) -> float:
    path = folder / f"{abs(hash(shape))}_{n}.txt"
    path.write_text(TITLE + (unit * (n // len(unit) + 1))[:n] + "\n", encoding="utf-8")
    start = time.perf_counter()
    evalkit.read_report(path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max", type=int, default=1_000_000, help="longest line, in characters")
    args = ap.parse_args(argv)
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max]
    print("| line shape | " + " | ".join(f"{n:,} chars" for n in sizes) + " | (µs per character) |")
    print("| --- | " + " | ".join("---:" for _ in sizes) + " | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("warm-up", SHAPES["sentences"], 1_000, folder)
        for shape, unit in SHAPES.items():
            cells = [f"{measure(shape, unit, n, folder) / n * 1e6:.1f}" for n in sizes]
            print(f"| {shape} | " + " | ".join(cells) + " | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
