"""Charts in one house style, with Chinese labels drawn in a real CJK font.

Every chart function takes evalkit's tables (pandas DataFrames with the columns of the
data contract) and returns a :class:`matplotlib.figure.Figure` with a Chinese title, axis
labels with units, and a source note. :func:`save_chart` writes a figure as PNG and SVG, the
SVG byte-identical from run to run; :func:`build_charts` makes every chart the data allow.

matplotlib and seaborn are imported inside the functions, so ``import evalkit`` does not
import them, and nothing here changes matplotlib's global settings unless
:func:`use_house_style` is called explicitly (a notebook may do so once at the top).

The font: a CJK font already installed on the system is preferred (``Noto Sans CJK SC``,
``Source Han Sans SC``, ``WenQuanYi Zen Hei``, ...); otherwise ``NotoSansCJKsc-Regular.otf``
from the ``mplfonts`` package is registered with matplotlib's font manager. Figures are built
with ``matplotlib.figure.Figure`` directly, not through pyplot, so building charts in a loop
keeps no global figure state.

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
>>> fig.axes[0].get_title()
'参保人数（按单位、年度和险种）'
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.fields import table_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHARTS",
    "EXECUTION_RATES",
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

logger = logging.getLogger(__name__)

#: Salt for the ids matplotlib writes into SVG files; fixed so that SVGs are reproducible.
SVG_HASHSALT = "evalkit"

#: CJK fonts looked for on the system, in order of preference (Simplified Chinese faces).
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Droid Sans Fallback",
)
_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
# Characters a candidate font must have: the words our charts use most.
_PROBE = "医疗保障局参保人数万元预算执行率审核发现资料来源（）：％"
_FALLBACK_FAMILY = "DejaVu Sans"

# Fixed colours, so that a scheme or a flow has the same colour in every chart.
_PALETTE = [
    "#1f5a96",
    "#e07b39",
    "#3a9a5b",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
]
#: Schemes in the order tables and charts show them (others follow, sorted).
SCHEME_ORDER = (
    "合计",
    "职工医保",
    "职工医保统筹基金",
    "职工医保个人账户",
    "居民医保",
    "资助参保",
    "生育保险",
    "补充医疗保险",
    "医疗救助",
)
_SCHEME_COLOURS = {
    "合计": "#1f5a96",
    "职工医保": "#e07b39",
    "职工医保统筹基金": "#f0a672",
    "职工医保个人账户": "#f6c9a6",
    "居民医保": "#3a9a5b",
    "资助参保": "#9fd4ae",
    "生育保险": "#c44e52",
    "补充医疗保险": "#8172b3",
    "医疗救助": "#937860",
}
_FLOW_COLOURS = {"收入": "#1f5a96", "支出": "#e07b39", "结余": "#3a9a5b", "累计结余": "#8172b3"}
_SEVERITY_LABELS = {
    "error": "错误",
    "warning": "警告",
    "warn": "警告",
    "info": "提示",
    "note": "提示",
}
_SEVERITY_COLOURS = {"错误": "#c44e52", "警告": "#e07b39", "提示": "#1f5a96"}

#: Chart file stems written by :func:`build_charts`, in the order they are made.
CHARTS = (
    "enrollment",
    "funds_income_expense",
    "budget_execution",
    "budget_structure",
    "indicator_achievement",
    "findings_by_rule",
)

_SOURCE = "资料来源：{n} 份医疗保障部门预算绩效自评报告，evalkit 提取整理"
_NOTE_FONTSIZE = 8.0


# --------------------------------------------------------------------------- font and style


def _mplfonts_font_file() -> Path | None:
    """Path of Noto Sans CJK SC in the ``mplfonts`` package, found without importing it."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / _MPLFONTS_FILE
        if path.is_file():
            return path
    return None


