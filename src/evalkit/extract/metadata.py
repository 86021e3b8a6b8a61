"""Report metadata: department, region, fiscal year, kind, evaluator, date, score and grade.

Values come from the report's own words: labelled fields (``meta_labels.csv``: 部门(单位)名称,
预算部门, 预算年度, 评价机构, 报告日期, …) in text lines or key-value table rows, then title lines.
"""

from __future__ import annotations

import functools
import re

from evalkit import vocab
from evalkit.document import Document, TextLine, clean_label
from evalkit.extract.context import compact
from evalkit.extract.indicators import TotalScore
from evalkit.quantities import fold, parse_number

__all__ = ["REPORT_COLUMNS", "extract_metadata", "normalise_grade"]

REPORT_COLUMNS = [
    "report_id", "department", "province", "city", "county", "fiscal_year", "report_kind",
    "evaluator", "report_date", "total_score", "grade", "grade_raw", "source_file", "sha256",
    "title",
]
_ORG = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{2,30}?(?:医疗保障事务中心|医疗保障服务中心|医疗保障局|医保局|事务中心|服务中心"
    r"|局|委员会|办公室|中心))"
)
_YEAR_DU = re.compile(r"((?:19|20)\d{2})\s*年度")
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?![\d月])")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_SCORE_TEXT = re.compile(  # the report's total: not '某指标总分5分，实际得分4分'
    r"(?:综合得分|评价得分|自评得分|总得分)\s*[为是:：]?\s*\**\s*(\d+(?:\.\d+)?)\s*\**\s*分"
)


@functools.cache
def _grade_re() -> re.Pattern[str]:
    """'评价等级为良', '自评等级“良好”': a grade word of ``vocab/grades.csv`` after 等次/等级/级别."""
    return re.compile(rf"(?:等次|等级|级别)(?:为|是|评定为|[:：])?\s*[“\"「]?({vocab.alternation('grades').pattern})")


def normalise_grade(word: str | None) -> str | None:
    """优秀 → 优, 良好 → 良, 合格 → 中, 不合格 → 差.

    Examples
    --------
    >>> normalise_grade("良好"), normalise_grade("优秀"), normalise_grade(None)
    ('良', '优', None)
    """
    if not word:
        return None
    return vocab.synonyms("grades", "grade").get(compact(word))


@functools.cache
def _labels(field: str) -> tuple[frozenset[str], re.Pattern[str], frozenset[str]]:
    """The labels of a field, a pattern matching one at the start of a text (longest first),
    and the characters a label starts with."""
    words = sorted({compact(r["word"]) for r in vocab.load("meta_labels") if r["field"] == field}, key=len, reverse=True)
    return frozenset(words), re.compile("|".join(re.escape(w) for w in words)), frozenset(w[:1] for w in words)


def _labelled(doc: Document, field: str, limit_line: int | None = None) -> tuple[str, int] | None:
    """The value written after a label, in a text line ('预算部门： X') or the next cell."""
    labels, starts_with_label, first_chars = _labels(field)
    for block in doc.blocks:
        if isinstance(block, TextLine):
            if limit_line and block.line > limit_line:
                continue
            if block.text.lstrip()[:1] not in first_chars:
                continue  # (most lines: no label starts them)
            text = compact(block.text)
            m = starts_with_label.match(text)
            if m:
                value = text[m.end():].lstrip(":：")
                if value:
                    raw = re.split(r"[:：]", block.text, maxsplit=1)
                    shown = clean_label(raw[1]) if len(raw) > 1 else value
                    return shown.strip(), block.line
        else:
            for row in block.rows:
                texts = row.texts
                if len(texts) > 4:
                    continue
                for i, t in enumerate(texts[:-1]):
                    if t[:1] in first_chars and compact(t) in labels and texts[i + 1]:
                        return texts[i + 1], row.cells[i + 1].line
    return None


def _title_lines(doc: Document, n: int = 15) -> list[TextLine]:
    out = []
    for block in doc.blocks:
        if isinstance(block, TextLine):
            out.append(block)
        if len(out) >= n:
            break
    return out


