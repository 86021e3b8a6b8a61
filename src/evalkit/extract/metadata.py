"""Report metadata: department, region, fiscal year, kind, evaluator, date, score and grade.

Values come from the report's own words, never from the page around it:

* labelled fields (``vocab/meta_labels.csv``: 主管部门, 部门(单位)名称, 预算部门, 项目单位, 评价机构,
  预算年度, 报告日期, …) in text lines (``预算部门：X``, ``主管部门 X 实施单位 Y``), a label
  line followed by its value line, or key-value table rows (HTML/docx tables arrive as cells);
* the title lines (the first lines that are not page chrome: ``vocab/chrome_words.csv``);
* the signature at the end (an issuer's name followed by a date);
* the page's 发布机构/来源 field, and last the first sentence that begins with a unit's name.

Organisation names are read up to a suffix of ``vocab/org_suffixes.csv`` (局, 中心, 中心校,
中心卫生院, 会计师事务所 …) and must begin with a place name (a name of ``县医疗保障局`` or a
masked ``(略)县人民医院`` is no department). The department loses a leading province-level name
in front of a lower-level place and a ``（汇总）``/``本级`` suffix.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Iterator

from evalkit import vocab
from evalkit.document import LINE_JOINER, Document, Table, TextLine, clean_label, parts_matching
from evalkit.extract.context import compact, is_page_chrome
from evalkit.extract.indicators import TotalScore
from evalkit.quantities import fold, folded_from, parse_number
from evalkit.regions import (
    Region,
    place_tokens,
    province_named_with,
    province_of_rules,
    province_path_before,
    province_rating,
    region_of_field,
    region_stated_about,
    resolve_region,
    resolve_region_from_texts,
)
from evalkit.schema import SCHEMAS

__all__ = ["REPORT_COLUMNS", "extract_metadata", "is_medical_institution", "normalise_grade", "org_name", "report_kind_of", "title_kind"]

logger = logging.getLogger(__name__)

#: The fields the metadata reader gives (the reports table's columns but ``stated``, which a
#: manifest fills): :data:`evalkit.schema.SCHEMAS`.
REPORT_COLUMNS = [c for c in SCHEMAS["reports"] if c != "stated"]
_HAN = r"\u4e00-\u9fff"
_YEAR_DU = re.compile(r"((?:19|20)\d{2})\s*年度")
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?![\d月])(?![一二三四五六七八九十]{1,2}月)|((?:19|20)\d{2})\s*年\s*1\s*[-—至~]\s*12\s*月")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_SIGN_DATE = re.compile(r"[12][0-9Oo〇]{3}\s*年\s*[0-9Oo]{1,2}\s*月\s*[0-9Oo]{1,2}\s*日|[二〇○零一三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日")


@functools.cache
def _score_words() -> tuple[str, ...]:
    """The labels of the report's total in a sentence: the word lists report_score_label and
    report_score_prose_label, and ``meta_labels.csv`` field report_score_prose ('自评总分')."""
    return tuple(dict.fromkeys(vocab.word_list("report_score_label") + vocab.word_list("report_score_prose_label")
                               + _labels("report_score_prose")))


@functools.cache
def _score_text_re() -> re.Pattern[str]:
    """A score statement: the report's total, not '某指标总分5分，实际得分4分'."""
    alt = "|".join(re.escape(w) for w in sorted(_score_words(), key=len, reverse=True))
    return re.compile(rf"(?:{alt})\s*(?:为|是|[:：])?\s*\**\s*(\d+(?:\.\d+)?)\s*\**\s*分"
                      rf"|(?:{alt})\s*[:：]\s*\**\s*(\d+(?:\.\d+)?)\s*\**\s*$")  # '…综合得分：94.5' ending the line

_SCORE_ALONE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*分?\s*$")
_GRADE_SUFFIX = re.compile(r"\s*[（(]\s*[A-Da-d]\s*[)）]\s*$")
_LEADING_NOISE = re.compile(
    r"^(?:[#*>|\s]+|<!--.*?:\s*|附件\s*\d*\s*[:：]?|[《〈“\"【\[（(]|(?:19|20)\d{2}\s*年(?:度)?"
    r"|第[一二三四五六七八九十\d]+部分\s*[:：]?|\d+\s*[、.．]\s*)"
)
_DEPT_TAIL = re.compile(r"(?:[（(]\s*(?:汇总|本级|含[^）)]*)\s*[)）]|本级)$")
_SELF_WORDS = ("本局", "我局", "本单位", "我单位", "本部门", "我部门")


# ----------------------------------------------------------------------------- names
@functools.cache
def _org_re(kind: str) -> re.Pattern[str]:
    words = sorted({r["word"] for r in vocab.load("org_suffixes") if r["kind"] == kind}, key=len, reverse=True)
    extra = (r"(?:[（(](?:特殊)?普通合伙[)）])?(?:[\u4e00-\u9fff]{2,8}?分(?:所|公司))?" if kind == "firm"
             else rf"(?:(?:(?![{_branch_breaks()}])[\u4e00-\u9fff]){{2,6}}?分(?:局|中心))?")  # '岚州市医疗保障局岚溪分局': a branch
    return re.compile(rf"[{_HAN}]{{2,30}}?(?:{'|'.join(map(re.escape, words))}){extra}")


def _branch_breaks() -> str:
    """Characters no branch's own name holds, which end the name before them ('…局对岚溪分局',
    '…局关于部分中心'; ``meta_labels.csv``, field ``not_in_branch``)."""
    return re.escape("".join(_labels("not_in_branch")))


def _strip_noise(text: str) -> str:
    text = clean_label(text)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_NOISE.sub("", text).strip()
    return text


def _has_place(name: str) -> bool:
    """A full name begins with a place (柘阳县…, 国家…); '县医疗保障局' does not."""
    if name.startswith(("国家", "中共", "中国")):
        return True
    if place_tokens(name):
        return True
    region = resolve_region(name)
    return region != Region() and any(name.startswith(n) for n in (region.province, region.city, region.county) if n)


def org_name(text: str, kind: str = "department") -> str | None:
    """The organisation name a text begins with, cut after its suffix (``vocab/org_suffixes.csv``).

    Examples
    --------
    >>> org_name("澄河市乐溪中心校 2024 年度部门整体和")
    '澄河市乐溪中心校'
    >>> org_name("青石县河口镇中心卫生院2022年部门决算公开表")
    '青石县河口镇中心卫生院'
    >>> org_name("2023年度隆溪县医疗保障局部门整体支出")
    '隆溪县医疗保障局'
    >>> org_name("(略) 县人民医院2023年度部门决算") is None
    True
    >>> org_name("中衡澄会计师事务所（特殊普通合伙）湖南分所", "firm")
    '中衡澄会计师事务所（特殊普通合伙）湖南分所'
    """
    text = _strip_noise(text)
    m = _org_re(kind).match(text)
    if not m:
        return None
    name = m.group(0)
    if kind == "department" and (_org_re("firm").match(name) or not _has_place(name)):
        return None
    return name


