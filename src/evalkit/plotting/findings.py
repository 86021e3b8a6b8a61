"""Findings chart: audit findings by rule, stacked by severity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.plotting._bars import _pad_right
from evalkit.plotting._data import _as_of, _ordered, _require
from evalkit.plotting._style import (
    _PALETTE,
    _SEVERITY_COLOURS,
    _canvas,
    _finish,
    _legend_right,
    _source_note,
    house_style,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_SEVERITY_LABELS = {
    "error": "错误",
    "warning": "警告",
    "warn": "警告",
    "info": "提示",
    "note": "提示",
}


def _severity(severity: pd.Series) -> list[str]:
    """Chinese severity names (错误/警告/提示; '未分级' for a blank), column-wise: a large
    corpus has hundreds of thousands of findings."""
    sev = severity.astype("string").str.strip()
    named = sev.str.lower().map(_SEVERITY_LABELS).astype("string")
    named = named.where(named.notna(), sev)
    return named.where(named.notna() & (named != ""), "未分级").astype(object).tolist()


def plot_findings(
    findings: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | Axes:
    """Number of audit findings by rule, stacked by severity.

    Parameters
    ----------
    findings : pandas.DataFrame
        The findings table of :mod:`evalkit.analysis`: ``report_id``, ``rule`` and
        optionally ``severity`` (error/warning/info or their Chinese names).
    reports : pandas.DataFrame, optional
        Unused except for the count of reports in the source note (all reports checked,
        including those without findings).
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (no source note).
    title : str, optional
        The chart's title (default ``'审核发现（按规则）'``).

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure made (or *ax* when given): horizontal stacked bars, one per rule, in 条.
        A working chart for the audit (rule codes, not words for a briefing): not in the
        briefing set of :func:`build_charts` unless ``audit=True``.

    Raises
    ------
    ValueError
        If a column is missing or the table is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_findings
    >>> findings = pd.DataFrame({
    ...     "report_id": ["r1", "r1", "r2"],
    ...     "rule": ["total-mismatch", "score-exceeds-weight", "total-mismatch"],
    ...     "severity": ["error", "warning", "error"]})
    >>> fig = plot_findings(findings)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['total-mismatch', 'score-exceeds-weight']
    >>> named = findings.assign(rule_name=["合计与分项不符", "得分超过分值", "合计与分项不符"], kind="矛盾")
    >>> [t.get_text() for t in plot_findings(named).axes[0].get_yticklabels()]
    ['合计与分项不符', '得分超过分值']
    """
    df = _require(findings, ["report_id", "rule"], "findings").copy()
    if df.empty:
        raise ValueError("findings: empty table")
    df["sev"] = _severity(df["severity"]) if "severity" in df.columns else "未分级"
    if "kind" in df.columns and (df["kind"] == "矛盾").any():
        df = df[df["kind"] == "矛盾"]  # audit findings only: the suspects are a review list of their own
    # users read the rule's Chinese name (rule_name); the code stands where a finding has none
    if "rule_name" in df.columns:
        df["rule"] = df["rule_name"].where(df["rule_name"].notna() & (df["rule_name"] != ""), df["rule"])
    df["rule"] = df["rule"].astype(str)
    totals = df.groupby("rule").size()
    rules = sorted(totals.index, key=lambda r: (-int(totals[r]), r))
    levels = _ordered(df["sev"].tolist(), ("错误", "警告", "提示"))
    counts = df.groupby(["rule", "sev"]).size()
    n_reports = (
        reports["report_id"].nunique()
        if reports is not None and "report_id" in reports.columns
        else df["report_id"].nunique()
    )
    with house_style():
        fig, ax, own = _canvas(ax, 8.0, 1.5 + 0.4 * len(rules))
        left = [0.0] * len(rules)
        for i, level in enumerate(levels):
            widths = [float(counts.get((r, level), 0)) for r in rules]
            colour = _SEVERITY_COLOURS.get(level, _PALETTE[(i + 4) % len(_PALETTE)])
            ax.barh(range(len(rules)), widths, left=left, color=colour, label=level, height=0.7)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for i, total in enumerate(left):
            ax.text(total, i, f" {int(total)}", va="center", fontsize=8)
        ax.set_yticks(range(len(rules)), labels=rules)
        ax.set_ylim(len(rules) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        _pad_right(ax, left, share=0.08)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title or "审核发现（按规则）")
        ax.set_xlabel("发现数（条）")
        _legend_right(ax, "严重程度")
        if not own:
            return ax
        note = _source_note(
            n_reports, "注：发现为报告内部的不一致或可疑之处，需对照原文行号逐条核实。",
            as_of=_as_of(reports),
        )
        return _finish(fig, note)
