"""Layout families of tables met in hold-out documents (evalkit.extract.tables, fund_tables).

The fixtures tests/fixtures/tables_*.{txt,html} were written for these tests with invented figures:

- ``tables_group_header_tabs.txt``: tab-separated income and expense tables whose first header
  row names each item once over three blank cells (a merged cell copied as tabs) and whose second
  row repeats the stages 年初预算数 / 调整预算数 / 决算数; a 汇总 row first, then rows of units;
- ``tables_line_form_unit_line.txt``: a project form's money block flattened into lines with
  cells separated by spaces, the header's unit '（万元）' wrapped onto a line of its own;
- ``tables_stat_cell_lines.txt``: a yearbook table with one cell per line, years as columns,
  units in the row labels and sections naming the scheme (a pension section to leave out);
- ``tables_fund_total_row.html``: a fund table whose rows are the schemes, with a 合计 row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import evalkit
from evalkit.extract.tables import column_paths

FIXTURES = Path(__file__).parent / "fixtures"


def pick(frame, *cols):
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


# ------------------------------------------------------------ group header over blank cells
def test_group_header_written_once_spans_the_stage_columns_below():
    header = [["单位名称", "收入合计", "", "", "其他收入", ""],
              ["", "年初预算数", "调整预算数", "决算数", "年初预算数", "决算数"]]
    assert column_paths(header, 6) == [
        ["单位名称"], ["收入合计", "年初预算数"], ["收入合计", "调整预算数"], ["收入合计", "决算数"],
        ["其他收入", "年初预算数"], ["其他收入", "决算数"]]


def test_blank_header_cell_above_an_unlabelled_column_is_not_widened():
    # 合计 has nothing below it: the blank right of it is no part of it
    assert column_paths([["项目", "合计", ""], ["", "", "其中：追加"]], 3) == [["项目"], ["合计"], ["其中：追加"]]


@pytest.fixture(scope="module")
def county():
    return evalkit.read_report(FIXTURES / "tables_group_header_tabs.txt")


def test_group_header_tables_give_every_item_at_every_stage(county):
    rows = set(pick(county.budget, "stage", "item", "amount_wan"))
    for stage, income, grant, other in [("年初预算", 2040.0, 2000.0, 40.0), ("调整预算", 2210.5, 2170.5, 40.0),
                                        ("决算", 2198.2, 2160.2, 38.0)]:
        assert {(stage, "收入合计", income), (stage, "财政拨款收入", grant), (stage, "其他收入", other)} <= rows
    for stage, total, basic, project in [("年初预算", 2040.0, 1300.0, 740.0), ("调整预算", 2210.5, 1320.0, 890.5),
                                         ("决算", 2190.1, 1318.4, 871.7)]:
        assert {(stage, "支出合计", total), (stage, "基本支出", basic), (stage, "项目支出", project)} <= rows


def test_group_header_tables_take_the_summary_row_only(county):
    amounts = set(county.budget["amount_wan"])
    assert not amounts & {1500.0, 1620.0, 1611.0, 540.0, 590.5, 587.2, 950.0, 646.0}  # 局机关, 中心
    assert (county.budget["scope"] == "部门整体").all()


def test_income_item_of_a_funding_is_no_funding_part(county):
    grants = county.budget[county.budget["item"] == "财政拨款收入"]
    assert len(grants) == 3 and grants["funding"].isna().all()


# ------------------------------------------------------------ money block with a wrapped unit line
@pytest.fixture(scope="module")
def project_form():
    return evalkit.read_report(FIXTURES / "tables_line_form_unit_line.txt")


def test_line_form_reads_past_the_unit_line(project_form):
    rows = set(pick(project_form.budget, "stage", "item", "amount_wan"))
    assert {("年初预算", "支出合计", 120.0), ("调整预算", "支出合计", 135.0), ("决算", "支出合计", 121.5),
            ("年初预算", "财政拨款收入", 100.0), ("调整预算", "财政拨款收入", 115.0), ("决算", "财政拨款收入", 104.0),
            ("年初预算", "上年结转结余", 20.0), ("决算", "上年结转结余", 17.5)} <= rows
    assert (project_form.budget["scope"] == "医保经办窗口标准化建设项目").all()


def test_line_form_execution_indicator(project_form):
    ind = project_form.indicators
    rec = ind[ind["level1"] == "预算执行率"]
    assert len(rec) == 1
    assert (float(rec["weight"].iloc[0]), rec["actual_raw"].iloc[0], float(rec["score"].iloc[0])) == (10.0, "90.00%", 9.0)


# ------------------------------------------------------------ statistics table, one cell per line
@pytest.fixture(scope="module")
def yearbook():
    return evalkit.read_report(FIXTURES / "tables_stat_cell_lines.txt")


def test_cell_per_line_statistics_table_reads_years_and_row_units(yearbook):
    assert sorted(pick(yearbook.enrollment, "year", "scheme", "persons")) == [
        (2020, "职工医保", 51200), (2021, "职工医保", 53000), (2022, "职工医保", 54100)]
    assert sorted(pick(yearbook.funds, "year", "scheme", "flow", "amount_wan")) == [
        (2020, "职工医保", "支出", 10950.0), (2020, "职工医保", "收入", 12300.5),
        (2021, "职工医保", "支出", 11870.4), (2021, "职工医保", "收入", 13020.0),
        (2022, "职工医保", "支出", 12990.1), (2022, "职工医保", "收入", 13876.25)]


def test_cell_per_line_statistics_table_leaves_pension_and_recipients_out(yearbook):
    assert not set(yearbook.enrollment["persons"]) & {98000, 100200, 103100, 81000}
    assert 30100.0 not in set(yearbook.funds["amount_wan"])


# ------------------------------------------------------------ fund table whose rows are schemes
def test_total_row_of_a_scheme_table_is_all_schemes():
    report = evalkit.read_report(FIXTURES / "tables_fund_total_row.html")
    total = report.funds[report.funds["scheme"] == "合计"]
    assert sorted(pick(total, "flow", "amount_wan")) == [
        ("支出", 47100.0), ("收入", 50300.0), ("累计结余", 61000.0), ("结余", 3200.0)]
    assert len(report.funds[report.funds["scheme"] == "居民医保"]) == 4


# ------------------------------------------------------------ sub-items of income named by their budget
@pytest.mark.parametrize("label, item", [
    ("政府性基金预算财政拨款收入", "政府性基金收入"),
    ("国有资本经营预算财政拨款收入", "国有资本经营预算收入"),
    ("一般公共预算财政拨款收入", "财政拨款收入"),
])
def test_grant_income_of_another_budget_is_its_own_item(label, item):
    from evalkit.extract.items import budget_item

    assert budget_item(label)[0] == item
    assert budget_item(f"其中：{label}")[0] == item


def test_rows_naming_no_item_under_a_group_and_stage_are_not_the_groups(tmp_path):
    path = tmp_path / "basic.txt"
    path.write_text("某局2023年度部门决算\n表2 基本支出决算表（单位：万元）\n"
                    "科目名称\t人员经费\t\n\t决算数\t\n"
                    "甲类工资\t310.20\t\n乙类补贴\t45.10\t\n人员经费合计\t355.30\t\n", encoding="utf-8")
    budget = evalkit.read_report(path).budget
    assert pick(budget, "item", "amount_wan") == [("人员经费", 355.3)]
