"""Indicator achievement: was each target met under its operator, and by how much.

For every indicator row the target and the actual are brought to one unit where the report
makes the unit clear (:func:`reconcile_units`), compared under the target's operator
(``>=``, ``>``, ``<=``, ``<``, ``=``, ``±``, or qualitative words), and the completion ratio
actual ÷ target is given. Every decision the data does not state outright is written in the
``reason`` column; rows that cannot be judged get ``status`` 无法判断 and a missing ``met``.
"""

from __future__ import annotations

import logging
import math

import pandas as pd

from evalkit import vocab

from ._common import SCHEMAS, conform, convert, fmt, half_unit, num, per_distinct, text, units
from .rulesets import RuleSet, load_rules
from .scoring import qualitative_band, rescore

logger = logging.getLogger(__name__)

__all__ = ["ACHIEVEMENT_COLUMNS", "achievement", "reconcile_units"]

#: Columns :func:`achievement` adds to the indicators table.
ACHIEVEMENT_COLUMNS: dict[str, str] = {
    "op_used": "str",
    "actual_in_target_unit": "Float64",
    "unit_status": "str",
    "met": "boolean",
    "status": "str",
    "completion_ratio": "Float64",
    "qualitative_band": "str",
    "reason": "str",
}

_HINT_RE = vocab.words_pattern(r"[（(](%|<<unit_hint>>)[)）]")


def _family(unit: str | None) -> str | None:
    row = units().get(unit or "")
    return row[0] if row else None


def _hint(level3: object) -> str | None:
    m = _HINT_RE.search(text(level3) or "")
    return m.group(1) if m else None


def reconcile_units(
    target_value: float | None,
    target_unit: str | None,
    actual_value: float | None,
    actual_unit: str | None,
    name: str | None = None,
) -> tuple[float | None, str, str]:
    """Express the actual in the target's unit, saying how, or refuse and say why.

    Parameters
    ----------
    target_value, actual_value : float
    target_unit, actual_unit : str or None
        Units as parsed ('万元', '%', '人', …); '万' alone is read as 万元, or as 万人 next to a
        head count.
    name : str, optional
        The indicator's name; a unit in brackets there (``稳定率（%）``) counts as the report
        stating the unit.

    Returns
    -------
    (actual_in_target_unit, unit_status, reason) : tuple
        ``unit_status`` is 一致, 已换算, 按目标单位 (the actual has no unit and the row's target
        gives it, with matching magnitude), 按实际单位, 均无单位, 单位不明 (no unit and the
        magnitude points to another unit: not compared) or 单位不可比.

    Examples
    --------
    >>> reconcile_units(14804, "万元", 14806, None)
    (14806.0, '按目标单位', '实际值未写单位，按同行目标值的单位“万元”理解（数量级相符）')
    >>> reconcile_units(661.7, "万", 661.7, "万元")
    (661.7, '一致', '“万”按“万元”理解')
    >>> reconcile_units(1.5, "亿元", 14806, "万元")
    (1.4806, '已换算', '实际值14806万元换算为1.4806亿元')
    >>> reconcile_units(14804, "万元", 1.4806, None)[1:]
    ('单位不明', '实际值1.4806未写单位：按目标单位“万元”与目标14804相差约10000倍，若为“亿元”则相符；未比较')
    >>> reconcile_units(3, "次", 3, "人")
    (None, '单位不可比', '目标单位“次”与实际单位“人”不可比')
    """
    t, a = num(target_value), num(actual_value)
    tu, au = text(target_unit), text(actual_unit)
    notes = []
    for side in ("t", "a"):
        unit, other = (tu, au) if side == "t" else (au, tu)
        if unit == "万":
            fixed = "万人" if _family(other) == "人" else "万元"
            notes.append(f"“万”按“{fixed}”理解")
            if side == "t":
                tu = fixed
            else:
                au = fixed
    prefix = "；".join(notes)

    def said(reason: str) -> str:
        return "；".join(x for x in (prefix, reason) if x)

    if a is None:
        return None, "无实际值", said("无数值实际值")
    hint = _hint(name)
    if tu and au:
        if tu == au:
            return a, "一致", said("")
        converted = convert(a, au, tu)
        if converted is None:
            return None, "单位不可比", said(f"目标单位“{tu}”与实际单位“{au}”不可比")
        return converted, "已换算", said(f"实际值{fmt(a)}{au}换算为{fmt(converted)}{tu}")
    if tu and not au:
        return _borrow(a, t, tu, "实际值", "目标值", "按目标单位", hint, said)
    if au and not tu:
        _, status, reason = _borrow(t, a, au, "目标值", "实际值", "按实际单位", hint, said)
        return (a if status == "按实际单位" else None), status, reason
    if hint:
        return a, "按指标名称单位", said(f"目标值与实际值均未写单位，指标名称注明“{hint}”")
    return a, "均无单位", said("目标值与实际值均未写单位，按同一单位比较")


