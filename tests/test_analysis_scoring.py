"""National re-scoring rules, rule sets as data, and the parser for reports' own 评分细则.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from evalkit.analysis import (
    load_rules,
    national_score,
    parse_rule_text,
    qualitative_band,
    qualitative_range,
    rescore,
    round_half_up,
    score_summary,
)

# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.125, 3.13),  # half up; Python's round(3.125, 2) gives 3.12 (half to even)
        (0.625, 0.63),  # round(0.625, 2) gives 0.62
        (2.675, 2.68),  # the float is 2.67499999…, but the written value 2.675 rounds up
        (4.955673758865248, 4.96),
        (-0.125, -0.13),  # half away from zero
        (7.0, 7.0),
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6).map(lambda n: n / 100),
                 st.decimals(min_value=-10**12, max_value=10**12, places=4).map(float)),
       st.integers(min_value=-2, max_value=12))
@example(-0.0, 2)
@example(2.675, 2)
@example(1e16, 0)
@example(123456789012345.6, 10)
def test_round_half_up_of_a_float_is_the_decimal_one(value, ndigits):
    """The shortcut for a value already within ``ndigits`` decimals gives what the Decimal
    rounding gives, sign of zero included."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    from evalkit.analysis._common import _round_half_up

    written = repr(value)
    try:
        want = float(Decimal(written).quantize(Decimal(1).scaleb(-ndigits), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return  # (beyond the context's precision: the Decimal raises either way)
    got = _round_half_up(written, ndigits)
    assert got == want or (math.isnan(got) and math.isnan(want))
    assert math.copysign(1, got) == math.copysign(1, want)


def test_round_half_up_differs_from_bankers_rounding():
    assert round(3.125, 2) == 3.12 and round_half_up(3.125) == 3.13


# --------------------------------------------------------------------------- national rules


@pytest.mark.parametrize(
    ("op", "t", "a", "w", "expected"),
    [
        # positive: a ≥ t gives w
        (">=", 95, 98, 5, 5.0),
        (">=", 95, 95, 5, 5.0),
        (">", 95, 95, 5, 5.0),  # the rule says a ≥ t for > as well
        # positive: a < t gives a/t × w
        (">=", 100, 90, 10, 9.0),  # 90/100 × 10 = 9
        (">=", 3384, 3354, 5, 4.96),  # 3354/3384 × 5 = 4.9557 → 4.96
        (">=", 8, 5, 5, 3.13),  # 5/8 × 5 = 3.125 → 3.13 half up (not 3.12)
        # reverse: a ≤ t gives w
        ("<=", 10, 8, 5, 5.0),
        ("<", 10, 10, 5, 5.0),
        # reverse: t < a < 2t gives (1 − (a − t)/t) × w
        ("<=", 10, 12, 5, 4.0),  # (1 − 2/10) × 5 = 4
        ("<=", 10, 15, 5, 2.5),  # (1 − 5/10) × 5 = 2.5
        ("<=", 3, 4, 10, 6.67),  # (1 − 1/3) × 10 = 6.667 → 6.67
        # reverse: a ≥ 2t gives 0
        ("<=", 10, 20, 5, 0.0),
        ("<", 10, 25, 5, 0.0),
        # equal with t = 0: w only if a ≤ 0
        ("=", 0, 0, 3, 3.0),
        ("=", 0, 0.5, 3, 0.0),
        ("=", 0, -1, 3, 3.0),  # negative counts as 0, and 0 ≤ 0
        # equal with t > 0: as positive
        ("=", 4, 3, 8, 6.0),  # 3/4 × 8 = 6
        ("=", 2, 3, 8, 8.0),  # 3 ≥ 2
        # negative actuals count as 0
        (">=", 10, -5, 4, 0.0),  # 0/10 × 4 = 0
        ("<=", 10, -5, 4, 4.0),  # 0 ≤ 10
        # ± (evalkit's convention): reverse on |a| against |t|
        ("±", 5, 4.5, 5, 5.0),  # |4.5| ≤ 5
        ("±", 5, -4.5, 5, 5.0),  # |−4.5| ≤ 5: a negative deviation is not clamped to 0
        ("±", 10, 15, 5, 2.5),  # (1 − (15 − 10)/10) × 5 = 2.5
        ("±", 10, 70, 5, 0.0),  # 70 ≥ 2 × 10
    ],
)
def test_national_score(op, t, a, w, expected):
    score, method = national_score(op, t, a, w)
    assert score == expected, method


def test_national_score_says_what_is_missing():
    assert national_score(">=", None, 5, 5) == (None, "缺少目标值")
    assert national_score(None, 1, None, None) == (None, "缺少比较符、实际值、分值")


def test_national_score_uses_the_rule_sets_reverse_multiple():
    # with 3t as the zero point: (1 − (a − t)/((3 − 1) t)) × w = (1 − 10/20) × 5 = 2.5
    rules = dataclasses.replace(load_rules(), parameters={
        **load_rules().parameters, "reverse_zero_multiple": "3"})
    assert national_score("<=", 10, 20, 5, rules)[0] == 2.5


@pytest.mark.parametrize(
    ("band", "w", "expected"),
    [
        ("达成", 6, (4.8, 6.0)),  # 80–100 % of 6
        ("部分达成", 5, (3.0, 4.0)),  # 60–80 % of 5
        ("未达成", 3, (0.0, 1.8)),  # 0–60 % of 3
        ("达成", 3.33, (2.66, 3.33)),  # 0.8 × 3.33 = 2.664 → 2.66
        (None, 5, (None, None)),
    ],
)
def test_qualitative_range(band, w, expected):
    assert qualitative_range(band, w) == expected


@pytest.mark.parametrize(
    ("actual", "target", "band"),
    [
        ("全部完成", "全部完成", "达成"),
        ("已完成", "年底前完成", "达成"),
        ("比上年有所增加", "比上年增加", "达成"),  # synonyms fold to 比上年增加
        ("比上年度增加", "比上年度增加", "达成"),
        ("落实到位", None, "达成"),
        ("有所提高", "有所提高", "达成"),
        ("已实现", "6个月以上", "达成"),
        ("基本完成", "全部完成", "部分达成"),
        ("(1) (2) 未完成", "全部完成", "未达成"),
        ("落实不到位", "落实到位", "未达成"),
        ("项目支出实际完成率为 96%", "全部完成", None),  # a sentence is not read as a word
        ("", "全部完成", None),
    ],
)
def test_qualitative_band(actual, target, band):
    assert qualitative_band(actual, target)[0] == band


# --------------------------------------------------------------------------- rule sets


def test_national_rule_tables():
    rules = load_rules()
    weights = {r["level1"]: float(r["weight"]) for r in rules.weights}
    assert weights == {"预算执行率": 10, "产出": 50, "效益": 30, "满意度": 10}
    assert sum(weights.values()) == 100
    assert [rules.band(b) for b in ("达成", "部分达成", "未达成")] == [
        (80, 100), (60, 80), (0, 60)]


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"), (60, "中"),
     (59.99, "差"), (0, "差")],
)
def test_grades(score, grade):
    # 优 ≥ 90, 良 80 to < 90, 中 60 to < 80, 差 < 60
    assert load_rules().grade_for(score) == grade


