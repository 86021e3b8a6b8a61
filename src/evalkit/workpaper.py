"""The audit workbook: evalkit's tables and checks as one Excel file an auditor can sign off.

:func:`write_workpaper` writes a cover sheet (what the workbook is, when and with which evalkit
version it was made, the input reports with their sha256, the command that reproduces it),
the findings, the execution rates and the indicator achievement with re-scoring, one sheet
per data table, and a sheet explaining every column.

Every sheet has Chinese headers (from ``vocab/column_labels.csv``), a frozen header row, an
autofilter, column widths fitted to the contents and number formats (万元 with two decimals,
persons as whole numbers, percentages). Every figure keeps its ``source`` column
(``<report_id>:<line>``), and a finding links to the rows it concerns. Text that starts with
``=``, ``+``, ``-`` or ``@`` (targets such as ``=100%``) is stored as text, never as a formula.
The same input gives the same cell contents; only the cover's time changes.

openpyxl is imported inside the functions, so importing evalkit does not load it.
"""

from __future__ import annotations

import logging
import math
import numbers
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evalkit.export import TABLES
from evalkit.fields import field_kind, field_label, table_description, table_label

__all__ = [
    "AUDIT_COLUMNS",
    "COVER_SHEET",
    "FIELDS_SHEET",
    "SHEET_NAMES",
    "SHEET_ORDER",
    "SUMMARY_SHEET",
    "SUSPECTS_SHEET",
    "TIME_LABEL",
    "VERDICTS",
    "finding_ids",
    "read_verdicts",
    "write_workpaper",
]

logger = logging.getLogger(__name__)

COVER_SHEET = "封面"
FIELDS_SHEET = "字段说明"
SUMMARY_SHEET = "发现汇总"
#: The review list: extraction suspects (kind 存疑), apart from the audit findings.
SUSPECTS_SHEET = "待复核疑点"
#: The auditor's verdicts offered in the 核实结论 drop-down.
VERDICTS = ("属实", "误报", "待核实")
#: The auditor's columns of the findings sheets (filled in by hand, read back by read_verdicts).
AUDIT_COLUMNS = ("核实结论", "处理意见", "复核人", "日期")
_SEVERITY_FILLS = {"错误": "F8CBAD", "警告": "FFE699", "提示": "DDEBF7"}
#: The label, in column A of the cover, of the only cell that differs between two builds.
TIME_LABEL = "生成时间"

#: Derived tables come first, after the cover; then the data tables in their usual order.
SHEET_ORDER: tuple[str, ...] = ("findings", "execution", "achievement", *TABLES)
#: Table name → sheet name (the Chinese table names of ``vocab/table_labels.csv``).
SHEET_NAMES: dict[str, str] = {name: table_label(name) for name in SHEET_ORDER}

_NUMBER_FORMATS = {
    "money": "#,##0.00",
    "persons": "#,##0",
    "int": "0",
    "percent": '0.00"%"',
    "score": "0.00",
    "number": "General",
}

#: Characters that make a spreadsheet read a typed-in value as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32767
_MAX_LINKS = 8
_WIDTH_SAMPLE = 2000
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _evalkit_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("evalkit")
    except metadata.PackageNotFoundError:
        return "未知（未安装）"


