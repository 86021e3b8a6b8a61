"""Figures inside sentences: enrolment, fund income/expense, budget amounts, stated rates, staff,
assets and service figures.

Each number of a sentence is read once, with the words just before it (its *window*: back to
the previous punctuation) and the words since the previous number (its *segment*). Words
come from the vocabularies: schemes (``schemes.csv``), fund flows (``fund_flows.csv``),
budget items (``budget_items.csv``), stages (``stages.csv``), service topics
(``service_topics.csv``) and context words (``context_words.csv``). A number goes to at most one
table, and a number another reader took (a score statement, a purchase) is not read again; a
money figure, head count or count that fits none of the other tables is a service figure when
its paragraph names a service topic; what fits nothing stays for the residue.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from evalkit import vocab
from evalkit.document import TextLine
from evalkit.extract.context import (
    DEPARTMENT_SCOPE,
    ReportContext,
    compact,
    names_other_year,
)
from evalkit.extract.items import (
    _items_re,
    _last,
    budget_item,
    clean_parent,
    is_stage_word,
    item_category,
    join_path,
    mentioned_item,
    stage_of,
)
from evalkit.extract.services import service_measure, service_topic, topic_within, topic_words
from evalkit.extract.staff_assets import asset_item, staff_category, staff_unit
from evalkit.extract.tables import funding_source
from evalkit.quantities import (
    Found,
    Quantity,
    find_quantities,
    fold,
    found_quantities,
    has_chinese_quantity,
    to_persons,
    to_wan,
    unit_factor,
)

__all__ = ["NarrativeRows", "extract_narrative"]

_DELIMS = "，,；;：:、。！？="
_DIGIT = re.compile(r"\d")  # (any digit: full-width ones too)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!度|\d)")
_NEW_ITEM = re.compile(r"^\s*(?:[（(]\s*\d+\s*[)）]|\d+\s*[、.．](?!\d)|[一二三四五六七八九十]+\s*、)")
_PROCUREMENT_KINDS = ("货物", "工程", "服务")
_TOTALS = ("收入合计", "支出合计", "收入总计", "支出总计")  # totals are never parents
_READ_KINDS = frozenset({"money", "persons", "percent", "count", None})  # the kinds of number sentences give tables
_SERVICE_KINDS = ("money", "persons", "count")
_TABLE_KINDS = ("money", "persons", "percent", "count")  # the kinds of number some reader here may take
# '可选择2家及以上定点医疗机构', '每个街道至少有1家': a rule or an aim, not a result
_POLICY_AFTER = vocab.words_pattern(r"^\s*<<rule_bound_after>>")
_POLICY_BEFORE = vocab.words_pattern(r"<<rule_bound_before>>有?$")
_CIRCLED = re.compile(r"^\s*(?:[\u2460-\u2473]|[一二三四五六七八九十]是)")  # '①…', '一是…': a line with its own heading
_LIST_MARKER = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[一二三四五六七八九十]+是|[\u2460-\u2473])")
_OTHER_PROJECT = re.compile(r"(?<![该本此])项目")  # '医保基金监管项目…', not '该项目…'
# a sentence that names a project ('实施“…”项目，', '本项目…'; not the item 项目支出): its bare
# stage words ('年初预算', '实际完成预算资金') are that project's money, never the department's totals
_NAMED_PROJECT = re.compile(r"项目(?!支出)")
_PERSONS_LABEL = vocab.words_pattern(r"<<persons_label>>$")  # a bare '万' after these counts persons
_STAFF_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}人员")  # '8名基金监管人员': a head count of staff
_NUM = r"\d+(?:\.\d+)?"
_FORMULA = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{2,12}}率)\s*=\s*[（(]\s*(?P<a>{_NUM})\s*/\s*(?P<b>{_NUM})\s*[)）]\s*[×xX*]"
    rf"\s*100\s*%\s*=\s*(?P<r>{_NUM})\s*%"
)


@dataclass
class NarrativeRows:
    """Rows found in text, by table."""

    enrollment: list[dict] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    assets: list[dict] = field(default_factory=list)
    budget: list[dict] = field(default_factory=list)
    rates: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)


@functools.cache
def _words(kind: str) -> tuple[str, ...]:
    return tuple(r["word"] for r in vocab.load("context_words") if r["kind"] == kind)


@functools.cache
def _words_re(kind: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in _words(kind)))


def _names(kind: str, text: str) -> bool:
    """True when the text holds a context word of the kind ('change': 增加, 较上年 …)."""
    return _words_re(kind).search(text) is not None


def _upto_last(marks: str) -> re.Pattern[str]:
    """A pattern that matches a text up to its last character of ``marks`` (greedy: the engine
    finds it from the end, at C speed)."""
    return re.compile(".*[" + re.escape(marks) + "]", re.DOTALL)


_CLAUSE_MARKS = _upto_last("，,；;。")  # (the clause of a figure: '、' goes on)
_PHRASE_MARKS = _upto_last("，,；;。：:")
_LIST_MARKS = _upto_last("，,、；;：:")
_SENTENCE_MARKS = _upto_last("。！？")
_FIRST_CLAUSE_END = re.compile("[，。；,;！？]")
_FIRST_SENTENCE_END = re.compile("[。！？；;]")


def _after_last(text: str, upto_last: re.Pattern[str]) -> str:
    """The text after the last of the marks of ``upto_last`` (:func:`_upto_last`), all of it when
    it holds none: the last part of ``re.split(f"[{marks}]", text)``, without splitting it."""
    m = upto_last.match(text)
    return text if m is None else text[m.end():]


def _before_first(text: str, mark: re.Pattern[str]) -> str:
    """The text before the first ``mark`` (all of it when it holds none): the first part of
    ``re.split(mark, text, maxsplit=1)``."""
    m = mark.search(text)
    return text if m is None else text[: m.start()]


@functools.cache
def _higher_subsidy_re() -> re.Pattern[str]:
    """'省级医疗救助补助资金': a subsidy of a higher level of government (context_words
    'higher_level'), a few words before '补助资金'."""
    levels = "|".join(re.escape(w) for w in _words("higher_level"))
    return re.compile(rf"(?:{levels})[\u4e00-\u9fff]{{0,8}}补助(?:资金|经费)")


def _names_part(sentence: str) -> bool:
    """True when a sentence names a part of the department ('局本级收入合计…', '下属事务中心
    支出合计…'); a list of the parts ('汇总局本级和下属事务中心，收入合计…') or a part included
    ('本部门（含下属单位）') names the whole."""
    for m in _words_re("part_scope").finditer(sentence):
        before, after = sentence[max(0, m.start() - 1): m.start()], sentence[m.end(): m.end() + 1]
        if before not in _LIST_JOINS and before not in ("含", "括") and after not in _LIST_JOINS:
            return True
    return False


_LIST_JOINS = ("和", "及", "与", "、", "同")


def _transfer_note(window: str) -> bool:
    """'收入含市级统筹下拨资金…', '其中含省级调剂金上解资金…': money contained in a total and moved
    between pools, no figure of its own (neither a flow nor a service figure)."""
    at = window.find("含")
    return at >= 0 and _names("fund_transfer", window[at:])


@functools.lru_cache(maxsize=4096)  # (windows repeat within and across reports)
def _no_service_words(window: str) -> bool:
    """True when a figure's window says it is no service figure: a change, a rule or an aim
    ('至少有'), money contained in a total (:func:`_transfer_note`)."""
    return _names("change", window) or _POLICY_BEFORE.search(window) is not None or _transfer_note(window)


# the pooled fund of the employees' scheme: named bare ('统筹基金'), only a sentence about the
# employees' scheme makes it that (a residents' fund is all pooled)
_POOLED = "职工医保统筹基金"


@functools.lru_cache(maxsize=4096)  # windows repeat within and across reports
def _is_change(window: str) -> bool:
    """'较上年增加…', '新增参保人数…': a change or an addition, no head count, flow or budget amount
    (a service figure may count additions: '新增定点医药机构12家')."""
    return _names("change", window) or _names("added", window)


#: How far back (in characters) the words of a figure's sentence are read.
_SENTENCE_REACH = 400
_INCOME_WORD = re.compile(r"收入(?!.*支出)")  # '部门收入决算1,305.46万元': the income's total
_THIRD_PARTY = "第三方绩效评价"
_PROJECT_REPORT = "项目支出绩效自评"
_ARRANGED = re.compile(r"(?<!年初)(?<!全年)预算安排")  # (年初预算安排 stays 年初预算: the most specific label wins)
# Subsidised enrolment (资助参保) is a part of a scheme's insured, counted by 医疗救助: a service figure.
_SUBSIDY_TOPIC = "医疗救助"
_SUBSIDY_MEASURE = "资助参保人数"


@functools.cache
def _joined_scheme() -> re.Pattern[str]:
    """'参加基本医疗保险412.36万人': joining a scheme is enrolment."""
    return re.compile(rf"参加(?:{vocab.alternation('schemes').pattern})")


def _approximate(window: str, q: Quantity) -> bool:
    """'服务参保群众约46万人', '约52万人': a population given roughly is no head count. '约' before a
    figure with decimals ('参保人数约48.56万人') is a manner of speaking: the figure is exact."""
    w = compact(window)
    if not w.endswith(_words("approximate")):
        return False
    return _names("population", w) or q.value == int(q.value) or not q.unit or "万" not in q.unit


@functools.cache
def _insurance_re() -> re.Pattern[str]:
    words = sorted(set(_words("other_insurance")) | set(_words("other_fund")) | set(vocab.synonyms("schemes", "scheme")),
                   key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@functools.lru_cache(maxsize=2048)  # asked of a sentence for each of its amounts
def _other_insurance(sentence: str) -> bool:
    """True when the last insurance a sentence names before a figure is not a medical one
    ('企业职工基本养老保险参保人数', '工伤保险基金收入'): pension, unemployment and work-injury
    figures of a social-insurance centre are no enrolment and no fund of medical insurance."""
    text = compact(sentence)
    others = _names("other_insurance", text)
    if not others and not _names("other_fund", text):
        return False  # (the answers below need a word of another insurance or fund: most sentences have none)
    if "含" in text:
        text = _INCLUDES.sub("", text)  # '居民医保基金（含大病保险）收入': the scheme's own
    m = _last(_insurance_re(), text)
    if m is not None and (m.group(0) in _words("other_insurance") or m.group(0) in _words("other_fund")):
        return True  # ('城乡居民大病保险基金收入…', '公务员医疗补助基金…': a fund outside the scheme list)
    if not others:
        return False
    clause = _after_last(text, _CLAUSE_MARKS)
    # '养老保险和医疗保险参保人数分别为30.15万人和44.44万人': a list of several insurances whose
    # figures are matched by position only; none is read as the medical one
    return _names("respectively", clause) and _names("other_insurance", clause)


@functools.cache
def _flow_only_re() -> re.Pattern[str]:
    """A window that names only a flow ('支出', '总支出', '当年结余', '历年累计结余', '基金支出',
    '其中财政补助'): the fund of the sentence continues."""
    flows = vocab.alternation("fund_flows").pattern
    return re.compile(rf"(?:其中[:：]?)?(?:医保)?(?:基金)?(?:{vocab.any_word('flow_period')})?总?(?:{flows})"
                      rf"(?:{vocab.any_word('flow_total')})?")


@functools.cache
def _staged_flow_re() -> re.Pattern[str]:
    """'预算收入', '实际支出': a flow with a stage word, of the fund the sentence is about."""
    return re.compile(rf"(?:{vocab.any_word('flow_stage')})(?:{vocab.alternation('fund_flows').pattern})")


# '2021年，全市…', '截至2023年底，…', '（一）参保情况。2023年末…': the year a sentence is about
_SENTENCE_YEAR = vocab.words_pattern(r"\s*<<year_lead>>?\s*((?:19|20)\d{2})\s*年[度末底]?(?![\d])")
# a fiscal year named inside a figure's clause ('…2022年度全市…基金收支情况（收入196.42亿元）'), not
# one the figure is compared with ('比2022年度', '较2022年度', '与2022年度相比', '同比')
_CLAUSE_FISCAL_YEAR = re.compile(r"(?<![比较与同至到])((?:19|20)\d{2})\s*年度")
# a later clause that opens with a year of its own: '…；2023年，基金收入…', '…；截至2023年底，…',
# '…，2023年12月底，…' (a year that is a clause of its own, or opens a clause after '；')
_CLAUSE_YEAR = vocab.words_pattern(
    r"(?:^|(?<=[；;])|(?<=[，,]))\s*<<year_lead>>?\s*((?:19|20)\d{2})\s*年"
    r"(?:[度末底]|\d{1,2}月[份底末]?)?(?P<alone>\s*[，,])?"
)


#: What a year that opens a clause (:data:`_CLAUSE_YEAR`) needs: a quick search, with a literal start.
_YEAR_WORDS = re.compile(r"(?:19|20)\d{2}\s*年")
#: Up to the last of the marks after which :data:`_CLAUSE_YEAR` may start (else only at the text's start).
_LAST_OPENER = _upto_last("；;，,")


def _clause_years(text: str) -> list[re.Match[str]]:
    """The matches of :data:`_CLAUSE_YEAR` in a text, as ``finditer`` gives them, tried only where
    one can start: right after the last of '；;，,' before a year (at the text's start when none is
    before it). A match is that mark (or the start), white space, a lead word ('截至') and the year:
    no mark stands between its start and its year. ``finditer`` tries every character of a long
    sentence (each try runs the anchors' three branches), and even trying after every mark costs a
    call per comma of a sentence with a dozen figures.

    >>> [m.group(1) for m in _clause_years("2022年，收入7.12亿元；2023年，基金收入")]
    ['2022', '2023']
    """
    matches: list[re.Match[str]] = []
    end = 0  # (a match goes on from where the last one ended)
    tried = -1
    for year in _YEAR_WORDS.finditer(text):
        mark = _LAST_OPENER.match(text, 0, year.start())
        start = mark.end() if mark is not None else 0
        if start == tried or start < end:
            continue  # (tried already, or inside the last match)
        tried = start
        m = _CLAUSE_YEAR.match(text, start)
        if m is not None:
            matches.append(m)
            end = m.end()
    return matches


_PARAGRAPH_ORDINAL = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*")
_PARAGRAPH_HEAD = re.compile(r"^[^。，,]{0,12}。")


def _paragraph_year(text: str) -> int | None:
    """The year the first sentence of a paragraph opens with, after its heading."""
    if "年" not in text:
        return None  # (the year needs its 年: most lines name none)
    head = _PARAGRAPH_ORDINAL.sub("", text, count=1)
    head = _PARAGRAPH_HEAD.sub("", head, count=1)  # '（一）参保情况。'
    m = _SENTENCE_YEAR.match(head)
    return int(m.group(1)) if m else None


# '七、一般公共预算财政拨款“三公”经费支出决算情况说明2023年度…': a heading run into its paragraph
_RUN_IN_HEADING = vocab.words_pattern(
    r"^\s*(?P<head>(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
    r"[^，。；：:,;！？\d]{4,40}?<<heading_end>>)(?=(?:19|20)\d{2}\s*年)"
)
_SUBJECT_CODE = re.compile(r"[（(]\s*[类款项]\s*[)）]")  # '社会保障和就业支出（类）…（项）'
_SPENT = vocab.words_pattern(r"<<spend_verb>>了?预算(?:资金)?")  # '共完成预算资金89.97万元': money spent
_THREE_PUBLIC_SUBSTITUTES = ("财政拨款支出", "财政拨款收入", "支出合计")
_TARGET_BEFORE = vocab.words_pattern(r"(?:[<>≤≥＜＞≦≧]=?|<<target_bound>>|<<target_aim>>|目标值?)\s*$")


# '…：年度目标≥4万人次，实际完成4.38万人次': an indicator stated in a sentence, target then actual
_STATED_TARGET = vocab.words_pattern(r"(?:年度|绩效)?目标值?\s*[:：为是]?\s*[“\"]?\s*(?:[<>≤≥＜＞≦≧]=?|<<target_bound>>)?\s*\d")
_ACTUAL_WORDS = vocab.words_pattern(r"<<actual_label>>")


# '年度目标：参保人数不低于48万人，…', '绩效目标为…': a sentence that states targets only
_TARGET_SENTENCE = vocab.words_pattern(r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?"
                                     r"<<target_qualifier>>?目标(?:任务|值)?\s*[:：为是]")


@functools.lru_cache(maxsize=4096)  # (four characters before a figure: they repeat)
def _target_before(before: str) -> bool:
    """True when the characters right before a figure state a bound ('≥', '不低于', '目标')."""
    return _TARGET_BEFORE.search(before) is not None


def _is_target(folded: str, start: int, sentence_start: int | None = None) -> bool:
    """'≥50000人次', '目标≥98%', '不低于50万元': a target written before a figure, never an actual;
    so is every figure of a sentence that opens with '年度目标：'."""
    if _target_before(folded[max(0, start - 4): start]):
        return True
    return (sentence_start is not None and folded.find("目标", sentence_start, start) >= 0  # (the pattern needs 目标)
            and bool(_TARGET_SENTENCE.match(folded, sentence_start, start)))


_BOTH_TOTALS = re.compile(r"收入?[、和及与]支出?总计")  # '收、支总计均为': 收入总计 and 支出总计
_ALL_OF = re.compile(r"^\s*[，,]\s*(?:全部|均)为([^，。；,;、]{2,20}?)(?:[，。；,;]|$)")
_INCLUDES = vocab.words_pattern(r"[（(]\s*<<includes_word>>[^）)]{0,16}[）)]")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年(?:度)?(?![初末底])")


#: A fund's own budget ('医保基金总额预算2.95亿元', '基金收支预算'): a budget of the insurance
#: fund (a global budget of hospitals), not the department's.
_FUND_BUDGET = re.compile(r"(?<!政府性)(?<!政府)基金[^，。；、,;]{0,4}预算")


#: A total of one funding only ('财政拨款收入总计', '财政拨款收支总计'): not the department's total.
_FUNDED_TOTAL = re.compile(r"财政拨款(?:收入|收支)?(?:总计|合计)")


_CLAUSE_END = re.compile(r"[；;]")  # the end of a clause of a sentence's list


_GRANTED = vocab.words_pattern("<<granted_money>>")  # money granted to a scheme or a region


def _named_part(sentence: str) -> bool:
    """True when a head count with no scheme of its own stands after '其中' in a sentence that named
    a scheme before it: a group within that scheme's count ('…参保373,744人，其中成年人…').

    A '其中' inside a remark in brackets closed before the figure names the parts of the figure
    before it, not of this one ('职工医保参保52,604人（其中退休人员13,877人），全县参保人数…').

    >>> _named_part("城乡居民基本医疗保险参保373,744人，其中成年人"), _named_part("全县参保人数")
    (True, False)
    >>> _named_part("职工医保参保52,604人（其中退休人员13,877人），全县基本医疗保险参保人数")
    False
    """
    k = sentence.rfind("其中")
    if k > 0 and (sentence.find("）", k) >= 0 or sentence.find(")", k) >= 0):
        return False  # (the remark is closed: its 其中 is done)
    return k > 0 and vocab.alternation("schemes").search(sentence, 0, k) is not None


# '1.基金收入', '- 基金收入' (a list item's bullet: Markdown, Word)
_ORDINAL_START = re.compile(r"^(?:\d{0,2}[.．、]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、|[-*+•·●○▪■◆▶►])")


def _joins_after(after: str) -> bool:
    """True when the clause after a head count says the persons were enrolled ('资助1.26万名特困
    人员、低保对象…参保'): 参保 or 参加 before the clause ends.

    >>> _joins_after("特困人员、低保对象和返贫致贫人口参保。"), _joins_after("人次，参保率100%")
    (True, False)
    """
    clause = _before_first(after, _FIRST_CLAUSE_END)
    return "参保" in clause or "参加" in clause


@functools.lru_cache(maxsize=4096)  # windows repeat within and across reports
def _fund_words(window: str) -> tuple[str, re.Match[str] | None, bool, bool]:
    """What a window says of a fund: the window without department names, its last scheme word,
    whether it has a fund word, whether it names only a flow."""
    for org in _words("organisation"):
        window = window.replace(org, "")
    window = _INCLUDES.sub("", window)  # '职工医保基金（含生育保险）收入': the fund of 职工医保
    m = _last(vocab.alternation("schemes"), window)
    has_fund_word = _names("fund", window)
    return window, m, has_fund_word, bool(_flow_only_re().fullmatch(_ORDINAL_START.sub("", compact(window))))


#: Up to the last punctuation of a text (greedy): where a window starts, when no bracket is in it.
_LAST_DELIM = _upto_last(_DELIMS)
_WINDOW_LOOKBACK = 64  # (how far back the quick way looks for that punctuation)


def _window_start(text: str, end: int, floor: int) -> tuple[int, list[tuple[int, int]]]:
    """Where the window of words ending at ``end`` starts: back to the previous punctuation (not
    before ``floor``), passing over remarks in brackets that hold punctuation; and the remarks
    passed over."""
    low = max(floor, end - _WINDOW_LOOKBACK)
    m = _LAST_DELIM.match(text, low, end)
    start = m.end() if m else low
    if (m is not None or low == floor) and text.find("）", start, end) < 0 and text.find(")", start, end) < 0:
        return start, []  # the usual case, found at C speed: no bracket to pass over
    start = end
    skipped: list[tuple[int, int]] = []  # remarks in brackets passed over: their commas cut nothing
    while start > floor and text[start - 1] not in _DELIMS:  # back to the previous punctuation
        start -= 1
        if text[start] in "）)" and start > floor:
            opening = max(text.rfind("（", max(floor, start - 30), start), text.rfind("(", max(floor, start - 30), start))
            if opening >= floor and opening >= 0 and any(c in _DELIMS for c in text[opening:start]):
                skipped.append((opening, start + 1))  # '基金（含生育保险，下同）总收入': the remark is dropped
                start = opening
    return start, skipped


def _window(text: str, end: int, floor: int = 0, keep_year: bool = False) -> str:
    while end > floor and text[end - 1] in " :：为是":
        end -= 1
    if end > floor and text[end - 1] in "）)":
        opening = max(text.rfind("（", floor, end), text.rfind("(", floor, end))
        if opening > floor:
            end = opening  # '资产总额（账面净值，下同）69.91万元': the remark is not the label
    start, skipped = _window_start(text, end, floor)
    window = text[start:end]
    for a, b in skipped:
        window = window[: a - start] + " " * (b - a) + window[b - start:]
    window = window.replace(" ", "") if skipped else window
    window = window.strip().lstrip("（(）)").strip()
    if keep_year or window[:2] not in ("19", "20"):
        return window
    return _LEADING_YEAR.sub("", window)


def _may_have_chinese_quantity(text: str) -> bool:
    """True when a text may hold a quantity in Chinese numerals ('一百二十万元'): the test
    :func:`found_quantities` makes before it looks for one."""
    return ("元" in text or "万人" in text or "百分之" in text) and has_chinese_quantity(text)


def _first_money(found: tuple[Found, ...]) -> Found | None:
    """The first amount of money among the numbers of a line."""
    for f in found:
        if f.quantity.kind == "money":
            return f
    return None


@functools.lru_cache(maxsize=4096)  # the words between two figures repeat within and across reports
def _read_segment(segment: str) -> tuple[str, int, str | None]:
    """The window of the figure that ends a segment (the words since the figure before it),
    where the segment's last sentence mark stands (-1: none), and the figure's window with its
    year kept, read back to the line's start, when the segment alone gives it (None when not).
    The window is :func:`_window` of the line at the figure with the segment's start as its
    floor: it never reads before the floor, so the segment alone gives it."""
    end_mark = _SENTENCE_MARKS.match(segment)
    year_window = None if _reaches_floor(segment) else _window(segment, len(segment), keep_year=True)
    return _window(segment, len(segment)), (end_mark.end() - 1 if end_mark else -1), year_window


def _reaches_floor(segment: str) -> bool:
    """True when the window of the figure that ends a segment may depend on what stands before
    the segment: :func:`_window` walked back to the segment's start, found no punctuation in the
    last :data:`_WINDOW_LOOKBACK` characters, or met a bracket. Otherwise the window read back to
    the line's start (floor 0) is the same as the segment's."""
    end = len(segment)
    while end > 0 and segment[end - 1] in " :：为是":
        end -= 1
    if end == 0 or segment[end - 1] in "）)":
        return True
    m = _LAST_DELIM.match(segment, max(0, end - _WINDOW_LOOKBACK), end)
    return m is None or segment.find("）", m.end(), end) >= 0 or segment.find(")", m.end(), end) >= 0


@functools.lru_cache(maxsize=4096)  # (the words between two figures repeat within and across reports)
def _segment_flow(segment: str) -> str | None:
    """The flow (``fund_flows.csv``) of the last fund flow word the words name; None when none."""
    m = _last(vocab.alternation("fund_flows"), segment)
    return vocab.synonyms("fund_flows", "flow")[m.group(0)] if m else None


_BALANCE_FLOWS = ("结余", "累计结余")  # (a sentence's budget never names these: they are a fund's)

_UNREAD = object()  # (a value not read yet)


@dataclass(slots=True)  # (made for every line with figures: slots make it and its look-ups cheaper)
class _LineState:
    stage: str | None = None
    stage_explicit: bool = False
    flow: str | None = None
    top_item: str | None = None
    parts_of: str | None = None  # the item whose parts follow ('其中')
    outer: str = ""  # parent path carried over from the previous line ('（1）基本支出…其中：')
    sentence_top: str | None = None  # the first item of the current sentence
    new_sentence: bool = False
    last_item: str | None = None
    fund_scheme: str | None = None  # the scheme of the last fund figure of the line ('…收入2.5亿元，支出…')
    last_fund: tuple[str, str] | None = None  # (scheme, flow) of the last fund figure
    subject_line: bool = False  # the sentence is about a budget subject ('…（类）…（款）…（项）')
    funding: str | None = None  # the funding the sentence's figures count ('一般公共预算财政拨款基本支出')
    fund_parts_of: tuple[str, str] | None = None  # (scheme, flow) whose parts follow ('其中：')
    sentence_fund_scheme: str | None = None  # the scheme of the first fund figure of the sentence
    line_fund_scheme: str | None = None  # the scheme of the first fund figure of the paragraph
    rate_base: str | None = None  # the name of the last rate named ('报销比例职工医保85%、居民医保70%')
    other_project: bool = False  # the sentence is about a project other than the scope
    #: The words the item the line is about is read from ('④政府采购执行率。…': the line up to its
    #: first amount), and that item once asked (:meth:`line_subject`; _UNREAD before)
    subject_words: str = ""
    subject: str | None | object = _UNREAD

    def open_sentence(self) -> None:
        """A new sentence: the first item of the last one has its parts named next ('…基本支出
        X万元。其中：人员经费…'); the item, the fund and the project of the last one end."""
        self.parts_of = self.sentence_top
        self.sentence_top = None
        self.top_item = None
        self.sentence_fund_scheme = None
        self.other_project = False

    def line_subject(self) -> str | None:
        """The budget item the line is about (:func:`mentioned_item` of :attr:`subject_words`),
        read when a bare stage word first asks: most lines never do."""
        if self.subject is _UNREAD:
            self.subject = mentioned_item(self.subject_words)
        return self.subject


# ------------------------------------------------------------------------------------------------
# The reader's decisions, one function each (tested case by case in tests/test_sentence_decisions.py)

_CLAUSE_COMMA = re.compile(r"[，,]")
_OPEN_BRACKET_END = re.compile(r"[（(]$")
_STAFF_WORD_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}?(人员|执法人员)")  # '…名执法人员'
_RATE_OF = vocab.words_pattern(r"<<rate_of_verb>>率$")  # '政府采购执行率': the rate of 政府采购
_RATE_NAME = vocab.words_pattern(r"[\u4e00-\u9fff]{1,12}?<<rate_name_end>>")
_RATE_NAME_CUT = vocab.words_pattern(r"<<rate_name_cut>>")
_RATE_WHERE = vocab.words_pattern(r"^<<own_area>>")
_SHARE_OF = re.compile(r"占([\u4e00-\u9fff]{0,8}?)(?:的)?$")
_REMARK = re.compile(r"[（(][^（）()]*[)）]")


@functools.cache
def _rate_scheme_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A scheme after a rate's name: shared by a list ('、居民医保70.2%'), or its qualifier
    ('报销比例职工医保85.5%')."""
    schemes = vocab.alternation("schemes").pattern
    copula = vocab.any_word("copula")
    return re.compile(rf"[、，,]?({schemes})(?:{copula})?"), re.compile(rf"({schemes})(?:{copula})?")


@functools.lru_cache(maxsize=4096)  # (the words before a rate repeat)
def _rate_words(segment: str) -> tuple[str | None, str | None, str | None]:
    """What the words before a rate name: the rate's name (None: none) and that name with the
    scheme named after it ('报销比例职工医保85.5%'); else the scheme of a list of the same rate
    ('…、居民医保70.2%', None when the words are no such list)."""
    w = compact(segment)
    names = _RATE_NAME.findall(w)
    if names:
        name = _RATE_NAME_CUT.split(names[-1])[-1] or names[-1]
        base = name = _RATE_WHERE.sub("", name)
        qualifier = _rate_scheme_res()[1].fullmatch(w[w.rfind(names[-1]) + len(names[-1]):])
        if qualifier:  # '报销比例职工医保85.5%': the rate of the scheme named after it
            name = f"{name}（{qualifier.group(1)}）"
        return base, name, None
    shared = _rate_scheme_res()[0].fullmatch(w)
    return None, None, (shared.group(1) if shared and segment.lstrip().startswith("、") else None)


_RATE_IS = re.compile(r"率(?:为|是)\s*$")  # '…率为' right before a bare number: a rate
_THRESHOLD_BEFORE = re.compile(r"[<>≤≥＜＞=×*xX]\s*$")  # '＜95%', '×100%': no share of anything


def _reader_of(kind: str | None, before: str, indicator_actual: bool) -> str | None:
    """Which reader a figure of a sentence goes to, by its kind and the (up to four) characters
    before it: 'indicator' for the actual of an indicator stated in the sentence (left to the
    indicator reader; ``indicator_actual`` is asked only of figures a service could take),
    'persons' for a head count, 'money' for an amount (assets, then funds, then the budget),
    'rate' for a share (not a threshold '＜95%') or a bare number after '…率为'; None for the
    others (a count: only a service figure).

    Examples
    --------
    >>> _reader_of("money", "支出", False), _reader_of("percent", "率≥", False)
    ('money', None)
    """
    if indicator_actual:
        return "indicator"
    if kind == "persons":
        return "persons"
    if kind == "money":
        return "money"
    if kind is None and _RATE_IS.search(before):
        return "rate"
    if kind == "percent" and not _THRESHOLD_BEFORE.search(before[-2:]):
        return "rate"
    return None


def _persons_in_wan(f: Found, window: str) -> Found:
    """'参保人数38.65万': a bare 万 after a word of persons counts persons (万人), not yuan."""
    q = f.quantity
    if q.unit == "万" and _PERSONS_LABEL.search(window):
        return Found(f.start, f.end, Quantity(q.raw, q.value, "万人", q.op, q.low, q.high, q.text_value))
    return f


class _FundWords(NamedTuple):
    """What the window of a money figure says of a fund (:func:`_fund_window`)."""

    window: str  # the window without organisation names and remarks in brackets
    scheme: re.Match[str] | None  # its last scheme word
    fund_word: bool  # it has a fund word (基金 …)
    flow_only: bool  # it names a flow only ('支出', '当年结余', '实际收入' after a fund)
    in_fund: bool  # the figure is a fund's


@functools.lru_cache(maxsize=4096)  # (a few windows and schemes, over and over)
def _fund_window(window: str, sentence_fund: str | None, last_fund: str | None) -> _FundWords:
    """What a figure's window says of a fund, given the scheme of the sentence's first fund
    figure and that of the last fund figure of the line: the figure is a fund's when its window
    names a scheme or a fund word, or names only a flow after a fund figure ('…收入2.5亿元，
    支出…'); after a fund of the sentence a staged flow ('实际收入') names only a flow too."""
    window, m, has_fund_word, flow_only = _fund_words(window)
    if not flow_only and sentence_fund and _staged_flow_re().fullmatch(compact(window)):
        flow_only = True  # '…基金预算收入5.3亿元，实际收入5.23亿元': the fund of the sentence
    in_fund = bool(m) or has_fund_word or bool(flow_only and last_fund)
    return _FundWords(window, m, has_fund_word, flow_only, in_fund)


#: The gates of :func:`_fund_gate` after which the fund reader keeps the figure (no other table).
_FUND_CLAIMS = ("part", "other insurance")


@functools.lru_cache(maxsize=4096)  # (windows repeat within and across reports)
def _fund_part_words(window: str) -> bool:
    """True when a window names a part of a flow or money moved between pools (:func:`_fund_gate`),
    or says the figure is contained in the flow before it ('基金支出含大病保险支出1.12亿元': the
    part's figure, not the fund's; a closed bracket '职工医保（含生育保险）基金收入…' says what the
    scheme covers, and the figure after it is the scheme's)."""
    return _names("fund_part", window) or _names("fund_transfer", window) or _contained_figure(window)


_CLOSES_CONTAINED = re.compile(r"[）)，,；;。]")


def _contained_figure(window: str) -> bool:
    """True when the window's last '含' follows a flow ('支出含…', ``context_words.csv``,
    contained_after) and is still open at its end: no bracket closed and no clause ended after it.

    Examples
    --------
    >>> _contained_figure("城乡居民医保基金支出含大病保险支出"), _contained_figure("职工医保（含生育保险）基金收入")
    (True, False)
    >>> _contained_figure("含山县城乡居民医保基金收入")
    False
    """
    at = window.rfind("含")
    return at > 0 and window[:at].endswith(_words("contained_after")) and _CLOSES_CONTAINED.search(window, at) is None


def _fund_gate(words: _FundWords, sentence: str, sentence_fund: bool, project_scope: bool) -> str | None:
    """Why a money figure is no fund's flow, read on its window and sentence (None: it may be):
    'part' for a part of a flow or money moved between pools ('利息收入612万元', '含市级统筹下拨
    资金'), 'other insurance' for a fund of pension or work-injury insurance (both kept by the fund
    reader: no table), and for the budget reader: 'no fund' (no fund named), 'excluded'
    ('追回医保基金'), 'project money' ('补助资金实际支出' in a project's report, with no fund
    word), 'subsidy' ('资助参加基本医疗保险1.27亿元': 医疗救助's spending on premiums)."""
    window = words.window
    if (words.in_fund or sentence_fund) and _fund_part_words(window):
        return "part"  # (a fund of an earlier sentence does not make '我局…其他收入20万元' a fund's part)
    if (words.in_fund or words.flow_only) and _other_insurance(sentence):
        return "other insurance"  # '养老保险基金收入…，支出…': no fund of medical insurance, and no budget
    if not words.in_fund:
        return "no fund"
    if _names("fund_exclude", window):
        return "excluded"
    if not words.fund_word and project_scope and _names("project_money", window):
        return "project money"
    if _names("subsidy", window):
        return "subsidy"
    return None


def _budget_item_first(words: _FundWords, last_fund: str | None) -> bool:
    """True when a fund figure's window names a budget item and nothing makes it a fund's: no
    scheme word, no bare flow after a fund figure, and no total with a fund word ('基金总支出' is
    the fund's): '项目支出…' is the budget's."""
    item = budget_item(words.window)
    if item is None or words.scheme is not None or (words.flow_only and last_fund):
        return False
    return not (item[0] in _TOTALS and words.fund_word)


_MAIN_FLOWS = ("收入", "支出", "结余", "累计结余")  # a fund's flows; the others are parts of its income


@functools.lru_cache(maxsize=4096)  # (a few windows, flows and schemes, over and over)
def _fund_flow(window: str, line_flow: str | None, scheme: str) -> tuple[str | None, bool]:
    """The flow of a fund figure: the last flow its window names, else the flow the line named
    ('基金方面，收入…'), else 支出 for 医疗救助's money; and whether it is a deficit ('当期赤字')."""
    fm = _last(vocab.alternation("fund_flows"), window)
    flow = vocab.synonyms("fund_flows", "flow")[fm.group(0)] if fm else line_flow
    if flow == "收入" and fm is not None:
        flow = _income_part(window[: fm.start()]) or flow  # '财政补助资金到位…': the part arrived
    if flow is None and scheme == "医疗救助" and not _GRANTED.search(window):
        flow = "支出"  # (not '医疗救助补助资金共5.86亿元': money granted to the scheme, not its spending)
    return flow, fm is not None and _names("deficit", fm.group(0))


@functools.lru_cache(maxsize=4096)  # (a few windows and items, over and over)
def _expense_of(window: str, hit: tuple[str, str]) -> tuple[str, str] | str | None:
    """What a total's word after the name of one expense names ('公用经费总支出', '机关运行经费支出合计'):
    that expense's item when it is one, '' when it is none (no row: not the department's total),
    None when no expense's name stands before the total's word.

    >>> _expense_of("本部门机关运行经费总支出", ("支出合计", "总支出")), _expense_of("本部门总支出", ("支出合计", "总支出"))
    ('', None)
    >>> _expense_of("公用经费总支出", ("支出合计", "总支出"))
    ('公用经费', '公用经费')
    """
    if "三公" in window:
        return None  # ('"三公"经费支出预算': the 三公 figure, :meth:`_Reader._budget_record`)
    w = compact(window)
    k = w.rfind(hit[1])
    if k <= 0 or not w[:k].endswith(_words("expense_end")):
        return None
    return budget_item(w[:k]) or ""


# a sentence opening on a unit's name ('（三）松岭县医疗保险服务中心本年支出合计…')
_UNIT_SUBJECT = vocab.words_pattern(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．])?(?:其中[，,:：]?)?(?P<org>[\u4e00-\u9fff]{2,20}?"
                                    r"(?:<<unit_suffix>>))(?=\d|本年|全年|年度|收入|支出|[\u4e00-\u9fff]{0,6}(?:收入|支出))")
_TITLE_LINES = 8  # the lines a report's title stands in (after a web page's chrome)
_SENTENCE_MARK = re.compile("[。，；,;]")


_LIST_WINDOWS = ("", *_LIST_JOINS)  # the window of a figure in a list after '分别为' ('…万人和42.22万人')
_RESPECTIVE_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*万?人")  # (a head count after '分别', before the figure)


_LIST_ITEMS = re.compile(r"[、和及与]")


def _respective_scheme(sentence: str) -> str | None:
    """The scheme of a head count after '分别' ('职工医保和居民医保参保人数分别为4.56万人和42.22万人'):
    the scheme named at the same place in the list before it; None when the sentence is no such
    list; '' when the figure cannot be matched with a name of the list.

    >>> _respective_scheme("职工医保和居民医保参保人数分别为4.56万人和")
    '居民医保'
    >>> _respective_scheme("职工医保参保人数分别为"), _respective_scheme("全县参保人数")
    ('', None)
    >>> _respective_scheme("参保总人数、职工医保和居民医保参保人数分别为46.78万人、")
    ''
    """
    k = sentence.rfind("分别")
    if k < 0:
        return None
    start = max(sentence.rfind(c, 0, k) for c in "。；;，,") + 1  # (the list's clause: '、' goes on)
    words = _INCLUDES.sub("", sentence[start:k]) if "含" in sentence[start:k] else sentence[start:k]
    names = [vocab.synonyms("schemes", "scheme")[m.group(0)] for m in vocab.alternation("schemes").finditer(words)]
    at = len(_RESPECTIVE_FIGURE.findall(sentence, k))
    if len(names) < 2 or at >= len(names) or vocab.alternation("schemes").search(sentence, k) is not None:
        return ""
    if len([x for x in _LIST_ITEMS.split(words) if x.strip()]) != len(names):
        return ""  # ('参保总人数、职工医保和居民医保参保人数分别为…': an item of no scheme shifts the places)
    return names[at]


_RUN_IN_HEAD = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])([^。，,；;\d]{2,16})。")


def _run_in_head(line: str) -> str:
    """The heading a paragraph opens with ('（三）下属单位情况。…' → '下属单位情况'), '' when none:
    the topic of the whole paragraph.

    >>> _run_in_head("（三）下属单位情况。松岭县医疗保险服务中心本年支出合计412.36万元。"), _run_in_head("本年支出合计")
    ('下属单位情况', '')
    """
    m = _RUN_IN_HEAD.match(line)
    return m.group(1) if m else ""


@functools.cache
def _scheme_project_re() -> re.Pattern[str]:
    """A scheme's project ('医疗救助项目', '城乡居民医保经办服务项目'): the department's budget line, no fund."""
    return re.compile(rf"(?:{vocab.alternation('schemes').pattern})[\u4e00-\u9fff]{{0,8}}项目(?!支出)")


_LEAD_COLON = re.compile(r"^([^：:，,。；;]{2,20})[：:]")


_BARE_FLOWS = ("支出", "收入", "总支出", "总收入")
_HEAD_COUNT = vocab.words_pattern(r"\d\s*(?:万|千)?\s*(?:<<head_count_unit>>)")  # a head count before a bare flow
# a span of several years ('近三年', '2021-2023年', '历年', '各年度')
_YEARS_SPAN = re.compile(r"近[两二三四五六七八九十\d]{1,2}年|(?:19|20)\d{2}\s*年?\s*[-－—~～至到]\s*(?:19|20)\d{2}\s*年|历年|各年")
_WITHOUT = re.compile(r"不含([^）)，,；;。]{1,12})")


def _without_group(clause: str) -> bool:
    """True when a clause leaves out a group that is no insurance ('参保人数（不含学生）'); leaving
    out a scheme ('职工医保（不含生育保险）参保人数') still counts the scheme named.

    >>> _without_group("城乡居民医保参保人数（不含学生）"), _without_group("职工医保（不含生育保险）参保人数")
    (True, False)
    """
    m = _WITHOUT.search(clause)
    return m is not None and vocab.alternation("schemes").search(m.group(1)) is None


@functools.lru_cache(maxsize=1024)
def _named_fund(sentence: str) -> str | None:
    """The scheme of the last fund a sentence names by its scheme ('长期护理保险基金单独核算，'
    → 长期护理保险; '职工医保（含生育保险）基金' → 职工医保), None when it names none or only
    the fund as a whole ('医保基金…').

    >>> _named_fund("长期护理保险基金单独核算，2023年"), _named_fund("加强医保基金监管，全年")
    ('长期护理保险', None)
    >>> _named_fund("全县医保基金收支总体平衡，")
    '合计'
    """
    text = _INCLUDES.sub("", compact(sentence))
    scheme = None
    for m in vocab.alternation("schemes").finditer(text):
        if text.startswith("基金", m.end()):
            scheme = vocab.synonyms("schemes", "scheme")[m.group(0)]
            if scheme == "合计" and not _FUND_SUBJECT.fullmatch(text, 0, m.start()):
                scheme = None  # '为加强医保基金监管，…收入…': the fund is no subject of the sentence
    return scheme


# what may stand before a fund opening its sentence ('全县医保基金收支总体平衡，收入…', '2023年，全市医保基金…')
_FUND_SUBJECT = re.compile(r"(?:(?:19|20)\d{2}年度?[，,]?)?(?:[全本我][省市县区州盟旗])?")


def _fund_lead(sentence: str) -> bool:
    """True when a sentence opens with a label naming a fund before a colon ('基金收支情况：…',
    '医保基金运行情况：…'; not '政府性基金…'): its bare flows are that fund's.

    >>> _fund_lead("基金收支情况：收入3.42亿元，支出"), _fund_lead("收支情况：收入")
    (True, False)
    """
    m = _LEAD_COLON.match(sentence.lstrip())
    return m is not None and _names("fund", m.group(1)) and "政府性基金" not in m.group(1)


_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
# '1-11月', '1至6月', '截至11月底', '截至2023年6月30日': a part of the year (not '1-12月', '12月底')
_PARTIAL_MONTHS = vocab.words_pattern(rf"(?:^|[^\d])(?:1|一)\s*[-－—~～至到]\s*(?P<a>{_MONTH})\s*月"
                                     rf"|<<year_lead>>[^，。；,;]{{0,8}}?(?<![\d])(?P<b>{_MONTH})\s*月\s*"
                                     rf"(?:<<month_end>>|\d{{1,2}}\s*日)")
_FULL_YEAR_MONTHS = ("12", "十二")


_CLAUSE_TAIL = re.compile(r"[，,；;]")


def _partial_period(sentence: str) -> bool:
    """True when a sentence is about a part of the year ('2023年1-11月，…', '截至11月底', '上半年',
    '一季度'): its flows and head counts are no figures of the year.

    >>> _partial_period("2023年1-11月，全县职工医保基金收入"), _partial_period("2023年1-12月，基金收入")
    (True, False)
    >>> _partial_period("截至2023年11月底，全县参保人数"), _partial_period("截至2023年12月31日，参保人数")
    (True, False)
    """
    if "月" in sentence:
        for m in _PARTIAL_MONTHS.finditer(sentence):
            if (m.group("a") or m.group("b")) not in _FULL_YEAR_MONTHS:
                return True
    return ("季" in sentence or "半年" in sentence) and _names("partial_period", sentence)


def _income_part(words: str) -> str | None:
    """The part of a fund's income ('财政补助收入', '个人缴费收入') the words before a generic income
    word name ('各级财政补助资金到位26,915万元': the subsidy that arrived, not the fund's income), or None.

    >>> _income_part("城乡居民医保各级财政补助资金"), _income_part("城乡居民医保基金")
    ('财政补助收入', None)
    """
    fm = _last(vocab.alternation("fund_flows"), words)
    flow = vocab.synonyms("fund_flows", "flow")[fm.group(0)] if fm else None
    return flow if flow and flow != "收入" and flow.endswith("收入") else None


def _whole_project(hit: tuple[str, str] | None, scope: str) -> tuple[str, str] | None:
    """In the report on a project named as a 项目支出 (its name ends in 专项资金, 专项经费 …),
    '…专项资金年初预算安排…' names the project itself: its whole money, 支出合计."""
    if hit is not None and hit[0] == "项目支出" and scope != DEPARTMENT_SCOPE:
        named = budget_item(compact(scope))
        if named is not None and named[0] == "项目支出":
            return "支出合计", hit[1]
    return hit


_PROCUREMENT_KIND = re.compile(r"^其中[:：]?|类$")


@functools.lru_cache(maxsize=4096)  # (windows repeat within and across reports)
def _window_stage(window: str) -> tuple[str, str] | None:
    """The stage a figure's window names (:func:`stage_of` of the window without white space),
    memoised on the window as written: the budget, fund and service readers all ask."""
    return stage_of(compact(window))


@functools.lru_cache(maxsize=4096)  # (the words since the figure before repeat)
def _stage_words(segment: str, window: str) -> tuple[tuple[str, str] | None, bool]:
    """The stage the words since the figure before name (spending words: 决算), and whether the
    window names that same stage (:meth:`_Reader._set_stage`)."""
    st = stage_of(segment)
    spent = _SPENT.search(compact(window))
    if spent:
        st = ("决算", spent.group(0))
    return st, _window_stage(window) == st


def _bare_total(item: str, raw: str) -> bool:
    """True for a total named by a stage or flow word alone ('全年预算数', '实际支出', '年初预算安排'),
    not by the words of the department's totals ('本年支出合计', '收入总计').

    >>> _bare_total("支出合计", "实际支出"), _bare_total("收入总计", "财政拨款收入总计")
    (True, False)
    """
    return item in _TOTALS and not any(w in raw for w in _DEPARTMENT_TOTAL_WORDS)


_DEPARTMENT_TOTAL_WORDS = ("合计", "总计", "本年", "部门")


#: The total a bare flow word names after a total of one funding: '财政拨款收入2,250.13万元，支出
#: 2,271.40万元' is that funding's expenditure, not the department's.
_FUNDED_COUNTERPARTS = {("财政拨款收入", "支出合计"): "财政拨款支出", ("财政拨款支出", "收入合计"): "财政拨款收入"}


def _funded_counterpart(item: str, raw: str, top_item: str | None) -> str:
    """The item of a bare '收入'/'支出' (``raw``) right after the total of one funding (``top_item``)
    in its sentence: that funding's other total; else ``item``.

    >>> _funded_counterpart("支出合计", "支出", "财政拨款收入"), _funded_counterpart("支出合计", "本年支出", "财政拨款收入")
    ('财政拨款支出', '支出合计')
    """
    if raw not in ("收入", "支出") or not top_item:
        return item
    return _FUNDED_COUNTERPARTS.get((top_item, item), item)


@functools.lru_cache(maxsize=4096)  # (a few windows, parents and scopes, over and over)
def _named_item(window: str, parts_of: str | None, scope: str) -> tuple[str, str] | None:
    """The budget item (and its words) a figure's window names (:func:`_whole_project`); under a
    total's '其中' in a project's report, a funding source ('其中：中央补助资金…'); under
    政府采购's '其中', a kind of purchase ('其中货物类')."""
    hit = _whole_project(budget_item(window), scope)
    if hit is None and parts_of in _TOTALS and scope != DEPARTMENT_SCOPE:
        hit = funding_source(_after_last(compact(window), _LIST_MARKS))  # a project's '其中：中央补助资金…'
    if hit is None and parts_of == "政府采购":
        kind = _PROCUREMENT_KIND.sub("", compact(window))  # '其中货物类'
        if kind in _PROCUREMENT_KINDS:
            hit = (f"政府采购{kind}", compact(window))
    return hit


# the report's own unit opening a figure's words ('本部门全年收入', '我局全年支出')
_OWN_SUBJECT = vocab.words_pattern(r"^(?:<<own_unit>>)(?:<<own_unit_noun>>)(?=全年)")


def _whole_year_item(window: str, top_item: str | None, subject: str | None) -> tuple[str, str] | None:
    """'全年支出9.84万元': what a figure named by a time word is of. Only a total: of the item just
    named ('“三公”经费年初预算12.60万元，全年支出…', unless an income or a total), else of the item
    the sentence opens with (``subject``: '一是“三公”经费控制严格，全年支出6.2万元'), else the
    total itself; None for no total ('全年拨付定点医疗机构医保资金') or a sentence naming an item
    elsewhere (``subject`` '')."""
    text = _OWN_SUBJECT.sub("", _INCLUDES.sub("", compact(window)))  # '本部门（含下属单位）全年收入'
    hit = budget_item(text.replace("全年", "", 1), strict=True)  # '全年支出': 支出合计
    if hit is None or hit[0] not in _TOTALS:
        return None  # a time word names no budget line
    if hit[0] != "支出合计":
        return hit
    if top_item:
        if top_item not in _TOTALS and item_category(top_item) != "收入":
            return top_item, compact(window)
        return hit
    if subject is None:
        return hit
    if not subject or subject in _TOTALS or item_category(subject) == "收入":
        return None
    return subject, compact(window)


def _part_after_stage(window: str, stage_word: str) -> bool:
    """True when the words after a bare stage word name one part of the money ('预算安排配套资金',
    '实际支出自筹资金'): a funding source the vocabulary does not list, not the total.

    >>> _part_after_stage("县本级预算安排配套资金", "预算安排"), _part_after_stage("年初预算安排资金", "年初预算安排")
    (True, False)
    """
    text = compact(window)
    at = text.rfind(stage_word)
    return at >= 0 and _names("funding_part", text[at + len(stage_word):])


def _keeps_item(hit: tuple[str, str] | None, top_item: str | None) -> bool:
    """True when a stage word names an item of another category than the item just named: '决算
    支出' after an income figure is the expenditure total, not more income (but '“三公”经费预算
    3.5万元，实际支出2.86万元' is the actual of the item just named)."""
    if hit is None or not top_item or not is_stage_word(hit[1]):
        return False
    category = item_category(top_item)
    return category != item_category(hit[0]) and not (hit[0] in ("支出合计", "支出总计") and category != "收入")


def _item_in_context(hit: tuple[str, str] | None, raw: str, named: tuple[str | None, str | None],
                     topic: str | None, window: str) -> tuple[str, str] | None:
    """The item a bare stage word ('年初预算', '决算支出', ``raw``) is of: the item just named, else
    the item the line is about (``named``: both), else the section's topic when the words say
    total ('合计'), else, under no topic, the total of the flow the words name (or the total the
    stage word names, ``hit``); None under a topic the words do not name."""
    top_item, subject = named
    if top_item:
        return top_item, raw
    if subject:
        return subject, raw
    if topic and _names("total", window):
        return topic, raw
    if topic is None:  # a stage word alone: the total of the flow its words name
        return hit or ("收入合计" if _INCOME_WORD.search(compact(window)) else "支出合计", raw)
    return None


@functools.lru_cache(maxsize=4096)  # a few items and paths, over and over
def _budget_parent(item: str, parts_of: str | None, outer: str) -> tuple[str, bool]:
    """The parent path of a budget row, and whether the row is a part of the item before it
    ('基本支出…，其中：人员经费…'): a part's parent is that item (under the path carried from the
    line before), any other row's the carried path; a total is never a part, nor in a path."""
    is_part = bool(parts_of) and parts_of != item and item not in _TOTALS
    parent = join_path(outer, parts_of) if is_part else outer
    return clean_parent("/".join(p for p in parent.split("/") if p and p not in _TOTALS), item), is_part


@functools.lru_cache(maxsize=4096)  # (the words before a figure repeat)
def _names_other_year(window: str, fiscal_year: int) -> bool:
    """:func:`names_other_year`, memoised."""
    return names_other_year(window, fiscal_year)


class _ClauseWords(NamedTuple):
    """What the clause of a money figure names of another government (:func:`_clause_words`)."""

    other_government: bool  # money of a higher government (:meth:`_Reader._above`)
    allocated_above: bool  # a higher body and an allocation (:meth:`_Reader._above`)


@functools.lru_cache(maxsize=4096)  # (a figure's clause is a few words: they repeat)
def _clause_words(clause: str) -> _ClauseWords:
    """What a figure's clause (as written: compacted here, once) names of another government; both
    answers at once, since a money figure asks for both (the fund reader, then the budget reader)."""
    words = compact(clause)
    return _ClauseWords(_names("other_government", words) or _higher_subsidy_re().search(words) is not None,
                        _names("higher_body", words) and _names("allocation", words))


class _Reader:
    def __init__(self, ctx: ReportContext, fiscal_year: int | None):
        self.ctx = ctx
        self._report_id = ctx.doc.report_id  # (every row names it)
        self._source_of: tuple[int, str] = (-1, "")  # (line, source) of the last row made (:meth:`_rec`)
        self.fiscal_year = fiscal_year
        self.rows = NarrativeRows()
        self.outer = ""  # parent path carried from one line to the next
        self.ctx_topic: str | None = None  # the item the current section heading names
        self._after = ""  # the words right after the number being read
        self._folded = ""  # the line being read, folded
        self._staff_unit: str | None = None  # the unit of the department the head counts are about
        self.heading_topic: str | None = None  # the service topic the current section heading names
        self.heading_scheme: str | None = None  # the fund the current section heading names
        self._sentence_start = 0  # where the sentence of the number being read starts
        self._current: Found | None = None  # the figure being read
        self._key: tuple[int, str] = (0, "")  # its ledger key (line, number)
        self._took = False  # whether the figure being read was placed
        self._withheld = False  # a guard left the figure to the residue: no service figure either
        self._segment = ""  # the words since the number before
        self._last_year: int | None = None  # the year the last paragraph that named one opened with
        self._paragraph_year: int | None = None  # the year the paragraph opens with
        self._clause_at: tuple[int, int] | None = None  # (sentence start, figure start) of the clause below
        self._clause_text = ""  # the clause of the figure being read
        self._year_window_at = -1  # (figure start of the window below)
        self._first_year_mark = -1  # where the line's first 年 stands (-1: none)
        self._year_window_text = ""  # the window of the figure being read, its year kept
        self._segment_year_window: str | None = None  # that window as its segment gives it (None: not)
        self._line_words: dict[str, bool] = {}  # kind -> whether the line names a word of it (:meth:`_line_names`)
        self._outer_funding: tuple[str, str | None] = ("", None)  # (outer path, the funding its total counted)
        # the fund the first fund figure of the paragraph just before named (None after a heading or a
        # paragraph of no fund): a paragraph that opens with a bare flow goes on with it
        self._carried_fund: str | None = None
        self._title_words: str | None = None  # the first lines of the report, compacted (:meth:`_other_unit`)
        self._next_carried_fund: str | None = None

    # ------------------------------------------------------------------ helpers
    def _rec(self, line: int, **kw) -> dict:
        at, source = self._source_of
        if at != line:  # (the rows of a line, one after another, share its source)
            source = self.ctx.source(line)
            self._source_of = (line, source)
        return {"report_id": self._report_id, "source": source, **kw}

    def _place(self, line: int, number: str | None) -> None:
        """Record a number as placed (and whether it is the figure being read: its ledger key,
        made by :meth:`_read_figure`, goes to the ledger as it is)."""
        f = self._current
        if f is not None and number == f.quantity.text_value:
            self._took = True
            if number:  # (the figure's own line: the key holds)
                self.ctx.place_key(self._key)
                return
        self.ctx.place(line, number)

    def _line_names(self, kind: str) -> bool:
        """True when the line being read names a context word of the kind anywhere (plain
        substring tests, once per line and kind): a sentence of the line, or any other part of
        it, can name one only then. Most lines name none, and the words of a long sentence are
        then not searched again for each of its figures."""
        known = self._line_words.get(kind)
        if known is None:
            # (no word of the kind: its pattern is empty and matches anywhere; one search of the
            # words' alternation, in C, rather than a substring test per word)
            known = self._line_words[kind] = _words_re(kind).search(self._folded) is not None
        return known

    def _other_unit(self, f: Found) -> bool:
        """True when the figure's sentence opens on a unit (a name ending in 中心, 分局 …) that the
        report's title does not name: a unit of the department, not the department the report is on
        ('县医疗保障中心2023年支出合计…' in the bureau's 决算)."""
        named = self._line_words.get("~unit_suffix")
        if named is None:  # (once per line)
            named = self._line_words["~unit_suffix"] = any(w in self._folded for w in vocab.word_list("unit_suffix"))
        if not named:
            return False  # (no unit's name on the line: most lines)
        m = _UNIT_SUBJECT.match(compact(self._folded[self._sentence_start: f.start]))
        if m is None or m.group("org").startswith(vocab.word_list("own_unit")):
            return False
        return m.group("org") not in self._title()

    def _title(self) -> str:
        """The report's title lines, compacted (made once per report)."""
        if self._title_words is None:
            self._title_words = compact("".join(  # (a title line is no sentence)
                tl.text for tl in self.ctx.doc.text_lines[:_TITLE_LINES] if not _SENTENCE_MARK.search(tl.text)))
        return self._title_words

    def _service_flow(self, f: Found, window: str) -> bool:
        """True for a bare flow ('支出', '收入') after a head count of a service in its sentence
        ('全年门诊慢特病待遇享受人数1.26万人，支出0.42亿元'): the service's money, not the
        department's total."""
        if compact(window) not in _BARE_FLOWS:
            return False  # (most windows name more than a flow)
        sentence = self._folded[self._sentence_start: f.start]
        return _HEAD_COUNT.search(sentence) is not None \
            and topic_within(topic_words(self._folded), (self._sentence_start, f.start)) is not None

    def _years_list(self, f: Found) -> bool:
        """True when a figure is one of a list over several years ('近三年居民医保基金累计结余分别为
        1.32亿元、1.23亿元和1.08亿元', '2021-2023年…分别为…'): which year each is, is unsure."""
        if not self._line_names("respectively"):
            return False  # (most lines say no '分别')
        sentence = self._folded[self._sentence_start: f.start]
        return _names("respectively", sentence) and _YEARS_SPAN.search(sentence) is not None

    def _region_part(self, f: Found) -> bool:
        """True when a figure's sentence names one region's own part ('其中，省本级职工医保基金收入…，
        支出…', '省本级职工医保参保38.26万人') in a report whose title does not: a part, not the
        whole region's fund or enrolment."""
        if not self._line_names("region_part"):
            return False  # (most lines name none)
        sentence = self._folded[self._sentence_start: f.start]
        for m in _words_re("region_part").finditer(sentence):
            before, after = sentence[max(0, m.start() - 1): m.start()], sentence[m.end(): m.end() + 1]
            if before not in ("含", "括") and after not in _LIST_JOINS and before not in _LIST_JOINS \
                    and m.group(0) not in self._title():
                return True  # (not '全省（含省本级）…', '省本级和各州市…': the whole)
        return False

    def _partial_sentence(self, f: Found) -> bool:
        """:func:`_partial_period` of the figure's sentence up to it, on a line that names a month,
        a quarter or a half year (most lines name none: their sentences are not cut out)."""
        known = self._line_words.get("~partial")
        if known is None:  # (once per line)
            folded = self._folded
            known = self._line_words["~partial"] = "月" in folded or "季" in folded or "半年" in folded
        if not known:
            return False
        sentence = self._folded[self._sentence_start: f.start]
        # ('1-11月支出合计300万元，全年支出合计321.9万元': a clause of its own on the whole year)
        return _partial_period(sentence) and not _names("whole_year", _CLAUSE_TAIL.split(sentence)[-1])

    def _prior_period(self, window: str, year_end: bool) -> bool:
        """True when a figure's window names the year before ('上年同期实际支出…'; with ``year_end``,
        a fund's or a head count's '上年末…' too), or its sentence the year after ('下一年度…'): a
        figure of another year, no row of the report's year (a change against it, '比上年同期增加',
        is a change)."""
        if self._line_names("prior_period") and _names("prior_period", window):
            return True
        if self._line_names("next_period") and self._current is not None \
                and _names("next_period", self._folded[self._sentence_start: self._current.start]):
            return True  # '下一年度预算收入1,342万元', '明年，…': the year after's
        if year_end and self._line_names("prior_year_end") and _names("prior_year_end", window):
            return True
        # '上年“三公”经费决算数为5.1万元': a clause about the year before (not '上年结转…', this year's money)
        if not self._line_names("prior_lead"):
            return False  # (the line names no year before: most lines)
        w = compact(window)
        return w.startswith(_words("prior_lead")) and not any(c in w for c in _words("carry_over"))

    def _year_at(self, f: Found) -> int | None:
        """The year a figure is for: the last 'YYYY年' of its clause, else the year its sentence
        opens with ('2021年，全市…', '截至2023年底，…'), else the fiscal year; a report whose
        year is unknown takes the year the paragraph opened with."""
        if 0 <= self._first_year_mark < f.start:  # (no 年 before the figure: neither its window nor its clause names a year)
            window = self._year_window(f)
            m = _last(_YEAR, window) if "年" in window else None
            if m:
                return int(m.group(1))
            year = self._clause_year(f)
            if year:
                return year
            clause = self._clause(f)
            m = _CLAUSE_FISCAL_YEAR.search(clause) if "年度" in clause else None  # (the pattern needs 年度)
            if m:
                return int(m.group(1))  # '公开｜2022年度全市基本医疗保险基金收支情况（收入196.42亿元）'
        m = _SENTENCE_YEAR.match(self._folded, self._sentence_start)
        if m:
            return int(m.group(1))
        return self.fiscal_year or self._paragraph_year or self._last_year  # (a report of unknown year)

    def _year_window(self, f: Found) -> str:
        """The window of a figure with its year kept (back to the line's start), made once per
        figure (the year and the other-year guard both read it)."""
        if self._year_window_at != f.start:
            # (the segment's own, when the segment alone gives it: most figures)
            window = self._segment_year_window if f is self._current else None
            if window is None:
                window = _window(self._folded, f.start, keep_year=True)
            self._year_window_at, self._year_window_text = f.start, window
        return self._year_window_text

    def _clause(self, f: Found) -> str:
        """The clause of a figure: its sentence back to the last '，；' (a list cut by '、' goes on);
        made once per figure (the guards, the year and the service words read it)."""
        at = (self._sentence_start, f.start)
        if self._clause_at != at:
            self._clause_at = at
            # (:func:`_after_last` of the sentence, matched in place: the sentence is not cut out first)
            m = _CLAUSE_MARKS.match(self._folded, self._sentence_start, f.start)
            self._clause_text = self._folded[m.end() if m else self._sentence_start: f.start]
        return self._clause_text

    def _above(self, f: Found) -> _ClauseWords:
        """What a figure's clause names of a higher government, read on the whole clause (a list
        '中央、省级' does not hide the first): its money ('争取中央、省级医疗救助补助资金856万元',
        '省级下达医疗救助补助资金'), or what a higher body allocates ('自治区财政厅、自治区医疗保障局
        共下达全区…补助资金4.27亿元': another government's money, in any scope)."""
        return _clause_words(self._clause(f))

    def _indicator_actual(self, f: Found, window: str) -> bool:
        """'资助困难群众参保人数：年度目标≥3.1万人，实际完成3.24万人': the actual of an indicator
        stated in a sentence (after its target) is no head count, flow, budget or service figure."""
        if ("实" not in window and "完" not in window) or not _ACTUAL_WORDS.fullmatch(compact(window)):
            return False  # (the words need 实际 or 完成: most windows have neither)
        return _STATED_TARGET.search(self._folded, self._sentence_start, f.start) is not None

    def _named_list(self, f: Found, window: str) -> str:
        """The words of a figure with the list of names its window was cut from: '争取中央、省级
        医疗救助补助资金856万元' is named by the whole clause, not by '省级…' alone (a list of
        figures, '5大类、22项', keeps its window)."""
        clause = self._clause(f).strip()
        if len(clause) > len(window) and "、" in clause and not found_quantities(clause):
            last_list = clause.rfind("、")
            of = clause.rfind("的", 0, last_list)  # '…联盟组织的中成药、肝功能、新冠试剂等': the list itself
            return clause[of + 1:] if of >= 0 else clause
        return window

    def _sentence_subject(self, f: Found) -> str | None:
        """The budget item a sentence opens with, after its list marker ('一是“三公”经费控制严格，
        全年支出6.2万元' is about 三公经费). None when the sentence opens with none; a sentence that
        names an item elsewhere ('压减公用经费，全年支出…') is unsure: '' (no row)."""
        sentence = compact(self._folded[self._sentence_start: f.start])
        head = _LIST_MARKER.sub("", sentence)
        m = _items_re(False).search(head)
        if m is None:
            return None
        if m.start() > 1:
            return ""
        return vocab.synonyms("budget_items", "item")[m.group(0)]

    def _clause_year(self, f: Found) -> int | None:
        """The year of the last clause before a figure (within its sentence) that opens with a
        year: '2022年，…7.12亿元；2023年，基金收入7.58亿元' dates 7.58 to 2023. A year opens a
        clause right after '；', or after '，' when it is a clause of its own ('…，2023年底，…');
        '比2022年…', '与2022年相比' open none."""
        text = self._folded[self._sentence_start: f.start]
        year = None
        if "年" not in text:
            return None  # (most clauses name no year)
        for m in _clause_years(text):
            opens_sentence = m.start() == 0
            after_semicolon = m.start() > 0 and text[m.start() - 1] in "；;"
            if opens_sentence or after_semicolon or m.group("alone"):
                year = int(m.group(1))
        return year

    # -------------------------------------------------------------------- lines
    def start_section(self) -> None:
        """A section heading: the fund of the paragraph before it goes on no further."""
        self._next_carried_fund = None

    def _new_item(self, folded: str) -> None:
        """A line that opens a list item ends the parent path carried from the line before; one
        that opens with any list marker ('（三）…') is a new topic: no fund is carried into it."""
        if _NEW_ITEM.match(folded):
            self.outer = ""
        if self._carried_fund and _LIST_MARKER.match(folded.lstrip()):
            self._carried_fund = None

    def read_line(self, line: int, text: str) -> None:
        """Read the figures of one line of text (a paragraph)."""
        self._current = None
        self._carried_fund, self._next_carried_fund = self._next_carried_fund, None
        if _DIGIT.search(text) is None and not _may_have_chinese_quantity(text):
            # no number (most lines): nothing to read, and no year or run-in heading (both need
            # digits); only a list item's start ends the parent path carried from the line before
            if _NEW_ITEM.match(text):  # (folding changes none of the characters it needs)
                self.outer = ""
            return
        folded = fold(text)  # (folded once: the same length as the text, so the positions hold)
        if not self.fiscal_year:  # (read only for a report of unknown year: see _year_at)
            self._paragraph_year = _paragraph_year(folded)
            self._last_year = self._paragraph_year or self._last_year
        body = 0
        if "年" in folded:  # (a run-in heading needs the year's 年: most lines have none)
            folded, body = self._run_in_heading(folded)
        self._new_item(folded)
        found = found_quantities(text)
        for f in found:  # (a plain loop: cheaper than any() over a generator, for every line)
            if f.quantity.kind in _READ_KINDS:
                break
        else:
            return  # nothing but dates, durations and counts (or no number): no table reads them
        money = _first_money(found)  # the first amount
        state = _LineState(outer=self.outer, subject_words=folded[: money.start] if money else folded,
                           funding=self._outer_funding[1] if self.outer and self._outer_funding[0] == self.outer
                           else None)  # '…财政拨款基本支出X万元，其中：' / '人员经费…': its funding
        self._staff_unit = None
        handled = self._formulas(line, folded) if "=" in folded else ()  # (a formula needs its '=')
        mine: dict[tuple[int, str], int] = {}  # numbers this reader placed on the line
        self._folded = folded
        self._line_words = {}
        self._clause_at = None  # (a new line: no clause read yet)
        self._year_window_at = -1
        self._first_year_mark = folded.find("年")  # (found once per line, not from the line's start for each figure)
        prev_end = body
        sentence_start = body
        for f in found:
            if f.quantity.kind == "time":
                continue  # a date or a duration: no table reads it (the residue's rules account for dates)
            self._current = f
            segment = folded[prev_end : f.start]
            window, cut, self._segment_year_window = _read_segment(segment)
            state.new_sentence = cut >= 0  # a sentence ends
            if cut >= 0:
                sentence_start = prev_end + cut + 1
                state.open_sentence()
            if handled and any(a <= f.start < b for a, b in handled):
                prev_end = f.end
                continue
            # a sentence is read at most _SENTENCE_REACH characters back: a report pasted without
            # full stops (or without line breaks) is one 'sentence' of any length, and reading it
            # whole for every figure would cost the square of its length
            if f.start - sentence_start > _SENTENCE_REACH:
                sentence_start = f.start - _SENTENCE_REACH
            self._sentence_start = sentence_start
            if self._read_figure(line, f, (window, segment), state, mine):
                prev_end = f.end
        tail = folded[prev_end:]
        self._next_carried_fund = state.line_fund_scheme
        if state.top_item and "其中" in tail and _PARTS_FOLLOW.search(tail):
            self.outer = join_path(state.outer, state.top_item)
            # the parts on the next lines count the funding their total counted
            self._outer_funding = (self.outer, state.funding)

    def _read_figure(self, line: int, f: Found, words: tuple[str, str], state: _LineState,
                     mine: dict[tuple[int, str], int]) -> bool:
        """Read one figure of a line (its window and segment in ``words``) into the table its
        kind and words choose (:meth:`_to_table`), else as a service figure; a figure another
        reader took ('…分值3分，得分2.8分', a purchase) is not read again. True when the figure
        ends the segment of the next one (a money figure, head count, share, count or bare number)."""
        window, segment = words
        if "基金" in segment or "方面" in segment or "医保" in segment:  # (most segments name no fund flow)
            self._flow_from(segment, state)
        self._segment = segment
        if f.quantity.unit == "万":
            f = _persons_in_wan(f, window)
        q = f.quantity
        self._took = False
        self._withheld = False
        # (:func:`folded_number_key` written out; the text is folded, so it is :func:`number_key` too)
        key = self._key = (line, (q.text_value or "").replace(",", "").lstrip("+-"))
        placed_before = self.ctx.placed.get(key, 0)  # (.get: a Counter's missing key is 0, without a call)
        if placed_before > mine.get(key, 0) and q.text_value:
            return True  # another reader took it ('…分值3分，得分2.8分', a purchase)
        if q.kind not in _TABLE_KINDS and (q.kind is not None or _RATE_IS.search(
                self._folded, max(0, f.start - 4), f.start) is None):
            return q.unit is None  # a score, a rate per head, a bare number: no reader here takes it (:func:`_reader_of`)
        self._after = self._folded[f.end: f.end + 10]
        self._to_table(line, f, window, segment, state)
        if q.kind in _SERVICE_KINDS and q.text_value and not self._took and not self._withheld:
            # (placed_before <= mine[key] here: more placed than this reader did would mean a table took it)
            self._service(line, f, window, self._folded)
        mine[key] = mine.get(key, 0) + self.ctx.placed.get(key, 0) - placed_before
        return q.kind in _TABLE_KINDS or q.unit is None

    def _to_table(self, line: int, f: Found, window: str, segment: str, state: _LineState) -> None:
        """Hand a figure to the reader of the table its kind and the words before it choose
        (:func:`_reader_of`)."""
        kind = f.quantity.kind
        # (an indicator's actual needs 实际 or 完成 in its window: most windows have neither)
        reader = _reader_of(kind, self._folded[max(0, f.start - 4): f.start], kind in _SERVICE_KINDS
                            and ("实" in window or "完" in window) and self._indicator_actual(f, window))
        if reader == "indicator":
            self._withheld = True  # an indicator's actual: the indicator reader's, else the residue
        elif reader == "persons":
            self._persons(line, f, window, self._folded[self._sentence_start: f.start])
        elif reader == "money":
            if not self._asset(line, f, window) and not self._fund(line, f, window, state):
                self._budget(line, f, window, segment, state)
        elif reader == "rate":
            self._rate(line, f, window, segment, state)

    def _run_in_heading(self, folded: str) -> tuple[str, int]:
        """A section heading run into its paragraph ('七、…“三公”经费支出决算情况说明2023年度“三公”
        经费…预算为…', a PDF line without its break) is read as a heading: it sets the section's
        topic, and its words (决算) do not name the first figure's stage. Returns the line (a
        sentence break put in the heading's last character; positions stay) and where the
        paragraph's body starts."""
        m = _RUN_IN_HEADING.match(folded)  # (asked only of a line with a 年: the pattern needs the year's)
        if m is None:
            return folded, 0
        head = m.group("head")
        self.ctx_topic = mentioned_item(_HEADING.sub("", head))
        self.heading_topic = service_topic(head)
        self.outer = ""
        return folded[: m.end("head") - 1] + "。" + folded[m.end("head"):], m.end("head")

    @staticmethod
    def _flow_from(segment: str, state: _LineState) -> None:
        """The flow the words since the figure before name, when they name a fund ('基金方面，
        收入…'): the line's flow from then on."""
        if "基金" not in segment and "方面" not in segment and "医保" not in segment:
            return
        flow = _segment_flow(segment)
        if flow is not None:
            state.flow = flow

    # -------------------------------------------------------------- enrolment
    def _persons(self, line: int, f: Found, window: str, sentence: str) -> None:
        subsidised = (_names("subsidy", window) or (self._line_names("subsidy") and _names("subsidy", sentence))) and (
            "参保" in window or "参加" in window or vocab.alternation("schemes").search(window)
            or (_names("subsidy", window) and _joins_after(self._folded[f.end: f.end + 40])))
        if not subsidised and not (self._line_names("enrollment") and _names("enrollment", sentence)) \
                and not _joined_scheme().search(window):
            self._staff(line, f, window, self._after)
            return
        if not subsidised and _names("enrollment_exclude", window):
            return  # '计划参保的29640名': a target; '备案', '享受': not the insured
        if not subsidised and "不含" in sentence and _without_group(self._clause(f)):
            return  # '居民医保参保人数（不含学生）28.4万人': a part of the scheme's insured
        if not subsidised and self._subsidised_after(f, sentence):
            return  # '其中脱贫人口参保2.3万人，…，均由医疗救助资助参保': subsidised groups, no scheme's count
        if _is_change(window) or _approximate(window, f.quantity) or _other_insurance(sentence) \
                or _is_target(self._folded, f.start, self._sentence_start) or self._prior_period(window, True) \
                or _partial_period(sentence) or self._region_part(f) or self._years_list(f):
            return  # a change, '约46万人', '养老保险参保人数', '不低于48万人', '上年末参保…', '截至11月底…': not the insured population
        if subsidised:  # persons whose premiums were paid for: 医疗救助's work, a subset of a scheme
            self._subsidised(line, f)
            return
        # ('职工医保（含生育保险）参保人数': the count of 职工医保, not of what it includes)
        m = _last(vocab.alternation("schemes"), _INCLUDES.sub("", window) if "含" in window else window)
        if m is None and (not window.strip() or compact(window) in _words("continuation")):
            # '城乡居民医保参保人数较上年减少1.2万人，为53.6万人': the count of the scheme named before
            m = _last(vocab.alternation("schemes"), _INCLUDES.sub("", sentence) if "含" in sentence else sentence)
        scheme = vocab.synonyms("schemes", "scheme")[m.group(0)] if m else "合计"
        if self._line_names("respectively") and (compact(window) in _LIST_WINDOWS
                                                 or compact(window).endswith(_words("respectively"))):
            # (a figure of the list: its window ends on '分别', or is empty or a joining word)
            listed = _respective_scheme(sentence)
            if listed == "":
                return  # '…参保人数分别为…' whose list the figures cannot be matched with: unsure
            scheme = listed or scheme
        q = f.quantity
        persons = to_persons(q)
        if scheme == "合计" and _named_part(sentence):
            return  # '居民医保参保373,744人，其中成年人298,402人': a group within the scheme's count
        if scheme == "合计" and self._restated(persons, self._year_at(f)):
            self._place(line, q.text_value)  # the figure of a scheme named before, said again
            return
        note = None
        if persons is None:
            note = "人数带小数且未写“万”，疑为漏写单位" if q.unit == "人" else "人数不是整数"
        self.rows.enrollment.append(
            self._rec(line, year=self._year_at(f), scheme=scheme, persons=persons,
                      raw=q.raw.strip(), note=note)
        )
        self._place(line, q.text_value)

    def _restated(self, persons: int | None, year: int | None) -> bool:
        """True for a bare head count ('全县参保人数28.64万人') equal to the count of a scheme the
        report gave before for the same year ('城乡居民医保参保人数28.64万人'): the same figure said
        again, not a total of the schemes."""
        return persons is not None and any(
            r["persons"] == persons and r["year"] == year and r["scheme"] != "合计" for r in self.rows.enrollment)

    def _subsidised_after(self, f: Found, sentence: str) -> bool:
        """True for a part ('其中…') of a head count whose clause list says after it that all the
        parts were subsidised ('…，均由医疗救助资助参保'): groups of the subsidised, read no further.
        ('；' ends the list: '…；困难群众资助参保5975人' is a figure of its own.)"""
        if "其中" not in sentence:
            return False
        rest = self._folded[f.end: f.end + _SENTENCE_REACH]
        rest = _before_first(rest, _FIRST_SENTENCE_END)
        return any(_names("subsidy", clause) and _names("collective", clause)
                   for clause in _CLAUSE_COMMA.split(rest))

    def _subsidised(self, line: int, f: Found) -> None:
        """Subsidised enrolment ('资助参保5975人') is no enrollment row: a service figure of 医疗救助."""
        q = f.quantity
        persons = to_persons(q)
        if persons is None:
            return
        self.rows.services.append(self._rec(line, year=self._year_at(f), topic=_SUBSIDY_TOPIC, measure=_SUBSIDY_MEASURE,
                                            value=float(persons), unit="人", raw=q.raw.strip()))
        self._place(line, q.text_value)

    def _staff(self, line: int, f: Found, window: str, after: str = "") -> None:
        hit = staff_category(_OPEN_BRACKET_END.sub("", window))
        if hit is None and after:
            m = _STAFF_WORD_AFTER.match(after)
            hit = staff_category(m.group(0)) if m else None
        if hit is None:
            return
        q = f.quantity
        head = compact(window)[: max(0, compact(window).rfind(hit[1]))]
        if head:
            self._staff_unit = staff_unit(head)  # a unit named before the category holds until the next one
        self.rows.staff.append(self._rec(line, org_unit=self._staff_unit, category=hit[0], category_raw=hit[1],
                                         persons=to_persons(q), raw=q.raw.strip()))
        self._place(line, q.text_value)

    def _asset(self, line: int, f: Found, window: str) -> bool:
        hit = asset_item(window)
        if hit is None:
            return False
        q = f.quantity
        self.rows.assets.append(self._rec(line, item=hit[0], item_raw=hit[1], amount_wan=to_wan(q),
                                          raw=q.raw.strip()))
        self._place(line, q.text_value)
        return True

    # ------------------------------------------------------------------ funds
    def _fund(self, line: int, f: Found, window: str, state: _LineState) -> bool:
        """A money figure of a fund's flow (income, expense, balance of a scheme's fund). True
        when the fund reader claims the figure (a row, or a figure of a fund that is no flow),
        False when it is left to the budget reader."""
        last_fund = self._last_fund(f, window, state)
        words = _fund_window(window, state.sentence_fund_scheme, last_fund)
        if not (words.in_fund or words.flow_only or state.sentence_fund_scheme):
            return False  # _fund_gate's 'no fund', without its questions: most money figures name no fund
        project_scope = not words.fund_word and self.ctx.scope_at(line) != DEPARTMENT_SCOPE  # (asked only then)
        # (the sentence is read only for a figure that is a fund's or names a flow: see _fund_gate)
        sentence = self._folded[self._sentence_start: f.start] if words.in_fund or words.flow_only else ""
        gate = _fund_gate(words, sentence, bool(state.sentence_fund_scheme), project_scope)
        if gate is not None:
            self._withheld = self._withheld or gate == "part"
            return gate in _FUND_CLAIMS
        window = words.window
        if self._folded.find("项目", self._sentence_start, f.start) >= 0 \
                and _scheme_project_re().search(self._folded, self._sentence_start, f.start):  # (needs 项目)
            return False  # '医疗救助项目年初预算…，实际支出…': a project's money, not the fund's flow
        if self._no_flow(f, window):
            return True
        if compact(window).endswith("经费"):
            return False  # '追加医保信息化建设、医疗救助经办等经费248.22万元': the department's money, no fund's
        if _budget_item_first(words, last_fund):
            return False
        scheme = self._fund_scheme(words.scheme, words.flow_only, words.fund_word, state)
        if scheme == _OTHER_INSURANCE:
            self._withheld = True
            return True  # '（三）工伤保险。基金收入…': another insurance's fund, no medical one and no budget
        if scheme == _POOLED and not self._names_employee_fund(f):
            self._withheld = True
            return True  # '住院统筹基金支付3.2亿元' with no 职工 around: whose pooled fund is unsure
        if scheme == "合计" and self._service_payment(f):
            return False  # '…异地就医直接结算4.8万人次，基金支付0.98亿元': a part, a service figure
        flow, deficit = _fund_flow(window, state.flow, scheme)
        if flow is None:
            return False
        if flow not in _MAIN_FLOWS and _names("appropriation", self._folded[self._sentence_start: f.start]):
            self._withheld = True
            return True  # '区财政安排城乡居民医保财政补助资金8,126万元': an appropriation, not the fund's income
        stage = _window_stage(window)
        if (stage and stage[0] != "决算") or ("预算" in window and _FUND_BUDGET.search(window)):
            state.fund_scheme = scheme
            state.sentence_fund_scheme = state.sentence_fund_scheme or scheme
            self._withheld = True
            return True  # '城乡居民医保基金预算收入5.3亿元': the fund's budget, no flow (and no budget)
        if self._is_fund_part(state, scheme, flow):
            return True  # '支出16437万元，其中：基本医疗保险待遇支出16059万元': a part of the flow
        if self.ctx.institution:  # a hospital's report: what the fund paid it, not the fund's flow
            self.ctx.refuse(line, f.quantity.text_value, "定点医疗机构的医保结算，不是基金的收支")
            self._withheld = True
            return True
        self._fund_row(line, f, (scheme, flow, deficit), state)
        return True

    def _last_fund(self, f: Found, window: str, state: _LineState) -> str | None:
        """The fund a bare flow of the figure would be of: the fund just named, the section's, or
        the one the sentence opens on ('基金收支情况：收入…'; '长期护理保险基金单独核算，2023年收入…')."""
        # (in a fund's section, a bare flow is its; a bare balance opening a paragraph ('当年结余…')
        # is the fund's of the paragraph before, whose line broke at '；')
        last_fund = state.fund_scheme or self.heading_scheme or (
            self._carried_fund if _segment_flow(window) in _BALANCE_FLOWS else None)
        if last_fund or "基金" not in self._folded[self._sentence_start: f.start]:
            return last_fund
        sentence = self._folded[self._sentence_start: f.start]
        if _fund_lead(sentence):
            return "合计"  # '基金收支情况：收入3.42亿元，支出…': the bare flows are the fund's
        if _fund_words(window)[3]:
            # '长期护理保险基金单独核算，2023年收入8,426万元，支出…': the bare flows are the fund's
            # the sentence names, not the department's income and expense
            last_fund = state.fund_scheme = _named_fund(sentence)
        return last_fund

    def _fund_row(self, line: int, f: Found, what: tuple[str, str, bool], state: _LineState) -> None:
        """The row of a fund's flow (scheme, flow, whether a deficit: '当期赤字363万元' → −363)."""
        scheme, flow, deficit = what
        q = f.quantity
        amount, note = to_wan(q), None
        if deficit and amount is not None:
            amount, note = -amount, "赤字（缺口）：记为负的结余"
        state.fund_scheme = scheme
        state.sentence_fund_scheme = state.sentence_fund_scheme or scheme
        state.line_fund_scheme = state.line_fund_scheme or scheme
        state.last_fund = (scheme, flow)
        self.rows.funds.append(
            self._rec(line, year=self._year_at(f), scheme=scheme, flow=flow,
                      amount_wan=amount, raw=q.raw.strip(), note=note)
        )
        self._place(line, q.text_value)

    def _service_payment(self, f: Found) -> bool:
        """True when the sentence of a fund figure of no named scheme is about a service (a topic
        other than 医疗救助) or names a payment for one: '…异地就医直接结算4.8万人次，基金支付0.98
        亿元' is a part of the fund's spending, a service figure."""
        sentence = self._folded[self._sentence_start: f.start]
        return topic_within(topic_words(self._folded), (self._sentence_start, f.start)) not in (None, "医疗救助") \
            or _names("service_payment", sentence)

    def _no_flow(self, f: Found, window: str) -> bool:
        """True for a fund figure that is no flow (and no budget): a target ('基金支出不超过7.5亿元'),
        another government's money ('争取中央和市级医疗救助补助资金'), a change (the ignore rule
        'change' accounts for it)."""
        if _is_target(self._folded, f.start, self._sentence_start) or _POLICY_AFTER.match(self._after) \
                or self._partial_sentence(f):
            self._withheld = True  # (… '2023年1-11月，基金收入…': a part of the year's flow)
            return True
        if self._prior_period(window, True) or _names("estimate", window) or self._region_part(f) \
                or self._years_list(f):
            self._withheld = True  # ('基金收入预计完成5.62亿元': an estimate, no flow)
            return True
        above = self._above(f)
        return above.other_government or above.allocated_above or _is_change(window)

    def _names_employee_fund(self, f: Found) -> bool:
        """True when the sentence of a figure (or the words right after it) names the employees'
        scheme ('职工…', '个人账户'): a bare '统筹基金' is then the employees' pooled fund."""
        rest = self._folded[f.end: f.end + _SENTENCE_REACH].split("。")[0]  # ('…；个人账户收入…' later on)
        around = self._folded[self._sentence_start: f.start] + rest
        return _names("employee_fund", around)

    def _fund_scheme(self, m: re.Match[str] | None, flow_only: bool, has_fund_word: bool,
                     state: _LineState) -> str:
        """The scheme of a fund figure: the scheme its words name, else the fund of the sentence
        or the fund just named."""
        scheme = vocab.synonyms("schemes", "scheme")[m.group(0)] if m else None
        if scheme == "合计" and state.fund_parts_of and state.sentence_fund_scheme:
            return state.sentence_fund_scheme  # '…，其中：基本医疗保险待遇支出': the fund of the sentence
        if scheme:
            return scheme
        if flow_only and has_fund_word and state.sentence_fund_scheme:
            return state.sentence_fund_scheme  # '居民医保基金收入X万元，…；基金支出Z万元': the fund of the sentence
        if flow_only and has_fund_word and state.line_fund_scheme:
            return state.line_fund_scheme  # '居民医保基金收入X亿元…。基金支出Y亿元': the fund of the paragraph
        if flow_only and not has_fund_word and state.sentence_fund_scheme and _CLAUSE_END.search(self._segment):
            return state.sentence_fund_scheme  # '…，其中统筹基金收入Y亿元；支出Z亿元': past '；', the sentence's fund
        if flow_only and state.fund_scheme and not has_fund_word:
            return state.fund_scheme  # '…收入X万元，其中财政补助Y万元': the fund just named
        if flow_only and self._carried_fund:
            return self._carried_fund  # '…基金收入142.30亿元，其中…；' / '基金支出118.64亿元。': the paragraph before's fund
        if flow_only and self.heading_scheme:
            return self.heading_scheme  # '（一）职工基本医疗保险基金' over '1.基金收入…': the section's fund
        if has_fund_word and self.heading_scheme:
            return self.heading_scheme  # '（一）职工基本医疗保险。全年基金收入…': the section's fund
        return "合计"

    def _is_fund_part(self, state: _LineState, scheme: str, flow: str) -> bool:
        """True for the figure of a breakdown ('其中：') that names the same fund and flow as
        the figure it breaks down."""
        if state.new_sentence:
            state.fund_parts_of = None
        if "其中" in self._segment and state.last_fund and not state.new_sentence:
            state.fund_parts_of = state.last_fund
        return state.fund_parts_of == (scheme, flow)

    # ----------------------------------------------------------------- budget
    def _not_budget(self, line: int, f: Found, window: str, segment: str, state: _LineState) -> bool:
        """True for a money figure of a sentence that is no figure of the scope's budget: a
        change, a budget subject's line ('社会保障和就业支出（类）…（项）年初预算为86.40万元'), a part
        of the department ('其中局本级收入总计…'), a target ('≥50万元'), another government's
        money ('中央补助资金3.86亿元')."""
        if state.new_sentence:
            state.subject_line = False
        if ("（" in segment or "(" in segment) and _SUBJECT_CODE.search(segment):  # (the pattern needs its bracket)
            state.subject_line = True
        # (the sentence is cut out only for a line that names a part: most name none)
        if self._other_unit(f) or self._years_list(f) or self._service_flow(f, window):
            return True  # '县医疗保障中心2023年支出合计321.9万元' in the bureau's report: one unit's, not the whole
        if self._line_names("parent_scope") and _names("parent_scope", self._clause(f)):
            return True  # '（主管部门区医疗保障局…汇总收入总计为1,638.27万元）': the department above's figure
        if state.subject_line or _is_change(window) or self._prior_period(window, False) or _names("estimate", window) \
                or (self._line_names("part_scope") and (_names_part(self._folded[self._sentence_start: f.start])
                                                        or _names_part(_run_in_head(self._folded)))) \
                or _is_target(self._folded, f.start, self._sentence_start) or _POLICY_AFTER.match(self._after) \
                or self._partial_sentence(f):
            return True  # (… '控制在80万元以内': a bound; '1-11月支出…': a part of the year)
        above = self._above(f)  # (both its answers are read)
        if above.other_government and self.ctx.scope_at(line) == DEPARTMENT_SCOPE:
            return True
        if above.allocated_above:
            self._withheld = True  # what a higher body allocates is no service figure either
            return True
        if "基金" in window:  # (the pattern needs 基金)
            return _FUND_BUDGET.search(window) is not None
        return self._fund_budget_sentence(f, window)

    def _fund_budget_sentence(self, f: Found, window: str) -> bool:
        """True for a bare total of a sentence about a fund's budget ('居民医保基金收入预算6.05亿元，
        支出预算5.92亿元': the second is the fund's too, not the department's 支出合计)."""
        if "预算" not in window or self._folded.find("基金", self._sentence_start, f.start) < 0:
            return False  # (most windows name no budget, most sentences no fund)
        hit = budget_item(window)
        return (hit is None or hit[0] in _TOTALS) and \
            _FUND_BUDGET.search(self._folded, self._sentence_start, f.start) is not None

    def _budget(self, line: int, f: Found, window: str, segment: str, state: _LineState) -> None:
        """A money figure of the scope's budget. A figure that gives no row leaves the stage as it
        was: '2024年部门预算安排900万元。2023年基本支出…' is no 年初预算 of 2023's 基本支出."""
        saved = (state.stage, state.stage_explicit)
        if not self._budget_row(line, f, window, segment, state) or (
                state.stage != saved[0] and compact(window).startswith(_words("compared_with"))):
            # (a stage named in a comparison, '…支出58,600元，较年初预算75,000元减少…，其中…', is that
            # figure's only: the parts after it are of the figure compared)
            state.stage, state.stage_explicit = saved

    def _budget_row(self, line: int, f: Found, window: str, segment: str, state: _LineState) -> bool | None:
        """The budget row of a money figure: True when it gives one (two for '收、支总计'), None
        when it gives none (the figure is left to the services or the residue)."""
        if self._not_budget(line, f, window, segment, state):
            return None  # (a change: the ignore rule 'change' accounts for it; the others stay in the residue)
        if self._both_totals(line, f, state):
            return True
        if state.stage in ("年初预算", "调整预算") and self._beside_stage(window):
            return None  # '年初预算45万元，另有上年结转4.6万元': beside the plan just named, its stage is not said
        self._set_stage(window, segment, state)
        if state.stage == "年初预算" and self.ctx.report_kind == _THIRD_PARTY and _ARRANGED.search(compact(window)):
            state.stage = "调整预算"  # an evaluator's '预算安排' is the money made available for the year
        if "其中" in segment and state.top_item and not state.new_sentence:
            state.parts_of = state.top_item
        hit = self._budget_hit(line, f, window, state)
        if hit is None:
            return None
        return self._budget_record(line, f, (window, segment), hit, state)

    def _budget_hit(self, line: int, f: Found, window: str, state: _LineState) -> tuple[str, str] | None:
        """The budget item of a money figure and the words naming it, or None for a figure of no
        budget line: the item its window names (:func:`_named_item`), a time word's total
        (:func:`_whole_year_item`), or the item a bare stage word is of (:func:`_item_in_context`)."""
        scope = self.ctx.scope_at(line)
        hit = _named_item(window, state.parts_of, scope)
        if hit is not None and hit[0] in _TOTALS:
            own = _expense_of(window, hit)
            if own == "":
                return None  # '机关运行经费总支出125.58万元': the total of one expense, not the department's
            hit = own or hit  # '公用经费总支出…': that item's
        window_stage = _window_stage(window)
        if hit is None and window_stage is None:
            return None
        if hit is None and window_stage[1] == "全年":
            hit = _whole_year_item(window, state.top_item, None if state.top_item else self._sentence_subject(f))
            if hit is None:
                return None  # (a time word naming no total, or an item named elsewhere in the sentence)
        if hit is None and _names("fund_exclude", window):
            return None  # '全年共追回医保基金': the amount is recovered, not spent
        if self._other_year(f):
            return None  # '2024年部门预算安排…' in a report on 2023: not this report's budget
        if _keeps_item(hit, state.top_item) or not (hit is None or is_stage_word(hit[1])):
            return hit
        # (here no item but a bare stage word names the figure: '医疗救助项目实际支出…' may name a project)
        if state.sentence_fund_scheme:
            return None  # '…医保基金决算收入3.37亿元，较年初预算3.20亿元…': the fund's budget, not the department's
        if self._other_project(f, window, not state.top_item and scope == DEPARTMENT_SCOPE, state):
            return None
        if _part_after_stage(window, hit[1] if hit else window_stage[1]):
            return None  # '县本级预算安排配套资金150万元': one source's money, not the total
        return _item_in_context(hit, hit[1] if hit else window_stage[1], (state.top_item, None if state.top_item else state.line_subject()),
                                self.ctx_topic, window)

    def _other_year(self, f: Found) -> bool:
        """True when the words before a figure name a year other than the report's ('2024年部门
        预算安排…' in a report on 2023), or its sentence or clause opens with one ('2024年，…
        收入预算6.05亿元，支出预算5.92亿元')."""
        if not self.fiscal_year or self._first_year_mark < 0 or self._first_year_mark > f.start:
            return False  # (no 年 before the figure on the line: no year named)
        window = self._year_window(f)
        if _YEAR.search(window) or "年度" in window:
            return _names_other_year(window, self.fiscal_year)  # (the figure's own words name its year)
        year = self._year_at(f)
        if year is None or year == self.fiscal_year:
            return False
        # ('2024年3月，我局对2023年度部门整体支出开展自评，全年支出合计…': the date of the evaluation
        # opens the sentence, whose words name the report's year too: not another year's figure)
        return f"{self.fiscal_year}年" not in self._folded[self._sentence_start: f.start]

    def _other_project(self, f: Found, window: str, may_name: bool, state: _LineState) -> bool:
        """True when the sentence is about a project other than the scope ('医保基金监管项目年初预算
        50万元': one project's, not the department's). A bare stage word of the department's scope,
        with no item before it (``may_name``), may so name a project for the rest of the sentence."""
        if may_name and (_OTHER_PROJECT.search(window)
                         or _NAMED_PROJECT.search(self._folded, self._sentence_start, f.start)):
            state.other_project = True
        return state.other_project

    def _budget_record(self, line: int, f: Found, words: tuple[str, str], hit: tuple[str, str],
                       state: _LineState) -> bool | None:
        """Write the budget row of a figure of ``hit`` (its window and segment in ``words``), with
        its parent and funding; None for what a project left unspent (no line of its funds)."""
        window, segment = words
        scope = self.ctx.scope_at(line)
        item, raw = _whole_project(hit, scope)
        if scope == DEPARTMENT_SCOPE and self.ctx.report_kind == _PROJECT_REPORT and _bare_total(item, raw):
            return None  # a project's report whose project is unknown: '全年预算数…，实际支出…' is the project's money
        if item == "年末结转结余" and scope != DEPARTMENT_SCOPE:
            return None  # '项目…结余61.36万元结转下年使用': what a project left unspent is no line of its funds
        if item in _THREE_PUBLIC_SUBSTITUTES and "三公" in window:
            item = "三公经费"  # '“三公”经费财政拨款支出预算4.00万元': the 三公 figure, funded by 财政拨款
        if state.sentence_top in (None, state.top_item):  # (after '收入合计…，财政拨款收入…', a bare 支出 pairs the first)
            item = _funded_counterpart(item, raw, state.top_item)
        funding = self._funding(window, item, state)
        if "其中" in segment and state.top_item and not state.new_sentence:
            state.parts_of = state.top_item
        parent, is_part = _budget_parent(item, state.parts_of, state.outer)
        if not is_part:
            state.top_item = item
            state.parts_of = None
            if state.sentence_top is None:
                state.sentence_top = item
        state.last_item = item
        q = f.quantity
        self.rows.budget.append(
            self._rec(line, scope=scope, stage=state.stage or "决算", item=item,
                      item_raw=raw, parent=parent, funding=funding, amount_wan=to_wan(q))
        )
        self._place(line, q.text_value)
        self._all_of(line, f, item, state)
        return True

    @staticmethod
    def _beside_stage(window: str) -> bool:
        """True when the figure's clause adds money beside the stage just named (context_words
        'besides': '另有上年结转4.60万元') and names no stage of its own. (Beside a 决算 the
        money is the final account's: '本年收入合计…。另有年初结转和结余…' stays a 决算 figure.)"""
        clause = _after_last(compact(window), _PHRASE_MARKS)
        return any(clause.startswith(w) for w in _words("besides")) and stage_of(clause) is None

    @staticmethod
    def _set_stage(window: str, segment: str, state: _LineState) -> None:
        """The stage the words since the figure before name; a specific word (调整后, 决算) wins
        over a bare 预算 for the rest of the line. Spending words ('本项目共完成预算资金') set 决算.
        A bare 预算 in the clause right before a figure is never the 决算 ('…支出决算为0元；公务接待费
        预算为…': the figure is the 预算)."""
        st, in_window = _stage_words(segment, window)
        if st:
            explicit = st[1] not in ("预算",)
            if explicit or not state.stage_explicit or (state.stage == "决算" and in_window):
                if st[0] != state.stage:
                    state.parts_of = None
                state.stage = st[0]
                state.stage_explicit = state.stage_explicit or explicit

    def _both_totals(self, line: int, f: Found, state: _LineState) -> bool:
        """'2023年度收、支总计986.74万元', '收、支总计均为1,206.38万元': one figure, two totals."""
        head = self._folded[max(0, f.start - 40): f.start]
        if "总" not in head:
            return False  # (no 总计 before the figure: most figures)
        w = compact(_after_last(head, _PHRASE_MARKS))  # ('、' goes on)
        if not _BOTH_TOTALS.search(w) or "拨款" in w:
            return False
        for item in ("收入总计", "支出总计"):
            self.rows.budget.append(self._rec(
                line, scope=self.ctx.scope_at(line), stage=state.stage or "决算", item=item,
                item_raw=_BOTH_TOTALS.search(w).group(0), parent="", funding=None, amount_wan=to_wan(f.quantity)))
        self._place(line, f.quantity.text_value)
        return True

    def _all_of(self, line: int, f: Found, item: str, state: _LineState) -> None:
        """'本年收入合计952.30万元，全部为一般公共预算财政拨款收入': the total is all of one item,
        which so has the same figure."""
        if item not in _TOTALS:
            return  # (only a total is all of one item: most rows are no total)
        m = _ALL_OF.match(self._folded[f.end: f.end + 40])  # (the words after the figure)
        hit = budget_item(m.group(1)) if m else None
        if hit is None or hit[0] == item:
            return
        self.rows.budget.append(self._rec(
            line, scope=self.ctx.scope_at(line), stage=state.stage or "决算", item=hit[0], item_raw=hit[1],
            parent="", funding=None, amount_wan=to_wan(f.quantity)))

    @staticmethod
    def _funding(window: str, item: str, state: _LineState) -> str | None:
        """财政拨款 for the figures of a sentence that counts that funding only ('一般公共预算财政
        拨款基本支出842.65万元，其中：人员经费…')."""
        if state.new_sentence:
            state.funding = None
        if "三公" in window:
            state.funding = None  # (“三公”经费 are 财政拨款 by definition: no need to say so)
        elif "财政拨款" in window and not item.startswith("财政拨款") \
                and item not in vocab.word_list("appropriation_item"):
            if item_category(item) == "收入" and not _FUNDED_TOTAL.search(window):
                # an income item naming 财政拨款 ('年初财政拨款结转和结余') is 财政拨款's, but says
                # nothing of the figures after it; '财政拨款收入总计' is the total of that funding
                return "财政拨款"
            state.funding = "财政拨款"
        return state.funding

    def _formulas(self, line: int, folded: str) -> list[tuple[int, int]]:
        """'政府采购执行率=（8.84/15）×100%=58.93%': actual, budget and the stated rate."""
        handled: list[tuple[int, int]] = []
        if "=" not in folded:
            return handled  # (a formula needs its '=': most lines have none)
        for m in _FORMULA.finditer(folded):
            name = m.group("name")
            subject = _RATE_OF.sub("", name)
            hit = budget_item(subject)
            if hit:
                for group, stage in (("a", "决算"), ("b", "年初预算")):
                    q = find_quantities(m.group(group))[0].quantity
                    self.rows.budget.append(self._rec(
                        line, scope=self.ctx.scope_at(line), stage=stage, item=hit[0], item_raw=name,
                        parent=clean_parent("", hit[0]), funding=None, amount_wan=to_wan(q, "万元")))
                    self._place(line, q.text_value)
            self.rows.rates.append(self._rec(line, scope=self.ctx.scope_at(line), name=name,
                                             value_pct=float(m.group("r")), raw=f"{m.group('r')}%"))
            self.ctx.place(line, m.group("r"))
            self.ctx.place(line, "100")
            handled.append((m.start(), m.end()))
        return handled

    # --------------------------------------------------------------- services
    def _service(self, line: int, f: Found, window: str, folded: str) -> None:
        """A figure of the bureau's work that no table took ('检查定点药店149家'). Its topic comes
        from its sentence and the line's own heading ('1.普法宣传，激发基金监管“驱动力”。'), else
        from the section heading."""
        q = f.quantity
        if _no_service_words(window) or _POLICY_AFTER.match(self._after) \
                or q.unit in _words("service_exclude_unit") or _is_target(folded, f.start, self._sentence_start):
            return
        if q.kind == "persons" and _STAFF_AFTER.match(self._after):
            return
        stage = _window_stage(window)
        if q.kind == "money" and (mentioned_item(window) or (stage and stage[1] != "全年")):
            return  # '预算金额', '项目支出中': a budget figure the budget reader did not take
        head_end = folded.find("。") + 1 if _NEW_ITEM.match(folded) or _CIRCLED.match(folded) else 0
        topic = topic_within(topic_words(folded), (0, head_end), (self._sentence_start, f.start)) \
            or self.heading_topic
        if topic is None:
            return
        measure = service_measure(self._named_list(f, window))
        if not measure and folded[: f.start].rstrip().endswith("、") and self.rows.services \
                and self.rows.services[-1]["source"] == self.ctx.source(line):
            measure = self.rows.services[-1]["measure"]  # '5大类、22项': the figures share the words
        if not measure:
            return
        if q.kind == "money":
            value, unit = to_wan(q), "万元"
        elif q.kind == "persons":
            persons = to_persons(q)
            value, unit = (None if persons is None else float(persons)), "人"
        else:
            factor, unit = unit_factor(q.unit)
            value = q.value * factor
        if value is None:
            return
        self.rows.services.append(self._rec(line, year=self._year_at(f), topic=topic, measure=measure,
                                            value=value, unit=unit, raw=q.raw.strip()))
        self._place(line, q.text_value)

    # ------------------------------------------------------------------ rates
    def _rate(self, line: int, f: Found, window: str, segment: str, state: _LineState) -> None:
        base, name, listed = _rate_words(segment)
        if base is not None:
            state.rate_base = base
        elif listed and state.rate_base:
            name = f"{state.rate_base}（{listed}）"  # '…、居民医保70.2%': the same rate of another
        else:
            m2 = _SHARE_OF.search(compact(window))
            if not m2:
                return
            name = f"{state.last_item or ''}占{m2.group(1)}比重" if m2.group(1) else f"{state.last_item or ''}占比"
        q = f.quantity
        self.rows.rates.append(
            self._rec(line, scope=self.ctx.scope_at(line), name=name, value_pct=q.value,
                      raw=q.raw.strip())
        )
        self._place(line, q.text_value)


_PARTS_FOLLOW = re.compile(r"其中[:：]?\s*$")  # a line that ends on '其中：' names the parts next
_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)+\s*|[（(]?[一二三四五六七八九十]+[)）、]\s*)")


