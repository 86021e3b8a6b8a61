"""The machinery every check shares: :class:`Finding`, :class:`Context`, the registry
(:data:`CHECKS`, :func:`check`), :func:`run_checks`, and the helpers that compare figures
within the rounding written (totals against parts, one quantity stated twice).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from .._common import (
    FINDING_COLUMNS,
    SEVERITIES,
    _half_unit_cached,
    column_values,
    context_paths,
    fmt,
    frame,
    gc_paused,
    half_unit,
    is_na,
    join_sources,
    key_values,
    lines_label,
    num,
    prepare,
    read_rule_file,
    records,
    round_half_up,
    source_line,
    text,
)
from ..rulesets import RuleSet, load_rules

logger = logging.getLogger(__name__)


# (init=False: the __init__ below, not the frozen one dataclass writes)
@dataclass(frozen=True, init=False)
class Finding:
    """One problem found in one report."""

    report_id: str
    rule: str
    severity: str
    message: str
    expected: str = ""
    observed: str = ""
    difference: float | None = None
    sources: str = ""

    def __init__(self, report_id: str, rule: str, severity: str, message: str,
                 expected: str = "", observed: str = "", difference: float | None = None,
                 sources: str = "") -> None:
        """The fields written straight into the instance's ``__dict__``, in field order.

        A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``
        (its ``__setattr__`` refuses changes): three times as slow, and the checks make one
        finding per problem, over a hundred per report. The instance stays frozen: assigning
        a field still raises ``FrozenInstanceError``.

        >>> f = Finding("r", "rule", "提示", "message")
        >>> f == Finding("r", "rule", "提示", "message", "", "", None, "")
        True
        """
        fields_ = self.__dict__
        fields_["report_id"] = report_id
        fields_["rule"] = rule
        fields_["severity"] = severity
        fields_["message"] = message
        fields_["expected"] = expected
        fields_["observed"] = observed
        fields_["difference"] = difference
        fields_["sources"] = sources


@dataclass
class Context:
    """What a check sees: the conformed tables, the rule set and the achievement table."""

    tables: dict[str, pd.DataFrame]
    rules: RuleSet
    _achievement: pd.DataFrame | None = None
    # what several checks derive from the same tables (the budget with its keys, its rows by
    # report …), made once per context; a context restricted to some reports starts empty
    _shared: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def shared(self, name: object, make: Callable[[], object]) -> object:
        """``make()``, computed once per context and kept under ``name``: the checks share it
        and must not change it.

        >>> ctx = _ctx()
        >>> ctx.shared("n", lambda: [1]) is ctx.shared("n", lambda: [2])
        True
        """
        if name not in self._shared:
            self._shared[name] = make()
        return self._shared[name]

    def made(self, name: object) -> object | None:
        """What :meth:`shared` keeps under ``name``, or None when nothing made it in this
        process (the checks ran in worker processes, or none needed it)."""
        return self._shared.get(name)

    @property
    def achievement(self) -> pd.DataFrame:
        """The indicators judged and re-scored (computed once, on first use)."""
        if self._achievement is None:
            from ..achievement import achievement

            self._achievement = achievement(self.tables["indicators"], rules=self.rules)
        return self._achievement


#: The fields of a :class:`Finding`, in order.
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))

CheckFunction = Callable[[Context], Iterator[Finding]]
#: Registered checks, in the order they run: name → function.
CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name`` (a decorator)."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = function
        return function

    return register


# --------------------------------------------------------------------------------------------
# helpers


# (not frozen: a frozen dataclass is slow to make, and the checks make hundreds of thousands;
# nothing changes one after it is made, and it hashes and compares as a frozen one would)
@dataclass(unsafe_hash=True, slots=True)
class _Figure:
    value: float
    sources: tuple[str, ...]
    tol: float
    label: str = ""


def _figures(rows: pd.DataFrame | list[dict], value_col: str, raw_col: str | None = None,
             label: str = "") -> list[_Figure]:
    """Distinct values of ``rows`` (a frame or its records; within rounding), each with its
    sources and tolerance."""
    out: list[_Figure] = []
    for rec in rows if isinstance(rows, list) else records(rows):
        v = rec.get(value_col)
        if v.__class__ is float:  # (most values: num() without its calls)
            if math.isnan(v):
                continue
        else:
            v = num(v)
            if v is None:
                continue
        raw = rec.get(raw_col) if raw_col else None
        if raw.__class__ is not str and raw is not None and is_na(raw):
            raw = None  # (as half_unit reads it; a str or None is looked up in its cache)
        # (half_unit's cache and text() without their calls for a text or no text, a float)
        if raw is None or raw.__class__ is str:
            tol = _half_unit_cached(raw, v, True)
        else:
            tol = half_unit(raw, v, integers_exact=True)
        src = rec.get("source")
        src = (src.strip() or None) if src.__class__ is str else text(src)
        for i, f in enumerate(out):
            if abs(f.value - v) <= 1e-9 * max(1.0, abs(v)):
                out[i] = _Figure(f.value, f.sources + ((src,) if src else ()), max(f.tol, tol),
                                 f.label)
                break
        else:
            out.append(_Figure(v, (src,) if src else (), tol, label))
    return out


def record_groups(df: pd.DataFrame, keys: list[str]) -> dict[tuple, list[dict]]:
    """The records of ``df`` grouped by ``keys`` in one pass (missing keys as None), in order
    of first appearance: cheaper than a pandas groupby when each group is small.

    Examples
    --------
    >>> df = pd.DataFrame({"k": ["a", None, "a"], "v": [1, 2, 3]})
    >>> {k: [r["v"] for r in rows] for k, rows in record_groups(df, ["k"]).items()}
    {('a',): [1, 3], (None,): [2]}
    """
    groups: dict[tuple, list[dict]] = {}
    for key, rec in zip(key_values(df, keys), records(df)):
        groups.setdefault(key, []).append(rec)
    return groups


def grouped_records(df: pd.DataFrame, keys: list[str]) -> Iterator[tuple[tuple, list[dict]]]:
    """``(key, records)`` per group, as ``df.groupby(keys, dropna=False, sort=False)`` iterates
    (same keys, same order), with one ``to_dict`` over the whole table instead of one per group.

    Examples
    --------
    >>> df = pd.DataFrame({"k": ["a", None, "a"], "v": [1, 2, 3]})
    >>> [(k, [r["v"] for r in rows]) for k, rows in grouped_records(df, ["k"])]
    [(('a',), [1, 3]), ((nan,), [2])]
    """
    if df.empty:
        return
    gb = df.groupby(keys, dropna=False, sort=False)
    buckets: list[list[dict]] = [[] for _ in range(gb.ngroups)]
    for code, rec in zip(gb.ngroup().tolist(), records(df)):
        buckets[code].append(rec)
    index = gb.size().index
    names = index.tolist() if isinstance(index, pd.MultiIndex) else [(k,) for k in index.tolist()]
    yield from zip(names, buckets)


def _exact(value: object) -> float:
    """Tolerance of a score, weight or amount without its text: whole numbers are exact."""
    return half_unit(None, value, integers_exact=True)


def _mode_first(figures: list[_Figure]) -> _Figure:
    """The figure stated most often; on a tie, the one stated first."""
    def first_line(f: _Figure) -> int:
        return min((source_line(s) or 0) for s in f.sources) if f.sources else 0
    # the lines are read only where two figures are stated equally often (the first of the
    # tied ones with the lowest line, as min over (-count, line) picks it)
    most = max(len(f.sources) for f in figures)
    tied = [f for f in figures if len(f.sources) == most]
    return tied[0] if len(tied) == 1 else min(tied, key=first_line)


def _within_limit(total: list[_Figure], parts: list[list[_Figure]], limit: int = 4096,
                  ) -> tuple[list[_Figure], list[list[_Figure]]]:
    """The figures to try: all of them, or past ``limit`` choices only the mode of each."""
    if len(total) * math.prod(len(p) for p in parts) > limit:
        return [_mode_first(total)], [[_mode_first(p)] for p in parts]
    return total, parts


def _combos(total: list[_Figure], parts: list[list[_Figure]], limit: int = 4096):
    """Every choice of one total figure and one figure per part (mode values past ``limit``)."""
    total, parts = _within_limit(total, parts, limit)
    for t in total:
        for choice in itertools.product(*parts):
            yield t, choice


#: Choices from which :func:`_compare_sum` compares them all at once with numpy (below it a
#: loop in Python is cheaper than making the arrays).
_GRID_FROM = 32


def _compare_sum(total: list[_Figure], parts: list[list[_Figure]]):
    """The best (total, parts) choice: within tolerance if any is, else the closest."""
    total, parts = _within_limit(total, parts)
    if parts and len(total) * math.prod(len(p) for p in parts) >= _GRID_FROM:
        best = _best_on_grid(total, parts)
        if best is not None:
            t, choice = best
            s = sum(p.value for p in choice)
            diff = s - t.value
            tol = t.tol + sum(p.tol for p in choice) + 1e-9 * max(1.0, abs(t.value))
            return abs(diff) <= tol, t, choice, s, diff
    best = None
    for t in total:
        for choice in itertools.product(*parts):
            s = sum(p.value for p in choice)
            tol = t.tol + sum(p.tol for p in choice) + 1e-9 * max(1.0, abs(t.value))
            diff = s - t.value
            key = (abs(diff) > tol, abs(diff))
            if best is None or key < best[0]:
                best = (key, t, choice, s, diff, tol)
    _, t, choice, s, diff, tol = best
    return abs(diff) <= tol, t, choice, s, diff


def _best_on_grid(total: list[_Figure], parts: list[list[_Figure]],
                  ) -> tuple[_Figure, tuple[_Figure, ...]] | None:
    """The choice :func:`_compare_sum`'s loop picks, found with numpy over every choice at once
    (a budget item stated several times makes hundreds of choices); None where a figure is
    not finite (the loop then decides, as it compares NaN its own way).

    The sums are added in the loop's order (0, then the parts in order; the total's tolerance
    before the parts', the relative margin last), so they are the same floats; the grid's axes
    are the total then the parts, so its flat order is the loop's (``itertools.product``,
    the last part fastest) and ``argmin`` finds the same first best choice.
    """
    ndim = len(parts) + 1

    def along(values: list[float], axis: int) -> np.ndarray:
        return np.array(values, dtype=float).reshape([-1 if i == axis else 1 for i in range(ndim)])

    t_values = [t.value for t in total]
    columns = [([p.value for p in part], [p.tol for p in part]) for part in parts]
    every = t_values + [t.tol for t in total] + [x for v, tl in columns for x in v + tl]
    if not np.isfinite(every).all():
        return None
    s = np.float64(0.0)
    tol = np.float64(0.0)
    for axis, (values, tols) in enumerate(columns, start=1):
        s = s + along(values, axis)
        tol = tol + along(tols, axis)
    margin = [1e-9 * max(1.0, abs(v)) for v in t_values]
    distance = np.abs(s - along(t_values, 0))
    tol = along([t.tol for t in total], 0) + tol + along(margin, 0)
    within = distance <= tol
    flat = np.where(within, distance, np.inf) if within.any() else distance
    index = np.unravel_index(int(np.argmin(flat)), flat.shape)
    return total[index[0]], tuple(part[i] for part, i in zip(parts, index[1:]))


def _sources(*figures: Iterable[_Figure] | _Figure) -> str:
    flat: list[str] = []
    for f in figures:
        if f.__class__ is _Figure:  # (the commonest: a figure, not a list of them)
            flat += f.sources
        else:
            for x in f:
                flat += x.sources
    return join_sources(flat)


def _sum_text(choice: Iterable[_Figure]) -> str:
    return " + ".join(f"{c.label}{fmt(c.value)}" for c in choice)


def _identities(table: str) -> list[dict[str, str]]:
    return [r for r in read_rule_file("identities.csv") if r["table"] == table]


def _budget(ctx: Context) -> pd.DataFrame:
    """The budget with the ``key`` and ``context`` every budget check compares by, and why a
    row's figure may not be the quantity its columns name (``_unsure``, see
    :func:`uncertain_rows`); made once per context (the checks must not change it)."""
    return ctx.shared("budget", lambda: _make_budget(ctx))


def _make_budget(ctx: Context) -> pd.DataFrame:
    b = ctx.tables["budget"].copy()
    b["context"] = context_paths(b["parent"])
    b["key"] = b["item"].fillna("").astype("str")
    blank = b["key"] == ""
    b.loc[blank, "key"] = ("〔" + b.loc[blank, "item_raw"].fillna("未命名").astype("str") + "〕")
    if "funding" in b.columns:  # a figure of one funding source only (财政拨款一基本支出) is another quantity
        funded = b["funding"].notna()
        suffix = "（" + b.loc[funded, "funding"].astype("str") + "）"
        b.loc[funded, "key"] = b.loc[funded, "key"] + suffix
        nested = funded & (b["context"] != "")
        b.loc[nested, "context"] = b.loc[nested, "context"] + suffix[nested[funded]]
    b["_unsure"] = uncertain_rows("budget", b)
    return b


def _budget_rows(ctx: Context) -> list[dict]:
    """The records of :func:`_budget` (made once per context; the checks must not change them)."""
    return ctx.shared("budget-rows", lambda: records(_budget(ctx)))


def _budget_groups(ctx: Context, keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    """The records of :func:`_budget` grouped by ``keys`` as :func:`record_groups` groups them
    (missing keys as None, groups in order of first appearance), made once per context: several
    checks go through the budget by report, scope and stage."""
    def make() -> dict[tuple, list[dict]]:
        groups: dict[tuple, list[dict]] = {}
        for key, rec in zip(key_values(_budget(ctx), list(keys)), _budget_rows(ctx)):
            groups.setdefault(key, []).append(rec)
        return groups

    return ctx.shared(("budget-groups", keys), make)


def execution_rows_of(ctx: Context) -> pd.DataFrame:
    """:func:`evalkit.analysis.execution.execution_rows` of the context's tables, from the
    budget grouped by report and scope as the checks group it (made once per context)."""
    from ..execution import amounts_by_scope, execution_rows

    groups = _budget_groups(ctx, ("report_id", "scope"))
    return execution_rows(amounts_by_scope(groups), ctx.tables["rates"], ctx.tables["reports"])


@functools.lru_cache(maxsize=1 << 14)  # (a few items, asked about for every breakdown)
def unfunded(key: str) -> str:
    """A budget key without its funding suffix: '基本支出（财政拨款）' → '基本支出'.

    Examples
    --------
    >>> unfunded("基本支出（财政拨款）"), unfunded("基本支出")
    ('基本支出', '基本支出')
    """
    return re.sub(r"（[^（）]*）$", "", key)


def _parts_finding(rid, what, t, choice, s, diff, exhaustive, n_parts):
    """A finding for a total that does not equal its parts, or None when it should be quiet."""
    if diff > 0:
        return Finding(rid, "parts-exceed-total", "错误",
                       f"{what}{fmt(t.value)}小于所列分项之和{fmt(round_half_up(s, 6))}（{_sum_text(choice)}）",
                       fmt(t.value), fmt(round_half_up(s, 6)), round_half_up(diff, 6),
                       _sources(t, choice))
    if n_parts < 2:
        return None
    severity = "警告" if exhaustive else "提示"
    tail = "" if exhaustive else "（分项可能未列全）"
    return Finding(rid, "parts-short-of-total", severity,
                   f"{what}{fmt(t.value)}大于所列分项之和{fmt(round_half_up(s, 6))}（{_sum_text(choice)}）{tail}",
                   fmt(t.value), fmt(round_half_up(s, 6)), round_half_up(diff, 6),
                   _sources(t, choice))


# --------------------------------------------------------------------------------------------
# one quantity stated twice (budget, enrollment, funds, staff)


def _scale(ratio: float) -> int | None:
    if ratio <= 0:
        return None
    k = math.log10(ratio)
    nearest = round(k)
    if nearest != 0 and abs(k - nearest) < 0.005:
        return nearest
    return None


def _conflicts(rid: str, what: str, figures: list[_Figure], unit: str, rule: str,
               qualified: Mapping[float, str] | None = None,
               loose: bool = False, scale: bool = True,
               unclear: str | None = None) -> Iterator[Finding]:
    """Findings ``rule`` for every figure that differs from the one stated most often.

    A value about 10ⁿ times the base is reported as ``unit-scale-suspect`` (unless ``scale``
    is false: a count of staff has no unit to get wrong). When the two figures cannot be shown
    to be one quantity — a value named in ``qualified`` (with the words that qualify it), any
    value when ``loose`` (a grouping counted differently from one sentence to the next), or a
    group with a reason in ``unclear`` (scope, stage or year unknown; words of two meanings) —
    the difference is an extraction suspect ``comparability-unclear``, not a contradiction.
    """
    if len(figures) < 2:
        return
    plain = [f for f in figures if f.value not in (qualified or {})]
    base = _mode_first(plain or figures)
    for f in figures:
        if f is base:
            continue
        diff = f.value - base.value
        if abs(diff) <= f.tol + base.tol + 1e-9 * max(1.0, abs(base.value)):
            continue
        where = f"{fmt(base.value)}{unit}（{lines_label(base.sources)}）与{fmt(f.value)}{unit}（{lines_label(f.sources)}）"
        k = _scale(f.value / base.value) if scale and base.value else None
        if k is not None:
            yield Finding(rid, "unit-scale-suspect", "警告",
                          f"{what}在报告中两处数值相差约{fmt(10 ** abs(k))}倍：{where}，疑似单位写错",
                          fmt(base.value), fmt(f.value), round_half_up(diff, 6), _sources(base, f))
            continue
        note = (qualified or {}).get(f.value) or (qualified or {}).get(base.value)
        severity, tail, code = "警告", "", rule
        if note:
            severity, tail, code = "提示", f"（“{note}”可能只是其中一部分）", UNCLEAR
        elif loose:
            severity, tail, code = "提示", "（此类数字各处口径可能不同）", UNCLEAR
        elif unclear:
            tail, code = f"（{unclear}）", UNCLEAR
        yield Finding(rid, code, severity, f"{what}在报告中有不同数值：{where}{tail}",
                      fmt(base.value), fmt(f.value), round_half_up(diff, 6), _sources(base, f))


#: The suspect a difference becomes when the figures cannot be shown to be one quantity.
UNCLEAR = "comparability-unclear"


def uncertain_rows(table: str, rows: pd.DataFrame) -> pd.Series:
    """Why each row's figure may not be the quantity its columns name (``rules/comparability.csv``),
    or missing: a comparison citing such a row is a suspect, not a contradiction.

    Examples
    --------
    >>> s = pd.DataFrame({"category_raw": ["事业编", "事业编制人数"]})
    >>> uncertain_rows("staff", s).notna().tolist()
    [False, True]
    """
    out = pd.Series(pd.NA, index=rows.index, dtype="object")
    for r in read_rule_file("comparability.csv"):
        if r["table"] != table or r["column"] not in rows.columns:
            continue
        hit = rows[r["column"]].astype("string").str.contains(r["pattern"], regex=True).fillna(False)
        out = out.mask(hit.astype(bool) & out.isna(), r["reason"])
    return out


def first_reason(reasons: Iterable[object]) -> str | None:
    """The first reason that is not missing, or None."""
    return next((str(r) for r in reasons if isinstance(r, str) and r), None)


# --------------------------------------------------------------------------------------------
# totals on one line (enrollment, funds, staff)


def _same_line_identities(ctx: Context, table: str, value_col: str, keys: list[str],
                          category: str = "scheme") -> Iterator[Finding]:
    """Totals against parts stated on the same line; a total may have several breakdowns
    (alternatives in ``rules/identities.csv``): it passes if one complete breakdown adds up."""
    df = ctx.tables.get(table)
    if df is None or df.empty or category not in df.columns:
        return
    alternatives: dict[str, list[dict[str, str]]] = defaultdict(list)
    for identity in _identities(table):
        alternatives[identity["total"]].append(identity)
    raw_col = "raw" if "raw" in df.columns else None
    # one pass over the table: the rows of each line (and keys) by category, only on lines that
    # state one of the totals
    names = set(alternatives) | {n for ids in alternatives.values() for i in ids
                                 for n in i["parts"].split("|")}
    df = df[df[category].isin(names)]
    group_cols = ["report_id", "source", *keys]
    has_total = df[category].isin(list(alternatives))
    wanted = df.loc[has_total, group_cols].drop_duplicates()
    df = df.merge(wanted, on=group_cols, how="inner") if len(wanted) else df.iloc[0:0]
    # (the records carry only the columns read here and by _figures: smaller dicts)
    df = df[list(dict.fromkeys([*group_cols, category, value_col, *([raw_col] if raw_col else [])]))]
    groups: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for key, rec in zip(key_values(df, group_cols), records(df)):
        groups[key][rec[category]].append(rec)
    for total_name, identities in alternatives.items():
        for group_key, by_category in groups.items():
            rid = group_key[0]
            if total_name not in by_category:
                continue  # (most lines state one total of several)
            total = _figures(by_category[total_name], value_col, raw_col)
            if not total:
                continue
            results = []
            for identity in identities:
                names = identity["parts"].split("|")
                if any(n not in by_category for n in names):
                    continue  # (a part not stated on the line: no complete breakdown)
                parts = [_figures(by_category[n], value_col, raw_col, label=n) for n in names]
                if all(parts):
                    results.append((identity, *_compare_sum(total, parts)))
            if not results or any(r[1] for r in results):
                continue
            identity, _, t, choice, s, diff = min(results, key=lambda r: abs(r[5]))
            extra = "".join(str(k) for k in group_key[2:] if k is not None)
            what = f"{extra}{total_name}（{identity['description']}）"
            finding = _parts_finding(rid, what, t, choice, s, diff,
                                     identity["exhaustive"] == "yes", len(choice))
            if finding:
                yield finding


# --------------------------------------------------------------------------------------------
# running


def run_checks(
    tables: Mapping[str, pd.DataFrame | None],
    rules: RuleSet | str | None = None,
    checks: Iterable[str] | None = None,
    achievement: pd.DataFrame | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Run the consistency checks and collect every finding into one table.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The reader's tables (``reports``, ``indicators``, ``budget``, ``rates``,
        ``enrollment``, ``funds``; optional ``assets`` and ``staff``). Missing tables are
        treated as empty.
    rules : RuleSet or str, optional
        Scoring rule set (default national).
    checks : iterable of str, optional
        Names of the checks to run (keys of :data:`CHECKS`); default all.
    achievement : DataFrame, optional
        The output of :func:`evalkit.analysis.achievement`, if already computed.
    workers : int, optional
        Processes to use. Every check compares figures of one report only, so the reports
        can be shared out among processes; the result is the same table. Default: one per
        CPU (at most 8) for :data:`SHARDED_FROM` reports or more, else 1.

    Returns
    -------
    DataFrame
        One row per finding, columns report_id, rule, severity, message, expected, observed,
        difference, sources; sorted by report, severity, rule and line. A check that raises
        is logged and reported as a ``check-failed`` finding; the others still run.

    Examples
    --------
    >>> budget = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3,
    ...     "stage": ["决算"] * 3, "item": ["基本支出", "人员经费", "公用经费"],
    ...     "parent": [None, "基本支出", "基本支出"], "amount_wan": [363.47, 211.9, 161.57],
    ...     "source": ["r:154", "r:135", "r:136"]})
    >>> f = run_checks({"budget": budget})
    >>> f[["rule", "severity", "expected", "observed", "difference"]].values.tolist()
    [['parts-exceed-total', '错误', '363.47', '373.47', 10.0]]

    211.9 + 161.57 = 373.47, 10 more than the 363.47 stated for 基本支出.
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules or "national")
    ctx = Context(prepare(tables), rs, achievement)
    return run_in_context(ctx, checks, workers)


def run_in_context(ctx: Context, checks: Iterable[str] | None = None,
                   workers: int | None = None, execution: bool = False) -> pd.DataFrame:
    """:func:`run_checks` on a context of conformed tables. Where ``ctx`` has no achievement
    table yet, it has one afterwards (judged in the worker processes when there are several).
    With ``execution``, worker processes also compute the rows of :func:`execution_rows_of`
    for their reports (kept in ``ctx`` under ``'execution-rows'``)."""
    names = list(CHECKS) if checks is None else list(checks)
    from ._shards import in_shards  # a module of its own: processes and pools

    with gc_paused():
        out = in_shards(ctx, names, workers, execution)  # (sorted in the workers)
        if out is None:
            out = sorted_findings(findings_of(ctx, names))
    return out


def sorted_findings(out: pd.DataFrame) -> pd.DataFrame:
    """The findings ``out`` sorted by report, severity, rule, first line and message; rows
    alike in all five keep their order."""
    if out.empty:
        return out.reset_index(drop=True)
    order = _finding_order(out)
    return out.take(order).reset_index(drop=True)


def _finding_order(out: pd.DataFrame) -> np.ndarray:
    """The positions of ``out``'s rows in the order of :func:`sorted_findings`: what
    ``sort_values([...], kind="stable")`` gives (missing values last, in each key), found by
    numpy's stable ``lexsort`` of integer codes, cheaper than pandas' sort of text columns."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    # (a severity the list lacks, or none, is NaN for pandas' map: after the others)
    severity = _coded(out["severity"], lambda s: rank.get(s, len(SEVERITIES)))
    line = _coded(out["sources"], _first_line)
    # (lexsort: the last key first)
    return np.lexsort((_sort_codes(out["message"]), line, _sort_codes(out["rule"]), severity,
                       _sort_codes(out["report_id"])))


