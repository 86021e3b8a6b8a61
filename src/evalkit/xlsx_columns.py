"""The cells of a sheet's columns as XML, a block of rows at a time, made with Arrow.

:func:`evalkit.xlsx_writer.column_cells` makes a column's cells one Python string at a time;
at national scale (millions of rows, tens of columns) that is most of the time of writing the
workbook. Here a column becomes three pieces per row, each an Arrow array (or one value for
every row): the cell's start (``<c r="B7" s="3" t="inlineStr"><is><t>``), its value (the text
escaped, or the number written out) and its end. :func:`rows_xml` joins every column's pieces
with the row tags in one pass over the bytes, in Arrow's compute kernels (which release the
GIL, so that the zip's compression runs beside them).

The XML is byte for byte what :func:`~evalkit.xlsx_writer.cell_xml` writes: a cell the fast
path cannot write exactly (a text with spaces to preserve at either end) is written by
``cell_xml`` and put in its place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from evalkit.arrow_text import holds, text_bytes
from evalkit.xlsx_writer import ColumnStyle, _style_attrs, cell_xml

__all__ = ["Cells", "Start", "Styles", "StylesByRow", "bool_cells", "may_need_fitting", "missing_cells", "number_cells", "number_texts", "prepared_cells",
           "row_numbers", "rows_xml", "text_cells"]

_STR = pa.large_string()
#: The characters ``str.strip()`` removes (those of ``str.isspace``): a text that starts or ends
#: with one is written by ``cell_xml`` (with ``xml:space="preserve"``).
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
          "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # in escape_text's order


def _space_codes(size: int) -> np.ndarray:
    """The UTF-8 bytes of each of :data:`SPACES` that takes ``size`` bytes, each as one number."""
    return np.array([int.from_bytes(c.encode("utf-8"), "big") for c in SPACES if len(c.encode("utf-8")) == size],
                    dtype=np.int64)


_SPACE_CODES = {size: _space_codes(size) for size in (1, 2, 3)}
_XML_SPECIAL = b"&<>\r"


class _Bytes(NamedTuple):
    """The UTF-8 bytes of a column of texts (no missing value) and where each text starts and ends."""

    data: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, texts: pa.Array) -> _Bytes:
        """The bytes of a large_string array, read in place."""
        offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64, count=len(texts) + 1, offset=texts.offset * 8)
        buffer = texts.buffers()[2]
        data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None and buffer.size else np.zeros(1, np.uint8)
        return cls(data, offsets[:-1], offsets[1:])

    def _code(self, at: np.ndarray, size: int) -> np.ndarray:
        """The ``size`` bytes from each position ``at`` as one number."""
        code = self.data[at].astype(np.int64)
        for k in range(1, size):
            code = (code << 8) | self.data[at + k]
        return code

    def _at_any(self, at: np.ndarray, codes: Mapping[int, np.ndarray]) -> np.ndarray:
        """Whether the bytes from each position ``at`` (texts of at least ``size`` bytes given
        by ``fits``) are one of the characters ``codes``; by the first byte, then the rest."""
        out = np.zeros(len(self.starts), dtype=bool)
        for size, wanted in codes.items():
            first = np.zeros(256, dtype=bool)
            first[wanted >> (8 * (size - 1))] = True
            begin = at(size)
            fits = np.flatnonzero(self.ends - self.starts >= size)
            maybe = fits[first[self.data[begin[fits]]]]
            if size == 1:
                out[maybe] = True
            elif len(maybe):
                code, found = self._code(begin[maybe], size), np.zeros(len(maybe), dtype=bool)
                for one in wanted.tolist():  # (a few characters: a comparison each)
                    found |= code == one
                out[maybe] = found
        return out

    def starts_with_any(self, codes: Mapping[int, np.ndarray]) -> np.ndarray:
        """Whether each text starts with one of the characters ``codes`` (by size: see
        :func:`_space_codes`)."""
        return self._at_any(lambda size: self.starts, codes)

    def ends_with_any(self, codes: Mapping[int, np.ndarray]) -> np.ndarray:
        """Whether each text ends with one of the characters ``codes`` (valid UTF-8: the first
        of a character's bytes is never one of another's, so the last ``size`` bytes are a
        character of that size exactly when they are one of ``codes``)."""
        return self._at_any(lambda size: self.ends - size, codes)


def may_need_fitting(texts: pa.Array, max_chars: int) -> bool:
    """Whether some of ``texts`` may be longer than ``max_chars`` characters or hold a
    character XML forbids (a control character other than tab, line feed and carriage return,
    U+FFFE, U+FFFF): a quick look at the bytes, certain when it says no.

    >>> may_need_fitting(pa.array(["文本", None]), 6), may_need_fitting(pa.array(["a\\x01"]), 6)
    (False, True)
    """
    texts = pc.fill_null(_single(texts).cast(_STR), _EMPTY)
    if len(texts) and pc.max(pc.binary_length(texts)).as_py() > max_chars:  # (never fewer bytes than characters)
        return True
    used = np.frombuffer(text_bytes(texts), dtype=np.uint8)
    control = used < 32
    if control.any() and (control & (used != 9) & (used != 10) & (used != 13)).any():
        return True
    raw = bytes(text_bytes(texts))
    return raw.find(b"\xef\xbf\xbe") >= 0 or raw.find(b"\xef\xbf\xbf") >= 0


def _single(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array of the values (a column put together by ``pd.concat`` comes in parts)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, _STR)


_EMPTY = _lit("")


class Start(NamedTuple):
    """The start of every row's cell of a column, ``<c r="{letter}{row}`` and then ``rest``
    (one value or an array), joined with the rows only in :func:`rows_xml` (with the rest of
    the row, rather than made as an array of its own first)."""

    letter: str
    rest: pa.Scalar | pa.Array

    def joined(self, rows: pa.Array) -> pa.Array:
        """The starts as an array."""
        return pc.binary_join_element_wise(_lit(f'<c r="{self.letter}'), rows, self.rest, _EMPTY)


def _joined(head: Start | pa.Array | pa.Scalar, rows: pa.Array) -> pa.Array | pa.Scalar:
    """A cell's head as an array (or one value), a :class:`Start` joined with the rows."""
    return head.joined(rows) if isinstance(head, Start) else head


