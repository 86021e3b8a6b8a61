"""Numbers, units and comparison operators as written in reports.

``'≤661.7 万'`` becomes ``Quantity(op='<=', value=661.7, unit='万元')``; money converts to 万元 and
head counts to persons exactly (with :class:`decimal.Decimal`, so 8581799.82 元 is 858.179982 万元).
Unit words live in ``vocab/units.csv``.
"""

from __future__ import annotations

import functools
import re
import string
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, Self

from evalkit import vocab

__all__ = [
    "Quantity",
    "cell_separators",
    "chinese_number",
    "find_quantities",
    "fold",
    "folded_from",
    "found_quantities",
    "has_chinese_quantity",
    "is_missing",
    "parse_number",
    "parse_quantity",
    "to_persons",
    "to_wan",
    "unit_factor",
    "unit_kind",
]

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2212: ord("-"), 0xFE63: ord("-")})
# Characters that keep their Chinese form after folding, because labels use them.
for _keep in "（），：；":
    _FULLWIDTH.pop(ord(_keep), None)
# Any character that fold changes: most texts have none, and are returned as they are.
_TO_FOLD = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_FULLWIDTH)) + "]")

MISSING_WORDS = frozenset({"", "—", "——", "-", "--", "/", "无", "空", "——/——", "－"})

NUMBER = r"[-+]?\d+(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-+]?\.\d+"
#: ``NUMBER`` written to start with one required character: the regular-expression engine then
#: skips ahead to where a number can start, instead of trying the pattern at every character.
NUMBER_SCAN = (
    r"[-+.\d](?:(?<=[-+])(?:\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"|(?<=\d)(?:\d*(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)|(?<=\.)\d+)"
)
_NUMBER_RE = re.compile(NUMBER)
_OPS = {
    ">=": ">=", "≥": ">=", "≧": ">=", "不低于": ">=", "不少于": ">=", "大于等于": ">=",
    "大于或等于": ">=", "达到": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "不高于": "<=", "不超过": "<=", "小于等于": "<=",
    "小于或等于": "<=", "控制在": "<=",
    ">": ">", "＞": ">", "﹥": ">", "高于": ">", "大于": ">", "超过": ">",
    "<": "<", "＜": "<", "﹤": "<", "低于": "<", "小于": "<",
    "=": "=", "＝": "=", "等于": "=",
    "±": "±", "+-": "±", "+/-": "±",
}
_SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<="}
_OP_RE = "|".join(re.escape(k) for k in sorted(_OPS, key=len, reverse=True))
_SUFFIX_RE = "|".join(re.escape(k) for k in sorted(_SUFFIX_OPS, key=len, reverse=True))
_CN_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:\D|$))")
_CELL_RE = re.compile(
    rf"^\s*(?P<op>{_OP_RE})?\s*(?P<num>{NUMBER})\s*"
    rf"(?:(?:-|~|～|至|到|—)\s*(?P<high>{NUMBER})\s*)?"
    r"(?P<unit>[^\d\s]{1,6}?)?\s*"
    rf"(?P<suffix>{_SUFFIX_RE})?\s*[。.]?\s*$"
)


_NOT_A_UNIT = re.compile(r"[，,；;：:（(）)]")  # punctuation after a number: words, no unit


class _QuantityFields(NamedTuple):
    raw: str
    value: float | None
    unit: str | None = None
    op: str | None = None
    low: float | None = None
    high: float | None = None
    text_value: str | None = None  # the number's digits exactly as written, for exact conversion
    kind: str | None = None  # 'money', 'persons', 'percent', 'count', 'time', … (from the unit)


class Quantity(_QuantityFields):
    """A number as written: operator, value (or a range), unit and the raw text.

    ``value`` is the number as written (in the written unit); use :func:`to_wan` or
    :func:`to_persons` to convert. ``kind`` follows from the unit: 'money', 'persons',
    'percent', 'count', 'time', … or None for a bare number. (A named tuple: reports have
    hundreds of numbers, and a tuple is the cheapest immutable record.)

    Examples
    --------
    >>> q = Quantity(raw="43.01万人", value=43.01, unit="万人", text_value="43.01")
    >>> q.kind, q.value
    ('persons', 43.01)
    """

    __slots__ = ()

    def __new__(cls, raw: str, value: float | None, unit: str | None = None, op: str | None = None,
                low: float | None = None, high: float | None = None, text_value: str | None = None,
                kind: str | None = None) -> Self:
        return tuple.__new__(cls, (raw, value, unit, op, low, high, text_value, unit_kind(unit)))


