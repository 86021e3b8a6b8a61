"""The cross-county panel and the one-value-per-figure rule (evalkit.panel)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.panel import (
    FIGURES,
    composition,
    consensus,
    panel,
    panel_figures,
    unit_labels,
    year_over_year,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def _reports(**extra):
    base = {
        "report_id": ["a", "b", "c"],
        "department": ["临湘市医疗保障事务中心", "临湘市医疗保障事务中心", "南昌市西湖区医疗保障局"],
        "province": ["湖南省", "湖南省", "江西省"], "city": ["岳阳市", "岳阳市", "南昌市"],
        "county": ["临湘市", "临湘市", "西湖区"], "fiscal_year": [2023, 2024, 2024],
        "total_score": [92.0, 96.0, None], "grade": ["优", "优", None],
    }
    base.update(extra)
    return pd.DataFrame(base)


def test_consensus_takes_the_most_stated_value_not_the_first():
    budget = pd.DataFrame({"item": ["项目支出"] * 3, "amount_wan": [249.1, 1455.49, 1455.49],
                           "source": ["r:12", "r:40", "r:88"]})
    assert budget.pivot_table(index="item", values="amount_wan", aggfunc="first").iloc[0, 0] == 249.1
    got = consensus(budget, ["item"], "amount_wan", sources=True).iloc[0]
    assert got["amount_wan"] == 1455.49
    assert (got["n_statements"], got["n_values"], got["sources"]) == (3, 2, "r:40;r:88")


def test_consensus_prefers_the_report_about_the_year():
    df = pd.DataFrame({"year": [2023] * 3, "persons": [470000, 470000, 469800],
                       "own": [False, False, True]})
    assert consensus(df, ["year"], "persons", prefer="own")["persons"].tolist() == [469800]
    assert consensus(df, ["year"], "persons")["persons"].tolist() == [470000]


def test_consensus_is_public_and_the_same_everywhere():
    from evalkit import plotting

    assert evalkit.consensus is consensus is plotting.consensus
    assert "consensus" in evalkit.__all__ and "panel" in evalkit.__all__


def test_units_are_named_by_short_department_and_region_never_by_report_id():
    names = unit_labels(_reports())
    assert names.tolist() == ["临湘市医保事务中心", "临湘市医保事务中心", "西湖区医保局"]
    same = _reports(department=["西湖区医疗保障局"] * 3, province=["江西省", "江西省", "浙江省"],
                    city=["南昌市", "南昌市", "杭州市"], county=["西湖区"] * 3)
    # Two 西湖区 in two provinces are two units: the larger region is added.
    assert same.pipe(unit_labels).tolist() == ["西湖区医保局（江西省南昌市）"] * 2 + ["西湖区医保局（浙江省杭州市）"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"county": "临湘市"}, "临湘市（单位未署名）"),
        ({"title": "临湘市医保基金监管专项2023年度绩效自评报告"}, "未署名单位（临湘市医保基金监管专项2023年度绩效自评报告）"),
        ({"title": "2023年度部门整体支出绩效自评报告", "source_file": "县医保2023.txt"}, "未署名单位（文件 县医保2023.txt）"),
    ],
)
def test_a_report_without_department_gets_a_clear_name(record, expected):
    row = {"report_id": "004_9043c447a98140d2", "department": None, "province": None, "city": None,
           "county": None, "title": None, "source_file": None} | record
    assert unit_labels(pd.DataFrame([row])).tolist() == [expected]


def test_panel_has_one_row_per_unit_and_year_and_a_trend_across_reports():
    enrollment = pd.DataFrame({
        "report_id": ["a", "b", "b", "b", "b", "c"], "year": [2023, 2023, 2024, 2024, 2024, 2024],
        "scheme": ["合计", "合计", "合计", "合计", "职工医保统筹基金", "合计"],
        "persons": [469800, 470000, 430100, 430600, 9000, 223570],
        "source": ["a:5", "b:7", "b:8", "b:9", "b:10", "c:3"]})
    funds = pd.DataFrame({"report_id": ["b", "b", "b"], "year": [2024] * 3, "scheme": ["居民医保"] * 3,
                          "flow": ["收入", "支出", "支出"], "amount_wan": [41400.0, 41000.0, 41000.0],
                          "source": ["b:40", "b:41", "b:90"]})
    findings = pd.DataFrame({"report_id": ["b", "b", "c"], "severity": ["警告", "错误", "警告"]})
    tables = {"reports": _reports(), "enrollment": enrollment, "funds": funds}
    p = panel(tables, {"findings": findings})
    assert p[["unit", "year"]].values.tolist() == [
        ["临湘市医保事务中心", 2023], ["临湘市医保事务中心", 2024], ["西湖区医保局", 2024]]
    assert list(p.columns[:7]) == ["unit", "department", "province", "city", "county", "year", "report_ids"]
    assert set(FIGURES) <= set(p.columns)
    # 2023: the 2023 report's own figure wins over the 2024 report's recollection.
    assert p["enrolled_total"].tolist() == [469800.0, 430100.0, 223570.0]
    assert p.loc[1, "fund_balance_resident"] == 400.0  # 41400 − 41000, not stated
    assert p.loc[1, ["findings_error", "findings_warning", "findings_info"]].tolist() == [1.0, 1.0, 0.0]
    assert p.loc[0, "report_ids"] == "a"  # the 2024 report's 2023 figure was not used
    assert p["grade"].tolist()[:2] == ["优", "优"]
    assert pd.isna(p.loc[2, "total_score"])
    long = panel_figures(tables, {"findings": findings})
    row = long[(long["figure"] == "enrolled_total") & (long["year"] == 2023)].iloc[0]
    assert (row["rule"], row["n_statements"], row["n_values"], row["sources"]) == ("本年度报告", 2, 2, "a:5")
    balance = long[long["figure"] == "fund_balance_resident"].iloc[0]
    assert balance["rule"] == "计算（收入−支出）" and balance["sources"] == "b:40;b:41;b:90"


def test_panel_of_the_bundled_data():
    corpus = evalkit.open_tables(DATA)
    p = corpus.panel()
    named = corpus.reports["department"].notna()
    labels = evalkit.unit_labels(corpus.reports)
    for rid, label in labels[named.to_numpy()].items():
        assert rid not in label and "_" not in label, label
    assert not p.duplicated(["unit", "year"]).any()
    assert set(p["unit"]) == set(labels)
    assert set(corpus.reports["report_id"]) <= set(";".join(p["report_ids"]).split(";"))


def test_year_over_year_skips_years_without_a_value():
    df = pd.DataFrame({"unit": ["甲"] * 3 + ["乙"], "year": [2022, 2023, 2024, 2024],
                       "v": [100.0, None, 90.0, 50.0]})
    got = year_over_year(df, "v")
    assert got[["unit", "year", "prev_year", "change", "change_pct"]].astype(object).where(
        got.notna(), None).values.tolist() == [
        ["乙", 2024, None, None, None], ["甲", 2022, None, None, None], ["甲", 2024, 2022, -10.0, -10.0]]


def test_composition_says_when_parts_do_not_make_the_total():
    df = pd.DataFrame({"t": [100.0, 100.0, 100.0], "a": [30.0, 30.0, None], "b": [70.0, 60.0, 50.0]})
    got = composition(df, ["a", "b"], "t")
    assert got["parts_share"].tolist()[:2] == [100.0, 90.0]
    assert pd.isna(got["parts_share"].iloc[2])
