"""What was not placed: the residue table and the coverage measure.

Every number of a report (every token :func:`evalkit.quantities.find_quantities` finds on a
line) is either placed in a table by an extractor, deliberately ignored by a named rule
(``vocab/ignore_rules.csv``: phone numbers, dates, document numbers, ordinals, page numbers,
activity counts …), or left in the residue with its line and a short snippet.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from evalkit import vocab
from evalkit.extract.context import ReportContext, compact, ledger_keys, number_key
from evalkit.quantities import cell_separators, fold, found_quantities, has_chinese_quantity

__all__ = ["COVERAGE_COLUMNS", "RESIDUE_COLUMNS", "residue_and_coverage"]

_DIGIT = re.compile(r"\d")  # (any digit: full-width ones too)
RESIDUE_COLUMNS = ["report_id", "line", "text", "reason", "source"]
COVERAGE_COLUMNS = [
    "report_id", "table_numbers", "table_placed", "table_ignored", "text_numbers", "text_placed",
    "text_ignored", "table_coverage", "text_coverage",
]


@functools.cache
def _rules() -> tuple[tuple[re.Pattern[str], str, frozenset[str], bool], ...]:
    """(pattern, reason, trigger characters, whether the pattern names its number ``n``) of each rule."""
    rules = []
    for r in vocab.load("ignore_rules"):
        pattern = re.compile(r["pattern"])
        rules.append((pattern, r["reason"], frozenset(r.get("trigger") or ""), "n" in pattern.groupindex))
    return tuple(rules)


@functools.cache
def _ignored_labels() -> tuple[str, ...]:
    """Labels whose next cell holds no data (联系电话, 邮编 …: ``context_words.csv``)."""
    return tuple(r["word"] for r in vocab.load("context_words") if r["kind"] == "ignored_label")


def _rule_spans(text: str):
    """Spans of the numbers the rules deliberately ignore, one list per rule, rule by rule (a
    caller stops asking once every number it has is accounted for). A rule runs only on a
    line that has one of its trigger characters (a rule without triggers always runs)."""
    chars = set(text)
    for pattern, reason, trigger, names_number in _rules():
        if trigger and trigger.isdisjoint(chars):
            continue
        if names_number:
            yield [(m.start("n"), m.end("n"), reason) for m in pattern.finditer(text)]
        elif pattern.search(text):
            yield [(0, len(text), reason)]  # the rule ignores the whole line


def _ignored_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of the numbers a rule deliberately ignores, all rules."""
    return [span for spans in _rule_spans(text) for span in spans]


def _snippet(text: str, start: int, end: int, floor: int = 0) -> str:
    left = text[max(floor, start - 14) : start]
    left = re.split(r"[。；;]", left)[-1]
    return (left + text[start:end]).replace("\t", " | ").strip()


def residue_and_coverage(ctx: ReportContext, ignored_numbers: list[tuple[int, str, str]] = ()
                         ) -> tuple[list[dict], dict]:
    """Residue rows and the coverage row of a report, after all extractors have run.

    ``ignored_numbers`` are (line, number, reason) that an extractor deliberately left out.
    """
    doc = ctx.doc
    ledgers = (ctx.placed.copy(), Counter((line, number_key(n)) for line, n, _ in ignored_numbers if n))
    table_lines = _table_lines(doc)
    rows: list[dict] = [
        {"report_id": doc.report_id, "line": line, "text": text[:160], "reason": reason, "source": ctx.source(line)}
        for line, text, reason in doc.problems
    ]
    cov = dict.fromkeys(COVERAGE_COLUMNS[1:7], 0)
    markup = _markup_lines(doc)
    for no, raw in enumerate(doc.lines, start=1):
        raw = markup.get(no, raw)
        if _DIGIT.search(raw) is None and not _may_have_chinese_quantity(raw):
            continue  # no number on the line (most of them)
        row = _account_line(ctx, no, raw, table_lines, ledgers, cov)
        if row is not None:
            rows.append(row)
    coverage = {"report_id": doc.report_id, **cov}
    for prefix in ("table", "text"):
        total = cov[f"{prefix}_numbers"]
        done = cov[f"{prefix}_placed"] + cov[f"{prefix}_ignored"]
        coverage[f"{prefix}_coverage"] = round(100.0 * done / total, 1) if total else None
    rows.sort(key=lambda r: r["line"])  # (stable: a problem of a line comes before its numbers)
    return rows, coverage


