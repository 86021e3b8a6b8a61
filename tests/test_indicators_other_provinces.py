"""Indicator tables as other provinces publish them (fixtures written inline by hand, invented
names and figures): a header whose words the PDF text extraction broke over two tab lines, an
operator column written in words (不低于, 小于等于, 等于), and a space-separated form with a 完成率
column and 标准分/评价得分 headings whose long label wraps onto the values' line."""

from __future__ import annotations

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.indicators import extract_indicators

COLUMNS = ("level1", "level2", "level3", "weight", "target_raw", "actual_raw", "score")


def _lines(*lines: str) -> str:
    return "\n".join(lines)


def _read(text: str, name: str = "t"):
    doc = document_from_text(text, name)
    ctx = ReportContext(doc)
    rows, totals = extract_indicators(ctx)
    return rows, totals, ctx


def _table(rows: list[dict], columns=COLUMNS) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in rows]


HEADER_OVER_TWO_LINES = _lines(
    "青石县医疗保障局部门整体支出绩效自评表",
    "一级指标\t二级指标\t三级指标\t指标权重\t年度指标\t实际完成\t得分\t偏差原因分析",
    "\t\t\t\t值\t值\t\t及改进措施",
    "产出指标\t数量指标\t城乡居民医保参保人数\t30\t≥21.5万人\t21.7万人\t30\t",
    "\t时效指标\t待遇支付及时率\t30\t≥98%\t97.2%\t28\t系统升级延误2天",
    "满意度指标\t服务对象满意度指标\t参保群众满意度\t40\t≥90%\t93%\t40\t",
    "合计\t\t\t100\t\t\t98\t",
)


def test_header_words_broken_over_two_tab_lines():
    """'年度指标' / '值' and '实际完成' / '值' are the target and actual columns: the second header
    line is no indicator row and the targets are not lost to the residue."""
    rows, totals, ctx = _read(HEADER_OVER_TWO_LINES)
    assert _table(rows) == [
        ("产出指标", "数量指标", "城乡居民医保参保人数", 30.0, "≥21.5万人", "21.7万人", 30.0),
        ("产出指标", "时效指标", "待遇支付及时率", 30.0, "≥98%", "97.2%", 28.0),
        ("满意度指标", "服务对象满意度指标", "参保群众满意度", 40.0, "≥90%", "93%", 40.0),
    ]
    assert rows[1]["note"] == "系统升级延误2天"
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "98")]
    assert ctx.has_placed(4, "≥21.5万人")


def test_a_data_row_under_the_header_is_not_taken_for_its_second_line():
    """Words under the header that do not complete a header word are the first row."""
    text = _lines(
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "效益指标\t社会效益指标\t群众就医负担\t逐步减轻\t有效减轻\t\t",
        "\t\t居民医保参保率\t≥95%\t96%\t10\t10",
    )
    rows, _, _ = _read(text)
    assert _table(rows) == [
        ("效益指标", "社会效益指标", "群众就医负担", None, "逐步减轻", "有效减轻", None),
        ("效益指标", "社会效益指标", "居民医保参保率", 10.0, "≥95%", "96%", 10.0),
    ]


OPERATOR_WORDS = _lines(
    "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t计量单位\t实际完成值\t分值\t得分",
    "产出指标\t数量指标\t专项检查次数\t不低于\t4\t次\t5\t20\t20",
    "\t时效指标\t举报线索办结时限\t小于等于\t60\t个工作日\t45\t20\t20",
    "效益指标\t社会效益指标\t欺诈骗保案件查处率\t等于\t100\t%\t96\t30\t28",
    "\t可持续影响指标\t基金监管长效机制\t定性\t健全\t\t基本健全\t30\t25",
)


def test_operator_words_in_an_operator_column():
    """An operator written in words is the operator of the target (not a 定性 target, not lost)."""
    rows, _, _ = _read(OPERATOR_WORDS)
    assert [(r["target_raw"], r["target_op"], r["target_value"], r["actual_raw"]) for r in rows] == [
        ("不低于4次", ">=", 4.0, "5次"),
        ("小于等于60个工作日", "<=", 60.0, "45个工作日"),
        ("等于100%", "=", 100.0, "96%"),
        ("定性健全", "定性", None, "基本健全"),
    ]


