"""The text reader: decoding a text report and rebuilding its tables from the text layouts.

Reports arrive as text extracted from Word or PDF, or saved from a web page, in these layouts
(:data:`LAYOUTS`, tried in order on each line):

* ``html`` — HTML tables written inside the text (``<table><tr><td rowspan="2">…``), as MinerU and
  other PDF-to-Markdown converters write a table with merged cells, read with their spans;
* ``grid`` — grid tables (``+-----+-----+`` rules, ``| a | b |`` rows, a rule left open beside a
  cell that goes on down), as pandoc writes a Word table; read as a box table;
* ``pipe`` — Markdown / pipe tables (``| 一级指标 | 得分 |``), as PDF-to-Markdown tools write them;
* ``box`` — tables drawn with box characters (``│一级指标│得分│`` between ``├──┼──┤`` rules), as
  ``pdftotext -layout`` and some Word exports write them;
* ``row`` — tab-separated rows, one row per line, a long cell wrapping onto the next line;
* ``cell`` — one table cell per line, each cell line starting with a tab, a blank line between
  rows, a cell that goes on over following lines that do not start with a tab (the layout the
  .docx, .html and .pdf readers render their tables into);

and everything else is narrative, one :class:`~evalkit.document.TextLine` per line. Adding a
layout is a function that builds a :class:`~evalkit.document.Table` from the lines where it
starts, and an entry in :data:`LAYOUTS` (docs/recipes/adding-a-layout.md).
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import itertools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evalkit import vocab
from evalkit.document import Cell, Document, ReportReadError, Row, Table, TextLine
from evalkit.quantities import is_missing

__all__ = [
    "LAYOUTS",
    "MAX_BYTES",
    "Layout",
    "check_size",
    "decode",
    "document_from_lines",
    "document_from_text",
    "document_of_bytes",
    "load_document",
    "read_checked",
    "rebuild_blocks",
    "report_id_for",
]

log = logging.getLogger(__name__)

_CJK = r"\u3400-\u9fff\uf900-\ufaff"

#: Files larger than this are refused before they are read. The text of a real report is well under
#: 1 MB (the samples: 9-37 KB); a larger file is several reports in one, or not a report, and reading
#: it would hold a worker for minutes and several GB (50 MB: about 4 minutes, 3 GB).
MAX_BYTES = 10 * 1024 * 1024


# --------------------------------------------------------------------------- decoding
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a report's bytes: UTF-8 (with or without BOM), UTF-16, GB18030/GBK.

    Returns the text and the encoding used. Raises :class:`ReportReadError` for binary data.
    A file cut off in the middle of a character (an interrupted download) is decoded up to
    that character; :func:`load_document` records the cut in :attr:`Document.problems`.

    Examples
    --------
    >>> decode("参保人数".encode("gb18030"))
    ('参保人数', 'gb18030')
    >>> decode("参保人数".encode("utf-16"))[0]
    '参保人数'
    >>> decode("参保人数".encode("utf-8")[:-1])
    ('参保人', 'utf-8')
    """
    text, enc, _ = _decode(data, name)
    return text, enc


#: The reasons Python's decoders give when the data ends inside a character.
_CUT_REASONS = frozenset({"unexpected end of data", "incomplete multibyte sequence", "truncated data"})


def _decode_cut(data: bytes, enc: str) -> tuple[str, int]:
    """Decode strictly, except that a character cut off at the very end is dropped.

    Returns the text and the number of bytes dropped (0 for a complete file).
    """
    try:
        return data.decode(enc), 0
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and len(data) - exc.start <= 3 and exc.reason in _CUT_REASONS:
            return data[: exc.start].decode(enc), len(data) - exc.start
        raise


def _decode(data: bytes, name: str) -> tuple[str, str, int]:
    """:func:`decode`, and the number of bytes of a character cut off at the end."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text, cut = _decode_cut(data, enc)
            except UnicodeDecodeError as exc:
                raise ReportReadError(f"{name}: 按 {enc} 解码失败（{exc.reason}，字节 {exc.start}）") from exc
            return text, enc, cut
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without BOM (zero bytes in ASCII characters), or not text at all
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text, cut = _decode_cut(data, enc)
            except UnicodeDecodeError:
                continue
            if _plausible_text(text[:2000]):
                return text, enc, cut
        raise ReportReadError(f"{name}: 不是文本文件（含空字节，可能是图片或二进制文件）")
    for enc in ("utf-8", "gb18030"):
        try:
            text, cut = _decode_cut(data, enc)
        except UnicodeDecodeError:
            continue
        return text, enc, cut
    raise ReportReadError(f"{name}: 无法识别的编码（既不是 UTF-8，也不是 GB18030/UTF-16）")


#: Characters unlikely in a report: not white space, printable ASCII, CJK or full-width forms.
_IMPLAUSIBLE = re.compile(r"[^\t\r\n\x20-\x7e\u3000-\u9fff\uff00-\uffef]")
#: Control characters other than white space.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0e, 0x20)])  # (the bytes of :data:`_CONTROL`)


def _plausible_text(text: str) -> bool:
    good = len(text) - len(_IMPLAUSIBLE.findall(text))
    return bool(text) and good >= 0.9 * len(text)


def _looks_binary(text: str) -> bool:
    r"""More than 5 % of the first 4000 characters are control characters other than white space.

    Examples
    --------
    >>> _looks_binary("参保人数\t43.01万人\r\n"), _looks_binary("\x00\x01\x02ab"), _looks_binary("")
    (False, True, False)
    """
    sample = text[:4000]
    if not sample:
        return False
    # (the characters of :data:`_CONTROL` counted as the bytes of their UTF-8 encoding, where
    # every other character is written with bytes of 0x80 and up: a deletion at C speed, where
    # the search looks at each character in turn)
    data = sample.encode("utf-8", "surrogatepass")
    control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return control > len(sample) * 0.05


# ----------------------------------------------------------------- layout rebuild
def _is_tab_row(line: str) -> bool:
    """A row of the tab-separated layout: two tabs or more, or a tab not at the line's start."""
    return "\t" in line and ("\t" in line.removeprefix("\t") or not line.startswith("\t"))


