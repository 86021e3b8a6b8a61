"""The ``evalkit`` command: from a folder of reports to tables, findings, a workbook and charts.

``evalkit extract REPORTS... --out DIR [--format csv|parquet|both] [--full] [--scheduler ADDRESS]``
    read reports (files or folders), write the tidy tables as CSV (or as a Parquet dataset
    partitioned by fiscal year, written while reading), print a summary. A re-run into the same
    folder reads only new and changed files (``--full``: all of them).
``evalkit check DIR|REPORTS... [--format table|csv|json]``
    print the findings of the consistency checks.
``evalkit build DIR|REPORTS... --out OUT``
    the tables as CSV, the audit workbook ``OUT/workpaper.xlsx`` and the charts
    ``OUT/charts``.

A DIR holding ``reports.csv`` or a dataset ``parquet/reports/`` is a folder of tables written by
``extract`` (such as the bundled ``data/``) and is read as tables; anything else is read as reports.

Exit codes: 0 every report was read; 1 some report could not be read (each is named with
its reason) or an output could not be made; 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import math
import shlex
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit import derived_cache, export, fields, vocab
from evalkit.document import ReportReadError
from evalkit.outputs import OutputFolder, OutputFolderError, read_manifest

__all__ = ["build_parser", "main"]

logger = logging.getLogger(__name__)

#: From this many reports on, the command shows its progress reading them on stderr.
PROGRESS_FROM = 20

_EPILOG = """\
示例 (examples):
  evalkit extract ../shared/reports --out data
        读取文件夹中的全部报告，把各表写成 CSV（UTF-8 带 BOM），并打印摘要
  evalkit extract a.txt b.txt --out out
        只读取两份报告
  evalkit extract reports --out out --format parquet
        边读边写 Parquet 数据集（按年度分区，out/parquet/<表>/fiscal_year=<年度>/），内存占用不随报告数增长
  evalkit extract reports --out out --format parquet --scheduler tcp://10.0.0.5:8786
        在 Dask 集群上读取（需要 evalkit[distributed]，各节点共享文件系统）
  evalkit check data
        读取已提取的表格文件夹，打印检查发现
  evalkit check ../shared/reports --format json > findings.json
        直接读取报告并以 JSON 输出检查发现
  evalkit build data --out build
        生成表格、审计工作底稿 build/workpaper.xlsx 和图表 build/charts/

退出码 (exit codes): 0 全部报告读取成功；1 有报告无法读取或输出未能生成；2 用法错误。
"""


class UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


#: argparse's own messages, in Chinese (pattern, replacement), tried in order.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"参数 \1：无效的选择 \2（可选：\3）"),
    (r"argument (\S+): expected one argument", r"参数 \1：需要一个值"),
    (r"argument (\S+): expected at least one argument", r"参数 \1：至少需要一个值"),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1：不是整数：\2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"参数 \1：不接受值 \2"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
)


def _chinese_message(message: str) -> str:
    """argparse's English message in Chinese (unknown messages are kept as they are).

    Examples
    --------
    >>> _chinese_message("the following arguments are required: REPORTS, --out")
    '缺少必需的参数：REPORTS, --out'
    """
    import re

    for pattern, replacement in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, replacement, message, flags=re.DOTALL)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text as written (examples keep their lines), with a Chinese usage heading."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks Chinese: headings, the help option and its error messages."""

    def __init__(self, *args, **kwargs):
        add_help = kwargs.pop("add_help", True)
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter, argparse.RawDescriptionHelpFormatter):
            kwargs["formatter_class"] = _Formatter
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{_chinese_message(message)}\n")


