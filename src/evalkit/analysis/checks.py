"""Consistency checks: where a report contradicts itself.

Each check is a small generator function that yields :class:`Finding` objects; it never
stops at the first problem and never uses ``assert``. :func:`run_checks` runs all of them
(or a chosen few) and collects the findings into one table:

======================  ==================================================================
column                  meaning
======================  ==================================================================
report_id               the report
rule                    a stable code (``score-exceeds-weight``, ``parts-exceed-total`` …)
severity                错误 (arithmetic that cannot hold), 警告 (a contradiction worth a
                        question), 提示 (worth a look; often a difference of definitions)
message                 what is wrong, in Chinese, with the figures
expected, observed      the two values compared, as written (text)
difference              observed − expected, when both are numbers
sources                 the lines involved, ``'<report_id>:<line>'`` joined by ``;``
======================  ==================================================================

Figures are compared with a tolerance of half a unit of the last digit written, added up
over every figure involved (a total written to 2 decimals against four parts written to 2
decimals may differ by up to 0.025).

Rule codes
----------
Budget: ``parts-exceed-total``, ``parts-short-of-total`` (a breakdown against its total),
``amount-conflict`` and ``unit-scale-suspect`` (one quantity stated with different values).
Enrollment and funds: the same two parts codes, ``enrollment-conflict``, ``funds-conflict``,
``headcount-not-integer``, ``figure-noted`` (a problem the reader noted). Rates: ``rate-mismatch``. Indicators: ``score-exceeds-weight``,
``score-negative``, ``weights-not-100``, ``subtotal-mismatch``, ``score-sum-mismatch``,
``grade-mismatch``, ``duplicate-indicator-row``, ``indicator-name-repeated``,
``indicator-conflict``, ``score-differs-report-rule``, ``score-differs-national-rule``,
``rule-text-unparsed``, ``rule-not-applicable``, ``unit-unclear``,
``indicator-differs-from-text``, ``level1-weight-nonstandard``. Further tables of the reader:
``assets-identity-mismatch`` (``assets``: 资产总额 − 负债总额 = 净资产), the parts codes for
``staff`` (staff categories against their total) and for ``procurement`` (rows against the
合计 row), ``procurement-conflict`` (a purchase the text lists differently from the table) and
``procurement-seq-gap``.
``check-failed`` reports a check that raised an exception (a bug, not a finding on the data).
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from ._common import (
    FINDING_COLUMNS,
    SEVERITIES,
    context_path,
    convert,
    fmt,
    fold_text,
    frame,
    half_unit,
    join_sources,
    lines_label,
    num,
    prepare,
    read_rule_file,
    round_half_up,
    source_line,
    text,
    units,
)
from .execution import ITEM_CONTEXTS
from .rulesets import RuleSet, load_rules
from .scoring import canonical, leaf_rows

logger = logging.getLogger(__name__)

__all__ = ["CHECKS", "Context", "Finding", "check", "run_checks"]


@dataclass(frozen=True)
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


@dataclass
class Context:
    """What a check sees: the conformed tables, the rule set and the achievement table."""

    tables: dict[str, pd.DataFrame]
    rules: RuleSet
    _achievement: pd.DataFrame | None = None

    @property
    def achievement(self) -> pd.DataFrame:
        """The indicators judged and re-scored (computed once, on first use)."""
        if self._achievement is None:
            from .achievement import achievement

            self._achievement = achievement(self.tables["indicators"], rules=self.rules)
        return self._achievement


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


@dataclass(frozen=True)
class _Figure:
    value: float
    sources: tuple[str, ...]
    tol: float
    label: str = ""


def _figures(rows: pd.DataFrame, value_col: str, raw_col: str | None = None,
             label: str = "") -> list[_Figure]:
    """Distinct values of ``rows`` (within rounding), each with its sources and tolerance."""
    out: list[_Figure] = []
    for rec in rows.to_dict("records"):
        v = num(rec.get(value_col))
        if v is None:
            continue
        tol = half_unit(rec.get(raw_col) if raw_col else None, v, integers_exact=True)
        src = text(rec.get("source"))
        for i, f in enumerate(out):
            if abs(f.value - v) <= 1e-9 * max(1.0, abs(v)):
                out[i] = _Figure(f.value, f.sources + ((src,) if src else ()), max(f.tol, tol),
                                 f.label)
                break
        else:
            out.append(_Figure(v, (src,) if src else (), tol, label))
    return out


def _exact(value: object) -> float:
    """Tolerance of a score, weight or amount without its text: whole numbers are exact."""
    return half_unit(None, value, integers_exact=True)


def _mode_first(figures: list[_Figure]) -> _Figure:
    """The figure stated most often; on a tie, the one stated first."""
    def first_line(f: _Figure) -> int:
        return min((source_line(s) or 0) for s in f.sources) if f.sources else 0
    return min(figures, key=lambda f: (-len(f.sources), first_line(f)))


def _combos(total: list[_Figure], parts: list[list[_Figure]], limit: int = 4096):
    """Every choice of one total figure and one figure per part (mode values past ``limit``)."""
    size = len(total) * math.prod(len(p) for p in parts)
    if size > limit:
        total = [_mode_first(total)]
        parts = [[_mode_first(p)] for p in parts]
    for t in total:
        for choice in itertools.product(*parts):
            yield t, choice


def _compare_sum(total: list[_Figure], parts: list[list[_Figure]]):
    """The best (total, parts) choice: within tolerance if any is, else the closest."""
    best = None
    for t, choice in _combos(total, parts):
        s = sum(p.value for p in choice)
        tol = t.tol + sum(p.tol for p in choice) + 1e-9 * max(1.0, abs(t.value))
        diff = s - t.value
        key = (abs(diff) > tol, abs(diff))
        if best is None or key < best[0]:
            best = (key, t, choice, s, diff, tol)
    _, t, choice, s, diff, tol = best
    return abs(diff) <= tol, t, choice, s, diff


def _sources(*figures: Iterable[_Figure] | _Figure) -> str:
    flat: list[str] = []
    for f in figures:
        for x in (f if isinstance(f, (list, tuple)) else [f]):
            flat.extend(x.sources)
    return join_sources(flat)


def _sum_text(choice: Iterable[_Figure]) -> str:
    return " + ".join(f"{c.label}{fmt(c.value)}" for c in choice)


def _identities(table: str) -> list[dict[str, str]]:
    return [r for r in read_rule_file("identities.csv") if r["table"] == table]


def _budget(ctx: Context) -> pd.DataFrame:
    b = ctx.tables["budget"].copy()
    b["context"] = b["parent"].map(context_path).astype("str")
    b["key"] = b["item"].fillna("").astype("str")
    blank = b["key"] == ""
    b.loc[blank, "key"] = ("〔" + b.loc[blank, "item_raw"].fillna("未命名").astype("str") + "〕")
    if "funding" in b.columns:  # a figure of one funding source only (财政拨款一基本支出) is another quantity
        funded = b["funding"].notna()
        b.loc[funded, "key"] = b.loc[funded, "key"] + "（" + b.loc[funded, "funding"].astype("str") + "）"
    return b


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
# budget


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
            own = [r for r in ids if r["total"] == parent_item]
            sets: dict[int, list[str]] = defaultdict(list)
            for key in dict.fromkeys(children["key"]):
                index = next((i for i, r in enumerate(own) if key in r["parts"].split("|")), None)
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
               loose: bool = False) -> Iterator[Finding]:
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
        k = _scale(f.value / base.value) if base.value else None
        if k is not None:
            yield Finding(rid, "unit-scale-suspect", "警告",
                          f"{what}在报告中两处数值相差约{fmt(10 ** abs(k))}倍：{where}，疑似单位写错",
                          fmt(base.value), fmt(f.value), round_half_up(diff, 6), _sources(base, f))
            continue
        note = (qualified or {}).get(f.value) or (qualified or {}).get(base.value)
        severity, tail = ("提示", f"（“{note}”可能只是其中一部分）") if note else ("警告", "")
        if loose and not note:
            severity, tail = "提示", "（此类人数各处口径可能不同）"
        yield Finding(rid, rule, severity, f"{what}在报告中有不同数值：{where}{tail}",
                      fmt(base.value), fmt(f.value), round_half_up(diff, 6), _sources(base, f))


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
            line = source_line(rec.get("source"))
            for other in rows.to_dict("records"):
                if source_line(other.get("source")) == line and num(other.get("amount_wan")) is not None:
                    qualified[float(other["amount_wan"])] = raw
        where = f"（{context}下）" if context else ""
        yield from _conflicts(rid, f"{scope}{stage}{key}{where}", figures, "万元",
                              "amount-conflict", qualified)


# --------------------------------------------------------------------------------------------
# enrollment and funds


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
    for total_name, identities in alternatives.items():
        for group_key, rows in df.groupby(["report_id", "source", *keys], dropna=False,
                                          sort=False):
            rid = group_key[0]
            total = _figures(rows[rows[category] == total_name], value_col, raw_col)
            if not total:
                continue
            results = []
            for identity in identities:
                parts = [_figures(rows[rows[category] == n], value_col, raw_col, label=n)
                         for n in identity["parts"].split("|")]
                if all(parts):
                    results.append((identity, *_compare_sum(total, parts)))
            if not results or any(r[1] for r in results):
                continue
            identity, _, t, choice, s, diff = min(results, key=lambda r: abs(r[5]))
            extra = "".join(str(k) for k in group_key[2:] if not pd.isna(k))
            what = f"{extra}{total_name}（{identity['description']}）"
            finding = _parts_finding(rid, what, t, choice, s, diff,
                                     identity["exhaustive"] == "yes", len(choice))
            if finding:
                yield finding


@check("enrollment-funds-identities")
def check_enrollment_funds_identities(ctx: Context) -> Iterator[Finding]:
    """Head counts and fund flows against the parts stated in the same sentence.

    参保人数 合计 = 职工医保 + 居民医保; 基金 合计 = 职工医保 + 居民医保; 职工医保 = 统筹基金 +
    个人账户 (``rules/identities.csv``). Tolerances follow the rounding written (43.01万人 ± 50).

    Examples
    --------
    >>> e = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3,
    ...     "scheme": ["合计", "职工医保", "居民医保"], "persons": [430100, 35800, 394300],
    ...     "raw": ["43.01万人", "3.58万人", "39.43万人"], "source": ["r:40"] * 3})
    >>> list(check_enrollment_funds_identities(_ctx(enrollment=e)))
    []
    """
    yield from _same_line_identities(ctx, "enrollment", "persons", ["year"])
    yield from _same_line_identities(ctx, "funds", "amount_wan", ["year", "flow"])


#: Schemes with one clear definition; other groupings (资助参保 …) may be counted differently
#: from one sentence to the next, so a difference in them is only a 提示.
SCHEMES = ("合计", "职工医保", "居民医保", "生育保险", "补充医疗保险", "职工医保统筹基金",
           "职工医保个人账户", "医疗救助")


@check("enrollment-funds-conflicts")
def check_enrollment_funds_conflicts(ctx: Context) -> Iterator[Finding]:
    """The same head count or fund flow (year, scheme, flow) stated with different values.

    For a scheme outside :data:`SCHEMES` the finding is a 提示.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3, "scheme": ["职工医保"] * 3,
    ...     "flow": ["支出"] * 3, "amount_wan": [16000.0, 17558.29, 16000.0],
    ...     "raw": ["1.6亿元", "17558.29万元", "1.6亿元"], "source": ["r:40", "r:815", "r:240"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_enrollment_funds_conflicts(_ctx(funds=f))]
    [('funds-conflict', '16000', '17558.29')]

    1.6亿元 is 16000 ± 500 万元 as written; 17558.29 is outside.
    """
    e = ctx.tables["enrollment"]
    for (rid, year, scheme), rows in e.groupby(["report_id", "year", "scheme"], dropna=False,
                                               sort=False):
        yield from _conflicts(rid, f"{fmt(year)}年{scheme}参保人数", _figures(rows, "persons", "raw"),
                              "人", "enrollment-conflict", loose=scheme not in SCHEMES)
    f = ctx.tables["funds"]
    for (rid, year, scheme, flow), rows in f.groupby(["report_id", "year", "scheme", "flow"],
                                                     dropna=False, sort=False):
        yield from _conflicts(rid, f"{fmt(year)}年{scheme}基金{flow}",
                              _figures(rows, "amount_wan", "raw"), "万元", "funds-conflict",
                              loose=scheme not in SCHEMES)


@check("headcounts")
def check_headcounts(ctx: Context) -> Iterator[Finding]:
    """Head counts written with decimals and no 万 (``46.98人``), kept without a value.

    When the number × 10 000 equals a head count stated elsewhere for the same year and
    scheme, the message says the 万 was probably dropped.

    Examples
    --------
    >>> e = pd.DataFrame({"report_id": ["r"] * 2, "year": [2024] * 2, "scheme": ["合计"] * 2,
    ...     "persons": [None, 430600], "raw": ["43.06人", "43.06万人"], "source": ["r:470", "r:819"]})
    >>> [f.message for f in check_headcounts(_ctx(enrollment=e))]
    ['2024年合计参保人数写作“43.06人”（带小数的人数，未取值）；同年另处为430600人（L819），疑漏写“万”']
    """
    e = ctx.tables["enrollment"]
    bad = e[e["persons"].isna() & e["raw"].notna()]
    for (rid, year, scheme, raw), rows in bad.groupby(["report_id", "year", "scheme", "raw"],
                                                      dropna=False, sort=False):
        written = _first_number(raw)
        if written is None:
            continue
        message = f"{fmt(year)}年{scheme}参保人数写作“{raw}”（带小数的人数，未取值）"
        others = e[(e["report_id"] == rid) & (e["year"] == year) & (e["scheme"] == scheme)
                   & e["persons"].notna()]
        match = others[(others["persons"].astype("float") - written * 10000).abs() < 0.5]
        extra: list[str] = []
        if not match.empty:
            message += (f"；同年另处为{fmt(written * 10000)}人（{lines_label(match['source'])}），"
                        "疑漏写“万”")
            extra = list(match["source"])
        notes = [text(n) for n in rows["note"] if text(n)]
        if notes and match.empty:
            message += f"；{notes[0]}"
        yield Finding(rid, "headcount-not-integer", "警告", message, "", text(raw) or "", None,
                      join_sources(rows["source"], extra))


@check("noted-figures")
def check_noted_figures(ctx: Context) -> Iterator[Finding]:
    """Head counts and fund figures the reader kept with a problem noted in ``note``.

    (Head counts without a value are reported by :func:`check_headcounts`.)

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"], "year": [2022], "scheme": ["合计"], "flow": ["支出"],
    ...     "amount_wan": [5.7], "raw": ["5.7"], "note": ["未写单位，按万元计"], "source": ["r:9"]})
    >>> [(x.rule, x.observed) for x in check_noted_figures(_ctx(funds=f))]
    [('figure-noted', '5.7')]
    """
    for table, value_col, what in (("enrollment", "persons", "参保人数"),
                                   ("funds", "amount_wan", "基金")):
        df = ctx.tables[table]
        noted = df[df["note"].notna() & df[value_col].notna()]
        for rec in noted.to_dict("records"):
            flow = text(rec.get("flow")) or ""
            yield Finding(rec["report_id"], "figure-noted", "提示",
                          f"{fmt(rec.get('year'))}年{rec.get('scheme')}{what}{flow}“{rec.get('raw')}”："
                          f"{rec.get('note')}", "", text(rec.get("raw")) or fmt(rec.get(value_col)),
                          None, join_sources([rec.get("source")]))


def _first_number(value: object) -> float | None:
    m = re.search(r"\d+(?:\.\d+)?", text(value) or "")
    return float(m.group(0)) if m else None


# --------------------------------------------------------------------------------------------
# rates


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
    b = _budget(ctx)
    for rec in ctx.tables["rates"].to_dict("records"):
        stated, name = num(rec.get("value_pct")), text(rec.get("name"))
        if stated is None or name is None:
            continue
        formulas, captured = _formulas(name)
        if not formulas:
            logger.debug("no formula for rate %s", name)
            continue
        rid, scope = rec["report_id"], rec["scope"]
        rows = b[(b["report_id"] == rid) & (b["scope"] == scope)]
        items = [None]
        if captured is not None:
            named = rows[(rows["key"] == captured) | (rows["item_raw"] == captured)]
            items = list(dict.fromkeys(named["key"]))
        candidates = []
        for formula in formulas:
            for item in items:
                for r, n, d in _rate_values(rows, formula, item, source_line(rec.get("source"))):
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
        yield Finding(
            rid, "rate-mismatch", "警告",
            f"报告所述{name}{fmt(stated)}%与按报告数字重算的{fmt(round_half_up(r, 2))}%不符"
            f"（{formula['description']}：{how}）",
            fmt(round_half_up(r, 2)), fmt(stated), round_half_up(stated - r, 6),
            join_sources([rec.get("source")], n.sources, d.sources))


def _rate_values(rows: pd.DataFrame, formula: Mapping[str, str], item: str | None,
                 line: int | None) -> Iterator[tuple[float, _Figure, _Figure]]:
    """(rate, numerator, denominator) for every choice of figures a formula can use."""
    n_stage, n_item = formula["numerator"].split(":")
    d_stage, d_item = formula["denominator"].split(":")
    if item is not None:
        n_item, d_item = n_item.replace("{item}", item), d_item.replace("{item}", item)
    stages = [(n_stage, d_stage)] if n_stage != "*" else [(s, s) for s in
                                                          ("年初预算", "调整预算", "决算")]
    for ns, ds in stages:
        if d_item == "{parent}":
            sel = rows[(rows["stage"] == ns) & (rows["key"] == n_item) & (rows["context"] != "")]
            pairs = []
            for context, group in sel.groupby("context", sort=False):
                parent, _, above = context.rpartition("/")[::-1]
                parents = rows[(rows["stage"] == ds) & (rows["key"] == parent)
                               & (rows["context"] == above)]
                pairs.append((_figures(group, "amount_wan"), _figures(parents, "amount_wan")))
        else:
            pairs = [(_rate_figures(rows, ns, n_item, line), _rate_figures(rows, ds, d_item, line))]
        for nums, dens in pairs:
            for n, d in itertools.product(nums, dens):
                if not d.value:
                    continue
                ratio = n.value / d.value * 100
                yield (ratio - 100 if formula["kind"] == "change" else ratio), n, d


def _rate_figures(rows: pd.DataFrame, stage: str, item: str, line: int | None) -> list[_Figure]:
    """Figures of ``item`` (``item@context`` for an item inside a breakdown) at ``stage``."""
    item, _, context = item.partition("@")
    allowed = (context,) if context else ITEM_CONTEXTS.get(item, ("",))
    sel = rows[(rows["stage"] == stage) & (rows["key"] == item) & rows["context"].isin(allowed)]
    if line is not None:
        same = sel[sel["source"].map(source_line) == line]
        if not same.empty:
            sel = same
    return _figures(sel, "amount_wan")


# --------------------------------------------------------------------------------------------
# indicators: weights and scores


def _ind(ctx: Context) -> pd.DataFrame:
    return ctx.tables["indicators"]


def _name(rec: Mapping) -> str:
    return (text(rec.get("level3")) or text(rec.get("level2")) or text(rec.get("level1"))
            or "（未命名指标）")


@check("score-vs-weight")
def check_score_vs_weight(ctx: Context) -> Iterator[Finding]:
    """Scores above their weight, and negative scores.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "table": ["附表"],
    ...     "level3": ["报销率"], "weight": [5.0], "score": [6.0], "source": ["r:9"]})
    >>> [(f.rule, f.difference) for f in check_score_vs_weight(_ctx(indicators=ind))]
    [('score-exceeds-weight', 1.0)]
    """
    for rec in _ind(ctx).to_dict("records"):
        w, s = num(rec.get("weight")), num(rec.get("score"))
        if s is None:
            continue
        rid, name = rec["report_id"], _name(rec)
        if s < 0:
            yield Finding(rid, "score-negative", "错误", f"{rec.get('table')}中“{name}”得分为负（{fmt(s)}）",
                          "0", fmt(s), s, join_sources([rec.get("source")]))
        if w is not None and s > w + _exact(w) + _exact(s):
            yield Finding(rid, "score-exceeds-weight", "错误",
                          f"{rec.get('table')}中“{name}”得分{fmt(s)}高于分值{fmt(w)}", fmt(w), fmt(s),
                          round_half_up(s - w, 6), join_sources([rec.get("source")]))


def _tables(ind: pd.DataFrame):
    return ind.groupby(["report_id", "scope", "table"], dropna=False, sort=False)


@check("weights-total")
def check_weights_total(ctx: Context) -> Iterator[Finding]:
    """The weights of a complete indicator table against 100.

    Only tables where every leaf row has a weight are judged; score statements in the text
    (table 正文) are not a table and are left to :func:`check_subtotals`.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2, "table": ["附表"] * 2,
    ...     "level3": ["甲", "乙"], "weight": [60.0, 30.0], "source": ["r:1", "r:2"]})
    >>> [(f.rule, f.observed) for f in check_weights_total(_ctx(indicators=ind))]
    [('weights-not-100', '90')]
    """
    for (rid, scope, table), group in _tables(_ind(ctx)):
        if table == "正文":
            continue
        leaves = group[leaf_rows(group)]
        weights = leaves["weight"]
        if len(leaves) < 2 or weights.isna().any():
            continue
        total = float(weights.sum())
        tol = sum(_exact(w) for w in weights)
        if abs(total - 100) > tol + 1e-9:
            yield Finding(rid, "weights-not-100", "警告",
                          f"{scope}“{table}”的指标分值合计{fmt(round_half_up(total, 6))}，不是100",
                          "100", fmt(round_half_up(total, 6)), round_half_up(total - 100, 6),
                          join_sources(group["source"]))


@check("subtotals")
def check_subtotals(ctx: Context) -> Iterator[Finding]:
    """Level-1 and level-2 rows (分值/得分 subtotals) against the rows below them.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3, "table": ["正文"] * 3,
    ...     "level1": ["运行成本"] * 3, "level2": [None, "基本经费", "项目经费"],
    ...     "level3": [None, "基本支出变动率", "项目经费变动率"], "weight": [10.0, 5.0, 5.0],
    ...     "score": [8.0, 5.0, 2.0], "source": ["r:424", "r:428", "r:432"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_subtotals(_ctx(indicators=ind))]
    [('subtotal-mismatch', '7', '8')]
    """
    for (rid, scope, table), group in _tables(_ind(ctx)):
        leaves = group[leaf_rows(group)]
        subtotals = group[~leaf_rows(group)]
        for rec in subtotals.to_dict("records"):
            l1, l2 = text(rec.get("level1")), text(rec.get("level2"))
            if l1 is None:
                continue
            under = leaves[leaves["level1"] == l1]
            if l2 is not None:
                under = under[under["level2"] == l2]
            if under.empty:
                continue
            for col, word in (("weight", "分值"), ("score", "得分")):
                v = num(rec.get(col))
                if v is None or under[col].isna().any():
                    continue
                s = float(under[col].sum())
                tol = _exact(v) + sum(_exact(x) for x in under[col])
                if abs(s - v) > tol + 1e-9:
                    label = l2 or l1
                    yield Finding(
                        rid, "subtotal-mismatch", "错误",
                        f"{table}中“{label}”{word}{fmt(v)}，与其下各指标{word}之和{fmt(round_half_up(s, 6))}不符",
                        fmt(round_half_up(s, 6)), fmt(v), round_half_up(v - s, 6),
                        join_sources([rec.get("source")], under["source"]))


@check("score-total")
def check_score_total(ctx: Context) -> Iterator[Finding]:
    """The scores of a complete table against the report's total score, and the grade.

    A table is complete when its weights add up to 100 (or it has no weights and every row
    has a score). The grade is checked against the rule set's bands.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2, "table": ["自评表"] * 2,
    ...     "level3": ["甲", "乙"], "score": [50.0, 40.0], "source": ["r:1", "r:2"]})
    >>> rep = pd.DataFrame({"report_id": ["r"], "total_score": [96.0], "grade": ["良"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_score_total(_ctx(indicators=ind, reports=rep))]
    [('score-sum-mismatch', '96', '90'), ('grade-mismatch', '优', '良')]
    """
    reports = ctx.tables["reports"].drop_duplicates("report_id")
    totals = {r["report_id"]: r for r in reports.to_dict("records")}
    for (rid, scope, table), group in _tables(_ind(ctx)):
        if scope != "部门整体" or rid not in totals:
            continue
        total = num(totals[rid].get("total_score"))
        leaves = group[leaf_rows(group)]
        if total is None or len(leaves) < 2 or leaves["score"].isna().any():
            continue
        weights = leaves["weight"]
        incomplete = weights.isna().any() or abs(float(weights.sum()) - 100) > 0.5
        if weights.notna().any() and incomplete:
            continue
        s = float(leaves["score"].sum())
        tol = _exact(total) + sum(_exact(x) for x in leaves["score"])
        if abs(s - total) > tol + 1e-9:
            yield Finding(rid, "score-sum-mismatch", "错误",
                          f"“{table}”各指标得分之和{fmt(round_half_up(s, 6))}，与报告综合得分{fmt(total)}不符",
                          fmt(total), fmt(round_half_up(s, 6)), round_half_up(s - total, 6),
                          join_sources(leaves["source"]))
    for rid, rec in totals.items():
        total, grade = num(rec.get("total_score")), text(rec.get("grade"))
        expected = ctx.rules.grade_for(total)
        if total is None or grade is None or expected is None or grade == expected:
            continue
        yield Finding(rid, "grade-mismatch", "警告",
                      f"综合得分{fmt(total)}按等级标准应为“{expected}”，报告评为“{grade}”",
                      expected, grade, None, "")


@check("level1-weights")
def check_level1_weights(ctx: Context) -> Iterator[Finding]:
    """First-level weights against the rule set's defaults (产出 50, 效益 30, 满意度 10, …).

    Only tables whose every level-1 label maps to a default and every leaf has a weight.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 3, "scope": ["部门整体"] * 3, "table": ["表"] * 3,
    ...     "level1": ["产出指标", "效益指标", "满意度指标"], "level3": ["甲", "乙", "丙"],
    ...     "weight": [60.0, 30.0, 10.0], "source": ["r:1", "r:2", "r:3"]})
    >>> [(f.expected, f.observed) for f in check_level1_weights(_ctx(indicators=ind))]
    [('50', '60')]
    """
    for (rid, scope, table), group in _tables(_ind(ctx)):
        leaves = group[leaf_rows(group)]
        if table == "正文" or len(leaves) < 2 or leaves["weight"].isna().any():
            continue
        mapped = [ctx.rules.default_level1(text(x)) for x in leaves["level1"]]
        if any(m is None for m in mapped):
            continue
        sums: dict[str, float] = defaultdict(float)
        defaults: dict[str, float] = {}
        sources: dict[str, list] = defaultdict(list)
        for (name, default), w, src in zip(mapped, leaves["weight"], leaves["source"]):
            sums[name] += float(w)
            defaults[name] = default
            sources[name].append(src)
        for name, s in sums.items():
            if abs(s - defaults[name]) > 1e-6:
                yield Finding(rid, "level1-weight-nonstandard", "提示",
                              f"“{table}”中{name}类指标分值合计{fmt(s)}，默认权重为{fmt(defaults[name])}",
                              fmt(defaults[name]), fmt(s), round_half_up(s - defaults[name], 6),
                              join_sources(sources[name]))


# --------------------------------------------------------------------------------------------
# indicators: duplicates and conflicts between tables


@check("duplicate-indicators")
def check_duplicate_indicators(ctx: Context) -> Iterator[Finding]:
    """Indicator rows repeated within one table: identical rows, or one name used twice.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2, "table": ["目标表"] * 2,
    ...     "level3": ["稽核人员人数"] * 2, "target_raw": ["=3次", "=6人"], "source": ["r:144", "r:149"]})
    >>> [(f.rule, f.severity) for f in check_duplicate_indicators(_ctx(indicators=ind))]
    [('indicator-name-repeated', '提示')]
    """
    ind = _ind(ctx)
    fields = ["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]
    for (rid, scope, table), group in _tables(ind):
        named = group[group["level3"].notna()]
        for name, rows in named.groupby("level3", sort=False):
            if len(rows) < 2:
                continue
            signature = rows[fields].astype("string").fillna("").map(fold_text)
            counts = Counter(map(tuple, signature.to_numpy().tolist()))
            if len(counts) < len(rows):
                yield Finding(rid, "duplicate-indicator-row", "警告",
                              f"“{table}”中指标“{name}”的行重复出现（{lines_label(rows['source'])}）",
                              "1", fmt(len(rows)), None, join_sources(rows["source"]))
            if len(counts) > 1:
                targets = "、".join(dict.fromkeys(t for t in rows["target_raw"].fillna("") if t))
                yield Finding(rid, "indicator-name-repeated", "提示",
                              f"“{table}”中指标名称“{name}”用于{len(rows)}行"
                              + (f"，目标值分别为{targets}" if targets else "")
                              + f"（{lines_label(rows['source'])}）",
                              "", "", None, join_sources(rows["source"]))


def _base(value: float | None, unit: str | None) -> float | None:
    if value is None:
        return None
    row = units().get(unit or "")
    if unit == "万":
        return value
    return value * row[1] if row else value


@check("indicator-conflicts")
def check_indicator_conflicts(ctx: Context) -> Iterator[Finding]:
    """One indicator (same scope and name) stated differently in two tables.

    Rows are matched by name and by their order when a table uses a name more than once.
    Weights, scores, numeric targets and actuals (in one unit) are compared within rounding;
    texts after folding and synonyms (比上年有所增加 = 比上年度增加); an operator only when
    both rows write one. One finding per indicator and field lists every version: ``expected``
    is the version most tables give, ``observed`` the others joined by `` / ``.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"] * 2, "scope": ["部门整体"] * 2,
    ...     "table": ["附表 1", "附表 2"], "level3": ["信息化水平"] * 2,
    ...     "actual_raw": ["(1) (2) 未完成", "(1) (2) (3) 未完成"], "source": ["r:474", "r:505"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_indicator_conflicts(_ctx(indicators=ind))]
    [('indicator-conflict', '(1) (2) 未完成', '(1) (2) (3) 未完成')]
    """
    ind = _ind(ctx).copy()
    ind = ind[ind["level3"].notna()]
    if ind.empty:
        return
    ind["occurrence"] = ind.groupby(["report_id", "scope", "table", "level3"], dropna=False,
                                    sort=False).cumcount()
    rules = ctx.rules
    for (rid, scope, name, _occ), rows in ind.groupby(
            ["report_id", "scope", "level3", "occurrence"], dropna=False, sort=False):
        if rows["table"].nunique(dropna=False) < 2:
            continue
        recs = rows.to_dict("records")
        yield from _field_conflicts(rid, scope, name, recs, "weight", "分值", rules)
        yield from _field_conflicts(rid, scope, name, recs, "score", "得分", rules)
        yield from _field_conflicts(rid, scope, name, recs, "target", "目标值", rules)
        yield from _field_conflicts(rid, scope, name, recs, "actual", "实际完成值", rules)


def _field_conflicts(rid, scope, name, recs, field, word, rules) -> Iterator[Finding]:
    groups: list[tuple[object, str, list[dict], float]] = []  # (comparable, shown, rows, tol)
    for rec in recs:
        if field in ("weight", "score"):
            v = num(rec.get(field))
            if v is None:
                continue
            key, shown, tol = v, fmt(v), _exact(v)
        else:
            raw = text(rec.get(f"{field}_raw"))
            value = num(rec.get(f"{field}_value"))
            if raw is None and value is None:
                continue
            if value is not None:
                key = _base(value, text(rec.get(f"{field}_unit")))
                tol = abs(half_unit(raw, value, True) * ((key / value) if value else 1))
            else:
                key, tol = ("text", canonical(raw, rules)), 0.0
            shown = raw if raw is not None else fmt(value)
        for k, s, members, t in groups:
            if _same(k, key, t + tol, rules):
                members.append(rec)
                break
        else:
            groups.append((key, shown, [rec], tol))
    if len(groups) < 2 and field != "target":
        return
    if field == "target":
        ops = {text(r.get("target_op")) for r in recs if text(r.get("target_op"))
               and text(r.get("target_op")) != "定性"}
        if len(groups) < 2 and len(ops) < 2:
            return
        if len(groups) < 2:
            groups = []
            for op in ops:
                members = [r for r in recs if text(r.get("target_op")) == op]
                groups.append((op, text(members[0].get("target_raw")) or op, members, 0.0))
    base = max(groups, key=lambda g: (len(g[2]), -min(source_line(r.get("source")) or 0
                                                       for r in g[2])))
    others = [g for g in groups if g[2] is not base[2]]

    def where(members: list[dict]) -> str:
        return "、".join(f"{text(m.get('table'))} {lines_label([m.get('source')])}" for m in members)

    difference = None
    if len(others) == 1 and isinstance(others[0][0], float) and isinstance(base[0], float):
        difference = round_half_up(others[0][0] - base[0], 6)
    listed = "；".join(f"“{shown}”（{where(members)}）" for _, shown, members, _ in [base, *others])
    yield Finding(
        rid, "indicator-conflict", "警告",
        f"{scope}指标“{name}”的{word}在各表中不一致：{listed}",
        base[1], " / ".join(g[1] for g in others), difference,
        join_sources([m.get("source") for g in groups for m in g[2]]))


def _same(a, b, tol, rules) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)):
            return False
        if a[1] == b[1]:
            return True
        bands = []
        for t in (a[1], b[1]):
            row = next((r for r in rules.qualitative_words if r["match"] == "exact"
                        and r["canonical"] == t), None)
            bands.append(row["band"] if row else None)
        return bands[0] is not None and bands[0] == bands[1]
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= tol + 1e-9 * max(1.0, abs(float(a)))


# --------------------------------------------------------------------------------------------
# indicators: re-scoring, units, figures in the text


@check("rescoring")
def check_rescoring(ctx: Context) -> Iterator[Finding]:
    """Reported scores against the report's own rule text and the national rules.

    A difference from the report's own 评分细则 is a 警告; from the national rules a 提示 (a
    report may use its own rules); a rule text that cannot be parsed, or does not cover the
    actual, a 提示.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "table": ["附表 2"],
    ...     "level3": ["内控制度有效性"], "weight": [6.0], "target_raw": ["全部完成"],
    ...     "target_op": ["定性"], "actual_raw": ["全部完成"], "score": [4.0],
    ...     "rule_text": ["完成两项得6分，一项未完成3分，扣完为止"], "source": ["r:493"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_rescoring(_ctx(indicators=ind))]
    [('score-differs-report-rule', '6', '4'), ('score-differs-national-rule', '4.8–6', '4')]
    """
    df = ctx.achievement
    unparsed: dict[tuple, list] = defaultdict(list)
    for rec in df.to_dict("records"):
        rid, name, table = rec["report_id"], _name(rec), text(rec.get("table"))
        src = text(rec.get("source"))
        if rec.get("rule_status") == "无法解析":
            unparsed[(rid, rec.get("rule_text_used"))].append(rec.get("rule_source"))
        reported = num(rec.get("score"))
        if reported is None:
            continue
        rule_score, rule_diff = num(rec.get("rule_score")), num(rec.get("rule_difference"))
        if rule_diff is not None and abs(rule_diff) > 0.005:
            yield Finding(
                rid, "score-differs-report-rule", "警告",
                f"{table}中“{name}”得分{fmt(reported)}，按报告自己的评分细则“{rec.get('rule_text_used')}”"
                f"应得{fmt(rule_score)}分（{rec.get('rule_reason')}）",
                fmt(rule_score), fmt(reported), rule_diff,
                join_sources([src, rec.get("rule_source")]))
        elif rec.get("rule_status") == "已解析" and rule_score is None:
            yield Finding(rid, "rule-not-applicable", "提示",
                          f"{table}中“{name}”的评分细则无法用于其实际完成值：{rec.get('rule_reason')}",
                          "", fmt(reported), None, join_sources([src, rec.get("rule_source")]))
        nat_diff = num(rec.get("national_difference"))
        if nat_diff is not None and abs(nat_diff) > 0.005:
            low, high = num(rec.get("national_low")), num(rec.get("national_high"))
            expected = fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"
            yield Finding(
                rid, "score-differs-national-rule", "提示",
                f"{table}中“{name}”得分{fmt(reported)}，按国家评分规则应为{expected}（{rec.get('national_method')}）",
                expected, fmt(reported), nat_diff, join_sources([src]))
    for (rid, rule), sources in unparsed.items():
        yield Finding(rid, "rule-text-unparsed", "提示",
                      f"评分细则“{rule}”的写法无法解析，未按其重算", "", "", None,
                      join_sources(sources))


@check("indicator-units")
def check_indicator_units(ctx: Context) -> Iterator[Finding]:
    """Targets and actuals whose units cannot be reconciled (see :func:`reconcile_units`).

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "table": ["自评表"],
    ...     "level3": ["居民征缴"], "target_raw": [">14804万元"], "target_op": [">"],
    ...     "target_value": [14804.0], "target_unit": ["万元"], "actual_raw": ["1.4806"],
    ...     "actual_value": [1.4806], "source": ["r:399"]})
    >>> [f.rule for f in check_indicator_units(_ctx(indicators=ind))]
    ['unit-unclear']
    """
    df = ctx.achievement
    bad = df[df["unit_status"].isin(["单位不明", "单位不可比"])]
    for rec in bad.to_dict("records"):
        yield Finding(rec["report_id"], "unit-unclear", "提示",
                      f"{rec.get('table')}中“{_name(rec)}”：{rec.get('reason')}",
                      text(rec.get("target_raw")) or "", text(rec.get("actual_raw")) or "", None,
                      join_sources([rec.get("source")]))


@check("indicators-vs-text")
def check_indicators_vs_text(ctx: Context) -> Iterator[Finding]:
    """Indicator actuals against the same figure stated in the text (参保人数, 基金征缴, 待遇支付).

    Links from indicator names to enrollment and fund figures are in
    ``rules/indicator_links.csv`` (all keywords must occur in the name, no excluded word:
    a 征缴 indicator about a 缴费标准 is not the fund's income).

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "table": ["自评表"],
    ...     "level3": ["职工医疗保险征缴达到目标值"], "target_raw": [">3354万元"], "target_op": [">"],
    ...     "target_value": [3354.0], "target_unit": ["万元"], "actual_raw": ["3384"],
    ...     "actual_value": [3384.0], "source": ["r:387"]})
    >>> f = pd.DataFrame({"report_id": ["r"], "year": [2022], "scheme": ["职工医保"], "flow": ["收入"],
    ...     "amount_wan": [10332.0], "raw": ["10332万元"], "source": ["r:338"]})
    >>> rep = pd.DataFrame({"report_id": ["r"], "fiscal_year": [2022]})
    >>> [(x.expected, x.observed) for x in check_indicators_vs_text(_ctx(indicators=ind, funds=f, reports=rep))]
    [('10332', '3384')]
    """
    df = ctx.achievement
    years = {r["report_id"]: num(r.get("fiscal_year"))
             for r in ctx.tables["reports"].to_dict("records")}
    links = read_rule_file("indicator_links.csv")
    for rec in df[df["actual_in_target_unit"].notna()].to_dict("records"):
        name = text(rec.get("level3")) or ""
        for link in links:
            if not all(k in name for k in link["keywords"].split("|")):
                continue
            if any(k and k in name for k in link["exclude"].split("|")):
                continue
            rid = rec["report_id"]
            table = ctx.tables[link["table"]]
            sel = table[(table["report_id"] == rid) & (table["scheme"] == link["scheme"])]
            if link["flow"]:
                sel = sel[sel["flow"] == link["flow"]]
            year = years.get(rid)
            if year is not None:
                sel = sel[sel["year"] == year]
            value_col, unit = ("persons", "人") if link["table"] == "enrollment" else (
                "amount_wan", "万元")
            figures = _figures(sel, value_col, "raw")
            if not figures:
                continue
            actual = convert(float(rec["actual_in_target_unit"]),
                             _unit_or(text(rec.get("target_unit")), unit), unit)
            if actual is None:
                continue
            a_tol = half_unit(rec.get("actual_raw"), rec.get("actual_value"), True)
            if any(abs(f.value - actual) <= f.tol + a_tol + 1e-9 for f in figures):
                continue
            f = _mode_first(figures)
            yield Finding(
                rid, "indicator-differs-from-text", "警告",
                f"{rec.get('table')}中“{name}”实际完成值{fmt(actual)}{unit}，与正文{link['scheme']}"
                f"{'参保人数' if link['table'] == 'enrollment' else '基金' + link['flow']}"
                f"{fmt(f.value)}{unit}（{lines_label(f.sources)}）不符",
                fmt(f.value), fmt(actual), round_half_up(actual - f.value, 6),
                join_sources([rec.get("source")], f.sources))
            break


def _unit_or(unit: str | None, default: str) -> str:
    if unit == "万":
        return "万元" if default == "万元" else "万人"
    return unit or default


# --------------------------------------------------------------------------------------------
# optional tables


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
    for rid, rows in assets.groupby("report_id", sort=False):
        figs = {item: _figures(rows[rows["item"] == item], "amount_wan",
                               "raw" if "raw" in rows else None)
                for item in ("资产总额", "负债总额", "净资产")}
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
                parts = [_figures(items.iloc[[i]], column) for i in range(len(items))]
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
    table = items[items["_block"] == "表"].to_dict("records")
    for block, sentence in items[items["_block"] != "表"].groupby("_block", sort=False):
        used: set[int] = set()
        for rec in sentence.to_dict("records"):
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


# --------------------------------------------------------------------------------------------
# running


def run_checks(
    tables: Mapping[str, pd.DataFrame | None],
    rules: RuleSet | str | None = None,
    checks: Iterable[str] | None = None,
    achievement: pd.DataFrame | None = None,
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
    names = list(CHECKS) if checks is None else list(checks)
    findings: list[dict] = []
    for name in names:
        function = CHECKS[name]
        try:
            found = [asdict(f) for f in function(ctx)]
        except Exception as exc:  # a bug in one check must not hide the others' findings
            logger.exception("check %s failed", name)
            found = [asdict(Finding("", "check-failed", "错误",
                                    f"检查“{name}”运行出错：{type(exc).__name__}: {exc}"))]
        logger.debug("check %s: %d findings", name, len(found))
        findings.extend(found)
    out = frame(findings, FINDING_COLUMNS).drop_duplicates()
    if out.empty:
        return out.reset_index(drop=True)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out = out.assign(
        _sev=out["severity"].map(order),
        _line=out["sources"].map(lambda s: source_line(str(s).split(";")[0]) or 0),
    ).sort_values(["report_id", "_sev", "rule", "_line", "message"], kind="stable")
    return out.drop(columns=["_sev", "_line"]).reset_index(drop=True)


def _ctx(**tables: pd.DataFrame) -> Context:
    """A context over a few hand-made tables (for examples and tests)."""
    return Context(prepare(tables), load_rules())
