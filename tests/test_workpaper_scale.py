"""The workpaper at Excel's limits: tables longer than a sheet, texts longer than a cell.

Excel's real row limit (1 048 576) is far too many rows for a test, so the tests lower the
module's limit (``_MAX_ROWS``) to a few dozen rows and check, by hand-worked positions, that a
long table goes on over continuation sheets with the same header, that links point to the
sheet and row where the cited row is, and that the cover says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import openpyxl
import pandas as pd
import pytest

from evalkit import workpaper
from evalkit.workpaper import COVER_SHEET, CUT_MARK, SHEET_NAMES, write_workpaper

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8)))
BUDGET, FUNDS, FINDINGS = SHEET_NAMES["budget"], SHEET_NAMES["funds"], SHEET_NAMES["findings"]


def _tables(n_budget: int = 120, n_funds: int = 98) -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame({"report_id": ["r1"], "department": ["临湘市医疗保障事务中心"],
                            "fiscal_year": pd.array([2024], dtype="Int64"),
                            "source_file": ["r1.txt"], "sha256": ["a" * 64]}).astype({"report_id": "str"})
    budget = pd.DataFrame({
        "report_id": ["r1"] * n_budget,
        "item": [f"项目{i}" for i in range(n_budget)],
        "amount_wan": pd.array([float(i) for i in range(n_budget)], dtype="Float64"),
        "source": [f"r1:{1000 + i}" for i in range(n_budget)],
    })
    funds = pd.DataFrame({
        "report_id": ["r1"] * n_funds,
        "flow": ["支出"] * n_funds,
        "amount_wan": pd.array([1.5] * n_funds, dtype="Float64"),
        "source": [f"r1:{5000 + i}" for i in range(n_funds)],
    })
    return {"reports": reports, "budget": budget, "funds": funds}


def _derived(n_findings: int = 60) -> dict[str, pd.DataFrame]:
    # the first finding cites budget rows 0, 60 and 100 (lines 1000, 1060, 1100); a rule the
    # catalogue does not know compares any table, and a message without numbers names no row
    findings = pd.DataFrame({
        "report_id": ["r1"] * n_findings,
        "rule": ["test-rule"] * n_findings,
        "rule_name": ["测试规则"] * n_findings,
        "kind": ["矛盾"] * n_findings,
        "severity": ["警告"] * n_findings,
        "message": ["数字不一"] * n_findings,
        "expected": ["1.5"] * n_findings,
        "observed": ["2.5"] * n_findings,
        "difference": pd.array([1.0] * n_findings, dtype="Float64"),
        "sources": ["r1:1000;r1:1060;r1:1100"] + ["r1:5097"] * (n_findings - 1),
        "excerpt": ["L1000 项目0"] * n_findings,
    })
    execution = pd.DataFrame({"report_id": ["r1"], "scope": ["部门整体"], "source": ["r1:1100"]})
    return {"findings": findings, "execution": execution}


@pytest.fixture
def small_sheets(monkeypatch):
    monkeypatch.setattr(workpaper, "_MAX_ROWS", 50)  # 49 rows under the header of each sheet


@pytest.fixture
def book(small_sheets, tmp_path):
    path = write_workpaper(_tables(), _derived(), tmp_path / "wp.xlsx", command="x", created=WHEN)
    return openpyxl.load_workbook(path)


def _header(ws):
    return [c.value for c in ws[1]]


def test_a_long_table_goes_on_over_continuation_sheets_after_it(book):
    names = book.sheetnames
    i = names.index(BUDGET)
    # 120 rows, 49 a sheet: 49 + 49 + 22
    assert names[i:i + 4] == [BUDGET, f"{BUDGET}（续1）", f"{BUDGET}（续2）", FUNDS]
    parts = [book[n] for n in names[i:i + 3]]
    assert [ws.max_row for ws in parts] == [50, 50, 23]
    assert _header(parts[1]) == _header(parts[2]) == _header(parts[0])
    item = _header(parts[0]).index("项目") + 1
    # the rows continue where the previous sheet stopped: row 49 of the table is row 2 of 续1
    assert parts[0].cell(row=50, column=item).value == "项目48"
    assert parts[1].cell(row=2, column=item).value == "项目49"
    assert parts[2].cell(row=2, column=item).value == "项目98"
    assert parts[2].cell(row=23, column=item).value == "项目119"
    for ws, last in zip(parts, (50, 50, 23), strict=True):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:D{last}"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape"
        assert ws.cell(row=2, column=3).number_format == "#,##0.00"  # 金额（万元）


def test_a_table_that_fills_its_sheets_exactly_gets_no_empty_sheet(book):
    # 98 fund rows = 2 × 49
    assert [n for n in book.sheetnames if n.startswith(FUNDS)] == [FUNDS, f"{FUNDS}（续1）"]
    assert book[f"{FUNDS}（续1）"].max_row == 50


def test_links_point_to_the_sheet_and_row_where_the_cited_row_is(book):
    ws = book[FINDINGS]
    first = _header(ws).index("关联行1") + 1
    links = [ws.cell(row=2, column=c) for c in range(first, first + 3)]
    # table rows 0, 60, 100: 60 = 49 + 11 → 续1 row 13; 100 = 2 × 49 + 2 → 续2 row 4
    assert [c.hyperlink.location for c in links] == [
        f"'{BUDGET}'!A2", f"'{BUDGET}（续1）'!A13", f"'{BUDGET}（续2）'!A4"]
    assert [c.value for c in links] == [f"{BUDGET} 第2行", f"{BUDGET}（续1） 第13行", f"{BUDGET}（续2） 第4行"]
    # funds row 97 (line 5097) is the last row of 续1: 97 = 49 + 48 → row 50
    assert ws.cell(row=3, column=first).hyperlink.location == f"'{FUNDS}（续1）'!A50"
    # a derived table's source cell links the same way
    execution = book[SHEET_NAMES["execution"]]
    source = _header(execution).index("来源（报告编号:行号）") + 1
    assert execution.cell(row=2, column=source).hyperlink.location == f"'{BUDGET}（续2）'!A4"


def test_long_findings_keep_their_drop_down_and_numbering_on_every_sheet(book):
    # 60 findings: 49 + 11
    first, second = book[FINDINGS], book[f"{FINDINGS}（续1）"]
    assert (first.max_row, second.max_row) == (50, 12)
    letter = openpyxl.utils.get_column_letter(_header(first).index("核实结论") + 1)
    assert [str(dv.sqref) for dv in first.data_validations.dataValidation] == [f"{letter}2:{letter}50"]
    assert [str(dv.sqref) for dv in second.data_validations.dataValidation] == [f"{letter}2:{letter}12"]
    assert second.data_validations.dataValidation[0].formula1 == '"属实,误报,待核实"'
    assert first.cell(row=50, column=1).value == "0049"
    assert second.cell(row=2, column=1).value == "0050"
    assert second.cell(row=12, column=1).value == "0060"
    assert second.freeze_panes == "C2"
    assert second.cell(row=2, column=1).fill.fgColor.rgb.endswith("FFE699")  # 警告


def test_the_cover_lists_every_sheet_and_says_where_a_table_goes_on(book):
    cover = book[COVER_SHEET]
    rows = [[c.value for c in r[:3]] for r in cover.iter_rows()]
    contents = {r[0]: (r[1], r[2]) for r in rows if r[0] and str(r[0]).startswith(BUDGET)}
    assert [n for _, n in contents.values()] == [49, 49, 22]
    assert "第 1–49 行，共 120 行；续见“预算收支（续1）”" in contents[BUDGET][0]
    assert "第 99–120 行，共 120 行）" in contents[f"{BUDGET}（续2）"][0]
    notes = [r[1] for r in rows if r[0] == "注意"]
    assert any(f"“{BUDGET}”共 120 行" in n and f"{BUDGET}（续2）" in n for n in notes)
    # every sheet of the contents links to its sheet
    link_rows = [r for r in cover.iter_rows() if r[0].value == f"{BUDGET}（续1）"]
    assert link_rows[0][0].hyperlink.location == f"'{BUDGET}（续1）'!A1"


def test_page_index_numbers_follow_the_sheets(book):
    for i, ws in enumerate(book.worksheets):
        assert ws.oddHeader.left.text == f"索引号：EK-{i:02d}", ws.title


def test_a_text_longer_than_a_cell_is_cut_with_a_mark_and_the_cover_says_so(tmp_path):
    tables = _tables(3, 1)
    residue = pd.DataFrame({"report_id": ["r1", "r1"], "text": ["甲" * 40000, "乙" * 32767],
                            "source": ["r1:7", "r1:8"]})
    path = write_workpaper({**tables, "residue": residue}, {}, tmp_path / "wp.xlsx", command="x")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAMES["residue"]]
    cut, whole = ws.cell(row=2, column=2).value, ws.cell(row=3, column=2).value
    assert len(cut) == 32767 and cut.endswith(CUT_MARK) and cut.startswith("甲" * 1000)
    assert whole == "乙" * 32767  # exactly at the limit: kept whole
    notes = [r[1].value for r in wb[COVER_SHEET].iter_rows() if r[0].value == "注意"]
    assert any(f"“{SHEET_NAMES['residue']}”1 个" in n and CUT_MARK in n for n in notes)


def test_the_cover_lists_as_many_inputs_as_fit_and_says_how_many_are_left(monkeypatch, tmp_path):
    monkeypatch.setattr(workpaper, "_MAX_ROWS", 40)
    reports = pd.DataFrame({"report_id": [f"r{i:02d}" for i in range(60)],
                            "source_file": [f"r{i:02d}.txt" for i in range(60)],
                            "sha256": ["c" * 64] * 60})
    path = write_workpaper({"reports": reports}, None, tmp_path / "wp.xlsx", command="x")
    cover = openpyxl.load_workbook(path)[COVER_SHEET]
    # rows: title, blank, 8 facts (3–10: 5 facts + 3 notes), blank, contents header (12),
    # 报告 / 报告（续1） / 字段说明 (13–15), blank, 输入报告 (17), labels (18), 21 inputs (19–39),
    # the line saying how many are left (40)
    assert cover.max_row == 40
    assert cover["A19"].value == "r00" and cover["A39"].value == "r20"
    assert cover["A40"].value == "……另有 39 份未列出"
    notes = [r[1].value for r in cover.iter_rows() if r[0].value == "注意"]
    assert any("共 60 份" in n and "前 21 份" in n for n in notes)


def test_small_inputs_get_one_sheet_per_table_and_no_note(tmp_path):
    path = write_workpaper(_tables(), _derived(), tmp_path / "wp.xlsx", command="x", created=WHEN)
    wb = openpyxl.load_workbook(path)
    assert not any("（续" in n for n in wb.sheetnames)
    assert wb[BUDGET].max_row == 121
    notes = [r[1].value for r in wb[COVER_SHEET].iter_rows() if r[0].value == "注意"]
    assert notes == []


def test_past_excels_hyperlinks_per_sheet_the_places_stay_as_text_and_the_cover_says_so(monkeypatch, tmp_path):
    """With the limit lowered to 10 links per sheet: the findings sheet's first 10 cited places
    are links, the rest text; the cover counts them."""
    monkeypatch.setattr(workpaper, "_MAX_SHEET_LINKS", 10)
    path = write_workpaper(_tables(), _derived(), tmp_path / "wp.xlsx", command="x", created=WHEN)
    wb = openpyxl.load_workbook(path)
    linked = [c for row in wb[FINDINGS].iter_rows(min_row=2) for c in row if c.hyperlink is not None]
    assert len(linked) == 10  # 60 findings cite more than 10 places: the first 10 linked
    cover = " ".join(str(c.value) for row in wb[COVER_SHEET].iter_rows() for c in row if c.value)
    assert "超链接" in cover and f"“{FINDINGS}”" in cover


@pytest.mark.parametrize("difference, shown", [(1558.29, "#,##0.00"), (-0.125, "#,##0.000"), (12.5, "#,##0.00")])
def test_a_figure_shows_as_many_decimals_as_it_has(tmp_path, difference, shown):
    """差额 is a Float64 column of the findings (its values come out as numpy floats); each is
    shown with its own decimals (at least two), not six."""
    derived = _derived(1)
    derived["findings"]["difference"] = pd.array([difference], dtype="Float64")
    path = write_workpaper(_tables(), derived, tmp_path / "wp.xlsx", command="x", created=WHEN)
    ws = openpyxl.load_workbook(path)[FINDINGS]
    cell = ws.cell(row=2, column=_header(ws).index("差额") + 1)
    assert (cell.value, cell.number_format) == (difference, shown)


def test_a_derived_tables_sources_past_the_sheets_hyperlinks_are_text_and_counted(monkeypatch, tmp_path):
    """A derived table whose ``source`` cells link to their data rows: past the sheet's
    hyperlinks (lowered to 10), whole blocks of rows (8 here) are written as text at once; every
    place not linked is counted on the cover, and the cells hold the same text either way."""
    monkeypatch.setattr(workpaper, "_MAX_SHEET_LINKS", 10)
    monkeypatch.setattr(workpaper, "_BLOCK", 8)
    derived = _derived(1)
    derived["execution"] = pd.DataFrame({"report_id": ["r1"] * 50, "scope": ["部门整体"] * 50,
                                         "source": [f"r1:{1000 + i}" for i in range(49)] + ["r1:9"]})
    path = write_workpaper(_tables(), derived, tmp_path / "wp.xlsx", command="x", created=WHEN)
    wb = openpyxl.load_workbook(path)
    ws = wb[workpaper.SHEET_NAMES["execution"]]
    column = _header(ws).index("来源（报告编号:行号）") + 1
    cells = [ws.cell(row=r, column=column) for r in range(2, 52)]
    assert [c.value for c in cells] == [f"r1:{1000 + i}" for i in range(49)] + ["r1:9"]
    assert sum(c.hyperlink is not None for c in cells) == 10
    cover = " ".join(str(c.value) for row in wb[COVER_SHEET].iter_rows() for c in row if c.value)
    assert f"“{ws.title}”39 处" in cover  # (49 sources name a data row; 10 linked; r1:9 names none)


def test_the_cover_counts_places_not_linked_in_the_order_of_the_sheets(monkeypatch, tmp_path):
    """The findings' sheets are written after the others (their cited rows are found
    meanwhile), yet the cover names the sheets in the order of their tabs: 检查发现 first."""
    monkeypatch.setattr(workpaper, "_MAX_SHEET_LINKS", 10)
    derived = _derived()
    derived["execution"] = pd.DataFrame({"report_id": ["r1"] * 50, "scope": ["部门整体"] * 50,
                                         "source": [f"r1:{1000 + i}" for i in range(50)]})
    path = write_workpaper(_tables(), derived, tmp_path / "wp.xlsx", command="x", created=WHEN)
    wb = openpyxl.load_workbook(path)
    execution = SHEET_NAMES["execution"]
    assert wb.sheetnames.index(FINDINGS) < wb.sheetnames.index(execution)
    note = next(r[1].value for r in wb[COVER_SHEET].iter_rows() if r[0].value == "注意" and "超链接" in r[1].value)
    assert f"“{execution}”40 处" in note  # 50 sources, 10 linked
    assert note.index(f"“{FINDINGS}”") < note.index(f"“{execution}”")


def _cells_and_styles(path):
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.value, c.data_type, c.number_format,
                                       c.hyperlink.location if c.hyperlink is not None else None,
                                       c.font.b, c.fill.fgColor.rgb, c.alignment.wrap_text, c.quotePrefix)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row}, wb.sheetnames


def _cited_beside(monkeypatch) -> list[bool]:
    """From now on the cited rows are found in a process of their own (from one finding on);
    the list returned says, for each time, whether a process was forked."""
    forked = []

    class Spy(workpaper.Beside):
        def __enter__(self):
            entered = super().__enter__()
            forked.append(self._process is not None)
            return entered

    monkeypatch.setattr(workpaper, "Beside", Spy)
    monkeypatch.setattr(workpaper, "_CITED_BESIDE_FROM", 1)
    return forked


def test_the_cited_rows_found_in_a_process_of_their_own_give_the_same_workbook(monkeypatch, tmp_path):
    """Above ``_CITED_BESIDE_FROM`` findings the rows they cite are found in a forked process
    while the other sheets are written: every cell, link and style as when found in the caller."""
    from evalkit.side_process import can_fork

    inline = write_workpaper(_tables(), _derived(), tmp_path / "inline.xlsx", command="x", created=WHEN)
    forked = _cited_beside(monkeypatch)
    beside = write_workpaper(_tables(), _derived(), tmp_path / "beside.xlsx", command="x", created=WHEN)
    assert forked == [can_fork()]
    assert _cells_and_styles(beside) == _cells_and_styles(inline)


def test_an_error_finding_the_cited_rows_in_their_process_leaves_no_file(monkeypatch, tmp_path):
    from evalkit.side_process import can_fork

    def fail(*args, **kwargs):
        raise RuntimeError("cited rows lost")

    forked = _cited_beside(monkeypatch)
    monkeypatch.setattr(workpaper, "_cited_rows", fail)  # (the forked process inherits it)
    with pytest.raises(RuntimeError, match="cited rows lost"):
        write_workpaper(_tables(), _derived(), tmp_path / "wp.xlsx", command="x", created=WHEN)
    assert forked == [can_fork()]
    assert not (tmp_path / "wp.xlsx").exists()
