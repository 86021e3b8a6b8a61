"""Rules of the report metadata (the ``reports`` table), each on a small hand-written fixture.

The fixtures imitate the layouts real reports use (title lines, key-value form cells, signatures,
page chrome); the place names are invented, as in the specimen gallery.
"""

from __future__ import annotations

import pytest

from evalkit.document import document_from_text
from evalkit.extract.metadata import (
    clean_department,
    extract_metadata,
    normalise_grade,
    org_name,
    report_kind_of,
)


def meta(text: str, markdown: bool = False) -> dict:
    return extract_metadata(document_from_text(text, "t", markdown=markdown), [])


def cells(*rows: list[str]) -> str:
    """Rows in the one-cell-per-line layout (each cell a tab-led line, a blank line between rows)."""
    return "\n".join("\n".join("\t" + c for c in row) + "\n" for row in rows)


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("澄河市乐溪中心校 2024 年度部门整体和", "澄河市乐溪中心校"),  # not cut at 中心
        ("青石县河口镇中心卫生院2022年部门决算公开表", "青石县河口镇中心卫生院"),
        ("2023年度隆溪县医疗保障局部门整体支出", "隆溪县医疗保障局"),  # leading year dropped
        ("第一部分：港城市海湾区医疗保障局概况", "港城市海湾区医疗保障局"),  # '第X部分' dropped
        ("镇澜县勐溪乡人民政府2023年度部门决算", "镇澜县勐溪乡人民政府"),
        ("(略) 县人民医院2023年度部门决算", None),  # masked: no place before 县
        ("县医疗保障局", None),  # a name without its place
        ("一、部门基本情况", None),
    ],
)
def test_org_name(text, name):
    assert org_name(text) == name


def test_firm_names_keep_their_branch():
    assert org_name("中衡澄会计师事务所（特殊普通合伙）湖南分所", "firm") == "中衡澄会计师事务所（特殊普通合伙）湖南分所"
    assert org_name("湖南澄鉴会计师事务所有限公司", "firm") == "湖南澄鉴会计师事务所有限公司"
    assert org_name("湖南澄鉴会计师事务所有限公司") is None  # a firm is no department


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("重庆市云岭区医疗保障局", "云岭区医疗保障局"),
        ("湖北省孝感市医疗保障局", "孝感市医疗保障局"),
        ("四川省白龙县卫生健康局", "白龙县卫生健康局"),
        ("湖南省医疗保障局", "湖南省医疗保障局"),  # a province's own bureau keeps its name
        ("随阳市曾安区医疗保障局", "随阳市曾安区医疗保障局"),  # a city before a district stays
        ("瓯南县医疗保障局（汇总）", "瓯南县医疗保障局"),
        ("岷江县医疗保障局本级", "岷江县医疗保障局"),
    ],
)
def test_clean_department(raw, clean):
    assert clean_department(raw) == clean


# --- department ---------------------------------------------------------------------------


def test_department_from_title_not_from_site_chrome():
    m = meta(
        "首页 | 无障碍 | 登录\n"
        "[ 发布机构 ] 云岭区医保局\n"
        "重庆市云岭区医疗保障局2023年度部门整体支出绩效自评报告\n"
        "一、基本情况\n"
    )
    assert m["department"] == "云岭区医疗保障局"
    assert (m["province"], m["county"]) == ("重庆市", "云岭区")
    assert m["report_kind"] == "部门整体支出绩效自评"
    assert m["fiscal_year"] == 2023


def test_project_form_takes_the_county_level_supervisor():
    text = "医疗救助补助资金绩效目标自评表（2023年度）\n" + cells(
        ["项目名称", "医疗救助补助资金"],
        ["自治区主管部门", "宁夏回族自治区医疗保障局", "专项实施期", "2023年"],
        ["市县主管部门", "梨川县医疗保障局", "项目实施单位", "梨川县医疗保障服务中心"],
    )
    m = meta(text)
    assert m["department"] == "梨川县医疗保障局"
    assert m["report_kind"] == "项目支出绩效自评"
    assert (m["province"], m["county"]) == ("宁夏回族自治区", "梨川县")


def test_department_report_prefers_its_name_field_over_a_project_supervisor():
    text = "梨川市2024年度部门（单位）整体支出\n绩效评价自评报告\n部门(单位)名称  梨川市医疗保障事务中心\n" + cells(
        ["项目名称", "经办能力提升"],
        ["主管部门", "梨川市医疗保障局", "实施单位", "梨川市医疗保障事务中心"],
    )
    assert meta(text)["department"] == "梨川市医疗保障事务中心"


