"""Markdown (.md) reports: pipe tables rebuilt as the other layouts' tables, headings as text lines.

The fixture tests/fixtures/layout_pipes.md was written by hand in the shape PDF-to-Markdown
converters give: an HTML comment, headings and a bold title, a table with its delimiter row,
blank cells under merged labels, ``<br>`` in cells, an escaped pipe, a short row, an empty
``||||`` row, the table continued after a page number with its header repeated, and a second
table of another width.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import evalkit
from evalkit.document import Table, document_from_text, rebuild_blocks
from evalkit.readers import SUPPORTED_SUFFIXES, detect_format, load_any

FIXTURES = Path(__file__).parent / "fixtures"
MD = FIXTURES / "layout_pipes.md"


@pytest.fixture(scope="module")
def doc():
    return load_any(MD)


def test_markdown_is_a_supported_text_format(tmp_path):
    assert ".md" in SUPPORTED_SUFFIXES and ".markdown" in SUPPORTED_SUFFIXES
    p = tmp_path / "r.markdown"
    p.write_text("| 部门名称 | 某县医疗保障局 |\n|---|---|\n", encoding="utf-8")
    assert detect_format(MD) == "txt" and detect_format(p) == "txt"
    assert load_any(p).tables[0].rows[0].texts == ["部门名称", "某县医疗保障局"]


def test_markdown_in_gb18030_is_decoded_as_text(tmp_path):
    p = tmp_path / "r.md"
    p.write_bytes(MD.read_text(encoding="utf-8").encode("gb18030"))
    d = load_any(p)
    assert d.encoding == "gb18030"
    assert d.tables[0].rows[0].texts == ["项目名称", "城乡居民医保征缴经费", "", ""]


def test_headings_bold_and_comments_become_plain_text(doc):
    assert [(t.line, t.text) for t in doc.text_lines] == [
        (3, "某县医疗保障局2023年度项目支出绩效自评表"),  # '# …' heading; the comment on line 1 is gone
        (5, "项目支出绩效自评表"),  # '**…**'
    ]
    assert doc.tables[0].context[-1].text == "项目支出绩效自评表"  # the caption above the table


def test_pipe_table_rows_cells_and_lines(doc):
    table = doc.tables[0]
    assert table.layout == "pipes"
    assert [(r.line, r.texts) for r in table.rows] == [
        (7, ["项目名称", "城乡居民医保征缴经费", "", ""]),  # the delimiter row (line 8) is dropped
        (9, ["主管部门", "某县医疗保障局", "实施单位（盖章）", "某县医疗保障事务中心"]),  # <br> joined
        (10, ["一级指标", "二级指标", "三级指标", "得分"]),
        (11, ["产出指标", "数量指标", "参保动员宣传资料发放", "10"]),  # spaces between Chinese folded
        (12, ["", "质量指标", "参保率 | 户籍", "9.5"]),  # blank = same as above; '\|' is a pipe
        (13, ["", "时效指标", "完成时限", ""]),  # a short row padded on the right
        # '||||' (line 14) is an empty row; '- 3 -' a page number; the header repeated on line 18
        (20, ["效益指标", "社会效益指标", "政策知晓率", "8"]),
        (21, ["合计", "—", "", "27.5"]),  # a '---' placeholder cell is a dash
    ]
    assert all(c.line == r.line for r in table.rows for c in r.cells)  # each cell on its row's line
    assert [(r.line, r.texts) for r in doc.tables[1].rows] == [(23, ["资金来源", "年初预算"]),
                                                                (25, ["财政资金", "86.00"])]


def test_blank_cells_read_as_the_html_reader_reads_rowspan(doc, tmp_path):
    page = tmp_path / "r.html"
    page.write_text(
        "<html><body><table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>得分</th></tr>"
        "<tr><td rowspan='2'>产出指标</td><td>数量指标</td><td>参保动员宣传资料发放</td><td>10</td></tr>"
        "<tr><td>质量指标</td><td>参保率 | 户籍</td><td>9.5</td></tr></table></body></html>",
        encoding="utf-8")
    web = [r.texts for r in load_any(page).tables[0].rows]
    md = [r.texts for r in doc.tables[0].rows[2:5]]
    assert md == web


def test_table_split_by_a_page_break_without_header_is_joined():
    lines = ["| 一级指标 | 三级指标 | 得分 |", "|---|---|---|", "| 产出指标 | 参保率 | 10 |", "", "", "",
             "| | 知晓率 | 9 |", "|---|---|---|", "| 合计 | | 19 |"]
    joined = rebuild_blocks(lines, breaks=frozenset({4}))
    assert len(joined) == 1 and [r.texts[1] for r in joined[0].rows] == ["三级指标", "参保率", "知晓率", ""]
    apart = rebuild_blocks(lines)  # no page break between: two tables
    assert [len(t.rows) for t in apart] == [2, 2]


def test_table_split_by_page_number_in_a_text_report():
    rows = ["| 指标 | 得分 |", "|---|---|", "| 参保率 | 10 |", "", "— 2 —", "", "| 知晓率 | 9 |",
            "| --- | --- |", "| 满意度 | 8 |"]
    text = "\n".join(rows)
    tables = document_from_text(text, "r").tables
    assert len(tables) == 1
    assert [r.texts for r in tables[0].rows] == [["指标", "得分"], ["参保率", "10"], ["知晓率", "9"], ["满意度", "8"]]


def test_table_without_outer_pipes():
    blocks = rebuild_blocks(["说明", "一级指标 | 得分", "--- | ---", "产出指标 | 48", "", "完"])
    assert [type(b).__name__ for b in blocks] == ["TextLine", "Table", "TextLine"]
    assert [r.texts for r in blocks[1].rows] == [["一级指标", "得分"], ["产出指标", "48"]]


def test_lines_with_a_single_pipe_are_not_tables():
    blocks = rebuild_blocks(["中央 |", "524元 |", "|", "合计 670元"])
    assert not any(isinstance(b, Table) for b in blocks)


def test_html_comment_over_several_lines_is_dropped():
    blocks = rebuild_blocks(["<!--", "converted 2023 by tool", "-->", "某县医疗保障局"])
    assert [b.text for b in blocks] == ["某县医疗保障局"]


def test_text_line_with_br_is_one_line():
    (tl,) = rebuild_blocks(["备注：1.含生育保险；<br>2.职工医保收入 152300 万元"])
    assert tl.text == "备注：1.含生育保险； 2.职工医保收入 152300 万元"


def test_markdown_report_sources_point_to_file_lines(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("# 某县医疗保障局2023年度部门整体支出绩效自评表\n\n"
                 "| 一级指标 | 二级指标 | 三级指标 | 分值 | 得分 |\n|---|---|---|---|---|\n"
                 "| 产出指标 | 数量指标 | 参保人数 | 50 | 48 |\n| | 质量指标 | 结算及时率 | 50 | 47 |\n",
                 encoding="utf-8")
    rep = evalkit.read_report(p)
    got = rep.indicators[["level1", "level2", "level3", "weight", "score", "source"]].values.tolist()
    assert got == [["产出指标", "数量指标", "参保人数", 50.0, 48.0, "r:5"],
                   ["产出指标", "质量指标", "结算及时率", 50.0, 47.0, "r:6"]]
