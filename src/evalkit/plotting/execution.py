"""Budget charts: execution rates against each budget, and the structure of spending."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from evalkit.plotting._bars import _fmt, _group_slots, _grouped_barh
from evalkit.plotting._cap import MAX_UNITS, cap_note, cap_units, largest_units
from evalkit.plotting._data import (
    _as_of,
    _isna,
    _numeric,
    _report_labels,
    _report_years,
    _require,
    consensus,
)
from evalkit.plotting._style import (
    _PALETTE,
    _canvas,
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

logger = logging.getLogger(__name__)


#: Rate columns of the execution table that :func:`plot_execution` knows, with labels.
EXECUTION_RATES = {
    "rate_vs_initial": "对年初预算",
    "rate_vs_adjusted": "对调整预算",
    "rate_vs_available": "对可用资金",
    "rate_stated": "报告自述",
    "stated_rate": "报告自述",
}


def _execution_rates(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rate columns (in %) found in or computed from an execution table."""
    out = df.copy()
    present = [c for c in EXECUTION_RATES if c in out.columns]
    if "rate_vs_initial" not in out.columns and {"initial_total", "final_total"} <= set(
        out.columns
    ):
        out["rate_vs_initial"] = _numeric(out["final_total"]) / _numeric(out["initial_total"])
        out["rate_vs_initial"] *= 100
        present.insert(0, "rate_vs_initial")
        logger.info("execution: rate_vs_initial computed from final_total / initial_total")
    if "rate_vs_adjusted" not in out.columns and {"adjusted_total", "final_total"} <= set(
        out.columns
    ):
        out["rate_vs_adjusted"] = _numeric(out["final_total"]) / _numeric(out["adjusted_total"])
        out["rate_vs_adjusted"] *= 100
        present.insert(1 if "rate_vs_initial" in present else 0, "rate_vs_adjusted")
        logger.info("execution: rate_vs_adjusted computed from final_total / adjusted_total")
    seen_labels: set[str] = set()
    cols = []
    for c in present:
        label = EXECUTION_RATES[c]
        if label in seen_labels:
            continue
        seen_labels.add(label)
        out[c] = _numeric(out[c]).where(lambda s: s.abs() != float("inf"))
        cols.append(c)
    values = out[cols].stack() if cols else out.iloc[:0, :0]
    if len(values) and float(values.abs().max()) <= 3.0:
        # Rates given as ratios (0.98) rather than percentages (98.0).
        logger.info("execution: rates look like ratios; shown as percentages")
        for c in cols:
            out[c] = out[c] * 100
    return out, cols


def _budget_sizes(df: pd.DataFrame, years: list[int | None]) -> dict[str, float]:
    """Per unit (column ``unit``), the budget of its latest year: the 部门整体 row where there
    is one, else its largest scope; the adjusted budget, else the initial, else the final."""
    import pandas as pd

    size = pd.Series(float("nan"), index=df.index)
    for column in ("adjusted_total", "initial_total", "final_total"):
        if column in df.columns:
            size = size.fillna(_numeric(df[column]))
    frame = pd.DataFrame({"unit": df["unit"], "year": [-1 if y is None else y for y in years],
                          "whole": df["scope"].astype(str) == "部门整体", "size": size},
                         index=df.index)
    latest = frame[frame["year"] == frame.groupby("unit")["year"].transform("max")]
    latest = latest.sort_values(["whole", "size"], ascending=False, kind="stable", na_position="last")
    first = latest.drop_duplicates("unit")
    return dict(zip(first["unit"].tolist(), first["size"].tolist(), strict=True))


