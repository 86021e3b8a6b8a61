"""Funds chart: fund income against expense by scheme, a panel per report and year."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from evalkit.plotting._bars import _group_slots, _grouped_barh
from evalkit.plotting._data import (
    SCHEME_ORDER,
    _numeric,
    _ordered,
    _report_labels,
    _require,
    _year_text,
    consensus,
)
from evalkit.plotting._style import (
    _FLOW_COLOURS,
    _PALETTE,
    _finish,
    _new_figure,
    _source_note,
    house_style,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure


def plot_funds(
    funds: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    flows: tuple[str, ...] = ("收入", "支出"),
    ncols: int = 2,
) -> Figure:
    """Fund income against expense by scheme, one panel per report and year.

    Parameters
    ----------
    funds : pandas.DataFrame
        The funds table: ``report_id``, ``year``, ``scheme``, ``flow``, ``amount_wan``.
    reports : pandas.DataFrame, optional
        The reports table, for department names in the panel titles.
    flows : tuple of str, default ('收入', '支出')
        The flows to draw, one bar each per scheme.
    ncols : int, default 2
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal grouped bars in 万元.

    Raises
    ------
    ValueError
        If a column is missing or there is no amount for the flows.

    Notes
    -----
    Breakdowns of a scheme (职工医保统筹基金, 职工医保个人账户) are drawn as schemes of their
    own. A figure stated several times is drawn once (the value stated most often).

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_funds
    >>> funds = pd.DataFrame({
    ...     "report_id": ["r1"] * 4, "year": [2024] * 4,
    ...     "scheme": ["职工医保", "职工医保", "居民医保", "居民医保"],
    ...     "flow": ["收入", "支出", "收入", "支出"],
    ...     "amount_wan": [15500.0, 16000.0, 41400.0, 41000.0]})
    >>> fig = plot_funds(funds)
    >>> fig.axes[0].get_xlabel()
    '金额（万元）'
    >>> fig.get_suptitle()
    '医保基金收入与支出（按险种）'
    """
    df = _require(funds, ["report_id", "year", "scheme", "flow", "amount_wan"], "funds").copy()
    df["amount_wan"] = _numeric(df["amount_wan"])
    df["report_id"] = df["report_id"].astype(str)
    df = df[df["flow"].isin(flows)]
    df = consensus(df, ["report_id", "year", "scheme", "flow"], "amount_wan")
    if df.empty:
        raise ValueError(f"funds: no amounts for flows {list(flows)}")
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    df["year_text"] = [_year_text(y) for y in df["year"]]
    panels = sorted(set(zip(df["report_id"].map(labels), df["year_text"], df["report_id"])))
    n = len(panels)
    cols = max(1, min(ncols, n))
    nrows = math.ceil(n / cols)
    series = [f for f in flows if f in set(df["flow"])]
    colours = {f: _FLOW_COLOURS.get(f, _PALETTE[i]) for i, f in enumerate(series)}
    content = []
    for dept, year, rid in panels:
        part = df[(df["report_id"] == rid) & (df["year_text"] == year)]
        rows = _ordered(part["scheme"].astype(str).tolist(), SCHEME_ORDER)
        values = {
            (s, f): v
            for s, f, v in zip(part["scheme"], part["flow"], part["amount_wan"], strict=True)
        }
        content.append((dept, year, rows, values))
    slots = max(_group_slots(rows, series, values) for _, _, rows, values in content)
    with house_style():
        fig = _new_figure(6.5 * cols, 1.4 + nrows * (0.9 + 0.27 * slots))
        axes = fig.subplots(nrows, cols, squeeze=False)
        for k, (dept, year, rows, values) in enumerate(content):
            ax = axes[k // cols][k % cols]
            _grouped_barh(ax, rows, series, values, colours, digits=0)
            ax.set_title(f"{dept}（{year}）", fontsize=11)
            ax.set_xlabel("金额（万元）")
            ax.set_ylabel("")
        for k in range(n, nrows * cols):
            axes[k // cols][k % cols].set_visible(False)
        handles = {}
        for ax in fig.axes:
            for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(name, handle)
        names = [f for f in series if f in handles]
        fig.legend([handles[f] for f in names], names, title="收支", loc="outside upper right")
        fig.suptitle("医保基金收入与支出（按险种）", fontsize=13)
        note = _source_note(
            df["report_id"].nunique(),
            "注：同一数字多处表述时取出现次数最多的值；职工医保含生育保险的口径以报告为准。",
        )
        return _finish(fig, note)