def fold(text: str) -> str:
    """Fold full-width ASCII (１２３％＞) to half-width; Chinese punctuation stays.

    Examples
    --------
    >>> fold("＞１２３．５％")
    '>123.5%'
    """
    if text.isascii() or _TO_FOLD.search(text) is None:
        return text  # (every character fold changes is outside ASCII: an ASCII text is folded already)
    return text.translate(_FULLWIDTH)


def folded_from(ch: str) -> list[str]:
    """The characters :func:`fold` turns into ``ch``: ``ch`` itself, then its full-width forms.

    Examples
    --------
    >>> folded_from("%"), folded_from("中")
    (['%', '％'], ['中'])
    """
    return [ch] + [chr(k) for k, v in _FULLWIDTH.items() if v == ord(ch)]


def is_missing(text: str | None) -> bool:
    """True for an empty cell or one of the words that mean 'missing' (—, /, 无).

    Examples
    --------
    >>> is_missing(" — "), is_missing("0")
    (True, False)
    """
    return text is None or fold(text).strip() in MISSING_WORDS


def parse_number(text: str) -> float | None:
    """Parse one number written alone (thousands separators and full-width digits allowed).

    Examples
    --------
    >>> parse_number("1,833,900"), parse_number("１２.５"), parse_number("abc")
    (1833900.0, 12.5, None)
    """
    s = fold(text).strip()
    if _NUMBER_RE.fullmatch(s):
        return float(s.replace(",", ""))
    return None


@functools.cache
def _units() -> dict[str, dict[str, str]]:
    return {row["unit"]: row for row in vocab.load("units")}


@functools.lru_cache(maxsize=1024)  # every number found asks, of a few dozen unit words
def unit_kind(unit: str | None) -> str | None:
    """The kind of a unit word: money, persons, percent, count, time, score, rate, foreign.

    A unit per something ('万元/人', '元/人次') is a rate, whatever its first part; money in
    another currency ('万美元') is 'foreign' (never converted to 万元).

    Examples
    --------
    >>> unit_kind("万元"), unit_kind("万人"), unit_kind("%"), unit_kind(None)
    ('money', 'persons', 'percent', None)
    >>> unit_kind("万元/人"), unit_kind("万美元")
    ('rate', 'foreign')
    """
    if not unit:
        return None
    row = _units().get(unit)
    if row:
        return row["kind"]
    return "rate" if "/" in unit else None


def unit_factor(unit: str | None) -> tuple[float, str | None]:
    """The factor to a unit's canonical unit, and that unit: '万人次' → (10000.0, '人次').

    Examples
    --------
    >>> unit_factor("万人次"), unit_factor("家"), unit_factor(None)
    ((10000.0, '人次'), (1.0, '家'), (1.0, None))
    """
    row = _units().get(unit or "")
    if row is None:
        return 1.0, unit
    return float(row["factor"]), row["canonical"]


def cell_separators(text: str) -> str:
    """In a table cell, a Chinese comma between groups of three digits separates thousands.

    (In a sentence it separates clauses, so :func:`find_quantities` leaves it alone.)

    Examples
    --------
    >>> cell_separators("≤1，234万元"), cell_separators("2家，300万元")
    ('≤1,234万元', '2家，300万元')
    """
    return _CN_THOUSANDS.sub(",", text) if "，" in text else text


# (the cache itself is the function: cells repeat, no wrapper to call first). 4 096 cells keep
# nearly every hit of 16 384 (the cells that repeat, '10', '100%', repeat often), with a quarter of
# the Quantity objects for the garbage collector to walk (see :func:`found_quantities`).
@functools.lru_cache(maxsize=4096)
def parse_quantity(text: str | None) -> Quantity | None:
    """Parse a table cell holding one quantity: '≥50000人次', '>14804万元', '±5%', '6个月以上'.

    Returns None when the cell is not a quantity (qualitative text, or empty).

    Examples
    --------
    >>> q = parse_quantity("≤661.7 万")
    >>> q.op, q.value, q.unit
    ('<=', 661.7, '万')
    >>> parse_quantity("±5%").op
    '±'
    >>> parse_quantity("6-9个月").low, parse_quantity("6-9个月").high
    (6.0, 9.0)
    >>> parse_quantity("全部完成") is None
    True
    """
    if text is None:
        return None
    raw = " ".join(text.split())
    if "，" in raw:  # a Chinese comma between groups of three digits is a thousands separator here
        raw_num = cell_separators(raw)
        if raw_num != raw:
            q = parse_quantity(raw_num)
            return None if q is None else Quantity(raw=raw, value=q.value, unit=q.unit, op=q.op, low=q.low,
                                                    high=q.high, text_value=q.text_value)
    m = _CELL_RE.match(fold(raw))
    if not m:
        return None
    num = m.group("num").replace(",", "")
    op = _OPS.get(m.group("op") or "") or _SUFFIX_OPS.get(m.group("suffix") or "")
    unit = m.group("unit")
    if unit is not None:
        unit = unit.strip() or None
    if unit and (_NOT_A_UNIT.search(unit) or unit in {"分之"}):
        return None
    if m.group("high") is not None:
        low, high = float(num), float(m.group("high").replace(",", ""))
        return Quantity(raw=raw, value=None, unit=unit, op=op, low=low, high=high)
    return Quantity(raw=raw, value=float(num), unit=unit, op=op, text_value=num)


