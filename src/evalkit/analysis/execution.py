"""Budget execution per report and scope: totals by stage, execution rates, structure, trend.

Reports use different denominators for the execution rate (年初预算, 调整预算, or the funds
available including 上年结转), so every one is given and the user chooses. Where the budget
table states one quantity several times with different values, the value stated most often
is used (on a tie, the first in the report) and the ``note`` column says so; the checks
(:mod:`.checks`) report the conflict itself.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from ._common import (
    SCHEMAS,
    column_values,
    conform,
    context_paths,
    fmt,
    frame,
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

logger = logging.getLogger(__name__)

__all__ = [
    "EXECUTION_COLUMNS",
    "execution",
    "execution_rate_names",
    "pick_amount",
    "structure_shares",
    "year_over_year",
]

STAGES = ("年初预算", "调整预算", "决算")
_TOP = ("",)
_UNDER_BASIC = ("", "基本支出")
#: Where in a breakdown each item counts as the department's own figure.
ITEM_CONTEXTS = {
    "人员经费": _UNDER_BASIC,
    "公用经费": _UNDER_BASIC,
}

EXECUTION_COLUMNS: dict[str, str] = {
    "report_id": "str", "scope": "str", "department": "str", "fiscal_year": "Int64",
    "initial_total": "Float64", "adjusted_total": "Float64", "final_total": "Float64",
    "total_basis": "str", "carryover": "Float64",
    "rate_vs_initial": "Float64", "rate_vs_adjusted": "Float64", "rate_vs_available": "Float64",
    "rate_stated": "Float64", "rate_stated_name": "str", "rate_stated_source": "str",
    "difference_vs_initial": "Float64", "difference_vs_adjusted": "Float64",
    "stated_basis": "str",
    "shares_stage": "str", "basic_share": "Float64", "project_share": "Float64",
    "personnel_share": "Float64", "public_share": "Float64", "three_public_share": "Float64",
    "prev_fiscal_year": "Int64", "prev_final_total": "Float64", "yoy_change_pct": "Float64",
    "note": "str", "sources": "str",
}

SHARE_COLUMNS: dict[str, str] = {
    "report_id": "str", "scope": "str", "stage": "str", "share": "str", "description": "str",
    "numerator_item": "str", "denominator_item": "str", "numerator": "Float64",
    "denominator": "Float64", "share_pct": "Float64", "sources": "str",
}


def execution_rate_names() -> tuple[str, ...]:
    """Rate names that mean the budget execution rate (``use`` = execution in rate_formulas.csv).

    Examples
    --------
    >>> "支出完成率" in execution_rate_names()
    True
    """
    return tuple(dict.fromkeys(r["name"] for r in read_rule_file("rate_formulas.csv")
                               if r["use"] == "execution"))


def pick_amount(rows: pd.DataFrame, stage: str, item: str,
                contexts: Iterable[str] | None = None) -> tuple[float | None, list[str], str]:
    """The amount of one item at one stage: the value stated most often (first on a tie).

    Parameters
    ----------
    rows : DataFrame
        Budget rows of one report and scope (with a ``context`` column, see
        :func:`evalkit.analysis._common.context_path`).
    stage, item : str
    contexts : iterable of str, optional
        Allowed breakdown places of the item (default: top level only).

    Returns
    -------
    (amount, sources, note) : tuple
        ``note`` is empty unless the item is stated with different values.

    Examples
    --------
    >>> b = pd.DataFrame({"stage": ["决算"] * 3, "item": ["基本支出"] * 3, "context": [""] * 3,
    ...                   "amount_wan": [363.47, 301.92, 363.47], "source": ["r:154", "r:177", "r:185"]})
    >>> pick_amount(b, "决算", "基本支出")
    (363.47, ['r:154', 'r:185'], '决算基本支出有不同数值（363.47；301.92），取出现最多的363.47')
    """
    amounts = rows if isinstance(rows, _Amounts) else _Amounts(records(rows))
    allowed = tuple(contexts) if contexts is not None else ITEM_CONTEXTS.get(item, _TOP)
    sel = [x for x in amounts.by.get((stage, item), ()) if x[1] in allowed]
    if not sel:
        return None, [], ""
    values = [x[0] for x in sel]
    lines = [x[3] for x in sel]
    counts = Counter(values)
    order = {v: min(ln for x, ln in zip(values, lines) if x == v) for v in counts}
    best = min(counts, key=lambda v: (-counts[v], order[v]))
    sources = [x[2] for x in sel if x[0] == best and text(x[2])]
    note = ""
    if len(counts) > 1:
        shown = "；".join(fmt(v) for v in sorted(counts, key=lambda v: order[v]))
        note = f"{stage}{item}有不同数值（{shown}），取出现最多的{fmt(best)}"
    return best, sources, note


class _Amounts:
    """The amounts of one report and scope by (stage, item), indexed once: (value, context,
    source, line) for every figure of the whole (not of one funding source only)."""

    def __init__(self, records: Iterable[dict]):
        self.by: dict[tuple, list[tuple]] = {}
        for r in records:
            v = r.get("amount_wan")
            # a figure of one funding source only (财政拨款一基本支出) is not the total
            if is_na(v) or not is_na(r.get("funding")):
                continue
            self.by.setdefault((r.get("stage"), r.get("item")), []).append(
                (float(v), r.get("context"), r.get("source"), source_line(r.get("source")) or 0))


def _groups(b: pd.DataFrame) -> dict[tuple, _Amounts]:
    """The budget's amounts per (report_id, scope), in one pass over the table."""
    groups: dict[tuple, list[dict]] = {}
    for r in records(b):
        groups.setdefault((r["report_id"], None if is_na(r["scope"]) else r["scope"]), []).append(r)
    return amounts_by_scope(groups)