@dataclass
class Loaded:
    """What a command works on: the tables, the reports that failed, where they came from."""

    tables: dict[str, pd.DataFrame]
    failures: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"path": [], "reason": []}, dtype="str")
    )
    from_tables: bool = False
    skipped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"path": [], "reason": []}, dtype="str")
    )
    #: The folder of tables read (None: read from reports) and the manifest it was read under
    #: (its files' sums were checked as they were read).
    folder: Path | None = None
    manifest: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- output helpers


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def _render(header: Sequence[str], rows: Sequence[Sequence[str]], right=(), indent="") -> str:
    """Align a small text table, counting Chinese characters as two columns."""
    widths = [_width(h) for h in header]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = []
    for row in [list(header), *rows]:
        cells = [_pad(c, w, j in right) for j, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append(indent + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _fmt(value) -> str:
    """A cell value as short text: missing is empty, floats without trailing zeros."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return "0" if text in {"-0", ""} else text
    return str(value)


def _out(text: str = "") -> None:
    print(text, file=sys.stdout)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _out_bytes(data: bytes) -> None:
    """UTF-8 text to standard output as it is (through the text stream when it has no buffer)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


# --------------------------------------------------------------------------- loading


def _is_tables_dir(path: Path) -> bool:
    from evalkit.dataset import is_dataset

    return path.is_dir() and ((path / "reports.csv").is_file() or is_dataset(path))


class Progress:
    """Progress of reading reports, on stderr, for ``read_reports(progress=...)``.

    Called as ``progress(done, total)`` after each report. Silent for fewer than
    :data:`PROGRESS_FROM` reports; on a terminal one line updated in place, elsewhere (a log
    file, CI) a line at every tenth of the way.
    """

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        text = f"读取报告 {done}/{total}（{100 * done // total}%）"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if done >= total else ""))
        elif done * 10 // total > (done - 1) * 10 // total:  # each tenth of the way
            self.stream.write(text + "\n")
        self.stream.flush()


def _input_paths(args) -> list[Path]:
    """The inputs given, refused before any reading when one is missing or is a broken tables folder."""
    paths = [Path(p) for p in args.inputs]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError("找不到文件或文件夹：" + "、".join(missing))
    for p in paths:
        _refuse_broken_tables_dir(p)
    return paths


def _load(args, *, allow_tables: bool) -> Loaded:
    paths = _input_paths(args)
    table_dirs = [p for p in paths if _is_tables_dir(p)]
    if allow_tables and table_dirs:
        if len(paths) > 1:
            raise UsageError(
                f"{table_dirs[0]} 是表格文件夹（含 reports.csv），只能单独给出，不能与报告混在一起"
            )
        if getattr(args, "manifest", None) is not None:
            raise UsageError(f"{paths[0]} 是已提取的表格文件夹：清单（--manifest）只在读取报告时使用")
        logger.info("reading tables from %s", paths[0])
        try:
            tables, manifest = _folder_tables(paths[0])
        except OutputFolderError as exc:
            raise UsageError(str(exc)) from exc
        return Loaded(tables, from_tables=True, folder=paths[0], manifest=manifest)

    from evalkit import read_reports

    options = {"workers": args.workers, "progress": None if args.quiet else Progress()}
    if args.manifest is not None:
        if not Path(args.manifest).is_file():
            raise UsageError(f"找不到清单文件：{args.manifest}")
        _check_manifest(Path(args.manifest), paths)
        options["manifest"] = Path(args.manifest)
    try:
        corpus = read_reports(paths, **options)
    except ValueError as exc:  # a manifest that states something impossible
        raise UsageError(str(exc)) from exc
    tables = dict(corpus.tables())
    failures = corpus.failures
    if len(tables.get("reports", ())) == 0 and len(failures) == 0:
        hint = ""
        if table_dirs:
            hint = f"；{table_dirs[0]} 是表格文件夹，请用 evalkit check 或 evalkit build 读取"
        raise UsageError("在 " + "、".join(map(str, paths)) + " 中没有找到报告" + hint)
    skipped = getattr(corpus, "skipped", None)
    if skipped is None:
        skipped = pd.DataFrame({"path": [], "reason": []}, dtype="str")
    return Loaded(tables, failures, skipped=skipped)


#: Columns a manifest may have (``year`` is read as ``fiscal_year``; ``note`` is the user's).
MANIFEST_COLUMNS = ("report_id", "sha256", "department", "province", "city", "county", "fiscal_year", "year",
                    "report_kind", "evaluator", "report_date", "title", "note")


def _folder_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    """The tables of a folder and the manifest that vouches for them (its files' sums are
    checked as they are read); {} for the manifest when the folder was rewritten meanwhile or
    a table was read from a file the manifest does not record."""
    before = read_manifest(folder)
    tables = export.read_tables(folder)
    if read_manifest(folder) != before or export.unlisted_files(folder, before, tables):
        return tables, {}
    return tables, before


