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
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from evalkit import vocab
from evalkit.document import Document, Row, Table, TextLine, clean_label
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
_GRAND_TOTALS = ("合计", "总计", "总分", "综合绩效", "综合评价")  # the last row of a table
_MARKS = re.compile(r"[★☆▲△※]")  # core-indicator marks ('★医保经办窗口业务办理量')
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
    stop: int = 0  # past the part's last row: where the next header, a section title or the table ends
    closed: bool = False  # a grand total (合计, 总分) ended the part: a header after it starts another form


@functools.cache
def _roles() -> dict[str, str]:
    return {compact(k): v for k, v in vocab.synonyms("indicator_headers", "role").items()}


_HEADER_REMARK = re.compile(r"[（(][^（()）]{1,20}[)）]$")  # '年度指标值（A）', '得分（20分*执行率）'


def _role_of(text: str) -> str | None:
    """The role a header cell names, its remarks in brackets aside ('权重（%）' → weight,
    '指标值（包含数字及文字描述）' → target).

    Examples
    --------
    >>> _role_of("年初目标值(A)"), _role_of("得分（20分*执行率）"), _role_of("项目资金（万元）")
    ('target', 'score', None)
    """
    starts = _role_starts()
    if starts is not None and text.lstrip()[:1] not in starts:
        return None  # (compacting and dropping remarks keep the first character: no header word starts so)
    label = compact(text)
    role = _roles().get(label)
    while role is None and label.endswith(("）", ")")) and _HEADER_REMARK.search(label):
        label = _HEADER_REMARK.sub("", label)
        role = _roles().get(label)
    return role


@functools.cache
def _role_starts() -> frozenset[str] | None:
    """The first characters of the header words of :func:`_roles` (None when a word is empty:
    a text whose remarks are all of it may name it, whatever its first character)."""
    return None if "" in _roles() else frozenset(k[0] for k in _roles())


@functools.lru_cache(maxsize=4096)
def _cell_role(label: str) -> str | None:
    """:func:`_role_of` of a cell's label, kept: the cells of a table repeat ('', '10', '100%', '是')."""
    return _role_of(label)


def header_roles(row: Row) -> list[str | None] | None:
    """The role of each cell of an indicator table's header row, or None for another row."""
    roles = _roles_of(tuple(row.texts))
    return list(roles) if roles is not None else None


@functools.lru_cache(maxsize=4096)
def _roles_of(texts: tuple[str, ...]) -> tuple[str | None, ...] | None:
    roles = tuple(map(_cell_role, texts))
    named = [r for r in roles if r]
    has_label = any(r in LEVELS for r in named)
    has_value = any(r in VALUE_ROLES for r in named)
    if len(named) >= 2 and has_label and has_value:
        return roles
    return None


def _meta_kind(text: str) -> str | None:
    """'total_score' or 'grade' for a label of ``meta_labels.csv`` naming a total or a grade."""
    return _meta_kinds().get(compact(text))


@functools.cache
def _meta_kinds() -> dict[str, str]:
    """The compacted words of ``meta_labels.csv`` of the fields total_score and grade, with their
    field (the first row of a word gives it)."""
    kinds: dict[str, str] = {}
    for row in vocab.load("meta_labels"):
        if row["field"] in ("total_score", "grade"):
            kinds.setdefault(compact(row["word"]), row["field"])
    return kinds


@functools.lru_cache(maxsize=4096)
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
    >>> clean_level("★医保经办窗口 业务办理量<br>", "level3")
    '医保经办窗口业务办理量'
    """
    s = clean_label(_MARKS.sub("", text).replace("<br>", ""))
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


def _align(roles: list[str | None], width: int, rows: list[Row] = ()) -> list[str | None]:
    """Roles for rows of ``width`` cells from a header of a different width.

    A header wider than its rows has lost its last cells in the rows (text extraction drops a
    row's empty cells at its end: the 偏差原因 column) or its first (a merged '绩效指标' cell
    that the rows do not repeat): the header's first roles are kept when the rows' weights and
    scores are figures there and not at the header's last roles, else its last.

    Examples
    --------
    >>> from evalkit.document import Cell
    >>> roles = [None, "level1", "level3", "weight", "score", "note"]
    >>> rows = [Row([Cell(t, 1) for t in ["", "产出指标", "办件数", "20", "18"]])]
    >>> _align(roles, 5, rows)
    [None, 'level1', 'level3', 'weight', 'score']
    >>> _align(roles, 5, [Row([Cell(t, 1) for t in ["产出指标", "办件数", "20", "18", "无"]])])
    ['level1', 'level3', 'weight', 'score', 'note']
    """
    if len(roles) == width:
        return list(roles)
    if len(roles) > width:
        if not width:
            return []
        first, last = list(roles[:width]), list(roles[-width:])
        return first if rows and _figures_fit(first, rows) > _figures_fit(last, rows) else last
    return [None] * (width - len(roles)) + list(roles)


def _figures_fit(roles: list[str | None], rows: list[Row]) -> int:
    """How many weight and score cells of ``rows`` under ``roles`` are plain figures, less those
    that hold something else."""
    fit = 0
    for row in rows:
        texts = row.texts
        for i, role in enumerate(roles):
            if role in ("weight", "score") and i < len(texts) and texts[i]:
                fit += 1 if _PLAIN_NUMBER.fullmatch(texts[i]) else -1
    return fit


def _looks_like_name(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    if not filled:
        return False
    named = sum(1 for t in filled if _NAMED.match(t))
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
    if roles.count("level1") == 1 and "level2" not in roles and "level3" not in roles \
            and _is_dimension_column(cols[roles.index("level1")] if cols else ()):
        return roles  # a table of dimensions: 评价指标 | 权重 | 得分 (决策, 过程, 产出, 效益)
    if "level3" not in roles:
        # the right-most label column with content before the first value column is the name,
        # except a column headed 二级指标 in a score table of levels 1 and 2 (一级指标 | 二级指标 |
        # 分值 | 得分, no target or actual): its labels stay level 2
        first_value = min((i for i, r in enumerate(roles) if r in VALUE_ROLES), default=len(roles))
        two_levels = "level1" in roles and not any(r in ("target", "actual") for r in roles)
        for i in range(first_value - 1, -1, -1):
            if roles[i] == "level2" and two_levels:
                break
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
                # a column of standard level-1 labels under an unknown word ('指标类别') is level 1
                level = "level1" if "level1" in free and _is_level1_column(cols[i]) else free[0]
                roles[i] = level
                free.remove(level)
            elif roles[i] in ("level1", "level2"):
                free = [lv for lv in free if lv != roles[i]]
    return roles


def _is_level1_column(texts) -> bool:
    """True when most filled cells of a column are standard level-1 labels (产出指标, 效益指标,
    满意度指标 …: the level 1 of ``indicator_framework.csv``)."""
    level1 = set(_framework().values())
    filled = [compact(clean_level(t, "level1")) for t in texts if t]
    hits = sum(1 for t in filled if t in level1)
    return bool(filled) and hits * 2 >= len(filled)


def _is_dimension_column(texts) -> bool:
    """True for the label column of a table of evaluation dimensions (决策, 过程, 产出, 效益 of a
    third-party evaluation; ``indicator_framework.csv``, role dimension): most of its labels are
    dimensions."""
    filled = [compact(clean_level(t, "level1")) for t in texts if t]
    hits = sum(1 for t in filled if t in _dimensions())
    return bool(filled) and hits >= 2 and hits * 2 >= len(filled)


@functools.cache
def _dimensions() -> frozenset[str]:
    return frozenset(r["level1"] for r in vocab.load("indicator_framework") if r["level2"] == "")


@functools.cache
def _headings() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """The framework as the level headings read it: level 2 → level 1 over every row of
    ``indicator_framework.csv`` (the dimension rows too, under the level 2 ''), the level 1s of
    that mapping, and the last characters of its names (a heading naming none of them has none
    of these characters: the heading readers only drop characters)."""
    framework = {r["level2"]: r["level1"] for r in vocab.load("indicator_framework")}
    level1s = frozenset(framework.values())
    last = frozenset(n[-1] for n in (*framework, *level1s) if n)
    return framework, level1s, last


@functools.cache
def _framework_last_chars() -> frozenset[str] | None:
    """The last characters of the standard level names of :func:`_framework` (None when a name
    is empty: then any text can name it)."""
    names = (*_framework(), *_framework().values())
    return frozenset(n[-1] for n in names) if all(names) else None


@functools.cache
def _framework() -> dict[str, str]:
    """The national framework's level 1 of each standard level 2 (``indicator_framework.csv``)."""
    return {r["level2"]: r["level1"] for r in vocab.load("indicator_framework") if r["level2"]}


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


_YEAR_WORD = re.compile(r"(?:19|20)(\d{2})\s*年?度?")


def _year_sub_header(row: Row, part: _Part) -> bool:
    """A second header row of years under a value column spanning them ('得分' over '2023年 |
    2022年'): the latest year's column keeps the value's role, the other years' columns (a
    prior year's scores) take none. A header's last cell spanning the years stands once in its
    row (the grid does not expand a row's last cell): the columns it covers are added."""
    words = [(i, t) for i, t in enumerate(row.texts) if t]
    if len(words) < 2 or any(not _YEAR_WORD.fullmatch(t) for _, t in words):
        return False
    cols = [i for i, _ in words]
    if cols != list(range(cols[0], cols[0] + len(cols))) or cols[0] >= len(part.roles):
        return False
    if cols[-1] >= len(part.roles):
        if cols[0] != len(part.roles) - 1:
            return False
        part.roles = [*part.roles, *[None] * (cols[-1] + 1 - len(part.roles))]
        part.width = len(part.roles)
    role = part.roles[cols[0]]
    if role not in VALUE_ROLES or any(part.roles[i] is not None for i in cols[1:]):
        return False
    latest = max(words, key=lambda w: int(_YEAR_WORD.fullmatch(w[1]).group(1)))[0]
    part.roles = list(part.roles)
    for i in cols:
        part.roles[i] = role if i == latest else None
    return True


