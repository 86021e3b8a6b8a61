"""Indicator checks: weights and scores, duplicates and conflicts between tables, re-scoring,
units, and indicator actuals against the figures in the text (rule codes ``score-exceeds-weight``,
``score-negative``, ``weights-not-100``, ``subtotal-mismatch``, ``score-sum-mismatch``,
``grade-mismatch``, ``level1-weight-nonstandard``, ``duplicate-indicator-row``,
``indicator-name-repeated``, ``indicator-conflict``, ``score-differs-report-rule``,
``score-differs-national-rule``, ``rule-text-unparsed``, ``rule-not-applicable``,
``unit-unclear``, ``indicator-differs-from-text``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from .._common import (
    column_values,
    convert,
    fmt,
    fold_text,
    half_unit,
    is_na,
    join_sources,
    lines_label,
    num,
    read_rule_file,
    records,
    round_half_up,
    source_line,
    text,
    units,
)
from ..rulesets import RuleSet
from ..scoring import canonical, leaf_rows
from ._base import (
    Context,
    Finding,
    _ctx,  # noqa: F401 (used by the doctests)
    _exact,
    _figures,
    _mode_first,
    check,
    grouped_records,
    record_groups,
)

# --------------------------------------------------------------------------------------------
# indicators: weights and scores


def _ind(ctx: Context) -> pd.DataFrame:
    return ctx.tables["indicators"]


#: The columns a finding about one indicator row names it by.
_NAMED = ["report_id", "table", "level1", "level2", "level3", "source"]


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
    ind = _ind(ctx)
    score, weight = ind["score"].astype("Float64"), ind["weight"].astype("Float64")
    maybe = ((score < 0) | (score > weight)).fillna(False).to_numpy(dtype=bool)  # checked below
    for rec in records(ind.loc[maybe, _NAMED + ["weight", "score"]]):
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


def _tables(ctx: Context) -> list[tuple[tuple, list[dict], list[dict]]]:
    """``(key, rows, leaves)`` for each indicator table (report, scope, table; keys as a
    pandas groupby gives them, in its order): its records (names, weight, score and source
    only) and those of its leaf rows (see :func:`leaf_rows`). Made once per context for the
    checks that judge whole tables."""
    keys = ["report_id", "scope", "table"]
    columns = [*keys, "level1", "level2", "level3", "weight", "score", "source"]  # (all they read)
    return ctx.shared("indicator-tables", lambda: [
        (key, rows, _leaves(rows)) for key, rows in grouped_records(_ind(ctx)[columns], keys)])


def _leaves(rows: list[dict]) -> list[dict]:
    """The leaf rows of one table's records, as :func:`leaf_rows` picks them."""
    for col in ("level3", "level2", "level1"):
        if any(not is_na(r[col]) for r in rows):
            return [r for r in rows if not is_na(r[col])]
    return rows


