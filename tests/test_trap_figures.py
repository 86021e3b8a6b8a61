"""Traps that made evalkit write a right figure under a wrong scheme, flow, item or scope.

Each text imitates a kind of medical-security bureau's document (statistical bulletin, fund
决算 disclosure, a unit's 决算 说明, a work summary, a project's self-evaluation report, a
social-insurance fund table of a finance bureau). Every text is written for the test; the expected
rows are worked out by hand (亿元 × 10000 = 万元).
"""

from __future__ import annotations

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.fund_tables import read_fund_tables
from evalkit.extract.narrative import extract_narrative


def read(text: str, year: int | None = 2023):
    ctx = ReportContext(document_from_text(text + "\n", "r"))
    return extract_narrative(ctx, year)


def funds(rows):
    return [(r["scheme"], r["flow"], r["amount_wan"]) for r in rows.funds]


def budget(rows):
    return [(r["stage"], r["item"], r["amount_wan"]) for r in rows.budget]


# ----------------------------------------------------------- run-in headings naming a scheme
def test_a_run_in_heading_names_the_fund_of_its_paragraph():
    text = ("二、基金收支情况\n"
            "（一）职工基本医疗保险（含生育保险）。全年基金收入136.52亿元，比上年增长5.8%；基金支出119.83亿元；"
            "当期结存16.69亿元。\n"
            "（二）城乡居民基本医疗保险。全年基金收入98.47亿元；基金支出101.26亿元，当期结存-2.79亿元。\n"
            "（三）长期护理保险。全年基金收入4.36亿元，支出3.92亿元。\n"
            "（四）工伤保险：全年基金收入2.36亿元，支出1.92亿元。\n")
    assert funds(read(text)) == [
        ("职工医保", "收入", 1365200.0), ("职工医保", "支出", 1198300.0), ("职工医保", "结余", 166900.0),
        ("居民医保", "收入", 984700.0), ("居民医保", "支出", 1012600.0), ("居民医保", "结余", -27900.0),
        ("长期护理保险", "收入", 43600.0), ("长期护理保险", "支出", 39200.0)]  # 工伤保险: nothing


def test_a_sentence_naming_a_fund_owns_its_bare_flows():
    # the long-term care fund's income and expense are no department's 收入合计 / 支出合计
    rows = read("2.长期护理保险基金单独核算，2023年收入8,426万元，支出7,915万元，年末滚存结余3,207万元。")
    assert rows.budget == []
    assert funds(rows) == [("长期护理保险", "收入", 8426.0), ("长期护理保险", "支出", 7915.0),
                           ("长期护理保险", "累计结余", 3207.0)]


def test_a_fund_of_year_end_balance_is_its_cumulative_balance():
    rows = read("3.医疗救助基金年末结余-23.58万元，已由县财政于2024年1月垫付。")
    assert funds(rows) == [("医疗救助", "累计结余", -23.58)]


def test_estimates_are_no_flows_and_no_budget():
    rows = read("全年城乡居民医保基金收入预计完成5.62亿元，支出预计5.48亿元；职工医保基金收入2.14亿元、支出1.87亿元。\n"
                "预计全年支出合计1,200万元。")
    assert funds(rows) == [("职工医保", "收入", 21400.0), ("职工医保", "支出", 18700.0)]
    assert rows.budget == []


# ------------------------------------------------------------------ units and scopes
def test_a_unit_whose_name_says_fund_is_no_fund():
    # '基金结算中心支出合计' is one unit's spending: no fund's expense, and not the department's total
    rows = read("分单位看，局本级支出合计2,934.65万元，基金结算中心支出合计1,102.38万元，信息中心支出合计358.24万元。")
    assert rows.funds == []
    assert rows.budget == []


def test_the_parent_departments_total_in_a_units_final_account():
    rows = read("本年收入合计462.30万元。\n"
                "（主管部门区医疗保障局2023年度部门决算汇总收入总计为1,638.27万元，本中心决算已纳入其中。）")
    assert budget(rows) == [("决算", "收入合计", 462.3)]


def test_the_own_departments_whole_year_income():
    rows = read("（一）部门收入情况。2023年本部门（含下属单位）全年收入2,846.91万元，其中财政拨款收入2,802.51万元。"
                "局本级全年收入1,925.36万元。")
    assert budget(rows) == [("决算", "收入合计", 2846.91), ("决算", "财政拨款收入", 2802.51)]


