"""Figures in tables other than indicator tables: budget grids with merged multi-row headers,
key-value forms (budget, staff, assets, funding sources), and the procurement tables.

A grid's header rows are the rows above its first row of numbers. Header rows narrower than
the data (merged cells) are widened bottom-up: a header cell standing above a run of labelled
columns in the row below spans that run. Each number then has a row label and a column path;
one of them names the item (``budget_items.csv``), the other the stage (``stages.csv``) or the
parent item. Shares (占比) and differences (差异率) in percent go to the rates table.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import re
from bisect import bisect_left
from decimal import Decimal
from typing import NamedTuple

from evalkit import vocab
from evalkit.document import Cell, Row, Table, TextLine
from evalkit.extract.context import (
    DEPARTMENT_SCOPE,
    ReportContext,
    caption_of,
    compact,
    declared_unit,
    is_page_chrome,
    is_total_label,
    mentions_total,
    names_other_year,
    project_name,
    single_text,
)
from evalkit.extract.fund_tables import read_fund_tables, scheme_of_label
from evalkit.extract.indicators import indicator_record, indicator_role
from evalkit.extract.items import (
    budget_item,
    clean_parent,
    is_bare_total,
    is_stage_word,
    item_category,
    item_parent,
    mentioned_item,
    stage_of,
    word_category,
)
from evalkit.extract.procurement import extract_procurement
from evalkit.extract.staff_assets import asset_item, staff_category
from evalkit.quantities import Quantity, is_missing, parse_quantity, to_wan, unit_kind
from evalkit.schema import SCHEMAS

__all__ = ["BUDGET_COLUMNS", "RATE_COLUMNS", "column_paths", "extract_tables"]

log = logging.getLogger(__name__)

BUDGET_COLUMNS = SCHEMAS["budget"]
RATE_COLUMNS = SCHEMAS["rates"]
_ORG_ROW = vocab.words_pattern("<<org_row>>")  # a row of one unit of the department
_ROW_NUMBER_WORDS = frozenset({"行次", "栏次", "序号", "编号"})
_GROUPS = {"收入", "支出", "其中", "其中：", "结余", "其中:"}


_CHANGE_COLUMN = vocab.words_pattern("<<change_column>>")  # a column of changes
_CJK = re.compile(r"[\u4e00-\u9fff]")
_REMARK = re.compile(r"\s*[（(][A-Za-z/×*%％]{1,5}[)）]\s*$")  # '执行率（B/A）', '权重（%）'
_NUMBERED_LABEL = re.compile(r"^\s*\d+\s*[、.．]\s*[\u4e00-\u9fff]")  # '1.基本支出': a label, not 1


def _number(text: str) -> Quantity | None:
    if is_missing(text) or _NUMBERED_LABEL.match(text):
        return None
    q = parse_quantity(text)
    if q is None or q.value is None or q.op:
        return None
    if q.unit and unit_kind(q.unit) is None and _CJK.search(q.unit):
        return None  # '2022年决算数', '8个工作日': words, not an amount
    return q


def _has_number(row: Row, start: int = 1) -> bool:
    return any(_number(t) for t in row.texts[start:])


def column_paths(header: list[list[str]], width: int) -> list[list[str]]:
    """Header labels above each of ``width`` columns, top to bottom, widening merged cells.

    Examples
    --------
    >>> column_paths([["项目", "合计", "收入"], ["", "", "财政拨款", "其他收入"]], 4)
    [['项目'], ['合计'], ['收入', '财政拨款'], ['收入', '其他收入']]
    """
    grid: list[list[str | None]] = []
    below: list[bool] = [False] * width
    for cells in reversed(header):
        placed: list[str | None] = [None] * width
        spans: list[tuple[int, int, str]] = []
        deficit = width - len(cells)
        col = 0
        for k, text in enumerate(cells):
            if col >= width:
                break
            span = 1
            remaining_cells = len(cells) - k - 1
            if text and deficit > 0 and below[col]:
                run = 0
                while col + run < width and below[col + run]:
                    run += 1
                span = max(1, min(run, deficit + 1, width - col - remaining_cells))
            elif deficit > 0 and not text and k == len(cells) - 1:
                span = width - col
            spans.append((col, span, text))
            deficit -= span - 1
            col += span
        for c, span, text in spans:
            for x in range(c, min(width, c + span)):
                placed[x] = text
        _widen_blank_merges(placed, below)
        grid.insert(0, placed)
        below = [b or bool(p) for b, p in zip(below, placed)]
    paths = []
    for c in range(width):
        path = []
        for level in grid:
            t = level[c]
            if t and (not path or path[-1] != t):
                path.append(t)
        paths.append(path)
    return paths


def _widen_blank_merges(placed: list[str | None], below: list[bool]) -> None:
    """Widen a group header written once over blank cells ('收入合计 | | | 财政拨款收入 | |', a
    merged cell copied as tabs): a blank cell that has a label below it, right of a group cell
    that has one too, belongs to that group. A blank above an unlabelled column stops the run."""
    for x in range(1, len(placed)):
        if not placed[x] and placed[x - 1] and below[x] and below[x - 1]:
            placed[x] = placed[x - 1]


def _parts(table: Table, foreign: frozenset[int] = frozenset()) -> list[tuple[str | None, list[Row], int]]:
    """Split a table into parts at caption rows and at header rows following data.

    The rows in ``foreign`` (an indicator part, a procurement table: the parts the classifier
    gave another reader) are left out.
    """
    parts: list[tuple[str | None, list[Row], int]] = []
    caption = caption_of(table, 0)
    rows: list[Row] = []
    seen_data = False
    start = 0
    for idx, row in enumerate(table.rows):
        if row.is_empty():
            continue
        if idx in foreign:
            if rows:
                parts.append((caption, rows, start))
                rows = []
            continue
        title = single_text(row)
        numeric = _has_number(row)
        labels = sum(1 for t in row.texts if t)
        if (title and len(row.cells) <= 2 and not numeric) or (seen_data and not numeric and labels >= 2
                                                               and not mentions_total(row.texts[0] or "")
                                                               and _looks_header(row)):
            if rows:
                parts.append((caption, rows, start))
            rows = [] if title else [row]
            caption = title if title else caption
            seen_data = False
            start = idx
            continue
        rows.append(row)
        seen_data = seen_data or numeric
    if rows:
        parts.append((caption, rows, start))
    return parts


def _spread_colspans(table: Table) -> Table:
    """The table with each cell merged over several columns (an HTML or Word ``colspan``) followed
    by empty cells for the columns it covers, so that every row has the table's full width and
    each figure stands under its own header ('合计' over 编码 and 科目名称, then the amounts); a
    header over several columns heads them as a group (:func:`column_paths`). The table as it is
    when its spans do not give every row the same width or a figure spans columns (a form of
    label-value pairs); a row where only the last cell spans is left short, as text layouts give it.

    >>> t = Table([Row([Cell("项目", 1, colspan=2), Cell("合计", 1)]), Row([Cell("合计", 2, colspan=2), Cell("5", 2)])],
    ...           "cells")
    >>> [r.texts for r in _spread_colspans(t).rows]
    [['项目', '', '合计'], ['合计', '', '5']]
    """
    if not any(c.colspan > 1 for r in table.rows for c in r.cells):
        return table
    widths = {sum(c.colspan for c in r.cells) for r in table.rows if r.cells}
    if len(widths) != 1 or any(c.colspan > 1 and _number(c.label) is not None
                               for r in table.rows for c in r.cells):
        return table  # (a figure merged over columns: a form of label-value pairs)
    rows = []
    for row in table.rows:
        if all(c.colspan == 1 for c in row.cells[:-1]):
            rows.append(row)  # (only its last cell spans the rest of it: a short row, as the text gives it)
            continue
        cells = []
        for c in row.cells:
            cells.append(c)
            cells.extend(Cell("", c.line, covered=True) for _ in range(c.colspan - 1))
        rows.append(Row(cells))
    return dataclasses.replace(table, rows=rows)


def _column_numbers(row: Row) -> str | None:
    """Decide that a row numbers the columns: 'drop' for a row of 栏次 and the numbers 1, 2, 3 …
    only ('栏次 | | 1 | 2 | 3'), 'header' for such numbers under header words of their own
    ('功能分类科目编码 | 科目名称 | 1 | 2 | 3'); None for a row of figures
    (``flat_table_words.csv``: column_numbers, header, code_header).

    >>> _column_numbers(Row([Cell(t, 1) for t in ("栏次", "", "1", "2", "栏次", "3")]))
    'drop'
    >>> _column_numbers(Row([Cell(t, 1) for t in ("科目编码", "科目名称", "1", "2", "3")]))
    'header'
    >>> _column_numbers(Row([Cell(t, 1) for t in ("合计", "", "1", "2")])) is None
    True
    """
    texts = [compact(t) for t in row.texts if t and not is_missing(t)]
    numbers = [int(t) for t in texts if t.isdigit() and len(t) <= 2]
    words = [t for t in texts if not (t.isdigit() and len(t) <= 2)]
    if not numbers or not words:
        return None
    marks = _flat_words("column_numbers")
    runs_up = numbers[0] in (0, 1) and all(b - a == 1 for a, b in itertools.pairwise(numbers))
    if texts[0] in marks and all(w in marks for w in words):
        return "drop" if runs_up or len(set(numbers)) == len(numbers) else None
    headers = _flat_words("header") | _flat_words("code_header")
    if all(w in headers for w in words) and runs_up and len(numbers) >= 2:
        return "header"
    return None


def _without_column_numbers(rows: list[Row], ignored: list) -> list[Row]:
    """The rows of a table part without the numbers of its rows numbering the columns (栏次, left
    out and recorded as such): a row of them only is dropped, one under header words of its own
    becomes a header row."""
    kept = []
    for row in rows:
        kind = _column_numbers(row)
        if kind is None:
            kept.append(row)
            continue
        for cell in row.cells:
            if compact(cell.label).isdigit():
                ignored.append((cell.line, compact(cell.label), "栏次"))
        if kind == "header":
            kept.append(Row([Cell("" if compact(c.label).isdigit() else c.text, c.line) for c in row.cells]))
    return kept


def _looks_header(row: Row) -> bool:
    texts = [t for t in row.texts if t]
    if any(is_missing(t) for t in texts):
        return False  # '其他资金 | — | —': a row of placeholders, not a header
    if all(re.fullmatch(r"按.{1,8}分[:：]?", compact(t)) for t in texts):
        return False  # '按收入性质分 … 按支出性质分': group titles inside the data
    if all(funding_source(t) for t in texts):
        return False  # a breakdown by funding source, with its amounts (maybe all empty)
    return all(len(t) <= 20 for t in texts) and not re.match(r"^\d+[、.]", texts[0])


def _kv_rows(rows: list[Row], caption: str | None, ctx: ReportContext, out: list[dict], found: dict) -> None:
    """Rows of label-value pairs. A row of pairs naming funding sources (其中：中央财政 …, 县市区财政 …)
    under a row of pairs naming flows (计划安排资金, 实际到位资金, 实际支出, 结余) breaks each flow down
    by source: the k-th pair belongs to the k-th flow."""
    default_stage = (stage_of(compact(caption)) or (None, None))[0] if caption else None
    unit = declared_unit([caption or ""]) or "万元"
    flows: list[tuple[str, str]] = []  # (stage, item) of each pair of the last row of flows
    for row in rows:
        texts = row.texts
        pairs = [(texts[i], texts[i + 1]) for i in range(0, len(texts) - 1, 2)]
        sources = [funding_source(label) for label, _ in pairs]
        if flows and len(pairs) == len(flows) and all(sources):
            for k, ((label, value), src) in enumerate(zip(pairs, sources)):
                q = _number(value)
                if q is None:
                    continue
                line = row.cells[2 * k + 1].line
                stage, parent = flows[k]
                out.append(_rec(ctx, line, stage, src[0], src[1], parent, to_wan(q, unit)))
                ctx.place(line, q.text_value)
            continue
        row_flows = []
        for label, _value in pairs:
            hit = budget_item(label, strict=True, in_table=True)
            st = stage_of(compact(label))
            if hit:
                row_flows.append((st[0] if st else (default_stage or "决算"), hit[0]))
        if len(row_flows) == len(pairs) >= 2:
            flows = row_flows
        for i in range(len(texts) - 1):
            label, value = texts[i], texts[i + 1]
            q = _number(value)
            if q is None or _number(label) is not None:
                continue
            line = row.cells[i + 1].line
            staff = staff_category(label)
            if staff and q.unit in (None, "人") and float(q.value).is_integer():
                found["staff"].append({"report_id": ctx.doc.report_id, "org_unit": None, "category": staff[0],
                                       "category_raw": staff[1],
                                       "persons": int(q.value), "raw": value, "source": ctx.source(line)})
                ctx.place(line, q.text_value)
                continue
            asset = asset_item(label)
            if asset:
                found["assets"].append({"report_id": ctx.doc.report_id, "item": asset[0], "item_raw": asset[1],
                                        "amount_wan": to_wan(q, declared_unit([label]) or unit), "raw": value,
                                        "source": ctx.source(line)})
                ctx.place(line, q.text_value)
                continue
            hit = budget_item(label, strict=True, in_table=True)
            parent = None
            if hit is None and ctx.scope_at(row.line) != DEPARTMENT_SCOPE and funding_source(label):
                hit, parent = funding_source(label), "支出合计"  # a project's '其中：中央补助 | 3,850.00'
            if hit is None or is_total_label(label) or is_bare_total(label) or _FUND_FIGURE.search(compact(label)):
                continue  # (a bare '合计', '总额' names no item: an allocation table's total is no budget)
            st = stage_of(compact(label))
            stage = st[0] if st else (default_stage or "决算")
            item, raw = hit
            u = declared_unit([label]) or unit
            out.append(_rec(ctx, row.cells[i + 1].line, stage, item, raw,
                            parent if parent is not None else clean_parent("", item), to_wan(q, u)))
            ctx.place(row.cells[i + 1].line, q.text_value)


def _labelled_between(texts: list[str], j: int) -> bool:
    """True when a cell between a row's label and its cell ``j`` names an item or a funding
    source of its own: the row is a line of label-value pairs, not a label and its values."""
    seen_value = False
    for k in range(1, j):
        t = texts[k]
        if not t or is_missing(t):
            continue
        if _number(t) is not None:
            seen_value = True
        elif seen_value and (funding_source(t) or budget_item(t, strict=True, in_table=True)):
            return True  # a label after a value: the pairs go on
    return False


def funding_source(label: str) -> tuple[str, str] | None:
    """The funding source a label names: '其中：县市区财政' → ('县级财政资金', '县市区财政').

    Examples
    --------
    >>> funding_source("其中：中央财政"), funding_source("资金来源：中央补助资金"), funding_source("局机关")
    (('中央财政资金', '中央财政'), ('中央财政资金', '中央补助资金'), None)
    """
    text = _group_prefix_re().sub("", compact(label))
    syn = vocab.synonyms("funding_sources", "source")
    return (syn[text], text) if text in syn else None


@functools.cache
def _group_prefix_re() -> re.Pattern[str]:
    """A group word before a label's colon ('其中：', '资金来源：'; ``context_words.csv``, kind
    group_prefix): the label is what follows. 其中 needs no colon."""
    words = sorted((r["word"] for r in vocab.load("context_words") if r["kind"] == "group_prefix"),
                   key=len, reverse=True)
    return re.compile("^(?:其中[:：]?|(?:" + "|".join(map(re.escape, words)) + ")[:：])")


def _rec(ctx, line, stage, item, raw, parent, amount, funding=None, scope=None):
    return {
        "report_id": ctx.doc.report_id, "scope": scope or ctx.scope_at(line), "stage": stage, "item": item,
        "item_raw": raw, "parent": parent, "funding": funding, "amount_wan": amount, "source": ctx.source(line),
    }


def funding_of(label: str) -> str | None:
    """The funding a column or row label restricts its figures to: '财政拨款一基本支出' → '财政拨款'.

    Examples
    --------
    >>> funding_of("财政拨款一基本支出"), funding_of("基本支出"), funding_of("财政拨款")
    ('财政拨款', None, None)
    """
    m = _funding_re().match(compact(label))
    return vocab.synonyms("funding_kinds", "funding")[m.group(1)] if m else None


@functools.cache
def _funding_re() -> re.Pattern[str]:
    """A funding word (``vocab/funding_kinds.csv``) at the start of a longer label."""
    return re.compile(rf"^({vocab.alternation('funding_kinds').pattern})[一—\-－]?(?=.)")


def _halves(header: list[Row], data: list[Row]) -> list[tuple[list[Row], list[Row]]]:
    """A table printed twice side by side ('项目 行次 金额 项目 行次 金额', as in 收入支出决算总表)
    as two tables; any other table as itself."""
    last = header[-1].texts
    p = len(last) // 2
    if not (p >= 2 and len(last) == 2 * p and last[:p] == last[p:] and any(last[:p])):
        # '项目 行次 金额 | 项目 行次 合计 一般公共预算财政拨款 …' (财政拨款收入支出决算总表): the
        # second half, wider, starts where the first's label header comes again after a 行次
        p = next((j for j in range(2, len(last)) if last[0] and last[j] == last[0]
                  and compact(last[1]) in _ROW_NUMBER_WORDS and last[j + 1:j + 2] == last[1:2]), 0)
        if not p:
            return [(header, data)]
    split = lambda rows, a, b: [Row(r.cells[a:b]) for r in rows]
    return [([_half_header(r, 0, p, len(last)) for r in header], split(data, 0, p)),
            ([_half_header(r, 1, p, len(last)) for r in header], split(data, p, len(last)))]


def _half_header(row: Row, half: int, p: int, width: int) -> Row:
    """The cells of a header row over one half (0: the columns before ``p``, 1: from ``p``) of a
    table printed twice side by side. A row narrower than the table with two labels ('收入 | |
    支出 |', tabs of a merged cell lost) gives each half its own label, which heads the whole half."""
    labelled = [c for c in row.cells if c.text.strip()]
    if len(row.cells) < width and len(labelled) == 2:
        return Row([labelled[half]])
    return Row(row.cells[:p] if half == 0 else row.cells[p:])


_TOTAL_ITEMS = ("收入合计", "支出合计")
_SHARE_HEADER = vocab.words_pattern("<<share_header>>")  # a column of shares or differences, in percent
_SHARE_ROW = vocab.words_pattern("<<share_row>>")
_CHANGE_REASON = "变动额（增减），不是金额本身"
_OTHER_YEAR_REASON = "其他年度的数字"


class _Column(NamedTuple):
    """What a grid column's header path decides for the numbers under it."""

    item: tuple[str, str] | None  # (item, words) the leaf header names
    stage: str | None
    parent: str  # the items the group headers above name, joined by '/'
    share: bool  # a column of shares or differences (占比, 差异率)
    path: list[str]
    asset: tuple[str, str] | None
    funding: str | None
    group_item: tuple[tuple[str, str], str] | None  # (item, parent) a group over a stage column names
    ignored: str | None  # why the column's numbers are no amounts (a change, another year's)


class _RowLabel(NamedTuple):
    """What a grid row's label decides: the item or the stage it names, a share, or an entity."""

    item: tuple[str, str] | None
    stage: tuple[str, str] | None
    share: bool
    entity: bool  # names no item, stage or share: a unit, a project, a funding source, a total


class _Grid(NamedTuple):
    """A grid's columns and what its caption and context decide for all of its rows."""

    caption: str | None
    width: int
    paths: list[list[str]]
    cols: list[_Column]
    unit: str
    ctx_stage: str | None
    ctx_parent: str
    topic: tuple[tuple[str, str], str] | None
    row_number_cols: set[int]
    score_cols: dict[int, str]
    rate_col: int | None
    totals_rows: list[Row]
    name_col: int | None
    stage_cols: list[int]
    funding: str | None = None  # the funding the table's title restricts all of it to ('财政拨款收入支出决算总表')


class _Placement(NamedTuple):
    """The stage, item and parent a grid's number is recorded under; ``project`` for a row of
    a table of projects (its scope is the project named in the row)."""

    stage: str | None
    item: tuple[str, str] | None
    parent: str
    project: bool = False


def _column_stage(path: list[str], leaf: list[str], defined: dict[str, str]) -> str | None:
    """Decide a column's stage: the lowest header naming one, else a stage the form's note gives its leaf."""
    stage = None
    for p in path:
        st = stage_of(compact(p))
        if st:
            stage = st[0]
    if stage is None and leaf:
        stage = defined.get(_bare_header(leaf[-1]))  # '批复金额（元）' with '注：批复金额为年度调整后预算数'
    return stage


def _column_item(path: list[str], leaf: list[str], named: list[tuple[str, str]]
                 ) -> tuple[tuple[str, str] | None, str]:
    """Decide a column's (item, parent): the leaf header's item under the group headers' items;
    a 小计 under an item is that item, under 支出 the expenditure total."""
    item = budget_item(leaf[-1], strict=True, in_table=True) if leaf else None
    parent = "/".join(h[0] for h in named)
    subtotal = bool(leaf) and compact(leaf[-1]) == "小计"
    if item and subtotal and ((item[0] == "收入合计" and "支出" in path) or compact(path[0]) == "支出"):
        item = ("支出合计", leaf[-1])
    if subtotal and named:
        # '基本支出 / 小计': the subtotal of the item above it is that item
        item = (named[-1][0], leaf[-1])
        parent = "/".join(h[0] for h in named[:-1])
    if item and item_category(item[0]) == "收入" and any(compact(p) == "支出" for p in path):
        # on the 支出 side ('支出 / 合计', '支出 / 一般公共预算财政拨款'): the expenditure total, or
        # the funding the column restricts the expenditure to (:func:`_column_funding`), no income
        item = ("支出合计", leaf[-1]) if is_total_label(leaf[-1]) else None
    return item, parent


def _group_item(item: tuple[str, str] | None, leaf: list[str], named: list[tuple[str, str]]
                ) -> tuple[tuple[str, str], str] | None:
    """Decide the (item, parent) a group header names over a leaf naming only a stage
    ('收入合计 / 年初预算数'): the item of a total row under it."""
    if item is None and leaf and named and _only_stage(leaf[-1]):
        return named[-1], "/".join(h[0] for h in named[:-1])
    return None


def _column_funding(path: list[str], named: tuple[str, str] | None) -> str | None:
    """Decide the funding a column restricts its figures to ('财政拨款一基本支出'); none when the
    item the column names is that funding itself ('财政拨款收入 / 决算数')."""
    funding = next((f for f in map(funding_of, path) if f), None)
    if named and funding and named[0].startswith(funding):
        return None
    return funding


def _column_ignored(path: list[str], share: bool, fiscal_year) -> str | None:
    """Decide why a column holds no amounts: a change ('增减额', '比上年增减') or another year's
    figures ('2022年决算数' in a report on 2023); None for a column of amounts."""
    if _CHANGE_COLUMN.search("".join(path)) and not share:
        return _CHANGE_REASON
    if fiscal_year and names_other_year(" ".join(path), fiscal_year):
        return _OTHER_YEAR_REASON
    if any(compact(_REMARK.sub("", p)) in _flat_words("prior_column") for p in path):
        return _OTHER_YEAR_REASON  # '上年执行数' beside the year's own columns
    if any(w in p for p in path for w in _next_period_words()):
        return _OTHER_YEAR_REASON  # '下年度预算', '下一年度预算数': the year after's
    return None


@functools.cache
def _next_period_words() -> tuple[str, ...]:
    """Words naming the year after the report's (``context_words.csv``, kind next_period)."""
    return tuple(r["word"] for r in vocab.load("context_words") if r["kind"] == "next_period")


def _read_column(path: list[str], defined: dict[str, str], fiscal_year=None) -> _Column:
    """Decide what a grid column's header path (top to bottom) makes of the numbers under it."""
    leaf = [p for p in path if compact(p) not in _GROUPS]
    named = [h for h in (budget_item(p, strict=True, in_table=True) for p in leaf[:-1]) if h]
    item, parent = _column_item(path, leaf, named)
    stage = _column_stage(path, leaf, defined)
    share = any(_SHARE_HEADER.search(p) for p in path)
    group_item = _group_item(item, leaf, named)
    asset = asset_item(leaf[-1]) if leaf and not item else None
    funding = _column_funding(path, item or (group_item[0] if group_item else None))
    ignored = _column_ignored(path, share, fiscal_year)
    if ignored:
        item = stage = asset = group_item = None
    return _Column(item, stage, parent, share, path, asset, funding, group_item, ignored)


def _total_beside_expenditure(cols: list[_Column]) -> list[_Column]:
    """Decide that a bare 合计 column beside expenditure items only is the expenditure total."""
    items = [c.item[0] for c in cols if c.item]
    if "收入合计" not in items or not all(item_category(i) == "支出" for i in items if i != "收入合计"):
        return cols
    return [c._replace(item=("支出合计", c.item[1])) if c.item and c.item[0] == "收入合计"
            and compact(c.item[1]) == "合计" else c for c in cols]


_UNIT_COLUMN_REASON = "下属单位（或本级）的数字，不是部门整体"


def _unit_columns(cols: list[_Column]) -> list[_Column]:
    """Decide that the columns naming one unit each ('合计 | 局机关 | XX事务中心') beside a 合计
    column hold the units' figures: only the 合计 column is the department's."""
    leaves = [compact(c.path[-1]) if c.path else "" for c in cols]
    units = [j for j, (c, leaf) in enumerate(zip(cols, leaves, strict=True))
             if j and leaf and not (c.asset or c.ignored or c.share) and leaf.endswith(vocab.word_list("unit_column_end"))
             and not is_total_label(leaf) and not stage_of(leaf) and not budget_item(leaf, strict=True, in_table=True)]
    if not units or not any(is_total_label(leaf) for j, leaf in enumerate(leaves) if j and j not in units):
        return cols  # (no unit's column, or no total beside them: most grids)
    return [c._replace(item=None, stage=None, group_item=None, ignored=_UNIT_COLUMN_REASON) if j in units else c
            for j, c in enumerate(cols)]


def _read_row_label(label: str) -> _RowLabel:
    """Decide what a grid row's label names: an item, a stage ('一般公共预算财政拨款' names an item,
    not the stage 预算), a share, or none of them (an entity)."""
    item = budget_item(label, strict=True, in_table=True)
    stage = stage_of(compact(label)) if not item or is_stage_word(item[1]) else None
    if stage:
        item = None
    share = bool(_SHARE_ROW.search(label))
    return _RowLabel(item, stage, share, item is None and stage is None and not share)


def _context_stage(caption: str | None, table: Table, ctx: ReportContext) -> str | None:
    """Decide the stage a grid's caption or the line above it gives all of its amounts."""
    stage = None
    for t in [caption or ""] + [t.text for t in table.context[-1:]]:
        st = stage_of(compact(t))
        if st:
            stage = st[0]
    if stage is None and _is_target_table(ctx):
        stage = "年初预算"  # the amounts of a 绩效目标表 (targets only) are the initial budget
    return stage


def _read_grid(header: list[Row], data: list[Row], caption: str | None, table: Table,
               ctx: ReportContext) -> _Grid:
    """The columns of a grid and what its caption, context and header decide for its rows."""
    width = max(len(r.cells) for r in data)
    paths = column_paths([r.texts for r in header], width)
    context_texts = [caption or ""] + [t.text for t in table.context]
    # the unit a caption or the lines above declare, else the header's own ('项目资金（元）')
    unit = declared_unit(context_texts) or declared_unit([t for r in header for t in r.texts]) or "万元"
    topic_item = mentioned_item(_after_funding(caption), in_table=True) if caption else None
    defined = _defined_stages(ctx)
    cols = _unit_columns(_total_beside_expenditure([_read_column(path, defined, ctx.fiscal_year) for path in paths]))
    return _Grid(
        caption=caption, width=width, paths=paths, cols=cols, unit=unit, ctx_stage=_context_stage(caption, table, ctx),
        ctx_parent=_detailed_item(table), topic=(topic_item, caption) if topic_item else None,
        # a column of row numbers (行次, 栏次) holds no amounts
        row_number_cols={j for j, p in enumerate(paths) if p and compact(p[-1]) in _ROW_NUMBER_WORDS},
        # 分值/得分 beside the budget (the national forms' 预算执行率 indicator), and their 执行率
        score_cols={j: _score_role(p[-1]) for j, p in enumerate(paths) if p and _score_role(p[-1])},
        rate_col=next((j for j, p in enumerate(paths) if p and _REMARK.sub("", compact(p[-1])).endswith("执行率")),
                      None),
        totals_rows=[r for r in data if mentions_total(r.texts[0] if r.texts else "")],
        name_col=_project_name_column(paths, caption),
        stage_cols=[j for j, c in enumerate(cols) if c.stage],
        funding=_table_funding(context_texts[:1] + context_texts[-3:]),
    )


_TABLE_NUMBER = re.compile(r"^(?:附?表[一二三四五六七八九十\d]+[-—.．、:：]?\d*|公开\d+表)")
_TABLE_NUMBER_SHORT = re.compile(r"^(?:附?表[一二三四五六七八九十\d]+?[-—.．、:：]?|公开\d+表)")  # '表七' of '表七一般…'


def _funded_title(text: str) -> tuple[str, str] | None:
    """(title, funding) of a table title that starts with a funding word once its table number is
    dropped ('表七一般公共预算财政拨款“三公”经费支出决算表': the number is 表七, not 表七一)."""
    c = compact(text or "")
    for title in (_TABLE_NUMBER.sub("", c), _TABLE_NUMBER_SHORT.sub("", c)):
        if title.endswith("表") and funding_of(title):
            return title, funding_of(title)
    return None


def _after_funding(caption: str) -> str:
    """A table title without the funding words that restrict it ('一般公共预算财政拨款“三公”经费
    支出决算表' → '“三公”经费支出决算表'): what is left names the table's topic, not the funding.

    >>> _after_funding("表七 一般公共预算财政拨款“三公”经费支出决算表"), _after_funding("收入支出决算表")
    ('“三公”经费支出决算表', '收入支出决算表')
    """
    funded = _funded_title(caption)
    if funded is None:
        return caption
    rest = funded[0]
    while m := _funding_re().match(rest):  # ('一般公共预算' then '财政拨款')
        rest = rest[m.end():]
    return rest


def _table_funding(titles: list[str]) -> str | None:
    """Decide the funding a table's title restricts all of its figures to: '财政拨款收入支出决算总表',
    '表六 一般公共预算财政拨款基本支出决算表' (``funding_kinds.csv``); None for the department's
    tables ('收入支出决算总表') and for lines that are no table title.

    >>> _table_funding(["公开04表", "财政拨款收入支出决算总表", "公开04表"]), _table_funding(["收入支出决算总表"])
    ('财政拨款', None)
    """
    return next((funded[1] for funded in map(_funded_title, titles) if funded), None)


@functools.cache
def _region_row_re() -> re.Pattern[str]:
    """A row label that is a bare place (禾丰县, 澄州市小计, 澄州市本级, 红岭州): a row of money
    allocated to a region (``vocab/place_suffixes.csv``), not an item of the department's budget."""
    suffixes = "|".join(re.escape(w) for w in sorted(
        (r["word"] for r in vocab.load("place_suffixes") if r["level"] in ("province", "city", "county")),
        key=len, reverse=True))
    return re.compile(rf"^[\u4e00-\u9fff]{{1,8}}?(?:{suffixes})(?:{vocab.any_word('region_total_suffix')})?$")


def _allocates_to_regions(data: list[Row]) -> bool:
    """Decide that a grid lists money by region (a 分配表 of a higher government's notice, a
    province's table by county): two rows or more, and most of the labelled ones, are bare places.

    >>> rows = [Row([Cell(t, 1)]) for t in ("合计", "澄州市小计", "禾丰县", "乌蒙县")]
    >>> _allocates_to_regions(rows), _allocates_to_regions(rows[:2])
    (True, False)
    """
    labels = [compact(r.texts[0]) for r in data if r.texts and r.texts[0]]
    regions = sum(1 for label in labels if _region_row_re().match(label))
    return regions >= 2 and regions * 2 > len(labels)


def _row_named(row: Row) -> str:
    """The name a row is labelled with: its first cell, or its second after a sequence number."""
    texts = [compact(t) for t in row.texts[:2]]
    if len(texts) == 2 and re.fullmatch(r"\d{1,3}", texts[0] or ""):
        return texts[1]
    return texts[0] if texts else ""


def _lists_departments(data: list[Row]) -> bool:
    """Decide that a grid lists several departments, one per row (a finance bureau's summary of
    the departments' results: '县人力资源和社会保障局 | 2,846.50 | …', '县医疗保障局 | …'): three
    rows or more, and most of the named ones, name a government body (``word_lists.csv``:
    government_body), each a different one. A department's own units (局机关, XX中心) are not.

    >>> rows = [Row([Cell(str(i), 1), Cell(t, 1)]) for i, t in enumerate(("县民政局", "县卫生健康委员会", "县医疗保障局"))]
    >>> _lists_departments(rows), _lists_departments(rows[:2])
    (True, False)
    """
    names = [n for n in (_row_named(r) for r in data) if n and not is_total_label(n)]
    bodies = {n for n in names if n.endswith(vocab.word_list("government_body"))}
    return len(bodies) >= 3 and len(bodies) * 2 > len(names)


def _grid(header: list[Row], data: list[Row], caption: str | None, table: Table, ctx: ReportContext,
          out: list[dict], rates: list[dict], found: dict) -> None:
    """Record the amounts, rates, assets and execution indicator of a grid (header rows over data rows)."""
    reason = ("按地区分列的资金（分配表），不是本部门的预算" if _allocates_to_regions(data)
              else "按部门分列的多个部门的数字（汇总表），不是本部门的预算" if _lists_departments(data) else None)
    if reason:
        for row in data:
            _ignore_row(row, found["ignored"], reason)
        return
    g = _read_grid(header, data, caption, table, ctx)
    if _codes_subjects(g.paths):
        data = _without_subject_rows(data, found["ignored"])
    data = _total_unit_blocks(g.paths, data, found["ignored"])
    if g.stage_cols:
        data = [half for row in data for half in _side_by_side(row, g.stage_cols[0], len(g.stage_cols))]
    for k, row in enumerate(data):
        _grid_row(g, data, k, ctx, (out, rates, found))


def _total_unit_blocks(paths: list[list[str]], data: list[Row], ignored: list) -> list[Row]:
    """The rows of a grid by unit ('单位名称 | 支出类别 | …': '合计 | 支出合计 | …', then '局机关 |
    支出合计 | …' and its rows with a blank first cell) without the units' blocks: a unit's name
    runs down its block, and only a total's block (合计, 汇总) is the department's. A grid without
    such a first column, or with no total block, is left as it is."""
    if not paths or not paths[0] or compact(paths[0][-1]) not in _flat_words("unit_column"):
        return data
    units, unit = [], ""
    for row in data:
        first = row.texts[0] if row.texts else ""
        if first and _number(first) is None:
            unit = first
        units.append(unit)
    if not any(is_total_label(u) or mentions_total(u) for u in units):
        return data
    kept = []
    for row, u in zip(data, units):
        if is_total_label(u) or mentions_total(u):
            kept.append(row)
            continue
        _ignore_row(row, ignored, "下属机构（或明细）行，只取汇总行")
    return kept


def _ignore_row(row: Row, ignored: list, reason: str) -> None:
    """Record the figures of a row left out on purpose (after its label), with the reason."""
    for cell in row.cells[1:]:
        q = _number(cell.label)
        if q is not None:
            ignored.append((cell.line, q.text_value, reason))


def _codes_subjects(paths: list[list[str]]) -> bool:
    """Decide that a grid's first column holds subject codes: a header above it names them
    (功能分类科目编码, 科目编码; ``flat_table_words.csv``, code_header)."""
    words = _flat_words("code_header")
    return any(compact(p) in words for path in paths[:1] for p in path)


def _without_subject_rows(data: list[Row], ignored: list) -> list[Row]:
    """The rows of a grid by subject (收入决算表, 支出决算表) without the rows labelled by a subject
    code ('2101501 | 行政运行 | 1,102.62'): they split the 合计 row by subject and are no budget
    item of the department; their numbers are recorded as deliberately left out.

    >>> rows = [Row([Cell(t, 1) for t in r]) for r in (("合计", "", "9.5"), ("2101501", "行政运行", "9.5"))]
    >>> [r.texts[0] for r in _without_subject_rows(rows, [])]
    ['合计']
    """
    kept = []
    for row in data:
        first = compact(row.texts[0]) if row.texts else ""
        if not (first.isdigit() and 3 <= len(first) <= 9):
            kept.append(row)
            continue
        _ignore_row(row, ignored, "按科目分列的明细行，只取合计行")
    return kept


def _is_sub_unit_row(g: _Grid, row: Row, label: str, rl: _RowLabel) -> bool:
    """Decide that a row is one unit of the department ('局机关', 'XX中心') in a grid that has a
    total row: only the total row is read."""
    return bool(rl.entity and g.totals_rows and row not in g.totals_rows and _ORG_ROW.search(label))


def _grid_row(g: _Grid, data: list[Row], k: int, ctx: ReportContext, sinks: tuple[list, list, dict]) -> None:
    """Record the figures of row ``k`` of a grid."""
    found = sinks[2]
    row = data[k]
    texts = row.texts + [""] * (g.width - len(row.texts))
    label = _row_label(texts)
    first = 1
    if len(data) == 1 and g.topic and not label and _number(texts[0]) is not None and 0 not in g.row_number_cols \
            and not any(t and _number(t) is None for t in texts[1:]):
        # the one row of figures of a table about an item, without a label ('86,000.00 | 0.00 | …'
        # under 合计 | 因公出国（境）费 | …, a 三公经费 table): the table's own row, from its first cell;
        # not a row numbered in a 序号 column, nor one with a name among its figures
        label, first = "合计", 0
    rows_total = _total_of_rows(_block(data, k)) if is_total_label(label) or is_bare_total(label) else None
    rl = _read_row_label(label)
    if _is_sub_unit_row(g, row, label, rl):
        _ignore_row(row, found["ignored"], "下属机构（或明细）行，只取汇总行")
        return
    is_total_row = (rl.item and rl.item[0] in _TOTAL_ITEMS) or is_total_label(label)
    if g.score_cols and is_total_row and any(_number(texts[j]) for j in g.score_cols):
        found["indicators"].append(_grid_execution(g, ctx, row, texts))
    for j in range(first, g.width):
        _grid_cell(g, ctx, row, texts, j, label, rl, rows_total, sinks)


def _grid_execution(g: _Grid, ctx: ReportContext, row: Row, texts: list[str]) -> dict:
    """The 预算执行率 indicator of a grid's total row with 分值/得分 columns."""
    name = g.paths[0][0] if g.paths and g.paths[0] else g.caption  # '项目资金（万元）', the block's own label
    rec = _execution_indicator(ctx, row, texts, g.score_cols, g.rate_col, name)
    if "weight" not in g.score_cols.values():
        rec["weight"] = _block_points((g.paths[0] if g.paths else [])
                                      + [p[-1] for j, p in enumerate(g.paths) if j in g.score_cols])
    return rec


def _cell_kind(g: _Grid, col: _Column, rl: _RowLabel, j: int, q: Quantity) -> str:
    """Decide what a number in column ``j`` of a grid is: 'row number' (行次), 'ignored' (a change,
    another year's), 'skip' (a figure under 执行率 that is no rate), 'asset', 'rate' or 'budget'."""
    if j in g.row_number_cols:
        return "row number"
    if col.ignored:
        return "ignored"
    if g.stage_cols and not col.stage and not col.item and not col.asset and j == g.rate_col and q.unit != "%":
        return "skip"  # a second item's figure, not guessed
    if col.asset and not rl.item and not rl.stage:
        return "asset"
    if rl.share or col.share or q.unit == "%":
        return "rate"
    return "budget"


def _grid_cell(g: _Grid, ctx: ReportContext, row: Row, texts: list[str], j: int, label: str, rl: _RowLabel,
               rows_total: str | None, sinks: tuple[list, list, dict]) -> None:
    """Record the number of cell ``j`` of a grid's row, if it is one."""
    out, rates, found = sinks
    cell_text = texts[j]
    q = _number(cell_text)
    if q is None or j in g.score_cols:
        return
    if _labelled_between(texts, j):
        return  # 'A | 500 | 其中：中央补助 | 300': the 300 is not A's (label-value pairs)
    col = g.cols[j]
    line = row.cells[j].line if j < len(row.cells) else row.line
    kind = _cell_kind(g, col, rl, j, q)
    if kind == "row number":
        found["ignored"].append((line, q.text_value, "行次"))
    elif kind == "ignored":
        found["ignored"].append((line, q.text_value, col.ignored))
    elif kind == "asset":
        found["assets"].append({"report_id": ctx.doc.report_id, "item": col.asset[0], "item_raw": col.asset[1],
                                "amount_wan": to_wan(q, g.unit), "raw": cell_text, "source": ctx.source(line)})
        ctx.place(line, q.text_value)
    elif kind == "rate":
        name_row = label if not rl.item else rl.item[0]
        name = f"{name_row}{_REMARK.sub('', ''.join(col.path[-1:]))}"  # ('执行率（B/A）': 执行率)
        rates.append({"report_id": ctx.doc.report_id, "scope": ctx.scope_at(line), "name": name,
                      "value_pct": q.value, "raw": cell_text, "source": ctx.source(line)})
        ctx.place(line, q.text_value)
    elif kind == "budget":
        _grid_amount(g, ctx, line, q, label, _place_number(g, col, rl, label, texts, j, rows_total), col, out)


def _grid_amount(g: _Grid, ctx: ReportContext, line: int, q: Quantity, label: str, placed: _Placement,
                 col: _Column, out: list[dict]) -> None:
    """Record a grid's amount where :func:`_place_number` placed it."""
    if placed.item is None:
        return
    amount = to_wan(q, g.unit)
    if placed.project:
        if amount is None:
            return
        out.append(_rec(ctx, line, placed.stage, placed.item[0], placed.item[1], placed.parent, amount,
                        scope=project_name(placed.item[1])))
        ctx.place(line, q.text_value)
        return
    if amount is None or _FUND_FIGURE.search(compact(label)):
        return  # no money unit ('单位：人（次）'), or a fund's figure ('基金累计结余'): no budget row
    out.append(_rec(ctx, line, placed.stage, placed.item[0], placed.item[1],
                    _record_parent(placed.parent, placed.item[0], label), amount,
                    col.funding or funding_of(label) or _funding_of_table(g, placed.item[0])))
    ctx.place(line, q.text_value)


def _funding_of_table(g: _Grid, item: str) -> str | None:
    """The funding a table's title gives an item of it: none for the item naming that funding
    itself (财政拨款收入) and for the 三公 figures, which the 决算 publishes of 财政拨款 only and
    records as the department's."""
    if not g.funding or item.startswith(g.funding) or item_category(item) == "三公":
        return None
    return g.funding


def _record_parent(parent: str, item: str, label: str) -> str:
    """Decide the parent recorded for an item: the placed parent under its own standard parent
    ('人员经费' → '基本支出/人员经费'), without totals; but '支出合计' for a row naming a funding
    source (totals are never parents, but of a breakdown by funding source: the flow it breaks down)."""
    if parent:
        std = item_parent(parent.split("/")[0])
        if std and not parent.startswith(std):
            parent = f"{std}/{parent}"
    return parent if parent == "支出合计" and funding_source(label) else clean_parent(parent, item)


def _place_number(g: _Grid, col: _Column, rl: _RowLabel, label: str, texts: list[str], j: int,
                  rows_total: str | None) -> _Placement:
    """Decide the stage, item and parent of a grid's amount from its row label and its column:
    a row naming a stage takes the column's item; a row naming an item, the column's stage."""
    col_item = col.item if col.item and col.item[0] not in _TOTAL_ITEMS else None
    # ('总额': the total of what the table is about, as '合计' is)
    bare_total = is_total_label(label) or is_bare_total(label) or (rl.entity and mentions_total(label))
    if rl.stage:
        return _Placement(rl.stage[0], col.item, col.parent)
    stage = col.stage or g.ctx_stage or "决算"
    if rl.item and not bare_total:
        return _Placement(stage, rl.item,
                          "/".join(x for x in (col.parent, col_item[0] if col_item else g.ctx_parent) if x))
    if col_item:
        return _Placement(stage, col_item, col.parent)
    return _place_unnamed(g, col, rl, label, texts, rows_total, bare_total, stage)


def _place_unnamed(g: _Grid, col: _Column, rl: _RowLabel, label: str, texts: list[str], rows_total: str | None,
                   bare_total: bool, stage: str) -> _Placement:
    """Decide the item (and parent) of an amount whose row names no item and whose column names no
    item but a total (or nothing): a total row, a project's row, a funding source's, or none."""
    grand = _grand_total(col, label)
    if grand:
        return _Placement(stage, (grand, label), "")
    if bare_total and col.group_item:
        # the 汇总 row under '支出合计 | 基本支出 …' over stage columns: the group's item
        # (a row naming no item, '绩效工资' under '人员经费 / 决算数', is not guessed)
        return _Placement(stage, *col.group_item)
    if bare_total and g.ctx_parent:
        return _Placement(stage, (g.ctx_parent, label), col.parent)
    if bare_total and col.stage and rows_total and (is_total_label(label) or is_bare_total(label)):
        return _Placement(stage, (rows_total, label), col.parent)  # '合计' above 基本支出, 项目支出: their total
    if rl.entity and col.stage and g.name_col is not None and texts[g.name_col] \
            and (not col.item or col.item[0] in _TOTAL_ITEMS):
        # a table of projects ('项目 | 批复金额 | 实际支出金额'): each row a project's funds
        return _Placement(col.stage, ("支出合计", texts[g.name_col]), "", project=True)
    if rl.entity and (col.stage or g.ctx_stage) and funding_source(label):
        # '其中：中央财政资金' of a project form: a funding source of the year's money
        return _Placement(stage, (funding_source(label)[0], label), "支出合计")
    return _Placement(stage, _total_column_item(g, col, bare_total), col.parent)


def _grand_total(col: _Column, label: str) -> str | None:
    """Decide the item of a '总计' row (``flat_table_words.csv``, grand_total) under a side's header
    (收入 | 支出 of a 收入支出决算总表): 收入总计 or 支出总计, the totals with the carry-overs, not the
    year's 收入合计; None elsewhere.

    >>> col = _read_column(["收入", "决算数"], {})
    >>> _grand_total(col, "总计"), _grand_total(col, "合计")
    ('收入总计', None)
    """
    if compact(label) not in _flat_words("grand_total"):
        return None
    side = next((compact(p) for p in col.path if compact(p) in _flat_words("side")), None)
    return f"{side}总计" if side else None


def _total_column_item(g: _Grid, col: _Column, bare_total: bool) -> tuple[str, str] | None:
    """Decide the item of an amount under a column naming a total (or nothing) in a row naming
    none: the column's total, or the table's topic for a total row; None when not certain."""
    item = col.item
    if item and col.stage and item[0] in _TOTAL_ITEMS and not bare_total:
        return None  # '实际支出数' names a stage: a row it cannot name ('其中：医疗救助资金') is left
    if item and (not bare_total or not g.topic):
        return item
    if g.topic and bare_total and col.stage and all(
            is_total_label(p) or is_bare_total(p) or stage_of(compact(p)) for p in col.path):
        return g.topic  # (not under '公务用车购置及运行费 / 小计' or an unknown part: that part's own figure)
    return None


# '医保基金收支情况表', '基金运行情况', a header '基金收入': a table of an insurance fund ('政府性基金'
# is a kind of budget; '医疗保障基金监管专项经费' a project)
_FUND_TABLE = vocab.words_pattern(r"(?<!政府性)(?<!政府)基金(?=<<fund_table_word>>|$|[（(])")
# schemes that name a fund's rows; 在职/退休 also split staff and 医疗救助 is a programme with its own budget
_NOT_FUND_ROWS = frozenset({"职工医保在职", "职工医保退休", "医疗救助"})
_HEADER_CELL_MAX = 16


def _names_a_fund(caption: str | None, header: list[Row], data: list[Row]) -> bool:
    """True for a table of an insurance fund, whose figures are no department budget: its
    caption or a header cell names a fund's figures ('医保基金收支情况表'), or a row or header
    cell is a scheme ('职工医保', '城乡居民基本医疗保险')."""
    cells = [t for r in header for t in r.texts if t and len(compact(t)) <= _HEADER_CELL_MAX]  # (not a sentence)
    if any(_FUND_TABLE.search(compact(t)) for t in [caption or ""] + cells):
        return True
    labels = cells + [_row_label(r.texts) for r in data]
    for label in labels:
        scheme, rest = scheme_of_label(label) if label else (None, "")
        if scheme and not rest and scheme not in _NOT_FUND_ROWS:
            return True
    return False


_FUND_FIGURE = vocab.words_pattern(r"^(?:<<fund_figure_prefix>>)?基金")  # '基金累计结余': the insurance fund's, not the budget's
_ANY_REMARK = re.compile(r"[（(][^（）()]{1,15}[)）]$")  # '得分（20分*执行率）'
_BLOCK_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")  # '预算执行情况（万元）（20分）'


def _score_role(label: str) -> str | None:
    """'weight' or 'score' for a 分值/得分 column beside the funds, whatever its remark in brackets."""
    role = indicator_role(label)
    if role is None:
        role = indicator_role(_ANY_REMARK.sub("", compact(label)))
    return role if role in ("weight", "score") else None


_NOTE = vocab.words_pattern(r"^\s*(?:<<table_note_label>>)\s*[0-9]*\s*[:：.、]")
_DEFINITION = vocab.words_pattern(r"(?P<word>[\u4e00-\u9fffA-Za-z（）()]{2,12}?)(?:<<definition_copula>>)(?P<meaning>[^。；;，,]{2,24})")


def _only_stage(label: str) -> bool:
    """True for a header naming a stage and nothing else: '年初预算数', '决算数（万元）'."""
    bare = _bare_header(label)
    st = stage_of(bare)
    return st is not None and bare.replace(st[1], "", 1) in ("", "数", "金额", "额")


def _bare_header(label: str) -> str:
    """A column header without its remark or unit in brackets: '批复金额（元）' → '批复金额'."""
    return _ANY_REMARK.sub("", compact(label))


@functools.lru_cache(maxsize=256)
def _defined_stages_of(lines: tuple[str, ...]) -> dict[str, str]:
    defined: dict[str, str] = {}
    for text in lines:
        if not _NOTE.match(text):
            continue
        for m in _DEFINITION.finditer(_NOTE.sub("", text)):
            st = stage_of(compact(m.group("meaning")))
            if st and stage_of(compact(m.group("word"))) is None:
                defined[_bare_header(m.group("word"))] = st[0]
    return defined


def _defined_stages(ctx: ReportContext) -> dict[str, str]:
    """Stages a form's own note gives its column headers ('注：批复金额为年度调整后预算数' →
    批复金额: 调整预算). Only header words that name no stage themselves are defined this way."""
    return _defined_stages_of(tuple(t.text for t in ctx.doc.text_lines))


def _project_name_column(paths: list[list[str]], caption: str | None) -> int | None:
    """The column of project names in a table listing projects with their funds: headed
    项目名称, or 项目 when it is not the first column (the first one is the grid's row labels).
    A procurement table's 项目名称 are purchases (the procurement table takes them)."""
    if "采购" in (caption or "") or any(path and "采购" in path[-1] for path in paths):
        return None
    for j, path in enumerate(paths):
        leaf = _bare_header(path[-1]) if path else ""
        if leaf == "项目名称" or (leaf == "项目" and j > 0):
            return j
    return None


def _in_block(row: Row) -> bool:
    label = _row_label(row.texts)
    return bool(label) and bool(is_total_label(label) or is_bare_total(label) or funding_source(label)
                                or budget_item(label, strict=True, in_table=True))


def _block(data: list[Row], k: int) -> list[Row]:
    """The rows around row ``k`` that name items, funding sources or totals: the block a total
    row sums ('总额' above '其中：财政资金', '单位资金' …), without the form's other rows."""
    lo, hi = k, k + 1
    while lo > 0 and _in_block(data[lo - 1]):
        lo -= 1
    while hi < len(data) and _in_block(data[hi]):
        hi += 1
    return data[lo:hi]


def _total_of_rows(data: list[Row]) -> str | None:
    """The total a bare '合计' row of a grid stands for: 支出合计 when every other row names an
    expenditure item (基本支出, 人员经费, 项目支出 …) or a funding source of a project (中央财政资金 …),
    收入合计 when every one names an income item."""
    cats = set()
    for row in data:
        label = _row_label(row.texts)
        if is_total_label(label) or is_bare_total(label):
            continue
        if funding_source(label):
            cats.add("来源")
            continue
        hit = budget_item(label, strict=True, in_table=True)
        if hit is None:
            return None
        cats.add(word_category(hit[1]) if word_category(hit[1]) == "来源" else item_category(hit[0]))
    if cats == {"支出"} or "来源" in cats and cats <= {"来源", "收入"}:
        return "支出合计"  # (a table of funding sources totals the project's funds, 资金总额)
    return "收入合计" if cats == {"收入"} else None


def _block_points(labels: list[str]) -> float | None:
    """The points a block's label gives the execution rate when no 分值 column does ('（20分）')."""
    for label in labels:
        m = _BLOCK_POINTS.search(label)
        if m:
            return float(m.group(1))
    return None


def _detailed_item(table: Table) -> str:
    """The item a table details, from the sentence above it ('…日常公用经费66.14万元…明细如下')."""
    from evalkit.quantities import find_quantities, fold

    for tl in reversed(table.context[-1:]):
        if "明细" not in tl.text:
            continue
        text = fold(tl.text)
        items = []
        for f in find_quantities(text):
            if f.quantity.kind != "money":
                continue
            start = f.start
            while start > 0 and text[start - 1] not in "，,；;：:、。":
                start -= 1
            hit = budget_item(text[start:f.start])
            if hit and hit[0] not in ("收入合计", "支出合计"):
                items.append(hit[0])
        if items:
            return items[-1]
    return ""


def _side_by_side(row: Row, value_start: int, n_stages: int) -> list[Row]:
    """A row holding two items side by side ('其中：一般公共预算财政拨款 850 950 930 其中：基本支出 700 720
    715'), as two rows: the second item's figures take the stage columns in order."""
    texts = row.texts
    inner = next((k for k in range(value_start + 1, len(texts)) if texts[k] and _number(texts[k]) is None
                  and not is_missing(texts[k]) and budget_item(texts[k], strict=True, in_table=True)), None)
    if inner is None or len(texts) - inner - 1 != n_stages:
        return [row]  # no second item, or its figures do not fill the stage columns: nothing guessed
    pad = [Cell("", row.line) for _ in range(value_start - 1)]
    return [Row(row.cells[:inner]), Row(pad + row.cells[inner:])]


def _row_label(texts: list[str]) -> str:
    """A row's label: its last text before the first number (the first cell may be a merged blank)."""
    label = ""
    for t in texts:
        if _number(t) is not None:
            break
        if t and not is_missing(t):
            label = t
    return label


def _execution_indicator(ctx: ReportContext, row: Row, texts: list[str], score_cols: dict[int, str],
                         rate_col: int | None, caption: str | None) -> dict:
    """The 预算执行率 indicator of a national form: 分值, 得分 and 执行率 beside the funds."""
    line = row.cells[min(score_cols)].line if min(score_cols) < len(row.cells) else row.line
    values = {role: texts[j] for j, role in score_cols.items()}
    if rate_col is not None:
        values["actual"] = texts[rate_col]
    rec = indicator_record(ctx, ctx.scope_at(line), caption or "", line, values)
    rec["level1"] = "预算执行率"
    for j in list(score_cols) + ([rate_col] if rate_col is not None else []):
        if j < len(row.cells):
            ctx.place_text(row.cells[j].line, texts[j])
    return rec


def _procurement_budget(ctx: ReportContext, totals) -> list[dict]:
    """The 合计 row of a procurement table (the procurement reader's part) is the department's
    政府采购: its budget column the 年初预算, its actual column the 决算."""
    out = []
    for total in totals:
        for stage, amount in (("年初预算", total.budget_wan), ("决算", total.actual_wan)):
            if amount is not None:
                out.append(_rec(ctx, total.line, stage, "政府采购", total.caption, None, amount))
    return out


def extract_tables(ctx: ReportContext) -> dict[str, list]:
    """Rows found in the tables of a report: budget, rates, staff, assets, procurement,
    enrollment and funds (statistics tables: :mod:`evalkit.extract.fund_tables`) and ``ignored``
    (line, number, reason) for numbers deliberately left out (sub-unit rows)."""
    out: list[dict] = []
    rates: list[dict] = []
    reader = ctx.owner
    ctx.owner = "fund_tables"  # (the ledger names the reader of each part: classify.py's owners)
    stats = read_fund_tables(ctx)  # a statistics table of the insurance is read there only
    ctx.owner = "procurement"
    procurement = extract_procurement(ctx)
    ctx.owner = reader
    found: dict[str, list] = {"staff": [], "assets": [], "ignored": list(stats.ignored), "indicators": [],
                              "enrollment": stats.enrollment, "funds": stats.funds}
    found["procurement"] = procurement.purchases
    out.extend(_procurement_budget(ctx, procurement.totals))
    for number, table in enumerate(ctx.doc.tables):
        if not ctx.table_map.owns_any(number, "tables"):
            continue  # (the tables classified once: classify.py)
        table = _spread_colspans(table)
        for caption, rows, _start in _parts(table, ctx.table_map.rows_owned_by_others(number, "tables")):
            rows = _without_column_numbers(rows, found["ignored"])
            h = 0
            while h < len(rows) and not _has_number(rows[h]):
                h += 1
            header, data = rows[:h], rows[h:]
            if not data:
                continue
            if _names_a_fund(caption, header, data):
                continue  # an insurance fund's table ('医保基金收支情况表', rows 职工医保/居民医保): no budget
            before = len(out) + len(rates) + len(found["assets"])
            if header and len(header[-1].cells) >= 2:
                for h, d in _halves(header, data):
                    _grid(h, d, caption, table, ctx, out, rates, found)
            if len(out) + len(rates) + len(found["assets"]) == before:
                _kv_rows(rows, caption, ctx, out, found)  # not a grid: pairs of label and value
    _line_forms(ctx, out, rates, found)
    _flattened_tables(ctx, out, found)
    return {"budget": out, "rates": rates, **found}


# ------------------------------------------------------------- funding blocks written as text lines
# A project form whose table structure did not survive the text extraction: the funding block's
# column headers (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分) on one line separated by
# spaces, each row ('年度资金总额： 1873.52 1873.52 100%') on a line of its own; or one cell per
# line, the headers one per line, then each row's label followed by its values.
_SPLIT_CELL = vocab.words_pattern(r"^\s*(?P<main>[\d,，.]+\s*(?:<<amount_unit>>)?)\s*[（(](?P<inner>[^（）()]+)[)）]\s*$")
_SOURCE_AMOUNT = vocab.words_pattern(r"^\s*(?P<label>[^\d]+?)\s*(?P<amount>[\d,.]+\s*(?:<<amount_unit>>)?)\s*$")  # '中央补助1,120万元'
_LABEL_END = re.compile(r"[:：]$")
_UNIT_LINE = vocab.words_pattern(r"^[（(]?(?:单位[:：])?(?:<<money_unit>>)[)）]?$")  # a line holding a unit only
_LINE_ROW = vocab.words_pattern(r"^(?P<label>[^\d]+?)[\s:：]*(?P<value>[\d,.]+\s*(?:<<money_unit>>)?)$")  # '年度资金总额：1986'


@functools.lru_cache(maxsize=4096)  # asked of every text line and every word of it
def _column_kind(token: str) -> tuple[str, str | None] | None:
    """What a header word of a funding block names: ('stage', 调整预算), ('weight'|'score'|'rate', None)."""
    c = compact(token)
    if not c or len(c) > 16 or re.search(r"\d", _ANY_REMARK.sub("", c)):
        return None
    role = _score_role(c)
    if role:
        return role, None
    if _ANY_REMARK.sub("", c).endswith("执行率"):
        return "rate", None
    st = stage_of(c)
    if st and (c == st[1] or _ANY_REMARK.sub("", c).endswith(("数", "预算", "支出", "金额"))):
        return "stage", st[0]
    return None


def _row_name(label: str) -> tuple[str, str, str] | None:
    """(item, words, parent) of a funding block's row label, or None for another line."""
    text = _LABEL_END.sub("", compact(label))
    src = funding_source(text)
    if src:
        return src[0], text, "支出合计"
    hit = budget_item(text, strict=True, in_table=True)
    if hit and not is_stage_word(hit[1]):
        return hit[0], text, ""
    return None


def _header_on_one_line(text: str) -> list[tuple[str, str | None, str]] | None:
    tokens = text.split()
    if len(tokens) < 3:
        return None  # (most lines: one word, no header)
    kinds = [_column_kind(t) for t in tokens]
    cols = [(k[0], k[1], t) for k, t in zip(kinds, tokens) if k]
    lead = [t for k, t in zip(kinds, tokens) if not k]
    stages = [c for c in cols if c[0] == "stage"]
    if len(stages) < 2 or len(lead) > 1 or (lead and tokens[0] != lead[0]):
        return None
    return cols


def _cell_values(text: str) -> list[tuple[str | None, Quantity]] | None:
    """The amounts of one value cell: [(None, amount)], or with a split by source inside it
    ('1,860万（中央补助1,120万元，省级补助480万元）') [(None, 1860), ('中央财政资金', 1120), …];
    [] for a placeholder ('—'); None for a cell that is no value."""
    if is_missing(text):
        return []
    m = _SPLIT_CELL.match(text)
    if not m or _number(m.group("main")) is None:
        q = _number(text)
        return [(None, q)] if q is not None else None
    values: list[tuple[str | None, Quantity]] = [(None, _number(m.group("main")))]
    for part in re.split(r"[，、；;]|,(?!\d)", m.group("inner")):
        pm = _SOURCE_AMOUNT.match(part)
        src = funding_source(pm.group("label")) if pm else None
        q = _number(pm.group("amount")) if pm else None
        if not src or q is None:
            return values[:1]  # a remark that is no split by source: the cell's own amount only
        values.append((src[0], q))
    return values


def _wrapped_row_name(lines: list, k: int) -> tuple[str | None, int]:
    """The row label starting at line ``k`` of a table written one cell per line, and the index
    after it: the line itself, or the line and the next when the label wrapped inside its cell
    ('人员' / '经费'); (None, k) for a line that starts no row."""
    if _row_name(lines[k].text) is not None:
        return lines[k].text, k + 1
    if k + 1 < len(lines) and len(compact(lines[k].text)) <= 4 and _number(lines[k].text) is None:
        joined = compact(lines[k].text) + compact(lines[k + 1].text)
        if _row_name(joined) is not None:
            return joined, k + 2
    return None, k


def _is_remark(lines: list, k: int) -> bool:
    """Decide that line ``k`` is the words of a 备注 cell after a row's figures: short words that
    start no row and are no value."""
    text = lines[k].text
    return (len(compact(text)) <= 20 and _cell_values(text) is None and _row_name(text) is None
            and _wrapped_row_name(lines, k)[0] is None and _column_kind(text) is None)


def _line_form_rows(lines: list, start: int, n_cols: int, one_per_line: bool,
                    remark: bool = False) -> tuple[list[tuple], int]:
    """The rows of a funding block after its header, as (label, [(line, value text)]), and the
    index of the first line after them; ``remark`` when a 备注 column follows the figures."""
    rows = []
    k = start
    while k < len(lines):
        line = lines[k]
        if one_per_line:
            label, k = _wrapped_row_name(lines, k)
            if label is None:
                break
            cells = []
            while k < len(lines) and len(cells) < n_cols and _row_name(lines[k].text) is None \
                    and _cell_values(lines[k].text) is not None:
                cells.append((lines[k].line, lines[k].text))
                k += 1
            if remark and k < len(lines) and len(cells) == n_cols and _is_remark(lines, k):
                k += 1  # the row's remark ('含离退休'), words in the 备注 column
            rows.append((label, cells))
            continue
        tokens = line.text.split()
        n_label = next((i for i, t in enumerate(tokens) if _cell_values(t) is not None), len(tokens))
        label = "".join(tokens[:n_label])
        if n_label == 0 or _row_name(label) is None or len(tokens) - n_label > n_cols:
            break
        rows.append((label, [(line.line, t) for t in tokens[n_label:]]))
        k += 1
    return rows, k


@functools.cache
def _opening_length() -> int:
    """The most characters (white space aside) of a line that is a funding block's heading
    (:func:`_funds_heading`: a heading word, a unit in brackets and a cell mark) or a header word
    (:func:`_column_kind`: 16)."""
    return max(16, max(map(len, vocab.word_list("funds_block_heading")), default=0) + len("（单位：万元）|"))


def _may_open(lines: list[TextLine]) -> list[int]:
    """The positions of the lines that may open a funding block: short ones (a heading, a header
    word: :func:`_opening_length`) and those of three words or more (a header on one line). The
    others (sentences: most lines) fail every test of :func:`_line_forms`."""
    n = _opening_length()
    return [k for k, tl in enumerate(lines)
            if len(tl.text) <= n or len(words := tl.text.split()) >= 3 or sum(map(len, words)) <= n]


def _line_forms(ctx: ReportContext, out: list[dict], rates: list[dict], found: dict) -> None:
    """Funding blocks of project forms written as text lines (see above)."""
    units: dict[tuple, str] = {}  # the unit of each header read: a header repeated after a page break keeps it
    runs = ctx.doc.text_runs()
    for lines in runs:
        may_open = _may_open(lines)
        k = 0
        while k < len(lines):
            at = bisect_left(may_open, k)  # (a line that may not open one is passed over)
            if at == len(may_open):
                break
            k = may_open[at]
            if _funds_heading(lines[k].text) and _is_target_table(ctx):
                k = _read_target_funds(ctx, lines, k + 1, out)
                continue
            cols = _header_on_one_line(lines[k].text)
            if cols:
                k = _read_line_form(ctx, lines, k, k + 1, cols, False, (out, rates, found, units))
                continue
            run = k
            while run < len(lines) and _column_kind(lines[run].text):
                run += 1
            if run == k:
                k += 1  # (most lines: no header word)
                continue
            cols = [(*_column_kind(t.text), t.text) for t in lines[k:run]]
            while run < len(lines) and compact(lines[run].text) in _flat_words("remark_column"):
                cols.append(("remark", None, lines[run].text))  # '备注' after the figures' headers
                run += 1
            if sum(1 for c in cols if c[0] == "stage") >= 2:
                k = _read_line_form(ctx, lines, k, run, cols, True, (out, rates, found, units))
                continue
            k = max(run, k + 1)


_FUNDS_BLOCK = vocab.words_pattern(r"^(?:<<funds_block_heading>>)(?:[（(](?:单位[:：])?万元[)）])?$")
_PIPE = re.compile(r"\s*\|\s*$")  # the cell mark of a one-cell-per-line table ('年度资金总额：1986 |')
_TARGET_TITLE = vocab.words_pattern("<<target_title>>")
_ACTUALS = vocab.words_pattern("<<actuals_word>>")


def _funds_heading(text: str) -> bool:
    """True for the heading of a target form's funding block ('项目资金（万元）'). (Every such
    heading has 资 and 金, which dropping white space and a cell mark cannot make: the cheap test
    first.) Asked before :func:`_is_target_table`, which then reads the whole report only for a
    report with such a heading."""
    return "资" in text and "金" in text and _FUNDS_BLOCK.match(compact(_PIPE.sub("", text))) is not None


def _is_target_table(ctx: ReportContext) -> bool:
    """True for a 绩效目标表: targets only, no actuals (its amounts are the initial budget). The
    title says so, and neither the title nor any table names actuals; the prose around may
    ('…作为年终自评的依据', a related link to a 部门决算) without making the form one of actuals."""
    if ctx.target_only is None:
        doc = ctx.doc
        tables = doc.tables
        first = tables[0].first_line if tables else len(doc.lines) + 1
        title = "".join(compact(t.text) for t in doc.text_lines[:12] if t.line < first and not is_page_chrome(t.text))
        # (compact() of the joined texts is the join of their compact(): white space is dropped
        # character by character)
        if tables:
            forms = compact("".join(c.text for t in tables for r in t.rows for c in r.cells))
        else:  # a form flattened into text lines: all of it
            forms = compact("".join(doc.lines))
        text = title + forms
        ctx.target_only = bool(_TARGET_TITLE.search(text)) and not _ACTUALS.search(text)
    return ctx.target_only


def _read_target_funds(ctx: ReportContext, lines: list[TextLine], start: int, out: list[dict]) -> int:
    """The funding rows of a target table's 项目资金 block ('年度资金总额：1986', '其中：财政拨款 1986'),
    the amounts inside the label cells: 年初预算 in the block's unit. Returns the index after them."""
    unit = declared_unit([_PIPE.sub("", lines[start - 1].text)]) or "万元"
    k = start
    while k < len(lines):
        text = _PIPE.sub("", lines[k].text).strip()
        if not text or text == "|":
            k += 1
            continue
        m = _LINE_ROW.match(text)
        name = _row_name(m.group("label")) if m else _row_name(text)
        if name is None:
            break
        q = _number(m.group("value")) if m else None
        if q is not None:
            item, raw, parent = name
            out.append(_rec(ctx, lines[k].line, "年初预算", item, raw, parent, to_wan(q, unit)))
            ctx.place(lines[k].line, q.text_value)
        k += 1
    return k


def _read_line_form(ctx: ReportContext, lines: list[TextLine], header_at: int, start: int, cols: list,
                    one_per_line: bool, sinks: tuple[list, list, dict]) -> int:
    """Record the rows of one funding block; the index of the first line after it. Its unit is
    the one declared above the header (or under it), else that of the same header read before
    (the table's header repeated on the next page), else 万元."""
    out, rates, found, units = sinks
    unit_lines = [t.text for t in lines[max(0, header_at - 4):header_at + 1]]  # (unit, caption, first header)
    if start < len(lines) and _UNIT_LINE.match(compact(lines[start].text)):
        unit_lines.insert(0, lines[start].text)  # '（万元）' under the header: the header's wrapped unit
        start += 1
    header = tuple(compact(c[2]) for c in cols)
    unit = units[header] = declared_unit(unit_lines) or units.get(header) or "万元"
    remark = bool(cols) and cols[-1][0] == "remark"
    cols = [c for c in cols if c[0] != "remark"]
    rows, after = _line_form_rows(lines, start, len(cols), one_per_line, remark)
    for label, cells in rows:
        item, raw, parent = _row_name(label)
        roles: dict[str, tuple[int, str]] = {}
        for (line, text), (kind, stage, _header) in zip(cells, cols):
            if kind != "stage":
                roles[kind] = (line, text)
                continue
            for source, q in _cell_values(text) or []:
                if source:
                    out.append(_rec(ctx, line, stage, source, source, "支出合计", to_wan(q, unit)))
                else:
                    out.append(_rec(ctx, line, stage, item, raw, parent, to_wan(q, unit)))
                ctx.place(line, q.text_value)
        _line_form_scores(ctx, item, raw, roles, rates, found)
    return max(after, start)


def _line_form_scores(ctx, item, raw, roles, rates, found) -> None:
    """The execution rate of a funding block's row, and the 分值/得分 of its total row."""
    scored = {r: roles[r] for r in ("weight", "score") if r in roles and _number(roles[r][1])}
    if item == "支出合计" and scored:
        line = next(iter(scored.values()))[0]
        values = {r: t for r, (_, t) in roles.items() if r in ("weight", "score")}
        if "rate" in roles:
            values["actual"] = roles["rate"][1]
        rec = indicator_record(ctx, ctx.scope_at(line), "", line, values)
        rec["level1"] = "预算执行率"
        found["indicators"].append(rec)
        for ln, text in roles.values():
            ctx.place_text(ln, text)
        return
    if "rate" in roles:
        line, text = roles["rate"]
        q = _number(text)
        if q is not None and q.unit == "%":
            rates.append({"report_id": ctx.doc.report_id, "scope": ctx.scope_at(line), "name": f"{raw}执行率",
                          "value_pct": q.value, "raw": text, "source": ctx.source(line)})
            ctx.place(line, q.text_value)


# ------------------------------------------------------------- 决算 tables flattened into one run
# A 部门决算公开表 shown as text on a document-sharing site: one line per table, its header words
# (项目 行次 栏次 金额), the labels of the rows each followed by its 行次, and the amounts of the
# rows that are not empty after a run of labels (the empty rows' amounts are dropped, so which row
# an amount belongs to is often unknowable). Only what is certain is read: a single amount right
# after a row's 行次 when no other row before it since the last amounts names an item, a total
# that the amounts before it add up to, and a 合计 row under a run of column headers whose first
# amount is the sum of the others. Everything else stays in the residue.
_FLAT_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}$")  # '9,836,412.55'
_FLAT_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_FLAT_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")


