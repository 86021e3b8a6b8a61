"""Reading reports into tables: :func:`read_report`, :func:`read_reports`, :class:`Report`, :class:`Corpus`."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import signal
import stat
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from evalkit import vocab
from evalkit.document import Document, ReportReadError, TextLine
from evalkit.extract.context import ReportContext
from evalkit.extract.indicators import extract_indicators
from evalkit.extract.metadata import extract_metadata, is_medical_institution
from evalkit.extract.narrative import extract_narrative
from evalkit.extract.plausibility import set_aside_suspects
from evalkit.extract.residue import residue_and_coverage
from evalkit.extract.tables import extract_tables
from evalkit.readers import SUPPORTED_SUFFIXES, load_any
from evalkit.regions import resolve_region_from_texts
from evalkit.schema import (  # (the one schema; kept importable from here)
    SCHEMAS,
    TABLE_NAMES,
    columns_of,
    typed_frame,
)

__all__ = ["FILE_COLUMNS", "SCHEMAS", "TABLE_NAMES", "Corpus", "Report", "ReportStream", "expand_paths", "read_report",
           "read_reports"]

log = logging.getLogger(__name__)


@dataclass
class _Tables:
    reports: pd.DataFrame
    indicators: pd.DataFrame
    budget: pd.DataFrame
    enrollment: pd.DataFrame
    funds: pd.DataFrame
    services: pd.DataFrame
    rates: pd.DataFrame
    staff: pd.DataFrame
    assets: pd.DataFrame
    procurement: pd.DataFrame
    residue: pd.DataFrame
    coverage: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in the order of :data:`TABLE_NAMES`."""
        return {name: getattr(self, name) for name in TABLE_NAMES}


@dataclass
class Report(_Tables):
    """The tables read from one report. Attributes are DataFrames with the contract's columns."""

    document: Document | None = field(default=None, repr=False)


