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

__all__ = ["budget_item", "clean_parent", "is_stage_word", "item_category", "item_parent", "join_path",
           "mentioned_item", "stage_of"]


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
_EXACT_ONLY = frozenset({"合计", "收入", "支出", "结余", "小计", "总额"})


@functools.cache
def _suffix_re() -> re.Pattern[str]:
    stages = "|".join(re.escape(w) for w in sorted({r["word"] for r in vocab.load("stages")}, key=len, reverse=True))
    return re.compile(rf"^(?:{stages}|总额|总计|合计数|合计|累计|共计|总金额|金额|资金|支出|数|额|为|是|达到|达|约|共|情况|[:：])*$")


@functools.lru_cache(maxsize=8192)  # labels repeat within and across reports
def budget_item(label: str, strict: bool = False) -> tuple[str, str] | None:
    """The budget item a label names, and the words it used: '其中：人员支出' → ('人员经费', '人员支出').

    The item word must end the label, or be followed only by stage words and words such as
    数, 金额, 合计 ('“三公”经费决算支出数' names 三公经费). Bare words (合计, 收入, 支出, 结余) count
    only when they are the whole label.

    Examples
    --------
    >>> budget_item("其中：人员支出")
    ('人员经费', '人员支出')
    >>> budget_item("财政拨款一基本支出")
    ('基本支出', '基本支出')
    >>> budget_item("2020年我单位“三公”经费决算支出数")
    ('三公经费', '“三公”经费')
    >>> budget_item("局机关") is None, budget_item("固定资产合计") is None
    (True, True)
    """
    text = compact(label)
    text = _ORDINAL.sub("", text)  # '一、一般公共预算财政拨款收入', '（二）项目支出', '1.基本支出'
    text = re.sub(r"^[（(]?其中[:：]?", "", text)
    text = re.sub(r"[（(](万元|元|亿元)[)）]$", "", text)
    syn = vocab.synonyms("budget_items", "item")
    if text in syn:
        return syn[text], text
    if text in vocab.synonyms("funding_sources", "source"):
        return None  # '中央财政资金', '县级配套资金': a funding source, not an item
    if strict and len(text) > 12:
        return None
    for m in vocab.alternation("budget_items").finditer(text):
        word = m.group(0)
        if word in _EXACT_ONLY:
            continue
        rest = text[m.end():]
        if rest and not _suffix_re().match(rest):
            continue
        return syn[word], word
    return None


@functools.cache
def item_category(item: str) -> str:
    return next((r["category"] for r in vocab.load("budget_items") if r["item"] == item), "")


@functools.lru_cache(maxsize=8192)  # labels repeat within and across reports
def mentioned_item(text: str) -> str | None:
    """The first budget item a heading or phrase mentions anywhere ('1.2.3 政府采购情况说明').

    Examples
    --------
    >>> mentioned_item("表 4 部门 2021 年度政府采购信息表 单位：元")
    '政府采购'
    """
    for m in vocab.alternation("budget_items").finditer(compact(text)):
        if m.group(0) not in _EXACT_ONLY:
            return vocab.synonyms("budget_items", "item")[m.group(0)]
    return None


def is_stage_word(word: str) -> bool:
    return word in vocab.synonyms("stages", "stage")


_BUDGET_KINDS = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算")


@functools.lru_cache(maxsize=8192)  # labels repeat within and across reports
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
