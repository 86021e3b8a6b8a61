"""Rates the report states against the same rate recomputed from its own budget figures (rule
code ``rate-mismatch``)."""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Iterator, Mapping

from .._common import (
    fmt,
    half_unit,
    is_na,
    join_sources,
    num,
    read_rule_file,
    records,
    round_half_up,
    source_line,
    text,
)
from ..execution import ITEM_CONTEXTS
from ._base import (
    Context,
    Finding,
    _budget_groups,
    _ctx,  # noqa: F401 (used by the doctests)
    _Figure,
    _figures,
    check,
    first_reason,
)

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4096)
def _formulas(name: str) -> tuple[list[dict[str, str]], str | None]:
    """The formulas of a rate name, and the item a ``{item}`` pattern captured from it."""
    rows = read_rule_file("rate_formulas.csv")
    own = [r for r in rows if r["name"] == name]
    if len(own) == 1 and own[0]["numerator"].startswith("="):
        target = own[0]["numerator"][1:]
        return [r for r in rows if r["name"] == target], None
    if own:
        return own, None
    for r in rows:
        if "{item}" not in r["name"]:
            continue
        pattern = re.escape(r["name"]).replace(re.escape("{item}"), "(.+)")
        m = re.fullmatch(pattern, name)
        if m:
            return [x for x in rows if x["name"] == r["name"]], m.group(1)
    return [], None


@check("stated-rates")
def check_stated_rates(ctx: Context) -> Iterator[Finding]:
    """Rates the report states against the same rate recomputed from its own figures.

    The formulas are in ``rules/rate_formulas.csv``: a rate may have several (预算执行率 on
    the initial or the adjusted budget); ``{item}`` in a name stands for a budget item named
    in the rate (``差异率人员经费``, ``办公费占比``), ``{parent}`` for the item it is a part of,
    ``item@context`` for an item inside a breakdown (工资福利支出 under 基本支出), and stage
    ``*`` for any stage, the same for both figures; kind ``change`` is (numerator −
    denominator) ÷ denominator. Figures on the rate's own
    line are preferred. The rate passes if any formula with the figures available gives it
    within the rounding of the stated rate and of the figures; rates whose name has no
    formula, or whose figures the report does not give, are not judged.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2,
    ...     "stage": ["决算", "年初预算"], "item": ["政府采购"] * 2, "parent": [None, None],
    ...     "amount_wan": [8.84, 15.0], "source": ["r:564"] * 2})
    >>> rates = pd.DataFrame({"report_id": ["r", "r"], "scope": ["部门整体"] * 2,
    ...     "name": ["政府采购执行率"] * 2, "value_pct": [58.93, 60.0], "raw": ["58.93%", "60%"],
    ...     "source": ["r:564", "r:600"]})
    >>> [(f.expected, f.observed) for f in check_stated_rates(_ctx(budget=b, rates=rates))]
    [('58.93', '60')]

    8.84 ÷ 15 × 100 = 58.933: 58.93 % matches; 60 % is off by 1.07, beyond the 0.5 a rate
    written without decimals allows plus 58.93 × 0.005/8.84 for the rounding of 8.84.
    """
    # the budget of each report and scope, split once (not filtered once per rate), and indexed
    # by stage and item for the formulas when a rate first needs it
    by_scope = _budget_groups(ctx, ("report_id", "scope"))
    indexes: dict[tuple, dict[tuple, list[dict]]] = {}
    empty: list[dict] = []
    for rec in records(ctx.tables["rates"]):
        stated, name = num(rec.get("value_pct")), text(rec.get("name"))
        if stated is None or name is None:
            continue
        formulas, captured = _formulas(name)
        if not formulas:
            logger.debug("no formula for rate %s", name)
            continue
        rid, scope = rec["report_id"], rec["scope"]
        rows = empty if is_na(scope) else by_scope.get((rid, scope), empty)  # no scope: no match
        if not rows:
            continue
        items = [None]
        if captured is not None:
            items = list(dict.fromkeys(r["key"] for r in rows
                                       if r["key"] == captured or r["item_raw"] == captured))
        index = indexes.get((rid, scope))
        if index is None:
            index = indexes[(rid, scope)] = _by_stage_and_key(rows)
        candidates = []
        for formula in formulas:
            for item in items:
                for r, n, d in _rate_values(index, formula, item, source_line(rec.get("source"))):
                    tol = (half_unit(rec.get("raw"), stated) + abs(n.value / d.value * 100) * (
                        n.tol / abs(n.value) if n.value else 0)
                        + abs(n.value / d.value * 100) * d.tol / abs(d.value))
                    candidates.append((abs(stated - r) > tol + 1e-9, abs(stated - r), r, n, d,
                                       formula))
        if not candidates:
            continue
        bad, _, r, n, d, formula = min(candidates, key=lambda c: (c[0], c[1]))
        if not bad:
            continue
        how = (f"({fmt(n.value)}−{fmt(d.value)})÷{fmt(d.value)}" if formula["kind"] == "change"
               else f"{fmt(n.value)}÷{fmt(d.value)}")
        cited = set(n.sources + d.sources)
        unsure = first_reason(r["_unsure"] for r in rows if r["source"] in cited
                              and num(r["amount_wan"]) in (n.value, d.value))
        code, tail = ("rate-basis-unclear", f"；{unsure}") if unsure else ("rate-mismatch", "")
        yield Finding(
            rid, code, "警告",
            f"报告所述{name}{fmt(stated)}%与按报告数字重算的{fmt(round_half_up(r, 2))}%不符"
            f"（{formula['description']}：{how}）{tail}",
            fmt(round_half_up(r, 2)), fmt(stated), round_half_up(stated - r, 6),
            join_sources([rec.get("source")], n.sources, d.sources))