def test_supervisor_and_unit_written_on_one_line():
    m = meta(
        "白沙县卫生健康局2023年度转移支付资金绩效自评公开\n"
        "中央主管部门 国家卫生健康委员会\n"
        "地方主管部门 四川省白沙县卫生健康局 资金使用单位 白沙县卫生健康局\n"
    )
    assert m["department"] == "白沙县卫生健康局"
    assert (m["province"], m["county"]) == ("四川省", "白沙县")


def test_label_line_then_value_line():
    m = meta("梨阳县2023年高标准农田建设项目绩效自评表\n\n项目名称\n\n梨阳县高标准农田\n\n主管部门\n\n梨阳县农业农村局\n")
    assert m["department"] == "梨阳县农业农村局"


def test_implementing_unit_with_a_second_label_on_the_line():
    m = meta(
        "2023年度梨溪县城乡医疗救助资金\n绩效评价报告\n"
        "项目名称：2023年度梨溪县城乡医疗救助资金\n"
        "项目实施单位：梨溪县医疗保障局 组织单位：梨溪县财政局\n"
        "评价机构：湖南梨鉴会计师事务所有限公司\n"
        "评价组按照决策、过程、产出、效益四个维度评分，综合得分86.5分，评价等级为“良”。\n"
    )
    assert m["department"] == "梨溪县医疗保障局"
    assert m["evaluator"] == "湖南梨鉴会计师事务所有限公司"
    assert m["report_kind"] == "第三方绩效评价"
    assert (m["total_score"], m["grade"]) == (86.5, "良")


def test_signature_when_the_publisher_field_names_no_place():
    m = meta(
        "松林县2023年度医疗保险基金收支及结余情况\n"
        "发布机构：县医疗保障局\n"
        "现将松林县2023年度医疗保险基金收支情况公布如下。职工医保基金收入19862万元。\n"
        "松林县医疗保障局\n"
        "2024年3月27日\n"
    )
    assert m["department"] == "松林县医疗保障局"
    assert m["report_kind"] == "基金决算"
    assert m["county"] == "松林县"


def test_publisher_field_and_first_named_issuer():
    m = meta("梨州市2024年1-12月医疗保险主要指标\n发布日期：2025-01-20　来源：梨州市医疗保障局　浏览次数：326\n")
    assert (m["department"], m["city"], m["fiscal_year"], m["report_kind"]) == ("梨州市医疗保障局", "梨州市", 2024, "其他")
    m = meta(
        "梨州市财政局 梨州市医疗保障局关于下达2024年中央医疗服务与保障能力提升补助资金的通知\n"
        "各县（市、区）财政局、医疗保障局：\n"
    )
    assert (m["department"], m["report_kind"], m["fiscal_year"]) == ("梨州市财政局", "其他", 2024)


def test_body_sentence_names_the_unit_when_nothing_else_does():
    m = meta(
        "目录\n第一部分 单位概况......3\n第二部分 2024年度单位决算情况说明......4\n"
        "第一部分 单位概况\n一、主要职责\n梨河县医疗保障事务中心负责全县医疗保障经办业务。\n"
    )
    assert (m["department"], m["county"], m["report_kind"], m["fiscal_year"]) == (
        "梨河县医疗保障事务中心", "梨河县", "部门决算", 2024)


def test_masked_copy_names_no_department():
    m = meta("招标信息网 > 采购公告 > 其他公告\n(略) 县人民医院2023年度部门决算\n发布时间：2024-10-08\n")
    assert m["department"] is None
    assert (m["report_kind"], m["fiscal_year"]) == ("部门决算", 2023)  # the breadcrumb's 公告 is chrome


# --- report kind --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("梨南县医疗保障局（汇总）2023年度部门决算", "部门决算"),
        ("梨阳市梨安区医疗保障局 2022 年度决算公开说明", "部门决算"),
        ("梨源县2023年度医疗保险基金收支及结余情况", "基金决算"),
        ("梨江市2023年医疗保障事业发展统计公报", "其他"),
        ("《梨州市统计年鉴—2024》", "其他"),
        ("梨县城乡居民医保项目支出绩效目标表", "其他"),
        ("梨河县2024年城乡居民基本医疗保险财政补助资金项目公示", "其他"),
        ("梨溪县医疗保障局城乡居民基本医疗保险补助资金转移支付区域（项目）绩效目标自评表", "项目支出绩效自评"),
        ("梨岭县2023年脱贫人口参保资助项目绩效评估报告", "项目支出绩效自评"),
        ("梨河市乐溪中心校2024年度部门整体和项目支出绩效自评报告", "部门整体支出绩效自评"),
    ],
)
def test_report_kind_of_titles(title, kind):
    assert report_kind_of(title) == kind


