"""Resolve province, city and county from Chinese department names and title lines.

The reference table is ``evalkit/vocab/admin_divisions.csv`` (built by
``tools/build_admin_divisions.py``): every province-level, prefecture-level and county-level
division of China with its adcode, full name, short name, level and parent code. It is loaded
once, on first use.

Resolution works in two steps:

1. **Scan.** The text is scanned left to right for division names, taking at each position the
   longest name that starts there (full names such as ``临湘市`` and short names such as
   ``临湘``; a full name is always at least as long as its short form, so it wins). Names of
   two characters (``和县``, ``孝感``) and generic names (``城区``, ``郊区``) are easily part of
   ordinary words, so they count only when *anchored*: at the start of the text or after a
   non-Chinese character or after ``年``/``度``/``于`` …, or right next to a name of one of
   their ancestors or descendants (``湖北孝感``, ``阳泉市城区``).
2. **Choose.** Each mention gives one or more candidate divisions (``西湖区`` → the one in 南昌
   and the one in 杭州). A candidate is supported by every mention of itself or of one of its
   ancestors (full names weigh 2, short names 1). The best supported candidates win; when the
   winners do not lie on one chain, only what they have in common is returned (a bare
   ``西湖区`` gives nothing; ``临湘市`` and ``汨罗市`` give 湖南省/岳阳市).

Municipalities (北京, 天津, 上海, 重庆) are both province and city; their districts are
counties. County-level units administered directly by a province (仙桃市, 济源市 …) have a
province and a county but no city.

Examples
--------
>>> resolve_region("南昌市西湖区医疗保障局")
Region(province='江西省', city='南昌市', county='西湖区', code='360103')
>>> resolve_region("临湘市医疗保障事务中心")
Region(province='湖南省', city='岳阳市', county='临湘市', code='430682')
>>> resolve_region("湖北省孝感市医疗保障局")
Region(province='湖北省', city='孝感市', county=None, code='420900')
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Region", "load_admin_divisions", "resolve_region", "resolve_region_from_texts"]

logger = logging.getLogger(__name__)

_CSV_NAME = "admin_divisions.csv"
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}
# Full names that are ordinary words; accepted only next to an ancestor (阳泉市城区).
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "中区", "南区", "北区"})
# A short name or 2-character name may follow these characters (2023年临湘…, 关于和县…).
_LEFT_BOUNDARY = frozenset("年度于与及在对")
_WEIGHT_FULL = 2
_WEIGHT_SHORT = 1


@dataclass(frozen=True)
class Region:
    """Administrative location of a department.

    Attributes
    ----------
    province : str or None
        Full name of the province-level unit (``湖南省``, ``上海市``).
    city : str or None
        Full name of the prefecture-level unit (``岳阳市``); for a municipality the
        municipality itself (``上海市``).
    county : str or None
        Full name of the county-level unit (``临湘市``, ``北塔区``).
    code : str or None
        6-digit adcode of the most specific unit resolved.

    Examples
    --------
    >>> Region()
    Region(province=None, city=None, county=None, code=None)
    """

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None


class _Division(NamedTuple):
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str


class _Mention(NamedTuple):
    start: int
    end: int
    name: str
    full: bool
    codes: tuple[str, ...]


class _Index(NamedTuple):
    divisions: dict[str, _Division]
    lineage: dict[str, tuple[str, ...]]  # code -> codes from the province down to itself
    names: dict[str, tuple[tuple[str, ...], bool]]  # name -> (codes, is_full_name)
    lengths: dict[str, tuple[int, ...]]  # first character -> name lengths, longest first


def _division_rows() -> list[dict[str, str]]:
    resource = importlib.resources.files("evalkit").joinpath("vocab", _CSV_NAME)
    with resource.open("r", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_admin_divisions() -> pd.DataFrame:
    """Return the table of administrative divisions as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``short_name``, ``level``, ``parent_code`` (all text;
        ``short_name`` and ``parent_code`` are empty strings where absent). A fresh copy is
        returned on every call.

    Examples
    --------
    >>> df = load_admin_divisions()
    >>> df.loc[df["code"] == "430682", ["name", "short_name", "level", "parent_code"]].values.tolist()
    [['临湘市', '临湘', 'county', '430600']]
    """
    import pandas as pd

    return pd.DataFrame(_division_rows(), columns=list(_Division._fields))


@functools.cache
def _index() -> _Index:
    divisions = {
        r["code"]: _Division(**{f: r[f] for f in _Division._fields}) for r in _division_rows()
    }
    lineage: dict[str, tuple[str, ...]] = {}
    for code in divisions:
        chain = [code]
        while divisions[chain[-1]].parent_code:
            chain.append(divisions[chain[-1]].parent_code)
        lineage[code] = tuple(reversed(chain))

    full: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for d in divisions.values():
        full.setdefault(d.name, []).append(d.code)
        if d.short_name and len(d.short_name) >= 2:
            short.setdefault(d.short_name, []).append(d.code)
    names: dict[str, tuple[tuple[str, ...], bool]] = {
        n: (tuple(c), False) for n, c in short.items() if n not in full
    }
    names.update({n: (tuple(c), True) for n, c in full.items()})
    lengths: dict[str, set[int]] = {}
    for n in names:
        lengths.setdefault(n[0], set()).add(len(n))
    logger.debug("admin divisions index: %d units, %d names", len(divisions), len(names))
    return _Index(
        divisions,
        lineage,
        names,
        {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()},
    )


def _is_related(ix: _Index, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True if some code of ``a`` is a proper ancestor of some code of ``b``."""
    return any(x != y and x in ix.lineage[y] for x in a for y in b)


