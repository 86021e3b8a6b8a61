"""The budget grid reader's decisions, one function each (evalkit.extract.tables), as tables of
raw input and expected decision, one row per case.

A grid (header rows over rows of numbers) is read in three steps, each tested here on its own:

1. each column's header path (top to bottom) decides the column's item, stage, parent, funding
   and whether its numbers are amounts at all (:func:`_read_column`);
2. each row's label decides whether the row names an item, a stage, a share or none of them
   (an entity: a unit, a project, a funding source, a total) (:func:`_read_row_label`);
3. the two together decide what a number is (:func:`_cell_kind`) and, for an amount, its stage,
   item and parent (:func:`_place_number`), then the parent recorded (:func:`_record_parent`).

The expected decisions were worked out by hand from the code and the vocabulary
(``budget_items.csv``, ``stages.csv``, ``funding_kinds.csv``, ``funding_sources.csv``); the header
paths and labels are those of the sample layouts (``tests/fixtures/tables_*``, the 部门决算 and
project forms of ``../shared/reports``). Whole reports are tested in ``test_budget_forms.py``,
``test_samples.py`` and the gallery.
"""

from __future__ import annotations

import pytest

from evalkit.extract.tables import (
    _cell_kind,
    _column_item,
    _column_stage,
    _Grid,
    _place_number,
    _Placement,
    _read_column,
    _read_row_label,
    _record_parent,
    _row_label,
    _total_beside_expenditure,
)
from evalkit.quantities import parse_quantity

CAPTION_3GONG = "2023年度“三公”经费支出情况表"


def path(text: str) -> list[str]:
    """'基本支出 / 小计' → ['基本支出', '小计']."""
    return [p.strip() for p in text.split("/")] if text else []


# --------------------------------------------------------------------------- 1. columns
# header path | note's definitions | report year || item | stage | parent | share | funding | group item | ignored
COLUMNS = [
    ("项目", {}, None, None, None, "", False, None, None, None),
    ("年初预算数", {}, None, None, "年初预算", "", False, None, None, None),
    ("调整后预算数", {}, None, None, "调整预算", "", False, None, None, None),
    # the group word 收入 is no parent; the leaf names the item
    ("收入 / 财政拨款", {}, None, ("财政拨款收入", "财政拨款"), None, "", False, None, None, None),
    ("基本支出 / 人员经费", {}, None, ("人员经费", "人员经费"), None, "基本支出", False, None, None, None),
    # a 小计 under an item is that item; under the group 支出, the expenditure total
    ("基本支出 / 小计", {}, None, ("基本支出", "小计"), None, "", False, None, None, None),
    ("支出 / 小计", {}, None, ("支出合计", "小计"), None, "", False, None, None, None),
    ("支出 / 项目支出 / 小计", {}, None, ("项目支出", "小计"), None, "", False, None, None, None),
    # a group over a stage: the item of the total row under it
    # (the column's parent stays the group's item)
    ("收入合计 / 年初预算数", {}, None, None, "年初预算", "收入合计", False, None,
     (("收入合计", "收入合计"), ""), None),
    ("支出合计 / 基本支出 / 决算数", {}, None, None, "决算", "支出合计/基本支出", False, None,
     (("基本支出", "基本支出"), "支出合计"), None),
    # a funding word before the item restricts it; 财政拨款收入 is that funding itself
    ("财政拨款一基本支出", {}, None, ("基本支出", "基本支出"), None, "", False, "财政拨款", None, None),
    ("财政拨款收入 / 决算数", {}, None, None, "决算", "财政拨款收入", False, None,
     (("财政拨款收入", "财政拨款收入"), ""), None),
    # a stage defined by the form's note ('注：批复金额为年度调整后预算数')
    ("批复金额（元）", {"批复金额": "调整预算"}, None, None, "调整预算", "", False, None, None, None),
    ("批复金额（元）", {}, None, None, None, "", False, None, None, None),
    # shares go to the rates table; a change is no amount, nor is another year's figure
    ("占比（%）", {}, None, None, None, "", True, None, None, None),
    ("增减比例（%）", {}, None, None, None, "", True, None, None, None),
    ("比上年增减", {}, None, None, None, "", False, None, None, "变动额（增减），不是金额本身"),
    ("基本支出 / 增减额", {}, None, None, None, "基本支出", False, None, None, "变动额（增减），不是金额本身"),
    ("2022年决算数", {}, 2023, None, None, "", False, None, None, "其他年度的数字"),
    ("2023年决算数", {}, 2023, None, "决算", "", False, None, None, None),
    ("2022年决算数", {}, None, None, "决算", "", False, None, None, None),
]


