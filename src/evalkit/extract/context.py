"""What every extractor needs to know about where a block stands in a report.

The scope (部门整体 or a project's name), the caption of a table, the unit a table or a
sentence declares, and a ledger of which numbers have been placed, so that what is left
can be reported as residue.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalkit import vocab
from evalkit.document import Document, Row, Table, TextLine, clean_label
from evalkit.quantities import Quantity, cell_separators, find_quantities, fold

if TYPE_CHECKING:
    from evalkit.extract.classify import TableMap

__all__ = ["DEPARTMENT_SCOPE", "ReportContext", "caption_of", "compact", "declared_unit", "ledger_keys", "names_other_year",
           "project_name"]

DEPARTMENT_SCOPE = "部门整体"

_DIGIT = re.compile(r"\d")  # (any digit: full-width ones too)
# '项目名称：…', '转移支付（项目）名称 …', '转移（项目）名称 …': the label of a project form's name field
# (only these prefixes: '采购项目名称' names a purchase, '本项目名称为…' opens a sentence)
_PROJECT_LABEL = r"(?:转移支付|转移)?[（(]?项目[）)]?名称"
# a name is a few words: not a sentence ('为城乡医疗救助资金项目，2023年…')
_NAME_MAX = 40
_NOT_A_NAME = re.compile(r"^[为是]|[，,。；;！？]")
_PROJECT_LINE = re.compile(rf"^\s*{_PROJECT_LABEL}\s*[:：]?\s*(?P<name>[^\s:：].*?)\s*$")
_PROJECT_CELL = re.compile(rf"^{_PROJECT_LABEL}[:：]?$")
_CELL_MARK = re.compile(r"\s*\|\s*$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2}")
_PROJECT_CODE = re.compile(r"^[0-9A-Za-z]{6,}\s*[-－—_]?\s*(?=[\u4e00-\u9fff])")  # '51112723R000000345678-'
_CAPTION = re.compile(r"(^(附)?表\s*\d+)|(表\s*(?:[（(][^）)]{0,12}[)）])?\s*$)|(^(附)?表\s*[:：])")  # '…情况表（单位：万元）'


# (4 096 texts, as the reader's other memos: a report's lines and the template lines that recur;
# 65 536 held barely more hits, and a worker's memory grew with it across a large corpus)
@functools.lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """A label without any white space, for matching header words.

    Examples
    --------
    >>> compact("姓  名")
    '姓名'
    """
    return "".join(text.split())


@functools.cache
def _total_words() -> tuple[str, ...]:
    return tuple(r["word"] for r in vocab.load("context_words") if r["kind"] == "total_row")


def is_total_label(text: str) -> bool:
    """True for a label that names a row or column of totals (合计, 总计, 小计, 总分, 汇总).

    Examples
    --------
    >>> is_total_label("合 计"), is_total_label("合计数"), is_total_label("局机关及二级机构汇总")
    (True, False, False)
    """
    return compact(text) in _total_words()


def mentions_total(text: str) -> bool:
    """True for a label that contains a total word ('局机关及二级机构汇总').

    Examples
    --------
    >>> mentions_total("局机关及二级机构汇总"), mentions_total("1、局机关")
    (True, False)
    """
    return any(w in text for w in _total_words())


@dataclass
class ReportContext:
    """Per-report state shared by the extractors."""

    doc: Document
    placed: Counter = field(default_factory=Counter)  # (line, number as written) -> times placed
    #: The reader placing numbers now ('indicators', 'metadata', 'tables', 'narrative'), set by the
    #: pipeline before it calls each reader: the ledger records who took each number.
    owner: str = ""
    takers: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # (line, number) -> owners
    #: Numbers a reader saw and deliberately left out: (line, number as written, owner, reason).
    refusals: list[tuple[int, str, str, str]] = field(default_factory=list)
    projects: list[tuple[int, str]] = field(default_factory=list)
    fiscal_year: int | None = None  # the year the report is on, once the metadata are read
    report_kind: str | None = None  # the kind of report, once the metadata are read
    target_only: bool | None = None  # a 绩效目标表 (targets, no actuals), once a reader asked
    #: The report is a medical institution's (a hospital's settlement report): the insurance fund
    #: figures it gives are what the fund paid it, not the fund's flows. Set with the metadata.
    institution: bool = False

    _sources: dict[int, str] = field(default_factory=dict, repr=False)  # every row asks for one
    _table_map: TableMap | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.projects = list(_find_projects(self.doc))
        if not self.projects:
            titled = _title_project(self.doc)
            if titled:
                self.projects = [titled]

    @property
    def table_map(self) -> TableMap:
        """The parts of the document's tables, each of one kind with one owner, classified once
        (:func:`evalkit.extract.classify.classify_tables`) when a reader first asks."""
        if self._table_map is None:
            # (imported here: the classifier reads with the readers, which import this module)
            from evalkit.extract.classify import classify_tables

            self._table_map = classify_tables(self.doc)
        return self._table_map

    def source(self, line: int) -> str:
        """'<report_id>:<line>' (or the locator in a .docx/.html/.pdf document)."""
        s = self._sources.get(line)
        if s is None:
            s = self._sources[line] = f"{self.doc.report_id}:{self.doc.locate(line)}"
        return s

    def scope_at(self, line: int) -> str:
        """The scope in force at a line: the last project named before it, or 部门整体."""
        scope = DEPARTMENT_SCOPE
        for start, name in self.projects:
            if start <= line:
                scope = name
        return scope

    def place(self, line: int, number: str | None) -> None:
        """Record that the number written ``number`` on ``line`` went into a table."""
        if number:
            # (:func:`folded_number_key` written out for an ASCII number, most of them)
            self.place_key((line, number.replace(",", "").lstrip("+-") if number.isascii() else number_key(number)))

    def place_key(self, key: tuple[int, str]) -> None:
        """:meth:`place` of a number whose ledger key the caller has made already: (line,
        :func:`number_key` of the number as written). The sentence reader makes it to ask whether
        another reader took the figure, and hands it on here instead of having it made again."""
        self.placed[key] = self.placed.get(key, 0) + 1  # (not Counter's += : no __missing__ call)
        owners = self.takers.get(key)  # (not ``setdefault(key, [])``: no list made for nothing)
        if owners is None:
            self.takers[key] = [self.owner]
        else:
            owners.append(self.owner)

    def refuse(self, line: int, number: str | None, reason: str) -> None:
        """Record that the current reader saw ``number`` on ``line`` and left it out, and why."""
        if number:
            self.refusals.append((line, number_key(number), self.owner, reason))

    def who_took(self, line: int, number: str) -> list[str]:
        """The readers that placed ``number`` (as written) of ``line``, in order.

        Examples
        --------
        >>> from evalkit.readers.text import document_from_text
        >>> ctx = ReportContext(document_from_text("某县医疗保障局\\n参保人数43.01万人", "r"))
        >>> ctx.owner = "narrative"; ctx.place(2, "43.01")
        >>> ctx.who_took(2, "43.01"), ctx.who_took(2, "5")
        (['narrative'], [])
        """
        return list(self.takers.get((line, number_key(number)), ()))

    def has_placed(self, line: int, text: str) -> bool:
        """True when some number of ``text`` (standing on ``line``) was already placed."""
        return any(
            self.placed[(line, number_key(f.quantity.text_value))] > 0
            for f in find_quantities(text) if f.quantity.text_value
        )

    def place_text(self, line: int, text: str | None) -> None:
        """Record every number inside a cell's text as placed (the cell went into a table)."""
        if not text or _DIGIT.search(text) is None:
            return  # most cells of a table are words
        placed, takers, owner = self.placed, self.takers, self.owner
        for number in _cell_keys(text):
            key = (line, number)
            placed[key] = placed.get(key, 0) + 1
            owners = takers.get(key)  # (as in :meth:`place`)
            if owners is None:
                takers[key] = [owner]
            else:
                owners.append(owner)