class Cells(NamedTuple):
    """A column's cells over a block of rows: each row's cell is ``head + value + tail`` (an
    absent cell has all three empty). Each piece is an Arrow array or one value for all rows;
    the head may be a :class:`Start`."""

    head: Start | pa.Array | pa.Scalar
    value: pa.Array | pa.Scalar = _EMPTY
    tail: pa.Array | pa.Scalar = _EMPTY


def row_numbers(first_row: int, n: int) -> pa.Array:
    """The row numbers ``first_row`` … as text.

    >>> row_numbers(9, 3).to_pylist()
    ['9', '10', '11']
    """
    return pa.array(np.arange(first_row, first_row + n, dtype=np.int64)).cast(_STR)


class StylesByRow(NamedTuple):
    """A style per row given as the index (``codes``, integers) of each row's among ``styles``:
    for rows whose style follows from one of their values (the findings' severity), without a
    list of every row's style to be sorted out again per column."""

    styles: Sequence[ColumnStyle]
    codes: np.ndarray

    def as_list(self) -> list[ColumnStyle]:
        """Every row's style."""
        return [self.styles[code] for code in self.codes.tolist()]


Styles = ColumnStyle | StylesByRow | Sequence[ColumnStyle]


def _attrs(style: Styles, n: int) -> tuple[list, np.ndarray | None]:
    """The ``s`` attributes of the distinct styles (:func:`_style_attrs`) and, for a style per
    row, each row's index among them (None: one style for the column)."""
    if isinstance(style, ColumnStyle):
        return [_style_attrs(style)], None
    if isinstance(style, StylesByRow):
        if len(style.codes) != n:
            raise ValueError(f"{len(style.codes)} styles for {n} rows")
        return [_style_attrs(st) for st in style.styles], np.asarray(style.codes, dtype=np.int32)
    if len(style) != n:
        raise ValueError(f"{len(style)} styles for {n} rows")
    distinct: dict[int, int] = {}
    codes = np.fromiter((distinct.setdefault(id(st), len(distinct)) for st in style), dtype=np.int32, count=n)
    by_id = {id(st): st for st in style}
    return [_style_attrs(by_id[key]) for key in distinct], codes