def _by_stage_and_key(rows: list[dict]) -> dict[tuple, list[dict]]:
    """The budget rows of one report and scope by (stage, key), in table order."""
    index: dict[tuple, list[dict]] = {}
    for r in rows:
        index.setdefault((r["stage"], r["key"]), []).append(r)
    return index


def _rate_values(index: Mapping[tuple, list[dict]], formula: Mapping[str, str], item: str | None,
                 line: int | None) -> Iterator[tuple[float, _Figure, _Figure]]:
    """(rate, numerator, denominator) for every choice of figures a formula can use, from the
    budget rows of one report and scope by (stage, key)."""
    n_stage, n_item = formula["numerator"].split(":")
    d_stage, d_item = formula["denominator"].split(":")
    if item is not None:
        n_item, d_item = n_item.replace("{item}", item), d_item.replace("{item}", item)
    stages = [(n_stage, d_stage)] if n_stage != "*" else [(s, s) for s in
                                                          ("年初预算", "调整预算", "决算")]
    for ns, ds in stages:
        if d_item == "{parent}":
            by_context: dict[str, list[dict]] = {}
            for r in index.get((ns, n_item), ()):
                if r["context"] != "":
                    by_context.setdefault(r["context"], []).append(r)
            pairs = []
            for context, group in by_context.items():
                parent, _, above = context.rpartition("/")[::-1]
                parents = [r for r in index.get((ds, parent), ()) if r["context"] == above]
                pairs.append((_figures(group, "amount_wan"), _figures(parents, "amount_wan")))
        else:
            pairs = [(_rate_figures(index, ns, n_item, line), _rate_figures(index, ds, d_item, line))]
        for nums, dens in pairs:
            for n, d in itertools.product(nums, dens):
                if not d.value:
                    continue
                ratio = n.value / d.value * 100
                yield (ratio - 100 if formula["kind"] == "change" else ratio), n, d


def _rate_figures(index: Mapping[tuple, list[dict]], stage: str, item: str,
                  line: int | None) -> list[_Figure]:
    """Figures of ``item`` (``item@context`` for an item inside a breakdown) at ``stage``."""
    item, _, context = item.partition("@")
    allowed = (context,) if context else ITEM_CONTEXTS.get(item, ("",))
    sel = [r for r in index.get((stage, item), ()) if r["context"] in allowed]
    if line is not None:
        same = [r for r in sel if source_line(r["source"]) == line]
        if same:
            sel = same
    return _figures(sel, "amount_wan")