def _borrow(value, other, unit, what, other_what, status, hint, said):
    """``value`` has no unit; take ``unit`` of ``other`` when the magnitudes agree."""
    stated = "指标名称和" if hint == unit else ""
    if value is None:
        return None, "无实际值", said(f"无数值{what}")
    if other in (None, 0) or value == 0:
        return value, status, said(f"{what}未写单位，按{stated}同行{other_what}的单位“{unit}”理解")
    ratio = abs(value / other)
    if 0.1 <= ratio <= 10:
        return value, status, said(
            f"{what}未写单位，按{stated}同行{other_what}的单位“{unit}”理解（数量级相符）")
    family = _family(unit)
    if family == "%" and ratio < 0.1 and abs(value) <= 1.5:
        return None, "单位不明", said(
            f"{what}{fmt(value)}未写单位，与{other_what}{fmt(other)}%相差约{fmt(round(1 / ratio))}倍，"
            "可能是小数形式的百分比；未比较")
    for alt, (fam, _factor) in units().items():
        if fam != family or alt == unit or family is None:
            continue
        converted = convert(value, alt, unit)
        if converted is not None and 0.5 <= abs(converted / other) <= 2:
            factor = ratio if ratio >= 1 else 1 / ratio
            return None, "单位不明", said(
                f"{what}{fmt(value)}未写单位：按{other_what[:-1]}单位“{unit}”与{other_what[:-1]}"
                f"{fmt(other)}相差约{fmt(10 ** round(math.log10(factor)))}倍，"
                f"若为“{alt}”则相符；未比较")
    return value, status, said(
        f"{what}未写单位，按同行{other_what}的单位“{unit}”理解（数量级与{other_what}差异较大）")


def _compare(op: str, t: float, a: float, tol: float) -> tuple[bool, str]:
    ft, fa = fmt(t), fmt(a)
    if op == ">=":
        return a >= t - tol, f"{fa} {'≥' if a >= t - tol else '<'} {ft}"
    if op == ">":
        return a > t, f"{fa} {'>' if a > t else '≤'} {ft}"
    if op == "<=":
        return a <= t + tol, f"{fa} {'≤' if a <= t + tol else '>'} {ft}"
    if op == "<":
        return a < t, f"{fa} {'<' if a < t else '≥'} {ft}"
    if op == "±":
        ok = abs(a) <= abs(t) + tol
        return ok, f"|{fa}| {'≤' if ok else '>'} {fmt(abs(t))}"
    if op == "=":
        if t == 0:
            return a <= tol, f"目标为0，实际{fa}"
        if t < 0:
            ok = abs(a - t) <= tol
            return ok, f"{fa} {'=' if ok else '≠'} {ft}"
        if abs(a - t) <= tol:
            return True, f"{fa} = {ft}"
        ok = a > t
        return ok, f"{fa} {'>' if ok else '<'} {ft}（“=”目标按国家规则视同正向）"
    raise ValueError(op)