@functools.cache
def _find_re() -> re.Pattern[str]:
    units = sorted(_units(), key=len, reverse=True)
    unit_alt = "|".join(re.escape(u) for u in units)
    per_words = sorted((row["word"] for row in vocab.load("per_units")), key=len, reverse=True)
    per_alt = "|".join(re.escape(w) for w in per_words)
    return re.compile(
        rf"(?P<num>{NUMBER_SCAN})(?:[ ]?(?:-|~|～|至|到)[ ]?(?P<high>{NUMBER}))?"  # (a tab ends a cell)
        rf"(?:[ ]?(?P<approx>余|多)?(?P<unit>{unit_alt})(?P<per>/(?:{per_alt}))?)?"
    )


# '3万5千元': a count of 万 followed at once by a count of 千 (or 百) of the same money.
_MIXED_TAIL = re.compile(r"(?P<num>\d+)(?P<unit>千|百)元")
_MIXED_FACTOR = {"千": Decimal("0.1"), "百": Decimal("0.01")}


class Found(NamedTuple):
    """A number found inside running text, with its span in the (folded) text."""

    start: int
    end: int
    quantity: Quantity


def find_quantities(text: str) -> list[Found]:
    """Find every number in a sentence with the unit word right after it.

    The text is folded first (full-width digits to half-width); spans refer to the folded
    text, which has the same length as the original. '余' or '多' between a count and its unit
    ('5000余件', '400多家') stays in the raw text; before money ('1000多万元') it ends the number.

    Examples
    --------
    >>> [f.quantity.raw for f in find_quantities("参保43.01万人，其中：职工医保3.58 万人")]
    ['43.01万人', '3.58 万人']
    >>> [(f.quantity.raw, f.quantity.unit) for f in find_quantities("受理5000余件，约1000多万元")]
    [('5000余件', '件'), ('1000', None)]
    """
    return list(_find_quantities(text))


# (the cache itself is the function: no wrapper to call first). Its size covers a report's lines
# and the lines that recur across reports, and no more: every number kept here is two objects the
# garbage collector walks through at each full collection (a Found and its Quantity, tuples it
# never untracks), and with 16 384 lines kept those collections took about a tenth of the reading
# time. A line read again after its report is gone costs a few microseconds, a full walk far more.
@functools.lru_cache(maxsize=2048)
def found_quantities(text: str) -> tuple[Found, ...]:
    """:func:`find_quantities` as a tuple kept for the next caller with the same text (the
    reader asks for the numbers of a line several times)."""
    found = _find_arabic(text)
    if ("元" in text or "万人" in text or "百分之" in text) and has_chinese_quantity(text):
        chinese = _chinese_found(text, fold(text))
        if chinese:
            found = tuple(sorted(found + tuple(chinese), key=lambda f: f.start))
    return found


_find_quantities = found_quantities


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
#: An amount, head count or percentage written in Chinese numerals: '一百二十万元', '三点五亿元',
#: '四十三万人', '百分之九十五'. The numeral must hold a digit word or open with 十 ('十万元' is
#: 100 000 元; '百万元' alone is no figure) and not follow 数/几/上/近 ('数百万元', '数十万元').
CHINESE_QUANTITY = vocab.words_pattern(
    rf"(?<![数几上近第{_CN_CHARS}])(?P<num>(?:[{_CN_CHARS}]*[零〇一二两三四五六七八九]|十)[{_CN_CHARS}]*"
    r"(?:点[零〇一二三四五六七八九]+)?)"
    r"(?P<unit><<chinese_numeral_unit>>)(?![/每化素论复次])"
    rf"|百分之(?P<pct>[{_CN_CHARS}]*[零〇一二两三四五六七八九十][{_CN_CHARS}]*(?:点[零〇一二三四五六七八九]+)?)"
)


