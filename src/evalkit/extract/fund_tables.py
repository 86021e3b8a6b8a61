"""Statistics tables of medical insurance: head counts of the insured and fund flows by scheme.

A statistics table names each figure twice: by a *measure* (参保人数, 基金收入, 基金支出, 收支结余,
累计结余 …) and by a *scheme* (职工基本医疗保险, 城乡居民基本医疗保险, 生育保险 …), and often by a
*year*. The measure stands in the row label (or in a column header), the scheme in a column header
(a two-row header may split 职工 into 基本医疗保险 and 生育保险), in the row label, or in a section row
above ('城乡居民基本医疗保险' on a row of its own, the rows below repeating the same labels as under
the section before); the year in a column header ('2015 | 2022 | 2023') or in the table's title.

Units are those of the row label ('期末参保人数（万人）'), the column header, or the table's
declaration ('单位：人（次）、万元': the first declared unit of the measure's kind).

The reader only takes what is certain. Rows and sections of other insurance (养老/失业/工伤,
``context_words.csv`` ``other_insurance``), benefit recipients (待遇支付人数/人次), changes and
shares are left out by name; a figure whose scheme, measure, year or unit cannot be fixed stays
in the residue. A table this reader recognises is its own: the budget extractor skips it.
Vocabulary: ``vocab/stat_table_words.csv`` (measures, prefixes, columns to skip, schemes that are
not in the scheme list), ``vocab/schemes.csv`` and ``vocab/fund_flows.csv``.
"""

from __future__ import annotations

import functools
import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from evalkit import vocab
from evalkit.document import LINE_JOINER, Cell, Document, Row, Table, TextLine
from evalkit.extract.context import ReportContext, compact, is_total_label, ledger_keys
from evalkit.quantities import (
    Quantity,
    cell_separators,
    find_quantities,
    is_missing,
    parse_quantity,
    to_persons,
    to_wan,
    unit_kind,
)

__all__ = ["FundTableRows", "read_fund_tables", "scheme_of_label"]

log = logging.getLogger(__name__)

OTHER = "其他险种"  # a scheme of pension, unemployment or work-injury insurance: nothing to take
UNKNOWN = "?"  # a scheme the scheme list does not have (城镇居民医保 before the merger): nothing to take
_ENROLLMENT = "参保人数"

_YEAR_HEADER = vocab.words_pattern(r"^((?:19|20)\d{2})\s*(?:<<year_header_suffix>>)?$")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_DATE_LABEL = vocab.words_pattern("<<date_label>>")
_REMARK = re.compile(r"[（(][^（）()]*[)）]")
_ORDINAL = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)+")
_OF_WHICH = re.compile(r"^其中\s*[:：]?")
_UNIT_DECLARATION = re.compile(r"单位\s*[:：]\s*(?P<units>[^。；;\s]{1,30})")
_DIGIT = re.compile(r"\d")
_LETTERS_OR_CJK = re.compile(r"[A-Za-z\u4e00-\u9fff]")

_REASON_OTHER = "养老、失业、工伤等其他社会保险的数字，不是医疗保险"
_REASON_LABEL = "统计表表头或标签中的数字（年份、单位说明）"


@dataclass
class FundTableRows:
    """What the statistics tables of a report give: enrolment and fund rows, the numbers left out
    by name (line, number, reason), and the tables read (their ``id``), which no other table
    extractor reads."""

    enrollment: list[dict] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)
    ignored: list[tuple[int, str, str]] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)


# ------------------------------------------------------------------------------ vocabulary
@functools.cache
def _words(kind: str) -> dict[str, str]:
    return {r["word"]: r["value"] for r in vocab.load("stat_table_words") if r["kind"] == kind}


@functools.cache
def _other_insurance() -> tuple[str, ...]:
    return tuple(r["word"] for r in vocab.load("context_words") if r["kind"] == "other_insurance")


