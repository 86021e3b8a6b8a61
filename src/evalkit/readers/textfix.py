"""Repairs of the damage that PDF and Word text extraction does to a text report.

Text copied out of a PDF (and some Word exports) has the page layout baked in:

* page numbers on their own line ('—23—', '- 5 -', '第 3 页'), or glued in front of the next
  heading (' 2 二、…'), and running headers repeated after each page number;
* paragraphs hard-wrapped at the page width, so that a number is broken over two lines
  ('412.' / '18 万元', '2,87' / '9.46'), a unit is cut from its number ('353.57万' / '元'), a word
  or a label from its figure ('当期' / '结余 0.44 亿元').

:func:`repair_lines` undoes this while keeping the line count, so that every line number still
points into the file: page furniture becomes a blank line; a wrapped paragraph is re-cut at its
sentence ends and each sentence is written on the line where it starts (the conventions' line
of a figure in a sentence), the lines it continued onto left blank or holding the sentences
that start on them. Lines are joined only where the join is certain: a number broken in a way no
number is written ('412.', '2,87', '.55'), a unit or figure continuing a number without unit, or a
line as wide as the page's text that does not end a sentence, followed by a line that is no
heading, no 'label：' field and no table row.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from evalkit import vocab

__all__ = ["Repair", "repair_lines"]

log = logging.getLogger(__name__)

_DASHES = r"\-—–－─_~·•"
#: A page-number line: '—23—', '- 5 -', '第 3 页', '第3页 共12页', '共12页 第3页'.
_PAGE_MARK = re.compile(
    rf"^\s*(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|(?:共\s*\d{1,4}\s*页\s*[,，]?\s*)?第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?)\s*$"
)
#: A page number alone, indented as a PDF centres it (' 3'); only between blank lines.
_LONE_NUMBER = re.compile(r"^[ \u3000]+\d{1,3}[ \u3000]*$")  # (spaces only: '\t95' is a table cell)
#: The first character (after white space) of a line :data:`_PAGE_MARK` can match: a dash, 共 or 第.
_PAGE_MARK_START = frozenset(_DASHES.replace("\\", "")) | {"共", "第"}
#: The first character of a line :data:`_LONE_NUMBER` or :data:`_GLUED_NUMBER` can match.
_INDENT = (" ", "\u3000")
#: A page number glued in front of the heading that starts the next page (' 2 二、…').
_GLUED_NUMBER = re.compile(r"^[ \u3000]+\d{1,3}[ \u3000]+(?=[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]+[)）])")
#: A heading or list item: a new paragraph starts with it.
_HEADING = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十]+[)）、．.]|[（(]\d{1,2}[)）]|\d{1,2}(?:\.\d{1,2})*[、．.](?!\d)"
    r"|第[一二三四五六七八九十\d]+[章节部分条]|[①-⑳]|附件|附表|[•·●■◆▪-]\s)"
)
#: A field of a form written as a line ('评价机构：…'); '其中：' continues a sentence.
_LABEL_LINE = re.compile(r"^\s*(?!其中)[\u4e00-\u9fff（）()、/]{2,12}\s*[:：]\s*\S")
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")
_LINE_END = tuple("。！？；：!?;:")
_UNIT = r"(?:<<figure_unit>>|%|％)"
_UNIT_AFTER = vocab.words_pattern(rf"\s*{_UNIT}")  # a unit after a number (matched where the number ends)


@functools.cache
def _unit_start() -> re.Pattern[str]:
    """A unit starting a line: a unit of two characters or more whatever follows; one of one
    character only when no more of a word follows it ('项目', '个人', '分值', '人员' are words)."""
    longer = "|".join(re.escape(w) for w in sorted(
        {w for w in vocab.word_list("figure_unit") if len(w) > 1}, key=len, reverse=True))
    return re.compile(rf"^(?:{longer}|%|％|(?:{vocab.any_word('figure_unit')})(?![\u4e00-\u9fff]))")


_HEAD_NUMBER = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?")
_TAIL_NUMBER = re.compile(r"(?<![A-Za-z\d.,])\d[\d,]*\.?\d*$")
_WELL_FORMED = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ALNUM = re.compile(r"[A-Za-z0-9]")
#: Two words (or a word and an operator) separated by spaces, as the cells of a flattened row are.
_CELL_GAP = re.compile(r"[\u3400-\u9fff）)%％]\s+(?=[\u3400-\u9fff（(≥≤＞＜>< ])")

#: A page whose text is wrapped is at least this wide (display columns: a CJK character is 2).
_MIN_PAGE_WIDTH = 40


@dataclass
class Repair:
    """The repaired lines and where page breaks were (0-based indexes of blanked page furniture)."""

    lines: list[str]
    breaks: frozenset[int]
    joined: int = 0  # wrapped lines joined into the line of their sentence


class _CharWidths(dict):
    """Display width of each character met (2 for East Asian wide and full-width ones), looked
    up once per character."""

    def __missing__(self, c: str) -> int:
        w = self[c] = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        return w


_CHAR_WIDTHS = _CharWidths()


def _width(text: str) -> int:
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def _is_text(line: str) -> bool:
    s = line.strip()
    return bool(s) and "\t" not in line and not s.startswith("|")


# ---------------------------------------------------------------------------- page furniture
def _page_marks(lines: list[str]) -> set[int]:
    marks = set()
    n = len(lines)
    for i, line in enumerate(lines):
        # (the patterns are asked only of a line that starts as they need: most lines do not)
        lone = line.startswith(_INDENT) and _LONE_NUMBER.match(line) and (i == 0 or not lines[i - 1].strip()) \
            and (i + 1 == n or not lines[i + 1].strip())
        if lone or (line.lstrip()[:1] in _PAGE_MARK_START and _PAGE_MARK.match(line)):
            marks.add(i)
    return marks


def _header_key(line: str) -> str:
    """A line's words with its numbers masked; empty for a line of fewer than four Chinese characters."""
    if len(_CJK.findall(line)) < 4:
        return ""
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", line))


