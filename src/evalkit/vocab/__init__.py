"""Layout knowledge kept as data: header words, synonyms of items and stages, unit words.

Each CSV file in this folder is one vocabulary. Loading is lazy and cached, so importing
evalkit costs nothing until a report is read.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = ["alternation", "load", "synonyms"]


@functools.cache
def load(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of the vocabulary file ``<name>.csv`` as dictionaries.

    Examples
    --------
    >>> rows = load("stages")
    >>> {"stage": "决算", "word": "决算"} in rows
    True
    """
    text = resources.files(__package__).joinpath(f"{name}.csv").read_text(encoding="utf-8-sig")
    return tuple(dict(row) for row in csv.DictReader(text.splitlines()))


@functools.cache
def synonyms(name: str, key: str, word: str = "word") -> dict[str, str]:
    """Map each word of a vocabulary to its canonical value, e.g. '人员支出' → '人员经费'.

    Examples
    --------
    >>> synonyms("budget_items", "item")["人员支出"]
    '人员经费'
    """
    return {row[word]: row[key] for row in load(name)}


@functools.cache
def alternation(name: str, word: str = "word") -> re.Pattern[str]:
    """A regular expression matching any word of a vocabulary, longest words first.

    Examples
    --------
    >>> alternation("stages").search("2022年决算收入").group(0)
    '决算'
    """
    words = sorted({row[word] for row in load(name)}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def schemes(well_defined_only: bool = False) -> tuple[str, ...]:
    """The schemes of enrolment and funds in the order tables and charts show them.

    Examples
    --------
    >>> schemes()[:3]
    ('合计', '职工医保', '职工医保统筹基金')
    >>> "资助参保" in schemes(well_defined_only=True)
    False
    """
    return tuple(r["scheme"] for r in load("scheme_list")
                 if not well_defined_only or r["well_defined"] == "yes")
