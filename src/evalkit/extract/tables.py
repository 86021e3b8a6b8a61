"""Figures in tables other than indicator tables: budget grids with merged multi-row headers,
key-value forms (budget, staff, assets, funding sources), and the procurement tables.

A grid's header rows are the rows above its first row of numbers. Header rows narrower than
the data (merged cells) are widened bottom-up: a header cell standing above a run of labelled
columns in the row below spans that run. Each number then has a row label and a column path;
one of them names the item (``budget_items.csv``), the other the stage (``stages.csv``) or the
parent item. Shares (占比) and differences (差异率) in percent go to the rates table.
"""

from __future__ import annotations

import functools
import logging
import re

from evalkit import vocab
from evalkit.document import Cell, Row, Table
from evalkit.extract.context import (
    ReportContext,
    caption_of,
    compact,
    declared_unit,
    is_total_label,
    mentions_total,
    names_other_year,
    single_text,
)
from evalkit.extract.indicators import header_roles, indicator_record, indicator_role
from evalkit.extract.items import (
    budget_item,
    clean_parent,
    is_stage_word,
    item_category,
    item_parent,
    mentioned_item,
    stage_of,
)
from evalkit.extract.procurement import extract_procurement
from evalkit.extract.staff_assets import asset_item, staff_category
from evalkit.quantities import Quantity, is_missing, parse_quantity, to_wan, unit_kind

__all__ = ["BUDGET_COLUMNS", "RATE_COLUMNS", "column_paths", "extract_tables"]

log = logging.getLogger(__name__)

BUDGET_COLUMNS = ["report_id", "scope", "stage", "item", "item_raw", "parent", "funding", "amount_wan", "source"]
RATE_COLUMNS = ["report_id", "scope", "name", "value_pct", "raw", "source"]
_ORG_ROW = re.compile(r"机关|机构|中心|局|单位|处|科|室|站|所|院")  # a row of one unit of the department
_ROW_NUMBER_WORDS = frozenset({"行次", "栏次", "序号", "编号"})
_GROUPS = {"收入", "支出", "其中", "其中：", "结余", "其中:"}


_CHANGE_COLUMN = re.compile(r"增减|增加|减少|比上年|较上年|同比|变动")  # a column of changes
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


def _parts(table: Table) -> list[tuple[str | None, list[Row], int]]:
    """Split a table into parts at caption rows and at header rows following data.

    The rows of an indicator table (from its header row to the next caption) belong to the
    indicator extractor and are left out.
    """
    parts: list[tuple[str | None, list[Row], int]] = []
    caption = caption_of(table, 0)
    rows: list[Row] = []
    seen_data = False
    in_indicators = False
    start = 0
    for idx, row in enumerate(table.rows):
        if row.is_empty():
            continue
        title = single_text(row)
        if title and len(row.cells) <= 2 and not _has_number(row):
            in_indicators = False
        if header_roles(row) is not None:
            in_indicators = True
        if in_indicators:
            if rows:
                parts.append((caption, rows, start))
                rows = []
            continue
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


def _looks_header(row: Row) -> bool:
    texts = [t for t in row.texts if t]
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
            hit = budget_item(label, strict=True)
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
            hit = budget_item(label, strict=True)
            if hit is None:
                continue
            st = stage_of(compact(label))
            stage = st[0] if st else (default_stage or "决算")
            item, raw = hit
            u = declared_unit([label]) or unit
            out.append(_rec(ctx, row.cells[i + 1].line, stage, item, raw, clean_parent("", item), to_wan(q, u)))
            ctx.place(row.cells[i + 1].line, q.text_value)


def funding_source(label: str) -> tuple[str, str] | None:
    """The funding source a label names: '其中：县市区财政' → ('县级财政资金', '县市区财政').

    Examples
    --------
    >>> funding_source("其中：中央财政"), funding_source("局机关")
    (('中央财政资金', '中央财政'), None)
    """
    text = re.sub(r"^其中[:：]?", "", compact(label))
    syn = vocab.synonyms("funding_sources", "source")
    return (syn[text], text) if text in syn else None