@functools.lru_cache(maxsize=4096)
def _cell_keys(text: str) -> tuple[str, ...]:
    """The ledger keys of every number inside a cell's text, in order (many cells repeat: '10', '100%')."""
    return tuple(key for found in find_quantities(cell_separators(text)) for key in ledger_keys(found.quantity))


@functools.cache
def _chrome_words() -> tuple[str, ...]:
    return tuple(r["word"] for r in vocab.load("chrome_words"))


def is_page_chrome(text: str) -> bool:
    """A line of the web page around a report: navigation words (``vocab/chrome_words.csv``), or
    a breadcrumb 'A > B > C'.

    >>> is_page_chrome("您的位置：首页 >> 信息公开 >> 预决算公开"), is_page_chrome("一、部门基本情况")
    (True, False)
    """
    return _chrome_re().search(text) is not None or text.count(">") + text.count("»") + text.count("＞") >= 2


@functools.cache
def _chrome_re() -> re.Pattern[str]:
    """Any word of ``vocab/chrome_words.csv`` (one search instead of a test per word)."""
    return re.compile("|".join(re.escape(w) for w in _chrome_words()) or "(?!)")  # (no word: no match)


def ledger_keys(q: Quantity) -> tuple[str, ...]:
    """The keys under which the ledger counts a quantity found in text: its number as written,
    or the two ends of a range.

    Examples
    --------
    >>> from evalkit.quantities import parse_quantity
    >>> ledger_keys(find_quantities("1,234.50万元")[0].quantity), ledger_keys(parse_quantity("6-9个月"))
    (('1234.50',), ('6', '9'))
    """
    if q.text_value:
        return (folded_number_key(q.text_value),)
    return tuple(number_key(_fmt(x)) for x in (q.low, q.high) if x is not None)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