@functools.cache
def _flat_words(kind: str) -> frozenset[str]:
    return frozenset(r["word"] for r in vocab.load("flat_table_words") if r["kind"] == kind)


class _FlatRow:
    """A row of a flattened table: its label, its 行次 (None when none is printed)."""

    __slots__ = ("label", "number", "side")

    def __init__(self, label: str, number: str | None, side: str | None) -> None:
        self.label, self.number, self.side = label, number, side


def _flat_item(label: str, side: str | None) -> tuple[str, str] | None | bool:
    """The item of a flattened row's label; False for a subject of the functional classification
    (a split of the expenditure by subject, no budget item here); None for an unknown label."""
    text = _FLAT_ORDINAL.sub("", compact(label))
    if is_total_label(text):
        if side not in _flat_words("side"):
            return None
        return (f"{side}总计" if text == "总计" else f"{side}合计"), text
    hit = budget_item(text, strict=True, in_table=True)
    if hit and item_category(hit[0]) == "功能分类":
        return False
    return (hit[0], text) if hit else None


def _flat_groups(tokens: list[str], line: int, ignored: list) -> tuple[list[tuple], list[str]]:
    """The groups of a flattened run: (rows, amounts, side, the side's amounts before), and the
    last run of column headers (labels after a header word, with no 行次 between them)."""
    groups: list[tuple] = []
    rows: list[_FlatRow] = []
    amounts: list[str] = []
    side = None
    side_amounts: list[str] = []
    pending: str | None = None
    run: list[str] = []
    columns: list[str] = []
    after_header = False

    def close():
        nonlocal rows, amounts, side_amounts
        if amounts:
            groups.append((rows, amounts, side, list(side_amounts)))
            side_amounts += amounts
            rows, amounts = [], []

    for tok in tokens:
        if _FLAT_AMOUNT.match(tok):
            if pending and not rows:
                rows.append(_FlatRow(pending, None, side))
            pending = None
            amounts.append(tok)
            continue
        if _FLAT_ROW_NUMBER.match(tok):
            if pending and not after_header:
                close()
                rows.append(_FlatRow(pending, tok, side))
            if len(run) >= 2:
                columns = list(run)
            pending, run = None, []
            ignored.append((line, tok, "行次、栏次或科目编码，不是金额"))
            continue
        close()
        if tok in _flat_words("side"):
            side, side_amounts, pending, run, after_header = tok, [], None, [], False
        elif tok in _flat_words("header") or _FLAT_ORDINAL.sub("", tok) in _flat_words("header"):
            if len(run) >= 2:
                columns = list(run)
            pending, run, after_header = None, [], True
        else:
            pending, after_header = tok, False
            run.append(tok)
    close()
    return groups, columns