def _per_row(texts: list[str], codes: np.ndarray | None) -> pa.Scalar | pa.Array:
    """One text per distinct style, as each row's (one value when the column has one style)."""
    if codes is None:
        return _lit(texts[0])
    return pa.array(texts, _STR).take(pa.array(codes))


def _missing_cells(letter: str, rows: pa.Array, attrs: list, codes: np.ndarray | None) -> pa.Scalar | pa.Array:
    """The cells of missing values: none, or an empty cell where the style gives one a format."""
    empties = [a[4] for a in attrs]
    if not any(empties):
        return _EMPTY
    # (a style without a format for empty cells marks its rows with NUL: they make no cell)
    cells = Start(letter, _per_row([f'" s="{xf}" t="n"/>' if xf else "\x00" for xf in empties], codes)).joined(rows)
    return pc.if_else(pc.ends_with(cells, "\x00"), _EMPTY, cells)


def _with_missing(head: Start, missing: pa.Array, rows: pa.Array, attrs: list,
                  codes: np.ndarray | None) -> Start | pa.Array:
    """``head``, with the cells of missing values (:func:`_missing_cells`) where ``missing``; left
    a :class:`Start` (joined with the rows only in :func:`rows_xml`) when no value is missing."""
    if not pc.any(missing).as_py():
        return head
    return pc.if_else(missing, _missing_cells(head.letter, rows, attrs, codes), head.joined(rows))


def _choose(mask: pa.Array, when: pa.Scalar | pa.Array, otherwise: pa.Scalar | pa.Array) -> pa.Scalar | pa.Array:
    """``when`` where ``mask``, else ``otherwise`` (no work when the mask is all false)."""
    if not pc.any(mask).as_py():
        return otherwise
    return pc.if_else(mask, when, otherwise)