@pytest.mark.parametrize(
    ("label", "expected"),
    [("产出指标", ("产出", 50)), ("项目效益指标", ("效益", 30)),
     ("社会公众或服务对象满意度", ("满意度", 10)), ("服务对象满意度指标", ("满意度", 10)),
     ("社会效应", None)],
)
def test_default_level1(label, expected):
    assert load_rules().default_level1(label) == expected


def test_provincial_variant_is_a_new_file(tmp_path):
    # a province with 85 as the bar for 优; every other table falls back to national
    (tmp_path / "someprov_grades.csv").write_text(
        "grade,lower,upper\n优,85,\n良,75,85\n中,60,75\n差,,60\n", encoding="utf-8")
    rules = load_rules("someprov", directory=tmp_path)
    assert rules.grade_for(86) == "优" and load_rules().grade_for(86) == "良"
    assert rules.weights == load_rules().weights


def test_unknown_rule_set_raises(tmp_path):
    with pytest.raises(ValueError, match="no rule files"):
        load_rules("nowhere", directory=tmp_path)


# --------------------------------------------------------------------------- rule texts


STEP_DOWN = "高于95%得5分，每降低2%扣1分，扣完为止"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (98, 5.0),  # above 95
        (95, 5.0),  # at the threshold
        (94, 5.0),  # 1 below: floor(1/2) = 0 steps
        (93, 4.0),  # 2 below: 1 step → 5 − 1 = 4
        (90.5, 3.0),  # 4.5 below: floor(4.5/2) = 2 steps → 3
        (80, 0.0),  # 15 below: 7 steps → 5 − 7 < 0 → 0 (扣完为止)
    ],
)
def test_step_rule_higher_is_better(actual, expected):
    rule = parse_rule_text(STEP_DOWN)
    assert (rule.kind, rule.full, rule.params["direction"]) == ("step", 5, "higher")
    assert rule.apply(actual, f"{actual}%", "%")[0] == expected


