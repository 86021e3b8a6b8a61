"""Layout families met in hold-out batch F, each on an invented fixture: grid tables written by
pandoc ('+---+' rules, '+===+' under the header, a rule left open beside a cell that goes on
down), an article saved from WeChat (its text hidden until a script shows it), a department's
operating money (经费) named by a scheme, and a fiscal year named inside a figure's clause."""

from __future__ import annotations

from evalkit import read_report
from evalkit.readers import load_any
from evalkit.readers.text import rebuild_blocks

GRID = """\
+----------+----------+--------------+--------+------+
| 一级指标 | 二级指标 | 三级指标     | 分值   | 得分 |
+==========+==========+==============+========+======+
| 产出指标 | 数量指标 | 结算人次     | 20     | 19   |
|          +----------+--------------+--------+------+
|          | 质量指标 | 满意度指     | 10     | 9.5  |
|          |          | 标           |        |      |
+----------+----------+--------------+--------+------+"""


def test_a_grid_table_is_read_on_its_grid_with_its_spans():
    (table,) = rebuild_blocks(GRID.splitlines())
    assert table.layout == "grid"
    assert [r.texts for r in table.rows] == [
        ["一级指标", "二级指标", "三级指标", "分值", "得分"],
        ["产出指标", "数量指标", "结算人次", "20", "19"],
        ["", "质量指标", "满意度指标", "10", "9.5"],  # the cell wrapped over two lines, joined
    ]
    assert table.rows[1].cells[0].rowspan == 2 and table.rows[2].cells[0].covered


BUDGET_GRID = (
    "某县医疗保障局2023年度部门整体支出绩效自评报告", "", "表1 部门支出情况表（单位：万元）", "",
    "+--------------+------------+------------+--------+",
    "| 项目         | 年初预算数 | 调整预算数 | 决算数 |",
    "+==============+============+============+========+",
    "| 支出合计     | 500.00     | 620.00     | 601.50 |",
    "+--------------+------------+------------+--------+",
    "| 一、基本支出 | 400.00     | 410.00     | 405.20 |",
    "+--------------+------------+------------+--------+",
)


def test_a_budget_grid_table_keeps_its_stages(tmp_path):
    text = "\n".join(BUDGET_GRID)
    got = _read(tmp_path, "r.md", text).budget
    rows = sorted(zip(got["stage"], got["item"], got["amount_wan"]))
    assert rows == sorted([("年初预算", "支出合计", 500.0), ("调整预算", "支出合计", 620.0), ("决算", "支出合计", 601.5),
                           ("年初预算", "基本支出", 400.0), ("调整预算", "基本支出", 410.0), ("决算", "基本支出", 405.2)])


WECHAT = """<html><head><meta charset="utf-8"><title>基金收支</title></head><body>
<div id="js_article"><h1 class="rich_media_title">公开｜2023年度全县基本医疗保险基金收支情况</h1>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">
<section><span>2023年，全县基本医疗保险基金总收入</span><span><strong>3.62亿元</strong></span><span>，总支出</span>
<span><strong>3.41亿元</strong></span><span>。城乡居民基本医疗保险参保28.40万人。</span></section>
</div>
<div id="js_pc_qr_code" style="visibility: hidden;"><p>微信扫一扫关注该公众号</p></div>
</div></body></html>"""