def amounts_by_scope(groups: Mapping[tuple, list[dict]]) -> dict[tuple, _Amounts]:
    """The amounts of the budget's records grouped by (report_id, scope), indexed for
    :func:`execution_of`.

    Parameters
    ----------
    groups : mapping of (report_id, scope) to list of dict
        The budget's records (a missing scope as None, groups in order of first appearance),
        each with ``context`` as :func:`context_path` gives it for a figure of the whole.

    Returns
    -------
    dict
        The same keys, each with its amounts indexed by stage and item.
    """
    return {k: _Amounts(v) for k, v in groups.items()}


def _with_context(budget: pd.DataFrame) -> pd.DataFrame:
    b = conform(budget, SCHEMAS["budget"])
    b["context"] = context_paths(b["parent"])
    return b


def _stage_total(rows: pd.DataFrame, stage: str) -> tuple[float | None, str, list[str], list[str]]:
    value, sources, note = pick_amount(rows, stage, "支出合计")
    notes = [note] if note else []
    if value is not None:
        return value, "支出合计", sources, notes
    basic, s1, n1 = pick_amount(rows, stage, "基本支出")
    project, s2, n2 = pick_amount(rows, stage, "项目支出")
    if basic is not None and project is not None:
        notes += [n for n in (n1, n2) if n]
        notes.append(f"{stage}未列支出合计，以基本支出+项目支出计")
        return round_half_up(basic + project, 6), "基本支出+项目支出", s1 + s2, notes
    if stage != "决算":
        income, s3, n3 = pick_amount(rows, stage, "收入合计")
        if income is not None:
            notes += [n for n in (n3,) if n]
            notes.append(f"{stage}未列支出合计，以收入合计计")
            return income, "收入合计", s3, notes
    return None, "", [], notes


