"""Who took each number of a report, and who left it out and why: the readers' ledger, shown.

Every number the readers place in a table is recorded in the ledger of the report's
:class:`~evalkit.extract.context.ReportContext` with the reader that took it (``indicators``,
``metadata``, ``tables``, ``fund_tables``, ``procurement``, ``narrative``); a number a reader saw and deliberately left out is
recorded with its reason. :func:`explain` reads a report and lists, line by line, every number
found in its text with what became of it — the answer to "why is this figure (not) in my
table?" when a report is read in an unexpected way.
"""

from __future__ import annotations

import os

import pandas as pd

from evalkit.extract.context import ledger_keys
from evalkit.quantities import find_quantities
from evalkit.readers import load_any

__all__ = ["STATUSES", "explain"]

#: What became of a number, in the ``status`` column of :func:`explain`.
STATUSES = {
    "taken": "已取用",  # placed in a table by the readers named in ``taken_by``
    "left": "有意略过",  # a reader saw it and left it out, for the reason given
    "residue": "未取用",  # in no table: the line is in the residue, with its reason
    "ignored": "不属任何表",  # a date, a duration, a count of no table: ignored by rule
}


def explain(path: str | os.PathLike, lines: list[int] | None = None) -> pd.DataFrame:
    """Read a report and list every number of its text with what became of it.

    Parameters
    ----------
    path : str or path-like
        A report file (any format :func:`evalkit.read_report` reads).
    lines : list of int, optional
        Only these (1-based) lines; default every line with a number.

    Returns
    -------
    DataFrame
        One row per number found: ``line``, ``number`` (as written), ``status`` (a value of
        :data:`STATUSES`), ``taken_by`` (the readers that placed it, ``'、'``-joined), ``reason``
        (why it was left out, or the residue's reason for its line), ``part`` (the kind of table
        part the line stands in and the reader that owns it, as the tables were classified; empty
        on a text line) and ``text`` (the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "r.txt").write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\\n"
    ...     "2023年末全县参保人数43.01万人，年初预算支出120.5万元。\\n", encoding="utf-8")
    >>> out = explain(d / "r.txt", lines=[2])
    >>> out[["number", "status", "taken_by"]].values.tolist()
    [['2023', '不属任何表', ''], ['43.01', '已取用', 'narrative'], ['120.5', '已取用', 'narrative']]
    """
    from evalkit.report import _extract_in_context  # (the reader: imported when asked)

    doc = load_any(path)
    rows, ctx = _extract_in_context(doc)
    residue = {}
    for r in rows["residue"]:
        residue.setdefault(r["line"], r["reason"])
    refused = {}
    for line, key, owner, reason in ctx.refusals:
        refused.setdefault((line, key), f"{owner}：{reason}" if owner else reason)
    wanted = set(lines) if lines else None
    part_of = _parts_by_line(doc, ctx)
    out = []
    for number, text in enumerate(doc.lines, start=1):
        if wanted is not None and number not in wanted:
            continue
        for found in find_quantities(text):
            keys = ledger_keys(found.quantity)
            if not keys:
                continue
            takers = [o for k in keys for o in ctx.takers.get((number, k), ())]
            left = next((refused[(number, k)] for k in keys if (number, k) in refused), None)
            if takers:
                status, reason = "taken", ""
            elif left:
                status, reason = "left", left
            elif number in residue:
                status, reason = "residue", residue[number]
            else:
                status, reason = "ignored", ""
            out.append({"line": number, "number": found.quantity.raw if not found.quantity.text_value
                        else found.quantity.text_value, "status": STATUSES[status],
                        "taken_by": "、".join(dict.fromkeys(t or "?" for t in takers)), "reason": reason,
                        "part": part_of.get(number, ""), "text": text.strip()})
    columns = ["line", "number", "status", "taken_by", "reason", "part", "text"]
    frame = pd.DataFrame(out, columns=columns)
    return frame.astype({"line": "Int64", **{c: "str" for c in columns[1:]}})


def _parts_by_line(doc, ctx) -> dict[int, str]:
    """The kind of table part each line of a table stands in ('绩效指标表（indicators）'), as the
    classifier gave it (:mod:`evalkit.extract.classify`)."""
    out: dict[int, str] = {}
    for part in ctx.table_map.parts:
        shown = f"{part.label}（{part.owner}）" if part.owner else part.label
        for row in doc.tables[part.table].rows[part.start: part.stop]:
            for cell in row.cells:
                out.setdefault(cell.line, shown)
    return out
