"""Tests for the charts' data preparation: units named once per unit, tables read as lists."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from evalkit.plotting import plot_enrollment, plot_funds

panel_module = importlib.import_module("evalkit.panel")  # (evalkit.panel is also a function)

REPORTS = pd.DataFrame({"report_id": ["r1", "r2"], "department": ["甲县医疗保障局", "乙县医疗保障局"],
                        "fiscal_year": [2023, 2022]})


def _lines(fig) -> list[tuple[str, list[int]]]:
    return [(line.get_label(), [int(x) for x in line.get_xdata()]) for line in fig.axes[0].get_lines()]


def test_a_table_with_a_repeated_index_takes_its_reports_years():
    # A table put together with pd.concat repeats index labels; rows without a year take
    # their report's.
    enrollment = pd.DataFrame({"report_id": ["r1", "r1", "r2"], "year": pd.array([2024, None, None], dtype="Int64"),
                               "scheme": ["合计"] * 3, "persons": [1, 2, 3]}, index=[0, 0, 1])
    assert _lines(plot_enrollment(enrollment, REPORTS)) == [("乙县医保局", [2022]), ("甲县医保局", [2023, 2024])]
    funds = pd.DataFrame({"report_id": ["r1", "r1", "r2", "r2"], "year": [2024, None, None, None],
                          "scheme": ["居民医保"] * 4, "flow": ["收入", "支出", "收入", "支出"],
                          "amount_wan": [1.0, 2.0, 3.0, 4.0]}, index=[0, 0, 1, 1])
    assert _lines(plot_funds(funds, REPORTS)) == [
        ("乙县医保局·收入", [2022]), ("乙县医保局·支出", [2022]), ("甲县医保局·收入", [2024]), ("甲县医保局·支出", [2023])]


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_unit_labels_read_each_column_as_its_records_give_it(dtype):
    reports = pd.DataFrame({
        "report_id": ["a", None, " b ", "c"],
        "department": [" 湖北省孝感市医疗保障局 ", None, "  ", "孝感市医疗保障局"],
        "province": ["湖北省", None, None, "湖北省"], "city": ["孝感市", None, None, "孝感市"],
        "county": [None, "临湘市", "", None]}).astype(dtype)
    got = panel_module.unit_labels(reports)
    # Missing columns (title, source_file) read as missing; a unit named once for its reports.
    assert got.tolist() == ["孝感市医保局", "临湘市（单位未署名）", "未署名单位（文件 b）", "孝感市医保局"]
    missing_id = "None" if dtype == "string" else "nan"  # (pd.NA is None in the records)
    assert got.index.tolist() == ["a", missing_id, " b ", "c"]
