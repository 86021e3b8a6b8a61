"""Layout knowledge kept as data: header words, synonyms of items and stages, unit words.

Each vocabulary (``stages``, ``budget_items``, ``schemes`` …) is a CSV file, and the files are
grouped in **packs**, folders read in order:

1. ``core`` — words of any department's report (stages, budget items, indicator headers, units,
   labels of forms, page chrome …);
2. ``medical`` — words of medical security only (insurance schemes, fund flows, service
   topics, the statistics tables only such bureaus publish, the words that tell enrolment and
   funds from other figures);
3. any further packs named in the environment variable ``EVALKIT_VOCAB_PACKS`` (folders,
   separated by ``os.pathsep``; a bare name is a pack folder inside this package): a
   province's synonyms or another kind of department (教育局), without a change of code.

A vocabulary is the rows of its file in every pack, in pack order. A pack's file has the
columns of the first pack's file, and may add the column ``action``: ``remove`` takes away the
earlier packs' rows that agree with every non-empty cell of the row (so a pack replaces a word
by removing it and adding its own row). Loading is lazy and cached, so importing evalkit costs
nothing until a report is read; the packs are fixed for the life of the process (worker
processes inherit the environment).

Reference tables that are no layout knowledge stay beside the packs, in this folder:
``admin_divisions.csv`` (divisions of China, :mod:`evalkit.regions`), ``column_labels.csv`` and
``table_labels.csv`` (the field dictionary, :mod:`evalkit.fields`).
"""

from __future__ import annotations

import csv
import functools
import os
import re
from importlib import resources
from pathlib import Path

__all__ = ["PACKS_VARIABLE", "VocabularyError", "alternation", "any_word", "load", "packs", "synonyms", "word_list", "words_pattern"]

#: The packs every run reads, in order.
BUILT_IN = ("core", "medical")

#: The environment variable naming further packs.
PACKS_VARIABLE = "EVALKIT_VOCAB_PACKS"

_ACTION = "action"


class VocabularyError(ValueError):
    """A vocabulary pack or file that cannot be used (the message names the file)."""


@functools.cache
def packs() -> tuple[tuple[str, object], ...]:
    """The packs read, in order: ``(name, folder)`` pairs.

    Examples
    --------
    >>> [name for name, _ in packs()][:2]
    ['core', 'medical']
    """
    here = resources.files(__package__)
    found: list[tuple[str, object]] = [(name, here.joinpath(name)) for name in BUILT_IN]
    for entry in filter(None, os.environ.get(PACKS_VARIABLE, "").split(os.pathsep)):
        folder = Path(entry) if os.sep in entry or "/" in entry else here.joinpath(entry)
        if not folder.is_dir():
            raise VocabularyError(f"{PACKS_VARIABLE}: vocabulary pack {entry!r} is not a folder")
        found.append((Path(str(folder)).name, folder))
    return tuple(found)


def _read(folder, name: str) -> list[dict[str, str]] | None:
    """The rows of ``<name>.csv`` in one pack folder, or None when the pack has no such file."""
    file = folder.joinpath(f"{name}.csv")
    if not file.is_file():
        return None
    text = file.read_text(encoding="utf-8-sig")
    return [dict(row) for row in csv.DictReader(text.splitlines())]


def _remove(rows: list[dict[str, str]], pattern: dict[str, str]) -> list[dict[str, str]]:
    """``rows`` without those that agree with every non-empty cell of ``pattern``."""
    wanted = {k: v for k, v in pattern.items() if k != _ACTION and v}
    return [r for r in rows if any(r.get(k) != v for k, v in wanted.items())]