def text_cells(letter: str, rows: pa.Array, texts: pa.Array, style: Styles,
               formula_start: tuple[str, ...]) -> Cells:
    """The cells of a column of texts (None for missing) already fitted to a cell, as
    :func:`~evalkit.xlsx_writer.column_cells` writes them.

    Examples
    --------
    >>> st = ColumnStyle(text=0, formula_text=1, number=2, boolean=0, empty=None)
    >>> rows = row_numbers(2, 3)
    >>> bytes(rows_xml(rows, [text_cells("A", rows, pa.array(["x", "=y&", None]), st, ("=",))]))
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row><row r="3"><c r="A3" s="1" t="inlineStr"><is><t>=y&amp;</t></is></c></row><row r="4"></row>'
    """
    n = len(texts)
    attrs, codes = _attrs(style, n)
    texts = _single(texts).cast(_STR)
    missing = pc.is_null(texts)
    filled = pc.fill_null(texts, _EMPTY)
    empty = pc.equal(filled, _EMPTY)
    data = _Bytes.of(filled)
    formula = pa.array(data.starts_with_any(_codes_of(formula_start)))
    escaped = filled
    if holds(filled, _XML_SPECIAL):
        for char, entity in _ESCAPES:
            escaped = pc.replace_substring(escaped, char, entity)
    text_start = _per_row([f'"{a[0]} t="inlineStr"><is><t>' for a in attrs], codes)
    head: Start | pa.Array = Start(letter, _choose(
        formula, _per_row([f'"{a[1]} t="inlineStr"><is><t>' for a in attrs], codes), text_start))
    value, tail = escaped, _lit("</t></is></c>")
    if pc.any(empty).as_py():  # (missing values are empty here too)
        head = Start(letter, pc.if_else(empty, _per_row([f'"{a[0]} t="inlineStr"/>' for a in attrs], codes),
                                        head.rest))
        head = _with_missing(head, missing, rows, attrs, codes)
        value, tail = pc.if_else(empty, _EMPTY, value), pc.if_else(empty, _EMPTY, tail)
    # (a text with spaces at either end: cell_xml writes it, with xml:space="preserve")
    edge = pa.array(data.starts_with_any(_SPACE_CODES) | data.ends_with_any(_SPACE_CODES))
    if pc.any(edge).as_py():
        at = np.flatnonzero(edge.to_numpy(zero_copy_only=False))
        kinds = [attrs[0 if codes is None else codes[i]] for i in at]
        own = [cell_xml(f"{letter}{rows[i].as_py()}", filled[i].as_py(), _xf(k[1] if formula[i].as_py() else k[0]))
               for i, k in zip(at.tolist(), kinds, strict=True)]
        head = pc.replace_with_mask(_joined(head, rows), edge, pa.array(own, _STR))
        value, tail = pc.if_else(edge, _EMPTY, value), pc.if_else(edge, _EMPTY, tail)
    return Cells(head, value, tail)


def _codes_of(chars: tuple[str, ...]) -> dict[int, np.ndarray]:
    """Characters as :func:`_space_codes` gives them (each a single character)."""
    if any(len(c) != 1 for c in chars):
        raise ValueError(f"not single characters: {chars!r}")
    codes: dict[int, list[int]] = {}
    for c in chars:
        raw = c.encode("utf-8")
        codes.setdefault(len(raw), []).append(int.from_bytes(raw, "big"))
    return {size: np.array(v, dtype=np.int64) for size, v in codes.items()}


def _xf(attr: str) -> int:
    """The format index of an ``s`` attribute ('' for 0)."""
    return int(attr[4:-1]) if attr else 0


