"""Every table of a document classified once, part by part, before any reader reads it.

A part is a run of rows of one table. Its kind (``vocab/*/table_kinds.csv``: indicator table,
statistics table of the insurance, procurement table, money block of a project form, budget
grid, key-value form, table of words) names the one reader that owns it: the indicator reader
reads the indicator parts and nothing else, the table reader never reads an indicator part, and
so on. The kinds are tried in the order of the file, each on the rows no earlier kind took; a
pack may add a kind's row or remove it (a department with no insurance statistics removes
``statistics``). Which words make a header of each kind is vocabulary too (the signature column
names the lists).

Examples
--------
>>> from evalkit.document import Cell, Row, Table, Document
>>> def row(line, *texts):
...     return Row([Cell(t, line) for t in texts])
>>> form = Table([row(1, "项目名称", "医保信息化建设"),
...               row(2, "", "年初预算数", "全年执行数"),
...               row(3, "年度资金总额", "120", "118"),
...               row(4, "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
...               row(5, "产出指标", "数量指标", "系统上线数", "3个", "3个", "10", "10")], "tabs")
>>> doc = Document("r", "r.txt", "", [f"line {i}" for i in range(1, 6)], [form])
>>> [(p.start, p.stop, p.kind, p.owner) for p in classify_tables(doc).parts]
[(0, 1, 'text', ''), (1, 3, 'money_block', 'tables'), (3, 5, 'indicators', 'indicators')]
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from evalkit import vocab
from evalkit.document import Document, Row, Table
from evalkit.quantities import parse_quantity

__all__ = ["TableMap", "TablePart", "classify_tables", "table_kinds"]


@dataclass(frozen=True)
class TablePart:
    """Rows ``start`` to ``stop`` (exclusive) of table number ``table`` of a document, of one kind."""

    table: int
    start: int
    stop: int
    kind: str

    @property
    def owner(self) -> str:
        """The reader that owns the part ('' for a table of words: no reader of numbers)."""
        return table_kinds()[self.kind]["owner"]

    @property
    def label(self) -> str:
        """The kind in Chinese, as the explanation of a line shows it."""
        return table_kinds()[self.kind]["label"]


@dataclass(frozen=True)
class TableMap:
    """The parts of every table of a document, in table and row order."""

    parts: tuple[TablePart, ...]
    #: What a recogniser read of a table to recognise its kind, by (table, kind): the reader of
    #: that kind reads it again instead of reading the table again (the indicator reader's split).
    readings: dict[tuple[int, str], object] = field(default_factory=dict, repr=False, compare=False)

    def reading(self, table: int, kind: str):
        """What the recogniser of ``kind`` read of table ``table`` (None when it kept nothing)."""
        return self.readings.get((table, kind))

    def tables_with(self, kind: str) -> list[int]:
        """The numbers of the tables with a part of ``kind``, in order."""
        return sorted({p.table for p in self.parts if p.kind == kind})

    def rows_owned_by_others(self, table: int, owner: str) -> frozenset[int]:
        """The rows of table ``table`` that a reader other than ``owner`` owns."""
        return frozenset(i for p in self.parts if p.table == table and p.owner and p.owner != owner
                         for i in range(p.start, p.stop))

    def owns_any(self, table: int, owner: str) -> bool:
        """True when ``owner`` owns a part of table ``table``."""
        return any(p.table == table and p.owner == owner for p in self.parts)

    def part_at(self, table: int, row: int) -> TablePart | None:
        """The part holding row ``row`` of table ``table``."""
        return next((p for p in self.parts if p.table == table and p.start <= row < p.stop), None)


@functools.cache
def table_kinds() -> dict[str, dict[str, str]]:
    """The kinds of table part of the vocabulary packs, by kind, in the order they are tried.

    Examples
    --------
    >>> list(table_kinds())[:3]
    ['indicators', 'statistics', 'procurement']
    >>> table_kinds()["statistics"]["owner"], table_kinds()["statistics"]["label"]
    ('fund_tables', '医保统计表')
    """
    rows = sorted(vocab.load("table_kinds"), key=lambda r: int(r["order"]))
    return {r["kind"]: {"owner": r["owner"] or "", "label": r["label"]} for r in rows}


# ------------------------------------------------------------------------ recognisers
# Each recogniser of a kind with a header signature gives the row ranges of the parts of that
# kind in a table; a row an earlier kind took stays with it. The table reader's kinds are the
# rest, told apart by their rows.
# A recogniser may keep what it read of the table in ``kept`` (by kind) for the kind's reader.
def _indicator_ranges(table: Table, kept: dict[str, object]) -> list[tuple[int, int]]:
    from evalkit.extract.indicators import split_indicator_table

    split = kept["indicators"] = split_indicator_table(table)
    return split.ranges


def _statistics_ranges(table: Table, kept: dict[str, object]) -> list[tuple[int, int]]:
    from evalkit.extract.fund_tables import is_statistics_table

    return [(0, len(table.rows))] if is_statistics_table(table) else []


def _procurement_ranges(table: Table, kept: dict[str, object]) -> list[tuple[int, int]]:
    from evalkit.extract.procurement import procurement_header_row

    start = procurement_header_row(table)
    return [] if start is None else [(start, len(table.rows))]


_RECOGNISERS: dict[str, Callable[[Table, dict[str, object]], list[tuple[int, int]]]] = {
    "indicators": _indicator_ranges,
    "statistics": _statistics_ranges,
    "procurement": _procurement_ranges,
}


def _numeric(row: Row) -> bool:
    return any(parse_quantity(t) is not None for t in row.texts[1:] if t)


def _filled(row: Row) -> int:
    return sum(1 for t in row.texts if t)


def _rest_parts(number: int, rows: list[Row], start: int, has_indicators: bool) -> list[TablePart]:
    """The parts of a run of rows no recogniser took: the words above the first row with a
    number and its header row (a form's 项目名称, 主管部门 …), then the table reader's money (the
    money block of a project form, a budget grid under its header row, or label-value pairs)."""
    first = next((i for i, r in enumerate(rows) if _numeric(r)), None)
    if first is None:
        return [TablePart(number, start, start + len(rows), "text")]
    header = first > 0 and _filled(rows[first - 1]) >= 2
    top = first - 1 if header else first
    parts = [TablePart(number, start, start + top, "text")] if top > 0 else []
    kind = _labelled_kind(rows[first:]) or (
        "money_block" if has_indicators else "budget_grid" if header else "key_value")
    return [*parts, TablePart(number, start + top, start + len(rows), kind)]


def _labelled_kind(rows: list[Row]) -> str | None:
    """'staff_assets' when most rows with numbers are labelled by staff categories or asset items
    (编制人数, 实有人数, 固定资产 …), 'funding_sources' when by funding sources (中央财政, 县级财政 …)."""
    from evalkit.extract.staff_assets import asset_item, staff_category
    from evalkit.extract.tables import funding_source

    labels = [r.texts[0] for r in rows if r.texts and r.texts[0] and _numeric(r)]
    if len(labels) < 2:
        return None
    for kind, named in (("staff_assets", lambda t: staff_category(t) or asset_item(t)),
                        ("funding_sources", funding_source)):
        if sum(1 for t in labels if named(t)) * 2 > len(labels):
            return kind
    return None


def _classify_table(number: int, table: Table, kinds: dict[str, dict[str, str]],
                    readings: dict[tuple[int, str], object]) -> list[TablePart]:
    n = len(table.rows)
    kept: dict[str, object] = {}
    kind_of: list[str | None] = [None] * n
    for kind in kinds:
        recognise = _RECOGNISERS.get(kind)
        if recognise is None:
            continue
        if all(k is not None for k in kind_of):
            break
        for start, stop in recognise(table, kept):
            for i in range(start, min(stop, n)):
                if kind_of[i] is None:
                    kind_of[i] = kind
    has_indicators = "indicators" in kind_of
    readings.update(((number, kind), reading) for kind, reading in kept.items())
    parts: list[TablePart] = []
    i = 0
    while i < n:
        j = i
        while j < n and kind_of[j] == kind_of[i]:
            j += 1
        if kind_of[i] is None:
            parts.extend(_rest_parts(number, table.rows[i:j], i, has_indicators))
        else:
            parts.append(TablePart(number, i, j, kind_of[i]))
        i = j
    return parts


def classify_tables(doc: Document) -> TableMap:
    """Classify every table of ``doc`` once: its parts, each of one kind and one owner.

    Parameters
    ----------
    doc : Document
        A document as a reader built it.

    Returns
    -------
    TableMap
        The parts, in table and row order (every row of every table is in exactly one part).

    Examples
    --------
    >>> from evalkit.document import Cell, Row, Table, Document
    >>> grid = Table([Row([Cell("项目", 1), Cell("年初预算数", 1), Cell("决算数", 1)]),
    ...               Row([Cell("基本支出", 2), Cell("100", 2), Cell("98", 2)])], "tabs")
    >>> classify_tables(Document("r", "r.txt", "", ["", ""], [grid])).parts
    (TablePart(table=0, start=0, stop=2, kind='budget_grid'),)
    """
    kinds = table_kinds()
    readings: dict[tuple[int, str], object] = {}
    parts = [p for number, table in enumerate(doc.tables) for p in _classify_table(number, table, kinds, readings)]
    return TableMap(tuple(parts), readings)