def test_third_party_only_for_an_external_evaluator():
    own = meta("梨源县2023年度部门整体支出\n绩效评价自评报告\n部门（单位）名称：梨源县医疗保障局\n评价机构：部门（单位）评价组\n")
    assert (own["report_kind"], own["evaluator"]) == ("部门整体支出绩效自评", None)
    firm = meta(
        "2023年度梨溪县医疗保障局部门整体支出\n绩效评价报告\n"
        "依照有关规定，受梨溪县财政局委托，中衡梨会计师事务所（特殊普通合伙）湖南分所对部门整体支出开展了绩效评价。\n"
        "经评价，梨溪县医疗保障局2023年度部门整体支出绩效评价得分88.6分，评价等级为“良”。\n"
        "中衡梨会计师事务所（特殊普通合伙）湖南分所\n二〇二四年十月三十日\n"
    )
    assert firm["report_kind"] == "第三方绩效评价"
    assert firm["evaluator"] == "中衡梨会计师事务所（特殊普通合伙）湖南分所"
    assert firm["department"] == "梨溪县医疗保障局"
    assert (firm["total_score"], firm["grade"]) == (88.6, "良")


# --- regions ------------------------------------------------------------------------------


def test_region_is_read_from_the_department_name_by_suffix():
    m = meta("2023年梨城市海湾区医疗保障局部门决算\n一、单位主要职责\n贯彻执行国家、广东省和梨城市医疗保障政策。\n")
    assert m["department"] == "梨城市海湾区医疗保障局"
    assert (m["province"], m["city"], m["county"]) == ("广东省", "梨城市", "海湾区")


def test_no_place_from_a_level_word():
    m = meta(
        "2023年度梨溪县医疗保障局部门整体支出\n绩效评价报告\n"
        "依照《关于全面实施预算绩效管理的意见》中发〔201834和县级预算绩效管理办法开展评价。\n"
    )
    assert (m["province"], m["city"], m["county"]) == (None, None, "梨溪县")


def test_province_from_the_footer_next_to_the_county():
    m = meta(
        "梨澜县2022年度城乡医疗救助资金绩效自评\n单位名称：梨澜县医疗保障局 填报日期：2023年3月28日\n"
        "主办：梨澜县人民政府办公室 技术支持：云南省梨澜县融媒体中心\n"
    )
    assert (m["department"], m["province"], m["county"]) == ("梨澜县医疗保障局", "云南省", "梨澜县")
    assert m["report_date"] == "2023-03-28"


# --- fiscal year --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("梨石县河口镇中心卫生院2022年部门决算公开表\n", 2022),
        ("# 梨州市2024年1-12月医疗保险主要指标\n发布日期：2025-01-20\n", 2024),
        ("2023年度\n梨溪县医疗保障局部门决算\n", 2023),
        ("项目支出绩效自评表\n" + cells(["（2023年度）"], ["项目名称", "经办经费"]), 2023),
    ],
)
def test_fiscal_year(text, year):
    assert meta(text)["fiscal_year"] == year


def test_multi_year_table_takes_the_latest_data_year_not_the_publication_year():
    text = (
        "《梨州市统计年鉴—2024》 第十章 人民生活与社会保障\n"
        "| 项目 | 2015 | 2022 | 2023 |\n| --- | --- | --- | --- |\n| 期末参保人数（万人） | 72.15 | 98.36 | 101.42 |\n"
        "注：2015年城镇居民医保尚未整合，数据从2017年起统计。\n"
    )
    m = meta(text, markdown=True)
    assert (m["fiscal_year"], m["city"], m["report_kind"], m["department"]) == (2023, "梨州市", "其他", None)


def test_a_year_in_a_sentence_is_no_fiscal_year():
    assert meta("整体支出绩效自评报告\n注：2015年城镇居民医保尚未整合，数据自2017年起统计。\n")["fiscal_year"] is None


# --- score and grade ----------------------------------------------------------------------


def test_score_on_the_next_line():
    m = meta("梨县医疗保障局2023年度部门整体支出绩效自评报告\n六、自评结论\n自评得分\n90分\n")
    assert m["total_score"] == 90.0


def test_score_and_letter_grade_in_prose():
    m = meta("梨县医疗保障局2023年度部门整体支出绩效自评报告\n经评价，综合得分89.05分，等级为良(B)。\n")
    assert (m["total_score"], m["grade"], m["grade_raw"]) == (89.05, "良", "良(B)")


def test_grade_thresholds_are_no_score():
    m = meta("梨县医疗保障局2023年度部门整体支出绩效自评报告\n等级划分：综合得分90（含）-100分为优(A)，80（含）-90分为良(B)。\n")
    assert (m["total_score"], m["grade"]) == (None, None)


