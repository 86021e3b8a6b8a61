"""Rendering a .docx, .html or .pdf into the text layouts of :mod:`evalkit.document`.

Every reader of another format writes what it finds through :class:`LineWriter`:

* a paragraph (or a text line of a PDF) becomes one line, tabs and runs of white space folded;
* a table becomes the "one cell per line" layout: each cell on its own line starting with a
  tab, a blank line after each row, a blank line before the table; a cell written over several
  lines (paragraphs, ``<br>``) is joined onto one line without a separator, as the conventions
  join a wrapped cell;
* a cell merged with the cell above it (rowspan, vMerge) is an empty cell, which the text
  layout reads as "same as above"; a cell merged with the cells beside it appears once.

Each line carries a locator ('段落12', '表2第3行第4列', '第3页第5行') so that ``source`` points
into the original document.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from evalkit.document import Document, ReportReadError
from evalkit.readers.text import document_from_lines, report_id_for

log = logging.getLogger(__name__)

_ALNUM = re.compile(r"[A-Za-z0-9]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ ]+(?=[{_CJK}])")


def one_line(text: str) -> str:
    """Fold a piece of text onto one line: tabs, newlines and runs of white space become one space.

    Examples
    --------
    >>> one_line("  参保\\t人数\\n 43.01 万人 ")
    '参保 人数 43.01 万人'
    """
    return " ".join(text.split())


def join_pieces(pieces: Iterable[str]) -> str:
    """Join the lines of one table cell as the text layout joins a wrapped cell.

    Pieces are joined without a separator, except that a space is kept between two pieces
    when one ends and the next starts with a letter or digit.

    Examples
    --------
    >>> join_pieces(["医保基金", "结算及时率"])
    '医保基金结算及时率'
    >>> join_pieces(["Level", "1", ""])
    'Level 1'
    """
    out = ""
    for piece in pieces:
        p = one_line(piece)
        if not p:
            continue
        if out and _ALNUM.match(out[-1]) and _ALNUM.match(p[0]):
            out += " "
        out += p
    return out


def fold_cjk_spaces(text: str) -> str:
    """Drop the spaces a PDF text layer puts between two Chinese characters.

    Examples
    --------
    >>> fold_cjk_spaces("浏 阳 市医疗保障局 43.01 万人")
    '浏阳市医疗保障局 43.01 万人'
    """
    return _SPACE_BETWEEN_CJK.sub("", text)


#: Word and PDF files carry images: their size says little about their text (a .docx is also
#: checked for its unpacked size in :mod:`evalkit.readers.docx`).
MAX_CONTAINER_BYTES = 200 * 1024 * 1024


#: Limits on what one file may render to, checked while rendering: a small .docx or PDF can
#: unpack into far more text than any report holds (a decompression bomb, or thousands of
#: reports in one file). A 10 MB text report, the largest accepted, is about 3.5 M characters.
MAX_RENDERED_CHARS = 5_000_000
MAX_RENDERED_LINES = 500_000
MAX_TABLE_CELLS = 300_000

#: A table cell as a reader gives it: ``(text, locator)``, or ``(text, locator, rowspan, colspan,
#: covered)`` for a cell whose merge the file states (``covered``: the empty cell of a row that a
#: cell above spans).
Cell = tuple[str, str] | tuple[str, str, int, int, bool]


class RenderLimitError(ReportReadError):
    """A file renders to more than a limit allows; the reader adds the file's name."""


