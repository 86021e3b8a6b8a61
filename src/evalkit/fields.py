"""The field dictionary: every column's Chinese label and kind, every table's Chinese name.

One place for what the data files ``vocab/column_labels.csv`` (column, label, kind) and
``vocab/table_labels.csv`` (name, label, description) say; the reader types its tables with
it, the CSV export reads them back with it, the workbook labels its sheets and headers with it.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

__all__ = ["dtype_of", "field_kind", "field_label", "kind_dtype", "table_description", "table_label"]

_ENCODING = "utf-8-sig"


#: Field kinds and the pandas dtype each is read back as.
_KIND_DTYPES = {
    "text": "str",
    "int": "Int64",
    "persons": "Int64",
    "money": "Float64",
    "percent": "Float64",
    "score": "Float64",
    "number": "Float64",
}

@functools.cache
def _fields() -> dict[str, tuple[str, str]]:
    """Column name → (Chinese label, kind), from ``vocab/column_labels.csv``."""
    text = (
        resources.files("evalkit.vocab").joinpath("column_labels.csv").read_text(encoding=_ENCODING)
    )
    fields = {}
    for row in csv.DictReader(text.splitlines()):
        kind = row["kind"].strip()
        if kind not in _KIND_DTYPES:
            raise ValueError(f"column_labels.csv: unknown kind {kind!r} for {row['column']!r}")
        fields[row["column"].strip()] = (row["label"].strip(), kind)
    return fields


def field_kind(column: str) -> str | None:
    """Return the kind of a column: text, int, persons, money, percent, score or number.

    Known columns take their kind from ``vocab/column_labels.csv``; others are judged by their
    name, word by word (``*_wan`` is money; ``*_pct`` and ``rate_*`` percentages;
    ``*_score_*`` scores; ``*_year``, ``*_line``, ``*_seq``, ``*_count`` integers).
    ``None`` means the name says nothing: the caller decides from the data.

    Parameters
    ----------
    column : str
        A column name.

    Returns
    -------
    str or None
        The kind, or None for an unknown column whose name gives no hint.

    Examples
    --------
    >>> field_kind("amount_wan"), field_kind("persons"), field_kind("fiscal_year")
    ('money', 'persons', 'int')
    >>> field_kind("budget_initial_wan"), field_kind("execution_rate"), field_kind("foo")
    ('money', 'percent', None)
    """
    known = _fields().get(column)
    if known is not None:
        return known[1]
    words = column.lower().split("_")
    if words[-1] == "wan":
        return "money"
    if words[-1] in {"pct", "percent"} or "rate" in words:
        return "percent"
    if "score" in words or words[-1] == "weight":
        return "score"
    if words[-1] == "persons":
        return "persons"
    if words[-1] in {"year", "line", "seq", "count"}:
        return "int"
    return None


@functools.cache
def _table_labels() -> dict[str, tuple[str, str]]:
    text = resources.files("evalkit.vocab").joinpath("table_labels.csv").read_text(encoding=_ENCODING)
    return {r["name"]: (r["label"], r["description"]) for r in csv.DictReader(text.splitlines())}


def table_label(name: str) -> str:
    """The Chinese name of a table (its workbook sheet), from ``vocab/table_labels.csv``.

    Examples
    --------
    >>> table_label("budget"), table_label("unknown_table")
    ('预算收支', 'unknown_table')
    """
    return _table_labels().get(name, (name, ""))[0]


def table_description(name: str) -> str:
    """A sentence saying what a table holds, in Chinese ('' when unknown).

    Examples
    --------
    >>> table_description("assets")
    '资产总额、负债总额、净资产、固定资产（万元）'
    """
    return _table_labels().get(name, (name, ""))[1]


def field_label(column: str) -> str:
    """Return the Chinese label of a column (the column name itself when none is known).

    Parameters
    ----------
    column : str
        A column name.

    Returns
    -------
    str
        The label from ``vocab/column_labels.csv``, or ``column`` unchanged.

    Examples
    --------
    >>> field_label("amount_wan")
    '金额（万元）'
    >>> field_label("no_such_column")
    'no_such_column'
    """
    known = _fields().get(column)
    return known[0] if known is not None else column


def kind_dtype(kind: str | None) -> str:
    """The pandas dtype of a kind of column ('text' when unknown).

    Examples
    --------
    >>> kind_dtype("money"), kind_dtype("persons"), kind_dtype(None)
    ('Float64', 'Int64', 'str')
    """
    return _KIND_DTYPES.get(kind or "text", "str")


def dtype_of(column: str) -> str:
    """The pandas dtype of a column of evalkit's tables: 'str', 'Int64' or 'Float64'.

    Examples
    --------
    >>> dtype_of("persons"), dtype_of("amount_wan"), dtype_of("item")
    ('Int64', 'Float64', 'str')
    """
    return kind_dtype(field_kind(column))
