"""Figures read from sentences, one rule at a time (evalkit.extract.narrative).

Each case is a sentence written for the test; the expected rows are worked out by hand.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.narrative import extract_narrative


def read(text: str, year: int = 2023):
    return extract_narrative(ReportContext(document_from_text(text + "\n", "r")), year)


def pick(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


def test_a_flow_word_alone_continues_the_fund_of_the_sentence():
    rows = read("职工医保基金收入1亿元，支出0.8亿元，结余0.2亿元。")
    # 1亿元 = 10000万元; '支出' and '结余' alone belong to the 职工医保 fund named before them
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 10000.0), ("职工医保", "支出", 8000.0), ("职工医保", "结余", 2000.0)]
    assert rows.budget == []


def test_a_change_is_not_an_amount():
    rows = read("2023年决算总收入1134.78万元，较预算增加157.17万元，总支出1134.78万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "收入合计", 1134.78),
                                                                  ("决算", "支出合计", 1134.78)]


def test_stage_words_and_parts():
    rows = read("调整后，预算收入554.48万元（其中：财政拨款收入554.48万元），"
                "预算支出554.48万元（其中：基本支出379.64万元，项目支出174.84万元）。")
    # '调整后' names the stage of the whole sentence; the bare '预算' of 预算收入 does not override it
    assert {r["stage"] for r in rows.budget} == {"调整预算"}
    assert pick(rows.budget, "item", "parent", "amount_wan") == [
        ("收入合计", "", 554.48), ("财政拨款收入", "", 554.48), ("支出合计", "", 554.48),
        ("基本支出", "", 379.64), ("项目支出", "", 174.84)]  # totals are never parents


def test_parts_across_lines_and_units_in_yuan():
    rows = read("（1）基本支出 8581799.82 元。其中：\n①工资福利支出 7528092.98 元。其中：基本工资 2273658.98 元。")
    # 元 ÷ 10000, exactly
    assert pick(rows.budget, "item", "parent", "amount_wan") == [
        ("基本支出", "", 858.179982), ("工资福利支出", "基本支出", 752.809298),
        ("基本工资", "基本支出/工资福利支出", 227.365898)]


@pytest.mark.parametrize("sentence,expected", [
    ("全县基本医疗保险参保43.01万人，其中：职工医保3.58万人。", [("合计", 430100), ("职工医保", 35800)]),
    ("资助困难群众参加城乡居民医保3546人。", []),  # subsidised enrolment: a 医疗救助 service figure
    ("2023年参保46.98人。", [("合计", None)]),  # a head count with decimals and no 万: kept, flagged
])
def test_enrollment(sentence, expected):
    rows = read(sentence)
    assert pick(rows.enrollment, "scheme", "persons") == expected


def test_staff_counts_name_their_unit():
    rows = read("区医保局机关行政编制6人，实际人数5人；区医疗保障事务中心事业编制10人，实际人数11人。")
    assert pick(rows.staff, "org_unit", "category", "persons") == [
        ("区医保局", "行政编制", 6), ("区医保局", "实有人数", 5),
        ("区医疗保障事务中心", "事业编制", 10), ("区医疗保障事务中心", "实有人数", 11)]


def test_rates_and_formula():
    rows = read("政府采购执行率=（8.84/15）×100%=58.93%＜95%")
    assert pick(rows.rates, "name", "value_pct") == [("政府采购执行率", 58.93)]  # ＜95% is a threshold
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "政府采购", 8.84),
                                                                  ("年初预算", "政府采购", 15.0)]


def test_fund_sentences_of_a_typical_bureau_report():
    rows = read("城乡居民医保基金总收入6.8亿元，总支出6.5亿元，当年结余3000万元，历年累计结余4.2亿元。")
    # '总支出', '当年结余', '历年累计结余' name flows of the fund named first (6.8亿元 = 68000万元)
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("居民医保", "收入", 68000.0), ("居民医保", "支出", 65000.0), ("居民医保", "结余", 3000.0),
        ("居民医保", "累计结余", 42000.0)]
    assert rows.budget == []


def test_department_totals_named_总计():
    rows = read("2023年部门收入总计1234.56万元，其中：财政拨款收入1200万元，其他收入34.56万元。"
                "支出总计1234.56万元，其中：基本支出800万元（人员经费650万元，公用经费150万元），项目支出434.56万元。")
    assert pick(rows.budget, "item", "parent", "amount_wan") == [
        ("收入总计", "", 1234.56), ("财政拨款收入", "", 1200.0), ("其他收入", "", 34.56),
        ("支出总计", "", 1234.56), ("基本支出", "", 800.0),
        ("人员经费", "基本支出", 650.0), ("公用经费", "基本支出", 150.0), ("项目支出", "", 434.56)]


def test_supplementary_budget_is_a_change_and_三公_spending_is_read():
    rows = read("年初预算收入为1500.5万元，年中追加预算200万元，调整后预算为1700.5万元，全年实际支出1650.3万元。\n"
                "“三公”经费支出2.3万元，比上年减少0.5万元，其中公务接待费1.1万元，公务用车运行维护费1.2万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [
        ("年初预算", "收入合计", 1500.5),  # '追加预算200万元' is an addition, not a budget
        ("调整预算", "收入合计", 1700.5), ("决算", "支出合计", 1650.3),
        ("决算", "三公经费", 2.3), ("决算", "公务接待费", 1.1), ("决算", "公务用车运行维护费", 1.2)]


def test_budget_and_fund_sentences_of_another_province():
    rows = read("2023年度本部门收入预算为850.00万元，其中：一般公共预算拨款收入850.00万元；支出预算850.00万元。"
                "全年实际收入978.2万元，实际支出978.2万元，其中基本支出 702.5 万元，占 71.8%；项目支出 275.7 万元，占 28.2%。\n"
                "2023年医保基金总收入3.2亿元，其中：职工医保基金收入1.1亿元，城乡居民医保基金收入2.1亿元；基金总支出2.95亿元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [
        ("年初预算", "收入合计", 850.0), ("年初预算", "财政拨款收入", 850.0), ("年初预算", "支出合计", 850.0),
        ("决算", "收入合计", 978.2), ("决算", "支出合计", 978.2), ("决算", "基本支出", 702.5),
        ("决算", "项目支出", 275.7)]
    assert pick(rows.rates, "name", "value_pct") == [("基本支出占比", 71.8), ("项目支出占比", 28.2)]
    # '基金总支出' is the fund's expense, not the department's
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("合计", "收入", 32000.0), ("职工医保", "收入", 11000.0), ("居民医保", "收入", 21000.0),
        ("合计", "支出", 29500.0)]


def test_project_funds_in_a_sentence():
    rows = read("项目名称：医疗救助资金\n该项目预算资金100万元，实际到位100万元，到位率100%；实际支出95万元，执行率95%，结余5万元。")
    # the project named above is the scope; funds received (到位) are income, spending is expenditure;
    # what the project left unspent (结余5万元) is no line of its funds (it stays in the residue)
    assert pick(rows.budget, "scope", "stage", "item", "amount_wan") == [
        ("医疗救助资金", "年初预算", "支出合计", 100.0), ("医疗救助资金", "决算", "收入合计", 100.0),
        ("医疗救助资金", "决算", "支出合计", 95.0)]
    assert pick(rows.rates, "name", "value_pct") == [("到位率", 100.0), ("执行率", 95.0)]


def test_enrollment_of_employees_in_work_and_retired():
    rows = read("全市参保人数达到185.6万人，参保率98.2%。职工基本医疗保险参保26.3万人（其中在职职工19.1万人，"
                "退休职工7.2万人），城乡居民医疗保险参保159.3万人。")
    # 26.3万 = 19.1万 + 7.2万: the employees' scheme in work and retired, not more totals
    assert pick(rows.enrollment, "scheme", "persons") == [
        ("合计", 1856000), ("职工医保", 263000), ("职工医保在职", 191000), ("职工医保退休", 72000),
        ("居民医保", 1593000)]


# ---------------------------------------------------------------- service figures (services)
@pytest.mark.parametrize("text,expected", [
    # topic from the sentence; 万人次 → 人次; 元 → 万元; '余' stays in the raw text
    ("全年共办理异地就医备案1.2万人次，异地就医直接结算8650人次，结算金额2356.8万元。",
     [("异地就医", "办理异地就医备案", 12000.0, "人次", "1.2万人次"),
      ("异地就医", "异地就医直接结算", 8650.0, "人次", "8650人次"),
      ("异地就医", "结算金额", 2356.8, "万元", "2356.8万元")]),
    # 基金监管 outranks 定点管理 (定点医药机构) in one sentence
    ("开展定点医药机构专项检查236家次，追回违规医保基金386500元，处理违约金12.3万元。",
     [("基金监管", "开展定点医药机构专项检查", 236.0, "家次", "236家次"),
      ("基金监管", "追回违规医保基金", 38.65, "万元", "386500元"),
      ("基金监管", "处理违约金", 12.3, "万元", "12.3万元")]),
    # the line's own heading names the topic when its sentence does not
    ("2.推进药品集中带量采购。截至2023年底，全县所有的15家公立医疗机构均已参与，拨付结余留用资金32.5万元。",
     [("集中采购", "全县所有的", 15.0, "家", "15家"), ("集中采购", "拨付结余留用资金", 32.5, "万元", "32.5万元")]),
    # '5000余件' is a count; several figures after one '、' share the words before them
    ("1.创新医保经办服务方式。截至2023年底已线上办理5000余件，已将4大类、18项经办服务事项下沉。",
     [("经办服务", "线上办理", 5000.0, "件", "5000余件"), ("经办服务", "将", 4.0, "大类", "4大类"),
      ("经办服务", "将", 18.0, "项", "18项")]),
])
def test_service_figures(text, expected):
    rows = read(text)
    assert pick(rows.services, "topic", "measure", "value", "unit", "raw") == expected
    assert rows.budget == [] and rows.funds == [] and rows.enrollment == []


def test_service_figures_take_only_what_no_other_table_takes():
    rows = read("全年医疗救助支出救助资金1520万元，其中资助参保320万元，直接救助6230人次。")
    # the 医疗救助 fund's expenditure goes to funds; its part for subsidised enrolment and the
    # visits of direct aid to services
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("医疗救助", "支出", 1520.0)]
    assert pick(rows.services, "topic", "measure", "value", "unit") == [
        ("医疗救助", "资助参保", 320.0, "万元"), ("医疗救助", "直接救助", 6230.0, "人次")]


@pytest.mark.parametrize("text", [
    "参保人员可选择2家及以上定点医疗机构作为门诊慢特病定点医院。",  # a rule, not a result
    "确保每个乡镇至少有1家门诊统筹定点医疗机构。",  # an aim
    "医保经办窗口由原来的3个增设为5个。",  # a change, and the bare classifier 个
    "全市医保系统8名基金监管人员承担监管任务。",  # a head count of staff
    "经办服务项目预算金额18万元，实际执行金额17.5万元。",  # budget figures
    "参保覆盖面持续扩大，共举办培训班12期。",  # no service topic named
])
def test_not_service_figures(text):
    assert read(text).services == []


def test_a_fund_of_a_sentence_continues_and_its_subsidy_is_a_flow_of_its_own():
    rows = read("城乡居民医保基金收入1234.5万元，其中财政补助800.2万元；基金支出1100.3万元。"
                "医保基金总收入3.2亿元，其中：职工医保基金收入1.1亿元；基金总支出2.95亿元。")
    # '基金支出' continues the fund the sentence began with (居民医保; in the second, the total);
    # '其中财政补助' is the part of the income the government pays
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("居民医保", "收入", 1234.5), ("居民医保", "财政补助收入", 800.2), ("居民医保", "支出", 1100.3),
        ("合计", "收入", 32000.0), ("职工医保", "收入", 11000.0), ("合计", "支出", 29500.0)]


def test_a_rate_named_once_for_several_schemes():
    rows = read("住院费用政策范围内报销比例职工医保85.5%、居民医保70.2%，参保率稳定在95%以上。")
    # the scheme after the rate's name qualifies it; '、居民医保' gives the same rate for another scheme;
    # a verb after the name ('稳定在') does not
    assert pick(rows.rates, "name", "value_pct") == [
        ("住院费用政策范围内报销比例（职工医保）", 85.5), ("住院费用政策范围内报销比例（居民医保）", 70.2), ("参保率", 95.0)]


def test_procurement_budget_actual_and_its_share_for_small_firms():
    rows = read("2023年政府采购预算123.4万元，实际采购120.1万元，其中授予中小企业合同金额100.2万元。")
    assert pick(rows.budget, "stage", "item", "parent", "amount_wan") == [
        ("年初预算", "政府采购", "", 123.4), ("决算", "政府采购", "", 120.1),
        ("决算", "授予中小企业合同金额", "政府采购", 100.2)]


def test_supervision_figures_of_another_province():
    rows = read("全年共追回医保基金123.45万元，开展飞行检查3次，检查定点医药机构120家次，行政处罚4家，罚款8.2万元。")
    # a recovered amount is neither the fund's flow nor the department's spending ('全年' is no budget here)
    assert rows.budget == [] and rows.funds == []
    assert pick(rows.services, "topic", "measure", "value", "unit") == [
        ("基金监管", "追回医保基金", 123.45, "万元"), ("基金监管", "开展飞行检查", 3.0, "次"),
        ("基金监管", "检查定点医药机构", 120.0, "家次"), ("基金监管", "行政处罚", 4.0, "家"),
        ("基金监管", "罚款", 8.2, "万元")]


def test_budget_phrasings_of_other_provinces():
    # the actual of the item just named, not the department's total
    rows = read("2023年度“三公”经费预算3.5万元，实际支出2.86万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("年初预算", "三公经费", 3.5), ("决算", "三公经费", 2.86)]
    # '全年' alone names no budget line: money paid out of the fund is not the bureau's spending
    assert read("全年拨付定点医疗机构医保资金4.56亿元。").budget == []
    # another year's figure is not this report's (the report is on 2023)
    rows = read("2022年度部门决算支出1102.6万元，2023年度决算支出1198.32万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "支出合计", 1198.32)]
    # the 预算 of 一般公共预算 is a kind of budget, not a stage
    rows = read("2023年度部门收入总计1,256.78万元，其中一般公共预算财政拨款1200.50万元，其他收入56.28万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [
        ("决算", "收入总计", 1256.78), ("决算", "财政拨款收入", 1200.5), ("决算", "其他收入", 56.28)]


def test_fund_and_enrollment_phrasings_of_other_provinces():
    rows = read("全年收取职工医保费3.21亿元，城乡居民医保费2.6亿元。医疗救助资金到位4563万元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 32100.0), ("居民医保", "收入", 26000.0), ("医疗救助", "收入", 4563.0)]
    assert rows.budget == []
    # the fund's payment for one service is a part, not the fund's expense
    rows = read("全年跨省异地就医直接结算4.8万人次，涉及医疗费用1.56亿元，基金支付0.98亿元。")
    assert rows.funds == []
    assert pick(rows.services, "topic", "value", "unit") == [
        ("异地就医", 48000.0, "人次"), ("异地就医", 15600.0, "万元"), ("异地就医", 9800.0, "万元")]
    rows = read("资助特困人员、低保对象等困难群众参加城乡居民医保4.5万人。基本医疗保险参保人数38.65万，参保率95.6%。")
    assert pick(rows.enrollment, "scheme", "persons") == [("合计", 386500)]
    assert pick(rows.services, "topic", "measure", "value") == [("医疗救助", "资助参保人数", 45000.0)]
    # 万件 is ten thousand cases, not 万元
    rows = read("全年受理经办业务12.6万件，线上办理2.1万笔。")
    assert rows.budget == []
    assert pick(rows.services, "value", "unit") == [(126000.0, "件"), (21000.0, "笔")]


def test_enrolment_parts_in_brackets_and_a_project_named_in_a_department_report():
    rows = read("全县参保38.65万人，其中职工医保参保4.12万人（在职2.98万人，退休1.14万人），城乡居民医保参保34.53万人。")
    assert pick(rows.enrollment, "scheme", "persons") == [
        ("合计", 386500), ("职工医保", 41200), ("职工医保在职", 29800), ("职工医保退休", 11400), ("居民医保", 345300)]
    # one project's budget is not the department's total; the rate is still the report's
    rows = read("医保基金监管项目年初预算50万元，实际支出48.6万元，预算执行率97.2%。")
    assert rows.budget == []
    assert pick(rows.rates, "name", "value_pct") == [("预算执行率", 97.2)]


def test_full_year_totals_payments_to_providers_and_procurement_by_kind():
    rows = read("全年支出1198.32万元，其中基本支出856.21万元，项目支出342.11万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("支出合计", 1198.32), ("基本支出", 856.21), ("项目支出", 342.11)]
    # what the fund paid to designated hospitals is a part of its expense, not the whole
    rows = read("全年医保基金支付定点医疗机构住院费用5.23亿元，门诊费用1.86亿元。")
    assert rows.funds == [] and rows.budget == []
    assert pick(rows.services, "topic", "value") == [("定点管理", 52300.0), ("定点管理", 18600.0)]
    rows = read("政府采购预算12.5万元，实际采购金额11.86万元，其中货物类8.2万元，服务类3.66万元。")
    assert pick(rows.budget, "stage", "item", "parent", "amount_wan") == [
        ("年初预算", "政府采购", "", 12.5), ("决算", "政府采购", "", 11.86),
        ("决算", "政府采购货物", "政府采购", 8.2), ("决算", "政府采购服务", "政府采购", 3.66)]


def test_staff_assets_fund_parts_and_schemes_of_other_provinces():
    rows = read("我局核定编制25名，其中事务中心编制13名。县医疗保障事务中心实有人员13人。")
    assert pick(rows.staff, "org_unit", "category", "persons") == [
        (None, "编制数", 25), ("事务中心", "编制数", 13), ("县医疗保障事务中心", "实有人数", 13)]
    rows = read("城乡居民医保基金收入785,000,000元，其中个人缴费收入260,000,000元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("居民医保", "收入", 78500.0), ("居民医保", "个人缴费收入", 26000.0)]
    rows = read("长期护理保险参保人数38.6万人。截至2023年12月31日，我局固定资产原值268.4万元。")
    assert pick(rows.enrollment, "scheme", "persons") == [("长期护理保险", 386000)]
    assert pick(rows.assets, "item", "amount_wan") == [("固定资产", 268.4)]
