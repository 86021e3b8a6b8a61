"""Report metadata on the kinds of documents users hold: scores of other units and years beside
the report's own, grades written as letters, notices of results, titles broken over lines, and the
province a document states for its own county. Each rule on a small hand-written fixture (invented
names and figures)."""

from __future__ import annotations

from evalkit.document import document_from_text
from evalkit.extract.metadata import extract_metadata
from evalkit.regions import Region, province_path_before, region_stated_about


def meta(text: str, markdown: bool = False) -> dict:
    return extract_metadata(document_from_text(text, "t", markdown=markdown), [])


# --- scores and grades ----------------------------------------------------------------------


def test_subordinate_unit_score_is_not_the_report_total():
    m = meta(
        "关于岚溪县林业局2023年度\n部门整体支出绩效自评情况的报告\n县财政局：\n"
        "经自评，下属县林木种苗站自评得分90分。我局部门整体支出绩效自评总分86分，评价等级为B级（良好）。\n"
        "岚溪县林业局\n2024年3月2日\n"
    )
    assert m["department"] == "岚溪县林业局"
    assert m["fiscal_year"] == 2023  # the title's two lines pieced together
    assert m["total_score"] == 86.0  # not the 90 of the subordinate station
    assert m["grade"] == "良"  # 'B级（良好）': the word in brackets


def test_previous_year_score_stated_first_is_not_the_total():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "2022年度我局自评得分为85分，评价等级为“良”。\n"
        "上年度绩效自评得分为85分。\n"
        "经评价，我局2023年度部门整体支出绩效自评得分为91.5分，评价等级为“优秀”。\n"
    )
    assert m["total_score"] == 91.5
    assert m["grade"] == "优"


def test_score_of_the_fiscal_year_after_a_cited_notice_counts():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "根据《岚溪县财政局关于开展2024年预算绩效自评的通知》（岚财〔2024〕3号），自评得分为92分。\n"
    )
    assert m["total_score"] == 92.0


def test_grade_after_pingji():
    m = meta(
        "岚溪市医疗保障局2023年度部门整体支出绩效评价报告\n"
        "受岚溪市财政局委托，岚溪衡信资产评估有限公司对该局开展评价。\n"
        "经评价，综合得分85.5分，绩效评级为“良”。\n"
    )
    assert m["evaluator"] == "岚溪衡信资产评估有限公司"
    assert (m["total_score"], m["grade"]) == (85.5, "良")


def test_notice_of_results_has_no_score_or_grade_of_its_own():
    m = meta(
        "关于2023年度部门整体支出绩效自评结果的通报\n"
        "县直各预算单位：\n"
        "全县40个部门中，自评等级为“优”的31个，“良”的9个，平均得分91.3分。\n"
        "岚溪县医疗保障局自评得分95.6分，自评等级为优。\n"
        "岚溪县财政局\n2024年4月10日\n"
    )
    assert m["department"] == "岚溪县财政局"
    assert m["report_kind"] == "其他"
    assert m["total_score"] is None and m["grade"] is None
    assert m["title"] == "关于2023年度部门整体支出绩效自评结果的通报"


def test_grade_count_is_no_grade():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "本局所属6个项目中，自评等级为“优”的5个。\n"
    )
    assert m["grade"] is None


# --- fiscal year ----------------------------------------------------------------------------


def test_year_split_over_three_lines_of_a_form_title():
    m = meta("项目支出绩效自评表\n（\n2023\n年度）\n项目名称\n岚溪县医保经办补助\n主管部门\n岚溪县医疗保障局\n")
    assert m["fiscal_year"] == 2023


def test_bulletin_title_split_before_its_kind_word():
    m = meta("2023年岚溪市医疗保障事业\n发展统计公报\n岚溪市医疗保障局 岚溪市统计局\n2024年5月\n")
    assert m["fiscal_year"] == 2023
    assert m["department"] == "岚溪市医疗保障局"


# --- place ----------------------------------------------------------------------------------