def _heading_scheme(text: str) -> str | None:
    """The scheme of the fund a section heading names ('（一）职工基本医疗保险基金（不含生育保险）'
    → 职工医保; its remark in brackets names no fund), or None for a heading of no fund.

    >>> _heading_scheme("（一）职工基本医疗保险基金（不含生育保险）"), _heading_scheme("三、城乡居民大病保险情况")
    ('职工医保', None)
    """
    text = _REMARK.sub("", _HEADING.sub("", text))
    if not _names("fund", text):
        return None
    m = _last(vocab.alternation("schemes"), text)
    return vocab.synonyms("schemes", "scheme")[m.group(0)] if m else None


_TITLE_LINE_MAX = 30
# (a figure, a sentence's marks, a label and its value apart: '项目名称     医疗保险基金')
_NOT_A_TITLE = re.compile(r"[\d。，,；;：:！？|\t]|\S\s{2,}\S|名称")


def _title_scheme(text: str) -> str | None:
    """The fund a short title line names without an ordinal ('城乡居民医保基金运行情况', a bold
    Markdown line): the fund of the lines below it; None for any other line (a sentence, a figure).

    >>> _title_scheme("职工基本医疗保险基金（含生育保险）"), _title_scheme("职工医保基金收入3.2亿元。")
    ('职工医保', None)
    >>> _title_scheme("项目名称     医疗保险基金") is None
    True
    """
    if not _is_title_line(text):
        return None
    return _heading_scheme(text.strip().strip("*#"))