@dataclass
class Corpus(_Tables):
    """The tables read from many reports, the files that could not be read (``failures``) and
    the files of the folders read that are not reports (``skipped``); ``files`` names the file
    each report was read from (:data:`FILE_COLUMNS`)."""

    failures: pd.DataFrame = field(default_factory=lambda: _path_frame([]))
    skipped: pd.DataFrame = field(default_factory=lambda: _path_frame([]))
    files: pd.DataFrame = field(default_factory=lambda: _files_frame({c: [] for c in FILE_COLUMNS}), repr=False)

    @classmethod
    def from_tables(cls, tables) -> Corpus:
        """A corpus of tables read before (:func:`evalkit.export.read_tables`, a dict by name).

        Tables missing from *tables* are empty, with their columns.

        Examples
        --------
        >>> c = Corpus.from_tables({"reports": typed_frame("reports", [{"report_id": "r", "fiscal_year": 2024}])})
        >>> len(c.reports), len(c.budget), list(c.budget.columns)[:3]
        (1, 0, ['report_id', 'scope', 'stage'])
        """
        frames = {name: tables[name] if tables.get(name) is not None else typed_frame(name, [])
                  for name in TABLE_NAMES}
        return cls(**frames)

    def filter(self, *, province=None, city=None, county=None, department=None, year=None,
               kind=None) -> Corpus:
        """The reports that match every criterion given, with all their tables.

        Parameters
        ----------
        province, city, county : str or list of str, optional
            A region; ``'湖南'`` matches ``'湖南省'`` (a name matches the start of the field).
        department : str or list of str, optional
            Words of the department's name (``'医疗保障局'``, ``'临湘'``).
        year : int, list of int or range, optional
            Fiscal years (``range(2021, 2024)`` is 2021-2023).
        kind : str or list of str, optional
            Words of the report kind (``'部门整体'``, ``'第三方'``).

        Returns
        -------
        Corpus
            Every table (``reports``, ``indicators`` … ``coverage``) keeps the rows of the
            reports that match; ``failures`` and ``skipped`` are kept whole (they belong to
            no report). A report whose field is missing matches no criterion on that field.

        Examples
        --------
        >>> rows = [{"report_id": "a", "province": "湖南省", "fiscal_year": 2022},
        ...         {"report_id": "b", "province": "江西省", "fiscal_year": 2023}]
        >>> c = Corpus.from_tables({"reports": typed_frame("reports", rows),
        ...     "budget": typed_frame("budget", [{"report_id": "a", "amount_wan": 1.0},
        ...                                      {"report_id": "b", "amount_wan": 2.0}])})
        >>> c.filter(province="湖南", year=range(2020, 2023)).budget["amount_wan"].tolist()
        [1.0]
        """
        reports = self.reports
        keep = pd.Series(True, index=reports.index)

        def words(value) -> list[str]:
            return [value] if isinstance(value, str) else [str(v) for v in value]

        for column, value, how in (("province", province, "start"), ("city", city, "start"),
                                   ("county", county, "start"), ("department", department, "contains"),
                                   ("report_kind", kind, "contains")):
            if value is None:
                continue
            text = reports[column].astype("str")
            hit = pd.Series(False, index=reports.index)
            for w in words(value):
                hit |= (text.str.startswith(w) if how == "start" else text.str.contains(w, regex=False)).fillna(False)
            keep &= hit
        if year is not None:
            years = {int(year)} if isinstance(year, (int, str)) else {int(y) for y in year}
            keep &= pd.to_numeric(reports["fiscal_year"], errors="coerce").isin(years).fillna(False)
        ids = set(reports.loc[keep, "report_id"].astype(str))
        frames = {name: getattr(self, name) for name in TABLE_NAMES}
        frames = {name: frame[frame["report_id"].astype(str).isin(ids)].reset_index(drop=True)
                  for name, frame in frames.items()}
        return type(self)(**frames, failures=self.failures, skipped=self.skipped)

    def derived(self) -> dict[str, pd.DataFrame]:
        """The analysis tables of this corpus (``execution``, ``achievement``, ``findings``),
        computed once by :func:`evalkit.analysis.derive` and kept.

        Examples
        --------
        >>> sorted(Corpus.from_tables({}).derived())
        ['achievement', 'execution', 'findings']
        """
        cached = self.__dict__.get("_derived")
        if cached is None:
            from evalkit.analysis import derive

            cached = self.__dict__["_derived"] = dict(derive(self.tables()))
        return cached

    def panel(self) -> pd.DataFrame:
        """The cross-county panel of this corpus (:func:`evalkit.panel.panel`)."""
        from evalkit.panel import panel

        return panel(self.tables(), self.derived())

    def _summary_parts(self) -> dict[str, str]:
        reports = self.reports
        years = pd.to_numeric(reports["fiscal_year"], errors="coerce").dropna().astype(int)
        span = "" if years.empty else (f"{years.min()}年" if years.min() == years.max()
                                       else f"{years.min()}—{years.max()}年")
        provinces = reports["province"].astype("str").fillna("未注明").value_counts()
        where = "、".join(f"{p} {n}" for p, n in provinces.items())
        rows = "，".join(f"{name} {len(getattr(self, name)):,}" for name in TABLE_NAMES[1:]
                        if len(getattr(self, name)))
        return {"reports": f"{len(reports)} 份报告", "years": span, "where": where, "rows": rows,
                "failed": f"无法读取 {len(self.failures)} 个，跳过 {len(self.skipped)} 个文件"}

    def __repr__(self) -> str:
        """A short description: reports, years, provinces, rows per table, failures.

        Examples
        --------
        >>> Corpus.from_tables({})
        Corpus(0 份报告；行数：无；无法读取 0 个，跳过 0 个文件)
        """
        p = self._summary_parts()
        head = "，".join(x for x in (p["reports"], p["years"], p["where"]) if x)
        return f"Corpus({head}；行数：{p['rows'] or '无'}；{p['failed']})"

    def _repr_html_(self) -> str:
        """The description as a small HTML table, for notebooks."""
        from html import escape

        p = self._summary_parts()
        rows = [("报告", p["reports"]), ("年度", p["years"] or "—"), ("省份", p["where"] or "—"),
                ("各表行数", p["rows"] or "无"), ("未读取", p["failed"])]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>"
                       f"{escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption style='text-align:left'>evalkit Corpus</caption>{body}</table>"


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _has_chinese(lines: list[str], at_least: int) -> bool:
    count = 0
    for line in lines:
        for _ in _CJK.finditer(line):
            count += 1
            if count >= at_least:
                return True
    return False


#: Words of which a report of the kinds evalkit reads names several early on (a README, a letter
#: or a novel saved as .txt names few): ``vocab/report_words.csv``.
MIN_REPORT_WORDS = 2