def _sort_codes(column: pd.Series) -> np.ndarray:
    """Integer codes in the order of ``column``'s values, a missing value after every other
    (as pandas sorts it)."""
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _coded(column: pd.Series, key: Callable[[object], int]) -> np.ndarray:
    """``key`` of each value of ``column``, called once per distinct value (a missing value
    as None: the keys here read None and NaN alike)."""
    codes, uniques = pd.factorize(column)
    # (code -1, a missing value, takes the last entry)
    table = [key(v) for v in column_values(pd.Series(uniques))] + [key(None)]
    return np.array(table, dtype=np.int64)[codes]


def findings_of(ctx: Context, names: list[str]) -> pd.DataFrame:
    """The findings of the checks ``names`` on ``ctx``, with their rule names, kinds and
    excerpts, in the order the checks found them (duplicates dropped)."""
    findings: list[Finding] = []
    for name in names:
        function = CHECKS[name]
        try:
            found = list(function(ctx))
        except Exception as exc:  # a bug in one check must not hide the others' findings
            logger.exception("check %s failed", name)
            found = [Finding("", "check-failed", "错误",
                             f"检查“{name}”运行出错：{type(exc).__name__}: {exc}")]
        logger.debug("check %s: %d findings", name, len(found))
        findings.extend(found)
    if not findings:
        return frame([], FINDING_COLUMNS).drop_duplicates()
    # (the frame of the findings' own fields, without the columns made below: a column of
    # missing values made only to be replaced costs a pass over every row)
    out = frame(_finding_columns(findings), _FOUND_COLUMNS).drop_duplicates()
    cat = rule_catalogue().set_index("rule")
    out["rule_name"] = out["rule"].map(cat["rule_name"]).fillna(out["rule"]).astype("str")
    out["kind"] = out["rule"].map(cat["kind"]).fillna("存疑").astype("str")
    out["excerpt"] = excerpts(out["sources"], ctx.tables, out["rule"])
    return out[list(FINDING_COLUMNS)]


