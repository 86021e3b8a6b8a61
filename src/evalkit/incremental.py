"""Incremental runs: which report files to read again, which reports to keep, which to drop.

``evalkit extract`` records beside the output folder's manifest, in the state file
``evalkit-state.parquet`` (:data:`STATE_FILE`, one row per report: :data:`STATE_COLUMNS`), the
file each report was read from with its sha256, and in the manifest (``evalkit-manifest.json``)
a fingerprint of the run (``run.fingerprint``: evalkit's version, a hash of its code and
vocabularies, and the manifest of stated metadata) and the state file's name (``run.state``).
The state file is one of the folder's files, with its sha256 in the manifest: an altered or
missing state file means reading everything again. A later run into the same folder with the
same fingerprint reads only the files that are new or whose sha256 changed, keeps the rows of
the others, and drops the rows of reports whose file is gone or changed. A different
fingerprint (evalkit updated, a vocabulary edited, another ``--manifest``) reads everything
again, as does ``--full``; so does a folder written by an evalkit that kept the reports in the
manifest itself (its fingerprint differs anyway).

Files are known by their path as given (``reports/a.txt`` and ``./reports/a.txt`` are two
names): run from the same folder with the same arguments. A file that could not be read is
tried again at every run.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> with StateWriter(out / STATE_FILE) as writer:
...     writer.write(pd.DataFrame({"path": ["r/a.txt", "r/b.txt"], "report_id": ["a", "b"],
...                                "sha256": ["1", "2"], "text_hash": ["t1", "t2"]}))
>>> previous = {"run": {"fingerprint": "f", "format": "csv", "state": STATE_FILE}}
>>> state = previous_state(previous, out, "f")
>>> p = plan(["r/a.txt", "r/c.txt"], state, hashes={"r/a.txt": "1", "r/c.txt": "3"})
>>> p.read, p.kept["report_id"].tolist(), p.removed, sorted(p.drop)
(['r/c.txt'], ['a'], ['r/b.txt'], ['b'])
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from evalkit.report import FILE_COLUMNS, shown_path

__all__ = ["STATE_COLUMNS", "STATE_FILE", "Plan", "StateWriter", "file_sha256", "fingerprint", "plan",
           "previous_state", "read_state"]

log = logging.getLogger(__name__)

#: What the state file records of each report read: its file, id, hashes and dataset part.
STATE_COLUMNS = [*FILE_COLUMNS, "part"]
#: The state file, beside the manifest in the output folder.
STATE_FILE = "evalkit-state.parquet"
_STATE_SCHEMA = pa.schema([(c, pa.large_string()) for c in STATE_COLUMNS])

_PACKAGE = Path(__file__).resolve().parent


def _version() -> str:
    from evalkit.outputs import _version

    return _version()


def fingerprint(manifest: str | os.PathLike | pd.DataFrame | None = None) -> str:
    """What the tables of a report depend on besides the report: evalkit's version, its code
    and vocabularies (every ``.py`` and ``.csv`` file of the package) and the manifest of
    stated metadata.

    Examples
    --------
    >>> fingerprint() == fingerprint(), fingerprint() == fingerprint(pd.DataFrame({"report_id": ["a"]}))
    (True, False)
    """
    sha = hashlib.sha256(f"evalkit {_version()}\n".encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.suffix in {".py", ".csv"} and p.is_file()):
        sha.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        sha.update(path.read_bytes())
    if manifest is not None:
        sha.update(b"\0manifest\0")
        if isinstance(manifest, pd.DataFrame):
            sha.update(manifest.to_csv(index=False).encode("utf-8"))
        else:
            sha.update(Path(manifest).read_bytes())
    return sha.hexdigest()


def file_sha256(path: str | os.PathLike) -> str | None:
    """The sha256 of a file's bytes; None when it cannot be read (the reader will say why)."""
    sha = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                sha.update(block)
    except OSError:
        return None
    return sha.hexdigest()


@dataclass
class Plan:
    """What an incremental run does.

    Attributes
    ----------
    read : list of str
        Files to read (new, changed, or all of them when ``incremental`` is False).
    kept : DataFrame
        The reports of the previous run kept as they are (:data:`STATE_COLUMNS`).
    removed : list of str
        Files of the previous run no longer among the inputs: their rows go.
    changed : list of str
        Files whose content changed: read again, their old rows go.
    drop : set of str
        ``report_id`` of the previous run's reports whose rows go (removed and changed).
    incremental : bool
        False when there was no usable previous run.
    previous : DataFrame
        Every report of the previous run (:data:`STATE_COLUMNS`).
    """

    read: list[str]
    kept: pd.DataFrame = field(default_factory=lambda: _empty_state())
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    drop: set[str] = field(default_factory=set)
    incremental: bool = False
    previous: pd.DataFrame = field(default_factory=lambda: _empty_state())

    def parts(self) -> dict[str, set[str]]:
        """The dataset parts of the previous run that hold a kept report, each with the
        ``report_id`` of its reports whose rows go (empty: the part is kept as it is)."""
        kept_parts = set(self.kept["part"].dropna())
        out: dict[str, set[str]] = {part: set() for part in kept_parts}
        # only the dropped reports are looked at one by one (the kept ones are most of them)
        previous = self.previous
        going = previous[previous["part"].isin(kept_parts) & previous["report_id"].isin(self.drop)]
        for part, rid in going[["part", "report_id"]].itertuples(index=False, name=None):
            out[part].add(rid)
        return out

    def seen(self) -> dict[str, str]:
        """sha256 and text hash → path of the kept reports (a new file with the same content
        is a duplicate)."""
        out = {}
        for path, sha, text in self.kept[["path", "sha256", "text_hash"]].itertuples(index=False, name=None):
            out[sha] = out[text] = path
        return out