_TITLE_LINES = 4  # the title block: the first non-blank lines of the document
_TITLE_SHARE = 0.8  # a running header uses at least this share of its characters from the title


def _title_chars(lines: list[str]) -> tuple[int, frozenset[str]]:
    """The index after the title block and the characters (Chinese and digits) of its lines."""
    seen, chars, end = 0, set(), 0
    for i, line in enumerate(lines):
        if line.strip():
            seen += 1
            chars.update(c for c in line if _CJK.match(c) or c.isdigit())
            end = i + 1
            if seen == _TITLE_LINES:
                break
    return end, frozenset(chars)


def _echoes_title(line: str, title: tuple[int, frozenset[str]]) -> bool:
    """True when a line is the document's title again, as a running header prints it on the
    page after a page number ('某区医疗保障局部门整体支出绩效自评报告（2022年度）'): a short line
    without clause marks, written with the title's characters.

    Examples
    --------
    >>> t = _title_chars(["广西某县医疗保障局", "2023年度部门整体支出绩效自评报告", "一、概况"])
    >>> _echoes_title("某县医疗保障局部门整体支出绩效自评报告（2023年度）", t)
    True
    >>> _echoes_title("县医疗保障局2023年度支出情况如下", t)
    False
    """
    chars = [c for c in line if _CJK.match(c) or c.isdigit()]
    if len(_CJK.findall(line)) < 8 or _width(line.strip()) > 80 or _CLAUSE_MARK.search(line):
        return False
    return sum(c in title[1] for c in chars) >= _TITLE_SHARE * len(chars) and _REPORT_END.search(line) is not None


_REPORT_END = vocab.words_pattern(r"(?:<<report_title_end>>)(?:[（(][^（()）]{1,12}[)）])?\s*$")


def _running_lines(lines: list[str], marks: set[int]) -> set[int]:
    """Lines next to a page number that are repeated in the document (running headers/footers),
    or that print the document's title again."""
    if not marks:
        return set()
    counts = Counter(_header_key(x) for x in lines if _is_text(x))
    title = _title_chars(lines)
    found = set()
    for m in marks:
        for step in (1, -1):
            k, seen = m + step, 0
            while 0 <= k < len(lines) and seen < 2:
                if lines[k].strip():
                    seen += 1
                    key = _header_key(lines[k])
                    if key and k not in marks and _is_text(lines[k]) and (
                            counts[key] >= 2 or (k >= title[0] and _echoes_title(lines[k], title))):
                        found.add(k)
                    break
                k += step
    return found


