"""The reader on fixture documents written for these tests, one per layout and encoding.

The fixtures (tests/fixtures/) are fictional reports in the layouts of real ones; the
expected values below were worked out by reading them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.document import ReportReadError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def cells():
    return evalkit.read_report(FIXTURES / "cells_layout.txt")


@pytest.fixture(scope="module")
def tabs():
    return evalkit.read_report(FIXTURES / "tabs_layout_gb18030.txt")


@pytest.fixture(scope="module")
def narrative():
    return evalkit.read_report(FIXTURES / "narrative_utf16.txt")


def records(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[cols].itertuples(index=False)]


def test_cells_layout_metadata(cells):
    r = cells.reports.iloc[0]
    assert (r["department"], r["province"], r["city"], r["county"]) == ("浏阳市医疗保障局", "湖南省", "长沙市", "浏阳市")
    assert r["fiscal_year"] == 2023
    assert (r["total_score"], r["grade"], r["grade_raw"]) == (96.6, "优", "优秀")
    assert cells.document.encoding == "utf-8"


def test_cells_layout_indicators_fill_merged_cells_and_join_wrapped_cell(cells):
    got = records(cells.indicators, ["level1", "level2", "level3", "target_raw", "target_op", "target_value",
                                     "actual_value", "weight", "score", "source"])
    assert got == [
        ("产出指标", "数量指标", "职工医疗保险参保人数", "≥200000人", ">=", 200000.0, 205000.0, 20.0, 20.0,
         "cells_layout:45"),
        # level1 blank = same as above; the name cell goes on over the next line (line 53-54)
        ("产出指标", "质量指标", "医保基金结算及时率", "＝100％", "=", 100.0, 98.0, 20.0, 19.6, "cells_layout:53"),
        ("效益指标", "社会效益指标", "群众满意度", "≥95%", ">=", 95.0, 96.0, 60.0, 57.0, "cells_layout:62"),
    ]
    assert set(cells.indicators["table"]) == {"年度绩效指标"}


def test_cells_layout_budget_key_value_form_and_sentence(cells):
    got = records(cells.budget, ["stage", "item", "parent", "amount_wan", "source"])
    assert got == [
        ("年初预算", "收入合计", None, 500.0, "cells_layout:19"),
        ("年初预算", "财政拨款收入", None, 480.0, "cells_layout:21"),
        ("年初预算", "支出合计", None, 500.0, "cells_layout:24"),
        ("年初预算", "人员经费", "基本支出", 300.0, "cells_layout:26"),
        ("年初预算", "公用经费", "基本支出", 80.0, "cells_layout:29"),
        ("年初预算", "项目支出", None, 120.0, "cells_layout:31"),
        ("决算", "收入合计", None, 520.0, "cells_layout:75"),
        ("决算", "财政拨款收入", None, 500.0, "cells_layout:75"),
        ("决算", "其他收入", None, 20.0, "cells_layout:75"),
        ("决算", "支出合计", None, 520.0, "cells_layout:75"),
        ("决算", "基本支出", None, 390.0, "cells_layout:75"),
        ("决算", "项目支出", None, 130.0, "cells_layout:75"),
    ]


def test_cells_layout_enrollment_and_funds_from_sentences(cells):
    # '参保１２０.５万人' has full-width digits; 1205000 persons
    assert records(cells.enrollment, ["year", "scheme", "persons"]) == [
        (2023, "合计", 1205000), (2023, "职工医保", 205000), (2023, "居民医保", 1000000)]
    # 2.5亿元 = 25000万元; '8,000万元' has a thousands separator; '增加300万元' is a change, not an amount
    assert records(cells.funds, ["scheme", "flow", "amount_wan"]) == [
        ("职工医保", "收入", 25000.0), ("居民医保", "收入", 8000.0),
        ("职工医保", "支出", 22000.0), ("居民医保", "支出", 7600.0)]


def test_cells_layout_nothing_left_over(cells):
    assert cells.residue.empty
    cov = cells.coverage.iloc[0]
    assert cov["table_coverage"] == 100.0 and cov["text_coverage"] == 100.0


def test_tab_separated_gb18030_with_wrap_and_repeated_header(tabs):
    assert tabs.document.encoding == "gb18030"
    r = tabs.reports.iloc[0]
    # (the department without the province in front of a lower-level place: the gallery's convention)
    assert (r["department"], r["evaluator"], r["report_date"]) == ("长沙市医疗保障局", "某某会计师事务所", "2024-05")
    assert r["report_kind"] == "第三方绩效评价"  # (evaluated by a firm: the gallery's report kinds)
    assert (r["total_score"], r["grade"]) == (95.0, "优")
    got = records(tabs.indicators, ["level1", "level2", "level3", "weight", "target_raw", "actual_raw", "score",
                                    "explanation"])
    assert got == [
        ("产出", "数量", "参保人数", 30.0, "≥100万人", "101万人", 30.0, "参保人数=年末参保"),
        # the 指标解释 cell wraps onto line 10, which is folded back into the row
        ("产出", "质量", "基金结算率", 20.0, "100%", "95%", 15.0, "结算率=已结算/应结算*100%"),
        # the header repeated on line 11 (a page break) is not a row
        ("效益", "社会效益", "群众满意度", 50.0, "≥90%", "92%", 50.0, "问卷调查"),
    ]


def test_utf16_crlf_narrative(narrative):
    assert narrative.document.encoding == "utf-16"
    got = records(narrative.budget, ["stage", "item", "parent", "amount_wan", "source"])
    assert got == [
        ("年初预算", "收入合计", None, 300.5, "narrative_utf16:3"),  # '３００．５万元' in full width
        ("年初预算", "财政拨款收入", None, 300.5, "narrative_utf16:3"),
        ("年初预算", "支出合计", None, 300.5, "narrative_utf16:3"),
        ("年初预算", "基本支出", None, 250.0, "narrative_utf16:3"),
        ("年初预算", "项目支出", None, 50.5, "narrative_utf16:3"),
        ("决算", "收入合计", None, 320.0, "narrative_utf16:4"),  # '较预算增加19.5万元' is a change
        ("决算", "支出合计", None, 320.0, "narrative_utf16:4"),  # 3200000元 = 320万元
        ("决算", "基本支出", None, 260.0, "narrative_utf16:4"),
        ("决算", "项目支出", None, 60.0, "narrative_utf16:4"),
        ("决算", "三公经费", None, 1.2, "narrative_utf16:5"),
        ("决算", "公务接待费", "三公经费", 1.2, "narrative_utf16:5"),
    ]
    # '43.01 万人': a unit separated by a space
    assert records(narrative.enrollment, ["year", "persons", "raw"]) == [(2022, 430100, "43.01 万人")]
    assert narrative.residue.empty  # the phone number is deliberately ignored


@pytest.mark.parametrize("encoding,newline", [("utf-8-sig", "\n"), ("gb18030", "\r\n"), ("utf-16-le", "\r\n"),
                                              ("utf-16", "\r")])
def test_same_tables_in_every_encoding(tmp_path, cells, encoding, newline):
    text = (FIXTURES / "cells_layout.txt").read_text(encoding="utf-8").replace("\n", newline)
    p = tmp_path / "cells_layout.txt"
    p.write_bytes(text.encode(encoding))
    again = evalkit.read_report(p)
    for name in ("indicators", "budget", "enrollment", "funds"):
        a = getattr(cells, name).drop(columns=["report_id"])
        b = getattr(again, name).drop(columns=["report_id"])
        pd.testing.assert_frame_equal(a, b)


def test_bad_files_name_the_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    for p, word in ((empty, "空文件"), (binary, "不是文本")):
        with pytest.raises(ReportReadError, match=word) as exc:
            evalkit.read_report(p)
        assert str(p) in str(exc.value)


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_goes_on_past_bad_files_and_duplicates(tmp_path, workers):
    src = (FIXTURES / "cells_layout.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(src)
    (tmp_path / "copy_of_a.txt").write_bytes(src)
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01\x02" * 100)
    corpus = evalkit.read_reports(tmp_path, workers=workers)
    assert corpus.reports["report_id"].tolist() == ["a"]
    reasons = dict(zip(corpus.failures["path"].map(lambda p: Path(p).name), corpus.failures["reason"]))
    assert set(reasons) == {"copy_of_a.txt", "junk.txt"}
    assert "sha256" in reasons["copy_of_a.txt"] and "不是文本" in reasons["junk.txt"]
    assert f"与 {tmp_path / 'a.txt'} 内容相同" in reasons["copy_of_a.txt"]  # the first file, named


def test_manifest_states_metadata(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes((FIXTURES / "narrative_utf16.txt").read_bytes())
    manifest = pd.DataFrame({"report_id": ["r"], "department": ["浏阳市医疗保障局"], "fiscal_year": ["2022"]})
    r = evalkit.read_report(p, manifest=manifest).reports.iloc[0]
    assert r["department"] == "浏阳市医疗保障局"  # the report itself names only 某县医疗保障局
    assert r["stated"] == "department,fiscal_year"
    # the region follows the stated department
    assert (r["province"], r["city"], r["county"]) == ("湖南省", "长沙市", "浏阳市")
    bad = pd.DataFrame({"report_id": ["r"], "fiscal_year": ["去年"]})
    with pytest.raises(ValueError, match="fiscal_year 不是年份"):
        evalkit.read_report(p, manifest=bad)


def test_national_project_form():
    """The national 项目支出绩效自评表 (财预〔2020〕10号 annex): funds by stage with 分值/执行率/得分,
    then the indicator table with 分值, 得分 and 偏差原因, then 总分."""
    r = evalkit.read_report(FIXTURES / "national_project_form.txt")
    scope = "城乡居民医疗保险征缴工作经费"  # 项目名称
    assert records(r.budget, ["scope", "stage", "item", "amount_wan"]) == [
        (scope, "年初预算", "支出合计", 100.0), (scope, "调整预算", "支出合计", 120.0),  # 年度资金总额
        (scope, "决算", "支出合计", 114.0),  # 全年执行数
        (scope, "年初预算", "财政拨款收入", 100.0), (scope, "调整预算", "财政拨款收入", 110.0),
        (scope, "决算", "财政拨款收入", 104.0),
        (scope, "调整预算", "上年结转结余", 10.0), (scope, "决算", "上年结转结余", 10.0),
    ]
    got = records(r.indicators, ["level1", "level3", "weight", "score", "note"])
    assert got == [
        ("产出指标", "城乡居民参保人数", 20.0, 20.0, None),  # '产出指标（50分）': the remark is dropped
        ("产出指标", "征缴到账率", 15.0, 14.7, "部分乡镇征缴款未及时到账"),
        ("产出指标", "征缴完成时间", 15.0, 15.0, None),
        ("效益指标", "参保群众医疗负担减轻", 30.0, 27.0, None),
        ("满意度指标", "参保群众满意度", 10.0, 10.0, None),
        ("预算执行率", None, 10.0, 9.5, None),  # the funds' own 分值 and 得分 (执行率 95%)
    ]
    # the weights add up to the 总分 100, the scores to 96.2 (20 + 14.7 + 15 + 27 + 10 + 9.5)
    assert r.indicators["weight"].sum() == 100 and round(float(r.indicators["score"].sum()), 2) == 96.2
    assert r.reports.iloc[0]["total_score"] == 96.2
    assert r.residue.empty


def test_national_department_form_takes_what_is_certain():
    """The 部门整体支出绩效自评表's funds block: totals and income by stage; a second item written
    beside the first ('其中：基本支出 700 715' under 分值/执行率/得分) is left in the residue, not guessed."""
    r = evalkit.read_report(FIXTURES / "national_department_form.txt")
    assert records(r.budget, ["stage", "item", "amount_wan"]) == [
        ("年初预算", "支出合计", 900.0), ("调整预算", "支出合计", 1000.0), ("决算", "支出合计", 980.0),
        # '一般公共预算财政拨款' names an item: its 预算 is not a stage
        ("年初预算", "财政拨款收入", 850.0), ("调整预算", "财政拨款收入", 950.0), ("决算", "财政拨款收入", 930.0),
        ("年初预算", "其他收入", 50.0), ("调整预算", "其他收入", 50.0), ("决算", "其他收入", 50.0),
    ]
    assert records(r.indicators, ["level1", "actual_raw", "weight", "score"]) == [("预算执行率", "98%", 10.0, 9.8)]
    assert r.residue["text"].tolist() == ["700", "715", "200", "265"]


def test_national_project_form_in_tab_separated_layout_gives_the_same_tables(tmp_path):
    """The same form as text extracted from a PDF: one row per line, cells separated by tabs."""
    from evalkit.document import load_document

    doc = load_document(FIXTURES / "national_project_form.txt")
    lines = []
    for block in doc.blocks:
        if hasattr(block, "rows"):
            lines.extend("\t".join(c.text for c in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    p = tmp_path / "national_project_form.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cells, tabs = evalkit.read_report(FIXTURES / "national_project_form.txt"), evalkit.read_report(p)
    for name in ("indicators", "budget"):
        a = getattr(cells, name).drop(columns=["source"]).reset_index(drop=True)
        b = getattr(tabs, name).drop(columns=["source"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    assert tabs.residue.empty


@pytest.mark.parametrize("title,year", [
    ("某县医疗保障局2023年部门整体支出绩效自评报告", 2023),  # 年 without 度
    ("关于2022年度部门整体支出绩效自评的报告", 2022),
    ("绩效自评报告\n（2021年）", 2021),
    ("某县医疗保障局绩效自评\n2023年12月31日", None),  # a date is not the fiscal year
])
def test_fiscal_year_from_the_title(tmp_path, title, year):
    p = tmp_path / "r.txt"
    p.write_text(title + "\n正文。\n", encoding="utf-8")
    got = evalkit.read_report(p).reports.iloc[0]["fiscal_year"]
    assert (None if pd.isna(got) else got) == year


def test_form_labels_name_the_department_and_date(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("2023年度项目支出绩效自评表\n填报单位（盖章）：宁乡市医疗保障局\n填报日期：2024年3月5日\n",
                 encoding="utf-8")
    r = evalkit.read_report(p).reports.iloc[0]
    assert (r["department"], r["county"], r["report_date"], r["fiscal_year"]) == (
        "宁乡市医疗保障局", "宁乡市", "2024-03-05", 2023)


def test_operator_and_unit_in_columns_of_their_own():
    """'≥ | 50000 | 人次', '定性 | 优良中低差', '正向指标 | 90 | %': the operator and the unit in
    their own columns (指标性质, 度量单位)."""
    r = evalkit.read_report(FIXTURES / "operator_columns.txt")
    assert records(r.indicators, ["level3", "target_op", "target_value", "target_unit", "actual_value",
                                  "actual_unit", "score"]) == [
        ("医保经办服务人次", ">=", 50000.0, "人次", 52310.0, "人次", 20.0),
        ("人均经办成本", "<=", 101400.0, "元", 99800.0, "元", 20.0),
        ("参保群众满意度", "定性", None, None, None, None, 28.0),
        ("服务对象满意度", ">=", 90.0, "%", 93.0, "%", 30.0),  # 正向指标 reads as ≥
    ]
    assert r.residue.empty


def test_final_accounts_table_printed_twice_side_by_side():
    """收入支出决算总表: '项目 行次 金额' twice across the page; 行次 are row numbers, not amounts;
    labels carry ordinals (一、…); 1,200.00 has a thousands separator."""
    r = evalkit.read_report(FIXTURES / "final_accounts_table.txt")
    assert records(r.budget, ["stage", "item", "amount_wan"]) == [
        ("决算", "财政拨款收入", 1200.0), ("决算", "一般公共服务支出", 0.0), ("决算", "其他收入", 34.56),
        ("决算", "社会保障和就业支出", 150.2), ("决算", "收入合计", 1234.56), ("决算", "支出合计", 1234.56),
    ]
    assert r.residue.empty  # the 行次 are deliberately ignored, everything else placed


def test_a_text_file_without_chinese_is_not_a_report(tmp_path):
    p = tmp_path / "readme.txt"
    p.write_text("Lorem ipsum 2023, 42.\n", encoding="utf-8")
    with pytest.raises(ReportReadError, match="不像是报告"):
        evalkit.read_report(p)


def test_indicators_written_as_sentences(tmp_path):
    """A report without an indicator table states each indicator in a sentence: target, result,
    weight and score. Each sentence is one row of the table 正文, every number of it placed."""
    p = tmp_path / "某县医疗保障局2023年度部门整体支出绩效自评报告.txt"
    p.write_text(
        "某县医疗保障局2023年度部门整体支出绩效自评报告\n"
        "医保基金结算及时率年度目标≥91%，实际完成98.0%，分值3分，得分2.8分。\n"
        "困难群众应保尽保年度指标值为全部参保，实际完成值为全部参保，分值2分，得分2分。\n"
        "参保群众满意度总分5分，实际得分4.5分。\n"
        "预算执行率：年度指标值≥95%，实际完成值98.65%，分值10分，得分10分。\n"
        "城乡居民医保参保率年度目标95%，实际完成96.2%，得分5分。\n"
        "群众满意度年度目标值≥90%，实际完成95%，得10分。\n",
        encoding="utf-8",
    )
    r = evalkit.read_report(p)
    cols = ["level3", "target_raw", "target_op", "target_value", "target_unit", "actual_value", "weight", "score"]
    assert records(r.indicators, cols) == [
        ("医保基金结算及时率", "≥91%", ">=", 91.0, "%", 98.0, 3.0, 2.8),
        ("困难群众应保尽保", "全部参保", "定性", None, None, None, 2.0, 2.0),
        ("参保群众满意度", None, None, None, None, None, 5.0, 4.5),
        # the name before a colon; a statement without its weight
        ("预算执行率", "≥95%", ">=", 95.0, "%", 98.65, 10.0, 10.0),
        ("城乡居民医保参保率", "95%", None, 95.0, "%", 96.2, None, 5.0),
        ("群众满意度", "≥90%", ">=", 90.0, "%", 95.0, None, 10.0),
    ]
    assert set(r.indicators["table"]) == {"正文"}
    assert r.residue.empty
    assert r.coverage.iloc[0]["text_coverage"] == 100.0


def test_counts_without_a_service_topic_are_ignored_by_name(tmp_path):
    """A count that names no service topic ('印发学习材料3.5万份') is left out by the rule 'count',
    not placed and not residue; the same count in a service sentence is a service figure."""
    p = tmp_path / "某县医疗保障局2023年度部门整体支出绩效自评报告.txt"
    p.write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\n"
                 "组织学习培训，印发学习材料3.5万份，召开会议12次。\n"
                 "全年线上办理医保业务2.1万笔。\n", encoding="utf-8")
    r = evalkit.read_report(p)
    assert r.residue.empty
    assert r.services[["measure", "value", "unit"]].values.tolist() == [["线上办理医保业务", 21000.0, "笔"]]
    cov = r.coverage.iloc[0]
    # four numbers: the title's year (a date), 3.5万份 and 12次 (counts), 2.1万笔 (placed)
    assert (cov["text_numbers"], cov["text_placed"], cov["text_ignored"]) == (4, 1, 3)


TITLE = "某县医疗保障局2023年度部门整体支出绩效自评报告\n"


def _read_text(tmp_path, text: str):
    p = tmp_path / "某县医疗保障局2023年度部门整体支出绩效自评报告.txt"
    p.write_text(TITLE + text, encoding="utf-8")
    return evalkit.read_report(p)


def test_budget_grid_rows_numbered_or_unnamed(tmp_path):
    r = _read_text(tmp_path, "表5 支出预算执行情况（单位：万元）\n支出项目\t年初预算数\t调整后预算数\t实际支出数\n"
                             "支出合计\t100\t110\t105\n1.基本支出\t80\t85\t84\n2.项目支出\t20\t25\t21\n"
                             "其中：医疗救助资金\t15\t18\t17.5\n")
    # '1.基本支出' is a label, not the number 1; a row no item names gives no false 支出合计
    assert records(r.budget, ["stage", "item", "amount_wan"]) == [
        ("年初预算", "支出合计", 100.0), ("调整预算", "支出合计", 110.0), ("决算", "支出合计", 105.0),
        ("年初预算", "基本支出", 80.0), ("调整预算", "基本支出", 85.0), ("决算", "基本支出", 84.0),
        ("年初预算", "项目支出", 20.0), ("调整预算", "项目支出", 25.0), ("决算", "项目支出", 21.0)]
    assert r.residue["line"].tolist() == [7]


def test_three_public_expenses_table_in_yuan_with_other_years_and_changes(tmp_path):
    r = _read_text(tmp_path, "表4 “三公”经费支出情况表\n单位：元\n项目\t2022年决算数\t2023年预算数\t2023年决算数\n"
                             "“三公”经费合计\t52,300\t60,000\t48,650\n公务接待费\t20,000\t25,000\t17,200\n")
    # 元 on its own line above; the 2022 column is another year's (the report is on 2023)
    assert records(r.budget, ["stage", "item", "amount_wan"]) == [
        ("年初预算", "三公经费", 6.0), ("决算", "三公经费", 4.865), ("年初预算", "公务接待费", 2.5),
        ("决算", "公务接待费", 1.72)]
    assert r.residue.empty and r.coverage.iloc[0]["table_coverage"] == 100.0
    r = _read_text(tmp_path, "“三公”经费支出情况表（单位：万元）\n项目\t预算数\t决算数\t增减额\t增减率\n"
                             "合计\t6.50\t4.82\t-1.68\t-25.85%\n公务接待费\t2.50\t1.72\t-0.78\t-31.20%\n")
    # the caption names the table's item (its 合计 row is 三公经费); changes are no amounts
    assert records(r.budget, ["stage", "item", "amount_wan"]) == [
        ("年初预算", "三公经费", 6.5), ("决算", "三公经费", 4.82), ("年初预算", "公务接待费", 2.5),
        ("决算", "公务接待费", 1.72)]
    assert r.residue.empty and r.coverage.iloc[0]["table_coverage"] == 100.0


def test_indicator_headers_with_a_remark_in_brackets(tmp_path):
    r = _read_text(tmp_path, "一级指标\t二级指标\t三级指标\t年度指标值（A）\t实际完成值（B）\t分值（分）\t得分（分）\n"
                             "产出指标\t数量指标\t检查定点医药机构数量\t≥120家\t135家\t10\t10\n")
    assert records(r.indicators, ["level3", "target_raw", "actual_raw", "weight", "score"]) == [
        ("检查定点医药机构数量", "≥120家", "135家", 10.0, 10.0)]


def test_national_project_form_in_yuan(tmp_path):
    text = (FIXTURES / "national_project_form.txt").read_text(encoding="utf-8")
    assert "项目资金（万元）" in text and "\t100\n\t120\n\t114\n" in text
    text = text.replace("项目资金（万元）", "项目资金（元）").replace(
        "\t100\n\t120\n\t114\n", "\t1,000,000.00\n\t1,200,000.00\n\t1,140,000.00\n")
    p = tmp_path / "form.txt"
    p.write_text(text, encoding="utf-8")
    r = evalkit.read_report(p)
    # the unit the form's own header declares: 元 ÷ 10 000
    total = r.budget[r.budget["item_raw"] == "年度资金总额"]
    assert records(total, ["stage", "amount_wan"]) == [("年初预算", 100.0), ("调整预算", 120.0), ("决算", 114.0)]


def test_indicator_words_that_wrap_onto_a_row_of_their_own(tmp_path):
    r = _read_text(tmp_path, "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
                             "产出指标\t时效指标\t医保待遇审核办结时\t≤10个工作\t8个工作日\t10\t10\n"
                             "\t\t限\t日\t\t\t\n"
                             "效益指标\t满意度指标\t参保群众满意度\t≥90%\t93%\t10\t9\n")
    # the row without level, weight or score continues the words of the row above
    assert records(r.indicators, ["level3", "target_raw", "weight", "score"]) == [
        ("医保待遇审核办结时限", "≤10个工作日", 10.0, 10.0), ("参保群众满意度", "≥90%", 10.0, 9.0)]


def test_funding_sources_of_a_project_form(tmp_path):
    p = tmp_path / "医疗救助项目支出绩效自评表.txt"
    p.write_text("某县医疗保障局2023年度医疗救助项目支出绩效自评表\n"
                 "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
                 "年度资金总额\t100\t120\t114\t10\t95%\t9.5\n"
                 "其中：中央财政资金\t60\t70\t66\t—\t—\t—\n"
                 "县级配套资金\t40\t50\t48\t—\t—\t—\n", encoding="utf-8")
    r = evalkit.read_report(p)
    sources = r.budget[r.budget["item"].str.endswith("财政资金")]
    # each source of the year's money, under the flow it breaks down
    assert records(sources, ["stage", "item", "parent", "amount_wan"]) == [
        ("年初预算", "中央财政资金", "支出合计", 60.0), ("调整预算", "中央财政资金", "支出合计", 70.0),
        ("决算", "中央财政资金", "支出合计", 66.0), ("年初预算", "县级财政资金", "支出合计", 40.0),
        ("调整预算", "县级财政资金", "支出合计", 50.0), ("决算", "县级财政资金", "支出合计", 48.0)]
    assert r.residue.empty


def test_budget_grid_with_a_subtotal_under_its_item(tmp_path):
    r = _read_text(tmp_path, "表3 2023年度预算执行情况表\n单位：万元\n项目\t合计\t基本支出\t\t\t项目支出\n"
                             "\t\t小计\t人员经费\t公用经费\t\n"
                             "年初预算数\t1,250.00\t980.00\t860.00\t120.00\t270.00\n")
    # 小计 under 基本支出 is 基本支出; 合计 beside expenditure items only is the expenditure total
    assert records(r.budget, ["stage", "item", "parent", "amount_wan"]) == [
        ("年初预算", "支出合计", None, 1250.0), ("年初预算", "基本支出", None, 980.0),
        ("年初预算", "人员经费", "基本支出", 860.0), ("年初预算", "公用经费", "基本支出", 120.0),
        ("年初预算", "项目支出", None, 270.0)]


def test_indicator_header_on_two_rows(tmp_path):
    r = _read_text(tmp_path, "一级指标\t二级指标\t三级指标\t指标值\t\t分值\t得分\t备注\n"
                             "\t\t\t年度目标值\t实际完成值\t\t\t\n"
                             "产出指标\t数量指标\t资助参保人数\t≥1600人\t1632人\t10\t10\t\n")
    # the second header row names the two columns under 指标值
    assert records(r.indicators, ["level3", "target_raw", "actual_raw", "weight", "score"]) == [
        ("资助参保人数", "≥1600人", "1632人", 10.0, 10.0)]
    assert r.residue.empty


def test_merged_level1_printed_in_the_middle_of_its_rows(tmp_path):
    r = _read_text(tmp_path, "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
                             "\t数量指标\t医疗救助人次\t≥3000人次\t3120人次\t10\t10\n"
                             "产出指标\t时效指标\t报销办结时限\t≤10个工作日\t8个工作日\t10\t10\n"
                             "\t社会效益指标\t群众就医负担\t有所减轻\t明显减轻\t10\t10\n"
                             "效益指标\t可持续影响指标\t基金运行\t平稳\t平稳\t10\t10\n")
    # a PDF prints a merged cell's text in the middle of its rows: the standard level 2 says which
    assert records(r.indicators, ["level1", "level2", "level3"]) == [
        ("产出指标", "数量指标", "医疗救助人次"), ("产出指标", "时效指标", "报销办结时限"),
        ("效益指标", "社会效益指标", "群众就医负担"), ("效益指标", "可持续影响指标", "基金运行")]


def test_cells_layout_row_without_its_merged_level_cells(tmp_path):
    def rows(*cells_of_rows):
        return "".join("".join(f"\t{c}\n" for c in cells) + "\n" for cells in cells_of_rows)

    r = _read_text(tmp_path, rows(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                                  ["产出指标", "数量指标", "定点医药机构检查覆盖率", "100%", "100%", "10", "10"],
                                  ["医保经办服务事项办理量", "≥8000件", "8562件", "10", "10"]))
    # the second row's merged 一级/二级指标 cells were dropped on the left: its cells align right
    assert records(r.indicators, ["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]) == [
        ("产出指标", "数量指标", "定点医药机构检查覆盖率", "100%", "100%", 10.0, 10.0),
        ("产出指标", "数量指标", "医保经办服务事项办理量", "≥8000件", "8562件", 10.0, 10.0)]
    assert r.residue.empty


def test_national_project_form_with_a_remark_in_the_rate_header(tmp_path):
    text = (FIXTURES / "national_project_form.txt").read_text(encoding="utf-8")
    assert "\n\t执行率\n" in text
    p = tmp_path / "form.txt"
    p.write_text(text.replace("\n\t执行率\n", "\n\t执行率（B/A）\n"), encoding="utf-8")
    r = evalkit.read_report(p)
    # the remark names the formula, not the rate
    assert records(r.rates.head(1), ["name", "value_pct"]) == [("支出合计执行率", 95.0)]