def test_county_level_city_affiliated_to_a_prefecture():
    m = meta(
        "2023年岚屿市医疗保障事业发展统计公报\n岚屿市医疗保障局\n"
        "岚屿市位于福建省东南沿海，隶属泉溪市。\n"
    )
    assert (m["province"], m["city"], m["county"]) == ("福建省", "泉溪市", "岚屿市")


def test_stated_province_wins_over_a_homonym_of_the_reference_table():
    # 塔河县 is a county of 黑龙江省 in the reference table; this document puts its own elsewhere
    m = meta(
        "塔河县医疗保障事务中心\n二〇二三年度部门整体支出绩效自评报告\n"
        "塔河县地处新疆维吾尔自治区北部，隶属伊岭哈萨克自治州。\n"
    )
    assert (m["province"], m["city"], m["county"]) == ("新疆维吾尔自治区", "伊岭哈萨克自治州", "塔河县")
    assert m["fiscal_year"] == 2023


def test_province_of_a_full_path_in_the_body():
    m = meta(
        "# 苏岭东旗医疗保障局\n# 2023年度医疗救助资金绩效评价报告\n\n"
        "受苏岭东旗财政局委托，内蒙古衡正会计师事务所有限公司对内蒙古自治区锡林郭勒盟苏岭东旗医疗保障局"
        "2023年度医疗救助资金开展了绩效评价。\n",
        markdown=True,
    )
    assert (m["province"], m["city"], m["county"]) == ("内蒙古自治区", "锡林郭勒盟", "苏岭东旗")


def test_a_province_elsewhere_in_the_line_is_no_path():
    assert province_path_before(["甘肃省召开会议，柳川县参加"], Region(county="柳川县")) == Region(county="柳川县")
    # a city between the province and the county must be the region's own city
    got = province_path_before(["甘肃省定西市柳川县"], Region(city="兰西市", county="柳川县"))
    assert got.province is None


def test_affiliation_of_a_prefecture_city_to_a_province_changes_nothing():
    got = region_stated_about(["岚州市隶属于福建省。"], Region(city="岚州市"))
    assert (got.city, got.county) == ("岚州市", None)


def test_title_year_before_a_sentence_naming_another_year():
    m = meta(
        "岚夏回族自治区财政厅 岚夏回族自治区医疗保障局关于下达2024年医疗救助补助资金预算的通知\n"
        "各市、县（区）财政局：\n"
        "2023年度资金绩效自评得分为91分的市县，按因素法分配。\n"
    )
    assert m["fiscal_year"] == 2024
    assert m["report_kind"] == "其他"
    assert m["total_score"] is None


def test_chinese_numeral_publication_month_is_no_fiscal_year():
    m = meta("岚溪县医疗保障局\n二〇二四年六月\n医疗救助资金绩效评价报告\n（二〇二三年度）\n")
    assert m["fiscal_year"] == 2023


def test_evaluated_unit_field_and_the_firms_province():
    m = meta(
        "绩效评价报告\n项目名称：2023年度医保经办补助资金\n被评价单位：岚岭县医疗保障事务中心\n"
        "委托单位：岚岭县财政局\n评价机构（盖章）：广西衡岚税务师事务所有限公司\n"
        "经评价，本项目综合评分为86.0分，评价等级：良好（B）。\n"
    )
    assert m["department"] == "岚岭县医疗保障事务中心"
    assert m["evaluator"] == "广西衡岚税务师事务所有限公司"
    assert m["province"] is None  # the firm's name is no statement of the unit's province
    assert (m["total_score"], m["grade"]) == (86.0, "良")


def test_evaluator_line_gives_no_province_when_no_unit_is_named():
    m = meta("绩效评价报告\n评价机构：广西衡岚税务师事务所有限公司\n综合评分为86.0分。\n")
    assert m["province"] is None


def test_score_after_a_colon_ending_the_line():
    m = meta(
        "岚山县医疗保障局2023年部门整体支出绩效自评报告\n"
        "部门整体支出绩效自评综合得分：94.5\n自评结果：优秀\n2022年部门整体支出绩效自评结果：良好。\n"
    )
    assert (m["total_score"], m["grade"], m["fiscal_year"]) == (94.5, "优", 2023)


