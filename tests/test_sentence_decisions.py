"""The sentence reader's decisions, one function each (evalkit.extract.narrative), as tables of raw
input and expected decision, one row per case.

A figure of a sentence is read in steps, each tested here on its own:

1. its kind and the characters before it choose the reader (:func:`_reader_of`); a bare 万 after a
   word of persons counts persons (:func:`_persons_in_wan`);
2. for a money figure, the fund reader reads its window (:func:`_fund_window`), refuses it or keeps
   it without a row (:func:`_fund_gate`), leaves a named budget item to the budget reader
   (:func:`_budget_item_first`), and finds its flow (:func:`_fund_flow`);
3. else the budget reader finds its item: the item its window names (:func:`_named_item`,
   :func:`_whole_project`), a time word's total (:func:`_whole_year_item`), the item a bare stage
   word is of (:func:`_keeps_item`, :func:`_item_in_context`), and then its parent
   (:func:`_budget_parent`).

The expected decisions were worked out by hand from the code and the vocabulary
(``schemes.csv``, ``fund_flows.csv``, ``context_words.csv``, ``budget_items.csv``, ``stages.csv``,
``funding_sources.csv``); the words are those of the sample reports. The last table reads whole
sentences and says which table takes the figure. Guards and whole reports are tested in
``test_narrative*.py``, ``test_samples.py`` and the gallery.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.context import DEPARTMENT_SCOPE, ReportContext
from evalkit.extract.narrative import (
    _budget_item_first,
    _budget_parent,
    _fund_flow,
    _fund_gate,
    _fund_window,
    _item_in_context,
    _keeps_item,
    _named_item,
    _persons_in_wan,
    _reader_of,
    _whole_project,
    _whole_year_item,
    extract_narrative,
)
from evalkit.quantities import found_quantities

DEPT = DEPARTMENT_SCOPE
PROJECT = "医疗救助专项资金"  # a project named as a 项目支出 (its name ends in 专项资金)
OTHER_PROJECT = "医保信息化建设项目"  # a project named otherwise


# --------------------------------------------------------------------------- 1. the reader
# kind | the characters before the figure | actual of a stated indicator || reader
READERS = [
    ("money", "基金支出", False, "money"),
    ("persons", "参保人数", False, "persons"),
    ("count", "检查定点药店", False, None),  # a count: only a service figure
    ("count", "率为", False, None),  # (a count after '率为' is no rate: only a bare number is)
    # '…年度目标≥3.1万人，实际完成3.24万人': the indicator reader's, whatever the kind
    ("persons", "实际完成", True, "indicator"),
    ("count", "实际完成", True, "indicator"),
    # a bare number after '…率为' / '…率是' is a rate
    (None, "执行率为", False, "rate"),
    (None, "率是 ", False, "rate"),
    (None, "金额为", False, None),
    # a share is a rate, unless a threshold or a formula's sign stands right before it
    ("percent", "执行率", False, "rate"),
    ("percent", "率≥", False, None),
    ("percent", "低于＜", False, None),
    ("percent", "）×", False, None),
    ("percent", "率= ", False, None),
    # (only the last two characters are looked at: a sign further back is another figure's)
    ("percent", "≥达到", False, "rate"),
    ("percent", "≥  ", False, "rate"),
]


@pytest.mark.parametrize("kind, before, actual, reader", READERS,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in READERS])
def test_reader_of_a_figure(kind, before, actual, reader):
    assert _reader_of(kind, before, actual) == reader


# sentence || unit of its figure, as read
PERSONS_IN_WAN = [
    ("参保人数38.65万", "万人"),
    ("全市参保38.65万", "万人"),
    ("城乡居民人口38.65万", "万人"),
    ("资金38.65万", "万"),  # 万 of yuan
    ("参保人数38.65万人", "万人"),  # (already persons)
]


@pytest.mark.parametrize("text, unit", PERSONS_IN_WAN, ids=[c[0] for c in PERSONS_IN_WAN])
def test_persons_in_wan(text, unit):
    f = found_quantities(text)[0]
    read = _persons_in_wan(f, text[: f.start])
    assert read.quantity.unit == unit
    assert (read.start, read.end, read.quantity.value) == (f.start, f.end, f.quantity.value)


# --------------------------------------------------------------------------- 2. funds
# window | scheme of the sentence's fund | scheme of the last fund figure
# || window read | scheme word | fund word | flow only | a fund's figure
FUND_WINDOWS = [
    ("城乡居民医保基金收入", None, None, "城乡居民医保基金收入", "城乡居民医保", True, False, True),
    ("基金支出", None, None, "基金支出", None, True, True, True),
    # a bare flow is a fund's only after a fund figure of the line
    ("支出", None, "居民医保", "支出", None, False, True, True),
    ("支出", None, None, "支出", None, False, True, False),
    # a staged flow names only a flow after a fund of the sentence ('…预算收入…，实际收入…')
    ("实际收入", "居民医保", "居民医保", "实际收入", None, False, True, True),
    ("实际收入", None, "居民医保", "实际收入", None, False, False, False),
    # a department's name names no scheme; a remark in brackets names no fund
    ("医保局支出", None, None, "支出", None, False, True, False),
    ("职工医保基金（含生育保险）收入", None, None, "职工医保基金收入", "职工医保", True, False, True),
    ("项目支出", None, None, "项目支出", None, False, False, False),
]


@pytest.mark.parametrize("window, sentence_fund, last_fund, read, scheme, fund_word, flow_only, in_fund",
                         FUND_WINDOWS, ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in FUND_WINDOWS])
def test_fund_window(window, sentence_fund, last_fund, read, scheme, fund_word, flow_only, in_fund):
    words = _fund_window(window, sentence_fund, last_fund)
    assert (words.window, words.scheme.group(0) if words.scheme else None, words.fund_word,
            words.flow_only, words.in_fund) == (read, scheme, fund_word, flow_only, in_fund)


# window | scheme of the sentence's fund | of the last fund figure | sentence | a project's report || gate
FUND_GATES = [
    ("居民医保基金收入", None, None, "居民医保基金收入", False, None),
    # a part of a flow, or money moved between pools: kept, no row
    ("基金利息收入", None, None, "基金利息收入", False, "part"),
    ("其他收入", "居民医保", None, "居民医保基金收入5亿元，其他收入", False, "part"),
    ("其中含市级统筹下拨资金", "居民医保", None, "…其中含市级统筹下拨资金", False, "part"),
    # (a fund of no sentence does not make '我局…其他收入' a fund's part)
    ("其他收入", None, None, "我局其他收入", False, "no fund"),
    # pension and work-injury funds: kept, no row (and no budget)
    ("养老保险基金收入", None, None, "养老保险基金收入", False, "other insurance"),
    ("支出", None, "居民医保", "工伤保险基金收入5万元，支出", False, "other insurance"),
    # left to the budget reader
    ("项目支出", None, None, "项目支出", False, "no fund"),
    ("追回医保基金", None, None, "全年共追回医保基金", False, "excluded"),
    ("城乡医疗救助补助资金实际支出", None, None, "城乡医疗救助补助资金实际支出", True, "project money"),
    ("城乡医疗救助补助资金实际支出", None, None, "城乡医疗救助补助资金实际支出", False, None),
    ("医疗救助基金实际支出", None, None, "医疗救助基金实际支出", True, None),  # (a fund word: the fund's)
    ("资助参加基本医疗保险", None, None, "资助参加基本医疗保险", False, "subsidy"),
]


@pytest.mark.parametrize("window, sentence_fund, last_fund, sentence, project, gate", FUND_GATES,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}|{c[4]}" for c in FUND_GATES])
def test_fund_gate(window, sentence_fund, last_fund, sentence, project, gate):
    words = _fund_window(window, sentence_fund, last_fund)
    assert _fund_gate(words, sentence, bool(sentence_fund), project) == gate


# window | scheme of the last fund figure || the budget's (not the fund's)
BUDGET_FIRST = [
    ("项目支出", None, True),
    ("总支出", None, True),  # the department's total expenditure
    ("总支出", "居民医保", False),  # a bare flow after a fund figure: the fund's
    ("基金总支出", None, False),  # a total with a fund word: the fund's
    ("居民医保基金支出", None, False),  # a scheme named
    ("医保基金", None, False),  # no item named
]


@pytest.mark.parametrize("window, last_fund, budget", BUDGET_FIRST, ids=[f"{c[0]}|{c[1]}" for c in BUDGET_FIRST])
def test_budget_item_first(window, last_fund, budget):
    assert _budget_item_first(_fund_window(window, None, last_fund), last_fund) is budget


# window | flow the line named | scheme || flow | a deficit
FUND_FLOWS = [
    ("基金收入", None, "居民医保", "收入", False),
    ("待遇支出", None, "职工医保", "支出", False),
    ("累计结余", None, "职工医保", "累计结余", False),
    ("当期结余", None, "职工医保", "结余", False),
    ("当期赤字", None, "职工医保", "结余", True),  # (the row's amount is then negative)
    ("收支缺口", None, "居民医保", "结余", True),
    ("基金", "支出", "合计", "支出", False),  # the flow the line named ('基金方面，支出…')
    ("救助资金", None, "医疗救助", "支出", False),  # 医疗救助's money is spent
    ("基金", None, "居民医保", None, False),  # no flow: no fund row
]


@pytest.mark.parametrize("window, line_flow, scheme, flow, deficit", FUND_FLOWS,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in FUND_FLOWS])
def test_fund_flow(window, line_flow, scheme, flow, deficit):
    assert _fund_flow(window, line_flow, scheme) == (flow, deficit)


# --------------------------------------------------------------------------- 3. budget items
# window | the item whose parts follow ('其中') | scope || item, words
NAMED_ITEMS = [
    ("人员经费", None, DEPT, ("人员经费", "人员经费")),
    ("其中：人员支出", "基本支出", DEPT, ("人员经费", "人员支出")),
    # in the report on a project named as a 项目支出, its 专项资金 is its whole money
    ("专项资金年初预算安排", None, PROJECT, ("支出合计", "专项资金")),
    ("专项资金年初预算安排", None, DEPT, ("项目支出", "专项资金")),
    ("专项资金年初预算安排", None, OTHER_PROJECT, ("项目支出", "专项资金")),
    # a project's '其中：' under a total names its funding sources
    ("其中：中央补助资金", "支出合计", OTHER_PROJECT, ("中央财政资金", "中央补助资金")),
    ("其中：中央补助资金", "支出合计", DEPT, None),
    ("其中：中央补助资金", "基本支出", OTHER_PROJECT, None),
    # 政府采购's '其中' names kinds of purchase
    ("其中货物类", "政府采购", DEPT, ("政府采购货物", "其中货物类")),
    ("其中：工程", "政府采购", DEPT, ("政府采购工程", "其中：工程")),
    ("其中软件类", "政府采购", DEPT, None),
    ("其中货物类", None, DEPT, None),
]


@pytest.mark.parametrize("window, parts_of, scope, hit", NAMED_ITEMS,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in NAMED_ITEMS])
def test_named_item(window, parts_of, scope, hit):
    assert _named_item(window, parts_of, scope) == hit


# hit | scope || hit
WHOLE_PROJECT = [
    (("项目支出", "专项资金"), PROJECT, ("支出合计", "专项资金")),
    (("项目支出", "专项资金"), DEPT, ("项目支出", "专项资金")),
    (("项目支出", "专项资金"), OTHER_PROJECT, ("项目支出", "专项资金")),
    (("基本支出", "基本支出"), PROJECT, ("基本支出", "基本支出")),
    (None, PROJECT, None),
]


@pytest.mark.parametrize("hit, scope, expected", WHOLE_PROJECT, ids=[f"{c[0]}|{c[1]}" for c in WHOLE_PROJECT])
def test_whole_project(hit, scope, expected):
    assert _whole_project(hit, scope) == expected


# window | item just named | item the sentence opens with || item, words
WHOLE_YEAR = [
    ("全年支出", None, None, ("支出合计", "支出")),  # the year's total
    ("全年收入", None, None, ("收入合计", "收入")),
    ("全年支出", "三公经费", None, ("三公经费", "全年支出")),  # '“三公”经费年初预算…，全年支出…'
    ("全年支出", "财政拨款收入", None, ("支出合计", "支出")),  # (an income's spending is the total)
    ("全年支出", "收入合计", None, ("支出合计", "支出")),
    ("全年支出", None, "三公经费", ("三公经费", "全年支出")),  # '一是“三公”经费控制严格，全年支出…'
    ("全年支出", None, "", None),  # an item named elsewhere in the sentence: unsure
    ("全年支出", None, "财政拨款收入", None),
    ("全年拨付定点医疗机构医保资金", None, None, None),  # a time word naming no budget line
    ("全年基本支出", None, None, None),  # (not a total)
]


@pytest.mark.parametrize("window, top_item, subject, hit", WHOLE_YEAR,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in WHOLE_YEAR])
def test_whole_year_item(window, top_item, subject, hit):
    assert _whole_year_item(window, top_item, subject) == hit


# hit of a stage word | item just named || the stage word keeps its own item
KEEPS = [
    (("支出合计", "决算支出"), "财政拨款收入", True),  # '决算支出' after an income: the expenditure total
    (("支出合计", "实际支出"), "三公经费", False),  # '“三公”经费预算…，实际支出…': the 三公 figure
    (("支出合计", "实际支出"), "基本支出", False),
    (("支出合计", "决算支出"), None, False),
    (("人员经费", "人员经费"), "财政拨款收入", False),  # (no stage word)
    (None, "财政拨款收入", False),
]


@pytest.mark.parametrize("hit, top_item, keeps", KEEPS, ids=[f"{c[0]}|{c[1]}" for c in KEEPS])
def test_keeps_item(hit, top_item, keeps):
    assert _keeps_item(hit, top_item) is keeps


# hit | stage word | item just named | item of the line | section's topic | window || item, words
IN_CONTEXT = [
    (None, "年初预算", "三公经费", "政府采购", None, "年初预算", ("三公经费", "年初预算")),
    (None, "决算", None, "政府采购", "基本支出", "决算", ("政府采购", "决算")),  # '④政府采购执行率。…'
    (None, "预算", None, None, "政府采购", "总预算", ("政府采购", "预算")),  # the section's total
    (None, "预算", None, None, "政府采购", "预算", None),  # under a topic, not said to be its total
    (None, "决算", None, None, None, "本年收入决算", ("收入合计", "决算")),
    (None, "决算", None, None, None, "收入支出决算", ("支出合计", "决算")),  # (income before expense)
    (None, "年初预算", None, None, None, "年初预算", ("支出合计", "年初预算")),
    (("支出合计", "实际支出"), "实际支出", None, None, None, "实际支出", ("支出合计", "实际支出")),
]


@pytest.mark.parametrize("hit, raw, top_item, subject, topic, window, expected", IN_CONTEXT,
                         ids=[f"{c[1]}|{c[2]}|{c[3]}|{c[4]}|{c[5]}" for c in IN_CONTEXT])
def test_item_in_context(hit, raw, top_item, subject, topic, window, expected):
    assert _item_in_context(hit, raw, (top_item, subject), topic, window) == expected


# item | item whose parts follow | path carried from the line before || parent | a part
PARENTS = [
    ("人员经费", "基本支出", "", "基本支出", True),  # '基本支出…，其中：人员经费…'
    ("基本支出", None, "", "", False),
    ("人员经费", None, "", "基本支出", False),  # a standard part gets its standard parent
    ("人员经费", None, "基本支出", "基本支出", False),  # the carried path ('（1）基本支出…其中：')
    ("支出合计", "基本支出", "", "", False),  # a total is never a part
    ("基本支出", "基本支出", "", "", False),  # (the item itself)
    ("公务接待费", "三公经费", "支出合计", "三公经费", True),  # totals stand in no path
]


@pytest.mark.parametrize("item, parts_of, outer, parent, is_part", PARENTS,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in PARENTS])
def test_budget_parent(item, parts_of, outer, parent, is_part):
    assert _budget_parent(item, parts_of, outer) == (parent, is_part)


# --------------------------------------------------------------------------- 4. whole sentences
# sentence || the tables its first figure goes to
SENTENCES = [
    ("2023年末全市基本医疗保险参保人数45.20万人。", {"enrollment"}),
    ("全市城乡居民医保基金收入5.3亿元。", {"funds"}),
    ("城乡居民医保基金预算收入5.3亿元。", set()),  # the fund's budget: no flow, and no budget
    ("2023年度收入合计952.30万元。", {"budget"}),
    ("资产总额69.91万元。", {"assets"}),
    ("在职人员8人。", {"staff"}),
    ("政府采购执行率为58.93%。", {"rates"}),
    ("资助困难群众参保5975人。", {"services"}),  # subsidised enrolment: 医疗救助's work
    ("参保人数较上年增加3.2万人。", set()),  # a change
    ("养老保险基金收入5亿元。", set()),  # no fund of medical insurance
    ("资助困难群众参保人数：年度目标≥3.1万人，实际完成3.24万人。", set()),  # an indicator's target and actual
]


@pytest.mark.parametrize("sentence, tables", SENTENCES, ids=[c[0] for c in SENTENCES])
def test_the_table_a_sentence_figure_goes_to(sentence, tables):
    rows = extract_narrative(ReportContext(document_from_text(sentence + "\n", "s")), 2023)
    assert {t for t in ("enrollment", "funds", "staff", "assets", "budget", "rates", "services")
            if getattr(rows, t)} == tables