COMPLETION_RATE_SPACES = _lines(
    "项目绩效自评表",
    "一级指标 二级指标 三级指标 绩效目标值 实际完成值 完成率 标准分 评价得分 偏差原因",
    "产出指标 数量指标 护理服务机构数 ≥8家 9家 112.5% 30 30",
    " 质量指标 护理服务质量抽查合格率 ≥95% 93.6% 98.53% 30 27 2家机构整改",
    "效益指标 社会效益指标 失能人员家庭照护负担减轻",
    " 程度 明显减轻 明显减轻 100% 40 40",
    "总分 100 97",
)


def test_completion_rate_column_and_standard_score_in_space_separated_rows():
    """完成率 is a column of its own (neither the actual value nor the score), 标准分 is the
    weight and 评价得分 the score; a label wrapped onto the values' line is joined."""
    rows, totals, ctx = _read(COMPLETION_RATE_SPACES)
    assert _table(rows) == [
        ("产出指标", "数量指标", "护理服务机构数", 30.0, "≥8家", "9家", 30.0),
        ("产出指标", "质量指标", "护理服务质量抽查合格率", 30.0, "≥95%", "93.6%", 27.0),
        ("效益指标", "社会效益指标", "失能人员家庭照护负担减轻程度", 40.0, "明显减轻", "明显减轻", 40.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "97")]
    assert ctx.has_placed(3, "112.5%")


def test_header_over_two_rows_of_an_html_table(tmp_path):
    """'绩效指标' (colspan 3) above 一级/二级/三级指标, the value words merged down over both rows
    (rowspan 2): the two rows are one header; two forms on one page keep their own projects."""
    import evalkit

    def form(name: str, rows: str, total: str) -> str:
        return (
            '<table border="1">'
            f'<tr><td colspan="2">项目名称</td><td colspan="5">{name}</td></tr>'
            '<tr><td colspan="3">绩效指标</td><td rowspan="2">年度指标值</td><td rowspan="2">实际完成值</td>'
            '<td rowspan="2">分值</td><td rowspan="2">得分</td></tr>'
            '<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td></tr>'
            f'{rows}<tr><td colspan="5">总分</td><td>100</td><td>{total}</td></tr></table>'
        )

    page = (
        '<html><head><meta charset="utf-8"><title>云溪县医疗保障局项目支出绩效自评表</title></head><body>'
        + form("城乡医疗救助资金",
               '<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>住院救助人次</td><td>≥3600人次</td>'
               '<td>3712人次</td><td>50</td><td>50</td></tr>'
               '<tr><td>质量指标</td><td>救助政策落实率</td><td>100%</td><td>100%</td><td>50</td><td>50</td></tr>',
               "100")
        + form("医保经办能力提升经费",
               '<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>参保群众满意度</td><td>≥90%</td>'
               '<td>86%</td><td>100</td><td>90</td></tr>',
               "90")
        + "</body></html>"
    )
    path = tmp_path / "two_forms.html"
    path.write_text(page, encoding="utf-8")
    got = evalkit.read_report(path).indicators
    assert [tuple(r) for r in got[["scope", *COLUMNS]].itertuples(index=False)] == [
        ("城乡医疗救助资金", "产出指标", "数量指标", "住院救助人次", 50.0, "≥3600人次", "3712人次", 50.0),
        ("城乡医疗救助资金", "产出指标", "质量指标", "救助政策落实率", 50.0, "100%", "100%", 50.0),
        ("医保经办能力提升经费", "满意度指标", "服务对象满意度指标", "参保群众满意度", 100.0, "≥90%", "86%", 90.0),
    ]


def test_total_rows_under_other_names_are_no_indicator_rows():
    """'自评总分', '得分合计', '综合得分' rows give the form's totals, never an indicator row."""
    for label in ("自评总分", "得分合计", "综合得分"):
        rows, totals, ctx = _read(_lines(
            "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
            "产出指标\t数量指标\t门诊慢特病认定人数\t≥5200人\t5388人\t50\t50",
            "满意度指标\t服务对象满意度指标\t参保群众满意度\t≥90%\t88%\t50\t45",
            f"{label}\t\t\t\t\t100\t95",
        ))
        assert [r["level3"] for r in rows] == ["门诊慢特病认定人数", "参保群众满意度"], label
        assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "95")], label
        assert ctx.has_placed(4, "95")


