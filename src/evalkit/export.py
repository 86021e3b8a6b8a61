"""Write evalkit's tables to a folder of CSV files and read such a folder back (CSV files, or
the Parquet dataset of :mod:`evalkit.dataset`).

The CSV files are UTF-8 with a byte-order mark, so that Excel opens the Chinese text
correctly, one file per table (``<name>.csv``), rows in the order given, no index. Reading a
folder back restores the dtypes of the data contract: ``Int64`` for years, counts and line
numbers, ``Float64`` for money, scores and values, ``str`` for text.

The dtypes come from one field dictionary, ``vocab/column_labels.csv`` (column, Chinese label,
kind), which also gives the workbook its headers and number formats.

Speed: the files are parsed by pyarrow's multithreaded CSV reader and the text of a table is
made by Arrow compute on whole columns, two files at a time; the results are exactly what
pandas' CSV reader and writer give (the same frames, bytes and errors). A file or a table that
path might treat otherwise (an odd header, ragged rows, numbers pyarrow could round otherwise,
object columns, ...) is read or written by pandas as before.
"""

from __future__ import annotations

import csv
import logging
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from evalkit.arrow_text import holds, text_bytes
from evalkit.fields import field_kind, kind_dtype
from evalkit.outputs import OutputFolder, verify_folder
from evalkit.schema import TABLE_NAMES

__all__ = ["TABLES", "csv_text", "read_tables", "unlisted_files", "write_tables"]

logger = logging.getLogger(__name__)

#: The data tables of a corpus, in the order of ``Corpus.tables()``.
TABLES: tuple[str, ...] = TABLE_NAMES

_ENCODING = "utf-8-sig"


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | Path | OutputFolder,
                 inputs: list[str] = (), *, source: tuple[Path, dict] | None = None) -> list[Path]:
    """Write each table to ``<out_dir>/<name>.csv``, UTF-8 with a byte-order mark.

    Rows are written in the order given, without the index; missing values are empty cells;
    lines end with ``\\n`` on every platform, so the same tables give the same bytes. Text
    cells that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a CR) are written behind an apostrophe; :func:`read_tables` removes it.

    The folder is written as a whole (:class:`evalkit.outputs.OutputFolder`): the files appear
    together with ``evalkit-manifest.json``, or the folder stays as it was.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name → table, e.g. ``Corpus.tables()``. Names must be plain file names.
    out_dir : str, Path or OutputFolder
        Folder to write into; created when missing. Existing files of the same names are
        replaced, and tables an earlier run wrote that this one does not are removed; other
        files are left alone. An open :class:`~evalkit.outputs.OutputFolder` takes the files
        into the run it belongs to.
    inputs : list of str, optional
        What the tables were read from, for the manifest.
    source : (Path, dict), optional
        The folder the tables were read from by :func:`read_tables`, unchanged, and the
        manifest its files were checked against: a table whose file that manifest records is
        copied as it is (the rows read from it, so the same table; at 10 000 reports, seconds
        instead of tens of seconds), provided the copy's sha256 is the recorded one.

    Returns
    -------
    list of Path
        The files written, in the order of ``tables``.

    Raises
    ------
    ValueError
        If a table name is not a plain file name.

    See Also
    --------
    read_tables : read such a folder back with the contract's dtypes.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> budget = pd.DataFrame({"report_id": ["r1"], "amount_wan": [607.94],
    ...                        "source": ["r1:111"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_tables({"budget": budget}, tmp)
    ...     print([p.name for p in paths])
    ...     print(paths[0].read_bytes()[:3] == b"\\xef\\xbb\\xbf")
    ['budget.csv']
    True
    """
    for name in tables:
        if not name or Path(name).name != name or name.startswith("."):
            raise ValueError(f"table name {name!r} is not a plain file name")
    if isinstance(out_dir, OutputFolder):
        return _write_csvs(tables, out_dir, source)
    with OutputFolder(out_dir, inputs=inputs) as folder:
        return _write_csvs(tables, folder, source)


