"""The residue's decisions (evalkit.extract.residue), as tables of raw input and expected decision,
one row per case: which numbers of a line left by the extractors stay in the residue
(:func:`_unplaced`), and which occurrence of a number written twice on a line a placement goes to
(:func:`_ignored_if_repeated`, asked only when it may matter: :func:`_order_may_matter`).

The expected decisions were worked out by hand from the ignore rules (``ignore_rules.csv``) and the
labels whose next cell holds no data (``context_words.csv``, kind ``ignored_label``). The residue and
coverage of whole reports are tested in ``test_bundled_data.py``, ``test_bad_input.py`` and
``test_metadata_rules.py``.
"""

from __future__ import annotations

from collections import Counter

import pytest

from evalkit.extract.context import ledger_keys
from evalkit.extract.residue import (
    _ignored_if_repeated,
    _ignored_spans,
    _order_may_matter,
    _unplaced,
)
from evalkit.quantities import found_quantities

# line | label of the cell before | spans already known || numbers left in the residue
UNPLACED = [
    ("支出15.5万元", "", False, ["15.5万元"]),
    # dates: the year, month and day rules account for them
    ("2023年12月31日 支出15.5万元", "", False, ["15.5万元"]),
    ("2023年12月31日 支出15.5万元", "", True, ["15.5万元"]),  # (the same, with the spans known)
    ("较上年增加3.2万人，参保45.2万人", "", False, ["45.2万人"]),  # a change
    ("12月31日 退休人员12人", "", True, ["12人"]),  # (the 12 of 12月 is a date)
    ("检查定点药店149家", "", False, []),  # a count of no named service
    # the cell after a label whose next cell holds no data
    ("88888888", "联系电话", False, []),
    ("88888888", "", False, ["88888888"]),
    ("1", "序号", False, []),
]


@pytest.mark.parametrize("text, label, known, left", UNPLACED, ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in UNPLACED])
def test_numbers_left_in_the_residue(text, label, known, left):
    candidates = found_quantities(text)
    spans = _ignored_spans(text) if known else None
    assert [f.quantity.raw for f in _unplaced(candidates, text, label, spans)] == left


def test_no_candidates_no_residue():
    assert _unplaced([], "支出15.5万元", "", None) == []


# line || the rules' spans are asked for | order of the numbers for the ledger
REPEATED = [
    # '12' twice: the occurrence no rule ignores (12人) is placed first
    ("12月31日 退休人员12人", True, ["12人", "12月", "31"]),
    ("2023年12月31日 支出15.5万元", False, ["2023年", "12月", "31", "15.5万元"]),  # all distinct
    ("支出15.5万元", False, ["15.5万元"]),
]


@pytest.mark.parametrize("text, asked, order", REPEATED, ids=[c[0] for c in REPEATED])
def test_a_number_written_twice(text, asked, order):
    keyed = [(f, ledger_keys(f.quantity)) for f in found_quantities(text)]
    spans = _ignored_if_repeated(keyed, text)
    assert (spans is not None, [f.quantity.raw for f, _ in keyed]) == (asked, order)


# line | counts of '12' placed, left out by an extractor || the order of taking may matter
ORDER = [
    ("12月31日 退休人员12人", 0, 0, False),  # both occurrences left over, in any order
    ("12月31日 退休人员12人", 1, 0, True),  # one placed: which one is the rules' to say
    ("12月31日 退休人员12人", 0, 1, True),
    ("12月31日 退休人员12人", 1, 1, False),  # both taken (which ledger each is taken from is not kept)
    ("12月31日 退休人员12人", 2, 0, False),
    ("2023年12月31日 支出15.5万元", 1, 0, False),  # all distinct
    ("12月 6-12个月", 1, 0, True),  # a range (its keys are taken together) among repeated numbers
]


@pytest.mark.parametrize("text, placed, left_out, matters", ORDER, ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in ORDER])
def test_when_the_order_of_taking_may_matter(text, placed, left_out, matters):
    keyed = [(f, ledger_keys(f.quantity)) for f in found_quantities(text)]
    ledgers = (Counter({(7, "12"): placed}), Counter({(7, "12"): left_out}))
    assert _order_may_matter(keyed, ledgers, 7) is matters
