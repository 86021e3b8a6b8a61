"""Tests of evalkit.export: the tables as CSV files (UTF-8 with BOM) and back, with dtypes."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from evalkit.export import read_tables, write_tables
from evalkit.fields import field_kind, field_label, kind_dtype

ROOT = Path(__file__).resolve().parents[1]


def sample_tables() -> dict[str, pd.DataFrame]:
    """Small tables in the shape of the data contract, with awkward text on purpose."""
    reports = pd.DataFrame(
        {
            "report_id": ["r1", "r2"],
            "department": ["南昌市西湖区医疗保障局", pd.NA],
            "fiscal_year": pd.array([2022, pd.NA], dtype="Int64"),
            "total_score": pd.array([96.5, pd.NA], dtype="Float64"),
            "grade": ["优", pd.NA],
            "source_file": ["r1.txt", "r2.txt"],
            "sha256": ["0" * 64, "f" * 64],
        }
    )
    indicators = pd.DataFrame(
        {
            "report_id": ["r1", "r1", "r1"],
            "seq": pd.array([1, pd.NA, 3], dtype="Int64"),
            "level3": ["专项稽核次数", "NA", "null"],
            "weight": pd.array([5.0, 10.0, pd.NA], dtype="Float64"),
            "target_raw": ["=3次", "=100%", "≥95%"],
            "target_value": pd.array([3.0, 100.0, 95.0], dtype="Float64"),
            "note": ['含逗号,和"引号"', "两行\n文本", "无"],
            "source": ["r1:144", "r1:170", "r1:175"],
        }
    )
    budget = pd.DataFrame(
        {
            "report_id": ["r1", "r1"],
            "stage": ["年初预算", "决算"],
            "item": ["收入合计", "人员经费"],
            "amount_wan": pd.array([607.94, 858.179982], dtype="Float64"),
            "source": ["r1:111", "r1:123"],
        }
    )
    enrollment = pd.DataFrame(
        {
            "report_id": ["r1", "r1"],
            "year": pd.array([2022, 2022], dtype="Int64"),
            "scheme": ["合计", "职工医保"],
            "persons": pd.array([223570, pd.NA], dtype="Int64"),
            "raw": ["223570人", "46.98人"],
            "source": ["r1:338", "r1:338"],
        }
    )
    residue = pd.DataFrame(
        {
            "report_id": ["r1"],
            "line": pd.array([12], dtype="Int64"),
            "text": ["-5% 以内"],
            "reason": ["未识别"],
            "source": ["r1:12"],
        }
    )
    for frame in (reports, indicators, budget, enrollment, residue):
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].astype("str")
    return {
        "reports": reports,
        "indicators": indicators,
        "budget": budget,
        "enrollment": enrollment,
        "residue": residue,
    }


def test_write_tables_writes_one_bom_csv_per_table_in_order(tmp_path):
    tables = sample_tables()
    paths = write_tables(tables, tmp_path / "out")
    assert [p.name for p in paths] == [f"{name}.csv" for name in tables]
    for path, (name, frame) in zip(paths, tables.items(), strict=True):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, "lines end with \\n on every platform"
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
        assert rows[0] == list(frame.columns), "header is the column names, no index"
    text = (tmp_path / "out" / "budget.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1:] == [
        "r1,年初预算,收入合计,607.94,r1:111",
        "r1,决算,人员经费,858.179982,r1:123",
    ]


def test_round_trip_restores_values_and_dtypes(tmp_path):
    tables = sample_tables()
    write_tables(tables, tmp_path)
    back = read_tables(tmp_path)
    assert list(back) == list(tables)
    for name, frame in tables.items():
        pdt.assert_frame_equal(back[name], frame, check_dtype=True, obj=name)


def test_dtypes_follow_the_contract(tmp_path):
    write_tables(sample_tables(), tmp_path)
    back = read_tables(tmp_path)
    assert back["reports"]["fiscal_year"].dtype == "Int64"
    assert back["reports"]["total_score"].dtype == "Float64"
    assert back["indicators"]["seq"].dtype == "Int64"
    assert back["indicators"]["weight"].dtype == "Float64"
    assert back["indicators"]["target_raw"].dtype == "str"
    assert back["budget"]["amount_wan"].dtype == "Float64"
    assert back["enrollment"]["year"].dtype == "Int64"
    assert back["enrollment"]["persons"].dtype == "Int64"
    assert back["residue"]["line"].dtype == "Int64"


def test_only_an_empty_cell_is_missing(tmp_path):
    write_tables(sample_tables(), tmp_path)
    back = read_tables(tmp_path)
    assert back["indicators"]["level3"].tolist() == ["专项稽核次数", "NA", "null"]
    assert back["indicators"]["note"].tolist()[1:] == ["两行\n文本", "无"]
    assert back["reports"]["department"].isna().tolist() == [False, True]
    assert back["enrollment"]["persons"].isna().tolist() == [False, True]


def test_formula_like_text_stays_text(tmp_path):
    write_tables(sample_tables(), tmp_path)
    back = read_tables(tmp_path)
    assert back["indicators"]["target_raw"].tolist() == ["=3次", "=100%", "≥95%"]
    assert back["residue"]["text"].tolist() == ["-5% 以内"]


@pytest.mark.parametrize("dtype", ["str", object])
def test_every_formula_start_is_escaped_and_read_back(tmp_path, dtype):
    """Text and object columns alike: a cell starting with = + - @ tab or CR, after any
    apostrophes, is written behind one more apostrophe, and reads back as it was."""
    texts = ["=1", "'=1", "''+x", "-3", "@a", "\t1", "\rq", "'\r", "a", "'", "'a", " =1", "普通"]
    write_tables({"reports": pd.DataFrame({"report_id": pd.Series(texts, dtype=dtype)})}, tmp_path)
    with open(tmp_path / "reports.csv", encoding="utf-8-sig", newline="") as f:
        cells = [row[0] for row in csv.reader(f)][1:]
    assert cells == ["'=1", "''=1", "'''+x", "'-3", "'@a", "'\t1", "'\rq", "''\r",
                     "a", "'", "'a", " =1", "普通"]
    assert read_tables(tmp_path)["reports"]["report_id"].tolist() == texts


def test_same_tables_give_same_bytes(tmp_path):
    write_tables(sample_tables(), tmp_path / "a")
    write_tables(sample_tables(), tmp_path / "b")
    for path in sorted((tmp_path / "a").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_empty_table_round_trips_with_its_columns(tmp_path):
    empty = pd.DataFrame(
        {
            "report_id": pd.Series([], dtype="str"),
            "amount_wan": pd.Series([], dtype="Float64"),
            "source": pd.Series([], dtype="str"),
        }
    )
    write_tables({"reports": sample_tables()["reports"], "funds": empty}, tmp_path)
    back = read_tables(tmp_path)
    assert list(back["funds"].columns) == ["report_id", "amount_wan", "source"]
    assert len(back["funds"]) == 0
    assert back["funds"]["amount_wan"].dtype == "Float64"


def test_other_csv_files_are_read_only_when_named(tmp_path):
    tables = sample_tables()
    extra = pd.DataFrame({"report_id": ["r1"], "free_text": ["x"]})
    write_tables({"manifest": extra, **tables}, tmp_path)
    assert list(read_tables(tmp_path)) == list(tables)
    back = read_tables(tmp_path, names=["manifest", "budget"])
    assert list(back) == ["manifest", "budget"]
    assert back["manifest"]["free_text"].dtype == "str"
    with pytest.raises(FileNotFoundError, match=r"no funds\.csv"):
        read_tables(tmp_path, names=["funds"])


def test_read_tables_needs_a_folder_with_reports_csv(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        read_tables(tmp_path / "missing")
    write_tables({"budget": sample_tables()["budget"]}, tmp_path)
    with pytest.raises(FileNotFoundError, match=r"reports\.csv"):
        read_tables(tmp_path)


def test_text_in_a_numeric_column_is_an_error_naming_file_and_column(tmp_path):
    bad = pd.DataFrame({"report_id": ["r1"], "amount_wan": ["六百万"], "source": ["r1:3"]})
    write_tables({"reports": sample_tables()["reports"], "budget": bad}, tmp_path)
    with pytest.raises(ValueError, match=r"budget\.csv, column amount_wan"):
        read_tables(tmp_path)


def test_table_names_must_be_plain_file_names(tmp_path):
    with pytest.raises(ValueError, match="plain file name"):
        write_tables({"../escape": sample_tables()["budget"]}, tmp_path)


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("fiscal_year", "int"),
        ("year", "int"),
        ("persons", "persons"),
        ("seq", "int"),
        ("line", "int"),
        ("amount_wan", "money"),
        ("total_score", "score"),
        ("weight", "score"),
        ("target_value", "number"),
        ("actual_value", "number"),
        ("target_raw", "text"),
        ("source", "text"),
        ("budget_adjusted_wan", "money"),
        ("execution_rate_pct", "percent"),
        ("recomputed_score", "score"),
        ("separated", None),
        ("something", None),
    ],
)
def test_field_kind(column, kind):
    assert field_kind(column) == kind


def test_field_label_is_chinese_for_every_contract_column():
    contract = {
        "reports": "report_id department province city county fiscal_year report_kind "
        "evaluator report_date total_score grade grade_raw source_file sha256",
        "indicators": "report_id scope table seq level1 level2 level3 weight target_raw "
        "target_op target_value target_unit actual_raw actual_value actual_unit score note source",
        "budget": "report_id scope stage item item_raw amount_wan source",
        "enrollment": "report_id year scheme persons raw source",
        "funds": "report_id year scheme flow amount_wan raw source",
        "residue": "report_id line text reason",
        "findings": "report_id rule severity message expected observed difference sources",
    }
    for table, columns in contract.items():
        for column in columns.split():
            label = field_label(column)
            assert label != column, f"{table}.{column} has no Chinese label"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), (table, column, label)


def test_column_labels_file_is_well_formed():
    text = resources.files("evalkit.vocab").joinpath("column_labels.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and set(rows[0]) == {"column", "label", "kind"}
    columns = [row["column"] for row in rows]
    assert len(columns) == len(set(columns)), "a column is listed twice"
    assert all(kind_dtype(row["kind"]) in ("str", "Int64", "Float64") for row in rows)
    assert {row["kind"] for row in rows} <= {"text", "int", "persons", "money", "percent", "score", "number"}


def test_bundled_data_folder_reads_with_contract_dtypes():
    data = ROOT / "data"
    if not (data / "reports.csv").is_file():
        pytest.skip("data/reports.csv is not there yet (written by `make data`)")
    tables = read_tables(data)
    for name in ("reports", "indicators", "budget", "enrollment", "funds", "residue"):
        assert name in tables, f"data/{name}.csv missing"
    assert tables["reports"]["fiscal_year"].dtype == "Int64"
    assert tables["enrollment"]["persons"].dtype == "Int64"
    assert tables["budget"]["amount_wan"].dtype == "Float64"
    assert tables["indicators"]["target_raw"].dtype == "str"
    for name in ("indicators", "budget", "enrollment", "funds"):
        assert tables[name]["source"].str.fullmatch(r"[^:]+:\d+").all(), name


def test_real_corpus_round_trips(tmp_path):
    """The reader's tables on the sample reports come back equal (an empty text is missing)."""
    from conftest import require_reports

    from evalkit import read_reports

    tables = read_reports([require_reports()]).tables()
    write_tables(tables, tmp_path)
    back = read_tables(tmp_path)
    assert list(back) == list(tables)
    for name, frame in tables.items():
        expected = frame.reset_index(drop=True)
        for column in expected.columns:
            if expected[column].dtype == "str":
                expected[column] = expected[column].mask(expected[column] == "")
        pdt.assert_frame_equal(back[name], expected, obj=name)
