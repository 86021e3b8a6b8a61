"""Output folders appear complete or not at all, and a folder that does not match its manifest
is refused (issue 13: interrupted runs, runs with nothing read, stale charts, two runs at once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from evalkit import cli
from evalkit.export import read_tables, write_tables
from evalkit.outputs import MANIFEST, OutputFolder, OutputFolderError, verify_folder

REPORT = "某县医疗保障局2023年度部门整体支出绩效自评报告\n全县基本医疗保险参保43.01万人。\n"


def _tables(n: int = 2) -> dict[str, pd.DataFrame]:
    return {
        "reports": pd.DataFrame({"report_id": [f"r{i}" for i in range(n)], "fiscal_year": [2023] * n}),
        "budget": pd.DataFrame({"report_id": ["r0"] * n, "amount_wan": [1.5] * n, "source": ["r0:1"] * n}),
    }


def test_a_manifest_lists_every_file_with_its_rows(tmp_path):
    write_tables(_tables(3), tmp_path, inputs=["reports/"])
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["inputs"] == ["reports/"]
    assert {name: entry["rows"] for name, entry in manifest["files"].items()} == {"reports.csv": 3, "budget.csv": 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.csv", MANIFEST, "reports.csv"]


def test_an_error_while_writing_leaves_the_folder_as_it_was(tmp_path):
    write_tables(_tables(2), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    class Boom(Exception):
        pass

    with pytest.raises(Boom), OutputFolder(tmp_path) as folder:
        folder.path("reports.csv").write_text("half", encoding="utf-8")
        raise Boom
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert len(read_tables(tmp_path)["reports"]) == 2


def test_a_run_killed_while_moving_files_is_refused_on_reading(tmp_path, monkeypatch):
    write_tables(_tables(2), tmp_path)
    real = os.replace
    calls = []

    def dies_on_the_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a kill between two files would leave it
        return real(src, dst)

    monkeypatch.setattr("evalkit.outputs.os.replace", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        write_tables(_tables(5), tmp_path)
    monkeypatch.undo()
    with pytest.raises(OutputFolderError, match="上一次写入没有完成"):
        read_tables(tmp_path)


def test_a_table_cut_short_is_refused(tmp_path):
    write_tables(_tables(3), tmp_path)
    path = tmp_path / "budget.csv"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(OutputFolderError, match="budget.csv.*不一致"):
        read_tables(tmp_path)


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / ".evalkit.lock").write_text(str(holder.pid))
        with pytest.raises(OutputFolderError, match=f"pid {holder.pid}"):
            write_tables(_tables(), tmp_path)
    finally:
        holder.kill()
        holder.wait()
    write_tables(_tables(), tmp_path)  # the holder is gone: its lock is stale and taken over
    assert len(read_tables(tmp_path)["reports"]) == 2
    assert not (tmp_path / ".evalkit.lock").exists()


def test_tables_an_earlier_run_wrote_are_removed_other_files_kept(tmp_path):
    tables = _tables()
    tables["funds"] = pd.DataFrame({"report_id": ["r0"], "amount_wan": [3.0], "source": ["r0:2"]})
    write_tables(tables, tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    write_tables(_tables(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.csv", MANIFEST, "notes.txt", "reports.csv"]
    assert verify_folder(tmp_path)["files"].keys() == {"reports.csv", "budget.csv"}


def test_owned_subfolders_keep_nothing_of_an_earlier_run(tmp_path):
    with OutputFolder(tmp_path, owned=("charts",)) as folder:
        (folder.folder("charts") / "a.svg").write_text("<svg/>")
        (folder.folder("charts") / "b.svg").write_text("<svg/>")
    with OutputFolder(tmp_path, owned=("charts",)) as folder:
        (folder.folder("charts") / "a.svg").write_text("<svg/>")
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["a.svg"]


def test_extract_with_nothing_read_keeps_earlier_results(tmp_path, capsys):
    out = tmp_path / "out"
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(REPORT, encoding="utf-8")
    assert cli.main(["extract", str(good), "--out", str(out), "-q"]) == 0
    before = (out / "enrollment.csv").read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    assert cli.main(["extract", str(bad), "--out", str(out), "-q"]) == 1
    assert "原有的结果保持不变" in capsys.readouterr().err
    assert (out / "enrollment.csv").read_bytes() == before


def test_out_naming_a_file_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("evalkit.read_reports", lambda *a, **k: pytest.fail("read before checking --out"))
    target = tmp_path / "out.csv"
    target.write_text("x")
    assert cli.main(["extract", str(tmp_path), "--out", str(target)]) == 2
    assert "不是文件夹" in capsys.readouterr().err