#: The longest unnumbered title line that, naming no fund, ends the fund of the title above it
#: (shorter than a fund's title: a line of prose broken by the page is longer).
_OTHER_TITLE_MAX = 20


def _is_title_line(text: str, most: int = _TITLE_LINE_MAX) -> bool:
    """A short line of words without a figure or a sentence's marks: a title ('部门预算执行情况')."""
    return len(text) <= most and _NOT_A_TITLE.search(text) is None and bool(text.strip().strip("*#"))


# a run-in heading that names an insurance and ends its own sentence before the paragraph's
# figures: '（一）职工基本医疗保险（含生育保险）。全年基金收入…', '（三）长期护理保险：基金收入…'
_RUN_IN_SCHEME = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\s*"
                            r"(?P<head>[^，。；：:,;！？\d]{2,30}?)[。：:]")


def _run_in_scheme(text: str) -> str | None:
    """The insurance a run-in heading names ('（一）职工基本医疗保险（含生育保险）。全年基金收入…'
    → 职工医保; its remark in brackets names no scheme): the fund of the paragraph's bare flows.
    _OTHER_INSURANCE for a heading of pension, work-injury or unemployment insurance, None for a
    line of no such heading.

    >>> _run_in_scheme("（一）职工基本医疗保险（含生育保险）。全年基金收入136.52亿元")
    '职工医保'
    >>> _run_in_scheme("（三）工伤保险。基金收入3.1亿元") == _OTHER_INSURANCE, _run_in_scheme("（一）参保情况。2023年末…")
    (True, None)
    """
    m = _RUN_IN_SCHEME.match(text)
    if m is None:
        return None
    head = compact(_REMARK.sub("", m.group("head")))
    found = _last(_insurance_re(), head)
    if found is None:
        return None
    if found.group(0) in _words("other_insurance"):
        return _OTHER_INSURANCE
    return vocab.synonyms("schemes", "scheme")[found.group(0)]