def clean_department(name: str) -> str:
    """Drop a leading province-level name before a lower-level place, and 汇总/本级 suffixes.

    Examples
    --------
    >>> clean_department("重庆市云岭区医疗保障局")
    '云岭区医疗保障局'
    >>> clean_department("广西壮族自治区柳溪县医疗保障局")
    '柳溪县医疗保障局'
    >>> clean_department("湖南省医疗保障局")
    '湖南省医疗保障局'
    >>> clean_department("瓯南县医疗保障局（汇总）")
    '瓯南县医疗保障局'
    """
    name = compact(name)
    previous = None
    while previous != name:
        previous = name
        name = _DEPT_TAIL.sub("", name)
    tokens = place_tokens(name)
    first = tokens[0][0] if tokens else None
    province = resolve_region(name).province
    if first is None and province and name.startswith(province):
        first = province
    is_province = first is not None and (
        (tokens and tokens[0][1] == "province") or first == province or first in ("北京市", "天津市", "上海市", "重庆市")
    )
    if is_province:
        rest = name[len(first):]
        if place_tokens(rest) or resolve_region(rest) != Region():
            return rest
    return name


def _level(name: str) -> int:
    """How local a name is: 3 county, 2 city, 1 province, 0 national or unknown."""
    region = resolve_region_from_texts([name])
    if region.county:
        return 3
    if region.city and region.city != region.province:
        return 2
    return 1 if region.province else 0


# ----------------------------------------------------------------------------- labels
@functools.cache
def _labels(field: str) -> tuple[str, ...]:
    return tuple(sorted({compact(r["word"]) for r in vocab.load("meta_labels") if r["field"] == field},
                        key=len, reverse=True))


#: The fields whose values the field reader looks for (:func:`_field_values`): its index of a
#: document holds the rows and lines with a label of one of them. (Another field gets an index
#: of its own: the index is only a way to pass over the rows and lines that hold no label.)
_INDEXED_FIELDS = ("title", "evaluator", "project", "fiscal_year", "report_date", "department_supervisor",
                   "department", "department_unit", "publisher", "region")


@functools.cache
def _every_label(fields: tuple[str, ...]) -> frozenset[str]:
    """Every label of the fields, as a cell holding it alone reads (its label key)."""
    words = {compact(r["word"]) for r in vocab.load("meta_labels") if r["field"] in fields} - {""}
    return frozenset(words | {w.rstrip(":：") for w in words})


def _word_tree(words: list[list[str]], gap: str) -> str:
    r"""A pattern that matches where one of ``words`` starts (each word a list of patterns of one
    character each, ``gap`` allowed between them), written as the tree of their beginnings: at a
    place in the text, the search tries the words that begin with the character there only, not
    each word in turn, as the plain alternation ``a|b|…`` does. It starts to match at the same
    places as that alternation (it may end elsewhere): for searches that ask where, not what.

    Examples
    --------
    >>> _word_tree([["总", "分"], ["总", "得", "分"], ["等", "级"], ["总"]], r"\s*")
    '(?:总\\s*(?:分|得\\s*(?:分))?|等\\s*(?:级))'
    >>> re.search(_word_tree([["总", "分"], ["等", "级"]], r"\s*"), "评定等 级为优").start()
    2
    """
    tree: dict[str, list[list[str]]] = {}
    for w in words:
        tree.setdefault(w[0], []).append(w[1:])
    alts = []
    for unit, tails in tree.items():
        rest = [t for t in tails if t]
        if not rest:
            alts.append(unit)
            continue
        sub = _word_tree(rest, gap)
        alts.append(f"{unit}{gap}{sub}?" if len(rest) < len(tails) else f"{unit}{gap}{sub}")
    return "(?:" + "|".join(alts) + ")"


@functools.cache
def _any_label_re(fields: tuple[str, ...]) -> re.Pattern[str]:
    """Any label of the fields, white space allowed between its characters: it matches in a raw
    line exactly when the line, compacted, holds a label (searched for where, :func:`_word_tree`)."""
    words = sorted({compact(r["word"]) for r in vocab.load("meta_labels") if r["field"] in fields} - {""},
                   key=len, reverse=True)
    if not words:
        return re.compile("")
    return re.compile(_word_tree([[re.escape(c) for c in w] for w in words], r"\s*"))


@functools.cache
def _any_key_re(fields: tuple[str, ...]) -> re.Pattern[str]:
    """Any label key of the fields (:func:`_every_label`) as a cell's raw text may write it, white
    space and '<br>' between its characters (:func:`_label_key` drops them): a row whose cells
    hold none has no label cell. (Any text at all when a label holds a character of '<br>'.)"""
    words = sorted({w.rstrip(":：") for w in _every_label(fields)} - {""}, key=len, reverse=True)
    if any(c in w for w in words for c in "<br>"):
        return re.compile("")
    if not words:
        return re.compile("(?!)")
    return re.compile(_word_tree([[re.escape(c) for c in w] for w in words], r"(?:\s|<br>)*"))


@functools.cache
def _label_set(field: str) -> frozenset[str]:
    """The label keys of a field: its labels, with and without a closing colon."""
    return frozenset(_labels(field)) | {w.rstrip(":：") for w in _labels(field)}


@functools.cache
def _label_words_re(field: str) -> re.Pattern[str]:
    """Any label of a field, anywhere: a line without one cannot match :func:`_inline_re` (whose
    search, behind its look-behind, is slow), so this quicker search passes over it."""
    return re.compile("|".join(re.escape(w) for w in _labels(field)))


@functools.cache
def _inline_re(field: str) -> re.Pattern[str]:
    """A label inside a line, not preceded by a Chinese character: '… 主管部门 X …', '部门：X'."""
    alt = "|".join(re.escape(w) for w in _labels(field))
    return re.compile(rf"(?<![{_HAN}])(?:{alt})(?:[（(][^）)]{{0,6}}[)）])?\s*[:：]?\s*")


def _rows(doc: Document) -> list[tuple[list[str], list[int]]]:
    """Every table row as cell texts, also Markdown-style '| a | b |' text lines (and the lines
    of the cells), read once per document: several fields look through them."""
    rows = doc.memo.get("metadata_rows")
    if rows is None:
        rows = doc.memo["metadata_rows"] = list(_read_rows(doc))
    return rows