@pytest.mark.parametrize(
    ("text", "actual", "expected"),
    [
        ("95%以上得3分，每低1%扣1分，扣完为止", 93, 1.0),  # 2 below → 2 steps → 3 − 2
        ("99%得 3 分，每低 1%扣 1 分，扣完为止", 97.5, 2.0),  # 1.5 below → 1 step
        ("100%得 3 分，每低 1%扣 1 分，扣完为止", 100, 3.0),
        ("高于 90%得 5 分，每降低 1%扣 1 分，扣完为止", 90, 5.0),
    ],
)
def test_step_rule_shapes(text, actual, expected):
    assert parse_rule_text(text).apply(actual, f"{actual}%", "%")[0] == expected


@pytest.mark.parametrize(
    ("actual", "unit", "expected"),
    [
        (661.7, "万元", 5.0),  # at the ceiling
        (750, "万元", 4.0),  # 88.3 over: floor(88.3/80) = 1 step → 4
        (830, "万元", 3.0),  # 168.3 over: 2 steps → 3
        (7500000, "元", 4.0),  # 7 500 000 元 = 750 万元 → 4
        (2000, "万元", 0.0),  # 1338.3 over: 16 steps → 0
    ],
)
def test_step_rule_lower_is_better_with_units(actual, unit, expected):
    rule = parse_rule_text("小于等于 661.7 万得 5 分，金额每增加 80 万扣一分，扣完为止")
    assert (rule.params["direction"], rule.params["unit"], rule.params["z"]) == ("lower", "万元", 1)
    assert rule.apply(actual, f"{actual}{unit}", unit)[0] == expected


def test_step_rule_modes_come_from_the_rule_set():
    # 93 is 2 below 95 … use 94, 1 below, with "每降低2%扣1分":
    # floor: 0 steps → 5; ceil: 1 step → 4; linear: 0.5 step → 4.5
    rule = parse_rule_text(STEP_DOWN)
    base = load_rules()
    for mode, expected in (("floor", 5.0), ("ceil", 4.0), ("linear", 4.5)):
        rules = dataclasses.replace(base, parameters={**base.parameters, "rule_text_steps": mode})
        assert rule.apply(94, "94%", "%", rules=rules)[0] == expected


def test_step_rule_with_contradicting_direction_is_not_parsed():
    # "小于等于 …" (lower is better) cannot go with "每降低 … 扣" (higher is better)
    assert parse_rule_text("小于等于95%得5分，每降低2%扣1分") is None


BANDS = "±5 以内 5 分, ±5%-10% 得 2 分, 10%-15 得 1 分, 15%以上得 0 分"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (4.5, 5.0),  # |4.5| ≤ 5
        (-7, 2.0),  # |−7| in 5–10
        (5, 5.0),  # on the 5 boundary: the better band
        (12, 1.0),  # 10–15
        (15, 1.0),  # on the 15 boundary: the better band (1, not 0)
        (20, 0.0),  # above 15
    ],
)
def test_band_rule(actual, expected):
    rule = parse_rule_text(BANDS)
    assert rule.kind == "bands" and rule.params["absolute"]
    assert rule.apply(actual, f"{actual}%", "%")[0] == expected