def chinese_number(text: str) -> Decimal | None:
    """The value of a number written in Chinese numerals, exactly; None when it is not one.

    Examples
    --------
    >>> [str(chinese_number(t)) for t in ("一百二十", "三点五", "十五", "一万零五百", "两亿三千万", "二〇二三")]
    ['120', '3.5', '15', '10500', '230000000', '2023']
    >>> chinese_number("百百") is None
    True
    """
    whole, _, fraction = text.partition("点")
    if fraction and any(ch not in _CN_DIGITS for ch in fraction):
        return None
    if whole and all(ch in _CN_DIGITS for ch in whole) and len(whole) > 1:  # 二〇二三: digit by digit
        value = Decimal("".join(str(_CN_DIGITS[ch]) for ch in whole))
    else:
        value = _cn_whole(whole)
        if value is None:
            return None
    if fraction:
        value += Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in fraction))
    return value


def _cn_whole(text: str) -> Decimal | None:
    total, section, digit = 0, 0, None
    last_large = last_small = None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row ('一二') outside digit-by-digit years
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            if last_small is not None and _CN_SMALL[ch] >= last_small:
                return None  # '百百', '十百': not a number
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit, last_small = None, _CN_SMALL[ch]
        elif ch in _CN_LARGE:
            if last_large is not None and _CN_LARGE[ch] >= last_large:
                return None
            total += (section + (digit or 0)) * _CN_LARGE[ch]
            section, digit, last_large, last_small = 0, None, _CN_LARGE[ch], None
        else:
            return None
    return Decimal(total + section + (digit or 0))


def _chinese_found(text: str, folded: str) -> list[Found]:
    found = []
    for m in CHINESE_QUANTITY.finditer(folded):
        if m.group("pct") is not None:
            value, unit = chinese_number(m.group("pct")), "%"
        else:
            value, unit = chinese_number(m.group("num")), m.group("unit")
        if value is None:
            continue
        digits = format(value.normalize(), "f")
        found.append(Found(m.start(), m.end(), Quantity(text[m.start():m.end()], float(value), unit, text_value=digits)))
    return found


#: What :data:`CHINESE_QUANTITY` cannot match without (a digit word, an opening 十, or 百分之): a
#: quick search that rules out most lines (the full pattern, opening with a look-behind, tries
#: every place).
_CN_QUANTITY_NEEDS = re.compile("[零〇一二两三四五六七八九十]|百分之")


def has_chinese_quantity(text: str) -> bool:
    """True when a line holds an amount or percentage in Chinese numerals ('一百二十万元')."""
    return _CN_QUANTITY_NEEDS.search(text) is not None and CHINESE_QUANTITY.search(text) is not None


_CODE_LETTERS = frozenset(string.ascii_letters + "_")
_new_tuple = tuple.__new__  # (builds a Quantity or a Found without the Python-level __new__: hot below)


def _find_arabic(text: str) -> tuple[Found, ...]:
    folded = fold(text)
    found: list[Found] = []
    last_end = -1  # where the last number found ends (found[-1].end)
    for m in _find_re().finditer(folded):
        start, end = m.span()
        if start < last_end:
            continue  # inside a mixed amount read already ('3万5千元')
        if start > 0 and folded[start - 1] in _CODE_LETTERS:
            continue  # a digit glued to a preceding ASCII letter is part of a code (A4, WTUPM2022)
        num, high, approx, unit, per = m.groups()  # (the pattern's five groups, in this order)
        if per:
            unit = unit + per  # '3.5万元/人' is a rate per head, never an amount
        if approx and unit_kind(unit) not in ("count", "persons"):
            unit, end = None, m.start("approx")  # '1000多万元' is no amount; '5000余件' is a count
        if start == last_end and _continues_range(folded, found[-1], start, num):
            found[-1] = _as_range(text, found[-1], end, num, unit)
            last_end = end
            continue
        if unit == "万" and high is None:
            mixed = _MIXED_TAIL.match(folded, end)
            if mixed:  # '3万5千元' is 3.5万元
                found.append(Found(start, mixed.end(), _mixed_amount(text[start:mixed.end()], num, mixed)))
                last_end = mixed.end()
                continue
        value = float(num.replace(",", "") if "," in num else num)
        if high is not None:
            q = Quantity(text[start:end], None, unit, None, value, float(high.replace(",", "")))
        else:  # (the same as Quantity(text[start:end], value, unit, text_value=num))
            q = _new_tuple(Quantity, (text[start:end], value, unit, None, None, None, num, unit_kind(unit)))
        found.append(_new_tuple(Found, (start, end, q)))
        last_end = end
    if len(found) > 1 and "，" in folded and _GROUP_GAP.search(folded):
        found = _unsure_groups(folded, found)
    return tuple(found)


