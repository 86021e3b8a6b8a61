"""evalkit's tables as a Parquet dataset, partitioned by fiscal year, written chunk by chunk.

Layout (hive style, read as it is by DuckDB, Polars, pyarrow and pandas)::

    OUT/parquet/<table>/fiscal_year=2023/part-<run>-<chunk>.parquet
    OUT/parquet/<table>/fiscal_year=__HIVE_DEFAULT_PARTITION__/part-….parquet   (no fiscal year)

Each table of :data:`evalkit.schema.TABLE_NAMES` is a folder. The fiscal year is the report's
(``reports.fiscal_year``, after the manifest): the rows of every table are placed under the
year of the report they come from, so that a query on one year reads one folder. The year is
in the folder name only, not in the files (the hive convention); a report without a year is in
the partition ``__HIVE_DEFAULT_PARTITION__``, which DuckDB, Polars and pyarrow read as a missing
year. A part file holds the rows of one chunk of reports (all rows of a report are in one part,
in document order), so a chunk can be written, replaced or dropped without touching the rest.
A table without any row has one empty file, so that its columns are known.

Column types: text ``large_string`` (pandas ``str``), counts and years ``int64`` (``Int64``),
money, scores and values ``double`` (``Float64``); :func:`read_dataset` gives the contract's
dtypes back.

Examples
--------
>>> import tempfile, pathlib
>>> from evalkit.schema import typed_frame
>>> root = pathlib.Path(tempfile.mkdtemp()) / "parquet"
>>> frames = {"reports": typed_frame("reports", [{"report_id": "r1", "fiscal_year": 2023}]),
...           "budget": typed_frame("budget", [{"report_id": "r1", "item": "支出合计", "amount_wan": 5.0}])}
>>> sorted(write_part(frames, root, "a-00000"))
['budget/fiscal_year=2023/part-a-00000.parquet', 'reports/fiscal_year=2023/part-a-00000.parquet']
>>> read_dataset(root, ["budget"])["budget"][["item", "amount_wan"]].to_dict("records")
[{'item': '支出合计', 'amount_wan': 5.0}]
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from evalkit.fields import dtype_of
from evalkit.schema import SCHEMAS, TABLE_NAMES, typed_frame

__all__ = ["DATASET", "NULL_PARTITION", "PARTITION", "arrow_schema", "drop_reports", "finish_dataset",
           "is_dataset", "link_part", "part_files", "read_dataset", "write_part"]

log = logging.getLogger(__name__)

#: The dataset's folder in an output folder.
DATASET = "parquet"
#: The partition column (a folder level, ``fiscal_year=2023``).
PARTITION = "fiscal_year"
#: The partition of reports without a fiscal year (Hive's name for a missing value).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_EMPTY_PART = "empty"

_ARROW = {"Int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_()}
_PANDAS = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
           pa.int32(): pd.Int64Dtype()}


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a table's part files (without the partition column).

    Examples
    --------
    >>> arrow_schema("enrollment").field("persons").type
    DataType(int64)
    """
    return pa.schema([(c, _ARROW.get(dtype_of(c), pa.large_string())) for c in _stored(name)])


def _stored(name: str) -> list[str]:
    return [c for c in SCHEMAS[name] if not (name == "reports" and c == PARTITION)]


def _partition_dir(year) -> str:
    return f"{PARTITION}={NULL_PARTITION if year is None or pd.isna(year) else int(year)}"