@functools.cache
def _scheme_words() -> tuple[tuple[str, str], ...]:
    """(word, scheme) of ``schemes.csv`` and the words of schemes not in the list, longest first."""
    pairs = [(w, s) for w, s in vocab.synonyms("schemes", "scheme").items()]
    pairs += [(w, UNKNOWN) for w in _words("not_scheme")]
    pairs += [(w, OTHER) for w in _other_insurance()]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _clean(label: str) -> str:
    """A label without remarks in brackets, ordinals, '其中：' and white space."""
    text = _REMARK.sub("", compact(label))
    text = _ORDINAL.sub("", text)
    return _OF_WHICH.sub("", text)


@functools.lru_cache(maxsize=4096)  # labels repeat within a table and across reports
def scheme_of_label(label: str) -> tuple[str | None, str]:
    """The scheme a label names (the longest scheme word in it) and the label without that word.

    Other insurance (养老, 失业, 工伤) is ``'其他险种'``; a scheme the scheme list does not have is
    ``'?'``; a label naming none gives ``None``.

    Examples
    --------
    >>> scheme_of_label("职工基本医疗保险参保人数（万人）")
    ('职工医保', '参保人数')
    >>> scheme_of_label("企业职工基本养老保险")[0], scheme_of_label("期末参保人数（万人）")[0]
    ('其他险种', None)
    """
    text = _clean(label)
    for word, scheme in _scheme_words():
        if word in text:
            if scheme != OTHER and any(w in text for w in _other_insurance()):
                return OTHER, text.replace(word, "", 1)
            return scheme, text.replace(word, "", 1)
    if any(w in text for w in _other_insurance()):
        return OTHER, text
    return None, text


@functools.lru_cache(maxsize=4096)  # (a pure function of a short label)
def _measure_of(text: str) -> str | None:
    """The measure a label (without its scheme) names exactly, after the words of time and of
    the fund before it are dropped: '本年基金累计收入' → 收入, '期末参保人数' → 参保人数.
    Benefit recipients give 'recipient'."""
    flows = vocab.synonyms("fund_flows", "flow")
    measures, recipients, prefixes = _words("measure"), _words("recipient"), _words("prefix")
    while text:
        if text in measures:
            return _ENROLLMENT
        if text in recipients:
            return "recipient"
        if text in flows:
            return flows[text]
        prefix = next((p for p in prefixes if text.startswith(p) and len(text) > len(p)), None)
        if prefix is None:
            return None
        text = text[len(prefix):]
    return None


def _skip_reason(texts: list[str]) -> str | None:
    for word, reason in _words("skip_column").items():
        if any(word in compact(t) for t in texts):
            return reason
    return None


@functools.cache
def _unit_words() -> tuple[str, ...]:
    return tuple(sorted((r["unit"] for r in vocab.load("units") if r["kind"] in ("money", "persons")),
                        key=len, reverse=True))


def _units_in(text: str, remark_only: bool) -> list[str]:
    """Units a label declares in brackets ('（万人）'), or a declaration lists ('单位：人（次）、万元')."""
    return list(_units_tuple(text, remark_only))


@functools.lru_cache(maxsize=4096)
def _units_tuple(text: str, remark_only: bool) -> tuple[str, ...]:
    """:func:`_units_in` as a tuple kept for the next label alike (labels repeat)."""
    if remark_only and "(" not in text and "（" not in text:
        return ()  # no bracket: no remark (the cheap case of most labels)
    if remark_only:
        parts = [m.group(0)[1:-1] for m in _REMARK.finditer(text)]
    else:  # ('编制单位：某局  单位：万元': the declaration that names a unit)
        parts = [p for m in _UNIT_DECLARATION.finditer(text) for p in re.split(r"[、,，/／;；\s]+", m.group("units"))]
    units = []
    for part in parts:
        part = _REMARK.sub("", compact(part)) or compact(part)
        part = re.sub(r"^(?:单位\s*[:：])", "", part).rstrip("）)")  # ('（单位：亿元）': the bracket closes)
        if part in _unit_words():
            units.append(part)
    return tuple(units)


def _pick_unit(units: list[str], kind: str) -> str | None:
    return next((u for u in units if unit_kind(u) == kind), None)


