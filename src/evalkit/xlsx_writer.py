"""A small streaming writer of .xlsx workbooks: sheet XML written as text, row by row, into the zip.

The workpaper (:mod:`evalkit.workpaper`) has millions of cells; making an object per cell, as
general-purpose libraries do, costs most of the time of ``evalkit build``. This module writes
what the workpaper needs and nothing more:

- cells of text (inline strings, XML-escaped, kept as text even when they start with ``=``),
  numbers, booleans and empty styled cells, each with the index of its cell format (``s``);
- cell formats made of a number format, a font (regular, bold, bold of a size, or the built-in
  Hyperlink style's), a solid fill, an alignment and the quote prefix, each distinct format
  written once in ``styles.xml``;
- per sheet: the used range, frozen panes, column widths, an auto-filter, merged cells, list
  validations (drop-downs), internal hyperlinks, print options, margins, page set-up, page
  header and footer, and the rows repeated on every printed page (a defined name);
- the workbook parts (workbook, relationships, content types, document properties, theme).

A sheet's rows go to the zip entry as they are written (the XML is never held whole), so memory
does not grow with the workbook; a thread of the workbook compresses them and writes the file
(the compressor and the file system do not hold the GIL), beside the making of the next rows.
At the fast levels (1-3) the sheets are deflated by ISA-L (python-isal) where it is
installed: at its level 2 it takes about a fifth of the time zlib takes at level 3, for files
about 12 % larger (the workpaper of 10 000 reports writes 2.2 GB of XML: about 2 s of
compression instead of 10, 263 MB instead of 235); else by zlib. The XML
follows the element order of the OOXML schema (ECMA-376 Part 1, 18.3.1.99 ``CT_Worksheet``),
so Excel opens the file without a repair prompt.
Text must not hold characters XML forbids (control characters, lone surrogates): callers
replace them first (:func:`evalkit.workpaper._fit_text` does).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["CellStyle", "ColumnStyle", "PrintSetup", "Validation", "Workbook", "Worksheet",
           "cell_xml", "column_cells", "column_letter", "escape_attr", "escape_text"]

logger = logging.getLogger(__name__)

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Number formats Excel knows by id (ECMA-376 18.8.30); any other gets an id from 164 on.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
#: The font of the default cell format and the font of the built-in Hyperlink cell style (as
#: openpyxl defines it, so that a workbook read back with openpyxl has the fonts it had).
_DEFAULT_FONT = ('<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
                 '<scheme val="minor"/></font>')
_LINK_FONT = ('<font><name val="Calibri"/><family val="2"/><color theme="10"/><sz val="12"/>'
              '<scheme val="minor"/></font>')
_FLUSH_CHARS = 1 << 20

try:  # (ISA-L's deflate, same format as zlib's: see the module's notes)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover (an optional speed-up: zlib does the same work)
    _isal_zlib = None
#: ISA-L's level for the sheets (0-3; 3 takes three times as long for files 1 % smaller).
ISAL_LEVEL = 2


def escape_text(text: str) -> str:
    """Text as the content of an XML element: ``&``, ``<``, ``>`` escaped, and a carriage
    return as a character reference (a parser would read a bare one as a line feed).

    Examples
    --------
    >>> escape_text("a<b & c>d\\r")
    'a&lt;b &amp; c&gt;d&#13;'
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def escape_attr(text: str) -> str:
    """Text as an XML attribute value in double quotes (quotes and white space escaped too).

    Examples
    --------
    >>> escape_attr('\\'表\\'!A1 "x"')
    '&#39;表&#39;!A1 &quot;x&quot;'
    """
    text = escape_text(text).replace('"', "&quot;").replace("'", "&#39;")
    return text.replace("\n", "&#10;").replace("\t", "&#9;")