def test_weights_printed_as_shares_of_the_hundred_points():
    """权重 '10%' is a weight of 10 points; the score column is not read as a share."""
    rows, totals, _ = _read(_lines(
        "序号\t一级指标\t二级指标\t三级指标\t权重\t年度指标值\t实际完成值\t得分",
        "1\t产出指标\t数量指标\t基本医疗保险参保人数\t40%\t≥24.6万人\t24.83万人\t40",
        "2\t满意度指标\t服务对象满意度指标\t参保群众满意度\t60%\t≥90%\t96%\t60",
        "\t综合得分\t\t\t100%\t\t\t100",
    ))
    assert _table(rows) == [
        ("产出指标", "数量指标", "基本医疗保险参保人数", 40.0, "≥24.6万人", "24.83万人", 40.0),
        ("满意度指标", "服务对象满意度指标", "参保群众满意度", 60.0, "≥90%", "96%", 60.0),
    ]
    assert [r["seq"] for r in rows] == [1, 2]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100%"), ("total_score", "100")]


def test_level_label_broken_in_its_narrow_column_of_layout_text():
    """PDF text with the layout kept: '可持续影响' / '指标' and '服务对象满意' / '度指标' are one
    label each; the line with the tail neither ends the table nor becomes a row."""
    pad = " " * 16
    rows, totals, _ = _read(_lines(
        "部门整体支出绩效自评表",
        "  一级指标      二级指标        三级指标                 年度指标值   实际完成值   分值   得分",
        "  效益指标      社会效益指标    住院费用政策范围内报销比例   ≥70%   71.2%   40   40",
        f"{pad}可持续影响      基金累计结余可支付月数   6-9个月   8.7个月   30   30",
        f"{pad}指标",
        "  满意度指标    服务对象满意    参保人满意度   ≥90%   86%   30   27",
        f"{pad}度指标",
        "  合计     100    97",
    ))
    assert _table(rows) == [
        ("效益指标", "社会效益指标", "住院费用政策范围内报销比例", 40.0, "≥70%", "71.2%", 40.0),
        ("效益指标", "可持续影响指标", "基金累计结余可支付月数", 30.0, "6-9个月", "8.7个月", 30.0),
        ("满意度指标", "服务对象满意度指标", "参保人满意度", 30.0, "≥90%", "86%", 27.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "97")]


def test_a_row_whose_empty_target_cell_was_dropped_goes_to_the_residue():
    """One cell per line, empty cells dropped: '质量指标 / 结算准确率 / 99.5% / 20 / 18' lost its
    target cell. 质量指标 is a level, not the row's name, and 结算准确率 not its target: the row
    cannot be read with certainty, its figures stay unplaced (residue) and the next row, which
    names its own level 1, is read."""
    rows, _, ctx = _read(_lines(
        "部门整体支出绩效自评表",
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "产出指标", "数量指标", "参保人数", "≥5万人", "5.1万人", "30", "30",
        "质量指标", "结算准确率", "99.5%", "20", "18",
        "满意度指标", "服务对象满意度指标", "参保人满意度", "≥90%", "93%", "50", "50",
        "合计", "100", "98",
    ))
    assert _table(rows) == [
        ("产出指标", "数量指标", "参保人数", 30.0, "≥5万人", "5.1万人", 30.0),
        ("满意度指标", "服务对象满意度指标", "参保人满意度", 50.0, "≥90%", "93%", 50.0),
    ]
    assert rows[0]["note"] is None
    assert not ctx.has_placed(18, "99.5%") and not ctx.has_placed(20, "18")


def test_a_space_separated_row_that_lost_its_target_is_not_read():
    """The same row as a line of space-separated cells: no row named 质量指标, its figures in the
    residue, the table read on to its 合计."""
    rows, totals, ctx = _read(_lines(
        "部门整体支出绩效自评表",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 数量指标 参保人数 ≥5万人 5.1万人 30 30",
        " 质量指标 结算准确率 99.5% 20 18",
        "满意度指标 服务对象满意度指标 参保人满意度 ≥90% 93% 50 50",
        "合计 100 98",
    ))
    assert [r["level3"] for r in rows] == ["参保人数", "参保人满意度"]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "98")]
    assert not ctx.has_placed(4, "99.5%")