def _float_sum(values: list) -> float:
    """The sum of numbers as pandas adds up a nullable float column without missing values
    (numpy's pairwise sum, not Python's running sum: the last digits may differ)."""
    return float(np.sum(np.array(values, dtype="float64"), where=np.ones(len(values), dtype=bool)))


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
    for (rid, scope, table), group, leaves in _tables(ctx):
        if table == "正文":
            continue
        weights = [r["weight"] for r in leaves]
        if len(leaves) < 2 or None in weights:
            continue
        total = _float_sum(weights)
        tol = sum(_exact(w) for w in weights)
        if abs(total - 100) > tol + 1e-9:
            yield Finding(rid, "weights-not-100", "警告",
                          f"{scope}“{table}”的指标分值合计{fmt(round_half_up(total, 6))}，不是100",
                          "100", fmt(round_half_up(total, 6)), round_half_up(total - 100, 6),
                          join_sources(r["source"] for r in group))


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
    ind = _ind(ctx)
    ind = ind.assign(_leaf=leaf_rows(ind))
    # only tables with subtotal rows, grouped in one pass
    ind = ind[ind.groupby(["report_id", "scope", "table"], dropna=False, sort=False)["_leaf"]
              .transform(lambda x: (~x).any()).astype(bool)]
    for (rid, scope, table), group in record_groups(ind, ["report_id", "scope", "table"]).items():
        leaves = [r for r in group if r["_leaf"]]
        for rec in (r for r in group if not r["_leaf"]):
            l1, l2 = text(rec.get("level1")), text(rec.get("level2"))
            if l1 is None:
                continue
            under = [r for r in leaves if r["level1"] == l1 and (l2 is None or r["level2"] == l2)]
            if not under:
                continue
            for col, word in (("weight", "分值"), ("score", "得分")):
                v = num(rec.get(col))
                values = [num(r[col]) for r in under]
                if v is None or any(x is None for x in values):
                    continue
                s = float(sum(values))
                tol = _exact(v) + sum(_exact(x) for x in values)
                if abs(s - v) > tol + 1e-9:
                    label = l2 or l1
                    yield Finding(
                        rid, "subtotal-mismatch", "错误",
                        f"{table}中“{label}”{word}{fmt(v)}，与其下各指标{word}之和{fmt(round_half_up(s, 6))}不符",
                        fmt(round_half_up(s, 6)), fmt(v), round_half_up(v - s, 6),
                        join_sources([rec.get("source")], [r["source"] for r in under]))


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
    totals = {r["report_id"]: r for r in records(reports)}
    for (rid, scope, table), _group, leaves in _tables(ctx):
        if scope != "部门整体" or rid not in totals:
            continue
        total = num(totals[rid].get("total_score"))
        scores = [r["score"] for r in leaves]
        if total is None or len(leaves) < 2 or None in scores:
            continue
        weights = [r["weight"] for r in leaves]
        incomplete = None in weights or abs(_float_sum(weights) - 100) > 0.5
        if any(w is not None for w in weights) and incomplete:
            continue
        s = _float_sum(scores)
        tol = _exact(total) + sum(_exact(x) for x in scores)
        if abs(s - total) > tol + 1e-9:
            yield Finding(rid, "score-sum-mismatch", "错误",
                          f"“{table}”各指标得分之和{fmt(round_half_up(s, 6))}，与报告综合得分{fmt(total)}不符",
                          fmt(total), fmt(round_half_up(s, 6)), round_half_up(s - total, 6),
                          join_sources(r["source"] for r in leaves))
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
    defaults_of: dict[str | None, tuple[str, float] | None] = {}  # (a few labels, over and over)
    for (rid, _scope, table), _group, leaves in _tables(ctx):
        if table == "正文" or len(leaves) < 2 or any(r["weight"] is None for r in leaves):
            continue
        mapped = [_default_level1(ctx.rules, text(r["level1"]), defaults_of) for r in leaves]
        if any(m is None for m in mapped):
            continue
        sums: dict[str, float] = defaultdict(float)
        defaults: dict[str, float] = {}
        sources: dict[str, list] = defaultdict(list)
        for (name, default), r in zip(mapped, leaves):
            w, src = r["weight"], r["source"]
            sums[name] += float(w)
            defaults[name] = default
            sources[name].append(src)
        for name, s in sums.items():
            if abs(s - defaults[name]) > 1e-6:
                yield Finding(rid, "level1-weight-nonstandard", "提示",
                              f"“{table}”中{name}类指标分值合计{fmt(s)}，默认权重为{fmt(defaults[name])}",
                              fmt(defaults[name]), fmt(s), round_half_up(s - defaults[name], 6),
                              join_sources(sources[name]))


def _default_level1(rules: RuleSet, label: str | None,
                    known: dict[str | None, tuple[str, float] | None]) -> tuple[str, float] | None:
    """``rules.default_level1(label)``, looked up once per label in ``known``."""
    if label not in known:
        known[label] = rules.default_level1(label)
    return known[label]


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
    keys = ["report_id", "scope", "table", "level3"]
    named = ind[ind["level3"].notna()]
    # only names used more than once in their table (one groupby over the whole table)
    named = named[named.groupby(keys, dropna=False, sort=False)["level3"].transform("size") > 1]
    if named.empty:
        return
    # the fields as text, folded column by column (fold_text is cached: the values repeat)
    texts = named[fields].astype("string").fillna("")
    folded = [[fold_text(v) for v in column_values(texts[c])] for c in fields]
    named = named.assign(_sig=list(zip(*folded)))
    named = named[[*keys, "_sig", "source", "target_raw"]]
    for (rid, scope, table, name), rows in grouped_records(named, keys):
        counts = Counter(r["_sig"] for r in rows)
        sources = [r["source"] for r in rows]
        if len(counts) < len(rows):
            yield Finding(rid, "duplicate-indicator-row", "警告",
                          f"“{table}”中指标“{name}”的行重复出现（{lines_label(sources)}）",
                          "1", fmt(len(rows)), None, join_sources(sources))
        if len(counts) > 1:
            targets = "、".join(dict.fromkeys(t for r in rows if not is_na(t := r["target_raw"]) and t))
            yield Finding(rid, "indicator-name-repeated", "提示",
                          f"“{table}”中指标名称“{name}”用于{len(rows)}行"
                          + (f"，目标值分别为{targets}" if targets else "")
                          + f"（{lines_label(sources)}）",
                          "", "", None, join_sources(sources))


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
    keys = ["report_id", "scope", "level3", "occurrence"]
    # only indicators stated in two tables or more (one groupby over the whole table)
    grouped = ind.assign(_no_table=ind["table"].isna()).groupby(keys, dropna=False, sort=False)
    tables = grouped["table"].transform("nunique") + grouped["_no_table"].transform("max").astype(int)
    ind = ind[(tables > 1).to_numpy(dtype=bool)]
    for (rid, scope, name, _occ), recs in record_groups(ind, keys).items():
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
    for rec in records(_rescored(df)):
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