def _scan(text: str) -> list[_Mention]:
    """Find division names in ``text`` (leftmost-longest, non-overlapping, anchored)."""
    ix = _index()
    found: list[_Mention] = []
    i, n = 0, len(text)
    while i < n:
        lens = ix.lengths.get(text[i])
        if lens:
            for length in lens:
                hit = ix.names.get(text[i : i + length])
                if hit is not None:
                    found.append(_Mention(i, i + length, text[i : i + length], hit[1], hit[0]))
                    i += length
                    break
            else:
                i += 1
        else:
            i += 1

    kept: list[_Mention] = []
    for k, m in enumerate(found):
        generic = m.name in _GENERIC_NAMES
        if len(m.name) > 2 and not generic:
            kept.append(m)
            continue
        prev = found[k - 1] if k > 0 and found[k - 1].end == m.start else None
        nxt = found[k + 1] if k + 1 < len(found) and found[k + 1].start == m.end else None
        anchored = prev is not None and _is_related(ix, prev.codes, m.codes)
        if not generic:
            anchored = (
                anchored
                or m.start == 0
                or not _is_han(text[m.start - 1])
                or text[m.start - 1] in _LEFT_BOUNDARY
                or (nxt is not None and _is_related(ix, m.codes, nxt.codes))
            )
        if anchored:
            kept.append(m)
        else:
            logger.debug("ignoring unanchored name %r at %d in %r", m.name, m.start, text)
    return kept


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _choose(mentions: list[_Mention], context: str) -> Region:
    """Pick the best supported division for a set of mentions."""
    if not mentions:
        return Region()
    ix = _index()
    candidates = {c for m in mentions for c in m.codes}
    support = dict.fromkeys(candidates, 0)
    for m in mentions:
        weight = _WEIGHT_FULL if m.full else _WEIGHT_SHORT
        for cand in candidates:
            if any(c in ix.lineage[cand] for c in m.codes):
                support[cand] += weight
    best = max(support.values())
    winners = [c for c, s in support.items() if s == best]
    # Drop winners that are ancestors of other winners (北京市: province and city rows).
    winners = [c for c in winners if not any(c != o and c in ix.lineage[o] for o in winners)]
    if len(winners) == 1:
        chain = ix.lineage[winners[0]]
    else:
        chains = [ix.lineage[c] for c in winners]
        common: list[str] = []
        for level_codes in zip(*chains):
            if len(set(level_codes)) != 1:
                break
            common.append(level_codes[0])
        chain = tuple(common)
        logger.debug(
            "ambiguous divisions in %r: %s; keeping %s",
            context,
            ", ".join(f"{ix.divisions[c].name}({c})" for c in sorted(winners)),
            "/".join(ix.divisions[c].name for c in chain) or "nothing",
        )
    if not chain:
        return Region()
    parts: dict[str, str] = {ix.divisions[c].level: ix.divisions[c].name for c in chain}
    return Region(parts.get("province"), parts.get("city"), parts.get("county"), chain[-1])


def resolve_region(text: str) -> Region:
    """Resolve the province, city and county named in a department name or title.

    Parameters
    ----------
    text : str
        A department name or a line of text (``南昌市西湖区医疗保障局``,
        ``2023年度北塔区医疗保障局部门整体支出绩效自评报告``).

    Returns
    -------
    Region
        The most specific division the text names, with its ancestors filled in from the
        reference table. Fields stay ``None`` where the text says nothing or is ambiguous: a
        county name that exists in several cities gives no county unless a city or province
        in the text picks one.

    Examples
    --------
    >>> resolve_region("北塔区医疗保障局（含医疗保障事务中心）")
    Region(province='湖南省', city='邵阳市', county='北塔区', code='430511')
    >>> resolve_region("邵阳市北塔区财政局").county
    '北塔区'
    >>> resolve_region("上海市浦东新区医疗保障局")
    Region(province='上海市', city='上海市', county='浦东新区', code='310115')
    >>> resolve_region("西湖区医疗保障局")  # 南昌 or 杭州?
    Region(province=None, city=None, county=None, code=None)
    >>> resolve_region("杭州西湖区").province
    '浙江省'
    >>> resolve_region("财政部")
    Region(province=None, city=None, county=None, code=None)
    """
    if not text:
        return Region()
    return _choose(_scan(text), text)


def resolve_region_from_texts(texts: Iterable[str]) -> Region:
    """Resolve a region from the evidence of several lines together.

    Parameters
    ----------
    texts : iterable of str
        Lines of one document, such as its title, its 部门名称 field and sentences of its
        body. Empty or ``None`` items are skipped.

    Returns
    -------
    Region
        As :func:`resolve_region`, with the mentions of all lines weighed together: a line
        naming ``邵阳市北塔区`` confirms a title that names only ``北塔区``; a bare ``西湖区`` is
        settled by ``江西省`` or ``南昌市`` on another line.

    Examples
    --------
    >>> resolve_region_from_texts(["北塔区医疗保障局", "会同邵阳市北塔区财政局开展评价"])
    Region(province='湖南省', city='邵阳市', county='北塔区', code='430511')
    >>> resolve_region_from_texts(["西湖区医疗保障局", "江西省人民医院"]).city
    '南昌市'
    >>> resolve_region_from_texts([])
    Region(province=None, city=None, county=None, code=None)
    """
    lines = [t for t in texts if t]
    mentions = [m for t in lines for m in _scan(t)]
    return _choose(mentions, " | ".join(lines)[:200])