class NotAReport(ReportReadError):
    """A readable text that is no report (too few report words): listed among the skipped files."""


def _report_words(lines: list[str]) -> int:
    words = [row["word"] for row in vocab.load("report_words")]
    text = "".join(lines)
    return sum(1 for w in words if w in text)


def _has_clause_mark(text: str) -> bool:
    """A Chinese comma, full stop or semicolon in a text (a sentence written inside a cell)."""
    return "，" in text or "。" in text or "；" in text


def _extract(doc: Document) -> dict[str, list[dict]]:
    return _extract_in_context(doc)[0]


def _extract_in_context(doc: Document) -> tuple[dict[str, list[dict]], ReportContext]:
    """The rows of every table of a document, and the context the readers shared (its ledger
    says which reader took each number, and which numbers a reader left out, and why)."""
    name = doc.source_file or doc.report_id
    if not _has_chinese(doc.lines[:400], 4):
        raise NotAReport(f"{name}: 不像是报告（几乎没有中文文字），已跳过")
    if _report_words(doc.lines[:400]) < MIN_REPORT_WORDS:
        raise NotAReport(f"{name}: 报告用语太少（不足 {MIN_REPORT_WORDS} 个，如 绩效、预算、支出、指标），不像是报告，已跳过")
    ctx = ReportContext(doc)
    ctx.owner = "indicators"
    indicators, totals = extract_indicators(ctx)
    ctx.owner = "metadata"
    meta = extract_metadata(doc, totals, ctx.place)
    ctx.fiscal_year = meta["fiscal_year"]
    ctx.report_kind = meta["report_kind"]
    ctx.institution = is_medical_institution(meta["department"])
    ctx.owner = "tables"
    found = extract_tables(ctx)
    for line, number, reason in found["ignored"]:
        ctx.refuse(line, number, reason)
    budget, rates = found["budget"], found["rates"]
    long_cells = [  # sentences written inside table cells, unless a table extractor took the cell
        TextLine(c.line, c.text)
        for t in doc.tables for r in t.rows for c in r.cells
        if len(c.text) > 15 and _has_clause_mark(c.text) and not ctx.has_placed(c.line, c.text)
    ]
    ctx.owner = "narrative"
    narrative = extract_narrative(ctx, meta["fiscal_year"], long_cells)
    ctx.owner = ""
    budget.extend(narrative.budget)
    rates.extend(narrative.rates)
    indicators.extend(found["indicators"])
    staff = found["staff"] + narrative.staff
    assets = found["assets"] + narrative.assets
    line_of = _line_index(ctx)  # rows in document order
    for rows in (budget, rates, staff, assets):
        rows.sort(key=lambda r: line_of.get(r["source"], 0))
    enrollment, funds = narrative.enrollment, narrative.funds
    if found["enrollment"] or found["funds"]:  # statistics tables (extract/fund_tables.py), in document order
        enrollment = sorted(found["enrollment"] + enrollment, key=lambda r: line_of.get(r["source"], 0))
        funds = sorted(found["funds"] + funds, key=lambda r: line_of.get(r["source"], 0))
    residue, coverage = residue_and_coverage(ctx, found["ignored"])
    suspects = set_aside_suspects(
        {"indicators": indicators, "budget": budget, "enrollment": enrollment, "funds": funds,
         "rates": rates, "staff": staff, "assets": assets},
        line_of, doc.report_id)
    if suspects:
        residue = sorted(residue + suspects, key=lambda r: r["line"])
    meta["stated"] = None  # (the region comes with the metadata: extract_metadata resolves it)
    return {
        "reports": [meta],
        "indicators": indicators,
        "budget": budget,
        "enrollment": enrollment,
        "funds": funds,
        "services": narrative.services,
        "rates": rates,
        "staff": staff,
        "assets": assets,
        "procurement": found["procurement"],
        "residue": residue,
        "coverage": [coverage],
    }, ctx


class _TextLineIndex:
    """The line of a row's source in a text document ('<report_id>:<line>'), as the dictionary
    ``{ctx.source(n): n}`` over its lines answers ``get``, without making a source per line."""

    __slots__ = ("_n_lines", "_prefix")

    def __init__(self, report_id: str, n_lines: int) -> None:
        self._prefix = f"{report_id}:"
        self._n_lines = n_lines

    def get(self, source, default=None):
        if isinstance(source, str) and source.startswith(self._prefix):
            rest = source[len(self._prefix):]
            # (a source of line n is written str(n): ASCII digits, no leading zero)
            if rest.isascii() and rest.isdigit() and rest[0] != "0" and int(rest) <= self._n_lines:
                return int(rest)
        return default


