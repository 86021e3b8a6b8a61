"""Tests for evalkit.plotting: CJK glyphs, reproducible SVG, build_charts."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from evalkit import plotting

R1, R2, R3 = "000_aaaa", "001_bbbb", "004_cccc"


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame(
        {
            "report_id": [R1, R2, R3],
            "department": ["南昌市西湖区医疗保障局", "临湘市医疗保障事务中心", None],
            "fiscal_year": pd.array([2022, 2024, 2023], dtype="Int64"),
            "source_file": ["a.txt", "b.txt", "2023自评.txt"],
        }
    )
    enrollment = pd.DataFrame(
        {
            "report_id": [R1, R1, R1, R2, R2, R2, R2, R2],
            "year": [2022, 2022, 2022, 2024, 2024, 2024, 2024, 2023],
            "scheme": ["合计", "职工医保", "居民医保", "合计", "合计", "合计", "职工医保", "合计"],
            "persons": pd.array(
                [223570, 38406, 185164, 430100, 430600, 430100, 35800, None], dtype="Int64"
            ),
        }
    )
    funds = pd.DataFrame(
        {
            "report_id": [R1, R1, R1, R1, R2, R2],
            "year": [2022] * 4 + [2024] * 2,
            "scheme": ["职工医保", "职工医保", "居民医保", "居民医保", "居民医保", "居民医保"],
            "flow": ["收入", "支出", "收入", "支出", "收入", "支出"],
            "amount_wan": [10332.0, 6601.0, 6569.0, 2441.0, 41400.0, 41000.0],
        }
    )
    budget = pd.DataFrame(
        {
            "report_id": [R1] * 4 + [R3] * 2,
            "scope": ["部门整体"] * 6,
            "stage": ["决算", "决算", "年初预算", "年初预算", "决算", "决算"],
            "item": ["基本支出", "项目支出", "人员经费", "公用经费", "基本支出", "项目支出"],
            "amount_wan": [379.64, 174.84, 390.22, 67.72, 777.22, 357.56],
        }
    )
    return {"reports": reports, "enrollment": enrollment, "funds": funds, "budget": budget}


@pytest.fixture
def derived() -> dict[str, pd.DataFrame]:
    execution = pd.DataFrame(
        {
            "report_id": [R1, R3],
            "scope": ["部门整体", "部门整体"],
            "initial_total": [607.94, 977.61],
            "adjusted_total": [554.48, 1134.78],
            "final_total": [554.48, 1134.78],
            "rate_vs_initial": [91.21, 116.08],
            "rate_vs_adjusted": [100.0, 100.0],
        }
    )
    achievement = pd.DataFrame(
        {
            "report_id": [R2, R2, R2, R1],
            "level1": ["产出目标", "产出目标", "效益目标", None],
            "met": pd.array([True, False, None, True], dtype="boolean"),
            "score": [10.0, 8.0, 5.0, None],
            "recomputed_score": [10.0, 6.5, 4.0, None],
        }
    )
    findings = pd.DataFrame(
        {
            "report_id": [R1, R1, R2],
            "rule": ["total-mismatch", "same-quantity-differs", "total-mismatch"],
            "severity": ["error", "warning", "error"],
        }
    )
    return {"execution": execution, "achievement": achievement, "findings": findings}


def _all_figures(tables, derived):
    reports = tables["reports"]
    return {
        "enrollment": plotting.plot_enrollment(tables["enrollment"], reports),
        "funds": plotting.plot_funds(tables["funds"], reports),
        "execution": plotting.plot_execution(derived["execution"], reports),
        "achievement": plotting.plot_achievement(derived["achievement"], reports),
        "findings": plotting.plot_findings(derived["findings"], reports),
        "structure": plotting.plot_budget_structure(tables["budget"], reports),
        "overview": plotting.plot_overview(tables, derived),
    }


def test_importing_evalkit_does_not_import_matplotlib():
    code = (
        "import sys, evalkit, evalkit.plotting\n"
        "bad = [m for m in ('matplotlib', 'seaborn', 'mplfonts') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cjk_font_covers_chinese():
    from matplotlib import font_manager

    family = plotting.cjk_font_family()
    assert family != "DejaVu Sans"
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert plotting._covers(path, "参保人数医疗保障局（万元）：资料来源")


def test_system_font_without_chinese_glyphs_is_passed_over(monkeypatch):
    # DejaVu Sans is installed everywhere but has no CJK glyphs: it must not be chosen.
    monkeypatch.setattr(plotting._style, "SYSTEM_CJK_FAMILIES", ("DejaVu Sans",))
    plotting.cjk_font_family.cache_clear()
    try:
        family = plotting.cjk_font_family()
        assert family != "DejaVu Sans"
        assert plotting._mplfonts_font_file().name == "NotoSansCJKsc-Regular.otf"
    finally:
        plotting.cjk_font_family.cache_clear()


def test_a_system_cjk_font_is_preferred(monkeypatch, caplog):
    plotting.cjk_font_family()  # registers the mplfonts file, so the font manager knows it
    monkeypatch.setattr(plotting._style, "SYSTEM_CJK_FAMILIES", ("Noto Sans CJK SC",))
    plotting.cjk_font_family.cache_clear()
    try:
        with caplog.at_level("DEBUG", logger="evalkit.plotting"):
            assert plotting.cjk_font_family() == "Noto Sans CJK SC"
        assert "using system CJK font" in caplog.text
    finally:
        plotting.cjk_font_family.cache_clear()


def test_charts_with_chinese_labels_have_every_glyph(tables, derived, tmp_path):
    # Any warning, including matplotlib's "Glyph ... missing from font(s)", is an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = _all_figures(tables, derived)
        for name, fig in figures.items():
            plotting.save_chart(fig, tmp_path / name)
    for name, fig in figures.items():
        texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
        joined = "".join(texts)
        assert "资料来源" in joined, name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in joined), name


def test_missing_glyph_is_detected_without_the_cjk_font():
    """Control: the check above would catch a chart drawn without a CJK font."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure()
        fig.add_subplot().set_title("参保人数")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(UserWarning, match="missing from font"):
                fig.draw_without_rendering()