def _covers(path: str, text: str) -> bool:
    """Whether the font file at *path* has a glyph for every character of *text*."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):  # unreadable or unsupported file
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@functools.cache
def cjk_font_family() -> str:
    """Return the family name of the CJK font used for charts, registering it if needed.

    A CJK font installed on the system wins (see ``SYSTEM_CJK_FAMILIES``) when it covers
    the characters the charts use; otherwise Noto Sans CJK SC from the ``mplfonts`` package
    is added to matplotlib's font manager. The result is cached for the session.

    Returns
    -------
    str
        A family name that matplotlib's font manager knows. ``'DejaVu Sans'`` when no CJK
        font could be found (a warning is logged, and Chinese text will lack glyphs).

    Notes
    -----
    A font installed after matplotlib built its font cache stays invisible until that
    cache (``matplotlib.get_cachedir()``) is removed.

    Examples
    --------
    >>> from evalkit.plotting import cjk_font_family
    >>> cjk_font_family() != 'DejaVu Sans'
    True
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    by_name: dict[str, list[str]] = {}
    for entry in manager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in SYSTEM_CJK_FAMILIES:
        for fname in sorted(by_name.get(family, [])):
            if _covers(fname, _PROBE):
                logger.debug("using system CJK font %s (%s)", family, fname)
                return family

    path = _mplfonts_font_file()
    if path is None:
        logger.warning(
            "no CJK font found (install fonts-noto-cjk or the mplfonts package); "
            "Chinese labels will lack glyphs"
        )
        return _FALLBACK_FAMILY
    for entry in manager.ttflist:
        if Path(entry.fname) == path:
            return entry.name
    manager.addfont(str(path))
    for entry in manager.ttflist:
        if Path(entry.fname) == path:
            logger.debug("registered %s from mplfonts as %r", path.name, entry.name)
            return entry.name
    return _FALLBACK_FAMILY  # pragma: no cover - addfont raises instead


def _style_rc(family: str) -> dict[str, Any]:
    fonts = [family] if family == _FALLBACK_FAMILY else [family, _FALLBACK_FAMILY]
    return {
        # A concrete family list (not the generic 'sans-serif'), so that text created
        # inside the style keeps the CJK font when a figure is drawn outside it.
        "font.family": fonts,
        "font.sans-serif": fonts + ["sans-serif"],
        "axes.unicode_minus": False,
        "axes.titlesize": 13,
        "axes.titleweight": "normal",  # the bundled CJK font has no bold face
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "legend.title_fontsize": 10,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "svg.fonttype": "path",
        "svg.hashsalt": SVG_HASHSALT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _apply_theme() -> None:
    """Apply the house theme to the current rcParams (callers bound its extent)."""
    import seaborn as sns

    family = cjk_font_family()
    # set_theme resets the font list; font= keeps the CJK font, rc= sets the rest.
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=_PALETTE,
        font=family,
        rc=_style_rc(family),
    )


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context manager applying the house style; rcParams are restored on exit.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from evalkit.plotting import house_style
    >>> before = mpl.rcParams["axes.unicode_minus"]
    >>> with house_style():
    ...     mpl.rcParams["axes.unicode_minus"]
    False
    >>> mpl.rcParams["axes.unicode_minus"] == before
    True
    """
    import matplotlib as mpl

    with mpl.rc_context():
        _apply_theme()
        yield


def use_house_style() -> str:
    """Apply the house style to matplotlib's global settings, for an interactive session.

    Nothing in evalkit calls this; the chart functions use :func:`house_style` instead. A
    notebook may call it once so that its own ad-hoc charts match.

    Returns
    -------
    str
        The CJK font family in use.
    """
    _apply_theme()
    return cjk_font_family()


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _finish(fig: Figure, note: str) -> Figure:
    """Add the source note under the axes, lay the figure out and check its glyphs.

    The figure is drawn once here, inside the style, so a glyph missing from the font
    shows up as matplotlib's warning at the call, and tick labels are created with the
    house font.
    """
    note = _wrap(note, (fig.get_figwidth() * 72 - 20) / _NOTE_FONTSIZE)
    lines = note.count("\n") + 1
    height_in = fig.get_figheight()
    margin = min(0.4, (lines * _NOTE_FONTSIZE * 1.5 + 8) / 72 / height_in)
    fig.get_layout_engine().set(rect=(0, margin, 1, 1 - margin))
    fig.text(0.01, 0.01, note, ha="left", va="bottom", fontsize=_NOTE_FONTSIZE, color="#555555")
    fig.draw_without_rendering()
    return fig


def _wrap(text: str, width: float) -> str:
    """Wrap mixed Chinese/Latin text to *width* em (a CJK character is one em)."""
    import unicodedata

    out = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for ch in para:
            w = 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55
            if used + w > width and line:
                out.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        out.append(line)
    return "\n".join(out)


def _source_note(n_reports: int, *extra: str) -> str:
    parts = [_SOURCE.format(n=n_reports)] + [e for e in extra if e]
    return "\n".join(parts)


# --------------------------------------------------------------------------- table helpers


def _require(df: pd.DataFrame | None, columns: list[str], name: str) -> pd.DataFrame:
    if df is None:
        raise ValueError(f"{name}: no table given")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}")
    return df


def _numeric(series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").astype("float64")


def consensus(df: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """One value per key: the value stated most often, a tie going to the one stated first.

    Reports often state a figure several times (summary, narrative, table) and the reader's
    tables keep every statement; the checks compare them. A chart shows one value per
    quantity, chosen by this function, so a notebook can show exactly what a chart draws.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with the *keys* columns and a *value* column; rows with a missing value are
        ignored.
    keys : list of str
        Columns that name a quantity (e.g. ``['report_id', 'year', 'scheme']``).
    value : str
        The column of the figure.

    Returns
    -------
    pandas.DataFrame
        Columns *keys* + [*value*], one row per key, in the order the chosen values are
        first stated.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import consensus
    >>> df = pd.DataFrame({"year": [2024, 2024, 2024, 2022],
    ...                    "persons": [430100, 430600, 430100, 470300]})
    >>> consensus(df, ["year"], "persons")
       year  persons
    0  2024   430100
    1  2022   470300
    """
    d = df.loc[df[value].notna(), keys + [value]]
    if d.empty:
        return d.reset_index(drop=True)
    groups = d.groupby(keys + [value], sort=False, dropna=False)
    counts = groups.size().rename("_n").reset_index()
    counts["_first"] = range(len(counts))
    counts = counts.sort_values("_n", ascending=False, kind="stable")
    out = counts.drop_duplicates(keys, keep="first").sort_values("_first", kind="stable")
    return out.drop(columns=["_n", "_first"]).reset_index(drop=True)


def _report_labels(reports: pd.DataFrame | None, report_ids: list[str]) -> dict[str, str]:
    """Map report_id to the department's name, or to a placeholder naming the report."""
    names: dict[str, str] = {}
    if reports is not None and {"report_id", "department"} <= set(reports.columns):
        for rid, dept in zip(reports["report_id"], reports["department"], strict=True):
            if isinstance(dept, str) and dept.strip():
                names[str(rid)] = dept.strip()
    return {rid: names.get(rid, f"未署名单位（{rid}）") for rid in report_ids}


