"""Indicator layouts of the families the hold-out documents showed (fixtures written by hand with
invented figures): a provincial template printing its levels as lines of their own
('一级指标：产出指标') above rows of space-separated cells in any column order, with wrapped
names and remarks, a header repeated after a page break and a total glued to the last remark;
indicators written as '名称：年度目标…，实际完成…' sentences under level headings; and a remark
wrapped over lines whose last piece looks like a level label in the one-cell-per-line layout."""

from __future__ import annotations

from pathlib import Path

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.indicators import _level_lines, extract_indicators

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = ("level1", "level2", "level3", "weight", "target_raw", "actual_raw", "score", "note")


def _read(name: str):
    path = FIXTURES / name
    doc = document_from_text(path.read_text(encoding="utf-8"), path.stem)
    ctx = ReportContext(doc)
    rows, totals = extract_indicators(ctx)
    return rows, totals, ctx


def _table(rows: list[dict], columns=COLUMNS) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in rows]


def test_level_lines_above_rows_of_space_separated_cells():
    """Levels on lines of their own (before the header too), a name wrapped over two or three
    lines (its tail on the values line, or the values alone on a line), a remark wrapped onto
    the next line, the header repeated after a page break, two levels on one line, 合计 row."""
    rows, totals, ctx = _read("indicators_level_lines.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "新建改造供水管网长度", 15.0, "≥45公里", "47.2公里", 15.0, None),
        ("产出指标", "数量指标", "农村集中供水工程维修养护处数", 15.0, "≥30处", "33处", 15.0, None),
        ("产出指标", "质量指标", "水质检测合格率", 15.0, "≥95%", "92.4%", 12.0,
         "部分水源地受汛期影响浊度偏高，已增设过滤设施"),
        ("效益指标", "社会效益指标", "受益人口", 20.0, "≥1.8万人", "1.93万人", 20.0, None),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", 15.0, "≥90%", "91.5%", 15.0, None),
    ]
    assert [r["source"].split(":")[1] for r in rows] == ["9", "11", "15", "21", "24"]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "80"), ("total_score", "77")]
    assert ctx.has_placed(13, "≥30处")


def test_weight_before_the_values_and_a_total_glued_to_the_last_remark():
    """Columns in another order (权重 before 指标值): the header words decide; a 合计 row that the
    text extraction glued to the last row's remark is the table's total, not part of the remark."""
    rows, totals, _ = _read("indicators_level_lines_glued.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "购置数字化X光机台数", 20.0, "≥6台", "6台", 20.0, None),
        ("产出指标", "时效指标", "设备到货安装及时率", 20.0, "100%", "95%", 18.0, "1台因供货商延期。"),
        ("满意度指标", "服务对象满意度指标", "就诊群众满意度", 20.0, "≥85%", "88.6%", 20.0, "个别卫生院反映候诊时间较长"),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "60"), ("total_score", "58")]


def test_level_lines():
    assert _level_lines("一级指标：效益指标 二级指标：社会效益指标") == [("level1", "效益指标"), ("level2", "社会效益指标")]
    assert _level_lines("二级指标: 服务对象满意度指标") == [("level2", "服务对象满意度指标")]
    assert _level_lines("一级指标：产出指标，共4项") == []
    assert _level_lines("三级指标 指标值 完成值 权重 得分") == []


def test_named_sentences_under_level_headings():
    """'①名称：年度目标≥X，实际完成Y，指标完成。' under '（一）产出指标完成情况' / '1.数量指标': a row
    per sentence, quotation marks off the values; a sentence with a target only, a sentence with
    neither, and a target sentence outside the indicator sections give no row."""
    rows, _, ctx = _read("indicators_colon_sentences.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "老年人健康体检人数", None, "≥1.2万人", "1.31万人", None, None),
        ("产出指标", "质量指标", "慢性病患者规范管理率", None, "≥65%", "68.3%", None, None),
        ("满意度指标", "服务对象满意度指标", "居民满意度", None, "≥85%", "90.2%", None, None),
    ]
    assert {r["table"] for r in rows} == {"正文"}
    assert ctx.has_placed(9, "1.31万人")


def test_remark_wrapped_over_lines_is_no_level_label():
    """One cell per line: a remark wrapped over three lines whose last piece ('跟踪指导') stands
    before a standard level 2 of the level 1 in force is the end of the remark, not a level 1."""
    rows, totals, _ = _read("indicators_cell_lines_remark_tail.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "职业技能培训人次", 25.0, "≥3000人次", "3120人次", 25.0, None),
        ("产出指标", "质量指标", "培训合格率", 25.0, "≥90%", "86%", 21.0, "部分学员文化程度偏低，下一步分层分班开展教学跟踪指导"),
        ("产出指标", "时效指标", "补贴发放及时率", 25.0, "100%", "100%", 25.0, None),
        ("满意度指标", "服务对象满意度指标", "学员满意度", 25.0, "≥90%", "93%", 25.0, None),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "96")]


def test_table_continued_after_a_page_break_keeps_its_merged_level():
    """A table cut by a page break (the header printed again): the blank 一级指标 cell of the first
    row on the new page is the level 1 of the last row before the break."""
    path = FIXTURES / "indicators_continued_table.md"
    doc = document_from_text(path.read_text(encoding="utf-8"), path.stem, markdown=True)
    rows, totals = extract_indicators(ReportContext(doc))
    assert _table(rows, ("level1", "level2", "level3", "weight", "score")) == [
        ("产出", "产出数量", "公共文化活动场次", 10.0, 10.0),
        ("产出", "产出质量", "文物安全检查覆盖率", 10.0, 9.0),
        ("产出", "产出时效", "项目按期完成率", 10.0, 8.5),
        ("效益", "社会效益", "群众文化参与度", 20.0, 18.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "50"), ("total_score", "45.5")]