def _number(value: float) -> str:
    """A number as a cell value: up to 16 significant digits; not finite: empty."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return f"{value:.16g}"


_LETTERS: list[str] = []


def column_letter(column: int) -> str:
    """The letters of a 1-based column number.

    Examples
    --------
    >>> column_letter(1), column_letter(28), column_letter(16384)
    ('A', 'AB', 'XFD')
    """
    if not _LETTERS:
        for n in range(1, 16385):
            letters, k = "", n
            while k:
                k, r = divmod(k - 1, 26)
                letters = chr(65 + r) + letters
            _LETTERS.append(letters)
    if not 1 <= column <= len(_LETTERS):
        raise ValueError(f"no column {column} in a sheet (1 to 16384)")
    return _LETTERS[column - 1]


def cell_xml(ref: str, value: Any, xf: int = 0) -> str:
    """One cell: ``value`` None, str, bool, int or float; ``xf`` the index of its cell format
    (:meth:`Workbook.xf`). An empty value makes a cell only when it has a format.

    Examples
    --------
    >>> cell_xml("B2", "=1<2", 3)
    '<c r="B2" s="3" t="inlineStr"><is><t>=1&lt;2</t></is></c>'
    >>> cell_xml("C2", 1.5), cell_xml("C3", None)
    ('<c r="C2" t="n"><v>1.5</v></c>', '')
    """
    s = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{s} t="n"/>' if xf else ""
    if isinstance(value, str):
        if not value:
            return f'<c r="{ref}"{s} t="inlineStr"/>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}"{s} t="n"><v>{_number(value)}</v></c>'


class ColumnStyle(NamedTuple):
    """The cell formats (:meth:`Workbook.xf`) of a column's cells by the kind of their value:
    ``text``, ``formula_text`` (text that starts like a formula: give it the quote prefix),
    ``number``, ``boolean``, and ``empty`` (None: an empty value makes no cell)."""

    text: int
    formula_text: int
    number: int
    boolean: int
    empty: int | None


def _style_attrs(style: ColumnStyle) -> tuple[str, str, str, str, int | None]:
    """The ``s`` attributes of a :class:`ColumnStyle`'s formats (and its empty cells' format)."""
    return (*(f' s="{xf}"' if xf else "" for xf in style[:4]), style.empty)


def column_cells(letter: str, first_row: int, values: list, style: ColumnStyle | list[ColumnStyle],
                 formula_start: tuple[str, ...]) -> list[str]:
    """The cells of one column over consecutive rows (from ``first_row``), each as
    :func:`cell_xml` writes it; ``style`` one for the column or one per row.

    Examples
    --------
    >>> st = ColumnStyle(text=0, formula_text=1, number=2, boolean=0, empty=None)
    >>> column_cells("A", 2, ["x", "=y", 3, None], st, ("=",))
    ['<c r="A2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A3" s="1" t="inlineStr"><is><t>=y</t></is></c>', '<c r="A4" s="2" t="n"><v>3</v></c>', '']
    """
    if isinstance(style, list):
        distinct = {id(st): st for st in style}
        attrs_of = {key: _style_attrs(st) for key, st in distinct.items()}
        per_row = [attrs_of[id(st)] for st in style]
    else:
        per_row, attrs = None, _style_attrs(style)
    out = []
    append = out.append
    for i, value in enumerate(values):
        if per_row is not None:
            attrs = per_row[i]
        kind = type(value)
        if kind is str:
            if value and value == value.strip() and not (
                    "&" in value or "<" in value or ">" in value or "\r" in value):
                s = attrs[1] if value.startswith(formula_start) else attrs[0]
                append(f'<c r="{letter}{first_row + i}"{s} t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                append(cell_xml(f"{letter}{first_row + i}", value, _xf(attrs[1] if value.startswith(formula_start)
                                                                       else attrs[0])))
        elif kind is float or kind is int:
            number = f"{value:.16g}" if value - value == 0 else ""  # (not finite: empty)
            append(f'<c r="{letter}{first_row + i}"{attrs[2]} t="n"><v>{number}</v></c>')
        elif value is None:
            append("" if not attrs[4] else f'<c r="{letter}{first_row + i}" s="{attrs[4]}" t="n"/>')
        elif kind is bool:
            append(cell_xml(f"{letter}{first_row + i}", value, _xf(attrs[3])))
        else:
            append(cell_xml(f"{letter}{first_row + i}", value, _xf(attrs[2])))
    return out


def _xf(attr: str) -> int:
    """The format index of an ``s`` attribute ('' for 0)."""
    return int(attr[4:-1]) if attr else 0


@dataclass(frozen=True)
class CellStyle:
    """A cell format: number format, font, fill, alignment, quote prefix; ``link`` bases it on
    the built-in Hyperlink cell style (its font) instead of Normal."""

    number_format: str = "General"
    bold: bool = False
    size: float | None = None
    link: bool = False
    fill: str | None = None  # RGB of a solid fill, e.g. 'DDEBF7'
    wrap: bool = False
    vertical: str | None = None
    quote_prefix: bool = False


@dataclass
class Validation:
    """A list validation (a drop-down of ``options``; a blank cell allowed) on the cells
    ``sqref``, with the message shown on a wrong entry and the prompt shown on the cell."""

    sqref: str
    options: tuple[str, ...]
    error_title: str | None = None
    error: str | None = None
    prompt_title: str | None = None
    prompt: str | None = None

    def xml(self) -> str:
        attrs = [f'sqref="{self.sqref}"', 'showDropDown="0"',
                 f'showInputMessage="{int(self.prompt is not None)}"',
                 f'showErrorMessage="{int(self.error is not None)}"', 'allowBlank="1"']
        for name, value in (("errorTitle", self.error_title), ("error", self.error),
                            ("promptTitle", self.prompt_title), ("prompt", self.prompt)):
            if value is not None:
                attrs.append(f'{name}="{escape_attr(value)}"')
        formula = escape_text('"' + ",".join(self.options) + '"')
        return f'<dataValidation {" ".join(attrs)} type="list"><formula1>{formula}</formula1></dataValidation>'


@dataclass
class PrintSetup:
    """How a sheet prints: orientation, paper (9 = A4), fitted to ``fit_width`` pages wide
    and ``fit_height`` high (0: as many as needed), grid lines, margins (inches), the rows
    repeated on every page (e.g. ``'1:1'``), page header and footer as (left, centre, right)
    texts in Excel's header codes (``&P`` page, ``&N`` pages; a literal ``&`` doubled)."""

    orientation: str = "landscape"
    paper_size: int = 9
    fit_width: int = 1
    fit_height: int = 0
    grid_lines: bool = True
    margins: tuple[float, float, float, float, float, float] = (0.4, 0.4, 1, 1, 0.5, 0.5)
    title_rows: str | None = None
    header: tuple[str, str, str] = ("", "", "")
    footer: tuple[str, str, str] = ("", "", "")


