"""Budget figures of tables and forms: project funding blocks, totals, stages and scope.

The fixtures are small forms written for these tests in the layouts published forms use (a
tab-separated grid, space-separated rows of a flattened form, one cell per line); the expected
rows are worked out by hand from them.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext, project_name
from evalkit.extract.items import budget_item, stage_of
from evalkit.extract.tables import extract_tables


def form(*lines: str) -> str:
    """A fixture's text from its lines."""
    return "\n".join(lines)


def budget_rows(text: str, *, fiscal_year: int | None = 2023) -> list[tuple]:
    """(scope, stage, item, amount) of every budget row the table extractor finds in ``text``."""
    ctx = ReportContext(document_from_text(text, "t"))
    ctx.fiscal_year = fiscal_year
    found = extract_tables(ctx)
    return [(r["scope"], r["stage"], r["item"], r["amount_wan"]) for r in found["budget"]]


def found_of(text: str) -> dict:
    ctx = ReportContext(document_from_text(text, "t"))
    ctx.fiscal_year = 2023
    return extract_tables(ctx)


# ----------------------------------------------------------------------------------- words
@pytest.mark.parametrize("label, item", [
    ("收入总计", "收入总计"), ("部门支出总计", "支出总计"), ("本年收入合计", "收入合计"),
    ("本年支出合计", "支出合计"), ("收入合计", "收入合计"), ("总额", "支出合计"),
    ("财政专户管理资金", "财政专户管理资金"), ("单位资金", "单位资金"), ("当年结余", "当年结余"),
    ("累计结余", "累计结余"), ("年度财政资金总额", "支出合计"),
])
def test_items_of_totals_and_project_funding_rows(label, item):
    # (总额, 当年结余, 累计结余 are table words: a table's label names them, a sentence does not)
    assert budget_item(label, strict=True, in_table=True)[0] == item


def test_a_funding_source_is_no_item():
    # '中央财政资金', '县级配套资金' break a project's funds down by source; they name no item
    assert budget_item("其中：中央财政资金") is None
    assert budget_item("财政资金") is None
    # 总额 counts only as the whole label: '收入总额' is no 支出合计
    assert budget_item("收入总额") != ("支出合计", "总额")


@pytest.mark.parametrize("header, stage", [
    ("预算数(A)", "调整预算"), ("预算数（A）", "调整预算"), ("全年预算数（A）", "调整预算"),
    ("全年预算", "调整预算"), ("调整后预算数", "调整预算"), ("年初预算安排", "年初预算"),
    ("执行数(B)", "决算"), ("预算执行数", "决算"), ("全年执行数", "决算"), ("年初预算数", "年初预算"),
])
def test_stage_words_of_project_forms(header, stage):
    assert stage_of(header)[0] == stage


def test_project_name_without_its_code():
    assert project_name("51112723R000000345678-城乡居民医保征缴工作经费") == "城乡居民医保征缴工作经费"
    assert project_name("2023年度某县城乡医疗救助资金") == "2023年度某县城乡医疗救助资金"


# ----------------------------------------------------------------------------- grids (tabs)
TRANSFER_FORM = form(
    "转移支付区域（项目）绩效目标自评表",
    "转移支付（项目）名称\t某县居民医保补助资金",
    "地方主管部门\t某县医疗保障局",
    "资金投入情况（万元）\t\t全年预算数（A）\t全年执行数（B）\t预算执行率（B/A×100%）",
    "\t年度资金总额：\t500.00\t480.00\t96%",
    "\t其中：中央财政资金\t300.00\t300.00\t100%",
    "\t自治区资金\t120.00\t110.00\t91.7%",
    "\t县级资金\t80.00\t70.00\t87.5%",
    "\t其他资金\t\t\t",
)


def test_transfer_form_rows_take_the_project_name_and_sources():
    rows = budget_rows(TRANSFER_FORM)
    name = "某县居民医保补助资金"
    assert rows == [
        (name, "调整预算", "支出合计", 500.0), (name, "决算", "支出合计", 480.0),
        (name, "调整预算", "中央财政资金", 300.0), (name, "决算", "中央财政资金", 300.0),
        (name, "调整预算", "省级财政资金", 120.0), (name, "决算", "省级财政资金", 110.0),
        (name, "调整预算", "县级财政资金", 80.0), (name, "决算", "县级财政资金", 70.0),
    ]


