"""The audit workbook: evalkit's tables and checks as one Excel file an auditor can sign off.

:func:`write_workpaper` writes a cover sheet (what the workbook is, when and with which evalkit
version it was made, the input reports with their sha256, the command that reproduces it),
the findings, the execution rates and the indicator achievement with re-scoring, one sheet
per data table, and a sheet explaining every column.

Every sheet has Chinese headers (from ``vocab/column_labels.csv``), a frozen header row, an
autofilter, column widths fitted to the contents and number formats (万元 with two decimals,
persons as whole numbers, percentages). Every figure keeps its ``source`` column
(``<report_id>:<line>``), and a finding links to the rows it concerns. Text that starts with
``=``, ``+``, ``-`` or ``@`` (targets such as ``=100%``) is stored as text, never as a formula.
The same input gives the same cell contents; only the cover's time changes.

Excel's limits are kept: a table longer than a sheet (1 048 576 rows, the header included)
continues on further sheets with the same header (``检查发现（续1）``, …), to which the links
point; a text longer than a cell (32 767 characters) is cut and ends with
:data:`CUT_MARK`. The cover says both.

The workbook is written by evalkit's own streaming writer (:mod:`evalkit.xlsx_writer`): the
rows of a table are turned into sheet XML a block at a time, column by column, in Arrow
(:mod:`evalkit.xlsx_columns`; each distinct cell style registered once), and go into the zip as
they are made (compressed in a thread of the writer), so memory does not grow with the corpus. openpyxl only reads workbooks (:func:`read_verdicts`); it
is imported inside the functions, so importing evalkit does not load it.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evalkit import xlsx_columns
from evalkit.export import TABLES
from evalkit.fields import field_kind, field_label, table_description, table_label
from evalkit.side_process import Beside
from evalkit.xlsx_writer import (
    CellStyle,
    ColumnStyle,
    PrintSetup,
    Validation,
    Workbook,
    Worksheet,
    cell_xml,
    column_cells,
    column_letter,
)

__all__ = [
    "AUDIT_COLUMNS",
    "COVER_SHEET",
    "CUT_MARK",
    "FIELDS_SHEET",
    "SHEET_NAMES",
    "SHEET_ORDER",
    "SUMMARY_SHEET",
    "SUSPECTS_SHEET",
    "TIME_LABEL",
    "VERDICTS",
    "finding_ids",
    "read_verdicts",
    "write_workpaper",
]

logger = logging.getLogger(__name__)

COVER_SHEET = "封面"
FIELDS_SHEET = "字段说明"
SUMMARY_SHEET = "发现汇总"
#: The review list: extraction suspects (kind 存疑), apart from the audit findings.
SUSPECTS_SHEET = "待复核疑点"
#: The auditor's verdicts offered in the 核实结论 drop-down.
VERDICTS = ("属实", "误报", "待核实")
#: The auditor's columns of the findings sheets (filled in by hand, read back by read_verdicts).
AUDIT_COLUMNS = ("核实结论", "处理意见", "复核人", "日期")
_SEVERITY_FILLS = {"错误": "F8CBAD", "警告": "FFE699", "提示": "DDEBF7"}
#: The label, in column A of the cover, of the only cell that differs between two builds.
TIME_LABEL = "生成时间"
#: The end of a text cut to fit in a cell.
CUT_MARK = "…〔已截断〕"

#: Derived tables come first, after the cover; then the data tables in their usual order.
SHEET_ORDER: tuple[str, ...] = ("findings", "execution", "achievement", *TABLES)
#: Table name → sheet name (the Chinese table names of ``vocab/table_labels.csv``).
SHEET_NAMES: dict[str, str] = {name: table_label(name) for name in SHEET_ORDER}

_NUMBER_FORMATS = {
    "money": "#,##0.00",
    "persons": "#,##0",
    "int": "0",
    "percent": '0.00"%"',
    "score": "0.00",
    "number": "General",
}

#: Characters that make a spreadsheet read a typed-in value as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limits: characters in a cell, rows in a sheet (the header row included).
_MAX_CELL_TEXT = 32767
_MAX_ROWS = 1_048_576
#: Hyperlinks one worksheet may hold: Excel's published limit is 66 530; past it a sheet's
#: further cited places are written as text (the cover says so), so that Excel opens the file
#: without asking to repair it.
_MAX_SHEET_LINKS = 65_000
_MAX_LINKS = 8
_WIDTH_SAMPLE = 2000
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_WRAP_WIDTH = 30
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})
_NUMBER_IN_TEXT = re.compile(r"\d+(?:\.\d+)?")

#: A cell style as the steps that make it, applied in order to a new cell (see _apply_step):
#: ("quote", None) quote prefix, ("fmt", f) number format, ("link", None) the Hyperlink style,
#: ("font", "bold" | "title"), ("fill", rgb), ("align", "wrap" | "top" | "center").
_Steps = tuple[tuple[str, Any], ...]
_QUOTE: _Steps = (("quote", None),)
_WRAP: _Steps = (("align", "wrap"),)
_HEADER: _Steps = (("font", "bold"), ("fill", "DDEBF7"), ("align", "center"))
_BOLD: _Steps = (("font", "bold"),)


def _evalkit_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("evalkit")
    except metadata.PackageNotFoundError:
        return "未知（未安装）"


def _display_width(text: str) -> int:
    """Width of a text in a monospaced font: East Asian wide characters count twice."""
    if text.isascii():  # (figures, codes: no wide character)
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """A value a cell can store: Python scalars, text for anything else."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)



#: Characters an XML 1.0 document cannot hold: control characters, lone surrogates, U+FFFE/FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The same for Arrow's regular expressions (UTF-8 text, which holds no lone surrogates).
_XML_ILLEGAL_UTF8 = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _fit_text(text: str) -> tuple[str, bool]:
    """Text an .xlsx cell can hold, and whether it was cut: characters XML forbids replaced, and
    at most :data:`_MAX_CELL_TEXT` characters, a longer text ending with :data:`CUT_MARK`."""
    text = _XML_ILLEGAL.sub("\ufffd", text)
    if len(text) > _MAX_CELL_TEXT:
        return text[: _MAX_CELL_TEXT - len(CUT_MARK)] + CUT_MARK, True
    return text, False


def _clean_text(text: str) -> str:
    """Text an .xlsx cell can hold (see :func:`_fit_text`)."""
    return _fit_text(text)[0]


def _sheet_title(name: str, taken: set[str]) -> str:
    title = table_label(name).translate(_INVALID_TITLE).strip("'")[:31] or "表"
    base, n = title, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f"_{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def _location(title: str, row: int, column: int = 1) -> str:
    return "'{}'!{}{}".format(title.replace("'", "''"), column_letter(column), row)