def _write_csvs(tables: Mapping[str, pd.DataFrame], folder: OutputFolder,
                source: tuple[Path, dict] | None = None) -> list[Path]:
    jobs = []
    for name, frame in tables.items():
        path = folder.path(f"{name}.csv", rows=len(frame))
        if not (source is not None and _copied(source, f"{name}.csv", path)):
            jobs.append((name, frame, path))
    # (the tables formatted by Arrow, which frees the GIL, two at a time: the largest first, so
    # that the two threads end together; a table pandas writes holds the GIL, harmlessly)
    jobs.sort(key=lambda job: -job[1].size)

    def write(job) -> Exception | None:
        try:
            _write_csv(*job)
        except Exception as exc:  # noqa: BLE001 (raised below: the first in the tables' order)
            return exc
        return None

    order = {name: i for i, name in enumerate(tables)}
    failed = [(order[job[0]], exc) for job, exc in zip(jobs, _two_at_a_time(write, jobs), strict=True) if exc]
    if failed:
        raise min(failed, key=lambda pair: pair[0])[1]
    return [folder.out / f"{name}.csv" for name in tables]


def _two_at_a_time(function, items: list):
    """The results of ``function`` on the items, computed by two threads, in the items' order;
    the first error (in that order) is raised once the running calls end, the others dropped."""
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        yield from pool.map(function, items)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _write_csv(name: str, frame: pd.DataFrame, path: Path) -> None:
    """Write one table to ``path`` (see :func:`write_tables` for the form)."""
    quote_all = _quote_line_breaks(frame)
    if _arrow_writable(frame):
        _write_arrow(frame, path, quote_all)
    else:
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        _csv_safe(frame).to_csv(path, index=False, encoding=_ENCODING, lineterminator="\n", quoting=quoting)
    logger.debug("wrote %s (%d rows)", name, len(frame))


def _copied(source: tuple[Path, dict], name: str, target: Path) -> bool:
    """Copy the file ``name`` of the source folder to ``target`` when the source's manifest
    records it and the copy has the recorded sha256 (else nothing is left at ``target``)."""
    folder, manifest = source
    entry = manifest.get("files", {}).get(name)
    if not entry or not (folder / name).is_file():
        return False
    from evalkit.incremental import file_sha256

    shutil.copyfile(folder / name, target)
    if file_sha256(target) == entry.get("sha256"):
        return True
    logger.warning("%s changed since it was read; writing the table again", folder / name)
    target.unlink()
    return False


# A text cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"):
# it is written behind an apostrophe, which Excel and WPS show as text and do not display.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAK = re.compile(r"[\r\n]")


def _escape_cell(value):
    """'=3次' → "'=3次"; a text that already starts with apostrophes before such a character
    gets one more, so that reading back (which removes one) restores every text exactly."""
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text cells escaped against formulas, and a CR (which the CSV writer
    does not quote when lines end in LF) forcing quotes like LF does."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text_columns:
        return frame
    frame = frame.copy()
    for column in text_columns:
        values = frame[column]
        if values.dtype == object:
            frame[column] = values.map(_escape_cell, na_action="ignore")
            continue
        # (a text column: the few cells to escape found at C speed, as _escape_cell tells them)
        escape = values.str.lstrip("'").str.startswith(_FORMULA_START).fillna(False).astype(bool)
        if escape.any():
            frame.loc[escape, column] = "'" + values[escape]
    return frame


def _quote_line_breaks(frame: pd.DataFrame) -> bool:
    """Whether a text cell holds a line break (then every cell is quoted)."""
    for i, dtype in enumerate(frame.dtypes):
        values = frame.iloc[:, i]
        if isinstance(dtype, pd.StringDtype):  # (the column's bytes searched at once)
            found = holds(pa.array(values.array), b"\r\n")
        elif dtype == object:
            found = values.astype("str").str.contains(_LINE_BREAK, na=False).any()
        else:
            continue
        if found:
            return True
    return False


# -- The CSV text of a table made by Arrow compute, byte for byte what ``DataFrame.to_csv`` with
# Python's csv writer makes of it (``_csv_safe`` first), for the dtypes of evalkit's tables.
_ROWS_PER_BLOCK = 100_000  # (bounds the memory of the text being made)
_TO_ESCAPE = "^'*[=+\\-@\t\r]"  # (as _escape_cell tells them)
_ESCAPE_FIRST = np.isin(np.arange(256), list(b"'=+-@\t\r"))  # (bytes that may start one)
_TO_QUOTE = '[,"\n]'  # (the delimiter, the quote and the line end: what the csv writer quotes)


