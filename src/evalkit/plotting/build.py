"""Every chart at once: :func:`build_charts` makes and saves what the data allow."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from evalkit.panel import _get  # (a table of a dict of tables or of a corpus)
from evalkit.plotting._cap import MAX_UNITS, check_max_units
from evalkit.plotting._style import save_chart
from evalkit.plotting.achievement import plot_achievement
from evalkit.plotting.enrollment import plot_enrollment
from evalkit.plotting.execution import plot_budget_structure, plot_execution
from evalkit.plotting.findings import plot_findings
from evalkit.plotting.funds import plot_funds

logger = logging.getLogger(__name__)

#: The briefing set: chart file stems written by :func:`build_charts`, in the order they are made.
CHARTS = (
    "enrollment",
    "funds_income_expense",
    "budget_execution",
    "budget_structure",
)
#: Working charts for the audit (rule codes, per-indicator scatter), written with ``audit=True``.
AUDIT_CHARTS = (
    "indicator_achievement",
    "findings_by_rule",
)


#: Charts that draw a row, bar or line per unit, and so take ``max_units``.
_CAPPED = frozenset({"enrollment", "funds_income_expense", "budget_execution", "budget_structure",
                     "indicator_achievement"})


def build_charts(tables: Any, derived: Any, out_dir: Path | str, *, audit: bool = False,
                 editable_text: bool = False, max_units: int | None = MAX_UNITS) -> list[Path]:
    """Make every briefing chart the data allow and save each as PNG and SVG in *out_dir*.

    Parameters
    ----------
    tables : mapping or object
        The reader's tables by name (``reports``, ``enrollment``, ``funds``, ...), as a dict
        or an object with those attributes (a ``Corpus``).
    derived : mapping or object, optional
        The analysis tables by name (``execution``, ``achievement``, ``findings``).
    out_dir : pathlib.Path or str
        Folder for the files (created). Files are named after :data:`CHARTS`.
    audit : bool, default False
        Also the working charts of :data:`AUDIT_CHARTS` (targets met and re-scored scores,
        findings by rule), which are not fit for a briefing.
    editable_text : bool, default False
        SVG text as text, editable in WPS or PowerPoint (see :func:`save_chart`).
    max_units : int or None, default 20 (:data:`evalkit.plotting.MAX_UNITS`)
        Each chart drawing a row, bar or line per unit shows at most this many units, the
        largest by the chart's own measure (see each chart function), with all their years;
        its footnote says so. ``None`` draws every unit (slow and unreadable on a large
        corpus). The findings chart draws a bar per rule and takes no cap.

    Returns
    -------
    list of pathlib.Path
        The files written, PNG then SVG for each chart in the order of :data:`CHARTS`. A
        chart whose table is absent, empty or lacks the columns it needs is skipped, with a
        log message saying why.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from evalkit.plotting import build_charts
    >>> funds = pd.DataFrame({"report_id": ["r1", "r1"], "year": [2022, 2022],
    ...     "scheme": ["居民医保", "居民医保"], "flow": ["收入", "支出"],
    ...     "amount_wan": [6569.0, 2441.0]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in build_charts({"funds": funds}, {}, tmp)]
    ['funds_income_expense.png', 'funds_income_expense.svg']
    """
    out = Path(out_dir)
    check_max_units(max_units)
    reports = _get(tables, "reports")
    plan = {
        "enrollment": (plot_enrollment, _get(tables, "enrollment")),
        "funds_income_expense": (plot_funds, _get(tables, "funds")),
        "budget_execution": (plot_execution, _get(derived, "execution")),
        "budget_structure": (plot_budget_structure, _get(tables, "budget")),
        "indicator_achievement": (plot_achievement, _get(derived, "achievement")),
        "findings_by_rule": (plot_findings, _get(derived, "findings")),
    }
    written: list[Path] = []
    for stem in CHARTS + (AUDIT_CHARTS if audit else ()):
        func, table = plan[stem]
        if table is None or len(table) == 0:
            logger.info("chart %s skipped: no data", stem)
            continue
        try:
            fig = func(table, reports, max_units=max_units) if stem in _CAPPED else func(table, reports)
        except ValueError as exc:
            logger.info("chart %s skipped: %s", stem, exc)
            continue
        written += save_chart(fig, out / stem, editable_text=editable_text)
    logger.info("wrote %d chart files to %s", len(written), out)
    return written
