"""Cases a review of the rules added for other provinces' layouts found (invented names and figures):
a rule that read a figure into the wrong table, stage, scheme, item or scope, or a guard that lost a
figure of the report's own year. Each expected row is worked out by hand from the sentence."""

from __future__ import annotations

import pytest

import evalkit
from evalkit.extract.metadata import org_name

TITLE = "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"


def read(tmp_path, body: str, title: str = TITLE, suffix: str = ".txt"):
    path = tmp_path / f"r{suffix}"
    path.write_text(title + body, encoding="utf-8")
    return evalkit.read_report(path)


def rows(frame, *cols):
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def test_a_one_row_project_table_with_a_number_column_is_the_projects(tmp_path):
    report = read(tmp_path, "表3 项目支出情况表\n\n|序号|项目名称|年初预算数|决算数|\n|---|---|---|---|\n"
                            "|1|医保信息化建设|50.00|48.00|\n", suffix=".md")
    assert "年初预算数" not in set(report.budget["scope"])
    assert set(report.budget["scope"]) <= {"医保信息化建设"}


def test_an_unnumbered_heading_ends_the_fund_of_the_heading_before(tmp_path):
    report = read(tmp_path, "城乡居民医保基金运行情况\n全年基金收入3.42亿元，支出3.10亿元。\n"
                            "部门预算执行情况\n全年收入1,305.46万元，支出1,290.00万元。\n")
    assert 1305.46 not in set(report.funds["amount_wan"]) and 1290.0 not in set(report.funds["amount_wan"])
    assert rows(report.funds, "scheme", "flow", "amount_wan") == [("居民医保", "收入", 34200.0),
                                                                  ("居民医保", "支出", 31000.0)]


def test_money_the_fund_paid_for_care_is_no_budget_expense(tmp_path):
    report = read(tmp_path, "本年度实际结算医疗费用3,200.00万元。\n")
    assert 3200.0 not in set(report.budget["amount_wan"])


def test_a_place_named_with_han_is_no_contained_figure(tmp_path):
    report = read(tmp_path, "含山县城乡居民医保基金收入3.42亿元，支出3.10亿元。\n")
    assert 31000.0 not in set(report.budget["amount_wan"])
    assert rows(report.funds, "scheme", "flow", "amount_wan") == [("居民医保", "收入", 34200.0),
                                                                  ("居民医保", "支出", 31000.0)]


def test_respective_figures_of_a_list_with_a_total_first(tmp_path):
    report = read(tmp_path, "2023年末，全县参保总人数、职工医保和居民医保参保人数分别为46.78万人、4.56万人和42.22万人。\n")
    got = set(rows(report.enrollment, "scheme", "persons"))
    assert got <= {("合计", 467800), ("职工医保", 45600), ("居民医保", 422200)}


def test_a_bare_expense_after_a_total_income_is_the_total_expense(tmp_path):
    report = read(tmp_path, "2023年度部门收入合计3,000.00万元，财政拨款收入2,250.13万元，支出2,900.00万元。\n")
    assert ("财政拨款支出", 2900.0) not in set(rows(report.budget, "item", "amount_wan"))


@pytest.mark.parametrize("title", ["岚州市医疗保障局对岚溪分局2023年度部门整体支出绩效评价报告",
                                   "岚溪县医疗保障局关于部分中心乡镇卫生院的报告"])
def test_a_branch_is_named_only_by_its_own_name(title):
    assert org_name(title) in (None, "岚州市医疗保障局", "岚溪县医疗保障局")


def test_a_finance_office_named_in_passing_gives_no_province(tmp_path):
    report = read(tmp_path, "本局认真学习借鉴浙江省财政厅预算绩效管理的经验做法。\n")
    assert report.reports["province"].isna().all()


def test_a_funds_budget_execution_self_evaluation_keeps_its_score(tmp_path):
    report = read(tmp_path, "经评价，自评得分95分，等级为优。\n",
                  title="岚溪县医疗保障局2023年度城乡居民医保基金收支预算执行绩效自评报告\n")
    assert rows(report.reports, "total_score", "grade") == [(95.0, "优")]


def test_the_date_of_the_evaluation_does_not_date_its_figures(tmp_path):
    report = read(tmp_path, "2024年3月，我局对2023年度部门整体支出开展自评，全年支出合计800.00万元，其中基本支出600.00万元。\n")
    assert {800.0, 600.0} <= set(report.budget["amount_wan"])


def test_a_part_of_the_year_in_one_clause_leaves_the_whole_year_in_the_next(tmp_path):
    report = read(tmp_path, "本局2023年1-11月支出合计300.00万元，全年支出合计321.90万元。\n")
    amounts = set(report.budget["amount_wan"])
    assert 300.0 not in amounts and 321.9 in amounts


def test_a_project_title_broken_over_two_lines_names_the_project(tmp_path):
    report = read(tmp_path, "一、项目资金情况\n该项目年初预算安排600.00万元，实际支出585.20万元。\n",
                  title="柏溪县2023年度城乡医疗救助补助资金\n项目支出绩效自评报告\n\n")
    assert rows(report.budget, "scope", "stage", "amount_wan") == [
        ("柏溪县2023年度城乡医疗救助补助资金", "年初预算", 600.0), ("柏溪县2023年度城乡医疗救助补助资金", "决算", 585.2)]


def test_a_third_party_project_report_titled_over_two_lines_names_its_project(tmp_path):
    report = read(tmp_path, "一、项目资金情况\n该项目年初预算安排600.00万元，实际支出585.20万元。\n",
                  title="柏溪县2023年度城乡医疗救助补助资金\n绩效评价报告\n\n")
    assert set(report.budget["scope"]) == {"柏溪县2023年度城乡医疗救助补助资金"}


def test_one_units_figure_after_其中_is_not_the_departments(tmp_path):
    report = read(tmp_path, "2023年度本部门决算支出合计820.50万元。其中，县医疗保险经办中心决算支出310.42万元。\n")
    assert rows(report.budget, "scope", "item", "amount_wan") == [("部门整体", "支出合计", 820.5)]