def number_texts(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    """Numbers as a cell holds them: as ``cell_xml`` writes them, through a float (as Python's
    ``.16g`` formats an integer too), up to 16 significant digits; a number that is not finite
    empty; None where ``missing``.

    Whole numbers under 10**16 are written out by Arrow (their digits are what ``.16g`` gives);
    the others by Python, each distinct value once (figures repeat: scores, rates).

    >>> number_texts(np.array([1.5, 2.0, np.inf, 0.0, -0.0]), np.array([False, False, False, True, False])).to_pylist()
    ['1.5', '2', '', None, '-0']
    >>> number_texts(np.array([2**53 + 1, -2**63]), np.array([False, False])).to_pylist()
    ['9007199254740992', '-9.223372036854776e+18']
    """
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = (np.abs(values) < 1e16) & (np.floor(values) == values) & ~((values == 0) & np.signbit(values))
    whole &= ~missing
    texts = pa.array(np.where(whole, values, 0).astype(np.int64)).cast(_STR)
    other = np.flatnonzero(~whole & ~missing)
    if len(other):
        texts = pc.replace_with_mask(texts, pa.array(~whole & ~missing), _distinct_texts(values[other]))
    if missing.any():
        texts = pc.if_else(pa.array(missing), pa.scalar(None, _STR), texts)
    return texts


def _distinct_texts(values: np.ndarray) -> pa.Array:
    """Floats written out as ``.16g`` (not finite: empty), each distinct value once: the values
    are told apart by their bits (so -0.0 is not 0.0), the texts taken back for every value.

    >>> _distinct_texts(np.array([0.5, -0.0, 0.5, np.nan, 1e20])).to_pylist()
    ['0.5', '-0', '0.5', '', '1e+20']
    """
    encoded = pc.dictionary_encode(pa.array(values.view(np.int64)))
    fmt = "{:.16g}".format
    distinct = encoded.dictionary.to_numpy().view(np.float64).tolist()
    return pa.array([fmt(v) if v - v == 0 else "" for v in distinct], _STR).take(encoded.indices)


def number_cells(letter: str, rows: pa.Array, numbers: pa.Array, style: Styles) -> Cells:
    """The cells of a column of numbers written out by :func:`number_texts`."""
    return _value_cells(letter, rows, numbers, style, 2, "n")


def bool_cells(letter: str, rows: pa.Array, flags: pa.Array, style: Styles) -> Cells:
    """The cells of a column of booleans (None for missing)."""
    return _value_cells(letter, rows, pc.if_else(_single(flags), _lit("1"), _lit("0")), style, 3, "b")


def _value_cells(letter: str, rows: pa.Array, values: pa.Array, style: Styles,
                 kind: int, cell_type: str) -> Cells:
    """The cells ``<v>value</v>`` of type ``cell_type`` of the values written out (None for
    missing), in the format of the ``kind``-th of the style's ``s`` attributes."""
    attrs, codes = _attrs(style, len(values))
    values = _single(values)
    missing = pc.is_null(values)
    head = _with_missing(Start(letter, _per_row([f'"{a[kind]} t="{cell_type}"><v>' for a in attrs], codes)),
                         missing, rows, attrs, codes)
    return Cells(head, pc.fill_null(values, _EMPTY), pc.if_else(missing, _EMPTY, _lit("</v></c>")))


def missing_cells(letter: str, rows: pa.Array, style: Styles) -> Cells:
    """The cells of a column whose values are all missing.

    >>> st = ColumnStyle(text=0, formula_text=1, number=2, boolean=0, empty=4)
    >>> bytes(rows_xml(row_numbers(2, 1), [missing_cells("B", row_numbers(2, 1), st)]))
    b'<row r="2"><c r="B2" s="4" t="n"/></row>'
    """
    attrs, codes = _attrs(style, len(rows))
    return Cells(_missing_cells(letter, rows, attrs, codes))


def prepared_cells(cells: list[str]) -> Cells:
    """Cells already written (by ``cell_xml`` or ``column_cells``; '' for none)."""
    return Cells(pa.array(cells, _STR))


def _merged(pieces: list) -> list:
    """The pieces of a row with the values next to each other (one for all rows) made one, and
    the empty ones left out: fewer pieces for each row's join.

    >>> [p.as_py() if isinstance(p, pa.Scalar) else p.to_pylist() for p in _merged(
    ...     [_lit("a"), _lit(""), _lit("b"), pa.array(["x"]), _lit("c")])]
    ['ab', ['x'], 'c']
    """
    out: list = []
    for piece in pieces:
        if isinstance(piece, pa.Scalar):
            text = piece.as_py()
            if not text:
                continue
            if out and isinstance(out[-1], pa.Scalar):
                piece = _lit(out[-1].as_py() + text)
                out.pop()
        out.append(piece)
    return out


def rows_xml(rows: pa.Array, columns: Sequence[Cells]) -> pa.Buffer:
    """The XML of consecutive rows (numbered ``rows``) of the ``columns``' cells, as bytes."""
    pieces: list = [_lit('<row r="'), rows, _lit('">')]
    for cells in columns:
        for piece in cells:
            if isinstance(piece, Start):
                pieces += [_lit(f'<c r="{piece.letter}'), rows, piece.rest]
            else:
                pieces.append(piece)
    pieces.append(_lit("</row>"))
    joined = pc.binary_join_element_wise(*_merged(pieces), _EMPTY)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=len(joined) + 1, offset=joined.offset * 8)
    return joined.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
