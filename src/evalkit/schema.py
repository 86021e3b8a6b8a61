"""The one schema of evalkit's tables: which columns each table has, in order, and their dtypes.

The columns of each table are package data, ``vocab/table_columns.csv`` (table, column, in
order); each column's dtype, Chinese label and kind come from the field dictionary
(:mod:`evalkit.fields`: ``vocab/column_labels.csv``). Everything that makes or reads a table
uses this module: the reader types its rows with :func:`typed_frame`, the analysis conforms
partial tables with :func:`conform`, the CSV and Parquet exports and the workbook take their
columns and dtypes from :data:`SCHEMAS` and :func:`dtypes`. The analysis depends on the schema,
never on the reader.

A row given with a field its table does not have is an error (:class:`SchemaError`), not an
empty column beside a misspelt one.
"""

from __future__ import annotations

import csv
import functools
import operator
from collections.abc import Mapping
from importlib import resources

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evalkit.fields import dtype_of

__all__ = ["SCHEMAS", "TABLE_NAMES", "SchemaError", "columns_of", "conform", "dtypes", "typed_frame"]


class SchemaError(ValueError):
    """A row with a field its table does not have (a misspelt field name, a table's wrong name)."""


@functools.cache
def _table_columns() -> dict[str, list[str]]:
    """Table → its columns in order, from ``vocab/table_columns.csv``."""
    text = resources.files("evalkit.vocab").joinpath("table_columns.csv").read_text(encoding="utf-8-sig")
    out: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        out.setdefault(row["table"].strip(), []).append(row["column"].strip())
    return out


#: Table → its columns, in order (the reader's tables, in the order they are listed and written).
SCHEMAS: dict[str, list[str]] = _table_columns()

#: The reader's tables, in order.
TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)


def dtypes(name: str) -> dict[str, str]:
    """The dtype of each column of a table, in order.

    Examples
    --------
    >>> dtypes("enrollment")["persons"], dtypes("enrollment")["scheme"]
    ('Int64', 'str')
    """
    return {column: dtype_of(column) for column in SCHEMAS[name]}


def columns_of(name: str, rows: list[dict]) -> dict[str, list]:
    """The rows of one of evalkit's tables as lists by column, in the table's column order.

    Raises
    ------
    SchemaError
        When a row has a field the table does not have.

    Examples
    --------
    >>> columns_of("enrollment", [{"report_id": "r", "year": 2022, "persons": 5}])["persons"]
    [5]
    >>> columns_of("enrollment", [{"report_id": "r", "persons_count": 5}])
    Traceback (most recent call last):
    ...
    evalkit.schema.SchemaError: table enrollment has no column 'persons_count' (its columns: report_id, year, scheme, persons, raw, note, source)
    """
    columns = SCHEMAS[name]
    if not rows:
        return {c: [] for c in columns}  # (most tables of a report are empty)
    known = set(columns)
    if len(columns) > 1 and sum(map(len, rows)) == len(known) * len(rows):
        # every row has every column (the extractors' rows start from all of them): one C-level
        # pass per row and a transposition, instead of a ``get`` per cell. (Every row holding
        # every column, and as many fields in all as that makes, no row holds another field.)
        try:
            cells = list(map(_getter(tuple(columns)), rows))
        except KeyError:
            pass  # (a row lacks a column, so another has a field of no column: said below)
        else:
            return dict(zip(columns, map(list, zip(*cells))))
    if not known.issuperset(set().union(*rows)):  # (every row's fields at once; the culprit below)
        for row in rows:
            if not known.issuperset(row):
                unknown = sorted(str(k) for k in row if k not in known)
                raise SchemaError(f"table {name} has no column {', '.join(map(repr, unknown))} "
                                  f"(its columns: {', '.join(columns)})")
    return {c: [r.get(c) for r in rows] for c in columns}


@functools.lru_cache(maxsize=64)
def _getter(columns: tuple[str, ...]):
    """The cells of a row in the order of ``columns``, as a tuple."""
    return operator.itemgetter(*columns)


def typed_frame(name: str, rows: list[dict] | dict[str, list]) -> pd.DataFrame:
    """A DataFrame of one of evalkit's tables with its columns in order and their dtypes.

    ``rows`` are dictionaries (checked by :func:`columns_of`), or lists by column.

    Examples
    --------
    >>> typed_frame("enrollment", [{"report_id": "r", "year": 2022, "persons": 5}]).dtypes["persons"]
    Int64Dtype()
    """
    cols = SCHEMAS[name]
    if not isinstance(rows, dict):
        rows = columns_of(name, rows)
    # (copy=False: the arrays are new and nothing else holds them; copying them is needless work)
    return pd.DataFrame({c: _typed_array(rows.get(c, []), dtype_of(c)) for c in cols}, columns=cols, copy=False)


_STR = pd.StringDtype(storage="pyarrow", na_value=float("nan"))  # pandas' default "str" dtype


