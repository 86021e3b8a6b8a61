"""Layout families met in the hold-out set, on small invented fixtures (sentences and metadata).

* a project (fund) self-evaluation written in prose only: the title names the fund, the money is
  in sentences (年初预算安排 / 全年预算调整为 / 实际支出, each with its 中央/省级/县级 parts), a
  higher body's allocation to the whole region, indicators stated as '年度目标…，实际完成…';
* the province and city written in the body: a 所属地区 field, '某县位于某省…，隶属某市';
* a department report whose prose gives a project's score before the department's own.

All names and figures are invented.
"""

from __future__ import annotations

import pytest

import evalkit
from evalkit.document import document_from_text
from evalkit.extract.context import ReportContext
from evalkit.extract.metadata import extract_metadata
from evalkit.regions import Region, region_of_field, region_stated_about

PROJECT_PROSE = """柏溪县医疗保障局
关于2022年度困难群众医疗救助专项资金绩效自评报告

县财政局：
根据工作安排，我局对2022年度困难群众医疗救助专项资金开展了绩效自评，现报告如下：

一、项目基本情况
（一）项目概况
柏溪县隶属石门市，全县辖8镇4乡。困难群众医疗救助专项资金用于资助困难群众参保和医疗费用救助。
（二）项目资金安排情况
2022年度困难群众医疗救助专项资金年初预算安排900.00万元，其中中央补助资金500.00万元，省级补助资金250.00万元，县级配套资金150.00万元。年中追加后，全年预算调整为1,050.00万元，其中中央补助资金600.00万元，省级补助资金300.00万元，县级资金150.00万元。
本年度省财政厅、省医疗保障局共下达全省困难群众医疗救助专项资金3.15亿元，我县所获资金已包含在上述预算中。

二、项目资金使用情况
截至2022年12月31日，困难群众医疗救助专项资金实际支出1,012.40万元，其中中央补助资金600.00万元，省级补助资金282.40万元，县级资金130.00万元。

三、项目绩效目标完成情况
（一）产出指标
1.数量指标
①资助困难群众参保人数：年度目标≥2.2万人，实际完成2.31万人，指标完成。

四、自评结论
经综合评定，2022年度困难群众医疗救助专项资金绩效自评得分95分，自评等级为“优”。

柏溪县医疗保障局
2023年3月10日
"""

SCOPE = "2022年度困难群众医疗救助专项资金"


@pytest.fixture(scope="module")
def prose_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("prose") / "project_prose.txt"
    path.write_text(PROJECT_PROSE, encoding="utf-8")
    return evalkit.read_report(path)


def test_title_names_the_project_scope():
    ctx = ReportContext(document_from_text(PROJECT_PROSE, "t"))
    assert ctx.projects == [(2, SCOPE)]
    assert ctx.scope_at(12) == SCOPE


@pytest.mark.parametrize(
    "title",
    [
        "柏溪县医疗保障局2022年度部门整体支出绩效自评报告",  # the department as a whole
        "柏溪县医疗保障局2022年度部门决算",
        "关于开展2022年度财政资金绩效自评工作的通知",  # no self-evaluation title
    ],
)
def test_no_title_scope_for_other_reports(title):
    ctx = ReportContext(document_from_text(title + "\n一、基本情况\n全年支出100万元。\n", "t"))
    assert ctx.projects == []


def test_project_money_in_sentences(prose_report):
    got = {(r.stage, r.item, r.amount_wan) for r in prose_report.budget.itertuples()}
    assert got == {
        ("年初预算", "支出合计", 900.0), ("年初预算", "中央财政资金", 500.0),
        ("年初预算", "省级财政资金", 250.0), ("年初预算", "县级财政资金", 150.0),
        ("调整预算", "支出合计", 1050.0), ("调整预算", "中央财政资金", 600.0),
        ("调整预算", "省级财政资金", 300.0), ("调整预算", "县级财政资金", 150.0),
        ("决算", "支出合计", 1012.4), ("决算", "中央财政资金", 600.0),
        ("决算", "省级财政资金", 282.4), ("决算", "县级财政资金", 130.0),
    }
    assert set(prose_report.budget["scope"]) == {SCOPE}


