"""The readers' ledger shown (evalkit.explain and `evalkit explain`): which reader took each
number, and which numbers a reader left out and why, on a small invented report."""

from __future__ import annotations

from evalkit.cli import main
from evalkit.explain import explain

REPORT = """某县医疗保障局2023年度部门整体支出绩效自评报告

一、部门基本情况
2023年末全县参保人数43.01万人。

表1 支出决算表（单位：万元）
单位\t支出合计\t基本支出\t项目支出
合计\t1134.78\t363.47\t771.31
局机关\t800.00\t200.00\t600.00
医保事务中心\t334.78\t163.47\t171.31
"""


def test_each_number_says_who_took_it_or_why_it_was_left_out(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    out = explain(path)
    got = {(r.line, r.number): (r.status, r.taken_by, r.reason) for r in out.itertuples(index=False)}
    # line 4: the year is no table's; 43.01万人 is enrolment, read from the sentence
    assert got[(4, "2023")] == ("不属任何表", "", "")
    assert got[(4, "43.01")] == ("已取用", "narrative", "")
    # line 8: the grid's total row, read by the table reader
    assert [got[(8, n)][:2] for n in ("1134.78", "363.47", "771.31")] == [("已取用", "tables")] * 3
    # lines 9-10: rows of the department's units, left out on purpose (only the total is read)
    for line, number in ((9, "800.00"), (10, "171.31")):
        assert got[(line, number)] == ("有意略过", "", "tables：下属机构（或明细）行，只取汇总行")
    assert explain(path, lines=[4])["line"].tolist() == [4, 4]


def test_the_command_prints_the_ledger(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert main(["explain", str(path), "--line", "9"]) == 0
    printed = capsys.readouterr().out
    assert "800.00" in printed and "有意略过" in printed and "只取汇总行" in printed
    assert "有意略过 3 个" in printed
    assert main(["explain", str(tmp_path / "missing.txt")]) == 2
