"""Budget checks: breakdowns and identities against their totals, one budget quantity stated
with different values (rule codes ``parts-exceed-total``, ``parts-short-of-total``,
``amount-conflict``, ``unit-scale-suspect``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pandas as pd  # noqa: F401 (used by the doctests)

from .._common import num, text
from ..execution import ITEM_CONTEXTS
from ._base import (
    Context,
    Finding,
    _budget,
    _compare_sum,
    _conflicts,
    _ctx,  # noqa: F401 (used by the doctests)
    _figures,
    _identities,
    _parts_finding,
    check,
    unfunded,
)


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
    b = _budget(ctx)
    ids = _identities("budget")
    for (rid, scope, stage), rows in b.groupby(["report_id", "scope", "stage"], dropna=False,
                                               sort=False):
        for path in sorted(set(rows["context"]) - {""}):
            children = rows[rows["context"] == path]
            parent_item = path.rsplit("/", 1)[-1]
            parent_context = path.rsplit("/", 1)[0] if "/" in path else ""
            parents = rows[(rows["key"] == parent_item) & (rows["context"] == parent_context)]
            total = _figures(parents, "amount_wan")
            if not total:
                continue
            own = [r for r in ids if r["total"] == unfunded(parent_item)]
            sets: dict[int, list[str]] = defaultdict(list)
            for key in dict.fromkeys(children["key"]):
                index = next((i for i, r in enumerate(own) if unfunded(key) in r["parts"].split("|")), None)
                if index is None:
                    index = 0 if len(own) == 1 else -1
                sets[index].append(key)
            for index, keys in sets.items():
                parts = [_figures(children[children["key"] == k], "amount_wan", label=k)
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
    b = _budget(ctx)
    for identity in _identities("budget"):
        mode = identity["parts_context"]
        if mode not in ("top", "any"):
            continue
        names = identity["parts"].split("|")
        for (rid, scope, stage), rows in b.groupby(["report_id", "scope", "stage"],
                                                   dropna=False, sort=False):
            total = _figures(rows[(rows["key"] == identity["total"]) & (rows["context"] == "")],
                             "amount_wan")
            if not total:
                continue
            parts = []
            for name in names:
                sel = rows[rows["key"] == name]
                if mode == "top":
                    sel = sel[sel["context"] == ""]
                else:
                    sel = sel[sel["context"] != identity["total"]]
                    sel = sel[sel["context"].isin(ITEM_CONTEXTS.get(name, ("",)))]
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
    for (rid, scope, stage, key, context), rows in b.groupby(
            ["report_id", "scope", "stage", "key", "context"], dropna=False, sort=False):
        figures = _figures(rows, "amount_wan")
        if len(figures) < 2:
            continue
        qualified = {}
        same_item = b[(b["report_id"] == rid) & (b["scope"] == scope) & (b["key"] == key)]
        for rec in same_item.to_dict("records"):
            raw, item = text(rec.get("item_raw")) or "", text(rec.get("item")) or ""
            if not (item and raw != item and any(q in raw for q in _QUALIFIERS)):
                continue
            # the qualifier covers every figure of this item in the same sentence
            place = text(rec.get("source"))  # the same source: the same sentence (or cell, paragraph)
            for other in rows.to_dict("records"):
                if text(other.get("source")) == place and num(other.get("amount_wan")) is not None:
                    qualified[float(other["amount_wan"])] = raw
        where = f"（{context}下）" if context else ""
        yield from _conflicts(rid, f"{scope}{stage}{key}{where}", figures, "万元",
                              "amount-conflict", qualified)
