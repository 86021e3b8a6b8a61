"""The checks' results of a folder of tables, kept for the next command that reads it.

``evalkit check`` and ``evalkit build`` (and ``evalkit extract --check``) all derive the
execution, achievement and findings tables from the same folder of tables; run one after the
other, the second would spend as long as the first computing the same result (about 45 s at
10 000 reports). The first keeps its result here and the next one reuses it, but only when
nothing that decides the result has changed:

* the tables: the sha256 of every file the folder's manifest records (the reader checks the
  files against those sums before it returns a table, and refuses a folder whose files differ);
* evalkit itself: :func:`evalkit.incremental.fingerprint` (its version, code and vocabularies),
  and the vocabulary packs named in ``EVALKIT_VOCAB_PACKS``, file by file;
* the versions of Python, pandas and numpy that computed it.

A folder without a manifest (written before manifests existed) or with a table file its
manifest does not record, tables read from reports, and anything that cannot be hashed get no
key: their results are derived every time. The results are kept in ``EVALKIT_CACHE_DIR``, else
``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit`` (``EVALKIT_CACHE_DIR=off`` keeps
nothing); only the newest :data:`KEEP` results stay, and a result is read only from a file of
this user that others cannot write (a pickle runs code as it is read). A result that cannot be
kept or read back is derived again: the cache never changes what a command says, only how long
it takes.

Examples
--------
>>> import os, tempfile
>>> from unittest import mock
>>> import pandas as pd
>>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {CACHE_VARIABLE: tmp}):
...     store("k" * 64, {"findings": pd.DataFrame({"rule": ["x"]})})
...     back = load("k" * 64)
...     missing = load("m" * 64)
>>> back["findings"]["rule"].tolist(), missing
(['x'], None)
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import platform
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CACHE_VARIABLE", "KEEP", "cache_dir", "folder_key", "kept_meanwhile", "load", "store"]

logger = logging.getLogger(__name__)

#: The environment variable naming the cache folder (``off``: keep nothing).
CACHE_VARIABLE = "EVALKIT_CACHE_DIR"

#: Results kept (the newest); at 10 000 reports one result takes about 100 MB.
KEEP = 3

_PREFIX = "derived-"
_TEMP = ".tmp-"
_SUFFIX = ".pickle"


def cache_dir() -> Path | None:
    """The folder the results are kept in, or None when caching is off.

    Returns
    -------
    Path or None

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {CACHE_VARIABLE: "off"}):
    ...     cache_dir() is None
    True
    """
    named = os.environ.get(CACHE_VARIABLE)
    if named is not None:
        return None if named.strip().lower() in ("", "off", "0", "no") else Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"  # (RuntimeError without a home: callers catch)
    return Path(base) / "evalkit"


def folder_key(manifest: dict, what: str = "derive") -> str | None:
    """The key of the result ``what`` of the tables a folder's ``manifest`` records.

    Parameters
    ----------
    manifest : dict
        The folder's manifest (:func:`evalkit.outputs.read_manifest`); it must record every
        table file that was read (the caller checks).
    what : str, default 'derive'
        What the result is.

    Returns
    -------
    str or None
        A hex sha256; None when the manifest records no files.

    Examples
    --------
    >>> m = {"files": {"reports.csv": {"sha256": "1", "bytes": 3}}}
    >>> folder_key(m) == folder_key(m), folder_key(m) == folder_key(m, "other"), folder_key({})
    (True, False, None)
    """
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not files:
        return None
    from evalkit.incremental import fingerprint

    sha = hashlib.sha256(f"{what}\0{fingerprint()}\0".encode())
    sha.update(f"python {platform.python_version()} pandas {pd.__version__} numpy {np.__version__}\0".encode())
    try:
        sha.update(_extra_packs_digest().encode())
    except OSError as exc:  # a pack that cannot be read now: no key, derived every time
        logger.info("no key for derived tables: %s", exc)
        return None
    for name in sorted(files):
        entry = files[name]
        sha.update(f"{name}\0{entry.get('sha256')}\0{entry.get('bytes')}\n".encode())
    return sha.hexdigest()


def _extra_packs_digest() -> str:
    """The bytes of the vocabulary packs beyond the built-in ones (a province's synonyms may
    change what the checks read); the built-in packs are in :func:`fingerprint`."""
    from evalkit import vocab

    sha = hashlib.sha256()
    for name, folder in vocab.packs()[len(vocab.BUILT_IN):]:  # (by place: a pack may be named core)
        sha.update(f"pack {name} {folder}\0".encode())
        for path in sorted(Path(str(folder)).glob("*.csv")):
            sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{_PREFIX}{key}{_SUFFIX}"


def load(key: str | None) -> dict[str, pd.DataFrame] | None:
    """The result kept under ``key``, or None (no key, nothing kept, unreadable, or a file this
    user does not own or others may write: a pickle runs code as it is read).

    Parameters
    ----------
    key : str or None
        A key of :func:`folder_key`.

    Returns
    -------
    dict of str to DataFrame or None
    """
    try:
        path = _path(key) if key else None
        if path is None or not path.is_file():
            return None
        st = path.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            logger.warning("%s: not this user's own file; deriving again", path)
            return None
        with path.open("rb") as fh:
            result = pickle.load(fh)
    except Exception as exc:  # noqa: BLE001 (a cut or stale file, a cache out of reach: derive again)
        logger.warning("kept result for %s unreadable (%s); deriving again", key, exc)
        return None
    if not isinstance(result, dict) or not all(isinstance(v, pd.DataFrame) for v in result.values()):
        logger.warning("%s: not a kept result; deriving again", path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest use: kept longest
    logger.info("derived tables reused from %s", path)
    return result


def store(key: str | None, result: dict[str, pd.DataFrame]) -> None:
    """Keep ``result`` under ``key`` (nothing when there is no key or caching is off); a result
    that cannot be kept is only logged.

    Parameters
    ----------
    key : str or None
        A key of :func:`folder_key`.
    result : dict of str to DataFrame
        The derived tables.
    """
    try:
        path = _path(key) if key else None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=_TEMP, suffix=_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(dict(result), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # complete or absent
        finally:
            Path(tmp).unlink(missing_ok=True)
        _evict(path.parent)
    except Exception as exc:  # noqa: BLE001 (the command's result stands; only the reuse is lost)
        logger.info("derived tables not kept for %s: %s", key, exc)


@contextlib.contextmanager
def kept_meanwhile(key: str | None, result: dict[str, pd.DataFrame]) -> Iterator[None]:
    """:func:`store` in a forked process while the block runs; leaving the block waits for it.

    A command that has derived its tables goes on at once with what it prints or writes, while
    the result (hundreds of MB at 10 000 reports) is pickled and written beside it: on two
    cores that costs no wall time. Where processes cannot be forked, or in a pool's worker, the
    result is stored on leaving the block. It is kept even when the block fails (say, the
    reader of the command's output went away), but not after an interrupt (Ctrl-C); and
    whatever happens to the process that stores it, the block's work stands: a result that
    could not be kept is only logged.

    Parameters
    ----------
    key : str or None
        A key of :func:`folder_key` (None: nothing is kept, nothing forked).
    result : dict of str to DataFrame
        The derived tables.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {CACHE_VARIABLE: tmp}):
    ...     with kept_meanwhile("k" * 64, {"findings": pd.DataFrame({"rule": ["x"]})}):
    ...         pass
    ...     load("k" * 64)["findings"]["rule"].tolist()
    ['x']
    """
    if not key or cache_dir() is None:
        yield
        return
    from evalkit.side_process import Beside

    with Beside(store, key, result) as keeping:
        try:
            yield
        except Exception:  # (e.g. the output's reader went away: the result is still good)
            _wait(keeping, key)
            raise
        # (an interrupt, Ctrl-C, is not waited for: the process keeping it is stopped)
        _wait(keeping, key)


def _wait(keeping, key: str) -> None:
    """The end of :func:`kept_meanwhile`'s store (run now where nothing was forked)."""
    try:
        keeping.result()
    except Exception as exc:  # noqa: BLE001 (e.g. the process killed: only the reuse is lost)
        logger.info("derived tables not kept for %s: %s", key, exc)


def _evict(folder: Path) -> None:
    """Remove all but the :data:`KEEP` newest results, and what a stopped run left half written."""
    kept = sorted(folder.glob(f"{_PREFIX}*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
    for left in folder.glob(f"{_TEMP}*{_SUFFIX}"):
        if time.time() - left.stat().st_mtime > 3600:
            left.unlink(missing_ok=True)
