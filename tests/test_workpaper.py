"""Tests of evalkit.workpaper: open the workbook with openpyxl and check what an auditor sees."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evalkit.fields import field_label
from evalkit.workpaper import (
    COVER_SHEET,
    FIELDS_SHEET,
    SHEET_NAMES,
    SUMMARY_SHEET,
    SUSPECTS_SHEET,
    TIME_LABEL,
    read_verdicts,
    write_workpaper,
)

FORMULA_START = ("=", "+", "-", "@")


def _str(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("str")
    return frame


def sample_tables() -> dict[str, pd.DataFrame]:
    reports = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r2"],
                "department": ["南昌市西湖区医疗保障局", "临湘市医疗保障事务中心"],
                "fiscal_year": pd.array([2022, 2024], dtype="Int64"),
                "total_score": pd.array([pd.NA, 96.0], dtype="Float64"),
                "grade": [pd.NA, "优"],
                "source_file": ["r1.txt", "r2.txt"],
                "sha256": ["a" * 64, "b" * 64],
            }
        )
    )
    indicators = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r1", "r1", "r2"],
                "scope": ["部门整体"] * 4,
                "seq": pd.array([pd.NA, pd.NA, pd.NA, 1], dtype="Int64"),
                "level1": ["产出指标", "产出指标", "效益指标", "产出目标"],
                "level3": ["专项稽核次数", "目标完成率", "@负责人", "+参保率"],
                "weight": pd.array([pd.NA, pd.NA, pd.NA, 5.0], dtype="Float64"),
                "target_raw": ["=3次", "=100%", "-2%", "≥95%"],
                "target_value": pd.array([3.0, 100.0, -2.0, 95.0], dtype="Float64"),
                "actual_raw": ["3次", "100%", pd.NA, "96%"],
                "score": pd.array([pd.NA, pd.NA, pd.NA, 5.0], dtype="Float64"),
                "note": [pd.NA, "=SUM(A1:A2)", "控制\x07字符", pd.NA],
                "source": ["r1:144", "r1:170", "r1:175", "r2:250"],
            }
        )
    )
    budget = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r1", "r1"],
                "scope": ["部门整体"] * 3,
                "stage": ["年初预算", "年初预算", "年初预算"],
                "item": ["支出合计", "人员经费", "公用经费"],
                "item_raw": ["支出预算合计", "其中：人员经费", "公用经费"],
                "amount_wan": pd.array([607.94, 390.22, 67.72], dtype="Float64"),
                "source": ["r1:121", "r1:123", "r1:126"],
            }
        )
    )
    enrollment = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r1"],
                "year": pd.array([2022, 2022], dtype="Int64"),
                "scheme": ["合计", "职工医保"],
                "persons": pd.array([223570, 38406], dtype="Int64"),
                "raw": ["223570人", "38406人"],
                "source": ["r1:338", "r1:338"],
            }
        )
    )
    funds = _str(
        pd.DataFrame(
            {
                "report_id": ["r1"],
                "year": pd.array([2022], dtype="Int64"),
                "scheme": ["职工医保"],
                "flow": ["收入"],
                "amount_wan": pd.array([10332.0], dtype="Float64"),
                "raw": ["10332万元"],
                "source": ["r1:338"],
            }
        )
    )
    residue = _str(
        pd.DataFrame(
            {
                "report_id": ["r1"],
                "line": pd.array([40], dtype="Int64"),
                "text": ["+5.2%"],
                "reason": ["未归位"],
                "source": ["r1:40"],
            }
        )
    )
    coverage = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r2"],
                "table_numbers": pd.array([120, 40], dtype="Int64"),
                "table_placed": pd.array([118, 40], dtype="Int64"),
                "text_numbers": pd.array([80, 10], dtype="Int64"),
                "text_placed_or_ignored": pd.array([75, 9], dtype="Int64"),
            }
        )
    )
    return {
        "reports": reports,
        "indicators": indicators,
        "budget": budget,
        "enrollment": enrollment,
        "funds": funds,
        "residue": residue,
        "coverage": coverage,
    }


def sample_derived() -> dict[str, pd.DataFrame]:
    findings = _str(
        pd.DataFrame(
            {
                "report_id": ["r1", "r1", "r1"],
                "rule": ["parts-short-of-total", "enrollment-conflict", "comparability-unclear"],
                "rule_name": ["分项之和小于合计", "参保人数前后不一", "口径不明的差异"],
                "kind": ["矛盾", "矛盾", "存疑"],
                "severity": ["警告", "错误", "提示"],
                "message": ["支出合计607.94大于人员经费与公用经费之和457.94", "=同一数字前后不一致：223570与223571",
                            "市级项目支出"],
                "expected": ["607.94", "223570", "4.8–6"],
                "observed": ["457.94", "223571", "全部完成"],
                "difference": pd.array([-150.0, 1.0, pd.NA], dtype="Float64"),
                "sources": ["r1:121;r1:123;r1:126", "r1:338;r1:999", "r1:121"],
                "excerpt": ["L121 支出预算合计 年初预算 607.94", "L338 合计 223570人", ""],
            }
        )
    )
    execution = _str(
        pd.DataFrame(
            {
                "report_id": ["r1"],
                "scope": ["部门整体"],
                "initial_wan": pd.array([607.94], dtype="Float64"),
                "final_wan": pd.array([590.1], dtype="Float64"),
                "rate_initial": pd.array([97.07], dtype="Float64"),
                "source": ["r1:121"],
            }
        )
    )
    achievement = _str(
        pd.DataFrame(
            {
                "report_id": ["r2"],
                "level3": ["+参保率"],
                "target_raw": ["≥95%"],
                "actual_raw": ["96%"],
                "achieved": ["是"],
                "reported_score": pd.array([5.0], dtype="Float64"),
                "recomputed_score": pd.array([5.0], dtype="Float64"),
                "source": ["r2:250"],
            }
        )
    )
    return {"execution": execution, "achievement": achievement, "findings": findings}


WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def workbook(tmp_path):
    path = write_workpaper(
        sample_tables(),
        sample_derived(),
        tmp_path / "wp" / "workpaper.xlsx",
        command="evalkit build reports --out build",
        created=WHEN,
    )
    assert path == tmp_path / "wp" / "workpaper.xlsx"
    return openpyxl.load_workbook(path)


def _cells(ws):
    return {(c.row, c.column): c for row in ws.iter_rows() for c in row}


def _cover_value(ws, label):
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == label:
            return row[1].value
    raise AssertionError(f"no {label} on the cover")


def test_sheets_in_order(workbook):
    names = [SUMMARY_SHEET, SHEET_NAMES["findings"], SUSPECTS_SHEET]
    names += [SHEET_NAMES[n] for n in ("execution", "achievement")]
    names += [SHEET_NAMES[n] for n in sample_tables()]
    assert workbook.sheetnames == [COVER_SHEET, *names, FIELDS_SHEET]


@pytest.mark.parametrize("name", list(sample_tables()))
def test_data_sheet_headers_and_every_value_match_the_table(workbook, name):
    frame = sample_tables()[name]
    ws = workbook[SHEET_NAMES[name]]
    headers = [c.value for c in ws[1]]
    assert headers == [field_label(c) for c in frame.columns]
    assert ws.max_row == len(frame) + 1
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        for j, value in enumerate(values):
            cell = ws.cell(row=i + 2, column=j + 1)
            if pd.isna(value):
                assert cell.value is None, (name, cell.coordinate)
            elif isinstance(value, str):
                expected = value.replace("\x07", "\ufffd")
                assert cell.value == expected, (name, cell.coordinate)
                assert cell.data_type == "s"
            else:
                assert cell.value == pytest.approx(float(value)), (name, cell.coordinate)


def test_chinese_headers(workbook):
    ws = workbook[SHEET_NAMES["budget"]]
    assert [c.value for c in ws[1]] == [
        "报告编号",
        "范围（部门整体/项目）",
        "阶段",
        "项目",
        "项目（原文）",
        "金额（万元）",
        "来源（报告编号:行号）",
    ]
    assert [c.value for c in workbook[SHEET_NAMES["enrollment"]][1]][3] == "人数"


def test_frozen_header_filter_and_widths(workbook):
    for name in [*sample_tables(), "execution", "achievement"]:
        ws = workbook[SHEET_NAMES[name]]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), name
        last_row = int("".join(ch for ch in ws.auto_filter.ref.split(":")[1] if ch.isdigit()))
        assert last_row == ws.max_row, name
        for letter, dim in ws.column_dimensions.items():
            assert 6 <= dim.width <= 64, (name, letter, dim.width)
    ws = workbook[SHEET_NAMES["indicators"]]
    assert ws.column_dimensions["A"].width < ws.column_dimensions["E"].width  # id < long label


def test_number_formats(workbook):
    budget = workbook[SHEET_NAMES["budget"]]
    assert budget["F2"].value == pytest.approx(607.94)
    assert budget["F2"].number_format == "#,##0.00"
    enrollment = workbook[SHEET_NAMES["enrollment"]]
    assert enrollment["D2"].value == 223570
    assert enrollment["D2"].number_format == "#,##0"
    assert enrollment["B2"].value == 2022
    assert enrollment["B2"].number_format == "0"  # a year, not 2,022
    execution = workbook[SHEET_NAMES["execution"]]
    rate = [c.value for c in execution[1]].index(field_label("rate_initial")) + 1
    assert execution.cell(row=2, column=rate).number_format == '0.00"%"'


def test_every_figure_keeps_its_source(workbook):
    for name in ("indicators", "budget", "enrollment", "funds", "residue"):
        ws = workbook[SHEET_NAMES[name]]
        headers = [c.value for c in ws[1]]
        assert headers[-1] == field_label("source"), name
        sources = [ws.cell(row=r, column=len(headers)).value for r in range(2, ws.max_row + 1)]
        assert sources == sample_tables()[name]["source"].tolist()


def test_no_formula_from_report_text(workbook):
    texts = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_START):
                        assert cell.data_type == "s"
                        assert cell.quotePrefix, (ws.title, cell.coordinate)
    for text in ("=3次", "=100%", "-2%", "@负责人", "+参保率", "=SUM(A1:A2)", "+5.2%"):
        assert text in texts


def test_target_cells_come_back_as_text(workbook):
    ws = workbook[SHEET_NAMES["indicators"]]
    column = [c.value for c in ws[1]].index(field_label("target_raw")) + 1
    assert ws.cell(row=2, column=column).value == "=3次"
    assert ws.cell(row=3, column=column).value == "=100%"
    assert ws.cell(row=2, column=column).data_type == "s"


def _header(ws):
    return [c.value for c in ws[1]]


def _col(ws, header):
    return _header(ws).index(header) + 1


def test_findings_sheet_has_the_auditors_columns_in_chinese(workbook):
    ws = workbook[SHEET_NAMES["findings"]]
    assert _header(ws)[:17] == ["索引号", "部门", "报告编号", "规则", "严重程度", "说明", "应为", "实为",
                                "差额", "原文摘录", "来源", "核实结论", "处理意见", "复核人", "日期",
                                "规则代码", "检查编号"]
    # contradictions only, 错误 first as in the findings table's order; the department named
    assert [ws.cell(row=r, column=4).value for r in (2, 3)] == ["分项之和小于合计", "参保人数前后不一"]
    assert ws.cell(row=2, column=2).value == "南昌市西湖区医疗保障局"
    assert ws.cell(row=2, column=10).value == "L121 支出预算合计 年初预算 607.94"
    # the suspect is on the review sheet, not among the findings
    suspects = workbook[SUSPECTS_SHEET]
    assert suspects.max_row == 2 and suspects.cell(row=2, column=4).value == "口径不明的差异"


def test_findings_figures_are_numbers_with_formats(workbook):
    ws = workbook[SHEET_NAMES["findings"]]
    expected, observed, diff = (ws.cell(row=2, column=_col(ws, h)) for h in ("应为", "实为", "差额"))
    assert (expected.value, observed.value, diff.value) == (607.94, 457.94, -150.0)
    assert expected.data_type == "n" and expected.number_format == "#,##0.00"
    assert diff.data_type == "n" and diff.number_format in ("#,##0.00", "#,##0")
    assert ws.cell(row=3, column=_col(ws, "应为")).value == 223570
    # a range or a word stays text
    suspects = workbook[SUSPECTS_SHEET]
    assert suspects.cell(row=2, column=_col(suspects, "应为")).value == "4.8–6"
    assert suspects.cell(row=2, column=_col(suspects, "实为")).value == "全部完成"


def test_verdict_drop_down(workbook):
    ws = workbook[SHEET_NAMES["findings"]]
    letter = openpyxl.utils.get_column_letter(_col(ws, "核实结论"))
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"属实,误报,待核实"'
    assert str(dv.sqref) == f"{letter}2:{letter}3"


def test_print_settings_on_every_sheet(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.oddHeader.left.text.startswith("索引号："), ws.title
        assert ws.oddHeader.center.text == "单位：南昌市西湖区医疗保障局、临湘市医疗保障事务中心"
        assert ws.oddHeader.right.text == "期间：2022年度、2024年度"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        if ws.title != COVER_SHEET:
            assert ws.print_title_rows == "$1:$1", ws.title


def test_severity_colours(workbook):
    ws = workbook[SHEET_NAMES["findings"]]
    assert ws.cell(row=2, column=1).fill.fgColor.rgb.endswith("FFE699")  # 警告
    assert ws.cell(row=3, column=6).fill.fgColor.rgb.endswith("F8CBAD")  # 错误


def test_findings_link_to_exactly_the_rows_they_cite(workbook):
    ws = workbook[SHEET_NAMES["findings"]]
    links = [h for h in _header(ws) if str(h).startswith("关联行")]
    assert links == ["关联行1", "关联行2", "关联行3"]
    first = _col(ws, "关联行1")
    budget = SHEET_NAMES["budget"]
    # the first finding cites r1:121, r1:123, r1:126: budget rows 2, 3, 4, and nothing else
    got = [ws.cell(row=2, column=c).hyperlink for c in range(first, first + 3)]
    assert [h.location for h in got] == [f"'{budget}'!A{r}" for r in (2, 3, 4)]
    # the second (a head count) cites r1:338, which holds two enrollment rows and one funds row:
    # it links the enrollment row of 223570 only (r1:999 is nowhere)
    second = [ws.cell(row=3, column=c) for c in range(first, first + 3)]
    assert [c.hyperlink.location if c.hyperlink else None for c in second] == [
        f"'{SHEET_NAMES['enrollment']}'!A2", None, None]


def test_summary_counts_findings_by_unit_kind_rule_and_severity(workbook):
    ws = workbook[SUMMARY_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=1)]
    assert rows[0] == ["部门", "类别", "规则", "错误", "警告", "提示", "合计"]
    assert rows[1:] == [
        ["南昌市西湖区医疗保障局", "矛盾", "分项之和小于合计", 0, 1, 0, 1],
        ["南昌市西湖区医疗保障局", "矛盾", "参保人数前后不一", 1, 0, 0, 1],
        ["南昌市西湖区医疗保障局", "存疑", "口径不明的差异", 0, 0, 1, 1],
        ["合计", None, None, 1, 1, 1, 3],
    ]


def test_verdicts_are_read_back_and_kept_by_a_rerun(tmp_path, workbook):
    path = tmp_path / "filled.xlsx"
    ws = workbook[SHEET_NAMES["findings"]]
    ws.cell(row=3, column=_col(ws, "核实结论"), value="误报")
    ws.cell(row=3, column=_col(ws, "处理意见"), value="L338 两处口径不同")
    ws.cell(row=3, column=_col(ws, "复核人"), value="张三")
    ws.cell(row=3, column=_col(ws, "日期"), value=datetime(2025, 3, 1))
    workbook.save(path)
    verdicts = read_verdicts(path)
    assert verdicts[["规则代码", "核实结论", "处理意见", "复核人", "日期"]].values.tolist() == [
        ["enrollment-conflict", "误报", "L338 两处口径不同", "张三", "2025-03-01"]]
    again = write_workpaper(sample_tables(), sample_derived(), tmp_path / "again.xlsx",
                            command="evalkit build", created=WHEN, verdicts=verdicts)
    ws2 = openpyxl.load_workbook(again)[SHEET_NAMES["findings"]]
    assert ws2.cell(row=3, column=_col(ws2, "核实结论")).value == "误报"
    assert ws2.cell(row=2, column=_col(ws2, "核实结论")).value is None


def test_derived_source_links_to_its_data_row(workbook):
    ws = workbook[SHEET_NAMES["achievement"]]
    column = [c.value for c in ws[1]].index(field_label("source")) + 1
    cell = ws.cell(row=2, column=column)
    assert cell.value == "r2:250"
    assert cell.hyperlink.location == f"'{SHEET_NAMES['indicators']}'!A5"


def test_cover(workbook):
    ws = workbook[COVER_SHEET]
    from importlib import metadata

    assert _cover_value(ws, "evalkit 版本") == metadata.version("evalkit")
    assert _cover_value(ws, "复现命令") == "evalkit build reports --out build"
    assert _cover_value(ws, TIME_LABEL) == WHEN.isoformat(timespec="seconds")
    assert "工作底稿" in ws["A1"].value
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "a" * 64 in values and "b" * 64 in values
    assert "r1.txt" in values
    for name in (*sample_tables(), "findings"):  # a table of contents with links
        assert SHEET_NAMES[name] in values


def test_fields_sheet_lists_every_column(workbook):
    ws = workbook[FIELDS_SHEET]
    rows = {(r[0].value, r[1].value): r[2].value for r in ws.iter_rows(min_row=2)}
    assert rows[(SHEET_NAMES["budget"], "amount_wan")] == "金额（万元）"
    assert rows[(SHEET_NAMES["findings"], "sources")] == field_label("sources")


def _contents(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                link = c.hyperlink.location if c.hyperlink is not None else None
                out[(ws.title, c.coordinate)] = (c.value, c.data_type, c.number_format, link)
    return out


def test_two_builds_have_identical_cells_except_the_time(tmp_path):
    a = write_workpaper(sample_tables(), sample_derived(), tmp_path / "a.xlsx", command="x")
    b = write_workpaper(
        sample_tables(),
        sample_derived(),
        tmp_path / "b.xlsx",
        command="x",
        created=datetime(1999, 12, 31, tzinfo=UTC),
    )
    ca, cb = _contents(a), _contents(b)
    assert ca.keys() == cb.keys()
    differ = [key for key in ca if ca[key] != cb[key]]
    assert len(differ) == 1
    sheet, coordinate = differ[0]
    ws = openpyxl.load_workbook(a)[sheet]
    assert sheet == COVER_SHEET
    assert ws[f"A{ws[coordinate].row}"].value == TIME_LABEL


def test_without_derived_tables_the_cover_says_so(tmp_path):
    path = write_workpaper(sample_tables(), None, tmp_path / "wp.xlsx", command="x")
    wb = openpyxl.load_workbook(path)
    assert SHEET_NAMES["findings"] not in wb.sheetnames
    assert "未运行检查" in _cover_value(wb[COVER_SHEET], "注意")


def test_failures_and_explicit_inputs_are_on_the_cover(tmp_path):
    failures = pd.DataFrame({"path": ["junk.txt"], "reason": ["无法识别的编码"]}, dtype="str")
    inputs = pd.DataFrame(
        {"report_id": ["r9"], "source_file": ["r9.txt"], "sha256": ["c" * 64]}, dtype="str"
    )
    path = write_workpaper(
        sample_tables(), {}, tmp_path / "wp.xlsx", command="x", inputs=inputs, failures=failures
    )
    values = [c.value for row in openpyxl.load_workbook(path)[COVER_SHEET].iter_rows() for c in row]
    assert "junk.txt" in values and "无法识别的编码" in values
    assert "c" * 64 in values and "a" * 64 not in values


def test_empty_tables_still_get_headers(tmp_path):
    tables = {name: frame.iloc[0:0] for name, frame in sample_tables().items()}
    path = write_workpaper(tables, {}, tmp_path / "wp.xlsx", command="x")
    ws = openpyxl.load_workbook(path)[SHEET_NAMES["budget"]]
    assert [c.value for c in ws[1]][-1] == field_label("source")
    assert ws.max_row == 1


def test_openpyxl_is_imported_lazily():
    code = "import sys, evalkit.workpaper; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_column_of_the_bundled_tables_and_their_analysis_has_a_chinese_header():
    """The workbook's headers come from vocab/column_labels.csv: none may fall back to English."""
    import re

    from evalkit.analysis import derive
    from evalkit.export import read_tables

    tables = read_tables(Path(__file__).resolve().parent.parent / "data")
    frames = {**tables, **derive(tables)}
    english = {(name, c) for name, df in frames.items() for c in df.columns
               if not re.search(r"[\u4e00-\u9fff]", field_label(c))}
    assert not english


