"""决算 tables flattened into one run of words and numbers (evalkit.extract.tables, the flattened
决算 reader): only the figures whose row is certain are read, by position (a single amount right
after its row's 行次) or by arithmetic (a total the amounts before it add up to); the rest stays
in the residue.

The text below was written for the test in the layout document-sharing sites give
(元 ÷ 10000 = 万元).
"""

from __future__ import annotations

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.residue import residue_and_coverage
from evalkit.extract.tables import extract_tables

INCOME_EXPENSE = (
    "收入支出决算表 部门：某镇卫生院 公开01表 金额单位：元 收入 项目 行次 栏次 金额 1 "
    "一、一般公共预算财政拨款收入 1 二、上级补助收入 2 三、事业收入 3 四、其他收入 4 "
    "1,200,000.00 3,400,000.00 150,000.00 5 6 本年收入合计 7 年初结转和结余 8 总计 9 "
    "4,750,000.00 80,000.00 4,830,000.00 支出 项目(按功能分类) 行次 栏次 金额 2 "
    "一、社会保障和就业支出 10 300,000.00 二、卫生健康支出 11 4,400,000.00 本年支出合计 12 4,700,000.00 "
    "结余分配 13 年末结转和结余 14 130,000.00 总计 15 4,830,000.00")
EXPENSE = (
    "支出决算表 部门：某镇卫生院 公开03表 金额单位：元 项目 本年支出合计 基本支出 项目支出 经营支出 "
    "功能分类科目编码 科目名称 栏次 1 2 3 4 合计 4,700,000.00 3,900,000.00 800,000.00 "
    "208 社会保障和就业支出 300,000.00 300,000.00 210 卫生健康支出 4,400,000.00 3,600,000.00 800,000.00")
APPROPRIATION = (
    "财政拨款收入支出决算表 公开04表 金额单位：元 收入 支出 项目 行次 金额 项目 行次 合计 一般公共预算财政拨款 "
    "栏次 1 栏次 2 3 一、一般公共预算财政拨款 1 1,200,000.00 一、社会保障和就业支出 30")


def read(*lines: str):
    ctx = ReportContext(document_from_text("某镇卫生院2023年部门决算公开表\n\n" + "\n\n".join(lines) + "\n", "r"))
    ctx.fiscal_year = 2023
    found = extract_tables(ctx)
    return found, ctx


def budget(found):
    return [(r["stage"], r["item"], r["amount_wan"], r["source"]) for r in found["budget"]]


def test_totals_fixed_by_arithmetic_and_single_amounts_by_position():
    found, ctx = read(INCOME_EXPENSE)
    assert budget(found) == [
        ("决算", "收入总计", 483.0, "r:3"),    # 4,750,000 + 80,000 = 4,830,000: the last of the run is 总计
        ("决算", "收入合计", 475.0, "r:3"),    # the income rows' amounts add up to it
        ("决算", "上年结转结余", 8.0, "r:3"),   # the one row left in its group once the totals are fixed
        ("决算", "支出合计", 470.0, "r:3"),    # 300,000 + 4,400,000 before it
        ("决算", "年末结转结余", 13.0, "r:3"),  # right after its 行次; 结余分配 names no item
        ("决算", "支出总计", 483.0, "r:3"),
    ]
    # the income rows' amounts cannot be given to four rows (the empty ones were dropped): residue
    residue, _ = residue_and_coverage(ctx, found["ignored"])
    left = residue[0]["text"]
    assert "1,200,000.00" in left and "3,400,000.00" in left and "150,000.00" in left
    assert "300,000.00" not in left  # a subject of the functional classification: left out by name


def test_a_total_row_under_column_headers_and_a_restated_total():
    found, ctx = read(INCOME_EXPENSE, EXPENSE)
    rows = budget(found)
    assert ("决算", "基本支出", 390.0, "r:5") in rows and ("决算", "项目支出", 80.0, "r:5") in rows
    assert [r for r in rows if r[1] == "支出合计"] == [("决算", "支出合计", 470.0, "r:3")]  # restated once
    residue, _ = residue_and_coverage(ctx, found["ignored"])
    assert not [r for r in residue if r["line"] == 5 and "," in r["text"]]


def test_the_appropriation_table_fixes_the_appropriation_income():
    found, _ = read(APPROPRIATION)
    assert budget(found) == [("决算", "财政拨款收入", 120.0, "r:3")]


def test_a_run_that_does_not_add_up_gives_nothing():
    # (neither does 4,760,000 add up the income rows, nor 4,760,000 + 80,000 make 4,900,000)
    text = INCOME_EXPENSE.replace("4,750,000.00 80,000.00 4,830,000.00", "4,760,000.00 80,000.00 4,900,000.00")
    found, _ = read(text.split(" 支出 项目")[0])
    assert budget(found) == []


def test_amounts_without_a_declared_unit_are_not_read():
    found, _ = read(INCOME_EXPENSE.replace("金额单位：元 ", ""))
    assert budget(found) == []