def _joined_rows(doc: Document) -> tuple[str, list[int]]:
    """The cell texts of :func:`_rows`, NUL between cells and between rows, and where each row
    starts: one search finds the few rows that hold a label (:func:`evalkit.document.parts_matching`)."""
    joined = doc.memo.get("metadata_rows_joined")
    if joined is None:
        texts, starts, at = [], [], 0
        for cells, _ in _rows(doc):
            text = LINE_JOINER.join(cells)
            texts.append(text)
            starts.append(at)
            at += len(text) + 1
        joined = doc.memo["metadata_rows_joined"] = (LINE_JOINER.join(texts), starts)
    return joined


def _read_rows(doc: Document) -> Iterator[tuple[list[str], list[int]]]:
    """:func:`_rows`, read from the document."""
    if doc.joined_text_lines()[0].count("|") < 2:  # (no text line is a '| a | b |' row: most documents)
        for table in doc.tables:
            for row in table.rows:
                yield row.texts, [c.line for c in row.cells]
        return
    for block in doc.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                yield row.texts, [c.line for c in row.cells]
        elif block.text.count("|") >= 2:
            cells = [clean_label(c.replace("<br>", "")) for c in block.text.strip().strip("|").split("|")]
            yield cells, [block.line] * len(cells)


_SEAL = re.compile(r"[（(](?:盖章|签章)[)）]$")  # '填报单位（盖章）'


@functools.lru_cache(maxsize=4096)
def _label_key(text: str) -> str:
    return _SEAL.sub("", compact(text.replace("<br>", ""))).rstrip(":：")


def _field_index(doc: Document, fields: tuple[str, ...] = _INDEXED_FIELDS) -> tuple[list, list]:
    """The rows (cell texts, lines, label keys, positions of label cells) and the text lines
    (position, line, text, label key) holding a label of one of the fields, which the field
    reader looks through; built once per document (every field asks)."""
    index = doc.memo.get(("metadata_fields", fields))
    if index is None:
        every_label = _every_label(fields)
        rows = []
        all_rows = _rows(doc)
        # (a row that holds no label, even with spaces or '<br>' inside, has no label cell: most rows)
        for r in parts_matching(*_joined_rows(doc), _any_key_re(fields)):
            texts, lines = all_rows[r]
            keys = [_label_key(t) if t else "" for t in texts]
            if not every_label.isdisjoint(keys):  # (a row without a label cell is no field's)
                # (only a label cell followed by another cell can give a field its value)
                at = [i for i in range(len(texts) - 1) if keys[i] and keys[i] in every_label]
                rows.append((texts, lines, keys, at))
        text_lines = []
        all_lines = doc.text_lines
        # (a line that holds no label of any field is no field's: most lines of a report)
        for pos in doc.text_lines_matching(_any_label_re(fields)):
            tl = all_lines[pos]
            text = tl.text.strip()
            if text and text.count("|") < 2:
                text_lines.append((pos, tl, text, _label_key(text)))
        index = doc.memo[("metadata_fields", fields)] = (rows, text_lines)
    return index


def _field_values(doc: Document, field: str) -> Iterator[tuple[str, str, int]]:
    """(label, value, line) of a field, in document order, from every layout."""
    labels = _label_set(field)
    inline = _inline_re(field)
    words = _label_words_re(field)
    rows, text_lines = _field_index(doc, _INDEXED_FIELDS if field in _INDEXED_FIELDS else (field,))
    for texts, lines, keys, at in rows:
        for i in at:
            if keys[i] in labels:
                value = next(((v, lines[j], keys[j]) for j, v in enumerate(texts[i + 1:], i + 1) if v), None)
                if value and value[2] not in labels:
                    yield keys[i], value[0], value[1]
    all_lines = doc.text_lines if text_lines else []
    for pos, tl, text, key in text_lines:
        if key in labels:  # a label alone on its line, the value on the next
            nxt = next((t for t in all_lines[pos + 1:pos + 3] if t.text.strip()), None)
            if nxt is not None:
                yield key, clean_label(nxt.text), nxt.line
            continue
        if words.search(text) is None:
            continue  # (no label of the field on the line)
        for m in inline.finditer(text):
            value = text[m.end():]
            if value.strip():
                yield compact(m.group(0)).rstrip(":："), value.strip(), tl.line


def _labelled(doc: Document, field: str) -> tuple[str, int] | None:
    """The first value of a field (cut at the next label of the line), as written."""
    for _, value, line in _field_values(doc, field):
        value = re.split(r"\s+(?=[^\s:：]{2,10}[:：])", value)[0].strip()  # '… 填报日期：…' ends it
        if value:
            return value, line
    return None


def _org_values(doc: Document, field: str) -> list[tuple[str, str, int]]:
    out = []
    for label, value, line in _field_values(doc, field):
        name = org_name(value)
        if name:
            out.append((label, name, line))
    return out


# ----------------------------------------------------------------------------- lines
@functools.cache
def _meta_line_re() -> re.Pattern[str]:
    """A line of a web page's metadata ('信息分类：财政预决算', '[ 索引号 ]', '文 号：'): a label of
    ``vocab/page_fields.csv`` at the line's start, spaces allowed between its characters."""
    words = sorted((r["word"] for r in vocab.load("page_fields")), key=len, reverse=True)
    return re.compile(r"^\s*[\[【]?\s*(?:" + "|".join(r"\s*".join(map(re.escape, w)) for w in words) + ")")


_TITLE_LINES = 15  # the most title lines a reader asks for


def _title_lines(doc: Document, n: int = _TITLE_LINES) -> list[TextLine]:
    """The first lines of the document that are not page chrome or page metadata."""
    if n > _TITLE_LINES:
        return _read_title_lines(doc, n)
    titles = doc.memo.get("metadata_titles")
    if titles is None:  # (several fields ask: read once, the first n are the same lines)
        titles = doc.memo["metadata_titles"] = _read_title_lines(doc, _TITLE_LINES)
    return titles[:n]


def _read_title_lines(doc: Document, n: int) -> list[TextLine]:
    """:func:`_title_lines`, read from the document."""
    out: list[TextLine] = []
    for label, value, line in _field_values(doc, "title"):
        out.append(TextLine(line, value))
        break
    for block in doc.blocks:
        if len(out) >= n:
            break
        if isinstance(block, TextLine):
            text = block.text.strip()
            if not text or is_page_chrome(text) or _meta_line_re().match(text):
                continue
            out.append(block)
    return out


