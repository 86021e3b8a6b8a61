"""Staff, assets and procurement read from the sample reports (values typed from reading them)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPORTS_DIR, require_reports


@pytest.fixture(scope="module")
def corpus():
    require_reports()
    import evalkit

    return evalkit.read_reports(REPORTS_DIR)


def rows(df: pd.DataFrame, rid: str, cols: list[str]) -> list[tuple]:
    sub = df[df["report_id"] == rid]
    return [tuple(None if pd.isna(v) else v for v in r) for r in sub[cols].itertuples(index=False)]


def test_staff_from_sentence_and_from_form(corpus):
    # 000 line 38: 编制人数 24人（行政编制5人；事业编19人），年末实有人数 36 人（行政人员5人；事业人员15人；聘用人员16人）
    got = rows(corpus.staff, "000_62967d4b60e90b6e", ["category", "persons", "source"])
    assert got[:7] == [
        ("编制数", 24, "000_62967d4b60e90b6e:38"), ("行政编制", 5, "000_62967d4b60e90b6e:38"),
        ("事业编制", 19, "000_62967d4b60e90b6e:38"), ("实有人数", 36, "000_62967d4b60e90b6e:38"),
        ("行政人员", 5, "000_62967d4b60e90b6e:38"), ("事业人员", 15, "000_62967d4b60e90b6e:38"),
        ("编外人员", 16, "000_62967d4b60e90b6e:38"),
    ]
    # the target form of the same report says 编制控制数 23 and 事业编制人数 15 (lines 96, 104)
    assert ("编制数", 23, "000_62967d4b60e90b6e:96") in got
    assert ("事业编制", 15, "000_62967d4b60e90b6e:104") in got
    # 001 key-value form: 人员编制 24, 实有人数 24; the text twice: '全市医保系统8名基金监管人员'
    assert rows(corpus.staff, "001_20c4b1831e34a066", ["category", "persons"]) == [
        ("编制数", 24), ("实有人数", 24), ("基金监管人员", 8), ("基金监管人员", 8)]


def test_assets(corpus):
    # 004 line 57: 资产总额160.01万元，负债总额0万元，净资产159.83万元 (which do not add up), 固定资产账面原值317.13万元
    got = rows(corpus.assets, "004_9043c447a98140d2", ["item", "amount_wan"])
    assert got == [("资产总额", 160.01), ("负债总额", 0.0), ("净资产", 159.83), ("固定资产", 317.13),
                   ("在用固定资产", 317.13)]
    # 000 line 42: '资产总额（账面净值，下同）69.91万元' – the remark in brackets is not the label
    assert rows(corpus.assets, "000_62967d4b60e90b6e", ["item", "amount_wan"]) == [
        ("资产总额", 69.91), ("负债总额", 2.75), ("净资产", 67.16)]


def test_procurement_table_and_sentence(corpus):
    rid = "003_4d18a7052260ee74"
    got = rows(corpus.procurement, rid, ["seq", "name", "budget_wan", "actual_wan", "method", "source"])
    # the table (元 converted to 万元): 序号 6 is missing in the report itself
    assert (2, "2021 年委托第三方机构经办市直医保业务（续签）", 180.0, 180.0, "单一来源", f"{rid}:138") in got
    assert [g[0] for g in got if g[5] != f"{rid}:132"] == [1, 2, 3, 4, 5, 7, 8, None]
    total = [g for g in got if g[1] == "合计"]
    assert total == [(None, "合计", 183.39, 183.2515, None, f"{rid}:146")]
    # the sentence on line 132 describes the same purchases, and calls the second one 自行采购
    text = [g for g in got if g[5] == f"{rid}:132"]
    assert len(text) == 7
    assert text[1] == (None, "2021 年委托第三方机构经办市直医保业务", 180.0, 180.0, "自行采购", f"{rid}:132")


def test_the_departments_procurement_budget_is_no_purchase(tmp_path):
    import evalkit

    p = tmp_path / "某县医疗保障局2023年度部门整体支出绩效自评报告.txt"
    p.write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\n"
                 "政府采购预算12.5万元，实际采购金额11.86万元，其中货物类8.2万元，服务类3.66万元。\n"
                 "购A4复印纸预算金额4000元，实际执行金额3900元，自行采购。\n", encoding="utf-8")
    r = evalkit.read_report(p)
    # '政府采购预算' is the department's procurement budget (budget); a purchase names what was bought
    assert r.procurement["name"].tolist() == ["购A4复印纸"]
    assert r.budget[r.budget["item"] == "政府采购"]["amount_wan"].tolist() == [12.5, 11.86]