def _column_kind(frame: pd.DataFrame, column: str) -> str | None:
    kind = field_kind(str(column))
    if kind is None:
        dtype = frame[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            return None
        if pd.api.types.is_integer_dtype(dtype):
            return "int"
        if pd.api.types.is_float_dtype(dtype):
            return "number"
    return kind


def _value_width(value: Any, number_format: str | None) -> int:
    value = _plain(value)
    if value is None:
        return 0
    if isinstance(value, float) and number_format in {"#,##0.00", "0.00", '0.00"%"'}:
        text = f"{value:,.2f}%"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{value:,}"
    else:
        text = max(str(value).splitlines() or [""], key=len)
    return _display_width(text)



def _link_targets(
    frame: pd.DataFrame, columns: list[str], index: Mapping[str, list[tuple[str, int]]] | None
) -> list[list[tuple[str, int]]]:
    """The rows each row's ``sources`` names (at most :data:`_MAX_LINKS`, first seen first);
    empty without an index or a ``sources`` column."""
    link_targets: list[list[tuple[str, int]]] = []
    if index is None or "sources" not in columns:
        return link_targets
    for sources in frame["sources"].tolist():
        targets: list[tuple[str, int]] = []
        if isinstance(sources, str):
            for source in (s.strip() for s in sources.split(";")):
                for target in index.get(source, []):
                    if target not in targets and len(targets) < _MAX_LINKS:
                        targets.append(target)
        link_targets.append(targets)
    return link_targets


def _cell_style(steps: _Steps) -> CellStyle:
    """The cell format the style ``steps`` make, applied in order (see :data:`_Steps`): the
    Hyperlink style starts the format afresh (as a named style does), the others add to it."""
    style = CellStyle()
    for name, arg in steps:
        if name == "quote":
            style = replace(style, quote_prefix=True)
        elif name == "fmt":
            style = replace(style, number_format=arg)
        elif name == "link":
            style = CellStyle(link=True)
        elif name == "font":
            style = replace(style, bold=True, size=14 if arg == "title" else None)
        elif name == "fill":
            style = replace(style, fill=arg)
        elif name == "align":
            style = replace(style, wrap=arg == "wrap", vertical="top" if arg == "wrap" else arg)
        else:
            raise ValueError(f"unknown style step {(name, arg)!r}")
    return style


class _Book:
    """The workbook being written (:class:`evalkit.xlsx_writer.Workbook`), one sheet at a time.

    Each distinct cell style is registered once (from its :data:`_Steps`); texts cut to fit a
    cell are counted per sheet for the cover, and hyperlinks per sheet against Excel's limit.
    """

    def __init__(self, path: Path) -> None:
        self.xw = Workbook(path)
        self.sheets: dict[str, Worksheet] = {}
        self.cut: dict[str, int] = {}
        self.unlinked: dict[str, int] = {}  # sheet → cited places written as text past _MAX_SHEET_LINKS
        self._links: dict[str, int] = {}
        self._styles: dict[_Steps, int] = {}
        self._open: Worksheet | None = None

    def may_link(self, title: str) -> bool:
        """Whether one more hyperlink fits on the sheet (counted; the ones that do not are too)."""
        n = self._links.get(title, 0)
        if n >= _MAX_SHEET_LINKS:
            self.unlinked[title] = self.unlinked.get(title, 0) + 1
            return False
        self._links[title] = n + 1
        return True

    def links_left(self, title: str) -> bool:
        """Whether the sheet may still hold a hyperlink."""
        return self._links.get(title, 0) < _MAX_SHEET_LINKS

    def count_unlinked(self, title: str, n: int) -> None:
        """Count ``n`` cited places of the sheet written as text (past its hyperlinks)."""
        if n:
            self.unlinked[title] = self.unlinked.get(title, 0) + n

    def create(self, title: str) -> Worksheet:
        ws = self.sheets[title] = self.xw.add_sheet(title)
        return ws

    def style(self, steps: _Steps) -> int:
        """The cell format (its index in the workbook) of ``steps``."""
        xf = self._styles.get(steps)
        if xf is None:
            xf = self._styles[steps] = self.xw.xf(_cell_style(steps))
        return xf

    def column_style(self, number_format: str | None, after: _Steps) -> ColumnStyle:
        """The cell formats of a column's cells as :meth:`_Sheet.cell` gives them, by value kind."""
        return ColumnStyle(text=self.style(after), formula_text=self.style(_QUOTE + after),
                           number=self.style(((("fmt", number_format),) if number_format else ()) + after),
                           boolean=self.style(after), empty=self.style(after) if after else None)

    def start(self, title: str, *, widths: Iterable[float], freeze: str | None, ref: str,
              filter_ref: str | None) -> _Sheet:
        """Start writing the sheet ``title`` (the one written before is finished): column widths,
        frozen panes, the used range ``ref`` and the auto-filter."""
        self.finish()
        ws = self.sheets[title]
        ws.widths, ws.freeze, ws.dimension, ws.auto_filter = list(widths), freeze, ref, filter_ref
        self._open = ws.open()
        return _Sheet(self, ws)

    def finish(self) -> None:
        """Finish the sheet being written."""
        if self._open is not None:
            self._open.close()
            self._open = None

    def save(self) -> None:
        self.finish()
        self.xw.close()


class _Sheet:
    """A sheet being written row by row: :meth:`cell` makes a cell's XML, :meth:`append` writes
    a row of them, :meth:`append_columns` rows given column by column."""

    def __init__(self, book: _Book, ws: Worksheet) -> None:
        self.book, self.ws, self.title = book, ws, ws.title
        self.row = 1

    def value(self, value: Any) -> Any:
        """The value stored in a cell: a plain Python scalar, text cut to fit (and counted)."""
        value = _plain(value)
        if isinstance(value, str):
            value, cut = _fit_text(value)
            if cut:
                self.book.cut[self.title] = self.book.cut.get(self.title, 0) + 1
        return value

    def values(self, column: pd.Series) -> list:
        """:meth:`value` of every value of a column (None, str, bool, int or float each)."""
        values = _plain_values(column)
        if _is_text_dtype(column.dtype):  # (the texts to fit found at once)
            unfit = column.str.len().gt(_MAX_CELL_TEXT) | column.str.contains(_XML_ILLEGAL_UTF8, regex=True)
            todo = np.flatnonzero(unfit.fillna(False).to_numpy(dtype=bool)).tolist()
        else:
            todo = [i for i, v in enumerate(values)
                    if type(v) is str and (len(v) > _MAX_CELL_TEXT or _XML_ILLEGAL.search(v))]
        for i in todo:
            values[i] = self.value(values[i])
        return values

    def column_cells(self, column: int, values: pd.Series, style: xlsx_columns.Styles,
                     rows: Any) -> xlsx_columns.Cells:
        """The cells of ``values`` in ``column`` of the next rows (numbered ``rows``), as
        :func:`~evalkit.xlsx_writer.column_cells` makes them from :meth:`values`: by the column's
        dtype, whole columns at a time in Arrow; any other column one cell at a time."""
        letter, dtype = column_letter(column), values.dtype
        if dtype != object and values.isna().all():  # (a fifth of the cells, in columns never filled)
            return xlsx_columns.missing_cells(letter, rows, style)
        if _is_text_dtype(dtype):
            return xlsx_columns.text_cells(letter, rows, self.texts(values), style, _FORMULA_START)
        if pd.api.types.is_bool_dtype(dtype):
            return xlsx_columns.bool_cells(letter, rows, pa.array(values.to_numpy(dtype=object, na_value=None),
                                                                  pa.bool_()), style)
        if pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
            # (as floats: cell_xml writes an integer through float too, with 16 digits)
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            return xlsx_columns.number_cells(letter, rows, xlsx_columns.number_texts(numbers, np.isnan(numbers)),
                                             style)
        if dtype == object:  # (texts and None only, as a text column's: most such columns)
            texts = _object_texts(values)
            if texts is not None:
                if not len(texts) or texts.null_count == len(texts):
                    return xlsx_columns.missing_cells(letter, rows, style)
                return xlsx_columns.text_cells(letter, rows, self.fitted(texts), style, _FORMULA_START)
        if isinstance(style, xlsx_columns.StylesByRow):
            style = style.as_list()
        return xlsx_columns.prepared_cells(column_cells(letter, self.row, self.values(values), style, _FORMULA_START))

    def texts(self, column: pd.Series) -> pa.Array:
        """A text column's values as cells store them (:meth:`value`), in Arrow (None for missing)."""
        return self.fitted(pa.array(column.array))

    def fitted(self, arr: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Texts (Arrow, None for missing) as cells store them (:meth:`value`)."""
        if isinstance(arr, pa.ChunkedArray):  # (a column put together by pd.concat keeps its parts)
            arr = arr.combine_chunks()
        arr = arr.cast(pa.large_string())
        if not xlsx_columns.may_need_fitting(arr, _MAX_CELL_TEXT):
            return arr
        unfit = pc.or_(pc.greater(pc.utf8_length(arr), _MAX_CELL_TEXT),
                       pc.match_substring_regex(arr, _XML_ILLEGAL_UTF8)).fill_null(False)
        todo = np.flatnonzero(unfit.to_numpy(zero_copy_only=False)).tolist()
        if not todo:
            return arr
        return pc.replace_with_mask(arr, unfit, pa.array([self.value(arr[i].as_py()) for i in todo], pa.large_string()))

    def cell(self, column: int, value: Any, number_format: str | None = None,
             link: tuple[str, int] | None = None, after: _Steps = ()) -> str:
        """The cell at ``column`` of the next row for a :meth:`value`: text stored as text (a
        quote prefix when it starts like a formula), a number with ``number_format``, linked to
        ``link`` (sheet, row) with the Hyperlink style, then styled by ``after``. An empty value
        without a style makes no cell ('')."""
        if link is not None and not self.book.may_link(self.title):
            link = None  # (past Excel's hyperlinks per sheet: the place stays written as text)
        if isinstance(value, str):
            steps = _QUOTE if value.startswith(_FORMULA_START) else ()
        elif number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
            steps = (("fmt", number_format),)
        else:
            steps = ()
        if link is not None:
            steps = (("link", None), *(_QUOTE if steps == _QUOTE else ()))
        steps += after
        ref = f"{column_letter(column)}{self.row}"
        if link is not None:
            self.ws.link(ref, _location(*link))
        return cell_xml(ref, value, self.book.style(steps) if steps else 0)

    def header(self, headers: list[str]) -> None:
        """The header row: bold on a blue fill."""
        self.append([self.cell(j, self.value(h), after=_HEADER) for j, h in enumerate(headers, 1)])

    def append(self, cells: list[str | None]) -> None:
        self.ws.write_row(self.row, [c or "" for c in cells])
        self.row += 1

    def append_columns(self, columns: list[list[str]]) -> None:
        """Write rows given column by column (:func:`evalkit.xlsx_writer.column_cells`)."""
        if columns:
            self.ws.write_rows(self.row, columns)
            self.row += len(columns[0])

    def append_cells(self, rows: pa.Array, columns: list[xlsx_columns.Cells]) -> None:
        """Write the rows numbered ``rows`` (the next ones) of cells given column by column."""
        if len(rows):
            self.ws.write_xml(xlsx_columns.rows_xml(rows, columns))
            self.row += len(rows)


def _is_text_dtype(dtype: Any) -> bool:
    """Whether a column holds only text and missing values, in Arrow (pandas' string dtypes)."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _object_texts(column: pd.Series) -> pa.Array | None:
    """An object column's values in Arrow when each is a text (``str`` itself) or None; else None
    (its cells are made one at a time)."""
    values = column.tolist()
    if not set(map(type, values)) <= {str, type(None)}:
        return None
    try:
        return pa.array(values, pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # (a lone surrogate: cell by cell, replaced)
        return None


def _plain_values(column: pd.Series) -> list:
    """:func:`_plain` of each value of a column, by its dtype where that says the kinds."""
    dtype = column.dtype
    if _is_text_dtype(dtype):
        return column.to_numpy(dtype=object, na_value=None).tolist()
    if pd.api.types.is_float_dtype(dtype):
        return [None if math.isnan(v) else v for v in column.to_numpy(dtype="float64", na_value=np.nan).tolist()]
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return [None if v is pd.NA else v for v in column.tolist()]
    values = [_plain(v) for v in column.tolist()]
    return [str(v) if isinstance(v, str) and type(v) is not str else v for v in values]


def _rows_per_sheet() -> int:
    """Data rows that fit on a sheet under its header row."""
    return _MAX_ROWS - 1


def _split_titles(title: str, n_rows: int, taken: set[str]) -> list[str]:
    """The titles of the sheets a table of ``n_rows`` rows is written on: ``title``, then
    ``title（续1）``, ``title（续2）``, … when it is longer than a sheet."""
    titles = [title]
    n_sheets = max(1, -(-n_rows // _rows_per_sheet()))
    for k in range(1, n_sheets):
        suffix, n = f"（续{k}）", 2
        name = title[: 31 - len(suffix)] + suffix
        while name.lower() in {t.lower() for t in taken}:
            name = title[: 31 - len(suffix) - len(f"_{n}")] + f"_{n}" + suffix
            n += 1
        taken.add(name)
        titles.append(name)
    return titles


def _position(titles: list[str], i: int) -> tuple[str, int]:
    """The sheet and row of a table's row ``i`` (0-based) written on the sheets ``titles``."""
    per_sheet = _rows_per_sheet()
    return titles[i // per_sheet], i % per_sheet + 2


@dataclass
class _Table:
    """A table of the workbook and the sheets it is written on."""

    key: str
    title: str
    n_rows: int
    description: str
    titles: list[str] = field(default_factory=list)

    def parts(self) -> list[tuple[str, int, int]]:
        """(sheet, first row, end row) of each sheet, rows counted from 0."""
        per_sheet = _rows_per_sheet()
        return [(t, k * per_sheet, min((k + 1) * per_sheet, self.n_rows))
                for k, t in enumerate(self.titles)]

    def contents(self) -> list[tuple[str, str, int]]:
        """The cover's table-of-contents lines: one per sheet, saying where a table goes on."""
        parts = self.parts()
        if len(parts) == 1:
            return [(self.title, self.description, self.n_rows)]
        lines = []
        for k, (title, start, stop) in enumerate(parts):
            where = f"第 {start + 1:,}–{stop:,} 行，共 {self.n_rows:,} 行"
            nxt = f"；续见“{parts[k + 1][0]}”" if k + 1 < len(parts) else ""
            lines.append((title, f"{self.description}（{where}{nxt}）", stop - start))
        return lines


def _column_widths(widths: list[int]) -> list[float]:
    """Sheet column widths for content widths: fitted within bounds, wide columns narrowed to
    :data:`_WRAP_WIDTH` (their text wraps)."""
    return [_WRAP_WIDTH + 2 if w > _WRAP_WIDTH else min(max(w, _MIN_WIDTH), _MAX_WIDTH) + 2
            for w in widths]


def _last_cell(n_columns: int, n_rows: int) -> str:
    return f"{column_letter(max(n_columns, 1))}{n_rows + 1}"


def _content_widths(frame: pd.DataFrame, headers: list[str], formats: list[str | None],
                    link_targets: list[list[tuple[str, int]]]) -> list[int]:
    """Display width of each column: its header, its values in the first
    :data:`_WIDTH_SAMPLE` rows, and every link text."""
    widths = [_display_width(h) for h in headers]
    sample = frame.iloc[:_WIDTH_SAMPLE]
    for j, fmt in enumerate(formats):
        widths[j] = max(widths[j], _sample_width(sample.iloc[:, j], fmt))
    n_columns = len(frame.columns)
    title_widths: dict[str, int] = {}  # the width of 'title 第…行' without the row's digits
    for targets in link_targets:
        for k, (title, row) in enumerate(targets):
            if title not in title_widths:
                title_widths[title] = _display_width(_clean_text(f"{title} 第行"))
            widths[n_columns + k] = max(widths[n_columns + k], title_widths[title] + len(str(row)))
    return widths


def _sample_width(values: pd.Series, number_format: str | None) -> int:
    """The widest of :func:`_value_width` of ``values`` (the scalars a row of the frame gives),
    each distinct text measured once (texts repeat: units, scopes, levels)."""
    width, seen = 0, set()
    for value in values:
        if type(value) is str:
            if value in seen:
                continue
            seen.add(value)
        width = max(width, _value_width(value, number_format))
    return width


#: Rows of a table turned into XML at a time (column by column).
_BLOCK = 16384


def _write_frame(book: _Book, table: _Table, frame: pd.DataFrame, *,
                 index: Mapping[str, list[tuple[str, int]]] | None = None) -> None:
    """Write a table with Chinese headers, formats, widths, frozen header and filter, on as
    many sheets as it needs.

    With ``index`` (source → sheet rows), a ``source`` cell links to the data row it names,
    and a ``sources`` column gets link columns (关联行1, 关联行2, …) to every row it names.
    The rows are made a block at a time, column by column.
    """
    columns = [str(c) for c in frame.columns]
    formats = [_NUMBER_FORMATS.get(_column_kind(frame, c) or "", None) for c in frame.columns]
    headers = [field_label(c) for c in columns]
    link_targets = _link_targets(frame, columns, index)
    n_links = max((len(t) for t in link_targets), default=0)
    headers += [f"关联行{i}" for i in range(1, n_links + 1)]
    widths = _content_widths(frame, headers, formats, link_targets)
    wrap = [_WRAP if w > _WRAP_WIDTH else () for w in widths]
    source_col = columns.index("source") if index is not None and "source" in columns else None
    sources_col = columns.index("sources") if link_targets else None
    links = (index, source_col, sources_col, link_targets, n_links)
    styles = [book.column_style(fmt, wrap[j]) for j, fmt in enumerate(formats)]
    for title, start, stop in table.parts():
        last = _last_cell(len(headers), stop - start)
        sheet = book.start(title, widths=_column_widths(widths), freeze="A2",
                           ref=f"A1:{last}" if headers else "A1:A1",
                           filter_ref=f"A1:{last}" if headers else None)
        sheet.header(headers)
        for first in range(start, stop, _BLOCK):
            block = frame.iloc[first:min(first + _BLOCK, stop)]
            rows = xlsx_columns.row_numbers(sheet.row, len(block))
            cells = {j: xlsx_columns.prepared_cells(c) for j, c in _link_cells(sheet, block, first, formats, wrap,
                                                                                 links).items()}
            for j, style in enumerate(styles):
                if j not in cells:
                    cells[j] = sheet.column_cells(j + 1, block.iloc[:, j], style, rows)
            sheet.append_cells(rows, [cells[j] for j in sorted(cells)])


def _link_cells(sheet: _Sheet, block: pd.DataFrame, first: int, formats: list[str | None],
                wrap: list[_Steps], links: tuple) -> dict[int, list[str]]:
    """The cells of a block of rows that may link, row by row (so that the links a sheet may
    hold go to its first rows): the ``source`` cell to the row it names, the ``sources`` cell
    to the first row they name, and the link columns (0-based column → cells; the link columns
    of a row as one text under the key of the first of them)."""
    index, source_col, sources_col, link_targets, n_links = links
    n_columns = len(formats)
    own = [j for j in (source_col, sources_col) if j is not None]
    if own and not n_links and not sheet.book.links_left(sheet.title):
        # (past the sheet's hyperlinks: the cells are text, as the other columns' are; only the
        # places that would have been linked are counted)
        sources = block.iloc[:, source_col].tolist() if source_col is not None else []
        cited = sum(1 for v in sources if isinstance(v, str) and v in index)
        if sources_col is not None:
            cited += sum(1 for i in range(len(block)) if link_targets[first + i])
        sheet.book.count_unlinked(sheet.title, cited)
        return {}
    values = {j: sheet.values(block.iloc[:, j]) for j in own}
    out: dict[int, list[str]] = {j: [] for j in own}
    if n_links:
        out[n_columns] = []
    row, titles = sheet.row, {}
    for i in range(len(block)):
        sheet.row = row + i
        targets = link_targets[first + i] if link_targets else []
        for j in own:
            value, link = values[j][i], None
            if j == source_col and isinstance(value, str) and value in index:
                link = index[value][0]
            elif j == sources_col and targets:
                link = targets[0]
            out[j].append(sheet.cell(j + 1, value, formats[j], link, wrap[j]))
        if n_links:
            out[n_columns].append(_place_cells(sheet, n_columns + 1, targets, titles, wrap[n_columns:]))
    sheet.row = row
    return out


def _print_setup(ws: Worksheet, *, index_no: str, unit: str, period: str, has_rows: bool) -> None:
    """Make a sheet printable: landscape A4, fitted to the page width, the header row repeated
    on every page (when it has rows under it), a page header naming 索引号 / 单位 / 期间 and a
    footer 第 X 页 共 Y 页."""
    ws.print_setup = PrintSetup(
        orientation="landscape", paper_size=9, fit_width=1, fit_height=0, grid_lines=True,
        margins=(0.4, 0.4, 1, 1, 0.5, 0.5),
        title_rows="1:1" if has_rows and ws.title != COVER_SHEET else None,
        header=(_header_text(f"索引号：{index_no}"), _header_text(f"单位：{unit}"),
                _header_text(f"期间：{period}")),
        footer=("", "第 &P 页 共 &N 页", _header_text(ws.title)),
    )


def _header_text(text: str) -> str:
    # '&' starts a code in a page header; a header holds at most 255 characters
    return text.replace("&", "&&")[:120]


def _units_and_period(tables: Mapping[str, pd.DataFrame]) -> tuple[str, str]:
    reports = tables.get("reports")
    if reports is None or reports.empty:
        return "（未注明）", "（未注明）"
    depts = [d for d in dict.fromkeys(reports.get("department", pd.Series(dtype="str")).dropna())]
    years = sorted({int(y) for y in reports.get("fiscal_year", pd.Series(dtype="Int64")).dropna()})
    unit = "、".join(depts[:3]) + (f"等{len(depts)}个单位" if len(depts) > 3 else "") if depts else "（未注明）"
    period = ("、".join(f"{y}年度" for y in years[:3]) + ("等" if len(years) > 3 else "")) if years else "（未注明）"
    return unit, period


def finding_ids(findings: pd.DataFrame) -> pd.Series:
    """A stable id per finding (检查编号): the same finding of a re-run has the same id, so the
    auditor's verdict can be carried over.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"], "rule": ["amount-conflict"], "expected": ["151.57"],
    ...     "observed": ["66.14"], "sources": ["r:136;r:201"]})
    >>> finding_ids(f).tolist()
    ['F-e88c25b3ff']
    """
    import hashlib

    cols = ["report_id", "rule", "expected", "observed", "sources"]
    parts = [findings[c].astype("string").fillna("") if c in findings.columns
             else pd.Series("", index=findings.index) for c in cols]
    # (the key joined in Arrow: pandas' str.cat makes a Python object per value and part)
    keys = pc.binary_join_element_wise(*(pa.array(part, pa.large_string()) for part in parts),
                                       pa.scalar("|", pa.large_string()))
    ids = ["F-" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:10] for k in keys.to_pylist()]
    return pd.Series(ids, index=findings.index, dtype="str", name=parts[0].name)


def _number_or_text(value: Any) -> Any:
    """A figure written as text ('151.57') as a number; other text ('4.8–6', '全部完成') as is."""
    if isinstance(value, str):
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return value



#: A data row as the findings look for it: table, sheet row, its figures rounded to 6 decimals,
#: and the words of a figure kept without a value ('46.98人').
_IndexedRow = tuple[str, int, tuple[float, ...], tuple[str, ...]]


def _cited_rows(finding: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
                by_source: Mapping[str, list[_IndexedRow]],
                rule_tables: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    """The data rows a finding cites: on its source lines, in the tables its rule compares and,
    where the line holds other figures too, the rows whose value the finding names."""
    names = rule_tables.get(str(finding.get("rule")), ())
    words = " ".join(str(finding.get(c) or "") for c in ("message", "expected", "observed"))
    said = {_rounded_text(x) for x in _NUMBER_IN_TEXT.findall(words.replace(",", ""))}
    out: list[tuple[str, int]] = []
    for source in str(finding.get("sources") or "").split(";"):
        rows = by_source.get(source.strip())
        if not rows:
            continue
        if names:
            rows = [r for r in rows if r[0] in names]
        # (a row names a figure the finding says, or its words are in the finding's)
        named = [r for r in rows if not said.isdisjoint(r[2]) or (r[3] and any(v in words for v in r[3]))]
        for table, row, _, _ in (named or rows):
            if (table, row) not in out:
                out.append((table, row))
    return out


#: Findings from which the rows they cite are found in a process of their own while the other
#: sheets are written (at 10 000 reports, 172 000 findings, it takes about 8 s; below this the
#: fork costs more than it saves).
_CITED_BESIDE_FROM = 20_000


def _cited_places(parts: list[pd.DataFrame], tables: Mapping[str, pd.DataFrame],
                  sheets: Mapping[str, list[str]]) -> list[list[list[tuple[str, int]]]]:
    """For each table of findings in ``parts``, the (sheet, row) of every data row each finding
    cites (:func:`_cited_rows`); ``sheets``: the sheets each data table is written on."""
    by_source = _row_index(tables, _named_sources(parts))  # (only the rows the findings name)
    rule_tables = _rule_tables()
    return [[[_position(sheets[t], row - 2) for t, row in _cited_rows(rec, tables, by_source, rule_tables)]
             for rec in _finding_records(part)] for part in parts]


@functools.lru_cache(maxsize=1 << 16)
def _rounded(value: float) -> float:
    """A figure rounded to 6 decimals, as findings and rows are compared (figures repeat: the
    rounding, correctly done by Python, is done once per value)."""
    return round(value, 6)


@functools.lru_cache(maxsize=1 << 16)
def _rounded_text(text: str) -> float:
    """A number written in a finding's words, rounded as :func:`_rounded`."""
    return round(float(text), 6)


def _finding_records(findings: pd.DataFrame) -> list[dict[str, Any]]:
    """The fields of each finding :func:`_cited_rows` reads (as ``to_dict('records')`` gives them)."""
    keys = [k for k in ("rule", "message", "expected", "observed", "sources") if k in findings.columns]
    columns = [findings[k].tolist() for k in keys]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)] if keys \
        else [{} for _ in range(len(findings))]


_VALUE_COLUMNS = ("amount_wan", "persons", "value_pct", "score", "weight", "target_value",
                  "actual_value", "budget_wan", "actual_wan", "deal_wan", "value")


def _named_sources(frames: Iterable[pd.DataFrame]) -> pa.Array:
    """Every source ('<report_id>:<line>') a ``source`` or ``sources`` column of ``frames`` names
    (as :func:`_link_targets` and :func:`_cited_rows` read them), once each.

    >>> frame = pd.DataFrame({"source": ["r:9", None], "sources": ["r:1; r:2", None]})
    >>> sorted(_named_sources([frame, pd.DataFrame({"sources": ["r:2;r:3 "]})]).to_pylist())
    ['r:1', 'r:2', 'r:3', 'r:9']
    """
    named: set[str] = set()
    for frame in frames:
        if "source" in frame.columns:
            named.update(frame["source"].dropna().tolist())
        if "sources" in frame.columns:
            # (the pieces of every value at once: joined by the separator, split by it again)
            pieces = set(";".join(frame["sources"].dropna().astype("str").tolist()).split(";"))
            named.update(piece.strip() for piece in pieces)
    return pa.array(list(named), pa.string())


def _rows_naming(frames: Mapping[str, pd.DataFrame],
                 sources: pa.Array | None) -> Iterator[tuple[str, np.ndarray, pd.Series]]:
    """For each of ``frames`` with a ``source`` column: its name, the positions of its rows with a
    source (one of ``sources``, if given), and the column of sources (text)."""
    named = {name: frame["source"].astype("str") for name, frame in frames.items() if "source" in frame.columns}
    found = _found_in(list(named.values()), sources)
    for (name, column), in_sources in zip(named.items(), found, strict=True):
        keep = (column.notna() & column.ne("")).to_numpy(dtype=bool)
        at = np.flatnonzero(keep if in_sources is None else keep & in_sources)
        yield name, at, column


def _found_in(columns: list[pd.Series], sources: pa.Array | None) -> list[np.ndarray | None]:
    """Whether each value of each of ``columns`` (text) is one of ``sources`` (None each without
    ``sources``). In Arrow (pandas' isin on text makes a Python object per value), every column at
    once: ``is_in`` hashes the ``sources`` on each call."""
    if sources is None:
        return [None] * len(columns)
    text = pa.large_string()
    parts = [pa.array(column.array).cast(text) for column in columns]
    chunks = [chunk for part in parts for chunk in (part.chunks if isinstance(part, pa.ChunkedArray) else [part])]
    found = pc.is_in(pa.chunked_array(chunks, text), value_set=sources.cast(text)).fill_null(False)
    flags = found.to_numpy(zero_copy_only=False) if len(found) else np.zeros(0, dtype=bool)
    return np.split(flags, np.cumsum([len(part) for part in parts])[:-1].tolist()) if parts else []


def _row_index(tables: Mapping[str, pd.DataFrame], sources: pa.Array | None = None) -> dict[str, list[_IndexedRow]]:
    """source → (table, sheet row, the row's figures, the words of a figure) of every data row
    (with one of ``sources``, if given)."""
    index: dict[str, list[_IndexedRow]] = {}
    for name, at, column in _rows_naming(tables, sources):
        frame, named = tables[name], column.iloc[at].tolist()
        cols = [c for c in _VALUE_COLUMNS if c in frame.columns]
        part = frame[[*cols, *(["raw"] if "raw" in frame.columns else [])]].iloc[at]
        figures = (_row_figures(part[cols].apply(pd.to_numeric, errors="coerce").astype("float64").to_numpy())
                   if cols else [()] * len(part))
        # (a figure kept without a value, '46.98人', is found by its words)
        words = ([(raw,) if isinstance(raw, str) and len(raw) > 1 else () for raw in part["raw"].tolist()]
                 if "raw" in frame.columns else [()] * len(part))
        rows = zip(itertools.repeat(name, len(at)), (at + 2).tolist(), figures, words, strict=True)
        for source, row in zip(named, rows, strict=True):
            index.setdefault(source, []).append(row)
    return index


def _row_figures(values: np.ndarray) -> list[tuple[float, ...]]:
    """Each row's figures (a 2-D array, NaN for none) rounded as :func:`_rounded`, the missing
    left out. Each distinct figure is rounded once, by Python (exactly).

    >>> _row_figures(np.array([[1.23456789, np.nan], [np.nan, np.nan], [2.0, 1.23456789]]))
    [(1.234568,), (), (2.0, 1.234568)]
    """
    n_rows, n_columns = values.shape
    present = ~np.isnan(values)
    distinct, at = np.unique(values[present], return_inverse=True)
    rounded = np.zeros(values.shape)
    rounded[present] = np.array([_rounded(v) for v in distinct.tolist()], dtype="float64")[at]
    out: list[tuple[float, ...]] = [()] * n_rows
    # (the rows with figures in the same columns together: their tuples made by zip)
    patterns = present @ (1 << np.arange(n_columns, dtype="int64"))
    for pattern in np.unique(patterns).tolist():
        if pattern:
            rows = np.flatnonzero(patterns == pattern)
            columns = [rounded[rows, j].tolist() for j in range(n_columns) if pattern >> j & 1]
            for i, figs in zip(rows.tolist(), zip(*columns, strict=True), strict=True):
                out[i] = figs
    return out


def _findings_frame(findings: pd.DataFrame, departments: Mapping[str, str],
                    verdicts: pd.DataFrame | None) -> pd.DataFrame:
    """The findings as the auditor's sheet shows them (Chinese headers; figures as numbers)."""
    f = findings.reset_index(drop=True)
    ids = finding_ids(f)
    known = {}
    if verdicts is not None and len(verdicts) and "检查编号" in verdicts.columns:
        known = {r["检查编号"]: r for r in verdicts.to_dict("records")}
    col = lambda c: f[c] if c in f.columns else pd.Series(pd.NA, index=f.index, dtype="object")
    out = pd.DataFrame({
        "索引号": [f"{i + 1:04d}" for i in range(len(f))],
        "部门": col("report_id").map(lambda r: departments.get(r) if isinstance(r, str) else None),
        "报告编号": col("report_id"),
        "规则": col("rule_name") if "rule_name" in f.columns else col("rule"),
        "严重程度": col("severity"),
        "说明": col("message"),
        "应为": col("expected").map(_number_or_text).astype("object"),
        "实为": col("observed").map(_number_or_text).astype("object"),
        "差额": pd.to_numeric(col("difference"), errors="coerce"),
        "原文摘录": col("excerpt"),
        "来源": col("sources"),
    })
    id_list = ids.tolist()
    for column in AUDIT_COLUMNS:
        out[column] = [known.get(i, {}).get(column) for i in id_list] if known else [None] * len(id_list)
    out["规则代码"] = col("rule")
    out["检查编号"] = ids
    return out



#: Width of each column of a findings sheet (before the 2 characters of margin).
_FINDING_WIDTHS = {"索引号": 6, "部门": 16, "报告编号": 14, "规则": 14, "严重程度": 6, "说明": 40,
                   "应为": 10, "实为": 10, "差额": 10, "原文摘录": 36, "来源": 14, "核实结论": 8,
                   "处理意见": 20, "复核人": 8, "日期": 10, "规则代码": 12, "检查编号": 13}
_FIGURES = ("应为", "实为", "差额")


def _write_findings(book: _Book, table: _Table, sheet_frame: pd.DataFrame,
                    cited: list[list[tuple[str, int]]]) -> None:
    """A findings sheet: the auditor's columns with a drop-down of verdicts, figures as numbers
    with formats, colours by severity, and links to exactly the rows each finding cites
    (``cited``: the (sheet, row) of each). The rows are made a block at a time, column by column."""
    columns = list(sheet_frame.columns)
    n_links = max((len(c) for c in cited), default=0)
    headers = columns + [f"关联行{i}" for i in range(1, n_links + 1)]
    widths = [_FINDING_WIDTHS.get(h, 14) + 2 for h in headers]
    # the style steps after a cell's value, by severity: alignment, the severity's fill, and
    # the date format of 日期
    align = [(("align", "wrap" if _FINDING_WIDTHS.get(h, 10) >= 14 else "top"),) for h in columns]
    date = [(("fmt", "yyyy-mm-dd"),) if h == "日期" else () for h in columns]
    after = {sev: [a + ((("fill", rgb),) if rgb else ()) + d for a, d in zip(align, date, strict=True)]
             for sev, rgb in [*_SEVERITY_FILLS.items(), (None, None)]}
    styles = {sev: [book.column_style(None, steps) for steps in by_column] for sev, by_column in after.items()}
    order = list(after)  # (each row's styles by the index of its severity among them)
    severities = np.array([order.index(sev) if sev in after else order.index(None)
                           for sev in map(str, sheet_frame["严重程度"].tolist())], dtype=np.int32)
    verdict_letter = column_letter(columns.index("核实结论") + 1)
    for title, start, stop in table.parts():
        last = _last_cell(len(headers), stop - start)
        sheet = book.start(title, widths=widths, freeze="C2", ref=f"A1:{last}", filter_ref=f"A1:{last}")
        if stop > start:
            _verdict_drop_down(sheet.ws, f"{verdict_letter}2:{verdict_letter}{stop - start + 1}")
        sheet.header(headers)
        for first in range(start, stop, _BLOCK):
            end = min(first + _BLOCK, stop)
            block, sevs = sheet_frame.iloc[first:end], severities[first:end]
            codes = sevs.tolist()
            rows = xlsx_columns.row_numbers(sheet.row, len(block))
            cells = []
            for j, header in enumerate(columns):
                if header in _FIGURES:
                    # (the column's own scalars, as a row of the frame gives them: a Float64
                    # column's are numpy floats; the decimals are counted on Python's float)
                    cells.append(xlsx_columns.prepared_cells(
                        _figure_cells(sheet, j + 1, list(block.iloc[:, j]), [after[order[k]][j] for k in codes])))
                else:
                    cells.append(sheet.column_cells(
                        j + 1, block.iloc[:, j], xlsx_columns.StylesByRow([styles[sev][j] for sev in order], sevs), rows))
            if n_links:
                cells.append(xlsx_columns.prepared_cells(_cited_cells(sheet, len(columns), cited[first:end])))
            sheet.append_cells(rows, cells)


def _cited_cells(sheet: _Sheet, n_columns: int, cited: list[list[tuple[str, int]]]) -> list[str]:
    """The link cells of consecutive findings rows, each row's as one text."""
    out, row = [], sheet.row
    titles: dict[str, str] = {}
    if not sheet.book.links_left(sheet.title):
        return _cited_text_cells(sheet, n_columns, cited)
    for i, targets in enumerate(cited):
        sheet.row = row + i
        out.append(_place_cells(sheet, n_columns + 1, targets, titles))
    sheet.row = row
    return out


def _cited_text_cells(sheet: _Sheet, n_columns: int, cited: list[list[tuple[str, int]]]) -> list[str]:
    """The cells of :func:`_cited_cells` past the sheet's hyperlinks: each place as text ('预算
    第12行', as :meth:`_Sheet.cell` writes it without a link), all counted for the cover."""
    letters = [column_letter(n_columns + 1 + k) for k in range(max(map(len, cited), default=0))]
    # sheet title → what its cells hold after the reference and before the row's number, as
    # cell_xml writes them: 'title 第12行' escaped is the title escaped then ' 第12行'; its
    # spaces at the ends are the title's at the start (the end is 行)
    texts: dict[str, str] = {}
    out = []
    for i, targets in enumerate(cited):
        cells = []
        for k, (target, target_row) in enumerate(targets):
            if target not in texts:
                texts[target] = _place_text_head(sheet, target)
            cells.append(f'<c r="{letters[k]}{sheet.row + i}"{texts[target]} 第{target_row}行</t></is></c>')
        out.append("".join(cells))
    sheet.book.count_unlinked(sheet.title, sum(map(len, cited)))
    return out


def _place_text_head(sheet: _Sheet, target: str) -> str:
    """The start of a cell holding the text 'target 第…行' (see :func:`_cited_text_cells`), after
    its reference: ``cell_xml(ref, f"{title} 第{row}行", xf)`` is ``<c r="{ref}"`` and this, then
    `` 第{row}行</t></is></c>``.

    >>> book = _Book.__new__(_Book)
    >>> book.cut, book._styles, book.xw = {}, {}, Workbook.__new__(Workbook)
    >>> book.xw._xfs = {CellStyle(): 0}
    >>> sheet = _Sheet.__new__(_Sheet)
    >>> sheet.book, sheet.title = book, "s"
    >>> _place_text_head(sheet, "A&B"), _place_text_head(sheet, " =x")
    (' t="inlineStr"><is><t>A&amp;B', ' t="inlineStr"><is><t xml:space="preserve"> =x')
    """
    title = sheet.value(target)
    xf = sheet.book.style(_QUOTE) if title.startswith(_FORMULA_START) else 0
    cell = cell_xml("", f"{title} 第1行", xf)
    head, tail = '<c r=""', " 第1行</t></is></c>"
    if not (cell.startswith(head) and cell.endswith(tail)):  # pragma: no cover (cell_xml writes a text so)
        raise AssertionError(cell)
    return cell[len(head):-len(tail)]


def _place_cells(sheet: _Sheet, column: int, targets: list[tuple[str, int]], titles: dict[str, str],
                 after: list[_Steps] | None = None) -> str:
    """The cells of a row, from ``column`` on, naming the places it cites ('预算 第12行'), each
    linked to its (sheet, row); with ``after`` (the style of each of those columns), as many
    cells as it has, the ones past the places empty. ``titles`` keeps each sheet title as a cell
    holds it (never cut: made once)."""
    cells = []
    for k in range(len(targets) if after is None else len(after)):
        steps = () if after is None else after[k]
        if k >= len(targets):
            cells.append(sheet.cell(column + k, None, after=steps))
            continue
        target, target_row = targets[k]
        if target not in titles:
            titles[target] = sheet.value(target)
        cells.append(sheet.cell(column + k, f"{titles[target]} 第{target_row}行", link=targets[k], after=steps))
    return "".join(cells)


def _figure_cells(sheet: _Sheet, column: int, values: list, after: list[_Steps]) -> list[str]:
    """The cells of 应为, 实为 or 差额 over consecutive rows (as :meth:`_Sheet.cell` makes them,
    never linked): numbers with as many decimals as they have (at least two; whole thousands
    with a separator and none)."""
    out, letter, row = [], column_letter(column), sheet.row
    # (figures repeat: a float's cell after its reference made once per value, sign and style;
    # NaN never equals itself, and other values may be texts to fit and count: made each time)
    made: dict[tuple[float, float, int], str] = {}
    for i, (value, steps) in enumerate(zip(values, after, strict=True)):
        if type(value) in (float, np.float64) and not math.isnan(value):
            key = (value, math.copysign(1.0, value), id(steps))
            rest = made.get(key)
            if rest is None:
                rest = made[key] = _figure_cell(sheet, "", value, steps)[len('<c r="'):]
            out.append(f'<c r="{letter}{row + i}{rest}')
        else:
            out.append(_figure_cell(sheet, f"{letter}{row + i}", value, steps))
    return out


def _figure_cell(sheet: _Sheet, ref: str, value: Any, steps: _Steps) -> str:
    """The cell ``ref`` of :func:`_figure_cells` for ``value``, styled by ``steps`` after its format."""
    fmt = "#,##0.00"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        fmt = "#,##0"
    if type(value) in (float, np.float64):  # (what sheet.value gives, without its checks)
        stored = None if math.isnan(value) else float(value)
    else:
        stored = sheet.value(value)
    if isinstance(stored, float) and not stored.is_integer():
        shown = repr(stored)  # (a Python float's: numpy 2 writes np.float64(1558.29))
        decimals = min(len(shown.split(".")[1]), 6) if "." in shown else 0
        steps = (("fmt", "#,##0." + "0" * max(decimals, 2)),) + steps
    if isinstance(stored, str):
        steps = (_QUOTE if stored.startswith(_FORMULA_START) else ()) + steps
    elif isinstance(stored, (int, float)) and not isinstance(stored, bool):
        steps = (("fmt", fmt),) + steps
    return cell_xml(ref, stored, sheet.book.style(steps) if steps else 0)


def _verdict_drop_down(ws: Worksheet, cells: str) -> None:
    """The drop-down of verdicts (属实 / 误报 / 待核实) on the 核实结论 ``cells``."""
    ws.validations.append(Validation(cells, VERDICTS, error_title="核实结论", error="请选择：" + "、".join(VERDICTS),
                                     prompt_title="核实结论", prompt="属实 / 误报 / 待核实"))


_SUMMARY_HEADERS = ["部门", "类别", "规则", "错误", "警告", "提示", "合计"]


def _summary_rows(findings: pd.DataFrame, departments: Mapping[str, str]) -> list[list]:
    """Findings counted by unit × kind × rule, one column per severity, and a total row."""
    f = findings.assign(
        部门=findings["report_id"].map(lambda r: departments.get(r) or r),
        规则=findings["rule_name"] if "rule_name" in findings.columns else findings["rule"],
        类别=findings["kind"] if "kind" in findings.columns else "矛盾",
    )
    if not len(f):
        return []
    table = (f.groupby(["部门", "类别", "规则", "severity"], sort=True).size()
             .unstack("severity", fill_value=0))
    for sev in ("错误", "警告", "提示"):
        if sev not in table.columns:
            table[sev] = 0
    table = table[["错误", "警告", "提示"]]
    table["合计"] = table.sum(axis=1)
    kind_order = {"矛盾": 0, "存疑": 1}
    keys = sorted(table.index, key=lambda k: (k[0], kind_order.get(k[1], 2), k[2]))
    counts = table.reindex(pd.MultiIndex.from_tuples(keys, names=table.index.names)).to_numpy().tolist()
    rows = [[*key, *values] for key, values in zip(keys, counts, strict=True)]
    rows.append(["合计", None, None, *(int(table[sev].sum()) for sev in ("错误", "警告", "提示", "合计"))])
    return rows


def _write_summary(book: _Book, table: _Table, rows: list[list]) -> None:
    """The summary sheet: the rows of :func:`_summary_rows` under their header."""
    for title, start, stop in table.parts():
        ref = f"A1:G{stop - start + 1}"
        sheet = book.start(title, widths=(30, 8, 24, 8, 8, 8, 8), freeze="A2", ref=ref, filter_ref=ref)
        sheet.header(_SUMMARY_HEADERS)
        for values in rows[start:stop]:
            sheet.append([sheet.cell(j, sheet.value(v), "0" if j > 3 else None)
                          for j, v in enumerate(values, start=1)])


def read_verdicts(path: str | Path) -> pd.DataFrame:
    """The auditor's verdicts of a filled-in workpaper, to be carried over into the next one.

    Parameters
    ----------
    path : str or Path
        A workbook written by :func:`write_workpaper` and filled in by hand.

    Returns
    -------
    DataFrame
        One row per finding (both findings sheets) with a verdict or a note: 检查编号 (the
        stable id of :func:`finding_ids`), 报告编号, 规则代码, 核实结论, 处理意见, 复核人, 日期
        (text). Pass it as ``verdicts`` to :func:`write_workpaper`.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> f = pd.DataFrame({"report_id": ["r"], "rule": ["amount-conflict"], "rule_name": ["同一预算数前后不一"],
    ...     "kind": ["矛盾"], "severity": ["警告"], "message": ["公用经费 151.57 与 66.14"],
    ...     "expected": ["151.57"], "observed": ["66.14"], "difference": [-85.43], "sources": ["r:136"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_workpaper({}, {"findings": f}, Path(tmp) / "wp.xlsx", command="evalkit build")
    ...     wb = openpyxl.load_workbook(out)
    ...     ws = wb["检查发现"]
    ...     col = [c.value for c in ws[1]].index("核实结论") + 1
    ...     _ = ws.cell(row=2, column=col, value="属实")
    ...     wb.save(out)
    ...     read_verdicts(out)[["规则代码", "核实结论"]].values.tolist()
    [['amount-conflict', '属实']]
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows: list[dict] = []
    for title in (table_label("findings"), SUSPECTS_SHEET):
        if title not in wb.sheetnames:
            continue
        it = wb[title].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(it, ())]
        if "检查编号" not in header:
            continue
        for values in it:
            rec = dict(zip(header, values))
            if not any(rec.get(c) not in (None, "") for c in AUDIT_COLUMNS):
                continue
            date = rec.get("日期")
            rows.append({
                "检查编号": rec.get("检查编号"), "报告编号": rec.get("报告编号"),
                "规则代码": rec.get("规则代码"), "核实结论": rec.get("核实结论"),
                "处理意见": rec.get("处理意见"), "复核人": rec.get("复核人"),
                "日期": date.date().isoformat() if isinstance(date, datetime) else date,
            })
    wb.close()
    columns = ["检查编号", "报告编号", "规则代码", *AUDIT_COLUMNS]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({c: "str" for c in columns}) if len(out) else out.astype("str")



def _source_index(
    tables: Mapping[str, pd.DataFrame], sheets: Mapping[str, list[str]], sources: pa.Array | None = None,
) -> _SourceIndex:
    """Map each source ('<report_id>:<line>'; one of ``sources``, if given) to the (sheet, row)
    of every data row with it; ``sheets``: the sheets each table is written on."""
    titles, positions, named = [], [], []
    for name, at, column in _rows_naming(tables, sources):
        titles.append(sheets[name])
        positions.append(at)
        named.append(pa.array(column.array).take(pa.array(at)))
    return _SourceIndex(titles, positions, named)


class _SourceIndex(Mapping):
    """source → the (sheet, row) of every data row with it, in the order of the tables and of
    their rows (as a dict of lists would hold them); each list is made when it is asked for (most
    are never: a sheet holds at most :data:`_MAX_SHEET_LINKS` links).

    >>> index = _SourceIndex([["甲"], ["乙"]], [np.array([0, 5]), np.array([1])],
    ...                      [pa.array(["r:1", "r:2"]), pa.array(["r:1"])])
    >>> index["r:1"], index.get("r:2"), "r:3" in index, len(index)
    ([('甲', 2), ('乙', 3)], [('甲', 7)], False, 2)
    """

    def __init__(self, titles: list[list[str]], positions: list[np.ndarray], named: list[pa.Array]) -> None:
        """``titles``: the sheets of each table; ``positions``: the rows (0-based) of each table
        with a source; ``named``: those sources."""
        chunks = [c for part in named for c in (part.chunks if isinstance(part, pa.ChunkedArray) else [part])]
        text = pa.large_string()
        encoded = pc.dictionary_encode(pa.chunked_array([c.cast(text) for c in chunks], text).combine_chunks())
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        keys = encoded.dictionary.to_pylist()
        self._groups = dict(zip(keys, range(len(keys)), strict=True))
        self._order = np.argsort(codes, kind="stable")  # (the rows of each source together, in order)
        self._starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))]).tolist()
        self._table = np.repeat(np.arange(len(titles)), [len(at) for at in positions])
        self._position = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
        self._titles = titles

    def __getitem__(self, source: str) -> list[tuple[str, int]]:
        group = self._groups[source]
        at = self._order[self._starts[group]:self._starts[group + 1]]
        per_sheet = _rows_per_sheet()
        return [(self._titles[table][position // per_sheet], position % per_sheet + 2)
                for table, position in zip(self._table[at].tolist(), self._position[at].tolist(), strict=True)]

    def __contains__(self, source: object) -> bool:
        return source in self._groups

    def get(self, source: str, default: Any = None) -> Any:
        return self[source] if source in self._groups else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)


def _inputs_frame(tables: Mapping[str, pd.DataFrame], inputs: pd.DataFrame | None) -> pd.DataFrame:
    if inputs is None:
        inputs = tables.get("reports", pd.DataFrame())
    columns = [c for c in ("report_id", "source_file", "sha256") if c in inputs.columns]
    return inputs[columns] if columns else pd.DataFrame()



#: A cover cell: value, number format, link (sheet, row), style steps after the value.
_CoverCell = tuple[Any, "str | None", "tuple[str, int] | None", _Steps]


def _cover_cells(
    *,
    created: datetime,
    command: str,
    inputs: pd.DataFrame,
    failures: pd.DataFrame | None,
    contents: list[tuple[str, str, int]],
    notes: list[str],
    max_inputs: int | None = None,
) -> dict[int, dict[int, _CoverCell]]:
    """The cells of the cover, by row and column; at most ``max_inputs`` input reports listed
    (the cover says how many more there are)."""
    cells: dict[int, dict[int, _CoverCell]] = {}

    def put(row: int, column: int, value: Any, fmt: str | None = None,
            link: tuple[str, int] | None = None, after: _Steps = ()) -> None:
        cells.setdefault(row, {})[column] = (value, fmt, link, after)

    put(1, 1, "预算绩效自评报告 审计工作底稿", after=(("font", "title"),))
    shown = inputs if max_inputs is None else inputs.iloc[:max_inputs]
    if len(shown) < len(inputs):
        notes = [*notes, (f"输入报告共 {len(inputs):,} 份，超出一个工作表的行数上限，封面只列出前 "
                          f"{len(shown):,} 份；完整清单见“{table_label('reports')}”工作表。")]
    facts = [
        (
            "说明",
            (
                "本工作簿由 evalkit 根据绩效自评报告提取的数据表和检查结果生成，供审核与复核。"
                "每个数字都带有“来源”列（报告编号:行号），可回到原报告逐行核对；"
                "“检查发现”中的每条问题都链接到它涉及的数据行。"
            ),
        ),
        (TIME_LABEL, created.isoformat(timespec="seconds")),
        ("evalkit 版本", _evalkit_version()),
        ("复现命令", command),
        ("输入报告数", len(inputs)),
    ]
    facts += [("注意", note) for note in notes]
    row = 3
    for label, value in facts:
        put(row, 1, label, after=_BOLD)
        put(row, 2, value)
        row += 1

    row += 1
    for j, label in enumerate(("工作表", "内容", "行数"), start=1):
        put(row, j, label, after=_BOLD)
    for title, description, n_rows in contents:
        row += 1
        put(row, 1, title, link=(title, 1))
        put(row, 2, description)
        put(row, 3, n_rows, "#,##0")

    row += 2
    put(row, 1, "输入报告", after=_BOLD)
    row += 1
    for j, column in enumerate(inputs.columns, start=1):
        put(row, j, field_label(column), after=_BOLD)
    for values in shown.itertuples(index=False, name=None):
        row += 1
        for j, value in enumerate(values, start=1):
            put(row, j, value)
    if len(shown) < len(inputs):
        row += 1
        put(row, 1, f"……另有 {len(inputs) - len(shown):,} 份未列出")

    if failures is not None and len(failures):
        row += 2
        put(row, 1, "未能读取的报告", after=_BOLD)
        row += 1
        put(row, 1, "文件", after=_BOLD)
        put(row, 2, "原因", after=_BOLD)
        for path, reason in failures[["path", "reason"]].itertuples(index=False, name=None):
            row += 1
            put(row, 1, path)
            put(row, 2, reason)
    return cells


def _write_cover(book: _Book, title: str, **facts: Any) -> None:
    """The cover (see :func:`_cover_cells`), its input list cut to fit the sheet if need be."""
    cells = _cover_cells(**facts)
    excess = max(cells) - _MAX_ROWS
    if excess > 0:  # two rows more: the note among the facts, the line saying how many are left
        cells = _cover_cells(**facts, max_inputs=max(len(facts["inputs"]) - excess - 2, 0))
    n_rows, n_columns = max(cells), max(max(row) for row in cells.values())
    sheet = book.start(title, widths=(26, 90, 70), freeze=None, filter_ref=None,
                       ref=f"A1:{column_letter(n_columns)}{n_rows}")
    for r in range(1, n_rows + 1):
        row = cells.get(r, {})
        out = []
        for j in range(1, max(row, default=0) + 1):
            if j in row:
                value, fmt, link, after = row[j]
                out.append(sheet.cell(j, sheet.value(value), fmt, link, after))
            else:
                out.append(None)
        sheet.append(out)


def _departments(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """report_id → department, from the reports table."""
    reports = tables.get("reports")
    if reports is None or not {"report_id", "department"} <= set(reports.columns):
        return {}
    return {r: d for r, d in zip(reports["report_id"], reports["department"])
            if isinstance(r, str) and isinstance(d, str)}


def _rule_tables() -> dict[str, tuple[str, ...]]:
    """rule code → the tables it compares (from the rule catalogue)."""
    try:
        from evalkit.analysis.checks import rule_catalogue
    except ImportError:  # pragma: no cover (the analysis is optional)
        return {}
    cat = rule_catalogue()
    return {r: tuple(t for t in str(ts).split("|") if t) for r, ts in zip(cat["rule"], cat["tables"])}


def write_workpaper(
    tables: Mapping[str, pd.DataFrame],
    derived: Mapping[str, pd.DataFrame] | None,
    path: str | Path,
    *,
    command: str,
    inputs: pd.DataFrame | None = None,
    failures: pd.DataFrame | None = None,
    created: datetime | None = None,
    verdicts: pd.DataFrame | None = None,
) -> Path:
    """Write the audit workbook (.xlsx) for a corpus's tables and derived tables.

    Sheets, in order: 封面 (cover), the derived tables (检查发现 findings, 预算执行率
    execution, 指标完成与复核评分 achievement, then any other), one sheet per data table in the
    order given, and 字段说明 (every column with its Chinese header). A finding's ``sources``
    link to the data rows they name (columns 关联行1, 关联行2, …); a ``source`` cell of a
    derived table links to its data row.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The data tables, e.g. ``Corpus.tables()`` or :func:`evalkit.export.read_tables`.
    derived : mapping of str to DataFrame or None
        The derived tables of :func:`evalkit.analysis.derive` (``execution``,
        ``achievement``, ``findings``); None or empty when the checks were not run (the cover
        says so).
    path : str or Path
        The .xlsx file to write; its folder is created when missing.
    command : str
        The command line that reproduces the workbook, shown on the cover.
    inputs : DataFrame, optional
        The input reports (report_id, source_file, sha256) for the cover; by default taken
        from ``tables['reports']``.
    failures : DataFrame, optional
        Reports that could not be read (path, reason), listed on the cover.
    created : datetime, optional
        The time shown on the cover; now by default. It is the only cell that differs
        between two workbooks made from the same input.
    verdicts : DataFrame, optional
        The auditor's verdicts of an earlier workpaper (:func:`read_verdicts`): a finding with
        the same 检查编号 gets them again.

    Notes
    -----
    The findings (``kind`` 矛盾) are on 检查发现 and the extraction suspects (``kind`` 存疑) on
    待复核疑点, each with the auditor's columns 核实结论 (a drop-down of 属实 / 误报 / 待核实),
    处理意见, 复核人 and 日期, the report's words (原文摘录), figures stored as numbers, rows
    coloured by severity and links to exactly the data rows the finding cites. 发现汇总 counts
    them by unit, kind, rule and severity. Every sheet prints landscape on A4, fitted to the page
    width, with its header row repeated and a page header naming 索引号, 单位 and 期间.

    A table longer than a sheet (1 048 576 rows with the header) goes on over further sheets
    with the same header and settings, ``检查发现（续1）``, ``检查发现（续2）``, … placed after
    it; links point to the sheet a row is on, and the cover lists every sheet with the rows it
    holds and says where each table goes on. A text longer than a cell (32 767 characters) is
    cut and ends with :data:`CUT_MARK`; the cover says how many cells, on which sheets. The
    workbook is streamed into the file as it is made (:mod:`evalkit.xlsx_writer`), so memory
    stays small.

    Returns
    -------
    Path
        The file written.

    See Also
    --------
    evalkit.export.write_tables : the same tables as CSV files.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import openpyxl
    >>> import pandas as pd
    >>> tables = {
    ...     "reports": pd.DataFrame({"report_id": ["r1"], "source_file": ["r1.txt"],
    ...                              "sha256": ["ab12"]}),
    ...     "indicators": pd.DataFrame({"report_id": ["r1"], "level3": ["专项稽核"],
    ...                                 "target_raw": ["=3次"], "source": ["r1:144"]}),
    ... }
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_workpaper(tables, {}, Path(tmp) / "wp.xlsx", command="evalkit build r1.txt")
    ...     wb = openpyxl.load_workbook(out)
    ...     cell = wb["绩效指标"]["C2"]
    >>> wb.sheetnames
    ['封面', '报告', '绩效指标', '字段说明']
    >>> [c.value for c in wb["绩效指标"][1]]
    ['报告编号', '三级指标', '目标值（原文）', '来源（报告编号:行号）']
    >>> cell.value, cell.data_type
    ('=3次', 's')
    """
    path = Path(path)
    derived = {k: v for k, v in (derived or {}).items() if v is not None}
    created = created or datetime.now().astimezone()

    preferred = [n for n in ("findings", "execution", "achievement") if n in derived]
    derived_order = preferred + [n for n in derived if n not in preferred]
    taken = {COVER_SHEET, FIELDS_SHEET}
    titles = {name: _sheet_title(name, taken) for name in derived_order}
    data_titles = {name: _sheet_title(name, taken) for name in tables}
    departments = _departments(tables)

    plan: list[tuple[_Table, str, Any]] = []  # (table, how it is written, what is written)
    for name in derived_order:
        frame = derived[name]
        if name == "findings" and "message" in frame.columns:
            plan += _findings_plan(frame, titles[name], departments, verdicts)
        else:
            plan.append((_Table(name, titles[name], len(frame), table_description(name) or name),
                         "derived", frame))
    for name, frame in tables.items():
        plan.append((_Table(name, data_titles[name], len(frame), table_description(name) or name),
                     "data", frame))
    fields = pd.DataFrame(
        [(data_titles.get(name) or titles[name], str(column), field_label(str(column)))
         for name, frame in list(derived.items()) + list(tables.items()) for column in frame.columns],
        columns=["工作表", "列名", "中文表头"], dtype="str")
    plan.append((_Table(FIELDS_SHEET, FIELDS_SHEET, len(fields), "每个工作表的列名及其中文表头"),
                 "data", fields))

    every_title = {COVER_SHEET, *(table.title for table, _, _ in plan)}
    for table, _, _ in plan:
        table.titles = _split_titles(table.title, table.n_rows, every_title)
    sheets = {table.key: table.titles for table, how, _ in plan if how == "data"}

    path.parent.mkdir(parents=True, exist_ok=True)
    book = _Book(path)
    try:
        _write_sheets(book, plan, tables, derived, sheets, created=created, command=command,
                      inputs=inputs, failures=failures)
    except BaseException:
        book.xw.abort()
        raise
    logger.info("wrote %s", path)
    return path


def _write_sheets(book: _Book, plan: list, tables: Mapping[str, pd.DataFrame],
                  derived: Mapping[str, pd.DataFrame], sheets: Mapping[str, list[str]], *,
                  created: datetime, command: str, inputs: pd.DataFrame | None,
                  failures: pd.DataFrame | None) -> None:
    """Write every sheet of the plan, the cover last (it counts what the others cut), and
    close the workbook."""
    unit, period = _units_and_period(tables)
    for i, (title, has_rows) in enumerate(
        [(COVER_SHEET, False), *((t, table.n_rows > 0) for table, _, _ in plan for t in table.titles)]
    ):
        _print_setup(book.create(title), index_no=f"EK-{i:02d}", unit=unit, period=period,
                     has_rows=has_rows)
    # (only the rows a derived table's sources name are looked up; before the fork below, after
    # which every page this process writes to is first copied)
    index = _source_index(tables, sheets, _named_sources(what for _, how, what in plan if how == "derived"))
    parts = [what[0] for _, how, what in plan if how == "findings"]
    # (the rows the findings cite are found meanwhile, in a process of their own when they are
    # many: the findings' sheets are written after the others)
    beside = Beside if sum(len(part) for part in parts) >= _CITED_BESIDE_FROM else Beside.inline
    with beside(_cited_places, parts, tables, sheets) as citing:
        for table, how, what in plan:
            if how == "summary":
                _write_summary(book, table, what)
            elif how != "findings":
                _write_frame(book, table, what, index=index if how == "derived" else None)
        del index
        cited = iter(citing.result())
    for table, how, what in plan:
        if how == "findings":
            _write_findings(book, table, what[1], next(cited))

    tab_order = [title for table, _, _ in plan for title in table.titles]
    _write_cover(
        book,
        COVER_SHEET,
        created=created,
        command=command,
        inputs=_inputs_frame(tables, inputs),
        failures=failures,
        contents=[line for table, _, _ in plan for line in table.contents()],
        notes=_notes(derived, [table for table, _, _ in plan], _in_order(book.cut, tab_order),
                     _in_order(book.unlinked, tab_order)),
    )
    book.save()


def _in_order(counts: Mapping[str, int], titles: list[str]) -> dict[str, int]:
    """``counts`` by sheet in the order of the sheets ``titles`` (not the order they were written in).

    >>> _in_order({"b": 1, "a": 2}, ["a", "b", "c"])
    {'a': 2, 'b': 1}
    """
    return {title: counts[title] for title in titles if title in counts}


def _findings_plan(findings: pd.DataFrame, title: str, departments: Mapping[str, str],
                   verdicts: pd.DataFrame | None) -> list[tuple[_Table, str, Any]]:
    """The summary, the findings (contradictions) and the review list (suspects)."""
    kinds = findings["kind"] if "kind" in findings.columns else pd.Series("矛盾", index=findings.index)
    rows = _summary_rows(findings, departments)
    plan: list[tuple[_Table, str, Any]] = [
        (_Table(SUMMARY_SHEET, SUMMARY_SHEET, len(rows), "发现按单位、类别、规则和严重程度计数"),
         "summary", rows)]
    for sheet, part, what in (
        (title, findings[kinds != "存疑"],
         "审计发现：报告自身数字矛盾（可跳转到所引的数据行；填写核实结论）"),
        (SUSPECTS_SHEET, findings[kinds == "存疑"],
         "待复核疑点：evalkit 对自己的读取存疑的差异（口径、阶段或单位无法确认），不是审计发现"),
    ):
        plan.append((_Table(sheet, sheet, len(part), what), "findings",
                     (part, _findings_frame(part, departments, verdicts))))
    return plan


def _notes(derived: Mapping[str, pd.DataFrame], tables: list[_Table], cut: Mapping[str, int],
           unlinked: Mapping[str, int] | None = None) -> list[str]:
    """The cover's warnings: checks not run, tables continued on further sheets, texts cut,
    cited places written without their link."""
    notes = []
    if not derived:
        notes.append("未运行检查（evalkit.analysis 不可用或未提供派生表），本工作簿不含检查发现。")
    for table in tables:
        if len(table.titles) > 1:
            notes.append(
                f"“{table.title}”共 {table.n_rows:,} 行，超出 Excel 一个工作表的行数上限"
                f"（{_MAX_ROWS:,} 行，含表头），依次写在 {len(table.titles)} 个工作表："
                f"{'、'.join(table.titles)}；表头和格式相同，链接指向各行所在的工作表。")
    if cut:
        where = "、".join(f"“{title}”{n:,} 个" for title, n in cut.items())
        notes.append(
            f"{sum(cut.values()):,} 个单元格的文字超过 Excel 单元格上限（{_MAX_CELL_TEXT:,} 个字符），"
            f"已截断，以“{CUT_MARK}”结尾（{where}）；全文见提取出的 CSV 表格"
            f"（evalkit build 写在工作底稿旁）。")
    if unlinked:  # (None or empty: every place linked)
        where = "、".join(f"“{title}”{n:,} 处" for title, n in unlinked.items())
        notes.append(
            f"Excel 一个工作表最多容纳约 {_MAX_SHEET_LINKS:,} 个超链接：超出部分的引用位置只写为文字，不带链接"
            f"（{where}）；位置文字指向的行仍可在相应工作表中查到。")
    return notes