def test_matching_money_after_a_bare_stage_word_is_no_projects_total():
    text = ("2023年度城乡医疗救助补助资金项目支出绩效自评报告\n"
            "县本级预算安排配套资金150.00万元。\n"
            "本项目年初预算安排资金800.00万元，全年预算调整为992.00万元，实际支出968.42万元。")
    rows = read(text)
    assert (150.0 not in [r["amount_wan"] for r in rows.budget])
    assert ("年初预算", "支出合计", 800.0) in budget(rows)


# ------------------------------------------------------- a table of every social insurance
def test_the_total_column_of_every_social_insurance_is_no_medical_total():
    text = ("表1　2023年度全市社会保险基金收支决算表\n\n单位：亿元\n\n"
            "| 项目 | 企业职工基本养老保险基金 | 职工基本医疗保险基金 | 城乡居民基本医疗保险基金 | 工伤保险基金 | 合计 |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            "| 一、收入 | 182.46 | 58.62 | 41.85 | 3.12 | 286.05 |\n"
            "| 二、支出 | 176.93 | 51.37 | 43.20 | 2.84 | 274.34 |\n"
            "| 三、年末滚存结余 | 96.18 | 87.04 | 19.76 | 6.35 | 209.33 |\n")
    ctx = ReportContext(document_from_text(text, "r"))
    ctx.fiscal_year = 2023
    rows = read_fund_tables(ctx)
    assert sorted((r["scheme"], r["flow"], r["amount_wan"]) for r in rows.funds) == sorted([
        ("职工医保", "收入", 586200.0), ("居民医保", "收入", 418500.0),
        ("职工医保", "支出", 513700.0), ("居民医保", "支出", 432000.0),
        ("职工医保", "累计结余", 870400.0), ("居民医保", "累计结余", 197600.0)])


# ------------------------------------------------------------ a province and its own part
def test_the_provincial_levels_own_part_is_not_the_whole_province():
    text = ("云岭省医疗保障局关于2023年度全省基本医疗保险基金运行情况的通报\n"
            "2023年末，全省职工医保参保612.40万人。省本级职工医保参保38.26万人。\n"
            "全省职工医保基金（含生育保险）收入486.27亿元，支出412.95亿元。其中，省本级职工医保基金收入52.36亿元，"
            "支出47.81亿元，累计结余68.20亿元。\n"
            "全省（含省本级）居民医保基金收入398.64亿元。")
    rows = read(text)
    assert [(r["scheme"], r["persons"]) for r in rows.enrollment] == [("职工医保", 6124000)]
    assert funds(rows) == [("职工医保", "收入", 4862700.0), ("职工医保", "支出", 4129500.0),
                           ("居民医保", "收入", 3986400.0)]


def test_a_report_on_the_provincial_level_reads_its_figures():
    rows = read("2023年度省本级职工基本医疗保险基金决算情况\n省本级职工医保基金收入52.36亿元，支出47.81亿元。")
    assert funds(rows) == [("职工医保", "收入", 523600.0), ("职工医保", "支出", 478100.0)]


# -------------------------------------------------- funds outside the list, budgets of a fund
def test_funds_outside_the_scheme_list_give_nothing():
    rows = read("城乡居民大病保险基金收入0.82亿元，支出0.79亿元。\n"
                "公务员医疗补助基金收入0.51亿元，支出0.48亿元。\n"
                "城乡居民医保基金（含大病保险）收入3.37亿元。")
    assert rows.budget == []  # (the 大病保险 expense was the department's 支出合计)
    assert funds(rows) == [("居民医保", "收入", 33700.0)]


def test_a_sentence_about_the_whole_fund_owns_its_bare_flows():
    rows = read("全县医保基金收支总体平衡，收入6.23亿元，支出5.93亿元。\n"
                "为加强医保基金监管，2023年收入合计120.00万元。")
    assert funds(rows) == [("合计", "收入", 62300.0), ("合计", "支出", 59300.0)]
    assert budget(rows) == [("决算", "收入合计", 120.0)]


