"""House style: the CJK font, matplotlib settings, colours, the figure frame and saving.

matplotlib and seaborn are imported inside the functions, so importing this module does not
import them, and nothing here changes matplotlib's global settings unless
:func:`use_house_style` is called explicitly (a notebook may do so once at the top).

The font: a CJK font already installed on the system is preferred (``Noto Sans CJK SC``,
``Source Han Sans SC``, ``WenQuanYi Zen Hei``, ...); otherwise ``NotoSansCJKsc-Regular.otf``
from the ``mplfonts`` package is registered with matplotlib's font manager. Figures are built
with ``matplotlib.figure.Figure`` directly, not through pyplot, so building charts in a loop
keeps no global figure state.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
_SEVERITY_COLOURS = {"错误": "#c44e52", "警告": "#e07b39", "提示": "#1f5a96"}

_SOURCE = "资料来源：{n} 份预算绩效报告，evalkit 提取整理"
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
    # 1 % of the height above the bottom edge, at most 0.1 inch: under a tall figure (a
    # capped chart of many rows) 1 % would lift the note into the axes' labels.
    bottom = min(0.01, 0.1 / height_in)
    fig.text(0.01, bottom, note, ha="left", va="bottom", fontsize=_NOTE_FONTSIZE, color="#555555")
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


def _source_note(n_reports: int, *extra: str, as_of: str = "") -> str:
    head = _SOURCE.format(n=n_reports) + (f"；{as_of}" if as_of else "")
    parts = [head] + [e for e in extra if e]
    return "\n".join(parts)


def _canvas(ax: Axes | None, width: float, height: float) -> tuple[Any, Axes, bool]:
    """(figure, axes, made here): a new figure with one axes, or the axes given."""
    if ax is not None:
        return ax.figure, ax, False
    fig = _new_figure(width, height)
    return fig, fig.add_subplot(), True


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


def _legend_right(ax: Axes, title: str | None = None) -> None:
    """Legend outside the axes, right of them (constrained layout makes room)."""
    ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


# --------------------------------------------------------------------------- saving


def save_chart(fig: Figure, stem: Path | str, *, editable_text: bool = False) -> list[Path]:
    """Save a figure as ``<stem>.png`` and ``<stem>.svg``.

    The SVG is byte-identical from run to run: matplotlib's id salt is fixed
    (``svg.hashsalt``) and the date is left out (``metadata={'Date': None}``). Parent
    folders are created.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    stem : pathlib.Path or str
        Path without suffix; ``.png`` and ``.svg`` are appended to its name.
    editable_text : bool, default False
        Write the SVG's text as text (``svg.fonttype='none'``), editable in WPS, PowerPoint
        or Inkscape, which then draw it in the font named (the house CJK font, or the
        viewer's substitute). By default text is written as paths: it looks the same
        everywhere but cannot be edited.

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
    import matplotlib as mpl

    with house_style():
        fig.savefig(png, format="png", metadata={"Software": None})
        with mpl.rc_context({"svg.fonttype": "none" if editable_text else "path"}):
            fig.savefig(svg, format="svg", metadata={"Date": None})
    logger.debug("saved %s and %s", png, svg)
    return [png, svg]