@pytest.mark.parametrize(
    "header, defined, year, item, stage, parent, share, funding, group_item, ignored", COLUMNS,
    ids=[f"{c[0]}|{c[2]}" for c in COLUMNS])
def test_column_decision(header, defined, year, item, stage, parent, share, funding, group_item, ignored):
    col = _read_column(path(header), defined, year)
    assert (col.item, col.stage, col.parent, col.share, col.funding, col.group_item, col.ignored) == \
        (item, stage, parent, share, funding, group_item, ignored)


def test_column_naming_an_asset_is_an_asset_column():
    col = _read_column(["资产总额"], {})
    assert (col.item, col.asset) == (None, ("资产总额", "资产总额"))
    assert _read_column(["基本支出"], {}).asset is None  # an item's column is no asset's


# leaf label in its path || (item, parent) of _column_item
SUBTOTALS = [
    ("小计", (("支出合计", "小计"), "")),  # a bare 小计 is the vocabulary's 支出合计
    ("基本支出 / 小计", (("基本支出", "小计"), "")),
    ("支出合计 / 基本支出 / 小计", (("基本支出", "小计"), "支出合计")),
    ("支出 / 小计", (("支出合计", "小计"), "")),
    ("公用经费", (("公用经费", "公用经费"), "")),
]


@pytest.mark.parametrize("header, expected", SUBTOTALS, ids=[c[0] for c in SUBTOTALS])
def test_column_item_of_subtotals(header, expected):
    from evalkit.extract.items import budget_item

    p = path(header)
    leaf = [x for x in p if x not in ("支出", "收入")]
    named = [h for h in (budget_item(x, strict=True, in_table=True) for x in leaf[:-1]) if h]
    assert _column_item(p, leaf, named) == expected


# header path | note's definitions || stage (the lowest header naming one wins)
STAGES = [
    ("决算数", {}, "决算"),
    ("年初预算 / 基本支出", {}, "年初预算"),
    ("年初预算 / 决算数", {}, "决算"),
    ("一般公共预算财政拨款", {}, None),  # the 预算 of a kind of budget names no stage
    ("批复金额", {"批复金额": "调整预算"}, "调整预算"),
    ("决算数", {"决算数": "调整预算"}, "决算"),  # a header naming a stage keeps it
]


@pytest.mark.parametrize("header, defined, expected", STAGES, ids=[c[0] for c in STAGES])
def test_column_stage(header, defined, expected):
    p = path(header)
    assert _column_stage(p, p, defined) == expected


def test_bare_total_column_beside_expenditure_items_is_the_expenditure_total():
    spending = _total_beside_expenditure([_read_column(path(h), {}) for h in ("项目", "合计", "基本支出", "项目支出")])
    assert [c.item for c in spending] == [None, ("支出合计", "合计"), ("基本支出", "基本支出"), ("项目支出", "项目支出")]
    income = _total_beside_expenditure([_read_column(path(h), {}) for h in ("项目", "合计", "财政拨款", "其他收入")])
    assert income[1].item == ("收入合计", "合计")


# --------------------------------------------------------------------------- 2. rows
# row label || item | stage | share | entity
ROWS = [
    ("基本支出", ("基本支出", "基本支出"), None, False, False),
    ("（二）项目支出", ("项目支出", "项目支出"), None, False, False),
    ("其中：人员经费", ("人员经费", "人员经费"), None, False, False),
    # '一般公共预算财政拨款' names an item, not the stage 预算
    ("一般公共预算财政拨款", ("财政拨款收入", "财政拨款"), None, False, False),
    ("年初预算数", None, ("年初预算", "年初预算"), False, False),
    ("预算数", None, ("年初预算", "预算数"), False, False),
    # '实际支出' is an item word and a stage word: the stage wins
    ("实际支出", None, ("决算", "实际支出"), False, False),
    ("合计", ("收入合计", "合计"), None, False, False),
    ("总额", ("支出合计", "总额"), None, False, False),
    ("差异率", None, None, True, False),
    ("局机关", None, None, False, True),
    ("局机关及二级机构汇总", None, None, False, True),
    ("其中：中央财政资金", None, None, False, True),
    ("城乡居民医保征缴工作经费", None, None, False, True),
]


