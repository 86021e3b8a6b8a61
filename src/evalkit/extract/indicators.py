"""Indicator tables (一级/二级/三级指标, 目标值, 实际完成值, 分值, 得分) and score statements.

A table part is recognised by a header row of indicator words (``vocab/indicator_headers.csv``).
Column roles come from the header; where the header has fewer cells than the rows (a merged
header cell), value columns are aligned from the right and the label columns to their left
become the levels. Blank level cells mean "same as above". Wrapped cells and repeated headers
after a page break are folded back. A table with one numeric column that adds up to the
综合得分 printed below it is a table of scores.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from evalkit import vocab
from evalkit.document import Row, Table, TextLine, clean_label
from evalkit.extract.context import ReportContext, caption_of, compact, is_total_label, single_text
from evalkit.quantities import fold, is_missing, parse_number, parse_quantity

__all__ = ["INDICATOR_COLUMNS", "TotalScore", "extract_indicators"]

log = logging.getLogger(__name__)

INDICATOR_COLUMNS = [
    "report_id", "scope", "table", "seq", "level1", "level2", "level3", "weight",
    "target_raw", "target_op", "target_value", "target_low", "target_high", "target_unit",
    "actual_raw", "actual_value", "actual_unit", "score", "note",
    "explanation", "rule_text", "evidence", "source",
]
VALUE_ROLES = ("target", "actual", "weight", "score")
LEVELS = ("level1", "level2", "level3")
_ORDINAL = re.compile(
    r"^\s*(?:指标\s*\d+\s*[：:]|\d+\s*[、.．]\s*|[（(]\s*\d+\s*[)）]\s*|[一二三四五六七八九十]+\s*[、.．]\s*"
    r"|[（(][一二三四五六七八九十]+[)）]\s*|[①-⑳]\s*)"
)
_TRAILING_REMARK = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")


@dataclass
class TotalScore:
    """A total score or grade read beside an indicator table (综合得分 96, 评价等次 优秀)."""

    kind: str  # 'total_score', 'grade' or 'total_weight'
    value: str
    line: int
    scope: str


@dataclass
class _Part:
    header_index: int
    roles: list[str | None]
    width: int
    rows: list[Row] = field(default_factory=list)
    totals: list[TotalScore] = field(default_factory=list)


@functools.cache
def _roles() -> dict[str, str]:
    return {compact(k): v for k, v in vocab.synonyms("indicator_headers", "role").items()}


_HEADER_REMARK = re.compile(r"[（(](?:[A-Za-z/×*]{1,5}|分|%|％|万元|元|人)[)）]$")  # '年度指标值（A）', '执行率（B/A）'


def _role_of(text: str) -> str | None:
    """The role a header cell names, its remark in brackets aside ('权重（%）' → weight)."""
    label = compact(text)
    role = _roles().get(label)
    if role is None and label.endswith(("）", ")")):
        role = _roles().get(_HEADER_REMARK.sub("", label))
    return role


def header_roles(row: Row) -> list[str | None] | None:
    """The role of each cell of an indicator table's header row, or None for another row."""
    roles = _roles_of(tuple(row.texts))
    return list(roles) if roles is not None else None


@functools.lru_cache(maxsize=4096)
def _roles_of(texts: tuple[str, ...]) -> tuple[str | None, ...] | None:
    roles = tuple(_role_of(t) for t in texts)
    named = [r for r in roles if r]
    has_label = any(r in LEVELS for r in named)
    has_value = any(r in VALUE_ROLES for r in named)
    if len(named) >= 2 and has_label and has_value:
        return roles
    return None


def _meta_kind(text: str) -> str | None:
    c = compact(text)
    for row in vocab.load("meta_labels"):
        if row["field"] in ("total_score", "grade") and c == compact(row["word"]):
            return row["field"]
    return None


