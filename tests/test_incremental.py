"""Incremental runs of ``evalkit extract``: only new and changed files are read, the rest kept,
a removed file's rows dropped; the result equals a full run's."""

from __future__ import annotations

import hashlib
import json
import logging

import pandas as pd
import pyarrow.parquet as pq
import pytest
from scale_fixtures import write_report, write_reports

from evalkit import cli, incremental
from evalkit.export import read_tables
from evalkit.incremental import STATE_COLUMNS, STATE_FILE
from evalkit.outputs import MANIFEST, verify_folder
from evalkit.report import TABLE_NAMES

FORMATS = ["csv", "parquet"]


def extract(capsys, folder, out, fmt, *more):
    code = cli.main(["extract", str(folder), "--out", str(out), "--format", fmt, "--workers", "1", *more])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out


def persons(out) -> dict[str, int]:
    enrollment = read_tables(out)["enrollment"]
    return dict(zip(enrollment["report_id"], enrollment["persons"].astype(int), strict=True))


@pytest.mark.parametrize("fmt", FORMATS)
def test_add_change_remove(capsys, tmp_path, fmt, monkeypatch):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    first = extract(capsys, folder, out, fmt)
    assert "已读取报告：3 份；无法读取：0 份" in first
    assert persons(out) == {"a": 430100, "b": 125000, "c": 20000}

    again = extract(capsys, folder, out, fmt)
    assert "报告：共 3 份（新读取 0 份，其中内容有变化 0 份；沿用上次结果 3 份；文件已不在而移除 0 份）" in again

    write_report(folder, "d")                      # new: 5.5万人
    write_report(folder, "b", persons_wan="13")    # changed: 12.5万人 → 13万人
    (folder / "c.txt").unlink()                    # removed
    calls = []
    from evalkit import report

    original = report._read_one
    monkeypatch.setattr(report, "_read_one", lambda path, *a: calls.append(path) or original(path, *a))
    third = extract(capsys, folder, out, fmt)
    assert sorted(p.rsplit("/", 1)[-1] for p in calls) == ["b.txt", "d.txt"], "only the new and the changed file"
    assert "报告：共 3 份（新读取 2 份，其中内容有变化 1 份；沿用上次结果 1 份；文件已不在而移除 1 份）" in third
    assert persons(out) == {"a": 430100, "b": 130000, "d": 55000}
    tables = read_tables(out)
    assert "c" not in set().union(*(set(tables[n]["report_id"]) for n in TABLE_NAMES))
    budget = tables["budget"].groupby("report_id")["amount_wan"].sum().to_dict()
    assert budget == {"a": 2350.5, "b": 580.25, "d": 118.0}

    full = tmp_path / "full"
    extract(capsys, folder, full, fmt, "--full")
    fresh = read_tables(full)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(tables[name], fresh[name], obj=name)
    if fmt == "csv":  # byte for byte as a full run
        for name in TABLE_NAMES:
            assert (out / f"{name}.csv").read_bytes() == (full / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_evalkit_or_full_reads_everything(capsys, tmp_path, fmt, monkeypatch):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    assert "已读取报告：3 份" in extract(capsys, folder, out, fmt, "--full")
    monkeypatch.setattr("evalkit.incremental.fingerprint", lambda manifest=None: "another evalkit")
    assert "已读取报告：3 份" in extract(capsys, folder, out, fmt)
    assert "沿用上次结果 3 份" in extract(capsys, folder, out, fmt)


def manifest_of(out) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def test_the_state_file_records_each_report_file(capsys, tmp_path):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, "parquet")
    manifest = manifest_of(out)
    assert manifest["run"] == {"format": "parquet", "fingerprint": incremental.fingerprint(), "state": STATE_FILE}
    assert "reports" not in manifest, "the reports are in the state file, not in the manifest"
    state = pq.read_table(out / STATE_FILE).to_pandas()
    assert list(state.columns) == STATE_COLUMNS
    assert state["report_id"].tolist() == ["a", "b", "c"]
    assert state["path"].tolist() == [str(folder / f"{n}.txt") for n in "abc"]
    assert state["sha256"].tolist() == [incremental.file_sha256(folder / f"{n}.txt") for n in "abc"]
    part = state["part"][0]
    assert f"parquet/budget/fiscal_year=2022/part-{part}.parquet" in manifest["files"]
    entry = manifest["files"][STATE_FILE]  # one of the folder's files: verified with the rest
    assert entry["rows"] == 3 and entry["sha256"] == hashlib.sha256((out / STATE_FILE).read_bytes()).hexdigest()
    assert incremental.read_state(out / STATE_FILE)["report_id"].dtype == "str"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_run_reads_nothing_and_keeps_everything_from_the_state_file(capsys, tmp_path, fmt, monkeypatch):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    assert (out / STATE_FILE).is_file() and "reports" not in manifest_of(out)
    before = persons(out)
    from evalkit import report

    monkeypatch.setattr(report, "_read_one", lambda *a: pytest.fail("nothing is to be read"))
    again = extract(capsys, folder, out, fmt)
    assert "报告：共 3 份（新读取 0 份，其中内容有变化 0 份；沿用上次结果 3 份；文件已不在而移除 0 份）" in again
    assert persons(out) == before
    assert incremental.read_state(out / STATE_FILE)["report_id"].tolist() == ["a", "b", "c"]
    verify_folder(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_state_file_follows_removed_and_changed_files(capsys, tmp_path, fmt):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    write_report(folder, "b", persons_wan="13")  # changed
    (folder / "c.txt").unlink()                  # removed
    third = extract(capsys, folder, out, fmt)
    assert "新读取 1 份，其中内容有变化 1 份；沿用上次结果 1 份；文件已不在而移除 1 份" in third
    assert persons(out) == {"a": 430100, "b": 130000}
    state = incremental.read_state(out / STATE_FILE).sort_values("path")
    assert state["report_id"].tolist() == ["a", "b"]
    assert state["sha256"].tolist() == [incremental.file_sha256(folder / f"{n}.txt") for n in "ab"]
    assert manifest_of(out)["files"][STATE_FILE]["rows"] == 2
    if fmt == "parquet":  # every part named by the state exists
        for part in state["part"]:
            assert list((out / "parquet" / "reports").glob(f"*/part-{part}.parquet"))


@pytest.mark.parametrize("damage", ["tampered", "missing"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_altered_or_missing_state_file_reads_everything_again(capsys, tmp_path, fmt, damage, caplog):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    if damage == "tampered":  # a valid state file, but not the one the run wrote: c would be kept wrongly
        frame = incremental.read_state(out / STATE_FILE)
        frame.loc[frame["report_id"] == "c", "sha256"] = "0" * 64
        with incremental.StateWriter(out / STATE_FILE) as writer:
            writer.write(frame)
    else:
        (out / STATE_FILE).unlink()
    with caplog.at_level(logging.WARNING, logger="evalkit.pipeline"):
        assert "已读取报告：3 份" in extract(capsys, folder, out, fmt)
    assert STATE_FILE in caplog.text and "reading every file again" in caplog.text
    assert persons(out) == {"a": 430100, "b": 125000, "c": 20000}
    verify_folder(out)
    assert "沿用上次结果 3 份" in extract(capsys, folder, out, fmt)


def test_an_unreadable_state_file_recorded_in_the_manifest_reads_everything_again(tmp_path, caplog):
    (tmp_path / STATE_FILE).write_bytes(b"not parquet")
    manifest = {"run": {"format": "csv", "fingerprint": "f", "state": STATE_FILE}}
    with caplog.at_level(logging.WARNING, logger="evalkit.incremental"):
        assert incremental.previous_state(manifest, tmp_path, "f") is None
    assert STATE_FILE in caplog.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_folder_with_the_reports_in_the_manifest_is_read_again_whole(capsys, tmp_path, fmt, caplog):
    """A folder written by an evalkit that kept the reports' state in the manifest: its
    fingerprint differs anyway (the code changed), and such a manifest is read as no state."""
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    manifest = manifest_of(out)  # rewritten as the earlier evalkit wrote it, with this fingerprint
    state = incremental.read_state(out / STATE_FILE)
    manifest["reports"] = [{c: (None if pd.isna(v) else v) for c, v in row.items()}
                           for row in state.to_dict("records")]
    del manifest["run"]["state"], manifest["files"][STATE_FILE]
    (out / STATE_FILE).unlink()
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="evalkit.incremental"):
        assert "已读取报告：3 份" in extract(capsys, folder, out, fmt)
    assert "earlier evalkit" in caplog.text
    assert "reports" not in manifest_of(out) and (out / STATE_FILE).is_file()
    assert "沿用上次结果 3 份" in extract(capsys, folder, out, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_copy_of_a_kept_report_is_a_duplicate(capsys, tmp_path, fmt):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, fmt)
    (folder / "z_copy.txt").write_bytes((folder / "a.txt").read_bytes())
    code = cli.main(["extract", str(folder), "--out", str(out), "--format", fmt, "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "z_copy.txt" in err and "内容相同" in err
    assert sorted(read_tables(out)["reports"]["report_id"]) == ["a", "b", "c"]


def test_a_run_reading_nothing_new_after_all_files_went_keeps_earlier_results(capsys, tmp_path):
    folder = write_reports(tmp_path / "reports", names=("a",))
    out = tmp_path / "out"
    extract(capsys, folder, out, "parquet")
    (folder / "a.txt").write_bytes(b"")  # changed into an empty file: nothing to keep, nothing read
    code = cli.main(["extract", str(folder), "--out", str(out), "--format", "parquet"])
    assert code == 1 and "原有的结果保持不变" in capsys.readouterr().err
    assert read_tables(out)["reports"]["report_id"].tolist() == ["a"]


def test_an_altered_output_folder_is_read_again_whole(capsys, tmp_path):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, "parquet")
    part = next((out / "parquet" / "budget" / "fiscal_year=2022").glob("*.parquet"))
    part.write_bytes(b"not parquet")
    assert "已读取报告：3 份" in extract(capsys, folder, out, "parquet")
    assert read_tables(out)["budget"]["amount_wan"].sum() == 2350.5 + 580.25 + 159.5


def test_a_run_with_nothing_new_leaves_the_csv_folder_untouched(capsys, tmp_path):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    extract(capsys, folder, out, "csv")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    again = extract(capsys, folder, out, "csv")
    assert "沿用上次结果 3 份" in again
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before  # nothing rewritten
    assert persons(out) == {"a": 430100, "b": 125000, "c": 20000}