@pytest.mark.parametrize("label, item, stage, share, entity", ROWS, ids=[c[0] for c in ROWS])
def test_row_decision(label, item, stage, share, entity):
    assert tuple(_read_row_label(label)) == (item, stage, share, entity)


# --------------------------------------------------------------------------- 3. numbers
def grid(headers: list[str], ctx_stage=None, ctx_parent="", topic=None, name_col=None) -> _Grid:
    """A grid of these column headers (the first one is the row labels' column)."""
    paths = [path(h) for h in headers]
    cols = _total_beside_expenditure([_read_column(p, {}) for p in paths])
    return _Grid(
        caption=None, width=len(paths), paths=paths, cols=cols, unit="万元", ctx_stage=ctx_stage,
        ctx_parent=ctx_parent, topic=(topic, CAPTION_3GONG) if topic else None,
        row_number_cols={j for j, p in enumerate(paths) if p and p[-1] in ("行次", "栏次")},
        score_cols={}, rate_col=next((j for j, p in enumerate(paths) if p and p[-1].endswith("执行率")), None),
        totals_rows=[], name_col=name_col, stage_cols=[j for j, c in enumerate(cols) if c.stage],
    )


# row cells (';'-separated) | column headers | column j of the number | number || kind
KINDS = [
    ("基本支出;1;850.00", ["项目", "行次", "决算数"], 1, "1", "row number"),
    ("基本支出;850.00;30.00", ["项目", "决算数", "比上年增减"], 2, "30.00", "ignored"),
    ("基本支出;850.00;98%", ["项目", "决算数", "占比（%）"], 2, "98%", "rate"),
    ("预算执行率;850.00;98%", ["项目", "决算数", "执行率"], 2, "98%", "rate"),
    # a figure under 执行率 that is no rate, beside stage columns: not guessed
    ("基本支出;850.00;0.98", ["项目", "决算数", "执行率"], 2, "0.98", "skip"),
    ("差异率;3.5", ["项目", "决算数"], 1, "3.5", "rate"),
    ("局机关;1200.00", ["项目", "资产总额"], 1, "1200.00", "asset"),
    ("年初预算数;1200.00", ["项目", "资产总额"], 1, "1200.00", "budget"),  # (a stage row: no asset)
    ("基本支出;850.00", ["项目", "决算数"], 1, "850.00", "budget"),
]


@pytest.mark.parametrize("cells, headers, j, number, kind", KINDS, ids=[f"{c[0]}|{c[1][c[2]]}" for c in KINDS])
def test_cell_kind(cells, headers, j, number, kind):
    g = grid(headers)
    texts = cells.split(";")
    assert _cell_kind(g, g.cols[j], _read_row_label(_row_label(texts)), j, parse_quantity(number)) == kind


