"""Helpers shared by the analysis modules: table schemas, rounding, tolerances, text folding.

Nothing here is specific to one analysis; the public functions live in :mod:`.execution`,
:mod:`.achievement`, :mod:`.scoring` and :mod:`.checks`.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources

import numpy as np
import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native
from pandas.core.dtypes.dtypes import BaseMaskedDtype

from evalkit.schema import SCHEMAS as READER_SCHEMAS
from evalkit.schema import conform, dtypes

logger = logging.getLogger(__name__)

#: Columns (and dtypes) of the reader's tables: the one schema (:mod:`evalkit.schema`). Extra
#: columns are kept; missing ones are added empty, so the analysis also runs on partial tables.
SCHEMAS: dict[str, dict[str, str]] = {name: dtypes(name) for name in READER_SCHEMAS}

FINDING_COLUMNS: dict[str, str] = {
    "report_id": "str", "rule": "str", "rule_name": "str", "kind": "str", "severity": "str",
    "message": "str", "expected": "str", "observed": "str", "difference": "Float64",
    "sources": "str", "excerpt": "str",
}

#: Kinds of finding (``rules/check_rules.csv``): a contradiction of the report (an audit
#: finding) and an extraction suspect (a review item: evalkit doubts its own reading).
KINDS = ("矛盾", "存疑")

#: Severity words, most serious first.
SEVERITIES = ("错误", "警告", "提示")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector paused (as it was afterwards).

    The analysis makes millions of small objects (records, findings, strings) and keeps many of
    them to the end; the collector, triggered by the allocations, went through all of them
    again and again (about a third of the CPU of :func:`evalkit.analysis.derive`) and found
    next to nothing to free: the analysis makes almost no reference cycles. Reference counting
    still frees everything else as it goes. Worker processes forked inside the block inherit
    the pause.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def prepare(tables: Mapping[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame]:
    """Conform every known table of ``tables`` (missing tables become empty frames)."""
    out = {name: conform(tables.get(name), schema) for name, schema in SCHEMAS.items()}
    for name, df in tables.items():
        if name not in out and df is not None:
            out[name] = df.copy()
    return out


def empty(schema: Mapping[str, str]) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``schema``."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in schema.items()})


def frame(rows: list[dict] | dict[str, list], schema: Mapping[str, str]) -> pd.DataFrame:
    """Build a frame from ``rows`` (dicts, or lists by column) with the columns (in order) and
    dtypes of ``schema``."""
    if not rows:
        return empty(schema)
    df = pd.DataFrame(rows)
    for col in schema:
        if col not in df.columns:
            df[col] = pd.NA
    df = df[list(schema)]
    for col, dtype in schema.items():
        if dtype == "str" and df[col].dtype == object:  # one pass, strings kept as they are
            df[col] = pd.Series([v if v.__class__ is str else pd.NA if is_na(v) else str(v)
                                 for v in df[col].to_numpy()], index=df.index, dtype=object).astype("str")
        elif dtype == "str" and df[col].dtype == "str":
            continue  # (pandas made it a text column already: nothing to convert)
        elif dtype == "str":
            df[col] = df[col].map(lambda v: pd.NA if is_na(v) else str(v)).astype("str")
        else:
            df[col] = _typed(df[col], dtype)
    return df


def _typed(column: pd.Series, dtype: str) -> pd.Series | pd.api.extensions.ExtensionArray:
    """A column of :func:`frame` in a nullable ``dtype`` (boolean, Int64, Float64 …), missing
    values (None, NaN, pd.NA) as NA: in one pass over a list, without a Python call per value
    through ``Series.map``; numbers written as text still go through ``pd.to_numeric``."""
    if column.dtype.kind == "f" and dtype != "boolean":
        return column.astype(dtype)  # (NaN becomes NA)
    if column.dtype == object:
        values = column.to_numpy().tolist()
        try:
            if dtype == "boolean":
                return pd.array([None if is_na(v) else bool(v) for v in values], dtype=dtype)
            return pd.array([None if is_na(v) else v for v in values], dtype=dtype)
        except (TypeError, ValueError):
            pass
    if dtype == "boolean":
        return column.map(lambda v: pd.NA if is_na(v) else bool(v)).astype("boolean")
    return pd.to_numeric(column.map(lambda v: pd.NA if is_na(v) else v)).astype(dtype)


def per_distinct(df: pd.DataFrame, columns: list[str], function, schema: Mapping[str, str]) -> pd.DataFrame:
    """``frame([function(record) for each row of df], schema)``, with ``function`` called once per
    distinct combination of ``columns`` (the only columns its records carry) and the result
    spread back to the rows: indicator texts repeat across tables and reports.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 1], "b": ["x", None, "x"]})
    >>> per_distinct(df, ["a", "b"], lambda r: {"s": f"{r['a']}{r['b']}"}, {"s": "str"})["s"].tolist()
    ['1x', '2nan', '1x']
    """
    if df.empty:
        return empty(schema)
    codes = df.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(range(len(df))).groupby(codes, sort=True).first().to_numpy()
    distinct = [function(rec) for rec in records(df[columns].iloc[first])]
    return frame(distinct, schema).take(codes).reset_index(drop=True)


def column_values(s: pd.Series) -> list:
    """The values of ``s`` as ``s.to_frame().to_dict("records")`` gives them (Python scalars;
    a missing value of an extension dtype as None, NaN of a string column as NaN), without a
    Python call per value where the dtype allows.

    Examples
    --------
    >>> column_values(pd.Series([1.5, None], dtype="Float64")), column_values(pd.Series(["a", None], dtype="str"))
    ([1.5, None], ['a', nan])
    """
    dtype = s.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "fiub":
            return s.to_numpy().tolist()
        if dtype.kind == "O":
            return [v if v.__class__ is str or v is None else maybe_box_native(v) for v in s.to_numpy()]
        return list(s)
    if isinstance(dtype, BaseMaskedDtype):
        mask = s.isna().to_numpy()
        values = s.to_numpy(dtype=dtype.numpy_dtype, na_value=False if dtype.kind == "b" else 0).tolist()
        if mask.any():
            return [None if m else v for v, m in zip(values, mask.tolist())]
        return values
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        # (through numpy: about twice as fast as to_pylist, the same str objects and None)
        values = s.array._pa_array.to_numpy().tolist() if len(s) else []
        na = dtype.na_value
        na = None if na is pd.NA else na
        return [na if v is None else v for v in values] if s.hasnans else values
    return [maybe_box_native(v) for v in s]


def records(df: pd.DataFrame) -> list[dict]:
    """``df.to_dict("records")``, the same dicts and values, built column by column (a
    faster conversion for the string and nullable columns of the reader's tables)."""
    columns = df.columns.tolist()
    if not df.columns.is_unique:
        return df.to_dict("records")
    values = [column_values(df.iloc[:, i]) for i in range(len(columns))]
    return [dict(zip(columns, row)) for row in zip(*values)]


def key_values(df: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """The tuple of ``keys`` of each row, missing values (None, NaN, pd.NA) as None."""
    cols = []
    for c in keys:
        v = column_values(df[c])
        if df[c].isna().any():
            v = [None if is_na(x) else x for x in v]
        cols.append(v)
    return list(zip(*cols))


def is_na(value: object) -> bool:
    """True for None, NaN and pd.NA (and only for them; strings and lists are not missing).

    Examples
    --------
    >>> is_na(None), is_na(float("nan")), is_na(pd.NA), is_na(""), is_na(0)
    (True, True, True, False, False)
    """
    if value is None or value is _NA:
        return True
    cls = value.__class__
    if cls is str:  # (the commonest: a cell of a text column)
        return False
    if cls is float:
        return math.isnan(value)
    return isinstance(value, float) and math.isnan(value)


_NA = pd.NA  # (is_na runs millions of times: no attribute look-up per call)


def num(value: object) -> float | None:
    """A float, or None when missing."""
    if value.__class__ is float:  # (the commonest: a cell of a number column)
        return None if math.isnan(value) else value
    if is_na(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def text(value: object) -> str | None:
    """A stripped string, or None when missing or blank."""
    if value.__class__ is str:
        return value.strip() or None
    if is_na(value):
        return None
    s = str(value).strip()
    return s or None


def round_half_up(value: float | None, ndigits: int = 2) -> float | None:
    """Round half away from zero (2.675 → 2.68), not Python's round-half-to-even.

    The float is read through its shortest decimal representation, so the written value
    2.675 rounds up although the binary float is slightly below it.

    Examples
    --------
    >>> round_half_up(2.675), round(2.675, 2)
    (2.68, 2.67)
    >>> round_half_up(0.125), round_half_up(-0.125), round_half_up(None) is None
    (0.13, -0.13, True)
    """
    if value.__class__ is float and value and not math.isnan(value) and ndigits.__class__ is int:
        return _round_float(value, ndigits)  # (most values: no repr() before the cache)
    if value is None or is_na(value):
        return None
    try:
        written = repr(float(value))
    except ValueError:  # pragma: no cover
        return None
    if ndigits.__class__ is int:
        return _round_written(written, ndigits)  # (keyed by the text: -0.0 stays -0.0)
    return _round_half_up(written, ndigits)


@functools.lru_cache(maxsize=1 << 16)  # (scores, differences and rates repeat)
def _round_float(value: float, ndigits: int) -> float | None:
    """:func:`round_half_up` of a float other than zero and NaN, keyed by the float itself
    (equal floats have one repr; only 0.0 and -0.0 are equal with two, hence not zero)."""
    return _round_written(repr(value), ndigits)


@functools.lru_cache(maxsize=1 << 16)  # (scores, differences and rates repeat)
def _round_written(written: str, ndigits: int) -> float | None:
    return _round_half_up(written, ndigits)


def _round_half_up(written: str, ndigits: int) -> float | None:
    if _within_digits(written, ndigits):
        return float(written)  # (nothing to round: what quantize gives, without the Decimal)
    try:
        d = Decimal(written)
    except (InvalidOperation, ValueError):  # pragma: no cover
        return None
    quantum = Decimal(1).scaleb(-ndigits)
    return float(d.quantize(quantum, rounding=ROUND_HALF_UP))


def _within_digits(written: str, ndigits: int) -> bool:
    """True when the plain decimal ``written`` (a float's repr) has at most ``ndigits`` decimals
    and ``ndigits`` is from 0 to 10: rounding it to ``ndigits`` only pads zeros, and the float
    of the result is the float of ``written`` (most differences and scores: 3.0, 0.25). A repr
    with an exponent (1e-07, 1e+16), inf or nan is left to the Decimal.

    >>> _within_digits("3.25", 2), _within_digits("2.675", 2), _within_digits("1e-07", 6)
    (True, False, False)
    """
    if ndigits.__class__ is not int:  # (another type: the Decimal's own answer, or its error)
        return False
    point = written.find(".")
    return (point >= 0 and 0 <= ndigits <= 10 and "e" not in written
            and len(written) - point - 1 <= ndigits)


_NUMBER_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")


def fold_text(value: object) -> str:
    """NFKC-fold a text and drop all white space ('（1） （2）未完成' → '(1)(2)未完成').

    Examples
    --------
    >>> fold_text("比上年 有所增加。"), fold_text(None)
    ('比上年有所增加', '')
    """
    if value.__class__ is str:
        return _fold_str(value)
    return _fold_text(value)


@functools.lru_cache(maxsize=1 << 16)  # (indicator names, targets and rule words repeat)
def _fold_str(value: str) -> str:
    return _fold_text(value)


_SPACES = re.compile(r"\s+")


def _fold_text(value: object) -> str:
    s = text(value)
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", s)
    s = _SPACES.sub("", s)
    return s.rstrip("。.;；")


def _decimals(token: str) -> int:
    return len(token.split(".", 1)[1]) if "." in token else 0


def half_unit(raw: object, value: object, integers_exact: bool = False) -> float:
    """Half a unit of the last digit written, expressed in the unit of ``value``.

    The tolerance of a figure: ``'363.47'`` → 0.005; ``'1.55亿元'`` stored as 15500 万元 →
    0.005 亿元 = 50 万元; ``'43.01万人'`` stored as 430100 → 50 persons. The scale between
    the written number and the stored value is read from the two; a zero is exact. Without
    a usable ``raw`` the decimals of ``value`` itself are used.

    Parameters
    ----------
    raw : str or None
        The figure as written.
    value : float
        The figure as stored.
    integers_exact : bool, default False
        Take a whole number written in the stored unit (``'150'``, ``'4万元'``, a score of 5)
        as exact rather than rounded to the unit: amounts, head counts and scores are
        usually exact when written without decimals, while a rate written as ``96%`` is
        usually rounded.

    Examples
    --------
    >>> half_unit("363.47", 363.47), half_unit("1.55亿元", 15500.0), half_unit("43.01万人", 430100)
    (0.005, 50.0, 50.0)
    >>> half_unit("8581799.82 元", 858.179982), half_unit(None, 12.5), half_unit("0", 0.0)
    (5e-07, 0.05, 0.0)
    >>> half_unit("96%", 96.0), half_unit(None, 150.0, integers_exact=True)
    (0.5, 0.0)
    >>> half_unit("2亿元", 20000.0, integers_exact=True)
    5000.0
    """
    if value.__class__ is float and (raw is None or raw.__class__ is str) and integers_exact.__class__ is bool:
        return _half_unit_cached(raw, value, integers_exact)
    return _half_unit(raw, value, integers_exact)


@functools.lru_cache(maxsize=1 << 18)
def _half_unit_cached(raw: str | None, value: float, integers_exact: bool) -> float:
    return _half_unit(raw, value, integers_exact)


def _half_unit(raw: object, value: object, integers_exact: bool = False) -> float:
    v = num(value)
    if v is None or v == 0:
        return 0.0
    s = text(raw)
    best: tuple[float, float] | None = None  # (distance from a power of ten, half unit)
    if s:
        for m in _NUMBER_RE.finditer(unicodedata.normalize("NFKC", s)):
            token = m.group(0).replace(",", "")
            written = float(token)
            if written == 0:
                continue
            scale = abs(v) / written
            exponent = math.log10(scale)
            distance = abs(exponent - round(exponent))
            exact = integers_exact and _decimals(token) == 0 and round(exponent) <= 0
            half = 0.0 if exact else 0.5 * 10 ** (-_decimals(token)) * 10 ** round(exponent)
            if best is None or distance < best[0]:
                best = (distance, half)
    if best is not None and best[0] < 1e-6:
        return _clean(best[1])
    token = format(abs(v), ".10f").rstrip("0").rstrip(".")
    if integers_exact and _decimals(token) == 0:
        return 0.0
    return _clean(0.5 * 10 ** (-_decimals(token)))


def _clean(x: float) -> float:
    return float(f"{x:.12g}")


def source_line(source: object) -> int | None:
    """The line number of a ``'<report_id>:<line>'`` source, or None.

    Examples
    --------
    >>> source_line("000_abc:338"), source_line(None)
    (338, None)
    """
    if source.__class__ is str:
        return _source_line_str(source)
    return _source_line(source)


@functools.lru_cache(maxsize=1 << 18)
def _source_line_str(source: str) -> int | None:
    return _source_line(source)


def _source_line(source: object) -> int | None:
    s = text(source)
    if not s or ":" not in s:
        return None
    try:
        return int(s.rsplit(":", 1)[1])
    except ValueError:
        return None


def join_sources(*groups: Iterable[object]) -> str:
    """Join sources into one ``';'``-separated string, unique, in line order.

    Examples
    --------
    >>> join_sources(["r:12", "r:3"], ["r:12", None])
    'r:3;r:12'
    """
    # (text(s) without its call for a str, the commonest source: a str is kept when not blank)
    seen = {s for group in groups for s in group if (s.strip() if s.__class__ is str else text(s))}
    if all(s.__class__ is str for s in seen):  # (the cached order without a call per source)
        return ";".join(sorted(seen, key=_source_order))
    return ";".join(sorted(seen, key=lambda s: _source_order(str(s))))


@functools.lru_cache(maxsize=1 << 16)  # (a source is cited by many findings)
def _source_order(source: str) -> tuple:
    """The order of sources: by report, then line, then the locator read as numbers where it has
    them ('表3第4行第2列' before '表3第4行第10列'), so that the order never depends on a set's.

    >>> sorted(["r:表3第4行第10列", "r:表3第4行第2列", "r:段落17"], key=_source_order)
    ['r:段落17', 'r:表3第4行第2列', 'r:表3第4行第10列']
    """
    report, _, place = source.rpartition(":")
    line = source_line(source)
    if line is not None:
        return report, line, ()
    parts = _DIGITS_SPLIT.split(place)
    return report, 0, tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


_DIGITS_SPLIT = re.compile(r"(\d+)")


def lines_label(sources: Iterable[object]) -> str:
    """Short list of places for messages: ``'L12、L40'`` (the locator where a source has no line:
    ``'段落12'`` in a .docx report).

    Examples
    --------
    >>> lines_label(["r:40", "r:12", "r:40"]), lines_label(["r:段落7"])
    ('L12、L40', '段落7')
    """
    key = sources if sources.__class__ is tuple else tuple(sources)
    if all(s.__class__ is str for s in key):  # (a figure's sources are cited by many messages)
        return _lines_label_cached(key)
    return _lines_label(key)


@functools.lru_cache(maxsize=1 << 16)
def _lines_label_cached(sources: tuple[str, ...]) -> str:
    return _lines_label(sources)


def _lines_label(sources: tuple) -> str:
    lines = sorted({source_line(s) for s in sources if source_line(s) is not None})
    places = [f"L{n}" for n in lines]
    places += sorted({str(s).rsplit(":", 1)[1] for s in sources
                      if source_line(s) is None and text(s) and ":" in str(s)})
    return "、".join(places)


def fmt(value: object) -> str:
    """Format a number compactly for messages and the expected/observed columns.

    Examples
    --------
    >>> fmt(363.47), fmt(15500.0), fmt(858.179982), fmt(None)
    ('363.47', '15500', '858.179982', '')
    """
    if value.__class__ is float:
        return _fmt_float(value)
    return _fmt(value)


@functools.lru_cache(maxsize=1 << 18)
def _fmt_float(value: float) -> str:
    return _fmt(value)


def _fmt(value: object) -> str:
    v = num(value)
    if v is None:
        return "" if is_na(value) else str(value)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".")


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(token: str) -> float | None:
    """Parse a small number written in digits or Chinese numerals (一 … 九十九).

    Examples
    --------
    >>> cn_number("一"), cn_number("十二"), cn_number("2.5"), cn_number("两"), cn_number("x")
    (1.0, 12.0, 2.5, 2.0, None)
    """
    token = token.strip()
    try:
        return float(token)
    except ValueError:
        pass
    if not token or any(ch not in _CN_DIGITS and ch != "十" for ch in token):
        return None
    if "十" in token:
        tens, _, ones = token.partition("十")
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        o = _CN_DIGITS.get(ones, 0) if ones else 0
        return float(t * 10 + o)
    value = 0
    for ch in token:
        value = value * 10 + _CN_DIGITS[ch]
    return float(value)


@functools.cache
def read_rule_file(filename: str) -> tuple[dict[str, str], ...]:
    """Rows of ``evalkit/rules/<filename>`` as dictionaries of strings (cached)."""
    data = resources.files("evalkit").joinpath("rules", filename).read_text(encoding="utf-8-sig")
    return tuple(dict(row) for row in csv.DictReader(data.splitlines()))


def rule_file_exists(filename: str) -> bool:
    """True if ``evalkit/rules/<filename>`` exists."""
    return resources.files("evalkit").joinpath("rules", filename).is_file()


@functools.cache
def units() -> dict[str, tuple[str, float]]:
    """Unit word → (the unit it converts to, factor), from evalkit's unit vocabulary.

    Two units convert into each other when they share the unit they convert to (元 and 亿元
    both go to 万元; 次 and 个 do not convert).
    """
    from evalkit import vocab

    return {r["unit"]: (r["canonical"], float(r["factor"])) for r in vocab.load("units")}


def convert(value: float, unit_from: str | None, unit_to: str | None) -> float | None:
    """Convert between two units of one family (元 → 万元); None if not convertible.

    Examples
    --------
    >>> convert(14806, "万元", "亿元"), convert(5, "%", "%"), convert(3, "次", "人")
    (1.4806, 5.0, None)
    """
    if unit_from == unit_to:
        return float(value)
    a, b = units().get(unit_from or ""), units().get(unit_to or "")
    if a is None or b is None or a[0] != b[0]:
        return None
    return _clean(float(value) * a[1] / b[1])


def context_paths(parents: pd.Series) -> pd.Series:
    """:func:`context_path` of every value of ``parents``, as a text column.

    >>> context_paths(pd.Series(["支出合计/基本支出", None])).tolist()
    ['基本支出', '']
    """
    return pd.Series([context_path(v) for v in column_values(parents)], index=parents.index,
                     dtype="str")


def context_path(parent: object) -> str:
    """A budget ``parent`` path without the leading 收入合计/支出合计 root.

    The reader writes the first level of a breakdown either with the total as parent
    (``支出合计/基本支出``) or without it (``基本支出``); both mean the same place.

    Examples
    --------
    >>> context_path("支出合计/基本支出"), context_path("支出合计"), context_path(None)
    ('基本支出', '', '')
    """
    if parent.__class__ is str:
        return _context_path_str(parent)
    if is_na(parent):
        return ""  # (most rows: a figure at the top level)
    return _context_path(parent)


@functools.lru_cache(maxsize=1 << 16)  # (a budget repeats a few parents over and over)
def _context_path_str(parent: str) -> str:
    return _context_path(parent)


def _context_path(parent: object) -> str:
    s = text(parent) or ""
    parts = [p for p in s.split("/") if p]
    while parts and parts[0] in ("支出合计", "收入合计"):
        parts = parts[1:]
    return "/".join(parts)
