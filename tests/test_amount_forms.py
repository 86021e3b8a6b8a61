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


CHINESE = [
    # text, raw, value as written, unit, 万元 (money) or None
    ("年初预算安排一百二十万元", "一百二十万元", 1200000.0, "元", 120.0),
    ("基金收入三点五亿元", "三点五亿元", 3.5, "亿元", 35000.0),
    ("补助一万零五百元", "一万零五百元", 10500.0, "元", 1.05),
    ("执行率达到百分之九十五", "百分之九十五", 95.0, "%", None),
    ("全县参保四十三万人", "四十三万人", 43.0, "万人", None),
    ("安排资金十万元用于医疗救助", "十万元", 100000.0, "元", 10.0),  # a numeral may open with 十 alone
]


@pytest.mark.parametrize("text, raw, value, unit, wan", CHINESE)
def test_chinese_numerals_are_read_exactly(text, raw, value, unit, wan):
    found = find_quantities(text)
    assert [(f.quantity.raw, f.quantity.value, f.quantity.unit) for f in found] == [(raw, value, unit)]
    assert to_wan(found[0].quantity) == wan


@pytest.mark.parametrize("text", ["数百万元的资金", "第一百元", "十五元/人", "二〇二三年度", "统一标准", "数十万元",
                                  "百万元级", "“十四五”规划"])
def test_chinese_words_that_are_no_figure(text):
    assert find_quantities(text) == []


def test_an_unplaced_chinese_amount_goes_to_the_residue(tmp_path):
    import evalkit

    path = tmp_path / "r.txt"
    path.write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\n另有一笔资金约一百二十万元用于宣传。\n", encoding="utf-8")
    report = evalkit.read_report(path)
    assert report.residue["line"].tolist() == [2]
    assert "一百二十万元" in report.residue["text"].iloc[0]


def test_a_chinese_comma_between_digit_groups_in_a_sentence_makes_no_amount():
    # '1，234万元': 1 234万元 or the numbers 1 and 234万元? Neither is sure: no amount at all.
    found = find_quantities("项目支出1，234万元")
    assert [f.quantity.raw for f in found] == ["1", "234万元"]
    assert [to_wan(f.quantity) for f in found] == [None, None]
    # a list of figures with a Chinese comma keeps its amounts
    assert [to_wan(f.quantity) for f in find_quantities("分别为12万元，34万元")] == [12.0, 34.0]


@pytest.mark.parametrize("text", ["实行医保基金预算管理一元化", "多元化筹资", "一元复始"])
def test_words_with_yuan_inside_are_no_amount(text):
    assert find_quantities(text) == []
