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
import dataclasses
import functools
import importlib.resources
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from evalkit import vocab

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Region",
    "lexical_region",
    "load_admin_divisions",
    "place_tokens",
    "province_named_with",
    "province_of_rules",
    "province_path_before",
    "province_rating",
    "region_of_field",
    "region_stated_about",
    "resolve_region",
    "resolve_region_from_texts",
]

logger = logging.getLogger(__name__)

_CSV_NAME = "admin_divisions.csv"
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}
# Full names that are ordinary words; accepted only next to an ancestor (阳泉市城区).
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "中区", "南区", "北区"})
# A short name or 2-character name may follow these characters (2023年临湘…, 关于和县…).
_LEFT_BOUNDARY = frozenset("年度于与及在对")
# A name ending in a level word is no place when one of these follows it: 县级, 市级, 区域 (…和县级预算).
_RIGHT_BLOCK = frozenset("级域")
_LEVEL_ENDINGS = ("县", "市", "区", "旗", "州", "盟")
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


@functools.cache
def _name_start() -> re.Pattern[str]:
    """Any first character of a division name: the scan jumps from one to the next (about a
    quarter of the characters of a title are one) instead of looking at every character."""
    return re.compile("[" + "".join(map(re.escape, sorted(_index().lengths))) + "]")


def _names_in(text: str) -> list[_Mention]:
    """Every division name in ``text``, leftmost-longest and non-overlapping, anchored or not."""
    ix = _index()
    lengths, names = ix.lengths, ix.names
    found: list[_Mention] = []
    after = 0  # (where the last name found ends: a start inside it is passed over)
    for m in _name_start().finditer(text):
        i = m.start()
        if i < after:
            continue
        for length in lengths[text[i]]:
            hit = names.get(text[i : i + length])
            if hit is not None:
                found.append(_Mention(i, i + length, text[i : i + length], hit[1], hit[0]))
                after = i + length
                break
    return found


# (a pure function of a short text: the department's name and the title lines are scanned
# again by several readers of a report, and the same titles recur from report to report)
@functools.lru_cache(maxsize=1 << 12)
def _scan(text: str) -> tuple[_Mention, ...]:
    """Find division names in ``text`` (leftmost-longest, non-overlapping, anchored)."""
    ix = _index()
    found = _names_in(text)

    kept: list[_Mention] = []
    for k, m in enumerate(found):
        generic = m.name in _GENERIC_NAMES
        if len(m.name) > 2 and not generic:
            kept.append(m)
            continue
        prev = found[k - 1] if k > 0 and found[k - 1].end == m.start else None
        nxt = found[k + 1] if k + 1 < len(found) and found[k + 1].start == m.end else None
        anchored = prev is not None and _is_related(ix, prev.codes, m.codes)
        blocked = m.name.endswith(_LEVEL_ENDINGS) and text[m.end : m.end + 1] in _RIGHT_BLOCK
        if not generic and not blocked:
            left = text[m.start - 1] if m.start else ""
            anchored = (
                anchored
                or m.start == 0
                or (not _is_han(left) and not left.isdigit())
                or left in _LEFT_BOUNDARY
                or (nxt is not None and _is_related(ix, m.codes, nxt.codes))
            )
        if anchored and not blocked:
            kept.append(m)
        else:
            logger.debug("ignoring unanchored name %r at %d in %r", m.name, m.start, text)
    return tuple(kept)


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
    table = _choose(mentions, " | ".join(lines)[:200])
    first = next((t for t in lines if not _SENTENCE.search(t) and lexical_region(t) != Region()), None)
    if first is None:
        return table
    region = _merge((table, resolve_region(first)), lexical_region(first))
    if region.province is None:
        province = province_named_with(lines, region)
        if province:
            region = dataclasses.replace(region, province=province)
    return region


# ------------------------------------------------------------------ lexical fallback
# Reports name places the reference table lacks (new districts, renamed counties, and the
# gallery's fictional places). The fallback reads a name by the suffixes of its place names
# (``vocab/place_suffixes.csv``): X省/X自治区 → province, X市/X州/X盟/X地区 → city (a X市 after
# a city is a county-level city), X县/X区/X旗 → county; 乡/镇/街道 end the reading.
_LEADING_NOISE = re.compile(
    r"^(?:[#*>\s]+|附件\s*\d*\s*[:：]?|[《〈“\"【\[]|(?:19|20)\d{2}\s*年(?:度)?|第[一二三四五六七八九十\d]+部分\s*[:：]?"
    r"|中国共产党|中共)"  # '中共岚溪县医疗保障局党组': the party's name is no place
)


