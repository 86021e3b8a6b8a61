"""Budget items and stages named by words: the vocabularies of ``budget_items.csv`` and ``stages.csv``.

Shared by the extractors of budget tables and of sentences: which item a label names
(:func:`budget_item`), which stage (:func:`stage_of`), an item's standard parent
(:func:`item_parent`) and the parent path a breakdown gives (:func:`clean_parent`).
"""

from __future__ import annotations

import functools
import re

from evalkit import vocab
from evalkit.extract.context import compact

__all__ = ["budget_item", "clean_parent", "is_bare_total", "is_stage_word", "item_category", "item_parent",
           "join_path", "mentioned_item", "stage_of", "word_category"]


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for m in pattern.finditer(text):
        last = m
    return last


@functools.cache
def _item_parents() -> dict[str, str]:
    return {r["item"]: r["parent"] for r in vocab.load("budget_items") if r.get("parent")}


def item_parent(item: str) -> str:
    """The standard parent of a budget item (人员经费 → 基本支出), or ''.

    Examples
    --------
    >>> item_parent("公用经费"), item_parent("基本支出")
    ('基本支出', '')
    """
    return _item_parents().get(item, "")


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳])")
_UNIT_SUFFIX = vocab.words_pattern(r"[（(]<<money_unit>>[)）]$")  # '收入合计（万元）'

# The ``use`` column of budget_items.csv: where a word names its item.
_WHOLE_LABEL = frozenset({"label", "table_label", "table_total"})  # only as the whole label ('合计')
_TABLE_ONLY = frozenset({"table", "table_label", "table_total"})  # only in a table ('累计结余', '总额')
_TABLE_TOTAL = "table_total"  # a table's total row whose item the table decides ('总额')
# A label written with 总计 names the 总计 item, not the 合计 of a word before it ('决算收入总计')
_GRAND_TOTAL = "总计"


@functools.cache
def _uses() -> dict[str, str]:
    return {r["word"]: r.get("use") or "" for r in vocab.load("budget_items")}


@functools.cache
def _word_categories() -> dict[str, str]:
    return {r["word"]: r["category"] for r in vocab.load("budget_items")}


