"""Indicator achievement: units reconciled, targets judged under their operator, ratios.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.analysis import ACHIEVEMENT_COLUMNS, achievement, reconcile_units

# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("t", "tu", "a", "au", "name", "expected", "status"),
    [
        (98, "%", 98, "%", None, 98, "一致"),
        (661.7, "万", 661.7, "万元", None, 661.7, "一致"),  # 万 read as 万元
        (150, "万元", 1480000, "元", None, 148, "已换算"),  # 1 480 000 元 ÷ 10 000
        (1.5, "亿元", 14806, "万元", None, 1.4806, "已换算"),  # 14806 万元 ÷ 10 000
        (23, "万人", 230990, "人", None, 23.099, "已换算"),
        # the actual has no unit; the target's unit fits its magnitude (ratio 1.0001)
        (14804, "万元", 14806, None, None, 14806, "按目标单位"),
        (100, "%", 100, None, "综合服务信息平台运行稳定率（%）", 100, "按目标单位"),
        # no unit and 10 000 times off the target: not compared
        (14804, "万元", 1.4806, None, None, None, "单位不明"),
        # a fraction where the target is a percentage
        (98, "%", 0.98, None, None, None, "单位不明"),
        (3, "次", 3, "人", None, None, "单位不可比"),
        (8, None, 8, None, None, 8, "均无单位"),
        (5, None, 5, "%", None, 5, "按实际单位"),
        (None, None, 5, None, "稳定率（%）", 5, "按指标名称单位"),
    ],
)
def test_reconcile_units(t, tu, a, au, name, expected, status):
    value, got_status, reason = reconcile_units(t, tu, a, au, name)
    assert got_status == status, reason
    assert value == (None if expected is None else pytest.approx(expected))
    if status not in ("一致",):
        assert reason  # every reconciliation or refusal is said


def test_reconcile_units_says_which_unit_would_fit():
    _, _, reason = reconcile_units(14804, "万元", 1.4806, None)
    # 1.4806 亿元 = 14806 万元 fits the target's magnitude
    assert "亿元" in reason and "未比较" in reason


# --------------------------------------------------------------------------- judging


def _row(target_raw, op, t, tu, actual_raw, a, au=None, level3="指标"):
    return {"report_id": "r", "scope": "部门整体", "table": "自评表", "level3": level3,
            "target_raw": target_raw, "target_op": op, "target_value": t, "target_unit": tu,
            "actual_raw": actual_raw, "actual_value": a, "actual_unit": au, "source": "r:1"}


CASES = [
    # (row, met, status, completion_ratio)
    (_row(">=98%", ">=", 98, "%", "98", 98), True, "达成", 1.0),
    (_row(">=98%", ">=", 98, "%", "97.9%", 97.9, "%"), False, "未达成", 0.99898),  # 97.9/98
    (_row(">14804万元", ">", 14804, "万元", "14806", 14806), True, "达成", 1.000135),
    (_row(">95%", ">", 95, "%", "95%", 95, "%"), False, "未达成", 1.0),  # > is strict
    (_row("<=10%", "<=", 10, "%", "10", 10), True, "达成", 1.0),
    (_row("<5%", "<", 5, "%", "5%", 5, "%"), False, "未达成", 1.0),  # < is strict
    (_row("≤150万元", "<=", 150, "万元", "1480000元", 1480000, "元"), True, "达成", 0.986667),
    (_row("=6.8%", "=", 6.8, "%", "6.8", 6.8), True, "达成", 1.0),
    (_row("=100%", "=", 100, "%", "99", 99), False, "未达成", 0.99),
    # “=” with t > 0 is judged as positive (the national rule): 3 ≥ 2
    (_row("=2次", "=", 2, "次", "3", 3), True, "达成", 1.5),
    (_row("±5%", "±", 5, "%", "4.5%", 4.5, "%"), True, "达成", 0.9),  # |4.5| ≤ 5
    (_row("±5%", "±", 5, "%", "-4.5%", -4.5, "%"), True, "达成", 0.9),
    (_row("±10%", "±", 10, "%", "70%", 70, "%"), False, "未达成", 7.0),  # |70| / 10
    # no operator written: read as ≥, and said
    (_row("95%", None, 95, "%", "95%", 95, "%"), True, "达成", 1.0),
    # qualitative
    (_row("全部完成", "定性", None, None, "全部完成", None), True, "达成", None),
    (_row("比上年增加", "定性", None, None, "比上年有所增加", None), True, "达成", None),
    (_row("全部完成", "定性", None, None, "(1) (2) 未完成", None), False, "未达成", None),
    (_row("全部完成", "定性", None, None, "基本完成", None), False, "部分达成", None),
    (_row("全部完成", "定性", None, None, "项目支出实际完成率为 96%", None), None, "无法判断", None),
    # a numeric target with a worded actual
    (_row("6个月以上", ">=", 6, "个月", "已实现", None), True, "达成", None),
    # units that cannot be reconciled are not compared
    (_row(">14804万元", ">", 14804, "万元", "1.4806", 1.4806), None, "无法判断", None),
    # nothing to judge
    (_row(">=98%", ">=", 98, "%", None, None), None, "无法判断", None),
    (_row(None, None, None, None, None, None), None, "无法判断", None),
]


@pytest.mark.parametrize(("row", "met", "status", "ratio"), CASES)
def test_achievement_cases(row, met, status, ratio):
    out = achievement(pd.DataFrame([row]), with_scores=False).iloc[0]
    assert out["status"] == status, out["reason"]
    assert (out["met"] is pd.NA) if met is None else (bool(out["met"]) is met)
    if ratio is None:
        assert out["completion_ratio"] is pd.NA
    else:
        assert float(out["completion_ratio"]) == pytest.approx(ratio, abs=1e-6)


def test_achievement_says_every_assumption():
    rows = [
        _row("95%", None, 95, "%", "95%", 95, "%"),
        _row(">14804万元", ">", 14804, "万元", "14806", 14806),
        _row("=2次", "=", 2, "次", "3", 3),
        _row("6个月以上", ">=", 6, "个月", "已实现", None),
    ]
    reasons = achievement(pd.DataFrame(rows), with_scores=False)["reason"].tolist()
    assert "按“≥”理解" in reasons[0]
    assert "按同行目标值的单位“万元”理解" in reasons[1]
    assert "视同正向" in reasons[2]
    assert "按定性判断" in reasons[3]


def test_equality_allows_the_rounding_of_the_figures():
    # "=98.5%" against "98.46%": the target is written to 1 decimal (± 0.05) and the actual
    # to 2 (± 0.005): |98.46 − 98.5| = 0.04 ≤ 0.055 → equal
    out = achievement(pd.DataFrame([_row("=98.5%", "=", 98.5, "%", "98.46%", 98.46, "%")]),
                      with_scores=False)
    assert bool(out.loc[0, "met"]) is True


def test_achievement_columns_and_dtypes():
    out = achievement(pd.DataFrame([c[0] for c in CASES]))
    for column, dtype in ACHIEVEMENT_COLUMNS.items():
        assert str(out[column].dtype) == dtype
    # the re-scoring columns are there too
    assert {"national_score", "rule_score", "score_reported"} <= set(out.columns)
    assert len(out) == len(CASES)


def test_achievement_of_an_empty_table():
    out = achievement(pd.DataFrame())
    assert out.empty and "status" in out.columns