def _empty_state() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in STATE_COLUMNS})


def _state_table(frame: pd.DataFrame) -> pa.Table:
    """A frame of reports read (:data:`STATE_COLUMNS`; ``part`` may be missing) as the state
    file's rows."""
    n = len(frame)
    columns = [pa.array(frame[c].astype("str"), type=pa.large_string(), from_pandas=True) if c in frame.columns
               else pa.nulls(n, pa.large_string()) for c in STATE_COLUMNS]
    return pa.Table.from_arrays(columns, schema=_STATE_SCHEMA)


class StateWriter:
    """Write the state file frame by frame, as chunks of reports are read (no frame is held).

    Use as a context manager; ``rows`` is the number of reports written.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.rows = 0
        self._writer = pq.ParquetWriter(self.path, _STATE_SCHEMA, compression="zstd")

    def write(self, frame: pd.DataFrame | None) -> None:
        """Add the reports of ``frame`` (:data:`STATE_COLUMNS`)."""
        if frame is None or not len(frame):
            return
        self._writer.write_table(_state_table(frame))
        self.rows += len(frame)

    def close(self) -> None:
        """Finish the file (an empty state file still has its columns)."""
        self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_state(path: str | os.PathLike) -> pd.DataFrame:
    """The state file's reports (:data:`STATE_COLUMNS`, ``str``).

    Parameters
    ----------
    path : path
        An ``evalkit-state.parquet`` (:data:`STATE_FILE`) written by :class:`StateWriter`.

    Returns
    -------
    DataFrame
        One row per report read: its file as given, ``report_id``, hashes and dataset part.

    Raises
    ------
    OSError, pyarrow.ArrowException, KeyError
        When the file cannot be read or lacks a column.
    """
    frame = pq.read_table(path, columns=STATE_COLUMNS).to_pandas()
    return frame[STATE_COLUMNS].astype("str")


def previous_state(manifest: dict, folder: str | os.PathLike, fingerprint_now: str,
                   formats: tuple[str, ...] | None = None) -> pd.DataFrame | None:
    """The reports recorded by the previous run into ``folder`` (:data:`STATE_COLUMNS`), or None
    when that run cannot be built on (none recorded, another fingerprint, a format not in
    ``formats``, a state file that cannot be read, or the reports kept in the manifest by an
    earlier evalkit)."""
    run = manifest.get("run") or {}
    if not run:
        return None
    if "reports" in manifest and "state" not in run:
        log.info("the output folder was written by an earlier evalkit (its reports listed in %s): reading every "
                 "file", "evalkit-manifest.json")
        return None
    if run.get("fingerprint") != fingerprint_now:
        log.info("evalkit, its vocabularies or the manifest changed since the last run: reading every file")
        return None
    if "state" not in run or (formats is not None and run.get("format") not in formats):
        return None
    path = Path(folder) / run["state"]
    try:
        return read_state(path)
    except (OSError, pa.ArrowException, KeyError) as exc:
        log.warning("%s: the state file cannot be read (%s); reading every file again", path, exc)
        return None


def plan(files: list[str], state: pd.DataFrame | None, *, hashes: dict[str, str | None] | None = None) -> Plan:
    """Decide which ``files`` to read, given the reports of the previous run.

    Parameters
    ----------
    files : list of str
        The report files of this run (:func:`evalkit.report.expand_paths`).
    state : DataFrame or None
        The previous run's reports (:func:`previous_state`); None: read everything.
    hashes : dict, optional
        sha256 of the files (default: computed).

    Returns
    -------
    Plan
    """
    if state is None:
        return Plan(read=list(files))
    known = dict(zip(state["path"], state["sha256"], strict=True))
    read, changed, kept_paths = [], [], set()
    for f in files:
        shown = shown_path(f)
        if shown not in known:
            read.append(f)
            continue
        sha = hashes[f] if hashes is not None else file_sha256(f)
        if sha == known[shown]:
            kept_paths.add(shown)
        else:
            read.append(f)
            changed.append(shown)
    gone = set(changed)
    removed = [p for p in known if p not in kept_paths and p not in gone]
    is_kept = state["path"].isin(kept_paths)
    kept = state[is_kept].reset_index(drop=True)
    drop = set(state.loc[~is_kept, "report_id"])
    log.info("incremental run: %d files to read, %d kept, %d removed, %d changed",
             len(read), len(kept), len(removed), len(changed))
    return Plan(read=read, kept=kept, removed=removed, changed=changed, drop=drop, incremental=True,
                previous=state)