_GROUP_HEAD = re.compile(r"\d{1,3}")
#: What :func:`_unsure_groups` needs: a Chinese comma right before a number's first digit.
_GROUP_GAP = re.compile(r"，\d")
_GROUP_TAIL = re.compile(r"\d{3}(?:\.\d+)?")


def _unsure_groups(folded: str, found: list[Found]) -> list[Found]:
    """'1，234万元' in a sentence: a thousands separator or a list of two numbers? Neither
    reading is sure, so neither number keeps its unit (no amount is made of them; they go to
    the residue). In a table cell :func:`cell_separators` has joined the groups already."""
    out = list(found)
    for i in range(1, len(out)):
        before, this = out[i - 1], out[i]
        if (before.end + 1 == this.start and folded[before.end] == "，"
                and _GROUP_HEAD.fullmatch(before.quantity.text_value or "")
                and _GROUP_TAIL.fullmatch(this.quantity.text_value or "")):
            out[i - 1] = before._replace(quantity=before.quantity._replace(unit=None, kind=None))
            out[i] = this._replace(quantity=this.quantity._replace(unit=None, kind=None))
    return out


def _continues_range(folded: str, previous: Found, start: int, num: str) -> bool:
    """'100万元-200万元': a number right after a quantity with a unit, joined by a dash, is the
    upper end of a range (not a negative number)."""
    return (
        previous.end == start
        and num.startswith("-")
        and previous.quantity.unit is not None
        and previous.quantity.value is not None
    )


def _as_range(text: str, previous: Found, end: int, num: str, unit: str | None) -> Found:
    low = previous.quantity
    high = float(num.lstrip("-").replace(",", ""))
    return Found(previous.start, end,
                 Quantity(text[previous.start:end], None, unit or low.unit, None, low.value, high))


def _mixed_amount(raw: str, num: str, tail: re.Match[str]) -> Quantity:
    value = Decimal(num.replace(",", "")) + Decimal(tail.group("num")) * _MIXED_FACTOR[tail.group("unit")]
    return Quantity(raw, float(value), "万元", text_value=format(value.normalize(), "f"))


@functools.lru_cache(maxsize=256)  # a few unit words, asked for every amount
def _factor(unit: str, kind: str) -> Decimal | None:
    """The exact factor of a unit of the kind to its canonical unit ('万元' → 1 for money), or
    None when the unit is not of that kind."""
    row = _units().get(unit)
    if row is None or row["kind"] != kind:
        return None
    return Decimal(row["factor"])


def _decimal(q: Quantity) -> Decimal | None:
    if q.value is None:
        return None
    try:
        return Decimal((q.text_value or repr(q.value)).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - text_value always comes from NUMBER
        return Decimal(repr(q.value))


def to_wan(q: Quantity, default_unit: str | None = None) -> float | None:
    """Convert a money quantity to 万元 exactly; None if the unit is not money.

    Parameters
    ----------
    q : Quantity
    default_unit : str, optional
        Unit to assume when the quantity has none (a table's ``单位：元`` caption).

    Examples
    --------
    >>> to_wan(parse_quantity("8581799.82元"))
    858.179982
    >>> to_wan(parse_quantity("1.55亿元"))
    15500.0
    >>> to_wan(parse_quantity("129.66"), default_unit="万元")
    129.66
    """
    factor = _factor(q.unit or default_unit or "", "money")
    if factor is None or q.value is None:
        return None
    if factor == 1:  # (万元, most amounts: the number as written is the amount)
        amount = _as_float(q.text_value or repr(q.value))
        if amount is not None:
            return amount
    return float(_decimal(q) * factor)


def _as_float(number: str) -> float | None:
    """The float of a number as written, when it equals the float of its exact
    :class:`~decimal.Decimal` (``float(Decimal(number) * 1)``): both round the same exact value
    once, as long as the product keeps every digit (28, the precision of the decimal context).
    None for a longer number or a text float does not read."""
    number = number.replace(",", "")
    if len(number) > 28:
        return None
    try:
        return float(number)
    except ValueError:  # (a value without text_value whose repr float does not read: the Decimal way)
        return None


def to_persons(q: Quantity) -> int | None:
    """Convert a head count to persons (43.01万人 → 430100); None unless a whole number.

    Examples
    --------
    >>> to_persons(parse_quantity("43.01万人"))
    430100
    >>> to_persons(parse_quantity("46.98人")) is None
    True
    """
    factor = _factor(q.unit or "", "persons")
    value = _decimal(q)
    if factor is None or value is None:
        return None
    persons = value * factor
    if persons != persons.to_integral_value():
        return None
    return int(persons)
