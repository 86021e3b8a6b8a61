"""Budget checks: breakdowns and identities against their totals, one budget quantity stated
with different values (rule codes ``parts-exceed-total``, ``parts-short-of-total``,
``amount-conflict``, ``unit-scale-suspect``)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

import pandas as pd  # noqa: F401 (used by the doctests)

from .._common import num, records, text
from ..execution import ITEM_CONTEXTS
from ._base import (
    Context,
    Finding,
    _budget,
    _budget_groups,
    _compare_sum,
    _conflicts,
    _ctx,  # noqa: F401 (used by the doctests)
    _figures,
    _identities,
    _parts_finding,
    check,
    first_reason,
    unfunded,
)

#: The budget's statements: one report, scope and stage.
_STAGE_KEYS = ("report_id", "scope", "stage")
#: One budget quantity: an item at its place in a breakdown, in one statement.
_QUANTITY_KEYS = ("report_id", "scope", "stage", "key", "context")


@check("budget-breakdowns")
def check_budget_breakdowns(ctx: Context) -> Iterator[Finding]:
    """Each breakdown in the budget (rows whose ``parent`` names an item) against that item.

    The children of one parent are split by the identities of ``rules/identities.csv``
    (基本支出 = 人员经费 + 公用经费, and 基本支出 = its economic classes, are two breakdowns of
    one total); children named by no identity form a list of details. Where an item is
    stated with several values, the check passes if any choice of values adds up.

    Examples
    --------
    >>> b = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3, "stage": ["年初预算"] * 3,
    ...     "item": ["三公经费", "因公出国（境）费", "公务接待费"], "parent": [None, "三公经费", "三公经费"],
    ...     "amount_wan": [4.0, 0.0, 3.21], "source": ["r:49"] * 3})
    >>> [(f.rule, f.expected, f.observed) for f in check_budget_breakdowns(_ctx(budget=b))]
    [('parts-short-of-total', '4', '3.21')]
    """
    ids = _identities("budget")
    for (rid, scope, stage), rows in _budget_groups(ctx, _STAGE_KEYS).items():
        by_context: dict[str, list[dict]] = {}  # the rows of each place, in table order
        for r in rows:
            by_context.setdefault(r["context"], []).append(r)
        for path in sorted(set(by_context) - {""}):  # (none: no breakdown)
            children = by_context[path]
            parent_item = path.rsplit("/", 1)[-1]
            parent_context = path.rsplit("/", 1)[0] if "/" in path else ""
            parents = [r for r in by_context.get(parent_context, ()) if r["key"] == parent_item]
            total = _figures(parents, "amount_wan")
            if not total:
                continue
            own = [r for r in ids if r["total"] == unfunded(parent_item)]
            sets: dict[int, list[str]] = defaultdict(list)
            for key in dict.fromkeys(r["key"] for r in children):
                index = next((i for i, r in enumerate(own) if unfunded(key) in r["parts"].split("|")), None)
                if index is None:
                    index = 0 if len(own) == 1 else -1
                sets[index].append(key)
            for index, keys in sets.items():
                parts = [_figures([r for r in children if r["key"] == k], "amount_wan", label=k)
                         for k in keys]
                parts = [p for p in parts if p]
                if not parts:
                    continue
                ok, t, choice, s, diff = _compare_sum(total, parts)
                if ok:
                    continue
                exhaustive = index >= 0 and own[index]["exhaustive"] == "yes"
                where = f"（{parent_context}下）" if parent_context else ""
                finding = _parts_finding(rid, f"{scope}{stage}{parent_item}{where}", t, choice, s,
                                         diff, exhaustive, len(parts))
                if finding:
                    yield finding


@check("budget-identities")
def check_budget_identities(ctx: Context) -> Iterator[Finding]:
    """Totals against parts stated elsewhere (收入合计, 支出合计 = 基本支出 + 项目支出, …).

    Uses the identities of ``rules/identities.csv`` whose parts are top-level items
    (``top``) or may stand anywhere (``any``); parts written as the total's own breakdown are
    left to :func:`check_budget_breakdowns`. When some parts are not stated, only parts that
    add up to more than the total are reported.

    Examples
    --------
    >>> b = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3, "stage": ["决算"] * 3,
    ...     "item": ["支出合计", "基本支出", "项目支出"], "parent": [None, None, None],
    ...     "amount_wan": [2313.67, 858.18, 1455.49], "source": ["r:246"] * 3})
    >>> list(check_budget_identities(_ctx(budget=b)))
    []

    858.18 + 1455.49 = 2313.67 within 0.015 (three figures written to 2 decimals).
    """
    groups = _budget_groups(ctx, _STAGE_KEYS)
    for identity in _identities("budget"):
        mode = identity["parts_context"]
        if mode not in ("top", "any"):
            continue
        names = identity["parts"].split("|")
        for (rid, scope, stage), rows in groups.items():
            total = _figures([r for r in rows if r["key"] == identity["total"] and r["context"] == ""],
                             "amount_wan")
            if not total:
                continue
            parts = []
            for name in names:
                if mode == "top":
                    sel = [r for r in rows if r["key"] == name and r["context"] == ""]
                else:
                    allowed = ITEM_CONTEXTS.get(name, ("",))
                    sel = [r for r in rows if r["key"] == name and r["context"] != identity["total"]
                           and r["context"] in allowed]
                figs = _figures(sel, "amount_wan", label=name)
                if figs:
                    parts.append(figs)
            if not parts:
                continue
            complete = len(parts) == len(names)
            ok, t, choice, s, diff = _compare_sum(total, parts)
            if ok or (not complete and diff < 0):
                continue
            finding = _parts_finding(rid, f"{scope}{stage}{identity['total']}", t, choice, s,
                                     diff, complete and identity["exhaustive"] == "yes",
                                     len(parts))
            if finding:
                yield finding


_QUALIFIERS = ("市级", "县级", "区级", "本级", "省级", "财政拨款", "专项", "其中")


@check("budget-conflicts")
def check_budget_conflicts(ctx: Context) -> Iterator[Finding]:
    """The same budget quantity (report, scope, stage, item, place in the breakdown) stated
    with different values.

    A value about 10ⁿ times the other is reported as ``unit-scale-suspect``; a value whose
    words carry a qualifier (市级项目支出 for 项目支出), or that stands in the same sentence as
    such words for the same item, only as a 提示.

    Examples
    --------
    >>> b = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2, "stage": ["决算"] * 2,
    ...     "item": ["公用经费"] * 2, "item_raw": ["公用经费", "日常公用经费"],
    ...     "parent": ["基本支出"] * 2, "amount_wan": [151.57, 66.14], "source": ["r:136", "r:201"]})
    >>> [(f.rule, f.severity, f.expected, f.observed) for f in check_budget_conflicts(_ctx(budget=b))]
    [('amount-conflict', '警告', '151.57', '66.14')]
    """
    b = _budget(ctx)
    # the rows whose words carry a qualifier (市级项目支出 for 项目支出), in one pass
    raw, item = b["item_raw"].astype("string"), b["item"].astype("string")
    pattern = "|".join(map(re.escape, _QUALIFIERS))
    marked = (item.notna() & raw.notna() & (raw != item)
              & raw.str.contains(pattern, regex=True)).fillna(False).astype(bool)
    qualifiers: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for rec in records(b[marked & b["scope"].notna()]):
        qualifiers[(rec["report_id"], rec["scope"], rec["key"])].append(
            (text(rec["source"]), text(rec["item_raw"])))
    for (rid, scope, stage, key, context), rows in _budget_groups(ctx, _QUANTITY_KEYS).items():
        if len({r["amount_wan"] for r in rows} - {None}) < 2:
            continue  # (one value stated: nothing to contradict)
        figures = _figures(rows, "amount_wan")
        if len(figures) < 2:
            continue
        qualified = {}
        marks = [] if scope is None else qualifiers.get((rid, scope, key), [])
        for place, words in marks:
            # the qualifier covers every figure of this item in the same sentence (or cell)
            for other in rows:
                if text(other.get("source")) == place and num(other.get("amount_wan")) is not None:
                    qualified[float(other["amount_wan"])] = words
        where = f"（{context}下）" if context else ""
        unclear = first_reason(r["_unsure"] for r in rows)
        if scope is None or stage is None:
            unclear = unclear or "范围或阶段不明，无法确认两数是同一口径"
        yield from _conflicts(rid, f"{scope}{stage}{key}{where}", figures, "万元",
                              "amount-conflict", qualified, unclear=unclear)
