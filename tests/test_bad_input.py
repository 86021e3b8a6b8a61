"""Messy and hostile input (issue 6, part 1): one test per case.

Each case ends in one of two ways, and the tests check which, with the facts:

* a clear :class:`evalkit.ReportReadError` whose message names the file and the reason (and,
  in a batch, a row of ``Corpus.failures`` with the path and that reason), or
* a partial result: what can be read is in the tables with the right values, and the problem
  is recorded (``Document.problems``, which the ``residue`` table repeats, or ``failures``).

"""

from __future__ import annotations

import codecs
import random
import re
import resource
import time
from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.document import MAX_BYTES, ReportReadError, decode, document_from_text
from evalkit.quantities import find_quantities, parse_quantity

try:  # the suffixes read from a folder: .txt, and the formats of evalkit.readers where present
    from evalkit.readers import SUPPORTED_SUFFIXES
except ImportError:  # pragma: no cover - a reader of .txt only
    SUPPORTED_SUFFIXES = (".txt",)

FIXTURES = Path(__file__).parent / "fixtures"
CELLS_TEXT = (FIXTURES / "cells_layout.txt").read_text(encoding="utf-8")
NARRATIVE_TEXT = (FIXTURES / "narrative_utf16.txt").read_bytes().decode("utf-16")


# ------------------------------------------------------------------------------------ helpers
def cell_lines(rows: list[list[str]]) -> list[str]:
    """Rows in the one-cell-per-line layout: a tab before each cell, a blank line after each row."""
    out: list[str] = []
    for row in rows:
        out += ["\t" + c for c in row] + [""]
    return out


HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
TITLE = ["某县医疗保障局2023年度部门整体支出绩效自评报告", "", "表1 年度绩效指标完成情况表", ""]
#: An indicator table in the one-cell-per-line layout; the rows start on lines 5, 13, 21, 29.
INDICATOR_ROWS = [
    HEADER,
    ["产出指标", "数量指标", "参保人数", "≥100万人", "101万人", "30", "30"],
    ["", "质量指标", "基金结算率", "100%", "95%", "20", "15"],
    ["效益指标", "社会效益指标", "群众满意度", "≥90%", "92%", "50", "50"],
]
INDICATOR_REPORT = "\n".join(TITLE + cell_lines(INDICATOR_ROWS) + ["综合得分95分，评价等级为优秀。"]) + "\n"
TABLE = "表1 年度绩效指标完成情况表"


def records(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[cols].itertuples(index=False)]


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def failure_reasons(corpus) -> dict[str, str]:
    return dict(zip(corpus.failures["path"].map(lambda p: Path(p).name), corpus.failures["reason"]))


def assert_names_file(exc: pytest.ExceptionInfo, path: Path, word: str) -> None:
    """The error names the file and gives the reason (``word``: a regular expression)."""
    message = str(exc.value)
    assert str(path) in message, message
    assert re.search(word, message), message


@pytest.fixture(scope="module")
def cells_report():
    return evalkit.read_report(FIXTURES / "cells_layout.txt")


def assert_same_tables(a, b, names=("indicators", "budget", "enrollment", "funds", "rates", "residue")):
    for name in names:
        pd.testing.assert_frame_equal(getattr(a, name).drop(columns=["report_id"]),
                                      getattr(b, name).drop(columns=["report_id"]), obj=name)


# ---------------------------------------------------------------------------------- empty file
@pytest.mark.parametrize("name,data,word", [
    ("empty.txt", b"", "空文件"),
    ("blank.txt", b"  \r\n\t\n\n", "只有空白"),
    ("bom_only.txt", codecs.BOM_UTF8, "只有空白"),
    ("utf16_blank.txt", codecs.BOM_UTF16_LE + " \r\n\u3000".encode("utf-16-le"), "只有空白"),
])
def test_empty_file_is_refused_with_its_name(tmp_path, name, data, word):
    p = write(tmp_path / name, data)
    with pytest.raises(ReportReadError) as exc:
        evalkit.read_report(p)
    assert_names_file(exc, p, word)
    # in a batch: listed with the same reason, and the good report beside it is read
    write(tmp_path / "good.txt", NARRATIVE_TEXT)
    corpus = evalkit.read_reports(tmp_path, workers=1)
    assert corpus.reports["report_id"].tolist() == ["good"]
    assert word in failure_reasons(corpus)[name]


