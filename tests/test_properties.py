"""Property-based tests (issue 6, part 2) of the number, unit and target parsers, the decoder
and the table reconstruction.

Two kinds of property: no unexpected exception on any text (CJK, full-width forms, tabs,
newlines, anything), and round trips where they hold: a quantity written out is parsed back,
an amount written in 元, 万元 or 亿元 is the same 万元, a grid rendered in the one-cell-per-line
layout is rebuilt to the same cells.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evalkit.document import ReportReadError, Table, TextLine, clean_label, decode, rebuild_blocks
from evalkit.quantities import (
    Quantity,
    find_quantities,
    fold,
    parse_number,
    parse_quantity,
    to_persons,
    to_wan,
)
from evalkit.readers.text import LAYOUTS, _md_text

FIXTURES = Path(__file__).parent / "fixtures"
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------ strategies
#: Characters that matter in reports: CJK, full-width forms, digits, operators, units, white space.
REPORT_CHARS = list(
    "0123456789.,%+-~/ \t\r\n\u3000\xa0"
    "０１２３４５６７８９．，％＋－～／＞＜＝：；（）"
    "≥≤≧≦＞＜±−—～至到以上下内及"
    "元万亿千人次个月年天分项家件名位率参保基金收入支出预算决算合计指标值得一二三级"
)
report_text = st.text(alphabet=st.sampled_from(REPORT_CHARS), max_size=60)
any_text = st.one_of(report_text, st.text(max_size=60),
                     st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF), max_size=30),
                     st.text(alphabet=st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF), max_size=30))

FIXTURE_LINES = [
    line
    for name, enc in (("cells_layout.txt", "utf-8"), ("tabs_layout_gb18030.txt", "gb18030"),
                      ("narrative_utf16.txt", "utf-16"))
    for line in (FIXTURES / name).read_bytes().decode(enc).splitlines()
    if line.strip()
]


# ------------------------------------------------------------- no exception on any text
@SOME
@given(any_text)
@example("＞１２３．５％")
@example("6-9个月以上")
@example("−.5万元")
@example("1,234,567.00亿元")
@example("٣٤万人")  # Arabic-Indic digits are digits to Python's regular expressions
def test_number_parsers_take_any_text(text):
    folded = fold(text)
    assert len(folded) == len(text)  # spans of the folded text point into the original
    assert fold(folded) == folded
    n = parse_number(text)
    assert n is None or isinstance(n, float)
    q = parse_quantity(text)
    assert q is None or isinstance(q, Quantity)
    quantities = [q] if q else []
    for found in find_quantities(text):
        assert 0 <= found.start < found.end <= len(text)
        assert found.quantity.raw == text[found.start:found.end]
        quantities.append(found.quantity)
    for quantity in quantities:
        assert (quantity.value is None) != (quantity.low is None)  # a number, or a range
        wan, persons = to_wan(quantity), to_persons(quantity)
        assert wan is None or isinstance(wan, float)
        assert persons is None or isinstance(persons, int)
        assert to_wan(quantity, default_unit="元") is None or quantity.value is not None


@SOME
@given(st.lists(st.one_of(report_text, st.text(max_size=20)), max_size=25))
def test_rebuild_blocks_takes_any_lines(lines):
    blocks = rebuild_blocks(lines)
    seen = 0
    layouts = {layout.name for layout in LAYOUTS} | {"cells", "tabs", "pipes"}
    for block in blocks:
        if isinstance(block, TextLine):
            # the line's text, less the marks of a Markdown heading or bold ('# 自评表' → '自评表')
            assert 1 <= block.line <= len(lines) and block.text == _md_text(lines[block.line - 1])
            first = block.line
        else:
            assert isinstance(block, Table) and block.rows and block.layout in layouts
            cell_lines = [c.line for r in block.rows for c in r.cells]
            assert all(1 <= n <= len(lines) for n in cell_lines)
            first = block.first_line
        assert first > seen  # blocks come in the order of the lines
        seen = first if isinstance(block, TextLine) else block.last_line


@SOME
@given(st.binary(max_size=300))
@example(codecs.BOM_UTF16_LE + b"\x00")
@example(b"\xe5\x8f")
def test_decode_takes_any_bytes(data):
    try:
        text, encoding = decode(data, "x.txt")
    except ReportReadError as exc:
        assert str(exc).startswith("x.txt: ")
    else:
        assert isinstance(text, str) and encoding


# ------------------------------------------------------------------------------ decoding
no_nul_text = st.text(alphabet=st.characters(blacklist_characters="\x00\ufeff", blacklist_categories=["Cs"]),
                      max_size=80)


@SOME
@given(no_nul_text)
def test_decode_round_trip_utf8_and_utf16(text):
    assert decode(text.encode("utf-8")) == (text, "utf-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode(text.encode("utf-16")) == (text, "utf-16")


@FEW
@given(st.lists(st.sampled_from(FIXTURE_LINES), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_decode_round_trip_gb18030_report_text(lines, newline):
    text = newline.join(lines)
    # text in ASCII alone is the same in UTF-8, which is tried first
    assert decode(text.encode("gb18030")) == (text, "utf-8" if text.isascii() else "gb18030")


@SOME
@given(no_nul_text, st.data())
def test_a_file_cut_anywhere_decodes_to_a_prefix(text, data):
    """An interrupted download: the text up to the cut (a cut character dropped), never garbage."""
    for encoding, keep in (("utf-8", 0), ("utf-16", 2)):  # keep: the BOM stays whole
        raw = text.encode(encoding)
        cut = data.draw(st.integers(min_value=min(keep, len(raw)), max_value=len(raw)), label=encoding)
        got, enc = decode(raw[:cut])
        assert text.startswith(got) and enc == encoding
        assert len(text) - len(got) <= len(raw) - cut  # no more is lost than was cut


# ---------------------------------------------------------------------- quantity round trips
OPS = {
    ">=": ["≥", ">=", "≧", "不低于", "不少于", "达到"], "<=": ["≤", "<=", "≦", "不超过", "不高于", "控制在"],
    ">": [">", "＞", "高于", "大于", "超过"], "<": ["<", "＜", "低于", "小于"], "=": ["=", "＝", "等于"],
    "±": ["±"], None: [""],
}
SUFFIX_OPS = {">=": ["以上", "及以上"], "<=": ["以下", "及以下", "以内"]}
UNITS = ["元", "千元", "万元", "万", "亿元", "亿", "人", "万人", "名", "人次", "万人次", "%", "个百分点", "分",
         "次", "个", "家", "件", "份", "项", "天", "小时", "个月", "月", "年", "元/人", None]
number_text = st.builds(
    lambda whole, frac, sign: sign + str(whole) + (f".{frac}" if frac else ""),
    st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "0", "5", "25", "125", "01", "9999"]),
    st.sampled_from(["", "", "-"]),
)
space = st.sampled_from(["", "", " "])


@SOME
@given(op=st.sampled_from(list(OPS)), number=number_text, unit=st.sampled_from(UNITS), data=st.data())
def test_quantity_written_out_parses_back(op, number, unit, data):
    word = data.draw(st.sampled_from(OPS[op]), label="op word")
    text = word + data.draw(space) + number + data.draw(space) + (unit or "")
    q = parse_quantity(text)
    assert q is not None, text
    assert (q.op, q.value, q.unit) == (op, float(number), unit), text
    assert q.text_value == number
    assert parse_quantity(text.replace("0", "０").replace("5", "５")) == Quantity(
        raw=" ".join(text.replace("0", "０").replace("5", "５").split()), value=q.value, unit=unit, op=op,
        text_value=number)


@SOME
@given(number=number_text, unit=st.sampled_from([u for u in UNITS if u and u not in ("%", "个百分点", "元/人")]),
       op=st.sampled_from(list(SUFFIX_OPS)), data=st.data())
def test_quantity_with_a_suffix_operator_parses_back(number, unit, op, data):
    text = number + unit + data.draw(st.sampled_from(SUFFIX_OPS[op]))
    q = parse_quantity(text)
    assert (q.op, q.value, q.unit) == (op, float(number), unit), text


@SOME
@given(low=st.integers(0, 10**6), width=st.integers(1, 10**6), sep=st.sampled_from(["-", "~", "～", "至", "到"]),
       unit=st.sampled_from(["个月", "天", "%", "万元", "人"]))
def test_range_written_out_parses_back(low, width, sep, unit):
    text = f"{low}{sep}{low + width}{unit}"
    q = parse_quantity(text)
    assert (q.value, q.low, q.high, q.unit) == (None, float(low), float(low + width), unit)
    [found] = find_quantities(f"办结时间为{text}。")
    assert (found.quantity.raw, found.quantity.low, found.quantity.high) == (text, low, low + width)


@SOME
@given(fen=st.integers(min_value=0, max_value=10**14), grouped=st.booleans())
def test_money_in_yuan_wan_and_yi_is_the_same_wan(fen, grouped):
    """An amount (in 分, so exact) written in 元, 万元 and 亿元 converts to the same 万元."""
    yuan = Decimal(fen) / 100
    wan = yuan / 10**4
    yi = yuan / 10**8
    written = {
        "元": f"{yuan:,.2f}" if grouped else format(yuan, "f"),
        "万元": format(wan, "f"),
        "亿元": format(yi, "f"),
        "万": format(wan, "f"),
    }
    expected = float(wan)
    for unit, number in written.items():
        q = parse_quantity(f"{number}{unit}")
        assert to_wan(q) == expected, (number, unit)
        [found] = find_quantities(f"支出{number}{unit}。")
        assert to_wan(found.quantity) == expected
    # a bare number in a table whose caption says 单位：元
    assert to_wan(parse_quantity(format(yuan, "f")), default_unit="元") == expected


@SOME
@given(hundredths=st.integers(min_value=0, max_value=10**9))
def test_persons_written_in_wan_ren_are_whole_persons(hundredths):
    text = "%.2f万人" % (hundredths / 100)
    assert to_persons(parse_quantity(text)) == hundredths * 100
    [found] = find_quantities(f"参保{text}，")
    assert to_persons(found.quantity) == hundredths * 100


@FEW
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=9))
def test_a_head_count_with_a_fraction_of_a_person_is_not_made_whole(persons, tenth):
    assert to_persons(parse_quantity(f"{persons}.{tenth}人")) is None


# ------------------------------------------------------------------- table reconstruction
cell_text = st.text(
    alphabet=st.sampled_from(list("一二三级指标值产出效益满意度参保人数≥≤%万元0123456789.（）-/：，")),
    max_size=8,
)


@st.composite
def grids(draw, min_cols=1, first_filled=False):
    """A small table: 1-5 rows of 1-6 cells, no row empty (a blank cell stands for a merged cell)."""
    n_cols = draw(st.integers(min_value=min_cols, max_value=6))
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        row = draw(st.lists(cell_text, min_size=n_cols, max_size=n_cols))
        filled = draw(st.integers(min_value=0, max_value=n_cols - 1))
        if first_filled:
            filled = 0
        if not row[filled]:
            row[filled] = draw(cell_text.filter(bool))
        rows.append(row)
    return rows


def render_cells(rows: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        lines += ["\t" + c for c in row] + [""]
    return lines


@SOME
@given(grids(), st.booleans())
def test_grid_in_cell_per_line_layout_is_rebuilt(rows, framed):
    lines = render_cells(rows)
    if framed:  # a caption above, a sentence below
        lines = ["表1 年度绩效指标完成情况表"] + lines + ["综合得分95分。"]
    blocks = rebuild_blocks(lines)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert [r.texts for r in tables[0].rows] == rows
    assert tables[0].layout == "cells"
    if framed:
        assert isinstance(blocks[0], TextLine) and isinstance(blocks[-1], TextLine)
        assert [t.text for t in tables[0].context] == ["表1 年度绩效指标完成情况表"]
    # each cell points at its own line
    for r in tables[0].rows:
        for c in r.cells:
            assert lines[c.line - 1] == "\t" + c.text


@SOME
@given(grids(min_cols=2, first_filled=True))
def test_grid_in_tab_separated_layout_is_rebuilt(rows):
    lines = ["\t".join(row) for row in rows]
    [table] = rebuild_blocks(lines)
    assert table.layout == "tabs"
    assert [r.texts for r in table.rows] == rows
    assert [r.line for r in table.rows] == list(range(1, len(rows) + 1))


@FEW
@given(st.lists(st.text(alphabet=st.sampled_from(list("服务对象满意度 \u3000\xa0ab1")), max_size=12), max_size=6))
def test_cell_labels_are_folded_once_and_for_all(texts):
    for text in texts:
        label = clean_label(text)
        assert clean_label(label) == label
        assert label == label.strip() and "  " not in label


@SOME
@given(st.text(alphabet=REPORT_CHARS, max_size=80))
@example("-5.5万元，+3人次，.5%，1,234.56元，A4纸20箱")
def test_numbers_are_found_where_a_full_scan_finds_them(text):
    """The number pattern written to start with a required character finds the same numbers, with
    the same groups, as the plain one."""
    import re

    from evalkit.quantities import NUMBER, NUMBER_SCAN, _find_re

    fast = _find_re()
    plain = re.compile(fast.pattern.replace(NUMBER_SCAN, NUMBER, 1))
    folded = fold(text)
    assert [m.groupdict() | {"span": m.span()} for m in fast.finditer(folded)] == \
        [m.groupdict() | {"span": m.span()} for m in plain.finditer(folded)]


# ------------------------------------------------------- amounts exact or none (issue 13)
_CN_DIGIT_WORDS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """An integer written in Chinese numerals the way reports write them (一万零五百, 十二)."""
    if n == 0:
        return "零"

    def below_10000(k: int) -> str:
        out, zero = "", False
        for value, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = k // value % 10
            if digit:
                if zero and out:
                    out += "零"
                out += _CN_DIGIT_WORDS[digit] + word
                zero = False
            else:
                zero = True
        return out

    parts = []
    for value, word in ((10**8, "亿"), (10**4, "万"), (1, "")):
        k = n // value % 10**4 if value < 10**8 else n // value
        if k:
            if parts and k < 1000:
                parts.append("零")
            parts.append(below_10000(k) + word)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@SOME
@given(digits=st.text("0123456789", min_size=1, max_size=32), point=st.integers(min_value=0, max_value=32),
       sign=st.sampled_from(["", "-", "+"]), unit=st.sampled_from(["万元", "万", None]))
@example(digits="1" * 29, point=0, sign="", unit="万元")  # (beyond the decimal context's 28 digits)
def test_an_amount_in_wan_is_its_exact_number(digits, point, sign, unit):
    """An amount already in 万元 is the float of its exact number, however many digits it has."""
    number = sign + (digits[:point] + "." + digits[point:] if point < len(digits) else digits)
    q = Quantity(raw=number, value=float(number), unit=unit, text_value=number)
    assert to_wan(q, default_unit="万元") == float(Decimal(number) * Decimal(1))


@given(st.integers(min_value=1, max_value=99_999_999), st.sampled_from(["元", "万元", "亿元"]))
@example(10_500, "元")
@example(120, "万元")
def test_an_amount_in_chinese_numerals_is_read_exactly(n, unit):
    if unit != "元":
        n = n % 10_000 or 1  # '一万万元' is not written: 万元 and 亿元 take fewer than 万 of themselves
    found = find_quantities(f"安排资金{_chinese(n)}{unit}用于医疗救助")
    assert len(found) == 1
    factor = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}[unit]
    assert Decimal(str(to_wan(found[0].quantity))) == Decimal(n) * factor


@given(st.integers(min_value=1, max_value=99))
def test_a_percentage_in_chinese_numerals_is_read_exactly(n):
    found = find_quantities(f"执行率为百分之{_chinese(n)}。")
    assert [(f.quantity.value, f.quantity.unit) for f in found] == [(float(n), "%")]


@given(number=number_text, per=st.sampled_from(["人", "人次", "户", "亩", "年", "月"]),
       unit=st.sampled_from(["元", "万元"]))
def test_an_amount_per_head_or_unit_is_never_an_amount(number, per, unit):
    found = find_quantities(f"补助标准{number}{unit}/{per}")
    assert [to_wan(f.quantity) for f in found] == [None]


@given(low=st.integers(1, 10**5), width=st.integers(1, 10**5), unit=st.sampled_from(["元", "万元", "亿元"]))
def test_a_range_written_with_two_units_has_no_single_amount(low, width, unit):
    found = find_quantities(f"规模{low}{unit}-{low + width}{unit}")
    assert [(f.quantity.low, f.quantity.high, to_wan(f.quantity)) for f in found] == [
        (float(low), float(low + width), None)]


@given(number=number_text)
def test_a_parenthesised_amount_is_no_amount(number):
    # accounting negatives '(3.5)万元': which sign, which unit? left to the residue, never a positive 万元
    found = find_quantities(f"结余（{number}）万元")
    assert all(to_wan(f.quantity) is None for f in found)
