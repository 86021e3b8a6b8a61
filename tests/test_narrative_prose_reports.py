"""Sentences of medical-security reports in prose as other provinces write them (evalkit.extract.narrative).

Each case is a sentence written for the test, in the manner of 部门决算 说明, 部门整体支出绩效自评报告,
项目支出绩效自评报告 in prose, 统计公报 and work summaries (invented names and figures); the expected
rows are worked out by hand. Where the reader cannot be sure, the figure goes to the residue: no row.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.narrative import extract_narrative


def read(text: str, year: int | None = 2023, kind: str | None = None):
    ctx = ReportContext(document_from_text(text + "\n", "p"))
    ctx.report_kind = kind
    return extract_narrative(ctx, year)


def pick(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


# ------------------------------------------------------------------------- scope: parts of the department
@pytest.mark.parametrize("text", [
    "分单位看，常乐县医疗保障局（本级）本年支出合计1,022.10万元，常乐县医疗保障服务中心本年支出合计779.24万元。",
    "按单位分，局机关全年执行数731.25万元，县医疗保障服务中心全年执行数634.55万元。",
])
def test_figures_given_unit_by_unit_are_no_department_totals(text):
    assert read(text).budget == []


def test_a_unit_list_naming_本级_still_names_the_whole():
    rows = read("本部门决算包括常乐县医疗保障局（本级）、常乐县医疗保障服务中心，本年支出合计1,801.34万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 1801.34)]


# ------------------------------------------------------------------- funding: parts on the next lines
def test_parts_after_a_line_ending_in_其中_count_the_funding_of_their_total():
    rows = read("2023年度一般公共预算财政拨款基本支出1,175.70万元，其中：\n"
                "人员经费1,050.12万元，主要包括：基本工资、津贴补贴等。\n"
                "公用经费125.58万元，主要包括：办公费、差旅费等。")
    assert pick(rows.budget, "item", "funding", "amount_wan") == [
        ("基本支出", "财政拨款", 1175.70), ("人员经费", "财政拨款", 1050.12), ("公用经费", "财政拨款", 125.58)]


def test_parts_of_a_total_of_all_funding_carry_no_funding():
    rows = read("2023年度基本支出1,205.70万元，其中：\n人员经费1,080.12万元。\n公用经费125.58万元。")
    assert {r["funding"] for r in rows.budget} == {None}


# ---------------------------------------------------------------- funds: a paragraph broken at '；'
def test_a_paragraph_opening_with_a_bare_flow_goes_on_with_the_fund_before():
    rows = read("职工基本医疗保险（含生育保险）基金收入142.30亿元，其中统筹基金收入86.52亿元；\n"
                "基金支出118.64亿元。当期结存23.66亿元，累计结存218.93亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 1423000.0), ("职工医保统筹基金", "收入", 865200.0), ("职工医保", "支出", 1186400.0),
        ("职工医保", "结余", 236600.0), ("职工医保", "累计结余", 2189300.0)]


def test_the_whole_fund_goes_on_as_the_whole_fund():
    rows = read("全市基本医疗保险基金总收入231.56亿元，总支出204.77亿元。\n基金当期结存26.79亿元。")
    assert pick(rows.funds, "scheme", "flow") == [("合计", "收入"), ("合计", "支出"), ("合计", "结余")]


@pytest.mark.parametrize("between", ["（三）待遇保障精准落实。", "（三）待遇保障\n"])
def test_a_new_list_item_or_heading_carries_no_fund(between):
    rows = read("职工医保基金收入3.42亿元、支出2.96亿元。\n" + between + "全年享受住院待遇9.26万人次，基金支付4.12亿元。")
    assert [r for r in rows.funds if r["amount_wan"] == 41200.0 and r["scheme"] != "合计"] == []


# ------------------------------------------------------------------ enrolment: a closed remark's 其中
def test_a_total_after_a_remark_naming_parts_is_the_total():
    rows = read("截至2023年12月31日，全县城乡居民基本医疗保险参保人数365,218人，职工基本医疗保险参保人数"
                "52,604人（其中退休人员13,877人），全县基本医疗保险参保人数417,822人。")
    assert ("合计", 417822) in pick(rows.enrollment, "scheme", "persons")


# ------------------------------------------------------------------- a project's report of no known project
def test_a_project_report_whose_project_is_unknown_gives_no_department_rows():
    text = "年初预算安排资金8,650.00万元，年中调整后全年预算数为9,012.40万元，实际支出8,976.18万元。"
    assert read(text, kind="项目支出绩效自评").budget == []
    assert len(read(text, kind="部门整体支出绩效自评").budget) > 0  # (the same sentence in a department's report)


# ------------------------------------------------------------------------------ figures of another year
@pytest.mark.parametrize("text", [
    "2023年度实际支出8,976.18万元。上年同期实际支出8,412.05万元。",
    "本年支出合计1,801.34万元，去年同期支出合计1,920.00万元。",
])
def test_a_figure_of_the_same_period_of_the_year_before_is_no_row(text):
    assert all(r["amount_wan"] not in (8412.05, 1920.0) for r in read(text).budget)


def test_the_balance_and_head_count_at_the_end_of_the_year_before_are_no_rows():
    rows = read("城乡居民医保基金年末滚存结余41,087.93万元，上年末滚存结余为43,560.57万元。"
                "上年末参保人数187.39万人。")
    assert pick(rows.funds, "amount_wan") == [(41087.93,)]
    assert rows.enrollment == []


def test_next_years_fund_budget_is_no_budget_and_no_flow():
    rows = read("（二）加强基金预算管理。2024年居民医保基金收入预算6.05亿元，支出预算5.92亿元。")
    assert rows.budget == [] and rows.funds == []


def test_a_funds_budget_sentence_gives_no_department_total():
    rows = read("居民医保基金收入预算6.05亿元，支出预算5.92亿元。")
    assert rows.budget == []


def test_a_later_sentence_of_another_year_gives_no_budget_row():
    rows = read("2023年部门年初预算支出2,836.17万元。2024年部门年初预算支出2,950.00万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("年初预算", "支出合计", 2836.17)]


# -------------------------------------------------------------------------------- words of the totals
def test_a_bare_支出_after_财政拨款收入_is_that_fundings_expenditure():
    rows = read("2023年度财政拨款收入2,250.13万元，支出2,271.40万元，年初财政拨款结转和结余70.35万元。")
    assert pick(rows.budget, "item", "amount_wan") == [
        ("财政拨款收入", 2250.13), ("财政拨款支出", 2271.40), ("上年结转结余", 70.35)]
    assert rows.budget[2]["funding"] == "财政拨款"


def test_本年收入_and_本年支出_are_the_years_totals():
    rows = read("本年收入2,290.13万元，其中：财政拨款收入2,250.13万元；其他收入40.00万元。本年支出2,310.77万元。")
    assert pick(rows.budget, "item", "amount_wan") == [
        ("收入合计", 2290.13), ("财政拨款收入", 2250.13), ("其他收入", 40.0), ("支出合计", 2310.77)]


def test_the_bureaus_own_office_is_a_part():
    rows = read("全年实际支出1,318.75万元。其中，局机关实际支出702.36万元，医疗保障中心实际支出616.39万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 1318.75)]


def test_a_bare_balance_opening_a_paragraph_is_the_fund_of_the_paragraph_before():
    rows = read("2023年全县城乡居民医保基金收入38,625万元；基金支出37,518万元，其中：住院支出26,137万元；\n"
                "当年结余1,107万元，累计结余15,872万元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("居民医保", "收入", 38625.0), ("居民医保", "支出", 37518.0), ("居民医保", "结余", 1107.0),
        ("居民医保", "累计结余", 15872.0)]


def test_a_bare_total_opening_a_paragraph_after_a_fund_stays_the_departments():
    rows = read("城乡居民医保基金收入38,625万元，支出37,518万元。\n本年支出合计1,801.34万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 1801.34)]


def test_城乡居民参保人数_is_the_residents_scheme():
    rows = read("（三）参保。全县城乡居民参保人数61.28万人，职工医保参保4.52万人。")
    assert pick(rows.enrollment, "scheme", "persons") == [("居民医保", 612800), ("职工医保", 45200)]


def test_a_clause_opening_on_the_year_before_is_no_row_but_its_carry_over_is():
    rows = read("本年度“三公”经费预算数为6万元，决算数为4.2万元。上年“三公”经费决算数为5.1万元。")
    assert pick(rows.budget, "stage", "amount_wan") == [("年初预算", 6.0), ("决算", 4.2)]
    rows = read("上年结转资金35.20万元，本年收入合计1,000.00万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("上年结转结余", 35.2), ("收入合计", 1000.0)]


def test_a_scheme_that_includes_another_counts_as_itself():
    rows = read("职工医保（含生育保险）参保人数4.52万人，其中生育保险参保3.86万人。")
    assert pick(rows.enrollment, "scheme", "persons") == [("职工医保", 45200), ("生育保险", 38600)]


@pytest.mark.parametrize("text,expected", [
    ("2023年度本部门机关运行经费总支出125.58万元，比上年减少8.22万元。", []),
    ("2023年度本部门机关运行经费支出合计125.58万元。", []),
    ("2023年度培训费总支出3.2万元。", [("培训费", 3.2)]),
    ("2023年度公用经费总支出125.58万元。", [("公用经费", 125.58)]),
    ('2022年度一般公共预算财政拨款"三公"经费支出预算为24.50万元，支出决算为15.64万元。', [("三公经费", 24.5), ("三公经费", 15.64)]),
])
def test_the_total_of_one_expense_is_that_expenses_not_the_departments(text, expected):
    assert pick(read(text, 2022 if "2022" in text else 2023).budget, "item", "amount_wan") == expected


def test_a_subsidy_that_arrived_is_a_part_of_the_income_not_the_income():
    rows = read("2023年城乡居民医保各级财政补助资金到位26,915万元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("居民医保", "财政补助收入", 26915.0)]


@pytest.mark.parametrize("text,expected", [
    ("职工医保和居民医保参保人数分别为4.56万人和42.22万人。", [("职工医保", 45600), ("居民医保", 422200)]),
    ("全县基本医疗保险、职工医保、居民医保参保人数分别为46.78万人、4.56万人、42.22万人。",
     [("合计", 467800), ("职工医保", 45600), ("居民医保", 422200)]),
    ("全县参保人数46.78万人，其中职工医保和居民医保分别为4.56万人和42.22万人。",
     [("合计", 467800), ("职工医保", 45600), ("居民医保", 422200)]),
    ("2023年，全县参保人数分别为46.78万人。", []),  # a list of one name: unsure
])
def test_head_counts_matched_with_a_list_of_schemes_by_position(text, expected):
    assert pick(read(text).enrollment, "scheme", "persons") == expected


def test_a_units_name_with_医疗保险_names_no_fund_and_a_part_heading_names_no_department_total():
    rows = read("（三）下属单位情况。松岭县医疗保险服务中心本年支出合计412.36万元。")
    assert rows.funds == [] and rows.budget == []
    rows = read("（三）部门及下属单位收支情况。本年支出合计952.47万元。")  # (a list names the whole)
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 952.47)]


def test_bulleted_flows_under_a_funds_heading_are_that_funds():
    rows = read("（一）职工基本医疗保险基金（含生育保险）\n- 基金收入：168.35亿元，同比增长6.2%；\n- 基金支出：142.80亿元；\n"
                "- 当期结余：25.55亿元；\n- 累计结余：236.17亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 1683500.0), ("职工医保", "支出", 1428000.0), ("职工医保", "结余", 255500.0),
        ("职工医保", "累计结余", 2361700.0)]


@pytest.mark.parametrize("title,scheme", [
    ("职工基本医疗保险基金（含生育保险）", "职工医保"),
    ("**城乡居民医保基金运行情况**", "居民医保"),
])
def test_a_funds_title_line_without_ordinal_names_the_fund_below(title, scheme):
    rows = read(title + "\n- 基金收入：58.72亿元；\n- 基金支出：56.91亿元。")
    assert {r["scheme"] for r in rows.funds} == {scheme}


def test_a_label_and_its_value_are_no_title_line():
    rows = read("项目名称     医疗保险基金\n2024年支出129.66万元。", 2024)
    assert rows.funds == []


def test_a_bound_after_a_figure_is_no_budget_and_实际_names_the_final_account():
    rows = read("2023年我局预算目标为控制一般性支出在80万元以内，实际公用经费支出76.5万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "公用经费", 76.5)]


@pytest.mark.parametrize("text", [
    "其中医疗救助项目年初预算120万元，调整为180万元，实际支出176.42万元。",
    "医疗救助项目实际支出176.42万元。",
])
def test_a_schemes_project_is_neither_the_fund_nor_the_departments_total(text):
    rows = read(text)
    assert rows.funds == [] and rows.budget == []


def test_medical_aid_spending_is_still_its_funds():
    assert pick(read("全年医疗救助资金实际支出176.42万元。").funds, "scheme", "flow") == [("医疗救助", "支出")]


@pytest.mark.parametrize("text,expected", [
    ("截至2023年底，全县应参保人数57.3万人，已参保55.12万人，参保率96.2%。", [("合计", 551200)]),
    ("全年新增参保2.1万人，停保1.2万人，年末参保人数55.12万人。", [("合计", 551200)]),
    ("全县脱贫人口参保8.65万人，参保率100%。", []),
    ("全县灵活就业人员参加职工医保0.86万人。", []),
    ("全县参保缴费人数为53.6万人，其中在校学生8.2万人。", [("合计", 536000)]),
    ("2023年城乡居民参保人数53.6万人（含学生8.2万人），职工参保人数4.52万人。",
     [("居民医保", 536000), ("职工医保", 45200)]),
    ("2023年全县城乡居民医保参保人数较上年减少1.2万人，为53.6万人。", [("居民医保", 536000)]),
])
def test_groups_bases_and_lapses_are_no_head_count_of_a_scheme(text, expected):
    assert pick(read(text).enrollment, "scheme", "persons") == expected


def test_bare_flows_after_a_funds_label_and_colon_are_the_funds():
    rows = read("基金收支情况：收入3.42亿元，支出2.96亿元，当年结余0.46亿元。")
    assert rows.budget == []
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("合计", "收入", 34200.0), ("合计", "支出", 29600.0), ("合计", "结余", 4600.0)]
    rows = read("政府性基金预算收支情况：收入0万元，支出0万元。")  # (the department's, not a fund's)
    assert rows.funds == []


def test_what_the_fund_paid_for_inpatient_care_is_not_its_expense():
    rows = read("2023年，全市医保基金支付住院费用22.6亿元，门诊费用8.3亿元。")
    assert rows.funds == [] and rows.budget == []


def test_a_stage_named_in_a_comparison_is_that_figures_only():
    rows = read("2023年“三公”经费支出58,600.00元，较年初预算75,000.00元减少16,400.00元，其中公务接待费12,600.00元，"
                "公务用车运行维护费46,000.00元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [
        ("决算", "三公经费", 5.86), ("年初预算", "三公经费", 7.5), ("决算", "公务接待费", 1.26),
        ("决算", "公务用车运行维护费", 4.6)]


@pytest.mark.parametrize("text", [
    "2023年1-11月，全县职工医保基金收入3.12亿元，支出2.85亿元。",
    "截至2023年11月底，全县居民医保基金收入5.12亿元，参保人数42.3万人。",
    "上半年，全县职工医保基金收入1.62亿元。",
    "2023年1至6月，部门支出合计612.30万元。",
])
def test_figures_of_a_part_of_the_year_are_no_figures_of_the_year(text):
    rows = read(text)
    assert rows.funds == [] and rows.enrollment == [] and rows.budget == []


def test_the_whole_year_by_months_is_the_year():
    rows = read("2023年1-12月，全县职工医保基金收入3.42亿元。截至2023年12月31日，全县参保人数42.3万人。")
    assert pick(rows.funds, "amount_wan") == [(34200.0,)] and pick(rows.enrollment, "persons") == [(423000,)]


def test_a_total_after_a_list_of_schemes_is_the_total():
    rows = read("全县职工医保、城乡居民医保参保人数分别为2.86万人、33.47万人，合计36.33万人。")
    assert pick(rows.enrollment, "scheme", "persons") == [("职工医保", 28600), ("居民医保", 334700), ("合计", 363300)]


def test_a_sentence_opening_on_a_unit_the_title_does_not_name_is_that_units():
    rows = read("松岭县医疗保障局2023年度部门决算\n一、情况\n县医疗保障中心2023年支出合计321.9万元。\n"
                "本中心2023年支出合计100.00万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 100.0)]
    rows = read("松岭县医疗保障中心2023年度部门决算\n一、情况\n松岭县医疗保障中心2023年支出合计321.9万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 321.9)]  # (the report's own unit)


def test_a_figure_contained_in_a_funds_flow_is_no_flow_of_the_fund():
    rows = read("注：职工医保含生育保险；城乡居民医保基金支出含大病保险支出1.12亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == []
    rows = read("2023年，职工医保（含生育保险）基金收入5.20亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("职工医保", "收入", 52000.0)]
