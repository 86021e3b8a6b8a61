"""Output folders that appear complete or not at all, with a manifest that says what they hold.

A run writes its files into a staging folder inside the output folder, then moves them into
place and writes ``evalkit-manifest.json`` last: the files (with their size, sha256 and, for
tables, their rows), evalkit's version and the inputs. While files are being moved, a marker
file ``.evalkit-incomplete`` stands in the folder; a run killed at that moment leaves it behind,
and :func:`verify_folder` refuses such a folder. A lock file keeps a second run out while the
first writes. Files of the previous run that this run does not write again (charts of a
larger corpus, say) are removed; files evalkit did not write are left alone.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
>>> with OutputFolder(out, inputs=["reports/"]) as folder:
...     _ = folder.path("budget.csv", rows=1).write_text("report_id\\nr1\\n", encoding="utf-8")
>>> sorted(p.name for p in out.iterdir())
['budget.csv', 'evalkit-manifest.json']
>>> verify_folder(out)["files"]["budget.csv"]["rows"]
1
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Self

__all__ = ["MANIFEST", "OutputFolder", "OutputFolderError", "read_manifest", "verify_folder"]

log = logging.getLogger(__name__)

MANIFEST = "evalkit-manifest.json"
_INCOMPLETE = ".evalkit-incomplete"
_LOCK = ".evalkit.lock"
_STAGING = ".evalkit-staging"


class OutputFolderError(RuntimeError):
    """An output folder that is busy (another run writes it), incomplete or altered."""


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("evalkit")
    except metadata.PackageNotFoundError:
        return "unknown"


def _digest(path: Path) -> dict:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return {"bytes": path.stat().st_size, "sha256": sha.hexdigest()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputFolder:
    """Write a run's files so that the folder is complete, or unchanged.

    Use as a context manager: files are written to :meth:`path` (a staging place), and moved
    into the folder when the block ends without an exception. An exception leaves the folder as
    it was.

    Parameters
    ----------
    out : path
        The output folder (created when missing).
    inputs : list of str
        What the run read (recorded in the manifest).
    owned : tuple of str
        Subfolders that belong to evalkit wholly (``charts``, ``parquet``): replaced as a whole,
        so no file of an earlier run survives in them.

    Attributes
    ----------
    meta : dict
        More entries for the manifest (``run``: the format, fingerprint and state file an
        incremental run needs; the reports' state itself is a file of the folder, written with
        :meth:`path` like the tables); set before the block ends.

    Raises
    ------
    OutputFolderError
        When another run holds the folder's lock, or ``out`` is a file.
    """

    def __init__(self, out: str | os.PathLike, *, inputs: list[str] = (), owned: tuple[str, ...] = ()):
        self.out = Path(out)
        self.inputs = [str(i) for i in inputs]
        self.owned = owned
        self.staging = self.out / f"{_STAGING}-{os.getpid()}"
        self._locked = False
        self._rows: dict[str, int] = {}
        self.meta: dict = {}

    # -- lock
    def _lock(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise OutputFolderError(f"{self.out}: 是一个文件，不是文件夹")
        self.out.mkdir(parents=True, exist_ok=True)
        lock = self.out / _LOCK
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    pid = int(lock.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and _pid_alive(pid) and pid != os.getpid():
                    raise OutputFolderError(
                        f"{self.out}: 另一个 evalkit 进程（pid {pid}）正在写入这个文件夹；请等它结束后再试"
                    ) from None
                log.warning("%s: removing the stale lock of process %s", self.out, pid)
                lock.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            self._locked = True
            return
        raise OutputFolderError(f"{self.out}: 无法取得写入锁")

    def _unlock(self) -> None:
        if self._locked:
            (self.out / _LOCK).unlink(missing_ok=True)
            self._locked = False

    def __enter__(self) -> Self:
        self._lock()
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()
        return self

    def __exit__(self, kind, value, tb) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._unlock()

    def path(self, name: str, rows: int | None = None) -> Path:
        """Where to write the file ``name`` (relative, may name a subfolder: ``charts/a.svg``);
        ``rows``, for a table, is recorded in the manifest."""
        target = self.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if rows is not None:
            self._rows[Path(name).as_posix()] = int(rows)
        return target

    def record_rows(self, rows: dict[str, int], prefix: str = "") -> None:
        """Record the rows of files written into the staging place by other means (a dataset's
        part files, written by worker processes): ``{relative name: rows}`` under ``prefix``."""
        for name, n in rows.items():
            self._rows[Path(prefix, name).as_posix()] = int(n)

    def folder(self, name: str) -> Path:
        """Where to write the files of the subfolder ``name`` (created)."""
        target = self.staging / name
        target.mkdir(parents=True, exist_ok=True)
        return target

    # -- commit
    def _commit(self) -> None:
        staged = sorted(p for p in self.staging.rglob("*") if p.is_file())
        entries = {p.relative_to(self.staging).as_posix(): _digest(p) for p in staged}
        for name, rows in self._rows.items():
            if name in entries:
                entries[name]["rows"] = rows
        previous = _read_manifest(self.out)
        marker = self.out / _INCOMPLETE
        marker.write_text("evalkit is writing this folder\n", encoding="utf-8")
        (self.out / MANIFEST).unlink(missing_ok=True)
        for name in previous.get("files", {}):
            if name not in entries:
                (self.out / name).unlink(missing_ok=True)
        for sub in self.owned:
            shutil.rmtree(self.out / sub, ignore_errors=True)
        for path in staged:
            target = self.out / path.relative_to(self.staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        manifest = {**self.meta, "evalkit_version": _version(), "inputs": self.inputs, "files": entries}
        tmp = self.out / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.out / MANIFEST)
        marker.unlink()
        log.debug("%s: %d files written", self.out, len(entries))


def read_manifest(folder: str | os.PathLike) -> dict:
    """The manifest of an output folder ({} when it has none), without checking its files.

    Raises
    ------
    OutputFolderError
        When the manifest cannot be read.
    """
    return _read_manifest(Path(folder))


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputFolderError(f"{path}: 清单文件无法读取（{exc}）") from exc


def verify_folder(folder: str | os.PathLike, names: list[str] | None = None) -> dict:
    """Check that an output folder is complete and unaltered; return its manifest ({} for a
    folder written before manifests existed).

    Parameters
    ----------
    folder : path
    names : list of str, optional
        Only these files of the manifest are checked (default: every file); a name ending in
        ``/`` stands for every file under that folder (``parquet/budget/``).

    Raises
    ------
    OutputFolderError
        When a run was interrupted while writing the folder, or a file differs from the
        manifest (missing, cut short, changed); the message names the file.
    """
    folder = Path(folder)
    if (folder / _INCOMPLETE).exists():
        raise OutputFolderError(
            f"{folder}: 上一次写入没有完成（进程中断），文件夹中的表格新旧混杂；请重新运行 evalkit extract"
        )
    manifest = _read_manifest(folder)
    for name, entry in manifest.get("files", {}).items():
        if names is not None and name not in names and not any(
                n.endswith("/") and name.startswith(n) for n in names):
            continue
        path = folder / name
        if not path.is_file():
            raise OutputFolderError(f"{path}: 清单中有这个文件，但它不存在；请重新运行 evalkit extract")
        if path.stat().st_size != entry["bytes"] or _digest(path)["sha256"] != entry["sha256"]:
            raise OutputFolderError(
                f"{path}: 与 {MANIFEST} 记录的不一致（文件被截断或修改过）；请重新运行 evalkit extract"
            )
    return manifest