def test_a_funds_budget_is_no_flow_and_no_department_budget():
    rows = read("全年基金支出预算3.40亿元，实际支出3.52亿元。\n"
                "2023年度城乡居民医保基金决算收入3.37亿元，较年初预算3.20亿元增加0.17亿元。")
    assert funds(rows) == [("合计", "支出", 35200.0), ("居民医保", "收入", 33700.0)]
    assert rows.budget == []


# ------------------------------------------------------------------------ head counts
def test_head_counts_of_another_year_or_without_a_group_are_no_enrolment():
    rows = read("全县城乡居民医保参保人数由上年的35.12万人下降到34.45万人。\n"
                "城乡居民医保参保人数（不含学生）28.4万人。\n"
                "职工医保（不含生育保险）参保人数4.17万人。")
    assert [(r["scheme"], r["persons"]) for r in rows.enrollment] == [("职工医保", 41700)]


def test_a_fund_that_leaves_a_scheme_out_is_the_scheme_named():
    # (the left-out 生育保险 was taken for the fund's scheme)
    rows = read("职工医保基金（不含生育保险）收入2.5亿元，支出2.1亿元。")
    assert funds(rows) == [("职工医保", "收入", 25000.0), ("职工医保", "支出", 21000.0)]


# ------------------------------------------------------------- other years, wider bodies
def test_the_next_years_budget_is_no_budget_of_the_report():
    rows = read("2023年度本部门年初预算收入1,150.00万元。\n下一年度预算收入1,342.00万元。")
    assert budget(rows) == [("年初预算", "收入合计", 1150.0)]


def test_stations_and_the_whole_system_are_no_fund_and_not_the_department():
    rows = read("乡镇医保工作站经费支出42.00万元。\n全县医保系统支出合计1,600.00万元。\n"
                "汇总口径（含二级单位）支出合计1,254.18万元。")
    assert rows.funds == []
    assert budget(rows) == [("决算", "支出合计", 1254.18)]


# ------------------------------------------------------------------------ budget grids
def read_report_text(text: str, name: str, tmp_path):
    import evalkit

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return evalkit.read_report(path)


def grid(frame):
    return [(r.stage, r.item, r.amount_wan) for r in frame.itertuples()]


def test_columns_of_the_units_beside_the_total_are_not_the_department(tmp_path):
    text = ("# 临江县医疗保障局2023年度部门决算\n\n表3 收入支出决算分单位汇总表\n\n单位：万元\n\n"
            "| 项目 | 合计 | 临江县医疗保障局机关 | 临江县医疗保障事务中心 |\n| --- | --- | --- | --- |\n"
            "| 本年收入合计 | 1,286.45 | 736.90 | 549.55 |\n"
            "| 本年支出合计 | 1,254.18 | 736.90 | 517.28 |\n")
    r = read_report_text(text, "units.md", tmp_path)
    assert grid(r.budget) == [("决算", "收入合计", 1286.45), ("决算", "支出合计", 1254.18)]


def test_a_column_of_shares_in_percent_holds_no_amounts(tmp_path):
    text = ("# 临江县医疗保障局2023年度部门决算\n\n表3 收入支出决算表\n\n单位：万元\n\n"
            "| 项目 | 预算数 | 决算数 | 决算数占预算数% |\n| --- | --- | --- | --- |\n"
            "| 本年支出合计 | 1,310.20 | 1,254.18 | 95.72 |\n"
            "| 基本支出 | 830.00 | 812.36 | 97.87 |\n")
    r = read_report_text(text, "shares.md", tmp_path)
    assert 95.72 not in set(r.budget["amount_wan"]) and 97.87 not in set(r.budget["amount_wan"])
    assert ("决算", "支出合计", 1254.18) in grid(r.budget)


def test_an_appropriation_is_no_part_of_a_funds_income():
    rows = read("2023年度区财政安排城乡居民医保财政补助资金8,126.00万元（上解市级统筹），区级医疗救助资金312.00万元。\n"
                "居民医保基金收入3.37亿元，其中财政补助收入2.25亿元。")
    assert funds(rows) == [("居民医保", "收入", 33700.0), ("居民医保", "财政补助收入", 22500.0)]


def test_the_whole_years_execution_of_a_project():
    text = ("2023年度医疗保障服务能力建设项目支出绩效自评报告\n"
            "本项目年初预算85.00万元，全年预算85.00万元，全年执行78.60万元，执行率92.47%。")
    assert ("决算", "支出合计", 78.6) in budget(read(text))


