"""Government procurement (政府采购信息表, and purchases described in sentences): one row per purchase.

A table is one when its header names the purchase (项目名称) and at least a budget or an
actual amount; the words are in ``vocab/procurement_headers.csv`` and the methods in
``vocab/procurement_methods.csv``. The table's 合计 row is kept (name 合计) so that a check can
add the purchases up; the budget table takes the same row as its 政府采购 figure.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from evalkit import vocab
from evalkit.document import Table
from evalkit.extract.context import (
    ReportContext,
    caption_of,
    compact,
    declared_unit,
    is_total_label,
)
from evalkit.quantities import fold, is_missing, parse_number, parse_quantity, to_wan
from evalkit.schema import SCHEMAS

__all__ = ["PROCUREMENT_COLUMNS", "Procurement", "ProcurementTotal", "extract_procurement", "procurement_header_row"]

PROCUREMENT_COLUMNS = SCHEMAS["procurement"]
_MONEY = ("budget_wan", "actual_wan", "deal_wan")


@functools.cache
def _header_words() -> dict[str, str]:
    return {compact(k): v for k, v in vocab.synonyms("procurement_headers", "column").items()}


def _roles(texts: list[str]) -> list[str | None]:
    syn = _header_words()
    return [syn.get(compact(t)) for t in texts]


def _is_header(texts: list[str]) -> bool:
    roles = _roles(texts)
    return "name" in roles and any(x in roles for x in _MONEY)


def procurement_header_row(table: Table) -> int | None:
    """The first row of ``table`` that heads a procurement table (a purchase's name and its
    money), or None (the classifier's recogniser, :mod:`evalkit.extract.classify`).

    Examples
    --------
    >>> from evalkit.document import Cell, Row
    >>> t = Table([Row([Cell(w, 1) for w in ("序号", "项目名称", "预算金额", "实际执行金额")]),
    ...            Row([Cell(w, 2) for w in ("1", "复印纸", "4000", "3900")])], "tabs")
    >>> procurement_header_row(t)
    0
    """
    return next((i for i, row in enumerate(table.rows) if _is_header(row.texts)), None)


@functools.cache
def _statement_re() -> re.Pattern[str]:
    words = vocab.load("procurement_headers")
    budget = "|".join(re.escape(r["word"]) for r in words if r["column"] == "budget_wan")
    actual = "|".join(re.escape(r["word"]) for r in words if r["column"] in ("actual_wan", "deal_wan"))
    methods = "|".join(re.escape(r["method"]) for r in vocab.load("procurement_methods"))
    num = r"\d+(?:,\d{3})*(?:\.\d+)?"
    return re.compile(
        rf"(?P<name>[^；;。，,]+?)\s*[，,]?\s*(?:{budget})\s*(?:为)?\s*(?P<b>{num})\s*(?P<ub>万元|元)\s*[，,]\s*"
        rf"(?:{actual})\s*(?:为)?\s*(?P<a>{num})\s*(?P<ua>万元|元)(?:\s*[，,]\s*(?P<method>{methods}))?"
    )


@functools.cache
def _figures_re() -> re.Pattern[str]:
    """A budget word with a number after it, then an actual one: a line without them holds no
    purchase."""
    words = vocab.load("procurement_headers")
    budget = "|".join(re.escape(r["word"]) for r in words if r["column"] == "budget_wan")
    actual = "|".join(re.escape(r["word"]) for r in words if r["column"] in ("actual_wan", "deal_wan"))
    return re.compile(rf"(?:{budget})\s*(?:为)?\s*\d[^。；;]*?(?:{actual})\s*(?:为)?\s*\d")


_PURCHASE_WORD = re.compile("采购")


def _statements(ctx: ReportContext) -> list[dict]:
    """Purchases described in sentences: '购 A4 复印纸预算金额 4000 元，实际执行金额 3900 元，自行采购'."""
    out = []
    lines = ctx.doc.text_lines
    # (only a line with 采购 can state a purchase: one search over the joined lines finds them)
    for k in ctx.doc.text_lines_matching(_PURCHASE_WORD):
        tl = lines[k]
        text = fold(tl.text)
        if not _figures_re().search(text):
            continue  # (the statement's pattern is slow on long lines: it is tried only where it can match)
        for m in _statement_re().finditer(text):
            rec = {c: None for c in PROCUREMENT_COLUMNS}
            name = re.sub(r"^\s*(?:[;；。]|其中[:：]?)\s*", "", m.group("name")).strip()
            if name.endswith("政府"):
                continue  # '政府采购预算12.5万元，实际采购金额…': the department's procurement budget (budget)
            rec.update(report_id=ctx.doc.report_id, name=name, method=m.group("method"),
                       source=ctx.source(tl.line))
            for col, g, u in (("budget_wan", "b", "ub"), ("actual_wan", "a", "ua")):
                q = parse_quantity(m.group(g) + m.group(u))
                rec[col] = to_wan(q)
                ctx.place(tl.line, q.text_value)
            ctx.place_text(tl.line, name)
            out.append(rec)
    return out


class ProcurementTotal(NamedTuple):
    """The 合计 row of a procurement table: the department's procurement budget and spending (万元)."""

    line: int
    caption: str | None
    budget_wan: float | None
    actual_wan: float | None


class Procurement(NamedTuple):
    """What the procurement reader read: the purchases, and the totals of its tables."""

    purchases: list[dict]
    totals: list[ProcurementTotal]


def extract_procurement(ctx: ReportContext) -> Procurement:
    """Every purchase of the report's procurement tables and sentences (numbers placed in the
    ledger), and the 合计 rows of the tables (the table reader makes them the 政府采购 budget)."""
    found = Procurement(_statements(ctx), [])
    for number in ctx.table_map.tables_with("procurement"):  # (the tables classified once: classify.py)
        _table_purchases(ctx, ctx.doc.tables[number], found)
    return found


def _table_purchases(ctx: ReportContext, table: Table, found: Procurement) -> None:
    roles = None
    header_texts = None
    unit = "元"
    caption = None
    for idx, row in enumerate(table.rows):
        if _is_header(row.texts):
            roles, header_texts = _roles(row.texts), row.texts
            caption = caption_of(table, idx)
            unit = declared_unit([caption or ""] + [t.text for t in table.context]) or "元"
            continue
        if roles is None or row.texts == header_texts or row.is_empty():
            continue
        values = {role: (row.texts[i] if i < len(row.texts) else "") for i, role in enumerate(roles) if role}
        first = next((t for t in row.texts if t), "")
        total = is_total_label(first)
        if total:
            values["name"] = first  # the total row: kept, so that a check can add the rows up
        if not values.get("name"):
            continue
        rec = _purchase(ctx, row, values, unit)
        found.purchases.append(rec)
        if total:
            found.totals.append(ProcurementTotal(row.line, caption, rec["budget_wan"], rec["actual_wan"]))


def _purchase(ctx: ReportContext, row, values: dict[str, str], unit: str) -> dict:
    rec = {c: None for c in PROCUREMENT_COLUMNS}
    rec.update(report_id=ctx.doc.report_id, source=ctx.source(row.line), name=values["name"])
    seq = parse_number(values.get("seq", "") or "")
    rec["seq"] = int(seq) if seq is not None and float(seq).is_integer() else None
    for col in _MONEY:
        text = values.get(col)
        if text and not is_missing(text):
            q = parse_quantity(text)
            if q is not None and q.value is not None:
                rec[col] = to_wan(q, unit)
                ctx.place(row.line, q.text_value)
    for col in ("method", "supplier", "agent"):
        text = values.get(col)
        rec[col] = None if not text or is_missing(text) else text
    if rec["seq"] is not None:
        ctx.place(row.line, values["seq"])
    ctx.place_text(row.line, rec["name"])
    return rec