def _arrow_writable(frame: pd.DataFrame) -> bool:
    """Whether :func:`_write_arrow` writes the table: at least two distinct columns (the csv
    writer quotes a lone empty cell), all of pandas' str, Int64 or Float64 dtypes, and no NaN
    or infinity that is not a missing value."""
    if frame.shape[1] < 2 or not frame.columns.is_unique:
        return False
    for i, dtype in enumerate(frame.dtypes):
        if isinstance(dtype, pd.Float64Dtype):
            if not np.isfinite(frame.iloc[:, i].to_numpy(dtype="float64", na_value=0.0)).all():
                return False
        elif not isinstance(dtype, pd.StringDtype | pd.Int64Dtype):
            return False
    return True


def _write_arrow(frame: pd.DataFrame, path: Path, quote_all: bool) -> None:
    """Write a table :func:`_arrow_writable` accepts, in blocks of rows."""
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    # (the byte-order mark and the header line as pandas writes them)
    frame.iloc[:0].to_csv(path, index=False, encoding=_ENCODING, lineterminator="\n", quoting=quoting)
    with path.open("ab") as fh:
        for block in _csv_blocks(frame, quote_all):
            fh.write(block)


def _csv_blocks(frame: pd.DataFrame, quote_all: bool, escape: bool = True) -> Iterator[memoryview]:
    """The lines of a table :func:`_arrow_writable` accepts, as CSV bytes, a block of rows at a
    time (the cells that start like a formula escaped, unless ``escape`` is false)."""
    columns = [pa.array(frame.iloc[:, i].array) for i in range(frame.shape[1])]
    for start in range(0, len(frame), _ROWS_PER_BLOCK):
        cells = [_cells(c.slice(start, _ROWS_PER_BLOCK), quote_all, escape) for c in columns]
        cells[-1] = _joined(cells[-1], "\n")  # (the line end: one column copied, not all)
        lines = _joined(*cells, sep=",")
        for chunk in getattr(lines, "chunks", [lines]):
            yield text_bytes(chunk)


def csv_text(frame: pd.DataFrame) -> bytes:
    """The CSV text of a table, UTF-8, byte for byte what ``frame.to_csv(index=False,
    lineterminator="\\n")`` writes: no byte-order mark, cells as they are (not escaped against
    formulas; :func:`write_tables` writes files that are). Made by Arrow for the dtypes of
    evalkit's tables, else by pandas.

    Examples
    --------
    >>> csv_text(pd.DataFrame({"a": ["x,y", None], "b": pd.array([1.5, None], dtype="Float64")}))
    b'a,b\\n"x,y",1.5\\n,\\n'
    """
    if not _arrow_writable(frame):
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    header = frame.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8")
    return header + b"".join(_csv_blocks(frame, quote_all=False, escape=False))


def _cells(values, quote_all: bool, escape: bool = True) -> pa.Array:
    """A column's cells as CSV text: missing empty, text escaped (unless ``escape`` is false)
    and quoted as needed."""
    if pa.types.is_floating(values.type):
        text = _float_text(values)
    elif pa.types.is_integer(values.type):
        text = pc.cast(values, pa.large_string())
    else:
        text = pc.cast(values, pa.large_string())
        to_escape = _to_escape(text) if escape else None
        if to_escape is not None:
            text = pc.if_else(to_escape, _joined("'", text), text)
        if not quote_all and holds(text, b',"\n'):
            text = pc.if_else(pc.match_substring_regex(text, _TO_QUOTE), _quoted(text), text)
    text = pc.fill_null(text, "")
    return _quoted(text) if quote_all else text