def _line_index(ctx: ReportContext) -> dict[str, int] | _TextLineIndex:
    """Source → line over the document's lines (the readers' rows give their source)."""
    doc = ctx.doc
    if doc.locators is None:  # (a text document: a line's source is its number)
        return _TextLineIndex(doc.report_id, len(doc.lines))
    return {ctx.source(n): n for n in range(1, len(doc.lines) + 1)}


def _frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    return {name: typed_frame(name, rows.get(name, [])) for name in TABLE_NAMES}


def read_report(path: str | os.PathLike, *, manifest: str | os.PathLike | pd.DataFrame | None = None) -> Report:
    """Read one performance report into tidy tables.

    Parameters
    ----------
    path : str or path-like
        A report: text (UTF-8 with or without BOM, GB18030/GBK or UTF-16), .docx, .html or
        .pdf with a text layer.
    manifest : path or DataFrame, optional
        Stated metadata (columns report_id or sha256, and any of department, fiscal_year,
        province, city, county, title, …); a stated value wins over an extracted one.

    Returns
    -------
    Report
        With DataFrames ``reports``, ``indicators``, ``budget``, ``enrollment``, ``funds``,
        ``services``, ``rates``, ``staff``, ``assets``, ``procurement``, ``residue`` and ``coverage``, and the
        ``document`` they were read from.

    Raises
    ------
    ReportReadError
        When the file cannot be read as a report (missing, empty, too large, binary, unknown
        encoding, unsupported format, a PDF without text); the message names the file.

    See Also
    --------
    read_reports : many reports, in parallel, never stopping at a bad file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "demo.txt"
    >>> _ = p.write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\\n"
    ...                  "全县基本医疗保险参保43.01万人，其中：职工医保3.58万人。\\n", encoding="utf-8")
    >>> r = read_report(p)
    >>> r.enrollment[["scheme", "persons"]].to_dict("records")
    [{'scheme': '合计', 'persons': 430100}, {'scheme': '职工医保', 'persons': 35800}]
    """
    doc = _load(path)
    frames = _frames(_extract(doc))
    if manifest is not None:
        frames["reports"] = apply_manifest(frames["reports"], manifest)
    return Report(**frames, document=doc)


def apply_manifest(reports: pd.DataFrame, manifest: str | os.PathLike | pd.DataFrame) -> pd.DataFrame:
    """Let stated metadata win over extracted metadata; record which fields were stated.

    A stated department whose region is not stated too has its region resolved again.

    Raises
    ------
    ValueError
        When a stated fiscal year is not a year; the message names the manifest and the report.
    """
    where = "清单" if isinstance(manifest, pd.DataFrame) else f"清单 {manifest}"
    m = manifest if isinstance(manifest, pd.DataFrame) else pd.read_csv(manifest, dtype=str, encoding="utf-8-sig")
    if "year" in m.columns and "fiscal_year" not in m.columns:
        m = m.rename(columns={"year": "fiscal_year"})
    out = reports.copy()
    for i, rec in out.iterrows():
        match = pd.DataFrame()
        for key in ("report_id", "sha256"):
            if key in m.columns and pd.notna(rec[key]):
                match = m[m[key] == rec[key]]
                if len(match):
                    break
        if not len(match):
            continue
        stated_row = match.iloc[0]
        stated = []
        for col in ("department", "province", "city", "county", "fiscal_year", "report_kind", "evaluator",
                    "report_date", "title"):
            if col in m.columns and pd.notna(stated_row[col]) and str(stated_row[col]).strip():
                value = str(stated_row[col]).strip()
                if col == "fiscal_year":
                    year = re.fullmatch(r"\s*((?:19|20)\d{2})\s*(?:年度?)?\s*", value)
                    if not year:
                        raise ValueError(f"{where}：报告 {rec['report_id']} 的 fiscal_year 不是年份：{value!r}")
                    out.loc[i, col] = int(year.group(1))
                else:
                    out.loc[i, col] = value
                stated.append(col)
        if "department" in stated and not {"province", "city", "county"} & set(stated):
            region = resolve_region_from_texts([str(out.loc[i, "department"])])
            out.loc[i, ["province", "city", "county"]] = [region.province, region.city, region.county]
        out.loc[i, "stated"] = ",".join(stated) or pd.NA
    return out