def clean_level(text: str, level: str) -> str:
    """Clean a level label as the conventions say.

    Examples
    --------
    >>> clean_level("社会效应 (20)", "level1")
    '社会效应'
    >>> clean_level("指标1：财政供养人员控制率", "level3")
    '财政供养人员控制率'
    >>> clean_level("参保人员对政策的知晓率。", "level3")
    '参保人员对政策的知晓率'
    >>> clean_level("一、产出指标（50分）", "level1")
    '产出指标'
    """
    s = clean_label(text)
    s = _ORDINAL.sub("", s, count=1).strip()  # '一、产出指标', '指标1：…'
    if level == "level3":
        s = s.rstrip("。.；;")
    else:
        prev = None
        while prev != s:
            prev = s
            s = _TRAILING_REMARK.sub("", s).strip()
    return s


def _row_width(rows: list[Row]) -> int:
    widths = Counter(len(r.cells) for r in rows if not r.is_empty())
    return widths.most_common(1)[0][0] if widths else 0


def _align(roles: list[str | None], width: int) -> list[str | None]:
    """Roles for rows of ``width`` cells from a header of a different width."""
    if len(roles) == width:
        return list(roles)
    if len(roles) > width:
        return list(roles[-width:]) if width else []
    return [None] * (width - len(roles)) + list(roles)


