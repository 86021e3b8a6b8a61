"""Consistency checks on small hand-made tables; assertions on compact (report, rule) lists.

Every expected finding is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evalkit.analysis import CHECKS, check, derive, run_checks


def rules_of(findings: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(findings["report_id"], findings["rule"]))


def budget(*rows, rid="r", scope="部门整体"):
    """rows: (stage, item, parent, amount, line[, item_raw])."""
    records = []
    for row in rows:
        stage, item, parent, amount, line, *raw = row
        records.append({"report_id": rid, "scope": scope, "stage": stage, "item": item,
                        "item_raw": raw[0] if raw else item, "parent": parent,
                        "amount_wan": amount, "source": f"{rid}:{line}"})
    return pd.DataFrame(records)


def indicators(*rows, rid="r", scope="部门整体"):
    """rows: dicts; table defaults to 附表 and source to the row number."""
    out = []
    for i, row in enumerate(rows, 1):
        out.append({"report_id": rid, "scope": scope, "table": "附表", "source": f"{rid}:{i}",
                    **row})
    return pd.DataFrame(out)


def run(name, **tables):
    return run_checks(tables, checks=[name])


# --------------------------------------------------------------------------- budget


def test_breakdown_exceeding_its_total():
    # 003: 752.809298 + 451.118343 + 15.115052 = 1219.042693 > 858.179982 → 错误
    b = budget(("决算", "基本支出", None, 858.179982, 252),
               ("决算", "工资福利支出", "基本支出", 752.809298, 254),
               ("决算", "商品和服务支出", "基本支出", 451.118343, 256),
               ("决算", "对个人和家庭的补助", "基本支出", 15.115052, 258))
    f = run("budget-breakdowns", budget=b)
    assert f[["rule", "severity", "expected", "observed"]].values.tolist() == [
        ["parts-exceed-total", "错误", "858.179982", "1219.042693"]]
    assert f.loc[0, "difference"] == pytest.approx(360.862711)  # 1219.042693 − 858.179982
    assert f.loc[0, "sources"] == "r:252;r:254;r:256;r:258"


def test_breakdown_short_of_an_exhaustive_total():
    # 004: 三公 4 against 0 + 0 + 3.21 = 3.21 → 警告 (the four 三公 parts are all there is)
    b = budget(("年初预算", "三公经费", None, 4.0, 49),
               ("年初预算", "因公出国（境）费", "三公经费", 0.0, 49),
               ("年初预算", None, "三公经费", 0.0, 49, "公务用车购置及运行维护费"),
               ("年初预算", "公务接待费", "三公经费", 3.21, 49))
    f = run("budget-breakdowns", budget=b)
    assert f[["rule", "severity", "expected", "observed", "difference"]].values.tolist() == [
        ["parts-short-of-total", "警告", "4", "3.21", -0.79]]


def test_details_short_of_their_parent_are_only_a_hint():
    # 办公费 5 + 印刷费 3 = 8 < 商品和服务支出 10: details may be listed in part → 提示
    b = budget(("决算", "商品和服务支出", "基本支出", 10.0, 1),
               ("决算", "办公费", "基本支出/商品和服务支出", 5.0, 2),
               ("决算", "印刷费", "基本支出/商品和服务支出", 3.0, 3))
    assert run("budget-breakdowns", budget=b)["severity"].tolist() == ["提示"]


def test_breakdown_within_rounding():
    # 33.34 × 3 = 100.02 against 100.01: off by 0.01, within 4 × 0.005 = 0.02
    ok = budget(("决算", "公用经费", "基本支出", 100.01, 1),
                *[("决算", f"明细{i}", "基本支出/公用经费", 33.34, i + 2) for i in range(3)])
    assert run("budget-breakdowns", budget=ok).empty
    # 33.35 × 3 = 100.05: off by 0.04 > 0.02
    bad = budget(("决算", "公用经费", "基本支出", 100.01, 1),
                 *[("决算", f"明细{i}", "基本支出/公用经费", 33.35, i + 2) for i in range(3)])
    assert run("budget-breakdowns", budget=bad)["rule"].tolist() == ["parts-exceed-total"]


def test_two_breakdowns_of_one_total_and_values_stated_twice():
    # 002: 基本支出 363.47 = 人员 211.9 + 公用 151.57, and = 177.36 + 151.57 + 34.54 + 0 by
    # economic class; the 财政拨款 table's 175.12 / 123.79 / 3.01 add up to its 301.92 instead.
    # Some choice of the stated values adds up every time → no finding here.
    b = budget(("决算", "基本支出", None, 363.47, 154),
               ("决算", "基本支出", None, 301.92, 177, "合计"),
               ("决算", "人员经费", "基本支出", 211.9, 135),
               ("决算", "公用经费", "基本支出", 151.57, 136),
               ("决算", "工资福利支出", "基本支出", 175.12, 161),
               ("决算", "商品和服务支出", "基本支出", 123.79, 165),
               ("决算", "对个人和家庭的补助", "基本支出", 3.01, 169),
               ("决算", "资本性支出", "基本支出", 0.0, 173),
               ("决算", "工资福利支出", "基本支出", 177.36, 185),
               ("决算", "商品和服务支出", "基本支出", 151.57, 185),
               ("决算", "对个人和家庭的补助", "基本支出", 34.54, 185))
    assert run("budget-breakdowns", budget=b).empty


def test_identities_across_statements():
    # 000: 基本支出 457.94 (L324) = 人员 390.22 + 公用 67.72 (L123/126, under 支出合计) → ok
    ok = budget(("年初预算", "基本支出", "支出合计", 457.94, 324),
                ("年初预算", "人员经费", "支出合计", 390.22, 123),
                ("年初预算", "公用经费", "支出合计", 67.72, 126))
    assert run("budget-identities", budget=ok).empty
    # 支出合计 600 against 基本 457.94 + 项目 150 = 607.94 → exceeds by 7.94
    bad = budget(("年初预算", "支出合计", None, 600.0, 1),
                 ("年初预算", "基本支出", "支出合计", 457.94, 2),
                 ("年初预算", "项目支出", "支出合计", 150.0, 3))
    f = run("budget-identities", budget=bad)
    assert f[["rule", "difference"]].values.tolist() == [["parts-exceed-total", 7.94]]


def test_identity_with_missing_parts_only_flags_an_excess():
    # 收入合计 607.94 with only 财政拨款收入 500 stated: the others may make up the rest → quiet
    short = budget(("年初预算", "收入合计", None, 607.94, 1),
                   ("年初预算", "财政拨款收入", "收入合计", 500.0, 2))
    assert run("budget-identities", budget=short).empty
    over = budget(("年初预算", "收入合计", None, 607.94, 1),
                  ("年初预算", "财政拨款收入", "收入合计", 700.0, 2))
    assert run("budget-identities", budget=over)["rule"].tolist() == ["parts-exceed-total"]


def test_budget_conflicts():
    b = budget(("决算", "公用经费", "基本支出", 151.57, 136),
               ("决算", "公用经费", "基本支出", 66.14, 201, "日常公用经费"),
               ("决算", "公用经费", "基本支出", 151.57, 296, "合计"),
               # 项目支出 of the city-level projects only: a qualifier → a suspect, not a finding
               ("年初预算", "项目支出", None, 1455.49, 246),
               ("年初预算", "项目支出", None, 255.0, 182, "市级项目支出"),
               # 元 written as 万元: 10 000 times off
               ("决算", "基本支出", None, 858.18, 246),
               ("决算", "基本支出", None, 8581800.0, 252))
    f = run("budget-conflicts", budget=b)
    assert f[["rule", "severity", "expected", "observed"]].values.tolist() == [
        ["amount-conflict", "警告", "151.57", "66.14"],  # 151.57 stated twice wins
        ["unit-scale-suspect", "警告", "858.18", "8581800"],  # tie → the first stated
        ["comparability-unclear", "提示", "1455.49", "255"],  # the unqualified value is the base
    ]


def test_a_difference_that_cannot_be_shown_comparable_is_a_suspect():
    # 上年结转结余 0 in the table's 年初预算 column (L120), 43.34 in the sentence
    # '年初结转及结余43.34万元' (L312): the stage of a carry-over is not established
    b = budget(("年初预算", "上年结转结余", None, 0.0, 120),
               ("年初预算", "上年结转结余", None, 43.34, 312))
    f = run_checks({"budget": b})
    assert f[["rule", "kind", "expected", "observed"]].values.tolist() == [
        ["comparability-unclear", "存疑", "0", "43.34"]]
    assert "无法确认" in f.loc[0, "message"] and f.loc[0, "rule_name"] == "口径不明的差异"
    # the same figures with a stage unknown are no contradiction either
    b2 = budget(("决算", "基本支出", None, 363.47, 154), ("决算", "基本支出", None, 301.92, 177))
    b2.loc[1, "scope"] = None
    b2.loc[0, "scope"] = None
    f2 = run_checks({"budget": b2})
    assert f2["kind"].tolist() == ["存疑"] and "范围或阶段不明" in f2.loc[0, "message"]
    # a head count of an unknown year is not compared as a contradiction
    e = pd.DataFrame({"report_id": ["r"] * 2, "year": [None, None], "scheme": ["合计"] * 2,
                      "persons": [430100, 460000], "raw": ["43.01万人", "46万人"],
                      "source": ["r:1", "r:2"]})
    f3 = run_checks({"enrollment": e})
    assert f3[["rule", "kind"]].values.tolist() == [["comparability-unclear", "存疑"]]
    assert "年度不明" in f3.loc[0, "message"]


def test_same_value_in_different_places_is_no_conflict():
    b = budget(("决算", "人员经费", "支出合计/基本支出", 266.2, 117),
               ("决算", "人员经费", "基本支出", 266.2, 435))
    assert run("budget-conflicts", budget=b).empty


# --------------------------------------------------------------------------- enrollment, funds


def enrollment(*rows, rid="r"):
    """rows: (year, scheme, persons, raw, line)."""
    return pd.DataFrame([{"report_id": rid, "year": y, "scheme": s, "persons": p, "raw": raw,
                          "source": f"{rid}:{ln}"} for y, s, p, raw, ln in rows])


def funds(*rows, rid="r"):
    """rows: (year, scheme, flow, amount, raw, line)."""
    return pd.DataFrame([{"report_id": rid, "year": y, "scheme": s, "flow": fl, "amount_wan": a,
                          "raw": raw, "source": f"{rid}:{ln}"} for y, s, fl, a, raw, ln in rows])


def test_enrollment_total_against_schemes_on_the_same_line():
    # 43.01万 = 3.58万 + 39.43万 (± 3 × 50 persons) → ok; 223570 vs 38406 + 185000 = 223406 → short
    e = enrollment((2024, "合计", 430100, "43.01万人", 40), (2024, "职工医保", 35800, "3.58万人", 40),
                   (2024, "居民医保", 394300, "39.43万人", 40),
                   (2022, "合计", 223570, "223570人", 338), (2022, "职工医保", 38406, "38406人", 338),
                   (2022, "居民医保", 185000, "185000人", 338))
    f = run("enrollment-funds-identities", enrollment=e)
    assert f[["rule", "expected", "observed", "difference"]].values.tolist() == [
        ["parts-short-of-total", "223570", "223406", -164.0]]


def test_funds_breakdowns_respect_the_written_rounding():
    # 1.6亿 = 1.17亿 + 0.43亿 exactly; 合计 58388.63 = 17558.29 + 40830.34
    f = funds((2024, "职工医保", "支出", 16000.0, "1.6亿元", 40),
              (2024, "职工医保统筹基金", "支出", 11700.0, "1.17亿元", 40),
              (2024, "职工医保个人账户", "支出", 4300.0, "0.43亿元", 40),
              (2024, "合计", "支出", 58388.63, "58388.63万元", 815),
              (2024, "职工医保", "支出", 17558.29, "17558.29万元", 815),
              (2024, "居民医保", "支出", 40830.34, "40830.34万元", 815))
    assert run("enrollment-funds-identities", funds=f).empty


def test_enrollment_and_funds_conflicts():
    e = enrollment(*[(2024, "合计", 430100, "43.01万人", ln) for ln in (40, 240, 464)],
                   (2024, "合计", 430600, "43.06万人", 819))
    f = funds((2024, "职工医保", "支出", 16000.0, "1.6亿元", 40),
              (2024, "职工医保", "支出", 17558.29, "17558.29万元", 815),
              # 4.1亿 is 41000 ± 500: 40830.34 lies within
              (2024, "居民医保", "支出", 41000.0, "4.1亿元", 40),
              (2024, "居民医保", "支出", 40830.34, "40830.34万元", 815))
    loose = enrollment((2022, "资助参保", 5975, "5975人", 338), (2022, "资助参保", 3546, "3546人", 340))
    out = run("enrollment-funds-conflicts", enrollment=pd.concat([e, loose]), funds=f)
    # 430600 − 430100 = 500 > 50 + 50; 17558.29 − 16000 = 1558.29 > 500 + 0.005;
    # 资助参保 is counted differently from sentence to sentence → a suspect (提示), no finding
    assert out[["rule", "severity", "difference"]].values.tolist() == [
        ["enrollment-conflict", "警告", 500.0], ["funds-conflict", "警告", 1558.29],
        ["comparability-unclear", "提示", -2429.0]]


def test_headcount_with_decimals():
    e = pd.DataFrame({"report_id": ["r"] * 3, "year": [2023, 2024, 2024],
                      "scheme": ["合计"] * 3, "persons": [None, None, 430600],
                      "raw": ["46.98人", "43.06人", "43.06万人"], "note": [None, None, None],
                      "source": ["r:470", "r:470", "r:819"]})
    f = run("headcounts", enrollment=e)
    assert rules_of(f) == [("r", "headcount-not-integer")] * 2
    # 43.06 × 10 000 = 430600, the count stated at L819
    assert "疑漏写“万”" in f.loc[1, "message"] and f.loc[1, "sources"] == "r:470;r:819"


def test_figures_with_a_noted_problem():
    e = pd.DataFrame({"report_id": ["r"] * 2, "year": [2022] * 2, "scheme": ["合计"] * 2,
                      "persons": [470300, None], "raw": ["47.03万人", "46.98人"],
                      "note": ["年份按句首推断", "人数带小数且未写“万”"], "source": ["r:470", "r:471"]})
    # the row with a value and a note is a 提示; the row without a value is a headcount finding
    f = run_checks({"enrollment": e}, checks=["noted-figures", "headcounts"])
    assert f[["rule", "severity", "sources"]].values.tolist() == [
        ["headcount-not-integer", "警告", "r:471"], ["figure-noted", "提示", "r:470"]]


# --------------------------------------------------------------------------- rates


def test_stated_rates():
    b = budget(("决算", "政府采购", None, 8.84, 564), ("年初预算", "政府采购", None, 15.0, 564),
               ("年初预算", "支出合计", None, 607.94, 324), ("调整预算", "支出合计", None, 554.48, 326),
               ("决算", "支出合计", None, 554.48, 328),
               ("年初预算", "人员经费", "基本支出", 115.81, 124),
               ("决算", "人员经费", "基本支出", 211.9, 135),
               ("决算", "公用经费", "基本支出", 151.57, 136),
               ("决算", "办公费", "基本支出/公用经费", 15.86, 208),
               ("决算", "基本支出", None, 363.47, 185),
               ("决算", "工资福利支出", "基本支出", 177.36, 185))
    rates = pd.DataFrame({
        "report_id": ["r"] * 8, "scope": ["部门整体"] * 8,
        "name": ["政府采购执行率", "资金预算执行率", "预算执行率", "差异率人员经费", "办公费占比",
                 "差异率公用经费", "服务覆盖率", "工资福利支出占基本支出比重"],
        "value_pct": [58.93, 100.0, 80.0, 82.97, 10.46, 10.0, 100.0, 48.8],
        "raw": ["58.93%", "100%", "80%", "82.97%", "10.46%", "10%", "100%", "48.8 %"],
        "source": ["r:564", "r:328", "r:330", "r:146", "r:209", "r:147", "r:478", "r:185"]})
    f = run("stated-rates", budget=b, rates=rates)
    # 8.84 ÷ 15 = 58.93 % ok; 554.48 ÷ 554.48 = 100 % ok (the adjusted budget);
    # 80 % matches neither 91.21 % nor 100 % → the closer one, 91.21, is expected;
    # (211.9 − 115.81) ÷ 115.81 = 82.97 % ok; 15.86 ÷ 151.57 = 10.46 % ok;
    # 177.36 ÷ 363.47 = 48.797 % ≈ 48.8 % ok;
    # 差异率公用经费 has no 年初 公用经费 → not judged; 服务覆盖率 has no formula → not judged
    assert f[["rule", "expected", "observed"]].values.tolist() == [
        ["rate-mismatch", "91.21", "80"]]
    assert f.loc[0, "difference"] == pytest.approx(80 - 91.206369, abs=1e-6)


# --------------------------------------------------------------------------- indicators


def test_score_vs_weight():
    ind = indicators({"level3": "甲", "weight": 5.0, "score": 6.0},
                     {"level3": "乙", "weight": 5.0, "score": 5.0},
                     {"level3": "丙", "weight": 5.0, "score": -1.0})
    f = run("score-vs-weight", indicators=ind)
    assert f[["rule", "sources"]].values.tolist() == [
        ["score-exceeds-weight", "r:1"], ["score-negative", "r:3"]]


def test_weights_total():
    ind = indicators({"level3": "甲", "weight": 60.0}, {"level3": "乙", "weight": 30.0},
                     {"table": "正文", "level3": "丙", "weight": 20.0},  # 正文 is not a table
                     {"table": "不全", "level3": "丁", "weight": 20.0},
                     {"table": "不全", "level3": "戊"})  # a leaf without weight → not judged
    f = run("weights-total", indicators=ind)
    # 60 + 30 = 90 ≠ 100
    assert f[["rule", "observed", "difference"]].values.tolist() == [["weights-not-100", "90", -10.0]]


def test_subtotals():
    # 正文 of 003: 运行成本 10/7 = 基本经费 5/5 + 项目经费 5/2; a typo 8 would be caught
    rows = [{"table": "正文", "level1": "运行成本", "weight": 10.0, "score": 8.0},
            {"table": "正文", "level1": "运行成本", "level2": "项目经费", "weight": 5.0, "score": 2.0},
            {"table": "正文", "level1": "运行成本", "level2": "基本经费", "level3": "基本支出变动率",
             "weight": 5.0, "score": 5.0},
            {"table": "正文", "level1": "运行成本", "level2": "项目经费", "level3": "项目经费变动率",
             "weight": 5.0, "score": 2.0}]
    f = run("subtotals", indicators=indicators(*rows))
    # level 1: weight 5 + 5 = 10 ok; score 5 + 2 = 7 ≠ 8. Level 2 项目经费 5/2 = 5/2 ok
    assert f[["rule", "expected", "observed"]].values.tolist() == [["subtotal-mismatch", "7", "8"]]


def test_score_total_and_grade():
    ind = indicators(*[{"level3": f"指标{i}", "weight": 25.0, "score": s}
                       for i, s in enumerate([25.0, 20.0, 25.0, 15.0])])
    reports = pd.DataFrame({"report_id": ["r", "s"], "total_score": [86.0, 91.0],
                            "grade": ["良", "良"]})
    f = run("score-total", indicators=ind, reports=reports)
    # 25 + 20 + 25 + 15 = 85 ≠ 86; 91 is 优 (≥ 90), not 良
    assert f[["report_id", "rule", "expected", "observed"]].values.tolist() == [
        ["r", "score-sum-mismatch", "86", "85"], ["s", "grade-mismatch", "优", "良"]]


def test_score_total_skips_incomplete_tables_and_projects():
    ind = pd.concat([
        indicators({"level3": "甲", "weight": 50.0, "score": 40.0},
                   {"level3": "乙", "weight": 30.0, "score": 30.0}),  # weights 80: not complete
        indicators({"level3": "甲", "score": 40.0}, {"level3": "乙", "score": 30.0},
                   scope="某项目"),  # the total score is the department's
    ])
    reports = pd.DataFrame({"report_id": ["r"], "total_score": [96.0], "grade": ["优"]})
    assert run("score-total", indicators=ind, reports=reports).empty


def test_level1_weights():
    ind = indicators({"level1": "产出指标", "level3": "甲", "weight": 40.0},
                     {"level1": "产出指标", "level3": "乙", "weight": 20.0},
                     {"level1": "效益指标", "level3": "丙", "weight": 30.0},
                     {"level1": "满意度指标", "level3": "丁", "weight": 10.0})
    f = run("level1-weights", indicators=ind)
    # 产出 40 + 20 = 60, default 50
    assert f[["rule", "severity", "expected", "observed"]].values.tolist() == [
        ["level1-weight-nonstandard", "提示", "50", "60"]]


def test_duplicate_indicators():
    ind = indicators({"level3": "稽核人员人数", "target_raw": "=3次"},
                     {"level3": "稽核人员人数", "target_raw": "=6人"},
                     {"level3": "覆盖率", "target_raw": "=100%"},
                     {"level3": "覆盖率", "target_raw": "=100%"})
    f = run("duplicate-indicators", indicators=ind)
    assert f[["rule", "sources"]].values.tolist() == [
        ["duplicate-indicator-row", "r:3;r:4"], ["indicator-name-repeated", "r:1;r:2"]]


def test_indicator_conflicts_between_tables():
    rows = [
        # same weight and score in 附表 and 正文 → quiet
        {"table": "附表 2", "level3": "综合参保率", "weight": 3.0, "score": 3.0},
        {"table": "正文", "level3": "综合参保率", "weight": 3.0, "score": 3.0},
        # synonyms and spacing → quiet
        {"table": "附表 1", "level3": "一站式结算覆盖率", "actual_raw": "比上年有所增加"},
        {"table": "附表 2", "level3": "一站式结算覆盖率", "actual_raw": "比上年度增加"},
        {"table": "附表 1", "level3": "行政执法", "actual_raw": "(1)(2)未完成"},
        {"table": "附表 2", "level3": "行政执法", "actual_raw": "(1) (2) 未完成"},
        # an operator written in one table only → quiet; same value in 万 and 万元 → quiet
        {"table": "附表 1", "level3": "满意度", "target_raw": "≥95%", "target_op": ">=",
         "target_value": 95.0, "target_unit": "%"},
        {"table": "附表 2", "level3": "满意度", "target_raw": "95%", "target_value": 95.0,
         "target_unit": "%"},
        {"table": "表 2", "level3": "成本控制", "target_raw": "≤661.7 万", "target_value": 661.7,
         "target_unit": "万"},
        {"table": "附表 2", "level3": "成本控制", "target_raw": "≤661.7 万元",
         "target_value": 661.7, "target_unit": "万元"},
        # a real contradiction
        {"table": "附表 2", "level3": "预算支出管理", "actual_raw": "全部完成", "score": 4.0},
        {"table": "表 3", "level3": "预算支出管理", "actual_raw": "项目支出实际完成率为 96%"},
        # weights differ: 5 vs 6
        {"table": "附表 1", "level3": "信息化水平", "weight": 5.0},
        {"table": "附表 2", "level3": "信息化水平", "weight": 6.0},
    ]
    f = run("indicator-conflicts", indicators=indicators(*rows))
    assert f[["expected", "observed"]].values.tolist() == [
        ["全部完成", "项目支出实际完成率为 96%"], ["5", "6"]]
    assert pd.isna(f.loc[0, "difference"]) and f.loc[1, "difference"] == 1.0  # 6 − 5


def test_one_name_used_twice_is_matched_in_order():
    # 000: the same name twice in the 目标表 and in the 自评表, =3次 then =6人 in both
    rows = [{"table": "目标表", "level3": "人数", "target_raw": "=3次", "target_op": "=",
             "target_value": 3.0, "target_unit": "次"},
            {"table": "目标表", "level3": "人数", "target_raw": "=6人", "target_op": "=",
             "target_value": 6.0, "target_unit": "人"},
            {"table": "自评表", "level3": "人数", "target_raw": "=3次", "target_op": "=",
             "target_value": 3.0, "target_unit": "次"},
            {"table": "自评表", "level3": "人数", "target_raw": "=6人", "target_op": "=",
             "target_value": 6.0, "target_unit": "人"}]
    assert run("indicator-conflicts", indicators=indicators(*rows)).empty


def test_rescoring_findings():
    rows = [
        # rule text: 全部完成 → 6, reported 4 → 警告; national 4.8–6 → 提示
        {"table": "附表", "level3": "内控", "weight": 6.0, "target_raw": "全部完成",
         "target_op": "定性", "actual_raw": "全部完成", "score": 4.0,
         "rule_text": "完成两项得6分，一项未完成3分，扣完为止"},
        # quantitative: 90/95 × 5 = 4.74; rule: 5 below → 2 steps → 3; reported 3 → only national
        {"table": "附表", "level3": "报销率", "weight": 5.0, "target_raw": "≥95%",
         "target_op": ">=", "target_value": 95.0, "target_unit": "%", "actual_raw": "90%",
         "actual_value": 90.0, "actual_unit": "%", "score": 3.0,
         "rule_text": "高于95%得5分，每降低2%扣1分，扣完为止"},
        {"table": "附表", "level3": "两定", "weight": 4.0, "target_raw": "全部完成",
         "target_op": "定性", "actual_raw": "全部完成", "score": 4.0,
         "rule_text": "(1) 考核频次不低于两次/年；完成 (1) 2 分，都未完成 0 分"},
        {"table": "附表", "level3": "政策", "weight": 3.0, "target_raw": "落实到位",
         "target_op": "定性", "actual_raw": "基本落实", "score": 2.0,
         "rule_text": "落实到位3分，落实不到位2分，未落实0分"},
    ]
    f = run("rescoring", indicators=indicators(*rows))
    assert f[["rule", "expected", "observed"]].values.tolist() == [
        ["score-differs-report-rule", "6", "4"],
        ["rule-not-applicable", "", "2"],  # 基本落实 is none of the rule's outcomes
        ["rule-text-unparsed", "", ""],
        ["score-differs-national-rule", "4.8–6", "4"],
        ["score-differs-national-rule", "4.74", "3"],  # 90 ÷ 95 × 5 = 4.737 → 4.74
    ]


def test_indicator_units():
    ind = indicators({"level3": "征缴", "target_raw": ">14804万元", "target_op": ">",
                      "target_value": 14804.0, "target_unit": "万元", "actual_raw": "1.4806",
                      "actual_value": 1.4806})
    assert run("indicator-units", indicators=ind)["rule"].tolist() == ["unit-unclear"]


def test_indicators_against_the_text():
    ind = indicators(
        {"level3": "居民医疗保险征缴达到目标值", "target_raw": ">14804万元", "target_op": ">",
         "target_value": 14804.0, "target_unit": "万元", "actual_raw": "14806",
         "actual_value": 14806.0},
        {"level3": "居民征缴：个人缴费标准", "target_raw": ">=310元", "target_op": ">=",
         "target_value": 310.0, "target_unit": "元", "actual_raw": "350", "actual_value": 350.0},
        {"level3": "居民医疗保险参保人数达到目标值", "target_raw": ">183690人", "target_op": ">",
         "target_value": 183690.0, "target_unit": "人", "actual_raw": "185164",
         "actual_value": 185164.0})
    fu = funds((2022, "居民医保", "收入", 6569.0, "6569万元", 338))
    en = enrollment((2022, "居民医保", 185164, "185164人", 338))
    reports = pd.DataFrame({"report_id": ["r"], "fiscal_year": [2022]})
    f = run("indicators-vs-text", indicators=ind, funds=fu, enrollment=en, reports=reports)
    # 14806 ≠ 6569; the 缴费标准 row is not the fund's income; 185164 = 185164
    assert f[["expected", "observed", "difference"]].values.tolist() == [["6569", "14806", 8237.0]]


def test_assets_staff_and_procurement_tables():
    assets = pd.DataFrame({"report_id": ["r"] * 3, "item": ["资产总额", "负债总额", "净资产"],
                           "amount_wan": [160.01, 0.0, 159.83],
                           "raw": ["160.01万元", "0万元", "159.83万元"], "source": ["r:57"] * 3})
    staff = pd.DataFrame({
        "report_id": ["r"] * 9,
        "category": ["实有人数", "公务员", "参公人员", "事业人员", "退休人员",
                     "实有人数", "在职人员", "其他人员", "实有人数"],
        "persons": [75, 5, 8, 63, 7, 11, 9, 2, 5],
        "source": ["r:35"] * 5 + ["r:69"] * 4})
    procurement = pd.DataFrame({
        "report_id": ["r"] * 4, "seq": ["1", "2", "3", None],
        "name": ["复印纸", "委托经办", "空调", "合 计"], "budget_wan": [0.4, 180.0, 1.35, 181.75],
        "actual_wan": [0.39, 180.0, 1.2625, 181.6525], "source": ["r:137", "r:138", "r:142", "r:146"]})
    f = run_checks({"assets": assets, "staff": staff, "procurement": procurement},
                   checks=["assets", "staff", "procurement"])
    # 160.01 − 0 = 160.01 ≠ 159.83;
    # L35: 5 + 8 + 63 = 76 ≠ 75 (退休人员 is not part of the 在编在职 count);
    # L69: 实有人数 11 = 在职 9 + 其他 2 (the 5 on that line is another unit's) → quiet;
    # procurement: 0.4 + 180 + 1.35 = 181.75 and 0.39 + 180 + 1.2625 = 181.6525 → quiet
    assert f[["rule", "expected", "observed"]].values.tolist() == [
        ["assets-identity-mismatch", "160.01", "159.83"], ["parts-exceed-total", "75", "76"]]


def staff(*rows, rid="r"):
    """rows: (category, category_raw, persons, line)."""
    return pd.DataFrame([{"report_id": rid, "category": c, "category_raw": w, "persons": p,
                          "raw": f"{p}人", "source": f"{rid}:{ln}"} for c, w, p, ln in rows])


def test_staff_figures_stated_twice():
    s = staff(
        # 000: 编制人数 24 (L38) vs 编制控制数 23 (L96) → 警告; 行政编制 5 = 5 and 实有 36 = 36 → quiet
        ("编制数", "编制人数", 24, 38), ("行政编制", "行政编制", 5, 38),
        ("实有人数", "年末实有人数", 36, 38), ("编制数", "编制控制数", 23, 96),
        ("实有人数", "在职人员总数", 36, 99), ("行政编制", "行政编制人数", 5, 101),
        # 领导职数 lumps different posts (局长 1, 副局长 2, 领导职数 5) → never compared
        ("领导职数", "局长", 1, 226), ("领导职数", "副局长", 2, 226), ("领导职数", "领导职数", 5, 226),
        # 在职人员 only under the same words: 在职 9 vs 在职 14 → 警告; 在职人数 12 is not compared
        ("在职人员", "在职", 9, 69), ("在职人员", "在职人数", 12, 80), ("在职人员", "在职", 14, 312),
        # 20 is 10 × 2, but a staff count has no unit to get wrong → staff-conflict, not unit-scale
        ("编外人员", "编外人员", 2, 50), ("编外人员", "聘用人员", 20, 60))
    f = run("staff-conflicts", staff=s)
    # sorted by first line: L38 (24 first stated), L50 (2 first stated), L69 (9 first stated)
    columns = ["rule", "severity", "expected", "observed", "difference", "sources"]
    assert f[columns].values.tolist() == [
        ["staff-conflict", "警告", "24", "23", -1.0, "r:38;r:96"],  # 23 − 24
        ["staff-conflict", "警告", "2", "20", 18.0, "r:50;r:60"],  # 20 − 2
        ["staff-conflict", "警告", "9", "14", 5.0, "r:69;r:312"]]  # 14 − 9
    assert f.loc[0, "message"] == "编制数（编制人数、编制控制数）在报告中有不同数值：24人（L38）与23人（L96）"
    assert f.loc[2, "message"] == "在职人员（在职）在报告中有不同数值：9人（L69）与14人（L312）"


def test_staff_conflicts_need_no_words_and_compare_within_one_report():
    # a table without category_raw and raw: 编制数 6 vs 7 in report a → 警告 (7 − 6 = 1);
    # report b states 编制数 7 once → quiet
    s = pd.DataFrame({"report_id": ["a", "a", "b"], "category": ["编制数"] * 3,
                      "persons": [6, 7, 7], "source": ["a:1", "a:9", "b:1"]})
    f = run("staff-conflicts", staff=s)
    assert f[["report_id", "expected", "observed", "difference"]].values.tolist() == [
        ["a", "6", "7", 1.0]]
    assert f.loc[0, "message"].startswith("编制数在报告中有不同数值：6人（L1）与7人（L9）")


def test_procurement_text_against_table():
    # 003: the sentence at L132 lists the purchases again; the 合计 row adds up the table only
    p = pd.DataFrame({
        "report_id": ["r"] * 6, "seq": [None, None, "1", "2", "4", None],
        "name": ["委托经办", "空调", "委托经办（续签）", "空调", "打印纸", "合计"],
        "budget_wan": [180.0, 1.35, 180.0, 1.35, 0.4, 181.75],
        "actual_wan": [180.0, 1.2, 180.0, 1.2625, 0.39, 181.6525],
        "method": ["自行采购", "自行采购", "单一来源", "自行采购", "自行采购", None],
        "source": ["r:132", "r:132", "r:138", "r:142", "r:143", "r:146"]})
    f = run("procurement", procurement=p)
    # table: 180 + 1.35 + 0.4 = 181.75 and 180 + 1.2625 + 0.39 = 181.6525 → quiet (the
    # sentence's rows are not added again); the sentence says 自行采购 and 1.2 where the table
    # says 单一来源 and 1.2625; 序号 3 is missing
    assert f[["rule", "expected", "observed"]].values.tolist() == [
        ["procurement-conflict", "单一来源", "自行采购"],
        ["procurement-conflict", "1.2625", "1.2"],
        ["procurement-seq-gap", "3", ""]]


# --------------------------------------------------------------------------- running


def test_run_checks_collects_everything_and_a_failing_check_does_not_stop_the_run():
    @check("always-fails")
    def broken(ctx):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    try:
        b = budget(("年初预算", "三公经费", None, 4.0, 49),
                   ("年初预算", "公务接待费", "三公经费", 3.21, 49),
                   ("年初预算", "因公出国（境）费", "三公经费", 0.0, 49))
        f = run_checks({"budget": b})
        assert set(f["rule"]) == {"parts-short-of-total", "check-failed"}
        assert f.iloc[0]["rule"] == "check-failed"  # 错误 sorts first
        assert list(f.columns) == ["report_id", "rule", "rule_name", "kind", "severity",
                                   "message", "expected", "observed", "difference",
                                   "sources", "excerpt"]
        assert f.iloc[0][["rule_name", "kind"]].tolist() == ["检查运行出错", "存疑"]
        assert str(f["difference"].dtype) == "Float64"
    finally:
        del CHECKS["always-fails"]


def test_no_tables_no_findings():
    f = run_checks({})
    assert f.empty and list(f.columns)[:5] == ["report_id", "rule", "rule_name", "kind", "severity"]


def test_derive_returns_the_three_tables():
    out = derive({"budget": budget(("决算", "支出合计", None, 10.0, 1))})
    assert sorted(out) == ["achievement", "execution", "findings"]
    assert out["execution"].loc[0, "final_total"] == 10.0


def test_checks_shared_out_among_processes_give_the_same_tables():
    """Every check compares figures of one report: run in two processes (the reports shared
    out, each share judging its own indicators), the derived tables of the bundled samples are
    the same, row for row, as in one process."""
    from evalkit.export import read_tables

    tables = read_tables(Path(__file__).parents[1] / "data")
    one = derive(tables, workers=1)
    two = derive(tables, workers=2)
    assert len(one["findings"]) > 20 and one["findings"]["report_id"].nunique() == 5
    assert one["achievement"]["report_id"].nunique() == 3  # the three samples with indicator tables
    for name in ("findings", "achievement", "execution"):
        pd.testing.assert_frame_equal(one[name], two[name])
    pd.testing.assert_frame_equal(run_checks(tables, workers=2), one["findings"])


def test_sorted_findings_as_pandas_sorts_them():
    """sorted_findings orders rows as pandas' stable sort by report, severity rank, rule,
    first line and message would, missing values last in each key and ties in their order."""
    import random

    from evalkit.analysis._common import SEVERITIES
    from evalkit.analysis.checks._base import _first_line, sorted_findings

    def by_pandas(out):
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        out = out.assign(_sev=out["severity"].map(rank),
                         _line=[_first_line(s) for s in out["sources"].astype(object)])
        out = out.sort_values(["report_id", "_sev", "rule", "_line", "message"], kind="stable")
        return out.drop(columns=["_sev", "_line"]).reset_index(drop=True)

    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(1, 40)

        def col(choices, n=n):
            return pd.Series([rng.choice(choices) for _ in range(n)], dtype="str")

        df = pd.DataFrame({
            "report_id": col(["a", "b", "", None, "é", "中", "B"]),
            "rule": col(["x", "y", None, "X"]),
            "severity": col([*SEVERITIES, None, "其他"]),
            "message": col(["m", None, "中文", "𝔘", "n"]),
            "sources": col(["a:3", "a:12;a:1", None, "", "b:x", "a:2"]),
            "i": range(n),
        }, index=[rng.randint(0, 99) for _ in range(n)])
        pd.testing.assert_frame_equal(sorted_findings(df), by_pandas(df), check_exact=True)
