"""evalkit: read Chinese budget-performance reports into tidy, traceable tables.

>>> import evalkit
>>> callable(evalkit.read_report) and callable(evalkit.read_reports)
True
"""

from __future__ import annotations

from importlib import metadata as _metadata

from evalkit.document import ReportReadError
from evalkit.export import read_tables
from evalkit.panel import consensus, panel, panel_figures, unit_labels
from evalkit.report import Corpus, Report, read_report, read_reports

__all__ = [
    "Corpus",
    "Report",
    "ReportReadError",
    "__version__",
    "consensus",
    "open_tables",
    "panel",
    "panel_figures",
    "read_report",
    "read_reports",
    "read_tables",
    "unit_labels",
]


def open_tables(folder) -> Corpus:
    """A :class:`Corpus` of the tables in a folder written by ``evalkit extract`` (such as ``data/``).

    Raises
    ------
    FileNotFoundError
        When the folder has no ``reports.csv``.
    evalkit.outputs.OutputFolderError
        When a table does not match the folder's manifest.

    Examples
    --------
    >>> import tempfile
    >>> open_tables(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: ...不是表格文件夹（没有 reports.csv）；请先运行 evalkit extract
    """
    import os
    from pathlib import Path

    path = Path(os.fspath(folder))
    if not (path / "reports.csv").is_file():
        raise FileNotFoundError(f"{path}: 不是表格文件夹（没有 reports.csv）；请先运行 evalkit extract")
    return Corpus.from_tables(read_tables(path))

try:
    __version__ = _metadata.version("evalkit")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
