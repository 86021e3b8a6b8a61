"""The cells made a block at a time in Arrow (evalkit.xlsx_columns) are byte for byte the cells
``column_cells`` makes one at a time, for every kind of value and style."""

from __future__ import annotations

import math
import random
import sys

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from evalkit import xlsx_columns as xc
from evalkit.xlsx_writer import ColumnStyle, column_cells

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN = ColumnStyle(text=0, formula_text=1, number=2, boolean=0, empty=None)
STYLED = ColumnStyle(text=5, formula_text=6, number=7, boolean=8, empty=5)
STYLES = [PLAIN, STYLED, ColumnStyle(text=3, formula_text=4, number=9, boolean=3, empty=None)]

#: Texts that try every branch: spaces of every kind at either end, characters XML escapes,
#: formula starts, Chinese, empty.
_PIECES = st.sampled_from(["", "a", "文本", "=", "+1", "-", "@x", "\t", "\r", "&", "<", ">", " ", "\u3000",
                           "\xa0", "\x85", "\u2028", "\u205f", "\u200a", "“", "一", "\n", "é", "€", "𠀀"])
TEXTS = st.lists(st.one_of(st.none(), st.lists(_PIECES, max_size=4).map("".join)), min_size=1, max_size=40)


def _expected(values: list, style, first_row: int = 7) -> bytes:
    cells = column_cells("C", first_row, values, style, FORMULA_START)
    return "".join(f'<row r="{first_row + i}">{c}</row>' for i, c in enumerate(cells)).encode("utf-8")


def _made(cells: xc.Cells, n: int, first_row: int = 7) -> bytes:
    return bytes(xc.rows_xml(xc.row_numbers(first_row, n), [cells]))


def test_the_spaces_are_those_str_strip_removes():
    assert set(xc.SPACES) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def _style(how: int, n: int, rnd):
    """One of STYLES (how 0-2), a style per row as a list (3) or by index (4, StylesByRow), and
    the same as the list ``column_cells`` takes."""
    if how < 3:
        return STYLES[how], STYLES[how]
    if how == 3:
        styles = [rnd.choice(STYLES) for _ in range(n)]
        return styles, styles
    by_row = xc.StylesByRow(STYLES, np.array([rnd.randrange(len(STYLES)) for _ in range(n)], dtype=np.int32))
    return by_row, by_row.as_list()


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([0, 1, 2, 3, 4]), st.randoms(use_true_random=False))
def test_text_cells_are_column_cells(texts, how, rnd):
    n = len(texts)
    style, as_list = _style(how, n, rnd)
    rows = xc.row_numbers(7, n)
    got = _made(xc.text_cells("C", rows, pa.array(texts, pa.string()), style, FORMULA_START), n)
    assert got == _expected(texts, as_list)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**18, 10**18).map(float)), min_size=1, max_size=40),
       st.sampled_from([0, 1, 2, 3, 4]), st.randoms(use_true_random=False))
@example([0.5, -0.0, 0.5, None, 1e20, -0.0, 0.0, 0.1 + 0.2], 4, random.Random(1))  # (figures repeated, -0.0 beside 0.0)
def test_number_cells_are_column_cells(values, how, rnd):
    n = len(values)
    style, as_list = _style(how, n, rnd)
    numbers = np.array([np.nan if v is None else v for v in values], dtype="float64")
    missing = np.array([v is None or (isinstance(v, float) and math.isnan(v)) for v in values])
    got = _made(xc.number_cells("C", xc.row_numbers(7, n), xc.number_texts(numbers, missing), style), n)
    plain = [None if m else v for v, m in zip(values, missing, strict=True)]
    assert got == _expected(plain, as_list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), min_size=1, max_size=40))
@example([2**53 + 1, -2**63, 10**16 - 1, None, 2**63 - 1])  # (written through a float, as .16g does)
def test_integer_cells_are_column_cells(values):
    n = len(values)
    missing = np.array([v is None for v in values])
    numbers = np.array([0 if v is None else v for v in values], dtype=np.int64)
    got = _made(xc.number_cells("C", xc.row_numbers(7, n), xc.number_texts(numbers, missing), STYLED), n)
    assert got == _expected(values, STYLED)