def test_charts_leave_global_rcparams_alone(tables, derived, tmp_path):
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    fig = plotting.plot_enrollment(tables["enrollment"], tables["reports"])
    plotting.save_chart(fig, tmp_path / "enrollment")
    assert dict(mpl.rcParams) == before


def test_titles_axes_and_units_are_chinese(tables, derived):
    figures = _all_figures(tables, derived)
    assert figures["enrollment"].axes[0].get_xlabel() == "参保人数（万人）"
    assert figures["funds"].axes[0].get_xlabel() == "金额（万元）"
    assert figures["execution"].axes[0].get_xlabel() == "执行率（%）"
    assert [ax.get_xlabel() for ax in figures["achievement"].axes[:2]] == [
        "指标数（个）",
        "自评得分（分）",
    ]
    assert figures["findings"].axes[0].get_xlabel() == "发现数（条）"
    assert [ax.get_xlabel() for ax in figures["structure"].axes[:2]] == ["占比（%）"] * 2


def test_enrollment_takes_the_value_stated_most_often(tables):
    fig = plotting.plot_enrollment(tables["enrollment"], tables["reports"])
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    # 临湘 2023 has only an unreadable head count: no group (and no trend) for it.
    assert rows == [
        "临湘市医保事务中心\n2024年",
        "南昌市西湖区医保局\n2022年",
    ]
    totals = {c.get_label(): [float(p.get_width()) for p in c] for c in ax.containers}
    # 合计 2024: 430100 stated twice, 430600 once -> 43.01 万人.
    assert totals["合计"] == [43.01, 22.357]


def test_execution_ratios_are_shown_as_percentages():
    execution = pd.DataFrame(
        {"report_id": ["r1"], "scope": ["部门整体"], "rate_vs_initial": [0.912]}
    )
    fig = plotting.plot_execution(execution)
    widths = [float(p.get_width()) for p in fig.axes[0].containers[0]]
    assert widths == pytest.approx([91.2])


def test_execution_without_rates_or_totals_is_refused():
    with pytest.raises(ValueError, match="no rate"):
        plotting.plot_execution(pd.DataFrame({"report_id": ["r1"], "scope": ["部门整体"]}))


def test_unnamed_department_is_labelled_with_its_report(derived, tables):
    fig = plotting.plot_execution(derived["execution"], tables["reports"])
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    # Named by its file, never by its report id.
    assert "未署名单位（文件 2023自评.txt）\n部门整体（2023年）" in rows
    assert not any(R3 in r for r in rows)


