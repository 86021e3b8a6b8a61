"""Tables classified once, part by part, each part owned by one reader (evalkit.extract.classify).

The decision table below is typed by hand: a small table in a layout the reports use (tab
rows, Markdown pipes), and the kinds of its parts from top to bottom. The ownership test reads
the sample reports, the specimens and the hold-out documents and checks in the ledger that no
reader of numbers took a number in a part another reader owns.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import require_reports, require_specimens

from evalkit.extract.classify import classify_tables, table_kinds
from evalkit.readers.text import document_from_text
from evalkit.report import _extract_in_context, _load

HOLDOUT = Path(__file__).parent / "fixtures" / "holdout"

PROJECT_FORM = (
    "项目支出绩效自评表",
    "项目名称\t医保信息化建设",
    "\t年初预算数\t全年预算数\t全年执行数",
    "年度资金总额\t120\t120\t118",
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
    "产出指标\t数量指标\t系统上线数\t3个\t3个\t10\t10",
)
BUDGET_GRID = (
    "表1 收入支出决算表（单位：万元）",
    "项目\t年初预算数\t决算数",
    "基本支出\t350.2\t348.9",
    "项目支出\t120.0\t118.5",
)
KEY_VALUE = (
    "三公经费情况",
    "公务接待费\t2.1万元",
    "公务用车运行维护费\t3.4万元",
)
STATISTICS = (
    "表3 医疗保险参保和基金收支情况",
    "险种\t参保人数（人）\t基金收入（万元）\t基金支出（万元）",
    "职工基本医疗保险\t35210\t21050\t19870",
    "城乡居民基本医疗保险\t412300\t38760\t37120",
)
PROCUREMENT = (
    "表4 政府采购情况表（单位：元）",
    "序号\t项目名称\t预算金额\t实际执行金额",
    "1\t复印纸\t4000\t3900",
    "合计\t\t4000\t3900",
)
WORDS = (
    "项目基本情况",
    "主管部门\t某县医疗保障局",
    "实施单位\t某县医疗保障事务中心",
)
STAFF = (
    "人员情况",
    "编制人数\t12人",
    "实有人数\t11人",
    "其中：在职人员\t11人",
)
FUNDING = (
    "资金来源",
    "中央财政\t50",
    "省级财政\t30",
    "县级财政\t20",
)
TRANSPOSED = (
    "| 指标 | 参保率 | 基金结余率 |",
    "|---|---|---|",
    "| 年度指标值 | ≥95% | ≥10% |",
    "| 实际完成值 | 96.2% | 12.1% |",
    "| 得分 | 10 | 10 |",
)


def _kinds(*lines: str) -> list[str]:
    doc = document_from_text("\n".join(("某县医疗保障局2023年度绩效自评报告", "", *lines)), "t",
                             markdown=lines[0].startswith("|"))
    assert len(doc.tables) == 1, [t.rows for t in doc.tables]
    return [p.kind for p in classify_tables(doc).parts]


@pytest.mark.parametrize(("lines", "kinds"), [
    (PROJECT_FORM, ["text", "money_block", "indicators"]),
    (BUDGET_GRID, ["budget_grid"]),
    (KEY_VALUE, ["key_value"]),
    (STATISTICS, ["statistics"]),
    (PROCUREMENT, ["procurement"]),
    (WORDS, ["text"]),
    (TRANSPOSED, ["indicators"]),
    (STAFF, ["staff_assets"]),
    (FUNDING, ["funding_sources"]),
], ids=["project-form", "budget-grid", "key-value", "statistics", "procurement", "words", "transposed", "staff",
        "funding"])
def test_each_part_gets_one_kind(lines, kinds):
    assert _kinds(*lines) == kinds


def test_every_row_is_in_exactly_one_part():
    doc = document_from_text("\n".join(("标题", "", *PROJECT_FORM, "", *PROCUREMENT)), "t")
    parts = classify_tables(doc).parts
    for number, table in enumerate(doc.tables):
        covered = [i for p in parts if p.table == number for i in range(p.start, p.stop)]
        assert covered == list(range(len(table.rows)))


def test_kinds_and_owners_are_vocabulary():
    kinds = table_kinds()
    assert list(kinds)[:3] == ["indicators", "statistics", "procurement"]  # the order they are tried
    assert {k: v["owner"] for k, v in kinds.items()} == {
        "indicators": "indicators", "statistics": "fund_tables", "procurement": "procurement",
        "money_block": "tables", "budget_grid": "tables", "key_value": "tables", "staff_assets": "tables",
        "funding_sources": "tables", "text": ""}


def test_the_procurement_total_is_the_procurement_budget_once():
    doc = document_from_text("\n".join(("某县医疗保障局2023年度部门整体支出绩效自评报告", "", *PROCUREMENT)), "t")
    rows, ctx = _extract_in_context(doc)
    budget = [(r["stage"], r["item"], r["amount_wan"]) for r in rows["budget"]]
    assert budget == [("年初预算", "政府采购", 0.4), ("决算", "政府采购", 0.39)]
    assert [r["name"] for r in rows["procurement"]] == ["复印纸", "合计"]
    total_line = doc.tables[0].rows[-1].line
    assert ctx.who_took(total_line, "3900") == ["procurement"]  # one reader took the row


def _documents() -> list[Path]:
    found = sorted(require_reports().glob("*.txt")) + [p for p in sorted(HOLDOUT.glob("*")) if p.is_file()]
    found += [p for p in sorted(require_specimens().glob("*")) if p.is_file() and p.name != "README.md"]
    return found


def test_no_reader_takes_a_number_in_a_part_another_owns():
    documents = _documents()
    assert len(documents) >= 70  # 5 samples, 48 hold-out documents, 33 specimens
    trespass = []
    read_tables = 0
    for path in documents:
        doc = _load(str(path))
        _, ctx = _extract_in_context(doc)
        taken: dict[int, set[str]] = {}
        for (line, _number), owners in ctx.takers.items():
            taken.setdefault(line, set()).update(owners)
        shared: dict[int, set[str]] = {}  # line → the owners of the parts with a cell on it
        for part in ctx.table_map.parts:
            for row in doc.tables[part.table].rows[part.start: part.stop]:
                for cell in row.cells:
                    shared.setdefault(cell.line, set()).add(part.kind)
        for part in ctx.table_map.parts:
            read_tables += bool(part.owner)
            for row in doc.tables[part.table].rows[part.start: part.stop]:
                for cell in row.cells:
                    if len(shared[cell.line]) > 1:
                        continue  # a table written on one line (HTML in Markdown): the ledger is by line
                    # the sentence reader reads sentences written in cells, the metadata their labels
                    others = taken.get(cell.line, set()) - {part.owner, "narrative", "metadata"}
                    if others:
                        trespass.append((path.name, cell.line, part.kind, sorted(others)))
    assert read_tables > 60  # parts with a reader of numbers
    assert trespass == []


def test_explain_names_the_part_of_each_line(tmp_path):
    from evalkit.explain import explain

    report = tmp_path / "r.txt"
    report.write_text("\n".join(("某县医疗保障局2023年度部门整体支出绩效自评报告", "", *PROJECT_FORM, "",
                                 *PROCUREMENT)), encoding="utf-8")
    got = explain(report)
    part = dict(zip(got["number"], got["part"]))
    assert part["118"] == "项目资金块（tables）"
    assert part["3900"] == "政府采购表（procurement）"
    assert got.loc[got["number"] == "3900", "taken_by"].tolist() == ["procurement", "procurement"]


def test_a_pack_removes_a_kind(tmp_path):
    import subprocess
    import sys

    pack = tmp_path / "no_insurance"
    pack.mkdir()
    (pack / "table_kinds.csv").write_text("kind,order,owner,label,signature,action\nstatistics,,,,,remove\n",
                                          encoding="utf-8")
    (tmp_path / "r.txt").write_text("\n".join(("某县医疗保障局2023年度部门整体支出绩效自评报告", "", *STATISTICS)),
                                    encoding="utf-8")
    code = ("import evalkit; from evalkit.extract.classify import table_kinds; "
            "r = evalkit.read_report('r.txt'); print('statistics' in table_kinds(), len(r.enrollment), len(r.budget))")

    def run(packs):
        env = {k: v for k, v in os.environ.items() if k != "EVALKIT_VOCAB_PACKS"}
        if packs:
            env["EVALKIT_VOCAB_PACKS"] = str(packs)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120, check=True)
        return done.stdout.split()

    assert run(None) == ["True", "2", "0"]  # the head counts of 职工 and 居民 (the fund figures go to funds)
    assert run(pack) == ["False", "0", "0"]  # no statistics reader: the table is nobody's figures, no budget either
