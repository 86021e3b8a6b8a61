"""Damage of PDF/Word text extraction repaired by the text reader: page numbers, running headers,
numbers and sentences broken by hard wraps.

tests/fixtures/layout_wraps.txt was written by hand: a 决算 text with amounts broken inside the
number ('2,87' / '9.46', '412.' / '18', '702' / '.55', '18.5' / '0万元', '4.' / '96'), units cut from
their number ('34.44 万' / '元', '267.63' / '万元'), page numbers in three forms and a running
header after each page number.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.document import document_from_text, load_document
from evalkit.readers.textfix import _number_join, repair_lines

FIXTURES = Path(__file__).parent / "fixtures"
WRAPS = FIXTURES / "layout_wraps.txt"


def test_fixture_numbers_joined_on_the_line_where_their_sentence_starts():
    doc = load_document(WRAPS)
    lines = doc.lines
    assert len(lines) == 24  # as many lines as the file
    assert lines[3] == "本年收入合计 952.30 万元，全部为一般公共预算财政拨款收入。年初结转和结余 34.44 万元。"
    assert lines[4] == "本年支出合计 970.18 万元，其中：基本支出 702.55 万元，占 72.41%；项目支出 267.63万元，占 27.59%。"
    assert lines[5] == ("年末结转和结余 16.56 万元。全县人员经费 2,879.46 万元，追加 412.18 万元，"
                        "公用经费 61.46 万元，其他收入18.50万元，基本支出 702.55 万元。")
    assert lines[6:14] == [""] * 8  # their parts moved up; the page number and the running header dropped
    assert lines[15] == "职工医保基金收入 3.18 亿元，支出 2.74 亿元，当期结余 0.44 亿元，累计结余为 4.96 亿元；居民医保基金收入 52,846 万元。"
    assert lines[22] == "四、其他"  # the page number glued in front of the heading cut off
    assert lines[23] == ""  # '第 6 页'


def test_fixture_text_lines_and_title_kept():
    doc = load_document(WRAPS)
    assert [t.line for t in doc.text_lines] == [1, 3, 4, 5, 6, 15, 16, 23]
    assert doc.text_lines[0].text == "某县医疗保障局2023年度部门决算"  # the title is no running header


def test_page_numbers_dropped():
    lines = ["正文一。", "—23—", "- 5 -", "— 1 —", "第 3 页", "第3页 共12页", "", " 7", "", "正文二。"]
    assert repair_lines(lines).lines == ["正文一。", "", "", "", "", "", "", "", "", "正文二。"]


def test_a_number_alone_on_a_line_is_a_page_number_only_between_blank_lines():
    cells = ["得分率", "15", "12.5", "83.33%", "合计", "100"]  # a table written one cell per line
    assert repair_lines(cells).lines == cells


def test_running_header_dropped_only_next_to_a_page_number():
    lines = ["某县医疗保障局2023年度决算公开说明", "正文一。", "", "- 1 -", "某县医疗保障局2023年度决算公开说明",
             "正文二。"]
    out = repair_lines(lines)
    assert out.lines == ["某县医疗保障局2023年度决算公开说明", "正文一。", "", "", "", "正文二。"]
    assert out.breaks == frozenset({3, 4})


def test_number_join_only_where_certain():
    assert _number_join("年中追加 412.", "18 万元")
    assert _number_join("人员经费 2,87", "9.46 万元")
    assert _number_join("基本支出 702", ".55 万元")
    assert _number_join("其他收入18.5", "0万元，占1.56%")
    assert _number_join("项目支出 267.63", "万元，占 27.59%")
    assert not _number_join("合计 100", "86.5 86.50%")  # cells of a flattened row
    assert not _number_join("年末结转 1,234", "567 万元")  # '1,234567' is no number
    assert not _number_join("附件 1", "2023 年度")  # no unit after the second number
    assert not _number_join("15", "12.5")  # one cell per line


def test_wrapped_paragraph_of_a_pdf_page_reflowed_by_sentence():
    # a page wrapped at 40 Chinese characters: sentences cut anywhere, labels cut from figures
    text = "\n".join([  # noqa: FLY002 (one line per list item)
        "一、收入支出决算总体情况说明",
        "本部门（含下属单位）2022年度收入总计1,742.63万元，支出总计1,742.63万元。其",
        "他收入21.60万元，占1.3%。职工医保基金收入3.18亿元，支出2.74亿元，当期",
        "结余0.44亿元，累计结余4.96亿元。年初结转和结余44.58万元，年末结转和结",
        "余31.34万元。",
        "二、其他重要事项",
    ])
    lines = document_from_text(text, "r").lines
    assert lines == [
        "一、收入支出决算总体情况说明",
        "本部门（含下属单位）2022年度收入总计1,742.63万元，支出总计1,742.63万元。其他收入21.60万元，占1.3%。",
        "职工医保基金收入3.18亿元，支出2.74亿元，当期结余0.44亿元，累计结余4.96亿元。",
        "年初结转和结余44.58万元，年末结转和结余31.34万元。",
        "",
        "二、其他重要事项",
    ]


def test_short_lines_and_fields_are_not_joined():
    # text from Word: one paragraph per line, fields of a cover page, a flattened table
    lines = ["评价方式：部门（单位）绩效自评", "评价机构：部门（单位）评价组", "报告日期：2025年9月23日",
             "一级指标 二级指标 三级指标 年度指标值 全年完成值", "产出指标 数量指标 参保率 ≥95% 96%",
             "满意度指标 服务对象满意度指标 满意度 ≥85% 88.6%"]
    assert repair_lines(lines).lines == lines


def test_markdown_paragraph_lines_are_one_paragraph():
    lines = ["2023年年初预算", "3,200.00万元，年中调减至2,860.00万元。", "", "## 评价结论"]
    out = repair_lines(lines, markdown=True).lines
    assert out == ["2023年年初预算3,200.00万元，年中调减至2,860.00万元。", "", "", "## 评价结论"]
    assert repair_lines(lines).lines == lines  # in a text file two short lines stay apart


def test_a_lone_table_cell_number_is_no_page_number():
    # one cell per line: a cell '\t95' between blank lines is data, not a page number
    from evalkit.readers.textfix import repair_lines

    lines = ["\t得分", "", "\t95", "", "\t合计"]
    assert repair_lines(lines).lines[2] == "\t95"


def test_a_narrow_page_of_prose_is_read_as_sentences():
    # a PDF with ~25 characters a line: the sentence goes on the line where it starts
    from evalkit.readers.textfix import repair_lines

    lines = [
        "（一）参保工作。截至2023年底，全县基本医疗保险参",
        "保26.84万人，其中职工医保2.95万人、城乡居民医保",
        "23.89万人，居民医保参保人数较上年减少0.31万人，",
        "主要是外出务工人员在务工地参保所致。",
        "（二）基金运行。全年城乡居民医保基金收入2.47亿元，",
        "支出2.39亿元。职工医保基金累计结余1.63亿元，其",
        "中统筹基金0.98亿元、个人账户0.65亿元。",
    ]
    out = repair_lines(lines).lines
    assert out[0] == ("（一）参保工作。截至2023年底，全县基本医疗保险参保26.84万人，其中职工医保2.95万人、"
                      "城乡居民医保23.89万人，居民医保参保人数较上年减少0.31万人，主要是外出务工人员在务工地参保所致。")
    assert out[4] == "（二）基金运行。全年城乡居民医保基金收入2.47亿元，支出2.39亿元。"
    assert out[5] == "职工医保基金累计结余1.63亿元，其中统筹基金0.98亿元、个人账户0.65亿元。"
    assert out[1] == out[2] == out[3] == out[6] == ""


def test_rows_of_a_flattened_table_are_never_joined():
    # cells separated by single spaces, figures standing apart: table rows, not wrapped prose
    from evalkit.readers.textfix import repair_lines

    lines = [
        "项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分（万元）本项目的资金情况如下所述并逐项列明的说明文字",
        "年度资金总额 120.00 126.50 118.37 10 93.57% 9.36 其中各项资金的构成情况请见下一行的具体列示内容说明",
        "其中：当年财政拨款 120.00 126.50 118.37 — — — 以及上年结转资金和其他资金的情况均按照规定如实填列说明文",
        "上年结转资金 0.00 0.00 0.00 — — —",
        "医疗保障经办服务满意度调查结果总体较好，个别窗口办理时限较长，服务对象的意见主要集中在等候时间方面，",
        "总分 100 95.20",
    ]
    assert repair_lines(lines).lines == lines


def test_a_number_before_a_word_that_starts_like_a_unit_is_no_broken_number():
    # '附表3' + '项目支出…' is no '3项'; '…5526108' + '项目资金…' is no number cut by a wrap
    from evalkit.readers.textfix import _number_join

    assert not _number_join("某某省财政厅制                附表3", "项目支出绩效自评表")
    assert not _number_join("项目负责人 某某 联系电话 0317-5526108", "项目资金 年初预算数 全年预算数")
    assert _number_join("项目支出 267.63", "万元，占支出合计的41.5%")
    assert _number_join("完成各类检查 12", "项，发现问题3个")


def test_form_lines_with_fields_set_apart_are_no_prose():
    from evalkit.readers.textfix import _prose_wrap

    assert not _prose_wrap("所属地区：某某省某某市某某县                     填报日期：2024年3月26日",
                           "项目名称 医疗保障信息化平台运维项目", -1)