_OTHER_INSURANCE = "其他险种"


def _is_heading(text: str) -> bool:
    return len(text) < 40 and bool(_HEADING.match(text)) and not find_quantities(_HEADING.sub("", text))


def extract_narrative(ctx: ReportContext, fiscal_year: int | None, extra: list[TextLine] = ()) -> NarrativeRows:
    """Read the figures in every text line of a report (and long text cells of its tables)."""
    reader = _Reader(ctx, fiscal_year)
    lines = list(ctx.doc.text_lines) + list(extra)
    lines.sort(key=operator.attrgetter("line"))  # (a key made in C: no Python call per line)
    for tl in lines:
        if _is_heading(tl.text):
            reader.start_section()
            reader.ctx_topic = mentioned_item(_HEADING.sub("", tl.text))
            reader.heading_topic = service_topic(tl.text)
            reader.heading_scheme = _heading_scheme(tl.text)
            reader.outer = ""
            continue
        scheme = _title_scheme(tl.text)
        if scheme:  # '职工基本医疗保险基金（含生育保险）', '**城乡居民医保基金运行情况**': a fund's title line
            reader.start_section()
            reader.heading_scheme = scheme
            continue
        if reader.heading_scheme and _is_title_line(tl.text, _OTHER_TITLE_MAX):
            reader.start_section()  # '部门预算执行情况' after a fund's title: the fund's section ends
            reader.heading_scheme = None
        if _LIST_MARKER.match(tl.text.lstrip()):  # (a cheap test first: most lines open with no marker)
            scheme = _run_in_scheme(tl.text)
            if scheme:  # '（一）职工基本医疗保险（含生育保险）。全年基金收入…': the paragraph's fund
                reader.start_section()
                reader.heading_scheme = scheme
        reader.read_line(tl.line, tl.text)
    return reader.rows
