"""evalkit: read Chinese budget-performance reports into tidy, traceable tables.

>>> import evalkit
>>> callable(evalkit.read_report) and callable(evalkit.read_reports)
True
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from evalkit.document import ReportReadError
from evalkit.panel import (  # (the function panel, not the module)
    consensus,
    panel,
    panel_figures,
    unit_labels,
)

if TYPE_CHECKING:  # pragma: no cover
    from evalkit.export import read_tables
    from evalkit.report import Corpus, Report, read_report, read_reports

#: Names of the package imported from their modules when first used: ``import evalkit`` costs
#: little more than pandas, and the reader is loaded only by a program that reads.
_LAZY = {
    "Corpus": "evalkit.report", "Report": "evalkit.report", "read_report": "evalkit.report",
    "read_reports": "evalkit.report", "read_tables": "evalkit.export",
}

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

    from evalkit.export import read_tables
    from evalkit.report import Corpus

    path = Path(os.fspath(folder))
    if not (path / "reports.csv").is_file():
        raise FileNotFoundError(f"{path}: 不是表格文件夹（没有 reports.csv）；请先运行 evalkit extract")
    return Corpus.from_tables(read_tables(path))


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("evalkit")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name == "__version__":
        value = _version()
    elif importlib.util.find_spec(f"{__name__}.{name}") is not None:  # a submodule: evalkit.report …
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