def test_a_link_cell_starting_like_a_formula_keeps_its_quote_prefix(tmp_path):
    # a report named '=cmd' gives sources '=cmd:3': a linked cell, still text for Excel
    budget = pd.DataFrame({"report_id": ["=cmd"], "item": ["基本支出"], "source": ["=cmd:3"]}).astype("str")
    execution = pd.DataFrame({"report_id": ["=cmd"], "source": ["=cmd:3"]}).astype("str")
    path = write_workpaper({"budget": budget}, {"execution": execution}, tmp_path / "wp.xlsx", command="x")
    ws = openpyxl.load_workbook(path)[SHEET_NAMES["execution"]]
    cell = ws.cell(row=2, column=2)
    assert cell.hyperlink is not None and cell.hyperlink.location == f"'{SHEET_NAMES['budget']}'!A2"
    assert (cell.value, cell.data_type, cell.quotePrefix, cell.style) == ("=cmd:3", "s", True, "Hyperlink")
    first = ws.cell(row=2, column=1)  # not linked: quoted all the same
    assert (first.value, first.data_type, first.quotePrefix, first.hyperlink) == ("=cmd", "s", True, None)


#: Texts that XML or a spreadsheet treats specially, each with what the cell must hold.
AWKWARD_TEXTS = {
    "a<b & c>d": "a<b & c>d",
    "&lt; is not <": "&lt; is not <",
    '"quoted" \'single\'': '"quoted" \'single\'',
    "  leading and trailing  ": "  leading and trailing  ",
    "line\nbreak\r\nand\ttab": "line\nbreak\r\nand\ttab",
    "=SUM(A1:A2)": "=SUM(A1:A2)",
    "#N/A": "#N/A",
    "_x000D_ stays": "_x000D_ stays",
    "bell\x07 and \ufffe": "bell\ufffd and \ufffd",
    "中文与表情😀": "中文与表情😀",
    "]]>": "]]>",
}