EXECUTION20_FORM = form(
    "项目名称\t某县城乡医疗救助资金",
    "预算执行情况（万元）（20分）\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分（20分*执行率）",
    "年度财政资金总额\t1000.00\t900.00\t0.9\t18.00",
    "其中：中央补助资金\t600.00\t600.00\t1\t/",
    "市县资金\t400.00\t300.00\t0.75\t/",
)


def test_score_column_with_a_remark_gives_no_amount_and_a_weight_from_the_block():
    found = found_of(EXECUTION20_FORM)
    rows = [(r["stage"], r["item"], r["amount_wan"]) for r in found["budget"]]
    assert rows == [
        ("调整预算", "支出合计", 1000.0), ("决算", "支出合计", 900.0),
        ("调整预算", "中央财政资金", 600.0), ("决算", "中央财政资金", 600.0),
        ("调整预算", "地方财政资金", 400.0), ("决算", "地方财政资金", 300.0),
    ]  # 18.00 under 得分 is a score, never a 决算 amount
    (rate,) = [i for i in found["indicators"] if i["level1"] == "预算执行率"]
    assert (rate["weight"], rate["score"], rate["actual_raw"]) == (20.0, 18.0, "0.9")


EXECUTION_TABLE = form(
    "部门预算执行情况如下（单位：万元）：",
    "项目\t年初预算数\t全年预算数\t全年执行数\t执行率",
    "合计\t1,000.00\t1,100.00\t1,050.00\t95.45%",
    "基本支出\t700.00\t720.00\t720.00\t100.00%",
    "项目支出\t300.00\t380.00\t330.00\t86.84%",
)


def test_bare_total_row_above_expenditure_items_is_the_expenditure_total():
    rows = budget_rows(EXECUTION_TABLE)
    assert rows[:3] == [("部门整体", "年初预算", "支出合计", 1000.0), ("部门整体", "调整预算", "支出合计", 1100.0),
                        ("部门整体", "决算", "支出合计", 1050.0)]
    assert len(rows) == 9


ALLOCATION_TABLE = form(
    "某补助资金分配表",
    "单位：万元",
    "地区（单位）\t分配金额\t已提前下达\t本次下达",
    "合计\t500\t200\t300",
    "甲县\t300\t100\t200",
    "乙县\t200\t100\t100",
)


def test_allocation_table_of_a_notice_gives_no_budget_rows():
    assert budget_rows(ALLOCATION_TABLE) == []


SOURCES_TABLE = form(
    "项目名称：某市信息化专项",
    "资金来源\t年初预算（万元）\t调整后预算（万元）\t实际支出（万元）\t预算执行率",
    "市级财政资金\t100.00\t90.00\t80.00\t88.89%",
    "其他资金\t—\t—\t—\t—",
    "合计\t100.00\t90.00\t80.00\t88.89%",
)


def test_total_of_a_table_of_funding_sources_is_the_project_total():
    rows = budget_rows(SOURCES_TABLE)
    assert ("某市信息化专项", "调整预算", "支出合计", 90.0) in rows
    assert ("某市信息化专项", "决算", "支出合计", 80.0) in rows
    assert not [r for r in rows if r[3] is None]  # no row from the '—' placeholders


PROJECT_LIST = form(
    "二、部门年度重点工作任务",
    "任务名称\t项目\t主要内容\t批复金额（元）\t实际支出金额（元）\t预算执行率",
    "经办服务\t经办运行经费\t保障大厅运行\t500,000.00\t480,000.00\t96.00%",
    "基金监管\t专项检查经费\t开展专项检查\t300,000.00\t300,000.00\t100.00%",
    "注：批复金额为年度调整后预算数。",
)


