"""Layout families of the third hold-out batch, on small invented fixtures.

* a project form copied out of a spreadsheet as tab-separated text, whose label cells hold a
  line break (the row goes on on the next line with the label's tail), qualitative rows, and a
  说明 below it ('年初预算…，另有上年结转…');
* a PDF report whose sentence breaks over a page number and a running header printing the
  title again, and whose space-separated score table wraps a name (with its level cell in front);
* metadata: a grade stated as '自评结果为“优”' or in the last cell of the 总分 row, a grading rule
  ('综合得分90分（含）以上为“优”') before the score, the city in '位于某省某市某县' or in a
  填报单位 name, a joint 通报 on fund figures (其他), a work summary (year in its title, province of
  the provincial body that rates it, its 主要指标 list no indicator table).

All names and figures are invented (tests/fixtures/holdoutc_*).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.document import document_from_text
from evalkit.extract.metadata import extract_metadata
from evalkit.readers.textfix import repair_lines

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str):
    return evalkit.read_report(FIXTURES / name)


def _meta(text: str) -> dict:
    return extract_metadata(document_from_text(text, "t"), [])


# ------------------------------------------------------------------ tab form, wrapped labels
@pytest.fixture(scope="module")
def tab_form():
    return _read("holdoutc_tab_wrapped_labels.txt")


def test_wrapped_label_cells_are_one_row(tab_form):
    ind = tab_form.indicators
    rows = ind[ind.level1 != "预算执行率"]
    assert rows.level3.tolist() == [
        "高血压患者季度随访人次", "糖尿病患者规范管理（含并发症筛查）人数", "随访记录规范性",
        "慢病患者自我管理能力提升情况", "随访对象满意度",
    ]
    wrapped = rows[rows.level3 == "糖尿病患者规范管理（含并发症筛查）人数"].iloc[0]
    assert (wrapped.level1, wrapped.level2, wrapped.weight, wrapped.score) == ("产出指标", "数量指标", 15, 14)
    assert (wrapped.target_raw, wrapped.actual_raw) == ("≥900人", "873人")
    assert wrapped.source.endswith(":15")  # the line of its name cell
    quali = rows[rows.level3 == "慢病患者自我管理能力提升情况"].iloc[0]
    assert (quali.level2, quali.target_raw, quali.actual_raw, quali.score) == ("社会效益指标", "逐步提升", "有所提升", 18)
    assert rows.weight.sum() + 10 == 100 and rows.score.sum() + 9.6 == pytest.approx(94.6)


def test_carry_over_beside_the_initial_budget_has_no_stage(tab_form):
    b = tab_form.budget
    carry = b[b.item == "上年结转结余"]
    assert sorted(carry.stage) == ["决算", "调整预算"]  # the form's two cells; '另有上年结转3.50万元' gives none
    assert not carry.source.str.endswith(":24").any()


def test_tab_rows_of_full_width_are_not_joined():
    lines = ["a\tb\tc", "x\t1\t2", "\t\t名称头", "尾部\t3\t4", "y\t5\t6"]
    # (width 3: '\t\t名称头' has 3 fields already, the next line is a row of its own)
    assert repair_lines(lines).lines == lines


# ------------------------------------------------------------- PDF text, running title header
@pytest.fixture(scope="module")
def pdf_report():
    return _read("holdoutc_pdf_running_title.txt")


def test_sentence_joined_across_page_number_and_title_header(pdf_report):
    f = pdf_report.funds
    got = {(r.scheme, r.flow): r.amount_wan for r in f.itertuples()}
    assert got == {("职工医保统筹基金", "收入"): 41215.30, ("职工医保统筹基金", "支出"): 37406.12,
                   ("职工医保统筹基金", "结余"): 3809.18, ("职工医保统筹基金", "累计结余"): 30127.44}
    assert set(f.source) == {"holdoutc_pdf_running_title:8"}


def test_title_line_is_no_running_header_when_not_next_to_a_page_number():
    lines = ["某县医疗保障局2023年度部门整体支出绩效自评报告", "一、基本情况",
             "某县医疗保障局2023年度部门整体支出绩效自评报告"]
    assert repair_lines(lines).lines == lines


def test_wrapped_name_with_its_level_cell_in_a_space_table(pdf_report):
    ind = pdf_report.indicators
    assert len(ind) == 5
    row = ind[ind.level2 == "质量指标"].iloc[0]
    assert (row.level1, row.level3, row.weight, row.target_raw, row.actual_raw, row.score) == (
        "产出指标", "职工医保政策范围内住院费用基金支付比例", 20, "≥80%", "81.6%", 20)
    assert ind.level3.tolist()[2:] == ["医保待遇按时结算率", "异地就医住院费用直接结算率", "参保群众满意度"]


def test_grade_stated_as_self_evaluation_result(pdf_report):
    rep = pdf_report.reports.iloc[0]
    assert (rep.total_score, rep.grade, rep.city) == (92.5, "优", "江陵市")


# --------------------------------------------------------------------------------- metadata
def test_grade_in_the_total_rows_last_cell():
    text = ("# 项目支出绩效自评表\n\n（2024年度）\n\n| 项目名称 | 某县学生资助补助资金 | | |\n|---|---|---|---|\n"
            "| 一级指标 | 三级指标 | 分值 | 得分 |\n| 产出指标 | 资助人数 | 100 | 97.5 |\n"
            "| 总分 | | 100 | 97.5 | 自评等级：优 |\n")
    rep = _meta(text)
    assert (rep["total_score"], rep["grade"]) == (97.5, "优")


def test_grading_rule_is_no_score_and_city_from_place_path():
    text = ("柳川县医疗保障事务中心2024年度部门整体支出绩效评价报告\n评价机构：某某会计师事务所（特殊普通合伙）\n"
            "一、基本情况\n柳川县医疗保障事务中心为柳川县医疗保障局所属事业单位，位于甘肃省定川市柳川县，负责医保经办。\n"
            "二、评价结论\n评价结果分为四个等级：综合得分90分（含）以上为“优”，80分（含）至90分为“良”。\n"
            "经评价，该中心2024年度部门整体支出绩效评价综合得分84.6分，评价等级为“良”。\n")
    rep = _meta(text)
    assert (rep["total_score"], rep["grade"]) == (84.6, "良")
    assert (rep["province"], rep["city"], rep["county"]) == ("甘肃省", "定川市", "柳川县")


def test_city_from_the_filing_units_name():
    text = ("项目支出绩效自评表\n（2024年度）\n填报单位（盖章）：定川市柳川县医疗保障事务中心 填报日期：2025年3月1日\n"
            "\t项目名称\n\t某经办能力提升项目\n\n\t主管部门\n\t柳川县医疗保障局\n")
    rep = _meta(text)
    assert (rep["city"], rep["county"]) == ("定川市", "柳川县")


def test_joint_fund_notice_is_other():
    rep = _read("holdoutc_fund_notice.txt").reports.iloc[0]
    assert rep.report_kind == "其他"


def test_work_summary_year_province_and_no_indicators():
    r = _read("holdoutc_work_summary.txt")
    rep = r.reports.iloc[0]
    assert (rep.fiscal_year, rep.province, rep.county, rep.report_kind) == (2024, "甘肃省", "柳川县", "其他")
    assert pd.isna(rep.city) and pd.isna(rep.total_score)
    assert r.indicators.empty  # the 主要指标完成情况 list is statistics
    # not the list's 目标值 21.00 (a target column); its 完成值 column restates the counts of line 6
    assert sorted(set(r.enrollment.persons)) == [21800, 191800, 213600]
    assert 210000 not in set(r.enrollment.persons)
    assert 15 in set(r.residue.line)  # the list's 追回 figure waits in the residue


def test_award_without_province_wide_words_names_no_province():
    rep = _meta("柳川县医疗保障局2024年工作总结\n　　本局被甘肃省医疗保障局评为先进集体。\n")
    assert rep["province"] is None