#: The columns of :data:`FINDING_COLUMNS` a :class:`Finding` holds (the others are made from
#: them by :func:`findings_of`).
_FOUND_COLUMNS = {c: dtype for c, dtype in FINDING_COLUMNS.items() if c in _FINDING_FIELDS}


def _finding_columns(findings: list[Finding]) -> dict[str, list]:
    """The fields of ``findings`` as lists by column (one C-level getter per finding rather
    than one ``getattr`` per field)."""
    rows = list(map(operator.attrgetter(*_FINDING_FIELDS), findings))
    return {c: list(values) for c, values in zip(_FINDING_FIELDS, zip(*rows))}


def _first_line(sources: object) -> int:
    """The line of the first source a finding cites, 0 without one (the findings' order)."""
    return source_line(str(sources).split(";")[0]) or 0


@functools.cache
def _catalogue() -> pd.DataFrame:
    rows = read_rule_file("check_rules.csv")
    return pd.DataFrame(list(rows), dtype="str")


def rule_catalogue() -> pd.DataFrame:
    """The rule catalogue (``rules/check_rules.csv``): one row per rule code.

    Columns: ``rule`` (the code scripts use), ``rule_name`` (the Chinese name users see),
    ``kind`` (矛盾: a contradiction of the report, an audit finding; 存疑: an extraction
    suspect, a review item), ``severity`` (the severities it may have, ``|``-separated),
    ``tolerance``, ``formula`` (what it checks) and ``example``.

    Examples
    --------
    >>> cat = rule_catalogue().set_index("rule")
    >>> cat.loc["parts-exceed-total", ["rule_name", "kind", "severity"]].tolist()
    ['分项之和大于合计', '矛盾', '错误']
    >>> cat.loc["unit-scale-suspect", "kind"]
    '存疑'
    """
    return _catalogue().copy()


