"""Enrollment chart: head counts (参保人数) by unit, year and scheme; trends where there are years."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.plotting._cap import MAX_UNITS, cap_units, latest_total
from evalkit.plotting._data import (
    _as_of,
    _numeric,
    _report_labels,
    _report_years,
    _require,
    consensus,
)
from evalkit.plotting._style import _colour_map, _finish, _new_figure, _source_note, house_style
from evalkit.plotting._trend import (
    LABELLED_UNITS,
    _bar_slots,
    _draw_panel,
    _has_trend,
    _unit_colours,
    legend_height,
    unit_legend,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Schemes the enrollment and funds charts draw by default: a total and its two parts, each in
#: a panel of its own (parts such as 统筹基金/个人账户, 在职/退休, 生育保险 are never drawn).
BRIEFING_SCHEMES = ("合计", "职工医保", "居民医保")


def _unit_frame(df: pd.DataFrame, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Add the unit's name (short department name plus region) and an integer year."""
    import pandas as pd

    labels = _report_labels(reports, sorted(df["report_id"].unique().tolist()))
    years = _report_years(reports)
    year = pd.to_numeric(df["year"], errors="coerce") if "year" in df else pd.Series(pd.NA, index=df.index)
    if year.isna().any():  # (rows without a year take their report's; most tables have none)
        year = year.fillna(df["report_id"].map(years))
    return df.assign(unit=df["report_id"].map(labels), year=year).dropna(subset=["year"]).astype({"year": int})


def _unit_legend(fig: Figure, axes: list[Axes], units: dict[str, str], wanted: list[str]) -> None:
    """The figure's legend of units, right of the panels (sorted by name when many)."""
    if len(units) > LABELLED_UNITS:
        handles, names = unit_legend(units, [])
    else:
        seen = {}
        for panel_ax in axes:
            for handle, name in zip(*panel_ax.get_legend_handles_labels(), strict=True):
                if name not in wanted:
                    seen.setdefault(name, handle)
        handles, names = list(seen.values()), list(seen)
    if handles:
        fig.legend(handles, names, title="单位", loc="outside right upper")


def plot_enrollment(
    enrollment: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    schemes: list[str] | None = None,
    max_units: int | None = MAX_UNITS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Enrollment (参保人数) by unit and year: trend lines where a unit has two years or more.

    Parameters
    ----------
    enrollment : pandas.DataFrame
        The enrollment table: ``report_id``, ``year``, ``scheme``, ``persons``.
    reports : pandas.DataFrame, optional
        The reports table: units are named by a short department name plus region
        (:func:`evalkit.panel.unit_labels`); reports of one unit in several years line up.
    schemes : list of str, optional
        Schemes to draw, a panel each, in this order; default those of
        :data:`BRIEFING_SCHEMES` present (合计, 职工医保, 居民医保). Parts of a scheme are
        never drawn beside it.
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        Draw at most this many units: those with the most insured in their latest year
        (合计, else the sum of the schemes drawn that year), each with all its years; the
        footnote says so. ``None`` draws every unit.
    ax : matplotlib.axes.Axes, optional
        Draw the first scheme only, into this axes (no source note, so no word on a cap).
    title : str, optional
        The chart's title (default ``'参保人数'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made, or *ax* when given. A panel in which some unit has two years or
        more draws years across and a line per unit, in 万人; otherwise horizontal bars per
        unit and year.

    Raises
    ------
    ValueError
        If a column is missing or no row has a head count of the schemes.

    Notes
    -----
    A figure stated several times is drawn once, with the value chosen by
    :func:`evalkit.panel.consensus`; head counts that could not be read are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_enrollment
    >>> enrollment = pd.DataFrame({
    ...     "report_id": ["r1"] * 5, "year": [2024] * 4 + [2022],
    ...     "scheme": ["合计", "职工医保", "居民医保", "合计", "合计"],
    ...     "persons": [430100, 35800, 394300, 430600, 470300]})
    >>> reports = pd.DataFrame({"report_id": ["r1"], "department": ["临湘市医疗保障事务中心"],
    ...     "county": ["临湘市"], "fiscal_year": [2024]})
    >>> fig = plot_enrollment(enrollment, reports)
    >>> [ax.get_title() for ax in fig.axes]
    ['合计', '职工医保', '居民医保']
    >>> line = fig.axes[0].get_lines()[0]
    >>> line.get_label(), [int(x) for x in line.get_xdata()], [float(y) for y in line.get_ydata()]
    ('临湘市医保事务中心', [2022, 2024], [47.03, 43.01])
    """
    columns = ["report_id", "year", "scheme", "persons"]
    df = _require(enrollment, columns, "enrollment")[columns]  # (the rows are filtered: only these columns)
    df["persons"] = _numeric(df["persons"])
    df["report_id"] = df["report_id"].astype(str)
    df = _unit_frame(df, reports)
    present = set(df["scheme"].unique())
    wanted = list(schemes or [s for s in BRIEFING_SCHEMES if s in present])
    n_reports = int(df.loc[df["scheme"].isin(wanted) & df["persons"].notna(), "report_id"].nunique())
    df = consensus(df[df["scheme"].isin(wanted)], ["unit", "year", "scheme"], "persons")
    if df.empty:
        raise ValueError(f"enrollment: no head counts for schemes {wanted}")
    data = df.assign(series=df["scheme"], value=df["persons"] / 1e4)
    measure = "最近一年参保人数（合计）最多" if "合计" in wanted else "最近一年参保人数最多"
    data, cap = cap_units(data, latest_total(data), max_units, measure)
    present = set(data["scheme"].unique())
    wanted = [s for s in wanted if s in present]
    if ax is not None:
        wanted = wanted[:1]
    colours = _colour_map(wanted)
    # Years across in every panel as soon as one unit has two years or more of a scheme.
    any_trend = any(_has_trend(data[data["scheme"] == s]) for s in wanted)
    trend = dict.fromkeys(wanted, any_trend)
    units = _unit_colours(data["unit"].tolist())  # one colour per unit in every panel
    with house_style():
        if ax is not None:
            s = wanted[0]
            _draw_panel(ax, data[data["scheme"] == s], [s], colours, digits=2, measure="参保人数（万人）",
                        trend=trend[s], unit_colours=units)
            ax.set_title(title or f"参保人数·{s}")
            if trend[s]:
                ax.legend(title="单位", fontsize=8)
            return ax
        slots = max((_bar_slots(data[data["scheme"] == s], [s]) for s in wanted if not trend[s]), default=0)
        height = max(3.8, 1.8 + 0.3 * slots) if slots else max(4.2, legend_height(len(units)))
        fig = _new_figure(4.6 * len(wanted) + 0.6, height)
        axes = fig.subplots(1, len(wanted), squeeze=False)[0]
        for panel_ax, s in zip(axes, wanted, strict=True):
            _draw_panel(panel_ax, data[data["scheme"] == s], [s], colours, digits=2,
                        measure="参保人数（万人）", trend=trend[s], unit_colours=units)
            panel_ax.set_title(s, fontsize=11)
        if any_trend:
            _unit_legend(fig, axes, units, wanted)
        fig.suptitle(title or "参保人数（万人）", fontsize=13)
        note = _source_note(
            n_reports,
            "注：合计、职工医保、居民医保分图展示，不相加；统筹基金、个人账户、在职退休、生育保险等分项不单列。"
            "同一数字多处表述时按 evalkit.panel.consensus 取一个值。" + cap,
            as_of=_as_of(reports),
        )
        return _finish(fig, note)
