"""Guards of the budget vocabulary: figures that must not become the department's budget.

Each test reads a small input written for it in a published layout (a pipe table with its
caption, a tab-separated grid, a sentence of a self-evaluation report) and compares the budget
rows with the rows worked out by hand, or with none.
"""

from __future__ import annotations

import pytest

import evalkit
from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.items import budget_item, is_bare_total, stage_of
from evalkit.extract.tables import extract_tables

TITLE = "平江县医疗保障局2023年度部门整体支出绩效自评报告"


def table_rows(*lines: str) -> list[tuple]:
    """(scope, stage, item, parent, amount) of every budget row the table extractor finds."""
    ctx = ReportContext(document_from_text("\n".join((TITLE, "", *lines)), "t"))
    ctx.fiscal_year = 2023
    return [(r["scope"], r["stage"], r["item"], r["parent"], r["amount_wan"]) for r in extract_tables(ctx)["budget"]]


def report_rows(tmp_path, *lines: str) -> list[tuple]:
    """(scope, stage, item, amount) of every budget row of a whole report read from its text."""
    path = tmp_path / "report.txt"
    path.write_text("\n".join((TITLE, "", *lines)) + "\n", encoding="utf-8")
    budget = evalkit.read_report(path).budget
    return [(r["scope"], r["stage"], r["item"], r["amount_wan"]) for r in budget.to_dict("records")]


# ------------------------------------------------------------- 总额: the table decides its item
def test_total_row_of_a_three_public_table_is_the_three_public_expenditure():
    rows = table_rows(
        "表3 “三公”经费支出情况表（单位：万元）",
        "",
        "| 项目 | 年初预算数 | 决算数 |",
        "|---|---|---|",
        "| 总额 | 8.50 | 6.20 |",
        "| 公务接待费 | 3.00 | 2.10 |",
    )
    assert ("部门整体", "年初预算", "三公经费", "", 8.5) in rows
    assert ("部门整体", "决算", "三公经费", "", 6.2) in rows
    assert ("部门整体", "决算", "公务接待费", "三公经费", 2.1) in rows
    assert not [r for r in rows if r[2] == "支出合计"]


def test_total_row_of_a_procurement_table_is_the_procurement():
    rows = table_rows(
        "表2 政府采购情况表（单位：万元）",
        "",
        "| 采购类别 | 预算金额 | 实际采购金额 |",
        "|---|---|---|",
        "| 总额 | 45.00 | 42.30 |",
        "| 货物类 | 25.00 | 24.10 |",
    )
    assert ("部门整体", "年初预算", "政府采购", "", 45.0) in rows
    assert ("部门整体", "决算", "政府采购", "", 42.3) in rows
    assert not [r for r in rows if r[2] == "支出合计"]


def test_total_row_without_a_topic_or_parts_gives_no_row():
    # a 总额 alone under stage columns, no caption naming an item: whose total it is stays unsaid
    rows = table_rows(
        "预算资金情况（万元）",
        "\t年初预算数\t全年预算数\t全年执行数",
        "总额\t786.5\t900\t856.32",
    )
    assert rows == []


def test_total_row_above_funding_rows_is_the_project_total():
    rows = table_rows(
        "项目名称：城乡居民医保参保征缴工作经费",
        "预算执行情况\t年初预算\t调整后预算数\t预算执行数",
        "总额\t86.00\t92.40\t90.56",
        "其中：财政资金\t86.00\t92.40\t90.56",
        "单位资金\t0\t0\t0",
    )
    scope = "城乡居民医保参保征缴工作经费"
    assert (scope, "年初预算", "支出合计", "", 86.0) in rows
    assert (scope, "调整预算", "支出合计", "", 92.4) in rows
    assert (scope, "决算", "支出合计", "", 90.56) in rows
    # 财政资金 is the project's 财政拨款 (as 本年财政拨款 is), no funding source under 支出合计
    assert (scope, "决算", "财政拨款收入", "", 90.56) in rows


def test_bare_total_words():
    assert is_bare_total("总额") and is_bare_total("其中：总额")
    assert is_bare_total("年度资金总额") is False
    assert budget_item("年度资金总额", strict=True) == ("支出合计", "年度资金总额")
    # table words name nothing in a sentence
    assert budget_item("总额") is None and budget_item("财政资金") is None
    assert budget_item("财政资金", in_table=True) == ("财政拨款收入", "财政资金")


# ------------------------------------------------------------------ insurance funds: no budget
@pytest.mark.parametrize("lines", [
    ("表4 医保基金收支情况表（单位：万元）", "项目\t收入\t支出\t累计结余",
     "职工医保\t23500\t21200\t45600", "居民医保\t52300\t49700\t31500"),
    ("医疗保险收支情况（万元）", "项目\t收入\t支出\t当年结余",
     "职工医保\t23500\t21200\t2300", "居民医保\t52300\t49700\t2600"),
    ("表5 基金运行情况", "项目\t收入\t支出\t累计结余",
     "统筹基金\t23500\t21200\t45600", "个人账户\t12000\t11000\t9000"),
])
def test_fund_table_gives_no_budget_rows(lines):
    assert table_rows(*lines) == []