def test_fund_budget_is_no_fund_final_account():
    m = meta("关于岚东市2024年城乡居民基本医疗保险\n基金收支预算情况的说明\n岚东市医疗保障局\n2024年2月\n")
    assert m["report_kind"] == "其他"
    assert m["fiscal_year"] == 2024


def test_department_budget_with_targets_is_no_self_evaluation():
    m = meta("岚岭县医疗保障局2024年部门预算\n及部门整体支出绩效目标\n第一部分 部门概况\n")
    assert m["report_kind"] == "其他"
    # the Sichuan title '部门预算项目支出绩效自评结果公开' stays a project self-evaluation
    m = meta("岚江县医疗保障局2023年度部门预算项目支出绩效自评结果公开\n项目名称\t医保经办经费\n")
    assert m["report_kind"] == "项目支出绩效自评"


def test_the_year_the_work_was_done_does_not_hide_the_score():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "2024年3月，我局组织开展了部门整体支出绩效自评，自评得分96分。\n"
    )
    assert m["total_score"] == 96.0
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "2024年，我局按要求开展了绩效自评，自评得分为95分。\n"
    )
    assert m["total_score"] == 95.0


def test_a_target_score_is_no_score():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "力争2024年度评价得分达到90分以上。\n"
        "我局2023年度部门整体支出自评得分为86分。\n"
    )
    assert m["total_score"] == 86.0


def test_targets_met_before_the_score_keep_it():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "年度绩效目标基本完成，自评得分92分。\n"
    )
    assert m["total_score"] == 92.0


def test_the_department_with_its_subordinate_units_is_the_whole():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "本部门（含下属单位）部门整体支出绩效自评得分为93分。\n"
    )
    assert m["total_score"] == 93.0


def test_evaluator_name_broken_over_two_lines():
    m = meta("岚州市北湖区医疗保障局\n2023年度医保信息化项目\n绩效评价报告\n评价机构：\n岚州明信会计师事务所有限\n公司\n"
             "二〇二四年四月\n经评价，该项目评价总分为82分，评价等级为良。\n")
    assert m["evaluator"] == "岚州明信会计师事务所有限公司"
    assert (m["department"], m["city"], m["county"]) == ("岚州市北湖区医疗保障局", "岚州市", "北湖区")
    assert (m["total_score"], m["grade"], m["fiscal_year"]) == (82.0, "良", 2023)


def test_compiling_unit_of_a_fund_table_is_the_department():
    m = meta(
        "**2023年度城乡居民基本医疗保险基金决算表**\n\n编制单位：岚溪县医疗保障局　　　　单位：万元\n\n"
        "| 项目 | 本年数 |\n| --- | --- |\n| 一、基金收入 | 31526.40 |\n",
        markdown=True,
    )
    assert m["department"] == "岚溪县医疗保障局"
    assert m["report_kind"] == "基金决算"
    assert m["fiscal_year"] == 2023


def test_a_funds_score_in_a_department_report_is_no_total():
    m = meta(
        "岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "对城乡医疗救助资金开展自评，自评得分95分；部门整体自评得分90分。\n"
    )
    assert m["total_score"] == 90.0


def test_a_sentence_beginning_with_genju_names_no_unit():
    m = meta("2023年度部门整体支出绩效自评报告\n根据县财政局通知……\n岚溪县医疗保障局\n2024年3月1日\n")
    assert m["department"] == "岚溪县医疗保障局"
    assert m["county"] == "岚溪县"


def test_title_line_naming_the_kind_wins_over_a_running_header():
    m = meta("岚溪县财政局预算绩效管理专栏\n岚溪县医疗保障局2023年度部门整体支出绩效自评报告\n一、基本情况\n")
    assert m["department"] == "岚溪县医疗保障局"
    m = meta("目录\n第一部分 岚溪县财政局概况\n岚溪县医疗保障局2023年度部门决算\n")
    assert m["department"] == "岚溪县医疗保障局"
    m = meta("岚溪县医疗保障局\n2023年度部门决算\n")  # the unit on its own line above the title
    assert m["department"] == "岚溪县医疗保障局"


