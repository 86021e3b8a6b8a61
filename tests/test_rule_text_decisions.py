"""The decisions of :func:`evalkit.analysis.scoring.parse_rule_text`, one function each, as tables
of raw input and expected decision (one row per case): a step rule's direction, and the interval
one clause of a bands rule gives. Worked out by hand from the patterns of ``scoring.py``; the
whole rules are tested in ``test_analysis_scoring.py``."""

from __future__ import annotations

import math

import pytest

from evalkit.analysis.scoring import _band, _step_direction, parse_rule_text

# deduction verb | words before the threshold | words after it || direction (None: the rule contradicts itself)
DIRECTIONS = [
    ("降低", None, None, "higher"),  # '95%得5分，每降低2%扣1分': points off below 95 %
    ("降低", "高于", None, "higher"),
    ("低", None, "及以上", "higher"),
    ("增加", None, None, "lower"),
    ("增加", "小于等于", None, "lower"),  # '小于等于661.7万得5分，金额每增加80万扣一分'
    ("超过", None, "以内", "lower"),
    ("降低", "小于等于", None, None),  # below the threshold is full marks, yet points go off below it
    ("增加", None, "以上", None),
    ("超过", "≥", None, None),
]


@pytest.mark.parametrize("verb, pre, suf, expected", DIRECTIONS, ids=[f"{c[1]}|{c[2]}|{c[0]}" for c in DIRECTIONS])
def test_step_direction(verb, pre, suf, expected):
    assert _step_direction(verb, pre, suf) == expected


# one clause (folded: no spaces, ',' for '，') | rule written with ± || (low, high, points); None for no interval
BANDS = [
    ("±5以内5分", True, (0.0, 5.0, 5.0)),
    ("5%以内得3分", False, (-math.inf, 5.0, 3.0)),
    ("±5%-10%得2分", True, (5.0, 10.0, 2.0)),
    ("5%至10%之间得两分", False, (5.0, 10.0, 2.0)),
    ("15%以上得0分", True, (15.0, math.inf, 0.0)),
    ("超过20%得0分", False, (20.0, math.inf, 0.0)),
    ("低于60%得0分", False, (-math.inf, 60.0, 0.0)),
    ("落实到位3分", False, None),
    ("每降低2%扣1分", False, None),
]


@pytest.mark.parametrize("clause, absolute, expected", BANDS, ids=[c[0] for c in BANDS])
def test_band_of_a_clause(clause, absolute, expected):
    assert _band(clause, absolute) == expected


# whole rule || kind chosen (the first shape that fits: step, count, award, bands, category)
KINDS = [
    ("高于95%得5分，每降低2%扣1分，扣完为止", "step"),
    ("小于等于95%得5分，每降低2%扣1分", None),  # a step rule contradicting itself is no other shape
    ("完成3项得6分，一项未完成扣2分", "count"),
    ("全部完成得6分，完成一项得2分", "award"),
    ("±5以内5分，±5%-10%得2分，15%以上得0分", "bands"),
    ("±5以内5分", None),  # one interval is no bands rule
    ("±5以内5分，落实到位3分", None),  # an interval among outcomes: neither shape
    ("落实到位3分，落实不到位2分，未落实0分", "category"),
    ("第1项得2分，第2项得1分", None),  # outcomes named with a digit are no category
]


@pytest.mark.parametrize("text, kind", KINDS, ids=[c[0] for c in KINDS])
def test_rule_shape(text, kind):
    rule = parse_rule_text(text)
    assert (rule.kind if rule else None) == kind
