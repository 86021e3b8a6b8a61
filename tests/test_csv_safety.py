"""CSV files that a spreadsheet opens safely and that read back exactly (OWASP CSV injection)."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit.export import read_tables, write_tables

TEXTS = ["=3次", "+5%", "-363万元", "@SUM(A1)", "\t缩进", "\r回车", "'=已带撇号", "''=两个撇号", "'普通撇号", "普通文字", "=", "'"]


def _tables(texts):
    n = len(texts)
    return {
        "reports": pd.DataFrame({"report_id": ["r"] * n, "fiscal_year": pd.array([2022] * n, dtype="Int64")}),
        "indicators": pd.DataFrame({"report_id": ["r"] * n, "target_raw": texts, "weight": [10.0] * n}),
    }


def test_formula_cells_are_written_as_text(tmp_path):
    write_tables(_tables(["=3次", "-363万元", "普通文字"]), tmp_path)
    lines = (tmp_path / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = [line.split(",")[1] for line in lines[1:]]
    assert cells == ["'=3次", "'-363万元", "普通文字"]


@pytest.mark.parametrize("text", TEXTS)
def test_every_text_reads_back_exactly(tmp_path, text):
    write_tables(_tables([text, "x"]), tmp_path)
    back = read_tables(tmp_path)["indicators"]
    assert back["target_raw"].tolist() == [text, "x"]
    assert back["weight"].tolist() == [10.0, 10.0]


def test_a_carriage_return_inside_a_cell_keeps_the_row_whole(tmp_path):
    write_tables(_tables(["第一行\r第二行", "下一格"]), tmp_path)
    back = read_tables(tmp_path)["indicators"]
    assert len(back) == 2
    assert back["target_raw"].tolist() == ["第一行\r第二行", "下一格"]


def test_numbers_are_not_escaped(tmp_path):
    frame = pd.DataFrame({"report_id": ["r"], "fiscal_year": pd.array([2022], dtype="Int64")})
    budget = pd.DataFrame({"report_id": ["r"], "amount_wan": [-363.0]})
    write_tables({"reports": frame, "budget": budget}, tmp_path)
    assert (tmp_path / "budget.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "r,-363.0"
