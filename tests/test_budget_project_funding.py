"""A project's funding sources in a form whose stage comes from the document (a 绩效目标表) and in
a form of label-value pairs: each source is a row under 支出合计 (hand-worked figures)."""

from __future__ import annotations

import evalkit

TARGET_TABLE = """某县2024年度项目支出绩效目标表
填报单位：某县医疗保障局\t\t单位：万元
项目名称\t2024年城乡居民医疗保险补助资金
主管部门\t某县医疗保障局\t实施单位\t某县医疗保障服务中心
项目资金（万元）\t年度资金总额\t5,200.00
\t其中：财政拨款\t5,200.00
\t其中：中央补助\t3,100.00
\t　　　　　省级补助\t1,200.00
\t　　　　　县级资金\t900.00
\t上年结转资金\t0
年度总体目标\t足额安排补助资金，保障待遇按规定支付。
"""


def test_funding_sources_of_a_target_table(tmp_path):
    path = tmp_path / "target.txt"
    path.write_text(TARGET_TABLE, encoding="utf-8")
    budget = evalkit.read_report(path).budget
    rows = [tuple(r) for r in budget[["scope", "stage", "item", "amount_wan"]].itertuples(index=False)]
    scope = "2024年城乡居民医疗保险补助资金"
    assert rows == [
        (scope, "年初预算", "支出合计", 5200.0),
        (scope, "年初预算", "财政拨款收入", 5200.0),
        (scope, "年初预算", "中央财政资金", 3100.0),
        (scope, "年初预算", "省级财政资金", 1200.0),
        (scope, "年初预算", "县级财政资金", 900.0),
        (scope, "年初预算", "上年结转结余", 0.0),
    ]
    assert budget.loc[budget["item"].str.endswith("财政资金"), "parent"].tolist() == ["支出合计"] * 3


def test_a_row_of_label_value_pairs_gives_each_value_to_its_own_label(tmp_path):
    # '年度资金总额 | 500 | 其中：中央补助 | 300': the 300 is the central subsidy, never a second 支出合计
    path = tmp_path / "pairs.txt"
    path.write_text("某县医疗保障局2023年度项目支出绩效自评表\n项目名称\t医保经办能力提升项目\n"
                    "主管部门\t某县医疗保障局\n年度资金总额\t500.00\t其中：中央补助\t300.00\n", encoding="utf-8")
    budget = evalkit.read_report(path).budget
    assert budget["amount_wan"].tolist().count(300.0) <= 1
    assert not ((budget["item"] == "支出合计") & (budget["amount_wan"] == 300.0)).any()
    assert ((budget["item"] == "支出合计") & (budget["amount_wan"] == 500.0)).sum() == 1
