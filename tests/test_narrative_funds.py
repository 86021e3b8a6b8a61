"""Enrolment and fund figures in sentences, in the layouts of other provinces' disclosures
(evalkit.extract.narrative): wrapped PDF text, per-scheme fund disclosures, statistical
bulletins, social-insurance centres, and the guards on budget figures in sentences.

Every text is written for the test; the expected rows are worked out by hand
(亿元 × 10000 = 万元, 万人 × 10000 = persons).
"""

from __future__ import annotations

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.narrative import extract_narrative
from evalkit.extract.residue import residue_and_coverage


def read(text: str, year: int | None = 2023):
    ctx = ReportContext(document_from_text(text + "\n", "r"))
    return extract_narrative(ctx, year), ctx


def pick(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


# ------------------------------------------------------------------ wrapped text
def test_a_figure_cut_by_a_wrap_is_read_whole():
    # (the document joins the lines of a hard-wrapped paragraph on the line where it starts)
    text = ("职工医保基金收入 3.18 亿元，支出 2.74 亿元，当期结余 0.44 亿元，累计结余 4.\n"
            "96 亿元；城乡居民医保基金收入 52,8\n"
            "46 万元，支出 50,912 万元。")
    rows, ctx = read(text)
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 31800.0), ("职工医保", "支出", 27400.0), ("职工医保", "结余", 4400.0),
        ("职工医保", "累计结余", 49600.0), ("居民医保", "收入", 52846.0), ("居民医保", "支出", 50912.0)]
    assert rows.budget == []
    residue, _ = residue_and_coverage(ctx)
    assert residue == []


# -------------------------------------------------------------------- bulletins
BULLETIN = """（一）参保情况。2023年末，全市参加基本医疗保险412.36万人，比上年减少3.18万
人，参保率保持在95%以上。其中，职工基本医疗保险参保人数98.47万人，比上年增加2.06万
人；城乡居民基本医疗保险参保人数313.89万人，比上年减少5.24万人。

（二）基金收支。全年基本医疗保险（含生育保险）基金收入合计186.42亿元，较上年增
长6.8%；支出合计158.77亿元，增长9.1%；当期结存27.65亿元，年末累计结存223.18亿元。
职工医保基金（含生育保险）收入121.36亿元，支出98.05亿元，当期结存23.31亿元，累计结
存176.52亿元，其中个人账户累计结存61.40亿元。

2023年全市医疗救助资金支出6.82亿元，资助参加基本医疗保险38.6万人，实施门诊和住院救
助156.3万人次。"""


def test_a_bulletin_of_a_city():
    rows, _ = read(BULLETIN, year=None)  # a bulletin whose year the metadata did not find
    # changes (比上年减少3.18万人) are no head counts; 参加基本医疗保险 is enrolment; the year is the
    # one the paragraph opens with ('2023年末'), carried to the next paragraph
    assert pick(rows.enrollment, "year", "scheme", "persons") == [
        (2023, "合计", 4123600), (2023, "职工医保", 984700), (2023, "居民医保", 3138900)]
    # subsidised enrolment is a part of a scheme, counted by 医疗救助: a service figure, never enrollment
    assert [(r["topic"], r["measure"], r["value"]) for r in rows.services if r["measure"] == "资助参保人数"] == [
        ("医疗救助", "资助参保人数", 386000.0)]
    # '（含生育保险）' qualifies the fund, it is not the scheme; 当期结存/累计结存 are 结余/累计结余
    assert pick(rows.funds, "year", "scheme", "flow", "amount_wan") == [
        (2023, "合计", "收入", 1864200.0), (2023, "合计", "支出", 1587700.0),
        (2023, "合计", "结余", 276500.0), (2023, "合计", "累计结余", 2231800.0),
        (2023, "职工医保", "收入", 1213600.0), (2023, "职工医保", "支出", 980500.0),
        (2023, "职工医保", "结余", 233100.0), (2023, "职工医保", "累计结余", 1765200.0),
        (2023, "职工医保个人账户", "累计结余", 614000.0),
        (2023, "医疗救助", "支出", 68200.0)]
    assert rows.budget == []


def test_the_year_a_sentence_opens_with():
    rows, _ = read("截至2022年底，全县基本医疗保险参保38.1万人。职工医保基金收入2.1亿元。")
    assert pick(rows.enrollment, "year", "persons") == [(2022, 381000)]
    assert pick(rows.funds, "year", "amount_wan") == [(2023, 21000.0)]  # no year: the fiscal year


# ------------------------------------------------------------ fund disclosures
def test_a_fund_disclosure_with_sub_items_and_a_deficit():
    rows, _ = read(
        "（一）收入情况 2023年度职工基本医疗保险基金收入19862万元，其中：基本医疗保险费收入18104万元，"
        "利息收入612万元，财政补贴收入827万元，转移收入301万元，其他收入18万元。（二）支出情况 2023年度"
        "职工基本医疗保险基金支出16437万元，其中：基本医疗保险待遇支出16059万元，其他支出95万元，转移支出283万元。"
        "（三）结余情况 2023年度职工基本医疗保险基金当期结余3425万元，累计结余58216万元，其中：统筹基金累计结余"
        "33940万元，个人账户基金累计结余24276万元。城乡居民基本医疗保险基金当期赤字363万元，累计结余11894万元。")
    # sub-items are no scheme totals (evalkit keeps 财政补助收入 as a flow of its own, never as 收入)
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保", "收入", 19862.0), ("职工医保", "财政补助收入", 827.0), ("职工医保", "支出", 16437.0),
        ("职工医保", "结余", 3425.0), ("职工医保", "累计结余", 58216.0),
        ("职工医保统筹基金", "累计结余", 33940.0), ("职工医保个人账户", "累计结余", 24276.0),
        ("居民医保", "结余", -363.0), ("居民医保", "累计结余", 11894.0)]
    deficit = rows.funds[-2]
    assert deficit["raw"] == "363万元" and "赤字" in deficit["note"]
    assert rows.budget == []