def _is_cell_line(line: str) -> bool:
    """A cell of the one-cell-per-line layout: one tab, at the line's start."""
    return line.startswith("\t")


def _kind(line: str) -> str:
    """The layout a line belongs to (the first of :data:`LAYOUTS` that claims it), else
    'text', or 'blank' for a line of white space."""
    for layout in LAYOUTS:
        if layout.claims(line):
            return layout.name
    return "text" if line.strip() else "blank"


#: A character the first line of a built-in layout has: a pipe, a tab, a box-drawing character,
#: the '+' of a grid table's rule or the '<' of an HTML table.
_LAYOUT_MARK = re.compile(r"[|\t\u2500-\u257f+<]")


def _kinds(lines: list[str], joined: str | None = None) -> list[str]:
    """:func:`_kind` of each line. While :data:`LAYOUTS` holds only the built-in layouts, a line
    without any of their marks (most lines: narrative) is text or blank without asking them.
    ``joined``: the lines joined, when the caller has them (to tell at once that no line holds
    a box-drawing character)."""
    if not all(layout.claims in _BUILT_IN_CLAIMS for layout in LAYOUTS):
        return [_kind(x) for x in lines]
    # (the layouts exactly as built in, in their order: the first test of a line can be shortened)
    kind = _built_in_kind if [(x.name, x.claims) for x in LAYOUTS] == _BUILT_IN_LAYOUTS else _kind
    if joined is None or _has_box_characters(joined):
        search = _LAYOUT_MARK.search
        return [kind(x) if search(x) else ("text" if x.strip() else "blank") for x in lines]
    # (no box-drawing character: the other marks are found by four substring tests, at C speed,
    # where the search of a class of characters looks at each character in turn)
    return [kind(x) if "\t" in x or "|" in x or "+" in x or "<" in x else ("text" if x.strip() else "blank")
            for x in lines]


def _has_box_characters(text: str) -> bool:
    """Whether a text holds a box-drawing character (U+2500-U+257F): in UTF-8, exactly the
    characters whose encoding starts with E2 94 or E2 95 (two substring tests of the bytes).

    Examples
    --------
    >>> _has_box_characters("│一级指标│"), _has_box_characters("一级指标|得分"), _has_box_characters("╿")
    (True, False, True)
    """
    data = text.encode("utf-8", "surrogatepass")
    return b"\xe2\x94" in data or b"\xe2\x95" in data


def _built_in_kind(line: str) -> str:
    """:func:`_kind` while :data:`LAYOUTS` holds the built-in layouts in their order: a line
    whose first character (after white space) opens no HTML, grid, pipe or box table can only
    be a tab row, a cell, text or blank (most table lines: one test instead of six)."""
    if line.lstrip()[:1] in _OPENING_MARKS:
        return _kind(line)
    # (:func:`_is_tab_row`, then :func:`_is_cell_line`, told by where the tabs are)
    tab = line.find("\t")
    if tab > 0 or (tab == 0 and line.find("\t", 1) > 0):
        return "row"
    if tab == 0:
        return "cell"
    return "text" if line.strip() else "blank"