def _rate(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator in (None, 0):
        return None
    return round_half_up(numerator / denominator * 100, 6)


def _shares(rows: pd.DataFrame, stage: str) -> tuple[dict[str, float | None], list[str],
                                                     list[str]]:
    out, sources, notes = {}, [], []
    for spec in read_rule_file("shares.csv"):
        n, s1, n1 = pick_amount(rows, stage, spec["numerator"])
        d, s2, n2 = pick_amount(rows, stage, spec["denominator"])
        out[spec["name"]] = _rate(n, d)
        if out[spec["name"]] is not None:
            sources += s1 + s2
            notes += [x for x in (n1, n2) if x]
    return out, sources, notes


def structure_shares(budget: pd.DataFrame) -> pd.DataFrame:
    """Structure shares per report, scope and stage, in long form (one row per share).

    The shares are defined in ``rules/shares.csv``: 基本支出 and 项目支出 of 支出合计,
    人员经费 and 公用经费 of 基本支出, 三公经费 of 支出合计.

    Parameters
    ----------
    budget : DataFrame
        The reader's budget table.

    Returns
    -------
    DataFrame
        Columns of :data:`SHARE_COLUMNS`; ``share_pct`` = numerator ÷ denominator × 100.

    Examples
    --------
    >>> b = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3,
    ...     "stage": ["决算"] * 3, "item": ["支出合计", "基本支出", "项目支出"],
    ...     "parent": [None, "支出合计", "支出合计"], "amount_wan": [1134.78, 777.22, 357.56],
    ...     "source": ["r:45"] * 3})
    >>> s = structure_shares(b)
    >>> s[["share", "share_pct"]].round(2).values.tolist()
    [['basic_share', 68.49], ['project_share', 31.51]]

    Worked out: 777.22 ÷ 1134.78 × 100 = 68.49; 357.56 ÷ 1134.78 × 100 = 31.51.
    """
    b = _with_context(budget)
    specs = read_rule_file("shares.csv")
    rows = []
    for (rid, scope), group in _groups(b).items():
        for stage in STAGES:
            for spec in specs:
                n, s1, _ = pick_amount(group, stage, spec["numerator"])
                d, s2, _ = pick_amount(group, stage, spec["denominator"])
                share = _rate(n, d)
                if share is None:
                    continue
                rows.append({
                    "report_id": rid, "scope": scope, "stage": stage, "share": spec["name"],
                    "description": spec["description"], "numerator_item": spec["numerator"],
                    "denominator_item": spec["denominator"], "numerator": n, "denominator": d,
                    "share_pct": share, "sources": join_sources(s1, s2),
                })
    return frame(rows, SHARE_COLUMNS)


def _stated_rate(sel: list[dict], initial, adjusted, final):
    """The report's own execution rate for this report and scope, closest to a recomputed one."""
    if not sel:
        return None
    best = None
    for rec in sel:
        stated = float(rec["value_pct"])
        diffs = {}
        for basis, denominator in (("年初预算", initial), ("调整预算", adjusted)):
            r = _rate(final, denominator)
            if r is not None:
                diffs[basis] = stated - r
        closest = min((abs(v) for v in diffs.values()), default=float("inf"))
        key = (closest, source_line(rec["source"]) or 0)
        if best is None or key < best[0]:
            best = (key, rec, diffs)
    (_, rec, diffs) = best
    return rec, diffs, len(sel)


def execution(
    budget: pd.DataFrame,
    rates: pd.DataFrame | None = None,
    reports: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Budget execution per report and scope.

    Parameters
    ----------
    budget : DataFrame
        The reader's budget table.
    rates : DataFrame, optional
        The reader's rates table; execution rates the report states (预算执行率, 支出完成率,
        … see :func:`execution_rate_names`) are set beside the recomputed ones.
    reports : DataFrame, optional
        The reader's reports table, for department and fiscal year (and the year-over-year
        change, see :func:`year_over_year`).

    Returns
    -------
    DataFrame
        One row per report and scope with the columns of :data:`EXECUTION_COLUMNS`:

        - ``initial_total``, ``adjusted_total``, ``final_total``: 支出合计 at 年初预算, 调整预算
          and 决算 (``total_basis`` says when 基本支出 + 项目支出, or for a budget stage
          收入合计, stood in for a missing 支出合计);
        - ``rate_vs_initial`` = final ÷ initial × 100, ``rate_vs_adjusted`` = final ÷
          adjusted × 100, ``rate_vs_available`` = final ÷ (adjusted, else initial, +
          ``carryover`` 上年结转结余) × 100;
        - ``rate_stated`` (the report's own), ``difference_vs_initial`` /
          ``difference_vs_adjusted`` (stated − recomputed) and ``stated_basis`` (the
          denominator the stated rate matches within the rounding of the figures);
        - structure shares in percent at ``shares_stage`` (决算 when it has a total, else the
          latest budget stage);
        - ``prev_fiscal_year``, ``prev_final_total``, ``yoy_change_pct`` for departments with
          several years;
        - ``note`` (choices made) and ``sources``.

    Examples
    --------
    >>> b = pd.DataFrame({"report_id": ["r"] * 4, "scope": ["部门整体"] * 4,
    ...     "stage": ["年初预算", "调整预算", "决算", "决算"],
    ...     "item": ["支出合计", "支出合计", "支出合计", "基本支出"],
    ...     "parent": [None, None, None, "支出合计"],
    ...     "amount_wan": [607.94, 554.48, 554.48, 379.64],
    ...     "source": ["r:324", "r:326", "r:328", "r:328"]})
    >>> rates = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "name": ["资金预算执行率"],
    ...     "value_pct": [100.0], "raw": ["100%"], "source": ["r:328"]})
    >>> e = execution(b, rates).iloc[0]
    >>> [round(float(e[c]), 2) for c in ("rate_vs_initial", "rate_vs_adjusted", "basic_share")]
    [91.21, 100.0, 68.47]
    >>> e["stated_basis"]
    '调整预算'

    Worked out: 554.48 ÷ 607.94 × 100 = 91.206; 554.48 ÷ 554.48 × 100 = 100, which the
    stated 100 % matches; 379.64 ÷ 554.48 × 100 = 68.468.
    """
    return execution_of(_groups(_with_context(budget)), rates, reports)


def execution_of(amounts: Mapping[tuple, _Amounts], rates: pd.DataFrame | None = None,
                 reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`execution` from the budget's amounts per (report_id, scope) already indexed.

    Parameters
    ----------
    amounts : mapping
        :func:`amounts_by_scope` of the budget's groups.
    rates, reports : DataFrame, optional
        As for :func:`execution`.

    Returns
    -------
    DataFrame
        The rows :func:`execution` gives for the same budget.
    """
    return year_over_year(execution_rows(amounts, rates, reports))


