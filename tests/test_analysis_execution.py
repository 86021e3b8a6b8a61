"""Budget execution: totals by stage, execution rates, stated rates, structure, trend.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.analysis import EXECUTION_COLUMNS, execution, structure_shares, year_over_year


def _budget(rows, rid="r", scope="部门整体"):
    """rows: (stage, item, parent, amount, line[, item_raw])."""
    records = []
    for row in rows:
        stage, item, parent, amount, line, *raw = row
        records.append({"report_id": rid, "scope": scope, "stage": stage, "item": item,
                        "item_raw": raw[0] if raw else item, "parent": parent,
                        "amount_wan": amount, "source": f"{rid}:{line}"})
    return pd.DataFrame(records)


# 000-like: initial 607.94, adjusted 554.48, final 554.48
XIHU = _budget([
    ("年初预算", "支出合计", None, 607.94, 324),
    ("年初预算", "基本支出", "支出合计", 457.94, 324),
    ("年初预算", "项目支出", "支出合计", 150.0, 324),
    ("调整预算", "支出合计", None, 554.48, 326),
    ("决算", "支出合计", None, 554.48, 328),
    ("决算", "基本支出", "支出合计", 379.64, 328),
    ("决算", "项目支出", "支出合计", 174.84, 328),
])


def test_totals_and_rates():
    e = execution(XIHU).iloc[0]
    assert (e["initial_total"], e["adjusted_total"], e["final_total"]) == (607.94, 554.48, 554.48)
    # 554.48 ÷ 607.94 × 100 = 91.2064; 554.48 ÷ 554.48 × 100 = 100
    assert float(e["rate_vs_initial"]) == pytest.approx(91.206369, abs=1e-6)
    assert float(e["rate_vs_adjusted"]) == 100.0
    # 379.64 ÷ 554.48 = 68.47 %; 174.84 ÷ 554.48 = 31.53 %
    assert float(e["basic_share"]) == pytest.approx(68.4678, abs=1e-4)
    assert float(e["project_share"]) == pytest.approx(31.5322, abs=1e-4)
    assert e["shares_stage"] == "决算"


def test_stated_rate_and_its_basis():
    rates = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "name": ["资金预算执行率"],
                          "value_pct": [100.0], "raw": ["100%"], "source": ["r:328"]})
    e = execution(XIHU, rates).iloc[0]
    # stated 100 − 91.2064 = 8.7936 against the initial budget; 0 against the adjusted one
    assert float(e["difference_vs_initial"]) == pytest.approx(8.793631, abs=1e-6)
    assert float(e["difference_vs_adjusted"]) == 0.0
    assert e["stated_basis"] == "调整预算"
    assert (e["rate_stated"], e["rate_stated_name"], e["rate_stated_source"]) == (
        100.0, "资金预算执行率", "r:328")


def test_stated_rate_matching_neither_budget():
    rates = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "name": ["预算执行率"],
                          "value_pct": [95.0], "raw": ["95%"], "source": ["r:9"]})
    e = execution(XIHU, rates).iloc[0]
    assert e["stated_basis"] is pd.NA or pd.isna(e["stated_basis"])
    assert float(e["difference_vs_adjusted"]) == -5.0  # 95 − 100


def test_total_from_parts_and_from_income():
    b = _budget([
        ("年初预算", "收入合计", None, 977.61, 41),  # no 支出合计 at this stage
        ("决算", "基本支出", None, 777.22, 45),  # nor here
        ("决算", "项目支出", None, 357.56, 45),
    ])
    e = execution(b).iloc[0]
    # final = 777.22 + 357.56 = 1134.78; the budget stage uses the income total
    assert e["final_total"] == 1134.78 and e["initial_total"] == 977.61
    assert e["total_basis"] == "年初预算:收入合计；决算:基本支出+项目支出"
    # 1134.78 ÷ 977.61 × 100 = 116.077
    assert float(e["rate_vs_initial"]) == pytest.approx(116.076963, abs=1e-6)
    assert "以基本支出+项目支出计" in e["note"] and "以收入合计计" in e["note"]


def test_rate_vs_available_funds_and_personnel_shares():
    # 002-like: budget 166.18, carry-over 43.34, final 363.47 (基本 = 人员 211.9 + 公用 151.57)
    b = _budget([
        ("年初预算", "支出合计", None, 166.18, 123),
        ("决算", "上年结转结余", None, 43.34, 131),
        ("决算", "支出合计", None, 363.47, 134),
        ("决算", "基本支出", None, 363.47, 154),
        ("决算", "人员经费", "基本支出", 211.9, 135),
        ("决算", "公用经费", "基本支出", 151.57, 136),
        ("决算", "三公经费", None, 0.34, 197),
    ])
    e = execution(b).iloc[0]
    # 363.47 ÷ (166.18 + 43.34) × 100 = 173.4775
    assert float(e["rate_vs_available"]) == pytest.approx(173.477472, abs=1e-6)
    assert e["carryover"] == 43.34
    # 211.9 ÷ 363.47 = 58.2992 %; 151.57 ÷ 363.47 = 41.7008 %; 0.34 ÷ 363.47 = 0.0935 %
    assert float(e["personnel_share"]) == pytest.approx(58.299172, abs=1e-6)
    assert float(e["public_share"]) == pytest.approx(41.700828, abs=1e-6)
    assert float(e["three_public_share"]) == pytest.approx(0.093543, abs=1e-6)


def test_conflicting_values_use_the_most_frequent_and_say_so():
    b = _budget([
        ("决算", "支出合计", None, 363.47, 154),
        ("决算", "基本支出", None, 363.47, 154),
        ("决算", "基本支出", None, 301.92, 177, "合计"),
        ("决算", "基本支出", None, 363.47, 185),
    ])
    e = execution(b).iloc[0]
    assert float(e["basic_share"]) == 100.0  # 363.47 (twice) over 301.92 (once)
    assert e["note"] == "决算基本支出有不同数值（363.47；301.92），取出现最多的363.47"


def test_one_row_per_report_and_scope_with_metadata():
    project = _budget([("年初预算", "支出合计", None, 129.66, 517),
                       ("决算", "支出合计", None, 129.66, 525)], scope="医疗保险基金")
    reports = pd.DataFrame({"report_id": ["r"], "department": ["某局"], "fiscal_year": [2022]})
    e = execution(pd.concat([XIHU, project]), reports=reports)
    assert e[["scope", "department", "fiscal_year"]].values.tolist() == [
        ["部门整体", "某局", 2022], ["医疗保险基金", "某局", 2022]]
    assert float(e.loc[1, "rate_vs_initial"]) == 100.0  # 129.66 ÷ 129.66
    assert list(e.columns) == list(EXECUTION_COLUMNS)


def test_year_over_year_per_department():
    table = pd.DataFrame({"report_id": ["a", "b", "c", "d"], "scope": ["部门整体"] * 4,
                          "department": ["甲局", "甲局", "甲局", "乙局"],
                          "fiscal_year": [2021, 2023, 2022, 2023],
                          "final_total": [400.0, 550.0, 500.0, 90.0]})
    out = year_over_year(table).set_index("report_id")
    # 2022 vs 2021: (500 − 400)/400 = 25 %; 2023 vs 2022: (550 − 500)/500 = 10 %
    assert float(out.loc["c", "yoy_change_pct"]) == 25.0
    assert float(out.loc["b", "yoy_change_pct"]) == 10.0
    assert int(out.loc["b", "prev_fiscal_year"]) == 2022
    assert out.loc["a", "yoy_change_pct"] is pd.NA  # no earlier year
    assert out.loc["d", "yoy_change_pct"] is pd.NA  # another department


def test_structure_shares_long_form():
    s = structure_shares(XIHU)
    got = {(r.stage, r.share): round(float(r.share_pct), 2) for r in s.itertuples()}
    # 年初: 457.94 ÷ 607.94 = 75.33 %, 150 ÷ 607.94 = 24.67 %; 决算 as above
    assert got == {("年初预算", "basic_share"): 75.33, ("年初预算", "project_share"): 24.67,
                   ("决算", "basic_share"): 68.47, ("决算", "project_share"): 31.53}


def test_empty_budget():
    assert execution(pd.DataFrame()).empty
    assert structure_shares(pd.DataFrame()).empty