def _to_escape(text) -> pa.Array | None:
    """Which cells of a text column to escape against formulas (None: none): the cells whose
    first byte may start one, found in the offsets at once, then tested as _escape_cell does."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    if len(text) == 0:
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset: text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8) if text.buffers()[2] else np.zeros(0, np.uint8)
    filled = np.flatnonzero(offsets[1:] > offsets[:-1])
    maybe = filled[_ESCAPE_FIRST[data[offsets[filled]]]]
    if not len(maybe):
        return None
    escape = np.zeros(len(text), dtype=bool)
    found = pc.match_substring_regex(text.take(pa.array(maybe)), _TO_ESCAPE)
    escape[maybe[pc.fill_null(found, False).to_numpy(zero_copy_only=False)]] = True
    return pa.array(escape) if escape.any() else None


def _joined(*parts, sep: str = ""):
    """The parts (arrays of large strings, or str for every row) joined cell by cell."""
    def large(part):
        return pa.scalar(part, pa.large_string()) if isinstance(part, str) else part
    return pc.binary_join_element_wise(*map(large, parts), large(sep))


def _quoted(text) -> pa.Array:
    """Cells within quotes, their quotes doubled."""
    return _joined('"', pc.replace_substring(text, '"', '""'), '"')


def _float_text(values) -> pa.Array:
    """Floats as Python's ``repr`` writes them (``607.94``, ``1e-05``, ``100.0``), as pandas
    writes Float64 cells. Both write the shortest digits that read back as the float; ``repr``
    writes 1e-4 <= |x| < 1e16 without an exponent, so there Arrow's text (given ``.0`` when it
    has no point) is the same; the others (few: the very small and the very large) get ``repr``."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    text = pc.cast(values, pa.large_string())
    size = pc.abs(values)
    plain = pc.and_(
        pc.invert(pc.match_substring(text, "e")),  # (else Arrow writes an exponent)
        pc.and_(pc.less(size, 1e16), pc.or_(pc.greater_equal(size, 1e-4), pc.equal(size, 0.0))),
    )
    whole = pc.invert(pc.match_substring(text, "."))
    text = pc.if_else(pc.and_(plain, whole), _joined(text, ".0"), text)
    other = pc.and_(pc.invert(plain), pc.is_valid(values))
    if pc.any(other).as_py():
        odd = pc.filter(values, other).to_pylist()
        text = pc.replace_with_mask(text, other, pa.array([repr(v) for v in odd], pa.large_string()))
    return text


_STR = pd.StringDtype(storage="pyarrow", na_value=float("nan"))  # pandas' default "str" dtype
# An escaped text cell (see _escape_cell): apostrophes, then the start of a formula; reading
# removes the first apostrophe.
_ESCAPED = "^'+[=+\\-@\t\r]"
# Numbers whose parse by pyarrow is provably pandas' own (pd.to_numeric, precise_xstrtod): digits,
# a minus sign and a decimal point only, at most 15 digits, so the digits make an exact double
# and one division by an exact power of ten rounds them; negative zeros (which pandas' integer
# path turns positive) excluded.
_INT_BYTES = np.isin(np.arange(256), list(b"-0123456789"))
_FLOAT_BYTES = np.isin(np.arange(256), list(b"-.0123456789"))


def _unescaped(values: pa.Array) -> pa.Array:
    """The text cells of a column with the apostrophe written before a formula removed."""
    if not holds(values, b"'"):  # (the column's bytes searched at once: mostly none)
        return values
    escaped = pc.match_substring_regex(values, _ESCAPED)
    if not pc.any(escaped).as_py():
        return values
    return pc.if_else(escaped, pc.utf8_slice_codeunits(values, 1), values)


def _plain_numbers(values: pa.Array, dtype: str) -> pa.Array | None:
    """The numbers of a column read as text, read by pyarrow when it provably reads them as
    pandas does; None otherwise."""
    allowed = _INT_BYTES if dtype == "Int64" else _FLOAT_BYTES
    if not allowed[np.frombuffer(text_bytes(values), dtype=np.uint8)].all():
        return None
    try:
        numbers = pc.cast(values, pa.int64() if dtype == "Int64" else pa.float64())
    except pa.ArrowInvalid:  # (not a number, or a form pyarrow does not read)
        return None
    minus = pc.starts_with(values, "-")
    digits = pc.subtract(pc.binary_length(values), pc.cast(minus, pa.int64()))
    if dtype == "Float64":
        digits = pc.subtract(digits, pc.cast(pc.match_substring(values, "."), pa.int64()))
        if pc.any(pc.and_(minus, pc.equal(numbers, 0.0))).as_py():
            return None
    if pc.all(pc.and_(pc.greater(digits, 0), pc.less_equal(digits, 15))).as_py() is False:
        return None
    return numbers