def _years_of(frames: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    reports = frames.get("reports")
    if reports is None or not len(reports):
        return {}
    return dict(zip(reports["report_id"].astype(object), reports[PARTITION].astype(object), strict=True))


def write_part(frames: Mapping[str, pd.DataFrame], root: str | os.PathLike, part: str) -> dict[str, int]:
    """Write one chunk of tables into the dataset at ``root``, each row under its report's year.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        The tables of a chunk of reports (``reports`` included: it gives each report's year).
    root : path
        The dataset folder (``OUT/parquet``).
    part : str
        The chunk's name, unique in the dataset: files are ``part-<part>.parquet``.

    Returns
    -------
    dict of str to int
        Each file written (relative to ``root``, with ``/``) and its rows; tables without rows
        in the chunk write nothing.
    """
    root = Path(root)
    years = _years_of(frames)
    written: dict[str, int] = {}
    for name, frame in frames.items():
        if not len(frame):
            continue
        year = (frame[PARTITION] if name == "reports" else frame["report_id"].map(years)).astype(object)
        table = pa.Table.from_pandas(frame[_stored(name)], schema=arrow_schema(name), preserve_index=False)
        keys = pd.Series(year.map(_partition_dir), index=range(len(frame)))
        for directory, index in keys.groupby(keys, sort=True).groups.items():
            rel = f"{name}/{directory}/part-{part}.parquet"
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            rows = table if len(index) == len(frame) else table.take(pa.array(list(index), type=pa.int64()))
            pq.write_table(rows, target, compression="zstd")
            written[rel] = rows.num_rows
    log.debug("part %s: %d files", part, len(written))
    return written


def part_files(root: str | os.PathLike, part: str) -> list[Path]:
    """The files of one part, in every table and partition."""
    root = Path(root)
    return sorted(root.glob(f"*/{PARTITION}=*/part-{part}.parquet"))


def link_part(old_root: str | os.PathLike, new_root: str | os.PathLike, part: str,
              drop: set[str] | None = None) -> dict[str, int]:
    """Carry a part of an earlier dataset into a new one: as it is (a hard link, or a copy where
    links are not possible), or without the rows of the reports in ``drop``.

    Returns the files of the new dataset (relative paths) and their rows, as :func:`write_part`.
    """
    old_root, new_root = Path(old_root), Path(new_root)
    written: dict[str, int] = {}
    for path in part_files(old_root, part):
        rel = path.relative_to(old_root).as_posix()
        target = new_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if drop:
            table = pq.read_table(path)
            keep = pc.invert(pc.is_in(table["report_id"], value_set=pa.array(sorted(drop), pa.large_string())))
            table = table.filter(keep)
            if table.num_rows == 0:
                continue
            pq.write_table(table, target, compression="zstd")
            written[rel] = table.num_rows
        else:
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
            written[rel] = pq.ParquetFile(target).metadata.num_rows
    return written


def drop_reports(root: str | os.PathLike, part: str, drop: set[str]) -> dict[str, int]:
    """Remove the rows of the reports in ``drop`` from a part, in place; the files left and their rows."""
    root = Path(root)
    moved = root.parent / f".{root.name}-rewrite"
    shutil.rmtree(moved, ignore_errors=True)
    for path in part_files(root, part):
        target = moved / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    try:
        return link_part(moved, root, part, drop)
    finally:
        shutil.rmtree(moved, ignore_errors=True)


def finish_dataset(root: str | os.PathLike, names: Iterable[str] = TABLE_NAMES) -> dict[str, int]:
    """Give every table without a file one empty file (its columns, no rows); the files written."""
    root = Path(root)
    written = {}
    for name in names:
        if any((root / name).glob(f"{PARTITION}=*/*.parquet")):
            continue
        rel = f"{name}/{_partition_dir(None)}/part-{_EMPTY_PART}.parquet"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(arrow_schema(name).empty_table(), root / rel, compression="zstd")
        written[rel] = 0
    return written


def is_dataset(folder: str | os.PathLike) -> bool:
    """True when ``folder`` (an output folder) holds a dataset with a ``reports`` table."""
    return (Path(folder) / DATASET / "reports").is_dir()


def _partitioning() -> ds.Partitioning:
    return ds.partitioning(pa.schema([(PARTITION, pa.int64())]), flavor="hive")


def read_dataset(root: str | os.PathLike, names: Iterable[str] | None = None,
                 columns: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read tables of a dataset into DataFrames with the contract's columns and dtypes.

    Rows are ordered by ``report_id`` (stable: a report's rows stay in document order), so the
    same reports give the same frames however they were chunked, partitioned or distributed.

    Parameters
    ----------
    root : path
        The dataset folder (``OUT/parquet``).
    names : iterable of str, optional
        Tables to read (default: every table the dataset holds, in the order of ``TABLE_NAMES``).
    columns : list of str, optional
        Only these columns (of every table read).

    Returns
    -------
    dict of str to DataFrame
    """
    root = Path(root)
    if names is None:
        names = [n for n in TABLE_NAMES if (root / n).is_dir()]
    out = {}
    for name in names:
        folder = root / name
        files = sorted(str(p) for p in folder.glob(f"{PARTITION}=*/*.parquet"))
        if not files:
            frame = typed_frame(name, [])
        else:
            schema = arrow_schema(name).append(pa.field(PARTITION, pa.int64()))
            data = ds.dataset(files, schema=schema, format="parquet", partitioning=_partitioning(),
                              partition_base_dir=str(folder))
            frame = data.to_table().to_pandas(types_mapper=_PANDAS.get)
            frame = frame[SCHEMAS[name]]
            if len(frame):
                frame = frame.sort_values("report_id", kind="stable").reset_index(drop=True)
        if columns is not None:
            frame = frame[[c for c in columns if c in frame.columns]]
        out[name] = frame
    return out
