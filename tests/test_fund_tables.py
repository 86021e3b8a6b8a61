"""Statistics tables of medical insurance (evalkit.extract.fund_tables): enrolment and fund flows
by scheme, with schemes in the columns (a two-row header splitting 职工 into 基本医疗保险 and 生育保险)
or in section rows above repeated row labels, years in the columns or in the title, units declared
once for the table or in the row labels.

The fixtures tests/fixtures/fund_tables_*.md and the strings below were written for these tests in
the layouts cities and yearbooks publish; the expected rows are worked out by hand
(亿元 × 10000 = 万元, 万人 × 10000 = persons).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import evalkit
from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.fund_tables import read_fund_tables, scheme_of_label

FIXTURES = Path(__file__).parent / "fixtures"


def pick(frame, *cols):
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def read_text(text: str, year: int | None = 2023):
    ctx = ReportContext(document_from_text(text, "r", markdown=True))
    ctx.fiscal_year = year
    return read_fund_tables(ctx), ctx


# ------------------------------------------------------------------ schemes in the columns
@pytest.fixture(scope="module")
def monthly():
    return evalkit.read_report(FIXTURES / "fund_tables_scheme_columns.md")


def test_two_row_header_gives_each_column_its_scheme(monthly):
    # 基本医疗保险 under 职工基本医疗保险 is the employees' scheme, 生育保险 beside it maternity
    assert pick(monthly.enrollment, "year", "scheme", "persons") == [
        (2023, "职工医保", 204518), (2023, "生育保险", 118362), (2023, "居民医保", 633907)]


def test_units_declared_once_and_a_negative_balance(monthly):
    funds = pick(monthly.funds, "year", "scheme", "flow", "amount_wan")
    assert funds == [
        (2023, "职工医保", "收入", 96514.0), (2023, "生育保险", "收入", 7823.0), (2023, "居民医保", "收入", 71264.0),
        (2023, "职工医保", "支出", 88170.0), (2023, "生育保险", "支出", 8046.0), (2023, "居民医保", "支出", 73418.0),
        (2023, "职工医保", "结余", 8344.0), (2023, "生育保险", "结余", -223.0), (2023, "居民医保", "结余", -2154.0),
        (2023, "职工医保", "累计结余", 120566.0), (2023, "生育保险", "累计结余", 1935.0),
        (2023, "居民医保", "累计结余", 30772.0)]
    assert set(monthly.funds["source"]) == {f"fund_tables_scheme_columns:{n}" for n in (12, 14, 15, 16)}


def test_what_the_monthly_table_must_not_give(monthly):
    # no budget rows from a statistics table, no enrolment from person-times, no total summed,
    # no flow from the transfer notes under the table, no year from the publication date
    assert monthly.budget.empty
    assert "合计" not in set(monthly.enrollment["scheme"])
    assert 351277 not in set(monthly.enrollment["persons"])
    assert not monthly.funds["source"].str.endswith(":18").any()
    assert set(monthly.funds["year"]) == {2023}


def test_a_sub_item_of_income_stays_in_the_residue(monthly):
    # '其中：保险费收入' is a part of the income, no flow of its own: its figures are not placed
    res = monthly.residue
    assert list(res.loc[res["line"] == 13, "reason"]) == ["表格中的数字未归入任何表"]
    assert set(res["line"]) <= {3, 13, 18}  # (the page's date and counter, the sub-item, the notes)


# ------------------------------------------------------------------ years in the columns
@pytest.fixture(scope="module")
def yearbook():
    return evalkit.read_report(FIXTURES / "fund_tables_year_columns.md")


def test_sections_name_the_scheme_of_repeated_labels(yearbook):
    assert pick(yearbook.enrollment, "year", "scheme", "persons") == [
        (2012, "职工医保", 2331000), (2021, "职工医保", 3057700), (2022, "职工医保", 3112000),
        (2021, "居民医保", 10203400), (2022, "居民医保", 10115800),
        (2012, "生育保险", 1206400), (2021, "生育保险", 1710900), (2022, "生育保险", 1753000)]


def test_units_in_the_row_labels(yearbook):
    assert pick(yearbook.funds, "year", "scheme", "flow", "amount_wan") == [
        (2012, "职工医保", "收入", 584000.0), (2021, "职工医保", "收入", 1400500.0), (2022, "职工医保", "收入", 1523300.0),
        (2012, "职工医保", "支出", 497100.0), (2021, "职工医保", "支出", 1186200.0), (2022, "职工医保", "支出", 1260900.0),
        (2012, "职工医保", "累计结余", 610800.0), (2021, "职工医保", "累计结余", 1824500.0),
        (2022, "职工医保", "累计结余", 2086900.0),
        (2021, "居民医保", "支出", 962700.0), (2022, "居民医保", "支出", 1014000.0)]


def test_other_insurance_and_old_schemes_give_nothing_and_leave_no_residue(yearbook):
    # pension and unemployment sections, and the urban residents' scheme before the merger
    # (not 居民医保), are left out by name; the English column's '10000' and the year header too
    assert 5124000 not in set(yearbook.enrollment["persons"])  # 养老
    assert 1500200 not in set(yearbook.enrollment["persons"])  # 失业
    assert 1412600 not in set(yearbook.enrollment["persons"])  # 城镇居民 (2012)
    assert yearbook.budget.empty
    assert list(yearbook.residue["line"]) == [1]  # the yearbook's edition in its title
    assert yearbook.coverage.loc[0, "table_coverage"] == 100.0


# ------------------------------------------------------------------ other layouts
def test_schemes_in_rows_and_measures_in_columns():
    text = ("2022年度医保基金运行情况\n\n"
            "| 险种 | 参保人数（万人） | 基金收入（亿元） | 基金支出（亿元） | 比上年增减（亿元） |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| 职工基本医疗保险 | 41.07 | 12.58 | 10.96 | 0.84 |\n"
            "| 城乡居民基本医疗保险 | 162.35 | 15.02 | 14.77 | -0.31 |\n"
            "| 工伤保险 | 38.40 | 1.12 | 0.95 | 0.02 |\n")
    rows, _ = read_text(text)
    assert [(r["year"], r["scheme"], r["persons"]) for r in rows.enrollment] == [
        (2022, "职工医保", 410700), (2022, "居民医保", 1623500)]
    assert [(r["scheme"], r["flow"], r["amount_wan"]) for r in rows.funds] == [
        ("职工医保", "收入", 125800.0), ("职工医保", "支出", 109600.0),
        ("居民医保", "收入", 150200.0), ("居民医保", "支出", 147700.0)]
    reasons = {reason for _, _, reason in rows.ignored}
    assert any("变动" in r or "change" in r or "增减" in r or "against" in r for r in reasons)


def test_month_and_year_to_date_columns_take_the_year_to_date_only():
    text = ("某县2024年1-6月城乡居民医保基金运行情况\n\n单位：万元\n\n"
            "| 项目 | 本月 | 本年累计 |\n| --- | --- | --- |\n"
            "| 基金收入 | 312.5 | 8420.6 |\n| 基金支出 | 905.1 | 5133.8 |\n")
    rows, _ = read_text(text)
    # the scheme is the title's; the month's own figures are not the year's
    assert [(r["year"], r["scheme"], r["flow"], r["amount_wan"]) for r in rows.funds] == [
        (2024, "居民医保", "收入", 8420.6), (2024, "居民医保", "支出", 5133.8)]


def test_a_money_figure_without_a_declared_unit_is_not_guessed():
    text = ("| 项目 | 职工医保 | 居民医保 |\n| --- | --- | --- |\n"
            "| 基金收入 | 312.5 | 8420.6 |\n| 基金支出 | 905.1 | 5133.8 |\n")
    rows, ctx = read_text(text)
    assert rows.funds == [] and rows.claimed  # the table is still the statistics reader's
    assert not ctx.placed


def test_a_budget_table_is_not_a_statistics_table():
    text = ("单位：万元\n\n| 项目 | 年初预算数 | 决算数 |\n| --- | --- | --- |\n"
            "| 收入 | 120.5 | 130.2 |\n| 支出 | 118.0 | 126.4 |\n")
    rows, _ = read_text(text)
    assert not rows.claimed and rows.funds == []


def test_scheme_of_label():
    assert scheme_of_label("职工基本医疗保险（含生育保险）")[0] == "职工医保"
    assert scheme_of_label("城乡居民基本养老保险")[0] == "其他险种"
    assert scheme_of_label("新型农村合作医疗")[0] == "?"
    assert scheme_of_label("基本医疗保险")[0] == "合计"