# Characters of function words that no unknown place name is read through ('组织实施全县…'); real
# names with them (和平区, 本溪市) are in the reference table.
_NOT_IN_NAMES = "的和并全本各在对为等与及了是于从由将把被向以之其该每按个所有据照"  # (根据县…, 按照市…)
# A text read for place names is a name or a title, not a sentence.
_SENTENCE = re.compile(r"[，。；：:,;]")


@functools.cache
def _place_token() -> re.Pattern[str]:
    from evalkit import vocab

    words = sorted((r["word"] for r in vocab.load("place_suffixes")), key=len, reverse=True)
    name = rf"[^\W\d_A-Za-z{_NOT_IN_NAMES}]"  # a Chinese character that is no function word
    return re.compile(rf"{name}{{2,6}}?(?:" + "|".join(map(re.escape, words)) + ")")


@functools.cache
def _suffix_levels() -> dict[str, str]:
    from evalkit import vocab

    return {r["word"]: r["level"] for r in vocab.load("place_suffixes")}


@functools.cache
def _municipalities() -> frozenset[str]:
    ix = _index()
    return frozenset(d.name for d in ix.divisions.values() if d.level == "province" and d.name.endswith("市"))


@functools.cache
def _province_names() -> tuple[str, ...]:
    ix = _index()
    return tuple(sorted({d.name for d in ix.divisions.values() if d.level == "province"}, key=len, reverse=True))


def _strip_leading_noise(text: str) -> str:
    previous = None
    text = text.strip()
    while previous != text:
        previous = text
        text = _LEADING_NOISE.sub("", text).strip()
    return text


def place_tokens(text: str) -> list[tuple[str, str]]:
    """The place names a name begins with, each with its level by suffix.

    Examples
    --------
    >>> place_tokens("随阳市曾安区医疗保障局")
    [('随阳市', 'city'), ('曾安区', 'county')]
    >>> place_tokens("镇澜县勐溪乡人民政府")
    [('镇澜县', 'county'), ('勐溪乡', 'town')]
    >>> place_tokens("县医疗保障局")
    []
    """
    levels = _suffix_levels()
    words = sorted(levels, key=len, reverse=True)
    out: list[tuple[str, str]] = []
    text = _strip_leading_noise(text)
    pos = 0
    while True:
        m = _place_token().match(text, pos)
        if not m:
            break
        name = m.group(0)
        suffix = next(w for w in words if name.endswith(w))
        out.append((name, levels[suffix]))
        pos = m.end()
        if levels[suffix] == "town":
            break
    return out


def lexical_region(text: str) -> Region:
    """Province, city and county read from the place names a name begins with, by their suffixes.

    For names the reference table does not know; ``code`` stays ``None``. A province-level
    municipality (重庆市) is both province and city; a X市 after a city is a county-level city.

    Examples
    --------
    >>> lexical_region("随阳市曾安区医疗保障局")
    Region(province=None, city='随阳市', county='曾安区', code=None)
    >>> lexical_region("重庆市云岭区医疗保障局")
    Region(province='重庆市', city='重庆市', county='云岭区', code=None)
    >>> lexical_region("广西壮族自治区柳溪县医疗保障局")
    Region(province='广西壮族自治区', city=None, county='柳溪县', code=None)
    >>> lexical_region("2023年度部门整体支出绩效自评报告")
    Region(province=None, city=None, county=None, code=None)
    """
    province = city = county = None
    rank = -1
    for name, level in place_tokens(text or ""):
        if level == "town":
            break
        if name in _municipalities() or level == "province":
            if rank >= 0:
                break
            province, rank = name, 0
            if name in _municipalities():
                city, rank = name, 1
        elif level == "city" and rank < 1:
            city, rank = name, 1
        elif level == "county" or (level == "city" and name.endswith("市") and rank == 1):
            if rank >= 2:
                break
            county, rank = name, 2
        else:
            break
    return Region(province, city, county, None)


def _merge(readings: tuple[Region, ...], lexical: Region) -> Region:
    """The first reading of the reference table that knows every name written, else the lexical one.

    A reading that goes below the most specific name written (a county of the body under the
    city the department names) is cut there.
    """
    written = [n for n in (lexical.province, lexical.city, lexical.county) if n]
    for table in readings:
        found = [table.province, table.city, table.county]
        if not all(n in found for n in written):
            continue
        depth = max(found.index(n) for n in written)
        if any(found[depth + 1 :]):
            ix = _index()
            chain = ix.lineage.get(table.code or "", ())
            code = next((c for c in chain if ix.divisions[c].name == found[depth]), None)
            return Region(*(found[: depth + 1] + [None] * (2 - depth)), code)
        return table
    logger.debug("names %s unknown to the reference table: read by their suffixes", written)
    return lexical