def rule_name(code: str) -> str:
    """The Chinese name of a rule code (the code itself when the catalogue lacks it).

    >>> rule_name("score-differs-report-rule")
    '得分与报告评分细则不符'
    """
    names = dict(zip(_catalogue()["rule"], _catalogue()["rule_name"]))
    return names.get(code, code)


#: Columns whose words make a row's excerpt, per table (the first present is the label).
_EXCERPT_WORDS = {
    "budget": (("item_raw", "item"), ("stage",), ("amount_wan",)),
    "enrollment": (("scheme",), ("raw", "persons")),
    "funds": (("scheme",), ("flow",), ("raw", "amount_wan")),
    "staff": (("category_raw", "category"), ("raw", "persons")),
    "assets": (("item_raw", "item"), ("raw", "amount_wan")),
    "rates": (("name",), ("raw", "value_pct")),
    "indicators": (("table",), ("level3", "level2", "level1"), ("target_raw",), ("actual_raw",),
                   ("score",), ("rule_text",)),
    "procurement": (("name",), ("budget_wan",), ("actual_wan",), ("method",)),
    "services": (("measure",), ("raw",)),
}
_EXCERPT_WIDTH = 60


def excerpts(sources: pd.Series, tables: Mapping[str, pd.DataFrame],
             rules: pd.Series | None = None) -> pd.Series:
    """What the report says on each line a finding cites, from the tables' own words.

    For each ``'<report_id>:<line>'`` of ``sources`` the words of every row read from that line
    (item and amount as written, indicator name, target and actual …) are joined as
    ``'L338 居民医保 6569万元'``; lines are separated by ``；``. With ``rules`` (the findings'
    rule codes), only rows of the tables the rule compares (the catalogue's ``tables``) are
    quoted. The tables hold no line text, so this is what the reader took from the line, not
    the line itself.

    Examples
    --------
    >>> b = pd.DataFrame({"item_raw": ["公用经费"], "item": ["公用经费"], "stage": ["决算"],
    ...     "amount_wan": [151.57], "source": ["r:136"]})
    >>> excerpts(pd.Series(["r:136;r:9"]), {"budget": b}).tolist()
    ['L136 公用经费 决算 151.57']
    """
    texts = sources.astype("object").tolist()
    # the places of each distinct sources text (findings share them: one split per text)
    cited = {v: v.split(";") for v in set(texts) if isinstance(v, str) and v}
    wanted = set(itertools.chain.from_iterable(cited.values()))
    said = _words_at(wanted, tables)
    if not said:
        return pd.Series("", index=sources.index, dtype="str")
    allowed = _quotable_tables()
    codes = [None] * len(texts) if rules is None else rules.astype("object").tolist()
    out = []
    # per set of tables a rule allows (a handful): each place's quote and each sources text's
    # excerpt, made once
    quoted: dict[frozenset[str] | None, dict[str, str]] = {}
    excerpt_of: dict[frozenset[str] | None, dict[object, str]] = {}
    for v, code in zip(texts, codes):
        tables_ok = allowed.get(code) if code.__class__ is str else None
        done = excerpt_of.get(tables_ok)
        if done is None:
            done = excerpt_of[tables_ok] = {}
            quoted[tables_ok] = {}
        excerpt = done.get(v)
        if excerpt is None:
            excerpt = done[v] = _excerpt(cited.get(v, ()), said, tables_ok, quoted[tables_ok])
        out.append(excerpt)
    return pd.Series(out, index=sources.index, dtype="str")