@pytest.mark.parametrize(("actual", "expected"), [(70, 0.0), (15, 1.0), (10, 5.0), (-8, 5.0)])
def test_band_rule_nested_within(actual, expected):
    # ±10 % → 5; ±20 % → 1; beyond 20 % → 0
    rule = parse_rule_text("±10%以内得 5 分, ±20%以内得 1 分, 超过 20%得 0 分")
    assert rule.apply(actual, f"{actual}%", "%")[0] == expected


@pytest.mark.parametrize(
    ("text", "actual", "expected"),
    [
        ("完成三项得 3 分，一项未完成扣 1 分，扣完为止", "全部完成", 3.0),
        ("完成三项得 3 分，一项未完成扣 1 分，扣完为止", "(1)未完成", 2.0),  # 3 − 1 × 1
        ("完成三项得 3 分，一项未完成扣 1 分，扣完为止", "(1)(2)(3)未完成", 0.0),  # 3 − 3 × 1
        ("完成三项得 3 分, 一项未完成扣 2 分, 扣完为止", "(1) (2) 未完成", 0.0),  # 3 − 2 × 2 < 0
        ("完成四项得6分，一项未完成扣2分，扣完为止", "全部完成", 6.0),
        ("完成三项4分，一项未完成扣2分，扣完为止", "(2)未完成", 2.0),  # 4 − 1 × 2
        # without 扣: one item missing earns 3, two missing is not covered by the text
        ("完成两项得6分，一项未完成3分，扣完为止", "全部完成", 6.0),
        ("完成两项得6分，一项未完成3分，扣完为止", "(2)未完成", 3.0),
        ("完成两项得6分，一项未完成3分，扣完为止", "(1)(2)未完成", None),
        ("完成三项得 3 分，一项未完成扣 1 分", "部分完成", None),  # cannot count the items
    ],
)
def test_count_rule(text, actual, expected):
    rule = parse_rule_text(text)
    assert rule.kind == "count"
    assert rule.apply(None, actual)[0] == expected


@pytest.mark.parametrize(
    ("actual", "explanation", "expected"),
    [
        ("全部完成", None, 6.0),
        ("(2)未完成", "(1) 行政执法人员充足 (2) 机构建设情况良好", 2.0),  # 2 − 1 = 1 done × 2
        ("(1)(2)未完成", "(1) 行政执法人员充足 (2) 机构建设情况良好", 0.0),  # 0 done
        ("(1)未完成", None, None),  # how many items in all is not known
    ],
)
def test_award_rule(actual, explanation, expected):
    rule = parse_rule_text("全部完成得6分，完成一项得2分")
    assert rule.kind == "award"
    assert rule.apply(None, actual, explanation=explanation)[0] == expected


@pytest.mark.parametrize(
    ("text", "actual", "expected"),
    [
        ("落实到位3分，落实不到位2分，未落实0分", "落实到位", 3.0),
        ("落实到位3分，落实不到位2分，未落实0分", "落实不到位", 2.0),
        ("落实到位3分，落实不到位2分，未落实0分", "基本落实", None),
        # 比上年有所增加 and 比去年增加 are the same outcome
        ("远低于上年 0 分，低于上年 2 分，与上年持平 3 分，比去年增加 4 分", "比上年有所增加", 4.0),
        ("远低于上年 0 分，低于上年 2 分，与上年持平 3 分，比去年增加 4 分", "低于上年", 2.0),
        ("远低于上年 0 分，低于上年 2 分，与上年持平 3 分，比去年增加 4 分", "远低于上年", 0.0),
    ],
)
def test_category_rule(text, actual, expected):
    rule = parse_rule_text(text)
    assert rule.kind == "category"
    assert rule.apply(None, actual)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "(1) 考核频次不低于两次/年；(2)完成率达到 100%。完成 (1) 2 分，完成 (1) (2) 得 4 分，都未完成 0 分",
        "得分=实际完成率×分值",
        "",
        None,
    ],
)
def test_unparsed_rule_texts(text):
    assert parse_rule_text(text) is None


# --------------------------------------------------------------------------- rescore