# ------------------------------------------------------------------------------ cells
@functools.lru_cache(maxsize=4096)  # every cell is asked several times (header split, rows, facts)
def _value(text: str) -> Quantity | None:
    """A cell holding one figure alone ('512836', '-6769', '86.42', '1,286,450万元')."""
    if is_missing(text):
        return None
    q = parse_quantity(text)
    if q is None or q.value is None or q.op:
        return None
    if q.unit and unit_kind(q.unit) is None and _LETTERS_OR_CJK.search(q.unit):
        return None
    return q


def _is_year_row(row: Row) -> bool:
    years = [t for t in row.texts[1:] if _YEAR_HEADER.match(compact(t))]
    return len(years) >= 1 and all(not t or _YEAR_HEADER.match(compact(t)) or _value(t) is None
                                   for t in row.texts[1:])


def _is_section_row(row: Row) -> bool:
    """A row naming a section ('城乡居民基本医疗保险 | Basic Medical …' with empty value cells)."""
    texts = row.texts
    return bool(texts and texts[0]) and all(not t for t in texts[2:]) and not any(_value(t) for t in texts)


def _split_header(rows: list[Row]) -> int:
    """The number of header rows: rows before the first row of figures or of a section."""
    h = 0
    while h < len(rows):
        row = rows[h]
        if _is_year_row(row) and _measure_of(scheme_of_label(row.texts[0] if row.texts else "")[1]) is None:
            h += 1
            continue
        if any(_value(t) for t in row.texts[1:]) or (h and _is_section_row(row)):
            break
        h += 1
    return h


def _fill_merged(header: list[list[str]]) -> list[list[str]]:
    """Upper header rows with the blank cells of a merged header filled from the left, where the
    row below names a column ('职工基本医疗保险 | (blank)' over '基本医疗保险 | 生育保险')."""
    filled = [list(r) for r in header]
    for k in range(len(filled) - 1):
        row, below = filled[k], filled[k + 1]
        for j in range(1, len(row)):
            if not row[j] and row[j - 1] and j < len(below) and below[j] and j - 1 < len(below) and below[j - 1]:
                row[j] = row[j - 1]
    return filled


@dataclass
class _Column:
    year: int | None = None
    scheme: str | None = None
    measure: str | None = None
    units: list[str] = field(default_factory=list)
    skip: str | None = None
    unit_column: bool = False  # '单位' over '人', '万元', '亿元': each row's unit, no figure
    total_only: bool = False  # a 合计 column whose header names no scheme ('合计', '总计')


def _path_scheme(path: list[str]) -> str | None:
    """The most specific scheme of a column's header path: the last one that is not the generic
    基本医疗保险 (合计), unless only that one is named."""
    schemes = [scheme_of_label(p)[0] for p in path]
    schemes = [s for s in schemes if s]
    if OTHER in schemes or UNKNOWN in schemes:
        return OTHER if OTHER in schemes else UNKNOWN
    specific = [s for s in schemes if s != "合计"]
    if specific:
        return specific[-1]
    if schemes or any(is_total_label(p) for p in path):
        return "合计"
    return None


_YEAR_FIGURES = re.compile(r"^((?:19|20)\d{2})年度?(.+)$")  # '2023年决算数'


def _header_year(text: str) -> int | None:
    """The year a column header names: '2023', '2023年末', or a year before the words of a year's
    own figures ('2023年决算数'; ``stat_table_words.csv``, year_column).

    >>> _header_year("2023年决算数"), _header_year("2024年末"), _header_year("2023年增长率")
    (2023, 2024, None)
    """
    c = compact(text)
    m = _YEAR_HEADER.match(c)
    if m:
        return int(m.group(1))
    m = _YEAR_FIGURES.match(c)
    return int(m.group(1)) if m and m.group(2) in _words("year_column") else None