def shown_path(path: str | os.PathLike) -> str:
    """A path as it can be shown and stored: bytes that are not UTF-8 (a GBK file name unpacked
    from a Windows archive) are written as escapes (``\\xb2``) instead of breaking the tables.

    Examples
    --------
    >>> shown_path(os.fsdecode(b"reports/\\xb2\\xe2.txt"))
    'reports/\\\\xb2\\\\xe2.txt'
    >>> shown_path("报告.txt")
    '报告.txt'
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _special_file(path: Path) -> str | None:
    """Why a path is not a regular file to open (a FIFO would block the reader forever), or None."""
    try:
        mode = path.stat().st_mode  # (follows a link: a loop or a dangling link raises)
    except OSError as exc:
        if path.is_symlink():
            return f"{shown_path(path)}: 链接指向不存在的文件或形成循环（{exc.strerror}）"
        return None  # missing: the reader says so
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return f"{shown_path(path)}: 不是普通文件（管道、设备或套接字），未打开"


def _load(path: str | os.PathLike) -> Document:
    """Open a report after the checks that must come before opening it; names made showable."""
    p = Path(path)
    problem = _special_file(p)
    if problem:
        raise ReportReadError(problem)
    doc = load_any(p)
    if shown_path(doc.report_id) != doc.report_id or shown_path(doc.source_file) != doc.source_file:
        doc = replace(doc, report_id=shown_path(doc.report_id), source_file=shown_path(doc.source_file))
    return doc


_SKIP_MARK = "\x00skip:"  # (a worker's way of saying "skipped, not failed": no message starts with NUL)
#: Seconds one file may take in a batch (a PDF of pathological drawing commands can take minutes).
FILE_TIME_LIMIT = 300.0


class _TimeLimit(Exception):
    """Raised by the alarm when a file takes longer than its limit."""


@contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` (where the platform has interval timers and this is
    the main thread of its process, as in the workers; elsewhere no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum, frame):
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read_one(path: str, time_limit: float | None = None
              ) -> tuple[str, dict[str, list[dict]] | None, str | None, str | None]:
    """Read one file in a worker: (path, rows by table, error, hash of the decoded text)."""
    shown = shown_path(path)
    try:
        with _time_limit(time_limit):
            doc = _load(path)
            text_hash = hashlib.sha256("\n".join(doc.lines).encode("utf-8")).hexdigest()
            rows = _extract(doc)
        return path, {name: columns_of(name, rows[name]) for name in TABLE_NAMES}, None, text_hash
    except _TimeLimit:
        log.error("%s: longer than %s s, stopped", shown, time_limit)
        return shown, None, f"{shown}: 读取超过时间上限（{time_limit:g} 秒），已跳过", None
    except NotAReport as exc:
        return shown, None, _SKIP_MARK + shown_path(str(exc)), None
    except ReportReadError as exc:
        return shown, None, shown_path(str(exc)), None
    except Exception as exc:
        log.error("failed to read %s: %s", shown, exc)
        log.debug("traceback", exc_info=True)
        return shown, None, shown_path(f"{shown}: 解析出错（{type(exc).__name__}: {exc}）"), None


def _expand(paths) -> tuple[list[str], list[dict]]:
    """The report files named by paths (folders searched), and the files of folders skipped."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[str] = []
    skipped: list[dict] = []
    for p in map(Path, paths):
        if not p.exists() and not p.is_symlink():
            raise FileNotFoundError(f"{shown_path(p)}: 没有这个文件或文件夹")
        if p.is_dir():
            for x in _folder_entries(str(p)):
                reason = _skip_reason(Path(x))
                if reason is None:
                    files.append(x)
                elif reason:
                    skipped.append({"path": shown_path(x), "reason": reason})
        else:
            files.append(str(p))
    return files, skipped