def _looks_like_name(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    if not filled:
        return False
    named = sum(1 for t in filled if re.match(r"^指标\s*\d+\s*[：:]", t))
    return named * 2 >= len(filled)


def _assign_levels(roles: list[str | None], rows: list[Row]) -> list[str | None]:
    roles = list(roles)
    cols = list(zip(*[r.texts + [""] * (len(roles) - len(r.texts)) for r in rows])) if rows else []
    # an indicator-name column under a value header ('绩效目标' holding '指标1：…') is the name
    for i, r in enumerate(roles):
        if r in ("target", "actual") and cols and _looks_like_name(list(cols[i])):
            roles = [None if x == "level3" else x for x in roles]
            roles[i] = "level3"
            break
    if "level3" not in roles:
        # the right-most label column with content before the first value column is the name
        first_value = min((i for i, r in enumerate(roles) if r in VALUE_ROLES), default=len(roles))
        for i in range(first_value - 1, -1, -1):
            if roles[i] in (None, "level1", "level2") and cols and any(cols[i]):
                roles[i] = "level3"
                break
    if "level3" in roles:
        k = roles.index("level3")
        free = [lv for lv in ("level2", "level1") if lv not in roles]
        for i in range(k - 1, -1, -1):
            if not free:
                break
            if roles[i] is None and cols and any(cols[i]):
                roles[i] = free.pop(0)
            elif roles[i] in ("level1", "level2"):
                free = [lv for lv in free if lv != roles[i]]
    return roles


@functools.cache
def _framework() -> dict[str, str]:
    """The national framework's level 1 of each standard level 2 (``indicator_framework.csv``)."""
    return {r["level2"]: r["level1"] for r in vocab.load("indicator_framework")}


def _framework_level1(level2: str, filled: str) -> str:
    """The level 1 of a row whose level-1 cell is blank: the one above it, unless the row's
    standard level 2 belongs to another standard level 1 (a merged cell printed in the middle
    of its rows, as PDF text has it), or none is above yet.

    Examples
    --------
    >>> _framework_level1("社会效益指标", "产出指标"), _framework_level1("数量指标", "")
    ('效益指标', '产出指标')
    >>> _framework_level1("社会效益指标", "履职效能")  # the report's own level 1 stays
    '履职效能'
    """
    standard = _framework().get(compact(level2))
    if standard and (not filled or filled in _framework().values()):
        return standard
    return filled


def _sub_header(row: Row, part: _Part) -> bool:
    """A second header row (every word of it a header word) refines the roles of ``part``."""
    words = [(i, t) for i, t in enumerate(row.texts) if t]
    roles = [(i, _role_of(t)) for i, t in words]
    if not roles or any(r is None for _, r in roles) or any(i >= len(part.roles) for i, _ in roles):
        return False
    part.roles = list(part.roles)
    for i, role in roles:
        part.roles[i] = role
    return True


def _split_parts(table: Table) -> list[_Part]:
    parts: list[_Part] = []
    current: _Part | None = None
    header_texts: list[str] | None = None
    for idx, row in enumerate(table.rows):
        roles = header_roles(row)
        if roles is not None:
            if current is not None and header_texts == row.texts:
                continue  # header repeated after a page break
            current = _Part(header_index=idx, roles=roles, width=len(roles))
            header_texts = row.texts
            parts.append(current)
            continue
        if current is None:
            continue
        if row.is_empty():
            continue
        if not current.rows and _sub_header(row, current):
            continue  # '指标值' over '年度目标值 | 实际完成值': the second header row names the columns
        texts = [t for t in row.texts if t]
        kind = _meta_kind(texts[0]) if texts else None
        if kind and len(texts) <= 3:
            value = texts[-1] if len(texts) > 1 else ""
            cell = next((c for c in reversed(row.cells) if c.label), row.cells[0])
            current.totals.append(TotalScore(kind, value, cell.line, ""))
            continue
        if table.layout == "cells" and single_text(row) and len(row.cells) == 1:
            current = None  # a section title ends the part
            continue
        current.rows.append(row)
    return parts


def _merge_wrapped(rows: list[Row], roles: list[str | None], ctx: ReportContext) -> list[Row]:
    """Fold a wrapped line (a row with no name and no values) into the row above."""
    keys = [i for i, r in enumerate(roles) if r in ("level3", *VALUE_ROLES)]
    scored = [i for i, r in enumerate(roles) if r in ("weight", "score")]
    levels = [i for i, r in enumerate(roles) if r in ("level1", "level2")]
    out: list[Row] = []
    for row in rows:
        texts = row.texts
        wrapped = out and keys and all(i >= len(texts) or not texts[i] for i in keys) and any(texts)
        if not wrapped and out and scored and len(texts) == len(roles) and any(texts) \
                and all(not texts[i] for i in scored + levels) and any(out[-1].texts[i] for i in scored if i < len(out[-1].texts)):
            wrapped = True  # tabs: '…审核办结时 | ≤10个工作 | … | 10' then '| | 限 | 日 | | |': the words wrap
        if wrapped:
            prev = out[-1]
            for cell in row.cells:
                ctx.place_text(cell.line, cell.text)
            for i, cell in enumerate(row.cells):
                if cell.label and i < len(prev.cells):
                    prev.cells[i].text = prev.cells[i].text + cell.text
            prev.refresh()
            continue
        out.append(Row([c.copy() for c in row.cells]))
    return out


def _score_column_from_total(part: _Part, roles: list[str | None], rows: list[Row]) -> list[str | None]:
    """A lone numeric column adding up to the printed 综合得分 is the score column."""
    if "score" in roles:
        return roles
    totals = [t for t in part.totals if t.kind == "total_score"]
    if not totals:
        return roles
    total = parse_number(totals[0].value)
    numeric_cols = []
    for i, r in enumerate(roles):
        if r in LEVELS or r == "seq":
            continue
        values = [r_.texts[i] if i < len(r_.texts) else "" for r_ in rows]
        filled = [v for v in values if v]
        if filled and all(parse_number(v) is not None for v in filled):
            numeric_cols.append((i, sum(parse_number(v) for v in filled)))
    if len(numeric_cols) == 1 and total is not None and abs(numeric_cols[0][1] - total) < 1e-6:
        i = numeric_cols[0][0]
        roles = list(roles)
        roles[i] = "score"
        log.debug("column %d adds up to 综合得分 %s: read as scores", i, total)
    return roles


def _transposed(table: Table) -> bool:
    if len(table.rows) < 2:
        return False
    roles_map = _roles()
    first = [compact(r.texts[0]) if r.texts else "" for r in table.rows[1:]]
    hits = [roles_map.get(t) for t in first]
    return sum(1 for h in hits if h in VALUE_ROLES) >= 2 and header_roles(table.rows[0]) is None


def _transposed_rows(table: Table, ctx: ReportContext, title: str | None):
    roles_map = _roles()
    header = table.rows[0].texts
    by_role: dict[str, Row] = {}
    for row in table.rows[1:]:
        role = roles_map.get(compact(row.texts[0])) if row.texts else None
        if role:
            by_role[role] = row
    if "score" in by_role and "target" in by_role and "weight" not in by_role:
        by_role["weight"] = by_role.pop("target")  # full marks above the scores
    totals: list[TotalScore] = []
    out = []
    anchor = by_role.get("score") or next(iter(by_role.values()))
    for j, name in enumerate(header):
        if j == 0 or not name:
            continue
        values = {role: (r.texts[j] if j < len(r.texts) else "") for role, r in by_role.items()}
        if is_total_label(name):
            if values.get("score"):
                totals.append(TotalScore("total_score", values["score"], anchor.line, ""))
            for role, r in by_role.items():
                ctx.place_text(r.cells[j].line if j < len(r.cells) else r.line, values.get(role))
            continue
        rec = _empty(ctx, ctx.scope_at(anchor.line), title, anchor.line)
        rec["level1"] = clean_level(name, "level1")
        _fill_values(rec, values)
        for role, r in by_role.items():
            ctx.place_text(r.line, values.get(role))
        out.append(rec)
    return out, totals


def _empty(ctx: ReportContext, scope: str, title: str | None, line: int) -> dict:
    rec = {c: None for c in INDICATOR_COLUMNS}
    rec.update(report_id=ctx.doc.report_id, scope=scope, table=title or "", source=ctx.source(line))
    return rec


def indicator_record(ctx: ReportContext, scope: str, table: str, line: int, values: dict[str, str]) -> dict:
    """An indicators row from cell texts by role (target, actual, weight, score, note …)."""
    rec = _empty(ctx, scope, table, line)
    _fill_values(rec, values)
    return rec


def indicator_role(label: str) -> str | None:
    """The role a header word gives its column: '分值' → 'weight', '年度指标值' → 'target'.

    Examples
    --------
    >>> indicator_role("分值"), indicator_role("得分"), indicator_role("项目资金")
    ('weight', 'score', None)
    """
    return _role_of(label)


def _fill_values(rec: dict, values: dict[str, str]) -> None:
    for role in ("weight", "score"):
        v = values.get(role)
        if v and not is_missing(v):
            rec[role] = parse_number(v)
            if rec[role] is None:
                q = parse_quantity(v)
                rec[role] = q.value if q and q.unit in (None, "分") else None
    # an operator and a unit may stand in columns of their own ('≤ | 101400 | 元', '定性 | 优良中低差')
    op_word = compact(values.get("op") or "")
    column_op = vocab.synonyms("operator_words", "op", word="word").get(op_word) if op_word else None
    column_unit = values.get("unit") if values.get("unit") and not is_missing(values.get("unit")) else None
    target = values.get("target")
    if target is not None and not is_missing(target):
        rec["target_raw"] = " ".join(target.split())
        q = parse_quantity(target)
        if q is None or column_op == "定性":
            rec["target_op"] = "定性"
        else:
            rec["target_op"] = q.op or column_op or None
            rec["target_value"] = q.value  # None for a range such as '6-9个月'
            rec["target_low"], rec["target_high"] = q.low, q.high
            rec["target_unit"] = _unit(q.unit) or column_unit
    actual = values.get("actual")
    if actual is not None and not is_missing(actual):
        rec["actual_raw"] = " ".join(actual.split())
        q = parse_quantity(actual)
        if q is not None:
            rec["actual_value"] = q.value
            rec["actual_unit"] = _unit(q.unit) or (column_unit if q.unit is None else None)
    for role in ("note", "explanation", "rule_text", "evidence"):
        v = values.get(role)
        if v and not is_missing(v):
            rec[role] = clean_label(v)


def _unit(unit: str | None) -> str | None:
    return unit  # as written: '万' may be 万元 or 万人; the analysis reconciles units and says how


def _table_rows(table: Table, ctx: ReportContext, previous: dict) -> tuple[list[dict], list[TotalScore]]:
    if _transposed(table):
        title = caption_of(table, 0)
        return _transposed_rows(table, ctx, title)
    out: list[dict] = []
    totals: list[TotalScore] = []
    for part in _split_parts(table):
        rows = [r for r in part.rows if not r.is_empty()]
        if not rows:
            continue
        width = _row_width(rows)
        roles = _align(part.roles, width)
        roles = _assign_levels(roles, rows)
        roles = _score_column_from_total(part, roles, rows)
        rows = _merge_wrapped(rows, roles, ctx)
        header = table.rows[part.header_index]
        title = _title(table, part, header, previous)
        scope = ctx.scope_at(header.line)
        for t in part.totals:
            totals.append(TotalScore(t.kind, t.value, t.line, scope))
            ctx.place_text(t.line, t.value)
        filled = {lv: "" for lv in LEVELS}
        for row in rows:
            texts = row.texts + [""] * (len(roles) - len(row.texts))
            missing = len(roles) - len(row.texts)
            if len(row.texts) > len(roles):
                texts = row.texts[-len(roles):] if roles else []
                offset = len(row.texts) - len(roles)
            elif 0 < missing < len(roles) and any(r in ("weight", "score") for r in roles[-missing:]) \
                    and parse_number(row.texts[-1]) is not None:
                texts = [""] * missing + row.texts  # merged level cells dropped on the left (one cell per line)
                offset = -missing
            else:
                offset = 0
                if missing > 0 and any(row.texts):
                    _record_short_row(ctx, row, header, len(roles))
            values = {r: texts[i] for i, r in enumerate(roles) if r}
            first = next((t for t in texts if t), "")
            if is_total_label(first):
                if values.get("weight"):
                    totals.append(TotalScore("total_weight", values["weight"], row.line, scope))
                if values.get("score"):
                    totals.append(TotalScore("total_score", values["score"], row.line, scope))
                for cell in row.cells:
                    ctx.place_text(cell.line, cell.label)
                continue
            for lv in ("level1", "level2"):
                if values.get(lv):  # a blank level cell means "same as the row above"
                    filled[lv] = clean_level(values[lv], lv)
                    if lv == "level1" and "level2" in values and not values["level2"]:
                        filled["level2"] = ""  # a new level-1 group starts without a level 2
            level1 = filled["level1"]
            if not values.get("level1"):
                level1 = _framework_level1(filled["level2"], level1)
            name = clean_level(values.get("level3", ""), "level3")
            if not name and not any(values.get(r) for r in VALUE_ROLES):
                continue
            idx3 = roles.index("level3") + offset if "level3" in roles else 0
            line = row.cells[idx3].line if 0 <= idx3 < len(row.cells) else row.line
            rec = _empty(ctx, scope, title, line)
            rec["level1"] = level1 or None
            rec["level2"] = filled["level2"] or None
            rec["level3"] = name or None
            if values.get("seq"):
                seq = parse_number(values["seq"])
                rec["seq"] = int(seq) if seq is not None and float(seq).is_integer() else None
            _fill_values(rec, values)
            for i, r in enumerate(roles):
                if r and 0 <= i + offset < len(row.cells):
                    cell = row.cells[i + offset]
                    ctx.place_text(cell.line, _own_text(texts[i], cell.label))
            out.append(rec)
        previous["header"] = header.texts
        previous["title"] = title
    return out, totals


def _record_short_row(ctx: ReportContext, row: Row, header: Row, width: int) -> None:
    """A row with fewer cells than its table (cut off, or cells lost in conversion): say so."""
    lost = header.texts[len(row.cells):] if len(header.texts) == width else []
    names = "、".join(t for t in lost if t)
    ctx.doc.problems.append((
        row.line, " | ".join(t for t in row.texts if t)[:60],
        f"表格行只有 {len(row.cells)} 个单元格，少于表头的 {width} 个" + (f"（缺：{names}）" if names else ""),
    ))


def _own_text(merged: str, own: str) -> str:
    """The part of a (possibly merged) cell text that stands on the cell's own line."""
    return own if merged.startswith(own) else merged


def _title(table: Table, part: _Part, header: Row, previous: dict) -> str:
    roles_map = _roles()
    first = header.texts[0] if header.texts else ""
    if first and compact(first) not in roles_map and part.roles[0] is None:
        return first
    cap = caption_of(table, part.header_index)
    if cap:
        return cap
    if previous.get("header") == header.texts and previous.get("title"):
        return previous["title"]
    for row in reversed(table.rows[: part.header_index]):
        t = single_text(row)
        if t:
            return t
    return ""


@functools.cache
def _statement_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a score statement's name ends (its anchor), and the statement from there:
    '<name>总分 5 分，实际得分 5 分', optionally with the target and the result before the weight:
    '<name>年度目标≥95%，实际完成98%，分值10分，得分9.8分' (the header words of
    ``indicator_headers.csv``)."""
    def words(role: str) -> str:
        ws = sorted((r["word"] for r in vocab.load("indicator_headers") if r["role"] == role), key=len, reverse=True)
        return "|".join(re.escape(w) for w in ws)

    weight_words = "总分|总得分|满分|分值"
    anchor = re.compile(rf"(?:指标)?\s*(?:的)?(?:{words('target')}|{weight_words})")
    clause = r"(?:为|是)?[:：]?\s*(?P<{}>[^，,；;。]{{1,24}}?)\s*[，,；;]\s*"
    tail = re.compile(
        r"(?:指标)?\s*(?:的)?"
        rf"(?:(?:{words('target')}){clause.format('target')}(?:{words('actual')}){clause.format('actual')})?"
        rf"(?:(?:指标)?(?:{weight_words})(?:为)?\s*\**\s*(?P<w>\d+(?:\.\d+)?)\s*\**\s*分\s*[，,、]\s*)?"
        r"(?:实际)?(?:得分|得满分|得)(?:为)?\s*\**\s*(?P<s>\d+(?:\.\d+)?)\s*\**\s*分"
        r"(?P<rest>[^。；;]*)"
    )
    return anchor, tail


_WEIGHT_WORD = re.compile(r"总分|满分|分值|得(?:分|满分|\s*\d)")  # a line without one holds no score statement
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff“”、（）()]{1,40}\Z")


def _statement_matches(text: str):
    """(name, match of the rest) of each score statement of a line: the name is the run of
    Chinese words (at most 40) right before the statement's first header word."""
    anchor, tail = _statement_res()
    pos = 0
    while (a := anchor.search(text, pos)) is not None:
        m = tail.match(text, a.start())
        if m is not None and m.group("w") is None and m.group("target") is None:
            m = None  # '…得分5分' alone: a score needs its weight or its target beside it
        end = a.start()
        while end > 0 and text[end - 1] in "：: ":
            end -= 1  # '预算执行率：年度指标值≥95%…'
        name = _NAME_CHARS.search(text, max(0, end - 40), end) if m else None
        if m is None or name is None or len(name.group(0)) < 2:
            pos = a.end()  # (not inside the header word: '年度指标值' holds '指标值')
            continue
        yield name.group(0), m
        pos = m.end()


def _statements(ctx: ReportContext, known: list[dict]) -> list[dict]:
    """Score statements in the text: '参保人员即时报销率总分 5 分，实际得分 5 分', and the same with
    the target and the result: '…年度目标≥95%，实际完成98%，分值10分，得分9.8分'."""
    level_of: dict[str, tuple[str, dict]] = {}
    for rec in known:
        for lv in LEVELS:
            name = rec.get(lv)
            if name:
                key = compact(name)
                if key not in level_of or LEVELS.index(lv) < LEVELS.index(level_of[key][0]):
                    level_of[key] = (lv, rec)
    out = []
    current = {"level1": None, "level2": None}
    for block in ctx.doc.blocks:
        if not isinstance(block, TextLine) or _WEIGHT_WORD.search(block.text) is None:
            continue
        for found_name, m in _statement_matches(fold(block.text)):
            raw_name = re.split(r"[，。；：、]", found_name)[-1]
            name = re.sub(r"指标$", "", clean_label(raw_name))
            name = re.sub(r"^(其中|下设|以及|和|及)", "", name)
            rec = _empty(ctx, ctx.scope_at(block.line), "正文", block.line)
            rec["weight"] = float(m.group("w")) if m.group("w") else None
            rec["score"] = float(m.group("s"))
            if m.group("target") is not None:
                _fill_values(rec, {"target": m.group("target"), "actual": m.group("actual")})
                ctx.place_text(block.line, m.group("target"))
                ctx.place_text(block.line, m.group("actual"))
            rest = m.group("rest")
            reason = re.search(r"扣分原因(?:是|为)?[:：]?\s*(.+)", rest)
            if reason:
                rec["note"] = clean_label(reason.group(1))
            hit = level_of.get(compact(name))
            level = hit[0] if hit else "level3"
            if level == "level1":
                current = {"level1": name, "level2": None}
                rec["level1"] = name
            elif level == "level2":
                parent = hit[1].get("level1") if hit else None
                current = {"level1": parent or current["level1"], "level2": name}
                rec["level1"], rec["level2"] = current["level1"], name
            else:
                if hit:
                    rec["level1"] = hit[1].get("level1") or current["level1"]
                    rec["level2"] = hit[1].get("level2") or current["level2"]
                else:
                    rec["level1"], rec["level2"] = current["level1"], current["level2"]
                rec["level3"] = name
            if m.group("w"):
                ctx.place(block.line, m.group("w"))
            ctx.place(block.line, m.group("s"))
            out.append(rec)
    return out


_WEIGHT_LIST = re.compile(r"(?:计分标准|分值|权重)(?:为|是|[:：])")
_WEIGHT_ITEM = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,15}?)\s*(?P<w>\d+(?:\.\d+)?)\s*分")