def test_awkward_texts_come_back_exactly_as_text(tmp_path):
    residue = pd.DataFrame({"report_id": ["r1"] * len(AWKWARD_TEXTS), "text": list(AWKWARD_TEXTS),
                            "source": [f"r1:{i}" for i in range(len(AWKWARD_TEXTS))]}).astype("str")
    path = write_workpaper({"residue": residue}, {}, tmp_path / "wp.xlsx", command="x")
    ws = openpyxl.load_workbook(path)[SHEET_NAMES["residue"]]
    column = [c.value for c in ws[1]].index(field_label("text")) + 1
    cells = [ws.cell(row=r, column=column) for r in range(2, len(AWKWARD_TEXTS) + 2)]
    assert [c.value for c in cells] == list(AWKWARD_TEXTS.values())
    assert {c.data_type for c in cells} == {"s"}
    assert [c.coordinate for c in cells if c.quotePrefix] == [cells[5].coordinate]  # '=SUM(…)' only


def test_every_part_is_well_formed_xml_and_sheets_keep_the_schema_order(workbook, tmp_path):
    import xml.etree.ElementTree as ET
    import zipfile

    path = write_workpaper(sample_tables(), sample_derived(), tmp_path / "wp.xlsx", command="a & <b>")
    order = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter",
             "mergeCells", "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
             "headerFooter"]
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml"} <= set(names)
        for name in names:
            root = ET.fromstring(z.read(name))  # raises on malformed XML
            if name.startswith("xl/worksheets/"):
                tags = [child.tag.rsplit("}", 1)[-1] for child in root]
                assert tags == sorted(tags, key=order.index), (name, tags)
    assert _cover_value(openpyxl.load_workbook(path)[COVER_SHEET], "复现命令") == "a & <b>"