def _refuse_broken_tables_dir(path: Path) -> None:
    """A folder of tables without ``reports.csv`` is refused before anything is read."""
    if not path.is_dir() or _is_tables_dir(path):
        return
    from evalkit.schema import TABLE_NAMES

    found = sorted(f"{n}.csv" for n in TABLE_NAMES if (path / f"{n}.csv").is_file())
    if found or (path / "evalkit-manifest.json").is_file():
        listed = "、".join(found[:3]) + ("等" if len(found) > 3 else "")
        raise UsageError(f"{path} 看起来是表格文件夹（有 {listed or 'evalkit-manifest.json'}），但缺少 reports.csv；"
                         "表格文件夹需要 reports.csv，请重新运行 evalkit extract 生成")


def _check_manifest(manifest: Path, paths: list[Path]) -> None:
    """Refuse, before reading, a manifest with unknown columns or rows that match no report file."""
    import hashlib

    from evalkit.readers import SUPPORTED_SUFFIXES

    try:
        m = pd.read_csv(manifest, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UsageError(f"清单 {manifest} 无法读取：{exc}") from exc
    unknown = [c for c in m.columns if c not in MANIFEST_COLUMNS]
    if unknown:
        raise UsageError(f"清单 {manifest} 有不认识的列：{'、'.join(map(str, unknown))}；"
                         f"可用的列：{'、'.join(MANIFEST_COLUMNS)}")
    if not {"report_id", "sha256"} & set(m.columns):
        raise UsageError(f"清单 {manifest} 需要 report_id 或 sha256 列，用来对应报告")
    files = []
    for p in paths:
        if p.is_dir():
            files += [f for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith(".")
                      and f.suffix.lower() in SUPPORTED_SUFFIXES]
        else:
            files.append(p)
    ids = {f.stem for f in files}
    ids_col = m["report_id"].str.strip() if "report_id" in m else pd.Series("", index=m.index)
    sha_col = m["sha256"].str.strip().str.lower() if "sha256" in m else pd.Series("", index=m.index)
    unmatched = [i for i in m.index if ids_col[i] not in ids]
    if any(sha_col[i] for i in unmatched):  # hash the files only when a row needs it
        hashes = set()
        for f in files:
            try:
                hashes.add(hashlib.sha256(f.read_bytes()).hexdigest())
            except OSError:
                continue
        unmatched = [i for i in unmatched if sha_col[i] not in hashes]
    if unmatched:
        shown = [ids_col[i] or sha_col[i][:12] or f"第 {i + 2} 行" for i in unmatched]
        raise UsageError(f"清单 {manifest} 中有 {len(unmatched)} 行对应不到要读取的报告："
                         f"{'、'.join(shown[:5])}{'等' if len(shown) > 5 else ''}；"
                         "请检查 report_id（报告文件名去掉扩展名）或 sha256")


def _report_skipped(skipped: pd.DataFrame) -> None:
    """Name every file that was skipped, with its reason (on stderr)."""
    for path, reason in skipped[["path", "reason"]].itertuples(index=False, name=None):
        reason = "" if pd.isna(reason) else str(reason)
        _err(f"已跳过 {reason}" if path and reason.startswith(str(path)) else f"已跳过 {path}：{reason or '原因不明'}")


def _report_failures(failures: pd.DataFrame) -> None:
    for path, reason in failures[["path", "reason"]].itertuples(index=False, name=None):
        reason = "" if pd.isna(reason) else str(reason)
        if path and reason.startswith(str(path)):  # the reader's reasons name the file
            _err(f"无法读取报告 {reason}")
        else:
            _err(f"无法读取报告 {path}：{reason or '原因不明'}")


@contextlib.contextmanager
def _derived(tables: dict[str, pd.DataFrame], manifest: dict | None = None
             ) -> Iterator[tuple[dict[str, pd.DataFrame] | None, str]]:
    """Run the analysis: (derived tables, "") or (None, why) when evalkit.analysis cannot be
    imported. With the ``manifest`` of the folder the tables were read from, a result kept by an
    earlier command on the same folder is reused, and a new one kept
    (:mod:`evalkit.derived_cache`) while the block runs: leaving it waits until it is kept."""
    try:
        derive = importlib.import_module("evalkit.analysis").derive
    except (ImportError, AttributeError) as exc:
        logger.debug("evalkit.analysis unavailable", exc_info=True)
        derive, why_not = None, f"evalkit.analysis 不可用（{exc}）"
    if derive is None:  # (yielded outside the except: the block's own errors are not chained to it)
        yield None, why_not
        return
    key = derived_cache.folder_key(manifest) if manifest else None
    kept = derived_cache.load(key)
    if kept is not None:
        yield kept, ""
        return
    derived = dict(derive(tables))
    with derived_cache.kept_meanwhile(key, derived):
        yield derived, ""


# --------------------------------------------------------------------------- summary


#: From this many reports on, the summary gives the coverage distribution and the worst reports
#: instead of a line per report.
LARGE_BATCH = 50


#: Why ``extract`` gives no count of findings: the checks run only with ``--check``.
NOT_ASKED = "（加 --check 计算）"


def _summary(loaded: Loaded, derived: dict | None, why_not: str, out: Path | None = None) -> str:
    tables = loaded.tables
    counts = {name: len(frame) for name, frame in tables.items()}
    lines = []
    if loaded.from_tables:
        lines.append(f"读取表格：报告 {counts.get('reports', 0)} 份")
    else:
        lines.append(f"已读取报告：{counts.get('reports', 0)} 份；无法读取：{len(loaded.failures)} 份")
    return _summary_body(lines, loaded.skipped, counts, tables.get("coverage"), derived, why_not, out)


def _summary_body(lines: list[str], skipped: pd.DataFrame, counts: dict[str, int], coverage: pd.DataFrame | None,
                  derived: dict | None, why_not: str, out: Path | None) -> str:
    if len(skipped):
        lines.append(f"跳过非报告文件：{len(skipped)} 个（逐个列在下面的错误输出中，附原因）")
    lines.append("各表行数：")
    rows = [[name, fields.table_label(name), f"{n:,}"] for name, n in counts.items()]
    lines.append(_render(["表", "内容", "行数"], rows, right={2}, indent="  "))
    if "residue" in counts:
        lines.append(f"未归位内容（residue）：{counts['residue']:,} 条")
    if derived is not None and "findings" in derived:
        lines.append(f"检查发现（findings）：{len(derived['findings']):,} 条")
    elif why_not == NOT_ASKED:
        lines.append(f"检查发现（findings）：未计算{NOT_ASKED}")
    else:
        lines.append(f"检查发现（findings）：未计算，{why_not or '派生表中没有 findings'}")
    if coverage is not None and len(coverage) and _coverage_counts(coverage) is not None:
        if len(coverage) > LARGE_BATCH:
            lines.append(_coverage_distribution(coverage, out))
        else:
            lines.append("各报告提取覆盖率（已归位或可忽略的数字/全部数字）：")
            lines.append(_render_coverage(coverage))
    return "\n".join(lines)


def _extract_summary(result, derived: dict | None, why_not: str, out: Path) -> str:
    """The summary of ``extract``: reports read (and, in an incremental run, kept and removed)."""
    if result.incremental:
        head = (f"报告：共 {result.reports} 份（新读取 {result.read} 份，其中内容有变化 {result.changed} 份；"
                f"沿用上次结果 {result.kept} 份；文件已不在而移除 {result.removed} 份）；"
                f"无法读取：{len(result.failures)} 份")
    else:
        head = f"已读取报告：{result.read} 份；无法读取：{len(result.failures)} 份"
    return _summary_body([head], result.skipped, result.counts, result.coverage, derived, why_not, out)


def _coverage_counts(coverage: pd.DataFrame) -> pd.DataFrame | None:
    """Per report: numbers found and numbers placed or ignored, in tables and in the text.

    Takes ``table_placed``/``text_placed_or_ignored`` or, where the reader splits them,
    ``*_placed`` + ``*_ignored``; None when the coverage table has neither.
    """
    columns = set(coverage.columns)
    if not {"report_id", "table_numbers", "text_numbers"} <= columns:
        return None

    def number(column: str) -> pd.Series:
        return pd.to_numeric(coverage[column], errors="coerce").fillna(0)

    counts = pd.DataFrame({"report_id": coverage["report_id"]})
    for prefix in ("table", "text"):
        parts = [f"{prefix}_placed_or_ignored"]
        if parts[0] not in columns:
            parts = [c for c in (f"{prefix}_placed", f"{prefix}_ignored") if c in columns]
        if not parts:
            return None
        counts[f"{prefix}_numbers"] = number(f"{prefix}_numbers")
        counts[f"{prefix}_done"] = sum(number(c) for c in parts)
    return counts.groupby("report_id", sort=False).sum()


def _ratio(part, whole) -> str:
    part, whole = int(part), int(whole)
    share = f"{100 * part / whole:.1f}%" if whole else "—"
    return f"{part}/{whole} ({share})"


def _coverage_distribution(coverage: pd.DataFrame, out: Path | None) -> str:
    """For a large batch: how coverage is spread over the reports, and the ten worst reports."""
    counts = _coverage_counts(coverage)
    done = counts["table_done"] + counts["text_done"]
    numbers = counts["table_numbers"] + counts["text_numbers"]
    share = (100 * done / numbers.where(numbers > 0)).fillna(100.0)
    bands = [("100%", share >= 100), ("99%–100%", (share >= 99) & (share < 100)),
             ("95%–99%", (share >= 95) & (share < 99)), ("80%–95%", (share >= 80) & (share < 95)),
             ("低于 80%", share < 80)]
    lines = [(f"提取覆盖率（已归位或可忽略的数字/全部数字）：{len(share)} 份报告，"
              f"中位数 {share.median():.1f}%，最低 {share.min():.1f}%")]
    lines.append(_render(["覆盖率", "报告数"], [[name, f"{int(mask.sum()):,}"] for name, mask in bands],
                         right={1}, indent="  "))
    worst = share.sort_values(kind="stable").head(10)
    lines.append("覆盖率最低的 10 份报告：")
    rows = [[str(rid), _ratio(counts.at[rid, "table_done"], counts.at[rid, "table_numbers"]),
             _ratio(counts.at[rid, "text_done"], counts.at[rid, "text_numbers"])] for rid in worst.index]
    lines.append(_render(["报告编号", "表格中的数字", "正文中的数字"], rows, right={1, 2}, indent="  "))
    if out is not None:
        lines.append(f"逐份报告的覆盖率见 {out / 'coverage.csv'}")
    return "\n".join(lines)


def _render_coverage(coverage: pd.DataFrame) -> str:
    rows = [
        [str(report_id), _ratio(r.table_done, r.table_numbers), _ratio(r.text_done, r.text_numbers)]
        for report_id, r in _coverage_counts(coverage).iterrows()
    ]
    return _render(["报告编号", "表格中的数字", "正文中的数字"], rows, right={1, 2}, indent="  ")


# --------------------------------------------------------------------------- commands


def _check_out(out: Path) -> None:
    """Refuse, before any reading, an output folder that names a file."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} 是一个文件，不是文件夹；请给出一个文件夹（不存在时会新建）")


def _nothing_read(loaded: Loaded, out: Path) -> bool:
    """True (and said) when no report could be read: earlier results in ``out`` are kept."""
    if len(loaded.tables.get("reports", ())) or loaded.from_tables:
        return False
    _err(f"没有一份报告能读取：{out} 中原有的结果保持不变")
    _report_failures(loaded.failures)
    return True


def _extract_options(args) -> dict:
    """The options of ``extract`` checked before anything is read."""
    paths = _input_paths(args)
    fmt = args.format or ("parquet" if args.scheduler else "csv")
    if args.scheduler and fmt == "csv":
        raise UsageError("--scheduler 由集群各节点写出 Parquet 数据集：请用 --format parquet 或 --format both")
    manifest = None
    if args.manifest is not None:
        if not Path(args.manifest).is_file():
            raise UsageError(f"找不到清单文件：{args.manifest}")
        _check_manifest(Path(args.manifest), paths)
        manifest = Path(args.manifest)
    return {"paths": paths, "fmt": fmt, "manifest": manifest}


def _cmd_extract(args, command: str) -> int:
    from evalkit.pipeline import NothingRead, extract_to_folder

    out = Path(args.out)
    _check_out(out)
    opts = _extract_options(args)
    paths = opts["paths"]
    try:
        result = extract_to_folder(paths, out, fmt=opts["fmt"], manifest=opts["manifest"], workers=args.workers,
                                   progress=None if args.quiet else Progress(), scheduler=args.scheduler,
                                   full=args.full, inputs=list(args.inputs))
    except NothingRead as exc:
        if len(exc.failures) == 0:
            table_dirs = [p for p in paths if _is_tables_dir(p)]
            hint = f"；{table_dirs[0]} 是表格文件夹，请用 evalkit check 或 evalkit build 读取" if table_dirs else ""
            raise UsageError("在 " + "、".join(map(str, paths)) + " 中没有找到报告" + hint) from exc
        _err(f"没有一份报告能读取：{out} 中原有的结果保持不变")
        _report_failures(exc.failures)
        return 1
    except (OutputFolderError, ValueError, RuntimeError) as exc:
        raise UsageError(str(exc)) from exc
    with contextlib.ExitStack() as stack:
        derived, why_not = (None, NOT_ASKED)
        if args.check:
            # (the run's own tables, when it has them: nothing vouches they equal the folder's)
            tables, manifest = (result.tables, None) if result.tables is not None else _folder_tables(out)
            derived, why_not = stack.enter_context(_derived(tables, manifest))
        if not args.quiet:  # -q: nothing on success; failures and skipped files still on stderr
            _out(_extract_summary(result, derived, why_not, out))
            what = {"csv": "CSV 文件", "parquet": "Parquet 数据集文件",
                    "both": "Parquet 数据集文件和 CSV 文件"}[opts["fmt"]]
            _out(f"表格已写入：{out}（{result.files_written} 个 {what}）")
    _report_skipped(result.skipped)
    _report_failures(result.failures)
    return 1 if len(result.failures) else 0


#: The severities of a finding, most serious first (``SEVERITIES`` of the analysis, which the
#: command line does not import before it runs): the levels of ``check --fail-on``.
_SEVERITIES = ("错误", "警告", "提示")

_FINDING_COLUMNS = (
    "report_id",
    "rule",
    "severity",
    "message",
    "expected",
    "observed",
    "difference",
    "sources",
)


def _cmd_check(args, command: str) -> int:
    loaded = _load(args, allow_tables=True)
    with _derived(loaded.tables, loaded.manifest) as (derived, why_not):
        _report_failures(loaded.failures)
        if derived is None or "findings" not in derived:
            _err(f"无法检查：{why_not or '派生表中没有 findings'}")
            return 1
        findings = derived["findings"]
        try:  # the renderer of the analysis package (absent when the analysis is replaced)
            render = importlib.import_module("evalkit.analysis.render")
        except ImportError:
            render = None
        reports = loaded.tables.get("reports")
        departments = ({r: d for r, d in zip(reports["report_id"], reports["department"])
                        if isinstance(d, str)}
                       if reports is not None and "department" in reports.columns else {})
        if render is not None and len(findings):
            findings = render.sort_findings(findings, departments).reset_index(drop=True)
        if args.format == "csv":
            _out_bytes(export.csv_text(findings))
        elif args.format == "json":
            sys.stdout.write(findings.to_json(orient="records", force_ascii=False, indent=2) + "\n")
        elif len(findings) == 0:
            _out(f"未发现问题（共检查报告 {len(loaded.tables.get('reports', ()))} 份）。")
        elif render is not None:
            _out(render.render_findings(findings, departments, width=args.width))
        else:
            columns = [c for c in findings.columns if c in _FINDING_COLUMNS] or list(findings.columns)
            rows = [[_fmt(v) for v in values] for values in findings[columns].itertuples(index=False)]
            numeric = {j for j, c in enumerate(columns) if c in {"expected", "observed", "difference"}}
            _out(_render([fields.field_label(c) for c in columns], rows, right=numeric))
            _out(f"共 {len(findings)} 条检查发现。")
        if render is not None and render.fails(findings, args.fail_on):
            _err(f"有严重程度为{args.fail_on}或更严重的审计发现（--fail-on {args.fail_on}）")
            return 1
        return 1 if len(loaded.failures) else 0


def _max_units(value: str) -> int | None:
    """``--max-units``: a positive number, or all (0) for every unit."""
    if value.strip().lower() in ("all", "0"):
        return None
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 1:
        raise argparse.ArgumentTypeError(f"--max-units 应为正整数或 all，而不是 {value!r}")
    return n


def _cmd_explain(args, command: str) -> int:
    from evalkit.explain import explain

    path = Path(args.report)
    if not path.is_file():
        raise UsageError(f"{args.report}: 不是一个文件")
    try:
        table = explain(path, lines=args.line)
    except ReportReadError as exc:
        _err(str(exc))
        return 1
    if table.empty:
        _out("没有找到数字。")
        return 0
    room = max(10, args.width - 40)
    rows = [[str(r.line), r.number, r.status, r.taken_by or r.reason[:room], r.part]
            for r in table.itertuples(index=False)]
    _out(_render(["行", "数字", "结果", "取用者或原因", "所在表格部分"], rows, right={0}))
    counts = table["status"].value_counts()
    _out("，".join(f"{k} {v} 个" for k, v in counts.items()))
    return 0


def _cmd_build(args, command: str) -> int:
    out = Path(args.out)
    _check_out(out)
    verdicts = _read_verdicts(args.verdicts)
    loaded = _load(args, allow_tables=True)
    if _nothing_read(loaded, out):
        return 1
    try:  # tables, workbook and charts appear together, or the folder stays as it was
        with (_derived(loaded.tables, loaded.manifest) as (derived, why_not),
              OutputFolder(out, inputs=list(args.inputs), owned=("charts",)) as folder):
            source = (loaded.folder, loaded.manifest) if loaded.folder is not None and loaded.manifest else None
            written = export.write_tables(loaded.tables, folder, source=source)
            status, workbook, charts_note = _build_outputs(loaded, derived, folder, command, verdicts,
                                                           max_units=args.max_units)
    except OutputFolderError as exc:
        raise UsageError(str(exc)) from exc

    if not args.quiet:  # -q: nothing on success; failures and skipped files still on stderr
        _out(_summary(loaded, derived, why_not, out=out))
        _out(f"表格：{out}（{len(written)} 个 CSV 文件）")
        _out(f"工作底稿：{out / workbook.name}")
        _out(charts_note)
    elif charts_note.startswith("图表未能生成"):
        _err(charts_note)
    _report_skipped(loaded.skipped)
    _report_failures(loaded.failures)
    return status


def _read_verdicts(path: str | None) -> pd.DataFrame | None:
    """The verdicts of an earlier workpaper (``--verdicts``), read before anything else."""
    if path is None:
        return None
    if not Path(path).is_file():
        raise UsageError(f"找不到工作底稿：{path}")
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    from evalkit.workpaper import read_verdicts

    try:
        return read_verdicts(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise UsageError(f"{path}: 无法读取核实结论（{exc}）") from exc


def _build_outputs(loaded: Loaded, derived: dict | None, folder: OutputFolder, command: str,
                   verdicts: pd.DataFrame | None = None, max_units: int | None = 20):
    """Write the workbook, and meanwhile draw the charts in a process of their own."""
    from evalkit.side_process import Beside
    from evalkit.workpaper import write_workpaper

    charts_dir = folder.folder("charts")
    with Beside(_draw_charts, loaded.tables, derived or {}, charts_dir, max_units) as charts:
        workbook = write_workpaper(
            loaded.tables,
            derived or {},
            folder.path("workpaper.xlsx"),
            command=command,
            inputs=None,
            failures=loaded.failures if len(loaded.failures) else None,
            verdicts=verdicts,
        )
        try:
            drawn, why_not = charts.result()
        except Exception as exc:  # noqa: BLE001 (the workbook is written: say why the charts are not)
            return 1, workbook, f"图表未能生成：{exc}"
    status = 1 if len(loaded.failures) else 0
    if drawn is None:
        return status, workbook, f"图表已跳过：evalkit.plotting 不可用（{why_not}）"
    return status, workbook, f"图表：{folder.out / 'charts'}（{drawn} 个文件）"


def _draw_charts(tables: dict, derived: dict, charts_dir: Path, max_units: int | None) -> tuple[int | None, str]:
    """The number of chart files drawn, or (None, why) when evalkit.plotting is unavailable."""
    try:
        build_charts = importlib.import_module("evalkit.plotting").build_charts
    except (ImportError, AttributeError) as exc:
        logger.debug("evalkit.plotting unavailable", exc_info=True)
        return None, str(exc)
    try:
        return len(list(build_charts(tables, derived, charts_dir, max_units=max_units))), ""
    except Exception:
        logger.exception("build_charts failed")  # (with its traceback, where it happened)
        raise


# --------------------------------------------------------------------------- parser and main


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``evalkit`` command.

    Returns
    -------
    argparse.ArgumentParser
        The parser, with the subcommands ``extract``, ``check`` and ``build``.

    Examples
    --------
    >>> args = build_parser().parse_args(["check", "data", "--format", "json"])
    >>> args.command, args.inputs, args.format
    ('check', ['data'], 'json')
    """
    from evalkit.workpaper import _evalkit_version  # the one place that knows how to ask

    common = _Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="更多日志（可重复）")
    common.add_argument("-q", "--quiet", action="store_true", help="只输出错误，不显示进度")
    common.add_argument(
        "--workers", type=int, default=None, metavar="N", help="并行读取报告的进程数"
    )
    common.add_argument(
        "--manifest",
        metavar="CSV",
        default=None,
        help="报告清单 CSV（report_id 或 sha256，及 department、fiscal_year 等列）；"
        "声明的值优先于提取的值",
    )

    parser = _Parser(
        prog="evalkit",
        description="把预算绩效自评报告读成整洁、可追溯的数据表，检查其一致性，并生成审计工作底稿和图表。",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"evalkit {_evalkit_version()}",
                        help="显示版本并退出")
    sub = parser.add_subparsers(dest="command", metavar="{extract,check,build,explain}", title="子命令")

    p = sub.add_parser(
        "extract",
        parents=[common],
        help="读取报告，写出各表（CSV）并打印摘要",
        description="读取报告（文件或文件夹），把各表写成 CSV（UTF-8 带 BOM），打印摘要。",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="REPORTS", help="报告文件或文件夹")
    p.add_argument("--out", required=True, metavar="DIR", help="写出 CSV 的文件夹")
    p.add_argument("--check", action="store_true", help="同时运行检查，在摘要中给出检查发现条数")
    p.add_argument("--format", choices=("csv", "parquet", "both"), default=None,
                   help="csv（默认）：各表一个 CSV 文件；parquet：边读边写按年度分区的 Parquet 数据集 DIR/parquet/，"
                        "内存占用不随报告数增长；both：两者都写")
    p.add_argument("--full", action="store_true",
                   help="全部重新读取（默认只读取新增或内容有变化的文件，沿用上次的结果）")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask 调度器地址（如 tcp://10.0.0.5:8786）：在集群上读取，各节点写出自己的数据集部分；"
                        "需要 evalkit[distributed] 和共享文件系统")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="打印检查发现",
        description="打印一致性检查的发现。DIR 含 reports.csv 时按表格读取，否则按报告读取。",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="DIR|REPORTS", help="表格文件夹，或报告文件/文件夹")
    p.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="输出格式（默认 table）"
    )
    p.add_argument(
        "--fail-on", choices=_SEVERITIES, default=None, metavar="|".join(_SEVERITIES),
        help="有该严重程度或更严重的审计发现（类别“矛盾”）时退出码为 1；待复核疑点不计",
    )
    p.add_argument("--width", type=int, default=100, metavar="N", help="表格输出的行宽（默认 100 列）")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "build",
        parents=[common],
        help="生成表格、审计工作底稿和图表",
        description="生成全部产出：OUT/*.csv、OUT/workpaper.xlsx、OUT/charts/。"
        "DIR 含 reports.csv 时按表格读取，否则按报告读取。",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="DIR|REPORTS", help="表格文件夹，或报告文件/文件夹")
    p.add_argument("--out", required=True, metavar="OUT", help="输出文件夹")
    p.add_argument("--verdicts", metavar="XLSX", default=None,
                   help="上一次填写过核实结论的工作底稿：结论按检查编号带入新底稿")
    p.add_argument("--max-units", type=_max_units, default=20, metavar="N",
                   help="每张图最多显示的单位数（按该图指标取最大的单位，默认 20；all 为全部）")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "explain",
        parents=[common],
        help="逐个数字说明一份报告读取的结果：哪个读取器取用、为何略过",
        description="读取一份报告，列出正文和表格中的每个数字：已取用（由哪个读取器）、有意略过（原因）、"
        "未取用（剩余项的原因）或不属任何表（日期、编号等）。用于排查“这个数字为什么（不）在表里”。",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("report", metavar="REPORT", help="一份报告文件")
    p.add_argument("--line", type=int, action="append", default=None, metavar="N",
                   help="只看第 N 行（可重复）")
    p.add_argument("--width", type=int, default=100, metavar="N", help="表格输出的行宽（默认 100 列）")
    p.set_defaults(func=_cmd_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``evalkit`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 when every report was read, 1 when some report could not be read or an output
        could not be made, 2 on a usage error (including a missing file or folder).

    Examples
    --------
    >>> main(["extract"])  # doctest: +SKIP
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    level = logging.WARNING - 10 * args.verbose
    if args.quiet:
        level = logging.ERROR
    logging.basicConfig(
        level=level, format="evalkit: %(levelname)s: %(message)s", stream=sys.stderr
    )
    if args.workers is not None and args.workers < 1:
        _err("evalkit: 错误：--workers 必须是正整数")
        return 2
    command = shlex.join(["evalkit", *argv])
    try:
        return args.func(args, command)
    except UsageError as exc:
        _err(f"evalkit {args.command}: 错误：{exc}")
        return 2
    except vocab.VocabularyError as exc:  # a vocabulary pack of EVALKIT_VOCAB_PACKS that cannot be used
        _err(f"evalkit {args.command}: 词汇包错误：{exc}")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