def test_an_article_saved_from_wechat_is_read(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(WECHAT, encoding="utf-8")
    text = "\n".join(load_any(path).lines)
    assert "总收入3.62亿元" in text and "参保28.40万人" in text
    assert "扫一扫" not in text  # a small hidden element is still page furniture


def _read(tmp_path, name: str, text: str):
    """Write ``text`` to the file ``name`` and read it as a report."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def _report(tmp_path, sentence: str):
    return _read(tmp_path, "r.txt", "某县医疗保障局2023年度部门整体支出绩效自评报告\n" + sentence + "\n")


def test_operating_money_named_by_a_scheme_is_no_fund_flow(tmp_path):
    r = _report(tmp_path, "年初预算500.00万元，年中追加信息系统运维、医疗救助经办等经费86.40万元。")
    assert r.funds.empty


def test_a_fiscal_year_named_in_the_clause_dates_the_figure(tmp_path):
    r = _report(tmp_path, "往期：2022年度全县基本医疗保险基金收支情况（收入3.35亿元）。")
    assert r.funds[["year", "flow", "amount_wan"]].values.tolist() == [[2022, "收入", 33500.0]]
    r = _report(tmp_path, "2023年全县基本医疗保险基金收入3.62亿元，比2022年度增长8.1%。")
    assert r.funds["year"].tolist() == [2023]


MINERU = (
    "# 某区医疗保障局2023年度项目支出绩效自评表",
    "",
    ('<table><tr><td>项目名称</td><td colspan="6">医保经办服务能力提升</td></tr>'
    '<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td><td>实际完成值</td>'
    '<td>分值</td><td>得分</td></tr>'
    '<tr><td rowspan="2">产出指标</td><td rowspan="2">数量指标</td><td>培训经办人员</td><td>≥120人次</td>'
    '<td>135人次</td><td>20</td><td>20</td></tr>'
    '<tr><td>窗口办件量</td><td>≥5000件</td><td>5210件</td><td>20</td><td>19</td></tr></table>'),
    "",
    "经办服务满意度达到96.5%。",
)


def test_an_html_table_inside_markdown_is_read_with_its_spans(tmp_path):
    r = _read(tmp_path, "form.md", "\n".join(MINERU))
    got = r.indicators[["level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score"]].values.tolist()
    assert got == [["产出指标", "数量指标", "培训经办人员", "≥120人次", "135人次", 20.0, 20.0],
                   ["产出指标", "数量指标", "窗口办件量", "≥5000件", "5210件", 20.0, 19.0]]
    # the markup's numbers (colspan="6", rowspan="2") are none of the report's: not in the residue
    assert not r.residue["text"].str.contains("span").any()


TWO_YEARS = (
    "某县医疗保障局2024年度部门整体支出绩效自评报告",
    "",
    "表2  近两年医疗保障主要指标对比表",
    "|指标                |单位  |2024年   |2023年   |",
    "|基本医疗保险参保人数|人    |95,210   |96,034   |",
    "|其中：职工医保      |人    |12,305   |12,118   |",
    "|居民医保            |人    |82,905   |83,916   |",
    "|职工医保基金收入    |万元  |7,215.40 |6,980.12 |",
    "|居民医保基金累计结余|亿元  |0.52     |0.49     |",
)


def test_a_statistics_table_with_a_unit_column_and_scheme_rows_under_a_measure(tmp_path):
    r = _read(tmp_path, "r.txt", "\n".join(TWO_YEARS))
    enrollment = sorted(zip(r.enrollment["year"], r.enrollment["scheme"], r.enrollment["persons"]))
    assert enrollment == [(2023, "合计", 96034), (2023, "居民医保", 83916), (2023, "职工医保", 12118),
                          (2024, "合计", 95210), (2024, "居民医保", 82905), (2024, "职工医保", 12305)]
    funds = sorted(zip(r.funds["year"], r.funds["scheme"], r.funds["flow"], r.funds["amount_wan"]))
    assert funds == [(2023, "居民医保", "累计结余", 4900.0), (2023, "职工医保", "收入", 6980.12),
                     (2024, "居民医保", "累计结余", 5200.0), (2024, "职工医保", "收入", 7215.4)]


SUMMARY = (
    "某县财政局关于2023年度县直部门整体支出绩效自评结果的公示",
    "",
    "表1 部门整体支出绩效自评结果（单位：万元）",
    "| 序号 | 部门名称 | 年初预算 | 实际支出 | 得分 |",
    "|---|---|---|---|---|",
    "| 1 | 县民政局 | 1,200.00 | 1,150.20 | 91.0 |",
    "| 2 | 县卫生健康委员会 | 3,400.00 | 3,310.80 | 89.5 |",
    "| 3 | 县医疗保障局 | 900.00 | 870.40 | 93.0 |",
    "| 合计 | 合计 | 5,500.00 | 5,331.40 | |",
)


def test_a_finance_bureaus_summary_of_several_departments_gives_no_budget(tmp_path):
    r = _read(tmp_path, "r.md", "\n".join(SUMMARY))
    assert r.reports["report_kind"].tolist() == ["其他"]  # a 公示 of results, no report
    assert r.budget.empty  # the rows are several departments': none is this document's budget
    from evalkit.explain import explain

    left = explain(tmp_path / "r.md")
    assert left.loc[left["number"] == "870.40", "reason"].str.contains("按部门分列").all()


PAGE_WITH_FOOTER = """<html><head><meta charset="utf-8"></head><body>
<div class="content"><h1>青禾县医疗保障局2023年度部门整体支出绩效自评报告</h1>
<p>2023年全县基本医疗保险参保人数12.40万人，部门支出决算520.36万元。</p></div>
<div class="footer"><p>主办单位：青禾县人民政府办公室</p>
<p>地址：甘肃省陇原市青禾县新华路8号 邮编：743000</p></div>
</body></html>"""


def test_a_footer_address_naming_the_departments_county_gives_its_province_and_city(tmp_path):
    got = _read(tmp_path, "page.html", PAGE_WITH_FOOTER).reports[["province", "city", "county"]].values.tolist()
    assert got == [["甘肃省", "陇原市", "青禾县"]]
    other = _read(tmp_path, "other.html", PAGE_WITH_FOOTER.replace("甘肃省陇原市青禾县", "甘肃省陇原市白石县"))
    assert other.reports[["province", "city"]].isna().all(axis=None)  # another county's address says nothing
