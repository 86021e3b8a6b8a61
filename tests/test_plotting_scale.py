"""Charts of a large corpus: at most ``max_units`` units, the largest by the chart's own measure.

Every expectation is worked out by hand from invented units whose sizes are known: unit k
of 40 has size ``SIZES[k]``, a permutation of 1..40 (7·k mod 40 + 1), so that the largest
units are not simply the first or the last by name.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evalkit import plotting
from evalkit.plotting._cap import largest_units

N = 40
SIZES = [(7 * k) % N + 1 for k in range(N)]  # 1, 8, 15, ..., a permutation of 1..40
NAMES = [f"第{k:02d}县医保局" for k in range(N)]  # the unit labels of the reports below
#: The 20 largest: the units whose size is 21..40.
TOP20 = sorted(NAMES[k] for k in range(N) if SIZES[k] > 20)


def _reports(ids, years=None) -> pd.DataFrame:
    ks = [int(r[1:3]) for r in ids]
    return pd.DataFrame({
        "report_id": ids,
        "department": [f"第{k:02d}县医疗保障局" for k in ks],
        "county": [f"第{k:02d}县" for k in ks],
        "fiscal_year": pd.array(years or [2024] * len(ids), dtype="Int64"),
    })


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def _units_of(rows: list[str]) -> list[str]:
    return sorted({r.split("\n")[0] for r in rows})


def _note(fig) -> str:
    return fig.texts[-1].get_text().replace("\n", "")


def _enrollment():
    ids = [f"r{k:02d}" for k in range(N)]
    enrollment = pd.DataFrame({"report_id": ids, "year": [2024] * N, "scheme": ["合计"] * N,
                               "persons": [10000 * s for s in SIZES]})  # SIZES[k] 万人
    return enrollment, _reports(ids)


def test_the_sizes_are_a_permutation():
    assert sorted(SIZES) == list(range(1, N + 1))
    assert SIZES[:4] == [1, 8, 15, 22]
    assert len(TOP20) == 20 and NAMES[3] in TOP20 and NAMES[0] not in TOP20


def test_enrollment_shows_the_20_largest_units_and_says_so():
    enrollment, reports = _enrollment()
    fig = plotting.plot_enrollment(enrollment, reports)
    rows = _ticks(fig.axes[0])
    assert len(rows) == 20
    assert _units_of(rows) == TOP20
    widths = sorted(float(p.get_width()) for c in fig.axes[0].containers for p in c)
    assert widths == [float(s) for s in range(21, 41)]  # 21..40 万人
    note = _note(fig)
    assert "仅显示最近一年参保人数（合计）最多的 20 个单位（共 40 个）" in note
    assert "资料来源：40 份预算绩效报告" in note  # the source counts every report read


def test_max_units_none_draws_every_unit_and_a_smaller_cap_fewer():
    enrollment, reports = _enrollment()
    every = plotting.plot_enrollment(enrollment, reports, max_units=None)
    assert _units_of(_ticks(every.axes[0])) == sorted(NAMES)
    assert "仅显示" not in _note(every)
    three = plotting.plot_enrollment(enrollment, reports, max_units=3)
    # Sizes 40, 39, 38: k = 17 (7*17 = 119 = 2*40 + 39), 34 (238 = 5*40 + 38), 11 (77 = 40 + 37).
    assert _units_of(_ticks(three.axes[0])) == [NAMES[11], NAMES[17], NAMES[34]]
    assert "最多的 3 个单位（共 40 个）" in _note(three)


def test_a_corpus_within_the_cap_draws_exactly_as_without_it(tmp_path):
    enrollment, reports = _enrollment()
    small = enrollment[enrollment["report_id"] < "r20"]  # 20 units: as many as the cap
    capped = plotting.plot_enrollment(small, reports)
    every = plotting.plot_enrollment(small, reports, max_units=None)
    assert "仅显示" not in _note(capped)
    a = plotting.save_chart(capped, tmp_path / "capped")[1].read_bytes()
    b = plotting.save_chart(every, tmp_path / "every")[1].read_bytes()
    assert a == b


def test_units_are_ranked_by_their_latest_year_and_keep_every_year():
    reports = pd.DataFrame({
        "report_id": ["a22", "a24", "b23", "b24", "c24", "d24"],
        "department": ["甲县医疗保障局"] * 2 + ["乙县医疗保障局"] * 2 + ["丙县医疗保障局", "丁县医疗保障局"],
        "county": ["甲县"] * 2 + ["乙县"] * 2 + ["丙县", "丁县"],
        "fiscal_year": pd.array([2022, 2024, 2023, 2024, 2024, 2024], dtype="Int64"),
    })
    # 甲: 100 万 in 2022 but 1 万 in 2024 (its latest year); 乙: 30 then 50; 丙: 40;
    # 丁 states no 合计: 职工 20 + 居民 25 = 45. Latest years: 乙 50 > 丁 45 > 丙 40 > 甲 1.
    enrollment = pd.DataFrame({
        "report_id": ["a22", "a24", "b23", "b24", "c24", "d24", "d24"],
        "year": [2022, 2024, 2023, 2024, 2024, 2024, 2024],
        "scheme": ["合计"] * 5 + ["职工医保", "居民医保"],
        "persons": [1_000_000, 10_000, 300_000, 500_000, 400_000, 200_000, 250_000],
    })
    fig = plotting.plot_enrollment(enrollment, reports, max_units=2)
    lines = {(ax.get_title(), line.get_label()): line for ax in fig.axes for line in ax.get_lines()}
    assert sorted({unit for _, unit in lines}) == ["丁县医保局", "乙县医保局"]
    trend = lines[("合计", "乙县医保局")]
    assert [int(x) for x in trend.get_xdata()] == [2023, 2024]  # both years of a kept unit
    assert [float(y) for y in trend.get_ydata()] == [30.0, 50.0]
    assert "最多的 2 个单位（共 4 个），其各年度数据全部显示" in _note(fig)


def test_funds_rank_by_income_not_by_expense():
    ids = [f"r{k:02d}" for k in range(N)]
    funds = pd.DataFrame({
        "report_id": ids * 2, "year": [2024] * (2 * N), "scheme": ["居民医保"] * (2 * N),
        "flow": ["收入"] * N + ["支出"] * N,
        # income SIZES[k], expense the reverse (41 - SIZES[k]): ranking by expense would
        # keep exactly the other 20 units.
        "amount_wan": [float(s) for s in SIZES] + [float(N + 1 - s) for s in SIZES],
    })
    fig = plotting.plot_funds(funds, _reports(ids))
    assert _units_of(_ticks(fig.axes[0])) == TOP20
    assert "仅显示最近一年基金收入最多的 20 个单位（共 40 个）" in _note(fig)


def test_a_unit_stating_no_income_is_ranked_by_its_expense():
    funds = pd.DataFrame({"report_id": ["r00", "r01", "r02"], "year": [2024] * 3,
                          "scheme": ["居民医保"] * 3, "flow": ["支出", "收入", "收入"],
                          "amount_wan": [900.0, 10.0, 20.0]})
    fig = plotting.plot_funds(funds, _reports(["r00", "r01", "r02"]), max_units=2)
    assert _units_of(_ticks(fig.axes[0])) == [NAMES[0], NAMES[2]]


def test_execution_ranks_by_the_adjusted_budget_before_the_initial():
    ids = [f"r{k:02d}" for k in range(N)]
    execution = pd.DataFrame({
        "report_id": ids, "scope": ["部门整体"] * N,
        "adjusted_total": [100.0 * s for s in SIZES],
        "initial_total": [100.0 * (N + 1 - s) for s in SIZES],  # the reverse order
        "final_total": [90.0 * s for s in SIZES],
    })
    fig = plotting.plot_execution(execution, _reports(ids))
    assert _units_of(_ticks(fig.axes[0])) == TOP20
    assert "仅显示最近一年预算数最大的 20 个单位（共 40 个）" in _note(fig)


def test_each_structure_panel_shows_its_own_largest_units():
    ids = [f"r{k:02d}" for k in range(N)]
    rows = []
    for k, rid in enumerate(ids):
        s = SIZES[k]
        # 基本 + 项目 = 2·s; 人员 + 公用 = 41 - s (the reverse order).
        rows += [(rid, "基本支出", float(s)), (rid, "项目支出", float(s)),
                 (rid, "人员经费", float(N + 1 - s) * 0.75), (rid, "公用经费", float(N + 1 - s) * 0.25)]
    budget = pd.DataFrame(rows, columns=["report_id", "item", "amount_wan"]).assign(scope="部门整体", stage="决算")
    fig = plotting.plot_budget_structure(budget, _reports(ids))
    left, right = fig.axes[:2]
    assert _units_of(_ticks(left)) == TOP20
    assert _units_of(_ticks(right)) == sorted(NAMES[k] for k in range(N) if SIZES[k] <= 20)
    note = _note(fig)
    assert "支出结构图仅显示最近一年基本支出＋项目支出最多的 20 个单位（共 40 个）" in note
    assert "基本支出构成图仅显示最近一年人员经费＋公用经费最多的 20 个单位（共 40 个）" in note


def test_structure_rows_of_one_unit_in_two_years_are_two_rows():
    reports = _reports(["r01", "r02"], years=[2022, 2023]).assign(
        department="第01县医疗保障局", county="第01县")
    budget = pd.DataFrame({"report_id": ["r01", "r01", "r02", "r02"], "scope": ["部门整体"] * 4,
                           "stage": ["决算"] * 4, "item": ["基本支出", "项目支出"] * 2,
                           "amount_wan": [300.0, 100.0, 200.0, 200.0]})
    fig = plotting.plot_budget_structure(budget, reports)
    assert _ticks(fig.axes[0]) == ["第01县医保局\n部门整体·决算（2022年）", "第01县医保局\n部门整体·决算（2023年）"]
    assert [round(float(p.get_width()), 1) for p in fig.axes[0].containers[0]] == [75.0, 50.0]


def test_achievement_shows_the_units_with_most_targets_missed():
    ids = [f"r{k:02d}" for k in range(N)]
    rows = []
    for k, rid in enumerate(ids):
        # unit k: SIZES[k] indicators not met, and 50 - SIZES[k] met (50 in all).
        rows += [(rid, "产出指标", False, 5.0, 4.0)] * SIZES[k] + [(rid, "产出指标", True, 5.0, 5.0)] * (50 - SIZES[k])
    achievement = pd.DataFrame(rows, columns=["report_id", "level1", "met", "score", "recomputed_score"])
    achievement["met"] = achievement["met"].astype("boolean")
    fig = plotting.plot_achievement(achievement, _reports(ids))
    assert _units_of(_ticks(fig.axes[0])) == TOP20
    # The right panel keeps every indicator row: 40 units x 50.
    assert fig.axes[1].get_legend().get_texts()[0].get_text() == "复核得分（2000 项）"
    note = _note(fig)
    assert "左图仅显示未达成指标最多的 20 个单位（共 40 个）。右图含全部单位的指标。" in note


def test_the_note_of_a_tall_chart_stays_below_the_axes_labels():
    ids = [f"r{k:02d}" for k in range(N)]
    achievement = pd.DataFrame({"report_id": ids * 4, "level1": [f"指标{j}" for j in range(4) for _ in ids],
                                "met": pd.array([True] * (4 * N), dtype="boolean")})
    fig = plotting.plot_achievement(achievement, _reports(ids), max_units=None)  # 160 rows: ~69 inches
    assert fig.get_figheight() > 60
    note = fig.texts[-1].get_window_extent()  # the layout of the figure's own draw (_finish)
    label = fig.axes[0].xaxis.label.get_window_extent()
    assert note.y1 < label.y0


def test_point_sizes_grow_slowly_past_20_rows():
    from evalkit.plotting.achievement import _point_sizes

    assert _point_sizes(pd.Series([1, 2, 20, 40, 80])) == [28, 42, 294, 354.0, 414.0]


def test_many_trend_lines_have_no_point_labels_and_one_colour_per_unit():
    ids = [f"r{k:02d}" for k in range(7)]
    reports = pd.DataFrame({"report_id": ids + ["r00b"], "department": [f"第{k:02d}县医疗保障局" for k in range(7)]
                            + ["第00县医疗保障局"], "county": [f"第{k:02d}县" for k in range(7)] + ["第00县"],
                            "fiscal_year": pd.array([2024] * 7 + [2023], dtype="Int64")})
    # 第00县 has two years (a trend); 第06县 states 职工医保 only, so it is absent from the 居民 panel.
    funds = pd.DataFrame({
        "report_id": ids + ["r00b"] + ids[:6],
        "year": [2024] * 7 + [2023] + [2024] * 6,
        "scheme": ["职工医保"] * 8 + ["居民医保"] * 6,
        "flow": ["收入"] * 14,
        "amount_wan": [float(10 * (k + 1)) for k in range(7)] + [5.0] + [float(k + 1) for k in range(6)],
    })
    fig = plotting.plot_funds(funds, reports, flows=("收入",))
    assert all(not ax.texts for ax in fig.axes)  # 7 units > 5: no value labels
    legend = fig.legends[0]
    names = [t.get_text() for t in legend.get_texts()]
    assert names == [NAMES[k] for k in range(7)]  # one entry per unit, by name
    colour = dict(zip(names, (h.get_color() for h in legend.legend_handles), strict=True))
    for ax in fig.axes:
        for line in ax.get_lines():
            assert line.get_color() == colour[line.get_label()]


def test_few_trend_lines_keep_their_point_labels():
    reports = _reports(["r00", "r01"], years=[2023, 2024]).assign(department="第00县医疗保障局", county="第00县")
    funds = pd.DataFrame({"report_id": ["r00", "r01"], "year": [2023, 2024], "scheme": ["居民医保"] * 2,
                          "flow": ["收入"] * 2, "amount_wan": [100.0, 120.0]})
    fig = plotting.plot_funds(funds, reports, flows=("收入",))
    assert [t.get_text() for t in fig.axes[0].texts] == ["100", "120"]


def test_funds_legend_of_many_units_names_units_and_flows_apart():
    ids = [f"r{k:02d}" for k in range(8)]
    reports = pd.DataFrame({"report_id": ids + ["r00b"],
                            "department": [f"第{k:02d}县医疗保障局" for k in range(8)] + ["第00县医疗保障局"],
                            "county": [f"第{k:02d}县" for k in range(8)] + ["第00县"],
                            "fiscal_year": pd.array([2024] * 8 + [2023], dtype="Int64")})
    funds = pd.DataFrame({"report_id": (ids + ["r00b"]) * 2, "year": ([2024] * 8 + [2023]) * 2,
                          "scheme": ["居民医保"] * 18, "flow": ["收入"] * 9 + ["支出"] * 9,
                          "amount_wan": [float(k + 1) for k in range(18)]})
    fig = plotting.plot_funds(funds, reports)
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert names == [NAMES[k] for k in range(8)] + ["收入", "支出"]  # 10 entries, not 16


def test_build_charts_passes_the_cap(tmp_path, monkeypatch):
    from evalkit.plotting import build

    drawn = []

    def spy(*args, **kwargs):
        drawn.append(build_enrollment(*args, **kwargs))
        return drawn[-1]

    build_enrollment = build.plot_enrollment
    monkeypatch.setattr(build, "plot_enrollment", spy)
    enrollment, reports = _enrollment()
    tables = {"reports": reports, "enrollment": enrollment}
    for folder, cap, shown in (("a", 5, 5), ("b", None, 40), ("c", plotting.MAX_UNITS, 20)):
        kwargs = {} if folder == "c" else {"max_units": cap}  # c: the default
        written = plotting.build_charts(tables, {}, tmp_path / folder, **kwargs)
        assert [p.name for p in written] == ["enrollment.png", "enrollment.svg"]
        assert len(_ticks(drawn[-1].axes[0])) == shown
        assert (f"最多的 {shown} 个单位（共 40 个）" in _note(drawn[-1])) == (cap is not None)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "20"])
def test_max_units_must_be_a_positive_integer_or_none(bad, tmp_path):
    enrollment, reports = _enrollment()
    with pytest.raises(ValueError, match="max_units"):
        plotting.plot_enrollment(enrollment, reports, max_units=bad)
    with pytest.raises(ValueError, match="max_units"):
        plotting.build_charts({"reports": reports, "enrollment": enrollment}, {}, tmp_path, max_units=bad)


def test_ties_go_to_the_name_that_sorts_first_and_unknown_sizes_last():
    sizes = {"乙": 5.0, "甲": 5.0, "丙": float("nan"), "丁": 1.0}
    assert largest_units(sizes, ["甲", "乙", "丙", "丁", "戊"], 3) == ["乙", "甲", "丁"]
    assert largest_units(sizes, ["甲", "乙"], 2) is None


def test_capped_charts_have_every_glyph(tmp_path):
    enrollment, reports = _enrollment()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plotting.plot_enrollment(enrollment, reports)
        plotting.save_chart(fig, tmp_path / "enrollment")