_MAX_HEADER_PIECE = 8  # the longest piece of a header word broken onto a second line ('及改进措施')


def _wrapped_header(row: Row, nxt: Row, roles: list[str | None] | None) -> list[str | None] | None:
    """The roles of a header whose words the text extraction broke over two lines ('年度指标'
    over '值', '偏差原因分析' over '及改进措施'): ``nxt`` holds only short pieces of words without
    figures, each under a word of ``row``, and joined to them they name more columns than
    ``row`` alone. None when ``nxt`` is no such line.

    Examples
    --------
    >>> from evalkit.document import Cell
    >>> top = Row([Cell(t, 1) for t in ("一级指标", "三级指标", "年度指标", "实际完成", "分值", "得分")])
    >>> low = Row([Cell(t, 2) for t in ("", "", "值", "值", "", "")])
    >>> _wrapped_header(top, low, header_roles(top))
    ['level1', 'level3', 'target', 'actual', 'weight', 'score']
    >>> _wrapped_header(top, Row([Cell(t, 2) for t in ("产出指标", "参保人数", "", "", "10", "10")]), None)
    """
    top, low = row.texts, nxt.texts
    filled = [j for j, t in enumerate(low) if t]
    if not filled or len(low) > len(top):
        return None
    for j in filled:
        piece = low[j]
        if not top[j] or len(piece) > _MAX_HEADER_PIECE or any(ch.isdigit() for ch in piece):
            return None
    joined = list(top)
    for j in filled:
        joined[j] = top[j] + low[j]
    new = _roles_of(tuple(joined))
    if new is None:
        return None
    old = roles if roles is not None else [_cell_role(t) for t in top]
    if sum(1 for r in new if r) <= sum(1 for r in old if r):
        return None
    return [n or o for n, o in zip(new, old)]


def _stacked_header(row: Row, nxt: Row) -> list[str | None] | None:
    """The roles of a header printed over two rows that are no header alone: the value words
    in the first row (merged down over the second) and the level words in the second, under a
    group word ('绩效指标' over '一级指标 | 二级指标 | 三级指标'), or the other way round. Every
    word of the second row is a header word. None when the two rows are no such header.

    Examples
    --------
    >>> from evalkit.document import Cell
    >>> top = Row([Cell(t, 1) for t in ("绩效指标", "", "", "年度指标值", "实际完成值", "分值", "得分")])
    >>> low = Row([Cell(t, 2) for t in ("一级指标", "二级指标", "三级指标", "", "", "", "")])
    >>> _stacked_header(top, low)
    ['level1', 'level2', 'level3', 'target', 'actual', 'weight', 'score']
    """
    top = [_cell_role(t) for t in row.texts]
    low = [_cell_role(t) for t in nxt.texts]
    if len(low) > len(top) or not any(low) or not any(top):
        return None
    if any(t and r is None for t, r in zip(nxt.texts, low)):
        return None  # (the second row holds a word of no column: a row of the table)
    if any(t and r for t, r in zip(top, low)):
        return None  # (two words over one column: the second row refines the first, _sub_header)
    merged = [lo or t for t, lo in zip(top, [*low, *[None] * (len(top) - len(low))])]
    if not (any(r in LEVELS for r in merged) and any(r in VALUE_ROLES for r in merged)):
        return None
    return merged


def _header_at(rows: list[Row], idx: int) -> tuple[list[str | None] | None, bool]:
    """The roles of row ``idx`` as a header (None for another row), and whether the next row is
    the rest of it: its words broken onto a second line (:func:`_wrapped_header`), or a second
    header row that completes it (:func:`_stacked_header`)."""
    roles = header_roles(rows[idx])
    if idx + 1 < len(rows) and (roles is not None or _header_words_only(rows[idx].texts)):
        joined = _wrapped_header(rows[idx], rows[idx + 1], roles)
        if joined is None and roles is None:
            joined = _stacked_header(rows[idx], rows[idx + 1])
        if joined is not None:
            return joined, True
    return roles, False


_DIGIT = re.compile(r"\d")


def _header_words_only(texts: list[str]) -> bool:
    """Whether a row may be the first line of a header that is no header alone: three cells of
    words or more, and no figure (most rows of a table hold figures: they are not tried)."""
    return sum(1 for t in texts if t) >= 3 and not any(_DIGIT.search(t) for t in texts if t)


def _split_parts(table: Table) -> list[_Part]:
    parts: list[_Part] = []
    current: _Part | None = None
    header_texts: list[str] | None = None
    wrapped_line = -1  # the second line of a header broken over two lines
    for idx, row in enumerate(table.rows):
        if idx == wrapped_line:
            if current is not None:
                current.stop = idx + 1
            continue
        roles, wraps = _header_at(table.rows, idx)
        if wraps:
            wrapped_line = idx + 1
        if roles is not None:
            if current is not None and header_texts == row.texts and not current.closed:
                current.stop = idx + 1
                continue  # header repeated after a page break
            current = _Part(header_index=idx, roles=roles, width=len(roles), stop=idx + 1)
            header_texts = row.texts
            parts.append(current)
            continue
        if current is None:
            continue
        current.stop = idx + 1
        if row.is_empty():
            continue
        if not current.rows and (_sub_header(row, current) or _year_sub_header(row, current)):
            continue  # '指标值' over '年度目标值 | 实际完成值': the second header row names the columns
        texts = [t for t in row.texts if t]
        kind = _meta_kind(texts[0]) if texts else None
        if kind and len(texts) <= 2:  # (a wider row is a total row under the columns: _total_kind)
            value = texts[-1] if len(texts) > 1 else ""
            cell = next((c for c in reversed(row.cells) if c.label), row.cells[0])
            current.totals.append(TotalScore(kind, value, cell.line, ""))
            continue
        if table.layout == "cells" and single_text(row) and len(row.cells) == 1:
            current.stop = idx
            current = None  # a section title ends the part
            continue
        if texts and _total_kind(texts[0]) == "grand":
            current.closed = True
        current.rows.append(row)
    return parts


def _continues(row: Row, prev: Row) -> bool:
    """True when every filled cell of ``row`` stands under a filled cell of ``prev`` (the words
    of a wrapped row go on the cells above them), none holds a number or an ordinal (a
    sub-item '1、特困人员 | ≧1800人 | 1842人' is a row) unless the cell above breaks off
    mid-expression, and the row is no total."""
    texts, above = row.texts, prev.texts
    filled = [i for i, t in enumerate(texts) if t]
    first_above = next((t for t in above if t), "")
    if not filled or is_total_label(texts[filled[0]]) or is_total_label(first_above):
        return False
    if any(i >= len(above) or not above[i] for i in filled):
        return False
    return not any(
        (_ORDINAL.match(texts[i]) or parse_quantity(texts[i]) is not None) and not above[i].endswith(_OPEN_ENDS)
        for i in filled
    )


# A cell ending in an operator or an open bracket goes on in the next line, numbers included
# ('结算率=已结算/应结算*' then '100%').
_OPEN_ENDS = ("*", "×", "/", "÷", "+", "-", "=", "（", "(", "、", "，")


def _merge_wrapped(rows: list[Row], roles: list[str | None], ctx: ReportContext) -> list[Row]:
    """Fold a wrapped line (a row with no name and no values) into the row above."""
    keys = [i for i, r in enumerate(roles) if r in ("level3", *VALUE_ROLES)]
    scored = [i for i, r in enumerate(roles) if r in ("weight", "score")]
    levels = [i for i, r in enumerate(roles) if r in ("level1", "level2")]
    out: list[Row] = []
    copied: set[int] = set()  # (the rows of ``out`` that are copies: the table's own rows are not changed)
    for row in rows:
        texts = row.texts
        wrapped = out and keys and all(i >= len(texts) or not texts[i] for i in keys) and any(texts)
        if not wrapped and out and scored and len(texts) == len(roles) and any(texts) \
                and all(not texts[i] for i in scored + levels) and any(out[-1].texts[i] for i in scored if i < len(out[-1].texts)):
            wrapped = True  # tabs: '…审核办结时 | ≤10个工作 | … | 10' then '| | 限 | 日 | | |': the words wrap
        if wrapped and _continues(row, out[-1]):
            if id(out[-1]) not in copied:
                out[-1] = Row([c.copy() for c in out[-1].cells])
                copied.add(id(out[-1]))
            prev = out[-1]
            for cell in row.cells:
                ctx.place_text(cell.line, cell.text)
            for i, cell in enumerate(row.cells):
                if cell.label and i < len(prev.cells):
                    prev.cells[i].text = prev.cells[i].text + cell.text
            prev.refresh()
            continue
        out.append(row)
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
    rec = dict.fromkeys(INDICATOR_COLUMNS)
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
    get = values.get  # (a row's values are asked for a dozen times)
    for role in ("weight", "score"):
        v = get(role)
        if v and not is_missing(v):
            number = parse_number(v)
            if number is None:
                q = parse_quantity(v)
                # a weight may be printed as its share of the 100 points ('10%' under 权重)
                number = q.value if q and (q.unit in (None, "分") or role == "weight" and q.unit == "%") else None
            rec[role] = number
    # an operator and a unit may stand in columns of their own ('≤ | 101400 | 元', '定性 | 优良中低差')
    op = get("op")
    op_word = compact(op) if op else ""  # (compact('') is '')
    column_op = vocab.synonyms("operator_words", "op", word="word").get(op_word) if op_word else None
    unit = get("unit")
    column_unit = unit if unit and not is_missing(unit) else None
    op_shown = clean_label(op) if op_word and not is_missing(op_word) else ""  # (op_word: op is a text)
    target = get("target")
    if target is not None and not is_missing(target):
        # printed in columns of their own, the operator, value and unit are written as one:
        # '≥' + '52.6' + '万人' → '≥52.6万人', '定性' + '优良中低差' → '定性优良中低差'
        rec["target_raw"] = " ".join((op_shown + _with_unit(target, column_unit)).split())
        q = parse_quantity(target)
        if q is None or column_op == "定性":
            rec["target_op"] = "定性"
        else:
            rec["target_op"] = q.op or column_op or None
            rec["target_value"] = q.value  # None for a range such as '6-9个月'
            rec["target_low"], rec["target_high"] = q.low, q.high
            rec["target_unit"] = _unit(q.unit) or column_unit
    actual = get("actual")
    if actual is not None and not is_missing(actual):
        rec["actual_raw"] = " ".join(_with_unit(actual, column_unit).split())
        q = parse_quantity(actual)
        if q is not None:
            rec["actual_value"] = q.value
            rec["actual_unit"] = _unit(q.unit) or (column_unit if q.unit is None else None)
    for role in _NOTE_ROLES:
        v = get(role)
        if v and not is_missing(v):
            rec[role] = clean_label(v)