def _join(parts: list[str]) -> str:
    """Join the pieces of a cell written over several lines."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            out += " "
        out += p
    return out


def _cell_table(lines: list[str], kinds: list[str], i: int) -> tuple[Table, int]:
    rows: list[Row] = []
    cur: list[Cell] = []
    n = len(lines)
    j = i
    while j < n:
        k = kinds[j]
        if k == "cell":
            cur.append(Cell(lines[j][1:].strip(), j + 1))
            j += 1
        elif k == "blank":
            if cur:
                rows.append(Row(cur))
                cur = []
            j += 1
        elif k == "text":
            m = j
            while m < n and kinds[m] in ("text", "blank"):
                m += 1
            if m < n and kinds[m] == "cell" and kinds[m - 1] == "text" and (cur or rows):
                if not cur:
                    cur = rows.pop().cells
                last = cur[-1]
                last.text = _join([last.text] + [lines[x] for x in range(j, m)])  # rows not read yet
                j = m
            else:
                break
        else:
            break
    if cur:
        rows.append(Row(cur))
    return Table(rows=rows, layout="cells"), j


#: A line that may be the end of a cell wrapped out of a tab row: a few Chinese characters, or a
#: unit in brackets ('计划', '（万元）'); no figure, no mark of a caption or a heading.
_WRAPPED_TAIL = re.compile(rf"[{_CJK}]{{1,8}}|[（(][{_CJK}]{{1,4}}[）)]")
_NOT_A_TAIL = re.compile(r"[表页续]|^[一二三四五六七八九十]")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _tail_cell(lines: list[str], kinds: list[str], rows: list[Row], j: int) -> Cell | None:
    """The cell of the tab row above whose end text line ``j`` is, wrapped onto a line of its own
    (PDF and Word text do this to a cell's last words), or None: a short line of words between
    two tab rows of as many cells, not a caption ('续表', '表2') or a heading. A unit in brackets
    ends the row's label (its first cell with text), other words its last cell with text, and
    only a cell of words (never a figure) is continued."""
    if not rows or j + 1 >= len(lines) or kinds[j + 1] != "row" or kinds[j - 1] != "row":
        return None
    text = lines[j].strip()
    if not _WRAPPED_TAIL.fullmatch(text) or _NOT_A_TAIL.search(text) or text in _level_labels():
        return None  # ('效益指标' alone on a line: the label of the rows below, not a cell's end)
    if lines[j - 1].count("\t") != lines[j + 1].count("\t"):
        return None
    cells = [c for c in rows[-1].cells if c.text]
    if not cells:
        return None
    cell = cells[0] if text[0] in "（(" else cells[-1]
    return cell if _CJK_CHAR.search(cell.text) and not is_missing(cell.text) else None  # ('无': nothing to go on)


@functools.cache
def _level_labels() -> frozenset[str]:
    """The level labels of the indicator framework (``indicator_framework.csv``: 产出指标, 数量指标 …)."""
    rows = vocab.load("indicator_framework")
    return frozenset(w for r in rows for w in (r["level1"], r["level2"]) if w)


def _tab_table(lines: list[str], kinds: list[str], i: int) -> tuple[Table, int]:
    rows: list[Row] = []
    n = len(lines)
    j = i
    while j < n:
        k = kinds[j]
        if k in ("row", "cell"):
            rows.append(Row([Cell(t.strip(), j + 1) for t in lines[j].split("\t")]))
            j += 1
        elif k == "blank":
            j += 1
        elif k == "text" and (cell := _tail_cell(lines, kinds, rows, j)) is not None:
            cell.text = _join([cell.text, lines[j]])
            j += 1
        else:
            break
    # drop trailing blank lines from the span
    while j > i and kinds[j - 1] == "blank":
        j -= 1
    return Table(rows=rows, layout="tabs"), j


# ------------------------------------------------------------- Markdown and pipe tables
#: A pipe that is not escaped with a backslash (``\|`` is a pipe inside a cell).
_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_SEPARATOR_LINE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_MD_BOLD = re.compile(rf"(\*\*|__)([^*_\n]*[{_CJK}][^*_\n]*)\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_NUMBER_CELL = re.compile(r"^[-+]?[\d,.]+%?$")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,5});")


def _is_pipe_row(line: str) -> bool:
    """A row of a pipe table: it starts with a pipe and has another one."""
    s = line.strip()
    return s.startswith("|") and len(_PIPE.findall(s)) >= 2


def _md_inline(text: str) -> str:
    """Markdown and HTML left in a piece of text: bold wrappers, comments, entities."""
    if "<!--" in text:
        text = _HTML_COMMENT.sub("", text)
    if "**" in text or "__" in text:
        text = _MD_BOLD.sub(r"\2", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


#: A character without which :func:`_md_text` only trims a line (no heading, tag, bold or entity).
_MD_MARK = re.compile(r"[#<*_&]")


def _md_text(line: str) -> str:
    """A text line as a reader sees it: a Markdown heading or bold line as plain text, ``<br>`` a space.

    Examples
    --------
    >>> _md_text("## 二、预算执行情况 ##"), _md_text("**部门整体支出绩效自评表**")
    ('二、预算执行情况', '部门整体支出绩效自评表')
    >>> _md_text("备注：1.含生育保险；<br>2.单位万元")
    '备注：1.含生育保险； 2.单位万元'
    """
    m = _MD_HEADING.match(line) if "#" in line else None  # (a heading has a '#')
    text = m.group(1) if m else line
    if "<" in text:
        text = _BR_TAG.sub(" ", text)
    return _md_inline(text).strip()


def _pipe_cells(line: str) -> list[str]:
    r"""The raw cells of a pipe row: outer pipes dropped, ``\|`` read as a pipe.

    Examples
    --------
    >>> _pipe_cells("| 指标 | a \\| b ||")
    [' 指标 ', ' a | b ', '']
    """
    s = line.strip().removeprefix("|")
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.replace("\\|", "|") for c in _PIPE.split(s)]


def _is_separator(cells: list[str]) -> bool:
    """The delimiter row under a header ('|---|:--:|')."""
    stripped = [c.strip() for c in cells]
    return any(stripped) and all(not c or _SEPARATOR_CELL.match(c) for c in stripped)


def _pipe_cell_text(raw: str) -> str:
    """A cell's text: the pieces between ``<br>`` joined as a wrapped cell is joined; a cell of
    hyphens only ('---', a placeholder a converter wrote for a dash) is '—'."""
    text = _join([_md_inline(piece) for piece in _BR_TAG.split(raw)])
    return "—" if len(text) >= 2 and not text.strip("-") else text


def _pipe_run(lines: list[str], kinds: list[str], i: int) -> tuple[list[Row], int]:
    """The rows of consecutive pipe lines from ``i``: delimiter rows and empty rows dropped."""
    rows: list[Row] = []
    j = i
    while j < len(lines) and kinds[j] == "pipe":
        cells = _pipe_cells(lines[j])
        if not _is_separator(cells):
            row = Row([Cell(_pipe_cell_text(c), j + 1) for c in cells])
            if not row.is_empty():
                rows.append(row)
        j += 1
    return rows, j


def _next_pipe_run(kinds: list[str], j: int, breaks: frozenset[int]) -> tuple[int, bool]:
    """Where the next pipe run starts after blank lines (or -1), and whether a page break is between."""
    crossed = False
    while j < len(kinds) and kinds[j] == "blank":
        crossed = crossed or j in breaks
        j += 1
    return (j if j < len(kinds) and kinds[j] == "pipe" else -1), crossed


def _repeats_header(row: Row, rows: list[Row]) -> bool:
    """A row of words only that is the same as a row above: a header printed again on a new page."""
    texts = row.texts
    if any(t and _NUMBER_CELL.match(t) for t in texts):
        return False
    return any(r.texts == texts for r in rows)


def _cut_by_the_page(last: Row, first: Row) -> bool:
    """Decide that the last row before a page break and the first after it are one row cut by
    the break ('| | | 制度执行 | | |' then '| | | 有效性 | 4 | 3 |'): the last holds one word cell
    and nothing else, the first goes on in that cell with figures beside it and nothing before
    it. The first row's cell gets the whole name (in place).

    >>> a = Row([Cell("", 1), Cell("制度执行", 1), Cell("", 1)]); b = Row([Cell("", 5), Cell("有效性", 5), Cell("4", 5)])
    >>> _cut_by_the_page(a, b), b.texts
    (True, ['', '制度执行有效性', '4'])
    """
    filled = [k for k, t in enumerate(last.texts) if t]
    if len(filled) != 1 or len(first.cells) != len(last.cells):
        return False
    p = filled[0]
    texts = first.texts
    if _NUMBER_CELL.match(last.texts[p]) or not texts[p] or any(texts[:p]):
        return False
    if not any(_NUMBER_CELL.match(t) for t in texts[p + 1:] if t):
        return False
    first.cells[p].text = _join([last.cells[p].text, first.cells[p].text])
    first.refresh()
    return True


def _pipe_table(lines: list[str], kinds: list[str], i: int, breaks: frozenset[int] = frozenset()
                ) -> tuple[Table, int]:
    """A Markdown pipe table, joined with its continuation after a page break.

    The continuation is joined when it starts with a header row of the table (which is dropped), or
    when a page break stands between the two and the first row has as many cells as the header.
    Rows with fewer cells than the header are padded with empty cells on the right, as a
    Markdown viewer shows them; an empty cell is "same as above", as a rowspan in a web page.
    """
    rows, j = _pipe_run(lines, kinds, i)
    while rows:
        k, crossed = _next_pipe_run(kinds, j, breaks)
        if k < 0:
            break
        more, end = _pipe_run(lines, kinds, k)
        if more and _repeats_header(more[0], rows):
            more = more[1:]  # the header repeated on the next page
        elif not (crossed and more and len(more[0].cells) == len(rows[0].cells)):
            break
        if more and _cut_by_the_page(rows[-1], more[0]):
            rows.pop()
        rows.extend(more)
        j = end
    width = len(rows[0].cells) if rows else 0
    for row in rows:
        if len(row.cells) < width:
            row.cells.extend(Cell("", row.line) for _ in range(width - len(row.cells)))
            row.refresh()
    return Table(rows=rows, layout="pipes"), j


def _mark_markdown(lines: list[str], kinds: list[str]) -> None:
    """Kinds of the Markdown constructs the line-by-line kinds miss (in place).

    A table whose rows do not start with a pipe ('a | b' over '---|---') is a pipe table, and
    the lines of an HTML comment over several lines are blank.
    """
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        # (the substring tests first: most lines have neither a comment nor a pipe)
        if kinds[i] == "text" and "<!--" in line and line.lstrip().startswith("<!--") and "-->" not in line:
            while i < n and "-->" not in lines[i]:
                kinds[i] = "blank"
                i += 1
            if i < n:
                kinds[i] = "blank"
        elif kinds[i] == "text" and i + 1 < n and "|" in line and _PIPE.search(line) \
                and _SEPARATOR_LINE.match(lines[i + 1]):
            while i < n and kinds[i] in ("text", "pipe") and _PIPE.search(lines[i]):
                kinds[i] = "pipe"
                i += 1
            continue
        i += 1


# ------------------------------------------------------------- tables drawn with box characters
_HORIZONTAL = frozenset("─━┄┅┈┉═╌╍")  # the fill of a rule
_BOX = frozenset(chr(c) for c in range(0x2500, 0x2580))  # box-drawing characters
_VERTICAL = _BOX - _HORIZONTAL  # bars, corners and tees: a column's edge


def _is_box_line(line: str) -> bool:
    """A line of a table drawn with box characters: it starts with one (a bar, a corner or a
    tee) and has another one after it: a row (│a│b│), a rule (├──┼──┤), or both (│  ├──┤)."""
    s = line.strip()
    return bool(s) and s[0] in _BOX and any(c in _BOX for c in s[1:])


def _display(line: str) -> list[tuple[int, str]]:
    """Each character of a line with the column it is displayed at (a Chinese character is two
    columns wide, as ``pdftotext -layout`` and a monospaced page align them)."""
    out, col = [], 0
    for ch in line.rstrip():
        out.append((col, ch))
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return out


_EDGE_SLACK = 2  # columns by which two lines' drawing of one edge may differ (hand-aligned text)


def _box_edges(shown: list[list[tuple[int, str]]]) -> list[int]:
    """The columns where a table's lines draw edges: positions within :data:`_EDGE_SLACK` of each
    other are one edge, at the position most lines use."""
    counts = Counter(c for chars in shown for c, ch in chars if ch in _VERTICAL)
    edges: list[list[int]] = []
    for c in sorted(counts):
        if edges and c - edges[-1][-1] <= _EDGE_SLACK:
            edges[-1].append(c)
        else:
            edges.append([c])
    return [max(group, key=lambda c: (counts[c], -c)) for group in edges]


def _box_segments(chars: list[tuple[int, str]], edges: list[int]) -> list[tuple[int, int, str | None]]:
    """A box line cut at the edges it draws: ``(first, last, text)`` for each stretch between two
    of them, as indexes of ``edges`` (the stretch spans grid columns first..last-1); ``text`` is
    None for a rule (a stretch of ─)."""
    drawn: list[tuple[int, int]] = []  # (edge index, position in the line)
    for c, ch in chars:
        if ch in _VERTICAL:
            k = min(range(len(edges)), key=lambda x: abs(edges[x] - c))
            if abs(edges[k] - c) <= _EDGE_SLACK and (not drawn or drawn[-1][0] != k):
                drawn.append((k, c))
    out = []
    for (k0, c0), (k1, c1) in itertools.pairwise(drawn):
        inside = [ch for c, ch in chars if c0 < c < c1]
        rule = bool(inside) and all(ch in _HORIZONTAL or ch in _VERTICAL for ch in inside)
        out.append((k0, k1, None if rule else "".join(inside).strip()))
    return out


def _box_table(lines: list[str], kinds: list[str], i: int, breaks: frozenset[int] = frozenset()
               ) -> tuple[Table, int]:
    """A table drawn with box characters, read on its grid: the columns are the positions where
    any of its lines draws an edge; a rule (├──┼──┤, or only part of one, beside a cell that goes
    on downwards) ends the cells above it; the lines between two rules are one row, each cell's
    pieces joined as a wrapped cell. A cell that goes on down past a rule stands in its first row
    (``rowspan``); the rows it covers hold an empty cell ("same as above"), and its pieces further
    down are joined to its text. A cell over several columns (``colspan``) stands once. Every
    cell stands on the line of its first piece."""
    j = i
    while j < len(lines) and kinds[j] == "box":
        j += 1
    if _drawn_row_by_row(lines[i:j]):
        return _box_table_by_lines(lines, i, j), j
    shown = [_display(lines[k]) for k in range(i, j)]
    grid = _BoxGrid(_box_edges(shown))
    for offset, chars in enumerate(shown):
        grid.take(i + offset, chars)
    grid.end_row()
    return Table(rows=[r for r in grid.rows if not r.is_empty()], layout="box"), j


class _BoxGrid:
    """The rows of a box table read on its grid, line by line (:func:`_box_table`)."""

    def __init__(self, edges: list[int]) -> None:
        self.edges = edges
        self.closed = set(range(len(edges)))  # grid columns whose cell ended at a rule above
        self.open_cells: dict[int, Cell] = {}  # grid column → the cell that stands there
        self.rows: list[Row] = []
        self.band: dict[int, list] = {}  # first grid column → [line, last edge, pieces] of the row

    def take(self, line: int, chars: list[tuple[int, str]]) -> None:
        """Read one line (0-based ``line``): its rules end the row above; its text goes to the
        row being read, or, beside a rule, to the cell above that goes on downwards."""
        segments = _box_segments(chars, self.edges)
        rules = [(k0, k1) for k0, k1, text in segments if text is None]
        if rules:
            self.end_row()
            for k0, k1 in rules:
                self.closed.update(range(k0, k1))
        for k0, k1, text in segments:
            if text is None:
                continue
            if rules and k0 not in self.closed and k0 in self.open_cells:
                if text:
                    self.open_cells[k0].text = _join([self.open_cells[k0].text, text])
                continue
            slot = self.band.setdefault(k0, [line, k1, []])
            if text:
                slot[2].append(text)

    def end_row(self) -> None:
        """Make the row of the lines read since the last rule."""
        if not self.band:
            return
        cells = [self._cell(k, *self.band[k]) for k in sorted(self.band)]
        self.closed.difference_update(self.band)
        row = Row(cells)
        row.refresh()
        self.rows.append(row)
        self.band.clear()

    def _cell(self, k: int, line: int, k1: int, pieces: list[str]) -> Cell:
        """The cell of grid column ``k`` in the row being made: a new cell where a rule ended the
        one above, else a covered cell, the pieces joined to the cell above (one row more)."""
        if k in self.closed:
            cell = self.open_cells[k] = Cell(_join(pieces), line + 1, colspan=k1 - k)
            return cell
        above = self.open_cells.get(k)
        if above is not None:
            if pieces:
                above.text = _join([above.text, *pieces])
            above.rowspan += 1
        return Cell("", line + 1, colspan=k1 - k, covered=True)


_BARS = "│┃║"
_BAR = re.compile(f"[{_BARS}]")


def _drawn_row_by_row(block: list[str]) -> bool:
    """Decide that a box table is drawn row by row: every rule is a whole one, and every row line
    has the same number of bars. Its lines are then cut at their bars, whatever their alignment;
    otherwise (a cell going on down past a rule, cells over several columns) it is read on its
    grid."""
    rows = [line.strip() for line in block if line.strip()[0] in _BARS]
    whole_rules = all(line.strip()[0] not in _BARS or not any(c in _HORIZONTAL for c in line) for line in block)
    return whole_rules and len({len(_BAR.findall(r)) for r in rows}) == 1


def _box_table_by_lines(lines: list[str], i: int, j: int) -> Table:
    """A box table drawn row by row: where it has rules between its rows, the lines between two
    rules are one row whose cells wrap (each column's pieces joined); where it has none, each
    line is a row."""
    groups: list[list[int]] = [[]]
    for k in range(i, j):
        if lines[k].strip()[0] in _BARS:
            groups[-1].append(k)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    if len(groups) == 1:  # no rule between rows: a line is a row
        groups = [[k] for k in groups[0]]
    rows = []
    for group in groups:
        pieces = [_BAR.split(lines[k].strip())[1:-1] for k in group]
        width = max(len(p) for p in pieces)
        rows.append(Row([Cell(_join([p[c] for p in pieces if c < len(p)]), group[0] + 1) for c in range(width)]))
    return Table(rows=rows, layout="box")


# ------------------------------------------------------- grid tables drawn with + - = | (pandoc)
# A grid table ('+-----+-----+' rules, '+=====+' under the header, '| a | b |' rows, a cell
# going on down past a rule where the rule is left open: '|     +-----+'), as pandoc and other
# converters write a Word table in Markdown or plain text: the box layout's reading, its
# characters drawn in ASCII.
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_GRID_RULE_RUN = re.compile(r"\+(?:[-=:]+\+)+")
_TO_BOX = str.maketrans({"+": "┼", "-": "─", ":": "─", "=": "═"})


def _is_grid_rule(line: str) -> bool:
    """A whole rule of a grid table: '+-----+-----+' or '+=====+=====+'."""
    return line.lstrip().startswith("+") and _GRID_RULE.match(line) is not None


def _mark_grids(lines: list[str], kinds: list[str]) -> None:
    """The lines of a grid table after its first rule (rows, and rules left open beside a cell
    that goes on down) are the grid's too (in place)."""
    i = 0
    n = len(lines)
    while i < n:
        if kinds[i] != "grid":
            i += 1
            continue
        i += 1
        while i < n and lines[i].lstrip()[:1] in ("|", "+") and lines[i].strip():
            kinds[i] = "grid"
            i += 1


def _drawn_in_box_characters(line: str) -> str:
    """A line of a grid table with its rules and bars in box characters ('+--+' → '┼──┼',
    '|' → '│'); the words of its cells as they are."""
    line = _GRID_RULE_RUN.sub(lambda m: m.group(0).translate(_TO_BOX), line)
    return line.replace("|", "│")


def _grid_table(lines: list[str], kinds: list[str], i: int, breaks: frozenset[int] = frozenset()
                ) -> tuple[Table, int]:
    """A grid table, read as a table drawn with box characters (:func:`_box_table`).

    Examples
    --------
    >>> lines = ["+------+--------+------+", "| 项目 | 年初预算数 | 决算数 |", "+======+========+======+",
    ...          "| 基本 | 986.20 | 975.1 |", "| 支出 |        |       |", "+------+--------+------+"]
    >>> kinds = ["grid"] * len(lines)
    >>> [r.texts for r in _grid_table(lines, kinds, 0)[0].rows]
    [['项目', '年初预算数', '决算数'], ['基本支出', '986.20', '975.1']]
    """
    j = i
    while j < len(lines) and kinds[j] == "grid":
        j += 1
    drawn = list(lines)
    drawn[i:j] = [_drawn_in_box_characters(line) for line in lines[i:j]]
    table, _ = _box_table(drawn, [*kinds[:i], *(["box"] * (j - i)), *kinds[j:]], i, breaks)
    return Table(rows=table.rows, layout="grid"), j


# ------------------------------------------------------- HTML tables written inside the text
# PDF-to-Markdown converters (MinerU, marker …) write a table with merged cells as HTML in the
# Markdown: '<table><tr><td rowspan="2">产出指标</td>…</table>', often on one line. Its rows and
# spans are read as a web page's; each cell stands on the line where its row's '<tr>' is.
def _is_html_table_start(line: str) -> bool:
    """A line that opens an HTML table: '<table>' or '<table border="1">'."""
    return line.lstrip()[:6].lower() == "<table"


def _mark_html_tables(lines: list[str], kinds: list[str]) -> None:
    """The lines of an HTML table after its first, to its '</table>', are the table's (in place)."""
    i, n = 0, len(lines)
    while i < n:
        if kinds[i] == "html" and "</table>" not in lines[i].lower():
            i += 1
            while i < n and kinds[i] != "html":
                kinds[i] = "html"
                i += 1
                if "</table>" in lines[i - 1].lower():
                    break
            continue
        i += 1


def _html_table(lines: list[str], kinds: list[str], i: int, breaks: frozenset[int] = frozenset()
                ) -> tuple[Table, int]:
    """An HTML table in the text, its rows on the table's grid: a cell merged down stands in its
    first row, the rows it covers hold a covered empty cell; a cell over columns stands once.

    Examples
    --------
    >>> lines = ['<table><tr><td>一级指标</td><td>三级指标</td><td>得分</td></tr>',
    ...          '<tr><td rowspan="2">产出指标</td><td>结算人次</td><td>19</td></tr>',
    ...          '<tr><td>办结时限</td><td>10</td></tr></table>']
    >>> table, end = _html_table(lines, ["html"] * 3, 0)
    >>> [r.texts for r in table.rows], [c.line for c in table.rows[2].cells], end
    ([['一级指标', '三级指标', '得分'], ['产出指标', '结算人次', '19'], ['', '办结时限', '10']], [3, 3, 3], 3)
    """
    import lxml.html  # (only a text with an HTML table needs it)

    from evalkit.readers._render import render_grid
    from evalkit.readers.html import _rows, place_cells

    j = i + 1
    while j < len(lines) and kinds[j] == "html" and not _is_html_table_start(lines[j]):
        j += 1
    try:
        root = lxml.html.fragment_fromstring("\n".join(lines[i:j]), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return Table(rows=[], layout="html"), j
    tables = root.xpath(".//table")
    trs = _rows(tables[0]) if tables else []
    rows = []
    for tr, cells in zip(trs, render_grid(place_cells(trs), "")):  # (the web page reader's grid)
        line = i + (tr.sourceline or 1)
        row = Row([Cell(text, line, rowspan=rs, colspan=cs, covered=covered) for text, _, rs, cs, covered in cells])
        row.refresh()
        rows.append(row)
    return Table(rows=[r for r in rows if not r.is_empty()], layout="html"), j


# ------------------------------------------------------------------------ the layouts
@dataclass(frozen=True)
class Layout:
    """A text layout of tables.

    Attributes
    ----------
    name : str
        The layout's name (:attr:`evalkit.document.Table.layout` of the tables it builds).
    claims : callable
        ``claims(line) -> bool``: whether a line belongs to a table in this layout.
    build : callable
        ``build(lines, kinds, i, breaks) -> (table, j)``: the table whose first line is
        ``lines[i]`` (``kinds[k]`` is the name of the layout claiming line ``k``, 'text' or
        'blank'; ``breaks`` the lines where a page ended), and the index after its last line.
    """

    name: str
    claims: Callable[[str], bool]
    build: Callable[[list[str], list[str], int, frozenset[int]], tuple[Table, int]]


#: The layouts, in the order they are tried on a line.
LAYOUTS: list[Layout] = [
    Layout("html", _is_html_table_start, _html_table),
    Layout("grid", _is_grid_rule, _grid_table),
    Layout("pipe", _is_pipe_row, _pipe_table),
    Layout("box", _is_box_line, _box_table),
    Layout("row", _is_tab_row, lambda lines, kinds, i, breaks: _tab_table(lines, kinds, i)),
    Layout("cell", _is_cell_line, lambda lines, kinds, i, breaks: _cell_table(lines, kinds, i)),
]
#: The first character (after white space) of a line that the HTML, grid, pipe or box layout
#: claims: '<', '+', '|' or a box-drawing character.
_OPENING_MARKS = frozenset("<+|") | _BOX
#: The tests of the built-in layouts: each needs a character of :data:`_LAYOUT_MARK` on the line.
_BUILT_IN_CLAIMS = frozenset({_is_html_table_start, _is_grid_rule, _is_pipe_row, _is_box_line, _is_tab_row,
                              _is_cell_line})
#: The built-in layouts' names and tests, in order (:func:`_built_in_kind` relies on it).
_BUILT_IN_LAYOUTS = [(x.name, x.claims) for x in LAYOUTS]


def rebuild_blocks(lines: list[str], breaks: frozenset[int] = frozenset()) -> list[Table | TextLine]:
    """Rebuild tables and text lines from a report's lines.

    Parameters
    ----------
    lines : list of str
    breaks : frozenset of int, optional
        0-based indexes of (blanked) lines where a page ended: a pipe table goes on across them.

    Examples
    --------
    >>> blocks = rebuild_blocks(["标题", "\\t一级指标", "\\t目标值", "", "\\t产出指标", "\\t>98%"])
    >>> [type(b).__name__ for b in blocks]
    ['TextLine', 'Table']
    >>> blocks[1].rows[1].texts
    ['产出指标', '>98%']
    >>> blocks = rebuild_blocks(["# 自评表", "| 一级指标 | 得分 |", "|---|--:|", "| 产出指标<br>（50分） | 48 |"])
    >>> blocks[0].text, [r.texts for r in blocks[1].rows]
    ('自评表', [['一级指标', '得分'], ['产出指标（50分）', '48']])
    """
    return _rebuild(lines, breaks, None)


def _rebuild(lines: list[str], breaks: frozenset[int], joined: str | None) -> list[Table | TextLine]:
    """:func:`rebuild_blocks`; ``joined``: the lines joined by line breaks, when the caller has
    them, to pass over the Markdown marks when the text has none."""
    kinds = _kinds(lines, joined)
    if "html" in kinds:
        _mark_html_tables(lines, kinds)
    if "grid" in kinds:
        _mark_grids(lines, kinds)
    if joined is None or "|" in joined or "<!--" in joined:  # (what :func:`_mark_markdown` looks for)
        _mark_markdown(lines, kinds)
    by_name = {layout.name: layout for layout in LAYOUTS}
    text_kind = "" if "text" in by_name else "text"  # (a layout of that name would claim the lines)
    blocks: list[Table | TextLine] = []
    since = 0  # where the text lines after the last table start in ``blocks``
    i = 0
    n = len(lines)
    while i < n:
        k = kinds[i]
        if k == text_kind:  # (most lines)
            line = lines[i]
            # (a line without a Markdown or HTML mark is read as it is, trimmed: most lines)
            # (:data:`_MD_MARK` told by substring tests: at C speed, where the search looks at
            # each character in turn)
            md = "#" in line or "<" in line or "*" in line or "_" in line or "&" in line
            text = _md_text(line) if md else line.strip()
            if text:
                blocks.append(TextLine(i + 1, text))
            i += 1
            continue
        layout = by_name.get(k)
        if layout is None:
            i += 1
            continue
        table, i = layout.build(lines, kinds, i, breaks)
        table.context = blocks[since:][-3:]  # (the last three text lines before a table are its context)
        if table.rows:
            blocks.append(table)
        since = len(blocks)
    return blocks


# ------------------------------------------------------------------------ loading
def document_from_lines(lines: list[str], report_id: str, source_file: str = "", sha256: str = "",
                        encoding: str = "", locators: list[str] | None = None) -> Document:
    """Build a :class:`Document` from lines in the text layouts (readers of other formats use this).

    A reader of .docx, .html or .pdf renders paragraphs as lines and each table as one cell
    per line (a tab before each cell, a blank line between rows), and gives a locator per line.

    Examples
    --------
    >>> doc = document_from_lines(["\\t一级指标", "\\t目标值", "", "\\t产出", "\\t≥1次"], "r",
    ...                           locators=["表1第1行第1列", "表1第1行第2列", "", "表1第2行第1列", "表1第2行第2列"])
    >>> doc.tables[0].rows[1].texts, doc.locate(5)
    (['产出', '≥1次'], '表1第2行第2列')
    """
    return Document(report_id=report_id, source_file=source_file, sha256=sha256, lines=list(lines),
                    blocks=rebuild_blocks(list(lines)), encoding=encoding, locators=locators)


def document_from_text(text: str, report_id: str, source_file: str = "", sha256: str = "",
                       encoding: str = "utf-8", markdown: bool = False) -> Document:
    """Build a :class:`Document` from already decoded text.

    The damage of PDF text extraction is repaired first (:func:`evalkit.readers.textfix.repair_lines`):
    page numbers and running headers become blank lines, a hard-wrapped sentence is written on
    the line where it starts, so ``lines`` has as many lines as the text, each where it was.
    ``markdown``: the text is Markdown, whose consecutive lines are one paragraph.

    Examples
    --------
    >>> doc = document_from_text("标题\\r\\n\\t部门名称\\r\\n\\t某县医疗保障局\\r\\n", "r1")
    >>> doc.tables[0].rows[0].texts
    ['部门名称', '某县医疗保障局']
    """
    lines, joined = _split_lines(text.removeprefix("\ufeff"))
    from evalkit.readers.textfix import repair_lines  # (the readers package imports this module)

    fixed = repair_lines(lines, markdown, joined=joined)
    if fixed.lines != lines:
        joined = None  # (repaired: the text no longer says what the lines are)
    return Document(report_id=report_id, source_file=source_file, sha256=sha256, lines=fixed.lines,
                    blocks=_rebuild(fixed.lines, fixed.breaks, joined), encoding=encoding)


def _split_lines(text: str) -> tuple[list[str], str]:
    r"""The lines of a text (a line ends at CR LF, CR or LF; the last line break ends the last
    line), and the lines joined by LF with an LF before the first and after the last.

    Examples
    --------
    >>> _split_lines("a\r\nb\rc\n\nd\n")
    (['a', 'b', 'c', '', 'd'], '\na\nb\nc\n\nd\n')
    """
    if "\r" in text:  # (as re.split(r"\r\n|\r|\n"), without the regular expression)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
        return lines, "\n" + text
    return lines, "\n" + text + "\n"


def report_id_for(path: Path) -> str:
    """The report id of a file: its name without the extension.

    Examples
    --------
    >>> report_id_for(Path("reports/000_62967d4b60e90b6e.txt"))
    '000_62967d4b60e90b6e'
    """
    return path.stem


def read_checked(path: Path, limit: int = MAX_BYTES, hint: str = "") -> bytes:
    """The bytes of a report file, after the checks every format shares (exists, not empty, size).

    Parameters
    ----------
    path : Path
    limit : int, default MAX_BYTES
        The largest size accepted, in bytes.
    hint : str, default ""
        Appended to the message about a file over ``limit``.

    Raises
    ------
    ReportReadError
        When the file is missing, unreadable, empty or too large; the message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "empty.docx"
    >>> _ = p.write_bytes(b"")
    >>> try:
    ...     read_checked(p)
    ... except ReportReadError as exc:
    ...     "空文件" in str(exc)
    True
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReportReadError(f"{path}: 无法读取（{exc.strerror}）") from exc
    check_size(path, size, limit, hint)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReportReadError(f"{path}: 无法读取（{exc.strerror}）") from exc


def check_size(path: Path, size: int, limit: int = MAX_BYTES, hint: str = "") -> None:
    """Refuse a file of ``size`` bytes that is empty or over ``limit`` (see :func:`read_checked`).

    Examples
    --------
    >>> check_size(Path("r.txt"), 100)
    >>> try:
    ...     check_size(Path("r.txt"), MAX_BYTES + 1)
    ... except ReportReadError as exc:
    ...     "文件过大" in str(exc)
    True
    """
    if size == 0:
        raise ReportReadError(f"{path}: 空文件")
    if size > limit:
        raise ReportReadError(f"{path}: 文件过大（{size} 字节，上限 {limit} 字节）{hint}")


def load_document(path: str | Path, report_id: str | None = None) -> Document:
    """Read a text report from disk into a :class:`Document`.

    Raises
    ------
    ReportReadError
        When the file is missing, empty, too large, binary or in an unknown encoding; the
        message names the file.
    """
    p = Path(path)
    return document_of_bytes(p, read_checked(p, hint=TOO_LARGE_HINT), report_id)


#: Said of a text file over :data:`MAX_BYTES`.
TOO_LARGE_HINT = "：一份报告的文本通常不到 1 MB，这可能是多份报告合在一起，或不是报告"


def document_of_bytes(p: Path, data: bytes, report_id: str | None = None) -> Document:
    """:func:`load_document` of the bytes of the file ``p``, read already (and checked as
    :func:`read_checked` checks them): :func:`evalkit.readers.load_any` reads a text file once,
    having looked at its first bytes to tell its format.

    Examples
    --------
    >>> doc = document_of_bytes(Path("r1.txt"), "标题\\n\\t部门名称\\n\\t某县医疗保障局\\n".encode("gb18030"))
    >>> doc.report_id, doc.encoding, doc.tables[0].rows[0].texts
    ('r1', 'gb18030', ['部门名称', '某县医疗保障局'])
    """
    text, enc, cut = _decode(data, str(p))
    if _looks_binary(text):
        raise ReportReadError(f"{p}: 不是文本报告（控制字符过多，可能是二进制文件）")
    if not text or text.isspace():  # (as ``not text.strip()``, without copying the text)
        raise ReportReadError(f"{p}: 文件只有空白，没有内容")
    sha = hashlib.sha256(data).hexdigest()
    log.debug("read %s (%s, %d bytes)", p, enc, len(data))
    markdown = p.suffix.lower() in (".md", ".markdown")
    doc = document_from_text(text, report_id or report_id_for(p), p.name, sha, enc, markdown)
    if cut:
        last = len(doc.lines)
        doc.problems.append((last, doc.lines[-1].strip()[-30:] if doc.lines else "",
                             f"文件在一个字符的中间结束（末尾 {cut} 个字节不成字，已舍弃）：文件可能不完整"))
        log.warning("%s: ends in the middle of a character; %d bytes dropped", p, cut)
    return doc