@functools.cache
def load(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of the vocabulary ``name`` (its file in every pack) as dictionaries.

    Raises
    ------
    VocabularyError
        When no pack has the file, or a pack's file has other columns than the first pack's.

    Examples
    --------
    >>> rows = load("stages")
    >>> {"stage": "决算", "word": "决算"} in rows
    True
    """
    rows: list[dict[str, str]] | None = None
    columns: list[str] = []
    for pack, folder in packs():
        mine = _read(folder, name)
        if mine is None:
            continue
        if rows is None:
            rows, columns = [], [c for c in mine[0] if c != _ACTION] if mine else []
        for row in mine:
            extra = set(row) - set(columns) - {_ACTION, None}  # None: cells past the header
            if extra:
                raise VocabularyError(f"vocabulary pack {pack}: {name}.csv has columns {sorted(extra)} "
                                      f"that the vocabulary lacks (its columns: {columns})")
            if (row.get(_ACTION) or "").strip() == "remove":
                rows = _remove(rows, row)
            else:
                rows.append({c: row.get(c) for c in columns})
    if rows is None:
        raise VocabularyError(f"no vocabulary pack has {name}.csv (packs: {[p for p, _ in packs()]})")
    return tuple(rows)


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
    """A regular expression matching any word of a vocabulary, longest words first (matching
    nothing when the vocabulary has no word).

    Examples
    --------
    >>> alternation("stages").search("2022年决算收入").group(0)
    '决算'
    """
    words = sorted({row[word] for row in load(name) if row[word]}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words) or "(?!)")


@functools.cache
def word_list(name: str) -> tuple[str, ...]:
    """The words of one named list of ``word_lists.csv`` (lists of words the readers look for:
    org_row, change_column, share_header …), in the order written.

    Examples
    --------
    >>> word_list("share_row")
    ('差异率', '占比', '比重')
    """
    words = tuple(r["word"] for r in load("word_lists") if r["list"] == name)
    if not words:
        raise VocabularyError(f"word_lists.csv has no list {name!r}")
    return words


@functools.cache
def any_word(name: str) -> str:
    """A regular expression (as text, to be put in a larger pattern) matching any word of the
    list ``name`` of ``word_lists.csv``, longest words first.

    Examples
    --------
    >>> import re
    >>> re.search(any_word("change_column"), "比上年增减（%）").group(0)
    '比上年'
    """
    return "|".join(re.escape(w) for w in sorted(set(word_list(name)), key=len, reverse=True))


_LIST_SLOT = re.compile(r"<<(\w+)>>")


class WordsPattern:
    """A regular expression whose ``<<name>>`` slots are the words of lists of
    ``word_lists.csv``, compiled when first used (so that importing a module that defines one
    reads no vocabulary). It offers the methods of a compiled pattern that the readers use.

    Examples
    --------
    >>> changes = words_pattern(r"^(?:<<change_column>>)")
    >>> bool(changes.match("同比增长")), bool(changes.match("预算数"))
    (True, False)
    """

    def __init__(self, template: str, flags: int = 0) -> None:
        self.template, self.flags = template, flags

    _METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split")

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        pattern = re.compile(_LIST_SLOT.sub(lambda m: f"(?:{any_word(m.group(1))})", self.template), self.flags)
        # the compiled pattern's own methods, set on the instance: a later ``p.search(…)`` calls
        # them without going through the methods below (the readers call these patterns often)
        for name in self._METHODS:
            setattr(self, name, getattr(pattern, name))
        return pattern

    def search(self, *args):
        return self.compiled.search(*args)

    def match(self, *args):
        return self.compiled.match(*args)

    def fullmatch(self, *args):
        return self.compiled.fullmatch(*args)

    def finditer(self, *args):
        return self.compiled.finditer(*args)

    def findall(self, *args):
        return self.compiled.findall(*args)

    def sub(self, *args):
        return self.compiled.sub(*args)

    def split(self, *args):
        return self.compiled.split(*args)


def words_pattern(template: str, flags: int = 0) -> WordsPattern:
    """A :class:`WordsPattern`: ``template`` with ``<<name>>`` for the words of a list."""
    return WordsPattern(template, flags)


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