def province_named_with(texts: Iterable[str], region: Region) -> str | None:
    """A province-level name written right before the region's city or county (云南省永澜县, 广东省和港城市).

    Examples
    --------
    >>> province_named_with(["技术支持：云南省永澜县融媒体中心"], Region(county="永澜县"))
    '云南省'
    >>> province_named_with(["贯彻执行国家、广东省和港城市医疗保障政策"], Region(city="港城市"))
    '广东省'
    >>> province_named_with(["广东省人民医院"], Region(county="永澜县")) is None
    True
    """
    places = [p for p in (region.city, region.county) if p]
    if not places:
        return None
    # What the search of '(<province>|…)[和、与及]?(?:<city>|<county>)' in each text in turn finds,
    # without making that pattern for each region: the first text with a match is where the
    # texts joined by NUL (which no name holds) have their first match, and a match ends in an
    # occurrence of a place; the search's match starts the leftmost, with the first province
    # name (in the order of :func:`_province_names`) that starts there.
    text = "\x00".join(t for t in texts if t)
    by_last = _province_names_by_last()
    best: tuple[int, int] | None = None  # (start, order) of the match found so far
    for place in places:
        q = text.find(place, 1)  # (a place at the very start has no province before it)
        while q > 0:
            for end in (q, q - 1) if text[q - 1] in _PROVINCE_PLACE_JOINERS else (q,):
                for k, name in by_last.get(text[end - 1], ()) if end else ():
                    start = end - len(name)
                    if start >= 0 and (best is None or (start, k) < best) and text.startswith(name, start):
                        best = (start, k)
            q = text.find(place, q + 1)
    return _province_names()[best[1]] if best else None


def province_of_rules(texts: Iterable[str]) -> str | None:
    """The one province whose rules a document follows, where it names them: its finance office
    ('根据山东省财政厅…的要求', '浙江省财政厅监制', vocab ``meta_labels.csv``, field
    ``province_office``) or the province's own form, at the start of a line ('河南省部门整体支出
    绩效自评表'); None when no province or two different ones are named so.

    Examples
    --------
    >>> province_of_rules(["根据山东省财政厅关于开展绩效自评工作的要求", "泰岳县医疗保障局"])
    '山东省'
    >>> province_of_rules(["河南省部门整体支出绩效自评表"])
    '河南省'
    >>> province_of_rules(["广东省财政厅", "湖南省财政厅"]) is None
    True
    >>> province_of_rules(["学习广东省部门整体支出绩效管理经验"]) is None
    True
    >>> province_of_rules(["本局学习借鉴浙江省财政厅预算绩效管理的经验做法"]) is None
    True
    """
    office, form = _rules_res()
    found = set()
    for text in texts:
        if text and ("财" in text or "表" in text):
            text = text.strip()
            found.update(m.group(1) for m in office.finditer(text) if _sets_rules(text, m))
            m = form.match(text)
            if m:
                found.add(m.group(1))
    return found.pop() if len(found) == 1 else None


def _sets_rules(text: str, m: re.Match[str]) -> bool:
    """Whether an office named in a text is one whose rules the document follows: named first on
    its line, right after a word of following ('根据', '按照') or right before one of making
    ('监制'); not an office named in passing ('学习借鉴浙江省财政厅…的经验')."""
    leads = _labels_of("province_office_lead")
    return m.start() == 0 or text[: m.start()].endswith(leads) \
        or text[m.end():].lstrip().startswith(_labels_of("province_office_tail"))


@functools.cache
def _labels_of(field: str) -> tuple[str, ...]:
    return tuple(r["word"] for r in vocab.load("meta_labels") if r["field"] == field)


@functools.cache
def _rules_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(map(re.escape, _province_names()))
    offices = "|".join(map(re.escape, _labels_of("province_office")))
    forms = "|".join(map(re.escape, _labels_of("province_form")))
    return re.compile(f"({names})(?:{offices})"), re.compile(f"({names})(?:{forms})")


#: What may stand between a province and a place named with it ('广东省和港城市').
_PROVINCE_PLACE_JOINERS = "和、与及"


