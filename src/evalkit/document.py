"""The document model: a report's lines and the blocks read from them.

A :class:`Document` holds the report's lines and its blocks in order: :class:`Table` (rows of
:class:`Cell`, each with the line it stands on and the row and column spans the file stated)
and :class:`TextLine`. Every reader builds one (:mod:`evalkit.readers`: the text reader and its
layouts in :mod:`evalkit.readers.text`; .docx, .html and .pdf in their own modules);
everything downstream works on it and knows nothing of the file format.

The loading functions that used to live here (``load_document``, ``document_from_text``,
``decode`` …) are in :mod:`evalkit.readers.text`; they can still be imported from this module.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

__all__ = [
    "Cell",
    "Document",
    "ReportReadError",
    "Row",
    "Table",
    "TextLine",
    "clean_label",
]

class ReportReadError(ValueError):
    """A file that cannot be read as a report; the message names the file and the reason."""


@dataclass
class Cell:
    """One table cell: its text and the (first) line it stands on.

    A cell merged over several rows or columns of the file's table (a Word or HTML table says
    so) has ``rowspan`` or ``colspan`` above 1. It stands once, in its first row; each further
    row it covers holds an empty cell with ``covered`` set — the "same as above" of the text
    layouts, which cannot tell a merged cell from an empty one (their cells all have spans of 1).
    """

    text: str
    line: int
    rowspan: int = 1
    colspan: int = 1
    covered: bool = False
    # the label of ``_label_of`` (the text when the label was last made), kept because
    # extractors ask for a cell's label many times; recomputed when ``text`` changes
    _label: str = field(default="", init=False, repr=False, compare=False)
    _label_of: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def label(self) -> str:
        if self._label_of is not self.text:
            self._label = clean_label(self.text)
            self._label_of = self.text
        return self._label

    def copy(self) -> Cell:
        """A new cell with the same text and line (and the label already made)."""
        cell = Cell(self.text, self.line, self.rowspan, self.colspan, self.covered)
        cell._label, cell._label_of = self._label, self._label_of
        return cell


@dataclass
class Row:
    """One table row."""

    cells: list[Cell]
    # the cells' labels, kept because extractors ask for them many times; ``refresh`` after
    # changing a cell's text
    _texts: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def line(self) -> int:
        return self.cells[0].line if self.cells else 0

    @property
    def texts(self) -> list[str]:
        """The cells' labels (white space folded), in order. Do not change the list."""
        if self._texts is None or len(self._texts) != len(self.cells):
            self._texts = [c.label for c in self.cells]
        return self._texts

    def refresh(self) -> None:
        """Forget the kept labels (after a cell's text was changed)."""
        self._texts = None

    def is_empty(self) -> bool:
        return not any(self.texts)  # (labels are strings: no label is not empty)


@dataclass
class Table:
    """A table rebuilt from consecutive lines; ``layout`` is 'cells', 'tabs' or 'pipes' (Markdown)."""

    rows: list[Row]
    layout: str
    context: list[TextLine] = field(default_factory=list)  # text lines just above the table

    @property
    def first_line(self) -> int:
        return self.rows[0].line if self.rows else 0

    @property
    def last_line(self) -> int:
        return max((c.line for r in self.rows for c in r.cells), default=0)

    def on_grid(self) -> Table:
        """The table with its rows on the file's grid: after a cell spanning n columns, n - 1
        covered empty cells, so that a header cell over two columns ('指标值' over 年度指标值 and
        实际完成值) stands above both. A row's last cell is left as it is: spanning to the
        table's edge, it fills the row out and places no cell after it (a short row stays short,
        for the readers that align short rows). The table itself when no cell needs it.

        Examples
        --------
        >>> t = Table([Row([Cell("三级指标", 1), Cell("指标值", 2, colspan=2), Cell("分值", 3)]),
        ...            Row([Cell("", 5, covered=True), Cell("年度指标值", 6), Cell("实际完成值", 7),
        ...                 Cell("", 8, covered=True)])], "cells")
        >>> [r.texts for r in t.on_grid().rows]
        [['三级指标', '指标值', '', '分值'], ['', '年度指标值', '实际完成值', '']]
        """
        if all(c.colspan == 1 for r in self.rows for c in r.cells[:-1]):
            return self
        rows = []
        for row in self.rows:
            cells = []
            for cell in row.cells[:-1]:
                cells.append(cell)
                cells.extend(Cell("", cell.line, covered=True) for _ in range(cell.colspan - 1))
            rows.append(Row(cells + row.cells[-1:]))
        return Table(rows, self.layout, self.context)


@dataclass
class TextLine:
    """A line of narrative text."""

    line: int
    text: str


#: What :meth:`Document.joined_text_lines` puts between lines: a character no word looked for
#: holds and that no white space (``\s``) matches, so that no match runs from a line into the next.
LINE_JOINER = "\x00"


