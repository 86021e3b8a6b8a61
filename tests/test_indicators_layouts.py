"""Indicator tables in the layouts other provinces publish (fixtures written by hand, in the
layouts of the specimen gallery): flattened tables (one cell per line, pipe-marked cells, rows
of space-separated cells, a score table run on over wrapped lines), tables of evaluation
dimensions, operator and unit columns, sub-items without scores, and indicators in sentences."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.indicators import clean_level, extract_indicators, indicator_role

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = ("level1", "level2", "level3", "weight", "target_raw", "actual_raw", "score")


def _read(name: str):
    path = FIXTURES / name
    doc = document_from_text(path.read_text(encoding="utf-8"), path.stem, markdown=path.suffix == ".md")
    ctx = ReportContext(doc)
    rows, totals = extract_indicators(ctx)
    return rows, totals, ctx


def _table(rows: list[dict], columns=COLUMNS) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in rows]


def test_rows_of_space_separated_cells():
    """One row per line, cells separated by spaces, merged levels printed once, '指标N：' prefixes,
    an optional remark at the end of a row."""
    rows, _, _ = _read("indicators_space_rows.txt")
    assert _table(rows, COLUMNS + ("note",)) == [
        ("产出指标", "数量指标", "孕产妇系统管理率", None, "≥90%", "93.1%", None, None),
        ("产出指标", "数量指标", "0-6岁儿童健康管理率", None, "≥85%", "88.4%", None, None),
        ("产出指标", "质量指标", "新生儿访视率", None, "≥90%", "86.0%", None, "部分乡镇人员不足"),
        ("效益指标", "社会效益指标", "妇幼健康服务可及性", None, "持续提升", "持续提升", None, None),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", None, "≥85%", "90.3%", None, None),
    ]
    assert [r["source"] for r in rows] == [f"indicators_space_rows:{n}" for n in (5, 6, 7, 8, 9)]


def test_one_cell_per_line_without_row_breaks():
    """No blank line between rows and empty cells dropped: the 分值 and 得分 numbers end each row,
    the words between two rows are the next row's levels (and the previous row's remark)."""
    rows, totals, _ = _read("indicators_cell_lines.txt")
    assert _table(rows, COLUMNS + ("note",)) == [
        ("产出指标", "数量指标", "养护道路里程", 20.0, "≥120公里", "126公里", 20.0, None),
        ("产出指标", "质量指标", "养护路段合格率", 20.0, "≥95%", "93%", 18.0, "雨季工期延误，已增加巡查频次"),
        ("效益指标", "社会效益指标", "群众出行时间节约", 30.0, "≥10分钟", "12分钟", 30.0, None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", 20.0, "≥90%", "94%", 20.0, None),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "90"), ("total_score", "88")]
    # the footnote restating the block weights gives no rows of its own
    assert all(r["table"] != "正文" for r in rows)


def test_cells_closed_by_pipe_marks_in_a_target_table():
    """'cell |' per line and a lone '|' between rows; merged level cells are dropped, so the
    cells align on the name; a table of targets has no actual values."""
    rows, _, _ = _read("indicators_pipe_cells.txt")
    assert _table(rows) == [
        ("项目完成", "数量指标", "资助参保人数", None, "8200人", None, None),
        ("项目完成", "数量指标", "救助对象覆盖率", None, "≥98%", None, None),
        ("项目完成", "时效指标", "救助资金拨付时限", None, "2025年12月底前", None, None),
        ("项目效益", "社会效益指标", "政策范围内救助比例", None, "＞70%", None, None),
        ("满意度指标", "服务对象满意度", "救助对象满意度", None, "≥90%", None, None),
    ]
    assert {r["table"] for r in rows} == {"部门预算项目支出绩效目标表"}


def test_score_table_run_on_over_wrapped_lines():
    """A score table flattened into one run after its header, wrapped in the middle of labels
    ('预算编制准确' / '性') and of block totals; labels with a block total are the levels."""
    rows, totals, _ = _read("indicators_wrapped_scores.txt")
    assert _table(rows) == [
        ("投入", "预算管理", "预算编制准确性", 10.0, None, None, 9.0),
        ("投入", "预算管理", "预算执行率", 15.0, None, None, 15.0),
        ("过程", "资金管理", "资金拨付及时率", 20.0, None, None, 20.0),
        ("过程", "资金管理", "政府采购规范性", 15.0, None, None, 12.0),
        ("产出", "任务完成", "参保扩面完成率", 20.0, None, None, 20.0),
        ("产出", "任务完成", "待遇支付准确率", 20.0, None, None, 19.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "95")]


def test_dimension_table_one_cell_per_line():
    """决策/过程/产出/效益 with 分值, 得分 and 得分率: level 1 rows, no finer levels; 合计 is a total."""
    rows, totals, _ = _read("indicators_dimensions.txt")
    assert _table(rows) == [
        ("决策", None, None, 20.0, None, None, 18.0),
        ("过程", None, None, 20.0, None, None, 16.0),
        ("产出", None, None, 40.0, None, None, 36.0),
        ("效益", None, None, 20.0, None, None, 17.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_weight", "100"), ("total_score", "87")]


def test_operator_and_unit_columns_are_written_with_the_value():
    """'≥' | '1.5' | '万人' → '≥1.5万人'; the result takes the unit; '定性' | '优良中低差' →
    '定性优良中低差'; ★ and <br> leave the label; the rows under 合计 are no indicators; a table of
    dimensions keeps them as level 1 and its 综合绩效 row is the total."""
    rows, totals, _ = _read("indicators_operator_unit.md")
    assert _table(rows) == [
        ("产出指标", "数量指标", "家庭医生签约人数", 30.0, "≥1.5万人", "1.62万人", 30.0),
        ("产出指标", "成本指标", "人均签约经费", 20.0, "≤120元", "118元", 20.0),
        ("效益指标", "可持续影响指标", "签约服务机制健全性", 20.0, "定性优良中低差", "良", 16.0),
        ("满意度指标", "服务对象满意度指标", "签约居民满意度", 20.0, "≥90%", "92%", 20.0),
        ("决策", None, None, 15.0, None, None, 13.5),
        ("过程", None, None, 25.0, None, None, 21.0),
        ("产出", None, None, 40.0, None, None, 36.0),
        ("效益", None, None, 20.0, None, None, 16.0),
    ]
    first = rows[0]
    assert (first["target_op"], first["target_value"], first["target_unit"]) == (">=", 1.5, "万人")
    assert (first["actual_value"], first["actual_unit"]) == (1.62, "万人")
    assert rows[2]["target_op"] == "定性"
    assert ("total_score", "86.5") in [(t.kind, t.value) for t in totals]


def test_sub_items_without_scores_are_rows_of_their_own():
    """'1、特困人员 | ≧800人 | 812人 |' under a scored row is a row with no score, not a wrapped
    line of the row above; the 总分 row and the remarks under it are no indicators."""
    rows, totals, _ = _read("indicators_sub_items.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "资助参保", None, "≧5000人", "5120人", 20.0),
        ("产出指标", "数量指标", "特困人员", None, "≧800人", "812人", None),
        ("产出指标", "数量指标", "低保对象", None, "≧4200人", "4308人", None),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度(%)", None, "90", "92.5", 15.0),
    ]
    assert [(t.kind, t.value) for t in totals] == [("total_score", "35")]


def test_indicators_stated_in_sentences_under_level_headings():
    """'1. 数量指标：…目标≥90%，实际完成 95.5%；…' under '（一）产出指标': one row per clause; a
    target sentence outside the indicator sections gives none."""
    rows, _, ctx = _read("indicators_sentences.txt")
    assert _table(rows) == [
        ("产出指标", "数量指标", "课后服务覆盖率", None, "≥90%", "95.5%", None),
        ("产出指标", "数量指标", "教师培训", None, "≥200 人次", "236 人次", None),
        ("产出指标", "时效指标", "助学金发放及时率", None, "100%", "100%", None),
        ("满意度指标", None, "学生满意度", None, "≥90%", "93.2%", None),
    ]
    assert {r["table"] for r in rows} == {"正文"}
    assert ctx.has_placed(4, "236 人次")


@pytest.mark.parametrize(("label", "role"), [
    ("年初目标值(A)", "target"), ("实际完成值(B)", "actual"), ("得分（20分*执行率）", "score"),
    ("指标值（包含数字及文字描述）", "target"), ("全年完成值", "actual"), ("权重（%）", "weight"),
    ("项目资金（万元）", None), ("评价指标", "level1"),
])
def test_header_words_with_remarks(label, role):
    assert indicator_role(label) == role


def test_labels_lose_marks_and_block_totals():
    assert clean_level("★医保经办窗口<br>业务办理量", "level3") == "医保经办窗口业务办理量"
    assert clean_level("产出指标（50分）", "level1") == "产出指标"
    assert clean_level("指标2：签约居民履约服务次数", "level3") == "签约居民履约服务次数"


# ---------------------------------------------------------------- the specimen gallery
GALLERY = Path(os.environ.get("EVALKIT_SPECIMENS", Path(__file__).resolve().parents[2] / "shared" / "specimens"))
# the specimens whose indicator rows (but the 预算执行率 line, read with the budget) are all found
COMPLETE = ["proj-01", "proj-02", "proj-03", "proj-04", "proj-05", "proj-07", "proj-08", "proj-09", "proj-10",
            "dept-01", "dept-02", "dept-03", "dept-04", "third-01", "third-02", "third-03"]


@pytest.mark.parametrize("stem", COMPLETE)
def test_gallery_indicator_rows(stem):
    import json

    from gallery import _indicator_match

    from evalkit.readers import load_any

    if not GALLERY.is_dir():
        pytest.skip(f"no specimen gallery at {GALLERY} (set EVALKIT_SPECIMENS)")
    exp_path = next((GALLERY / "expected").glob(f"{stem}-*.json"))
    expected = json.loads(exp_path.read_text(encoding="utf-8"))
    ctx = ReportContext(load_any(GALLERY / expected["file"]))
    got, _ = extract_indicators(ctx)
    wanted = [e for e in expected["indicators"] if e["level1"] != "预算执行率"]
    missed = [e for e in wanted if not any(_indicator_match(e, g) for g in got)]
    extra = [g for g in got if not any(_indicator_match(e, g) for e in expected["indicators"])]
    assert not missed, missed
    assert not extra, [{c: g[c] for c in COLUMNS + ("source",)} for g in extra]


def test_score_statements_with_the_weight_first_under_level_headings(tmp_path):
    """Batch E: indicators written as lines '名称：分值10分，目标值≥35万人，实际完成35.66万人，得分10分'
    under the headings '（二）产出指标（50分）' and '1.数量指标'."""
    import evalkit

    path = tmp_path / "r.txt"
    path.write_text("某县医疗保障局2022年度部门整体支出绩效自评报告\n\n三、绩效目标完成情况\n（二）产出指标（50分）\n"
                    "1.数量指标\n城乡居民医保参保人数：分值10分，目标值≥35万人，实际完成35.66万人，得分10分。\n"
                    "2.质量指标\n医保待遇结算准确率：分值8分，目标值≥99%，实际完成99.5%，得分8分。\n"
                    "（三）效益指标（20分）\n1.社会效益指标\n住院费用报销比例：分值10分，目标值≥70%，实际完成71.2%，得分10分。\n",
                    encoding="utf-8")
    ind = evalkit.read_report(path).indicators
    got = ind[["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]].values.tolist()
    assert got == [
        ["产出指标", "数量指标", "城乡居民医保参保人数", "≥35万人", "35.66万人", 10.0, 10.0],
        ["产出指标", "质量指标", "医保待遇结算准确率", "≥99%", "99.5%", 8.0, 8.0],
        ["效益指标", "社会效益指标", "住院费用报销比例", "≥70%", "71.2%", 10.0, 10.0],
    ]