def _columns(header: list[Row], width: int) -> list[_Column]:
    # (imported here: tables.py imports this module to hand it the statistics tables)
    from evalkit.extract.tables import column_paths

    paths = column_paths(_fill_merged([r.texts for r in header]), width)
    cols = []
    for path in paths:
        col = _Column(units=[u for p in path for u in _units_in(p, remark_only=True)], skip=_skip_reason(path),
                      unit_column=bool(path) and compact(path[-1]) in vocab.word_list("unit_column_header"))
        for p in path:
            year = _header_year(p)
            if year:
                col.year = year
        if col.year is None:  # '2022年实绩', '2022年职工医保参保人数': the year the header opens with
            opened = next((m for m in (_YEAR_FIGURES.match(compact(p)) for p in path) if m), None)
            col.year = int(opened.group(1)) if opened else None
        rest = [p for p in path if not _header_year(p)]
        col.scheme = _path_scheme(rest)
        if rest:
            col.measure = _measure_of(scheme_of_label(rest[-1])[1])
        # (a 合计 column named by a total label only, no scheme word: see below)
        col.total_only = col.scheme == "合计" and not any(scheme_of_label(p)[0] for p in rest)
        cols.append(col)
    if any(c.scheme == OTHER for c in cols):
        # '企业职工基本养老保险基金 | … | 工伤保险基金 | 合计': the total of every insurance, no medical one
        for c in cols:
            if c.total_only:
                c.scheme = OTHER
    return cols


# ------------------------------------------------------------------------------ the reader
@dataclass
class _Fact:
    line: int
    text: str
    q: Quantity
    measure: str | None
    scheme: str | None
    year: int | None
    units: list[str]
    reason: str | None = None  # why it is left out by name


def _row_facts(row: Row, cols: list[_Column], section: str | None, title_scheme: str | None,
               year: int | None, rows_are_schemes: bool = False, carried: str | None = None) -> list[_Fact]:
    texts = row.texts
    label = _row_label(texts, cols)
    row_scheme, rest = scheme_of_label(label)
    if row_scheme is None and rows_are_schemes and is_total_label(label):
        row_scheme = "合计"  # the 合计 row of a table whose rows are the schemes: all schemes together
    if row_scheme is None and title_scheme is None and compact(rest) in _words("total_measure"):
        row_scheme = "合计"  # '参保总人数' (under a scheme's section: that scheme's, see _resolve_scheme)
    row_measure = _measure_of(rest) or (carried if row_scheme and _scheme_alone(rest) else None)
    row_units = _units_in(label, remark_only=True) + _row_unit(texts, cols)
    facts = []
    for j in range(1, len(texts)):
        q = _value(texts[j])
        if q is None:
            continue
        col = cols[j] if j < len(cols) else _Column()
        fact = _Fact(row.cells[j].line, texts[j], q, None, None, col.year or year, row_units + col.units)
        measures = {m for m in (row_measure, col.measure) if m}
        fact.measure = measures.pop() if len(measures) == 1 else None
        fact.scheme = _resolve_scheme(row_scheme, col.scheme, section, title_scheme)
        if fact.scheme in (OTHER, UNKNOWN):
            fact.reason = _REASON_OTHER if fact.scheme == OTHER else "险种不在医保险种表中（如整合前的城镇居民医保）"
        elif fact.measure == "recipient":
            fact.reason = "待遇享受人数（人次），不是参保人数"
        elif col.skip:
            fact.reason = col.skip
        facts.append(fact)
    return facts


def _row_label(texts: list[str], cols: list[_Column]) -> str:
    """A row's label: its first cell, with the second when the first names no measure and the
    second, a label cell right before the figures, does ('职工基本医疗保险 | 基金收入 | 98,420.15':
    a scheme merged over its rows beside each row's measure)."""
    label = texts[0] if texts else ""
    if len(texts) > 2 and texts[1] and not _value(texts[1]) and _value(texts[2]) \
            and not (len(cols) > 1 and cols[1].unit_column) and _label_measure(label) is None \
            and _label_measure(texts[1]) is not None:
        return label + texts[1]
    return label


def _filled_merged_labels(rows: list[Row]) -> list[Row]:
    """The rows with each label cell a merged cell covers (a Word or HTML ``rowspan``: the scheme
    over its rows) holding the label above it; cells among the figures are left empty."""
    out: list[Row] = []
    for row in rows:
        if out and any(c.covered for c in row.cells):
            above = out[-1].cells
            first = next((j for j, t in enumerate(row.texts) if j and _value(t)), len(row.cells))
            row = Row([Cell(above[j].text, c.line) if c.covered and j < first and j < len(above) else c
                       for j, c in enumerate(row.cells)])
        out.append(row)
    return out


