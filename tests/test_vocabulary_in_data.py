"""The words the readers look for live in the vocabulary packs, not in regular expressions in code.

A word list written in code is an alternation of Chinese words inside a string literal
('(?:注|说明|备注)'): a province's synonym would need a code change, and two copies of a list drift
apart. This test reads every string literal of the package and fails on any alternation of three
Chinese words or more; such a list belongs in ``word_lists.csv`` of a pack (``vocab.word_list``,
``vocab.words_pattern("…<<list>>…")``). What stays in code is grammar: numbers, ordinals,
brackets, punctuation, and single words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import evalkit
from evalkit import vocab

PACKAGE = Path(evalkit.__file__).parent
_WORD = re.compile(r"^[\u4e00-\u9fff“”]{1,12}$")
_GROUP = re.compile(r"\(\?:([^()]*)\)|\((?!\?)([^()]*)\)")


def word_lists_in_code(source: str) -> list[tuple[int, str]]:
    """(line, words) of each alternation of three Chinese words or more in the string literals
    of ``source``.

    >>> word_lists_in_code('P = re.compile(r"(?:注|说明|备注)[:：]")')
    [(1, '注|说明|备注')]
    >>> word_lists_in_code('P = re.compile(r"(?:<<note_words>>)[:：]|第[一二三]")')
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value):
            continue
        groups = [a or b for a, b in _GROUP.findall(node.value)]
        if not re.search(r"[()]", node.value):
            groups.append(node.value)  # a bare alternation, put into a larger pattern later
        for group in groups:
            words = [w for w in group.split("|") if _WORD.match(w)]
            if len(words) >= 3:
                found.append((node.lineno, "|".join(words)))
    return found


def test_the_detector_finds_a_word_list_and_spares_grammar():
    assert word_lists_in_code('X = "万元|元|亿元"') == [(1, "万元|元|亿元")]
    assert word_lists_in_code('X = r"^(?:第[一二三四]+|\\d+[、.])"') == []
    assert word_lists_in_code('X = r"(?:年|年度)"') == []  # two words: a spelling, not a list


def test_no_word_list_is_written_in_code():
    found = [f"{path.relative_to(PACKAGE)}:{line}: {words}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for line, words in word_lists_in_code(path.read_text(encoding="utf-8"))]
    assert found == []


def test_every_named_list_used_in_code_exists():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"<<(\w+)>>", text))
        used |= set(re.findall(r"(?:word_list|any_word)\(\"(\w+)\"\)", text))
    used.discard("name")  # (the slot syntax in docstrings)
    assert len(used) >= 12
    for name in sorted(used):
        assert vocab.word_list(name), name