def _with_unit(text: str, unit: str | None) -> str:
    """A figure with the unit of the unit column ('53.18' + '万人'), when the figure has none.

    Examples
    --------
    >>> _with_unit("53.18", "万人"), _with_unit("良", "%"), _with_unit("96%", "%"), _with_unit("12", None)
    ('53.18万人', '良', '96%', '12')
    """
    if not unit:
        return text
    q = parse_quantity(text)
    if q is None or q.unit is not None or parse_number(text.strip()) is None and q.low is None:
        return text
    return text.strip() + clean_label(unit)


def _unit(unit: str | None) -> str | None:
    return unit  # as written: '万' may be 万元 or 万人; the analysis reconciles units and says how


@dataclass
class IndicatorSplit:
    """A table as the indicator reader splits it: on the file's grid (:meth:`Table.on_grid`),
    whether it is transposed (a row per value kind), and its parts under each header row. The
    classifier makes it once per table (:mod:`evalkit.extract.classify`) and the reader reads the
    same split: splitting is the larger part of recognising an indicator table."""

    grid: Table
    transposed: bool
    parts: list[_Part]

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """The row ranges (start, stop) of the indicator parts (:func:`indicator_parts`)."""
        if self.transposed:
            return [(0, len(self.grid.rows))]
        return [(p.header_index, p.stop) for p in self.parts]


def split_indicator_table(table: Table) -> IndicatorSplit:
    """The :class:`IndicatorSplit` of a table (its parts are not read yet: the reader does not
    change them, so the classifier's split serves the reader).

    Parameters
    ----------
    table : Table
        A table of the document model.

    Returns
    -------
    IndicatorSplit
        The table on its grid, whether it is transposed, and the row ranges of its parts.
    """
    grid = table.on_grid()
    if _transposed(grid):
        return IndicatorSplit(grid, True, [])
    return IndicatorSplit(grid, False, _split_parts(grid))


def indicator_parts(table: Table) -> list[tuple[int, int]]:
    """The row ranges (start, stop) of the indicator parts of a table: from each header row of
    indicator columns to the next header or section title, or the whole of a transposed table
    (the classifier's recogniser of indicator tables, :mod:`evalkit.extract.classify`).

    Examples
    --------
    >>> from evalkit.document import Cell, Row
    >>> t = Table([Row([Cell("年度资金总额", 1), Cell("120", 1)]),
    ...            Row([Cell(w, 2) for w in ("一级指标", "三级指标", "年度指标值", "实际完成值", "得分")]),
    ...            Row([Cell(w, 3) for w in ("产出指标", "系统上线数", "3个", "3个", "10")])], "tabs")
    >>> indicator_parts(t)
    [(1, 3)]
    """
    return split_indicator_table(table).ranges


def _table_rows(split: IndicatorSplit, ctx: ReportContext, previous: dict) -> tuple[list[dict], list[TotalScore]]:
    table = split.grid
    if split.transposed:
        title = caption_of(table, 0)
        return _transposed_rows(table, ctx, title)
    out: list[dict] = []
    totals: list[TotalScore] = []
    for part in split.parts:
        rows = [r for r in part.rows if not r.is_empty()]
        if rows:
            _part_rows(table, part, rows, ctx, previous, (out, totals))
    return out, totals


def _part_rows(table: Table, part: _Part, rows: list[Row], ctx: ReportContext, previous: dict,
               into: tuple[list[dict], list[TotalScore]]) -> None:
    """Read the rows under one header of a table: indicator rows and stated totals go ``into``
    (rows, totals); ``previous`` carries the header, title and levels to a table continued after
    a page break."""
    out, totals = into
    width = _row_width(rows)
    roles = _align(part.roles, width, rows)
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
    if previous.get("header") == header.texts and previous.get("filled"):
        filled = dict(previous["filled"])  # a table continued after a page break: blank levels go on
    for row in rows:
        texts, offset, short = _row_alignment(row.texts, roles)
        if short:
            _record_short_row(ctx, row, header, len(roles))
        values = {r: texts[i] for i, r in enumerate(roles) if r}
        total = _total_kind(next((t for t in texts if t), ""))
        if total is not None:
            _total_row(ctx, row, values, scope, totals)
            if total == "grand":
                filled = {}  # (the table ends here: a table after it starts afresh)
                break  # the rows under the grand total are the form's conclusion and signatures
            continue
        rec = _indicator_row(ctx, row, (roles, texts, offset), values, filled, (scope, title))
        if rec is not None:
            out.append(rec)
    previous["header"] = header.texts
    previous["title"] = title
    previous["filled"] = filled


def _row_alignment(cells: list[str], roles: list[str | None]) -> tuple[list[str], int, bool]:
    """How a row's cell texts sit under its header's roles: (the texts, one per role; the offset
    of the first role's cell among the row's cells; whether the row is short of cells, a problem
    to record). A row wider than its header keeps its last cells; a row short by cells on the left
    whose last cell is a number under a weight or score column lost its merged level cells (one
    cell per line); any other short row is padded on the right."""
    missing = len(roles) - len(cells)
    if missing < 0:
        cells = _total_label_narrowed(cells, -missing)
        missing = len(roles) - len(cells)
    if missing < 0:
        return (cells[-len(roles):] if roles else []), -missing, False
    if 0 < missing < len(roles) and any(r in ("weight", "score") for r in roles[-missing:]) \
            and parse_number(cells[-1]) is not None:
        return [""] * missing + cells, -missing, False
    return cells + [""] * missing, 0, missing > 0 and any(cells)


def _total_label_narrowed(cells: list[str], extra: int) -> list[str]:
    """A total row wider than its header by ``extra`` cells because its label spans more columns
    than the header's labels ('总分' over seven cells, of a header whose last heading spans two):
    the label's empty cells taken out, so that its figures stay under the weight and score.

    Examples
    --------
    >>> _total_label_narrowed(["总分", "", "", "", "100", "97.5", ""], 1)
    ['总分', '', '', '100', '97.5', '']
    >>> _total_label_narrowed(["产出指标", "", "", "", "100", "97.5", ""], 1)
    ['产出指标', '', '', '', '100', '97.5', '']
    """
    k = next((i for i, t in enumerate(cells) if t), None)
    if k is None or _total_kind(cells[k]) is None:
        return cells
    blank = 0
    while k + 1 + blank < len(cells) and not cells[k + 1 + blank]:
        blank += 1
    if blank < extra:
        return cells
    return cells[: k + 1] + cells[k + 1 + extra:]


def _total_kind(first: str) -> str | None:
    """What a row's first text makes of it: 'grand' for the grand total that ends the table
    ('合计', '总分', '综合评价'), 'total' for another total ('小计'), None for an indicator row."""
    c = compact(first)
    if c in _GRAND_TOTALS:
        return "grand"
    if is_total_label(first):
        return "total"
    if _roles().get(c) == "total" or _meta_kinds().get(c) in ("total_score", "grade"):
        return "grand"  # '自评总分 | | 100 | 95', '综合得分 | 100% | 99': the form's total, no indicator
    return None


def _total_word(text: str) -> bool:
    """True for a token of flattened text that opens a total row: 合计, 总分 …, or a total of the
    scores ('自评总分', '综合得分': :func:`_total_kind`; not a grade label)."""
    if is_total_label(text):
        return True
    c = compact(text)
    return _roles().get(c) == "total" or _meta_kinds().get(c) == "total_score"


def _total_row(ctx: ReportContext, row: Row, values: dict, scope: str, totals: list[TotalScore]) -> None:
    """A total row: its weight and score are the table's stated totals; its cells are placed."""
    if values.get("weight"):
        totals.append(TotalScore("total_weight", values["weight"], row.line, scope))
    if values.get("score"):
        totals.append(TotalScore("total_score", values["score"], row.line, scope))
    for cell in row.cells:
        ctx.place_text(cell.line, cell.label)


def _fill_levels(filled: dict, values: dict) -> None:
    """Carry the level-1 and level-2 names down: a blank level cell means "same as the row
    above"; a new level-1 group starts without a level 2."""
    for lv in ("level1", "level2"):
        if values.get(lv):
            filled[lv] = clean_level(values[lv], lv)
            if lv == "level1" and "level2" in values and not values["level2"]:
                filled["level2"] = ""