def _scheme_alone(rest: str) -> bool:
    """True when a row label names a scheme and nothing else ('其中：职工医保', '居民医保')."""
    return compact(rest).rstrip(":：") in ("", "其中")


def _row_unit(texts: list[str], cols: list[_Column]) -> list[str]:
    """The unit a row states in the table's unit column ('人', '万元', '亿元'), if it has one."""
    j = next((j for j, c in enumerate(cols) if c.unit_column), None)
    if j is None or j >= len(texts):
        return []
    unit = compact(texts[j])
    return [unit] if unit in _unit_words() else []


def _carried_measure(row: Row, cols: list[_Column], carried: str | None) -> str | None:
    """The measure a row hands to the scheme rows under it ('基本医疗保险参保人数' over '其中：职工医保'
    and '居民医保'), in a table whose columns name no measure (years, a unit): its own measure, or
    the one it carried on when it names a scheme alone."""
    if any(c.measure for c in cols):
        return None
    scheme, rest = scheme_of_label(row.texts[0] if row.texts else "")
    own = _measure_of(rest)
    if own:
        return own
    return carried if scheme and _scheme_alone(rest) else None


def _resolve_scheme(row: str | None, col: str | None, section: str | None, title: str | None) -> str | None:
    """The scheme of a figure: the row's or the column's (the most specific; two different
    specific ones are a conflict: none), else the section's, else the title's."""
    named = [s for s in (row, col) if s]
    for bad in (OTHER, UNKNOWN):
        if bad in named or (not named and section == bad):
            return bad
    specific = {s for s in named if s != "合计"}
    if len(specific) > 1:
        return None
    if specific:
        return specific.pop()
    if section and section != "合计":
        return section
    if named or section == "合计":
        return "合计"
    return title


def _label_measure(label: str) -> str | None:
    """The measure a row label names (its scheme word dropped)."""
    return _measure_of(scheme_of_label(label)[1])


def _names_a_measure(cols: list[_Column], data: list[Row]) -> bool:
    """True when a column, or the label of a row with figures, names a measure: otherwise no
    figure of the table gets a measure and the table is no statistics table (a cheap test
    before the figures are read one by one)."""
    if any(c.measure for c in cols):
        return True
    # (the label first: most rows' labels name no measure, and then their cells are not read)
    return any(_label_measure(_row_label(row.texts, cols)) and any(_value(t) for t in row.texts[1:])
               for row in data)


def _read_table(table: Table, ctx: ReportContext) -> tuple[list[_Fact], list[tuple[int, str]]] | None:
    """The figures of a statistics table and its label cells with digits, or None when the table
    is not one (fewer than two measures, or no scheme named anywhere)."""
    rows = _filled_merged_labels([r for r in table.rows if not r.is_empty()])
    h = _split_header(rows)
    header, data = rows[:h], rows[h:]
    if not data:
        return None
    width = max(len(r.cells) for r in rows)
    cols = _columns(header, width)
    if not _names_a_measure(cols, data):
        return None  # (what the loop below would conclude: no figure of a measure)
    context = [t.text for t in table.context]
    title_scheme = next((s for s in (scheme_of_label(t)[0] for t in reversed(context)) if s), None)
    title_scheme = title_scheme if title_scheme not in ("合计", UNKNOWN, None) else None
    year = _title_year(context) or ctx.fiscal_year
    facts: list[_Fact] = []
    labels: list[tuple[int, str]] = [(c.line, c.text) for r in header for c in r.cells]
    section: str | None = None
    rows_are_schemes = title_scheme is None and _rows_name_schemes(data)
    carried: str | None = None  # the measure scheme rows inherit from the row above them
    for row in data:
        values = {j for j, t in enumerate(row.texts) if j and _value(t)}
        labels += [(c.line, c.text) for j, c in enumerate(row.cells) if j not in values]
        if not values:
            if _is_section_row(row) and _measure_of(scheme_of_label(row.texts[0])[1]) is None:
                section = scheme_of_label(row.texts[0])[0]
            continue
        facts.extend(_row_facts(row, cols, section, title_scheme, year, rows_are_schemes, carried))
        carried = _carried_measure(row, cols, carried)
    measured = {(f.measure, f.line) for f in facts if f.measure} | {(c.measure, j) for j, c in enumerate(cols)
                                                                   if c.measure}
    if len(measured) < 2 or not any(f.scheme for f in facts):
        return None
    declared = _units_in(" ".join(context[-3:]), remark_only=False)
    for f in facts:
        f.units = f.units + declared
    return facts, labels