def _title_department(doc: Document) -> tuple[str, int] | None:
    """The unit a title line begins with; a sentence of the body among the first lines ('岚溪县
    医疗保障局自评得分95.6分，…' in a notice of results) is no title."""
    found = []
    for tl in _title_lines(doc, 12):
        text = tl.text
        if "：" in text[:8] and not text.startswith(("文件名称", "标题")):
            continue
        if _SENTENCE_MARK.search(text):
            continue
        text = re.sub(r"^(?:文件名称|标题)\s*[:：]", "", text.strip())
        name = org_name(text)
        if name and not re.match(r"\s*[:：]", text[text.find(name) + len(name):]):  # not an addressee '…局：'
            if report_kind_of(text[text.find(name) + len(name):]):
                return name, tl.line  # the line that names the report's kind after the unit: the title
            found.append((name, tl.line))
    # (else the first unit named: '岚溪县医疗保障局' over '2023年度部门决算'; a running header
    # '岚溪县财政局预算绩效管理专栏' above the title loses to the title)
    return found[0] if found else None


def is_medical_institution(department: str | None) -> bool:
    """True for a hospital, a health centre or a pharmacy (``word_lists.csv``, list
    medical_institution) named as the department: what such a unit says of the insurance fund is
    what the fund paid it.

    >>> is_medical_institution("峪川县人民医院"), is_medical_institution("峪川县医疗保障局"), is_medical_institution(None)
    (True, False, False)
    """
    return bool(department) and any(department.endswith(w) for w in vocab.word_list("medical_institution"))


def _issuer(doc: Document) -> tuple[str, int] | None:
    """The first-named issuer of a document issued as a notice, a circular or a reply (its title
    ends with a word of ``meta_labels.csv``, field issued_title: 的通知, 的通报 …): the first unit
    its title names ('云南省财政厅 云南省医疗保障局关于下达…的通知' → 云南省财政厅), not a 主管部门 in
    its attachments. None for any other document."""
    for tl in _title_lines(doc, 12):
        text = clean_label(tl.text)
        if any(text.endswith(w) for w in _labels("issued_title")):
            name = org_name(text)
            return (name, tl.line) if name else None
    return None


_SENTENCE_END = re.compile(r"[。；！？]")
_SENTENCE_MARK = re.compile(r"[，。；！？…]")  # a line holding one is a sentence, no title


def _signature(doc: Document, kind: str = "department") -> tuple[str, int] | None:
    """An issuer's name before a date at the end of the document ('松源县医疗保障局 2024年3月27日')."""
    lines = doc.lines
    start = max(0, len(lines) - 40)
    found = None
    for i in range(start, len(lines)):
        if all("日" not in t for t in lines[i:i + 3]):
            continue  # (a date ends in 日: none on the line, nor on the next lines that may hold it)
        text = clean_label(lines[i])
        if not text:
            continue
        segment = _SENTENCE_END.split(text)[-1].strip()
        date = _SIGN_DATE.search(segment)
        head = segment[: date.start()].strip() if date and not segment[date.end():].strip() else segment
        if not date:
            nxt = next((clean_label(t) for t in lines[i + 1:i + 3] if t.strip()), "")
            if not _SIGN_DATE.fullmatch(nxt):
                continue
        name = org_name(head, kind)
        if name and len(head) <= len(name) + 40 and not is_page_chrome(head):
            found = (name, i + 1)
    return found


_ORG_STATEMENT = vocab.words_pattern(r"(?:[（(][^）)]*[)）])?(?:<<org_statement_verb>>)")  # 'X中心（…）负责…'


def _body_department(doc: Document) -> tuple[str | None, int] | None:
    """The first sentence that begins with a unit's name and says what it is ('X中心负责…', 'X局为…')."""
    for tl in doc.text_lines[:80]:
        text = _strip_noise(tl.text)
        name = org_name(text)
        if name and text.startswith(name) and _ORG_STATEMENT.match(text[len(name):]):
            return name, tl.line
    return None


# ----------------------------------------------------------------------------- fields
def _department(doc: Document, project: bool) -> tuple[str | None, int | None]:
    """The department: for a project's form its 主管部门, for a department's report its 部门名称 field first."""
    supervisors = _org_values(doc, "department_supervisor")
    named = _org_values(doc, "department")
    if named and not (project and supervisors):
        return clean_department(named[0][1]), named[0][2]
    if supervisors:  # the most local 主管部门 (county-level when a form names a provincial one too)
        best = max(supervisors, key=lambda s: _level(s[1]))
        return clean_department(best[1]), best[2]
    hit = _title_department(doc)
    if hit is None:
        units = _org_values(doc, "department_unit")
        hit = (units[0][1], units[0][2]) if units else None
    hit = hit or _signature(doc)
    if hit is None:
        publishers = _org_values(doc, "publisher")
        hit = (publishers[0][1], publishers[0][2]) if publishers else None
    hit = hit or _body_department(doc)
    if hit is None:
        return None, None
    return clean_department(hit[0]), hit[1]


@functools.cache
def _title_words() -> re.Pattern[str]:
    """Words that make a line with a year a title (``meta_labels.csv``, field title_word:
    报告, 决算, 通知, 工作总结 …): its year is the fiscal year."""
    return re.compile("|".join(re.escape(w) for w in _labels("title_word")))


_HAN_YEAR = re.compile(r"[一二][〇○零九][〇○零一二三四五六七八九]{2}(?=\s*年)")  # '二〇二三年度'
_HAN_DIGIT = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def _arabic_years(text: str) -> str:
    """A text with its years in Chinese numerals written in digits ('二〇二三年度' → '2023年度').

    >>> _arabic_years("二〇二三年度部门整体支出绩效自评报告")
    '2023年度部门整体支出绩效自评报告'
    """
    if "年" not in text:
        return text
    return _HAN_YEAR.sub(lambda m: m.group(0).translate(_HAN_DIGIT), text)


def _year_from(text: str) -> int | None:
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", _arabic_years(fold(text)))
    m = _YEAR_DU.search(text)
    if m:
        return int(m.group(1))
    m = _YEAR_TITLE.search(text)
    if m and _title_words().search(text) and not re.search(r"[，。；]", text):  # a title, not a sentence
        return int(m.group(1) or m.group(2))
    if re.fullmatch(r"\s*[（(]\s*(?:19|20)\d{2}\s*年\s*[)）]\s*", text):
        return int(re.search(r"\d{4}", text).group(0))
    return None


#: The longest title line that a title broken over lines is pieced together from.
_SPLIT_TITLE_LINE = 40


