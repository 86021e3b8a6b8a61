"""evalkit: read Chinese budget-performance reports into tidy, traceable tables.

>>> import evalkit
>>> callable(evalkit.read_report) and callable(evalkit.read_reports)
True
"""

from __future__ import annotations

from importlib import metadata as _metadata

from evalkit.document import ReportReadError
from evalkit.report import Corpus, Report, read_report, read_reports

__all__ = ["Corpus", "Report", "ReportReadError", "__version__", "read_report", "read_reports"]

try:
    __version__ = _metadata.version("evalkit")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