def test_budget_structure_prefers_final_accounts(tables):
    fig = plotting.plot_budget_structure(tables["budget"], tables["reports"])
    left, right = fig.axes[:2]
    assert [t.get_text() for t in left.get_yticklabels()] == [
        "南昌市西湖区医保局\n部门整体·决算",
        "未署名单位（文件 2023自评.txt）\n部门整体·决算",
    ]
    # Only the initial budget splits 人员经费 / 公用经费 for R1: 390.22 / 457.94 = 85.2%.
    assert [t.get_text() for t in right.get_yticklabels()] == [
        "南昌市西湖区医保局\n部门整体·年初预算"
    ]
    assert float(right.containers[0][0].get_width()) == pytest.approx(85.21, abs=0.01)


def test_overview_counts_rows_per_report(tables, derived):
    fig = plotting.plot_overview(tables, derived)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "预算收支",
        "参保人数",
        "医保基金收支",
        "检查发现",
    ]
    cells = [t.get_text() for t in ax.texts]
    # R1: 4 budget rows, 3 enrollment, 4 funds, 2 findings.
    assert cells[:4] == ["4", "3", "4", "2"]


def test_svg_is_identical_across_two_saves(tables, tmp_path):
    paths = []
    for run in ("a", "b"):
        fig = plotting.plot_funds(tables["funds"], tables["reports"])
        paths.append(plotting.save_chart(fig, tmp_path / run / "funds"))
    svg_a, svg_b = (p[1].read_bytes() for p in paths)
    assert svg_a == svg_b
    assert b"<dc:date>" not in svg_a
    png_a, png_b = (p[0].read_bytes() for p in paths)
    assert png_a[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_a == png_b


def test_save_chart_names_and_creates_folders(tables, tmp_path):
    fig = plotting.plot_funds(tables["funds"])
    paths = plotting.save_chart(fig, tmp_path / "charts" / "v1.2_funds")
    assert [p.name for p in paths] == ["v1.2_funds.png", "v1.2_funds.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_build_charts_writes_every_chart(tables, derived, tmp_path):
    written = plotting.build_charts(tables, derived, tmp_path / "charts")
    expected = [f"{stem}.{ext}" for stem in plotting.CHARTS for ext in ("png", "svg")]
    assert [p.name for p in written] == expected
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == sorted(expected)


def test_build_charts_skips_what_the_data_do_not_allow(tables, tmp_path, caplog):
    derived = {
        "execution": pd.DataFrame({"report_id": ["r1"], "scope": ["部门整体"]}),
        "findings": pd.DataFrame(columns=["report_id", "rule", "severity"]),
    }
    tables = {"reports": tables["reports"], "funds": tables["funds"]}
    with caplog.at_level("INFO", logger="evalkit.plotting"):
        written = plotting.build_charts(tables, derived, tmp_path)
    assert [p.name for p in written] == ["funds_income_expense.png", "funds_income_expense.svg"]
    assert "budget_execution skipped" in caplog.text


def test_build_charts_accepts_objects_with_table_attributes(tables, tmp_path):
    class Corpus:
        reports = tables["reports"]
        enrollment = tables["enrollment"]

    written = plotting.build_charts(Corpus(), None, tmp_path)
    assert [p.name for p in written] == ["enrollment.png", "enrollment.svg"]


# --------------------------------------------------------------------------- briefing charts


def _two_years():
    reports = pd.DataFrame({
        "report_id": ["a", "b", "c"],
        "department": ["临湘市医疗保障事务中心", "临湘市医疗保障事务中心", "南昌市西湖区医疗保障局"],
        "province": ["湖南省", "湖南省", "江西省"], "city": ["岳阳市", "岳阳市", "南昌市"],
        "county": ["临湘市", "临湘市", "西湖区"],
        "fiscal_year": pd.array([2023, 2024, 2024], dtype="Int64"),
        "report_date": ["2024-03-01", "2025-09-23", None],
    })
    enrollment = pd.DataFrame({
        "report_id": ["a", "a", "b", "b", "b", "c"],
        "year": [2023, 2023, 2024, 2024, 2024, 2024],
        "scheme": ["合计", "职工医保在职", "合计", "职工医保", "职工医保退休", "合计"],
        "persons": pd.array([469800, 20000, 430100, 35800, 9000, 223570], dtype="Int64"),
    })
    funds = pd.DataFrame({
        "report_id": ["a", "a", "b", "b", "b", "b"],
        "year": [2023, 2023, 2024, 2024, 2024, 2024],
        "scheme": ["职工医保", "职工医保", "职工医保", "职工医保", "职工医保统筹基金", "职工医保个人账户"],
        "flow": ["收入", "支出", "收入", "支出", "支出", "支出"],
        "amount_wan": [15000.0, 15800.0, 15500.0, 16000.0, 11700.0, 4300.0],
    })
    return reports, enrollment, funds


def test_a_unit_with_two_years_is_a_trend_line():
    reports, enrollment, _ = _two_years()
    fig = plotting.plot_enrollment(enrollment, reports)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    # Two reports of one department are one unit: a line over its two years.
    assert [int(x) for x in lines["临湘市医保事务中心"].get_xdata()] == [2023, 2024]
    assert [float(y) for y in lines["临湘市医保事务中心"].get_ydata()] == [46.98, 43.01]
    assert [int(x) for x in lines["西湖区医保局"].get_xdata()] == [2024]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023年", "2024年"]


def test_parts_are_never_drawn_beside_their_totals():
    reports, enrollment, funds = _two_years()
    enroll = plotting.plot_enrollment(enrollment, reports)
    assert [ax.get_title() for ax in enroll.axes] == ["合计", "职工医保"]
    fund = plotting.plot_funds(funds, reports)
    drawn = [ax.get_title() for ax in fund.axes] + [
        line.get_label() for ax in fund.axes for line in ax.get_lines()]
    assert drawn[0] == "职工医保"
    assert not any("统筹基金" in d or "个人账户" in d for d in drawn)
    # Even asked for, a part gets a panel of its own, never a bar beside 职工医保.
    asked = plotting.plot_funds(funds, reports, schemes=["职工医保", "职工医保统筹基金"])
    assert [ax.get_title() for ax in asked.axes] == ["职工医保", "职工医保统筹基金"]


def test_footnote_gives_the_data_as_of_date():
    reports, enrollment, _ = _two_years()
    fig = plotting.plot_enrollment(enrollment, reports)
    note = fig.texts[-1].get_text().replace("\n", "")
    assert "数据截至 2024 年度（2023—2024 年度报告），最近报告日期 2025-09-23" in note


@pytest.mark.parametrize("name", ["enrollment", "funds", "execution", "achievement", "findings",
                                  "structure", "overview"])
def test_every_chart_draws_into_a_given_axes_with_a_title(name, tables, derived):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    reports = tables["reports"]
    calls = {
        "enrollment": lambda **kw: plotting.plot_enrollment(tables["enrollment"], reports, **kw),
        "funds": lambda **kw: plotting.plot_funds(tables["funds"], reports, **kw),
        "execution": lambda **kw: plotting.plot_execution(derived["execution"], reports, **kw),
        "achievement": lambda **kw: plotting.plot_achievement(derived["achievement"], reports, **kw),
        "findings": lambda **kw: plotting.plot_findings(derived["findings"], reports, **kw),
        "structure": lambda **kw: plotting.plot_budget_structure(tables["budget"], reports, **kw),
        "overview": lambda **kw: plotting.plot_overview(tables, derived, **kw),
    }
    drawn = calls[name](ax=ax, title="我的标题")
    assert drawn is ax
    assert fig.axes == [ax]
    assert ax.get_title() == "我的标题"
    assert ax.has_data() or ax.images
    own = calls[name](title="另一个标题")
    titles = [own.get_suptitle()] + [a.get_title() for a in own.axes]
    assert "另一个标题" in titles


def test_svg_text_is_editable_on_request(tables, tmp_path):
    fig = plotting.plot_funds(tables["funds"], tables["reports"])
    paths = plotting.save_chart(fig, tmp_path / "paths")
    text = plotting.save_chart(fig, tmp_path / "text", editable_text=True)
    as_paths = paths[1].read_text(encoding="utf-8")
    as_text = text[1].read_text(encoding="utf-8")
    # Paths: the words only in comments; text: the words in <text> elements.
    assert "<text" not in as_paths
    assert re.search(r"<text[^>]*>医保基金收入与支出（万元）</text>", as_text)
    again = plotting.save_chart(fig, tmp_path / "again", editable_text=True)
    assert again[1].read_bytes() == text[1].read_bytes()


def test_audit_charts_are_kept_out_of_the_briefing_set(tables, derived, tmp_path):
    briefing = {p.stem for p in plotting.build_charts(tables, derived, tmp_path / "b")}
    assert briefing == set(plotting.CHARTS)
    assert not briefing & set(plotting.AUDIT_CHARTS)
    audit = {p.stem for p in plotting.build_charts(tables, derived, tmp_path / "a", audit=True)}
    assert audit == set(plotting.CHARTS) | set(plotting.AUDIT_CHARTS)
