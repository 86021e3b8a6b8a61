"""One panel of a briefing chart: trend lines where a unit has two years or more, else bars."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from evalkit.plotting._bars import _fmt, _group_slots, _grouped_barh, _thousands_formatter
from evalkit.plotting._data import _year_text
from evalkit.plotting._style import _PALETTE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

_LINESTYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D")


def _has_trend(data: pd.DataFrame) -> bool:
    """Whether some unit has values for two years or more (columns ``unit``, ``year``)."""
    return bool(len(data)) and int(data.groupby("unit")["year"].nunique().max()) >= 2


def _unit_colours(units: list[str]) -> dict[str, str]:
    return {u: _PALETTE[k % len(_PALETTE)] for k, u in enumerate(sorted(set(units)))}


def _bar_rows(data: pd.DataFrame) -> list[str]:
    d = data.sort_values(["unit", "year"], kind="stable")
    return list(dict.fromkeys(f"{u}\n{_year_text(y)}" for u, y in zip(d["unit"], d["year"], strict=True)))


def _bar_slots(data: pd.DataFrame, series: list[str]) -> float:
    rows = _bar_rows(data)
    values = {(f"{u}\n{_year_text(y)}", s): v for u, y, s, v in
              zip(data["unit"], data["year"], data["series"], data["value"], strict=True)}
    return _group_slots(rows, series, values)


def _draw_panel(ax: Axes, data: pd.DataFrame, series: list[str], series_colours: dict[str, str],
                *, digits: int, measure: str, trend: bool) -> None:
    """Draw ``data`` (columns unit, year, series, value) into ``ax``.

    Trend mode: x = year, one line per unit (and per series, told apart by line style),
    each point labelled with its value; a unit with one year is a single marker. Bar mode:
    a group of horizontal bars per unit and year, a bar per series.
    """
    if not trend:
        rows = _bar_rows(data)
        values = {(f"{u}\n{_year_text(y)}", s): v for u, y, s, v in
                  zip(data["unit"], data["year"], data["series"], data["value"], strict=True)}
        _grouped_barh(ax, rows, series, values, series_colours, digits=digits)
        ax.set_xlabel(measure)
        return
    colours = _unit_colours(data["unit"].tolist())
    present = sorted({int(y) for y in data["year"]})
    years = list(range(present[0], present[-1] + 1)) if present[-1] - present[0] <= 12 else present
    top = data.groupby(["unit", "year"])["value"].max().to_dict()
    for unit in sorted(colours):
        for k, name in enumerate(series):
            part = data[(data["unit"] == unit) & (data["series"] == name)].sort_values("year")
            if part.empty:
                continue
            xs = [int(y) for y in part["year"]]
            ys = [float(v) for v in part["value"]]
            label = unit if len(series) == 1 else f"{unit}·{name}"
            ax.plot(xs, ys, color=colours[unit], linestyle=_LINESTYLES[k % len(_LINESTYLES)],
                    marker=_MARKERS[k % len(_MARKERS)], linewidth=1.8, markersize=5, label=label)
            for x, y in zip(xs, ys, strict=True):
                # The higher value of a unit's year labelled above its point, a lower one below:
                # the labels of close lines (income and expense) never cross.
                below = y < top[(unit, x)]
                ax.annotate(_fmt(y, digits), (x, y), textcoords="offset points", xytext=(0, -7 if below else 6),
                            ha="center", va="top" if below else "bottom", fontsize=8, color=colours[unit])
    ax.set_xticks(years, labels=[f"{y}年" for y in years])
    pad = 0.5 if len(years) > 1 else 1.0
    ax.set_xlim(years[0] - pad, years[-1] + pad)
    low, high = float(data["value"].min()), float(data["value"].max())
    span = (high - min(low, 0)) or (abs(high) or 1.0)
    ax.set_ylim(min(low, 0) - 0.02 * span, high + 0.15 * span)
    ax.yaxis.set_major_formatter(_thousands_formatter())
    ax.set_ylabel(measure)
    ax.set_xlabel("年度")
    ax.grid(axis="x", visible=False)


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(float(v))]