@pytest.mark.parametrize("style", STYLES)
def test_bool_cells_are_column_cells(style):
    values = [True, None, False, True]
    got = _made(xc.bool_cells("C", xc.row_numbers(7, 4), pa.array(values, pa.bool_()), style), 4)
    assert got == _expected(values, style)


def test_a_block_of_several_columns_is_rows_of_their_cells():
    rows = xc.row_numbers(2, 2)
    cells = [xc.text_cells("A", rows, pa.array(["x", None]), PLAIN, FORMULA_START),
             xc.prepared_cells(['<c r="B2" t="n"><v>1</v></c>', ""]),
             xc.number_cells("C", rows, xc.number_texts(np.array([2.5, np.nan]), np.array([False, True])), STYLED)]
    assert bytes(xc.rows_xml(rows, cells)) == (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" t="n"><v>1</v></c>'
        b'<c r="C2" s="7" t="n"><v>2.5</v></c></row>'
        b'<row r="3"><c r="C3" s="5" t="n"/></row>')


def _failing_writes(monkeypatch, fail_at: int | None) -> dict:
    """Make the fail_at-th write into a zip entry raise a full disk (None: count them only)."""
    import zipfile

    calls = {"n": 0}
    real_write = zipfile._ZipWriteFile.write

    def write(self, data):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", write)
    return calls


def _small_tables():
    import pandas as pd

    return {"reports": pd.DataFrame({"report_id": ["r1"], "source_file": ["r1.txt"], "sha256": ["ab"]}),
            "indicators": pd.DataFrame({"report_id": ["r1"] * 5000, "level3": ["指标"] * 5000,
                                        "source": [f"r1:{i}" for i in range(5000)]})}


@pytest.mark.parametrize("when", ["early", "last"])
def test_an_error_while_compressing_reaches_the_caller_and_leaves_no_file(tmp_path, monkeypatch, when):
    """The zip is written in a thread of the workbook: a failure there (a full disk), in the
    first sheets or in the very last write, is raised by write_workpaper as it is, and the
    half-written file is removed."""
    from evalkit.workpaper import write_workpaper

    calls = _failing_writes(monkeypatch, None)
    write_workpaper(_small_tables(), {}, tmp_path / "ok.xlsx", command="evalkit build x")
    fail_at = 3 if when == "early" else calls["n"]
    calls = _failing_writes(monkeypatch, fail_at)
    out = tmp_path / "wp.xlsx"
    with pytest.raises(OSError, match="No space left"):
        write_workpaper(_small_tables(), {}, out, command="evalkit build x")
    assert calls["n"] >= fail_at
    assert not out.exists()


def test_a_column_in_several_parts_gives_the_same_workbook(tmp_path):
    """Tables put together with pd.concat (as read_reports does, 400 reports at a time) hold
    their text columns as several Arrow chunks: the workbook is the one of the whole columns."""
    import zipfile
    from datetime import UTC, datetime

    import pandas as pd

    from evalkit.workpaper import write_workpaper

    whole = _small_tables()
    whole["indicators"]["level3"] = [f"指标{i}" if i % 7 else f"=指标 {i} " for i in range(5000)]
    parts = {**whole, "indicators": pd.concat([whole["indicators"].iloc[:1234], whole["indicators"].iloc[1234:]],
                                              ignore_index=True)}
    assert pa.array(parts["indicators"]["level3"].array).num_chunks == 2
    when = datetime(2026, 1, 1, tzinfo=UTC)
    for name, tables in (("whole", whole), ("parts", parts)):
        write_workpaper(tables, {}, tmp_path / f"{name}.xlsx", command="evalkit build x", created=when)
    a, b = zipfile.ZipFile(tmp_path / "whole.xlsx"), zipfile.ZipFile(tmp_path / "parts.xlsx")
    for entry in a.namelist():
        if entry != "docProps/core.xml":
            assert a.read(entry) == b.read(entry), entry