def _typed_array(values: list, dtype: str):
    """One column's values as an array of its dtype; an empty text is missing."""
    if dtype in ("Int64", "Float64"):
        numbers = _arrow_numbers(values, dtype)
        if numbers is not None:  # (the common case: pyarrow reads the whole list in C)
            return pd.api.types.pandas_dtype(dtype).__from_arrow__(numbers)
    if dtype == "Int64":
        return pd.array(values, dtype="Int64")
    if dtype == "Float64":
        try:
            return pd.array(values, dtype="Float64")
        except (TypeError, ValueError):  # a number written as text: read it, or missing
            return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("Float64").array
    try:  # text as pandas' str dtype holds it, built by pyarrow from the whole list at once
        return pd.arrays.ArrowStringArray(_empty_missing(pa.array(values, type=pa.large_string())), dtype=_STR)
    except (TypeError, ValueError, pa.ArrowException):  # not all text (a number in a text column)
        return pd.array([None if v is None or v == "" or v is pd.NA else str(v) for v in values], dtype="str")


def _arrow_numbers(values: list, dtype: str) -> pa.Array | None:
    """The values as an Arrow array of int64 (for ``Int64``) or float64 (``Float64``), when
    pandas would make the same numbers of them: all missing (None); for ``Int64``, integers and
    None; for ``Float64``, floats, NaN and None, or integers a float holds exactly. None for
    anything else (text, booleans, decimals, a float in an integer column), which pandas
    converts as it always did."""
    if not isinstance(values, list):
        return None
    target = pa.int64() if dtype == "Int64" else pa.float64()
    if values.count(None) == len(values):
        return pa.nulls(len(values), target)
    try:
        found = pa.array(values, from_pandas=True)  # (NaN is missing, as pandas takes it)
    except (TypeError, ValueError, OverflowError, pa.ArrowException):
        return None
    if found.type == pa.int64() and dtype == "Int64":
        # (a NaN or NA among integers sends pandas through floats, which round beyond 2**53)
        return found if found.null_count == values.count(None) else None
    if found.type == pa.float64() and dtype == "Float64":
        return found
    if found.type == pa.int64():  # (integers in a Float64 column: exact up to 2**53)
        least, most = pc.min_max(found).values()
        exact = least.as_py() is not None and -(2**53) <= least.as_py() and most.as_py() <= 2**53
        return pc.cast(found, target) if exact else None
    return None


def _empty_missing(text: pa.Array) -> pa.Array:
    """The text with its empty cells made missing (by their validity, not copying the text)."""
    keep = pc.greater(pc.binary_length(text), 0)
    if pc.all(keep).as_py() is not False:
        return text
    validity = pc.fill_null(keep, False)
    if validity.offset or text.offset:
        return pc.if_else(validity, text, pa.scalar(None, text.type))
    return pa.Array.from_buffers(text.type, len(text), [validity.buffers()[1], *text.buffers()[1:]])


def _stripped_text(column: pd.Series) -> bool:
    """Whether a column of pandas' str dtype holds no empty text and no text with white space at
    either end (as ``.str.strip()`` finds it), so that conforming it changes nothing."""
    if column.dtype != _STR:
        return False
    values = pa.array(column.array)
    if pc.any(pc.equal(values, "")).as_py():
        return False
    return pc.all(pc.equal(pc.utf8_trim_whitespace(values), values)).as_py() is not False


def conform(df: pd.DataFrame | None, schema: Mapping[str, str] | str) -> pd.DataFrame:
    """A copy of ``df`` with the columns of ``schema`` (a table's name, or column → dtype) in
    their dtypes: missing columns are added empty, text is stripped (blank → missing), numbers
    are read from text where needed. Other columns are kept.

    Examples
    --------
    >>> out = conform(pd.DataFrame({"item": [" x ", ""], "amount_wan": ["1.5", None]}),
    ...               {"item": "str", "amount_wan": "Float64"})
    >>> out["item"].tolist(), out["amount_wan"].dtype
    (['x', nan], Float64Dtype())
    >>> list(conform(None, "rates").columns)
    ['report_id', 'scope', 'name', 'value_pct', 'raw', 'source']
    """
    schema = dtypes(schema) if isinstance(schema, str) else schema
    out = pd.DataFrame(index=range(0)) if df is None else df.copy()
    out = out.reset_index(drop=True)
    for col, dtype in schema.items():
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype=dtype)
            continue
        if dtype == "str":
            if _stripped_text(out[col]):  # (as read back by read_tables: nothing to change)
                continue
            s = out[col].astype("string").str.strip()
            s = s.mask(s == "")
            out[col] = s.astype("str")
        else:
            if not pd.api.types.is_numeric_dtype(out[col]):
                out[col] = pd.to_numeric(out[col], errors="coerce")
            out[col] = out[col].astype(dtype)
    return out