def test_accumulated_balance_of_a_sentence_is_no_budget(tmp_path):
    assert report_rows(tmp_path, "全市统筹区累计结余5.6亿元，可支付月数9个月。") == []


def test_balances_of_a_department_table_are_kept():
    rows = table_rows(
        "部门（单位）年度支出和结余情况（万元）",
        "机构名称\t支出合计\t基本支出\t项目支出\t当年结余\t累计结余",
        "局机关及二级机构汇总\t1262.18\t781.64\t480.54\t24.27\t24.27",
    )
    assert ("部门整体", "决算", "当年结余", "", 24.27) in rows
    assert ("部门整体", "决算", "累计结余", "", 24.27) in rows


# ------------------------------------------------------------------------ project name labels
def test_a_purchase_name_is_no_scope(tmp_path):
    rows = report_rows(
        tmp_path,
        "二、项目情况",
        "采购项目名称：医保信息系统运维服务",
        "三、部门支出",
        "2023年基本支出612.45万元，项目支出243.87万元。",
    )
    assert ("部门整体", "决算", "基本支出", 612.45) in rows
    assert ("部门整体", "决算", "项目支出", 243.87) in rows


def test_a_sentence_naming_a_project_is_no_scope(tmp_path):
    rows = report_rows(
        tmp_path,
        "本项目名称为城乡医疗救助资金项目，2023年实际支出856.3万元。",
        "四、部门整体",
        "2023年部门支出合计900万元。",
    )
    assert ("部门整体", "决算", "支出合计", 900.0) in rows
    assert all(r[0] == "部门整体" for r in rows)


def test_a_project_name_field_sets_the_scope():
    rows = table_rows(
        "转移支付（项目）名称：城乡医疗救助补助资金",
        "资金\t全年预算数（A）\t全年执行数（B）",
        "年度资金总额\t1680\t1612.8",
    )
    assert rows == [("城乡医疗救助补助资金", "调整预算", "支出合计", "", 1680.0),
                    ("城乡医疗救助补助资金", "决算", "支出合计", "", 1612.8)]


# ------------------------------------------------------------------------------------- stages
@pytest.mark.parametrize("text, stage", [
    ("2023年全年预算安排资金", "调整预算"),  # 全年预算 (the year's whole budget) is the more specific word
    ("全年预算数", "调整预算"),
    ("项目全年预算", "调整预算"),
    ("年初预算安排", "年初预算"),
])
def test_stage_of_compounds(text, stage):
    assert stage_of(text)[0] == stage


def test_a_sentence_of_the_years_whole_budget_arrangement_is_the_adjusted_budget(tmp_path):
    # '年初预算安排16500万元，追加1829.6万元，全年预算安排资金18329.6万元': 全年 is the year after its
    # additions, as 全年预算 and 全年预算数 are (the specimens' conventions: the most specific word wins)
    rows = report_rows(tmp_path, "2023年全年预算安排资金780万元，实际支出756.2万元。")
    assert rows == [("部门整体", "调整预算", "支出合计", 780.0), ("部门整体", "决算", "支出合计", 756.2)]


# ---------------------------------------------------------------------------- 总计 wins 合计
def test_grand_total_written_after_an_item_word():
    assert budget_item("部门决算收入总计") == ("收入总计", "收入总计")
    assert budget_item("2023年度部门决算支出总计") == ("支出总计", "支出总计")
    assert budget_item("“三公”经费总计") == ("三公经费", "“三公”经费")  # no 总计 item of its own
    assert budget_item("基本支出合计") == ("基本支出", "基本支出")


def test_grand_totals_of_a_sentence(tmp_path):
    rows = report_rows(tmp_path, "2023年度部门决算收入总计923.5万元，支出总计923.5万元。")
    assert rows == [("部门整体", "决算", "收入总计", 923.5), ("部门整体", "决算", "支出总计", 923.5)]


def test_a_target_tables_amounts_are_the_initial_budget_whatever_the_page_around_says(tmp_path):
    """Batch E: a 绩效目标表 on a web page whose breadcrumb says 预决算公开 and whose note says the
    targets serve the 年终自评: the form names no actuals, its amounts are 年初预算."""
    import evalkit

    page = ("<html><body><div>您的位置：首页 >> 信息公开 >> 预决算公开</div>"
            "<h1>2024年医保信息化项目绩效目标表</h1><table>"
            "<tr><td>项目名称</td><td colspan='2'>医保信息化项目</td></tr>"
            "<tr><td rowspan='2'>项目资金（万元）</td><td></td><td>年度资金总额（2024年）</td></tr>"
            "<tr><td>资金总额</td><td>120.00</td></tr></table>"
            "<p>填报说明：年度指标值为2024年度绩效监控和年终自评的依据。</p></body></html>")
    path = tmp_path / "target.html"
    path.write_text(page, encoding="utf-8")
    budget = evalkit.read_report(path).budget
    assert budget[["stage", "item", "amount_wan"]].values.tolist() == [["年初预算", "支出合计", 120.0]]
