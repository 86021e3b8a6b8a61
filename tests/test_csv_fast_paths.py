"""The fast paths of evalkit.export and evalkit.schema against the pandas paths they replace.

The CSV text of a table is made by Arrow compute and read back by pyarrow's parser, and the
reader's numbers are typed by pyarrow; each must give exactly what pandas gives (the same bytes,
the same frames, the same errors). These tests compare the two paths on awkward values.
"""

from __future__ import annotations

import csv
import random
import struct

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from evalkit import export, schema

_PIECES = ["", " ", "'", "''", "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", '"', ",", "NA", "null",
           "中文", "\ufeff", "1", "x", "\x01", "\u2028", "，", "😀", "1e5"]


def _text(rng: random.Random) -> str | None:
    return None if rng.random() < 0.2 else "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 4)))


def _float(rng: random.Random) -> float | None:
    k = rng.random()
    if k < 0.3:  # any finite double, by its bits
        while not np.isfinite(v := struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]):
            pass
        return v
    if k < 0.5:
        return rng.choice([0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, 1e15,
                           0.1, 1 / 3, 2.0**53, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 100.0])
    if k < 0.85:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-8, 20)
    return None


def _table(rng: random.Random, rows: int) -> pd.DataFrame:
    return pd.DataFrame({
        "report_id": pd.array([_text(rng) for _ in range(rows)], dtype="str"),
        "year": pd.array([rng.choice([None, 0, -5, 2022, 2**62]) for _ in range(rows)], dtype="Int64"),
        "amount_wan": pd.array([_float(rng) for _ in range(rows)], dtype="Float64"),
        "item": pd.array([_text(rng) for _ in range(rows)], dtype=pd.StringDtype("python")),
    })


def _pandas_text(frame: pd.DataFrame, path) -> bytes:
    """The bytes ``DataFrame.to_csv`` writes for the table (the path the Arrow text replaces)."""
    quoting = csv.QUOTE_ALL if export._quote_line_breaks(frame) else csv.QUOTE_MINIMAL
    export._csv_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", quoting=quoting)
    return path.read_bytes()