# row cells | column headers | j | grid context | the total a bare 合计 row stands for || stage | item | parent | project
PLACES = [
    # a row naming an item takes the column's stage (else the caption's, else 决算)
    ("基本支出;850.00", ["项目", "决算数"], 1, {}, None, ("决算", ("基本支出", "基本支出"), "", False)),
    ("基本支出;850.00", ["项目", "金额"], 1, {"ctx_stage": "年初预算"}, None,
     ("年初预算", ("基本支出", "基本支出"), "", False)),
    ("基本支出;850.00", ["项目", "金额"], 1, {}, None, ("决算", ("基本支出", "基本支出"), "", False)),
    # ... and the column's group item as its parent
    ("人员经费;620.00", ["项目", "基本支出 / 决算数"], 1, {}, None,
     ("决算", ("人员经费", "人员经费"), "基本支出", False)),
    # ... or the item the sentence above details ('…日常公用经费66.14万元…明细如下')
    ("办公费;12.00", ["项目", "决算数"], 1, {"ctx_parent": "公用经费"}, None,
     ("决算", ("办公费", "办公费"), "公用经费", False)),
    # a row naming a stage takes the column's item
    ("年初预算数;850.00;620.00", ["项目", "基本支出", "人员经费"], 2, {}, None,
     ("年初预算", ("人员经费", "人员经费"), "", False)),
    # (a bare 合计 column is the income total beside an income item, else the expenditure total)
    ("调整预算数;850.00;600.00", ["项目", "合计", "财政拨款"], 1, {}, None,
     ("调整预算", ("收入合计", "合计"), "", False)),
    ("调整预算数;850.00", ["项目", "合计"], 1, {}, None, ("调整预算", ("支出合计", "合计"), "", False)),
    # a row of another item's part under an item's column: the column's item is the parent
    ("财政拨款;850.00", ["项目", "基本支出 / 决算数"], 1, {}, None,
     ("决算", ("财政拨款收入", "财政拨款"), "基本支出", False)),
    # a row naming no item: the column's (non-total) item
    ("局机关;850.00", ["单位", "基本支出"], 1, {}, None, ("决算", ("基本支出", "基本支出"), "", False)),
    # a bare total row under a group's stage column: the group's item
    ("合计;850.00", ["项目", "支出合计 / 决算数"], 1, {}, None, ("决算", ("支出合计", "支出合计"), "", False)),
    ("合计;850.00", ["项目", "决算数"], 1, {"ctx_parent": "公用经费"}, None, ("决算", ("公用经费", "合计"), "", False)),
    # '合计' above 基本支出, 项目支出 rows: their total
    ("合计;850.00", ["项目", "决算数"], 1, {}, "支出合计", ("决算", ("支出合计", "合计"), "", False)),
    ("总额;850.00", ["项目", "决算数"], 1, {}, "支出合计", ("决算", ("支出合计", "总额"), "", False)),
    # a 三公 table's total: the table's topic; without a stage column not guessed
    ("合计;12.00", ["项目", "决算数"], 1, {"topic": "三公经费"}, None,
     ("决算", ("三公经费", CAPTION_3GONG), "", False)),
    ("合计;12.00", ["项目", "金额"], 1, {"topic": "三公经费"}, None, ("决算", None, "", False)),
    # a table of projects: each row is a project's funds (its scope is the project)
    ("1;医保征缴工作经费;12.50", ["序号", "项目名称", "实际支出金额"], 2, {"name_col": 1}, None,
     ("决算", ("支出合计", "医保征缴工作经费"), "", True)),
    # a funding source of a project form's money
    ("其中：中央财政资金;300.00", ["项目", "决算数"], 1, {}, None,
     ("决算", ("中央财政资金", "其中：中央财政资金"), "支出合计", False)),
    # '实际支出数' names a stage and the total: a row it cannot name is left
    ("其中：医疗救助资金;300.00", ["项目", "实际支出数"], 1, {}, None, ("决算", None, "", False)),
    # a unit's row under a total column is the total's (the grid's sub-unit rule drops it first
    # when the grid has a total row)
    ("局机关;850.00;600.00", ["单位", "合计", "财政拨款"], 1, {}, None, ("决算", ("收入合计", "合计"), "", False)),
    ("局机关;850.00", ["单位", "合计"], 1, {}, None, ("决算", ("支出合计", "合计"), "", False)),
    ("局机关;850.00", ["单位", "决算数"], 1, {}, None, ("决算", None, "", False)),
]


@pytest.mark.parametrize("cells, headers, j, context, rows_total, expected", PLACES,
                         ids=[f"{c[0]}|{c[1][c[2]]}|{c[3]}|{c[4]}" for c in PLACES])
def test_place_number(cells, headers, j, context, rows_total, expected):
    g = grid(headers, **context)
    texts = cells.split(";")
    label = _row_label(texts)
    placed = _place_number(g, g.cols[j], _read_row_label(label), label, texts, j, rows_total)
    assert placed == _Placement(*expected)


# placed parent | item | row label || parent recorded
PARENTS = [
    ("基本支出", "人员经费", "人员经费", "基本支出"),
    ("", "公用经费", "公用经费", "基本支出"),  # a standard part gets its standard parent
    ("人员经费", "工资福利支出", "工资福利支出", "基本支出/人员经费"),
    ("支出合计", "基本支出", "基本支出", ""),  # totals are never parents
    ("支出合计/基本支出", "人员经费", "人员经费", "基本支出"),
    # but of a breakdown by funding source: the flow it breaks down
    ("支出合计", "中央财政资金", "其中：中央财政资金", "支出合计"),
    ("", "支出合计", "合计", ""),
]


@pytest.mark.parametrize("parent, item, label, expected", PARENTS, ids=[f"{c[0]}|{c[1]}" for c in PARENTS])
def test_record_parent(parent, item, label, expected):
    assert _record_parent(parent, item, label) == expected