def _markup_lines(doc) -> dict[int, str]:
    """Line → the text of its cells, for the lines of an HTML table written in a text (a
    Markdown converter's '<table><tr><td colspan="7">…'): the numbers of its markup are none of
    the report's."""
    out: dict[int, list[str]] = {}
    for table in doc.tables:
        if table.layout == "html":
            for row in table.rows:
                for cell in row.cells:
                    out.setdefault(cell.line, []).append(cell.text)
    return {line: "\t".join(texts) for line, texts in out.items()}


def _may_have_chinese_quantity(text: str) -> bool:
    """:func:`has_chinese_quantity`, asked only of a text with one of the words such a quantity
    ends with (元, 万人, 百分之): the regular expression needs one of them."""
    return ("元" in text or "万人" in text or "百分之" in text) and has_chinese_quantity(text)


def _table_lines(doc) -> dict[int, str]:
    """Line → the text of the cell before it on its row ('' for a row's first cell), for every
    line that holds a table cell (a key-value form's label comes before its value). The text is
    as written: :func:`_unplaced` compacts it when it needs it (seldom)."""
    table_lines: dict[int, str] = {}
    for table in doc.tables:
        for row in table.rows:
            prev = ""
            for cell in row.cells:
                table_lines[cell.line] = prev
                prev = cell.text
    return table_lines


#: The coverage counters of a line's numbers, by where the line stands.
_COUNTERS = {prefix: (f"{prefix}_numbers", f"{prefix}_placed", f"{prefix}_ignored") for prefix in ("table", "text")}


def _account_line(ctx: ReportContext, no: int, raw: str, table_lines: dict[int, str],
                  ledgers: tuple[Counter, Counter], cov: dict) -> dict | None:
    """Count the numbers of a line as placed, left out by an extractor or ignored by a rule (into
    ``cov``); the residue row of those left over, or None when none is."""
    in_table = no in table_lines
    stripped = raw.strip("\t").strip()
    if in_table:
        stripped = cell_separators(stripped)
    found = found_quantities(stripped)  # the same text the extractors read: the cache answers
    if not found:
        return None
    # (:func:`ledger_keys` written out for a number as written, most of them: one call less each)
    keyed = [(f, (tv.replace(",", "").lstrip("+-"),) if (tv := f.quantity.text_value) else ledger_keys(f.quantity))
             for f in found]
    repeated = (_ignored_if_repeated(keyed, stripped)
                if len(keyed) > 1 and _order_may_matter(keyed, ledgers, no) else None)
    text, ignored = repeated if repeated is not None else (None, None)
    n_placed, n_left_out, candidates = _take_all(ledgers, no, keyed)
    numbers, placed, ignored_key = _COUNTERS["table" if in_table else "text"]
    cov[numbers] += len(keyed)
    cov[placed] += n_placed
    cov[ignored_key] += n_left_out
    if not candidates:
        return None  # (most lines: every number placed or left out by an extractor)
    if text is None:
        text = fold(stripped)
    unplaced = _unplaced(candidates, text, table_lines.get(no, ""), ignored)
    cov[ignored_key] += len(candidates) - len(unplaced)
    if not unplaced:
        return None
    unplaced.sort(key=lambda f: f.start)
    starts = [0] + [f.start for f in unplaced[:5]]  # a snippet never cuts the number before it
    snippets = "；".join(_snippet(text, f.start, f.end, floor) for f, floor in zip(unplaced[:6], starts))
    reason = "表格中的数字未归入任何表" if in_table else "正文中的数字未归入任何表"
    return {"report_id": ctx.doc.report_id, "line": no, "text": snippets[:160], "reason": reason,
            "source": ctx.source(no)}