class _NoYear:
    fiscal_year = None


def is_statistics_table(table: Table) -> bool:
    """True when ``table`` is a statistics table of the insurance: two measures or more (参保人数,
    基金收入, 基金支出 …) and a scheme named (the classifier's recogniser, :mod:`evalkit.extract.classify`).

    Examples
    --------
    >>> from evalkit.document import Cell, Row
    >>> t = Table([Row([Cell(w, 1) for w in ("险种", "参保人数（人）", "基金收入（万元）")]),
    ...            Row([Cell(w, 2) for w in ("城乡居民基本医疗保险", "35000", "2100")])], "tabs")
    >>> is_statistics_table(t)
    True
    """
    return _read_table(table, _NoYear) is not None


def _rows_name_schemes(data: list[Row]) -> bool:
    """True when the rows with figures are schemes of medical insurance ('职工基本医疗保险 | …',
    '城乡居民基本医疗保险 | …'): at least two, none of another insurance, no section rows."""
    schemes = []
    for row in data:
        if not row.texts or not any(_value(t) for t in row.texts[1:]):
            if row.texts and _is_section_row(row):
                return False
            continue
        scheme = scheme_of_label(row.texts[0])[0]
        if scheme in (OTHER, UNKNOWN):
            return False
        if scheme:
            schemes.append(scheme)
    return len(set(schemes) - {"合计"}) >= 2


def _title_year(context: list[str]) -> int | None:
    """The year the table's title names ('汀州市2024年1-12月医疗保险主要指标'), not a publication date."""
    for text in reversed(context):
        if _DATE_LABEL.search(text):
            continue
        years = _TITLE_YEAR.findall(text)
        if years:
            return int(years[-1])
    return None


def _record(fact: _Fact, ctx: ReportContext) -> tuple[str, dict] | None:
    """The enrollment or funds row of a figure, or None when its measure, scheme, year or unit is unsure."""
    if fact.measure is None or fact.scheme is None or fact.year is None:
        return None
    base = {"report_id": ctx.doc.report_id, "year": fact.year, "scheme": fact.scheme, "raw": fact.text,
            "source": ctx.source(fact.line)}
    if fact.measure == _ENROLLMENT:
        unit = fact.q.unit or _pick_unit(fact.units, "persons")
        if unit is None or unit_kind(unit) != "persons":
            return None
        persons = to_persons(Quantity(raw=fact.q.raw, value=fact.q.value, unit=unit, text_value=fact.q.text_value))
        if persons is None:
            return None
        return "enrollment", {**base, "persons": persons, "note": None if fact.q.unit else f"单位：{unit}"}
    unit = fact.q.unit or _pick_unit(fact.units, "money")
    amount = to_wan(fact.q, unit) if unit else None
    if amount is None:
        return None
    return "funds", {**base, "flow": fact.measure, "amount_wan": amount, "note": None if fact.q.unit else f"单位：{unit}"}


# ------------------------------------------------------------------------------ one cell per line
# A statistics table copied from a web page with each cell on a line of its own ('指标', '2021年',
# '2022年', '2023年', then '参保人数（万人）', '36.82', …; blank lines between rows or not): a header
# of a short label and two or more years, then rows of a label and one value per year, and section
# rows of one label ('一、城乡居民基本医疗保险'). Built into a table, it is read as any other.
_HEADER_LABEL_MAX = 8  # '指标', '项目', '指标名称'
_ROW_LABEL_MAX = 30  # longer: a sentence (a note under the table)
_NOTE = vocab.words_pattern(r"^\s*(?:<<stat_note_label>>)\s*\d*\s*[:：.、]")