def _folder_entries(folder: str):
    """Everything in a folder and in its folders, as ``sorted(Path(folder).rglob("*"))`` names
    it, in that order: a folder's entries sorted by name, each folder followed by what it holds
    (the order of their parts), the folders a link points to not entered.

    The names are made as strings, one at a time: the paths of a folder of 100 000 reports all
    made as ``Path`` objects and sorted left about 12 MB that the process kept after they were
    freed.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a-b/y.txt", "a/x.txt"):
    ...     (d / name).parent.mkdir(exist_ok=True); _ = (d / name).write_text("x")
    >>> [x[len(str(d)) + 1:] for x in _folder_entries(str(d))] == [
    ...     str(x.relative_to(d)) for x in sorted(d.rglob("*"))]
    True
    """
    try:
        with os.scandir(folder) as it:
            entries = sorted((e.name, e) for e in it)
    except PermissionError:  # (as rglob: a folder that cannot be listed gives nothing)
        return
    for name, entry in entries:
        path = name if folder == "." else os.path.join(folder, name)
        yield path
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            yield from _folder_entries(path)


def _skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not read ('' for folders and hidden files: said nowhere),
    or None for a report file."""
    if path.is_symlink():
        return f"{shown_path(path)}: 符号链接，已跳过（需要时请直接给出它指向的文件）"
    if path.is_dir() or path.name.startswith("."):
        return ""
    special = _special_file(path)
    if special:
        return special
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"{shown_path(path)}: 不是支持的报告格式（{path.suffix or '无扩展名'}），已跳过"
    return None


def _worker_init() -> None:
    """Workers make many short-lived objects and no reference cycles: collect garbage rarely,
    and never walk the objects inherited from the parent (a collection that walks them writes to
    the pages they share with the parent, which the system then copies: with the freeze, the
    workers' peak over 10 000 reports went from about 233 to 177 MB)."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


_CHUNK = 400  # reports whose rows are turned into DataFrames together (bounds the memory of rows)
_TASK = 16  # files a worker reads per task


def _read_many(paths: list[str], time_limit: float | None = None) -> list[tuple]:
    return [_read_one(p, time_limit) for p in paths]


def _pooled(paths: list[str], workers: int, time_limit: float | None = None):
    """:func:`_read_one` of every path in worker processes, results in the order of ``paths``.

    A worker that dies (killed for memory, a crash in a native library) breaks the pool: the
    files of the task it held are read again one at a time, each in a process of its own, so
    that only the file that kills its process is lost, named as a failure; the rest go on in a
    new pool.
    """
    tasks = [paths[i:i + _TASK] for i in range(0, len(paths), _TASK)]
    window = max(2, 4 * workers)  # tasks in flight: the results of a batch are never all held at once
    start = 0
    while start < len(tasks):
        broken = None
        pending: deque = deque()
        following = start
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
            while pending or following < len(tasks):
                while following < len(tasks) and len(pending) < window:
                    pending.append((following, pool.submit(_read_many, tasks[following], time_limit)))
                    following += 1
                k, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = k
                    break
                del future  # (a consumed task's rows are not kept)
                yield from results
        if broken is None:
            return
        log.warning("a worker process died; reading its %d files one by one", len(tasks[broken]))
        for path in tasks[broken]:
            yield _read_alone(path, time_limit)
        start = broken + 1


def _read_alone(path: str, time_limit: float | None = None) -> tuple:
    """Read one file in a process of its own: a process that dies is this file's failure."""
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_worker_init) as pool:
            return pool.submit(_read_one, path, time_limit).result()
    except BrokenProcessPool:
        shown = shown_path(path)
        log.error("%s: the worker process died while reading it", shown)
        return shown, None, f"{shown}: 读取时工作进程意外终止（可能内存不足或解析库崩溃），已跳过", None


