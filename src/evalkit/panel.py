"""The cross-county panel: one row per unit and year, one value per figure.

Reports state a figure several times (summary, narrative, table) and evalkit's tables keep
every statement, so that the checks can compare them. Comparing units needs one value per
figure. This module holds the rule that picks it (:func:`consensus`), the names of units
(:func:`unit_labels`), the panel analysts compare (:func:`panel`) and two helpers the
notebooks use (:func:`year_over_year`, :func:`composition`).

The rule for one value per figure
---------------------------------
1. Statements whose value is missing (a head count written ``46.98人``) are left out.
2. For a figure about a year, statements of the report *about that year* (its fiscal year)
   win over statements of other reports (a 2024 report recalling its 2022 figure).
3. Among the rest, the value stated most often wins; a tie goes to the value stated first
   (in the order of the tables: report, then line).
4. Every figure keeps its sources (``report_id:line`` of every statement of the chosen
   value), how many statements there were and how many distinct values they gave.

Units
-----
A unit is a department in a region. Reports of one department in different years are the
same unit, so a unit with two years or more has a trend. A unit is named by its short
department name plus region (``临湘市医保事务中心``; the province and city are added in
parentheses when two units would otherwise share a name); a report naming no department is
named by its region, else by its title, else by its file name (``未署名单位（文件 x.txt）``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from evalkit import vocab

__all__ = [
    "FIGURES",
    "PANEL_SCHEMES",
    "SCHEME_PARTS",
    "composition",
    "consensus",
    "panel",
    "panel_figures",
    "unit_labels",
    "year_over_year",
]

logger = logging.getLogger(__name__)

_LEVEL_SUFFIX = vocab.words_pattern("(?:<<region_level_suffix>>)$")  # 湖北省 → 湖北

#: Schemes of the panel and of the briefing charts: the total and its two parts.
PANEL_SCHEMES = {"合计": "total", "职工医保": "employee", "居民医保": "resident"}

#: Parts of a scheme: never drawn beside their total, never added to it.
SCHEME_PARTS = {
    "职工医保": "合计",
    "居民医保": "合计",
    "职工医保统筹基金": "职工医保",
    "职工医保个人账户": "职工医保",
    "职工医保在职": "职工医保",
    "职工医保退休": "职工医保",
    "生育保险": "职工医保",
    "补充医疗保险": "职工医保",
    "资助参保": "居民医保",
}

_FLOWS = {"收入": "income", "支出": "expense", "结余": "balance"}
_SEVERITIES = {"错误": "error", "警告": "warning", "提示": "info"}

#: The figures of the panel: column name, Chinese label and unit of measure.
FIGURES: dict[str, tuple[str, str]] = {
    **{f"enrolled_{en}": (f"参保人数·{zh}", "人") for zh, en in PANEL_SCHEMES.items()},
    **{f"fund_{fen}_{en}": (f"基金{fzh}·{zh}", "万元")
       for zh, en in PANEL_SCHEMES.items() for fzh, fen in _FLOWS.items()},
    "budget_initial": ("年初预算", "万元"),
    "budget_adjusted": ("调整预算", "万元"),
    "budget_final": ("决算", "万元"),
    "rate_vs_initial": ("执行率·对年初预算", "%"),
    "rate_vs_adjusted": ("执行率·对调整预算", "%"),
    "rate_vs_available": ("执行率·对可用资金", "%"),
    "rate_stated": ("执行率·报告所列", "%"),
    "total_score": ("自评得分", "分"),
    "grade": ("自评等级", ""),
    **{f"findings_{en}": (f"检查发现·{zh}", "条") for zh, en in _SEVERITIES.items()},
}

_ID_COLUMNS = ["unit", "department", "province", "city", "county", "year"]


# --------------------------------------------------------------------------- one value per figure


def consensus(
    df: pd.DataFrame,
    keys: list[str],
    value: str,
    *,
    prefer: str | None = None,
    sources: bool = False,
) -> pd.DataFrame:
    """One value per key: the value stated most often, a tie going to the one stated first.

    Reports often state a figure several times (summary, narrative, table) and the reader's
    tables keep every statement; the checks compare them. A chart or a panel shows one
    value per quantity, chosen by this function (the rule is in the module's docstring).

    Parameters
    ----------
    df : pandas.DataFrame
        A table with the *keys* columns and a *value* column; rows with a missing value are
        ignored.
    keys : list of str
        Columns that name a quantity (e.g. ``['report_id', 'year', 'scheme']``).
    value : str
        The column of the figure.
    prefer : str, optional
        A boolean column: statements where it is true win over the others whatever their
        count (the panel marks the statements of the report about the figure's year).
    sources : bool, default False
        Add the columns ``n_statements`` (statements of the quantity), ``n_values``
        (distinct values among them) and ``sources`` (the ``source`` of every statement of
        the chosen value, joined by ``;``; *df* needs a ``source`` column).

    Returns
    -------
    pandas.DataFrame
        Columns *keys* + [*value*] (+ the three above), one row per key, in the order the
        chosen values are first stated.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.panel import consensus
    >>> df = pd.DataFrame({"year": [2024, 2024, 2024, 2022],
    ...                    "persons": [430100, 430600, 430100, 470300]})
    >>> consensus(df, ["year"], "persons")
       year  persons
    0  2024   430100
    1  2022   470300

    ``pivot_table(aggfunc="first")`` would keep the first statement whatever the others say:

    >>> budget = pd.DataFrame({"item": ["项目支出"] * 3, "amount_wan": [249.1, 1455.49, 1455.49],
    ...                        "source": ["r:12", "r:40", "r:88"]})
    >>> consensus(budget, ["item"], "amount_wan", sources=True).to_dict("records")
    [{'item': '项目支出', 'amount_wan': 1455.49, 'n_statements': 3, 'n_values': 2, 'sources': 'r:40;r:88'}]
    """
    extra = [c for c in ([prefer] if prefer else []) + (["source"] if sources else []) if c not in keys]
    d = df.loc[df[value].notna(), keys + [value] + extra].copy()
    out_columns = keys + [value] + (["n_statements", "n_values", "sources"] if sources else [])
    if d.empty:
        return pd.DataFrame({c: d[c] if c in d else pd.Series(dtype="object") for c in out_columns})[
            out_columns].reset_index(drop=True)
    d["_order"] = range(len(d))
    d["_pref"] = d[prefer].fillna(False).astype(bool) if prefer else False
    group = keys + [value]
    stats = d.groupby(group, sort=False, dropna=False).agg(
        _n=("_order", "size"), _first=("_order", "min"), _pref=("_pref", "max"))
    stats = stats.reset_index()
    stats = stats.sort_values(["_pref", "_n", "_first"], ascending=[False, False, True], kind="stable")
    chosen = stats.drop_duplicates(keys, keep="first").sort_values("_first", kind="stable")
    out = chosen[keys + [value]].reset_index(drop=True)
    if sources:
        per_key = d.groupby(keys, sort=False, dropna=False).agg(
            n_statements=("_order", "size"), n_values=(value, "nunique")).reset_index()
        out = out.merge(per_key, on=keys, how="left")
        src = d.merge(out[keys + [value]], on=keys + [value], how="inner")
        joined = src.groupby(keys + [value], sort=False, dropna=False)["source"].agg(
            lambda s: ";".join(dict.fromkeys(str(x) for x in s if pd.notna(x))))
        out = out.merge(joined.rename("sources").reset_index(), on=keys + [value], how="left")
        out["n_statements"] = out["n_statements"].astype("Int64")
        out["n_values"] = out["n_values"].astype("Int64")
    return out[out_columns]


# --------------------------------------------------------------------------- names of units

_SHORT = (("医疗保障事务中心", "医保事务中心"), ("医疗保障服务中心", "医保服务中心"),
          ("医疗保障局", "医保局"), ("医疗保障", "医保"))
_GENERIC_TITLE = vocab.words_pattern(r"(19|20)\d{2}\s*年度?|<<generic_title_word>>|[（()）\s]")


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


@functools.lru_cache(maxsize=4096)
def _place_forms(place: str) -> tuple[str, ...]:
    """A region's name and its name without its level (湖北省, 湖北): worked out once per
    region, which thousands of reports share."""
    return tuple(dict.fromkeys([place, _LEVEL_SUFFIX.sub("", place)]))


def _strip_region(name: str, province: str, city: str, county: str) -> str:
    """The department's name without the region it starts with (湖北省孝感市医疗保障局 → 医疗保障局)."""
    for place in (province, city, county):
        for form in _place_forms(place):
            if form and name.startswith(form) and len(name) > len(form):
                name = name[len(form):]
    return name


def _short_department(name: str) -> str:
    for long, short in _SHORT:
        name = name.replace(long, short)
    return name


def _texts(reports: pd.DataFrame, column: str) -> list[str]:
    """:func:`_text` of every value of a column ('' throughout when the column is absent),
    computed once per distinct value: a text column of 10 000 reports holds far fewer."""
    if column not in reports.columns:
        return [""] * len(reports)
    values = reports[column]
    if not isinstance(values.dtype, pd.StringDtype):  # (factorize would merge 1 and 1.0)
        return [_text(v) for v in values.tolist()]
    codes, uniques = pd.factorize(values)  # a missing value gets code -1, and so ''
    texts = [_text(v) for v in uniques.tolist()] + [""]
    return [texts[k] for k in codes.tolist()]


def _report_ids(reports: pd.DataFrame) -> list[str]:
    """Each report's id as text, as the table's records give it (a missing id of a nullable
    column is None there, and so 'None'); a text column without a missing id is read at once."""
    ids = reports["report_id"]
    if isinstance(ids.dtype, pd.StringDtype) and not ids.hasnans:
        return ids.tolist()
    return [str(r["report_id"]) for r in reports[["report_id"]].to_dict("records")]


def _unit_name(key: tuple, place: str, title: str, file: str) -> str:
    """A report's unit name before two units with one name are told apart (see unit_labels)."""
    if key[0] == "unit":
        short = _short_department(key[1])
        return short if place and short.startswith(place) else f"{place}{short}"
    if place:
        return f"{place}（单位未署名）"
    if title and len(_GENERIC_TITLE.sub("", title)) >= 2:
        return f"未署名单位（{title}）"
    return f"未署名单位（文件 {file or key[1]}）"


def unit_labels(reports: pd.DataFrame) -> pd.Series:
    """The unit of each report, named by a short department name plus region.

    Reports of one department in one region (in different years) get the same name, so a
    unit's years line up. The region is the most specific one known (county, else city,
    else province); when two units would share a name, the province and city are added in
    parentheses. A report naming no department is named by its region (``XX县（单位未署名）``),
    else by its title when the title says more than the kind of report, else by its file
    name (``未署名单位（文件 004.txt）``). A report id is never used as a name.

    Parameters
    ----------
    reports : pandas.DataFrame
        The reports table: ``report_id``, ``department``, ``province``, ``city``,
        ``county`` and, for reports without a department, ``title`` and ``source_file``.

    Returns
    -------
    pandas.Series
        The unit's name, indexed by ``report_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({
    ...     "report_id": ["a", "b", "c", "d"],
    ...     "department": ["临湘市医疗保障事务中心", "临湘市医疗保障事务中心", "湖北省孝感市医疗保障局", None],
    ...     "province": ["湖南省", "湖南省", "湖北省", None], "city": ["岳阳市", "岳阳市", "孝感市", None],
    ...     "county": ["临湘市", "临湘市", None, None],
    ...     "title": [None, None, None, "2023年度部门整体支出绩效自评报告"],
    ...     "source_file": ["a.txt", "b.txt", "c.txt", "004.txt"]})
    >>> unit_labels(reports).tolist()
    ['临湘市医保事务中心', '临湘市医保事务中心', '孝感市医保局', '未署名单位（文件 004.txt）']
    """
    ids = _report_ids(reports)
    rid, dept, province, city, county, title, file = (
        _texts(reports, c) for c in ("report_id", "department", "province", "city", "county", "title",
                                     "source_file"))
    # Reports of one unit share their key and name: each is worked out once per unit.
    units: dict[tuple, tuple[tuple, str]] = {}
    keys: list[tuple] = []
    names: list[str] = []
    for i, d in enumerate(dept):
        region = (province[i], city[i], county[i])
        place = county[i] or city[i] or province[i]
        if d:
            got = units.get((d, region))
            if got is None:
                key = ("unit", _strip_region(d, *region), *region)
                got = units[(d, region)] = (key, _unit_name(key, place, "", ""))
            key, name = got
        else:
            key = ("report", rid[i])
            name = _unit_name(key, place, title[i], file[i])
        keys.append(key)
        names.append(name)
    # Two units with one name: add the larger region; the same unit keeps one name.
    by_name: dict[str, set] = {}
    for name, key in zip(names, keys, strict=True):
        by_name.setdefault(name, set()).add(key)
    out = []
    for i, name in enumerate(names):
        if len(by_name[name]) > 1:
            wider = "".join(t for t in (province[i], city[i]) if t not in name)
            name = f"{name}（{wider or file[i] or rid[i]}）"
        out.append(name)
    return pd.Series(out, index=pd.Index(ids, name="report_id"), name="unit", dtype="str")


# --------------------------------------------------------------------------- the panel


def _get(tables: Any, name: str) -> pd.DataFrame | None:
    if tables is None:
        return None
    if isinstance(tables, Mapping):
        return tables.get(name)
    return getattr(tables, name, None)


def _reports_frame(tables: Any) -> pd.DataFrame:
    reports = _get(tables, "reports")
    if reports is None or "report_id" not in reports.columns:
        raise ValueError("panel: the tables have no reports table")
    reports = reports.copy()
    for c in ("department", "province", "city", "county", "title", "source_file", "fiscal_year",
              "total_score", "grade"):
        if c not in reports.columns:
            reports[c] = pd.NA
    reports["report_id"] = reports["report_id"].astype(str)
    reports["unit"] = unit_labels(reports).to_numpy()
    return reports


def _figure_rows(frame: pd.DataFrame | None, figure_of, year_col: str, value: str,
                 reports: pd.DataFrame) -> pd.DataFrame:
    """Statements of a table as (unit, year, figure, value, source, own) rows."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["unit", "year", "figure", "value", "source", "own"])
    d = frame.copy()
    d["report_id"] = d["report_id"].astype(str)
    d["figure"] = figure_of(d)
    d = d[d["figure"].notna()]
    info = reports.set_index("report_id")
    d["unit"] = d["report_id"].map(info["unit"])
    fiscal = pd.to_numeric(d["report_id"].map(info["fiscal_year"]), errors="coerce")
    year = pd.to_numeric(d[year_col], errors="coerce") if year_col in d else fiscal
    d["year"] = year.fillna(fiscal).astype("Int64")
    d["own"] = (d["year"] == fiscal).fillna(False).astype(bool)
    d["value"] = pd.to_numeric(d[value], errors="coerce").astype("Float64")
    if "source" not in d:
        d["source"] = d["report_id"]
    return d[["unit", "year", "figure", "value", "source", "own"]]


def panel_figures(tables: Any, derived: Any = None) -> pd.DataFrame:
    """Every figure of the panel with the value chosen, the rule and its sources (long form).

    Parameters
    ----------
    tables : mapping or Corpus
        The reader's tables (``reports``, ``enrollment``, ``funds``; ``reports`` is needed).
    derived : mapping, optional
        The analysis tables (``execution``, ``findings``); computed by
        :func:`evalkit.analysis.derive` when not given.

    Returns
    -------
    pandas.DataFrame
        One row per unit, year and figure: ``unit``, ``year``, ``figure`` (a column of
        :func:`panel`, see :data:`FIGURES`), ``label`` (Chinese), ``value``, ``measure``
        (the unit of measure), ``rule`` (众数 the value stated most often; 本年度报告 a
        statement of the report about that year won; 计算 computed from other figures;
        分析表 taken from the analysis tables), ``n_statements``, ``n_values`` and
        ``sources``.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"report_id": ["r"], "department": ["临湘市医疗保障事务中心"],
    ...     "province": ["湖南省"], "city": ["岳阳市"], "county": ["临湘市"], "fiscal_year": [2024]})
    >>> funds = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3,
    ...     "scheme": ["职工医保"] * 3, "flow": ["支出", "支出", "收入"],
    ...     "amount_wan": [16000.0, 17558.29, 15500.0], "source": ["r:1", "r:9", "r:1"]})
    >>> f = panel_figures({"reports": reports, "funds": funds}, derived={})
    >>> f[["figure", "value", "rule", "sources"]].to_dict("records")[:2]
    [{'figure': 'fund_income_employee', 'value': 15500.0, 'rule': '本年度报告', 'sources': 'r:1'}, {'figure': 'fund_expense_employee', 'value': 16000.0, 'rule': '本年度报告·首次', 'sources': 'r:1'}]
    """
    reports = _reports_frame(tables)
    if derived is None:
        from evalkit.analysis import derive

        derived = derive({name: _get(tables, name) for name in
                          ("reports", "indicators", "budget", "rates", "enrollment", "funds")
                          if _get(tables, name) is not None})
    parts = []

    enrollment = _get(tables, "enrollment")
    if enrollment is not None and {"scheme", "persons"} <= set(enrollment.columns):
        parts.append(_figure_rows(
            enrollment, lambda d: d["scheme"].map(lambda s: f"enrolled_{PANEL_SCHEMES[s]}"
                                                  if s in PANEL_SCHEMES else None),
            "year", "persons", reports))
    funds = _get(tables, "funds")
    if funds is not None and {"scheme", "flow", "amount_wan"} <= set(funds.columns):
        def fund_figure(d):
            return [f"fund_{_FLOWS[f]}_{PANEL_SCHEMES[s]}" if s in PANEL_SCHEMES and f in _FLOWS else None
                    for s, f in zip(d["scheme"], d["flow"], strict=True)]
        parts.append(_figure_rows(funds, fund_figure, "year", "amount_wan", reports))
    statements = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=["unit", "year", "figure", "value", "source", "own"])
    chosen = consensus(statements, ["unit", "year", "figure"], "value", prefer="own", sources=True)
    if len(chosen):
        own = statements.groupby(["unit", "year", "figure"])["own"].any().rename("_own").reset_index()
        chosen = chosen.merge(own, on=["unit", "year", "figure"], how="left")
        chosen["rule"] = [
            ("本年度报告" if o else "众数") + ("·首次" if nv > 1 and _tied(statements, u, y, f) else "")
            for u, y, f, o, nv in zip(chosen["unit"], chosen["year"], chosen["figure"], chosen["_own"],
                                      chosen["n_values"], strict=True)
        ]
        chosen = chosen.drop(columns="_own")
    rows = [chosen]
    rows.append(_balances(chosen))
    rows.append(_from_execution(_get(derived, "execution"), reports))
    rows.append(_from_reports(reports))
    rows.append(_from_findings(_get(derived, "findings"), reports))
    out = pd.concat([r for r in rows if r is not None and len(r)], ignore_index=True) if any(
        r is not None and len(r) for r in rows) else pd.DataFrame(
        columns=["unit", "year", "figure", "value", "n_statements", "n_values", "sources", "rule"])
    out["label"] = out["figure"].map(lambda f: FIGURES[f][0])
    out["measure"] = out["figure"].map(lambda f: FIGURES[f][1])
    order = {f: i for i, f in enumerate(FIGURES)}
    out["_o"] = out["figure"].map(order)
    out = out.sort_values(["unit", "year", "_o"], kind="stable").drop(columns="_o")
    columns = ["unit", "year", "figure", "label", "value", "measure", "rule", "n_statements", "n_values",
               "sources"]
    out = out[columns].reset_index(drop=True)
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    for c in ("n_statements", "n_values"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    return out


def _tied(statements: pd.DataFrame, unit, year, figure) -> bool:
    """Whether the most stated values of a figure tie (the first stated won)."""
    s = statements[(statements["unit"] == unit) & (statements["year"] == year) & (statements["figure"] == figure)]
    if s["own"].any():
        s = s[s["own"]]
    counts = s["value"].value_counts()
    return len(counts) > 1 and counts.iloc[0] == counts.iloc[1]


def _balances(chosen: pd.DataFrame) -> pd.DataFrame | None:
    """Balance = income − expense where a report states both and no balance."""
    if chosen is None or chosen.empty:
        return None
    wide = chosen.pivot_table(index=["unit", "year"], columns="figure", values="value", aggfunc="first")
    src = chosen.set_index(["unit", "year", "figure"])["sources"]
    rows = []
    for en in PANEL_SCHEMES.values():
        inc, exp, bal = f"fund_income_{en}", f"fund_expense_{en}", f"fund_balance_{en}"
        if inc not in wide or exp not in wide:
            continue
        for (unit, year), r in wide.iterrows():
            if pd.notna(r[inc]) and pd.notna(r[exp]) and (bal not in wide or pd.isna(r.get(bal))):
                rows.append({"unit": unit, "year": year, "figure": bal, "value": float(r[inc] - r[exp]),
                             "rule": "计算（收入−支出）", "n_statements": 0, "n_values": 0,
                             "sources": ";".join([src[(unit, year, inc)], src[(unit, year, exp)]])})
    return pd.DataFrame(rows) if rows else None


def _from_execution(execution: pd.DataFrame | None, reports: pd.DataFrame) -> pd.DataFrame | None:
    if execution is None or execution.empty:
        return None
    ex = execution.copy()
    if "scope" in ex:
        ex = ex[ex["scope"].fillna("部门整体") == "部门整体"]
    ex["report_id"] = ex["report_id"].astype(str)
    info = reports.set_index("report_id")
    columns = {"initial_total": "budget_initial", "adjusted_total": "budget_adjusted",
               "final_total": "budget_final", "rate_vs_initial": "rate_vs_initial",
               "rate_vs_adjusted": "rate_vs_adjusted", "rate_vs_available": "rate_vs_available",
               "rate_stated": "rate_stated"}
    rows = []
    for rec in ex.to_dict("records"):
        rid = rec["report_id"]
        if rid not in info.index:
            continue
        year = rec.get("fiscal_year")
        year = info.at[rid, "fiscal_year"] if year is None or pd.isna(year) else year
        for col, figure in columns.items():
            v = rec.get(col)
            if v is None or pd.isna(v):
                continue
            where = rec.get("rate_stated_source") if col == "rate_stated" else rec.get("sources")
            rows.append({"unit": info.at[rid, "unit"], "year": year, "figure": figure, "value": float(v),
                         "rule": "分析表（execution）", "n_statements": pd.NA, "n_values": pd.NA,
                         "sources": _text(where)})
    return pd.DataFrame(rows) if rows else None


def _from_reports(reports: pd.DataFrame) -> pd.DataFrame | None:
    rows = []
    for rec in reports.to_dict("records"):
        for col in ("total_score", "grade"):
            v = rec.get(col)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            rows.append({"unit": rec["unit"], "year": rec["fiscal_year"], "figure": col,
                         "value": v if col == "grade" else float(v), "rule": "报告所列",
                         "n_statements": 1, "n_values": 1, "sources": rec["report_id"]})
    return pd.DataFrame(rows) if rows else None


def _from_findings(findings: pd.DataFrame | None, reports: pd.DataFrame) -> pd.DataFrame | None:
    rows = []
    info = reports.set_index("report_id")
    for rid in reports["report_id"]:  # a report checked without findings counts 0
        got = findings[findings["report_id"].astype(str) == rid] if findings is not None and len(findings) else None
        for zh, en in _SEVERITIES.items():
            n = 0 if got is None else int((got["severity"] == zh).sum())
            rows.append({"unit": info.at[rid, "unit"], "year": info.at[rid, "fiscal_year"],
                         "figure": f"findings_{en}", "value": float(n), "rule": "计数",
                         "n_statements": pd.NA, "n_values": pd.NA, "sources": rid})
    out = pd.DataFrame(rows)
    if out.empty:
        return None
    # Two reports of one unit and year: their findings add up.
    agg = out.groupby(["unit", "year", "figure"], sort=False, dropna=False).agg(
        value=("value", "sum"), sources=("sources", ";".join)).reset_index()
    agg["rule"] = "计数"
    return agg


def panel(tables: Any, derived: Any = None) -> pd.DataFrame:
    """The cross-county panel: one row per unit and year, one value per figure.

    Parameters
    ----------
    tables : mapping or Corpus
        The reader's tables (``reports`` is needed; ``enrollment`` and ``funds`` are used).
    derived : mapping, optional
        The analysis tables (``execution``, ``findings``); computed when not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit`` (short department name plus region, see :func:`unit_labels`),
        ``department``, ``province``, ``city``, ``county``, ``year``, ``report_ids`` (the
        reports the row's figures come from) and one column per figure of :data:`FIGURES`:
        enrollment by scheme (``enrolled_total`` / ``_employee`` / ``_resident``, persons),
        fund income, expense and balance by scheme (万元; a balance not stated is income −
        expense), the budget by stage (``budget_initial`` / ``_adjusted`` / ``_final``, 万元,
        部门整体), the execution rate on each denominator (%), ``total_score`` and
        ``grade``, and findings by severity (``findings_error`` / ``_warning`` / ``_info``).
        Each value is chosen by the rule of this module; :func:`panel_figures` gives the
        same figures in long form with the rule applied and their sources.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({
    ...     "report_id": ["a", "b"], "department": ["临湘市医疗保障事务中心"] * 2,
    ...     "province": ["湖南省"] * 2, "city": ["岳阳市"] * 2, "county": ["临湘市"] * 2,
    ...     "fiscal_year": [2023, 2024], "total_score": [92.0, 96.0], "grade": ["优", "优"]})
    >>> enrollment = pd.DataFrame({"report_id": ["a", "b", "b"], "year": [2023, 2023, 2024],
    ...     "scheme": ["合计"] * 3, "persons": [469800, 470000, 430100], "source": ["a:5", "b:7", "b:8"]})
    >>> p = panel({"reports": reports, "enrollment": enrollment}, derived={})
    >>> p[["unit", "year", "enrolled_total", "total_score"]].to_dict("records")
    [{'unit': '临湘市医保事务中心', 'year': 2023, 'enrolled_total': 469800.0, 'total_score': 92.0}, {'unit': '临湘市医保事务中心', 'year': 2024, 'enrolled_total': 430100.0, 'total_score': 96.0}]
    """
    reports = _reports_frame(tables)
    figures = panel_figures(tables, derived)
    numeric = figures[figures["figure"] != "grade"]
    index = pd.MultiIndex.from_frame(figures[["unit", "year"]].drop_duplicates())
    wide = numeric.pivot_table(index=["unit", "year"], columns="figure", values="value",
                               aggfunc="first") if len(numeric) else pd.DataFrame()
    wide = wide.reindex(index)
    wide = wide.reindex(columns=[f for f in FIGURES if f != "grade"]).astype("Float64")
    grade = figures[figures["figure"] == "grade"].set_index(["unit", "year"])["value"]
    wide["grade"] = grade.groupby(level=[0, 1]).first().reindex(wide.index).astype("str") \
        if len(grade) else pd.Series(pd.NA, index=wide.index, dtype="str")
    wide = wide.reset_index()
    ids = reports.drop_duplicates("unit").set_index("unit")[["department", "province", "city", "county"]]
    wide = wide.join(ids, on="unit")
    used = figures.assign(_r=figures["sources"].fillna("").str.split(";")).explode("_r")
    used["_r"] = used["_r"].str.split(":").str[0]
    known = set(reports["report_id"])
    used = used[used["_r"].isin(known)]
    rid = used.groupby(["unit", "year"])["_r"].agg(lambda s: ";".join(sorted(set(s))))
    wide["report_ids"] = [rid.get((u, y), "") for u, y in zip(wide["unit"], wide["year"], strict=True)]
    wide["year"] = pd.to_numeric(wide["year"], errors="coerce").astype("Int64")
    columns = _ID_COLUMNS + ["report_ids"] + list(FIGURES)
    wide = wide[columns].sort_values(["unit", "year"], kind="stable").reset_index(drop=True)
    for c in ("department", "province", "city", "county", "report_ids", "unit"):
        wide[c] = wide[c].astype("str")
    wide.columns.name = None
    return wide


# --------------------------------------------------------------------------- helpers for tables


def year_over_year(df: pd.DataFrame, value: str, *, by: str | list[str] = "unit", year: str = "year"
                   ) -> pd.DataFrame:
    """Change of a figure from the previous year the same unit has a value for.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit and year (the :func:`panel`, or any table with *by*, *year* and
        *value* columns).
    value : str
        The column of the figure.
    by : str or list of str, default 'unit'
        The columns naming a unit.
    year : str, default 'year'

    Returns
    -------
    pandas.DataFrame
        *by*, *year*, *value*, ``prev_year`` (the previous year with a value: a year whose
        figure is missing is skipped), ``prev_value``, ``change`` and ``change_pct``
        (change ÷ previous × 100), for the rows where *value* is present.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": ["临湘市医保事务中心"] * 3, "year": [2022, 2023, 2024],
    ...                    "enrolled_total": [470300, None, 430100]})
    >>> year_over_year(df, "enrolled_total")[["year", "prev_year", "change", "change_pct"]].to_dict("records")
    [{'year': 2022, 'prev_year': None, 'change': None, 'change_pct': None}, {'year': 2024, 'prev_year': 2022, 'change': -40200.0, 'change_pct': -8.55}]
    """
    by = [by] if isinstance(by, str) else list(by)
    d = df.loc[df[value].notna(), by + [year, value]].copy()
    d[value] = pd.to_numeric(d[value], errors="coerce").astype("Float64")
    d = d.sort_values(by + [year], kind="stable")
    grouped = d.groupby(by, sort=False)
    d["prev_year"] = grouped[year].shift().astype("Int64")
    d["prev_value"] = grouped[value].shift()
    d["change"] = d[value] - d["prev_value"]
    d["change_pct"] = (d["change"] / d["prev_value"].where(d["prev_value"] != 0) * 100).round(2)
    d[year] = d[year].astype("Int64")
    return d.reset_index(drop=True)


def composition(df: pd.DataFrame, parts: Iterable[str], total: str, *, digits: int | None = 2
                ) -> pd.DataFrame:
    """Each part as a share (%) of its total, and the parts' sum as a share of it.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with the *parts* and *total* columns (e.g. the panel's ``enrolled_employee``,
        ``enrolled_resident`` and ``enrolled_total``).
    parts : iterable of str
    total : str
    digits : int or None, default 2
        Rounding of the shares (None: none).

    Returns
    -------
    pandas.DataFrame
        One column ``<part>_share`` per part and ``parts_share`` (their sum, where all parts
        are present): 100 when the parts make up the total, another value when the report's
        parts and total disagree. Same index as *df*.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"enrolled_total": [430100], "enrolled_employee": [35800],
    ...                    "enrolled_resident": [394300]})
    >>> composition(df, ["enrolled_employee", "enrolled_resident"], "enrolled_total").to_dict("records")
    [{'enrolled_employee_share': 8.32, 'enrolled_resident_share': 91.68, 'parts_share': 100.0}]
    """
    parts = list(parts)
    whole = pd.to_numeric(df[total], errors="coerce").astype("Float64")
    whole = whole.where(whole != 0)
    out = pd.DataFrame(index=df.index)
    for p in parts:
        out[f"{p}_share"] = pd.to_numeric(df[p], errors="coerce").astype("Float64") / whole * 100
    shares = out[[f"{p}_share" for p in parts]]
    out["parts_share"] = shares.sum(axis=1, min_count=len(parts)).where(shares.notna().all(axis=1))
    return out.round(digits) if digits is not None else out
