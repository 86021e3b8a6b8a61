"""The Parquet dataset of ``evalkit extract --format parquet``: layout, dtypes, Chinese text,
the output folder's rules, and queries by DuckDB and pandas on the dataset as it is."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scale_fixtures import write_reports

from evalkit import cli
from evalkit.dataset import NULL_PARTITION, finish_dataset, read_dataset, write_part
from evalkit.export import read_tables
from evalkit.outputs import OutputFolderError
from evalkit.report import TABLE_NAMES, ReportStream, expand_paths, typed_frame


def _frames():
    reports = typed_frame("reports", [
        {"report_id": "r2", "department": "长沙市医疗保障局", "fiscal_year": 2023, "total_score": 96.5,
         "title": "长沙市医疗保障局2023年度部门整体支出绩效自评报告"},
        {"report_id": "r1", "department": "浏阳市医疗保障局", "fiscal_year": 2022, "grade": "优"},
        {"report_id": "r3", "department": None, "fiscal_year": None, "title": "=公式样的标题，含“引号”\n和换行"},
    ])
    enrollment = typed_frame("enrollment", [
        {"report_id": "r1", "year": 2022, "scheme": "职工医保", "persons": 35800, "raw": "3.58万人", "source": "r1:3"},
        {"report_id": "r2", "year": 2023, "scheme": "合计", "persons": None, "raw": "46.98人",
         "note": "人数带小数且无“万”", "source": "r2:9"},
        {"report_id": "r1", "year": None, "scheme": "居民医保", "persons": 1, "raw": "1人", "source": "r1:4"},
    ])
    budget = typed_frame("budget", [
        {"report_id": "r3", "stage": "决算", "item": "支出合计", "amount_wan": 0.125, "source": "r3:5"},
        {"report_id": "r2", "stage": "年初预算", "item": "支出合计", "amount_wan": None, "source": "r2:5"},
    ])
    return {"reports": reports, "enrollment": enrollment, "budget": budget}


def test_tables_round_trip_with_their_dtypes_and_chinese_text(tmp_path):
    frames = _frames()
    written = write_part(frames, tmp_path, "x-00000")
    # each row under its report's year; r3 has none
    assert written == {
        "reports/fiscal_year=2022/part-x-00000.parquet": 1, "reports/fiscal_year=2023/part-x-00000.parquet": 1,
        f"reports/fiscal_year={NULL_PARTITION}/part-x-00000.parquet": 1,
        "enrollment/fiscal_year=2022/part-x-00000.parquet": 2, "enrollment/fiscal_year=2023/part-x-00000.parquet": 1,
        "budget/fiscal_year=2023/part-x-00000.parquet": 1,
        f"budget/fiscal_year={NULL_PARTITION}/part-x-00000.parquet": 1,
    }
    back = read_dataset(tmp_path, ["reports", "enrollment", "budget"])
    for name, frame in frames.items():
        expected = frame.sort_values("report_id", kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(back[name], expected)
    assert str(back["reports"]["fiscal_year"].dtype) == "Int64"
    assert str(back["enrollment"]["persons"].dtype) == "Int64"
    assert str(back["budget"]["amount_wan"].dtype) == "Float64"
    assert str(back["reports"]["title"].dtype) == "str"
    assert back["reports"]["title"].tolist()[2] == "=公式样的标题，含“引号”\n和换行"
    assert back["enrollment"]["note"].isna().tolist() == [True, True, False]
    assert back["enrollment"]["note"].iloc[2] == "人数带小数且无“万”"
    assert back["enrollment"]["raw"].tolist() == ["3.58万人", "1人", "46.98人"]
    # the year is in the folder name only (hive style), not in the files
    one = pq.read_table(tmp_path / "reports" / "fiscal_year=2022" / "part-x-00000.parquet")
    assert "fiscal_year" not in one.column_names


def test_a_table_without_rows_keeps_its_columns(tmp_path):
    write_part(_frames(), tmp_path, "x-00000")
    written = finish_dataset(tmp_path)
    assert sorted(written) == sorted(f"{n}/fiscal_year={NULL_PARTITION}/part-empty.parquet"
                                     for n in TABLE_NAMES if n not in ("reports", "enrollment", "budget"))
    staff = read_dataset(tmp_path, ["staff"])["staff"]
    pd.testing.assert_frame_equal(staff, typed_frame("staff", []))
    assert duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/staff/**/*.parquet', "
                      "hive_partitioning=true)").fetchall() == [(0,)]


def test_the_stream_gives_chunks_of_the_size_asked(tmp_path):
    folder = write_reports(tmp_path / "reports")
    stream = ReportStream(expand_paths(folder)[0], chunk_size=2, workers=1)
    chunks = [(len(frames["reports"]), files["report_id"].tolist()) for frames, files in stream]
    assert chunks == [(2, ["a", "b"]), (1, ["c"])]


@pytest.fixture
def extracted(tmp_path):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    assert cli.main(["extract", str(folder), "--out", str(out), "--format", "parquet", "-q"]) == 0
    return out


def test_duckdb_sums_the_budget_by_fiscal_year(extracted):
    # a: 2022, 1200 + 1150.5; b: 2023, 300 + 280.25; c: no year, 80 + 79.5
    got = duckdb.sql(f"""
        select fiscal_year, sum(amount_wan) as total, count(*) as n
        from read_parquet('{extracted}/parquet/budget/**/*.parquet', hive_partitioning = true)
        group by fiscal_year order by fiscal_year nulls last""").fetchall()
    assert got == [(2022, 2350.5, 2), (2023, 580.25, 2), (None, 159.5, 2)]
    enrolled = duckdb.sql(f"""
        select r.title, e.persons
        from read_parquet('{extracted}/parquet/enrollment/**/*.parquet', hive_partitioning = true) e
        join read_parquet('{extracted}/parquet/reports/**/*.parquet', hive_partitioning = true) r
          using (report_id) order by e.persons""").fetchall()
    assert enrolled == [("丙县医疗保障局部门整体支出绩效自评报告", 20000),
                        ("乙县医疗保障局2023年度部门整体支出绩效自评报告", 125000),
                        ("甲县医疗保障局2022年度部门整体支出绩效自评报告", 430100)]


def test_pandas_reads_a_partition_as_it_is(extracted):
    budget = pd.read_parquet(extracted / "parquet" / "budget" / "fiscal_year=2022")
    assert budget["amount_wan"].tolist() == [1200.0, 1150.5]
    assert str(budget["amount_wan"].dtype) == "Float64" and str(budget["item"].dtype) == "str"
    assert budget["item"].tolist() == ["支出合计", "支出合计"]


def test_read_tables_reads_the_dataset_like_the_csv_files(extracted, tmp_path):
    csv_out = tmp_path / "csv"
    assert cli.main(["extract", str(tmp_path / "reports"), "--out", str(csv_out), "-q"]) == 0
    from_dataset, from_csv = read_tables(extracted), read_tables(csv_out)
    assert list(from_dataset) == list(TABLE_NAMES)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(from_dataset[name], from_csv[name], check_dtype=True)
    assert not any(extracted.glob("*.csv")), "--format parquet writes no CSV"


def test_both_writes_the_csv_files_from_the_dataset(tmp_path):
    folder = write_reports(tmp_path / "reports")
    both, csv_out = tmp_path / "both", tmp_path / "csv"
    assert cli.main(["extract", str(folder), "--out", str(both), "--format", "both", "-q"]) == 0
    assert cli.main(["extract", str(folder), "--out", str(csv_out), "-q"]) == 0
    for name in TABLE_NAMES:
        assert (both / f"{name}.csv").read_bytes() == (csv_out / f"{name}.csv").read_bytes(), name
    assert not (csv_out / "parquet").exists()


def test_an_altered_part_file_is_refused(extracted):
    part = next((extracted / "parquet" / "budget" / "fiscal_year=2022").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(OutputFolderError, match="截断或修改"):
        read_tables(extracted)


def test_a_run_that_fails_while_writing_leaves_the_dataset_as_it_was(extracted, tmp_path, monkeypatch):
    before = {p.relative_to(extracted): p.read_bytes() for p in extracted.rglob("*") if p.is_file()}
    (tmp_path / "reports" / "a.txt").write_text("甲县医疗保障局2022年度部门整体支出绩效自评报告\n全县基本医疗保险参保1万人。\n",
                                                encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr("evalkit.pipeline.write_part", broken)
    with pytest.raises(OSError):
        cli.main(["extract", str(tmp_path / "reports"), "--out", str(extracted), "--format", "parquet", "-q"])
    after = {p.relative_to(extracted): p.read_bytes() for p in extracted.rglob("*") if p.is_file()}
    assert after == before
    assert len(read_tables(extracted)["reports"]) == 3
