"""Score evalkit's reading of the specimen gallery (``../shared/specimens``) against its expected files.

The gallery's ``expected/<stem>.json`` files were written by people reading each specimen: the
facts a careful reader extracts (report fields, budget, enrollment, funds and indicator rows).
This module reads every specimen with :func:`evalkit.read_report`, matches the extracted rows to
the expected ones and counts what was found, what was missed and what was produced that the
reader did not expect. ``tests/test_gallery.py`` asserts on these counts; run this module as a
script (``.venv/bin/python tests/gallery.py [STEM ...]``) to see every miss and every extra row.

Where the gallery's conventions and evalkit's data contract name a thing differently, the
mapping is written here and in ``docs/conventions.md`` ("The specimen gallery").
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GALLERY_DIR = Path(os.environ.get("EVALKIT_SPECIMENS", ROOT.parent / "shared" / "specimens"))

REPORT_FIELDS = [
    "department",
    "province",
    "city",
    "county",
    "fiscal_year",
    "report_kind",
    "evaluator",
    "total_score",
    "grade",
]
# The gallery's items of a project's funding block, and evalkit's items for each (docs/conventions.md,
# "The specimen gallery"): evalkit records a project's total funds as its 支出合计 and the funding
# sources under the names of vocab/funding_sources.csv.
ITEM_ALIASES = {
    "资金总额": {"支出合计"},
    "财政拨款": {"财政拨款收入"},
    "中央补助": {"中央财政资金"},
    "省级补助": {"省级财政资金"},
    "地方资金": {"县级财政资金", "市级财政资金", "地方财政资金"},
    "其他资金": {"其他来源资金", "其他收入"},
}
TABLES = ("budget", "enrollment", "funds", "indicators")
# The budget items the gallery records (its README, `budget`), in evalkit's names. evalkit also
# records finer items (the 三公 parts, 政府采购, the economic classification …) that the gallery
# does not list: an extracted row of such an item is neither a fact found nor an extra.
GALLERY_BUDGET_ITEMS = {
    "收入总计", "收入合计", "财政拨款收入", "其他收入", "上年结转结余", "支出总计", "支出合计", "基本支出",
    "人员经费", "公用经费", "项目支出", "年末结转结余", "当年结余", "累计结余", "财政拨款支出", "三公经费",
    "财政专户管理资金", "单位资金",
} | {item for items in ITEM_ALIASES.values() for item in items}


def _norm(text) -> str:
    """A label or name without spaces, ``<br>`` and ★ marks, for comparison."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    text = str(text).replace("<br>", "")
    return re.sub(r"[\s★☆]+", "", text)


def _num_equal(a, b) -> bool:
    a_missing = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))
    b_missing = b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b))
    if a_missing or b_missing:
        return a_missing and b_missing
    a, b = float(a), float(b)
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


_SCOPE_NOISE = re.compile(r"^(?:[0-9A-Za-z]{6,}[-－—_]?)|^(?:20\d\d年度?)|[（(][^）)]*[）)]|项目$")


def _scope_key(scope) -> str:
    text = _norm(scope)
    previous = None
    while previous != text:
        previous = text
        text = _SCOPE_NOISE.sub("", text)
    return text


def scope_equal(expected, got) -> bool:
    """``部门整体`` only with itself; project names loosely (one contains the other)."""
    e, g = _norm(expected), _norm(got)
    if e == "部门整体" or g == "部门整体":
        return e == g
    e, g = _scope_key(expected), _scope_key(got)
    return bool(e) and bool(g) and (e in g or g in e)


def _budget_match(exp: dict, got: dict) -> bool:
    items = ITEM_ALIASES.get(exp["item"], {exp["item"]})
    return (
        got["stage"] == exp["stage"]
        and got["item"] in items
        and _num_equal(got["amount_wan"], exp["amount_wan"])
        and scope_equal(exp["scope"], got["scope"])
    )


def _gallery_item(row: dict) -> bool:
    """True for a budget row of an item the gallery records (not a finer one, not one funding's part)."""
    return row["item"] in GALLERY_BUDGET_ITEMS and not _norm(row.get("funding"))


def _enrollment_match(exp: dict, got: dict) -> bool:
    return (
        _num_equal(got["year"], exp["year"])
        and got["scheme"] == exp["scheme"]
        and _num_equal(got["persons"], exp["persons"])
    )


def _funds_match(exp: dict, got: dict) -> bool:
    return (
        _num_equal(got["year"], exp["year"])
        and got["scheme"] == exp["scheme"]
        and got["flow"] == exp["flow"]
        and _num_equal(got["amount_wan"], exp["amount_wan"])
    )


def _indicator_match(exp: dict, got: dict) -> bool:
    return (
        all(_norm(got[k]) == _norm(exp[k]) for k in ("level1", "level2", "level3"))
        and all(_norm(got[k]) == _norm(exp[k]) for k in ("target_raw", "actual_raw"))
        and _num_equal(got["weight"], exp["weight"])
        and _num_equal(got["score"], exp["score"])
    )


MATCHERS = {
    "budget": _budget_match,
    "enrollment": _enrollment_match,
    "funds": _funds_match,
    "indicators": _indicator_match,
}