def _split_title_year(titles: list[TextLine]) -> int | None:
    """The year of a title broken over two or three lines ('2023年瑞屿市医疗保障事业' / '发展统计
    公报', '（' / '2023' / '年度）'): the lines joined, when they are short and no sentence."""
    texts = [compact(fold(tl.text)) for tl in titles]
    for k in range(len(texts) - 1):
        for n in (2, 3):
            part = texts[k:k + n]
            if len(part) < n or any(len(t) > _SPLIT_TITLE_LINE or re.search(r"[，。；,]", t) for t in part):
                continue
            joined = "".join(part)
            if not re.search(r"(?:19|20)\d{2}", joined):
                continue
            year = _year_from(joined)
            if year:
                return year
    return None


def _table_years(doc: Document) -> int | None:
    """The latest data year of a table whose header has several year columns (a yearbook table)."""
    best = None
    for texts, _ in _rows(doc):
        years = [int(t[:4]) for t in texts if re.fullmatch(r"(?:19|20)\d{2}\s*年?", t or "")]
        if len(years) >= 2:
            best = max(years) if best is None else max(best, max(years))
    return best


def _fiscal_year(doc: Document) -> int | None:
    hit = _labelled(doc, "fiscal_year")
    if hit:
        m = re.search(r"((?:19|20)\d{2})", re.sub(r"(?<=\d)\s+(?=\d)", "", fold(hit[0])))
        if m:
            return int(m.group(1))
    titles = _title_lines(doc, 12)
    # the title's year first: a sentence among the first lines may name another year
    # ('2023年度资金绩效自评得分…' below '关于下达2024年…资金的通知')
    heads = [tl for tl in titles if not _SENTENCE_MARK.search(tl.text)]
    for tl in heads:
        m = _YEAR_DU.search(re.sub(r"(?<=\d)\s+(?=\d)", "", _arabic_years(fold(tl.text))))
        if m:
            return int(m.group(1))
    for tl in heads:
        year = _year_from(tl.text)
        if year:
            return year
    year = _split_title_year(titles)
    if year:
        return year
    for tl in titles:
        m = _YEAR_DU.search(re.sub(r"(?<=\d)\s+(?=\d)", "", _arabic_years(fold(tl.text))))
        if m:
            return int(m.group(1))
    for texts, _ in _rows(doc):  # a '（2023年度）' row of a form
        for t in texts:
            if t and re.fullmatch(r"[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]", t):
                return int(re.search(r"\d{4}", t).group(0))
    return _table_years(doc)


@functools.cache
def _kind_words() -> tuple[tuple[str, str], ...]:
    return tuple((r["word"], r["kind"]) for r in vocab.load("report_kinds"))


def report_kind_of(title: str) -> str | None:
    """The kind a title names (``vocab/report_kinds.csv``, the first word of the list that occurs).

    '自评' is a self-evaluation whose scope the title does not say (the form decides).

    Examples
    --------
    >>> report_kind_of("瓯南县医疗保障局（汇总）2023年度部门决算")
    '部门决算'
    >>> report_kind_of("澄河市乐溪中心校2024年度部门整体和项目支出绩效自评报告")
    '部门整体支出绩效自评'
    >>> report_kind_of("明州市财政局关于下达2024年补助资金的通知")
    '其他'
    >>> report_kind_of("一、基本情况") is None
    True
    """
    text = compact(title)
    for word, kind in _kind_words():
        if word in text:
            if kind == "其他" and word.endswith("预算") and _names_evaluation(text):
                continue  # ('…基金收支预算执行绩效自评报告': the evaluation of a budget, no budget)
            return kind
    return None


def _names_evaluation(text: str) -> bool:
    """Whether a title names an evaluation (a word of a self-evaluation's kind in ``report_kinds.csv``)."""
    return any(word in text for word, kind in _kind_words() if "自评" in kind)


def title_kind(doc: Document) -> str | None:
    """The kind the document's title names (:func:`report_kind_of` over its first lines), or
    None when no title line names one (a work summary, a speech)."""
    return _title_kind(doc)


def _title_kind(doc: Document) -> str | None:
    if "metadata_title_kind" not in doc.memo:  # (the indicator reader may have asked already)
        doc.memo["metadata_title_kind"] = _read_title_kind(doc)
    return doc.memo["metadata_title_kind"]


def _read_title_kind(doc: Document) -> str | None:
    """:func:`_title_kind`, read from the title lines."""
    for tl in _title_lines(doc, 15):
        kind = report_kind_of(_strip_noise(tl.text))
        if kind:
            return kind
    return None


def _report_kind(doc: Document, evaluator: str | None) -> str:
    kind = _title_kind(doc)
    if kind in ("部门决算", "基金决算", "其他"):
        return kind
    if evaluator:
        return "第三方绩效评价"
    if kind and kind != "自评":
        return kind
    if _labelled(doc, "project"):  # a form with a 项目名称 field
        return "项目支出绩效自评"
    return "部门整体支出绩效自评" if kind else "其他"


def _is_internal(name: str) -> bool:
    c = compact(name)
    return any(w in c for w in _labels("internal_evaluator")) or bool(org_name(c))


_TUO = re.compile("托")
_ENTRUSTED = re.compile(r"受.{2,30}?委托\s*[，,]\s*")  # '受…委托，' before the evaluator's name


def _evaluator(doc: Document) -> str | None:
    """The external evaluator: a 评价机构 field, '受…委托，X…' or the firm signing the report."""
    hit = _labelled(doc, "evaluator")
    if hit:
        return None if _is_internal(hit[0]) else _whole_firm(doc, *hit)
    firm = _org_re("firm")
    lines = doc.text_lines
    for k in doc.text_lines_matching(_TUO):  # (no '受…委托' on a line without 托: most lines)
        tl = lines[k]
        if "受" not in tl.text:
            continue  # (no '受…委托' on the line: cleaning the label keeps every character)
        text = clean_label(tl.text)
        m = _ENTRUSTED.search(text)
        if m:
            f = firm.match(text, m.end())
            if f:
                return f.group(0)
    signed = _signature(doc, "firm")
    return signed[0] if signed else _cover_firm(doc)


def _cover_firm(doc: Document) -> str | None:
    """The firm named alone on a line of the cover of an evaluation report ('XX会计师事务所有限公司'
    under '绩效评价报告', a month on the next line, no signature with a day at the end): only when
    the title lines name an evaluation (评价, 评估) and not a self-evaluation (自评)."""
    titles = _title_lines(doc, 15)
    words = "".join(compact(tl.text) for tl in titles)
    if "自评" in words or ("评价" not in words and "评估" not in words):
        return None
    firm = _org_re("firm")
    for tl in titles:
        text = _strip_noise(tl.text)
        m = firm.fullmatch(text) if text else None
        if m and not is_page_chrome(text):
            return m.group(0)
    return None


