"""Staff counts (编制数, 实有人数, …) and assets (资产总额, 负债总额, 净资产, 固定资产).

Both come from key-value table rows and from sentences; the words are in
``vocab/staff_categories.csv`` and ``vocab/asset_items.csv``.
"""

from __future__ import annotations

import re

from evalkit import vocab
from evalkit.extract.context import compact

__all__ = ["ASSET_COLUMNS", "STAFF_COLUMNS", "asset_item", "staff_category"]

STAFF_COLUMNS = ["report_id", "category", "category_raw", "persons", "raw", "source"]
ASSET_COLUMNS = ["report_id", "item", "item_raw", "amount_wan", "raw", "source"]


def _lookup(name: str, key: str, text: str, max_len: int = 24) -> tuple[str, str] | None:
    t = compact(text)
    t = re.sub(r"^[（(]?其中[:：]?", "", t)
    t = re.sub(r"[（(](万元|元|人)[)）]$", "", t)
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
    if rest and not re.fullmatch(r"(?:为|是|共|有|达|约|数|人数|合计|总数|[:：])*", rest):
        return None
    return syn[m.group(0)], m.group(0)


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