def _year_columns(lines: list[TextLine], k: int) -> int:
    """The number of year lines after a header label at ``lines[k]`` (0: no header)."""
    label = compact(lines[k].text)
    if not label or len(label) > _HEADER_LABEL_MAX or _DIGIT.search(label) or _value(label):
        return 0
    n = 0
    while k + 1 + n < len(lines) and _YEAR_HEADER.match(compact(lines[k + 1 + n].text)):
        n += 1
    return n if n >= 2 else 0


_LINE_STARTS_1_2 = re.compile(re.escape(LINE_JOINER) + r"\s*[12]")  # (a line that begins with 1 or 2)


def _may_head_years(doc: Document) -> list[int]:
    """The positions (among the document's text lines) of the lines followed by two lines that
    begin with 1 or 2, as the year lines of :func:`_year_columns` ('2021年') do: the only lines
    that may be a header label. One search over the joined lines: most lines are sentences."""
    joined, starts = doc.joined_text_lines()
    years = {bisect_right(starts, m.start()) for m in _LINE_STARTS_1_2.finditer(joined)}
    if starts and re.match(r"\s*[12]", joined):
        years.add(0)
    return sorted(k - 1 for k in years if k >= 1 and k + 1 in years)


def _is_value_line(text: str) -> bool:
    return _value(text) is not None or is_missing(text)


_NEXT_TABLE = re.compile(r"^\s*(?:附?表\s*[\d一二三四五六七八九十]+|[（(]?单位\s*[:：])")  # '表2 …', '单位：亿元'


def _line_rows(lines: list[TextLine], k: int, n: int) -> tuple[list[Row], int]:
    """The rows after a header of ``n`` years starting at ``lines[k]``, and the index after them
    (up to a value out of place, a sentence, a note, or the caption or unit line of the next table)."""
    rows: list[Row] = []
    while k < len(lines):
        text = lines[k].text
        if _is_value_line(text) or len(compact(text)) > _ROW_LABEL_MAX or _NOTE.match(text) \
                or _NEXT_TABLE.match(text):
            break
        values = lines[k + 1:k + 1 + n]
        if len(values) == n and all(_is_value_line(v.text) for v in values):
            rows.append(Row([Cell(t.text, t.line) for t in [lines[k], *values]]))
            k += 1 + n
        elif k + 1 < len(lines) and not _is_value_line(lines[k + 1].text):
            rows.append(Row([Cell(text, lines[k].line)] + [Cell("", lines[k].line) for _ in range(n)]))
            k += 1  # a section row: a label alone before the next row's label
        else:
            break
    return rows, k


def line_tables(ctx: ReportContext) -> list[Table]:
    """Statistics tables written one cell per line (see above), as tables with the text lines
    above them as context."""
    runs = ctx.doc.text_runs()
    tables = []
    heads = _may_head_years(ctx.doc)
    offset = 0  # (the position of a run's first line among the document's text lines)
    for lines in runs:
        tables.extend(_space_tables(lines))
        labels = [g - offset for g in heads if offset <= g and g - offset + 2 < len(lines)]
        offset += len(lines)
        k = 0
        while k < len(lines):
            at = bisect_left(labels, k)  # (a line not followed by two year lines is passed over)
            if at == len(labels):
                break
            k = labels[at]
            n = _year_columns(lines, k)
            if not n:
                k += 1
                continue
            header = Row([Cell(t.text, t.line) for t in lines[k:k + 1 + n]])
            rows, after = _line_rows(lines, k + 1 + n, n)
            if sum(1 for r in rows if any(r.texts[1:])) >= 2:
                tables.append(Table(rows=[header, *rows], layout="cells", context=lines[max(0, k - 3):k]))
                k = after
            else:
                k += 1
    return tables


_GAP = re.compile(r"\t|\s{2,}|\u3000+")  # the gap between two cells of a line aligned with spaces


def _space_cells(text: str) -> list[str]:
    return [c for c in _GAP.split(text.strip()) if c]


@functools.cache
def _year_column_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(_words("year_column"), key=len, reverse=True))))


