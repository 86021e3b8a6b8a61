"""Sentence families of the fourth hold-out batch (tests/fixtures/holdout/hd-*): persons whose
enrolment was subsidised, named before the clause says 参保; a fund's own global budget; the
premiums a department pays for its staff. Each expectation worked out from the sentence."""

from __future__ import annotations

import evalkit


def read(tmp_path, sentence: str):
    path = tmp_path / "r.txt"
    path.write_text("某县医疗保障局2023年度城乡居民医保补助资金绩效评价报告\n" + sentence + "\n", encoding="utf-8")
    return evalkit.read_report(path)


def test_subsidised_persons_named_before_the_word_enrolment(tmp_path):
    r = read(tmp_path, "年末全县城乡居民医保参保人数31.52万人；全县资助0.87万名特困人员和低保对象参保。")
    assert r.enrollment[["scheme", "persons"]].values.tolist() == [["居民医保", 315200]]
    assert r.services[["topic", "measure", "value"]].values.tolist() == [["医疗救助", "资助参保人数", 8700.0]]


def test_a_funds_global_budget_is_no_budget_of_the_department(tmp_path):
    r = read(tmp_path, "医共体实行医保基金总额预算管理，全年医保基金总额预算3.18亿元。"
                       "本部门政府性基金预算财政拨款收入0万元。")
    assert r.budget[["item", "amount_wan"]].values.tolist() == [["政府性基金收入", 0.0]]  # the department's own


def test_premiums_paid_for_staff_are_no_fund_flow(tmp_path):
    r = read(tmp_path, "基本支出中含为在职职工缴纳的职工基本医疗保险费97.35万元。")
    assert r.funds.empty


def test_the_totals_of_the_appropriation_alone_carry_its_funding(tmp_path):
    """'财政拨款收入总计' is the total of 财政拨款 alone (carry-overs included), not the department's
    收入总计; '年初财政拨款结转和结余' is last year's carry-over (上年结转结余) of 财政拨款; '本年财政拨款支出'
    is an expense. (A report on the department: a project's report would leave out what the
    project carries over, 年末结转结余.)"""
    path = tmp_path / "dept.txt"
    path.write_text("某县医疗保障局2023年度部门整体支出绩效评价报告\n"
                    "2023年度财政拨款收入总计812.50万元，其中年初财政拨款结转和结余20.10万元，"
                    "本年财政拨款收入792.40万元；本年财政拨款支出790.00万元，年末财政拨款结转和结余22.50万元。\n",
                    encoding="utf-8")
    r = evalkit.read_report(path)
    rows = r.budget[["item", "funding", "amount_wan"]].astype(object).where(r.budget[["item", "funding", "amount_wan"]].notna(), None)
    assert rows.values.tolist() == [
        ["收入总计", "财政拨款", 812.5],
        ["上年结转结余", "财政拨款", 20.1],
        ["财政拨款收入", "财政拨款", 792.4],  # (said in the paragraph of the 财政拨款 totals)
        ["财政拨款支出", "财政拨款", 790.0],
        ["年末结转结余", "财政拨款", 22.5],
    ]


def test_past_a_semicolon_a_bare_flow_is_the_sentences_fund_not_the_part_just_named(tmp_path):
    r = read(tmp_path, "2024年，职工基本医疗保险基金收入12.40亿元，其中统筹基金收入8.10亿元；支出10.90亿元；"
                       "累计结余20.00亿元，其中统筹基金累计结余13.00亿元。")
    got = r.funds[["scheme", "flow", "amount_wan"]].values.tolist()
    assert got == [["职工医保", "收入", 124000.0], ["职工医保统筹基金", "收入", 81000.0],
                   ["职工医保", "支出", 109000.0], ["职工医保", "累计结余", 200000.0],
                   ["职工医保统筹基金", "累计结余", 130000.0]]


def test_money_granted_to_medical_aid_is_not_its_spending(tmp_path):
    r = read(tmp_path, "2023年全省城乡医疗救助补助资金共3.20亿元，已全部下达。全年医疗救助支出1.20亿元。")
    assert r.funds[["scheme", "flow", "amount_wan"]].values.tolist() == [["医疗救助", "支出", 12000.0]]


def test_a_bare_head_count_equal_to_a_schemes_is_the_same_figure_said_again(tmp_path):
    r = read(tmp_path, "年末全县城乡居民医保参保人数31.52万人。项目产出方面，全县参保人数31.52万人，完成年度目标。")
    assert r.enrollment[["scheme", "persons"]].values.tolist() == [["居民医保", 315200]]
    assert r.residue.empty  # the second 31.52 is accounted for, not left over


def test_a_funds_section_heading_names_the_fund_of_its_numbered_lines(tmp_path):
    """Batch E: '（一）职工基本医疗保险基金（不含生育保险）' over '1.基金收入…', '3.当期结余…': the
    section's fund (its remark in brackets names none); a group of a scheme's head count after
    其中 is no row."""
    path = tmp_path / "r.txt"
    path.write_text("某县医疗保障局关于2022年度基本医疗保险基金收支情况的公告\n\n"
                    "城乡居民基本医疗保险参保200,000人，其中成年人150,000人，未成年人50,000人。\n\n"
                    "（一）职工基本医疗保险基金（不含生育保险）\n\n1.基金收入1,000.50万元。\n\n"
                    "2.基金支出900.25万元。\n\n3.当期结余100.25万元。\n\n（二）城乡居民基本医疗保险基金\n\n"
                    "1.基金收入2,000.00万元。\n", encoding="utf-8")
    r = evalkit.read_report(path)
    assert r.funds[["scheme", "flow", "amount_wan"]].values.tolist() == [
        ["职工医保", "收入", 1000.5], ["职工医保", "支出", 900.25], ["职工医保", "结余", 100.25],
        ["居民医保", "收入", 2000.0]]
    assert r.enrollment[["scheme", "persons"]].values.tolist() == [["居民医保", 200000]]
    assert r.reports.loc[0, "report_kind"] == "基金决算"  # a 公告 of a fund's 收支: the fund's accounts


def test_a_hospitals_settlement_report_gives_no_fund_flows(tmp_path):
    """Batch E: a hospital's report of what the fund paid it ('统筹基金支付…万元', a settlement
    table) is no flow of the fund; the county's enrollment it quotes still counts."""
    path = tmp_path / "r.md"
    path.write_text("# 禾丰县人民医院2023年度医保基金使用及结算情况报告\n\n"
                    "据县医疗保障局公布，截至2023年12月31日，全县基本医疗保险参保30.12万人。\n\n"
                    "2023年度实际统筹基金支付9,876.54万元，全年医保结算医疗总费用15,432.10万元。\n\n"
                    "| 险种 | 统筹基金支付 | 个人账户支付 |\n|---|---|---|\n| 职工医保 | 2,100.00 | 300.00 |\n"
                    "| 居民医保 | 7,776.54 | 0.00 |\n", encoding="utf-8")
    r = evalkit.read_report(path)
    assert r.reports.loc[0, "department"] == "禾丰县人民医院"
    assert r.funds.empty
    assert r.enrollment[["scheme", "persons"]].values.tolist() == [["合计", 301200]]