def _drop_furniture(lines: list[str]) -> set[int]:
    """Blank page numbers and running headers, cut page numbers glued to headings (in place)."""
    marks = _page_marks(lines)
    furniture = marks | _running_lines(lines, marks)
    for i in furniture:
        lines[i] = ""
    for i, line in enumerate(lines):
        m = _GLUED_NUMBER.match(line) if line.startswith(_INDENT) else None
        if m:
            lines[i] = line[m.end():]
            furniture.add(i)
    return furniture


# ------------------------------------------------------------------------------ joining
def _number_join(a: str, b: str) -> bool:
    """True when the end of ``a`` and the start of ``b`` are one number or a number and its unit.

    Examples
    --------
    >>> _number_join("年中追加 412.", "18 万元"), _number_join("人员经费 2,87", "9.46 万元")
    (True, True)
    >>> _number_join("其他收入18.5", "0万元，占1.56%"), _number_join("项目支出 267.63", "万元，占")
    (True, True)
    >>> _number_join("合计 100", "86.5 86.50%"), _number_join("一级指标", "15")
    (False, False)
    """
    if not a or not (a[-1].isdecimal() or a[-1] in ",.\n"):
        return False  # (most lines) the number at the end of ``a`` must end with one of these
    tail = _TAIL_NUMBER.search(a)
    if not tail:
        return False
    t = tail.group(0)
    if b.startswith(".") and b[1:2].isdigit() and t[-1].isdigit():
        return bool(_WELL_FORMED.match(t + "." + re.match(r"\d+", b[1:]).group(0)))  # '702' / '.55'
    head = _HEAD_NUMBER.match(b)
    if head is None:
        return bool(t[-1].isdigit() and _unit_start().match(b) and _CJK.search(a))  # '267.63' / '万元'
    joined = t + head.group(0)
    if not _WELL_FORMED.match(joined):
        return False
    last_group = t.rsplit(",", 1)[-1] if "," in t else None
    if t.endswith(".") or (last_group is not None and "." not in last_group and len(last_group) < 3):
        return True  # '412.' or '2,87': no number is written so
    # a whole number at the end of a sentence line, and a number with its unit at the start of the next
    before = a[: tail.start()].rstrip()
    # (``b`` starts with ``head``: its unit must follow it)
    return bool(before and _CJK.match(before[-1]) and _UNIT_AFTER.match(b, head.end()))


_FIGURE_CELL = re.compile(r"(?:(?<=\s)|^)[-+≥≤<>＞＜]?\d[\d,.]*%?(?=\s|$)")
_TOTAL_START = vocab.words_pattern(r"^\s*(?:<<total_row_label>>)(?:\s|$)")


def _table_like(text: str) -> bool:
    """A row of a table flattened into a line: cells of words separated by spaces, or a label
    and two or more figures standing apart ('年度资金总额 86.00 92.50 88.37', '…率 10 10')."""
    if len(_CELL_GAP.findall(text)) >= 2:
        return True
    return len(_FIGURE_CELL.findall(text.strip())) >= 2 and not _CLAUSE_MARK.search(text)


_CLAUSE_MARK = re.compile(r"[，。；、]")  # prose has them; a table row has none
_COLUMN_GAP = re.compile(r"\S[ \u3000]{3,}\S")  # fields of a form line set apart ('所属地区：…   填报日期：…')