def _indicator_row(ctx: ReportContext, row: Row, layout: tuple[list[str | None], list[str], int],
                   values: dict, filled: dict, where: tuple[str, str]) -> dict | None:
    """The indicator record of a row (its cells placed), or None for a row with neither a
    level-3 name nor a value; ``filled`` carries the levels down (:func:`_fill_levels`)."""
    roles, texts, offset = layout
    scope, title = where
    _fill_levels(filled, values)
    level1 = filled["level1"]
    if not values.get("level1"):
        level1 = _framework_level1(filled["level2"], level1)
    name = clean_level(values.get("level3", ""), "level3")
    if not name and not any(values.get(r) for r in VALUE_ROLES):
        return None
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
    cells, place_text = row.cells, ctx.place_text
    n_cells = len(cells)
    for i, r in enumerate(roles):
        if r and 0 <= i + offset < n_cells:
            cell = cells[i + offset]
            own = cell.label
            place_text(cell.line, own if texts[i].startswith(own) else texts[i])  # (:func:`_own_text`)
    return rec


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
    '<name>年度目标≥95%，实际完成98%，分值10分，得分9.8分', or with the weight first:
    '<name>：分值10分，目标值≥35万人，实际完成35.66万人，得分10分' (the header words of
    ``indicator_headers.csv``)."""
    def words(role: str) -> str:
        ws = sorted((r["word"] for r in vocab.load("indicator_headers") if r["role"] == role), key=len, reverse=True)
        return "|".join(re.escape(w) for w in ws)

    weight_words, score_words = vocab.any_word("statement_weight_label"), vocab.any_word("statement_score_label")
    anchor = re.compile(rf"(?:指标)?\s*(?:的)?(?:{words('target')}|{weight_words})")
    clause = r"(?:为|是)?[:：]?\s*(?P<{}>[^，,；;。]{{1,24}}?)\s*[，,；;]\s*"
    tail = re.compile(
        r"(?:指标)?\s*(?:的)?"
        rf"(?:(?:{weight_words})(?:为)?[:：]?\s*\**\s*(?P<w1>\d+(?:\.\d+)?)\s*\**\s*分\s*[，,、]\s*(?=(?:{words('target')})))?"
        rf"(?:(?:{words('target')}){clause.format('target')}(?:{words('actual')}){clause.format('actual')})?"
        rf"(?:(?:指标)?(?:{weight_words})(?:为)?\s*\**\s*(?P<w>\d+(?:\.\d+)?)\s*\**\s*分\s*[，,、]\s*)?"
        rf"(?:实际)?(?:{score_words})(?:为)?\s*\**\s*(?P<s>\d+(?:\.\d+)?)\s*\**\s*分"
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
        if m is not None and _weight_of(m) is None and m.group("target") is None:
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


def _statements(ctx: ReportContext, known: list[dict], skip: set[int] = frozenset()) -> list[dict]:
    """Score statements in the text: '参保人员即时报销率总分 5 分，实际得分 5 分', and the same with
    the target and the result: '…年度目标≥95%，实际完成98%，分值10分，得分9.8分'. Level headings
    ('（二）产出指标（50分）', '1.数量指标') give the levels of the statements below them."""
    if "得" not in ctx.doc.joined_text_lines()[0]:
        return []  # (a statement ends in its score, 得…: no text line holds one)
    level_of = _known_levels(known)
    out = []
    current = {"level1": None, "level2": None}
    for block in ctx.doc.blocks:
        if not isinstance(block, TextLine) or block.line in skip:
            continue
        heading = _level_heading(block.text) if len(block.text) < 30 else None
        if heading is not None:
            current = _under_heading(heading, current)
            continue
        if "得" not in block.text or _WEIGHT_WORD.search(block.text) is None:
            continue  # (a statement ends in its score: 得分, 得满分 or 得 N 分)
        for found_name, m in _statement_matches(fold(block.text)):
            rec, current = _statement_record(ctx, block, found_name, m, level_of, current)
            out.append(rec)
    return out


def _known_levels(known: list[dict]) -> dict[str, tuple[str, dict]]:
    """The highest level at which each name stands in the rows read from tables, with its row."""
    level_of: dict[str, tuple[str, dict]] = {}
    for rec in known:
        for lv in LEVELS:
            name = rec.get(lv)
            if name:
                key = compact(name)
                if key not in level_of or LEVELS.index(lv) < LEVELS.index(level_of[key][0]):
                    level_of[key] = (lv, rec)
    return level_of


def _under_heading(heading: tuple[str, str], current: dict) -> dict:
    """The levels in force under a level heading: a level-1 heading starts a block, a level-2
    heading stands under the level 1 in force (else its standard one, ``indicator_framework.csv``)."""
    level, name = heading
    if level == "level1":
        return {"level1": name, "level2": None}
    framework = _headings()[0]
    return {"level1": current["level1"] or framework.get(name), "level2": name}


_NAME_BREAK = re.compile(r"[，。；：、]")  # the name of a statement is the words after the last break
_NAME_TAIL = re.compile(r"指标$")
_NAME_LEAD = vocab.words_pattern(r"^(?:<<statement_name_lead>>)")
_DEDUCTION = re.compile(r"扣分原因(?:是|为)?[:：]?\s*(.+)")


def _statement_record(ctx: ReportContext, block: TextLine, found_name: str, m: re.Match[str],
                      level_of: dict, current: dict) -> tuple[dict, dict]:
    """The indicator row of one score statement, and the levels in force after it."""
    raw_name = _NAME_BREAK.split(found_name)[-1]
    name = _NAME_TAIL.sub("", clean_label(raw_name))
    name = _NAME_LEAD.sub("", name)
    rec = _empty(ctx, ctx.scope_at(block.line), "正文", block.line)
    rec["weight"] = float(_weight_of(m)) if _weight_of(m) else None
    rec["score"] = float(m.group("s"))
    if m.group("target") is not None:
        _fill_values(rec, {"target": m.group("target"), "actual": m.group("actual")})
        ctx.place_text(block.line, m.group("target"))
        ctx.place_text(block.line, m.group("actual"))
    reason = _DEDUCTION.search(m.group("rest"))
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
        source = hit[1] if hit else {}
        rec["level1"] = source.get("level1") or current["level1"]
        rec["level2"] = source.get("level2") or current["level2"]
        rec["level3"] = name
    if _weight_of(m):
        ctx.place(block.line, _weight_of(m))
    ctx.place(block.line, m.group("s"))
    return rec, current


def _weight_of(m: re.Match[str]) -> str | None:
    """The weight a score statement gives, before its target or before its score."""
    return m.group("w1") or m.group("w")


_HEADING_WEIGHT = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # '（50分）' after a heading


def _level_heading(text: str) -> tuple[str, str] | None:
    """('level1'|'level2', name) for a heading line that names a standard indicator level
    ('（二）产出指标（50分）', '1.数量指标'; ``indicator_framework.csv``), else None.

    >>> _level_heading("（二）产出指标（50分）"), _level_heading("1.数量指标"), _level_heading("1.数量指标完成情况良好，得分10分")
    (('level1', '产出指标'), ('level2', '数量指标'), None)
    """
    framework, level1s, last = _headings()
    if not any(ch in text for ch in last):
        return None  # (no standard name can be left of the text)
    name = _HEADING_WEIGHT.sub("", _ORDINAL.sub("", clean_label(text), count=1))
    if not name or len(name) > 12:
        return None
    if name in framework:
        return "level2", name
    if name in level1s:
        return "level1", name
    return None



_WEIGHT_LIST = vocab.words_pattern(r"(?:<<weight_list_label>>)(?:为|是|[:：])")
_WEIGHT_NAME_LEAD = vocab.words_pattern(r"^(?:<<weight_list_name_lead>>)")
_WEIGHT_ITEM = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,15}?)\s*(?P<w>\d+(?:\.\d+)?)\s*分")


def _weight_lists(ctx: ReportContext, known: list[dict] = ()) -> list[dict]:
    """Weight enumerations adding up to 100: '评价计分标准为社会效益 20 分；服务对象满意度 5 分；…'.

    Such a list gives the weights of the level-1 indicators, named as the sentence names them;
    a footnote ('注：一级指标分值：产出指标50分、…') of a table whose rows name these level-1
    indicators restates the table's block totals and gives no rows.
    """
    tabled = {compact(r["level1"]) for r in known if r.get("level1") and r.get("table") != "正文"}
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
        names = [_WEIGHT_NAME_LEAD.sub("", m.group("name")) for m in items]
        if _END_WORDS.match(text) and sum(1 for n in names if compact(n) in tabled) * 2 > len(names):
            for m in items:
                ctx.place(block.line, m.group("w"))  # (the table's block totals, restated)
            continue
        for m in items:
            rec = _empty(ctx, ctx.scope_at(block.line), "正文", block.line)
            rec["level1"] = _WEIGHT_NAME_LEAD.sub("", m.group("name"))
            rec["weight"] = float(m.group("w"))
            ctx.place(block.line, m.group("w"))
            out.append(rec)
    return out


# --------------------------------------------------------------------- flattened tables
# Tables that text extraction flattened into text lines: one cell per line (with or without a
# pipe mark closing each cell), a row per line with cells separated by spaces, or the whole
# table as one run of words wrapped over lines. The header words give the columns; the rows are
# rebuilt from the cells: merged level cells are printed once (or dropped), the name (三级指标)
# is the cell before the values, and a 分值/得分 column of plain numbers anchors a row where no
# line or mark separates the rows.

_PIPE = re.compile(r"\s*[|｜]\s*$")
_PAGE_MARK = re.compile(r"^\s*[-—–－]\s*\d+\s*[-—–－]\s*$")
_BLOCK_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_NAMED = re.compile(r"^指标\s*\d+\s*[：:]")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_END_WORDS = vocab.words_pattern(r"^(?:<<form_end_label>>)")
_NOTE_ROLES = ("note", "explanation", "rule_text", "evidence")
_MAX_GLUE = 3  # header words broken into at most this many pieces ('一级 指标', '年度 指标值')


@dataclass
class _Token:
    text: str
    line: int
    figure_line: int | None = None  # the line of its figures, when a wrap put them on the next line

    def place(self, ctx: ReportContext) -> None:
        """Record the figures of the token as placed, on the line they stand on."""
        ctx.place_text(self.figure_line or self.line, self.text)


@dataclass
class _FlatLayout:
    """The columns of a flattened table: level columns, the name column and the value columns."""

    levels: list[str]  # the label roles left of the name, in order ('level1', 'level2')
    name: str  # the deepest label role: level3, or level1 in a table of dimensions
    values: list[str | None]  # the roles right of the name, in order (None: a column of no role)

    @property
    def required(self) -> list[str | None]:
        """The value columns every row fills: all but the trailing remarks (偏差原因…)."""
        out = list(self.values)
        while out and out[-1] in _NOTE_ROLES:
            out.pop()
        return out

    @property
    def anchored(self) -> bool:
        """True when a row can be found without separators: it has plain numbers (分值, 得分)."""
        return any(r in ("weight", "score") for r in self.required)


def _layout(roles: list[str | None]) -> _FlatLayout | None:
    labels = [(i, r) for i, r in enumerate(roles) if r in LEVELS]
    if not labels:
        return None
    k, name = max(labels, key=lambda x: LEVELS.index(x[1]))
    levels = [r for r in roles[:k] if r in ("level1", "level2")]
    values = [r for r in roles[k + 1:] if r not in LEVELS]
    if not any(r in VALUE_ROLES for r in values):
        return None
    return _FlatLayout(levels, name, values)


def _header_tokens(tokens: list[_Token], start: int) -> tuple[list[str | None], int]:
    """The roles of the header words from ``start`` (a word may be broken over up to three
    tokens), and the index after the last one."""
    roles: list[str | None] = []
    i = start
    while i < len(tokens):
        for n in range(min(_MAX_GLUE, len(tokens) - i), 0, -1):
            role = _role_of("".join(t.text for t in tokens[i:i + n]))
            if role:
                roles.append(role)
                i += n
                break
        else:
            break
    return roles, i


def _find_header(tokens: list[_Token]) -> tuple[_FlatLayout, int, int] | None:
    """The first run of header words among a line's words (a form flattened into one run has
    its header in the middle): its layout, and where it starts and ends."""
    if not any("指标" in t.text for t in tokens):
        return None
    for s in range(len(tokens)):
        if _role_of(tokens[s].text) not in LEVELS and _role_of("".join(t.text for t in tokens[s:s + 2])) not in LEVELS:
            continue
        roles, h = _header_tokens(tokens, s)
        if _valid_header(roles) and (layout := _layout(roles)):
            return layout, s, h
    return None


def _valid_header(roles: list[str | None]) -> bool:
    return len(roles) >= 3 and any(r in LEVELS for r in roles) and any(r in VALUE_ROLES for r in roles)


def _level_like(text: str) -> bool:
    """A cell that can be a merged 一级/二级指标 label: short words, no figures or sentences."""
    c = compact(_BLOCK_WEIGHT.sub("", _MARKS.sub("", text)))
    c = _ORDINAL.sub("", c, count=1)
    if compact(text) in _framework() or compact(text) in _framework().values():
        return True
    return 2 <= len(c) <= 16 and not re.search(r"[\d，。；;,:：%％≥≤<>＜＞=＝±、()（）]", c)


@functools.cache
def _label_run() -> re.Pattern[str]:
    """Level labels written one after the other: standard labels (``indicator_framework.csv``)
    and labels with their block total ('产出指标(50分)', '预算编制（10分）')."""
    words = sorted({*_framework(), *_framework().values()}, key=len, reverse=True)
    total = r"[（(]\d+(?:\.\d+)?分[)）]"
    return re.compile(rf"(?:{'|'.join(map(re.escape, words))})(?:{total})?|[\u4e00-\u9fff]{{2,12}}{total}")


def _glued_levels(cells: list[_Token], most: int) -> list[_Token] | None:
    """Level labels broken into pieces ('产出' '指标' '(50分' ')' '数量指标'), put together when the
    pieces joined are nothing but labels; None otherwise."""
    if len(cells) < 2 or most == 0:
        return None
    joined = "".join(compact(t.text) for t in cells)
    pattern = _label_run()
    if not re.fullmatch(rf"(?:{pattern.pattern})+", joined):
        return None
    labels = pattern.findall(joined)
    if len(labels) > most or len(labels) == len(cells):
        return None
    return [_Token(label, cells[0].line) for label in labels]


def _note_like(text: str) -> bool:
    """Words left between two rows that are a remark (偏差原因…): a sentence, not label pieces."""
    return bool(re.search(r"[，。；,;]", text)) and len(compact(text)) >= 6


def _remark(tokens: list[_Token]) -> bool:
    """Words left before a row's levels that are the remark of the row above: a sentence
    (:func:`_note_like`), no cell of it a plain figure (a row that could not be read, its
    分值 and 得分 included, is no remark)."""
    return _note_like("".join(t.text for t in tokens)) and not any(_PLAIN_NUMBER.fullmatch(t.text) for t in tokens)


def _name_like(text: str) -> bool:
    c = compact(text)
    return bool(c) and not _total_word(c) and parse_number(c) is None \
        and re.search(r"[\u4e00-\u9fff]", c) is not None and not re.match(r"^[≥≤<>＜＞=＝≧≦±]", c)


def _halves(text: str) -> tuple[str, str] | None:
    """'1010' → ('10', '10'): a weight and a score glued together, split only when the two
    halves are the same number (any other split is a guess)."""
    if re.fullmatch(r"\d{2,6}", text) and len(text) % 2 == 0 and text[: len(text) // 2] == text[len(text) // 2:]:
        return text[: len(text) // 2], text[len(text) // 2:]
    return None


def _match_values(tokens: list[_Token], p: int, layout: _FlatLayout) -> tuple[list[_Token], int] | None:
    """The value cells of a row starting at ``p`` (after its name), or None when they do not fit:
    分值/得分 must be plain numbers, other cells must not be the next row's name."""
    out: list[_Token] = []
    req = layout.required
    j = p
    k = 0
    while k < len(req):
        if j >= len(tokens):
            return None
        tok = tokens[j]
        role = req[k]
        if role in ("weight", "score"):
            if (pair := _halves(tok.text)) and k + 1 < len(req) and req[k + 1] in ("weight", "score") \
                    and (j + 1 >= len(tokens) or not _PLAIN_NUMBER.fullmatch(tokens[j + 1].text)):
                out.extend([_Token(pair[0], tok.line), _Token(pair[1], tok.line)])  # '1010': 10 and 10
                k += 1
            elif _PLAIN_NUMBER.fullmatch(tok.text):
                out.append(tok)
            else:
                return None
        elif _total_word(tok.text) or _NAMED.match(tok.text):
            return None
        else:
            out.append(tok)
        j += 1
        k += 1
    return out, j


