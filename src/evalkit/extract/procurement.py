"""Government procurement tables (政府采购信息表): one row per purchase.

A table is one when its header names the purchase (项目名称) and at least a budget or an
actual amount; the words are in ``vocab/procurement_headers.csv``. The 合计 row is the
budget table's 政府采购 figure and is left to :mod:`evalkit.extract.budget`.
"""

from __future__ import annotations

from evalkit import vocab
from evalkit.extract.context import ReportContext, caption_of, compact, declared_unit
from evalkit.quantities import is_missing, parse_number, parse_quantity, to_wan

__all__ = ["PROCUREMENT_COLUMNS", "extract_procurement"]

PROCUREMENT_COLUMNS = ["report_id", "seq", "name", "budget_wan", "actual_wan", "method", "supplier", "deal_wan",
                       "agent", "source"]
_MONEY = ("budget_wan", "actual_wan", "deal_wan")


def _roles(texts: list[str]) -> list[str | None]:
    syn = {compact(k): v for k, v in vocab.synonyms("procurement_headers", "column").items()}
    return [syn.get(compact(t)) for t in texts]


def extract_procurement(ctx: ReportContext) -> list[dict]:
    """Every purchase row of the report's procurement tables (numbers placed in the ledger)."""
    out: list[dict] = []
    for table in ctx.doc.tables:
        roles = None
        header_texts = None
        unit = "元"
        for idx, row in enumerate(table.rows):
            r = _roles(row.texts)
            if "name" in r and any(x in r for x in _MONEY):
                roles, header_texts = r, row.texts
                unit = declared_unit([caption_of(table, idx) or ""] + [t.text for t in table.context]) or "元"
                continue
            if roles is None or row.texts == header_texts or row.is_empty():
                continue
            values = {role: (row.texts[i] if i < len(row.texts) else "") for i, role in enumerate(roles) if role}
            first = next((t for t in row.texts if t), "")
            if compact(first) in ("合计", "总计", "小计"):
                values["name"] = first  # the total row: kept, so that a check can add the rows up
            if not values.get("name"):
                continue
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
            out.append(rec)
    return out