@functools.lru_cache(maxsize=4096)
def number_key(number: str) -> str:
    """The form under which a number is counted: folded, no thousands separators, no sign.

    Examples
    --------
    >>> number_key("１,２３４.50")
    '1234.50'
    """
    return folded_number_key(fold(number))


def folded_number_key(number: str) -> str:
    """:func:`number_key` of a number already folded (as :func:`find_quantities` gives them).

    Examples
    --------
    >>> folded_number_key("-1,234.50")
    '1234.50'
    """
    return number.replace(",", "").lstrip("+-")


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def names_other_year(text: str, fiscal_year: int) -> bool:
    """True when the last year a text names is not the report's: the words before a figure
    ('2022年度部门决算支出') or a column's header ('2022年决算数') in a report on another year.

    Examples
    --------
    >>> names_other_year("2022年度部门决算支出", 2023), names_other_year("2023年决算数", 2023), names_other_year("决算数", 2023)
    (True, False, False)
    """
    years = _YEAR.findall(text)
    return bool(years) and int(years[-1]) != fiscal_year


def project_name(text: str) -> str:
    """A project's name as a form prints it, without its code prefix.

    Examples
    --------
    >>> project_name("51112723R000000345678-城乡居民医保征缴工作经费")
    '城乡居民医保征缴工作经费'
    """
    return _PROJECT_CODE.sub("", clean_label(text))


def _is_name_value(text: str) -> bool:
    """A text that can be a project's name: words, not a number or another label."""
    c = compact(project_name(text))  # (a code prefix does not count in the length)
    return (4 <= len(c) <= _NAME_MAX and _CJK_RUN.search(c) is not None and _PROJECT_CELL.match(c) is None
            and _NOT_A_NAME.search(c) is None)


def _find_projects(doc: Document):
    blocks = doc.blocks
    for k, block in enumerate(blocks):
        if isinstance(block, TextLine):
            if "称" not in block.text:
                continue  # (no 名称: neither a name label nor a '项目名称：…' line)
            if _PROJECT_CELL.match(_CELL_MARK.sub("", compact(block.text))):
                # one cell per line (maybe ending in a cell mark '|'): the label alone, the name next
                nxt = blocks[k + 1] if k + 1 < len(blocks) else None
                name = _CELL_MARK.sub("", nxt.text) if isinstance(nxt, TextLine) else ""
                if _is_name_value(name):
                    yield block.line, project_name(name)
                continue
            m = _PROJECT_LINE.match(block.text)
            if m and _is_name_value(m.group("name")):
                yield block.line, project_name(m.group("name"))
        else:
            for row in block.rows:
                texts = row.texts
                if sum(1 for t in texts if t) > 4:
                    continue  # a key-value row has a few cells; a wider row is a table header
                for i, t in enumerate(texts[:-1]):
                    if "称" in t and _PROJECT_CELL.match(compact(t)) and texts[i + 1] and _is_name_value(texts[i + 1]):
                        yield row.line, project_name(texts[i + 1])