def _convert(values: pa.Array, kind: str | None, where: str):
    """Give a column read as text (an Arrow array, empty cells null) the dtype of its kind."""
    dtype = kind_dtype(kind)
    if dtype == "str":
        return pd.arrays.ArrowStringArray(_unescaped(values), dtype=_STR)
    numbers = _plain_numbers(values, dtype)
    if numbers is not None:  # (the common case: no Python call per cell)
        return pd.api.types.pandas_dtype(dtype).__from_arrow__(numbers)
    series = pd.Series(pd.arrays.ArrowStringArray(values, dtype=_STR), copy=False)
    try:
        numbers = pd.to_numeric(series, errors="raise")
        return numbers.astype(dtype).array
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: values that are not {dtype}: {exc}") from exc


def _header(data: bytes) -> list[str] | None:
    """The column names of a CSV file's first line (None if it cannot be decoded)."""
    end = min((i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0), default=len(data))
    try:
        return next(csv.reader([data[:end].decode(_ENCODING)]), None)
    except (UnicodeDecodeError, csv.Error):
        return None


_BLOCK_BYTES = 4 << 20  # (pyarrow parses blocks in parallel; 4 MiB measured best of 1 to 64)


def _read_arrow(data: bytes) -> tuple[list[str], list[pa.Array], None] | None:
    """The columns of a CSV file as text, read by pyarrow's multithreaded parser; None when the
    file is not one that parser reads exactly as pandas' does (then pandas reads it)."""
    names = _header(data)
    if not names or len(names) < 2 or len(set(names)) != len(names) or "" in names:
        return None  # (pandas renames such columns, and skips the blank lines of one column)
    if b"\0" in data or data.count(b'"') % 2:
        return None  # (pandas stops at a NUL, and refuses a quote left open at the end)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.column_names != names or any(t != pa.large_string() for t in table.schema.types):
        return None
    return names, [column.combine_chunks() for column in table.columns], None


def _read_pandas(path: Path) -> tuple[list[str], list[pa.Array], pd.Index]:
    """The columns of a CSV file as text and its index, read by pandas (which says what is wrong
    in a file, and takes a first column without a header for the index)."""
    frame = pd.read_csv(path, encoding=_ENCODING, dtype="str", keep_default_na=False, na_values=[""])
    columns = [pa.array(frame.iloc[:, i].array, type=pa.large_string()) for i in range(frame.shape[1])]
    return list(frame.columns), columns, frame.index


def _read_csv(path: Path) -> pd.DataFrame:
    """One table file with the dtypes of the data contract."""
    data = path.read_bytes()
    names, columns, index = _read_arrow(data) or _read_pandas(path)
    frame = pd.DataFrame(
        {n: _convert(c, field_kind(n), f"{path}, column {n}") for n, c in zip(names, columns)},
        columns=names,
    )
    return frame if index is None else frame.set_axis(index)


