"""``evalkit extract --scheduler``: the extraction on a Dask cluster (here a LocalCluster of two
workers in this process) writes the same dataset as a local run."""

from __future__ import annotations

import pandas as pd
import pytest
from distributed import Client, LocalCluster
from scale_fixtures import write_reports

from evalkit import cli
from evalkit.export import read_tables
from evalkit.report import TABLE_NAMES


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c


def test_a_cluster_run_equals_a_local_run(tmp_path, cluster, capsys):
    folder = write_reports(tmp_path / "reports", names=("a", "b", "c", "d"))
    # the same report twice: in a batch of its own on the cluster (one file per task here)
    (folder / "e_copy.txt").write_bytes((folder / "b.txt").read_bytes())
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert cli.main(["extract", str(folder), "--out", str(local), "--format", "parquet", "--workers", "1"]) == 1
    local_err = capsys.readouterr().err
    code = cli.main(["extract", str(folder), "--out", str(remote), "--scheduler", cluster.scheduler_address])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "已读取报告：4 份；无法读取：1 份" in out
    assert err == local_err and "e_copy.txt" in err and "内容相同" in err
    a, b = read_tables(local), read_tables(remote)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    assert b["enrollment"]["persons"].astype(int).tolist() == [430100, 125000, 20000, 55000]
    parts = {p.name for p in (remote / "parquet" / "reports").rglob("*.parquet")}
    assert len(parts) == 4, "each task (one file each here) wrote its own part"


def test_an_incremental_cluster_run_reads_only_the_new_file(tmp_path, cluster, capsys):
    folder = write_reports(tmp_path / "reports")
    out = tmp_path / "out"
    with Client(cluster) as client:
        from evalkit.pipeline import extract_to_folder

        first = extract_to_folder([folder], out, fmt="parquet", scheduler=client)
        from scale_fixtures import write_report
        write_report(folder, "d")
        second = extract_to_folder([folder], out, fmt="parquet", scheduler=client)
    assert (first.read, second.read, second.kept) == (3, 1, 3)
    assert sorted(read_tables(out)["reports"]["report_id"]) == ["a", "b", "c", "d"]


def test_a_scheduler_needs_the_dataset(tmp_path, capsys):
    folder = write_reports(tmp_path / "reports")
    code = cli.main(["extract", str(folder), "--out", str(tmp_path / "o"), "--format", "csv",
                     "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and "--format parquet" in capsys.readouterr().err