def _whole_firm(doc: Document, value: str, line: int) -> str:
    """The evaluator's name as a field gives it, completed from the next line when the name is
    broken there ('澄州明信会计师事务所有限' / '公司'): only when the two lines joined give a
    longer firm's name (``org_suffixes.csv``, kind firm) than the field alone."""
    firm = _org_re("firm")
    m = firm.match(value)
    if m and m.end() == len(value):
        return value
    nxt = next((tl.text.strip() for tl in doc.text_lines if tl.line > line and tl.text.strip()), "")
    joined = firm.match(value + compact(nxt)) if nxt and len(nxt) <= 12 else None
    return joined.group(0) if joined and joined.end() > len(value) else value


def _report_date(doc: Document) -> str | None:
    hit = _labelled(doc, "report_date")
    text = None
    if hit:
        text = hit[0]
    else:
        tail = [b for b in doc.blocks if isinstance(b, TextLine)][-6:]
        for tl in reversed(tail):
            if re.fullmatch(r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*", fold(tl.text)):
                text = tl.text
                break
    if not text:
        return None
    m = _DATE.search(fold(text))
    if not m:
        return None
    y, mo, d = m.group(1), int(m.group(2)), m.group(3)
    return f"{y}-{mo:02d}-{int(d):02d}" if d else f"{y}-{mo:02d}"


def _numbers(texts: list[str]) -> list[float]:
    out = []
    for t in texts:
        m = _SCORE_ALONE.match(fold(t or ""))
        if m:
            out.append(float(m.group(1)))
    return out


def _grade_in(texts: list[str]) -> str | None:
    """The grade among a row's cells: a cell that is a grade word, or one that states it
    ('自评等级：优' in the last cell of a 总分 row)."""
    for t in texts:
        if t and normalise_grade(t):
            return compact(t)
    for t in texts:
        g = _grade_re().search(fold(t)) if t else None
        if g:
            return g.group(1)
    return None


def _unfolded(ch: str) -> str:
    """A pattern for the characters that :func:`fold` turns into ``ch`` (it, and its full-width form)."""
    chars = folded_from(ch)
    return re.escape(ch) if len(chars) == 1 else "[" + "".join(map(re.escape, chars)) + "]"


#: What may stand between the characters of a label once a line is cleaned, folded and made a
#: label key (:func:`_label_key`): white space and '<br>' (full-width forms fold to it).
_KEY_GAP = r"(?:\s|[<＜][bｂ][rｒ][>＞])*"


@functools.cache
def _folded_words_re(words: tuple[str, ...], gap: str = "") -> re.Pattern[str]:
    """Any of ``words`` as :func:`fold` makes a raw line read (``gap`` allowed between a word's
    characters): for a quick pass over the lines (:meth:`Document.text_lines_matching`) that cannot hold one
    (searched for where, :func:`_word_tree`)."""
    alts = sorted({w for w in words if w}, key=len, reverse=True)
    if not alts:
        return re.compile("(?!)")
    return re.compile(_word_tree([[_unfolded(c) for c in w] for w in alts], gap))


def _row_total(label: str, rest: list[str]) -> float | None:
    """The total of a form's total row: '项目总得分 93.8分', '总分 100 96.6' (100 is the weight sum)."""
    if label not in _labels("total_score") and label not in _labels("total_row"):
        return None  # (most rows: their cells are not looked at)
    nums = _numbers(rest)
    if label in _labels("total_score"):
        if len(nums) == 2 and nums[0] == 100:
            return nums[1]
        return nums[0] if len(nums) == 1 else None
    if label in _labels("total_row"):
        if len(nums) == 2 and nums[0] == 100 and nums[1] <= 100:
            return nums[1]
        if len(nums) == 1 and nums[0] < 100 and label in ("总分", "综合绩效", "综合评价"):
            return nums[0]
    return None


#: A form's total row flattened into a line: '总分 100 96.6' (weights, then the score).
_FLAT_TOTAL = re.compile(r"(?<![\u4e00-\u9fff])(?:总分|项目总得分)\s+100\s+(\d+(?:\.\d+)?)(?![\d.])")


@functools.cache
def _form_labels() -> frozenset[str]:
    """The labels that open a form's grade row or total row (fields grade, total_score, total_row)."""
    return frozenset(_labels("grade") + _labels("total_score") + _labels("total_row"))


def _form_totals(doc: Document) -> tuple[tuple[float, int] | None, str | None]:
    """The total score (and a grade beside it) of a form's total row, in any layout; no score
    where the tables' total rows state different totals (the forms of several projects)."""
    grade = None
    form_labels = _form_labels()
    found: list[tuple[tuple[float, int], str | None]] = []
    for texts, lines in _rows(doc):
        first = next((t for t in texts if t), None)
        if first is None or _label_key(first) not in form_labels:
            continue  # (no grade and no total: most rows)
        cells = [t for t in texts if t]
        label = _label_key(cells[0])
        if label in _labels("grade") and len(cells) > 1 and normalise_grade(cells[1]) and not grade:
            grade = compact(cells[1])  # '评价等次 | 优秀', '定性结论 | 优'
        score = _row_total(label, cells[1:])
        if score is not None:
            found.append(((score, lines[0]), _grade_in(cells[1:])))
    if found:
        if len({score for (score, _), _ in found}) > 1:
            return None, grade
        return found[0][0], next((g for _, g in found if g), None) or grade
    text_lines = doc.text_lines
    # (only a line that holds a total's label, or '总分 100 …', can give the total: few lines)
    labelled = _folded_words_re(_labels("total_row") + _labels("total_score") + ("总分", "项目总得分"), _KEY_GAP)
    for k in doc.text_lines_matching(labelled):
        tl = text_lines[k]
        text = fold(clean_label(tl.text))
        m = _FLAT_TOTAL.search(text) if "100" in text else None  # (it needs the 100)
        if m and float(m.group(1)) <= 100:
            return (float(m.group(1)), tl.line), grade
        label = _label_key(text)
        if label in _labels("total_row") or label in _labels("total_score"):
            following = [t.text for t in text_lines[k + 1:k + 4]]
            nums = []
            for t in following:
                if not _SCORE_ALONE.match(fold(t)):
                    break
                nums.append(t)
            score = _row_total(label, nums)
            if score is not None:
                return (score, text_lines[k + 1].line), grade
    return None, grade


@functools.cache
def _grade_re() -> re.Pattern[str]:
    """'评价等级为良', '自评等级“良好”', '自评结果为“优”': a grade word of ``vocab/grades.csv``
    after a word of ``meta_labels.csv`` (field grade_lead: 等次, 等级, 级别, 自评结果 …)."""
    lead = "|".join(re.escape(w) for w in _labels("grade_lead"))
    letter = r"(?:[A-Da-d]\s*级?\s*[（(]\s*)?"  # 'B级（良好）': the word in brackets after a letter
    count = r"(?![”\"」]?\s*的\s*[\d一二三四五六七八九十两])"  # not '为“优”的41个': a count of units
    return re.compile(rf"(?:{lead})(?:{vocab.any_word('grade_copula')}|[:：])?\s*[“\"「]?{letter}"
                      rf"((?:{vocab.alternation('grades').pattern})(?:\s*[（(][A-Da-d][)）])?){count}")


def normalise_grade(word: str | None) -> str | None:
    """优秀 → 优, 良好 → 良, 良(B) → 良, 合格 → 中, 不合格 → 差.

    Examples
    --------
    >>> normalise_grade("良好"), normalise_grade("优秀"), normalise_grade("良(B)"), normalise_grade(None)
    ('良', '优', '良', None)
    """
    if not word:
        return None
    return vocab.synonyms("grades", "grade").get(_GRADE_SUFFIX.sub("", compact(word)))


_PROJECT_WORD = re.compile(r"项目(?!支出)")
_WHOLE_WORD = re.compile(r"整体")
_WHOLE_KINDS = ("部门整体支出绩效自评", "部门决算")


#: After a score: the score is a bound of a grading rule ('90分（含）以上为“优”', '80分至90分').
_THRESHOLD = vocab.words_pattern(r"\s*(?:[（(]\s*含\s*[)）])?\s*(?:及|或)?\s*(?:<<grading_bound>>|～|~|—|-|－)")


_CITED = re.compile(r"《[^》]*》|[〔\[［][^〕\]］]*[〕\]］]")  # a cited document's title, a document number
_YEAR_IN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)(?![一二三四五六七八九十]{1,2}月)")  # no date