def _report_years(reports: pd.DataFrame | None) -> dict[str, int]:
    years: dict[str, int] = {}
    if reports is not None and {"report_id", "fiscal_year"} <= set(reports.columns):
        for rid, year in zip(reports["report_id"], reports["fiscal_year"], strict=True):
            try:
                if year is not None and not _isna(year):
                    years[str(rid)] = int(year)
            except (TypeError, ValueError):
                continue
    return years


def _year_text(year: Any) -> str:
    """'2024年' for a year, '年份不详' for a missing one."""
    try:
        return "年份不详" if _isna(year) else f"{int(year)}年"
    except (TypeError, ValueError):
        return f"{year}年"


def _isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _ordered(values: list[str], preferred: tuple[str, ...]) -> list[str]:
    first = [v for v in preferred if v in values]
    return first + sorted(v for v in set(values) if v not in preferred)


def _colour_map(labels: list[str]) -> dict[str, str]:
    fixed = _SCHEME_COLOURS
    spare = [c for c in _PALETTE if c not in fixed.values()] or _PALETTE
    out, k = {}, 0
    for label in labels:
        if label in fixed:
            out[label] = fixed[label]
        else:
            out[label] = spare[k % len(spare)]
            k += 1
    return out


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


def _legend_right(ax: Axes, title: str | None = None) -> None:
    """Legend outside the axes, right of them (constrained layout makes room)."""
    ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


# --------------------------------------------------------------------------- charts


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


#: Rate columns of the execution table that :func:`plot_execution` knows, with labels.
EXECUTION_RATES = {
    "rate_vs_initial": "对年初预算",
    "rate_vs_adjusted": "对调整预算",
    "rate_vs_available": "对可用资金",
    "rate_stated": "报告自述",
    "stated_rate": "报告自述",
}


