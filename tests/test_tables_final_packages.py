"""The tables of a 部门决算 package and the execution tables of self-evaluation reports, in the
forms text extraction gives them (evalkit.extract.tables). Every document here was written for
these tests, with invented names and figures:

- a tab-separated 收入支出决算总表 printed twice side by side, its side header '收入 | | 支出 |'
  narrower than the table, a 栏次 row under the header and 行次 beside the labels;
- 收入决算表 / 支出决算表 whose rows under 合计 are subjects with their codes (2101501 行政运行);
- a 预算执行情况 table in 元 with a 上年执行数 column before the year's own columns;
- a 财政拨款收入支出决算总表, whose totals and carry-overs are of the appropriations only;
- an HTML 支出决算表 whose header and 合计 cells are merged over two columns (colspan).
"""

from __future__ import annotations

import evalkit


def pick(frame, *cols):
    return sorted(tuple(r) for r in frame[list(cols)].itertuples(index=False))


def read(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return evalkit.read_report(path)


SIDE_BY_SIDE = """青禾县医疗保障局2023年度部门决算
收入支出决算总表
公开01表
部门：青禾县医疗保障局\t金额单位：万元
收入\t\t支出\t
项目\t行次\t决算数\t项目\t行次\t决算数
栏次\t\t1\t栏次\t\t2
一、一般公共预算财政拨款收入\t1\t700.50\t九、卫生健康支出\t40\t690.10
八、其他收入\t8\t20.00\t
本年收入合计\t29\t720.50\t本年支出合计\t58\t715.30
年初结转和结余\t31\t12.30\t年末结转和结余\t60\t17.50
总计\t32\t732.80\t总计\t61\t732.80
"""


def test_side_by_side_totals_take_their_side_and_column_numbers_are_no_amounts(tmp_path):
    budget = read(tmp_path, "final.txt", SIDE_BY_SIDE).budget
    rows = pick(budget[budget["funding"].isna()], "item", "amount_wan")
    assert ("收入总计", 732.8) in rows and ("支出总计", 732.8) in rows
    assert ("收入合计", 720.5) in rows and ("支出合计", 715.3) in rows
    assert ("上年结转结余", 12.3) in rows and ("年末结转结余", 17.5) in rows
    assert ("收入合计", 732.8) not in rows  # 总计 includes the carry-over: not the year's income
    assert not set(budget["amount_wan"]) & {1.0, 2.0, 29.0, 32.0, 58.0, 61.0}  # 栏次, 行次


BY_SUBJECT = """青禾县医疗保障局2023年度部门决算
支出决算表
公开03表
部门：青禾县医疗保障局\t金额单位：万元
项目\t\t本年支出合计\t基本支出\t项目支出
功能分类科目编码\t科目名称\t\t\t
栏次\t\t1\t2\t3
合计\t\t715.30\t515.30\t200.00
210\t卫生健康支出\t690.10\t490.10\t200.00
2101501\t行政运行\t490.10\t490.10
2101599\t其他医疗保障管理事务支出\t200.00\t\t200.00
221\t住房保障支出\t25.20\t25.20
"""


def test_rows_of_subjects_by_code_are_not_the_departments_totals(tmp_path):
    report = read(tmp_path, "final.txt", BY_SUBJECT)
    assert pick(report.budget, "item", "amount_wan") == [("基本支出", 515.3), ("支出合计", 715.3),
                                                         ("项目支出", 200.0)]


EXECUTION_YUAN = """# 青禾县医疗保障局2023年度部门整体支出绩效自评报告

单位：元

| 项目 | 上年执行数 | 年初预算数 | 调整预算数 | 全年执行数 | 执行率 |
| --- | --- | --- | --- | --- | --- |
| 合计 | 6,100,000.00 | 6,500,000.00 | 6,800,000.00 | 6,650,000.00 | 97.79% |
| 一、基本支出 | 4,000,000.00 | 4,200,000.00 | 4,300,000.00 | 4,300,000.00 | 100% |
| 二、项目支出 | 2,100,000.00 | 2,300,000.00 | 2,500,000.00 | 2,350,000.00 | 94.00% |
"""


def test_a_column_of_the_year_before_gives_no_figures_of_the_year(tmp_path):
    budget = read(tmp_path, "self.md", EXECUTION_YUAN).budget
    assert pick(budget, "stage", "item", "amount_wan") == sorted([
        ("年初预算", "支出合计", 650.0), ("调整预算", "支出合计", 680.0), ("决算", "支出合计", 665.0),
        ("年初预算", "基本支出", 420.0), ("调整预算", "基本支出", 430.0), ("决算", "基本支出", 430.0),
        ("年初预算", "项目支出", 230.0), ("调整预算", "项目支出", 250.0), ("决算", "项目支出", 235.0)])


APPROPRIATIONS = """青禾县医疗保障局2023年度部门决算
财政拨款收入支出决算总表
公开04表
部门：青禾县医疗保障局\t金额单位：万元
收入\t\t支出\t\t
项目\t行次\t金额\t项目\t行次\t合计\t一般公共预算财政拨款
栏次\t\t1\t栏次\t\t2\t3
一、一般公共预算财政拨款\t1\t700.50\t九、卫生健康支出\t41\t690.10\t690.10
本年收入合计\t30\t700.50\t本年支出合计\t59\t700.40\t700.40
年初财政拨款结转和结余\t31\t0.00\t年末财政拨款结转和结余\t60\t0.10\t0.10
总计\t34\t700.50\t总计\t63\t700.50\t700.50
"""


def test_the_appropriations_table_is_no_figure_of_the_whole_department(tmp_path):
    budget = read(tmp_path, "final.txt", APPROPRIATIONS).budget
    unfunded = budget[budget["funding"].isna()]
    # the appropriation income itself is the department's 财政拨款收入; nothing else is unqualified
    assert pick(unfunded, "item", "amount_wan") == [("财政拨款收入", 700.5)] * len(unfunded)
    funded = pick(budget[budget["funding"] == "财政拨款"], "item", "amount_wan")
    assert ("上年结转结余", 0.0) in funded and ("收入总计", 700.5) in funded
    # the 支出 half is wider (合计, 一般公共预算财政拨款): its figures are the appropriations' expenditure
    assert ("支出合计", 700.4) in funded and ("年末结转结余", 0.1) in funded and ("支出总计", 700.5) in funded
    total_row = budget[budget["source"].str.endswith(":11")]  # 总计 | 34 | 700.50 | 总计 | 63 | 700.50 | 700.50
    assert set(total_row["item"]) == {"收入总计", "支出总计"}


MERGED_HTML = """<html><body><h1>青禾县医疗保障局2022年度部门决算</h1>
<p>表三 支出决算表</p><p>单位：元</p>
<table>
<tr><td colspan="2" rowspan="2">项目</td><td rowspan="2">本年支出合计</td><td rowspan="2">基本支出</td>
<td rowspan="2">项目支出</td><td colspan="2">其他</td></tr>
<tr><td>上缴上级支出</td><td>经营支出</td></tr>
<tr><td>功能分类科目编码</td><td>科目名称</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td></tr>
<tr><td colspan="2">合计</td><td>3,000,000.00</td><td>2,000,000.00</td><td>1,000,000.00</td><td></td><td></td></tr>
<tr><td>2101501</td><td>行政运行</td><td>2,000,000.00</td><td>2,000,000.00</td><td></td><td></td><td></td></tr>
</table></body></html>
"""


def test_a_label_merged_over_two_columns_leaves_each_figure_under_its_header(tmp_path):
    budget = read(tmp_path, "final.html", MERGED_HTML).budget
    assert pick(budget, "item", "amount_wan") == [("基本支出", 200.0), ("支出合计", 300.0), ("项目支出", 100.0)]


ONE_CELL_PER_LINE = """青禾县医疗保障局2024年度部门整体支出绩效自评报告
二、部门整体支出情况
预算执行情况如下表（金额单位：元）：
表1 部门预算执行情况表
支出项目
年初预算数
调整后预算数
实际支出数
执行率
备注
支出合计
3,000,000.00
3,200,000.00
3,100,000.00
96.88%
人员
经费
2,000,000.00
2,100,000.00
2,100,000.00
100%
含离退休
- 2 -
支出项目
年初预算数
调整后预算数
实际支出数
执行率
备注
项目支出
1,000,000.00
1,100,000.00
1,000,000.00
90.91%
三、绩效自评结果
"""


def test_an_execution_table_one_cell_per_line_with_remarks_wraps_and_a_page_break(tmp_path):
    budget = read(tmp_path, "self.txt", ONE_CELL_PER_LINE).budget
    assert pick(budget, "stage", "item", "amount_wan") == sorted([
        ("年初预算", "支出合计", 300.0), ("调整预算", "支出合计", 320.0), ("决算", "支出合计", 310.0),
        ("年初预算", "人员经费", 200.0), ("调整预算", "人员经费", 210.0), ("决算", "人员经费", 210.0),
        # the header repeated on the next page keeps the table's unit (元)
        ("年初预算", "项目支出", 100.0), ("调整预算", "项目支出", 110.0), ("决算", "项目支出", 100.0)])


FUND_CELL_LINES = """澄江市2024年医疗保障基金收支情况
表1  基本医疗保险参保人数
单位：万人
项目
2023年
2024年
参保总人数
50.10
49.80
职工基本医疗保险
10.20
10.40
城乡居民基本医疗保险
39.90
39.40
表2  基本医疗保险基金收支情况
单位：亿元
险种
项目
2023年
2024年
职工基本医疗保险
基金收入
3.50
3.70
累计结余
5.20
5.60
"""


def test_two_statistics_tables_one_cell_per_line_keep_their_own_units(tmp_path):
    report = read(tmp_path, "fund.txt", FUND_CELL_LINES)
    assert pick(report.enrollment, "year", "scheme", "persons") == sorted([
        (2023, "合计", 501000), (2024, "合计", 498000), (2023, "职工医保", 102000), (2024, "职工医保", 104000),
        (2023, "居民医保", 399000), (2024, "居民医保", 394000)])
    assert pick(report.funds, "year", "scheme", "flow", "amount_wan") == sorted([
        (2023, "职工医保", "收入", 35000.0), (2024, "职工医保", "收入", 37000.0),
        (2023, "职工医保", "累计结余", 52000.0), (2024, "职工医保", "累计结余", 56000.0)])


FUND_SPACES = """澄江市医疗保障局
2023年度澄江市基本医疗保险基金决算情况说明
                  基本医疗保险基金收支决算表
编制单位：澄江市医疗保障局                        单位：万元
项目                     项次    本年数        上年数        同比增减（%）
一、职工基本医疗保险
  基金收入                 1     12,000.50     11,000.00    9.10
  基金支出                 2     10,000.25      9,500.00    5.27
  年末滚存结余             3     30,000.00     28,000.00    7.14
二、城乡居民基本医疗保险
  基金收入                 4     20,000.00     19,000.00    5.26
  本年收支结余             5       -500.00        800.00
"""


def test_a_fund_table_aligned_with_spaces_gives_the_years_column_only(tmp_path):
    funds = read(tmp_path, "fund.txt", FUND_SPACES).funds
    assert pick(funds, "year", "scheme", "flow", "amount_wan") == sorted([
        (2023, "职工医保", "收入", 12000.5), (2023, "职工医保", "支出", 10000.25),
        (2023, "职工医保", "累计结余", 30000.0), (2023, "居民医保", "收入", 20000.0),
        (2023, "居民医保", "结余", -500.0)])  # no 上年数, 同比 or 项次 figure; the unit after '编制单位：…'


FUND_ROWSPAN = """<html><body><h2>岭东市2024年度医疗保障基金决算公开</h2>
<p>发布单位：岭东市医疗保障局</p>
<p>表1 医疗保障基金收支决算表</p><p>单位：万元</p>
<table>
<tr><th>险种</th><th>项目</th><th>2023年决算数</th><th>2024年决算数</th><th>增长率</th></tr>
<tr><td rowspan="2">职工基本医疗保险</td><td>基金收入</td><td>1,000.00</td><td>1,100.00</td><td>10.00%</td></tr>
<tr><td>基金支出</td><td>900.00</td><td>950.00</td><td>5.56%</td></tr>
<tr><td rowspan="2">城乡居民大病保险</td><td>基金收入</td><td>80.00</td><td>85.00</td><td>6.25%</td></tr>
<tr><td>基金支出</td><td>70.00</td><td>75.00</td><td>7.14%</td></tr>
</table></body></html>
"""


def test_a_scheme_merged_over_its_rows_names_each_rows_fund_and_years_head_the_columns(tmp_path):
    funds = read(tmp_path, "fund.html", FUND_ROWSPAN).funds
    assert pick(funds, "year", "scheme", "flow", "amount_wan") == sorted([
        (2023, "职工医保", "收入", 1000.0), (2024, "职工医保", "收入", 1100.0),
        (2023, "职工医保", "支出", 900.0), (2024, "职工医保", "支出", 950.0)])  # 大病保险: no scheme of the list


THREE_PUBLIC_ONE_ROW = """<html><body><h1>青禾县医疗保障局2022年度部门决算</h1>
<p>表七 一般公共预算财政拨款“三公”经费支出决算表</p><p>单位：元</p>
<table>
<tr><td colspan="4">预算数</td><td colspan="4">决算数</td></tr>
<tr><td rowspan="2">合计</td><td colspan="2">公务用车购置及运行费</td><td rowspan="2">公务接待费</td>
<td rowspan="2">合计</td><td colspan="2">公务用车购置及运行费</td><td rowspan="2">公务接待费</td></tr>
<tr><td>小计</td><td>公务用车运行费</td><td>小计</td><td>公务用车运行费</td></tr>
<tr><td>50,000.00</td><td>30,000.00</td><td>30,000.00</td><td>20,000.00</td>
<td>42,000.00</td><td>28,000.00</td><td>28,000.00</td><td>14,000.00</td></tr>
</table></body></html>
"""


def test_a_three_public_table_of_one_row_of_figures_gives_its_totals_not_its_parts_as_totals(tmp_path):
    budget = read(tmp_path, "final.html", THREE_PUBLIC_ONE_ROW).budget
    rows = pick(budget, "stage", "item", "amount_wan")
    assert ("年初预算", "三公经费", 5.0) in rows and ("决算", "三公经费", 4.2) in rows
    assert ("年初预算", "公务接待费", 2.0) in rows and ("决算", "公务接待费", 1.4) in rows
    # the car subtotal (3.0 / 2.8) is no 三公经费 total, and the title's 财政拨款 no topic
    assert not [r for r in rows if r[1] in ("三公经费", "财政拨款收入") and r[2] in (3.0, 2.8)]
    assert "财政拨款收入" not in set(budget["item"])


UNIT_BLOCKS = """青禾县医疗保障局2023年度部门整体支出绩效自评报告
表2 部门预算支出执行情况表
单位：万元
单位名称\t支出类别\t2022年执行数\t2023年年初预算\t2023年调整预算\t2023年执行数\t执行率
合计\t支出合计\t900.00\t1,000.00\t1,100.00\t1,050.00\t95.45%
\t基本支出\t600.00\t650.00\t660.00\t660.00\t100.00%
局机关\t支出合计\t500.00\t550.00\t600.00\t580.00\t96.67%
\t基本支出\t300.00\t320.00\t330.00\t330.00\t100.00%
医疗保障事务中心\t支出合计\t400.00\t450.00\t500.00\t470.00\t94.00%
"""


def test_the_blocks_of_the_units_under_a_unit_column_are_not_the_departments(tmp_path):
    budget = read(tmp_path, "self.txt", UNIT_BLOCKS).budget
    assert pick(budget, "stage", "item", "amount_wan") == sorted([
        ("年初预算", "支出合计", 1000.0), ("调整预算", "支出合计", 1100.0), ("决算", "支出合计", 1050.0),
        ("年初预算", "基本支出", 650.0), ("调整预算", "基本支出", 660.0), ("决算", "基本支出", 660.0)])