def _department(doc: Document) -> tuple[str | None, int | None]:
    hit = _labelled(doc, "department")
    if hit:
        m = _ORG.search(hit[0])
        return (m.group("org") if m else hit[0]), hit[1]
    for tl in _title_lines(doc, 6):
        text = compact(tl.text)
        if re.match(r"^(附件|附表)\d*[:：]?$", text):
            continue
        m = _ORG.match(text)
        if m and not re.search(r"财政局[（(]?制", text):
            return m.group("org"), tl.line
    return None, None


def _fiscal_year(doc: Document) -> int | None:
    hit = _labelled(doc, "fiscal_year")
    if hit:
        m = re.search(r"((?:19|20)\d{2})", re.sub(r"(?<=\d)\s+(?=\d)", "", fold(hit[0])))
        if m:
            return int(m.group(1))
    titles = [re.sub(r"(?<=\d)\s+(?=\d)", "", fold(tl.text)) for tl in _title_lines(doc, 12)]
    for text in titles:
        m = _YEAR_DU.search(text)
        if m:
            return int(m.group(1))
    for text in titles:  # '…2023年部门整体支出绩效自评报告', '（2021年）': a year in the title itself
        m = _YEAR_TITLE.search(text)
        if m and (re.search(r"报告|自评|评价|绩效", text) or re.fullmatch(r"\s*[（(]\s*\d{4}\s*年\s*[)）]\s*", text)):
            return int(m.group(1))
    return None


def _report_kind(doc: Document, department: str | None, evaluator: str | None) -> str:
    titles = "".join(compact(t.text) for t in _title_lines(doc, 12))
    third_party = bool(evaluator) and not any(
        w in compact(evaluator) for w in ("部门", "单位", "评价组", "本局", "自评")
    ) and (department is None or compact(evaluator) not in compact(department))
    if third_party:
        return "部门整体支出绩效评价"
    if "项目" in titles and "整体" not in titles:
        return "项目支出绩效自评"
    return "部门整体支出绩效自评"


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


def _score_and_grade(doc: Document, totals: list[TotalScore], place=None) -> tuple[float | None, str | None]:
    score = grade = None
    dept = [t for t in totals if t.scope in ("", "部门整体")] or totals
    for t in dept:
        if t.kind == "total_score" and score is None:
            score = parse_number(t.value)
        if t.kind == "grade" and grade is None and normalise_grade(t.value):
            grade = compact(t.value)
    for tl in doc.text_lines:
        text = fold(tl.text)
        m = _SCORE_TEXT.search(text)
        if m:
            if score is None:
                score = float(m.group(1))
            if place and float(m.group(1)) == score:
                place(tl.line, m.group(1))  # the total score, stated (again) in the text
        if grade is None:
            m = _grade_re().search(text)
            if m:
                grade = m.group(1)
    return score, grade


def extract_metadata(doc: Document, totals: list[TotalScore], place=None) -> dict:
    """The reports row of a document (region left for the caller to resolve).

    ``place(line, number)`` is called for each number taken from the text.
    """
    department, _ = _department(doc)
    ev = _labelled(doc, "evaluator")
    evaluator = ev[0] if ev else None
    score, grade_raw = _score_and_grade(doc, totals, place)
    titles = []
    for tl in _title_lines(doc, 8):
        text = clean_label(tl.text)
        if re.match(r"^(附件|附表)\s*\d*\s*[:：]?$", text) or "：" in text or ":" in text:
            continue
        titles.append(text)
        if "报告" in text:
            break
    return {
        "report_id": doc.report_id,
        "department": department,
        "fiscal_year": _fiscal_year(doc),
        "report_kind": _report_kind(doc, department, evaluator),
        "evaluator": evaluator,
        "report_date": _report_date(doc),
        "total_score": score,
        "grade": normalise_grade(grade_raw),
        "grade_raw": grade_raw,
        "source_file": doc.source_file,
        "sha256": doc.sha256,
        "title": "".join(titles)[:80] or None,
    }