@functools.cache
def _province_names_by_last() -> dict[str, tuple[tuple[int, str], ...]]:
    """The province names of :func:`_province_names` with their order, by their last character
    (a province ends where a place named with it starts: its last character is the one before)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for k, name in enumerate(_province_names()):
        out.setdefault(name[-1], []).append((k, name))
    return {c: tuple(v) for c, v in out.items()}


# '渭泉县位于甘肃省东南部，隶属定川市', '潇源县地处湖南省西南部': statements about the department's
# own place (the subject is its name, the province or city follows the verb: location_verb,
# affiliation_verb of the word lists)
_SAME_SENTENCE = r"[^。；;！？]{0,24}?"


def _place_at(text: str, pos: int, levels: tuple[str, ...]) -> str | None:
    """The place name of one of ``levels`` starting at ``pos`` ('甘肃省东南部' → 甘肃省)."""
    if "province" in levels:
        name = next((n for n in _province_names() if text.startswith(n, pos)), None)
        if name:
            return name
    m = _place_token().match(text, pos)
    if m is None:
        return None
    suffix = max((w for w in _suffix_levels() if m.group(0).endswith(w)), key=len)
    return m.group(0) if _suffix_levels()[suffix] in levels else None


def _city_before_own(text: str, pos: int, own: str) -> str | None:
    """The city of a full place path after 位于 ('位于江苏省沭川市桐阳县' → 沭川市): a city name
    (after a province name, if any) directly followed by the county's own name."""
    province = next((n for n in _province_names() if text.startswith(n, pos)), None)
    if province:
        pos += len(province)
    city = _place_at(text, pos, ("city",))
    if city is None:
        # (the place token may run on into the county's name: '沭川市桐阳县')
        end = text.find(own, pos)
        city = text[pos:end] if end > pos else None
        return city if city and _place_at(city, 0, ("city",)) == city else None
    return city if text.startswith(own, pos + len(city)) else None


def region_stated_about(texts: Iterable[str], region: Region) -> Region:
    """The province and city the text states about the region's own county (or city).

    Only statements whose subject is the region's own most local name count: ``X县位于甘肃省…``,
    ``X县地处湖南省…`` (province), ``X县…隶属定川市`` (city); a neighbour's statement names no
    place of the region. Fields already known are kept.

    Parameters
    ----------
    texts : iterable of str
        Lines of the document (its first section is where such statements stand).
    region : Region
        The region read from the department's name and the title.

    Returns
    -------
    Region
        ``region`` with the province and the city filled in where a statement names them.

    Examples
    --------
    >>> region_stated_about(["柳川县位于甘肃省东南部，隶属定西市，辖12个乡镇。"], Region(county="柳川县"))
    Region(province='甘肃省', city='定西市', county='柳川县', code=None)
    >>> region_stated_about(["邻近的柳川县位于甘肃省东南部。"], Region(county="柏川县"))
    Region(province=None, city=None, county='柏川县', code=None)
    >>> region_stated_about(["某中心为柳川县医保局所属事业单位，位于甘肃省定西市柳川县。"], Region(county="柳川县"))
    Region(province='甘肃省', city='定西市', county='柳川县', code=None)
    """
    own = region.county or (region.city if region.city != region.province else None)
    if not own or (region.province and region.city and (region.county or not own.endswith("市"))):
        return region
    located, belongs = _stated_tail("location_verb"), _stated_tail("affiliation_verb")
    province, city, county = region.province, region.city, region.county
    for text in texts:
        if not text or own not in text:
            continue
        m = _after_own(text, own, located)
        if m and province is None:
            province = _place_at(text, m.end(), ("province",))
        if m and city is None and county:
            city = _city_before_own(text, m.end(), own)
        if city is None and county:
            m = _after_own(text, own, belongs)
            city = _place_at(text, m.end(), ("city",)) if m else None
        elif county is None and own.endswith("市"):  # a county-level city: 'X市…隶属Y市'
            m = _after_own(text, own, belongs)
            upper = _place_at(text, m.end(), ("city",)) if m else None
            if upper and upper != own:
                city, county = upper, own
    return dataclasses.replace(region, province=province, city=city, county=county)


