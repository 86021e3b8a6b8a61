"""``evalkit extract`` as a job: reports → an output folder of tables, incremental, streamed.

Two ways to write the tables:

* ``csv`` (the default): every table in memory, written as CSV with BOM (for Excel; the bundled
  ``data/``);
* ``parquet``: the Parquet dataset of :mod:`evalkit.dataset`, written chunk by chunk while the
  reports are read, so that the parent holds one chunk of reports at a time, however large the
  corpus; ``both`` writes the dataset and then, table by table, the CSV files from it.

Both are incremental (:mod:`evalkit.incremental`): a re-run into the same folder reads only new
and changed files. With a Dask scheduler (:mod:`evalkit.distributed`) the dataset's parts are
written by the cluster's workers.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "reports").mkdir()
>>> _ = (d / "reports" / "a.txt").write_text("某县医疗保障局2022年度部门整体支出绩效自评报告\\n"
...     "全县基本医疗保险参保43.01万人。\\n", encoding="utf-8")
>>> result = extract_to_folder([d / "reports"], d / "out", fmt="parquet", workers=1)
>>> result.reports, result.read, result.counts["enrollment"]
(1, 1, 1)
>>> again = extract_to_folder([d / "reports"], d / "out", fmt="parquet", workers=1)
>>> again.read, again.kept
(0, 1)
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit import incremental
from evalkit.dataset import DATASET, finish_dataset, link_part, read_dataset, write_part
from evalkit.outputs import OutputFolder, OutputFolderError, read_manifest, verify_folder
from evalkit.report import TABLE_NAMES, ReportStream, apply_manifest, expand_paths, shown_path

__all__ = ["FORMATS", "ExtractResult", "NothingRead", "extract_to_folder"]

log = logging.getLogger(__name__)

#: Output formats of ``evalkit extract``.
FORMATS = ("csv", "parquet", "both")
#: Reports per part file of the dataset (the parent holds one such chunk at a time).
CHUNK = 1000


class NothingRead(Exception):
    """No report could be read or kept: the output folder is left as it was."""

    def __init__(self, failures: pd.DataFrame, skipped: pd.DataFrame):
        super().__init__("no report read")
        self.failures, self.skipped = failures, skipped


def _empty_paths() -> pd.DataFrame:
    return pd.DataFrame({"path": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})


@dataclass
class ExtractResult:
    """What an extraction wrote, for the summary.

    ``counts`` rows per table; ``coverage`` the coverage table; ``tables`` every table when
    they were held in memory (``csv``), else None; ``read``/``kept``/``removed``/``changed``
    the reports read now, kept from the previous run, dropped with their file, read again.
    """

    counts: dict[str, int]
    coverage: pd.DataFrame
    tables: dict[str, pd.DataFrame] | None = None
    failures: pd.DataFrame = field(default_factory=_empty_paths)
    skipped: pd.DataFrame = field(default_factory=_empty_paths)
    read: int = 0
    kept: int = 0
    removed: int = 0
    changed: int = 0
    incremental: bool = False
    files_written: int = 0

    @property
    def reports(self) -> int:
        """Reports in the output."""
        return self.counts.get("reports", 0)


def _previous(out: Path, full: bool, fingerprint: str, formats: tuple[str, ...] | None = None
              ) -> pd.DataFrame | None:
    """The reports of the previous run, when its files can be built on (checked against the
    manifest: an interrupted run or an altered file, the state file included, means reading
    everything again); None: read everything."""
    if full or not out.is_dir() or "run" not in read_manifest_or_empty(out):
        return None
    try:
        manifest = verify_folder(out)
    except OutputFolderError as exc:
        log.warning("%s; reading every file again", exc)
        return None
    return incremental.previous_state(manifest, out, fingerprint, formats)


def read_manifest_or_empty(out: Path) -> dict:
    try:
        return read_manifest(out)
    except OutputFolderError:
        return {}


def _meta(fmt: str, fingerprint: str) -> dict:
    """The run's facts for the manifest (the reports' state is in the state file it names)."""
    return {"run": {"format": fmt, "fingerprint": fingerprint, "state": incremental.STATE_FILE}}


def _state_writer(folder: OutputFolder) -> incremental.StateWriter:
    """The state file, written into the folder's staging place (moved and verified with the rest)."""
    return incremental.StateWriter(folder.path(incremental.STATE_FILE))