# ------------------------------------------------------------------------ binary named .txt
def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 16


def _random_bytes(seed: int, n: int, low: int = 0) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randint(low, 255) for _ in range(n))


@pytest.mark.parametrize("name,data,word", [
    ("photo.txt", _png(), "不是文本"),
    ("scan.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + _random_bytes(1, 4000), "不是文本"),
    # a damaged PDF or zip named .txt: refused as not text, or as a damaged PDF / zip
    ("report.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n" + _random_bytes(2, 4000),
     "不是文本|PDF"),
    ("archive.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + _random_bytes(3, 4000), "不是文本|zip"),
    # no zero byte, but neither UTF-8 nor GB18030
    ("noise.txt", _random_bytes(4, 4000, low=1), "无法识别的编码"),
    # control characters that decode as UTF-8
    ("control.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 300, "不是文本"),
])
def test_binary_file_named_txt_is_refused_with_its_name(tmp_path, name, data, word):
    p = write(tmp_path / name, data)
    with pytest.raises(ReportReadError) as exc:
        evalkit.read_report(p)
    assert_names_file(exc, p, word)


def test_binary_files_in_a_batch_are_listed_and_the_rest_is_read(tmp_path):
    write(tmp_path / "a_photo.txt", _png())
    write(tmp_path / "b_noise.txt", _random_bytes(4, 4000, low=1))
    write(tmp_path / "c_report.txt", CELLS_TEXT)
    corpus = evalkit.read_reports(tmp_path, workers=1)
    assert corpus.reports["report_id"].tolist() == ["c_report"]
    assert corpus.reports["department"].tolist() == ["浏阳市医疗保障局"]
    reasons = failure_reasons(corpus)
    assert set(reasons) == {"a_photo.txt", "b_noise.txt"}
    assert "不是文本" in reasons["a_photo.txt"] and "无法识别的编码" in reasons["b_noise.txt"]
    assert all(str(tmp_path / n) in r for n, r in reasons.items())


# ----------------------------------------------------------------------- GB18030 without BOM
def test_gb18030_without_bom(tmp_path, cells_report):
    # '𠮷' (U+20BB7) is one of GB18030's four-byte characters, outside GBK
    text = CELLS_TEXT.replace("一、部门基本情况", "一、部门基本情况（𠮷）")
    data = text.encode("gb18030")
    assert not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    report = evalkit.read_report(write(tmp_path / "cells_layout.txt", data))
    assert report.document.encoding == "gb18030"
    assert report.document.lines[3] == "一、部门基本情况（𠮷）"
    assert report.document.lines == text.split("\n")[:-1]
    assert_same_tables(cells_report, report)
    assert report.enrollment["persons"].tolist() == [1205000, 205000, 1000000]


# ------------------------------------------------------------------------------------ UTF-16
@pytest.mark.parametrize("data,encoding", [
    (CELLS_TEXT.encode("utf-16"), "utf-16"),  # BOM, little endian
    (codecs.BOM_UTF16_BE + CELLS_TEXT.encode("utf-16-be"), "utf-16"),  # BOM, big endian
    (CELLS_TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM
    (CELLS_TEXT.encode("utf-16-be"), "utf-16-be"),  # no BOM
])
def test_utf16_with_and_without_bom(tmp_path, cells_report, data, encoding):
    report = evalkit.read_report(write(tmp_path / "cells_layout.txt", data))
    assert report.document.encoding == encoding
    assert report.document.lines[0] == "浏阳市医疗保障局"
    assert_same_tables(cells_report, report)
    assert report.budget["amount_wan"].sum() == cells_report.budget["amount_wan"].sum() == 4060.0


# ---------------------------------------------------------------------- mixed line endings
def test_mixed_line_endings(tmp_path, cells_report):
    lines = CELLS_TEXT.split("\n")[:-1]
    endings = ["\r\n", "\n", "\r"]
    text = "".join(line + endings[i % 3] for i, line in enumerate(lines))
    assert all(e in text for e in endings)
    report = evalkit.read_report(write(tmp_path / "cells_layout.txt", text))
    # every ending is one line break, so that the line numbers (the sources) do not move
    assert report.document.lines == lines
    assert_same_tables(cells_report, report)
    assert report.indicators["source"].tolist() == ["cells_layout:45", "cells_layout:53", "cells_layout:62"]
    # '\r\r' and '\n\r\n' are two breaks (a blank line), as an editor shows them
    assert document_from_text("甲\r\r乙\n\r\n丙", "r").lines == ["甲", "", "乙", "", "丙"]


# ------------------------------------------------------------------- cut off inside a table
INDICATOR_COLS = ["level1", "level2", "level3", "target_raw", "target_op", "target_value", "actual_value",
                  "weight", "score", "source"]
COMPLETE_ROWS = [
    ("产出指标", "数量指标", "参保人数", "≥100万人", ">=", 100.0, 101.0, 30.0, 30.0, "cut:15"),
    ("产出指标", "质量指标", "基金结算率", "100%", None, 100.0, 95.0, 20.0, 15.0, "cut:23"),
]


def test_report_cut_off_in_the_middle_of_a_table_row(tmp_path):
    # the file stops inside the last row, after its fourth cell, in the middle of '≥90%'
    text = INDICATOR_REPORT[: INDICATOR_REPORT.index("≥90%") + len("≥90")]
    assert text.endswith("\t群众满意度\n\t≥90")
    report = evalkit.read_report(write(tmp_path / "cut.txt", text))
    got = records(report.indicators, INDICATOR_COLS)
    # the complete rows are read in full
    assert got[:2] == COMPLETE_ROWS
    # the cut row keeps what is there: its name and the target as far as it goes; the rest is missing
    assert got[2] == ("效益指标", "社会效益指标", "群众满意度", "≥90", ">=", 90.0, None, None, None, "cut:31")
    assert report.document.tables[0].rows[-1].texts == ["效益指标", "社会效益指标", "群众满意度", "≥90"]
    # every number that is there is accounted for
    cov = report.coverage.iloc[0]
    assert (cov["table_numbers"], cov["table_coverage"]) == (9, 100.0)


def test_report_cut_off_in_a_table_row_is_recorded(tmp_path):
    text = INDICATOR_REPORT[: INDICATOR_REPORT.index("≥90%") + len("≥90")]
    report = evalkit.read_report(write(tmp_path / "cut.txt", text))
    # the short row is in the residue, on its line, with what it lacks
    [(line, reason)] = report.residue[["line", "reason"]].itertuples(index=False)
    assert line == 29 and "4 个单元格" in reason and "7" in reason
    assert [p[0] for p in report.document.problems] == [29]


@pytest.mark.parametrize("encoding,cut", [("utf-8", 1), ("utf-8", 2), ("gb18030", 1), ("utf-16-le", 1),
                                          ("utf-16", 1)])
def test_report_cut_off_in_the_middle_of_a_character(tmp_path, encoding, cut):
    """An interrupted download can stop inside a multi-byte character: read up to it, and say so."""
    text = INDICATOR_REPORT[: INDICATOR_REPORT.index("群众满意度") + 3]  # ... '\t群众满'
    data = text.encode(encoding)
    data = data + "意".encode({"utf-16": "utf-16-le"}.get(encoding, encoding))[:cut]
    p = write(tmp_path / "cut.txt", data)
    report = evalkit.read_report(p)
    assert report.document.encoding == encoding
    assert report.document.lines[-1] == "\t群众满"
    assert records(report.indicators, INDICATOR_COLS)[:2] == COMPLETE_ROWS
    assert report.indicators["level3"].tolist()[-1] == "群众满"
    [(line, snippet, reason)] = [p for p in report.document.problems if "字符的中间结束" in p[2]]
    assert line == len(report.document.lines) == 31
    assert snippet == "群众满"
    assert f"{cut} 个字节" in reason and "文件可能不完整" in reason
    # the residue table repeats it, on the last line, for a user reading residue.csv
    assert "cut:31" in set(report.residue.loc[report.residue["reason"] == reason, "source"])
    # decode alone: the same text, minus the cut character
    assert decode(data, str(p)) == (text, encoding)


def test_a_file_corrupted_before_its_end_is_still_refused(tmp_path):
    # a bad byte in the middle is not a cut-off download: no guessing, a clear error
    data = INDICATOR_REPORT.encode("utf-8")
    p = write(tmp_path / "corrupt.txt", data[:100] + b"\xff\xfe\xfd" + data[100:] + b"\x80")
    with pytest.raises(ReportReadError) as exc:
        evalkit.read_report(p)
    assert_names_file(exc, p, "无法识别的编码")


def test_a_report_cut_in_a_character_after_its_tables(tmp_path):
    # the last sentence loses its last character: the tables are whole, the cut is recorded
    data = INDICATOR_REPORT.encode("utf-8")[:-2]  # '…优秀。\n' loses '\n' and the last of the 3 bytes of '。'
    report = evalkit.read_report(write(tmp_path / "cut.txt", data))
    assert records(report.indicators, INDICATOR_COLS)[:2] == COMPLETE_ROWS
    assert len(report.indicators) == 3
    [(line, text, reason)] = report.residue[["line", "text", "reason"]].itertuples(index=False)
    assert (line, text) == (37, "综合得分95分，评价等级为优秀") and "2 个字节" in reason


# -------------------------------------------------------------------- rows with missing cells
def test_table_rows_with_missing_cells_cell_layout(tmp_path):
    rows = [
        HEADER,
        ["产出指标", "数量指标", "参保人数", "≥100万人", "101万人", "30", "30"],
        ["", "质量指标", "基金结算率", "100%", "95%"],  # no 分值, no 得分
        ["效益指标", "社会效益指标", "群众满意度", "≥90%"],  # only the target
    ]
    text = "\n".join(TITLE + cell_lines(rows)) + "\n"
    report = evalkit.read_report(write(tmp_path / "short.txt", text))
    assert records(report.indicators, INDICATOR_COLS) == [
        ("产出指标", "数量指标", "参保人数", "≥100万人", ">=", 100.0, 101.0, 30.0, 30.0, "short:15"),
        ("产出指标", "质量指标", "基金结算率", "100%", None, 100.0, 95.0, None, None, "short:23"),
        ("效益指标", "社会效益指标", "群众满意度", "≥90%", ">=", 90.0, None, None, None, "short:29"),
    ]
    assert report.coverage.iloc[0]["table_coverage"] == 100.0
    assert report.residue["line"].tolist() == [21, 27]  # the two short rows (see below)


def test_table_rows_with_missing_cells_tab_layout(tmp_path):
    lines = [
        "某县医疗保障局2023年度部门整体支出绩效自评报告", TABLE,
        "\t".join(HEADER),
        "产出指标\t数量指标\t参保人数\t≥100万人\t101万人\t30\t30",
        "\t质量指标\t基金结算率\t100%\t95%",
        "效益指标\t社会效益指标\t群众满意度\t≥90%\t92%\t50\t50",
        "\t\t知晓率\t≥80%",
    ]
    report = evalkit.read_report(write(tmp_path / "short.txt", "\n".join(lines) + "\n"))
    assert records(report.indicators, INDICATOR_COLS) == [
        ("产出指标", "数量指标", "参保人数", "≥100万人", ">=", 100.0, 101.0, 30.0, 30.0, "short:4"),
        ("产出指标", "质量指标", "基金结算率", "100%", None, 100.0, 95.0, None, None, "short:5"),
        ("效益指标", "社会效益指标", "群众满意度", "≥90%", ">=", 90.0, 92.0, 50.0, 50.0, "short:6"),
        ("效益指标", "社会效益指标", "知晓率", "≥80%", ">=", 80.0, None, None, None, "short:7"),
    ]
    assert set(report.indicators["table"]) == {TABLE}
    # the two short rows are recorded, each with the cells it lacks
    residue = dict(zip(report.residue["line"], report.residue["reason"]))
    assert set(residue) == {5, 7}
    assert "缺：分值、得分" in residue[5] and "缺：实际完成值、分值、得分" in residue[7]


def test_table_rows_with_missing_cells_are_recorded(tmp_path):
    rows = [HEADER, ["产出指标", "数量指标", "参保人数", "≥100万人", "101万人", "30", "30"],
            ["", "质量指标", "基金结算率", "100%", "95%"]]
    report = evalkit.read_report(write(tmp_path / "short.txt", "\n".join(TITLE + cell_lines(rows)) + "\n"))
    # the row starts on line 21 (its blank, merged first cell); it lacks 分值 and 得分
    [(line, reason, source)] = report.residue[["line", "reason", "source"]].itertuples(index=False)
    assert (line, source) == (21, "short:21")
    assert "5 个单元格" in reason and "分值" in reason and "得分" in reason


# ------------------------------------------------------------------------- awkward numbers
def test_awkward_numbers_in_table_cells():
    q = parse_quantity("≥ １００ 万人")  # full-width digits, spaces around
    assert (q.op, q.value, q.unit) == (">=", 100.0, "万人")
    q = parse_quantity("43.01 万人")  # unit after a space
    assert (q.value, q.unit, q.text_value) == (43.01, "万人", "43.01")
    q = parse_quantity("－5.5%")  # full-width minus
    assert (q.op, q.value, q.unit) == (None, -5.5, "%")
    q = parse_quantity("−3.2万元")  # U+2212 minus sign
    assert (q.value, q.unit) == (-3.2, "万元")
    q = parse_quantity("6-9个月")  # range
    assert (q.value, q.low, q.high, q.unit) == (None, 6.0, 9.0, "个月")
    q = parse_quantity("6～9 个月")
    assert (q.low, q.high, q.unit) == (6.0, 9.0, "个月")
    assert parse_quantity("1,833,900元").value == 1833900.0
    # not one quantity: refused rather than guessed
    assert parse_quantity("1 234万元") is None
    # in a cell, a Chinese comma between groups of three digits separates thousands
    assert parse_quantity("1，234万元").value == 1234.0


def test_awkward_numbers_in_sentences(tmp_path):
    lines = [
        "某县医疗保障局2022年度部门整体支出绩效自评报告",  # 1
        "一、部门预算情况",  # 2
        "2022年参保人数为 43.01 万人，其中：职工医保３．５８ 万人。",  # 3: unit after a space, full width
        "2022年年初预算收入１，２３４万元。",  # 4: Chinese comma as a thousands separator
        "2022年决算总收入1 234.5万元。",  # 5: a space inside the number
        "年末结转结余-3.2万元。",  # 6: negative
        "报销办结时间为6-9个月。",  # 7: range
    ]
    report = evalkit.read_report(write(tmp_path / "n.txt", "\n".join(lines) + "\n"))
    assert records(report.enrollment, ["scheme", "persons", "raw", "source"]) == [
        ("合计", 430100, "43.01 万人", "n:3"), ("职工医保", 35800, "３．５８ 万人", "n:3")]
    # a negative figure is kept as written (the checks judge it)
    assert records(report.budget, ["item", "amount_wan", "source"]) == [("年末结转结余", -3.2, "n:6")]
    # numbers split by a Chinese comma or a space are not guessed at: no wrong amount (1, 234, 1234.5)
    # goes into a table, and the line is in the residue with the figure as written
    residue = dict(zip(report.residue["line"], report.residue["text"]))
    assert set(residue) == {4, 5}
    assert "1，234万元" in residue[4] and "1 234.5万元" in residue[5]
    assert set(report.residue["reason"]) == {"正文中的数字未归入任何表"}
    # the range is one quantity, found whole in the text
    [found] = find_quantities(lines[6])
    assert (found.quantity.raw, found.quantity.low, found.quantity.high) == ("6-9个月", 6.0, 9.0)


def test_awkward_numbers_in_an_indicator_table(tmp_path):
    rows = [
        HEADER,
        ["产出指标", "时效指标", "报销办结时间", "6-9个月", "7个月", "10", "10"],
        ["", "数量指标", "参保人数", "≥ １００ 万人", "１０１ 万人", "30", "30"],
        ["", "成本指标", "预算控制率", "≤ 100%", "－5%", "10", "９.５"],
    ]
    report = evalkit.read_report(write(tmp_path / "t.txt", "\n".join(TITLE + cell_lines(rows)) + "\n"))
    got = records(report.indicators, ["level3", "target_raw", "target_op", "target_unit", "actual_value",
                                       "actual_unit", "weight", "score"])
    assert got == [
        ("报销办结时间", "6-9个月", None, "个月", 7.0, "个月", 10.0, 10.0),
        ("参保人数", "≥ １００ 万人", ">=", "万人", 101.0, "万人", 30.0, 30.0),
        ("预算控制率", "≤ 100%", "<=", "%", -5.0, "%", 10.0, 9.5),
    ]
    assert report.indicators["target_value"].tolist()[1:] == [100.0, 100.0]
    assert report.coverage.iloc[0]["table_coverage"] == 100.0


def test_chinese_comma_thousands_separator_in_a_table_cell(tmp_path):
    rows = [HEADER, ["产出指标", "成本指标", "预算控制", "≤1，234万元", "1，100万元", "10", "10"]]
    report = evalkit.read_report(write(tmp_path / "t.txt", "\n".join(TITLE + cell_lines(rows)) + "\n"))
    rec = report.indicators.iloc[0]
    assert (rec["target_op"], rec["target_value"], rec["actual_value"]) == ("<=", 1234.0, 1100.0)
    assert report.residue.empty and report.coverage.iloc[0]["table_coverage"] == 100.0


# ------------------------------------------------------------------------------ a 50 MB file
def test_a_50_mb_file_is_refused_quickly_with_its_name(tmp_path):
    block = CELLS_TEXT.encode("utf-8")
    big = write(tmp_path / "all_reports_in_one.txt", block * (50 * 1024 * 1024 // len(block) + 1))
    size = big.stat().st_size
    assert size > 50 * 1024 * 1024 > MAX_BYTES
    write(tmp_path / "small.txt", CELLS_TEXT)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ReportReadError) as exc:
        evalkit.read_report(big)
    assert_names_file(exc, big, "文件过大")
    assert f"{size} 字节" in str(exc.value)
    corpus = evalkit.read_reports(tmp_path, workers=1)
    elapsed = time.perf_counter() - start
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert corpus.reports["report_id"].tolist() == ["small"]
    assert "文件过大" in failure_reasons(corpus)["all_reports_in_one.txt"]
    # refused from its size, before it is read: no 50 MB in memory, no minutes of parsing
    assert elapsed < 10, elapsed
    assert rss_growth_mb < 100, rss_growth_mb


# ------------------------------------------------------- a folder with thousands of files
COUNTIES = ["浏阳市", "宁乡市", "长沙县", "望城区", "醴陵市", "攸县", "茶陵县", "炎陵县", "湘潭县", "韶山市"]


def _variant(k: int) -> tuple[str, int, int]:
    """A small narrative report: its text, fiscal year and head count (persons)."""
    county = COUNTIES[k % len(COUNTIES)]
    year = 2019 + k % 5
    wan = f"{10 + k % 90}.{k % 100:02d}"  # 10.00 .. 99.99 万人
    text = (NARRATIVE_TEXT.replace("某县", county).replace("2022", str(year))
            .replace("43.01", wan).replace("300.5万元", f"{300 + k % 200}.5万元"))
    return text, year, int(wan.replace(".", "")) * 100


def test_a_folder_with_thousands_of_files_some_not_reports(tmp_path):
    expected: dict[str, tuple[int, int]] = {}
    for k in range(1700):
        text, year, persons = _variant(k)
        sub = tmp_path / f"batch{k % 4}"
        encoding = ("utf-8", "utf-16", "gb18030", "utf-8-sig")[k % 4]
        name = f"{k:04d}_{COUNTIES[k % len(COUNTIES)]}医疗保障局{year}年度自评报告"
        write(sub / f"{name}.txt", text, encoding)
        expected[name] = (year, persons)
    for k in range(60):  # the cells fixture too: tables, not only sentences
        write(tmp_path / "tables" / f"cells_{k:02d}.txt", CELLS_TEXT.replace("500", str(500 + k)))
    junk = {}
    for k in range(40):
        junk[f"junk/image_{k:02d}.txt"] = ("不是文本", _png() + bytes([k]))  # an image named .txt
        junk[f"junk/empty_{k:02d}.txt"] = ("空文件", b"")
        junk[f"junk/noise_{k:02d}.txt"] = ("无法识别的编码", _random_bytes(100 + k, 600, low=1))
    for rel, (_, data) in junk.items():
        write(tmp_path / rel, data)
    dups = {}
    for k in range(20):  # the same report again under another name
        original = tmp_path / f"batch{k % 4}"
        src = min(original.glob(f"{k:04d}_*.txt"))
        dup = write(tmp_path / "zz_copies" / f"副本_{k}.txt", src.read_bytes())
        dups[dup.name] = src
    # files of other kinds: a damaged .pdf and .docx (read, if the reader takes the format, and
    # then refused with a reason) and kinds no reader takes (.png, .xlsx, .csv: not read at all)
    others = {}
    for k in range(60):
        for ext, data in ((".pdf", b"%PDF-1.4\n"), (".docx", b"PK\x03\x04"), (".png", _png()),
                          (".xlsx", b"PK\x03\x04"), (".csv", "编号,名称\n1,甲\n".encode())):
            others[write(tmp_path / "other" / f"file_{k}{ext}", data)] = ext
    n_files = sum(1 for p in tmp_path.rglob("*") if p.is_file())
    assert n_files == 1700 + 60 + len(junk) + len(dups) + len(others) == 2200
    tried_others = [p for p, ext in others.items() if ext in SUPPORTED_SUFFIXES]

    done = []
    start = time.perf_counter()
    corpus = evalkit.read_reports(tmp_path, workers=2, progress=lambda k, n: done.append((k, n)))
    elapsed = time.perf_counter() - start

    n_tried = 1700 + 60 + len(junk) + len(dups) + len(tried_others)
    assert done[-1] == (n_tried, n_tried)  # every file was tried: the batch never stopped
    # every report was read, with its own figures
    reports = corpus.reports.set_index("report_id")
    assert len(reports) == 1760
    got = corpus.enrollment.set_index("report_id")
    for name, (year, persons) in expected.items():
        assert reports.loc[name, "fiscal_year"] == year
        assert got.loc[name, "persons"] == persons, name
    cells = corpus.budget[corpus.budget["report_id"].str.startswith("cells_")
                          & (corpus.budget["item"] == "收入合计") & (corpus.budget["stage"] == "年初预算")]
    assert sorted(cells["amount_wan"]) == [500.0 + k for k in range(60)]
    # every file tried that is not a report is named, with its reason
    reasons = dict(zip(corpus.failures["path"], corpus.failures["reason"]))
    assert set(reasons) == ({str(tmp_path / rel) for rel in junk} | {str(tmp_path / "zz_copies" / n) for n in dups}
                            | {str(p) for p in tried_others})
    for rel, (word, _) in junk.items():
        path = str(tmp_path / rel)
        assert re.search(word, reasons[path]) and path in reasons[path]
    for name, src in dups.items():
        reason = reasons[str(tmp_path / "zz_copies" / name)]
        assert "sha256" in reason and str(src) in reason
    for p in tried_others:
        assert reasons[str(p)].startswith(f"{p}: ") and len(reasons[str(p)]) > len(str(p)) + 4
    assert elapsed < 60, elapsed


# ------------------------------------------------------------- the same report, two names
@pytest.mark.parametrize("workers", [1, 2])
def test_same_report_twice_under_two_names(tmp_path, workers):
    data = CELLS_TEXT.encode("gb18030")
    write(tmp_path / "浏阳市医疗保障局2023年度自评报告.txt", data)
    write(tmp_path / "浏阳市医疗保障局2023年度自评报告（1）.txt", data)
    write(tmp_path / "other.txt", NARRATIVE_TEXT.encode("utf-16"))
    corpus = evalkit.read_reports(tmp_path, workers=workers)
    assert corpus.reports["report_id"].tolist() == ["other", "浏阳市医疗保障局2023年度自评报告"]
    # the tables hold the report once
    assert corpus.indicators["report_id"].value_counts().to_dict() == {"浏阳市医疗保障局2023年度自评报告": 3}
    [(path, reason)] = corpus.failures.itertuples(index=False)
    assert path == str(tmp_path / "浏阳市医疗保障局2023年度自评报告（1）.txt")
    sha = corpus.reports.set_index("report_id").loc["浏阳市医疗保障局2023年度自评报告", "sha256"]
    assert str(tmp_path / "浏阳市医疗保障局2023年度自评报告.txt") in reason
    assert f"sha256 {sha[:12]}" in reason and path in reason


# ------------------------------------------------------- a report that breaks the extractor
@pytest.mark.parametrize("workers", [1, 2])
def test_a_report_that_crashes_the_extractor_never_stops_the_batch(tmp_path, monkeypatch, workers):
    import evalkit.report as report_module

    real = report_module._extract

    def fragile(doc):
        if doc.report_id == "b":
            raise KeyError("某个字段")
        return real(doc)

    monkeypatch.setattr(report_module, "_extract", fragile)  # forked workers inherit it
    for name in "abc":
        write(tmp_path / f"{name}.txt", CELLS_TEXT.replace("500", f"50{ord(name) % 10}"))
    corpus = evalkit.read_reports(tmp_path, workers=workers)
    assert corpus.reports["report_id"].tolist() == ["a", "c"]
    [(path, reason)] = corpus.failures.itertuples(index=False)
    assert path == str(tmp_path / "b.txt")
    assert "解析出错" in reason and "KeyError" in reason and path in reason