def test_project_money_is_no_fund_flow_and_allocation_is_nothing(prose_report):
    assert prose_report.funds.empty  # the project's spending is no 医疗救助 fund flow
    assert 31500.0 not in set(prose_report.budget["amount_wan"])
    assert 31500.0 not in set(prose_report.services["value"])  # a region-wide allocation: residue


def test_indicator_actual_is_no_enrollment(prose_report):
    assert prose_report.enrollment.empty
    assert 23100.0 not in set(prose_report.services["value"])


def test_city_stated_about_the_county(prose_report):
    rep = prose_report.reports.iloc[0]
    assert (rep["city"], rep["county"]) == ("石门市", "柏溪县")


# --------------------------------------------------------------------------- regions
def test_region_statement_about_own_county():
    texts = ["一、基本情况", "柏溪县地处江西省西北部，辖12个乡镇。", "柏溪县现隶属石门市。"]
    assert region_stated_about(texts, Region(county="柏溪县")) == Region("江西省", "石门市", "柏溪县")


def test_region_statement_about_a_neighbour_is_ignored():
    texts = ["与我县相邻的桐河县位于湖北省东部，隶属云梦市。"]
    assert region_stated_about(texts, Region(county="柏溪县")) == Region(county="柏溪县")


def test_region_field_must_name_own_county():
    assert region_of_field("山西省石门市柏溪县", Region(county="柏溪县")) == Region("山西省", "石门市", "柏溪县")
    assert region_of_field("山西省石门市桐河县", Region(county="柏溪县")) == Region(county="柏溪县")


def test_region_field_in_a_form():
    text = ("山西省财政厅制\n项目支出绩效自评表\n（2022年度）\n"
            "所属地区：山西省石门市柏溪县            填报日期：2023年3月1日\n"
            "项目名称 医保经办服务能力提升项目\n主管部门 柏溪县医疗保障局 实施单位 柏溪县医疗保障局\n")
    rep = extract_metadata(document_from_text(text, "t"), [])
    assert (rep["province"], rep["city"], rep["county"]) == ("山西省", "石门市", "柏溪县")


# --------------------------------------------------------------------------- score
def test_project_score_in_department_prose_is_no_total():
    text = ("柏溪县医疗保障局2022年度部门决算\n第三部分 其他重要事项的情况说明\n"
            "组织对“医保智能监控系统项目”开展了单位自评，自评得分88.5分。"
            "本部门2022年度部门整体支出绩效自评得分91.3分，自评等级为“优”。\n")
    rep = extract_metadata(document_from_text(text, "t"), [])
    assert rep["total_score"] == 91.3


# --------------------------------------------------------------------------- 决算 prose
THREE_PUBLIC = """桐河县医疗保障局2022年度部门决算
七、一般公共预算财政拨款“三公”经费支出决算情况说明2022年度“三公”经费财政拨款支出预算为50,000.00元，支出决算为41,200.00元，完成预算的82.40%。
其中：公务用车运行维护费预算为30,000.00元，支出决算为26,000.00元；公务接待费预算为20,000.00元，支出决算为15,200.00元。
"""


def test_run_in_heading_and_bare_budget_after_final(tmp_path):
    path = tmp_path / "three_public.txt"
    path.write_text(THREE_PUBLIC, encoding="utf-8")
    budget = evalkit.read_report(path).budget
    got = {(r.stage, r.item, r.amount_wan) for r in budget.itertuples()}
    assert {("年初预算", "三公经费", 5.0), ("决算", "三公经费", 4.12),
            ("年初预算", "公务用车运行维护费", 3.0), ("决算", "公务用车运行维护费", 2.6),
            ("年初预算", "公务接待费", 2.0), ("决算", "公务接待费", 1.52)} <= got
    assert ("决算", "三公经费", 5.0) not in got