def plot_execution(
    execution: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    max_units: int | None = MAX_UNITS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Budget execution rates per report and scope, against each budget the data give.

    Parameters
    ----------
    execution : pandas.DataFrame
        The execution table of :mod:`evalkit.analysis`: ``report_id``, ``scope`` and any of
        ``rate_vs_initial``, ``rate_vs_adjusted``, ``rate_vs_available``, ``rate_stated``
        (percentages, or ratios which are converted); where a rate column is absent it is
        computed from ``final_total`` and ``initial_total`` / ``adjusted_total``.
    reports : pandas.DataFrame, optional
        The reports table, for the units' names (short department name plus region) and
        fiscal years.
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        Draw at most this many units: those with the largest budget in their latest year
        (部门整体 where stated; adjusted budget, else initial budget, else final accounts),
        each with all its years and scopes; the footnote says so. ``None`` draws every unit.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (no source note, so no word on a cap).
    title : str, optional
        The chart's title (default ``'预算执行率（决算数 ÷ 预算数）'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made (or *ax* when given): horizontal grouped bars in %, with a line at
        100%.

    Raises
    ------
    ValueError
        If ``report_id`` is missing or no rate can be found or computed.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_execution
    >>> execution = pd.DataFrame({
    ...     "report_id": ["r1", "r2"], "scope": ["部门整体", "部门整体"],
    ...     "initial_total": [607.94, 977.61], "adjusted_total": [554.48, 1134.78],
    ...     "final_total": [554.48, 1134.78]})
    >>> fig = plot_execution(execution)
    >>> fig.axes[0].get_xlabel()
    '执行率（%）'
    >>> [round(float(p.get_width()), 1) for p in fig.axes[0].containers[0]]
    [91.2, 116.1]
    """
    df = _require(execution, ["report_id"], "execution").copy()
    df["report_id"] = df["report_id"].astype(str)
    if "scope" not in df.columns:
        df["scope"] = "部门整体"
    df, cols = _execution_rates(df)
    if not cols:
        raise ValueError("execution: no rate columns and no totals to compute them from")
    df = df.dropna(subset=cols, how="all")
    if df.empty:
        raise ValueError("execution: every rate is missing")
    if reports is None and "department" in df.columns:
        # The execution table of evalkit.analysis carries department and fiscal_year.
        reports = df.drop_duplicates("report_id")
    labels = _report_labels(reports, sorted(df["report_id"].unique().tolist()))
    years = _report_years(reports)
    year_col = next((c for c in ("year", "fiscal_year") if c in df.columns), None)
    if year_col is not None:
        row_year = [None if _isna(y) else int(y) for y in df[year_col].tolist()]
    else:
        row_year = [years.get(r) for r in df["report_id"].tolist()]
    df["row"] = [
        f"{labels[r]}\n{s}" + (f"（{y}年）" if y is not None else "")
        for r, s, y in zip(df["report_id"].tolist(), df["scope"].astype(str).tolist(), row_year, strict=True)
    ]
    df["unit"] = df["report_id"].map(labels)
    n_reports = df["report_id"].nunique()
    df, cap = cap_units(df, _budget_sizes(df, row_year), max_units, "最近一年预算数最大")
    df = df.sort_values(["row"], kind="stable")
    df = df.drop_duplicates("row", keep="first")
    rows = df["row"].tolist()
    names = [EXECUTION_RATES[c] for c in cols]
    values = {
        (r, EXECUTION_RATES[c]): v for c in cols for r, v in zip(df["row"], df[c], strict=True)
    }
    with house_style():
        fig, ax, own = _canvas(ax, 9.0, 1.6 + 0.27 * _group_slots(rows, names, values))
        _grouped_barh(
            ax, rows, names, values, dict(zip(names, _PALETTE, strict=False)), digits=1, suffix="%"
        )
        ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
        ax.set_title(title or "预算执行率（决算数 ÷ 预算数）")
        ax.set_xlabel("执行率（%）")
        ax.set_ylabel("")
        _legend_right(ax, "口径")
        if not own:
            return ax
        note = _source_note(
            n_reports,
            "注：各报告分母口径不同（年初预算、调整预算或含上年结转的可用资金），各口径并列展示；虚线为 100%。" + cap,
            as_of=_as_of(reports),
        )
        return _finish(fig, note)


#: Stages of the budget table, in the order :func:`plot_budget_structure` prefers them.
_STAGES = ("决算", "调整预算", "年初预算")
_STRUCTURE_PARTS = {
    "支出结构": ("基本支出", "项目支出"),
    "基本支出构成": ("人员经费", "公用经费"),
}
_PART_COLOURS = {
    "基本支出": "#1f5a96",
    "项目支出": "#e07b39",
    "人员经费": "#3a9a5b",
    "公用经费": "#8172b3",
}


def _stacked_shares(
    ax: Axes, rows: list[str], parts: tuple[str, str], values: Mapping[tuple[str, str], float]
) -> None:
    """100% stacked horizontal bars; each segment labelled with its share and amount."""
    left = [0.0] * len(rows)
    for part in parts:
        shares, labels = [], []
        for row in rows:
            total = sum(values[(row, p)] for p in parts)
            v = values[(row, part)]
            share = 100 * v / total if total else 0.0
            shares.append(share)
            labels.append(f"{share:.1f}%\n{_fmt(v, 2)}" if share >= 12 else "")
        bars = ax.barh(
            range(len(rows)), shares, left=left, color=_PART_COLOURS[part], label=part, height=0.7
        )
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=8, color="white")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.grid(axis="y", visible=False)


class _Panel(NamedTuple):
    """A panel of the structure chart: its rows (sorted), their parts' amounts, and per row
    the unit, the report's fiscal year (-1 when unknown) and the pair's sum."""

    title: str
    parts: tuple[str, str]
    rows: list[str]
    values: dict[tuple[str, str], float]
    info: dict[str, tuple[str, int, float]]


def _structure_panels(amounts: Mapping[tuple[str, str, str, str], float], labels: Mapping[str, str],
                      years: Mapping[str, int]) -> list[_Panel]:
    """A panel per pair of :data:`_STRUCTURE_PARTS` with data, a row per report and scope.

    A unit with several reports (years) gets the year in its row labels; of two rows with
    the same label the first (by report id) is kept.
    """
    from collections import Counter

    rids = sorted({r for r, *_ in amounts})
    shared = {name for name, n in Counter(labels[r] for r in rids).items() if n > 1}
    panels = []
    for panel_title, parts in _STRUCTURE_PARTS.items():
        values: dict[tuple[str, str], float] = {}
        info: dict[str, tuple[str, int, float]] = {}
        for rid, scope in sorted({(r, s) for r, s, _, _ in amounts}):
            for stage in _STAGES:
                got = [amounts.get((rid, scope, stage, p)) for p in parts]
                if all(g is not None for g in got) and sum(got) > 0:
                    row = f"{labels[rid]}\n{scope}·{stage}"
                    if labels[rid] in shared:
                        row += f"（{years[rid]}年）" if rid in years else ""
                        if row in info:
                            break
                    info[row] = (labels[rid], years.get(rid, -1), float(sum(got)))
                    values |= {(row, p): g for p, g in zip(parts, got, strict=True)}
                    break
        if info:
            panels.append(_Panel(panel_title, parts, sorted(info), values, info))
    return panels


def _cap_structure(panels: list[_Panel], max_units: int | None) -> tuple[list[_Panel], str]:
    """In each panel, keep the rows of the *max_units* units whose pair (基本支出 + 项目支出,
    人员经费 + 公用经费) is largest in their latest report; the footnote's words."""
    capped, notes = [], []
    for panel in panels:
        best: dict[str, tuple[int, float]] = {}
        for unit, year, total in panel.info.values():
            best[unit] = max(best.get(unit, (year, total)), (year, total))
        sizes = {unit: total for unit, (_, total) in best.items()}
        keep = largest_units(sizes, list(sizes), max_units)
        if keep is None:
            capped.append(panel)
            continue
        kept = set(keep)
        capped.append(panel._replace(rows=[r for r in panel.rows if panel.info[r][0] in kept]))
        measure = f"最近一年{'＋'.join(panel.parts)}最多"
        notes.append(f"{panel.title}图" + cap_note(measure, len(keep), len(sizes), whole="其各年度报告全部显示"))
    return capped, "".join(notes)


def plot_budget_structure(
    budget: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    max_units: int | None = MAX_UNITS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Budget structure per report and scope: basic vs project, personnel vs public funds.

    Parameters
    ----------
    budget : pandas.DataFrame
        The budget table: ``report_id``, ``scope``, ``stage``, ``item``, ``amount_wan``.
    reports : pandas.DataFrame, optional
        The reports table, for the units' names (and the fiscal years of a unit's reports).
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        Each panel draws at most this many units: those whose pair (基本支出 + 项目支出,
        人员经费 + 公用经费) is largest in their latest report, each with all its reports;
        the footnote says so. ``None`` draws every unit. A unit with reports of several
        years has the year in its row labels.
    ax : matplotlib.axes.Axes, optional
        Draw the first pair with data only (基本支出/项目支出), into this axes.
    title : str, optional
        The chart's title (default ``'预算支出结构'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made (or *ax* when given): one panel per pair of items with data (基本支出/项目支出, 人员经费/公用经费): 100%
        stacked bars, each segment labelled with its share and its amount in 万元. A row
        uses the final accounts (决算) where both items are stated there, else the adjusted,
        else the initial budget; the stage is named in the row label.

    Raises
    ------
    ValueError
        If a column is missing or no report states both items of a pair.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_budget_structure
    >>> budget = pd.DataFrame({
    ...     "report_id": ["r1"] * 4, "scope": ["部门整体"] * 4,
    ...     "stage": ["决算", "决算", "决算", "决算"],
    ...     "item": ["基本支出", "项目支出", "人员经费", "公用经费"],
    ...     "amount_wan": [379.64, 174.84, 266.2, 24.1]})
    >>> fig = plot_budget_structure(budget)
    >>> [ax.get_title() for ax in fig.axes]
    ['支出结构', '基本支出构成']
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['未署名单位（r1）\\n部门整体·决算']
    """
    columns = ["report_id", "scope", "stage", "item", "amount_wan"]
    df = _require(budget, columns, "budget")[columns]  # (the rows are filtered: only these columns)
    df["amount_wan"] = _numeric(df["amount_wan"])
    df["report_id"] = df["report_id"].astype(str)
    n_reports = int(df.loc[df["amount_wan"].notna(), "report_id"].nunique())
    # Only the items and stages drawn (a fraction of a large budget table) go to consensus.
    drawn = {p for parts in _STRUCTURE_PARTS.values() for p in parts}
    df = df[df["item"].isin(drawn) & df["stage"].isin(_STAGES)]
    df = consensus(df, ["report_id", "scope", "stage", "item"], "amount_wan")
    labels = _report_labels(reports, sorted(df["report_id"].unique().tolist()))
    lists = (df[c].tolist() for c in columns)
    amounts = {(r, s, st, i): v for r, s, st, i, v in zip(*lists, strict=True)}
    panels = _structure_panels(amounts, labels, _report_years(reports))
    if not panels:
        raise ValueError("budget: no report states both items of a pair")
    panels, cap = _cap_structure(panels, max_units)
    n_rows = max(len(p[2]) for p in panels)
    if ax is not None:
        p_title, parts, rows, values, _ = panels[0]
        with house_style():
            _stacked_shares(ax, rows, parts, values)
            ax.set_title(title or p_title)
            ax.set_xlabel("占比（%）")
            _legend_right(ax)
        return ax
    with house_style():
        fig = _new_figure(6.5 * len(panels), 1.8 + 0.55 * n_rows)
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for panel_ax, (panel_title, parts, rows, values, _) in zip(axes, panels, strict=True):
            _stacked_shares(panel_ax, rows, parts, values)
            panel_ax.set_title(panel_title)
            panel_ax.set_xlabel("占比（%）")
            _legend_right(panel_ax)
        fig.suptitle(title or "预算支出结构", fontsize=13)
        note = _source_note(
            n_reports,
            "注：段内数字为占比和金额（万元）；优先取决算数，无则取调整预算、年初预算。" + cap,
            as_of=_as_of(reports),
        )
        return _finish(fig, note)