def _flat_value(tok: str) -> Decimal:
    return Decimal(tok.replace(",", ""))


def _flat_assign(group: tuple, columns: list[str]) -> list[tuple[str, tuple[str, str], str]]:
    """(amount, item, parent) of a group that are certain (see above)."""
    rows, amounts, _side, before = group
    left = list(amounts)
    found: list[tuple[str, tuple[str, str], str]] = []
    items = [_flat_item(r.label, r.side) for r in rows]
    if len(left) >= 2 and rows and items[-1] and compact(rows[-1].label) in ("总计", "合计") \
            and rows[-1].number is not None and sum(map(_flat_value, left[:-1])) == _flat_value(left[-1]):
        found.append((left.pop(), items[-1], ""))  # '总计 30 a b a+b': the total is the sum before it
        rows, items = rows[:-1], items[:-1]
    if before:
        whole = sum(map(_flat_value, before))
        for row, item in zip(rows, items):
            if item and item[0] in ("收入合计", "支出合计") and row.number is not None:
                hit = next((a for a in left if _flat_value(a) == whole), None)
                if hit:  # '本年支出合计 57 x' where x adds up every amount of the side before it
                    left.remove(hit)
                    found.append((hit, item, ""))
    if len(rows) == 1 and rows[0].number is None and is_total_label(rows[0].label) and len(left) >= 2 and columns:
        found += _flat_columns(left, columns)
        return found
    taken = {item for _, item, _ in found}
    rest = [(r, it) for r, it in zip(rows, items) if it is None or it is False or it not in taken]
    named = [(r, it) for r, it in rest if it]
    if len(left) == 1 and len(named) == 1 and named[0][0].number is not None \
            and (named[0][0] is rows[-1] and not found or len(rest) == 1):
        # '年末结转和结余 59 689,300.00': the only row that names an item, right before the amount;
        # or the one row left once the totals of the group are fixed
        found.append((left[0], named[0][1], ""))
    return found