def _record_state(folder: OutputFolder, fmt: str, fingerprint: str, frames: list[pd.DataFrame]) -> None:
    """Write the reports' state (``frames``) and the run's facts into the folder."""
    with _state_writer(folder) as writer:
        for frame in frames:
            writer.write(frame)
    folder.record_rows({incremental.STATE_FILE: writer.rows})
    folder.meta = _meta(fmt, fingerprint)


def _paths_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["path", "reason"]) if len(rows) else _empty_paths()
    return frame.astype("str")


def extract_to_folder(paths: Sequence, out: str | os.PathLike, *, fmt: str = "csv", manifest=None,
                      workers: int | None = None, progress=None, scheduler=None, full: bool = False,
                      chunk_size: int = CHUNK, inputs: Sequence[str] | None = None) -> ExtractResult:
    """Read the reports of ``paths`` into the output folder ``out``, incrementally.

    Parameters
    ----------
    paths : sequence of paths
        Report files or folders.
    out : path
        The output folder (:class:`evalkit.outputs.OutputFolder`: complete or unchanged).
    fmt : {'csv', 'parquet', 'both'}
        CSV files in memory, the Parquet dataset streamed, or both.
    manifest : path or DataFrame, optional
        Stated metadata (:func:`evalkit.report.apply_manifest`).
    workers : int, optional
        Worker processes on this machine.
    progress : callable, optional
        ``progress(done, total)`` after each file read.
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address (``tcp://host:8786``): the dataset is written by its workers
        (``parquet`` or ``both`` only).
    full : bool
        Read every file again, whatever the previous run.
    chunk_size : int
        Reports per part of the dataset.
    inputs : sequence of str, optional
        What to record as the inputs in the manifest (default: ``paths``).

    Returns
    -------
    ExtractResult

    Raises
    ------
    NothingRead
        When no report could be read or kept (``out`` is left as it was).
    ValueError
        When ``fmt`` is unknown, a Dask scheduler is asked for CSV only, or the manifest
        states something impossible.
    evalkit.outputs.OutputFolderError
        When another run writes ``out``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if scheduler is not None and fmt == "csv":
        raise ValueError("a Dask scheduler writes the Parquet dataset: use fmt='parquet' or 'both'")
    out = Path(out)
    inputs = [str(p) for p in (inputs if inputs is not None else paths)]
    fingerprint = incremental.fingerprint(manifest)
    if fmt == "csv":
        return _extract_csv(paths, out, manifest=manifest, workers=workers, progress=progress, full=full,
                            inputs=inputs, fingerprint=fingerprint)
    return _extract_dataset(paths, out, fmt=fmt, manifest=manifest, workers=workers, progress=progress,
                            scheduler=scheduler, full=full, chunk_size=chunk_size, inputs=inputs,
                            fingerprint=fingerprint)


# ------------------------------------------------------------------------------------ CSV
def _read(paths, *, manifest, workers, progress):
    """``evalkit.read_reports`` as the command calls it (looked up at call time)."""
    import evalkit

    options = {"workers": workers, "progress": progress}
    if manifest is not None:
        options["manifest"] = manifest
    return evalkit.read_reports(paths, **options)


def _extract_csv(paths, out: Path, *, manifest, workers, progress, full, inputs, fingerprint) -> ExtractResult:
    from evalkit import export

    files, skipped = expand_paths(paths)
    plan = incremental.plan(files, _previous(out, full, fingerprint))
    if plan.incremental and not plan.read and not plan.removed and len(plan.kept):
        return _unchanged(out, plan, skipped)
    if not plan.incremental:
        corpus = _read(paths, manifest=manifest, workers=workers, progress=progress)
        tables = dict(corpus.tables())
        failures, skipped_frame = corpus.failures, getattr(corpus, "skipped", None)
        read_files = getattr(corpus, "files", None)
        state = [read_files] if read_files is not None else None
        n_read = len(tables.get("reports", ()))
    else:
        tables, failures, skipped_frame, state, n_read = _merge_csv(out, plan, files, skipped, manifest=manifest,
                                                                     workers=workers, progress=progress)
    if skipped_frame is None:
        skipped_frame = _empty_paths()
    if not len(tables.get("reports", ())):
        raise NothingRead(failures, skipped_frame)
    with OutputFolder(out, inputs=inputs, owned=(DATASET,)) as folder:
        written = export.write_tables(tables, folder)
        if state is not None:
            _record_state(folder, "csv", fingerprint, state)
    coverage = tables.get("coverage", pd.DataFrame())
    return ExtractResult(counts={name: len(frame) for name, frame in tables.items()}, coverage=coverage,
                         tables=tables, failures=failures, skipped=skipped_frame, read=n_read, kept=len(plan.kept),
                         removed=len(plan.removed), changed=len(plan.changed), incremental=plan.incremental,
                         files_written=len(written))


def _unchanged(out: Path, plan: incremental.Plan, skipped: list[dict]) -> ExtractResult:
    """A CSV run with no file new, changed or removed: the folder (verified against its manifest
    when the previous run was read) is the result already, and is not written again."""
    from evalkit import export

    tables = export.read_tables(out)
    return ExtractResult(counts={name: len(frame) for name, frame in tables.items()},
                         coverage=tables.get("coverage", pd.DataFrame()), tables=tables, failures=_empty_paths(),
                         skipped=_paths_frame([(s["path"], s["reason"]) for s in skipped]), read=0,
                         kept=len(plan.kept), removed=0, changed=0, incremental=True, files_written=0)


def _merge_csv(out: Path, plan: incremental.Plan, files: list[str], skipped: list[dict], *, manifest, workers,
               progress):
    """The tables of an incremental CSV run: the kept reports' rows and the new ones, in the
    order of a full run (the files' order)."""
    from evalkit import export

    new_tables, failures, new_skipped, new_files = {}, _empty_paths(), _empty_paths(), None
    if plan.read:
        corpus = _read(plan.read, manifest=manifest, workers=workers, progress=progress)
        new_tables, failures = dict(corpus.tables()), corpus.failures
        new_skipped, new_files = corpus.skipped, corpus.files
        new_tables, new_files, duplicates = _drop_duplicates(new_tables, new_files, plan.seen())
        failures = pd.concat([failures, duplicates], ignore_index=True) if len(duplicates) else failures
    kept_ids = set(plan.kept["report_id"])
    old = export.read_tables(out) if kept_ids else {}
    position = {shown_path(f): k for k, f in enumerate(files)}
    order = {rid: position.get(path, len(position)) for path, rid in
             zip(plan.kept["path"], plan.kept["report_id"], strict=True)}
    if new_files is not None:
        order.update({rid: position.get(path, len(position)) for path, rid in
                      zip(new_files["path"], new_files["report_id"], strict=True)})
    tables = {}
    for name in TABLE_NAMES:
        parts = []
        if name in old:
            parts.append(old[name][old[name]["report_id"].isin(kept_ids)])
        if name in new_tables:
            parts.append(new_tables[name])
        if not parts:
            continue
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        key = frame["report_id"].map(order).astype("float64")
        tables[name] = frame.iloc[key.argsort(kind="stable")].reset_index(drop=True)
    state = [plan.kept.drop(columns=["part"])] + ([new_files] if new_files is not None else [])
    skipped_frame = pd.concat([_paths_frame([(s["path"], s["reason"]) for s in skipped]), new_skipped],
                              ignore_index=True)
    n_read = len(new_tables.get("reports", ()))
    return tables, failures, skipped_frame, state, n_read


def _drop_duplicates(tables: dict, files: pd.DataFrame, seen: dict[str, str]):
    """Reports read now that repeat a kept report (same bytes or same text): their rows go,
    and they are failures, as in a full run."""
    dup = files["sha256"].isin(seen) | files["text_hash"].isin(seen)
    if not dup.any():
        return tables, files, _empty_paths()
    rows = []
    for path, sha, text in files.loc[dup, ["path", "sha256", "text_hash"]].itertuples(index=False, name=None):
        first, how = (seen[sha], "内容相同") if sha in seen else (seen[text], "文字相同（编码或换行不同）")
        rows.append((path, f"{path}: 与 {first} {how}，已跳过（sha256 {sha[:12]}…）"))
    ids = set(files.loc[dup, "report_id"])
    tables = {name: frame[~frame["report_id"].isin(ids)].reset_index(drop=True) for name, frame in tables.items()}
    return tables, files[~dup].reset_index(drop=True), _paths_frame(rows)


# -------------------------------------------------------------------------------- dataset
def _extract_dataset(paths, out: Path, *, fmt, manifest, workers, progress, scheduler, full, chunk_size, inputs,
                     fingerprint) -> ExtractResult:
    files, skipped = expand_paths(paths)
    plan = incremental.plan(files, _previous(out, full, fingerprint, formats=("parquet", "both")))
    tag = uuid.uuid4().hex[:12]
    stated = _manifest_frame(manifest)
    with OutputFolder(out, inputs=inputs, owned=(DATASET,)) as folder:
        root = folder.staging / DATASET
        rows: dict[str, int] = {}
        for part, drop in plan.parts().items():  # the kept reports' parts, without the rows that go
            rows.update(link_part(out / DATASET, root, part, drop))
        with _state_writer(folder) as state:  # each chunk's reports written as it comes, not held
            state.write(plan.kept)
            if scheduler is not None:
                from evalkit.distributed import extract_on_cluster

                got = extract_on_cluster(plan.read, root, scheduler, manifest=stated, seen=plan.seen(), tag=tag,
                                         progress=progress)
                for frame in got.state:
                    state.write(frame)
            else:
                got = _stream_local(plan.read, root, manifest=stated, workers=workers, progress=progress,
                                    chunk_size=chunk_size, seen=plan.seen(), tag=tag, state=state)
        failures, skipped_new = got.failures, got.skipped
        rows.update(got.rows)
        n_read = state.rows - len(plan.kept)
        skipped_frame = pd.concat([_paths_frame([(s["path"], s["reason"]) for s in skipped]), skipped_new],
                                  ignore_index=True)
        if n_read + len(plan.kept) == 0:
            raise NothingRead(failures, skipped_frame)
        rows.update(finish_dataset(root))
        folder.record_rows(rows, prefix=DATASET)
        folder.record_rows({incremental.STATE_FILE: state.rows})
        counts = {name: 0 for name in TABLE_NAMES}
        for rel, n in rows.items():
            counts[rel.split("/", 1)[0]] += n
        n_files = len(rows)
        if fmt == "both":
            n_files += _export_csv(root, folder)
        folder.meta = _meta(fmt, fingerprint)
        coverage = read_dataset(root, ["coverage"])["coverage"]
    return ExtractResult(counts=counts, coverage=coverage, failures=failures, skipped=skipped_frame, read=n_read,
                         kept=len(plan.kept), removed=len(plan.removed), changed=len(plan.changed),
                         incremental=plan.incremental, files_written=n_files)


def _export_csv(root: Path, folder: OutputFolder) -> int:
    """The CSV files of the dataset, one table in memory at a time."""
    from evalkit import export

    for name in TABLE_NAMES:
        export.write_tables(read_dataset(root, [name]), folder)
    return len(TABLE_NAMES)


def _manifest_frame(manifest) -> pd.DataFrame | None:
    """The manifest as a DataFrame (read once, applied to every chunk)."""
    if manifest is None or isinstance(manifest, pd.DataFrame):
        return manifest
    return pd.read_csv(manifest, dtype=str, encoding="utf-8-sig")


@dataclass
class Written:
    """What the reading of new files wrote into the dataset: files and rows, the state of the
    reports read (with their part; empty when it went to a state file as it came), failures and
    skipped files."""

    rows: dict[str, int]
    state: list[pd.DataFrame]
    failures: pd.DataFrame
    skipped: pd.DataFrame


def _stream_local(files: list[str], root: Path, *, manifest, workers, progress, chunk_size, seen, tag,
                  state: incremental.StateWriter) -> Written:
    """Read ``files`` chunk by chunk, each chunk written as a part of the dataset and its
    reports into the ``state`` file (so the parent holds one chunk at a time)."""
    stream = ReportStream(files, workers=workers, progress=progress, chunk_size=chunk_size, seen=seen)
    rows: dict[str, int] = {}
    for k, (frames, done) in enumerate(stream):
        if not len(done):
            continue
        if manifest is not None:
            frames["reports"] = apply_manifest(frames["reports"], manifest)
        part = f"{tag}-{k:05d}"
        rows.update(write_part(frames, root, part))
        state.write(done.assign(part=part))
    return Written(rows, [], stream.failures, stream.skipped)
