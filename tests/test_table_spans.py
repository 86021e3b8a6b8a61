"""Merged cells as the file states them: a .docx and an .html form whose 一级指标 cell spans five
rows and whose header cell 指标值 spans two columns (over 年度指标值 and 实际完成值) arrive in the
document model with those spans, and give the same indicator rows as the same form written in
the one-cell-per-line text layout (tests/fixtures/spans_form.txt, where 指标值 is followed by an
empty cell and merged cells below their first row are empty)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.document import load_document
from evalkit.readers import load_any

FIXTURE = Path(__file__).parent / "fixtures" / "spans_form.txt"
TITLE = "某县医疗保障局2023年度部门整体支出绩效自评报告"
CAPTION = "附表：部门整体支出绩效自评表"
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "", "分值", "得分"]
SUBHEADER = ["", "", "", "年度指标值", "实际完成值", "", ""]
BODY = [
    ["产出指标", "数量指标", "参保人数", "≥43万人", "43.01万人", "10", "10"],
    ["", "", "门诊慢特病待遇认定", "≥2000人", "2350人", "10", "10"],
    ["", "质量指标", "基金结算及时率", "≥95%", "98%", "10", "9"],
    ["", "", "医保信息系统正常运行率", "≥98%", "99.5%", "10", "10"],
    ["", "时效指标", "待遇支付及时率", "100%", "100%", "10", "10"],
    ["效益指标", "社会效益指标", "群众满意度", "≥90%", "92%", "10", "9"],
]
# (row, column, rowspan, colspan) of every merged cell, 0-based on the grid of 8 rows × 7 columns
MERGES = [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 2, 1), (0, 3, 1, 2), (0, 5, 2, 1), (0, 6, 2, 1),
          (2, 0, 5, 1), (2, 1, 2, 1), (4, 1, 2, 1)]

# typed from the form above
EXPECTED = [
    ("产出指标", "数量指标", "参保人数", "≥43万人", "43.01万人", 10.0, 10.0),
    ("产出指标", "数量指标", "门诊慢特病待遇认定", "≥2000人", "2350人", 10.0, 10.0),
    ("产出指标", "质量指标", "基金结算及时率", "≥95%", "98%", 10.0, 9.0),
    ("产出指标", "质量指标", "医保信息系统正常运行率", "≥98%", "99.5%", 10.0, 10.0),
    ("产出指标", "时效指标", "待遇支付及时率", "100%", "100%", 10.0, 10.0),
    ("效益指标", "社会效益指标", "群众满意度", "≥90%", "92%", 10.0, 9.0),
]
COLUMNS = ["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]


def grid() -> list[list[str]]:
    return [HEADER, SUBHEADER, *BODY]


def write_docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph(CAPTION)
    rows = grid()
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, c, rs, cs in MERGES:
        table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    d.save(path)
    return path


def write_html(path: Path) -> Path:
    starts = {(r, c): (rs, cs) for r, c, rs, cs in MERGES}
    covered = {(r + dr, c + dc) for r, c, rs, cs in MERGES for dr in range(rs) for dc in range(cs)}
    covered -= set(starts)
    parts = [f"<html><body><h1>{TITLE}</h1><p>{CAPTION}</p><table border=1>"]
    for r, row in enumerate(grid()):
        tds = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = starts.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(text)}</td>")
        parts.append("<tr>" + "".join(tds) + "</tr>")
    parts.append("</table></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def indicator_rows(path: Path) -> list[tuple]:
    ind = evalkit.read_report(path).indicators
    return [tuple(None if pd.isna(v) else v for v in row) for row in ind[COLUMNS].itertuples(index=False)]


def test_the_text_fixture_gives_the_typed_rows():
    assert indicator_rows(FIXTURE) == EXPECTED
    assert all(c.rowspan == 1 and c.colspan == 1 for t in load_document(FIXTURE).tables
               for r in t.rows for c in r.cells)  # text states no merge


@pytest.mark.parametrize("write", [write_docx, write_html], ids=["docx", "html"])
def test_merged_cells_arrive_as_spans_and_give_the_same_rows(tmp_path, write):
    path = write(tmp_path / ("form.docx" if write is write_docx else "form.html"))
    doc = load_any(path)
    (table,) = doc.tables
    cells = {c.text: c for r in table.rows for c in r.cells if c.text}
    assert (cells["产出指标"].rowspan, cells["产出指标"].colspan) == (5, 1)
    assert (cells["指标值"].rowspan, cells["指标值"].colspan) == (1, 2)
    assert (cells["一级指标"].rowspan, cells["数量指标"].rowspan, cells["效益指标"].rowspan) == (2, 2, 1)
    first_column = [r.cells[0] for r in table.rows]
    assert [c.covered for c in first_column] == [False, True, False, True, True, True, True, False]
    assert [r.texts for r in table.on_grid().rows][:2] == [HEADER, SUBHEADER]
    assert indicator_rows(path) == EXPECTED == indicator_rows(FIXTURE)