def _ind(**columns):
    n = len(next(iter(columns.values())))
    base = {"report_id": ["r"] * n, "scope": ["部门整体"] * n,
            "source": [f"r:{i + 1}" for i in range(n)]}
    return pd.DataFrame({**base, **columns})


def test_rescore_borrows_the_rule_text_of_the_same_indicator():
    # 附表 1 prints the rule (no score); 附表 2 prints the score (no rule)
    ind = _ind(table=["附表 1", "附表 2"], level3=["项目经费变动率"] * 2, weight=[5.0, 5.0],
               target_raw=["±10%"] * 2, target_op=["±"] * 2, target_value=[10.0] * 2,
               target_unit=["%"] * 2, actual_raw=["70%"] * 2, actual_value=[70.0] * 2,
               actual_unit=["%"] * 2, score=[None, 2.0],
               rule_text=["±10%以内得 5 分, ±20%以内得 1 分, 超过 20%得 0 分", None])
    out = rescore(ind)
    row = out.iloc[1]
    # |70| > 20 → 0 by the rule; the report gave 2 → difference +2
    assert (row["rule_score"], row["rule_difference"], row["rule_source"]) == (0.0, 2.0, "r:1")
    # national (± as reverse on |a|): 70 ≥ 2 × 10 → 0
    assert (row["national_score"], row["national_difference"]) == (0.0, 2.0)
    assert out.loc[0, "rule_difference"] is pd.NA


def test_rescore_qualitative_range_and_difference():
    ind = _ind(table=["附表"] * 3, level3=["甲", "乙", "丙"], weight=[6.0, 4.0, 3.0],
               target_raw=["全部完成"] * 3, target_op=["定性"] * 3,
               actual_raw=["全部完成", "全部完成", "(1) (2) (3) 未完成"], score=[4.0, 3.5, 1.0])
    out = rescore(ind)
    # 达成: 4.8–6; 4 is 0.8 below the range
    assert out.loc[0, ["national_low", "national_high", "national_difference"]].tolist() == [
        4.8, 6.0, -0.8]
    # 达成 of 4: 3.2–4; 3.5 is inside → 0
    assert out.loc[1, "national_difference"] == 0.0
    # 未达成 of 3: 0–1.8; 1 is inside
    assert out.loc[2, ["national_low", "national_high", "national_difference"]].tolist() == [
        0.0, 1.8, 0.0]


def test_rescore_statuses():
    ind = _ind(table=["附表"] * 4, level3=["甲", "乙", "丙", "丁"], weight=[3.0, 3.0, 3.0, None],
               target_raw=["全部完成"] * 4, target_op=["定性"] * 4,
               actual_raw=["全部完成", "全部完成", None, "全部完成"], score=[3.0] * 4,
               rule_text=["完成三项得3分，一项未完成扣1分", "得分=完成率×分值",
                          "完成三项得3分，一项未完成扣1分", None])
    out = rescore(ind)
    assert out["rule_status"].tolist() == ["已解析", "无法解析", "无实际完成值", "无评分细则"]
    assert out.loc[3, "national_method"] == "无分值，无法计分"


def test_score_summary_adds_leaves_and_grades():
    # a level-1 subtotal row is not added again
    ind = _ind(table=["表"] * 3, level1=["产出", "产出", "产出"], level2=[None, "数量", "数量"],
               level3=[None, "甲", "乙"], weight=[100.0, 60.0, 40.0],
               target_raw=[None, ">=100", ">=50"], target_op=[None, ">=", ">="],
               target_value=[None, 100.0, 50.0], actual_raw=[None, "90", "50"],
               actual_value=[None, 90.0, 50.0], score=[91.0, 54.0, 37.0])
    reports = pd.DataFrame({"report_id": ["r"], "total_score": [91.0], "grade": ["优"]})
    s = score_summary(rescore(ind), reports).iloc[0]
    # reported: 54 + 37 = 91; national: 90/100 × 60 = 54 and 50 ≥ 50 → 40, so 94
    assert (s["weight_sum"], s["reported_sum"], s["national_sum"]) == (100.0, 91.0, 94.0)
    assert (s["grade"], s["grade_from_reported_sum"], s["grade_from_national_sum"]) == (
        "优", "优", "优")
