"""`evalkit build --verdicts OLD.xlsx`: the auditor's verdicts of an earlier workpaper are carried over."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from conftest import ROOT

from evalkit import cli

DATA = ROOT / "data"


def _findings_sheet(path):
    book = openpyxl.load_workbook(path)
    return book, book["检查发现"]


def test_verdicts_of_an_earlier_workpaper_are_carried_over(tmp_path):
    first = tmp_path / "first"
    assert cli.main(["build", str(DATA), "--out", str(first), "-q"]) in (0, 1)
    book, ws = _findings_sheet(first / "workpaper.xlsx")
    header = [c.value for c in ws[1]]
    if ws.max_row < 2:
        pytest.skip("the bundled data give no finding to judge")
    verdict_col, id_col = header.index("核实结论") + 1, header.index("检查编号") + 1
    ws.cell(row=2, column=verdict_col, value="误报")
    judged = ws.cell(row=2, column=id_col).value
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    second = tmp_path / "second"
    assert cli.main(["build", str(DATA), "--out", str(second), "--verdicts", str(filled), "-q"]) in (0, 1)
    _, ws2 = _findings_sheet(second / "workpaper.xlsx")
    header2 = [c.value for c in ws2[1]]
    rows = {r[header2.index("检查编号")]: r[header2.index("核实结论")]
            for r in ws2.iter_rows(min_row=2, values_only=True)}
    assert rows[judged] == "误报"
    assert sum(1 for v in rows.values() if v == "误报") == 1


def test_a_verdicts_file_that_is_no_workbook_is_refused_before_reading(tmp_path, capsys):
    bad = tmp_path / "old.xlsx"
    bad.write_text("not a workbook")
    out = tmp_path / "out"
    assert cli.main(["build", str(DATA), "--out", str(out), "--verdicts", str(bad)]) == 2
    assert "无法读取核实结论" in capsys.readouterr().err
    assert not out.exists()
    shutil.rmtree(out, ignore_errors=True)
