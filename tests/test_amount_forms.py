"""Amount forms that must be read exactly or not at all (never as a wrong 万元 figure).

Each case was worked out by hand: what a reader of the sentence understands, and what the
quantity parser must therefore give (a rate and a foreign currency are no 万元 amount; a range
has no single value; '3万5千元' is 3.5万元).
"""

from __future__ import annotations

import pytest

from evalkit.quantities import find_quantities, to_wan

CASES = [
    # text, raw of the figure, value, unit, kind, low, high, 万元
    ("人均补助3.5万元/人", "3.5万元/人", 3.5, "万元/人", "rate", None, None, None),
    ("按每人每年670元/人次标准", "670元/人次", 670.0, "元/人次", "rate", None, None, None),
    ("亩均投入1495元/亩", "1495元/亩", 1495.0, "元/亩", "rate", None, None, None),
    ("资金规模100万元-200万元", "100万元-200万元", None, "万元", "money", 100.0, 200.0, None),
    ("资金规模100-200万元", "100-200万元", None, "万元", "money", 100.0, 200.0, None),
    ("奖励3万5千元", "3万5千元", 3.5, "万元", "money", None, None, 3.5),
    ("补助1万2百元", "1万2百元", 1.02, "万元", "money", None, None, 1.02),
    ("引进外资100万美元", "100万美元", 100.0, "万美元", "foreign", None, None, None),
    ("收到1.2亿港元", "1.2亿港元", 1.2, "亿港元", "foreign", None, None, None),
    ("支出2.5亿元", "2.5亿元", 2.5, "亿元", "money", None, None, 25000.0),
]


@pytest.mark.parametrize("text, raw, value, unit, kind, low, high, wan", CASES)
def test_amount_form(text, raw, value, unit, kind, low, high, wan):
    found = find_quantities(text)
    assert len(found) == 1, [f.quantity.raw for f in found]
    q = found[0].quantity
    assert (q.raw, q.value, q.unit, q.kind, q.low, q.high) == (raw, value, unit, kind, low, high)
    assert to_wan(q) == wan


def test_a_count_of_wan_before_thousands_of_persons_is_not_money():
    # '3万5千人' is no amount in 元: nothing becomes 3.5万元
    assert all(to_wan(f.quantity) != 3.5 for f in find_quantities("服务3万5千人"))


def test_a_negative_after_a_comma_stays_a_negative():
    found = find_quantities("合计100万元，-2万元")
    assert [to_wan(f.quantity) for f in found] == [100.0, -2.0]
