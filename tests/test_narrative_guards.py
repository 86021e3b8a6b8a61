"""Guards of the sentence reader against wrong figures (evalkit.extract.narrative).

Each case is a sentence written for the test, in the words of real reports but never their text;
the expected rows are worked out by hand. A guard that is unsure leaves the figure to the residue:
the expected rows are then empty.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.narrative import extract_narrative


def read(text: str, year: int | None = 2023):
    return extract_narrative(ReportContext(document_from_text(text + "\n", "g")), year)


def pick(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


# ----------------------------------------------------------------------------- the year of a clause
@pytest.mark.parametrize("sentence,expected", [
    # a later clause opening with its own year (after '；') is about that year
    ("截至2021年末，全市参保人数62.10万人；截至2022年末，全市参保人数61.35万人。",
     [(2021, 621000), (2022, 613500)]),
    # a year that is a clause of its own ('2022年，') dates what follows it
    ("2021年，全区参保人数20.5万人，2022年，参保人数21.3万人。", [(2021, 205000), (2022, 213000)]),
    # '较2021年' opens no clause: the figure keeps the year the sentence opens with
    ("2022年全区参保人数21.3万人，较2021年的20.5万人有所回落。", [(2022, 213000), (2021, 205000)]),
])
def test_the_year_of_a_later_clause(sentence, expected):
    assert pick(read(sentence, 2022).enrollment, "year", "persons") == expected


def test_the_year_of_a_later_clause_of_a_fund():
    rows = read("2021年，全市医保基金收入9.05亿元；2022年，基金收入9.61亿元，支出8.83亿元。", 2022)
    assert pick(rows.funds, "year", "flow", "amount_wan") == [
        (2021, "收入", 90500.0), (2022, "收入", 96100.0), (2022, "支出", 88300.0)]


# ----------------------------------------------------------------------------------------- targets
def test_a_sentence_of_targets_gives_no_actuals():
    rows = read("年度目标：参保人数不少于36万人，基金支出不超过5.2亿元，项目支出120.5万元。")
    assert rows.enrollment == [] and rows.funds == [] and rows.budget == [] and rows.services == []


@pytest.mark.parametrize("sentence", [
    "全区基本医疗保险参保人数不低于30万人。",
    "居民医保基金支出不超过3.6亿元。",
])
def test_a_target_before_a_head_count_or_a_fund_figure(sentence):
    rows = read(sentence)
    assert rows.enrollment == [] and rows.funds == []


# ------------------------------------------------------------------------------- other insurances
def test_a_list_of_insurances_matched_by_position_gives_no_head_count():
    # the pension figure and the medical figure are told apart by position only: no row is safer
    rows = read("全区城乡居民养老保险和基本医疗保险参保人数分别为18.20万人和25.67万人。")
    assert rows.enrollment == []


def test_the_medical_head_count_after_a_pension_head_count_is_kept():
    rows = read("全区养老保险参保人数18.2万人，医疗保险参保人数25.67万人。")
    assert pick(rows.enrollment, "scheme", "persons") == [("合计", 256700)]


# ------------------------------------------------------------------------ other governments' money
def test_money_won_from_a_list_of_higher_governments():
    rows = read("2023年，争取中央、省级医疗救助补助资金432万元，全区医疗救助支出905万元。")
    # 432: another government's money (no fund flow, no budget); 905: the fund's expense
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("医疗救助", "支出", 905.0)]
    assert rows.budget == []
    # kept as a service figure of 医疗救助, named by the whole list
    assert pick(rows.services, "measure", "value") == [("争取中央、省级医疗救助补助资金", 432.0)]


def test_a_provincial_subsidy_is_no_budget_of_the_department():
    rows = read("收到省级医疗救助补助资金120万元。")
    assert rows.budget == [] and rows.funds == []


# ------------------------------------------------------------------------- a project's own money
@pytest.mark.parametrize("sentence", [
    "参保扩面宣传项目预算资金不低于12万元，实际完成预算资金11.4万元。",
    "本年度实施“医保信息化提升”项目，年初预算40万元，实际完成预算资金38.2万元。",
])
def test_a_projects_money_is_not_the_departments_total(sentence):
    assert read(sentence).budget == []


def test_the_departments_total_after_a_projects_sentence_is_kept():
    rows = read("本年度实施“医保信息化提升”项目，年初预算40万元。2023年部门支出合计612.8万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "支出合计", 612.8)]


# --------------------------------------------------------------------- parts of the department
def test_a_list_of_the_parts_names_the_whole_department():
    rows = read("我局2023年部门决算汇总局本级和下属医保服务中心，收入合计701.5万元，支出合计698.2万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("收入合计", 701.5), ("支出合计", 698.2)]


def test_each_part_of_the_department_gives_no_row():
    rows = read("局本级收入合计410.6万元，下属医保服务中心收入合计290.9万元。")
    # neither figure is the department's; 医保 of the unit's name names no fund
    assert rows.budget == [] and rows.funds == []


# ------------------------------------------------------------ a fund of an earlier sentence
def test_a_fund_of_an_earlier_sentence_does_not_claim_the_departments_income():
    rows = read("全区医保基金收入6.02亿元。我局2023年收入合计512.3万元，其中财政拨款收入500.3万元，其他收入12万元。")
    assert pick(rows.funds, "flow", "amount_wan") == [("收入", 60200.0)]
    assert pick(rows.budget, "item", "amount_wan") == [
        ("收入合计", 512.3), ("财政拨款收入", 500.3), ("其他收入", 12.0)]


def test_a_fund_part_of_the_same_sentence_gives_no_row():
    rows = read("城乡居民医保基金收入41000万元，其中：利息收入350万元，其他收入120万元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("居民医保", "收入", 41000.0)]
    assert rows.budget == []


# ---------------------------------------------------------------------- figures given roughly
@pytest.mark.parametrize("sentence,expected", [
    ("2023年全区基本医疗保险参保人数约36.27万人。", [("合计", 362700)]),  # decimals: exact
    ("全区常住人口约40万人，参保人数38.71万人。", [("合计", 387100)]),  # a rough population
    ("服务全区参保群众约38万人。", []),
])
def test_约_before_a_figure_with_decimals_is_exact(sentence, expected):
    assert pick(read(sentence).enrollment, "scheme", "persons") == expected


# ----------------------------------------------------------------------- pooled funds, payments
def test_a_bare_pooled_fund_without_the_employees_scheme_is_unsure():
    rows = read("全年为参保患者支付医保基金3.8亿元，其中住院统筹基金支付2.6亿元。")
    # the payment to patients is the fund's expense; whose pooled fund paid 2.6 is unsure
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("合计", "支出", 38000.0)]


def test_a_bare_pooled_fund_beside_individual_accounts_is_the_employees():
    rows = read("统筹基金支出0.92亿元，个人账户支出0.35亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保统筹基金", "支出", 9200.0), ("职工医保个人账户", "支出", 3500.0)]


def test_a_payment_for_covid_treatment_is_no_flow():
    rows = read("居民医保基金支出3.3亿元，其中用于新冠患者救治0.1亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("居民医保", "支出", 33000.0)]


# ------------------------------------------------------------------------------ transfer notes
@pytest.mark.parametrize("text", [
    "三、医疗救助\n本年基金累计收入含市级统筹下拨资金98100万元。",
    "三、医疗救助\n医疗救助资金收入含上级下拨资金210万元。",
])
def test_a_transfer_note_inside_a_fund_sentence_gives_no_row(text):
    rows = read(text)
    assert rows.funds == [] and rows.services == [] and rows.budget == []


# ------------------------------------------------------------------- a fund's budget and actuals
def test_a_funds_budget_is_no_flow_and_its_actuals_no_department_budget():
    rows = read("2023年职工医保基金预算收入2.6亿元，实际收入2.58亿元；预算支出2.4亿元，实际支出2.31亿元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 25800.0), ("职工医保", "支出", 23100.0)]
    assert rows.budget == []


# ---------------------------------------------------- a stage of a figure that gave no row
def test_the_stage_of_a_sentence_about_another_year_does_not_carry_over():
    rows = read("2024年部门预算安排705万元。2023年基本支出498.3万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "基本支出", 498.3)]


# ------------------------------------------------------------------- the subject of a sentence
def test_a_sentence_about_an_item_spends_that_item():
    rows = read("二是“三公”经费控制严格，全年支出4.7万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "三公经费", 4.7)]


def test_an_item_named_inside_a_sentence_leaves_its_whole_year_figure_unsure():
    rows = read("我局压减公用经费，全年支出701万元。")
    assert rows.budget == []


# ----------------------------------------------------------------------- additions and subsidies
@pytest.mark.parametrize("sentence", [
    "2023年新增参保人数0.8万人。",
    "2024年2月净增参保0.2万人。",
])
def test_an_addition_is_no_head_count(sentence):
    assert read(sentence).enrollment == []


def test_an_addition_of_institutions_stays_a_service_figure():
    rows = read("四、定点管理\n全年新增定点医药机构12家。")
    assert pick(rows.services, "measure", "value") == [("新增定点医药机构", 12.0)]


def test_groups_subsidised_after_the_figures_are_no_head_counts():
    rows = read("全区参保人数30.12万人，其中脱贫人口参保1.6万人，低保对象0.4万人，均由医疗救助资助参保。")
    assert pick(rows.enrollment, "scheme", "persons") == [("合计", 301200)]


def test_a_subsidised_figure_after_a_semicolon_does_not_touch_the_parts_before():
    rows = read("全区参保人数30.12万人，其中职工医保参保人数4.1万人；资助困难群众参保3120人。")
    assert pick(rows.enrollment, "scheme", "persons") == [("合计", 301200), ("职工医保", 41000)]
    assert pick(rows.services, "measure", "value") == [("资助参保人数", 3120.0)]


# ------------------------------------------------------------- the fund a paragraph is about
def test_a_bare_fund_flow_in_a_later_sentence_is_the_paragraphs_fund():
    rows = read("2022年，城乡居民基本医疗保险基金收入30.20亿元，比上年增长4.1%。基金支出28.75亿元。"
                "当期结余1.45亿元，累计结余20.06亿元。", 2022)
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("居民医保", "收入", 302000.0), ("居民医保", "支出", 287500.0),
        ("居民医保", "结余", 14500.0), ("居民医保", "累计结余", 200600.0)]


def test_medical_aid_money_for_premiums_is_no_flow_of_the_scheme():
    # '资助参加基本医疗保险0.64亿元' is 医疗救助 spending premiums, not 基本医疗保险's expense
    rows = read("2022年，全市医疗救助基金支出2.43亿元。其中，资助参加基本医疗保险0.64亿元，资助11.82万人。", 2022)
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [("医疗救助", "支出", 24300.0)]
    assert all(r["persons"] != 118200 for r in rows.enrollment)


# ------------------------------------------------------------- a project's funds in sentences
def _project_report(text: str, kind: str | None = None):
    ctx = ReportContext(document_from_text("项目名称：城乡医疗救助补助资金\n" + text + "\n", "g"))
    ctx.report_kind = kind
    return extract_narrative(ctx, 2023)


def test_a_projects_funding_parts_in_a_sentence():
    rows = _project_report("2023年项目年初预算安排资金共计1,500.00万元，其中：中央补助资金900.00万元，"
                           "省级补助资金400.00万元，县级资金200.00万元。项目实际支出1,436.20万元，结余63.80万元结转下年使用。")
    assert pick(rows.budget, "scope", "stage", "item", "amount_wan") == [
        ("城乡医疗救助补助资金", "年初预算", "支出合计", 1500.0),
        ("城乡医疗救助补助资金", "年初预算", "中央财政资金", 900.0),
        ("城乡医疗救助补助资金", "年初预算", "省级财政资金", 400.0),
        ("城乡医疗救助补助资金", "年初预算", "县级财政资金", 200.0),
        ("城乡医疗救助补助资金", "决算", "支出合计", 1436.2),
        # the 63.80 a project left unspent is no line of its funds: it stays in the residue
    ]


def test_an_evaluators_budget_arrangement_is_the_adjusted_budget():
    rows = _project_report("2023年项目预算安排资金1,500.00万元，项目实际支出1,436.20万元。", kind="第三方绩效评价")
    assert pick(rows.budget, "stage", "amount_wan") == [("调整预算", 1500.0), ("决算", 1436.2)]
    rows = _project_report("2023年项目预算安排资金1,500.00万元，项目实际支出1,436.20万元。", kind="项目支出绩效自评")
    assert pick(rows.budget, "stage", "amount_wan") == [("年初预算", 1500.0), ("决算", 1436.2)]


# ------------------------------------------------------------- words of the hold-out documents' families
def test_income_stated_with_a_stage_word_is_the_income_total():
    rows = read("2023年度部门收入决算1,305.46万元，较调整预算减少13.26万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("决算", "收入合计", 1305.46)]


def test_income_short_of_expense_is_a_negative_balance():
    rows = read("2023年城乡居民医保基金收入52,160万元，支出53,490万元，当期收不抵支1,330万元。")
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("居民医保", "收入", 52160.0), ("居民医保", "支出", 53490.0), ("居民医保", "结余", -1330.0)]


def test_a_deduction_of_persons_is_no_enrollment():
    rows = read("全县参保人数43.01万人（已剔除跨统筹区重复参保人员0.21万人）。")
    assert pick(rows.enrollment, "scheme", "persons") == [("合计", 430100)]


def test_an_income_naming_its_appropriation_sets_no_funding_for_what_follows():
    rows = read("2023年度收入合计960.00万元，其中：政府性基金预算财政拨款收入0.00万元，其他收入12.50万元。")
    assert [(r["item"], r["funding"]) for r in rows.budget if r["item"] == "其他收入"] == [("其他收入", None)]


def test_a_service_figure_after_a_list_is_named_by_the_list():
    rows = read("指导辖区内机构积极参加省际采购联盟组织的中成药、生化试剂、冠脉球囊等9批次集中带量采购。")
    assert pick(rows.services, "measure", "value") == [("中成药、生化试剂、冠脉球囊等", 9.0)]


def test_an_evaluators_initial_budget_arrangement_stays_the_initial_budget():
    rows = _project_report("2023年项目年初预算安排资金1,500.00万元，项目实际支出1,436.20万元。", kind="第三方绩效评价")
    assert pick(rows.budget, "stage", "amount_wan") == [("年初预算", 1500.0), ("决算", 1436.2)]


def test_a_target_sentence_after_another_sentence_gives_no_figure():
    # '年度目标：' opens the second sentence of the line: its figures are targets, never actuals
    # (the pattern was anchored at the line's start, so only a line's first sentence was seen)
    out = read("2023年参保人数达到43.2万人。年度目标：参保人数不少于45万人，基金支出控制在3亿元以内。")
    assert pick(out.enrollment, "scheme", "persons") == [("合计", 432000)]
    assert out.funds == []