def test_form_rows_total_and_grade():
    text = "项目支出绩效自评表\n" + cells(
        ["项目总得分", "93.8分"],
        ["项目名称", "医疗救助补助资金"],
        ["主管部门", "梨川县医疗保障局"],
    )
    assert meta(text)["total_score"] == 93.8
    text = "梨县医疗保障局2023年度部门整体支出绩效自评表\n" + cells(
        ["评价指标", "权重", "得分", "等级"],
        ["决策", "20", "16.8", "良(B)"],
        ["综合绩效", "100", "84.1", "良(B)"],
    )
    m = meta(text)
    assert (m["total_score"], m["grade"]) == (84.1, "良")
    m = meta("梨县医疗保障局2023年度部门整体支出绩效自评表\n" + cells(["评价等次", "优秀"]))
    assert (m["grade"], m["grade_raw"]) == ("优", "优秀")


def test_weight_sum_and_execution_line_are_no_total():
    text = "梨县医疗保障局2023年度项目支出绩效自评表\n" + cells(
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "120.00", "136.50", "131.04", "10", "96.00%", "9.6"],
        ["总分", "100", "96.6"],
    )
    assert meta(text)["total_score"] == 96.6
    assert meta("梨县项目支出绩效自评表\n" + cells(["总分", "100"]))["total_score"] is None


def test_flattened_and_one_cell_per_line_totals():
    flat = "梨源县家庭医生签约服务项目支出绩效自评表\n满意度 ≥85% 90.2% 10 10 总分 100 98.6 填表人: 联系电话: 0359-7012846\n"
    assert meta(flat)["total_score"] == 98.6
    lines = "梨阳县2023年高标准农田建设项目绩效自评表\n满意度\n95%\n10\n10\n总分\n100\n98.64\n注：一级指标分值。\n"
    assert meta(lines)["total_score"] == 98.64


def test_normalise_grade():
    assert [normalise_grade(w) for w in ("优秀", "良好", "良(B)", "中（C）", "不合格", "")] == ["优", "良", "良", "中", "差", None]


def test_generic_self_evaluation_title_decided_by_the_form():
    assert meta("梨县医疗保障局2023年度绩效自评报告\n一、基本情况\n")["report_kind"] == "部门整体支出绩效自评"
    text = "2023年度绩效自评表\n" + cells(["项目名称", "经办经费"], ["主管部门", "梨县医疗保障局"])
    assert meta(text)["report_kind"] == "项目支出绩效自评"
    assert meta("一、基本情况\n二、收支情况\n")["report_kind"] == "其他"  # unsure


def test_no_place_read_from_a_duty_sentence():
    m = meta("附件1：\n2023年度部门整体支出绩效自评报告\n一、单位基本情况\n2、组织拟订并实施全县医疗保障基金监督管理办法，监督管理医疗保障基金。\n")
    assert (m["department"], m["province"], m["city"], m["county"]) == (None, None, None, None)


def test_an_addressee_is_no_department():
    m = meta("关于报送绩效自评报告的函\n梨阳市梨北区财政局：\n现将我局2023年度部门整体支出绩效自评报告报送如下。\n")
    assert m["department"] is None


def test_the_province_a_web_pages_footer_names_with_the_departments_county(tmp_path):
    import evalkit

    page = ("<html><body><div class='nav'>首页 | 政务公开</div>"
            "<h1>某某县医疗保障局2023年度部门整体支出绩效自评报告</h1>"
            "<p>2023年度部门整体支出年初预算120万元，实际支出118万元。</p>"
            "<div class='footer'>主办单位：湖北省某某县人民政府办公室　网站标识码4200000000</div>"
            "</body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = evalkit.read_report(path)
    meta = report.reports.iloc[0]
    assert (meta["department"], meta["province"], meta["county"]) == ("某某县医疗保障局", "湖北省", "某某县")
    # the footer is no line of the report: no number of it is read or left in the residue
    assert not report.residue["text"].str.contains("4200000000").any()
    assert report.document.chrome_lines == ["主办单位：湖北省某某县人民政府办公室 网站标识码4200000000"]


def test_a_notice_issued_jointly_is_its_first_named_issuers(tmp_path):
    """'云南省财政厅 云南省医疗保障局关于下达…的通知': the department is the first-named issuer, not
    the 主管部门 an attached target table names."""
    import evalkit

    path = tmp_path / "notice.txt"
    path.write_text("云南省财政厅 云南省医疗保障局关于下达2024年城乡医疗救助补助资金的通知\n\n"
                    "各州、市财政局、医疗保障局：\n现将2024年城乡医疗救助补助资金下达给你们，请做好绩效管理。\n\n"
                    "附件：区域绩效目标表\n\t省级主管部门\n\t云南省医疗保障局\n\n\t专项名称\n\t城乡医疗救助补助资金\n",
                    encoding="utf-8")
    reports = evalkit.read_report(path).reports
    assert reports.loc[0, ["department", "report_kind"]].tolist() == ["云南省财政厅", "其他"]