def _stream_rows(tokens: list[_Token], layout: _FlatLayout) -> tuple[list[tuple], list[_Token]]:
    """Rows (between-tokens, name token, value tokens) of a run without row separators, and
    the tokens of its total row."""
    rows: list[tuple] = []
    pending: list[_Token] = []
    p = 0
    while p < len(tokens):
        tok = tokens[p]
        if _total_word(tok.text):
            return rows, tokens[p:]
        got = _match_values(tokens, p + 1, layout) if _name_like(tok.text) and not _level_word(tok.text, layout) else None
        glued = 0
        while got is None and _NAMED.match(tok.text) and glued < 2 and p + glued + 1 < len(tokens) \
                and _CJK_PIECE.fullmatch(tokens[p + glued + 1].text):
            glued += 1  # a name broken inside a word ('指标1:签约服务补助标' / '准')
            got = _match_values(tokens, p + glued + 1, layout)
        if got is None:
            pending.append(tok)
            p += 1
            continue
        if glued:
            tok = _Token(tok.text + "".join(t.text for t in tokens[p + 1:p + glued + 1]), tok.line)
        values, p = got
        rows.append((pending, tok, values))
        pending = []
    return rows, []


_CJK_PIECE = re.compile(r"[\u4e00-\u9fff]{1,3}")


def _level_word(text: str, layout: _FlatLayout) -> bool:
    """True for a standard level label ('质量指标', ``indicator_framework.csv``) in a layout with
    level columns: the level cell of a row, never its name (a row whose target cell was dropped,
    '质量指标 | 结算准确率 | 99.5% | 20 | 18', is not named 质量指标 with the target 结算准确率)."""
    if not layout.levels or layout.name != "level3":
        return False
    label = clean_level(text, "level2")
    return label in _framework() or label in _framework().values()


def _row_cells(cells: list[_Token], layout: _FlatLayout) -> tuple | None:
    """(level cells, name cell, value cells) of a row whose cells are known; the merged level
    cells on the left may be missing, the trailing remark cells too."""
    n = len(cells)
    required = len(layout.required)
    named = [i for i, c in enumerate(cells) if _NAMED.match(c.text)]
    if named:
        i = named[0]
        if i > len(layout.levels) or n - 1 - i < 1:
            return None
        return cells[:i], cells[i], cells[i + 1:]
    # (a trailing remark may hold spaces: its words are all the remark's)
    lo = 0 if layout.values and layout.values[-1] in _NOTE_ROLES else max(0, n - 1 - len(layout.values))
    hi = min(len(layout.levels), n - 1 - required)
    for i in range(hi, lo - 1, -1):
        if all(_level_like(c.text) for c in cells[:i]) and _name_like(cells[i].text) \
                and not _level_word(cells[i].text, layout):
            return cells[:i], cells[i], cells[i + 1:]
    return None


