"""Charts in one house style, with Chinese labels drawn in a real CJK font.

Every chart function takes evalkit's tables (pandas DataFrames with the columns of the
data contract), ``ax=`` (draw into an axes of your own) and ``title=``, and returns what it
drew: a :class:`matplotlib.figure.Figure` with a Chinese title, axis labels with units, and a
source note giving the data's as-of date, or the axes given. Units are named by a short
department name plus region (:func:`evalkit.panel.unit_labels`); a unit with two years or
more is drawn as a trend; parts of a scheme are never drawn beside their total. A chart
drawing a row, bar or line per unit shows at most ``max_units`` units (default
:data:`MAX_UNITS`, 20), the largest by the chart's own measure in their latest year, with
every year of each (``_cap``), and its footnote says so. :func:`save_chart` writes a figure as PNG and SVG, the
SVG byte-identical from run to run; :func:`build_charts` makes every chart the data allow.

matplotlib and seaborn are imported inside the functions, so ``import evalkit`` does not
import them, and nothing here changes matplotlib's global settings unless
:func:`use_house_style` is called explicitly (a notebook may do so once at the top).

The font: a CJK font already installed on the system is preferred (``Noto Sans CJK SC``,
``Source Han Sans SC``, ``WenQuanYi Zen Hei``, ...); otherwise ``NotoSansCJKsc-Regular.otf``
from the ``mplfonts`` package is registered with matplotlib's font manager. Figures are built
with ``matplotlib.figure.Figure`` directly, not through pyplot, so building charts in a loop
keeps no global figure state.

The package has one module per concern: ``_style`` (the CJK font, the house style, colours,
the figure frame, :func:`save_chart`), ``_cap`` (which units a chart shows), ``_data`` (table helpers; :func:`consensus` is
:func:`evalkit.panel.consensus`), ``_trend`` (a panel of trend lines or bars),
``_bars`` (grouped bars), one module per chart family (``enrollment``, ``funds``,
``execution`` with the budget structure, ``achievement``, ``findings``, ``overview``) and
``build`` (:data:`CHARTS`, :func:`build_charts`). Import the names from here.

Examples
--------
>>> import pandas as pd
>>> from evalkit import plotting
>>> enrollment = pd.DataFrame({
...     "report_id": ["r1", "r1", "r1"], "year": [2024, 2024, 2024],
...     "scheme": ["合计", "职工医保", "居民医保"], "persons": [430100, 35800, 394300]})
>>> reports = pd.DataFrame({"report_id": ["r1"], "department": ["临湘市医疗保障事务中心"],
...                         "fiscal_year": [2024]})
>>> fig = plotting.plot_enrollment(enrollment, reports)
>>> [ax.get_title() for ax in fig.axes]
['合计', '职工医保', '居民医保']
"""

from __future__ import annotations

from evalkit.plotting._cap import MAX_UNITS
from evalkit.plotting._data import SCHEME_ORDER, consensus
from evalkit.plotting._style import (
    SVG_HASHSALT,
    cjk_font_family,
    house_style,
    save_chart,
    use_house_style,
)

# Importable from here though not in __all__. cjk_font_family reads SYSTEM_CJK_FAMILIES
# from evalkit.plotting._style: patch it there, not here.
from evalkit.plotting._style import SYSTEM_CJK_FAMILIES as SYSTEM_CJK_FAMILIES
from evalkit.plotting._style import _covers as _covers
from evalkit.plotting._style import _mplfonts_font_file as _mplfonts_font_file
from evalkit.plotting.achievement import (
    RECOMPUTED_SCORE_COLUMNS,
    REPORTED_SCORE_COLUMNS,
    plot_achievement,
)
from evalkit.plotting.build import AUDIT_CHARTS, CHARTS, build_charts
from evalkit.plotting.enrollment import BRIEFING_SCHEMES, plot_enrollment
from evalkit.plotting.execution import EXECUTION_RATES, plot_budget_structure, plot_execution
from evalkit.plotting.findings import plot_findings
from evalkit.plotting.funds import plot_funds
from evalkit.plotting.overview import OVERVIEW_TABLES, plot_overview

__all__ = [
    "AUDIT_CHARTS",
    "BRIEFING_SCHEMES",
    "CHARTS",
    "EXECUTION_RATES",
    "MAX_UNITS",
    "OVERVIEW_TABLES",
    "RECOMPUTED_SCORE_COLUMNS",
    "REPORTED_SCORE_COLUMNS",
    "SCHEME_ORDER",
    "SVG_HASHSALT",
    "build_charts",
    "cjk_font_family",
    "consensus",
    "house_style",
    "plot_achievement",
    "plot_budget_structure",
    "plot_enrollment",
    "plot_execution",
    "plot_findings",
    "plot_funds",
    "plot_overview",
    "save_chart",
    "use_house_style",
]