def read_reports(paths, *, manifest=None, workers: int | None = None, progress=None,
                 time_limit: float | None = FILE_TIME_LIMIT) -> Corpus:
    """Read many reports (files, and folders of .txt/.docx/.html/.pdf files) into one set of tables.

    A file that cannot be read is listed in ``Corpus.failures`` with its reason; it never
    stops the batch. The same report under two names (same sha256, or the same text in
    another encoding) is read once; the duplicate is listed in the failures. Files of a folder
    that are not reports (.png, .xlsx …) are listed in ``Corpus.skipped``.

    Parameters
    ----------
    paths : path or list of paths
    manifest : path or DataFrame, optional
        Stated metadata, see :func:`read_report`.
    workers : int, optional
        Processes to use; default: one per CPU for more than 8 files, else 1.
    progress : callable, optional
        Called as ``progress(done, total)`` after each file.
    time_limit : float or None, default FILE_TIME_LIMIT
        Seconds one file may take; a file that takes longer is stopped and listed among the
        failures (None: no limit).

    Raises
    ------
    FileNotFoundError
        When a path given does not exist (a folder that holds no report gives an empty corpus
        and a warning).

    See Also
    --------
    ReportStream : the same reading, chunk by chunk, for corpora too large to hold at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("某县医疗保障局2022年度部门整体支出绩效自评报告\\n", encoding="utf-8")
    >>> _ = (d / "b.txt").write_bytes(b"")
    >>> _ = (d / "photo.png").write_bytes(b"\\x89PNG")
    >>> c = read_reports(d)
    >>> len(c.reports), c.failures["reason"].str.contains("空文件").tolist(), len(c.skipped)
    (1, [True], 1)
    """
    files, skipped = expand_paths(paths)
    if not files:
        log.warning("no report found in %s", ", ".join(shown_path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)))
    stream = ReportStream(files, skipped=skipped, workers=workers, progress=progress, time_limit=time_limit)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLE_NAMES}
    read: list[pd.DataFrame] = []
    for frames, done in stream:
        for name in TABLE_NAMES:
            parts[name].append(frames[name])
        read.append(done)
    frames = {name: pd.concat(parts[name], ignore_index=True) if len(parts[name]) > 1 else parts[name][0]
              for name in TABLE_NAMES}
    if manifest is not None:
        frames["reports"] = apply_manifest(frames["reports"], manifest)
    return Corpus(**frames, failures=stream.failures, skipped=stream.skipped,
                  files=pd.concat(read, ignore_index=True) if len(read) > 1 else read[0])


def expand_paths(paths) -> tuple[list[str], list[dict]]:
    """The report files named by ``paths`` (folders searched, in sorted order), as the strings
    :func:`read_reports` reads and names them, and the files of the folders that are skipped
    (``{"path", "reason"}``).

    Raises
    ------
    FileNotFoundError
        When a path given does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "b.txt").write_text("x"); _ = (d / "a.docx").write_text("x"); _ = (d / "c.png").write_text("x")
    >>> files, skipped = expand_paths(d)
    >>> [pathlib.Path(f).name for f in files], len(skipped)
    (['a.docx', 'b.txt'], 1)
    """
    return _expand(paths)


#: Columns of ``Corpus.files`` and of the chunks of :class:`ReportStream`: the files read into
#: the tables (``text_hash``: sha256 of the decoded lines, which finds the same text in another
#: encoding).
FILE_COLUMNS = ["path", "report_id", "sha256", "text_hash"]


def _files_frame(rows: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.array(rows[c], dtype="str") for c in FILE_COLUMNS}, columns=FILE_COLUMNS)


def _digest_key(digest: str) -> bytes | str:
    """A sha256 in hex as its 32 bytes: the duplicates' table of 100 000 reports holds 200 000
    of them (13 MB as bytes, 23 MB as text); anything else as it is.

    >>> _digest_key("ff" * 32) == bytes([255] * 32), _digest_key("x")
    (True, 'x')
    """
    try:
        return bytes.fromhex(digest) if len(digest) == 64 else digest
    except (TypeError, ValueError):
        return digest


