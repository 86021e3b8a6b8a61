"""Checks of the reader's optional tables: ``assets`` (资产总额 − 负债总额 = 净资产), ``staff``
(categories against their total, one category stated with different values) and
``procurement`` (rows against the 合计 row, purchases the text lists differently, gaps in the
序号) (rule codes ``assets-identity-mismatch``, ``parts-exceed-total``,
``parts-short-of-total``, ``staff-conflict``, ``procurement-conflict``,
``procurement-seq-gap``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from .._common import (
    fmt,
    fold_text,
    join_sources,
    lines_label,
    num,
    records,
    round_half_up,
    source_line,
    text,
)
from ._base import (
    Context,
    Finding,
    _compare_sum,
    _conflicts,
    _ctx,  # noqa: F401 (used by the doctests)
    _figures,
    _mode_first,
    _parts_finding,
    _same_line_identities,
    _sources,
    check,
    first_reason,
    grouped_records,
    record_groups,
    uncertain_rows,
)


@check("assets")
def check_assets(ctx: Context) -> Iterator[Finding]:
    """资产总额 − 负债总额 = 净资产, from an optional ``assets`` table.

    Examples
    --------
    >>> a = pd.DataFrame({"report_id": ["r"] * 3, "item": ["资产总额", "负债总额", "净资产"],
    ...                   "amount_wan": [160.01, 0.0, 159.83], "source": ["r:57"] * 3})
    >>> [(f.expected, f.observed) for f in check_assets(_ctx(assets=a))]
    [('160.01', '159.83')]
    """
    assets = ctx.tables.get("assets")
    if assets is None or assets.empty:
        return
    items = ("资产总额", "负债总额", "净资产")
    raw = "raw" if "raw" in assets else None
    assets = assets[assets["item"].isin(items).to_numpy(dtype=bool)]
    for (rid,), rows in grouped_records(assets, ["report_id"]):
        figs = {item: _figures([r for r in rows if r["item"] == item], "amount_wan", raw)
                for item in items}
        if not all(figs.values()):
            continue
        a, liab, net = (_mode_first(figs[i]) for i in ("资产总额", "负债总额", "净资产"))
        expected = a.value - liab.value
        if abs(expected - net.value) > a.tol + liab.tol + net.tol + 1e-9:
            yield Finding(rid, "assets-identity-mismatch", "错误",
                          f"资产总额{fmt(a.value)} − 负债总额{fmt(liab.value)} = {fmt(round_half_up(expected, 6))}，"
                          f"与净资产{fmt(net.value)}不符",
                          fmt(round_half_up(expected, 6)), fmt(net.value),
                          round_half_up(net.value - expected, 6), _sources(a, liab, net))


@check("staff")
def check_staff(ctx: Context) -> Iterator[Finding]:
    """Staff totals against the categories stated with them, from the ``staff`` table.

    The breakdowns are in ``rules/identities.csv`` (实有人数 = 行政人员 + 事业人员 + 编外人员,
    = 公务员 + 参公人员 + 事业人员, = 在职人员 + 其他人员; 编制数 = 行政编制 + 事业编制); the
    parts must stand on the total's line.

    Examples
    --------
    >>> s = pd.DataFrame({"report_id": ["r"] * 5,
    ...     "category": ["实有人数", "公务员", "参公人员", "事业人员", "退休人员"],
    ...     "persons": [75, 5, 8, 63, 7], "raw": ["75人", "5人", "8人", "63人", "7人"],
    ...     "source": ["r:35"] * 5})
    >>> [(f.rule, f.expected, f.observed) for f in check_staff(_ctx(staff=s))]
    [('parts-exceed-total', '75', '76')]
    """
    yield from _same_line_identities(ctx, "staff", "persons", [], category="category")


#: Staff categories that are no single quantity: the reader puts 局长, 副局长 and the 领导职数
#: (different posts) all under 领导职数.
_STAFF_LUMPED = ("领导职数",)
#: Categories whose rows are compared only when the report uses the same words for them.
_STAFF_SAME_WORDS = ("在职人员",)


@check("staff-conflicts")
def check_staff_conflicts(ctx: Context) -> Iterator[Finding]:
    """The same staff quantity (report, category) stated with different values.

    Categories that lump several posts together (领导职数) are not compared; rows of
    在职人员 only when their words (``category_raw``) are the same.

    Examples
    --------
    >>> s = pd.DataFrame({"report_id": ["r"] * 4, "category": ["编制数", "行政编制", "编制数", "领导职数"],
    ...     "category_raw": ["编制人数", "行政编制", "编制控制数", "局长"], "persons": [24, 5, 23, 1],
    ...     "raw": ["24人", "5人", "23", "1名"], "source": ["r:38", "r:38", "r:96", "r:40"]})
    >>> [(f.rule, f.expected, f.observed, f.sources) for f in check_staff_conflicts(_ctx(staff=s))]
    [('staff-conflict', '24', '23', 'r:38;r:96')]

    编制人数 24 (L38) and 编制控制数 23 (L96) are one 编制数 stated twice; the 局长 is a post among
    the 领导职数 and is not compared.
    """
    staff = ctx.tables.get("staff")
    if staff is None or staff.empty or "category" not in staff.columns:
        return
    staff = staff[staff["category"].notna() & ~staff["category"].isin(_STAFF_LUMPED)]
    words = (staff["category_raw"] if "category_raw" in staff.columns
             else pd.Series(pd.NA, index=staff.index, dtype="object"))
    staff = staff.assign(_words=words.where(staff["category"].isin(_STAFF_SAME_WORDS), ""))
    # head counts of one unit of the department (区医保局机关, 事务中心) are not the department's
    units = staff["org_unit"].fillna("") if "org_unit" in staff.columns else pd.Series("", index=staff.index)
    staff = staff.assign(_unit=units)
    staff["_unsure"] = uncertain_rows("staff", staff)
    raw_col = "raw" if "raw" in staff.columns else None
    staff = staff.assign(_said=words)
    keys = ["report_id", "category", "_words", "_unit"]
    staff = staff[staff.groupby(keys, dropna=False, sort=False)["category"].transform("size") > 1]
    for (rid, category, _, _unit), rows in record_groups(staff, keys).items():
        said = [w for w in dict.fromkeys(text(r["_said"]) for r in rows) if w and w != category]
        what = f"{category}（{'、'.join(said)}）" if said else str(category)
        yield from _conflicts(rid, what, _figures(rows, "persons", raw_col), "人",
                              "staff-conflict", scale=False,
                              unclear=first_reason(r["_unsure"] for r in rows))


def _procurement_blocks(rows: pd.DataFrame) -> pd.Series:
    """Which statement each procurement row belongs to: a sentence listing several purchases
    on one line (``'L132'``), or the table (one row per line)."""
    lines = rows["source"].map(source_line)
    counts = lines.value_counts()
    return lines.map(lambda ln: f"L{ln}" if counts.get(ln, 0) > 1 else "表")


def _purchase_key(name: object) -> str:
    return re.sub(r"\(.*?\)$", "", fold_text(name))


@check("procurement")
def check_procurement(ctx: Context) -> Iterator[Finding]:
    """A procurement table's rows against its 合计 row, gaps in its 序号, and purchases the
    text lists with other amounts or another method than the table.

    Examples
    --------
    >>> p = pd.DataFrame({"report_id": ["r"] * 5, "seq": [None, None, "1", "3", None],
    ...     "name": ["委托经办", "空调", "委托经办（续签）", "空调", "合计"],
    ...     "budget_wan": [180.0, 1.35, 180.0, 1.35, 181.85],
    ...     "actual_wan": [180.0, 1.2625, 180.0, 1.2625, 181.2625],
    ...     "method": ["自行采购", "自行采购", "单一来源", "自行采购", None],
    ...     "source": ["r:132", "r:132", "r:138", "r:142", "r:146"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_procurement(_ctx(procurement=p))]
    [('parts-short-of-total', '181.85', '181.35'), ('procurement-conflict', '单一来源', '自行采购'), ('procurement-seq-gap', '2', '')]

    180 + 1.35 = 181.35, not 181.85; 180 + 1.2625 = 181.2625 as stated; the text says 自行采购
    where the table says 单一来源; 序号 2 is missing.
    """
    table = ctx.tables.get("procurement")
    if table is None or table.empty or "name" not in table.columns:
        return
    labels = {"budget_wan": "预算金额", "actual_wan": "实际执行金额", "deal_wan": "成交金额"}
    for rid, rows in table.groupby("report_id", sort=False):
        rows = rows.assign(_block=_procurement_blocks(rows))
        is_total = rows["name"].map(fold_text).isin(["合计", "总计"])
        for block, in_block in rows.groupby("_block", sort=False):
            items, totals = in_block[~is_total[in_block.index]], in_block[is_total[in_block.index]]
            for column, label in labels.items():
                if column not in rows.columns or totals.empty:
                    continue
                total = _figures(totals, column)
                parts = [_figures([r], column) for r in records(items)]
                parts = [p for p in parts if p]
                if not total or not parts:
                    continue
                ok, t, choice, s, diff = _compare_sum(total, parts)
                finding = None if ok else _parts_finding(
                    rid, f"政府采购表{label}合计", t, choice, s, diff, True, len(choice))
                if finding:
                    yield finding
        yield from _procurement_conflicts(rid, rows[~is_total])
        in_table = rows[(rows["_block"] == "表") & ~is_total]
        seqs = sorted({int(x) for x in in_table.get("seq", pd.Series(dtype="str")).dropna()
                       if str(x).strip().isdigit()})
        missing = [n for n in range(seqs[0], seqs[-1] + 1) if n not in seqs] if seqs else []
        if missing:
            shown = "、".join(map(str, missing))
            yield Finding(rid, "procurement-seq-gap", "提示",
                          f"政府采购表序号跳过{shown}（可能漏列一行，或只是编号有误）", shown, "", None,
                          join_sources(in_table["source"]))


def _procurement_conflicts(rid: str, items: pd.DataFrame) -> Iterator[Finding]:
    """Purchases listed in a sentence and in the table (matched by name, in order) that differ."""
    table = records(items[items["_block"] == "表"])
    for block, sentence in items[items["_block"] != "表"].groupby("_block", sort=False):
        used: set[int] = set()
        for rec in records(sentence):
            key = _purchase_key(rec.get("name"))
            match = next((i for i, other in enumerate(table) if i not in used and key
                          and _purchase_key(other.get("name")) == key), None)
            if match is None:
                continue
            used.add(match)
            other = table[match]
            for column, word in (("budget_wan", "预算金额"), ("actual_wan", "实际执行金额"),
                                 ("method", "采购方式")):
                a, b = rec.get(column), other.get(column)
                if column == "method":
                    a, b = text(a), text(b)
                    differs = a is not None and b is not None and fold_text(a) != fold_text(b)
                else:
                    a, b = num(a), num(b)
                    differs = a is not None and b is not None and abs(a - b) > 1e-9
                if differs:
                    yield Finding(
                        rid, "procurement-conflict", "警告",
                        f"政府采购“{text(other.get('name'))}”的{word}：表中为“{fmt(b)}”"
                        f"（{lines_label([other.get('source')])}），正文为“{fmt(a)}”"
                        f"（{lines_label([rec.get('source')])}）",
                        fmt(b), fmt(a), (a - b) if column != "method" else None,
                        join_sources([rec.get("source"), other.get("source")]))