class _FlatBuilder:
    """Turns rebuilt rows into indicator records, keeping the merged levels in force."""

    def __init__(self, ctx: ReportContext, layout: _FlatLayout, title: str, line: int):
        self.ctx, self.layout, self.title = ctx, layout, title
        self.scope = ctx.scope_at(line)
        self.filled = {"level1": "", "level2": ""}
        self.seen_level1: set[str] = set()
        self.records: list[dict] = []
        self.uncertain = False  # levels lost in broken labels: rows wait for a new level 1
        self.set_level1 = False  # the last row's level cells named its level 1
        self.set_level2 = False  # … its level 2
        self.line_levels = False  # the levels are given by lines of their own ('一级指标：产出指标')

    def set_level(self, level: str, label: str) -> None:
        """A level given by a line of its own ('二级指标：数量指标'), in force until the next one."""
        self.line_levels = True
        self.filled[level] = clean_level(label, level)
        if level == "level1":
            self.filled["level2"] = ""  # a new level-1 group starts without a level 2

    def _levels(self, cells: list[_Token]) -> list[_Token]:
        """Assign level cells from the right (the deepest level first); return the cells left over."""
        cols = list(self.layout.levels)
        cells = _glued_levels(cells, len(cols)) or list(cells)
        taken: list[tuple[str, str]] = []
        while cells and cols and _level_like(cells[-1].text):
            text = clean_level(cells[-1].text, "level1")
            if len(cols) > 1 and len(taken) == 0 and (len(cells) == 1 or not _level_like(cells[-2].text)) \
                    and (text in _framework().values() or text in self.seen_level1):
                cols = cols[:1]  # a lone label that is a level 1 ('满意度指标')
            taken.append((cols.pop(), cells.pop().text))
        taken = self._remark_tail(taken, cells)
        self.set_level1 = any(lv == "level1" for lv, _ in taken)
        self.set_level2 = any(lv == "level2" for lv, _ in taken)
        for lv, text in reversed(taken):
            self.filled[lv] = clean_level(text, lv)
            if lv == "level1":
                self.seen_level1.add(self.filled[lv])
                if "level2" in self.layout.levels and not any(t[0] == "level2" for t in taken):
                    self.filled["level2"] = ""  # a new level-1 group starts without a level 2
        return cells

    def _note_cells(self, cells: list[_Token]) -> bool:
        """True for the cells left before a row that names its level 1 when they are the trailing
        remark cells of the row above (扣分原因 in a table printed one cell per line: '绩效目标不够明确'
        between '9.00' and '过程'): no more of them than the layout's trailing remark columns, none
        a figure, after a row already read."""
        trailing = len(self.layout.values) - len(self.layout.required)
        return bool(self.records) and self.set_level1 and 0 < len(cells) <= trailing \
            and not any(parse_number(compact(t.text)) is not None for t in cells)

    def _levels_named(self) -> bool:
        """True when the last row's level cells leave no doubt about its levels: it names its
        level 1, or a standard level 2 of the level 1 in force ('时效指标' under 产出指标)."""
        level2 = compact(self.filled.get("level2", ""))
        return self.set_level1 or self.set_level2 and bool(level2) \
            and _framework().get(level2) == self.filled.get("level1")

    def _remark_tail(self, taken: list[tuple[str, str]], cells: list[_Token]) -> list[tuple[str, str]]:
        """Give back to the remark a 'level 1' that is the last piece of a remark wrapped over
        lines ('…加大线上渠道' / '宣传引导' / '成本指标'): no standard or known level 1, under a
        standard level 2 of the level 1 in force, after pieces of a remark."""
        labels = dict(taken)
        level1, level2 = labels.get("level1"), labels.get("level2")
        if not (level1 and level2 and cells):
            return taken
        text = clean_level(level1, "level1")
        if text in _framework().values() or text in self.seen_level1 \
                or _framework().get(compact(level2)) != self.filled["level1"] \
                or not _note_like("".join(t.text for t in cells) + level1):
            return taken
        cells.append(_Token(level1, cells[-1].line))
        return [(lv, t) for lv, t in taken if lv != "level1"]

    def add(self, levels: list[_Token], name: _Token, values: list[_Token]) -> None:
        leftover = self._levels(levels)
        remark = bool(leftover) and (_remark(leftover) or self._note_cells(leftover))
        if leftover and not remark \
                and not (self._levels_named() and any(_PLAIN_NUMBER.fullmatch(t.text) for t in leftover)):
            # pieces of broken labels: the levels in force are not known until a row names its level 1
            # (a row that could not be read, figures included, before a row naming its level 1
            # stays unplaced, in the residue, and the levels go on from that row)
            self.uncertain = True
            return
        if self.uncertain and not (levels and "level1" in self.layout.levels and self.set_level1):
            return
        self.uncertain = False
        unread = {id(t) for t in leftover} if leftover and not remark else set()
        if leftover and not unread and self.records and any(r in _NOTE_ROLES for r in self.layout.values):
            prev = self.records[-1]
            prev["note"] = clean_label("".join(t.text for t in leftover))
        for t in levels:
            if id(t) not in unread:
                t.place(self.ctx)
        rec = _empty(self.ctx, self.scope, self.title, name.line)
        level2 = self.filled["level2"] if "level2" in self.layout.levels or self.line_levels else ""
        level1 = self.filled["level1"] if "level1" in self.layout.levels or self.line_levels else ""
        if self.layout.name == "level3":
            level1 = _framework_level1(level2, level1) if level2 else level1
            rec["level1"], rec["level2"] = level1 or None, level2 or None
            rec["level3"] = clean_level(name.text, "level3") or None
        elif self.layout.name == "level2":
            rec["level1"], rec["level2"] = level1 or None, clean_level(name.text, "level2") or None
        else:
            rec["level1"] = clean_level(name.text, "level1") or None
        roles = [r for r in self.layout.values]
        texts: dict[str, str] = {}
        extra: list[str] = []
        for i, tok in enumerate(values):
            role = roles[i] if i < len(roles) else "note"
            if role is None:
                continue
            if role in texts:
                extra.append(tok.text)
                continue
            texts[role] = tok.text
            tok.place(self.ctx)
        if extra and "note" in texts:
            texts["note"] = texts["note"] + "".join(extra)
        _fill_values(rec, texts)
        name.place(self.ctx)
        self.records.append(rec)


def _joined_tokens(lines: list[TextLine]) -> list[_Token]:
    """The words of lines wrapped by the layout: a line ending inside a word ('基本支出足额保障' /
    '率 5 5') is joined to the next without a space; a block total broken inside its brackets
    ('效益（20' / '分）') is put together again."""
    chars: list[str] = []
    at: list[int] = []
    for tl in lines:
        text = tl.text.strip()
        if not text:
            continue
        if chars and not (_WORD_END.match(chars[-1]) and _WORD_END.match(text[0])):
            chars.append(" ")
            at.append(tl.line)
        chars.extend(text)
        at.extend([tl.line] * len(text))
    joined = "".join(chars)
    drop: set[int] = set()
    for m in _BLOCK_WEIGHT.finditer(joined):
        drop.update(i for i in range(m.start(), m.end()) if joined[i].isspace())
    tokens: list[_Token] = []
    word: list[str] = []
    start = 0
    digit: int | None = None
    for i, ch in enumerate(joined + " "):
        if i in drop:
            continue
        if ch.isspace():
            if word:
                tokens.append(_Token("".join(word), at[start], digit))
            word, digit = [], None
            continue
        if not word:
            start = i
        if digit is None and ch.isdigit():
            digit = at[i]
        word.append(ch)
    return tokens


_WORD_END = re.compile(r"[\u4e00-\u9fff（）()“”、]")


def _line_tokens(tl: TextLine) -> list[_Token]:
    return [_Token(t, tl.line) for t in tl.text.split()]


def _cell_text(tl: TextLine) -> str:
    return clean_label(_unpiped(tl.text))


def _unpiped(text: str) -> str:
    """A line without its closing pipe mark (a line with no pipe is left as it is, unsearched)."""
    return _PIPE.sub("", text) if "|" in text or "｜" in text else text


def _ends_table(tl: TextLine) -> bool:
    text = clean_label(_unpiped(tl.text))
    return bool(_PAGE_MARK.match(text) or _END_WORDS.match(text))


_INDICATOR_CAPTION = vocab.words_pattern(r"(?:<<indicator_caption_word>>)[^，。；]*表(?:[（(].*[)）])?$")


def _flat_title(ctx: ReportContext, line: int) -> str:
    """The caption of a flattened table: the last line above it naming a 表."""
    for n in range(line - 1, max(0, line - 40), -1):
        text = clean_label(_PIPE.sub("", ctx.doc.lines[n - 1]))
        if 4 <= len(text) <= 60 and _INDICATOR_CAPTION.search(text):
            return text
    return ""


def _text_runs(doc) -> list[list[TextLine]]:
    """Runs of text lines with no table between them (the document's runs, but the empty ones)."""
    return [r for r in doc.text_runs() if r]


def _line_header(run: list[TextLine], k: int) -> tuple[list[str | None], int]:
    """Roles of a header written one cell per line from line ``k`` (pipe marks aside)."""
    roles: list[str | None] = []
    j = k
    while j < len(run):
        # (the role reads the line without its white space: cleaning the label first changes nothing)
        role = _role_of(_unpiped(run[j].text))
        if role is None:
            break
        roles.append(role)
        j += 1
    return roles, j


def _pipe_rows(run: list[TextLine], j: int) -> tuple[list[list[_Token]], int]:
    """Rows of cells written one per line with a closing pipe mark, a lone mark between rows."""
    rows: list[list[_Token]] = [[]]
    while j < len(run) and _PIPE.search(run[j].text) and not _ends_table(run[j]):
        text = _cell_text(run[j])
        if text:
            rows[-1].append(_Token(text, run[j].line))
        elif rows[-1]:
            rows.append([])
        j += 1
    return [r for r in rows if r], j


def _stream_lines(run: list[TextLine], j: int, gaps: bool) -> tuple[list[TextLine], int]:
    """The lines of a table run from ``j``: up to a page mark, a note below the table or (when
    ``gaps`` is false) a blank line."""
    out: list[TextLine] = []
    while j < len(run) and not _ends_table(run[j]):
        if out and not gaps and run[j].line != out[-1].line + 1:
            break
        out.append(run[j])
        j += 1
    return out, j


def _build_rows(builder: _FlatBuilder, rows: list[list[_Token]]) -> None:
    for cells in rows:
        parts = _row_cells(cells, builder.layout)
        if parts is None:
            break
        builder.add(*parts)