class LineWriter:
    """Collects the lines and locators of a document rendered into the text layouts.

    Examples
    --------
    >>> w = LineWriter()
    >>> w.text("一、部门基本情况", "段落1")
    >>> w.table([[("一级指标", "表1第1行第1列"), ("目标值", "表1第1行第2列")],
    ...          [("产出", "表1第2行第1列"), ("≥1次", "表1第2行第2列")]])
    >>> w.lines
    ['一、部门基本情况', '', '\\t一级指标', '\\t目标值', '', '\\t产出', '\\t≥1次', '']
    >>> doc = w.document(report_id="r")
    >>> doc.tables[0].rows[1].texts, doc.locate(7)
    (['产出', '≥1次'], '表1第2行第2列')
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.locators: list[str] = []
        self.chars = 0
        self.cells = 0
        self.spans: dict[int, tuple[int, int, bool]] = {}  # line (1-based) → rowspan, colspan, covered

    def _add(self, line: str, locator: str) -> None:
        self.chars += len(line)
        if self.chars > MAX_RENDERED_CHARS or len(self.lines) >= MAX_RENDERED_LINES:
            raise RenderLimitError(
                f"文件展开后的文字超过上限（{MAX_RENDERED_CHARS:,} 个字符或 {MAX_RENDERED_LINES:,} 行）："
                "可能是压缩炸弹，或多份报告合在一个文件里；请拆分后再读")
        self.lines.append(line)
        self.locators.append(locator)

    def count_cells(self, n: int) -> None:
        """Count table cells (spanned ones included) against :data:`MAX_TABLE_CELLS`."""
        self.cells += n
        if self.cells > MAX_TABLE_CELLS:
            raise RenderLimitError(f"文件中的表格单元格超过上限（{MAX_TABLE_CELLS:,} 个，含合并单元格所占的格）")

    def blank(self) -> None:
        """A blank line, unless the last line is blank already."""
        if self.lines and self.lines[-1] != "":
            self._add("", "")

    def text(self, text: str, locator: str) -> None:
        """A paragraph: one line per line break in it, empty pieces dropped."""
        for piece in text.split("\n"):
            line = one_line(piece)
            if line:
                self._add(line, locator)

    def table(self, rows: list[list[Cell]]) -> None:
        """A table in the one-cell-per-line layout; rows without cells are dropped."""
        rows = [r for r in rows if r]
        if not rows:
            return
        self.blank()
        for row in rows:
            for text, locator, *span in row:
                self._add("\t" + one_line(text), locator)
                if span and tuple(span) != (1, 1, False):
                    self.spans[len(self.lines)] = tuple(span)
            self._add("", "")

    def document(self, report_id: str, source_file: str = "", sha256: str = "", encoding: str = "",
                 name: str = "") -> Document:
        """The :class:`~evalkit.document.Document` of the lines written; an error when there are none."""
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
            self.locators.pop()
        if not any(line.strip() for line in self.lines):
            raise ReportReadError(f"{name or source_file or report_id}: 文件中没有可读取的文字（可能只有图片，或是由脚本生成的网页）")
        doc = document_from_lines(self.lines, report_id, source_file, sha256, encoding, self.locators)
        if self.spans:
            _set_spans(doc, self.spans)
        return doc


def _set_spans(doc: Document, spans: dict[int, tuple[int, int, bool]]) -> None:
    """Give the cells of the document's tables the spans the file stated (each cell of the
    one-cell-per-line layout stands on a line of its own)."""
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                span = spans.get(cell.line)
                if span:
                    cell.rowspan, cell.colspan, cell.covered = span


def finish(writer: LineWriter, path: Path, data: bytes, report_id: str | None, encoding: str) -> Document:
    """Build the Document of a file from what its reader wrote."""
    doc = writer.document(report_id or report_id_for(path), path.name, hashlib.sha256(data).hexdigest(),
                          encoding, name=str(path))
    log.debug("read %s (%s): %d lines, %d tables", path, encoding, len(doc.lines), len(doc.tables))
    return doc


def render_grid(cells: list[tuple[int, int, int, int, str]], table_no: int | str,
                row_offset: int = 0, prefix: str = "") -> list[list[Cell]]:
    """Rows of a table given as cells placed on a grid, with spans, as the text layout has them.

    ``cells`` are ``(row, column, rowspan, colspan, text)``, 0-based. A spanned cell appears
    once, at its first row and column; in each further row it spans it is an empty cell
    ("same as above"). Locators are ``'<prefix>表<table_no>第<row>行第<column>列'`` (1-based,
    the column of the grid where the cell starts; rows counted from ``row_offset + 1``).

    Examples
    --------
    >>> rows = render_grid([(0, 0, 2, 1, "产出指标"), (0, 1, 1, 1, "数量"), (1, 1, 1, 1, "质量"),
    ...                     (2, 0, 1, 2, "合计")], 1)
    >>> [[cell[0] for cell in r] for r in rows]
    [['产出指标', '数量'], ['', '质量'], ['合计']]
    >>> rows[1][0][1]
    '表1第2行第1列'
    >>> rows[0][0][2:], rows[1][0][2:], rows[2][0][2:]  # rowspan, colspan, covered
    ((2, 1, False), (1, 1, True), (1, 2, False))
    """
    if not cells:
        return []
    nrows = max(r + rs for r, _, rs, _, _ in cells)
    starts: dict[int, list[tuple[int, str, int, int, bool]]] = {}
    for r, c, rs, cs, text in cells:
        for k in range(rs):
            starts.setdefault(r + k, []).append((c, text, rs, cs, False) if k == 0 else (c, "", 1, cs, True))
    out: list[list[Cell]] = []
    for r in range(nrows):
        row = []
        for c, text, rs, cs, covered in sorted(starts.get(r, []), key=lambda x: x[0]):
            row.append((text, f"{prefix}表{table_no}第{row_offset + r + 1}行第{c + 1}列", rs, cs, covered))
        out.append(row)
    return out
