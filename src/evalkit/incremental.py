"""Incremental runs: which report files to read again, which reports to keep, which to drop.

``evalkit extract`` records in the output folder's manifest (``evalkit-manifest.json``) the file
each report was read from, with its sha256 (``reports``), and a fingerprint of the run
(``run.fingerprint``: evalkit's version, a hash of its code and vocabularies, and the
manifest of stated metadata). A later run into the same folder with the same fingerprint reads
only the files that are new or whose sha256 changed, keeps the rows of the others, and drops
the rows of reports whose file is gone or changed. A different fingerprint (evalkit updated,
a vocabulary edited, another ``--manifest``) reads everything again, as does ``--full``.

Files are known by their path as given (``reports/a.txt`` and ``./reports/a.txt`` are two
names): run from the same folder with the same arguments. A file that could not be read is
tried again at every run.

Examples
--------
>>> previous = {"run": {"fingerprint": "f", "format": "csv"},
...             "reports": [{"path": "r/a.txt", "report_id": "a", "sha256": "1", "text_hash": "t1"},
...                         {"path": "r/b.txt", "report_id": "b", "sha256": "2", "text_hash": "t2"}]}
>>> p = plan(["r/a.txt", "r/c.txt"], previous, "f", hashes={"r/a.txt": "1", "r/c.txt": "3"})
>>> p.read, p.kept["report_id"].tolist(), p.removed, sorted(p.drop)
(['r/c.txt'], ['a'], ['r/b.txt'], ['b'])
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit.report import FILE_COLUMNS, shown_path

__all__ = ["STATE_COLUMNS", "Plan", "file_sha256", "fingerprint", "plan", "previous_state", "state_records"]

log = logging.getLogger(__name__)

#: What the manifest records of each report read: its file, id, hashes and dataset part.
STATE_COLUMNS = [*FILE_COLUMNS, "part"]

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
    kept: pd.DataFrame = field(default_factory=lambda: _state_frame([]))
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    drop: set[str] = field(default_factory=set)
    incremental: bool = False
    previous: pd.DataFrame = field(default_factory=lambda: _state_frame([]))

    def parts(self) -> dict[str, set[str]]:
        """The dataset parts of the previous run that hold a kept report, each with the
        ``report_id`` of its reports whose rows go (empty: the part is kept as it is)."""
        kept_parts = set(self.kept["part"].dropna())
        out: dict[str, set[str]] = {part: set() for part in kept_parts}
        for part, rid in self.previous[["part", "report_id"]].itertuples(index=False, name=None):
            if part in out and rid in self.drop:
                out[part].add(rid)
        return out

    def seen(self) -> dict[str, str]:
        """sha256 and text hash → path of the kept reports (a new file with the same content
        is a duplicate)."""
        out = {}
        for path, sha, text in self.kept[["path", "sha256", "text_hash"]].itertuples(index=False, name=None):
            out[sha] = out[text] = path
        return out


def _state_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.array([r.get(c) for r in records], dtype="str") for c in STATE_COLUMNS},
                        columns=STATE_COLUMNS)


def previous_state(manifest: dict, fingerprint_now: str, formats: tuple[str, ...] | None = None
                   ) -> pd.DataFrame | None:
    """The reports recorded by the previous run (:data:`STATE_COLUMNS`), or None when that run
    cannot be built on (none recorded, another fingerprint, or a format not in ``formats``)."""
    run = manifest.get("run") or {}
    if not run or "reports" not in manifest:
        return None
    if run.get("fingerprint") != fingerprint_now:
        log.info("evalkit, its vocabularies or the manifest changed since the last run: reading every file")
        return None
    if formats is not None and run.get("format") not in formats:
        return None
    return _state_frame(manifest["reports"])


def plan(files: list[str], previous: dict | None, fingerprint_now: str, *,
         formats: tuple[str, ...] | None = None, hashes: dict[str, str | None] | None = None) -> Plan:
    """Decide which ``files`` to read, given the manifest of the previous run.

    Parameters
    ----------
    files : list of str
        The report files of this run (:func:`evalkit.report.expand_paths`).
    previous : dict or None
        The output folder's manifest (:func:`evalkit.outputs.read_manifest`).
    fingerprint_now : str
        This run's :func:`fingerprint`.
    formats : tuple of str, optional
        Formats of a previous run this run can build on (a dataset needs a dataset).
    hashes : dict, optional
        sha256 of the files (default: computed).

    Returns
    -------
    Plan
    """
    state = previous_state(previous or {}, fingerprint_now, formats)
    if state is None:
        return Plan(read=list(files))
    by_path = {row.path: row for row in state.itertuples(index=False)}
    read, changed, kept_paths = [], [], set()
    for f in files:
        shown = shown_path(f)
        old = by_path.get(shown)
        if old is None:
            read.append(f)
            continue
        sha = hashes[f] if hashes is not None else file_sha256(f)
        if sha == old.sha256:
            kept_paths.add(shown)
        else:
            read.append(f)
            changed.append(shown)
    removed = [p for p in by_path if p not in kept_paths and p not in set(changed)]
    kept = state[state["path"].isin(kept_paths)].reset_index(drop=True)
    drop = set(state.loc[~state["path"].isin(kept_paths), "report_id"])
    log.info("incremental run: %d files to read, %d kept, %d removed, %d changed",
             len(read), len(kept), len(removed), len(changed))
    return Plan(read=read, kept=kept, removed=removed, changed=changed, drop=drop, incremental=True,
                previous=state)


def state_records(frames: list[pd.DataFrame]) -> list[dict]:
    """The manifest's ``reports`` entries of the reports in ``frames`` (:data:`STATE_COLUMNS`),
    sorted by path.

    Examples
    --------
    >>> state_records([pd.DataFrame({"path": ["b", "a"], "report_id": ["b", "a"], "sha256": ["2", "1"],
    ...                              "text_hash": ["t", "u"]})])[0]
    {'path': 'a', 'report_id': 'a', 'sha256': '1', 'text_hash': 'u', 'part': None}
    """
    records = []
    for frame in frames:
        for row in frame.to_dict("records"):
            records.append({c: (None if pd.isna(row.get(c)) else str(row.get(c))) if c in row else None
                            for c in STATE_COLUMNS})
    return sorted(records, key=lambda r: r["path"])