def _weight_lists(ctx: ReportContext) -> list[dict]:
    """Weight enumerations adding up to 100: '评价计分标准为社会效益 20 分；服务对象满意度 5 分；…'.

    Such a list gives the weights of the level-1 indicators, named as the sentence names them.
    """
    out = []
    for block in ctx.doc.text_lines:
        if "分" not in block.text and "重" not in block.text:
            continue  # (no 计分标准, 分值 or 权重 on the line)
        text = fold(block.text)
        head = _WEIGHT_LIST.search(text)
        if not head:
            continue
        items = [m for m in _WEIGHT_ITEM.finditer(text, head.end()) if "得分" not in m.group("name")]
        total = sum(float(m.group("w")) for m in items)
        if len(items) < 2 or abs(total - 100) > 1e-6:
            continue
        for m in items:
            rec = _empty(ctx, ctx.scope_at(block.line), "正文", block.line)
            rec["level1"] = re.sub(r"^(?:为|是|和|及)", "", m.group("name"))
            rec["weight"] = float(m.group("w"))
            ctx.place(block.line, m.group("w"))
            out.append(rec)
    return out


def extract_indicators(ctx: ReportContext) -> tuple[list[dict], list[TotalScore]]:
    """Every indicator row of a report, and the totals and grades printed beside the tables."""
    rows: list[dict] = []
    totals: list[TotalScore] = []
    previous: dict = {}
    for table in ctx.doc.tables:
        got, tot = _table_rows(table, ctx, previous)
        rows.extend(got)
        totals.extend(tot)
    rows.extend(_statements(ctx, rows))
    rows.extend(_weight_lists(ctx))
    return rows, totals