def _other_scope(text: str, at: int, year: int | None) -> bool:
    """True when the sentence before ``at`` says that what follows is not the report's own: a
    subordinate unit's ('下属县农业技术推广中心自评得分91分'), an earlier year's ('2022年度我局自评
    得分为88分', '上年度…得分为93分') or a target ('力争2024年度评价得分达到85分'): words of
    ``meta_labels.csv`` (fields other_unit_lead, other_year_lead and target_lead), or years (not
    dates, not in cited titles) none of which is the fiscal year and one of which is earlier (a
    later year alone is the year the report was written: '2024年，我局开展了自评')."""
    start = max(text.rfind(p, 0, at) for p in "。！？；")
    sentence = text[start + 1: at]
    if any(w in sentence for w in _labels("whole_unit_lead")):  # '本部门（含下属单位）…': the whole
        sentence = sentence.replace("下属", "")
    if any(w in sentence for w in _labels("other_unit_lead") + _labels("other_year_lead") + _labels("target_lead")):
        return True
    if year is None:
        return False
    years = {int(y) for y in _YEAR_IN.findall(_CITED.sub("", sentence))}
    return bool(years) and year not in years and min(years) < year


def _stated_score(text: str, year: int | None = None) -> re.Match[str] | None:
    """The first score statement of a line that is no bound of a grading rule, nor another
    unit's or year's (:func:`_other_scope`)."""
    for m in _score_text_re().finditer(text):
        if not _THRESHOLD.match(text, m.end()) and not _other_scope(text, m.start(), year):
            return m
    return None


def _whole_score(text: str, year: int | None = None) -> re.Match[str] | None:
    """The first score statement of a line that is not a project's: in a report on the department
    as a whole, '对“医保信息化建设项目”开展了单位自评，自评得分93.6分' is one project's score, and
    '本部门…部门整体支出绩效自评得分94.2分' the report's."""
    for m in _score_text_re().finditer(text):
        if _THRESHOLD.match(text, m.end()):
            continue  # '综合得分90分（含）以上为“优”': a grading rule, no score
        start = max(text.rfind(p, 0, m.start()) for p in "。！？；")
        sentence = text[start + 1: m.start()]
        if (_PROJECT_WORD.search(sentence) or _project_object_re().search(sentence)) and not _WHOLE_WORD.search(sentence):
            continue  # a project's, or '对城乡医疗救助资金开展自评，自评得分95分': a fund's
        if _other_scope(text, m.start(), year):
            continue
        return m
    return None


@functools.cache
def _project_object_re() -> re.Pattern[str]:
    """'对…资金开展自评': the object of 对 is a fund or a project (``meta_labels.csv``, field project_object)."""
    words = "|".join(re.escape(w) for w in _labels("project_object"))
    return re.compile(rf"对[^，,。；]{{2,40}}?(?:{words})")


_SCORE_LABEL_END = vocab.words_pattern(r"(?:<<report_score_label>>)\s*[:：为]?\s*$")  # the score on the next line


def _score_and_grade(doc: Document, totals: list[TotalScore], place=None,
                     kind: str | None = None, year: int | None = None) -> tuple[float | None, str | None]:
    """The total score and grade: stated in prose, in a form's total row, or beside an indicator table.
    In a report on the department as a whole, a project's score in the prose is no total; nor,
    in any report, a subordinate unit's or another year's than ``year`` (the fiscal year)."""
    score = grade = None
    whole = kind in _WHOLE_KINDS
    lines = doc.text_lines
    # (a line without a score's label or a grade's lead states neither: most lines)
    words = _folded_words_re(_score_words() + _labels("grade_lead"))
    for k in doc.text_lines_matching(words):
        tl = lines[k]
        scored = "分" in tl.text  # (every score statement holds 得分 or 评分: a line without 分 has none)
        if not scored and grade is not None:
            continue  # (neither a score nor a grade can be stated on the line)
        text = fold(tl.text)
        m = (_whole_score(text, year) if whole else _stated_score(text, year)) if scored else None
        if m is None and scored and _SCORE_LABEL_END.search(text) and k + 1 < len(lines):
            nxt = _SCORE_ALONE.match(fold(lines[k + 1].text))  # '自评得分' / '90分' on the next line
            if nxt:
                score = score if score is not None else float(nxt.group(1))
                continue
        if m:
            value = m.group(1) or m.group(2)
            if score is None:
                score = float(value)
            if place and float(value) == score:
                place(tl.line, value)  # the total score, stated (again) in the text
        if grade is None:
            g = next((g for g in _grade_re().finditer(text) if not _other_scope(text, g.start(), year)), None)
            if g:
                grade = g.group(1)
    form, form_grade = _form_totals(doc)
    if score is None and form is not None:
        score = form[0]
    grade = grade or form_grade
    dept = [t for t in totals if t.scope in ("", "部门整体")] or totals
    if len({t.scope for t in dept if t.kind != "total_weight"}) > 1:
        dept = []  # the forms of several projects, each with its total: none is the report's
    weights = {parse_number(t.value) for t in dept if t.kind == "total_weight"}
    for t in dept:
        value = parse_number(t.value) if t.kind == "total_score" else None
        if score is None and value is not None and value not in weights and value <= 100:
            score = value
        if t.kind == "grade" and grade is None and normalise_grade(t.value):
            grade = compact(t.value)
    return score, grade


