"""Overview chart: rows per table and report, what the corpus holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit.fields import table_label
from evalkit.panel import _get
from evalkit.plotting._data import _as_of, _report_labels
from evalkit.plotting._style import _canvas, _finish, _source_note, house_style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Tables counted by :func:`plot_overview` (named in Chinese by :func:`evalkit.fields.table_label`).
OVERVIEW_TABLES = ("indicators", "budget", "enrollment", "funds", "services", "rates", "staff", "assets",
                   "procurement", "residue", "findings")


def plot_overview(tables: Any, derived: Any = None, *, ax: Axes | None = None,
                  title: str | None = None) -> Figure | Axes:
    """Rows per table and report: what the corpus holds, and what was left unplaced.

    Parameters
    ----------
    tables : mapping or object
        The reader's tables by name (``reports`` and any of ``indicators``, ``budget``,
        ``enrollment``, ``funds``, ``services``, ``rates``, ``residue``).
    derived : mapping or object, optional
        The analysis tables; ``findings`` is counted when present.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (no source note).
    title : str, optional
        The chart's title (default ``'各报告提取行数（行）与检查发现（条）'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made (or *ax* when given): a grid of counts, one row per report, one column per table; the shade of a cell is
        its count relative to the largest in its column.

    Raises
    ------
    ValueError
        If there is no reports table.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_overview
    >>> reports = pd.DataFrame({"report_id": ["r1", "r2"], "department": ["北塔区医疗保障局", None]})
    >>> budget = pd.DataFrame({"report_id": ["r1", "r1", "r2"]})
    >>> fig = plot_overview({"reports": reports, "budget": budget})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['预算收支']
    """
    import numpy as np

    reports = _get(tables, "reports")
    if reports is None or "report_id" not in reports.columns:
        raise ValueError("overview: no reports table")
    ids = [str(r) for r in reports["report_id"]]
    names = _report_labels(reports, ids)
    columns, counts = [], []
    for key in OVERVIEW_TABLES:
        label = table_label(key)
        frame = _get(derived, key) if key == "findings" else _get(tables, key)
        if frame is None or "report_id" not in frame.columns:
            continue
        per = frame["report_id"].astype(str).value_counts()
        columns.append(label)
        counts.append([int(per.get(r, 0)) for r in ids])
    if not columns:
        raise ValueError("overview: no table with a report_id column")
    grid = np.array(counts, dtype=float).T  # reports x tables
    scale = grid / np.where(grid.max(axis=0) > 0, grid.max(axis=0), 1)
    rows = [names[r] for r in ids]
    with house_style():
        fig, ax, own = _canvas(ax, 1.6 + 1.15 * len(columns) + 2.2, 1.8 + 0.5 * len(rows))
        ax.imshow(scale, cmap="Blues", vmin=0, vmax=1.6, aspect="auto")
        for i in range(len(rows)):
            for j in range(len(columns)):
                ax.text(j, i, f"{int(grid[i, j]):,}", ha="center", va="center", fontsize=10)
        ax.set_xticks(range(len(columns)), labels=columns)
        ax.set_yticks(range(len(rows)), labels=rows)
        ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
        ax.grid(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_title(title or "各报告提取行数（行）与检查发现（条）", pad=22)
        if not own:
            return ax
        note = _source_note(len(ids), "注：未归位内容为报告中出现但未归入任何表的数字或表格行。",
                            as_of=_as_of(reports))
        return _finish(fig, note)