@functools.cache
def _level_line_re() -> re.Pattern[str]:
    words = sorted((r["word"] for r in vocab.load("indicator_headers") if r["role"] in ("level1", "level2")),
                   key=len, reverse=True)
    alternatives = "|".join(map(re.escape, words))
    return re.compile(rf"({alternatives})\s*[：:]\s*([^：:]{{2,30}}?)\s*(?=(?:{alternatives})\s*[：:]|$)")


def _level_lines(text: str) -> list[tuple[str, str]]:
    """The levels a line of its own gives ('一级指标：产出指标', '二级指标：数量指标'): (role, label)
    pairs when the line holds nothing else, else an empty list.

    Examples
    --------
    >>> _level_lines("一级指标：效益指标 二级指标：社会效益指标")
    [('level1', '效益指标'), ('level2', '社会效益指标')]
    >>> _level_lines("一级指标：产出指标，共4项"), _level_lines("二级指标 数量指标")
    ([], [])
    """
    text = clean_label(text)
    pattern = _level_line_re()
    out, pos = [], 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if m is None or re.search(r"[\d，。；,;]", m.group(2)):
            return []
        out.append((_role_of(m.group(1)), m.group(2)))
        pos = m.end()
    return out


def _levels_above(run: list[TextLine], k: int) -> tuple[list[tuple[str, str]], int]:
    """The levels of the level lines right above a header line (a template prints the first
    levels before it), and the index of the first of these lines."""
    found: list[tuple[str, str]] = []
    i = k - 1
    while i >= 0 and (levels := _level_lines(run[i].text)):
        found = levels + found
        i -= 1
    return found, i + 1


def _cut_glued_total(cells: list[_Token]) -> tuple[list[_Token], list[_Token]]:
    """A total row glued to the end of the last row's remark by the text extraction
    ('…网络条件较差总分 100 96.55'): (the row's cells, the total's cells)."""
    for t in range(1, len(cells) - 1):
        word = next((w for w in _GRAND_TOTALS if cells[t].text.endswith(w)), None)
        rest = cells[t + 1:]
        if word and len(rest) <= 3 and all(_PLAIN_NUMBER.fullmatch(c.text) for c in rest):
            head = cells[t].text[: -len(word)]
            row = cells[:t] + ([_Token(head, cells[t].line)] if head else [])
            return row, [_Token(word, cells[t].line), *rest]
    return cells, []


def _line_total(builder: _FlatBuilder, cells: list[_Token], totals: list[TotalScore]) -> None:
    """The 总分/合计 row of a table with a row per line: its weight and score totals."""
    numeric = [r for r in builder.layout.required if r in ("weight", "score")]
    figures = [t for t in cells[1:] if _PLAIN_NUMBER.fullmatch(t.text)]
    if len(figures) != len(cells) - 1:
        return  # (a total of other columns: its figures are not read)
    with_deduction = [r for r in builder.layout.required if r in ("weight", "deduction", "score")]
    if len(figures) > len(numeric):
        if len(figures) != len(with_deduction):
            return
        numeric = with_deduction  # 分值 | 扣分 | 得分: the total of each, in order
    for role, tok in zip(numeric[len(numeric) - len(figures):], figures):
        if role != "deduction":
            kind = "total_weight" if role == "weight" else "total_score"
            totals.append(TotalScore(kind, tok.text, tok.line, builder.scope))
        tok.place(builder.ctx)


def _header_again(lines: list[TextLine], n: int, header: str) -> bool:
    """True when the table's header is repeated within the next lines (page furniture between)."""
    return any(compact(_cell_text(x)) == header for x in lines[n + 1:n + 4])


class _LineRows:
    """Rows of a table printed a row per line, its cells separated by spaces, as flattened PDF
    text gives a provincial template: levels as lines of their own ('一级指标：产出指标'), a name
    wrapped over two lines, a remark wrapped onto the next line, a header repeated after a page
    break (with the running header between), the 总分 row at the end."""

    def __init__(self, builder: _FlatBuilder, header: str, totals: list[TotalScore]):
        self.builder, self.header, self.totals = builder, header, totals
        self.pending: list[_Token] = []  # the head of a name wrapped over two lines
        self.pending_levels: list[_Token] = []  # level cells printed before that head
        self.remark = False  # the last row ended in a remark that may go on on the next line

    def read(self, lines: list[TextLine]) -> int:
        """Read the rows of ``lines``; return how many lines belong to the table."""
        for n, tl in enumerate(lines):
            cells = _line_tokens(tl)
            if not cells or compact(_cell_text(tl)) == self.header:
                self.pending, self.pending_levels, self.remark = [], [], False  # (the header repeated after a page break)
                continue
            if levels := _level_lines(tl.text):
                for level, label in levels:
                    self.builder.set_level(level, label)
                self.pending, self.pending_levels, self.remark = [], [], False
                continue
            if _total_word(cells[0].text):
                _line_total(self.builder, cells, self.totals)
                return n + 1
            cells, total = _cut_glued_total(cells)
            if self._row(cells):
                if total:
                    _line_total(self.builder, total, self.totals)
                    return n + 1
                continue
            if self._unreadable_row(cells):
                continue
            if not self._fragment(tl, lines, n):
                return n
        return len(lines)

    def _row(self, cells: list[_Token]) -> bool:
        layout = self.builder.layout
        parts = _row_cells(cells, layout)
        if self.pending:
            head = _Token("".join(t.text for t in self.pending), self.pending[0].line)
            levels = list(self.pending_levels)
            if parts is None:
                parts = _row_cells([*levels, head, *cells], layout)  # the values on the line under the name
            elif not parts[0]:
                parts = (levels, _Token(head.text + parts[1].text, head.line), parts[2])
            if parts is not None:
                for t in self.pending:
                    t.place(self.builder.ctx)
        if parts is None:
            return False
        self.builder.add(*parts)
        self.pending, self.pending_levels = [], []
        self.remark = len(parts[2]) > len(layout.required) and bool(self.builder.records) \
            and bool(self.builder.records[-1].get("note"))
        return True

    def _fragment(self, tl: TextLine, lines: list[TextLine], n: int) -> bool:
        """A line that is no row: a remark going on, the head of a wrapped name, or page
        furniture before a repeated header. False when it ends the table."""
        text = _cell_text(tl)
        if not _note_like(text) and _header_again(lines, n, self.header):
            self.pending, self.pending_levels = [], []
            return True  # (a running header or page number)
        if self._label_tail(tl, text):
            return True
        if self.remark and (_note_like(text) or not re.search(r"\d", text)) and not self._levels_first(tl):
            rec = self.builder.records[-1]
            rec["note"] = clean_label(rec["note"] + text)
            self.builder.ctx.place_text(tl.line, text)
            return True
        if _name_like(text) and not re.search(r"[\d，。；,;：:]", text) \
                and len(compact(text)) <= 40 and len(self.pending) < 2 and not self._level_label(text):
            levels, head = self._head_levels(_PIPE.sub("", tl.text), tl.line)
            self.pending_levels = levels if not self.pending else self.pending_levels
            self.pending.append(_Token(compact(head), tl.line))
            return True
        return False


    def _unreadable_row(self, cells: list[_Token]) -> bool:
        """True for a row that lost a cell ('质量指标 结算准确率 99.5% 20 18', its target dropped):
        its first cell a standard level label, figures in it, a cell short of a full row. It is
        not read (its figures stay in the residue) and the table goes on."""
        layout = self.builder.layout
        if not cells or not _level_word(cells[0].text, layout) \
                or len(cells) < len(layout.required) or not any(_PLAIN_NUMBER.fullmatch(c.text) for c in cells):
            return False
        self.pending, self.pending_levels, self.remark = [], [], False
        return True

    def _label_tail(self, tl: TextLine, text: str) -> bool:
        """True when a short line is the end of the last row's level label broken in its narrow
        column ('可持续影响' / '指标', '服务对象满意' / '度指标'): joined, it is a standard label
        (``indicator_framework.csv``) that the broken one is not; the rows under the broken
        label take the whole one."""
        records = self.builder.records
        tail = compact(text)
        if not records or not tail or len(tail) > 6 or re.search(r"[\d，。；,;：:]", tail):
            return False
        standard = _framework().keys() | set(_framework().values())
        for level in ("level2", "level1"):
            label = self.builder.filled.get(level)
            if not label or label in standard or records[-1].get(level) != label:
                continue
            whole = clean_level(label + tail, level)
            if whole not in standard:
                continue
            self.builder.filled[level] = whole
            for rec in reversed(records):
                if rec.get(level) != label:
                    break
                rec[level] = whole
            self.builder.ctx.place_text(tl.line, text)
            return True
        return False

    def _levels_first(self, tl: TextLine) -> bool:
        """True when a line begins with standard level labels followed by other words ('效益指标
        社会效益指标 失能人员家庭照护负担减轻'): the head of a wrapped name under new levels, not
        the remark above going on."""
        return not re.search(r"[，。；,;]", tl.text) and bool(self._head_levels(_PIPE.sub("", tl.text), tl.line)[0])

    def _head_levels(self, text: str, line: int) -> tuple[list[_Token], str]:
        """The level cells in front of a wrapped name's head ('质量指标 职工医保…基金支付' →
        质量指标 and the head), in a table with level columns; standard labels only."""
        words = text.split()
        levels: list[_Token] = []
        while self.builder.layout.levels and len(words) > 1 and len(levels) < len(self.builder.layout.levels):
            label = clean_level(words[0], "level2")
            if not (label in _framework() or label in _framework().values()):
                break
            levels.append(_Token(words.pop(0), line))
        return levels, " ".join(words)

    def _level_label(self, text: str) -> bool:
        """True when a line alone in a table with level columns can be a level label (a standard
        one of ``indicator_framework.csv``, or words ending in 指标) rather than the head of a
        wrapped name."""
        if not self.builder.layout.levels:
            return False
        c = clean_level(text, "level2")
        return c in _framework() or c in _framework().values() or c.endswith("指标") or len(self.pending) > 0


