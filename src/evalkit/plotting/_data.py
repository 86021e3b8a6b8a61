"""Table helpers shared by the charts: checks, the consensus value, labels and years."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evalkit import vocab

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


def _get(container: Any, name: str) -> pd.DataFrame | None:
    if container is None:
        return None
    if isinstance(container, Mapping):
        return container.get(name)
    return getattr(container, name, None)