def execution_rows(amounts: Mapping[tuple, _Amounts], rates: pd.DataFrame | None = None,
                   reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`execution_of` before :func:`year_over_year`: every row depends on one report
    only, so the rows of shares of the reports can be computed apart and put together (the
    year-over-year columns compare reports, and are filled on the whole)."""
    r = conform(rates, SCHEMAS["rates"])
    rep = conform(reports, SCHEMAS["reports"]).drop_duplicates("report_id")
    info = {x["report_id"]: x for x in records(rep)}
    rows = []
    stated_rates: dict[tuple, list[dict]] = {}
    for x in records(r[r["name"].isin(execution_rate_names()) & r["value_pct"].notna()
                       & r["scope"].notna()]):
        stated_rates.setdefault((x["report_id"], x["scope"]), []).append(x)
    for (rid, scope), group in amounts.items():
        notes: list[str] = []
        sources: list[str] = []
        totals, bases = {}, []
        for stage in STAGES:
            value, basis, srcs, ns = _stage_total(group, stage)
            totals[stage] = value
            notes += ns
            sources += srcs
            if basis and basis != "支出合计":
                bases.append(f"{stage}:{basis}")
        initial, adjusted, final = totals["年初预算"], totals["调整预算"], totals["决算"]
        carry, s_carry, n_carry = pick_amount(group, "决算", "上年结转结余")
        if carry is None:
            carry, s_carry, n_carry = pick_amount(group, "年初预算", "上年结转结余")
        notes += [n_carry] if n_carry else []
        budget_base = adjusted if adjusted is not None else initial
        available = None if budget_base is None or carry is None else budget_base + carry
        row = {
            "report_id": rid, "scope": scope,
            "department": info.get(rid, {}).get("department"),
            "fiscal_year": info.get(rid, {}).get("fiscal_year"),
            "initial_total": initial, "adjusted_total": adjusted, "final_total": final,
            "total_basis": "；".join(bases) if bases else ("支出合计" if any(
                v is not None for v in totals.values()) else None),
            "carryover": carry,
            "rate_vs_initial": _rate(final, initial),
            "rate_vs_adjusted": _rate(final, adjusted),
            "rate_vs_available": _rate(final, available),
        }
        sources += s_carry
        stated = _stated_rate(stated_rates.get((rid, scope), []), initial, adjusted, final)
        if stated is not None:
            rec, diffs, n_stated = stated
            row.update({
                "rate_stated": rec["value_pct"], "rate_stated_name": rec["name"],
                "rate_stated_source": rec["source"],
                "difference_vs_initial": round_half_up(diffs["年初预算"], 6)
                if "年初预算" in diffs else None,
                "difference_vs_adjusted": round_half_up(diffs["调整预算"], 6)
                if "调整预算" in diffs else None,
            })
            matched = []
            for basis, denominator in (("年初预算", initial), ("调整预算", adjusted)):
                if basis not in diffs:
                    continue
                rate = _rate(final, denominator)
                tol = half_unit(rec["raw"], rec["value_pct"]) + (
                    rate * (half_unit(None, final, True) / final
                            + half_unit(None, denominator, True) / denominator) if final else 0)
                if abs(diffs[basis]) <= tol + 1e-9:
                    matched.append(basis)
            row["stated_basis"] = "、".join(matched) if matched else None
            if n_stated > 1:
                notes.append(f"报告陈述了{n_stated}个执行率，取与重算值最接近的一个")
        share_stage = next((s for s in ("决算", "调整预算", "年初预算") if totals[s] is not None),
                           None)
        if share_stage:
            shares, s_shares, n_shares = _shares(group, share_stage)
            row.update(shares)
            row["shares_stage"] = share_stage
            sources += s_shares
            notes += n_shares
        row["note"] = "；".join(dict.fromkeys(n for n in notes if n)) or None
        row["sources"] = join_sources(sources)
        rows.append(row)
    return frame(rows, EXECUTION_COLUMNS)


def _department_groups(have: pd.DataFrame) -> list[list[tuple]]:
    """``(label, fiscal_year, final_total)`` of the rows of each department and scope with
    several rows (a missing scope is no group), groups in order of first appearance and rows
    in table order: ``have.groupby(["department", "scope"], sort=False)`` without a frame per
    group."""
    groups: dict[tuple, list[tuple]] = {}
    for label, department, scope, year, total in zip(
            have.index.tolist(), *(column_values(have[c]) for c in
                                   ("department", "scope", "fiscal_year", "final_total"))):
        if not is_na(scope):
            groups.setdefault((department, scope), []).append((label, year, total))
    return [g for g in groups.values() if len(g) >= 2]


def year_over_year(table: pd.DataFrame) -> pd.DataFrame:
    """Fill ``prev_fiscal_year``, ``prev_final_total`` and ``yoy_change_pct`` per department.

    For each department and scope, the previous year is the nearest earlier fiscal year with a
    final total; ``yoy_change_pct`` = (final − previous final) ÷ previous final × 100.

    Examples
    --------
    >>> t = pd.DataFrame({"report_id": ["a", "b"], "scope": ["部门整体"] * 2,
    ...     "department": ["某局"] * 2, "fiscal_year": [2022, 2023],
    ...     "final_total": [500.0, 550.0]})
    >>> y = year_over_year(t)
    >>> int(y.loc[1, "prev_fiscal_year"]), float(y.loc[1, "yoy_change_pct"])
    (2022, 10.0)

    Worked out: (550 − 500) ÷ 500 × 100 = 10.
    """
    out = table.copy()
    for col, dtype in (("prev_fiscal_year", "Int64"), ("prev_final_total", "Float64"),
                       ("yoy_change_pct", "Float64")):
        out[col] = pd.Series(pd.NA, index=out.index, dtype=dtype)
    have = out[out["department"].notna() & out["fiscal_year"].notna()
               & out["final_total"].notna()]
    rows, prev_years, prev_totals, changes = [], [], [], []
    for group in _department_groups(have):
        years = [y for _, y, _ in group]
        if len(set(years)) < len(years):  # a year twice: sorted as pandas sorts (not stable)
            order = have.loc[[label for label, _, _ in group], "fiscal_year"].sort_values().index
            position = {label: i for i, (label, _, _) in enumerate(group)}
            group = [group[position[label]] for label in order]
        else:  # distinct years: one order
            group = sorted(group, key=lambda x: x[1])
        years = [float(y) for _, y, _ in group]
        totals = [t for _, _, t in group]
        # the row before a year's first row is the last of the nearest earlier year
        for i, year in enumerate(years):
            j = bisect.bisect_left(years, year) - 1
            if j < 0:
                continue
            prev_total, total = totals[j], totals[i]
            rows.append(group[i][0])
            prev_years.append(int(years[j]))
            prev_totals.append(prev_total)
            changes.append(round_half_up((total - prev_total) / prev_total * 100, 6) if num(prev_total) else pd.NA)
    if rows:
        out.loc[rows, "prev_fiscal_year"] = pd.array(prev_years, dtype="Int64")
        out.loc[rows, "prev_final_total"] = pd.array(prev_totals, dtype="Float64")
        out.loc[rows, "yoy_change_pct"] = pd.array(changes, dtype="Float64")
    return out