def _space_header(text: str) -> list[str] | None:
    """The cells of a header line of a statistics table aligned with spaces ('项目  项次  本年数
    上年数  同比增减（%）'): a short label, then column words, one of them the year's own figures
    (``stat_table_words.csv``, year_column); None for any other line."""
    if _year_column_re().search(text) is None:
        return None  # (most lines)
    cells = _space_cells(text)
    if len(cells) < 3 or len(compact(cells[0])) > _HEADER_LABEL_MAX or any(_value(c) for c in cells):
        return None
    return cells if any(compact(c) in _words("year_column") for c in cells[1:]) else None


def _space_rows(lines: list[TextLine], k: int, header: list[str]) -> tuple[list[Row], int]:
    """The rows under a header of a table aligned with spaces, and the index after them. A row
    with fewer cells than the header lacks only its last ones, and only when they are columns of
    changes or shares (blank there: '本年收支结余  11  -3,617.36  1,881.93'); a label alone is a
    section row; anything else ends the table."""
    n = len(header) - 1
    trailing_skips = 0
    numbering = {w for w, why in _words("skip_column").items() if why.startswith("row numbers")}
    for cell in reversed(header[1:]):
        if not _skip_reason([cell]) or compact(cell) in numbering:
            break  # (a 项次 cell is never blank)
        trailing_skips += 1
    rows: list[Row] = []
    while k < len(lines):
        line = lines[k]
        cells = _space_cells(line.text)
        values = cells[1:]
        if not cells or _value(cells[0]) or len(compact(cells[0])) > _ROW_LABEL_MAX or _NOTE.match(line.text):
            break
        if not values:
            rows.append(Row([Cell(cells[0], line.line)] + [Cell("", line.line) for _ in range(n)]))
        elif n - trailing_skips <= len(values) <= n and all(_is_value_line(v) for v in values):
            rows.append(Row([Cell(c, line.line) for c in cells] + [Cell("", line.line)
                                                                     for _ in range(n - len(values))]))
        else:
            break
        k += 1
    return rows, k


def _space_tables(lines: list[TextLine]) -> list[Table]:
    """Statistics tables aligned with spaces in a run of text lines (see :func:`_space_header`)."""
    tables = []
    k = 0
    while k < len(lines):
        header = _space_header(lines[k].text)
        if header is None:
            k += 1
            continue
        rows, after = _space_rows(lines, k + 1, header)
        if sum(1 for r in rows if any(r.texts[1:])) >= 2:
            head = Row([Cell(c, lines[k].line) for c in header])
            tables.append(Table(rows=[head, *rows], layout="cells", context=lines[max(0, k - 3):k]))
            k = after
        else:
            k += 1
    return tables


_SETTLEMENT = "定点医疗机构的医保结算，不是基金的收支"


def read_fund_tables(ctx: ReportContext) -> FundTableRows:
    """Enrolment and fund rows of the statistics tables of a report (see the module's doc).

    Parameters
    ----------
    ctx : ReportContext
        The report; ``ctx.fiscal_year`` is the year of a table whose title and columns name none.

    Returns
    -------
    FundTableRows
        The rows, the numbers left out by name and the tables read.
    """
    found = FundTableRows()
    classified = [ctx.doc.tables[n] for n in ctx.table_map.tables_with("statistics")]  # classify.py
    for table in [*classified, *line_tables(ctx)]:
        read = _read_table(table, ctx)
        if read is None:
            continue
        facts, labels = read
        found.claimed.add(id(table))
        for fact in facts:
            if ctx.institution and not fact.reason:
                fact.reason = _SETTLEMENT  # a hospital's table of what the fund paid it
            if fact.reason:
                found.ignored.append((fact.line, fact.q.text_value or fact.text, fact.reason))
                continue
            rec = _record(fact, ctx)
            if rec is None:
                continue  # unsure: the number stays in the residue
            kind, row = rec
            (found.enrollment if kind == "enrollment" else found.funds).append(row)
            ctx.place(fact.line, fact.q.text_value)
        for line, text in labels:
            if _DIGIT.search(text):
                for f in find_quantities(cell_separators(text)):
                    found.ignored.extend((line, key, _REASON_LABEL) for key in ledger_keys(f.quantity))
    log.debug("%s: %d statistics tables", ctx.doc.report_id, len(found.claimed))
    return found