def _execution_rates(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rate columns (in %) found in or computed from an execution table."""
    out = df.copy()
    present = [c for c in EXECUTION_RATES if c in out.columns]
    if "rate_vs_initial" not in out.columns and {"initial_total", "final_total"} <= set(
        out.columns
    ):
        out["rate_vs_initial"] = _numeric(out["final_total"]) / _numeric(out["initial_total"])
        out["rate_vs_initial"] *= 100
        present.insert(0, "rate_vs_initial")
        logger.info("execution: rate_vs_initial computed from final_total / initial_total")
    if "rate_vs_adjusted" not in out.columns and {"adjusted_total", "final_total"} <= set(
        out.columns
    ):
        out["rate_vs_adjusted"] = _numeric(out["final_total"]) / _numeric(out["adjusted_total"])
        out["rate_vs_adjusted"] *= 100
        present.insert(1 if "rate_vs_initial" in present else 0, "rate_vs_adjusted")
        logger.info("execution: rate_vs_adjusted computed from final_total / adjusted_total")
    seen_labels: set[str] = set()
    cols = []
    for c in present:
        label = EXECUTION_RATES[c]
        if label in seen_labels:
            continue
        seen_labels.add(label)
        out[c] = _numeric(out[c]).where(lambda s: s.abs() != float("inf"))
        cols.append(c)
    values = out[cols].stack() if cols else out.iloc[:0, :0]
    if len(values) and float(values.abs().max()) <= 3.0:
        # Rates given as ratios (0.98) rather than percentages (98.0).
        logger.info("execution: rates look like ratios; shown as percentages")
        for c in cols:
            out[c] = out[c] * 100
    return out, cols


def plot_execution(
    execution: pd.DataFrame,
    reports: pd.DataFrame | None = None,
) -> Figure:
    """Budget execution rates per report and scope, against each budget the data give.

    Parameters
    ----------
    execution : pandas.DataFrame
        The execution table of :mod:`evalkit.analysis`: ``report_id``, ``scope`` and any of
        ``rate_vs_initial``, ``rate_vs_adjusted``, ``rate_vs_available``, ``rate_stated``
        (percentages, or ratios which are converted); where a rate column is absent it is
        computed from ``final_total`` and ``initial_total`` / ``adjusted_total``.
    reports : pandas.DataFrame, optional
        The reports table, for department names and fiscal years.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal grouped bars in %, with a line at 100%.

    Raises
    ------
    ValueError
        If ``report_id`` is missing or no rate can be found or computed.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_execution
    >>> execution = pd.DataFrame({
    ...     "report_id": ["r1", "r2"], "scope": ["部门整体", "部门整体"],
    ...     "initial_total": [607.94, 977.61], "adjusted_total": [554.48, 1134.78],
    ...     "final_total": [554.48, 1134.78]})
    >>> fig = plot_execution(execution)
    >>> fig.axes[0].get_xlabel()
    '执行率（%）'
    >>> [round(float(p.get_width()), 1) for p in fig.axes[0].containers[0]]
    [91.2, 116.1]
    """
    df = _require(execution, ["report_id"], "execution").copy()
    df["report_id"] = df["report_id"].astype(str)
    if "scope" not in df.columns:
        df["scope"] = "部门整体"
    df, cols = _execution_rates(df)
    if not cols:
        raise ValueError("execution: no rate columns and no totals to compute them from")
    df = df.dropna(subset=cols, how="all")
    if df.empty:
        raise ValueError("execution: every rate is missing")
    if reports is None and "department" in df.columns:
        # The execution table of evalkit.analysis carries department and fiscal_year.
        reports = df.drop_duplicates("report_id")
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    years = _report_years(reports)
    year_col = next((c for c in ("year", "fiscal_year") if c in df.columns), None)
    if year_col is not None:
        row_year = [None if _isna(y) else int(y) for y in df[year_col]]
    else:
        row_year = [years.get(r) for r in df["report_id"]]
    df["row"] = [
        f"{labels[r]}\n{s}" + (f"（{y}年）" if y is not None else "")
        for r, s, y in zip(df["report_id"], df["scope"].astype(str), row_year, strict=True)
    ]
    df = df.sort_values(["row"], kind="stable")
    df = df.drop_duplicates("row", keep="first")
    rows = df["row"].tolist()
    names = [EXECUTION_RATES[c] for c in cols]
    values = {
        (r, EXECUTION_RATES[c]): v for c in cols for r, v in zip(df["row"], df[c], strict=True)
    }
    with house_style():
        fig = _new_figure(9.0, 1.6 + 0.27 * _group_slots(rows, names, values))
        ax = fig.add_subplot()
        _grouped_barh(
            ax, rows, names, values, dict(zip(names, _PALETTE, strict=False)), digits=1, suffix="%"
        )
        ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
        ax.set_title("预算执行率（决算数 ÷ 预算数）")
        ax.set_xlabel("执行率（%）")
        ax.set_ylabel("")
        _legend_right(ax, "口径")
        note = _source_note(
            df["report_id"].nunique(),
            "注：各报告分母口径不同（年初预算、调整预算或含上年结转的可用资金），各口径并列展示；虚线为 100%。",
        )
        return _finish(fig, note)


#: Columns tried, in order, for the score a report gave an indicator row.
REPORTED_SCORE_COLUMNS = ("score_reported", "score")
#: Re-computed score columns drawn against the reported score, with their labels.
RECOMPUTED_SCORE_COLUMNS = {
    "recomputed_score": "复核得分",
    "national_score": "按国家规则复核",
    "rule_score": "按报告评分细则复核",
}
_STATUS_COLOURS = {"达成": "#3a9a5b", "未达成": "#c44e52", "无法判断": "#b0b0b0"}
_MARKERS = ("o", "^", "s", "D")


def _status_bars(ax: Axes, rows: list[str], counts: Mapping[tuple[str, str], int]) -> None:
    left = [0.0] * len(rows)
    totals = [sum(float(counts.get((r, st), 0)) for st in _STATUS_COLOURS) for r in rows]
    biggest = max(totals) if totals else 1.0
    for status, colour in _STATUS_COLOURS.items():
        widths = [float(counts.get((r, status), 0)) for r in rows]
        if not any(widths):
            continue
        bars = ax.barh(range(len(rows)), widths, left=left, color=colour, label=status, height=0.7)
        ax.bar_label(
            bars,
            labels=[str(int(w)) if w >= 0.06 * biggest else "" for w in widths],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)


def plot_achievement(
    achievement: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    reported: str | None = None,
    recomputed: list[str] | None = None,
) -> Figure:
    """Targets met by level-1 indicator, and reported against re-computed scores.

    Parameters
    ----------
    achievement : pandas.DataFrame
        The achievement table of :mod:`evalkit.analysis`: ``report_id``, ``level1``, ``met``
        (boolean, missing where it cannot be judged) and, for the second panel, the score
        the report gave each row and one or more re-computed scores.
    reports : pandas.DataFrame, optional
        The reports table, for department names.
    reported : str, optional
        Column of the reported score; default the first present of
        :data:`REPORTED_SCORE_COLUMNS` (``score_reported``, ``score``).
    recomputed : list of str, optional
        Columns of re-computed scores; default those of :data:`RECOMPUTED_SCORE_COLUMNS`
        present (``recomputed_score``, ``national_score``, ``rule_score``).

    Returns
    -------
    matplotlib.figure.Figure
        Left: indicator rows per report and level-1 indicator, stacked by 达成 / 未达成 /
        无法判断. Right (when some row has a reported and a re-computed score): one point
        per indicator row, reported score across, re-computed score up, in 分; points on
        the dashed diagonal agree.

    Raises
    ------
    ValueError
        If a column is missing or the table is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_achievement
    >>> achievement = pd.DataFrame({
    ...     "report_id": ["r1"] * 3, "level1": ["产出指标", "产出指标", "效益指标"],
    ...     "met": pd.array([True, False, None], dtype="boolean"),
    ...     "score": [10.0, 8.0, 5.0], "recomputed_score": [10.0, 6.5, None]})
    >>> fig = plot_achievement(achievement)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['指标数（个）', '自评得分（分）']
    >>> fig.axes[1].get_legend().get_texts()[0].get_text()
    '复核得分（2 项）'
    """
    import pandas as pd

    df = _require(achievement, ["report_id", "level1", "met"], "achievement").copy()
    if df.empty:
        raise ValueError("achievement: empty table")
    df["report_id"] = df["report_id"].astype(str)
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    level1 = df["level1"].astype("string").str.strip().fillna("").replace("", "（未分级）")
    df["row"] = [f"{labels[r]}\n{lv}" for r, lv in zip(df["report_id"], level1, strict=True)]
    met = df["met"].astype("boolean")
    df["_status"] = met.map({True: "达成", False: "未达成"}).astype("string").fillna("无法判断")
    rows = sorted(df["row"].unique())
    counts = df.groupby(["row", "_status"]).size().to_dict()

    reported = reported or next((c for c in REPORTED_SCORE_COLUMNS if c in df.columns), None)
    if recomputed is None:
        recomputed = [c for c in RECOMPUTED_SCORE_COLUMNS if c in df.columns]
    pairs = []
    if reported in df.columns:
        x_all = _numeric(df[reported])
        for col in recomputed:
            y_all = _numeric(df[col])
            keep = x_all.notna() & y_all.notna()
            if keep.any():
                pairs.append((RECOMPUTED_SCORE_COLUMNS.get(col, col), x_all[keep], y_all[keep]))

    with house_style():
        ncols = 2 if pairs else 1
        fig = _new_figure(6.5 * ncols, max(4.5, 1.6 + 0.42 * len(rows)))
        axes = fig.subplots(1, ncols, squeeze=False, width_ratios=[1.2, 1][:ncols])[0]
        _status_bars(axes[0], rows, counts)
        axes[0].set_title("目标达成情况")
        axes[0].set_xlabel("指标数（个）")
        _legend_right(axes[0])
        notes = "注：按目标值的运算符（≥、≤、=、定性等）判定是否达成；缺实际值或单位无法核对的记为无法判断。"
        if pairs:
            ax = axes[1]
            top = max(max(float(x.max()), float(y.max())) for _, x, y in pairs)
            top = top * 1.08 if top > 0 else 1.0
            low = -0.04 * top
            ax.plot([0, top], [0, top], color="#333333", linewidth=1, linestyle="--")
            for k, (label, x, y) in enumerate(pairs):
                # Rows with the same pair of scores are drawn once, sized by their number.
                same = (
                    pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()})
                    .value_counts()
                    .sort_index()
                    .reset_index(name="n")
                )
                ax.scatter(
                    same["x"],
                    same["y"],
                    s=28 + 14 * (same["n"] - 1),
                    alpha=0.65,
                    marker=_MARKERS[k % len(_MARKERS)],
                    color=_PALETTE[k],
                    edgecolors="none",
                    label=f"{label}（{len(x)} 项）",
                )
            ax.set_xlim(low, top)
            ax.set_ylim(low, top)
            ax.set_aspect("equal", adjustable="box")
            ax.set_title("自评得分与复核得分（每点一个指标）")
            ax.set_xlabel("自评得分（分）")
            ax.set_ylabel("复核得分（分）")
            ax.legend(loc="upper left")
            notes += (
                "右图虚线上的点复核与自评一致，点越大指标越多；"
                "国家规则指财预〔2020〕10号的计分办法。"
            )
        fig.suptitle("绩效指标达成与复核评分", fontsize=13)
        return _finish(fig, _source_note(df["report_id"].nunique(), notes))


def plot_findings(
    findings: pd.DataFrame,
    reports: pd.DataFrame | None = None,
) -> Figure:
    """Number of audit findings by rule, stacked by severity.

    Parameters
    ----------
    findings : pandas.DataFrame
        The findings table of :mod:`evalkit.analysis`: ``report_id``, ``rule`` and
        optionally ``severity`` (error/warning/info or their Chinese names).
    reports : pandas.DataFrame, optional
        Unused except for the count of reports in the source note (all reports checked,
        including those without findings).

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal stacked bars, one per rule, in 条.

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
    """
    df = _require(findings, ["report_id", "rule"], "findings").copy()
    if df.empty:
        raise ValueError("findings: empty table")
    if "severity" in df.columns:
        sev = df["severity"].astype("string").str.strip()
        df["sev"] = [
            "未分级" if _isna(s) or not s else _SEVERITY_LABELS.get(str(s).lower(), str(s))
            for s in sev
        ]
    else:
        df["sev"] = "未分级"
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
        fig = _new_figure(8.0, 1.5 + 0.4 * len(rules))
        ax = fig.add_subplot()
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
        ax.set_title("审核发现（按规则）")
        ax.set_xlabel("发现数（条）")
        _legend_right(ax, "严重程度")
        note = _source_note(
            n_reports, "注：发现为报告内部的不一致或可疑之处，需对照原文行号逐条核实。"
        )
        return _finish(fig, note)


#: Stages of the budget table, in the order :func:`plot_budget_structure` prefers them.
_STAGES = ("决算", "调整预算", "年初预算")
_STRUCTURE_PARTS = {
    "支出结构": ("基本支出", "项目支出"),
    "基本支出构成": ("人员经费", "公用经费"),
}
_PART_COLOURS = {
    "基本支出": "#1f5a96",
    "项目支出": "#e07b39",
    "人员经费": "#3a9a5b",
    "公用经费": "#8172b3",
}


def _stacked_shares(
    ax: Axes, rows: list[str], parts: tuple[str, str], values: Mapping[tuple[str, str], float]
) -> None:
    """100% stacked horizontal bars; each segment labelled with its share and amount."""
    left = [0.0] * len(rows)
    for part in parts:
        shares, labels = [], []
        for row in rows:
            total = sum(values[(row, p)] for p in parts)
            v = values[(row, part)]
            share = 100 * v / total if total else 0.0
            shares.append(share)
            labels.append(f"{share:.1f}%\n{_fmt(v, 2)}" if share >= 12 else "")
        bars = ax.barh(
            range(len(rows)), shares, left=left, color=_PART_COLOURS[part], label=part, height=0.7
        )
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=8, color="white")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.grid(axis="y", visible=False)


def plot_budget_structure(
    budget: pd.DataFrame,
    reports: pd.DataFrame | None = None,
) -> Figure:
    """Budget structure per report and scope: basic vs project, personnel vs public funds.

    Parameters
    ----------
    budget : pandas.DataFrame
        The budget table: ``report_id``, ``scope``, ``stage``, ``item``, ``amount_wan``.
    reports : pandas.DataFrame, optional
        The reports table, for department names.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per pair of items with data (基本支出/项目支出, 人员经费/公用经费): 100%
        stacked bars, each segment labelled with its share and its amount in 万元. A row
        uses the final accounts (决算) where both items are stated there, else the adjusted,
        else the initial budget; the stage is named in the row label.

    Raises
    ------
    ValueError
        If a column is missing or no report states both items of a pair.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.plotting import plot_budget_structure
    >>> budget = pd.DataFrame({
    ...     "report_id": ["r1"] * 4, "scope": ["部门整体"] * 4,
    ...     "stage": ["决算", "决算", "决算", "决算"],
    ...     "item": ["基本支出", "项目支出", "人员经费", "公用经费"],
    ...     "amount_wan": [379.64, 174.84, 266.2, 24.1]})
    >>> fig = plot_budget_structure(budget)
    >>> [ax.get_title() for ax in fig.axes]
    ['支出结构', '基本支出构成']
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['未署名单位（r1）\\n部门整体·决算']
    """
    df = _require(budget, ["report_id", "scope", "stage", "item", "amount_wan"], "budget").copy()
    df["amount_wan"] = _numeric(df["amount_wan"])
    df["report_id"] = df["report_id"].astype(str)
    df = consensus(df, ["report_id", "scope", "stage", "item"], "amount_wan")
    labels = _report_labels(reports, sorted(df["report_id"].unique()))
    amounts = {
        (r, s, st, i): v
        for r, s, st, i, v in zip(
            df["report_id"], df["scope"], df["stage"], df["item"], df["amount_wan"], strict=True
        )
    }
    panels = []
    for title, parts in _STRUCTURE_PARTS.items():
        rows, values = [], {}
        for rid, scope in sorted({(r, s) for r, s, _, _ in amounts}):
            for stage in _STAGES:
                got = [amounts.get((rid, scope, stage, p)) for p in parts]
                if all(g is not None for g in got) and sum(got) > 0:
                    row = f"{labels[rid]}\n{scope}·{stage}"
                    rows.append(row)
                    values |= {(row, p): g for p, g in zip(parts, got, strict=True)}
                    break
        if rows:
            panels.append((title, parts, sorted(rows), values))
    if not panels:
        raise ValueError("budget: no report states both items of a pair")
    n_rows = max(len(p[2]) for p in panels)
    with house_style():
        fig = _new_figure(6.5 * len(panels), 1.8 + 0.55 * n_rows)
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, (title, parts, rows, values) in zip(axes, panels, strict=True):
            _stacked_shares(ax, rows, parts, values)
            ax.set_title(title)
            ax.set_xlabel("占比（%）")
            _legend_right(ax)
        fig.suptitle("预算支出结构", fontsize=13)
        note = _source_note(
            len({r for r, *_ in amounts}),
            "注：段内数字为占比和金额（万元）；优先取决算数，无则取调整预算、年初预算。",
        )
        return _finish(fig, note)


#: Tables counted by :func:`plot_overview` (named in Chinese by :func:`evalkit.fields.table_label`).
OVERVIEW_TABLES = ("indicators", "budget", "enrollment", "funds", "rates", "staff", "assets", "procurement",
                   "residue", "findings")


def plot_overview(tables: Any, derived: Any = None) -> Figure:
    """Rows per table and report: what the corpus holds, and what was left unplaced.

    Parameters
    ----------
    tables : mapping or object
        The reader's tables by name (``reports`` and any of ``indicators``, ``budget``,
        ``enrollment``, ``funds``, ``rates``, ``residue``).
    derived : mapping or object, optional
        The analysis tables; ``findings`` is counted when present.

    Returns
    -------
    matplotlib.figure.Figure
        A grid of counts, one row per report, one column per table; the shade of a cell is
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
        fig = _new_figure(1.6 + 1.15 * len(columns) + 2.2, 1.8 + 0.5 * len(rows))
        ax = fig.add_subplot()
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
        ax.set_title("各报告提取行数（行）与检查发现（条）")
        note = _source_note(len(ids), "注：未归位内容为报告中出现但未归入任何表的数字或表格行。")
        return _finish(fig, note)


