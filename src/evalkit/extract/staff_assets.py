"""Staff counts (编制数, 实有人数, …) and assets (资产总额, 负债总额, 净资产, 固定资产).

Both come from key-value table rows and from sentences; the words are in
``vocab/staff_categories.csv`` and ``vocab/asset_items.csv``.
"""

from __future__ import annotations

import functools
import re

from evalkit import vocab
from evalkit.extract.context import compact
from evalkit.schema import SCHEMAS

__all__ = ["ASSET_COLUMNS", "STAFF_COLUMNS", "asset_item", "staff_category"]

STAFF_COLUMNS = SCHEMAS["staff"]
_UNIT = vocab.words_pattern(r"(?P<unit>[\u4e00-\u9fff]{2,20}?(?:<<staff_unit_suffix>>))(?:[\u4e00-\u9fff]{0,2})$")
_LABEL_UNIT = vocab.words_pattern(r"[（(](?:<<label_unit>>)[)）]$")  # '资产总额（万元）'
_LABEL_TAIL = vocab.words_pattern(r"(?:<<label_tail_word>>|[:：])*")  # '编制人数为', '资产总额合计：'
ASSET_COLUMNS = SCHEMAS["assets"]


def _lookup(name: str, key: str, text: str, max_len: int = 24) -> tuple[str, str] | None:
    t = compact(text)
    t = re.sub(r"^[（(]?其中[:：]?", "", t)
    t = _LABEL_UNIT.sub("", t)
    syn = vocab.synonyms(name, key)
    if t in syn:
        return syn[t], t
    if len(t) > max_len:
        return None
    m = None
    for m_ in vocab.alternation(name).finditer(t):
        m = m_
    if m is None:
        return None
    rest = t[m.end():]
    if rest and not _LABEL_TAIL.fullmatch(rest):
        return None
    return syn[m.group(0)], m.group(0)


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def staff_category(label: str) -> tuple[str, str] | None:
    """The staff category a label names: '其中：行政编制人数' → ('行政编制', '行政编制人数').

    Examples
    --------
    >>> staff_category("其中：行政编制人数")
    ('行政编制', '行政编制人数')
    >>> staff_category("年末实有人数")
    ('实有人数', '年末实有人数')
    >>> staff_category("参保人数") is None
    True
    """
    return _lookup("staff_categories", "category", label)


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def asset_item(label: str) -> tuple[str, str] | None:
    """The asset item a label names: '资产总额（账面净值，下同）' is not one, '负债总额' is.

    Examples
    --------
    >>> asset_item("我单位资产总额")
    ('资产总额', '资产总额')
    >>> asset_item("在用固定资产")
    ('在用固定资产', '在用固定资产')
    """
    return _lookup("asset_items", "item", label)


def staff_unit(clause: str) -> str | None:
    """The unit of the department a head count is about, when the words name one: '区医保局机关行政编制'
    → '区医保局机关'. None for the department as a whole (我单位, 本部门 …).

    Examples
    --------
    >>> staff_unit("区医疗保障事务中心"), staff_unit("我单位"), staff_unit("其中事务中心")
    ('区医疗保障事务中心', None, '事务中心')
    """
    m = _UNIT.search(re.sub(r"^其中[:：]?", "", compact(clause)))
    return m.group("unit") if m else None