def _prose_wrap(a: str, b: str, page_width: int) -> bool:
    """True when ``a`` fills the page's line and ``b`` goes on with its sentence."""
    a, b = a.strip(), b.strip()
    full = page_width < 0 or (page_width > 0 and _width(a) >= page_width - max(6, page_width // 10))
    return (
        full
        and not _table_like(a)
        and not _table_like(b)
        and not a.endswith(_LINE_END)
        and not _HEADING.match(b)
        and not _LABEL_LINE.match(b)
        and not _TOTAL_START.match(b)
        and not _COLUMN_GAP.search(a)
        and not _COLUMN_GAP.search(b)
        and _CJK.search(a) is not None
    )


def _page_width(lines: list[str], texts=None, candidates=None) -> int:
    """The width of a wrapped page's text lines, or 0 when the text is not wrapped at a width.
    ``texts``: :func:`_is_text` of each line (indexable), when the caller has them;
    ``candidates``: the lines that may be measured, when the caller knows them (default: all)."""
    if texts is None:
        texts = [_is_text(x) for x in lines]
    n = len(lines)
    widths = sorted(
        _width(lines[i].strip()) for i in (range(n - 1) if candidates is None else candidates)
        if i + 1 < n and texts[i] and texts[i + 1] and not lines[i].rstrip().endswith(_LINE_END)
    )
    if len(widths) < 3:
        return 0
    width = widths[int(len(widths) * 0.8)]
    full = sum(1 for w in widths if w >= width - max(6, width // 10))
    return width if width >= _MIN_PAGE_WIDTH and full >= 3 else 0


def _next_text(lines: list[str], i: int, breaks: set[int]) -> tuple[int, bool]:
    """The next non-blank line after ``i`` and whether only page furniture stands between."""
    j = i + 1
    if j < len(lines) and lines[j].strip():
        return j, True
    crossed = False
    while j < len(lines) and not lines[j].strip():
        crossed = crossed or j in breaks
        j += 1
    return (j, crossed) if j < len(lines) else (-1, False)


def _joiner(a: str, b: str) -> str:
    if _number_join(a, b):
        return ""
    return " " if _ALNUM.match(a[-1]) and _ALNUM.match(b[0]) else ""


def _chains(lines: list[str], breaks: set[int], markdown: bool = False) -> list[list[int]]:
    """Runs of lines that are one wrapped paragraph (a run of one line is left out).

    In Markdown, lines not separated by a blank line are one paragraph, whatever their width.
    """
    texts = [_is_text(x) for x in lines]  # (asked of each line several times below)
    page_width = -1 if markdown else _page_width(lines, texts)
    return _wrapped_runs(lines, breaks, texts, page_width, range(len(lines)))


def _wrapped_runs(lines: list[str], breaks: set[int], texts, page_width: int, candidates) -> list[list[int]]:
    """:func:`_chains` over ``candidates``, in order: all lines, or at least every line that
    wraps onto the next (a line that does not changes no chain: ``current`` then stands for no
    chain, or ends with it); ``texts[i]`` is :func:`_is_text` of line ``i``."""
    chains: list[list[int]] = []
    current: list[int] = []
    for i in candidates:
        if not texts[i]:
            continue
        a = lines[i].rstrip()
        if page_width == 0 and not (a[-1].isdecimal() or a[-1] in ",.\n"):
            # (no prose wrap, and no number at its end to go on: it joins no line, and leaving
            # ``current`` as it is changes no chain: its last line is before this one or is it)
            continue
        j, ok = _next_text(lines, i, breaks)
        # (the cheap tests first: a text not wrapped at a width (0) has no prose wrap)
        wraps = ok and j >= 0 and texts[j] and (
            _number_join(a, lines[j]) or (page_width != 0 and _prose_wrap(a, lines[j], page_width))
        ) and not _HEADING.match(lines[j])
        if not current or current[-1] != i:
            current = [i]
        if wraps:
            current.append(j)
            if len(current) == 2:
                chains.append(current)
    return chains


def _reflow(lines: list[str], chain: list[int]) -> None:
    """Write each sentence of a wrapped paragraph on the line where it starts (in place)."""
    text, owner = "", []
    for k, i in enumerate(chain):
        piece = lines[i].strip() if k else lines[i].rstrip()
        sep = _joiner(text, piece) if text else ""
        text += sep + piece
        owner.extend([i] * (len(sep) + len(piece)))
    out = dict.fromkeys(chain, "")
    start = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.end() if m else len(text)
        sentence = text[start:end]
        if sentence.strip():
            first = start + (len(sentence) - len(sentence.lstrip()))
            line = owner[first]
            out[line] += sentence if out[line] else sentence.lstrip()
        start = end
    for i in chain:
        lines[i] = out[i]


# ------------------------------------------------------------------ tab-separated rows
_DIGIT = re.compile(r"\d")
_MIN_FULL_ROWS = 3  # a table's width is the field count of at least this many of its rows


def _tab_widths(lines: list[str]) -> dict[int, int]:
    """The width (field count) of the tab-separated table each tab line belongs to.

    A table is a run of tab lines (blank lines inside it allowed); its width is the field count
    most of its lines have, when at least three do.
    """
    widths: dict[int, int] = {}
    run: list[int] = []
    for i in range(len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if "\t" in line:
            run.append(i)
            continue
        if line.strip() or i == len(lines):
            if run:
                counts = Counter(lines[k].count("\t") + 1 for k in run)
                width, n = counts.most_common(1)[0]
                if n >= _MIN_FULL_ROWS:
                    widths.update(dict.fromkeys(run, width))
            run = []
    return widths


def _label_wrap(a: str, b: str, width: int) -> bool:
    """True when tab rows ``a`` and ``b`` are one row whose label cell holds a line break.

    ``a`` ends inside the label (its filled cells are words without figures) and ``b`` goes on
    with the label's tail and the row's other cells: together they have the table's width.

    Examples
    --------
    >>> _label_wrap("\\t\\t医保基金专项检查（含交叉", "检查）次数\\t≥4次\\t5次\\t8\\t8\\t", 8)
    True
    >>> _label_wrap("\\t\\t年度指标值", "实际完成值\\t10\\t9", 4)
    False
    """
    na, nb = a.count("\t") + 1, b.count("\t") + 1  # (the field counts, without splitting: most rows are whole)
    if na >= width or nb >= width or na + nb - 1 != width:
        return False
    fa, fb = a.split("\t"), b.split("\t")
    head, tail = fa[-1].strip(), fb[0].strip()
    filled = [c for c in fa if c.strip()]
    return (
        bool(head) and bool(tail) and not b.startswith("\t")
        and len(filled) <= 3 and not any(_DIGIT.search(c) for c in filled)
        and _CJK.search(head) is not None and _CJK.match(tail) is not None
        and not _DIGIT.search(tail) and any(_DIGIT.search(c) for c in fb[1:])
    )


def _join_tab_wraps(lines: list[str]) -> int:
    """Join tab rows split by a line break inside a label cell (in place); how many were joined."""
    widths = _tab_widths(lines)
    joined = 0
    for i in sorted(widths):
        j = i + 1
        if j in widths and lines[i] and lines[j] and _label_wrap(lines[i].rstrip("\r"), lines[j], widths[i]):
            lines[i] = lines[i].rstrip("\r") + lines[j]
            lines[j] = ""
            joined += 1
    return joined


def repair_lines(lines: list[str], markdown: bool = False, *, joined: str | None = None) -> Repair:
    """Drop page furniture and join hard-wrapped lines, keeping the number of lines.

    Parameters
    ----------
    lines : list of str
        The lines of a text report as read from the file.
    markdown : bool, default False
        The text is Markdown: consecutive text lines are one paragraph (soft line breaks).
    joined : str, optional
        The lines joined by line breaks, with one before the first line and one after the
        last, when the caller has them (the text the lines were split from).

    Returns
    -------
    Repair
        The repaired lines (as many as given), the indexes of the page furniture blanked, and
        how many lines were joined.

    Examples
    --------
    >>> r = repair_lines(["全年实际支出 3,652.", "36 万元，预算执行率 98.75%。其中基本支出 3,104.25 万元。",
    ...                   "", "— 3 —"])
    >>> r.lines
    ['全年实际支出 3,652.36 万元，预算执行率 98.75%。', '其中基本支出 3,104.25 万元。', '', '']
    """
    out = list(lines)
    plain = None if markdown else _plain_text(out, joined)
    if plain is not None:
        return _repair_plain(out, plain)
    breaks = _drop_furniture(out)
    tab_joined = _join_tab_wraps(out)
    chains = _chains(out, breaks, markdown)
    return _reflowed(out, breaks, chains, tab_joined)


def _reflowed(out: list[str], breaks: set[int], chains: list[list[int]], tab_joined: int) -> Repair:
    """The repair, once the page furniture was blanked and the tab rows joined: each chain reflowed."""
    for chain in chains:
        _reflow(out, chain)
    joined = sum(len(c) - 1 for c in chains) + tab_joined
    if breaks or joined:
        log.debug("text repaired: %d page lines dropped, %d wrapped lines joined", len(breaks), joined)
    return Repair(out, frozenset(breaks), joined)


# ------------------------------------------------------- the common case: nothing or little to repair
# Most texts have no page furniture, no tab row broken in its label and no page-wide wrapping:
# the passes over every line above then find nothing. Searches over the whole text (each
# starting at a line break, which the search finds at C speed) find the few lines those passes
# can act on, and the passes look at those lines only; each search finds every line the pass
# would act on (and perhaps more, which the pass then declines), so the repair is the same.

#: A line that may be page furniture (:func:`_page_marks`, :data:`_GLUED_NUMBER`): indented, or
#: whose first character is a dash, 共 or 第.
_FURNITURE_START = re.compile(rf"\n(?:[ \u3000]|\s*[{_DASHES}共第])")
#: Two tab lines that may be one row broken in its label (:func:`_label_wrap`): the first without
#: digits after a tab, the second with a first cell without digits and a digit after it.
_LABEL_WRAP_PAIR = re.compile(r"\t[^\d\n]*\n[^\t\n\d]+\t[^\n]*\d")
#: The end of a line that may be measured by :func:`_page_width`: its last character ends no
#: sentence and the next line starts as a text line does (no tab, no pipe).
_OPEN_LINE_END = re.compile(r"\n(?<![。！？；：!?;:\n]\n)(?=[^\S\n\t]*[^\s|])")
#: The fewest characters of a line as wide as :func:`_page_width` asks of three lines at least
#: (:data:`_MIN_PAGE_WIDTH` less its slack, in columns; a character is two columns at most).
_WIDE_CHARS = -(-(_MIN_PAGE_WIDTH - max(6, _MIN_PAGE_WIDTH // 10)) // 2)
#: :data:`_OPEN_LINE_END` of a line of :data:`_WIDE_CHARS` characters or more, none of its last
#: ones a tab: a page is wrapped at a width only when three lines are found so.
_WIDE_OPEN_LINE_END = re.compile(rf"\n(?<=[^\t\n]{{{_WIDE_CHARS - 1}}}[^\t\n。！？；：!?;:]\n)(?=[^\S\n\t]*[^\s|])")
#: The end of a line that may end with a number (a digit, a comma or a point, or white space last)
#: going on in the next line, which starts as a text line does.
_NUMBER_LINE_END = re.compile(r"\n(?<=[\d,.]\n|[^\S\n]\n)(?=[^\S\n\t]*[^\s|])")


class _TextLines(dict):
    """:func:`_is_text` of the lines asked about, each found once."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def __missing__(self, i: int) -> bool:
        t = self[i] = _is_text(self.lines[i])
        return t


def _plain_text(lines: list[str], joined: str | None = None) -> str | None:
    """The lines joined by line breaks, with one before the first line and one after the last
    (``joined``, when given), when there is no page furniture to drop in them and no line holds
    a line break; else None."""
    text = "\n" + "\n".join(lines) + "\n" if joined is None else joined
    if text.count("\n") != len(lines) + 1 or _FURNITURE_START.search(text):
        return None
    return text


def _ending_lines(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The lines (0-based) whose line break ``pattern`` matches in ``text`` (:func:`_plain_text`)."""
    out: list[int] = []
    seen, last = 0, 0
    for m in pattern.finditer(text):
        p = m.start() + 1
        seen += text.count("\n", last, p)
        last = p
        if seen >= 2:  # (the line break before the first line is the first one, and ends no line)
            out.append(seen - 2)
    return out


def _repair_plain(out: list[str], text: str) -> Repair:
    """:func:`repair_lines` of a text without page furniture (``text``: :func:`_plain_text`),
    looking only at the lines the searches find."""
    if _LABEL_WRAP_PAIR.search(text):
        tab_joined = _join_tab_wraps(out)
        if tab_joined:  # (lines were joined: the rest as for any text)
            return _reflowed(out, set(), _chains(out, set()), tab_joined)
    texts = _TextLines(out)
    n = len(out)
    page_width = 0
    if len(list(itertools.islice(_WIDE_OPEN_LINE_END.finditer(text), 3))) == 3:
        page_width = _page_width(out, texts, _ending_lines(text, _OPEN_LINE_END))
    if page_width != 0:
        return _reflowed(out, set(), _wrapped_runs(out, set(), texts, page_width, range(n)), 0)
    return _reflowed(out, set(), _wrapped_runs(out, set(), texts, 0, _ending_lines(text, _NUMBER_LINE_END)), 0)