# the title of a project's self-evaluation report that names the project or fund:
# '关于2023年度城乡医疗救助补助资金绩效自评报告', '…县医疗保障局2023年度…项目支出绩效自评报告'
_TITLE_PROJECT = vocab.words_pattern(
    r"^(?:关于)?(?P<name>[^，,。；;：:]{4,40}?(?:<<project_title_end>>))(?:项目)?(?:支出)?绩效(?:自评价?|自我评价|评价)"
    r"(?:报告|情况(?:报告)?|总结)?$"
)
# a department's name before the project's ('桂川县医疗保障局2023年度…'): cut when a year follows
_TITLE_ISSUER = vocab.words_pattern(r"^[\u4e00-\u9fff]{2,24}?(?:<<title_issuer_suffix>>)(?:关于)?(?=(?:19|20)\d{2}\s*年)")
_WHOLE_WORDS = ("部门整体", "单位整体", "整体支出", "部门支出", "决算")
_TITLE_REACH = 6  # the title stands in the first few lines


def _title_project(doc: Document) -> tuple[int, str] | None:
    """The project a report is about when no 项目名称 field names it: a project (or fund)
    self-evaluation report whose title names it ('关于2023年度城乡医疗救助补助资金绩效自评报告'
    → '2023年度城乡医疗救助补助资金'). A report on the department as a whole has none."""
    seen = 0
    above: tuple[int, str] | None = None  # the line before, for a title broken over two lines
    for block in doc.blocks:
        if not isinstance(block, TextLine):
            return None  # a table before any title: a form, whose fields name the project
        text = compact(clean_label(block.text))
        if not text:
            continue
        seen += 1
        if seen > _TITLE_REACH or "。" in text:
            return None
        line, m = block.line, _TITLE_PROJECT.match(text)
        if m is None and above is not None:
            # ('洛川市2023年度城乡居民基本医疗保险财政补助资金' / '项目支出绩效自评报告')
            line, m = above[0], _TITLE_PROJECT.match(above[1] + text)
        above = (block.line, text)
        if m is None:
            continue
        name = _TITLE_ISSUER.sub("", m.group("name"))
        if any(w in name for w in _WHOLE_WORDS) or not _is_name_value(name):
            return None
        return line, project_name(name)
    return None


def _is_caption(text: str) -> bool:
    return bool(_CAPTION.search(compact(text))) and len(text) <= 60


def caption_of(table: Table, before_row: int = 0) -> str | None:
    """The caption of a table (or of the part of it starting at row ``before_row``).

    Looks at single-cell rows above the part, then at the text lines just above the table.
    """
    for row in reversed(table.rows[:before_row]):
        texts = [t for t in row.texts if t]
        if len(texts) == 1 and _is_caption(texts[0]):
            return _strip_pointer(texts[0])
    for tl in reversed(table.context):
        if _is_caption(tl.text):
            return _strip_pointer(clean_label(tl.text))
    return None


_POINTER = vocab.words_pattern(r"^(?:<<caption_pointer>>)\s*[:：]\s*")  # '详见：表1 …'


def _strip_pointer(text: str) -> str:
    return _POINTER.sub("", text).strip()


@functools.cache
def _unit_re() -> re.Pattern[str]:
    """'单位：元', '（万元）': a money or head-count unit of ``vocab/units.csv`` declared for a table."""
    words = sorted((r["unit"] for r in vocab.load("units") if r["kind"] in ("money", "persons")), key=len, reverse=True)
    return re.compile(rf"(?:单位\s*[:：]\s*|[（(]\s*)(?P<unit>{'|'.join(map(re.escape, words))})\s*[)）]?")


def declared_unit(texts: list[str]) -> str | None:
    """The unit a caption or sentence declares: '（万元）', '单位：元'.

    Examples
    --------
    >>> declared_unit(["表 4 部门 2021 年度政府采购信息表 单位：元"])
    '元'
    >>> declared_unit(["当年预算情况（万元）"])
    '万元'
    """
    for text in texts:
        m = _unit_re().search(text)
        if m:
            return m.group("unit")
    return None


def single_text(row: Row) -> str | None:
    """The text of a row that has exactly one non-empty cell."""
    texts = [t for t in row.texts if t]
    return texts[0] if len(texts) == 1 else None