def _rec(ctx, line, stage, item, raw, parent, amount, funding=None):
    return {
        "report_id": ctx.doc.report_id, "scope": ctx.scope_at(line), "stage": stage, "item": item,
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
    if p >= 2 and len(last) == 2 * p and last[:p] == last[p:] and any(last[:p]):
        split = lambda rows, a, b: [Row(r.cells[a:b]) for r in rows]
        return [(split(header, 0, p), split(data, 0, p)), (split(header, p, 2 * p), split(data, p, 2 * p))]
    return [(header, data)]


def _grid(header: list[Row], data: list[Row], caption: str | None, table: Table, ctx: ReportContext,
          out: list[dict], rates: list[dict], found: dict) -> None:
    width = max(len(r.cells) for r in data)
    paths = column_paths([r.texts for r in header], width)
    context_texts = [caption or ""] + [t.text for t in table.context]
    # the unit a caption or the lines above declare, else the header's own ('项目资金（元）')
    unit = declared_unit(context_texts) or declared_unit([t for r in header for t in r.texts]) or "万元"
    ctx_stage = None
    for t in [caption or ""] + [t.text for t in table.context[-1:]]:
        st = stage_of(compact(t))
        if st:
            ctx_stage = st[0]
    ctx_parent = _detailed_item(table)
    topic_item = mentioned_item(caption) if caption else None
    topic = (topic_item, caption) if topic_item else None
    col_info = []
    change_cols: set[int] = set()
    other_year_cols: set[int] = set()
    for path in paths:
        leaf = [p for p in path if compact(p) not in _GROUPS]
        item = budget_item(leaf[-1], strict=True) if leaf else None
        stage = None
        for p in path:
            st = stage_of(compact(p))
            if st:
                stage = st[0]
        parents = [budget_item(p, strict=True) for p in leaf[:-1]]
        parent = "/".join(h[0] for h in parents if h)
        is_share = any(re.search(r"占比|比重|差异率|比例", p) for p in path)
        group = path[0] if path else ""
        if item and item[0] == "收入合计" and compact(leaf[-1]) == "小计" and "支出" in path:
            item = ("支出合计", leaf[-1])
        if item and compact(leaf[-1]) == "小计" and compact(group) == "支出":
            item = ("支出合计", leaf[-1])
        named_parents = [h for h in parents if h]
        if leaf and compact(leaf[-1]) == "小计" and named_parents:
            # '基本支出 / 小计': the subtotal of the item above it is that item
            item = (named_parents[-1][0], leaf[-1])
            parent = "/".join(h[0] for h in named_parents[:-1])
        asset = asset_item(leaf[-1]) if leaf and not item else None
        funding = next((f for f in map(funding_of, path) if f), None)
        if _CHANGE_COLUMN.search("".join(path)) and not is_share:
            item = stage = asset = None  # '增减额', '比上年增减': a change, not an amount
            change_cols.add(len(col_info))
        if ctx.fiscal_year and names_other_year(" ".join(path), ctx.fiscal_year):
            item = stage = asset = None  # '2022年决算数' in a report on 2023: another year's column
            other_year_cols.add(len(col_info))
        col_info.append((item, stage, parent, is_share, path, asset, funding))
    # a bare 合计 column beside expenditure items only is the expenditure total
    col_items = [info[0][0] for info in col_info if info[0]]
    if "收入合计" in col_items and all(item_category(i) == "支出" for i in col_items if i != "收入合计"):
        col_info = [((("支出合计", info[0][1]),) + info[1:]) if info[0] and info[0][0] == "收入合计"
                    and compact(info[0][1]) == "合计" else info for info in col_info]
    # a column of row numbers (行次, 栏次) holds no amounts
    row_number_cols = {j for j, p in enumerate(paths) if p and compact(p[-1]) in _ROW_NUMBER_WORDS}
    # 分值/得分 beside the budget (the national forms' 预算执行率 indicator), and their 执行率
    score_cols = {j: indicator_role(p[-1]) for j, p in enumerate(paths)
                  if p and indicator_role(p[-1]) in ("weight", "score")}
    rate_col = next((j for j, p in enumerate(paths) if p and _REMARK.sub("", compact(p[-1])).endswith("执行率")), None)
    totals_rows = [r for r in data if mentions_total(r.texts[0] if r.texts else "")]
    stage_cols = [j for j, info in enumerate(col_info) if info[1]]
    if stage_cols:
        data = [half for row in data for half in _side_by_side(row, stage_cols[0], len(stage_cols))]
    for row in data:
        texts = row.texts + [""] * (width - len(row.texts))
        label = _row_label(texts)
        row_item = budget_item(label, strict=True)  # '一般公共预算财政拨款' names an item, not the stage 预算
        row_stage = stage_of(compact(label)) if not row_item or is_stage_word(row_item[1]) else None
        if row_stage:
            row_item = None
        row_is_share = bool(re.search(r"差异率|占比|比重", label))
        is_entity = row_item is None and row_stage is None and not row_is_share
        if is_entity and totals_rows and row not in totals_rows and _ORG_ROW.search(label):
            for j, cell in enumerate(row.cells[1:], start=1):
                q = _number(cell.label)
                if q is not None:
                    found["ignored"].append((cell.line, q.text_value, "下属机构（或明细）行，只取汇总行"))
            continue
        is_total_row = (row_item and row_item[0] in ("收入合计", "支出合计")) or is_total_label(label)
        if score_cols and is_total_row and any(_number(texts[j]) for j in score_cols):
            name = paths[0][0] if paths and paths[0] else caption  # '项目资金（万元）', the block's own label
            found["indicators"].append(_execution_indicator(ctx, row, texts, score_cols, rate_col, name))
        for j in range(1, width):
            cell_text = texts[j]
            q = _number(cell_text)
            if q is None or j in score_cols:
                continue
            if j in row_number_cols:
                found["ignored"].append((row.cells[j].line if j < len(row.cells) else row.line, q.text_value, "行次"))
                continue
            if j in change_cols or j in other_year_cols:
                reason = "变动额（增减），不是金额本身" if j in change_cols else "其他年度的数字"
                found["ignored"].append((row.cells[j].line if j < len(row.cells) else row.line, q.text_value, reason))
                continue
            item, stage, parent, col_share, path, asset, funding = col_info[j]
            line = row.cells[j].line if j < len(row.cells) else row.line
            if stage_cols and not stage and not item and not asset and j == rate_col and q.unit != "%":
                continue  # a figure under 执行率 that is no rate: a second item's, not guessed
            if asset and not row_item and not row_stage:
                found["assets"].append({"report_id": ctx.doc.report_id, "item": asset[0], "item_raw": asset[1],
                                        "amount_wan": to_wan(q, unit), "raw": cell_text, "source": ctx.source(line)})
                ctx.place(line, q.text_value)
                continue
            if row_is_share or col_share or q.unit == "%":
                name_row = label if not row_item else row_item[0]
                name = f"{name_row}{_REMARK.sub('', ''.join(path[-1:]))}"  # ('执行率（B/A）': 执行率)
                rates.append({"report_id": ctx.doc.report_id, "scope": ctx.scope_at(line), "name": name,
                              "value_pct": q.value, "raw": cell_text, "source": ctx.source(line)})
                ctx.place(line, q.text_value)
                continue
            col_item = item if item and item[0] not in ("收入合计", "支出合计") else None
            bare_total = is_total_label(label) or (is_entity and mentions_total(label))
            if row_stage:
                the_stage, the_item, the_parent = row_stage[0], item, parent
            elif row_item and not bare_total:
                the_item = row_item
                the_stage = stage or ctx_stage or "决算"
                the_parent = "/".join(x for x in (parent, col_item[0] if col_item else ctx_parent) if x)
            else:
                the_stage = stage or ctx_stage or "决算"
                the_parent = parent
                if col_item:
                    the_item = col_item
                elif bare_total and ctx_parent:
                    the_item = (ctx_parent, label)
                elif is_entity and stage and funding_source(label):
                    # '其中：中央财政资金' of a project form: a funding source of the year's money
                    the_item, the_parent = (funding_source(label)[0], label), "支出合计"
                elif item and stage and item[0] in ("收入合计", "支出合计") and not bare_total:
                    the_item = None  # '实际支出数' names a stage: a row it cannot name ('其中：医疗救助资金') is left
                elif item and not bare_total or item and bare_total and not topic:
                    the_item = item
                elif topic and bare_total and stage:
                    the_item = topic
                else:
                    the_item = None
            if the_item is None:
                continue
            if the_parent:
                std = item_parent(the_parent.split("/")[0])
                if std and not the_parent.startswith(std):
                    the_parent = f"{std}/{the_parent}"
            amount = to_wan(q, unit)
            # (totals are never parents, but of a breakdown by funding source: the flow it breaks down)
            rec_parent = the_parent if the_parent == "支出合计" and funding_source(label) \
                else clean_parent(the_parent, the_item[0])
            out.append(_rec(ctx, line, the_stage, the_item[0], the_item[1], rec_parent, amount,
                            funding or funding_of(label)))
            ctx.place(line, q.text_value)


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
                  and not is_missing(texts[k]) and budget_item(texts[k], strict=True)), None)
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
        if t:
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


def extract_tables(ctx: ReportContext) -> dict[str, list]:
    """Rows found in the tables of a report: budget, rates, staff, assets, procurement and
    ``ignored`` (line, number, reason) for numbers deliberately left out (sub-unit rows)."""
    out: list[dict] = []
    rates: list[dict] = []
    found: dict[str, list] = {"staff": [], "assets": [], "ignored": [], "indicators": []}
    found["procurement"] = extract_procurement(ctx)
    for table in ctx.doc.tables:
        for caption, rows, _start in _parts(table):
            h = 0
            while h < len(rows) and not _has_number(rows[h]):
                h += 1
            header, data = rows[:h], rows[h:]
            if not data:
                continue
            before = len(out) + len(rates) + len(found["assets"])
            if header and len(header[-1].cells) >= 2:
                for h, d in _halves(header, data):
                    _grid(h, d, caption, table, ctx, out, rates, found)
            if len(out) + len(rates) + len(found["assets"]) == before:
                _kv_rows(rows, caption, ctx, out, found)  # not a grid: pairs of label and value
    return {"budget": out, "rates": rates, **found}
