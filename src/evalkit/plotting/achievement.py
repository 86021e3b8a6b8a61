"""Achievement chart: targets met by level-1 indicator, reported against re-computed scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from evalkit.plotting._cap import MAX_UNITS, cap_units
from evalkit.plotting._data import _as_of, _numeric, _report_labels, _require
from evalkit.plotting._style import (
    _PALETTE,
    _finish,
    _legend_right,
    _new_figure,
    _source_note,
    house_style,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Columns tried, in order, for the score a report gave an indicator row.
REPORTED_SCORE_COLUMNS = ("score_reported", "score")
#: Re-computed score columns drawn against the reported score, with their labels.
RECOMPUTED_SCORE_COLUMNS = {
    "recomputed_score": "复核得分",
    "national_score": "按国家规则复核",
    "rule_score": "按报告评分细则复核",
}
_STATUS_COLOURS = {"达成": "#3a9a5b", "未达成": "#c44e52", "无法判断": "#b0b0b0"}
_MARKERS = ("o", "^", "s", "D")


def _status_bars(ax: Axes, rows: list[str], counts: Mapping[tuple[str, str], int]) -> None:
    left = [0.0] * len(rows)
    totals = [sum(float(counts.get((r, st), 0)) for st in _STATUS_COLOURS) for r in rows]
    biggest = max(totals) if totals else 1.0
    for status, colour in _STATUS_COLOURS.items():
        widths = [float(counts.get((r, status), 0)) for r in rows]
        if not any(widths):
            continue
        bars = ax.barh(range(len(rows)), widths, left=left, color=colour, label=status, height=0.7)
        ax.bar_label(
            bars,
            labels=[str(int(w)) if w >= 0.06 * biggest else "" for w in widths],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)


def _point_sizes(n: pd.Series) -> list[float]:
    """Marker area for a point standing for *n* indicator rows: 28 for one, 14 more for each
    further row up to 20 rows (294), then 60 more for each doubling, so that a point of a
    large corpus (thousands of rows with the same scores) does not cover the panel."""
    import math

    return [28 + 14 * (k - 1) if k <= 20 else 294 + 60 * math.log2(k / 20) for k in n.astype(int)]


def _not_met_first(df: pd.DataFrame) -> dict[str, float]:
    """Per unit, a size ranking by indicators not met, then by indicators (exact integers)."""
    total = df.groupby("unit").size()
    not_met = df[df["_status"] == "未达成"].groupby("unit").size().reindex(total.index, fill_value=0)
    return {str(u): float(n * (int(total.max()) + 1) + t) for u, n, t in
            zip(total.index, not_met, total, strict=True)}


def plot_achievement(
    achievement: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    reported: str | None = None,
    recomputed: list[str] | None = None,
    max_units: int | None = MAX_UNITS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Targets met by level-1 indicator, and reported against re-computed scores.

    Parameters
    ----------
    achievement : pandas.DataFrame
        The achievement table of :mod:`evalkit.analysis`: ``report_id``, ``level1``, ``met``
        (boolean, missing where it cannot be judged) and, for the second panel, the score
        the report gave each row and one or more re-computed scores.
    reports : pandas.DataFrame, optional
        The reports table, for department names.
    reported : str, optional
        Column of the reported score; default the first present of
        :data:`REPORTED_SCORE_COLUMNS` (``score_reported``, ``score``).
    recomputed : list of str, optional
        Columns of re-computed scores; default those of :data:`RECOMPUTED_SCORE_COLUMNS`
        present (``recomputed_score``, ``national_score``, ``rule_score``).
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        The left panel draws at most this many units: those with the most indicators not
        met (未达成), then the most indicators; the footnote says so. The right panel keeps
        every indicator row. ``None`` draws every unit.
    ax : matplotlib.axes.Axes, optional
        Draw the targets met only (the left panel), into this axes.
    title : str, optional
        The chart's title (default ``'绩效指标达成与复核评分'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made (or *ax* when given). A working chart for the audit, not in the
        briefing set of :func:`build_charts` unless ``audit=True``. Left: indicator rows per report and level-1 indicator, stacked by 达成 / 未达成 /
        无法判断. Right (when some row has a reported and a re-computed score): one point
        per indicator row, reported score across, re-computed score up, in 分; points on
        the dashed diagonal agree.

    Raises
    ------
    ValueError
        If a column is missing or the table is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_achievement
    >>> achievement = pd.DataFrame({
    ...     "report_id": ["r1"] * 3, "level1": ["产出指标", "产出指标", "效益指标"],
    ...     "met": pd.array([True, False, None], dtype="boolean"),
    ...     "score": [10.0, 8.0, 5.0], "recomputed_score": [10.0, 6.5, None]})
    >>> fig = plot_achievement(achievement)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['指标数（个）', '自评得分（分）']
    >>> fig.axes[1].get_legend().get_texts()[0].get_text()
    '复核得分（2 项）'
    """
    import pandas as pd

    df = _require(achievement, ["report_id", "level1", "met"], "achievement").copy()
    if df.empty:
        raise ValueError("achievement: empty table")
    df["report_id"] = df["report_id"].astype(str)
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    level1 = df["level1"].astype("string").str.strip().fillna("").replace("", "（未分级）")
    df["unit"] = df["report_id"].map(labels)
    df["row"] = df["unit"] + "\n" + level1.astype(str)
    met = df["met"].astype("boolean")
    df["_status"] = met.map({True: "达成", False: "未达成"}).astype("string").fillna("无法判断")
    shown, cap = cap_units(df, _not_met_first(df), max_units, "未达成指标最多", whole="")
    rows = sorted(shown["row"].unique())
    counts = shown.groupby(["row", "_status"]).size().to_dict()

    reported = reported or next((c for c in REPORTED_SCORE_COLUMNS if c in df.columns), None)
    if recomputed is None:
        recomputed = [c for c in RECOMPUTED_SCORE_COLUMNS if c in df.columns]
    pairs = []
    if reported in df.columns:
        x_all = _numeric(df[reported])
        for col in recomputed:
            y_all = _numeric(df[col])
            keep = x_all.notna() & y_all.notna()
            if keep.any():
                pairs.append((RECOMPUTED_SCORE_COLUMNS.get(col, col), x_all[keep], y_all[keep]))

    if ax is not None:
        with house_style():
            _status_bars(ax, rows, counts)
            ax.set_title(title or "目标达成情况")
            ax.set_xlabel("指标数（个）")
            _legend_right(ax)
        return ax
    with house_style():
        ncols = 2 if pairs else 1
        fig = _new_figure(6.5 * ncols, max(4.5, 1.6 + 0.42 * len(rows)))
        axes = fig.subplots(1, ncols, squeeze=False, width_ratios=[1.2, 1][:ncols])[0]
        _status_bars(axes[0], rows, counts)
        axes[0].set_title("目标达成情况")
        axes[0].set_xlabel("指标数（个）")
        _legend_right(axes[0])
        notes = "注：按目标值的运算符（≥、≤、=、定性等）判定是否达成；缺实际值或单位无法核对的记为无法判断。"
        if pairs:
            ax = axes[1]
            top = max(max(float(x.max()), float(y.max())) for _, x, y in pairs)
            top = top * 1.08 if top > 0 else 1.0
            low = -0.04 * top
            ax.plot([0, top], [0, top], color="#333333", linewidth=1, linestyle="--")
            for k, (label, x, y) in enumerate(pairs):
                # Rows with the same pair of scores are drawn once, sized by their number.
                same = (
                    pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()})
                    .value_counts()
                    .sort_index()
                    .reset_index(name="n")
                )
                ax.scatter(
                    same["x"],
                    same["y"],
                    s=_point_sizes(same["n"]),
                    alpha=0.65,
                    marker=_MARKERS[k % len(_MARKERS)],
                    color=_PALETTE[k],
                    edgecolors="none",
                    label=f"{label}（{len(x)} 项）",
                )
            ax.set_xlim(low, top)
            ax.set_ylim(low, top)
            ax.set_aspect("equal", adjustable="box")
            ax.set_title("自评得分与复核得分（每点一个指标）")
            ax.set_xlabel("自评得分（分）")
            ax.set_ylabel("复核得分（分）")
            ax.legend(loc="upper left")
            notes += (
                "右图虚线上的点复核与自评一致，点越大指标越多；"
                "国家规则指财预〔2020〕10号的计分办法。"
            )
            cap = "左图" + cap + "右图含全部单位的指标。" if cap else ""
        fig.suptitle(title or "绩效指标达成与复核评分", fontsize=13)
        return _finish(fig, _source_note(df["report_id"].nunique(), notes + cap, as_of=_as_of(reports)))