def province_path_before(texts: Iterable[str], region: Region) -> Region:
    """Province and city of a full place path written before the region's own county (or city):
    a province's name, then at most one city, then the own name ('内蒙古自治区锡林郭勒盟苏尼特东旗',
    '新疆维吾尔自治区塔河县'). Fields already known are kept; nothing is read from a path whose
    head is no province's name (a fictional city alone cannot be told from the words before it).

    Examples
    --------
    >>> province_path_before(["对内蒙古自治区锡林郭勒盟苏东旗医疗保障局开展评价"], Region(county="苏东旗"))
    Region(province='内蒙古自治区', city='锡林郭勒盟', county='苏东旗', code=None)
    >>> province_path_before(["甘肃省柳川县医疗保障局"], Region(county="柳川县"))
    Region(province='甘肃省', city=None, county='柳川县', code=None)
    >>> province_path_before(["甘肃省召开会议，柳川县参加"], Region(county="柳川县"))
    Region(province=None, city=None, county='柳川县', code=None)
    """
    own = region.county or (region.city if region.city != region.province else None)
    if not own or (region.province and (region.city or not region.county)):
        return region
    for text in texts:
        q = text.find(own, 2) if text else -1
        while q > 0:
            for name in _province_names():
                start = text.rfind(name, max(0, q - len(name) - 12), q)
                if start < 0:
                    continue
                mid = text[start + len(name):q]
                if mid and (not region.county or _place_at(mid, 0, ("city",)) != mid
                            or (region.city and region.city != mid)):
                    continue
                city = region.city or (mid or None)
                return dataclasses.replace(region, province=region.province or name, city=city)
            q = text.find(own, q + 1)
    return region


@functools.cache
def _stated_tail(verbs: str) -> re.Pattern[str]:
    """What follows the subject of a statement about a place: a verb of the word list ``verbs``
    in the same sentence ('位于', '隶属')."""
    return re.compile(_SAME_SENTENCE + f"(?:{vocab.any_word(verbs)})")


def _after_own(text: str, own: str, tail: re.Pattern[str]) -> re.Match[str] | None:
    """The match of ``tail`` after the first occurrence of ``own`` that it follows: where the
    search of ``own`` + ``tail`` as one pattern ends, without making that pattern for each name."""
    q = text.find(own)
    while q >= 0:
        m = tail.match(text, q + len(own))
        if m:
            return m
        q = text.find(own, q + 1)
    return None


def province_rating(texts: Iterable[str], region: Region) -> Region:
    """The province of a provincial body that rates the department among the province's own
    ('被河北省医疗保障局评为全省医保系统行风建设先进集体': the department is in 河北省), when the
    province is not known yet.

    Examples
    --------
    >>> province_rating(["本局被甘肃省医疗保障局评为全省医保系统先进集体。"], Region(county="柳川县"))
    Region(province='甘肃省', city=None, county='柳川县', code=None)
    >>> province_rating(["本局被甘肃省医疗保障局评为先进集体。"], Region(county="柳川县"))
    Region(province=None, city=None, county='柳川县', code=None)
    """
    if region.province or not (region.county or region.city):
        return region
    pattern = _rating_re()
    for text in texts:
        m = pattern.search(text or "")
        if m:
            return dataclasses.replace(region, province=m.group(1))
    return region


@functools.cache
def _rating_re() -> re.Pattern[str]:
    """'被<province>…评为…全省' (:func:`province_rating`), made once."""
    names = "|".join(map(re.escape, _province_names()))
    rated = vocab.any_word("rating_verb")
    return re.compile(rf"被({names})[\u4e00-\u9fff]{{0,12}}?(?:{rated})[^。；;，,]{{0,6}}?全省")


def region_of_field(value: str, region: Region) -> Region:
    """The region a 所属地区 field names ('河北省沧泽市滹阳县'), when it is the department's own:
    it must name the region's county (or, with no county known, its city).

    Examples
    --------
    >>> region_of_field("河北省沧州市青县", Region(county="青县"))
    Region(province='河北省', city='沧州市', county='青县', code='130922')
    >>> region_of_field("河北省沧泽市滹阳县", Region(county="滹阳县"))
    Region(province='河北省', city='沧泽市', county='滹阳县', code=None)
    >>> region_of_field("河北省沧泽市滹阳县", Region(county="临河县"))
    Region(province=None, city=None, county='临河县', code=None)
    """
    own = region.county or region.city
    if not own or own not in value:
        return region
    found = next((r for r in (resolve_region(value), resolve_region_from_texts([value]))
                  if own in (r.county, r.city)), None)
    if found is None:
        return region
    if region.city and found.city and region.city != found.city:
        return region
    return Region(region.province or found.province, region.city or found.city,
                  region.county or found.county, region.code or found.code)
