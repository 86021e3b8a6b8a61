"""Tables drawn with box characters and read on their grid: a cell that goes on down past a
partial rule (│      ├──┤) stands once with its rowspan, its pieces joined; a cell over two
columns has colspan 2; the rows it covers hold covered empty cells."""

from __future__ import annotations

from evalkit.readers.text import rebuild_blocks

# every line is aligned on a monospaced page: a Chinese character is two columns wide
TABLE = """\
┌────────────┬────────┬────────┬────────┐
│项目        │年初    │全年    │全年    │
│            │预算数  │预算数  │执行数  │
├────────────┼────────┼────────┼────────┤
│年度预算    │支出合计│1,086.30│1,178.42│
│执行情况    ├────────┼────────┼────────┤
│（万元）    │基本支出│  742.60│  768.15│
├────────────┼────────┴────────┴────────┤
│总体目标    │参保率稳定在95%以上        │
└────────────┴──────────────────────────┘"""


def test_a_box_table_with_partial_rules_is_read_on_its_grid():
    (table,) = rebuild_blocks(["附表", *TABLE.splitlines()])[1:]
    assert table.layout == "box"
    shown = [[("^" if c.covered else c.text, c.rowspan, c.colspan) for c in r.cells] for r in table.rows]
    assert shown == [
        [("项目", 1, 1), ("年初预算数", 1, 1), ("全年预算数", 1, 1), ("全年执行数", 1, 1)],
        [("年度预算执行情况（万元）", 2, 1), ("支出合计", 1, 1), ("1,086.30", 1, 1), ("1,178.42", 1, 1)],
        [("^", 1, 1), ("基本支出", 1, 1), ("742.60", 1, 1), ("768.15", 1, 1)],
        [("总体目标", 1, 1), ("参保率稳定在95%以上", 1, 3)],
    ]
    assert [r.line for r in table.rows] == [3, 6, 8, 10]  # each row on the line of its first piece


def test_a_box_table_drawn_row_by_row_is_cut_at_its_bars_whatever_its_alignment():
    lines = ["┌──┬──┐", "│一级指标│得分│", "├──┼──┤", "│产出指标│48│", "└──┴──┘"]
    (table,) = rebuild_blocks(lines)
    assert [r.texts for r in table.rows] == [["一级指标", "得分"], ["产出指标", "48"]]
