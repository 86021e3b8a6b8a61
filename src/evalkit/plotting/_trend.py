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
#: A trend panel of more units than this labels no point (the labels of many lines overlap;
#: the y axis is read instead), and its figure's legend names units and series apart.
LABELLED_UNITS = 5


def _has_trend(data: pd.DataFrame) -> bool:
    """Whether some unit has values for two years or more (columns ``unit``, ``year``)."""
    return bool(len(data)) and int(data.groupby("unit")["year"].nunique().max()) >= 2


def _unit_colours(units: list[str]) -> dict[str, str]:
    """A colour per unit (by name): the house palette, then its tints (drawn with hollow
    markers, see :func:`_hollow`) for the 11th to 20th unit."""
    names = sorted(set(units))
    palette = _PALETTE if len(names) <= len(_PALETTE) else _PALETTE + [_tint(c) for c in _PALETTE]
    return {u: palette[k % len(palette)] for k, u in enumerate(names)}


def _tint(colour: str, share: float = 0.45) -> str:
    """*colour* mixed with *share* of white ('#1f5a96' -> '#7a9fc3')."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def _hollow(colour: str) -> bool:
    """Whether a unit's colour is a tint, whose markers are drawn hollow to tell it apart."""
    return colour not in _PALETTE


def _marker_face(colour: str) -> str:
    return "white" if _hollow(colour) else colour


def legend_height(entries: int) -> float:
    """Height in inches a figure needs for a legend of *entries* lines (and its title)."""
    return 1.4 + 0.24 * entries


def unit_legend(units: dict[str, str], series: list[str]) -> tuple[list, list[str]]:
    """Legend handles for many units: one per unit (colour), then one per series (line
    style and marker, in grey) when there are several series."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, marker="o", markerfacecolor=_marker_face(c), linewidth=1.8,
                      markersize=5) for c in units.values()]
    names = list(units)
    if len(series) > 1:
        handles += [Line2D([], [], color="#555555", linestyle=_LINESTYLES[k % len(_LINESTYLES)],
                           marker=_MARKERS[k % len(_MARKERS)], linewidth=1.8, markersize=5)
                    for k in range(len(series))]
        names += list(series)
    return handles, names


def _bar_rows(data: pd.DataFrame) -> list[str]:
    d = data.sort_values(["unit", "year"], kind="stable")
    return list(dict.fromkeys(f"{u}\n{_year_text(y)}" for u, y in zip(d["unit"], d["year"], strict=True)))


def _bar_slots(data: pd.DataFrame, series: list[str]) -> float:
    rows = _bar_rows(data)
    values = {(f"{u}\n{_year_text(y)}", s): v for u, y, s, v in
              zip(data["unit"], data["year"], data["series"], data["value"], strict=True)}
    return _group_slots(rows, series, values)


def _draw_panel(ax: Axes, data: pd.DataFrame, series: list[str], series_colours: dict[str, str],
                *, digits: int, measure: str, trend: bool, unit_colours: dict[str, str] | None = None) -> None:
    """Draw ``data`` (columns unit, year, series, value) into ``ax``.

    Trend mode: x = year, one line per unit (and per series, told apart by line style),
    each point labelled with its value (unless the panel has more than
    :data:`LABELLED_UNITS` units); a unit with one year is a single marker. Bar mode:
    a group of horizontal bars per unit and year, a bar per series. *unit_colours* (the
    figure's, so that a unit has one colour in every panel) defaults to the panel's units.
    """
    if not trend:
        rows = _bar_rows(data)
        values = {(f"{u}\n{_year_text(y)}", s): v for u, y, s, v in
                  zip(data["unit"], data["year"], data["series"], data["value"], strict=True)}
        _grouped_barh(ax, rows, series, values, series_colours, digits=digits)
        ax.set_xlabel(measure)
        return
    here = set(data["unit"])
    colours = {u: c for u, c in (unit_colours or _unit_colours(list(here))).items() if u in here}
    labelled = len(colours) <= LABELLED_UNITS
    present = sorted({int(y) for y in data["year"]})
    years = list(range(present[0], present[-1] + 1)) if present[-1] - present[0] <= 12 else present
    top = data.groupby(["unit", "year"])["value"].max().to_dict()
    parts = dict(iter(data.groupby(["unit", "series"], sort=False)))  # one pass, not one per line
    for unit in sorted(colours):
        for k, name in enumerate(series):
            part = parts.get((unit, name))
            if part is None or part.empty:
                continue
            part = part.sort_values("year")
            xs = [int(y) for y in part["year"]]
            ys = [float(v) for v in part["value"]]
            label = unit if len(series) == 1 else f"{unit}·{name}"
            ax.plot(xs, ys, color=colours[unit], linestyle=_LINESTYLES[k % len(_LINESTYLES)],
                    marker=_MARKERS[k % len(_MARKERS)], linewidth=1.8, markersize=5, label=label,
                    **({"markerfacecolor": "white"} if _hollow(colours[unit]) else {}))
            for x, y in (zip(xs, ys, strict=True) if labelled else ()):
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