def test_pooled_fund_and_a_subsidy_of_other_governments():
    rows, _ = read("2023年末全区职工医保参保27.65万人、城乡居民医保参保58.31万人，合计85.96万人；职工医保统筹基金"
                   "收入32.64亿元，支出28.90亿元。全年争取中央和市级医疗救助补助资金4,376万元，全部拨入医疗救助基金专户。")
    assert pick(rows.enrollment, "scheme", "persons") == [("职工医保", 276500), ("居民医保", 583100),
                                                           ("合计", 859600)]
    assert pick(rows.funds, "scheme", "flow", "amount_wan") == [
        ("职工医保统筹基金", "收入", 326400.0), ("职工医保统筹基金", "支出", 289000.0)]
    assert rows.budget == []  # another government's money is neither a fund flow nor the budget


def test_transfer_notes_inside_a_total_are_no_flows():
    rows, _ = read("备注：职工基本医疗保险本年基金累计收入含市级统筹下拨资金152300万元，"
                   "本年基金累计支出含市级统筹上解资金138760万元。")
    assert rows.funds == [] and rows.budget == []


# --------------------------------------------------- social insurance centres
def test_pension_unemployment_and_injury_insurance_give_no_rows():
    rows, _ = read(
        "截至2023年底，全区企业职工基本养老保险参保人数186,352人，城乡居民基本养老保险参保人数274,906人；"
        "工伤保险参保人数96,218人；失业保险参保人数58,631人。全年企业职工基本养老保险基金收入31.26亿元，"
        "支出38.94亿元；工伤保险基金收入1.18亿元，支出0.96亿元。\n"
        "2023年度支出总计2,318.64万元，其中：基本支出1,602.87万元。")
    assert rows.enrollment == [] and rows.funds == []
    # the centre's own budget still counts
    assert pick(rows.budget, "item", "amount_wan") == [("支出总计", 2318.64), ("基本支出", 1602.87)]


def test_populations_given_roughly_and_planned_enrolment_are_no_head_counts():
    rows, _ = read("承担参保登记等工作，服务全县参保群众约46万人。对全县计划参保的29640名城乡居民给予财政补助。")
    assert rows.enrollment == []


# ------------------------------------------------- budget figures in sentences
def test_a_part_of_the_department_is_not_the_department():
    rows, _ = read("本部门（含下属单位）2023年度收入总计1,742.63万元，支出总计1,742.63万元。"
                   "其中局本级收入总计1,108.37万元、支出总计1,108.37万元。")
    assert pick(rows.budget, "item", "amount_wan") == [("收入总计", 1742.63), ("支出总计", 1742.63)]


def test_三公_figures_funded_by_财政拨款_and_a_budget_subject_line():
    rows, _ = read(
        "2023年“三公”经费财政拨款预算为8.50万元，支出决算为5.37万元。\n"
        "2023年度一般公共预算财政拨款支出年初预算为1,320.00万元，支出决算为1,475.91万元。其中：社会保障和就业"
        "支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）年初预算为86.40万元，支出决算为88.12万元。\n"
        "2023年度一般公共预算财政拨款基本支出905.47万元，其中：人员经费812.36万元。")
    assert pick(rows.budget, "stage", "item", "funding", "amount_wan") == [
        ("年初预算", "三公经费", None, 8.5), ("决算", "三公经费", None, 5.37),
        ("年初预算", "财政拨款支出", None, 1320.0), ("决算", "财政拨款支出", None, 1475.91),
        ("决算", "基本支出", "财政拨款", 905.47), ("决算", "人员经费", "财政拨款", 812.36)]


def test_三公_spending_over_the_whole_year():
    rows, _ = read("“三公”经费年初预算12.60万元，全年支出9.84万元，较预算节约2.76万元。")
    assert pick(rows.budget, "stage", "item", "amount_wan") == [("年初预算", "三公经费", 12.6),
                                                                  ("决算", "三公经费", 9.84)]


def test_changes_targets_and_money_spent():
    rows, _ = read("子项目立项论证不充分，年中调减预算340.00万元。")
    assert rows.budget == []
    rows, _ = read("项目支出预算目标≥50万元。")
    assert rows.budget == []
    rows, _ = read("项目名称：城乡医疗救助资金\n截至年底，本项目共完成预算资金89.97万元。")
    assert pick(rows.budget, "scope", "stage", "amount_wan") == [("城乡医疗救助资金", "决算", 89.97)]
    # the same sentence where the scope is the department: a project's money, not its total
    rows, _ = read("截至年底，本项目共完成预算资金89.97万元。")
    assert rows.budget == []


def test_one_figure_for_both_totals_and_a_total_all_of_one_kind():
    rows, _ = read("2023年度收、支总计986.74万元。与上年相比，收、支总计各增加42.15万元。"
                   "本年收入合计952.30万元，全部为一般公共预算财政拨款收入。"
                   "2023年财政拨款收入、支出总计均为940.00万元。")
    # '各增加' is a change; '财政拨款收入、支出总计' are not the department's 收入总计/支出总计
    assert pick(rows.budget, "item", "amount_wan") == [
        ("收入总计", 986.74), ("支出总计", 986.74), ("收入合计", 952.3), ("财政拨款收入", 952.3)]


def test_a_fund_payment_for_one_service_is_not_the_funds_expense():
    rows, _ = read("全年救治新冠肺炎患者326人次，医保基金支付1,200万元。")
    assert rows.funds == [] and rows.budget == []