@functools.cache
def _items_re(in_table: bool) -> re.Pattern[str]:
    """The words that name an item inside a longer label (not the whole-label ones)."""
    words = sorted((w for w, use in _uses().items() if use not in _WHOLE_LABEL
                    and (in_table or use not in _TABLE_ONLY)), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@functools.cache
def _suffix_re() -> re.Pattern[str]:
    stages = "|".join(re.escape(w) for w in sorted({r["word"] for r in vocab.load("stages")}, key=len, reverse=True))
    return re.compile(rf"^(?:{stages}|{vocab.any_word('item_label_tail')}|{vocab.any_word('copula')}|[:：])*$")


def _bare(label: str) -> str:
    text = compact(label)
    text = _ORDINAL.sub("", text)  # '一、一般公共预算财政拨款收入', '（二）项目支出', '1.基本支出'
    text = re.sub(r"^[（(]?其中[:：]?", "", text)
    return _UNIT_SUFFIX.sub("", text)


def _candidates(text: str, in_table: bool) -> list[re.Match[str]]:
    """Every item word of a text, overlapping ones too ('决算收入总计': 决算收入 and 收入总计)."""
    pattern = _items_re(in_table)
    found = []
    for i in range(len(text)):
        m = pattern.match(text, i)
        if m:
            found.append(m)
    return found


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def budget_item(label: str, strict: bool = False, in_table: bool = False) -> tuple[str, str] | None:
    """The budget item a label names, and the words it used: '其中：人员支出' → ('人员经费', '人员支出').

    The item word must end the label, or be followed only by stage words and words such as
    数, 金额, 合计 ('“三公”经费决算支出数' names 三公经费); a 总计 written after it names the 总计
    item ('决算收入总计' is 收入总计). Bare words (合计, 收入, 支出, 结余) count only when they are
    the whole label. Words the ``use`` column of ``budget_items.csv`` marks as table words
    (累计结余, 当年结余, 总额, 财政资金) name an item only in a table (``in_table``): a sentence's
    累计结余 is the insurance fund's, its 财政资金 any government's money.

    Examples
    --------
    >>> budget_item("其中：人员支出")
    ('人员经费', '人员支出')
    >>> budget_item("财政拨款一基本支出")
    ('基本支出', '基本支出')
    >>> budget_item("2020年我单位“三公”经费决算支出数")
    ('三公经费', '“三公”经费')
    >>> budget_item("部门决算收入总计")
    ('收入总计', '收入总计')
    >>> budget_item("累计结余") is None, budget_item("累计结余", in_table=True)
    (True, ('累计结余', '累计结余'))
    >>> budget_item("局机关") is None, budget_item("固定资产合计") is None
    (True, True)
    """
    text = _bare(label)
    syn = vocab.synonyms("budget_items", "item")
    if text in syn:
        if _uses()[text] in _TABLE_ONLY and not in_table:
            return None
        return syn[text], text
    if text in vocab.synonyms("funding_sources", "source"):
        return None  # '中央财政资金', '县级配套资金': a funding source, not an item
    if strict and len(text) > 12:
        return None
    valid = [m for m in _candidates(text, in_table)
             if not text[m.end():] or _suffix_re().match(text[m.end():])]
    if not valid:
        return None
    first = valid[0]
    if _GRAND_TOTAL in text[first.end():]:
        first = next((m for m in valid if _GRAND_TOTAL in m.group(0)), first)
    return syn[first.group(0)], first.group(0)


def is_bare_total(label: str) -> bool:
    """True for the label of a table's total row whose item the table decides ('总额': the
    三公经费 of a 三公 table, a project's funds above its funding rows).

    Examples
    --------
    >>> is_bare_total("总额"), is_bare_total("年度资金总额")
    (True, False)
    """
    return _uses().get(_bare(label)) == _TABLE_TOTAL


def word_category(word: str) -> str:
    """The category of an item word (a project's funding row '财政资金' is a 来源)."""
    return _word_categories().get(word, "")


@functools.cache
def item_category(item: str) -> str:
    return next((r["category"] for r in vocab.load("budget_items") if r["item"] == item), "")


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def mentioned_item(text: str, in_table: bool = False) -> str | None:
    """The first budget item a heading or phrase mentions anywhere ('1.2.3 政府采购情况说明');
    table words (累计结余) only in a table's caption (``in_table``).

    Examples
    --------
    >>> mentioned_item("表 4 部门 2021 年度政府采购信息表 单位：元")
    '政府采购'
    """
    m = _items_re(in_table).search(compact(text))
    return vocab.synonyms("budget_items", "item")[m.group(0)] if m else None


def is_stage_word(word: str) -> bool:
    return word in vocab.synonyms("stages", "stage")


_BUDGET_KINDS = vocab.words_pattern("<<budget_kind>>")


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def stage_of(text: str) -> tuple[str, str] | None:
    """The stage a text names; a specific word (调整后, 决算) wins over a bare 预算 before it. The
    预算 of a kind of budget (一般公共预算财政拨款) names no stage."""
    text = _BUDGET_KINDS.sub("", text)
    matches = list(vocab.alternation("stages").finditer(text))
    if not matches:
        return None
    specific = [m for m in matches if m.group(0) != "预算"]
    m = (specific or matches)[-1]
    return vocab.synonyms("stages", "stage")[m.group(0)], m.group(0)


def join_path(*parts: str) -> str:
    return "/".join(p for p in "/".join(parts).split("/") if p)


def clean_parent(path: str, item: str) -> str:
    """Totals are never parents; a standard part gets its standard parent."""
    parts = [p for p in path.split("/") if p and p not in ("支出合计", "收入合计", item)]
    std = item_parent(item)
    if std and std not in parts:
        parts = [std] if not parts else parts
    return "/".join(parts)