def _sheets(path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_an_object_column_of_texts_gives_the_workbook_of_a_text_column(tmp_path):
    """A column of Python texts and None (object dtype, as a frame built from lists holds them)
    is written like the same column as text (the Arrow path): formula starts, edge spaces,
    characters XML forbids, a text too long for a cell (cut, and counted on the cover)."""
    from datetime import UTC, datetime

    import pandas as pd

    from evalkit.workpaper import CUT_MARK, write_workpaper

    texts = ["=1+1", " 前后空格 ", None, "a\x01b", "", "普通", "-5", "&<>"] * 625
    texts[4] = "长" * 40_000
    when = datetime(2026, 1, 1, tzinfo=UTC)
    made = {}
    for dtype in ("object", "str"):
        tables = _small_tables()
        tables["indicators"]["level3"] = pd.Series(texts, dtype=dtype)
        made[dtype] = _sheets(write_workpaper(tables, {}, tmp_path / f"{dtype}.xlsx", command="evalkit build x",
                                              created=when))
    assert made["object"] == made["str"]
    assert any(CUT_MARK.encode() in xml for xml in made["object"].values())


def test_an_object_column_of_mixed_values_is_written_cell_by_cell(tmp_path):
    """Numbers among texts in an object column, or a text Arrow cannot hold (a lone surrogate):
    each cell by its own kind, as before."""
    import pandas as pd
    from openpyxl import load_workbook

    from evalkit.workpaper import write_workpaper

    tables = _small_tables()
    tables["indicators"]["level3"] = pd.Series(["文本", 12.5, None, 7, "a\ud800b"] * 1000, dtype="object")
    out = write_workpaper(tables, {}, tmp_path / "mixed.xlsx", command="evalkit build x")
    column = [row[1] for row in load_workbook(out, read_only=True)["绩效指标"].iter_rows(min_row=2, max_row=6,
                                                                                       values_only=True)]
    assert column == ["文本", 12.5, None, 7, "a\ufffdb"]


@pytest.mark.parametrize("level, isal", [(3, True), (1, True), (6, False), (0, False)])
def test_sheets_deflated_by_isal_at_fast_levels_hold_the_same_xml(tmp_path, monkeypatch, level, isal):
    """At the fast levels (1-3) with python-isal, the sheets are deflated by ISA-L (a standard
    deflate stream: zipfile's own CRC check passes and the XML is zlib's); at other levels, by
    zlib at the level asked for."""
    import zipfile
    import zlib
    from datetime import UTC, datetime

    from evalkit import xlsx_writer
    from evalkit.workpaper import write_workpaper

    if isal:
        pytest.importorskip("isal")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(xlsx_writer, "_isal_zlib", None)
    write_workpaper(_small_tables(), {}, tmp_path / "zlib.xlsx", command="x", created=when)
    monkeypatch.undo()
    compressors = []
    real_open = xlsx_writer.Worksheet.open

    def spy(self):
        out = real_open(self)
        compressors.append(type(self._stream._compressor).__module__)
        return out

    monkeypatch.setattr(xlsx_writer.Worksheet, "open", spy)
    real_book = xlsx_writer.Workbook.__init__
    monkeypatch.setattr(xlsx_writer.Workbook, "__init__",
                        lambda self, path, compresslevel=3: real_book(self, path, compresslevel=level))
    write_workpaper(_small_tables(), {}, tmp_path / "other.xlsx", command="x", created=when)
    assert compressors and all(("isal" in module) == isal for module in compressors), compressors
    a, b = zipfile.ZipFile(tmp_path / "zlib.xlsx"), zipfile.ZipFile(tmp_path / "other.xlsx")
    assert a.testzip() is None and b.testzip() is None
    sheet = "xl/worksheets/sheet3.xml"
    assert b.getinfo(sheet).compress_type == zipfile.ZIP_DEFLATED
    assert b.read(sheet) == a.read(sheet) and len(a.read(sheet)) > 100_000
    for entry in a.namelist():
        if entry != "docProps/core.xml":
            assert a.read(entry) == b.read(entry), entry
    raw = zlib.decompressobj(-15)  # (the entry's bytes inflate with zlib itself)
    with open(tmp_path / "other.xlsx", "rb") as fh:
        info = b.getinfo(sheet)
        fh.seek(info.header_offset)
        header = fh.read(30)  # (the local header: its name's and extra field's lengths at 26)
        fh.seek(int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"), 1)
        assert raw.decompress(fh.read(info.compress_size)) == a.read(sheet)
