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

__all__ = ["COVER_SHEET", "FIELDS_SHEET", "SHEET_NAMES", "SHEET_ORDER", "TIME_LABEL", "write_workpaper"]

logger = logging.getLogger(__name__)

COVER_SHEET = "封面"
FIELDS_SHEET = "字段说明"
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

    link_targets: list[list[tuple[str, int]]] = []
    if index is not None and "sources" in columns:
        for sources in frame["sources"].tolist():
            targets: list[tuple[str, int]] = []
            if isinstance(sources, str):
                for source in (s.strip() for s in sources.split(";")):
                    for target in index.get(source, []):
                        if target not in targets and len(targets) < _MAX_LINKS:
                            targets.append(target)
            link_targets.append(targets)
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
        for j, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            cell = _put(ws, row, j + 1, value, fmt)
            if i < _WIDTH_SAMPLE:
                widths[j] = max(widths[j], _value_width(value, fmt))
            if j == source_col and isinstance(cell.value, str) and cell.value in index:
                _link(cell, *index[cell.value][0])
            elif j == sources_col and link_targets[i]:
                _link(cell, *link_targets[i][0])
        if link_targets:
            for k, (title, target_row) in enumerate(link_targets[i]):
                column = len(columns) + k + 1
                cell = _put(ws, row, column, f"{title} 第{target_row}行")
                _link(cell, title, target_row)
                widths[column - 1] = max(widths[column - 1], _display_width(cell.value))

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = (
            min(max(width, _MIN_WIDTH), _MAX_WIDTH) + 2
        )
    ws.freeze_panes = "A2"
    if headers:
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


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
    for name in derived_order:
        ws = wb.create_sheet(titles[name])
        _write_frame(ws, derived[name], index=index)
        contents.append((titles[name], (table_description(name) or name), len(derived[name])))
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
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    logger.info("wrote %s", path)
    return path
