"""Bar-chart helpers: grouped horizontal bars with value labels, room for the labels."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


def _fmt(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _present(
    rows: list[str], series: list[str], values: Mapping[tuple[str, str], float]
) -> list[list[str]]:
    """For each row, the series that have a value there."""
    out = []
    for row in rows:
        here = []
        for name in series:
            v = values.get((row, name))
            if v is not None and not math.isnan(v):
                here.append(name)
        out.append(here)
    return out


_GAP = 0.7  # space between two groups of bars, in bar slots


def _group_slots(
    rows: list[str], series: list[str], values: Mapping[tuple[str, str], float]
) -> float:
    """Height of a grouped bar chart in bar slots (for sizing the figure)."""
    present = _present(rows, series, values)
    return sum(max(len(p), 1) for p in present) + _GAP * max(len(rows) - 1, 0)


def _grouped_barh(
    ax: Axes,
    rows: list[str],
    series: list[str],
    values: Mapping[tuple[str, str], float],
    colours: Mapping[str, str],
    digits: int,
    suffix: str = "",
) -> None:
    """Horizontal grouped bars: a group per row (top to bottom), a bar per series present.

    Only the series with a value in a row take room in that row's group, so bars keep one
    thickness and groups hold no empty slots.
    """
    present = _present(rows, series, values)
    positions: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in series}
    centres = []
    y = 0.0
    for row, names in zip(rows, present, strict=True):
        n = max(len(names), 1)
        centres.append(y + (n - 1) / 2)
        for j, name in enumerate(names):
            positions[name][0].append(y + j)
            positions[name][1].append(values[(row, name)])
        y += n + _GAP
    for name in series:
        ys, xs = positions[name]
        if not xs:
            continue
        bars = ax.barh(ys, xs, height=0.85, color=colours[name], label=name)
        ax.bar_label(bars, labels=[_fmt(x, digits) + suffix for x in xs], padding=3, fontsize=8)
    ax.set_yticks(centres, labels=rows)
    ax.set_ylim(y - _GAP - 0.5 + 0.1, -0.6)
    ax.grid(axis="y", visible=False)
    _pad_right(ax, [x for name in series for x in positions[name][1]])
    ax.xaxis.set_major_formatter(_thousands_formatter())


def _pad_right(ax: Axes, widths: list[float], share: float = 0.14) -> None:
    """Leave room right of the longest bar for its value label."""
    finite = [w for w in widths if not math.isnan(w)]
    if not finite:
        return
    high = max(max(finite), 0.0)
    low = min(min(finite), 0.0)
    ax.set_xlim(low - (high - low) * 0.01 if low < 0 else 0, high + (high - low) * share or 1)


def _thousands_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,g}")