def test_a_failed_write_leaves_no_file(monkeypatch, tmp_path):
    from evalkit import workpaper

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workpaper, "_write_findings", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        write_workpaper(sample_tables(), sample_derived(), tmp_path / "wp.xlsx", command="x")
    assert not (tmp_path / "wp.xlsx").exists()


def test_the_writer_keeps_every_sheet_setting(tmp_path):
    """The streaming writer on its own: formats, fonts, fills, alignment, links, panes, filter,
    merged cells, a drop-down, print titles, page header and footer, as openpyxl reads them."""
    from evalkit.xlsx_writer import CellStyle, PrintSetup, Validation, Workbook, cell_xml

    book = Workbook(tmp_path / "t.xlsx")
    ws, other = book.add_sheet("O'Brien & 表"), book.add_sheet("第二")
    ws.widths, ws.freeze, ws.dimension, ws.auto_filter = [12, 40.5], "C3", "A1:B3", "A1:B3"
    ws.merged = ["A5:B5"]
    ws.validations.append(Validation("B2:B3", ("属实", "误报"), error_title="核实", error="请选择",
                                     prompt_title="提示", prompt="选一个"))
    ws.print_setup = PrintSetup(title_rows="1:1", header=("索引号：A&&B", "单位", ""),
                                footer=("", "第 &P 页 共 &N 页", "O'Brien"))
    percent = book.xf(CellStyle(number_format='0.00"%"', fill="FFE699"))
    header = book.xf(CellStyle(bold=True, fill="DDEBF7", vertical="center"))
    link = book.xf(CellStyle(link=True, wrap=True, vertical="top"))
    other.open().write_row(1, [cell_xml("A1", "目标")])
    other.close()
    ws.open()
    ws.write_row(1, [cell_xml("A1", "名称", header), cell_xml("B1", "比率", header)])
    ws.write_row(2, [cell_xml("A2", "第二 第1行", link), cell_xml("B2", 98.5, percent)])
    ws.link("A2", "'第二'!A1")
    ws.write_row(3, [cell_xml("A3", True), cell_xml("B3", 12345678901)])
    ws.close()
    book.close()

    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["O'Brien & 表", "第二"]
    s = wb["O'Brien & 表"]
    assert (s["A1"].font.b, s["A1"].fill.fgColor.rgb, s["A1"].alignment.vertical) == (True, "00DDEBF7", "center")
    assert (s["B2"].value, s["B2"].number_format, s["B2"].fill.fgColor.rgb) == (98.5, '0.00"%"', "00FFE699")
    assert (s["A2"].style, s["A2"].hyperlink.location, s["A2"].alignment.wrap_text) == ("Hyperlink", "'第二'!A1", True)
    assert (s["A3"].value, s["A3"].data_type, s["B3"].value) == (True, "b", 12345678901)
    assert s.freeze_panes == "C3" and s.auto_filter.ref == "A1:B3"
    assert [str(r) for r in s.merged_cells.ranges] == ["A5:B5"]
    assert (s.column_dimensions["A"].width, s.column_dimensions["B"].width) == (12, 40.5)
    dv = s.data_validations.dataValidation[0]
    assert (str(dv.sqref), dv.type, dv.formula1, dv.error, dv.prompt) == ("B2:B3", "list", '"属实,误报"', "请选择", "选一个")
    assert s.print_title_rows == "$1:$1"
    assert (s.oddHeader.left.text, s.oddFooter.center.text, s.evenFooter.right.text) == (
        "索引号：A&&B", "第 &P 页 共 &N 页", "O'Brien")
    assert (s.page_setup.orientation, s.page_setup.paperSize, s.page_setup.fitToHeight) == ("landscape", 9, 0)
    assert s.sheet_properties.pageSetUpPr.fitToPage and s.print_options.gridLines
    assert wb["第二"]["A1"].value == "目标" and wb["第二"].freeze_panes is None