def _display_width(text: str) -> int:
    """Width of a text in a monospaced font: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """A value openpyxl can store: Python scalars, text for anything else."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _clean_text(text: str) -> str:
    """Text an .xlsx cell can hold: no control characters, at most 32 767 characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > _MAX_CELL_TEXT:
        text = text[: _MAX_CELL_TEXT - 1] + "…"
    return text


def _put(ws, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell; text is always stored as text, never as a formula."""
    value = _plain(value)
    if isinstance(value, str):
        value = _clean_text(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store '=100%' as a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True  # and Excel would re-read it as one when edited
    elif number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def _sheet_title(name: str, taken: set[str]) -> str:
    title = table_label(name).translate(_INVALID_TITLE).strip("'")[:31] or "表"
    base, n = title, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f"_{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def _location(title: str, row: int, column: int = 1) -> str:
    from openpyxl.utils import get_column_letter

    return "'{}'!{}{}".format(title.replace("'", "''"), get_column_letter(column), row)


def _link(cell, title: str, row: int) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=_location(title, row))
    cell.style = "Hyperlink"  # (a named style resets the quote prefix: set it again)
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _column_kind(frame: pd.DataFrame, column: str) -> str | None:
    kind = field_kind(str(column))
    if kind is None:
        dtype = frame[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            return None
        if pd.api.types.is_integer_dtype(dtype):
            return "int"
        if pd.api.types.is_float_dtype(dtype):
            return "number"
    return kind


def _value_width(value: Any, number_format: str | None) -> int:
    value = _plain(value)
    if value is None:
        return 0
    if isinstance(value, float) and number_format in {"#,##0.00", "0.00", '0.00"%"'}:
        text = f"{value:,.2f}%"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{value:,}"
    else:
        text = max(str(value).splitlines() or [""], key=len)
    return _display_width(text)


def _style_header(ws, n_columns: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for column in range(1, n_columns + 1):
        cell = ws.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")


def _write_frame(
    ws,
    frame: pd.DataFrame,
    *,
    index: Mapping[str, list[tuple[str, int]]] | None = None,
) -> None:
    """Write a table with Chinese headers, formats, widths, frozen header and filter.

    With ``index`` (source → sheet rows), a ``source`` cell links to the data row it names,
    and a ``sources`` column gets link columns (关联行1, 关联行2, …) to every row it names.
    """
    from openpyxl.utils import get_column_letter

    columns = [str(c) for c in frame.columns]
    formats = [_NUMBER_FORMATS.get(_column_kind(frame, c) or "", None) for c in frame.columns]
    headers = [field_label(c) for c in columns]

    link_targets = _link_targets(frame, columns, index)
    n_links = max((len(t) for t in link_targets), default=0)
    headers += [f"关联行{i}" for i in range(1, n_links + 1)]

    for j, header in enumerate(headers, start=1):
        _put(ws, 1, j, header)
    _style_header(ws, len(headers))

    source_col = columns.index("source") if index is not None and "source" in columns else None
    sources_col = columns.index("sources") if link_targets else None
    widths = [_display_width(h) for h in headers]
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        row = i + 2
        _write_row(ws, row, values, formats, widths if i < _WIDTH_SAMPLE else None,
                   (index, source_col, sources_col, link_targets[i] if link_targets else []))
        if link_targets:
            _write_link_columns(ws, row, len(columns), link_targets[i], widths)

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = (
            min(max(width, _MIN_WIDTH), _MAX_WIDTH) + 2
        )
    _wrap_long_columns(ws, widths, len(frame))
    ws.freeze_panes = "A2"
    if headers:
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def _link_targets(
    frame: pd.DataFrame, columns: list[str], index: Mapping[str, list[tuple[str, int]]] | None
) -> list[list[tuple[str, int]]]:
    """The rows each row's ``sources`` names (at most :data:`_MAX_LINKS`, first seen first);
    empty without an index or a ``sources`` column."""
    link_targets: list[list[tuple[str, int]]] = []
    if index is None or "sources" not in columns:
        return link_targets
    for sources in frame["sources"].tolist():
        targets: list[tuple[str, int]] = []
        if isinstance(sources, str):
            for source in (s.strip() for s in sources.split(";")):
                for target in index.get(source, []):
                    if target not in targets and len(targets) < _MAX_LINKS:
                        targets.append(target)
        link_targets.append(targets)
    return link_targets


def _write_row(ws, row: int, values: tuple, formats: list[str | None], widths: list[int] | None,
               links: tuple) -> None:
    """Write one data row; widen ``widths`` (when given) to its values, and link its ``source``
    cell to the row it names, or its ``sources`` cell to the first row they name."""
    index, source_col, sources_col, targets = links
    for j, (value, fmt) in enumerate(zip(values, formats, strict=True)):
        cell = _put(ws, row, j + 1, value, fmt)
        if widths is not None:
            widths[j] = max(widths[j], _value_width(value, fmt))
        if j == source_col and isinstance(cell.value, str) and cell.value in index:
            _link(cell, *index[cell.value][0])
        elif j == sources_col and targets:
            _link(cell, *targets[0])


def _write_link_columns(ws, row: int, n_columns: int, targets: list[tuple[str, int]],
                        widths: list[int]) -> None:
    """Write a row's link cells (关联行1, 关联行2, …) after its ``n_columns`` data columns."""
    for k, (title, target_row) in enumerate(targets):
        column = n_columns + k + 1
        cell = _put(ws, row, column, f"{title} 第{target_row}行")
        _link(cell, title, target_row)
        widths[column - 1] = max(widths[column - 1], _display_width(cell.value))


_WRAP_WIDTH = 30


def _wrap_long_columns(ws, widths: list[int], n_rows: int) -> None:
    """Wrap the text of columns wider than :data:`_WRAP_WIDTH`, and narrow them to it, so that
    a sheet fitted to the page width stays legible."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate(widths, start=1):
        if width <= _WRAP_WIDTH:
            continue
        ws.column_dimensions[get_column_letter(j)].width = _WRAP_WIDTH + 2
        for row in ws.iter_rows(min_row=2, max_row=n_rows + 1, min_col=j, max_col=j):
            row[0].alignment = wrap


def _print_setup(ws, *, index_no: str, unit: str, period: str) -> None:
    """Make a sheet printable: landscape A4, fitted to the page width, the header row repeated
    on every page, a page header naming 索引号 / 单位 / 期间 and a footer 第 X 页 共 Y 页."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if ws.max_row > 1 and ws.title != COVER_SHEET:
        ws.print_title_rows = "1:1"
    for header in (ws.oddHeader, ws.evenHeader):
        header.left.text = _header_text(f"索引号：{index_no}")
        header.center.text = _header_text(f"单位：{unit}")
        header.right.text = _header_text(f"期间：{period}")
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.center.text = "第 &P 页 共 &N 页"
        footer.right.text = _header_text(ws.title)


def _header_text(text: str) -> str:
    # '&' starts a code in a page header; a header holds at most 255 characters
    return text.replace("&", "&&")[:120]


def _units_and_period(tables: Mapping[str, pd.DataFrame]) -> tuple[str, str]:
    reports = tables.get("reports")
    if reports is None or reports.empty:
        return "（未注明）", "（未注明）"
    depts = [d for d in dict.fromkeys(reports.get("department", pd.Series(dtype="str")).dropna())]
    years = sorted({int(y) for y in reports.get("fiscal_year", pd.Series(dtype="Int64")).dropna()})
    unit = "、".join(depts[:3]) + (f"等{len(depts)}个单位" if len(depts) > 3 else "") if depts else "（未注明）"
    period = ("、".join(f"{y}年度" for y in years[:3]) + ("等" if len(years) > 3 else "")) if years else "（未注明）"
    return unit, period


def finding_ids(findings: pd.DataFrame) -> pd.Series:
    """A stable id per finding (检查编号): the same finding of a re-run has the same id, so the
    auditor's verdict can be carried over.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"], "rule": ["amount-conflict"], "expected": ["151.57"],
    ...     "observed": ["66.14"], "sources": ["r:136;r:201"]})
    >>> finding_ids(f).tolist()
    ['F-e88c25b3ff']
    """
    import hashlib

    cols = ["report_id", "rule", "expected", "observed", "sources"]
    parts = [findings[c].astype("string").fillna("") if c in findings.columns
             else pd.Series("", index=findings.index) for c in cols]
    keys = parts[0].str.cat(parts[1:], sep="|")
    return keys.map(lambda k: "F-" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:10]).astype("str")


def _number_or_text(value: Any) -> Any:
    """A figure written as text ('151.57') as a number; other text ('4.8–6', '全部完成') as is."""
    if isinstance(value, str):
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return value


_NUMBER_IN_TEXT = None


def _cited_rows(finding: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
                by_source: Mapping[str, list[tuple[str, int, tuple[float, ...]]]],
                rule_tables: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    """The data rows a finding cites: on its source lines, in the tables its rule compares and,
    where the line holds other figures too, the rows whose value the finding names."""
    import re

    names = rule_tables.get(str(finding.get("rule")), ())
    words = " ".join(str(finding.get(c) or "") for c in ("message", "expected", "observed"))
    said = {round(float(x), 6) for x in re.findall(r"\d+(?:\.\d+)?", words.replace(",", ""))}
    out: list[tuple[str, int]] = []
    for source in str(finding.get("sources") or "").split(";"):
        rows = [r for r in by_source.get(source.strip(), []) if not names or r[0] in names]
        named = [r for r in rows if any(round(v, 6) in said for v in r[2] if isinstance(v, float))
                 or any(isinstance(v, str) and v in words for v in r[2])]
        for table, row, _ in (named or rows):
            if (table, row) not in out:
                out.append((table, row))
    return out


_VALUE_COLUMNS = ("amount_wan", "persons", "value_pct", "score", "weight", "target_value",
                  "actual_value", "budget_wan", "actual_wan", "deal_wan", "value")


def _row_index(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[tuple[str, int, tuple[float, ...]]]]:
    """source → (table, sheet row, the row's figures) of every data row."""
    index: dict[str, list[tuple[str, int, tuple[float, ...]]]] = {}
    for name, frame in tables.items():
        if "source" not in frame.columns:
            continue
        cols = [c for c in _VALUE_COLUMNS if c in frame.columns]
        values = (frame[cols].apply(pd.to_numeric, errors="coerce").astype("float64").to_numpy().tolist()
                  if cols else [[] for _ in range(len(frame))])
        raws = frame["raw"].tolist() if "raw" in frame.columns else [None] * len(frame)
        for i, source in enumerate(frame["source"].tolist()):
            if isinstance(source, str) and source:
                figs = tuple(float(v) for v in values[i] if not _is_missing(v))
                if isinstance(raws[i], str) and len(raws[i]) > 1:
                    figs += (raws[i],)  # a figure kept without a value ('46.98人') by its words
                index.setdefault(source, []).append((name, i + 2, figs))
    return index


def _findings_frame(findings: pd.DataFrame, departments: Mapping[str, str],
                    verdicts: pd.DataFrame | None) -> pd.DataFrame:
    """The findings as the auditor's sheet shows them (Chinese headers; figures as numbers)."""
    f = findings.reset_index(drop=True)
    ids = finding_ids(f)
    known = {}
    if verdicts is not None and len(verdicts) and "检查编号" in verdicts.columns:
        known = {r["检查编号"]: r for r in verdicts.to_dict("records")}
    col = lambda c: f[c] if c in f.columns else pd.Series(pd.NA, index=f.index, dtype="object")
    out = pd.DataFrame({
        "索引号": [f"{i + 1:04d}" for i in range(len(f))],
        "部门": col("report_id").map(lambda r: departments.get(r) if isinstance(r, str) else None),
        "报告编号": col("report_id"),
        "规则": col("rule_name") if "rule_name" in f.columns else col("rule"),
        "严重程度": col("severity"),
        "说明": col("message"),
        "应为": col("expected").map(_number_or_text).astype("object"),
        "实为": col("observed").map(_number_or_text).astype("object"),
        "差额": pd.to_numeric(col("difference"), errors="coerce"),
        "原文摘录": col("excerpt"),
        "来源": col("sources"),
    })
    for column in AUDIT_COLUMNS:
        out[column] = [known.get(i, {}).get(column) for i in ids]
    out["规则代码"] = col("rule")
    out["检查编号"] = ids
    return out


def _write_findings(ws, findings: pd.DataFrame, sheet: pd.DataFrame, tables, titles,
                    by_source, rule_tables) -> None:
    """A findings sheet: the auditor's columns with a drop-down of verdicts, figures as numbers
    with formats, colours by severity, and links to exactly the rows each finding cites."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cited = [_cited_rows(rec, tables, by_source, rule_tables)
             for rec in findings.reset_index(drop=True).to_dict("records")]
    n_links = max((len(c) for c in cited), default=0)
    headers = list(sheet.columns) + [f"关联行{i}" for i in range(1, n_links + 1)]
    for j, header in enumerate(headers, start=1):
        _put(ws, 1, j, header)
    _style_header(ws, len(headers))
    widths = {"索引号": 6, "部门": 16, "报告编号": 14, "规则": 14, "严重程度": 6, "说明": 40,
              "应为": 10, "实为": 10, "差额": 10, "原文摘录": 36, "来源": 14, "核实结论": 8,
              "处理意见": 20, "复核人": 8, "日期": 10, "规则代码": 12, "检查编号": 13}
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _SEVERITY_FILLS.items()}
    columns = list(sheet.columns)
    severity_col = columns.index("严重程度") + 1
    for i, values in enumerate(sheet.itertuples(index=False, name=None)):
        row = i + 2
        for j, value in enumerate(values, start=1):
            header = columns[j - 1]
            fmt = "#,##0.00" if header in ("应为", "实为", "差额") else None
            if header in ("应为", "实为", "差额") and isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
                fmt = "#,##0"
            cell = _put(ws, row, j, value, fmt)
            if header in ("应为", "实为", "差额") and isinstance(cell.value, float) and not value.is_integer():
                decimals = min(len(repr(value).split(".")[1]), 6) if "." in repr(value) else 0
                cell.number_format = "#,##0." + "0" * max(decimals, 2)
            cell.alignment = wrap if widths.get(header, 10) >= 14 else top
        fill = fills.get(str(values[severity_col - 1]))
        if fill is not None:
            for j in range(1, len(columns) + 1):
                ws.cell(row=row, column=j).fill = fill
        for k, (table, target_row) in enumerate(cited[i]):
            cell = _put(ws, row, len(columns) + k + 1, f"{titles[table]} 第{target_row}行")
            _link(cell, titles[table], target_row)
    for j, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(header, 14) + 2
    if len(sheet):
        dv = DataValidation(type="list", formula1='"' + ",".join(VERDICTS) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="核实结论",
                            error="请选择：" + "、".join(VERDICTS))
        dv.prompt, dv.promptTitle, dv.showInputMessage = "属实 / 误报 / 待核实", "核实结论", True
        letter = get_column_letter(columns.index("核实结论") + 1)
        dv.add(f"{letter}2:{letter}{len(sheet) + 1}")
        ws.add_data_validation(dv)
        date_letter = get_column_letter(columns.index("日期") + 1)
        for r in range(2, len(sheet) + 2):
            ws[f"{date_letter}{r}"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(sheet) + 1}"


def _write_summary(ws, findings: pd.DataFrame, departments: Mapping[str, str]) -> int:
    """Findings counted by unit × kind × rule, one column per severity."""
    from openpyxl.utils import get_column_letter

    f = findings.assign(
        部门=findings["report_id"].map(lambda r: departments.get(r) or r),
        规则=findings["rule_name"] if "rule_name" in findings.columns else findings["rule"],
        类别=findings["kind"] if "kind" in findings.columns else "矛盾",
    )
    headers = ["部门", "类别", "规则", "错误", "警告", "提示", "合计"]
    for j, h in enumerate(headers, start=1):
        _put(ws, 1, j, h)
    _style_header(ws, len(headers))
    row = 1
    if len(f):
        table = (f.groupby(["部门", "类别", "规则", "severity"], sort=True).size()
                 .unstack("severity", fill_value=0))
        for sev in ("错误", "警告", "提示"):
            if sev not in table.columns:
                table[sev] = 0
        table = table[["错误", "警告", "提示"]]
        table["合计"] = table.sum(axis=1)
        kind_order = {"矛盾": 0, "存疑": 1}
        keys = sorted(table.index, key=lambda k: (k[0], kind_order.get(k[1], 2), k[2]))
        for key in keys:
            row += 1
            for j, v in enumerate([*key, *table.loc[key].tolist()], start=1):
                _put(ws, row, j, v, "0" if j > 3 else None)
        row += 1
        _put(ws, row, 1, "合计")
        for j, sev in enumerate(("错误", "警告", "提示", "合计"), start=4):
            _put(ws, row, j, int(table[sev].sum()), "0")
    for j, w in enumerate((30, 8, 24, 8, 8, 8, 8), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(row, 1)}"
    return max(row - 1, 0)


def read_verdicts(path: str | Path) -> pd.DataFrame:
    """The auditor's verdicts of a filled-in workpaper, to be carried over into the next one.

    Parameters
    ----------
    path : str or Path
        A workbook written by :func:`write_workpaper` and filled in by hand.

    Returns
    -------
    DataFrame
        One row per finding (both findings sheets) with a verdict or a note: 检查编号 (the
        stable id of :func:`finding_ids`), 报告编号, 规则代码, 核实结论, 处理意见, 复核人, 日期
        (text). Pass it as ``verdicts`` to :func:`write_workpaper`.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> f = pd.DataFrame({"report_id": ["r"], "rule": ["amount-conflict"], "rule_name": ["同一预算数前后不一"],
    ...     "kind": ["矛盾"], "severity": ["警告"], "message": ["公用经费 151.57 与 66.14"],
    ...     "expected": ["151.57"], "observed": ["66.14"], "difference": [-85.43], "sources": ["r:136"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_workpaper({}, {"findings": f}, Path(tmp) / "wp.xlsx", command="evalkit build")
    ...     wb = openpyxl.load_workbook(out)
    ...     ws = wb["检查发现"]
    ...     col = [c.value for c in ws[1]].index("核实结论") + 1
    ...     _ = ws.cell(row=2, column=col, value="属实")
    ...     wb.save(out)
    ...     read_verdicts(out)[["规则代码", "核实结论"]].values.tolist()
    [['amount-conflict', '属实']]
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows: list[dict] = []
    for title in (table_label("findings"), SUSPECTS_SHEET):
        if title not in wb.sheetnames:
            continue
        it = wb[title].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(it, ())]
        if "检查编号" not in header:
            continue
        for values in it:
            rec = dict(zip(header, values))
            if not any(rec.get(c) not in (None, "") for c in AUDIT_COLUMNS):
                continue
            date = rec.get("日期")
            rows.append({
                "检查编号": rec.get("检查编号"), "报告编号": rec.get("报告编号"),
                "规则代码": rec.get("规则代码"), "核实结论": rec.get("核实结论"),
                "处理意见": rec.get("处理意见"), "复核人": rec.get("复核人"),
                "日期": date.date().isoformat() if isinstance(date, datetime) else date,
            })
    wb.close()
    columns = ["检查编号", "报告编号", "规则代码", *AUDIT_COLUMNS]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({c: "str" for c in columns}) if len(out) else out.astype("str")


def _source_index(
    tables: Mapping[str, pd.DataFrame], titles: Mapping[str, str]
) -> dict[str, list[tuple[str, int]]]:
    """Map each source ('<report_id>:<line>') to the (sheet, row) of every data row with it."""
    index: dict[str, list[tuple[str, int]]] = {}
    for name, frame in tables.items():
        if "source" not in frame.columns:
            continue
        for i, source in enumerate(frame["source"].tolist()):
            if isinstance(source, str) and source:
                index.setdefault(source, []).append((titles[name], i + 2))
    return index


def _inputs_frame(tables: Mapping[str, pd.DataFrame], inputs: pd.DataFrame | None) -> pd.DataFrame:
    if inputs is None:
        inputs = tables.get("reports", pd.DataFrame())
    columns = [c for c in ("report_id", "source_file", "sha256") if c in inputs.columns]
    return inputs[columns] if columns else pd.DataFrame()


def _write_cover(
    ws,
    *,
    created: datetime,
    command: str,
    inputs: pd.DataFrame,
    failures: pd.DataFrame | None,
    contents: list[tuple[str, str, int]],
    notes: list[str],
) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    ws.cell(row=1, column=1, value="预算绩效自评报告 审计工作底稿").font = Font(bold=True, size=14)
    facts = [
        (
            "说明",
            (
                "本工作簿由 evalkit 根据绩效自评报告提取的数据表和检查结果生成，供审核与复核。"
                "每个数字都带有“来源”列（报告编号:行号），可回到原报告逐行核对；"
                "“检查发现”中的每条问题都链接到它涉及的数据行。"
            ),
        ),
        (TIME_LABEL, created.isoformat(timespec="seconds")),
        ("evalkit 版本", _evalkit_version()),
        ("复现命令", command),
        ("输入报告数", len(inputs)),
    ]
    facts += [("注意", note) for note in notes]
    row = 3
    for label, value in facts:
        _put(ws, row, 1, label).font = bold
        _put(ws, row, 2, value)
        row += 1

    row += 1
    _put(ws, row, 1, "工作表").font = bold
    _put(ws, row, 2, "内容").font = bold
    _put(ws, row, 3, "行数").font = bold
    for title, description, n_rows in contents:
        row += 1
        _link(_put(ws, row, 1, title), title, 1)
        _put(ws, row, 2, description)
        _put(ws, row, 3, n_rows, "#,##0")

    row += 2
    _put(ws, row, 1, "输入报告").font = bold
    row += 1
    for j, column in enumerate(inputs.columns, start=1):
        _put(ws, row, j, field_label(column)).font = bold
    for values in inputs.itertuples(index=False, name=None):
        row += 1
        for j, value in enumerate(values, start=1):
            _put(ws, row, j, value)

    if failures is not None and len(failures):
        row += 2
        _put(ws, row, 1, "未能读取的报告").font = bold
        row += 1
        _put(ws, row, 1, "文件").font = bold
        _put(ws, row, 2, "原因").font = bold
        for path, reason in failures[["path", "reason"]].itertuples(index=False, name=None):
            row += 1
            _put(ws, row, 1, path)
            _put(ws, row, 2, reason)

    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 70


def write_workpaper(
    tables: Mapping[str, pd.DataFrame],
    derived: Mapping[str, pd.DataFrame] | None,
    path: str | Path,
    *,
    command: str,
    inputs: pd.DataFrame | None = None,
    failures: pd.DataFrame | None = None,
    created: datetime | None = None,
    verdicts: pd.DataFrame | None = None,
) -> Path:
    """Write the audit workbook (.xlsx) for a corpus's tables and derived tables.

    Sheets, in order: 封面 (cover), the derived tables (检查发现 findings, 预算执行率
    execution, 指标完成与复核评分 achievement, then any other), one sheet per data table in the
    order given, and 字段说明 (every column with its Chinese header). A finding's ``sources``
    link to the data rows they name (columns 关联行1, 关联行2, …); a ``source`` cell of a
    derived table links to its data row.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The data tables, e.g. ``Corpus.tables()`` or :func:`evalkit.export.read_tables`.
    derived : mapping of str to DataFrame or None
        The derived tables of :func:`evalkit.analysis.derive` (``execution``,
        ``achievement``, ``findings``); None or empty when the checks were not run (the cover
        says so).
    path : str or Path
        The .xlsx file to write; its folder is created when missing.
    command : str
        The command line that reproduces the workbook, shown on the cover.
    inputs : DataFrame, optional
        The input reports (report_id, source_file, sha256) for the cover; by default taken
        from ``tables['reports']``.
    failures : DataFrame, optional
        Reports that could not be read (path, reason), listed on the cover.
    created : datetime, optional
        The time shown on the cover; now by default. It is the only cell that differs
        between two workbooks made from the same input.
    verdicts : DataFrame, optional
        The auditor's verdicts of an earlier workpaper (:func:`read_verdicts`): a finding with
        the same 检查编号 gets them again.

    Notes
    -----
    The findings (``kind`` 矛盾) are on 检查发现 and the extraction suspects (``kind`` 存疑) on
    待复核疑点, each with the auditor's columns 核实结论 (a drop-down of 属实 / 误报 / 待核实),
    处理意见, 复核人 and 日期, the report's words (原文摘录), figures stored as numbers, rows
    coloured by severity and links to exactly the data rows the finding cites. 发现汇总 counts
    them by unit, kind, rule and severity. Every sheet prints landscape on A4, fitted to the page
    width, with its header row repeated and a page header naming 索引号, 单位 and 期间.

    Returns
    -------
    Path
        The file written.

    See Also
    --------
    evalkit.export.write_tables : the same tables as CSV files.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import openpyxl
    >>> import pandas as pd
    >>> tables = {
    ...     "reports": pd.DataFrame({"report_id": ["r1"], "source_file": ["r1.txt"],
    ...                              "sha256": ["ab12"]}),
    ...     "indicators": pd.DataFrame({"report_id": ["r1"], "level3": ["专项稽核"],
    ...                                 "target_raw": ["=3次"], "source": ["r1:144"]}),
    ... }
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_workpaper(tables, {}, Path(tmp) / "wp.xlsx", command="evalkit build r1.txt")
    ...     wb = openpyxl.load_workbook(out)
    ...     cell = wb["绩效指标"]["C2"]
    >>> wb.sheetnames
    ['封面', '报告', '绩效指标', '字段说明']
    >>> [c.value for c in wb["绩效指标"][1]]
    ['报告编号', '三级指标', '目标值（原文）', '来源（报告编号:行号）']
    >>> cell.value, cell.data_type
    ('=3次', 's')
    """
    from openpyxl import Workbook

    path = Path(path)
    derived = {k: v for k, v in (derived or {}).items() if v is not None}
    created = created or datetime.now().astimezone()

    preferred = [n for n in ("findings", "execution", "achievement") if n in derived]
    derived_order = preferred + [n for n in derived if n not in preferred]
    taken = {COVER_SHEET, FIELDS_SHEET}
    titles = {name: _sheet_title(name, taken) for name in derived_order}
    data_titles = {name: _sheet_title(name, taken) for name in tables}
    index = _source_index(tables, data_titles)

    wb = Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    contents = []
    reports = tables.get("reports")
    departments: dict[str, str] = {}
    if reports is not None and {"report_id", "department"} <= set(reports.columns):
        departments = {r: d for r, d in zip(reports["report_id"], reports["department"])
                       if isinstance(r, str) and isinstance(d, str)}
    rule_tables: dict[str, tuple[str, ...]] = {}
    try:
        from evalkit.analysis.checks import rule_catalogue

        cat = rule_catalogue()
        rule_tables = {r: tuple(t for t in str(ts).split("|") if t)
                       for r, ts in zip(cat["rule"], cat["tables"])}
    except ImportError:  # pragma: no cover (the analysis is optional)
        pass
    by_source = _row_index(tables)
    for name in derived_order:
        frame = derived[name]
        if name == "findings" and "message" in frame.columns:
            kinds = frame["kind"] if "kind" in frame.columns else pd.Series("矛盾", index=frame.index)
            summary = wb.create_sheet(SUMMARY_SHEET, 1)
            n_summary = _write_summary(summary, frame, departments)
            for title, part in ((titles[name], frame[kinds != "存疑"]),
                                (SUSPECTS_SHEET, frame[kinds == "存疑"])):
                ws = wb.create_sheet(title)
                _write_findings(ws, part, _findings_frame(part, departments, verdicts), tables,
                                data_titles, by_source, rule_tables)
                what = ("审计发现：报告自身数字矛盾（可跳转到所引的数据行；填写核实结论）"
                        if title == titles[name] else
                        "待复核疑点：evalkit 对自己的读取存疑的差异（口径、阶段或单位无法确认），不是审计发现")
                contents.append((title, what, len(part)))
            contents.insert(0, (SUMMARY_SHEET, "发现按单位、类别、规则和严重程度计数", n_summary))
            continue
        ws = wb.create_sheet(titles[name])
        _write_frame(ws, frame, index=index)
        contents.append((titles[name], (table_description(name) or name), len(frame)))
    for name, frame in tables.items():
        ws = wb.create_sheet(data_titles[name])
        _write_frame(ws, frame)
        contents.append((data_titles[name], (table_description(name) or name), len(frame)))

    fields = [
        (data_titles.get(name) or titles[name], str(column), field_label(str(column)))
        for name, frame in list(derived.items()) + list(tables.items())
        for column in frame.columns
    ]
    ws = wb.create_sheet(FIELDS_SHEET)
    _write_frame(ws, pd.DataFrame(fields, columns=["工作表", "列名", "中文表头"], dtype="str"))
    contents.append((FIELDS_SHEET, "每个工作表的列名及其中文表头", len(fields)))

    notes = []
    if not derived:
        notes.append("未运行检查（evalkit.analysis 不可用或未提供派生表），本工作簿不含检查发现。")
    _write_cover(
        cover,
        created=created,
        command=command,
        inputs=_inputs_frame(tables, inputs),
        failures=failures,
        contents=contents,
        notes=notes,
    )
    unit, period = _units_and_period(tables)
    for i, ws in enumerate(wb.worksheets):
        _print_setup(ws, index_no=f"EK-{i:02d}", unit=unit, period=period)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    logger.info("wrote %s", path)
    return path