class ReportStream:
    """Read report files in worker processes and give their tables chunk by chunk.

    Iterating gives ``(frames, files)`` for each chunk of ``chunk_size`` reports read (the last
    chunk may be smaller; a run with no report read gives one empty chunk): ``frames`` the
    tables of those reports (typed, as :func:`typed_frame`), ``files`` their
    :data:`FILE_COLUMNS`. The parent holds one chunk at a time. Files that cannot be read are
    gathered in :attr:`failures`, files that are no report in :attr:`skipped` (complete once
    the iteration is over); duplicates (the same bytes, or the same text, as a file read
    before or as one of ``seen``) are failures.

    Parameters
    ----------
    files : list of str
        Report files (:func:`expand_paths`).
    skipped : list of dict, optional
        Files skipped before reading (``{"path", "reason"}``), kept in :attr:`skipped`.
    workers, progress, time_limit
        As :func:`read_reports`.
    chunk_size : int
        Reports per chunk.
    seen : dict of str to str, optional
        sha256 or text hash → path of reports read before (an incremental run's kept reports):
        a file with the same content is a duplicate of it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for k in range(3):
    ...     _ = (d / f"r{k}.txt").write_text(f"某县医疗保障局202{k}年度部门整体支出绩效自评报告\\n", encoding="utf-8")
    >>> stream = ReportStream(expand_paths(d)[0], chunk_size=2, workers=1)
    >>> [len(frames["reports"]) for frames, files in stream], len(stream.failures)
    ([2, 1], 0)
    """

    def __init__(self, files: list[str], *, skipped: list[dict] = (), workers: int | None = None,
                 progress=None, time_limit: float | None = FILE_TIME_LIMIT, chunk_size: int = _CHUNK,
                 seen: dict[str, str] | None = None):
        vocab.packs()  # (a vocabulary pack named in the environment that is no folder: said before reading)
        self.files = [str(f) for f in files]
        self.workers = workers if workers is not None else (min(os.cpu_count() or 1, 8) if len(self.files) > 8 else 1)
        self.progress = progress
        self.time_limit = time_limit
        self.chunk_size = max(1, int(chunk_size))
        self._seen = {_digest_key(k): v for k, v in (seen or {}).items()}
        self._failures: list[dict] = []
        self._skipped: list[dict] = list(skipped)
        self._new_chunk()

    @property
    def failures(self) -> pd.DataFrame:
        """The files that could not be read (``path``, ``reason``)."""
        return _path_frame(self._failures)

    @property
    def skipped(self) -> pd.DataFrame:
        """The files that are no report (``path``, ``reason``)."""
        return _path_frame(self._skipped)

    def _new_chunk(self) -> None:
        self._chunk: dict[str, dict[str, list]] = {name: {c: [] for c in SCHEMAS[name]} for name in TABLE_NAMES}
        self._read: dict[str, list] = {c: [] for c in FILE_COLUMNS}
        self._in_chunk = 0

    def take(self, result: tuple, index: int | None = None) -> bool:
        """Take one result of :func:`_read_one` into the chunk; True when the chunk is full.

        ``index``: the result's place in :attr:`files`, when known (the duplicates' table then
        keeps that number, not another copy of the path).
        """
        path, rows, error, text_hash = result
        if rows is None:
            (self._skipped if error and error.startswith(_SKIP_MARK) else self._failures).append(
                {"path": path, "reason": error.removeprefix(_SKIP_MARK) if error else error})
            return False
        sha = rows["reports"]["sha256"][0]
        keys = _digest_key(sha), _digest_key(text_hash)
        for key, how in zip(keys, ("内容相同", "文字相同（编码或换行不同）"), strict=True):
            if key in self._seen:
                first = self._seen[key]
                first = self.files[first] if isinstance(first, int) else first
                self._failures.append(
                    {"path": path, "reason": f"{path}: 与 {first} {how}，已跳过（sha256 {sha[:12]}…）"})
                return False
        self._seen[keys[0]] = self._seen[keys[1]] = path if index is None else index
        for name in TABLE_NAMES:
            for column, values in rows[name].items():
                self._chunk[name][column].extend(values)
        for column, value in zip(FILE_COLUMNS, (shown_path(path), rows["reports"]["report_id"][0], sha, text_hash), strict=True):
            self._read[column].append(value)
        self._in_chunk += 1
        return self._in_chunk >= self.chunk_size

    def flush(self) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
        """The chunk's tables and files; the next chunk starts empty."""
        frames = {name: typed_frame(name, self._chunk[name]) for name in TABLE_NAMES}
        files = _files_frame(self._read)
        self._new_chunk()
        return frames, files

    def _results(self):
        n = len(self.files)
        if self.workers > 1:
            results = _pooled(self.files, self.workers, self.time_limit)
        else:
            results = (_read_one(f, self.time_limit) for f in self.files)
        for k, result in enumerate(results, start=1):
            yield result
            if self.progress:
                self.progress(k, n)

    def __iter__(self):
        given = False
        for index, result in enumerate(self._results()):
            if self.take(result, index):
                given = True
                yield self.flush()
        if self._in_chunk or not given:
            yield self.flush()


def _path_frame(rows: list[dict]) -> pd.DataFrame:
    if rows:
        return pd.DataFrame(rows, columns=["path", "reason"]).astype("str")
    return pd.DataFrame({"path": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