def test_a_list_over_several_years_gives_no_figure_of_the_report_year():
    rows = read("近三年居民医保基金累计结余分别为1.32亿元、1.23亿元和1.08亿元。\n"
                "近两年部门支出合计分别为1,102.60万元和1,254.18万元。\n"
                "2021-2023年参保人数分别为39.6万人、39.05万人和38.62万人。\n"
                "职工医保和居民医保参保人数分别为4.17万人和34.45万人。")
    assert rows.funds == [] and rows.budget == []
    assert [(r["scheme"], r["persons"]) for r in rows.enrollment] == [("职工医保", 41700), ("居民医保", 344500)]


# --------------------------------------------------------------- statistics tables
def test_target_and_earlier_year_columns_of_an_indicator_table(tmp_path):
    text = ("# 湘溪县医疗保障局2023年度部门整体支出绩效自评报告\n\n表4 医疗保障主要指标完成情况\n\n"
            "| 指标 | 2023年目标值 | 2023年完成值 | 2022年完成值 |\n| --- | --- | --- | --- |\n"
            "| 基本医疗保险参保人数（万人） | 38.50 | 38.62 | 39.05 |\n"
            "| 居民医保基金收入（亿元） | 3.30 | 3.37 | 3.21 |\n\n"
            "表5 医保基金收支情况（单位：亿元）\n\n"
            "| 险种 | 收入 | 支出 | 累计结余 |\n| --- | --- | --- | --- |\n"
            "| 职工医保 | 2.86 | 2.41 | 3.12 |\n| 大病保险 | 0.32 | 0.30 | 0.11 |\n")
    r = read_report_text(text, "indicators.md", tmp_path)
    # the target is no figure; the earlier year's completion is that year's, not 2023's
    assert [(p.year, p.scheme, p.persons) for p in r.enrollment.itertuples()] == [(2023, "合计", 386200), (2022, "合计", 390500)]
    assert sorted((f.year, f.scheme, f.flow, f.amount_wan) for f in r.funds.itertuples()) == sorted([
        (2023, "居民医保", "收入", 33700.0), (2022, "居民医保", "收入", 32100.0),
        (2023, "职工医保", "收入", 28600.0), (2023, "职工医保", "支出", 24100.0), (2023, "职工医保", "累计结余", 31200.0)])


def test_a_column_opening_with_a_year_is_that_years(tmp_path):
    text = ("# 滨海县医疗保障局2023年度部门整体支出绩效自评报告\n\n"
            "| 指标 | 2022年实绩 | 2023年实绩 |\n| --- | --- | --- |\n"
            "| 基本医疗保险参保人数（万人） | 39.05 | 38.62 |\n| 职工医保基金收入（亿元） | 2.71 | 2.86 |\n")
    r = read_report_text(text, "years.md", tmp_path)
    assert [(p.year, p.persons) for p in r.enrollment.itertuples()] == [(2022, 390500), (2023, 386200)]
    assert [(f.year, f.amount_wan) for f in r.funds.itertuples()] == [(2022, 27100.0), (2023, 28600.0)]


def test_columns_of_the_year_before_and_the_year_after_in_a_budget_grid(tmp_path):
    text = ("# 滨海县医疗保障局2023年度部门整体支出绩效自评报告\n\n单位：万元\n\n"
            "| 项目 | 2022年实绩 | 2023年实绩 | 下年度预算 |\n| --- | --- | --- | --- |\n"
            "| 支出合计 | 1,098.37 | 1,254.18 | 1,342.00 |\n\n"
            "| 项目 | 上年 | 本年 |\n| --- | --- | --- |\n| 收入合计 | 1,102.60 | 1,286.45 |\n")
    r = read_report_text(text, "grid_years.md", tmp_path)
    assert grid(r.budget) == [("决算", "支出合计", 1254.18), ("决算", "收入合计", 1286.45)]


def test_the_money_of_a_service_after_its_head_count_is_no_department_total():
    rows = read("全年门诊慢特病待遇享受人数1.26万人，支出0.42亿元。\n"
                "2023年度，我局认真做好经办服务工作，全年收入1,286.45万元，支出1,254.18万元。")
    assert budget(rows) == [("决算", "收入合计", 1286.45), ("决算", "支出合计", 1254.18)]