def _region(doc: Document, department: str | None, titles: list[TextLine]) -> Region:
    # (not the evaluator's line: '评价机构：广西诚衡税务师事务所' names the firm's province)
    firm_line = _any_label_re(("evaluator",))
    texts = [department or ""] + [_strip_noise(t.text)[:120] for t in titles[:12]
                                  if not firm_line.match(compact(t.text))]
    region = resolve_region_from_texts([t for t in texts if t])
    if region.code and region.county:
        region = _restated(doc, region)
    if region.province is None and (region.city or region.county):
        province = (province_named_with(doc.lines + doc.chrome_lines, region) or _supervisor_province(doc)
                    or province_of_rules(doc.lines + doc.chrome_lines))
        if province:
            region = Region(province, region.city, region.county, region.code)
    if (region.city or region.county) and not (region.province and region.city):
        region = _stated_region(doc, region)
    if (region.city or region.county) and not (region.province and region.city):
        region = _footer_address_region(doc, region)
    return region


def _footer_address_region(doc: Document, region: Region) -> Region:
    """Province and city of a web page's footer address ('地址：新疆维吾尔自治区沙泉地区克孜湖县
    团结路16号'), only when it names the department's own county (or city): the site of the
    county's government publishes its departments' reports."""
    for line in doc.chrome_lines:
        m = _ADDRESS.match(line)
        if m:
            region = region_of_field(m.group(1), region)
            if region.province and region.city:
                break
    return region


_ADDRESS = re.compile(r"^\s*[\u4e00-\u9fff]{0,2}地址\s*[:：]\s*(\S+)")  # '地址：…', '通讯地址：…'


#: How many lines of a report's opening are read for statements about its place
#: ('X县位于甘肃省东南部，隶属定川市' in the 基本情况 / 项目概况 section).
_OPENING_LINES = 80


def _stated_region(doc: Document, region: Region) -> Region:
    """Province and city written in a 所属地区 field ('所属地区：河北省沧泽市滹阳县') or stated
    about the department's own county in the opening section ('X县位于甘肃省…，隶属定川市'):
    only when they name the department's own county (or city), never a neighbour's."""
    for _, value, _ in _field_values(doc, "region"):
        value = re.split(r"\s+", value.strip())[0]  # '… 填报日期：…' ends it
        region = region_of_field(value, region)
        if region.province and region.city:
            return region
    if region.county and not region.city:
        for field in ("department", "department_unit"):  # '填报单位：淮岭市桐溪县医疗保障事务中心'
            for _, name, _ in _org_values(doc, field):
                region = _city_of_org(name, region)
    opening = _opening(doc)
    return province_rating(opening, region_stated_about(opening, province_path_before(opening, region)))


def _opening(doc: Document) -> list[str]:
    """The lines of the report's opening (:data:`_OPENING_LINES`)."""
    return [tl.text for tl in doc.text_lines if tl.line <= _OPENING_LINES]


def _restated(doc: Document, region: Region) -> Region:
    """The region as the document states it when it names another province for its own county
    than the reference table's reading of the name ('塔河县地处新疆维吾尔自治区北部': not the 塔河县
    of 黑龙江省): a county's name is not unique across provinces, the document's own words win."""
    opening = _opening(doc)
    own = Region(county=region.county)
    stated = region_stated_about(opening, province_path_before(opening, own))
    if stated.province and stated.province != region.province:
        logger.debug("%s: the document places it in %s, not in %s", region.county, stated.province, region.province)
        return stated
    return region


def _city_of_org(name: str, region: Region) -> Region:
    """The city an organisation's name writes before the department's own county
    ('淮岭市桐溪县医疗保障事务中心' for 桐溪县): only a city directly followed by the county."""
    if region.city or not region.county or region.county not in name:
        return region
    head = name[: name.index(region.county)]
    found = resolve_region_from_texts([head + region.county])
    if found.county == region.county and found.city and head.endswith(found.city):
        return dataclasses.replace(region, city=found.city, province=region.province or found.province)
    return region


def _supervisor_province(doc: Document) -> str | None:
    """The province of a provincial 主管部门 the form names beside the local one (自治区主管部门)."""
    for _, name, _ in _org_values(doc, "department_supervisor"):
        region = resolve_region_from_texts([name])
        if region.province and not region.city and not region.county:
            return region.province
    return None


def extract_metadata(doc: Document, totals: list[TotalScore], place=None) -> dict:
    """The reports row of a document, with its region.

    Parameters
    ----------
    doc : Document
        The report.
    totals : list of TotalScore
        Totals and grades read beside the indicator tables.
    place : callable, optional
        ``place(line, number)`` is called for each number taken from the text.

    Returns
    -------
    dict
        The fields of :data:`REPORT_COLUMNS`.
    """
    evaluator = _evaluator(doc)
    kind = _report_kind(doc, evaluator)
    issuer = _issuer(doc) if kind == "其他" else None
    department = clean_department(issuer[0]) if issuer else _department(
        doc, kind == "项目支出绩效自评" or (kind == "第三方绩效评价" and bool(_labelled(doc, "project"))))[0]
    fiscal_year = _fiscal_year(doc)
    # a notice, a bulletin or a target table has no score of its own: the scores a notice of
    # results lists ('自评等级为“优”的41个', a table of units) are other units'
    score, grade_raw = _score_and_grade(doc, totals, place, kind, fiscal_year) if kind != "其他" else (None, None)
    title_lines = _title_lines(doc, 12)
    titles = []
    for tl in title_lines[:8]:
        text = clean_label(tl.text)
        if re.match(r"^(附件|附表)\s*\d*\s*[:：]?$", text) or "：" in text or ":" in text:
            continue
        titles.append(text)
        if "报告" in text or report_kind_of(text) == "其他":  # (a notice's title ends it: 的通报)
            break
    region = _region(doc, department, title_lines)
    return {
        "report_id": doc.report_id,
        "department": department,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "fiscal_year": fiscal_year,
        "report_kind": kind,
        "evaluator": evaluator,
        "report_date": _report_date(doc),
        "total_score": score,
        "grade": normalise_grade(grade_raw),
        "grade_raw": grade_raw,
        "source_file": doc.source_file,
        "sha256": doc.sha256,
        "title": "".join(titles)[:80] or None,
    }