def _excerpt(places: Iterable[str], said: Mapping[str, Iterable[tuple[str, str]]],
             tables: frozenset[str] | None, quotes: dict[str, str]) -> str:
    """The quotes of ``places`` joined by '；' (each place's quote made once, kept in
    ``quotes``)."""
    lines = []
    for place in places:
        line = quotes.get(place)
        if line is None:
            line = quotes[place] = _quote(place, said.get(place, ()), tables)
        if line:
            lines.append(line)
    return "；".join(lines)


def _quote(place: str, said: Iterable[tuple[str, str]], tables: frozenset[str] | None) -> str:
    """``'L338 words，words'``: what the rows of the tables ``tables`` (None: any) read from
    ``place`` say, or '' when they say nothing."""
    words = [w for table, w in said if tables is None or table in tables]
    return f"{_place(place)} {'，'.join(words)[:_EXCERPT_WIDTH]}" if words else ""


def _words_at(wanted: set[str], tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[tuple[str, str], None]]:
    """For each source of ``wanted``, the words of the rows read from it: ``(table, words)``
    pairs (the keys of a dict, kept in order), tables in the order of :data:`_EXCERPT_WORDS`
    and rows in table order, each pair once."""
    said: dict[str, dict[tuple[str, str], None]] = {}
    for name, groups in _EXCERPT_WORDS.items():
        df = tables.get(name)
        if df is None or df.empty or "source" not in df.columns:
            continue
        cited = [s in wanted for s in column_values(df["source"])]
        df = df[np.array(cited, dtype=bool)]  # cited lines only
        if df.empty:
            continue
        columns = [_cell_words(df[col]) for col in
                   (next((c for c in group if c in df.columns), None) for group in groups)
                   if col is not None]
        for source, *cells in zip(column_values(df["source"]), *columns):
            # the cells' words (white space already squeezed cell by cell) joined by a space:
            # the row's words with runs of white space as one space, none at the ends
            w = " ".join([c for c in cells if c])
            if w:
                pairs = said.get(source)
                if pairs is None:
                    pairs = said[source] = {}
                pairs[(name, w)] = None  # (a pair said again keeps its first place)
    return said


