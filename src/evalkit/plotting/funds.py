"""Funds chart: fund income against expense by scheme and unit; trends where there are years."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.plotting._cap import MAX_UNITS, cap_units, latest_total
from evalkit.plotting._data import _as_of, _numeric, _require, consensus
from evalkit.plotting._style import (
    _FLOW_COLOURS,
    _PALETTE,
    _finish,
    _new_figure,
    _source_note,
    house_style,
)
from evalkit.plotting._trend import (
    LABELLED_UNITS,
    _bar_slots,
    _draw_panel,
    _has_trend,
    _unit_colours,
    legend_height,
    unit_legend,
)
from evalkit.plotting.enrollment import BRIEFING_SCHEMES, _unit_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _flow_legend(fig: Figure, axes: list[Axes], series: list[str], trend: bool) -> None:
    """The figure's legend: 'unit·flow' per line (trend) or the flows (bars)."""
    handles = {}
    for panel_ax in axes:
        for handle, name in zip(*panel_ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(name, handle)
    names = list(handles) if trend else [f for f in series if f in handles]
    fig.legend([handles[n] for n in names], names, title="单位·收支" if trend else "收支",
               loc="outside right upper")


def plot_funds(
    funds: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    flows: tuple[str, ...] = ("收入", "支出"),
    schemes: list[str] | None = None,
    max_units: int | None = MAX_UNITS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Fund income against expense, a panel per scheme; trend lines where a unit has years.

    Parameters
    ----------
    funds : pandas.DataFrame
        The funds table: ``report_id``, ``year``, ``scheme``, ``flow``, ``amount_wan``.
    reports : pandas.DataFrame, optional
        The reports table, for the units' names (short department name plus region).
    flows : tuple of str, default ('收入', '支出')
        The flows to draw.
    schemes : list of str, optional
        Schemes to draw, a panel each; default those of
        :data:`~evalkit.plotting.enrollment.BRIEFING_SCHEMES` present. Parts of a scheme
        (职工医保统筹基金, 职工医保个人账户, 生育保险 …) are never drawn beside it.
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        Draw at most this many units: those with the largest fund income (the first of
        *flows*) in the latest year they state one (合计, else the sum of the schemes drawn),
        a unit stating no income ranked by its expense; each with all its years. The
        footnote says so. ``None`` draws every unit.
    ax : matplotlib.axes.Axes, optional
        Draw the first scheme only, into this axes (no source note, so no word on a cap).
    title : str, optional
        The chart's title (default ``'医保基金收入与支出（万元）'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made, or *ax* when given. Years across with a line per unit and flow
        (收入 solid, 支出 dashed) when some unit has two years or more; otherwise horizontal
        bars per unit and year, a bar per flow, in 万元.

    Raises
    ------
    ValueError
        If a column is missing or there is no amount for the flows and schemes.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_funds
    >>> funds = pd.DataFrame({
    ...     "report_id": ["r1"] * 6, "year": [2024] * 6,
    ...     "scheme": ["职工医保", "职工医保", "居民医保", "居民医保", "职工医保统筹基金", "职工医保个人账户"],
    ...     "flow": ["收入", "支出", "收入", "支出", "支出", "支出"],
    ...     "amount_wan": [15500.0, 16000.0, 41400.0, 41000.0, 11700.0, 4300.0]})
    >>> fig = plot_funds(funds)
    >>> [ax.get_title() for ax in fig.axes]
    ['职工医保', '居民医保']
    >>> fig.get_suptitle()
    '医保基金收入与支出（万元）'
    """
    columns = ["report_id", "year", "scheme", "flow", "amount_wan"]
    df = _require(funds, columns, "funds")[columns]  # (the rows are filtered: only these columns)
    df["amount_wan"] = _numeric(df["amount_wan"])
    df["report_id"] = df["report_id"].astype(str)
    df = _unit_frame(df[df["flow"].isin(flows)], reports)
    present = set(df["scheme"].unique())
    wanted = list(schemes or [s for s in BRIEFING_SCHEMES if s in present])
    df = df[df["scheme"].isin(wanted)]
    n_reports = int(df.loc[df["amount_wan"].notna(), "report_id"].nunique())
    df = consensus(df, ["unit", "year", "scheme", "flow"], "amount_wan")
    if df.empty:
        raise ValueError(f"funds: no amounts for flows {list(flows)} of schemes {wanted}")
    present = set(df["flow"].unique())
    series = [f for f in flows if f in present]
    data = df.assign(series=df["flow"], value=df["amount_wan"])
    sizes: dict[str, float] = {}
    for flow in reversed(series):  # the first flow (收入) decides where a unit states it
        sizes |= latest_total(data[data["flow"] == flow])
    data, cap = cap_units(data, sizes, max_units, f"最近一年基金{series[0]}最多")
    present = set(data["scheme"].unique())
    wanted = [s for s in wanted if s in present]
    if ax is not None:
        wanted = wanted[:1]
    colours = {f: _FLOW_COLOURS.get(f, _PALETTE[i]) for i, f in enumerate(series)}
    trend = any(_has_trend(data[data["scheme"] == s]) for s in wanted)
    units = _unit_colours(data["unit"].tolist())  # one colour per unit in every panel
    many = trend and len(units) > LABELLED_UNITS
    with house_style():
        if ax is not None:
            _draw_panel(ax, data[data["scheme"] == wanted[0]], series, colours, digits=0,
                        measure="金额（万元）", trend=trend, unit_colours=units)
            ax.set_title(title or f"医保基金收入与支出·{wanted[0]}")
            ax.legend(*(unit_legend(units, series) if many else ()), fontsize=8)
            return ax
        slots = 0 if trend else max(_bar_slots(data[data["scheme"] == s], series) for s in wanted)
        entries = len(units) + len(series) if many else len(units) * len(series)
        height = max(3.8, 1.8 + 0.3 * slots) if slots else max(4.2, legend_height(entries))
        fig = _new_figure(5.2 * len(wanted) + 1.2, height)
        axes = fig.subplots(1, len(wanted), squeeze=False)[0]
        for panel_ax, s in zip(axes, wanted, strict=True):
            _draw_panel(panel_ax, data[data["scheme"] == s], series, colours, digits=0,
                        measure="金额（万元）", trend=trend, unit_colours=units)
            panel_ax.set_title(s, fontsize=11)
        if many:
            fig.legend(*unit_legend(units, series), title="单位 / 收支", loc="outside right upper")
        else:
            _flow_legend(fig, axes, series, trend)
        fig.suptitle(title or "医保基金收入与支出（万元）", fontsize=13)
        note = _source_note(
            n_reports,
            "注：各险种分图展示；统筹基金、个人账户、生育保险等分项不单列，也不与所属险种相加。"
            "同一数字多处表述时按 evalkit.panel.consensus 取一个值。" + cap,
            as_of=_as_of(reports),
        )
        return _finish(fig, note)