def _report_field_equal(name: str, expected, got) -> bool:
    if name in ("fiscal_year", "total_score"):
        return _num_equal(expected, got)
    return _norm(expected) == _norm(got)


@dataclass
class SpecimenScore:
    """What was found, missed and produced in excess for one specimen."""

    stem: str
    found: int = 0
    facts: int = 0
    missed: list = field(default_factory=list)  # (table, expected row)
    extra: list = field(default_factory=list)  # (table, extracted row)
    error: str | None = None


def _records(frame: pd.DataFrame) -> list[dict]:
    return [dict(zip(frame.columns, row)) for row in frame.itertuples(index=False)] if len(frame) else []


def score_specimen(path: Path, expected: dict) -> SpecimenScore:
    """Read one specimen and compare it with its expected facts."""
    import evalkit

    result = SpecimenScore(path.stem)
    try:
        report = evalkit.read_report(path)
    except Exception as exc:  # noqa: BLE001 - a specimen that cannot be read scores nothing, with the reason
        result.error = f"{type(exc).__name__}: {exc}"
        report = None
    meta = _records(report.reports)[0] if report is not None else {}
    for name in REPORT_FIELDS:
        value = expected["report"].get(name)
        if value is None:
            got = meta.get(name)
            if report is not None and _norm(got) != "":
                result.extra.append(("report", {name: got, "expected": None}))
            continue
        result.facts += 1
        if _report_field_equal(name, value, meta.get(name)):
            result.found += 1
        else:
            result.missed.append(("report", {name: value, "got": meta.get(name)}))
    for table in TABLES:
        got = _records(getattr(report, table)) if report is not None else []
        unmatched = list(range(len(got)))
        for exp in expected[table]:
            result.facts += 1
            hit = next((i for i in unmatched if MATCHERS[table](exp, got[i])), None)
            if hit is None:
                result.missed.append((table, exp))
            else:
                unmatched.remove(hit)
                result.found += 1
        # a figure stated twice (a table and a sentence) is two rows in evalkit: the second
        # statement of an expected fact is no extra
        restated = {i for i in unmatched if any(MATCHERS[table](exp, got[i]) for exp in expected[table])}
        result.extra.extend((table, got[i]) for i in unmatched
                            if i not in restated and (table != "budget" or _gallery_item(got[i])))
    return result


def specimens(folder: Path | None = None) -> list[tuple[Path, dict]]:
    """Every specimen of a gallery (default: the shared one) with its expected facts, by file name."""
    folder = GALLERY_DIR if folder is None else folder
    out = []
    for json_path in sorted((folder / "expected").glob("*.json")):
        expected = json.loads(json_path.read_text(encoding="utf-8"))
        out.append((folder / expected["file"], expected))
    return out


def score_gallery(stems: list[str] | None = None, folder: Path | None = None) -> list[SpecimenScore]:
    """Score every specimen (or those whose stem starts with one of ``stems``)."""
    return [
        score_specimen(path, expected)
        for path, expected in specimens(folder)
        if not stems or any(path.stem.startswith(s) for s in stems)
    ]


def share_found(scores: list[SpecimenScore], expected_by_stem: dict[str, dict], table: str) -> tuple[int, int]:
    """(facts found, facts) of one table over a set of scored specimens."""
    facts = found = 0
    for score in scores:
        expected = expected_by_stem[score.stem]
        n = (sum(v is not None for v in expected["report"].values()) if table == "report"
             else len(expected[table]))
        facts += n
        found += n - sum(1 for t, _ in score.missed if t == table)
    return found, facts


def _show_row(row: dict) -> str:
    keys = [k for k in row if k not in ("report_id", "source_file", "sha256")]
    shown = {k: row[k] for k in keys if k in (
        "scope", "stage", "item", "item_raw", "amount_wan", "year", "scheme", "flow", "persons",
        "level1", "level2", "level3", "weight", "target_raw", "actual_raw", "score", "raw", "source",
    ) or k not in ("parent", "funding", "note")}
    return ", ".join(f"{k}={v}" for k, v in shown.items() if not (isinstance(v, float) and math.isnan(v)) and v is not None and v is not pd.NA)


def main(argv: list[str]) -> int:
    verbose = "-q" not in argv
    stems = [a for a in argv if not a.startswith("-")]
    scores = score_gallery(stems)
    total_found = sum(s.found for s in scores)
    total_facts = sum(s.facts for s in scores)
    by_table: dict[str, list[int]] = {}
    for s in scores:
        print(f"{s.stem:45s} {s.found:3d}/{s.facts:3d}  extra {len(s.extra):3d}" + (f"  ERROR {s.error}" if s.error else ""))
        for table, row in s.missed:
            by_table.setdefault(table, [0, 0])[0] += 1
            if verbose:
                print(f"    - {table}: {_show_row(row)}")
        for table, row in s.extra:
            by_table.setdefault(table, [0, 0])[1] += 1
            if verbose:
                print(f"    + {table}: {_show_row(row)}")
    print(f"facts found: {total_found}/{total_facts} = {100 * total_found / max(total_facts, 1):.1f} %")
    print("missed / extra by table:", {k: tuple(v) for k, v in sorted(by_table.items())})
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1:]))