def _rescored(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of the achievement table :func:`check_rescoring` may report on, with the
    columns it reads: an unparsed rule, or a reported score with a difference or a rule
    that does not apply (the exact tests are in the check)."""
    status = df["rule_status"].astype("object")
    scored = df["score"].notna() & (
        (df["rule_difference"].abs() > 0.005).fillna(False)
        | ((status == "已解析") & df["rule_score"].isna())
        | (df["national_difference"].abs() > 0.005).fillna(False))
    keep = ((status == "无法解析") | scored).to_numpy(dtype=bool)
    return df.loc[keep, _NAMED + ["score", "rule_status", "rule_text_used", "rule_source",
                                  "rule_score", "rule_difference", "rule_reason",
                                  "national_difference", "national_low", "national_high",
                                  "national_method"]]


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
    for rec in records(bad):
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
    reports = ctx.tables["reports"]
    years = dict(zip(column_values(reports["report_id"]),
                     map(num, column_values(reports["fiscal_year"]))))
    links = read_rule_file("indicator_links.csv")
    have = df[df["actual_in_target_unit"].notna()]
    # (only the rows a link names can differ from the text: few of them, and the figures of
    # their reports only are grouped)
    have = have[_linked(column_values(have["level3"]), links)]
    if have.empty:
        return
    rids = set(column_values(have["report_id"]))
    stated = {name: record_groups(_stated_columns(_of_reports(ctx.tables[name], rids)),
                                  ["report_id", "scheme"])
              for name in {link["table"] for link in links}}
    linked: dict[str, list[dict[str, str]]] = {}  # the links of each name (names repeat)
    for rec in records(have[_NAMED + ["actual_in_target_unit", "target_unit", "actual_raw",
                                      "actual_value"]]):
        name = text(rec.get("level3")) or ""
        if name not in linked:
            linked[name] = [link for link in links if _links(link, name)]
        for link in linked[name]:
            rid = rec["report_id"]
            sel = stated[link["table"]].get((rid, link["scheme"]), [])
            if link["flow"]:
                sel = [r for r in sel if r["flow"] == link["flow"]]
            year = years.get(rid)
            if year is not None:
                sel = [r for r in sel if not is_na(r["year"]) and r["year"] == year]
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


def _linked(names: list, links: tuple[dict[str, str], ...]) -> np.ndarray:
    """Which of the indicator ``names`` (as read) some link of ``links`` names (see
    :func:`_links`), looked up once per distinct name.

    >>> _linked(["职工医保征缴收入", "培训次数", None],
    ...         [{"keywords": "征缴", "exclude": "标准"}]).tolist()
    [True, False, False]
    """
    hit = {v: any(_links(link, text(v) or "") for link in links) for v in set(names)}
    return np.fromiter((hit[v] for v in names), dtype=bool, count=len(names))


def _of_reports(df: pd.DataFrame, rids: set) -> pd.DataFrame:
    """The rows of ``df`` of the reports ``rids``."""
    return df[np.fromiter((r in rids for r in column_values(df["report_id"])), dtype=bool,
                          count=len(df))]


def _stated_columns(df: pd.DataFrame) -> pd.DataFrame:
    """The columns of an enrollment or funds table that :func:`check_indicators_vs_text` reads
    (the records of the whole table are made: the fewer columns, the cheaper)."""
    return df[[c for c in ("report_id", "scheme", "year", "flow", "persons", "amount_wan", "raw",
                           "source") if c in df.columns]]


def _links(link: dict[str, str], name: str) -> bool:
    """True if the indicator ``name`` has every keyword of ``link`` and none of its excluded words."""
    return (all(k in name for k in link["keywords"].split("|"))
            and not any(k and k in name for k in link["exclude"].split("|")))


def _unit_or(unit: str | None, default: str) -> str:
    if unit == "万":
        return "万元" if default == "万元" else "万人"
    return unit or default