def test_table_of_projects_with_a_stage_defined_by_its_note():
    assert budget_rows(PROJECT_LIST) == [
        ("经办运行经费", "调整预算", "支出合计", 50.0), ("经办运行经费", "决算", "支出合计", 48.0),
        ("专项检查经费", "调整预算", "支出合计", 30.0), ("专项检查经费", "决算", "支出合计", 30.0),
    ]


# ------------------------------------------------------------------- forms as text lines
FLATTENED_FORM = form(
    "转移（项目）名称 某县公共卫生补助资金",
    "项目资金（万元） 全年预算数（A） 全年执行数（B） 执行率（B/A）",
    "年度资金总额： 800.00 760.00 95%",
    " 其中：中央补助 500.00 500.00 100%",
    "       地方资金 300.00 260.00 86.7%",
    "       其他资金",
    "总体目标完成情况 总体目标 全年实际完成情况",
)


def test_space_separated_funding_block():
    name = "某县公共卫生补助资金"
    assert budget_rows(FLATTENED_FORM) == [
        (name, "调整预算", "支出合计", 800.0), (name, "决算", "支出合计", 760.0),
        (name, "调整预算", "中央财政资金", 500.0), (name, "决算", "中央财政资金", 500.0),
        (name, "调整预算", "地方财政资金", 300.0), (name, "决算", "地方财政资金", 260.0),
    ]


ONE_CELL_PER_LINE = form(
    "项目名称", "某县农田建设项目", "资金情况（万元）", "年初预算数", "全年预算数", "全年执行数",
    "分值", "执行率", "得分", "年度资金总额：",
    "1,000万（中央补助600万元，省级补助300万元，县级配套100万元）", "1,000", "950.5", "10", "95.05%", "9.5",
    "其中：财政拨款", "1,000", "1,000", "950.5", "—", "—", "—", "其他资金", "绩效指标",
).replace("\n", "\n\n")  # a blank line after every cell


def test_one_cell_per_line_block_with_a_split_inside_a_cell():
    found = found_of(ONE_CELL_PER_LINE)
    name = "某县农田建设项目"
    rows = [(r["scope"], r["stage"], r["item"], r["amount_wan"]) for r in found["budget"]]
    assert rows == [
        (name, "年初预算", "支出合计", 1000.0), (name, "年初预算", "中央财政资金", 600.0),
        (name, "年初预算", "省级财政资金", 300.0), (name, "年初预算", "县级财政资金", 100.0),
        (name, "调整预算", "支出合计", 1000.0), (name, "决算", "支出合计", 950.5),
        (name, "年初预算", "财政拨款收入", 1000.0), (name, "调整预算", "财政拨款收入", 1000.0),
        (name, "决算", "财政拨款收入", 950.5),
    ]
    (rate,) = [i for i in found["indicators"] if i["level1"] == "预算执行率"]
    assert (rate["weight"], rate["score"], rate["actual_raw"]) == (10.0, 9.5, "95.05%")


TARGET_TABLE = form(
    "部门预算项目支出绩效目标表 |", "|", "项目名称 |", "某县居民医保财政补助资金 |", "|",
    "项目资金 （万元） |", "年度资金总额：500 |", "|", "其中：财政拨款 500 |", "|", "其他资金 |", "|",
    "总 体 目 标 |",
)


def test_target_table_amounts_are_the_initial_budget():
    name = "某县居民医保财政补助资金"
    assert budget_rows(TARGET_TABLE) == [(name, "年初预算", "支出合计", 500.0), (name, "年初预算", "财政拨款收入", 500.0)]


def test_funds_block_of_a_self_evaluation_is_not_read_as_targets():
    # the same lines in a form that reports actuals (自评) give no 年初预算 rows from the label cells
    assert budget_rows(TARGET_TABLE.replace("绩效目标表", "绩效自评表")) == []


FUND_TABLE = form(
    "单位：人（次）、万元",
    "项目\t职工医保\t居民医保",
    "参保人数\t1000\t2000",
    "本年基金累计收入\t300\t200",
    "基金累计结余\t500\t100",
)


def test_fund_table_gives_no_budget_rows():
    # the insurance fund's 累计结余 is no 累计结余 of the department's budget, and a head count no amount
    assert budget_rows(FUND_TABLE) == []