def _header_footer_text(parts: tuple[str, str, str]) -> str:
    return "".join(f"&{code}{text}" for code, text in zip("LCR", parts, strict=True) if text)


@dataclass
class Worksheet:
    """A sheet of a :class:`Workbook`. Set its settings, then :meth:`open` it, write its rows
    (:meth:`write_row`, :meth:`write_rows`), add hyperlinks (:meth:`link`) and :meth:`close` it."""

    book: Workbook
    title: str
    index: int
    dimension: str = "A1"
    widths: list[float] = field(default_factory=list)
    freeze: str | None = None
    auto_filter: str | None = None
    merged: list[str] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    print_setup: PrintSetup = field(default_factory=PrintSetup)
    _links: list[str] = field(default_factory=list)
    _buffer: list[str] = field(default_factory=list)
    _size: int = 0
    _stream: Any = None
    _done: bool = False

    @property
    def part(self) -> str:
        return f"xl/worksheets/sheet{self.index + 1}.xml"

    def open(self) -> Worksheet:
        """Start the sheet's XML: everything before the rows."""
        if self._stream is not None or self._done:
            raise ValueError(f"sheet {self.title!r} was already opened")
        self.book._writer.drain()  # (the entry before is closed: the zip takes one writer at a time)
        self._stream = self.book._zip.open(self.part, "w", force_zip64=True)
        if 1 <= self.book.compresslevel <= 3:  # (a fast level asked for: ISA-L's is faster still)
            self._stream = _faster_deflate(self._stream)
        cols = "".join(f'<col width="{_number(w)}" customWidth="1" min="{j}" max="{j}"/>'
                       for j, w in enumerate(self.widths, start=1))
        self._put(f'{_XML_DECL}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                  '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr>'
                  f'<dimension ref="{self.dimension}"/><sheetViews>{self._view()}</sheetViews>'
                  '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
                  f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')
        return self

    def _view(self) -> str:
        """The sheet view, with its frozen panes (as Excel writes them)."""
        if not self.freeze or self.freeze == "A1":
            return '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
        letters = self.freeze.rstrip("0123456789")
        row = int(self.freeze[len(letters):])
        column = next(j for j in range(1, 16385) if column_letter(j) == letters)
        split = (f' xSplit="{column - 1}"' if column > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
        pane = {(True, True): "bottomRight", (False, True): "bottomLeft"}.get((column > 1, row > 1), "topRight")
        selections = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if pane == "bottomRight" else ""
        return (f'<sheetView workbookViewId="0"><pane{split} topLeftCell="{self.freeze}" activePane="{pane}" '
                f'state="frozen"/>{selections}<selection pane="{pane}" activeCell="A1" sqref="A1"/></sheetView>')

    def _put(self, text: str) -> None:
        self._buffer.append(text)
        self._size += len(text)
        if self._size >= _FLUSH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self.book._writer.put(self._stream, "".join(self._buffer).encode("utf-8"))
            self._buffer.clear()
            self._size = 0

    def write_xml(self, data: bytes | memoryview | Any) -> None:
        """Write rows already made as UTF-8 XML (e.g. by :func:`evalkit.xlsx_columns.rows_xml`;
        any object with the buffer protocol, left unchanged until the workbook is closed)."""
        self._flush()
        self.book._writer.put(self._stream, data)

    def write_row(self, row: int, cells: list[str]) -> None:
        """Write row ``row`` (1-based) of cells made by :func:`cell_xml` ('' for none)."""
        self._put(f'<row r="{row}">{"".join(cells)}</row>')

    def write_rows(self, first_row: int, columns: list[list[str]]) -> None:
        """Write consecutive rows from ``first_row`` given column by column
        (:func:`column_cells`; every column as long as the others)."""
        if not columns:
            return
        parts = [f'<row r="{n}">{"".join(cells)}</row>'
                 for n, cells in enumerate(zip(*columns, strict=True), start=first_row)]
        self._put("".join(parts))

    def link(self, ref: str, location: str) -> None:
        """A hyperlink of the cell ``ref`` to a place in the workbook (``'Sheet'!A1``)."""
        self._links.append(f'<hyperlink ref="{ref}" location="{escape_attr(location)}"/>')

    def close(self) -> None:
        """End the sheet's XML: everything after the rows, in the schema's order."""
        if self._stream is None:
            self.open()
        p = self.print_setup
        tail = ["</sheetData>"]
        if self.auto_filter:
            tail.append(f'<autoFilter ref="{self.auto_filter}"/>')
        if self.merged:
            tail.append(f'<mergeCells count="{len(self.merged)}">'
                        + "".join(f'<mergeCell ref="{m}"/>' for m in self.merged) + "</mergeCells>")
        if self.validations:
            tail.append(f'<dataValidations count="{len(self.validations)}">'
                        + "".join(v.xml() for v in self.validations) + "</dataValidations>")
        if self._links:
            tail.append("<hyperlinks>" + "".join(self._links) + "</hyperlinks>")
        if p.grid_lines:
            tail.append('<printOptions gridLines="1"/>')
        left, right, top, bottom, header, footer = (_number(m) for m in p.margins)
        tail.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
                    f'header="{header}" footer="{footer}"/>')
        tail.append(f'<pageSetup orientation="{p.orientation}" paperSize="{p.paper_size}" '
                    f'fitToHeight="{p.fit_height}" fitToWidth="{p.fit_width}"/>')
        head, foot = _header_footer_text(p.header), _header_footer_text(p.footer)
        if head or foot:
            odd = (f"<oddHeader>{escape_text(head)}</oddHeader>" if head else "") + (
                f"<oddFooter>{escape_text(foot)}</oddFooter>" if foot else "")
            tail.append(f"<headerFooter>{odd}{odd.replace('<odd', '<even').replace('</odd', '</even')}"
                        "</headerFooter>")
        tail.append("</worksheet>")
        self._put("".join(tail))
        self._flush()
        self.book._writer.put(self._stream, None)  # (closed by the writer, after its rows)
        self._stream, self._done, self._links = None, True, []


def _faster_deflate(stream: Any) -> Any:
    """A zip entry just opened for writing, its data to be deflated by ISA-L rather than zlib
    (where python-isal is installed and the entry is deflated by zlib's compressor, which the
    entry then never used: same format, the entry's own CRC and sizes)."""
    compressor = getattr(stream, "_compressor", None)
    if _isal_zlib is not None and type(compressor).__module__ == "zlib" and not getattr(stream, "_file_size", 1):
        stream._compressor = _isal_zlib.compressobj(ISAL_LEVEL, zlib.DEFLATED, -15)
    return stream


class _Writer:
    """Writes the sheets' XML into their zip entries in a thread of its own, in the order given.

    Compressing (zlib) and writing the file do not hold the GIL, so they run beside the making
    of the next rows. At most a few pieces wait (memory stays bounded). An error in the thread
    is raised in the caller at its next call; after one, nothing more is written.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._cancel = False
        self.unclosed: dict[int, Any] = {}  # the entries given and not closed yet

    def put(self, stream: Any, data: Any) -> None:
        """Write ``data`` into ``stream`` (an open zip entry); None closes the entry."""
        self._raise()
        self.unclosed[id(stream)] = stream
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="xlsx-writer", daemon=True)
            self._thread.start()
        self._queue.put((stream, data))

    def drain(self) -> None:
        """Wait until everything given is written (and raise the thread's error, if any)."""
        if self._thread is not None:
            self._queue.join()
        self._raise()

    def stop(self, cancel: bool = False) -> None:
        """End the thread, after what is waiting is written (or, with ``cancel``, dropped)."""
        self._cancel = self._cancel or cancel
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None and not self._cancel:
            raise self._error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                stream, data = item
                if self._error is None and not self._cancel:
                    if data is None:
                        stream.close()
                        self.unclosed.pop(id(stream), None)
                    else:
                        stream.write(data)
            except BaseException as exc:  # noqa: BLE001 (given to the caller at its next call)
                self._error = exc
            finally:
                self._queue.task_done()


def _quoted(title: str) -> str:
    return "'{}'".format(title.replace("'", "''"))


class Workbook:
    """An .xlsx file written sheet by sheet.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced if it exists).
    compresslevel : int
        zlib level of the zip entries. At 1 to 3 (the fast levels; 3 the default) the sheets
        are deflated by ISA-L at :data:`ISAL_LEVEL` where python-isal is installed (about a
        fifth of zlib's time at 3, a file about 12 % larger); 0 and 4 to 9 are zlib's. With
        zlib, 3 costs about a third more time than 1 and makes the file about 11 % smaller; 6
        (zlib's default) takes three times as long as 1 for a file about 23 % smaller (the
        workpaper of 1 000 reports: 49, 43, 38 MB).

    Notes
    -----
    Add every sheet first (:meth:`add_sheet`: the order of the tabs), then write them in any
    order, one at a time, and :meth:`close` the workbook. Cell formats are registered with
    :meth:`xf` as they are needed.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     book = Workbook(Path(tmp) / "t.xlsx")
    ...     ws = book.add_sheet("表1")
    ...     ws.freeze = "A2"
    ...     _ = ws.open()
    ...     ws.write_row(1, [cell_xml("A1", "名称", book.xf(CellStyle(bold=True))), cell_xml("B1", 2.5)])
    ...     ws.close()
    ...     book.close()
    ...     sheet = openpyxl.load_workbook(Path(tmp) / "t.xlsx")["表1"]
    ...     sheet["A1"].value, sheet["A1"].font.b, sheet["B1"].value, sheet.freeze_panes
    ('名称', True, 2.5, 'A2')
    """

    def __init__(self, path: str | Path, *, compresslevel: int = 3) -> None:
        self.path = Path(path)
        self.compresslevel = compresslevel
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._writer = _Writer()
        self.sheets: list[Worksheet] = []
        self._xfs: dict[CellStyle, int] = {CellStyle(): 0}

    def add_sheet(self, title: str) -> Worksheet:
        """A new sheet after the others (a title of at most 31 characters, unique)."""
        if any(ws.title.lower() == title.lower() for ws in self.sheets):
            raise ValueError(f"duplicate sheet title {title!r}")
        ws = Worksheet(self, title, len(self.sheets))
        self.sheets.append(ws)
        return ws

    def xf(self, style: CellStyle) -> int:
        """The index of a cell format (made the first time it is asked for)."""
        xf = self._xfs.get(style)
        if xf is None:
            xf = self._xfs[style] = len(self._xfs)
        return xf

    def close(self) -> None:
        """Write the sheets not written yet and the workbook's parts; close the file. On an error
        the error is raised as it is and the file is left for :meth:`abort`."""
        try:
            for ws in self.sheets:
                if not ws._done:
                    ws.close()
            self._writer.drain()
            self._write_parts()
        except BaseException:
            # (the zip cannot be closed with an entry the writer left open: the caller's error
            # goes up as it is, and abort() removes the file)
            self._writer.stop(cancel=True)
            raise
        self._writer.stop()
        self._zip.close()

    def abort(self) -> None:
        """Close and remove the file after a failure."""
        self._writer.stop(cancel=True)
        streams = {id(st): st for st in [*self._writer.unclosed.values(), *(ws._stream for ws in self.sheets)]
                   if st is not None}.values()
        for ws in self.sheets:
            ws._stream = None
        try:
            for stream in streams:
                stream.close()
            self._zip.close()
        except Exception:  # (a half-written entry: the file goes anyway)
            logger.debug("closing the unfinished %s failed", self.path, exc_info=True)
        finally:
            if self._zip.fp is not None:  # (the zip could not close it)
                self._zip.fp.close()
        self.path.unlink(missing_ok=True)

    def _write_parts(self) -> None:
        n = len(self.sheets)
        sheet_types = "".join(
            f'<Override PartName="/{ws.part}" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/>' for ws in self.sheets)
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.styles+xml"/>'
                '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.theme+xml"/>'
                '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
                'package.core-properties+xml"/>'
                '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
                f'officedocument.extended-properties+xml"/>{sheet_types}</Types>'),
            "_rels/.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
                '</Relationships>'),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{_PKG_REL_NS}">'
                + "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
                          f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
                + f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
                f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/theme" Target="theme/theme1.xml"/>'
                '</Relationships>'),
            "xl/workbook.xml": self._workbook_xml(),
            "xl/styles.xml": self._styles_xml(),
            "xl/theme/theme1.xml": _theme_xml(),
            "docProps/app.xml": (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                '<Application>evalkit</Application></Properties>'),
            "docProps/core.xml": _core_xml(),
        }
        for name, text in parts.items():
            if not text.startswith("<?xml"):
                text = _XML_DECL + text
            self._zip.writestr(name, text.encode("utf-8"))

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{escape_attr(ws.title)}" sheetId="{i + 1}" state="visible" r:id="rId{i + 1}"/>'
                         for i, ws in enumerate(self.sheets))
        names = []
        for i, ws in enumerate(self.sheets):
            if ws.auto_filter:
                first, _, last = ws.auto_filter.partition(":")
                ref = "$" + "$".join(_split_ref(first)) + (":$" + "$".join(_split_ref(last)) if last else "")
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f'{escape_text(_quoted(ws.title))}!{ref}</definedName>')
            if ws.print_setup.title_rows:
                first, _, last = ws.print_setup.title_rows.partition(":")
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                             f'{escape_text(_quoted(ws.title))}!${first}:${last or first}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><workbookPr/><bookViews>'
                '<workbookView activeTab="0"/></bookViews>'
                f'<sheets>{sheets}</sheets>{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')

    def _styles_xml(self) -> str:
        formats: dict[str, int] = {}
        fonts, fills = [_DEFAULT_FONT, _LINK_FONT], ['<fill><patternFill/></fill>',
                                                     '<fill><patternFill patternType="gray125"/></fill>']
        xfs = []
        for style in sorted(self._xfs, key=self._xfs.get):
            fmt = _BUILTIN_FORMATS.get(style.number_format)
            if fmt is None:
                fmt = formats.setdefault(style.number_format, 164 + len(formats))
            if style.link:
                font = 1
            elif style.bold or style.size:
                font = _index(fonts, "<font>" + ('<b val="1"/>' if style.bold else "")
                              + (f'<sz val="{_number(style.size)}"/>' if style.size else "") + "</font>")
            else:
                font = 0
            fill = 0 if style.fill is None else _index(
                fills, f'<fill><patternFill patternType="solid"><fgColor rgb="00{style.fill}"/></patternFill></fill>')
            align = ""
            if style.wrap or style.vertical:
                align = ("<alignment" + (f' vertical="{style.vertical}"' if style.vertical else "")
                         + (' wrapText="1"' if style.wrap else "") + "/>")
            applies = "".join(f' {name}="1"' for name, on in (
                ("applyNumberFormat", fmt), ("applyFont", font), ("applyFill", fill), ("applyAlignment", align)) if on)
            quote = ' quotePrefix="1"' if style.quote_prefix else ""
            xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="{int(style.link)}"'
                       f'{applies}{quote}' + (f">{align}</xf>" if align else "/>"))
        num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape_attr(code)}"/>' for code, i in formats.items())
        return (f'<styleSheet xmlns="{_MAIN_NS}">'
                + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
                + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
                f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                '<xf numFmtId="0" fontId="1" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="2"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                '<cellStyle name="Hyperlink" xfId="1" builtinId="8"/></cellStyles>'
                '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
                'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def _index(items: list[str], item: str) -> int:
    if item not in items:
        items.append(item)
    return items.index(item)


def _split_ref(ref: str) -> tuple[str, str]:
    letters = ref.rstrip("0123456789")
    return letters, ref[len(letters):]


def _core_xml() -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>evalkit</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')


def _theme_xml() -> str:
    """The Office theme (the colours a font's ``theme`` index names), as openpyxl writes it."""
    from openpyxl.writer.theme import theme_xml

    return theme_xml