def test_unit_in_brackets_under_the_title():
    m = meta("2023年度部门整体支出绩效自评报告\n（岚溪县医疗保障局）\n")
    assert (m["department"], m["county"]) == ("岚溪县医疗保障局", "岚溪县")


def test_party_prefix_is_no_place():
    m = meta("中共岚溪县医疗保障局党组2023年度部门整体支出绩效自评报告\n")
    assert m["county"] == "岚溪县"


def test_total_row_labelled_zonghe_pingfen():
    m = meta("# 岚溪县医疗保障局部门整体支出绩效自评表\n\n（2023年度）\n\n| 部门名称 | 岚溪县医疗保障局 | |\n"
             "| --- | --- | --- |\n| 上年自评得分 | 88 | |\n| 综合评分 | 100 | 92.5 |\n", markdown=True)
    assert m["total_score"] == 92.5


def test_branch_bureau_keeps_its_branch():
    m = meta("岚州市医疗保障局岚溪分局2023年度部门决算\n")
    assert m["department"] == "岚州市医疗保障局岚溪分局"
    m = meta("岚州市医疗保障局2023年度部门决算\n")
    assert m["department"] == "岚州市医疗保障局"


# --- the province whose rules the document follows ----------------------------------------


def test_province_of_the_finance_office_whose_rules_a_county_follows():
    m = meta("泰岳县医疗保障局2023年度项目支出绩效自评报告\n"
             "根据山东省财政厅关于开展2023年度预算绩效自评工作的要求，现将我局自评情况公开如下。\n")
    assert (m["province"], m["county"]) == ("山东省", "泰岳县")


def test_province_of_the_provinces_own_form_and_its_footer():
    m = meta("洛水县医疗保障局2023年度部门整体支出绩效自评报告\n附件\n河南省部门整体支出绩效自评表\n（2023年度）\n")
    assert m["province"] == "河南省"
    m = meta("瓯江口县医疗保障局2023年度项目绩效自评表\n浙江省财政厅监制\n")
    assert m["province"] == "浙江省"


def test_no_province_when_two_are_named_as_rule_setters():
    m = meta("泰岳县医疗保障局2023年度项目支出绩效自评报告\n"
             "参照山东省财政厅和河南省财政厅的做法开展自评。\n")
    assert m["province"] is None


def _project_form(name: str, score: str) -> str:
    return ("项目支出绩效自评表\n"
            f"项目名称\t{name}\n"
            "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
            f"产出指标\t数量指标\t救助人次\t≥1000人次\t1020人次\t100\t{score}\n"
            f"总分\t\t\t\t\t100\t{score}\n")


def test_two_project_forms_with_their_own_totals_give_the_report_no_total(tmp_path):
    import evalkit

    title = "岚溪县医疗保障局2023年度项目支出绩效自评表\n"
    two = tmp_path / "two.txt"
    two.write_text(title + _project_form("医疗救助资金", "96") + "\n" + _project_form("医保经办能力提升经费", "98"),
                   encoding="utf-8")
    assert evalkit.read_report(two).reports["total_score"].isna().all()
    one = tmp_path / "one.txt"
    one.write_text(title + _project_form("医疗救助资金", "96"), encoding="utf-8")
    assert evalkit.read_report(one).reports["total_score"].tolist() == [96]


def test_grade_on_a_later_row_stating_the_same_total(tmp_path):
    import evalkit

    path = tmp_path / "dept.txt"
    path.write_text("岚溪县卫生健康局2023年度部门整体支出绩效自评表\n"
                    "一级指标\t二级指标\t三级指标\t分值\t得分\n"
                    "产出指标\t数量指标\t家庭医生签约人数\t100\t99\n"
                    "合计\t\t\t100\t99\n"
                    "自评得分\t99\t自评等级\t优\n", encoding="utf-8")
    assert evalkit.read_report(path).reports[["total_score", "grade"]].values.tolist() == [[99, "优"]]
