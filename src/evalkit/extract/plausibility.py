"""Extraction suspects: figures whose size says that the reading, not the report, went wrong.

A weight of 1010 (分值 10 and 得分 10 glued together when a table was flattened), an execution
rate of 10001000100 %, a head count larger than the country: such a figure is not placed as a
fact. It leaves its table and goes to the residue with the reason, so that a reader can look at
the line. The bounds live in ``vocab/plausibility.csv`` (table, column, low, high, reason).
"""

from __future__ import annotations

import functools
import logging
import math

from evalkit import vocab

__all__ = ["set_aside_suspects"]

log = logging.getLogger(__name__)


@functools.cache
def _bounds() -> dict[str, tuple[tuple[str, float, float, str], ...]]:
    out: dict[str, list] = {}
    for row in vocab.load("plausibility"):
        low = float(row["low"]) if row["low"] else -math.inf
        high = float(row["high"]) if row["high"] else math.inf
        out.setdefault(row["table"], []).append((row["column"], low, high, row["reason"]))
    return {table: tuple(rules) for table, rules in out.items()}


def _suspect(row: dict, rules) -> str | None:
    for column, low, high, reason in rules:
        value = row.get(column)
        if value is None:
            continue  # (most cells of a row: no figure to bound)
        kind = type(value)
        if kind is float or kind is int:  # (the figures the readers make: told without isinstance)
            if low <= value <= high or math.isnan(value):  # (NaN: no figure)
                continue
            return reason
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)
        if number and not low <= value <= high:
            return reason
    return None


def set_aside_suspects(tables: dict[str, list[dict]], line_of: dict[str, int], report_id: str) -> list[dict]:
    """Remove implausible rows from ``tables`` (in place) and return them as residue rows.

    Parameters
    ----------
    tables : dict of str to list of dict
        Rows by table name, as the extractors built them (each with its ``source``).
    line_of : dict of str to int
        The line of each source (``'<report_id>:<locator>'`` → line number).
    report_id : str

    Returns
    -------
    list of dict
        Residue rows (report_id, line, text, reason, source), one per row set aside.

    Examples
    --------
    >>> tables = {"indicators": [{"level3": "参保率", "weight": 1010.0, "score": None, "source": "r:7"},
    ...                          {"level3": "满意度", "weight": 10.0, "score": 9.0, "source": "r:8"}]}
    >>> residue = set_aside_suspects(tables, {"r:7": 7, "r:8": 8}, "r")
    >>> [row["level3"] for row in tables["indicators"]], residue[0]["line"], residue[0]["reason"].split("，")[0]
    (['满意度'], 7, '存疑：分值超出0-100')
    """
    residue = []
    for name, rules in _bounds().items():
        rows = tables.get(name)
        if not rows:
            continue
        kept = []
        for row in rows:
            reason = _suspect(row, rules)
            if reason is None:
                kept.append(row)
                continue
            values = "，".join(f"{c}={row.get(c)}" for c, *_ in rules if row.get(c) is not None)
            log.info("%s: %s set aside (%s): %s", row.get("source"), name, values, reason)
            residue.append({"report_id": report_id, "line": line_of.get(row.get("source"), 0),
                            "text": f"{name}: {values}"[:160], "reason": reason, "source": row.get("source")})
        rows[:] = kept
    return residue