def achievement(indicators: pd.DataFrame, rules: RuleSet | str | None = None,
                with_scores: bool = True) -> pd.DataFrame:
    """Judge every indicator row: target met or not, completion ratio, units reconciled.

    Parameters
    ----------
    indicators : DataFrame
        The reader's indicators table.
    rules : RuleSet or str, optional
        Rule set for qualitative words and scoring (default national).
    with_scores : bool, default True
        Also re-score every row (see :func:`evalkit.analysis.rescore`).

    Returns
    -------
    DataFrame
        The indicators with :data:`ACHIEVEMENT_COLUMNS` added: ``op_used`` (the operator
        applied; '>=' is assumed, and said, when a numeric target has none; '定性' for
        qualitative rows), ``actual_in_target_unit`` and ``unit_status``
        (see :func:`reconcile_units`), ``met`` (nullable boolean), ``status`` (达成 / 未达成 /
        部分达成 / 无法判断), ``completion_ratio`` (actual ÷ target; \\|actual\\| ÷ \\|target\\| for
        ±), ``qualitative_band`` and ``reason``. Comparisons allow half a unit of the last
        decimal written on each side (whole numbers are taken as exact).

    Examples
    --------
    >>> ind = pd.DataFrame({
    ...     "report_id": ["r"] * 4, "scope": ["部门整体"] * 4, "table": ["自评表"] * 4,
    ...     "level3": ["居民征缴", "培训次数", "知晓率", "预算支出管理"],
    ...     "target_raw": [">14804万元", "=2次", "≥90%", "全部完成"],
    ...     "target_op": [">", "=", ">=", "定性"], "target_value": [14804.0, 2.0, 90.0, None],
    ...     "target_unit": ["万元", "次", "%", None],
    ...     "actual_raw": ["14806", "3", "88%", "项目支出实际完成率为 96%"],
    ...     "actual_value": [14806.0, 3.0, 88.0, None], "actual_unit": [None, None, "%", None],
    ...     "source": ["r:1", "r:2", "r:3", "r:4"]})
    >>> out = achievement(ind, with_scores=False)
    >>> out[["status", "completion_ratio"]].to_dict("list")
    {'status': ['达成', '达成', '未达成', '无法判断'], 'completion_ratio': [1.000135, 1.5, 0.977778, None]}
    >>> out.loc[0, "reason"]
    '实际值未写单位，按同行目标值的单位“万元”理解（数量级相符）；14806 > 14804'
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules or "national")
    df = conform(indicators, SCHEMAS["indicators"])
    extra = per_distinct(df, _JUDGED, lambda rec: _judge(rec, rs), ACHIEVEMENT_COLUMNS)
    for col, dtype in ACHIEVEMENT_COLUMNS.items():
        df[col] = (extra[col].to_numpy() if len(df) else extra[col])
        df[col] = df[col].astype(dtype)
    df["completion_ratio"] = df["completion_ratio"].round(6)
    n_unclear = int((df["status"] == "无法判断").sum())
    if n_unclear:
        logger.info("%d of %d indicator rows could not be judged", n_unclear, len(df))
    if with_scores:
        df = rescore(df, rs)
    return df


#: The columns :func:`_judge` reads: a row is judged once per distinct combination of them.
_JUDGED = ["target_raw", "actual_raw", "target_op", "target_value", "actual_value", "target_low",
           "target_high", "target_unit", "actual_unit", "level3"]


def _judge_range(rec: dict, low: float, high: float, a: float, t_raw: str | None, a_raw: str | None) -> dict:
    """A target written as a range ('6-9个月'): met when the actual lies within it."""
    converted, unit_status, unit_reason = reconcile_units(
        high, rec.get("target_unit"), a, rec.get("actual_unit"), rec.get("level3"))
    out: dict = {"op_used": "区间", "unit_status": unit_status}
    notes = [unit_reason] if unit_reason else []
    if converted is None:
        return {**out, "status": "无法判断", "reason": "；".join(notes)}
    tol = half_unit(t_raw, high, True) + half_unit(a_raw, a, True)
    met = low - tol <= converted <= high + tol
    notes.append(f"目标区间 {low:g}–{high:g}，实际 {converted:g}，{'在' if met else '不在'}区间内")
    return {**out, "actual_in_target_unit": converted, "met": met, "status": "达成" if met else "未达成",
            "reason": "；".join(notes)}


def _judge(rec: dict, rs: RuleSet) -> dict:
    t_raw, a_raw = text(rec.get("target_raw")), text(rec.get("actual_raw"))
    op = text(rec.get("target_op"))
    t, a = num(rec.get("target_value")), num(rec.get("actual_value"))
    out: dict = {}
    if t_raw is None and a_raw is None and t is None and a is None:
        return {"status": "无法判断", "reason": "无目标值和实际完成值"}
    if a_raw is None and a is None:
        return {"status": "无法判断", "reason": "无实际完成值", "op_used": op}
    if t_raw is None and t is None:
        return {"status": "无法判断", "reason": "无目标值", "op_used": op}
    low, high = num(rec.get("target_low")), num(rec.get("target_high"))
    if t is None and low is not None and high is not None and a is not None:
        return _judge_range(rec, low, high, a, t_raw, a_raw)
    qualitative_target = op == "定性" or t is None
    if qualitative_target or a is None:
        out["op_used"] = "定性"
        if qualitative_target and a is not None:
            band, why = qualitative_band(a_raw, t_raw, rs)
            if band is None:
                why = f"目标为定性表述“{t_raw}”，实际为数值“{a_raw}”，无法判断"
        else:
            band, why = qualitative_band(a_raw, t_raw if qualitative_target else None, rs)
            if not qualitative_target:
                why = f"目标为数值“{t_raw}”，实际为文字，按定性判断：{why}"
        out["qualitative_band"] = band
        out["reason"] = why
        if band is None:
            out["status"] = "无法判断"
        else:
            out["status"] = band
            out["met"] = band == "达成"
        return out
    notes = []
    if op is None:
        op = ">="
        notes.append("目标未写比较符，按“≥”理解")
    out["op_used"] = op
    converted, unit_status, unit_reason = reconcile_units(
        t, rec.get("target_unit"), a, rec.get("actual_unit"), rec.get("level3"))
    out["unit_status"] = unit_status
    if unit_reason:
        notes.append(unit_reason)
    if converted is None:
        out["status"] = "无法判断"
        out["reason"] = "；".join(notes)
        return out
    out["actual_in_target_unit"] = converted
    scale = converted / a if a else 1.0
    tol = half_unit(t_raw, t, True) + half_unit(a_raw, a, True) * abs(scale)
    met, how = _compare(op, t, converted, tol)
    notes.append(how)
    out["met"] = met
    out["status"] = "达成" if met else "未达成"
    if op == "±":
        out["completion_ratio"] = abs(converted) / abs(t) if t else None
    elif t:
        out["completion_ratio"] = converted / t
    out["reason"] = "；".join(notes)
    return out