# --------------------------------------------------------------------------- saving


def save_chart(fig: Figure, stem: Path | str) -> list[Path]:
    """Save a figure as ``<stem>.png`` and ``<stem>.svg``.

    The SVG is byte-identical from run to run: matplotlib's id salt is fixed
    (``svg.hashsalt``), the date is left out (``metadata={'Date': None}``) and text is
    written as paths. Parent folders are created.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    stem : pathlib.Path or str
        Path without suffix; ``.png`` and ``.svg`` are appended to its name.

    Returns
    -------
    list of pathlib.Path
        The PNG and the SVG written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from matplotlib.figure import Figure
    >>> from evalkit.plotting import save_chart
    >>> fig = Figure()
    >>> _ = fig.add_subplot().set_title("参保人数")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     first = save_chart(fig, Path(tmp) / "charts" / "demo")
    ...     svg = first[1].read_bytes()
    ...     again = save_chart(fig, Path(tmp) / "charts" / "demo")
    ...     [p.name for p in first], again[1].read_bytes() == svg
    (['demo.png', 'demo.svg'], True)
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png = stem.with_name(stem.name + ".png")
    svg = stem.with_name(stem.name + ".svg")
    with house_style():
        fig.savefig(png, format="png", metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None})
    logger.debug("saved %s and %s", png, svg)
    return [png, svg]


def _get(container: Any, name: str) -> pd.DataFrame | None:
    if container is None:
        return None
    if isinstance(container, Mapping):
        return container.get(name)
    return getattr(container, name, None)


def build_charts(tables: Any, derived: Any, out_dir: Path | str) -> list[Path]:
    """Make every chart the data allow and save each as PNG and SVG in *out_dir*.

    Parameters
    ----------
    tables : mapping or object
        The reader's tables by name (``reports``, ``enrollment``, ``funds``, ...), as a dict
        or an object with those attributes (a ``Corpus``).
    derived : mapping or object, optional
        The analysis tables by name (``execution``, ``achievement``, ``findings``).
    out_dir : pathlib.Path or str
        Folder for the files (created). Files are named after :data:`CHARTS`.

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
    for stem in CHARTS:
        func, table = plan[stem]
        if table is None or len(table) == 0:
            logger.info("chart %s skipped: no data", stem)
            continue
        try:
            fig = func(table, reports)
        except ValueError as exc:
            logger.info("chart %s skipped: %s", stem, exc)
            continue
        written += save_chart(fig, out / stem)
    logger.info("wrote %d chart files to %s", len(written), out)
    return written
