"""Table helpers shared by the charts: checks, unit names, years and the as-of note.

The one-value-per-figure rule (:func:`evalkit.panel.consensus`) lives in :mod:`evalkit.panel`;
it is imported here for the charts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evalkit import vocab
from evalkit.panel import consensus

__all__ = ["SCHEME_ORDER", "consensus"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Schemes in the order tables and charts show them (others follow, sorted): ``vocab/scheme_list.csv``.
SCHEME_ORDER = vocab.schemes()


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


def _report_labels(reports: pd.DataFrame | None, report_ids: list[str]) -> dict[str, str]:
    """Map report_id to its unit's name (:func:`evalkit.panel.unit_labels`: short department
    name plus region, never the report id when the reports table is given)."""
    from evalkit.panel import unit_labels

    names: dict[str, str] = {}
    if reports is not None and "report_id" in reports.columns:
        labels = unit_labels(reports)  # (a column it lacks reads as missing throughout)
        names = dict(zip(labels.index.tolist(), labels.tolist(), strict=True))
    return {rid: names.get(rid, f"未署名单位（{rid}）") for rid in report_ids}


def _as_of(reports: pd.DataFrame | None) -> str:
    """'数据截至：…' from the reports: the fiscal years and the latest report date ('' if none)."""
    import pandas as pd

    if reports is None:
        return ""
    text = ""
    if "fiscal_year" in reports.columns:
        years = pd.to_numeric(reports["fiscal_year"], errors="coerce").dropna().astype(int)
        if len(years):
            span = f"{years.max()}" if years.min() == years.max() else f"{years.min()}—{years.max()}"
            text = f"数据截至 {years.max()} 年度（{span} 年度报告）"
    if "report_date" in reports.columns:
        dates = pd.to_datetime(reports["report_date"], errors="coerce", format="mixed").dropna()
        if len(dates):
            text += ("，" if text else "数据截至") + f"最近报告日期 {dates.max():%Y-%m-%d}"
    return text


def _report_years(reports: pd.DataFrame | None) -> dict[str, int]:
    years: dict[str, int] = {}
    if reports is not None and {"report_id", "fiscal_year"} <= set(reports.columns):
        for rid, year in zip(reports["report_id"].tolist(), reports["fiscal_year"].tolist(), strict=True):
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