def test_a_row_that_lost_its_target_is_no_remark_and_a_total_named_otherwise_ends_the_cells():
    """One cell per line: the row that lost its target (its own remark included) is neither the
    remark of the row above nor read; the next row, under a standard level 2 of the level 1 in
    force, is read; '自评总分' gives the totals."""
    rows, totals, ctx = _read(_lines(
        "部门整体支出绩效自评表",
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
        "产出指标", "数量指标", "城乡居民医保参保人数", "≥43.6万人", "43.92万人", "20", "20",
        "质量指标", "医保结算数据准确率", "99.5%", "20", "18", "未设定年度指标值，按实际完成情况评分",
        "时效指标", "医疗救助资金拨付及时率", "100%", "100%", "20", "20",
        "满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "92.4%", "40", "40",
        "自评总分", "100", "98",
    ))
    assert _table(rows) == [
        ("产出指标", "数量指标", "城乡居民医保参保人数", 20.0, "≥43.6万人", "43.92万人", 20.0),
        ("产出指标", "时效指标", "医疗救助资金拨付及时率", 20.0, "100%", "100%", 20.0),
        ("满意度指标", "服务对象满意度指标", "参保群众满意度", 40.0, "≥90%", "92.4%", 40.0),
    ]
    assert rows[0]["note"] is None
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "98")]
    assert not ctx.has_placed(20, "99.5%")


# Tab text that dropped each row's empty cells at its end (the 偏差原因 column), under a header
# that keeps them: the rows' cells stand under the header's first columns, not its last.
TRAILING_CELLS_DROPPED = _lines(
    "项目支出绩效自评表",
    "项目名称\t城乡居民医保经办窗口改造项目",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "\t产出指标\t数量指标\t窗口改造数量\t≥3处\t3处\t20\t20",
    "\t\t质量指标\t验收合格率\t100%\t100%\t20\t18",
    "\t效益指标\t社会效益指标\t群众办事等待时间\t≤15分钟\t12分钟\t30\t30",
    "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥90%\t92%\t20\t20",
)


def test_rows_without_their_empty_last_cells_stand_under_the_headers_first_columns():
    rows, _, _ = _read(TRAILING_CELLS_DROPPED)
    assert _table(rows) == [
        ("产出指标", "数量指标", "窗口改造数量", 20, "≥3处", "3处", 20),
        ("产出指标", "质量指标", "验收合格率", 20, "100%", "100%", 18),
        ("效益指标", "社会效益指标", "群众办事等待时间", 30, "≤15分钟", "12分钟", 30),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", 20, "≥90%", "92%", 20),
    ]


# An HTML form whose last heading spans two columns (the rows' remark cell too, not spread) and
# whose total row's label spans seven: the total is the form's, not one more indicator.
SPANNED_TOTAL_HTML = """<html><body><p>项目支出绩效自评表</p><table border="1">
<tr><td>项目名称</td><td colspan="9">长期护理保险经办经费</td></tr>
<tr><td>绩效指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td>
<td>实际完成值</td><td>分值</td><td>得分</td><td colspan="2">偏差原因分析及改进措施</td></tr>
<tr><td rowspan="3"></td><td>产出指标</td><td>数量指标</td><td>评估人次</td><td>≥1200人次</td><td>1318人次</td>
<td>50</td><td>50</td><td colspan="2"></td></tr>
<tr><td>效益指标</td><td>社会效益指标</td><td>家庭负担减轻</td><td>有效减轻</td><td>有效减轻</td><td>40</td><td>38</td>
<td colspan="2">宣传不足</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>参保人满意度</td><td>≥90%</td><td>93.5%</td><td>10</td><td>10</td>
<td colspan="2"></td></tr>
<tr><td colspan="7">总分</td><td>100</td><td>98</td><td></td></tr>
</table></body></html>"""


def test_a_total_whose_label_spans_more_columns_is_the_forms_total(tmp_path):
    import evalkit

    path = tmp_path / "form.html"
    path.write_text(SPANNED_TOTAL_HTML, encoding="utf-8")
    report = evalkit.read_report(path)
    assert report.indicators["level3"].tolist() == ["评估人次", "家庭负担减轻", "参保人满意度"]
    assert report.indicators["weight"].tolist() == [50, 40, 10]
    assert report.reports["total_score"].tolist() == [98]


def test_this_years_score_column_beside_last_years():
    rows, totals, _ = _read(_lines(
        "部门整体支出绩效自评表",
        "一级指标\t分值\t上年得分\t本年得分",
        "投入\t20\t18\t19",
        "产出\t80\t70\t76.5",
        "合计\t100\t88\t95.5",
    ))
    assert [(r["level1"], r["weight"], r["score"]) for r in rows] == [("投入", 20, 19), ("产出", 80, 76.5)]
    assert [t.value for t in totals if t.kind == "total_score"] == ["95.5"]