def _cell_words(column: pd.Series) -> list[str]:
    """A column's cells as an excerpt quotes them: numbers formatted (:func:`fmt`), text as
    written, cut to 30 characters, white space squeezed; a missing cell as ''."""
    values = column_values(column)
    if pd.api.types.is_numeric_dtype(column):
        cells = [("" if is_na(v) else fmt(v))[:30] for v in values]
    else:  # (a str first: most cells are text, and text is never missing)
        cells = [(v if v.__class__ is str else "" if is_na(v) else str(v))[:30] for v in values]
    # runs of white space as one space, none at the ends (str.split's white space is the same
    # as the \s of a regular expression), once per distinct cell: the cells repeat
    squeezed = {c: " ".join(c.split()) for c in set(cells)}
    return [squeezed[c] for c in cells]


@functools.cache
def _quotable_tables() -> dict[str, frozenset[str]]:
    """The tables whose rows may be quoted for a finding of each rule that names them (the
    catalogue's ``tables``); a rule absent here may quote any table."""
    cat = _catalogue()
    limited = cat.loc[cat["tables"].fillna("") != "", ["rule", "tables"]]
    return {r: frozenset(ts.split("|")) for r, ts in zip(limited["rule"], limited["tables"])}


def _place(source: str) -> str:
    """'L338' for the source 'r:338'; the locator ('段落7') where the source has no line."""
    n = source_line(source)
    return f"L{n}" if n is not None else str(source).rsplit(":", 1)[-1]


def _ctx(**tables: pd.DataFrame) -> Context:
    """A context over a few hand-made tables (for examples and tests)."""
    return Context(prepare(tables), load_rules())
