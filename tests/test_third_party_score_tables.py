"""Third-party evaluation reports (第三方绩效评价报告) as firms publish them (fixtures written inline
by hand, invented names and figures): a score table of levels 1 and 2 only (一级指标 | 二级指标 |
指标分值 | 得分 | 扣分原因), the same table printed one cell per line with its 扣分原因 cells, and a
cover naming the firm alone on a line, dated with a month only."""

from __future__ import annotations

import pandas as pd

import evalkit
from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.indicators import extract_indicators

COLUMNS = ("level1", "level2", "level3", "weight", "score", "note")


def _lines(*lines: str) -> str:
    return "\n".join(lines)


def _rows(text: str, name: str = "t") -> list[tuple]:
    rows, _ = extract_indicators(ReportContext(document_from_text(text, name)))
    return [tuple(r[c] for c in COLUMNS) for r in rows]


TWO_LEVELS_PIPES = _lines(
    "# 岚西县医疗保障局2023年度部门整体支出绩效评价报告",
    "",
    "| 一级指标 | 二级指标 | 指标分值 | 得分 | 得分率 | 扣分原因 |",
    "| --- | --- | --- | --- | --- | --- |",
    "| 部门决策（20分） | 目标设定 | 12 | 10.50 | 87.50% | 目标未量化 |",
    "|  | 预算配置 | 8 | 8.00 | 100.00% |  |",
    "| 部门效益（80分） | 履职效益 | 80 | 71.00 | 88.75% | 满意度偏低 |",
    "| 总分 | | 100 | 89.50 | 89.50% | |",
)


def test_two_level_score_table_keeps_its_level_two():
    assert _rows(TWO_LEVELS_PIPES, "two") == [
        ("部门决策", "目标设定", None, 12.0, 10.5, "目标未量化"),
        ("部门决策", "预算配置", None, 8.0, 8.0, None),
        ("部门效益", "履职效益", None, 80.0, 71.0, "满意度偏低"),
    ]


PROJECT_FORM_TWO_LABELS = _lines(
    "项目支出绩效自评表",
    "| 一级指标 | 二级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |",
    "| --- | --- | --- | --- | --- | --- |",
    "| 产出指标 | 参保人数 | ≥5万人 | 5.2万人 | 50 | 50 |",
    "| 满意度指标 | 参保群众满意度 | ≥90% | 92% | 50 | 50 |",
)


def test_form_with_targets_still_names_its_rows_at_level_three():
    # a form with targets and actuals: the right-most label column is the indicator's name
    assert [r[:3] for r in _rows(PROJECT_FORM_TWO_LABELS, "form")] == [
        ("产出指标", None, "参保人数"), ("满意度指标", None, "参保群众满意度")]


ONE_CELL_PER_LINE = _lines(
    "石门河县医疗保障局",
    "医保便民服务站建设项目",
    "绩效评价报告",
    "滇衡明会计师事务所有限公司",
    "2024年4月",
    "绩效评价指标得分表",
    "一级指标", "二级指标", "指标分值", "得分", "扣分原因",
    "决策", "项目立项", "20", "18.00", "目标不够明确",
    "过程", "资金管理", "30", "26.50", "拨付滞后",
    "产出", "产出数量", "30", "30.00", "",
    "效益", "满意度", "20", "17.00", "样本偏少",
    "合计", "100", "91.50",
)


def test_one_cell_per_line_remarks_do_not_stop_the_table():
    assert _rows(ONE_CELL_PER_LINE, "cells") == [
        ("决策", "项目立项", None, 20.0, 18.0, "目标不够明确"),
        ("过程", "资金管理", None, 30.0, 26.5, "拨付滞后"),
        ("产出", "产出数量", None, 30.0, 30.0, None),
        ("效益", "满意度", None, 20.0, 17.0, None),
    ]


def test_cover_firm_is_the_evaluator(tmp_path):
    path = tmp_path / "cover.txt"
    path.write_text(ONE_CELL_PER_LINE, encoding="utf-8")
    report = evalkit.read_report(path).reports.iloc[0]
    assert report["evaluator"] == "滇衡明会计师事务所有限公司"
    assert report["report_kind"] == "第三方绩效评价"


def test_self_evaluation_cover_names_no_evaluator(tmp_path):
    text = _lines("石门河县医疗保障局", "2023年度部门整体支出绩效自评报告", "滇衡明会计师事务所有限公司", "2024年4月",
                  "一、基本情况", "本局2023年度支出合计100.00万元。")
    path = tmp_path / "self.txt"
    path.write_text(text, encoding="utf-8")
    report = evalkit.read_report(path).reports.iloc[0]
    assert pd.isna(report["evaluator"])
    assert report["report_kind"] == "部门整体支出绩效自评"


DEDUCTION_COLUMN = _lines(
    "岚西县医疗保障局2023年度医保经办服务专项经费绩效评价报告",
    "评价单位：浙江岚信工程咨询有限公司",
    "一级指标  二级指标  三级指标  分值  扣分  得分  备注",
    "决策  项目立项  立项规范性  20  2  18  论证不充分",
    "过程  资金管理  预算执行率  30  0.5  29.5",
    "产出  产出数量  窗口建设完成率  50  5  45  延期",
    "合计  100  7.5  92.5",
)


def test_deduction_column_is_never_the_score():
    rows, totals = extract_indicators(ReportContext(document_from_text(DEDUCTION_COLUMN, "ded")))
    assert [tuple(r[c] for c in COLUMNS) for r in rows] == [
        ("决策", "项目立项", "立项规范性", 20.0, 18.0, "论证不充分"),
        ("过程", "资金管理", "预算执行率", 30.0, 29.5, None),
        ("产出", "产出数量", "窗口建设完成率", 50.0, 45.0, "延期"),
    ]
    stated = {(t.kind, float(t.value)) for t in totals}
    assert ("total_score", 92.5) in stated and ("total_score", 7.5) not in stated


def test_grade_after_conclusion_word(tmp_path):
    text = _lines("项目支出绩效自评表", "项目名称：岚西县医保经办能力提升项目", "主管部门：岚西县医疗保障局",
                  "自评结论：优秀。2022年度该项目自评得分88.2分。")
    path = tmp_path / "grade.txt"
    path.write_text(text, encoding="utf-8")
    assert evalkit.read_report(path).reports.iloc[0]["grade"] == "优"


PRIOR_YEAR_SCORES = """<html><body><p>岚西县医疗保障局2023年度部门整体支出绩效评价报告</p>
<table border="1">
<tr><th rowspan="2">一级指标</th><th rowspan="2">二级指标</th><th rowspan="2">权重</th><th colspan="2">得分</th></tr>
<tr><th>2022年</th><th>2023年</th></tr>
<tr><td rowspan="2">决策</td><td>目标设定</td><td>40</td><td>30.0</td><td>36.0</td></tr>
<tr><td>预算配置</td><td>60</td><td>50.0</td><td>57.5</td></tr>
<tr><td colspan="2">合计</td><td>100</td><td>80.0</td><td>93.5</td></tr>
</table></body></html>"""


def test_score_spanning_year_columns_takes_the_latest_year(tmp_path):
    path = tmp_path / "years.html"
    path.write_text(PRIOR_YEAR_SCORES, encoding="utf-8")
    ind = evalkit.read_report(path).indicators
    got = [(r.level1, r.level2, r.weight, r.score) for r in ind.itertuples()]
    assert got == [("决策", "目标设定", 40.0, 36.0), ("决策", "预算配置", 60.0, 57.5)]
