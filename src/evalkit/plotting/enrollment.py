"""Enrollment chart: head counts (参保人数) by department, year and scheme."""

from __future__ import annotations

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
    _colour_map,
    _finish,
    _legend_right,
    _new_figure,
    _source_note,
    house_style,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure


def plot_enrollment(
    enrollment: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    schemes: list[str] | None = None,
) -> Figure:
    """Enrollment (参保人数) by department and year, one bar per scheme.

    Parameters
    ----------
    enrollment : pandas.DataFrame
        The enrollment table: ``report_id``, ``year``, ``scheme``, ``persons``.
    reports : pandas.DataFrame, optional
        The reports table; ``department`` names the groups (a report without one is shown
        as 未署名单位 with its report_id).
    schemes : list of str, optional
        Schemes to show, in this order; default every scheme present, 合计 first.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal grouped bars in 万人. Schemes are not stacked: 职工医保 and 居民医保 make
        up 合计, while 生育保险 and 补充医疗保险 are subsets of 职工医保.

    Raises
    ------
    ValueError
        If a column is missing or no row has a head count.

    Notes
    -----
    A figure stated several times in a report is drawn once, with the value stated most
    often (the first stated on a tie); head counts that could not be read (``persons``
    missing) are left out. The checks report the disagreements.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_enrollment
    >>> enrollment = pd.DataFrame({
    ...     "report_id": ["r1"] * 4, "year": [2024] * 4,
    ...     "scheme": ["合计", "职工医保", "居民医保", "合计"],
    ...     "persons": [430100, 35800, 394300, 430600]})
    >>> fig = plot_enrollment(enrollment)
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel()
    '参保人数（万人）'
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['未署名单位（r1）\\n2024年']
    >>> [float(p.get_width()) for p in ax.containers[0]]  # 合计: a tie, the first stated wins
    [43.01]
    """
    import pandas as pd

    df = _require(enrollment, ["report_id", "year", "scheme", "persons"], "enrollment").copy()
    df["persons"] = _numeric(df["persons"])
    df["report_id"] = df["report_id"].astype(str)
    df = consensus(df, ["report_id", "year", "scheme"], "persons")
    if df.empty:
        raise ValueError("enrollment: no head counts to plot")
    series = schemes or _ordered(df["scheme"].astype(str).tolist(), SCHEME_ORDER)
    df = df[df["scheme"].isin(series)]
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    df = df.assign(
        department=df["report_id"].map(labels),
        year_int=pd.to_numeric(df["year"], errors="coerce"),
    ).sort_values(["department", "year_int", "report_id"], kind="stable")
    df["row"] = [
        f"{d}\n{_year_text(y)}" for d, y in zip(df["department"], df["year_int"], strict=True)
    ]
    rows = list(dict.fromkeys(df["row"]))
    values = {
        (r, s): p / 1e4 for r, s, p in zip(df["row"], df["scheme"], df["persons"], strict=True)
    }
    with house_style():
        fig = _new_figure(9.0, 1.6 + 0.27 * _group_slots(rows, series, values))
        ax = fig.add_subplot()
        _grouped_barh(ax, rows, series, values, _colour_map(series), digits=2)
        ax.set_title("参保人数（按单位、年度和险种）")
        ax.set_xlabel("参保人数（万人）")
        ax.set_ylabel("")
        _legend_right(ax, "险种")
        note = _source_note(
            df["report_id"].nunique(),
            "注：险种不相加（生育保险、补充医疗保险含于职工医保）；同一数字多处表述时取出现次数最多的值。",
        )
        return _finish(fig, note)