@pytest.mark.parametrize("seed", range(4))
def test_arrow_text_is_byte_for_byte_pandas_text(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.setattr(export, "_ROWS_PER_BLOCK", 7)  # (several blocks, one cut mid-table)
    for rows in (0, 1, 30):
        frame = _table(rng, rows)
        if rows == 30:  # (text columns of several Arrow chunks, as concatenated tables hold them)
            frame = pd.concat([frame.iloc[:11], frame.iloc[11:]], ignore_index=True)
        assert export._arrow_writable(frame)
        export._write_csv("t", frame, tmp_path / "arrow.csv")
        assert (tmp_path / "arrow.csv").read_bytes() == _pandas_text(frame, tmp_path / "pandas.csv")


@pytest.mark.parametrize("seed", range(4))
def test_csv_text_is_what_to_csv_gives(monkeypatch, seed):
    """``evalkit check --format csv`` prints csv_text: pandas' to_csv, byte for byte (no escaping)."""
    rng = random.Random(seed)
    monkeypatch.setattr(export, "_ROWS_PER_BLOCK", 7)
    for rows in (0, 1, 30):
        frame = _table(rng, rows).astype({"item": "str"})
        assert export._arrow_writable(frame)
        assert export.csv_text(frame) == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    odd = pd.DataFrame({"a": [1.5, float("nan")], "b": ["=x", None]}, dtype=object)  # (pandas writes it)
    assert export.csv_text(odd) == odd.to_csv(index=False, lineterminator="\n").encode("utf-8")


def test_tables_arrow_does_not_write_go_to_pandas():
    assert not export._arrow_writable(pd.DataFrame({"report_id": ["r"]}))  # one column
    assert not export._arrow_writable(pd.DataFrame({"a": ["r"], "b": pd.Series([1], dtype=object)}))
    for odd in (np.nan, np.inf):  # (a NaN that is not missing, an infinity)
        values = pd.arrays.FloatingArray(np.array([1.0, odd]), np.array([False, False]))
        assert not export._arrow_writable(pd.DataFrame({"a": ["r", "s"], "b": values}))


def _read_both(path, monkeypatch):
    """The table read by pyarrow's path and by pandas' path (an error's text instead of a frame)."""
    out = []
    for arrow in (True, False):
        with monkeypatch.context() as m:
            if not arrow:
                m.setattr(export, "_read_arrow", lambda data: None)
            try:
                out.append(export._read_csv(path))
            except (ValueError, OverflowError, UnicodeDecodeError) as exc:
                out.append(f"{type(exc).__name__}: {exc}")
    return out


_NUMBERS = ["1", "-1", "0", "-0", "-0.0", "1.5", "1e3", "1.", ".5", "+2", " 3", "0.30000000000000004",
            "123456789012345", "1234567890123456", "9007199254740993", "007", "-007.50", "2.5E-5", "inf",
            "nan", "x", "", "1,000", "99999999999999.9", "0.000000000000001"]


@pytest.mark.parametrize("seed", range(3))
def test_pyarrow_reads_numbers_and_text_as_pandas_does(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    for i in range(150):
        pool = rng.sample(_NUMBERS, 3)
        cells = [(rng.choice(pool), rng.choice(pool), _text(rng) or "") for _ in range(rng.randint(1, 5))]
        path = tmp_path / f"t{i}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n", quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
            writer.writerow(["amount_wan", "year", "item"])
            writer.writerows(cells)
        arrow, pandas = _read_both(path, monkeypatch)
        if isinstance(pandas, str):
            assert arrow == pandas, cells
        else:
            pdt.assert_frame_equal(arrow, pandas, check_exact=True)
            for column in pandas.columns:  # (the signs of zeros too)
                assert [repr(v) for v in arrow[column]] == [repr(v) for v in pandas[column]], cells


@pytest.mark.parametrize("body", [
    'r1,"abc\n',  # a quote left open at the end
    "r1,x,y\n",  # more cells than columns
    "r1\nr2,x\n",  # fewer
    "r1,x\n \nr2,y\n",  # a line of blanks
])
def test_files_pyarrow_reads_otherwise_are_read_by_pandas(tmp_path, monkeypatch, body):
    path = tmp_path / "reports.csv"
    path.write_text("report_id,item\n" + body, encoding="utf-8-sig")
    assert export._read_arrow(path.read_bytes()) is None
    arrow, pandas = _read_both(path, monkeypatch)
    if isinstance(pandas, str):
        assert arrow == pandas
    else:
        pdt.assert_frame_equal(arrow, pandas, check_exact=True)


def test_an_unclosed_quote_is_still_pandas_error(tmp_path):
    (tmp_path / "reports.csv").write_text('report_id,item\nr1,"abc\n', encoding="utf-8-sig")
    with pytest.raises(pd.errors.ParserError, match="EOF inside string"):
        export.read_tables(tmp_path, ["reports"])


_VALUES = [None, "", "x", "3", 1, 0, -7, 2022, 2**53, 2**53 + 1, 2**62, -(2**63), 2.0, 2.5, -0.0,
           float("nan"), float("inf"), True, np.int64(4), np.float64(5.5), np.float32(0.1), pd.NA]


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "str"])
def test_typed_array_is_what_pandas_makes(dtype):
    rng = random.Random(3)
    for _ in range(400):
        values = [rng.choice(_VALUES) for _ in range(rng.randint(0, 4))]
        try:
            expected = _pandas_typed(values, dtype)
        except (TypeError, ValueError, OverflowError) as exc:
            with pytest.raises(type(exc)):
                schema._typed_array(list(values), dtype)
            continue
        got = pd.Series(schema._typed_array(list(values), dtype))
        pdt.assert_series_equal(got, pd.Series(expected), check_exact=True)
        assert [repr(v) for v in got] == [repr(v) for v in pd.Series(expected)], values


def _pandas_typed(values: list, dtype: str):
    """What the typing was before pyarrow read the numbers (pandas' own constructors)."""
    if dtype == "Int64":
        return pd.array(values, dtype="Int64")
    if dtype == "Float64":
        try:
            return pd.array(values, dtype="Float64")
        except (TypeError, ValueError):
            return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("Float64").array
    return pd.array([None if v is None or v == "" or v is pd.NA else str(v) for v in values], dtype="str")


def test_of_several_tables_that_cannot_be_written_the_first_is_named(tmp_path):
    """Tables are written two at a time, the largest first; the error raised is still the one
    of the first table (in the tables' order) that cannot be written, and nothing is left."""
    small = pd.DataFrame({"report_id": pd.Series(["a\ud800"], dtype=object), "x": [1]})
    large = pd.DataFrame({"report_id": pd.Series(["b"] * 999 + ["\udfff"], dtype=object), "x": range(1000)})
    with pytest.raises(UnicodeEncodeError, match="ud800"):
        export.write_tables({"reports": small, "budget": large}, tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.csv"))