def _build_stream(builder: _FlatBuilder, tokens: list[_Token], totals: list[TotalScore]) -> None:
    rows, total = _stream_rows(tokens, builder.layout)
    for row in rows:
        builder.add(*row)
    required = builder.layout.required
    numeric = [r for r in required if r in ("weight", "score")]
    figures = [t for t in total[1:len(numeric) + 1] if _PLAIN_NUMBER.fullmatch(t.text)]
    for role, tok in zip(numeric, figures):
        kind = "total_weight" if role == "weight" else "total_score"
        totals.append(TotalScore(kind, tok.text, tok.figure_line or tok.line, builder.scope))
    for tok in total[1:len(required) + 1]:
        tok.place(builder.ctx)  # (and the total's 得分率)


def _statistics_list(ctx: ReportContext, layout: _FlatLayout) -> bool:
    """True for a list of figures against targets (指标名称 | 目标值 | 完成值: no levels, no 分值 or
    得分) in a document that is no performance evaluation (its title names no kind of report, or
    a notice, bulletin or statistics: a work summary's '主要指标完成情况'): statistics, no
    indicator table. Its figures stay in the residue."""
    if layout.levels or layout.anchored or "actual" not in layout.values:
        return False
    from evalkit.extract.metadata import title_kind  # (metadata imports this module)

    return title_kind(ctx.doc) in (None, "其他")


def _flat_tables(ctx: ReportContext) -> tuple[list[dict], list[TotalScore], set[int]]:
    """Indicator rows of tables flattened into text lines, their totals, and the lines used."""
    out: list[dict] = []
    totals: list[TotalScore] = []
    used: set[int] = set()
    for run in _text_runs(ctx.doc):
        may_start = _may_start(run)
        k = 0
        while k < len(run):
            at = bisect_left(may_start, k)  # (a line that can start no table is passed over)
            if at == len(may_start):
                break
            k = _flat_table_at(ctx, run, may_start[at], out, totals, used)
    return out, totals, used


def _may_start(run: list[TextLine]) -> list[int]:
    """The positions of the lines of a run at which :func:`_flat_table_at` may find a table: a
    line whose first character starts a header word (:func:`_role_of`, which dropping a closing
    pipe mark cannot give another first character), or that holds 指标 (:func:`_find_header`).
    At any other line (most lines: sentences) it finds nothing and goes on at the next line."""
    starts = _role_starts()
    if starts is None:
        return list(range(len(run)))
    return [k for k, tl in enumerate(run) if tl.text.lstrip()[:1] in starts or "指标" in tl.text]


def _flat_table_at(ctx: ReportContext, run: list[TextLine], k: int, out: list[dict],
                   totals: list[TotalScore], used: set[int]) -> int:
    """Read the flattened table whose header starts at line ``k`` of ``run`` (if one does);
    return the index of the next line to look at."""
    tl = run[k]
    roles, j = _line_header(run, k)
    if _valid_header(roles) and (layout := _layout(roles)):
        builder = _FlatBuilder(ctx, layout, _flat_title(ctx, tl.line), tl.line)
        if _PIPE.search(tl.text):
            rows, end = _pipe_rows(run, j)
            _build_rows(builder, rows)
        elif layout.anchored:
            lines, end = _stream_lines(run, j, gaps=True)
            _build_stream(builder, [_Token(_cell_text(x), x.line) for x in lines if _cell_text(x)], totals)
        else:
            return j
    else:
        if "指标" not in tl.text:
            return k + 1  # (its words hold no 指标: :func:`_find_header` finds none)
        tokens = _line_tokens(tl)
        found = _find_header(tokens)
        if found is None:
            return k + 1
        layout, s, h = found
        if _statistics_list(ctx, layout):
            return k + 1
        builder = _FlatBuilder(ctx, layout, _flat_title(ctx, tl.line), tl.line)
        if s == 0 and h == len(tokens):  # the header alone on its line: a row per line
            above, first = _levels_above(run, k)
            for level, label in above:
                builder.set_level(level, label)
            lines, end = _stream_lines(run, k + 1, gaps=True)
            end = k + 1 + _LineRows(builder, compact(_cell_text(tl)), totals).read(lines)
            used.update(x.line for x in run[first:k])
        elif layout.anchored:  # rows run on after the header, wrapped over lines
            lines, end = _stream_lines(run, k, gaps=False)
            joined = _joined_tokens(lines)
            again = _find_header(joined)
            if again is None:
                return k + 1
            _build_stream(builder, joined[again[2]:], totals)
        else:
            return k + 1
    out.extend(builder.records)
    used.update(x.line for x in run[k:end])
    return max(end, k + 1)


# ------------------------------------------------------------------ indicators as sentences
_SCORE_OR_WEIGHT = vocab.words_pattern("<<score_or_weight_word>>")  # a clause stating a score or a weight
_TARGET_CLAUSE = re.compile(
    r"^(?P<name>[^，,：:]{2,40}?)\s*[：:]?\s*(?:的)?(?:年度|全年)?目标值?(?:为|是)?[：:]?\s*(?P<target>[^，,；;。]{1,30}?)\s*[，,]\s*"
    r"(?:全年)?实际(?:完成值?|值|达到)?(?:为|是)?[：:]?\s*(?P<actual>[^，,；;。]{1,30})"
)
_QUOTES = "“”\"‘’'「」『』"
_LEVEL_PREFIX = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,12})\s*[：:]\s*")


_HEADING_TAIL = vocab.words_pattern(r"(?:<<section_heading_tail>>)$")  # '（一）产出指标完成情况'


def _section_level(text: str) -> tuple[str, str] | None:
    """('level1', '产出指标') for a heading naming a standard level ('（一）产出指标', '3. 时效指标')."""
    last = _framework_last_chars()
    if last is not None and not any(ch in text for ch in last):
        return None  # (cleaning only drops characters: no standard name can be left)
    c = _HEADING_TAIL.sub("", compact(clean_level(text, "level1")).rstrip("：:"))
    if c in _framework().values():
        return "level1", c
    if c in _framework():
        return "level2", c
    return None


_CLAUSE_MARK = re.compile(r"[，。；]")


def _is_heading(text: str) -> bool:
    return len(text) <= 30 and bool(_ORDINAL.match(text)) and not _CLAUSE_MARK.search(text)


_TARGET_WORD = re.compile(r"目\s*标")  # 目标 in a raw line (clean_label drops the white space between)
_ACTUAL_WORD = re.compile(r"实\s*际")


def _may_state_targets(doc: Document) -> bool:
    """Whether a text line holds both 目标 and 实际 (as :func:`clean_label` reads it), as each
    sentence :func:`_sentence_targets` reads does: one search over the joined lines for the
    first word (a literal, found at C speed), then the few lines that hold it."""
    lines = doc.text_lines
    return any(_ACTUAL_WORD.search(lines[k].text) for k in doc.text_lines_matching(_TARGET_WORD))


def _sentence_targets(ctx: ReportContext, skip: set[int]) -> list[dict]:
    """Indicators stated in sentences under the headings of the standard levels:
    '（一）产出指标' … '1. 数量指标：义务教育巩固率目标≥98%，实际完成 99.2%；…'. Each clause with a
    target and a result is a row (no weight or score: a clause with them is a score statement)."""
    out = []
    if not _may_state_targets(ctx.doc):
        return out  # (no line names a target and a result: most reports)
    level = {"level1": "", "level2": ""}
    for tl in ctx.doc.text_lines:
        text = clean_label(tl.text)
        heading = _section_level(text) if len(text) <= 30 else None
        if heading:
            level[heading[0]] = heading[1]
            if heading[0] == "level1":
                level["level2"] = ""
            continue
        if _is_heading(text):
            level = {"level1": "", "level2": ""}  # another section: no level in force
            continue
        if tl.line in skip or "目标" not in text or "实际" not in text:
            continue
        line_level2 = level["level2"]
        body = _ORDINAL.sub("", text, count=1)
        prefix = _LEVEL_PREFIX.match(body)
        if prefix and compact(prefix.group("label")) in _framework():
            line_level2 = compact(prefix.group("label"))
            body = body[prefix.end():]
        elif not level["level1"]:
            continue  # a target in a sentence outside the indicator sections is not read
        level1 = _framework_level1(line_level2, level["level1"]) if line_level2 else level["level1"]
        for clause in re.split(r"[；;。]", body):
            m = _TARGET_CLAUSE.match(clause.strip())
            if m is None or _SCORE_OR_WEIGHT.search(clause):
                continue
            rec = _empty(ctx, ctx.scope_at(tl.line), "正文", tl.line)
            rec["level1"], rec["level2"] = level1 or None, line_level2 or None
            rec["level3"] = clean_level(m.group("name"), "level3")
            target, actual = m.group("target").strip(_QUOTES), m.group("actual").strip(_QUOTES)
            _fill_values(rec, {"target": target, "actual": actual})
            ctx.place_text(tl.line, target)
            ctx.place_text(tl.line, actual)
            out.append(rec)
    return out


def extract_indicators(ctx: ReportContext) -> tuple[list[dict], list[TotalScore]]:
    """Every indicator row of a report, and the totals and grades printed beside the tables."""
    rows: list[dict] = []
    totals: list[TotalScore] = []
    previous: dict = {}
    table_map = ctx.table_map
    for number in table_map.tables_with("indicators"):  # (the tables classified once: classify.py)
        # (the classifier split the table to recognise it: the reader reads that split)
        split = table_map.reading(number, "indicators") or split_indicator_table(ctx.doc.tables[number])
        got, tot = _table_rows(split, ctx, previous)
        rows.extend(got)
        totals.extend(tot)
    flat, flat_totals, used = _flat_tables(ctx)
    rows.extend(flat)
    totals.extend(flat_totals)
    rows.extend(_statements(ctx, rows, used))
    rows.extend(_sentence_targets(ctx, used))
    rows.extend(_weight_lists(ctx, rows))
    return rows, totals