@dataclass
class Document:
    """A report's lines and the blocks (tables and text lines) rebuilt from them."""

    report_id: str
    source_file: str
    sha256: str
    lines: list[str]
    blocks: list[Table | TextLine]
    encoding: str = "utf-8"
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    #: For formats other than text: where each line came from ('段落12', '表2第3行第4列', '第3页'),
    #: so that ``source`` can point into the original document. None for text files.
    locators: list[str] | None = None
    #: Text of page furniture a reader dropped (a web page's footer: '主办单位：河南省柘阳县人民政府'):
    #: no line of the report and no figure, but the metadata may read the place it names.
    chrome_lines: list[str] = field(default_factory=list)
    #: Views of the document that extractors build once and ask for many times (by name).
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # the tables and text lines of ``blocks``, kept because every extractor asks for them, with
    # the block list (and its length) they were taken from: made again when ``blocks`` changes
    _split: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # the joined text lines of ``joined_text_lines``, with the tuple of text lines they were made of
    _joined: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # the runs of ``text_runs``, with the block list (and its length) they were read from
    _runs: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def locate(self, line: int) -> str:
        """Where a (1-based) line stands in the original document: the line itself for text."""
        if self.locators and 0 < line <= len(self.locators) and self.locators[line - 1]:
            return self.locators[line - 1]
        return str(line)

    def _blocks_by_kind(self) -> tuple[tuple[Table, ...], tuple[TextLine, ...]]:
        """The tables and the text lines of ``blocks``, taken apart once (again when the block
        list was replaced or grew or shrank)."""
        split = self._split
        if split is None or split[0] is not self.blocks or split[1] != len(self.blocks):
            tables = tuple(b for b in self.blocks if isinstance(b, Table))
            lines = tuple(b for b in self.blocks if isinstance(b, TextLine))
            split = self._split = (self.blocks, len(self.blocks), tables, lines)
        return split[2], split[3]

    @property
    def tables(self) -> list[Table]:
        return list(self._blocks_by_kind()[0])

    @property
    def text_lines(self) -> list[TextLine]:
        return list(self._blocks_by_kind()[1])

    def joined_text_lines(self) -> tuple[str, list[int]]:
        """The texts of :attr:`text_lines` joined by NUL, and the offset where each starts: one
        regular-expression search over all of them finds the few lines that hold a rare word,
        instead of one search per line (made once, again when ``blocks`` changes).

        Examples
        --------
        >>> d = Document("r", "", "", [], [TextLine(1, "ab"), TextLine(2, "c")])
        >>> text, starts = d.joined_text_lines()
        >>> text.split(LINE_JOINER), starts
        (['ab', 'c'], [0, 3])
        """
        lines = self._blocks_by_kind()[1]
        joined = self._joined
        if joined is None or joined[0] is not lines:
            texts = [tl.text for tl in lines]
            # (each text starts after the ones before it and a joiner each: sums made at C speed)
            starts = list(accumulate(map((1).__add__, map(len, texts)), initial=0))
            starts.pop()
            joined = self._joined = (lines, LINE_JOINER.join(texts), starts)
        return joined[1], joined[2]

    def text_lines_matching(self, pattern: re.Pattern[str]) -> list[int]:
        r"""The positions (in :attr:`text_lines`) of the text lines in which ``pattern`` matches,
        in order: one search over :meth:`joined_text_lines` passes over the many lines that hold
        none of the words looked for at C speed. The pattern must not match the NUL that joins
        the lines.

        Examples
        --------
        >>> d = Document("r", "", "", [], [TextLine(1, "总分"), TextLine(2, "说明"), TextLine(3, "总 分 90")])
        >>> d.text_lines_matching(re.compile(r"总\s*分"))
        [0, 2]
        """
        return parts_matching(*self.joined_text_lines(), pattern)

    def text_runs(self) -> list[list[TextLine]]:
        """The runs of text lines between tables, in document order (a run may be empty). Made
        once (again when ``blocks`` changes): do not change the lists.

        Examples
        --------
        >>> t = Table([Row([Cell("a", 2)])], "cells")
        >>> [[tl.line for tl in run] for run in Document("r", "", "", [], [TextLine(1, "x"), t, t]).text_runs()]
        [[1], [], []]
        """
        runs = self._runs
        if runs is None or runs[0] is not self.blocks or runs[1] != len(self.blocks):
            runs = self._runs = (self.blocks, len(self.blocks), _runs_of(self.blocks))
        return runs[2]


def _runs_of(blocks: list[Table | TextLine]) -> list[list[TextLine]]:
    """:meth:`Document.text_runs`, read from the blocks."""
    runs: list[list[TextLine]] = [[]]
    for block in blocks:
        if isinstance(block, Table):
            runs.append([])
        else:
            runs[-1].append(block)
    return runs


def parts_matching(joined: str, starts: list[int], pattern: re.Pattern[str]) -> list[int]:
    r"""The positions of the parts of ``joined`` (which start at ``starts``, one character between
    them that ``pattern`` cannot match) in which ``pattern`` matches, in order. After a match
    the search goes on at the next part: each part is found once.

    Examples
    --------
    >>> parts_matching("ab\x00cd\x00eb", [0, 3, 6], re.compile("b"))
    [0, 2]
    """
    out: list[int] = []
    if not starts:
        return out
    m = pattern.search(joined)
    while m is not None:
        k = bisect_right(starts, m.start()) - 1
        out.append(k)
        if k + 1 >= len(starts):
            break
        m = pattern.search(joined, starts[k + 1])  # (the rest of the part is not looked at)
    return out


# ------------------------------------------------------------------------- labels
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}（）“”、，：；])\s+(?=[{_CJK}（）“”、，：；])")


@functools.lru_cache(maxsize=4096)
def clean_label(text: str) -> str:
    """Fold white space as the conventions say: trim, fold runs, drop spaces between Chinese.

    Examples
    --------
    >>> clean_label("  服务对象 满意 (5) ")
    '服务对象满意 (5)'
    >>> clean_label("\\u3000")
    ''
    """
    s = " ".join(text.split())  # (str.split() splits at U+3000 and U+00A0 too)
    return _SPACE_BETWEEN_CJK.sub("", s) if " " in s else s  # (a label without a space is done)


#: Names of the text reader still importable from here (``from evalkit.document import load_document``).
_TEXT_READER_NAMES = frozenset({
    "MAX_BYTES", "decode", "document_from_lines", "document_from_text", "load_document",
    "read_checked", "rebuild_blocks", "report_id_for",
})


def __getattr__(name: str):
    if name in _TEXT_READER_NAMES:
        from evalkit.readers import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
