"""The extraction on a Dask distributed cluster: each worker reads a batch of files and writes
its part of the Parquet dataset itself.

Needs the optional extra ``evalkit[distributed]`` (``dask[distributed]``) on the machine that
runs ``evalkit extract --scheduler ADDRESS`` and on every worker, the same evalkit on all of
them (a worker with another version or other vocabularies is refused), and a file system that
the workers and the machine running the command share: the workers read the report files by
the paths given and write into the output folder's staging place (``OUT/.evalkit-staging-*``).

The results equal a local run's: the same rows (the dataset is read in ``report_id`` order),
duplicates found across batches dropped as a local run drops them (the file that comes first
in the files' order is kept), the output folder written whole with its manifest.

Examples
--------
>>> batches(list("abcde"), 2)
[['a', 'b'], ['c', 'd'], ['e']]
"""

from __future__ import annotations

import functools
import logging
import math
import os
from pathlib import Path

import pandas as pd

from evalkit.dataset import drop_reports, write_part
from evalkit.report import ReportStream, _read_one, apply_manifest

__all__ = ["batches", "extract_on_cluster"]

log = logging.getLogger(__name__)

#: Files per task at most (a task's rows are held by its worker until its part is written).
TASK_FILES = 500


def batches(files: list, size: int) -> list[list]:
    """``files`` cut into consecutive batches of ``size``."""
    return [files[i:i + size] for i in range(0, len(files), size)]


@functools.lru_cache(maxsize=1)
def _worker_fingerprint() -> str:
    from evalkit.incremental import fingerprint

    return fingerprint()


def _task(files: list[str], root: str, part: str, manifest: pd.DataFrame | None) -> dict:
    """Read ``files`` on a worker and write their tables as the part ``part`` of the dataset."""
    stream = ReportStream(files, workers=1, chunk_size=len(files) + 1, time_limit=None)
    for result in (_read_one(f, None) for f in files):
        stream.take(result)
    frames, done = stream.flush()
    if manifest is not None and len(done):
        frames["reports"] = apply_manifest(frames["reports"], manifest)
    rows = write_part(frames, root, part) if len(done) else {}
    return {"rows": rows, "files": done.assign(part=part), "failures": stream.failures,
            "skipped": stream.skipped, "fingerprint": _worker_fingerprint()}


def _client(scheduler):
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise RuntimeError("需要安装可选依赖 evalkit[distributed]（pip install 'evalkit[distributed]'）才能使用 --scheduler") from exc
    if isinstance(scheduler, str):
        return Client(scheduler), True
    return scheduler, False


def extract_on_cluster(files: list[str], root: str | os.PathLike, scheduler, *, manifest: pd.DataFrame | None = None,
                       seen: dict[str, str] | None = None, tag: str = "dask", progress=None,
                       task_files: int | None = None):
    """Read ``files`` on the cluster of ``scheduler``, each task writing a part of the dataset at ``root``.

    Parameters
    ----------
    files : list of str
        Report files, in the order of a local run.
    root : path
        The dataset folder, on a file system the workers share.
    scheduler : str or distributed.Client
        The scheduler's address (``tcp://10.0.0.5:8786``) or a client.
    manifest : DataFrame, optional
        Stated metadata, applied on the workers.
    seen : dict, optional
        sha256 and text hashes of reports kept from a previous run (duplicates of them are failures).
    tag : str
        Prefix of the part names.
    progress : callable, optional
        ``progress(done, total)`` as batches finish.
    task_files : int, optional
        Files per task (default: about four tasks per worker thread, at most :data:`TASK_FILES`).

    Returns
    -------
    evalkit.pipeline.Written
        Files written and their rows, the reports read (with their part), failures, skipped.

    Raises
    ------
    RuntimeError
        When a worker runs another evalkit than this machine.
    """
    from distributed import as_completed

    from evalkit.incremental import fingerprint
    from evalkit.pipeline import Written

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    client, own = _client(scheduler)
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = task_files or max(1, min(TASK_FILES, math.ceil(len(files) / (4 * threads))))
        tasks = batches(list(files), size)
        futures = {client.submit(_task, batch, str(root), f"{tag}-{k:05d}", manifest, pure=False): k
                   for k, batch in enumerate(tasks)}
        results: dict[int, dict] = {}
        done = 0
        for future in as_completed(list(futures)):
            k = futures[future]
            try:
                results[k] = future.result()
            except ValueError:  # the manifest states something impossible: as in a local run
                raise
            except Exception as exc:  # noqa: BLE001 (a worker lost, a task killed: the files of the batch failed)
                log.error("batch %d failed on the cluster: %s", k, exc)
                results[k] = {"rows": {}, "files": None, "skipped": None, "fingerprint": None,
                              "failures": pd.DataFrame({"path": tasks[k], "reason": [
                                  f"{f}: 集群任务失败（{type(exc).__name__}: {exc}），已跳过" for f in tasks[k]]}).astype("str")}
            done += len(tasks[k])
            if progress:
                progress(done, len(files))
    finally:
        if own:
            client.close()
    mine = fingerprint()
    other = {r["fingerprint"] for r in results.values() if r["fingerprint"]} - {mine}
    if other:
        raise RuntimeError("集群工作节点上的 evalkit 与本机不同（版本、代码或词表不一致）；请在所有节点安装相同的 evalkit")
    return _gather(results, root, dict(seen or {}), Written)


def _gather(results: dict[int, dict], root: Path, seen: dict[str, str], written_type):
    """Merge the tasks' results in the files' order; drop duplicates across tasks from their parts."""
    rows, state, failures, skipped = {}, [], [], []
    for k in sorted(results):
        r = results[k]
        rows.update(r["rows"])
        failures.append(r["failures"])
        if r["skipped"] is not None:
            skipped.append(r["skipped"])
        files = r["files"]
        if files is None or not len(files):
            continue
        dup, reasons = [], []
        for i, (path, sha, text) in enumerate(files[["path", "sha256", "text_hash"]].itertuples(index=False, name=None)):
            first = seen.get(sha) or seen.get(text)
            if first is not None:
                how = "内容相同" if sha in seen else "文字相同（编码或换行不同）"
                dup.append(i)
                reasons.append((path, f"{path}: 与 {first} {how}，已跳过（sha256 {sha[:12]}…）"))
                continue
            seen[sha] = seen[text] = path
        if dup:
            part = files["part"].iloc[0]
            for rel in [rel for rel in rows if f"/part-{part}.parquet" in rel]:
                del rows[rel]
            rows.update(drop_reports(root, part, set(files["report_id"].iloc[dup])))
            failures.append(pd.DataFrame(reasons, columns=["path", "reason"]).astype("str"))
            files = files.drop(index=files.index[dup]).reset_index(drop=True)
        state.append(files)
    empty = pd.DataFrame({"path": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
    return written_type(rows=rows, state=state,
                        failures=pd.concat([empty, *failures], ignore_index=True),
                        skipped=pd.concat([empty, *skipped], ignore_index=True))