def read_tables(
    directory: str | Path, names: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Read a folder written by :func:`write_tables` back into typed DataFrames.

    A folder with a Parquet dataset (``parquet/``, written by ``evalkit extract --format
    parquet``; :mod:`evalkit.dataset`) is read from the dataset, with the same columns and
    dtypes, rows ordered by ``report_id``. Otherwise:
    the data tables (:data:`TABLES`) found in the folder are read, in that order; other CSV
    files (a manifest, notes) are left alone unless named in ``names``. Only an empty cell is
    missing (the words ``NA`` or ``null`` in a report stay text). Columns get the dtype of
    their kind (see :func:`field_kind`): ``Int64`` for years, persons, counts, ``seq`` and
    ``line``; ``Float64`` for money, percentages, scores and values; ``str`` for the rest.

    Parameters
    ----------
    directory : str or Path
        A folder holding at least ``reports.csv``, or a dataset ``parquet/reports/``.
    names : iterable of str, optional
        The tables to read, in this order (each ``<name>.csv`` must exist); by default every
        data table of :data:`TABLES` that the folder holds.

    Returns
    -------
    dict of str to DataFrame
        Table name (file name without ``.csv``) → table.

    Raises
    ------
    FileNotFoundError
        If the folder or its ``reports.csv`` is missing.
    evalkit.outputs.OutputFolderError
        If a run was interrupted while writing the folder, or a table differs from the
        folder's manifest (cut short or changed).
    ValueError
        If a numeric column holds text (the message names the file and the column).

    See Also
    --------
    write_tables : write tables in this form.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"report_id": ["r1"], "fiscal_year": [2022]})
    >>> enrollment = pd.DataFrame({"report_id": ["r1", "r1"], "year": [2022, 2022],
    ...                            "scheme": ["合计", "职工医保"], "persons": [223570, None],
    ...                            "raw": ["223570人", "=3.58万人"], "source": ["r1:338"] * 2})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_tables({"reports": reports, "enrollment": enrollment}, tmp)
    ...     back = read_tables(tmp)
    >>> list(back)
    ['reports', 'enrollment']
    >>> back["enrollment"].dtypes.astype(str).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'report_id': 'str', 'year': 'Int64', 'scheme': 'str', 'persons': 'Int64',
     'raw': 'str', 'source': 'str'}
    >>> back["enrollment"]["raw"].tolist()
    ['223570人', '=3.58万人']
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    from evalkit import dataset

    if dataset.is_dataset(folder):
        return _read_dataset(folder, names)
    if not (folder / "reports.csv").is_file():
        raise FileNotFoundError(f"{folder} holds no reports.csv: not a folder of evalkit tables")
    verify_folder(folder, names=[f"{name}.csv" for name in (names or TABLES)])
    if names is None:
        order = [name for name in TABLES if (folder / f"{name}.csv").is_file()]
        for name in TABLES:
            if name not in order:
                logger.info("%s: no %s.csv", folder, name)
    else:
        order = list(names)
        absent = [name for name in order if not (folder / f"{name}.csv").is_file()]
        if absent:
            raise FileNotFoundError(f"{folder}: no " + ", ".join(f"{n}.csv" for n in absent))
    # (two files at a time: pyarrow parses on all cores, but the steps around the parse are
    # single-threaded and free the GIL; results and errors come in the order of the tables)
    tables = {}
    paths = [folder / f"{name}.csv" for name in order]
    for name, path, frame in zip(order, paths, _two_at_a_time(_read_csv, paths)):
        tables[name] = frame
        logger.debug("read %s (%d rows)", path, len(frame))
    return tables


def unlisted_files(folder: str | Path, manifest: dict, names: Iterable[str]) -> list[str]:
    """The files :func:`read_tables` reads for the tables ``names`` of ``folder`` that its
    ``manifest`` does not record (so nothing checked them: a table put back by hand).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "budget.csv").write_text("x")
    ...     unlisted_files(tmp, {"files": {"reports.csv": {}}}, ["reports", "budget"])
    ['budget.csv']
    """
    from evalkit.dataset import DATASET, is_dataset

    folder, listed = Path(folder), set(manifest.get("files", {}))
    if not is_dataset(folder):
        return [f"{n}.csv" for n in names if f"{n}.csv" not in listed]
    read = (p.relative_to(folder).as_posix() for n in names for p in (folder / DATASET / n).rglob("*") if p.is_file())
    return [f for f in read if f not in listed]


def _read_dataset(folder: Path, names: Iterable[str] | None) -> dict[str, pd.DataFrame]:
    """The tables of the Parquet dataset of an output folder, checked against its manifest."""
    from evalkit.dataset import DATASET, read_dataset

    root = folder / DATASET
    if names is None:
        order = [name for name in TABLES if (root / name).is_dir()]
    else:
        order = list(names)
        absent = [name for name in order if not (root / name).is_dir()]
        if absent:
            raise FileNotFoundError(f"{folder}: no " + ", ".join(f"{DATASET}/{n}/" for n in absent))
    verify_folder(folder, names=[f"{DATASET}/{name}/" for name in order])
    return read_dataset(root, order)