def _ignored_if_repeated(keyed: list, line: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """The folded line and the spans the rules ignore in it, when a line holds the same number
    twice ('12月31日 … 退休人员12人'): the ledger counts numbers by line and value, so a placement
    goes first to an occurrence no rule ignores (``keyed`` is so reordered). None for a line of
    distinct numbers: the rules run only on a line with a number not placed. (The folded line
    has the line's length: the spans of ``keyed`` hold in it.)"""
    if not _repeats(keyed):
        return None
    text = fold(line)
    ignored = _ignored_spans(text)
    keyed.sort(key=lambda fk: _covered(fk[0], text, ignored))
    return text, ignored


def _order_may_matter(keyed: list, ledgers: tuple[Counter, Counter], line: int) -> bool:
    """True when the order in which :func:`_take_all` takes a line's numbers (``keyed``) from the
    ledgers may change which of them are left over: numbers share a key that the ledgers hold
    for fewer of them than the line has, but not for none (or a range, whose keys are taken
    together, is among them). Otherwise the same numbers are left over in any order (the counts
    taken do not depend on it), and :func:`_ignored_if_repeated` has nothing to reorder."""
    keys = [k for _, ks in keyed for k in ks]
    if len(set(keys)) == len(keys):
        return False  # (most lines: distinct numbers)
    if len(keys) != len(keyed):
        return True
    placed, left_out = ledgers
    for key, n in Counter(keys).items():
        if n > 1 and 0 < placed.get((line, key), 0) + left_out.get((line, key), 0) < n:
            return True
    return False


def _repeats(keyed: list) -> bool:
    """True when a line's numbers (``keyed``: each with its ledger keys) share a key."""
    if len(keyed) < 2:
        return False
    keys = [k for _, ks in keyed for k in ks]
    return len(set(keys)) != len(keys)


def _take_all(ledgers: tuple[Counter, Counter], line: int, keyed: list) -> tuple[int, int, list]:
    """Take each number of a line from the ledger of placed numbers, else from that of numbers
    an extractor left out: how many from each, and the numbers in neither (the candidates for
    the residue)."""
    placed, left_out = ledgers
    n_placed = n_left_out = 0
    candidates = []
    for f, keys in keyed:
        if len(keys) == 1:  # (most numbers: :func:`_take` written out, one call less per number)
            key = (line, keys[0])
            if placed.get(key, 0) > 0:
                placed[key] -= 1
                n_placed += 1
            elif left_out.get(key, 0) > 0:
                left_out[key] -= 1
                n_left_out += 1
            else:
                candidates.append(f)
        elif _take(placed, line, keys):
            n_placed += 1
        elif _take(left_out, line, keys):
            n_left_out += 1
        else:
            candidates.append(f)
    return n_placed, n_left_out, candidates


def _unplaced(candidates: list, text: str, label_before: str,
              ignored: list[tuple[int, int, str]] | None) -> list:
    """Which numbers left by the extractors stay in the residue: none after a label whose next
    cell holds no data (联系电话 …), else those no ignore rule's span covers (the rules run rule by
    rule until every number is accounted for, unless their spans are already known)."""
    if not candidates:
        return candidates
    labels = _ignored_labels()
    if (label_before or ("" in labels)) and any(w in compact(label_before) for w in labels):
        return []  # (most lines have no cell before: no label to look at)
    if ignored is not None:
        return [f for f in candidates if not _covered(f, text, ignored)]
    unplaced = candidates
    for spans in _rule_spans(text):
        if not spans:
            continue  # (most rules find nothing on a line: no number to drop)
        unplaced = [f for f in unplaced if not _covered(f, text, spans)]
        if not unplaced:
            break
    return unplaced


def _take(ledger: Counter, line: int, keys: tuple[str, ...]) -> bool:
    """Take one count of each key from the ledger, if each has one left."""
    # (``get``: a Counter's ``[]`` of a missing key goes through a Python ``__missing__``)
    if len(keys) == 1:  # (most numbers: one key)
        key = (line, keys[0])
        if ledger.get(key, 0) > 0:
            ledger[key] -= 1
            return True
        return False
    if all(ledger.get((line, k), 0) > 0 for k in keys):
        for k in keys:
            ledger[(line, k)] -= 1
        return True
    return False


def _covered(f, text: str, ignored: list[tuple[int, int, str]]) -> bool:
    """True when an ignore rule's span holds the number's first digit."""
    digit = f.start + (1 if text[f.start] in "+-" else 0)
    return any(s <= digit < e for s, e, _ in ignored)