def _flat_columns(amounts: list[str], columns: list[str]) -> list[tuple[str, tuple[str, str], str]]:
    """A 合计 row under column headers (本年支出合计 基本支出 项目支出 …): its first amount is the
    first column's total when the other amounts add up to it; they then take the next columns in order."""
    first = budget_item(columns[0], strict=True, in_table=True)
    if not first or first[0] not in ("收入合计", "支出合计") or len(amounts) - 1 > len(columns) - 1:
        return []
    if sum(map(_flat_value, amounts[1:])) != _flat_value(amounts[0]):
        return []
    found = [(amounts[0], first, "")]
    for amount, label in zip(amounts[1:], columns[1:]):
        hit = budget_item(label, strict=True, in_table=True)
        if hit is None:
            return found[:1]  # a part the vocabulary does not name: its order is not trusted
        found.append((amount, hit, ""))
    return found


def _flattened_tables(ctx: ReportContext, out: list[dict], found: dict) -> None:
    """决算 tables flattened into one line each (see above)."""
    seen: set[tuple] = set()
    joined = ctx.doc.joined_text_lines()[0]
    if "行次" not in joined and "栏次" not in joined:
        return  # (no text line holds either word: most reports)
    for tl in ctx.doc.text_lines:
        if "行次" not in tl.text and "栏次" not in tl.text:
            continue  # (most lines: no word 行次/栏次, so no such token)
        tokens = tl.text.split()
        if not any(t in ("行次", "栏次") for t in tokens) or not any(_FLAT_AMOUNT.match(t) for t in tokens):
            continue
        unit = declared_unit([tl.text])
        if unit is None:
            continue
        title = " ".join(tokens[: next((i for i, t in enumerate(tokens) if t in _flat_words("header")), 0)])
        stage = (stage_of(compact(title)) or ("决算", ""))[0]
        groups, columns = _flat_groups(tokens, tl.line, found["ignored"])
        for group in groups:
            for amount, (item, raw), parent in _flat_assign(group, columns):
                q = _number(amount)
                key = (ctx.scope_at(tl.line), stage, item, to_wan(q, unit))
                if key in seen:  # a package's tables restate its totals: one row per figure
                    found["ignored"].append((tl.line, amount, "前一张决算表已记录的同一数字"))
                    continue
                seen.add(key)
                out.append(_rec(ctx, tl.line, stage, item, raw, clean_parent(parent, item), key[3]))
                ctx.place(tl.line, q.text_value)
            kinds = [_flat_item(r.label, r.side) for r in group[0]]
            if False in kinds and not any(kinds):  # rows of subjects only (一般公共服务支出 …)
                found["ignored"] += [(tl.line, a, "按功能分类科目的支出，不是预算项目") for a in group[1]]
