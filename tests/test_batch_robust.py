"""A batch that never dies: odd file names, dead workers, links and special files.

Every case names the file and its reason, and the other reports of the batch are still read.
"""

from __future__ import annotations

import os
import threading

import pytest

import evalkit
import evalkit.report as report_module
from evalkit.document import ReportReadError

REPORT = "某县医疗保障局2023年度部门整体支出绩效自评报告\n全县基本医疗保险参保43.01万人。\n"


def _write(folder, name, text=REPORT):
    path = folder / name
    path.write_text(text + f"（{name}）\n", encoding="utf-8")  # no two files alike: duplicates are skipped
    return path


def test_a_file_name_in_gbk_bytes_is_read_and_shown_escaped(tmp_path):
    _write(tmp_path, "a.txt")
    raw = os.fsencode(str(tmp_path)) + b"/\xb2\xe2\xca\xd4.txt"  # '测试' in GBK: not UTF-8
    with open(raw, "wb") as fh:
        fh.write((REPORT + "（测试）\n").encode("utf-8"))
    corpus = evalkit.read_reports(tmp_path)
    assert sorted(corpus.reports["report_id"]) == ["\\xb2\\xe2\\xca\\xd4", "a"]
    assert sorted(corpus.enrollment["persons"]) == [430100, 430100]
    assert corpus.failures.empty


def test_a_dead_worker_loses_only_its_own_file(tmp_path, monkeypatch):
    if threading.active_count() > 1 or os.name != "posix":
        pytest.skip("needs worker processes forked from this one")
    files = [_write(tmp_path, f"r{i:02d}.txt") for i in range(20)]
    files[7] = _write(tmp_path, "r07-kill.txt")
    real = report_module._extract

    def dying(doc):
        if "kill" in doc.report_id:
            os._exit(9)  # as the system's out-of-memory killer would end it
        return real(doc)

    monkeypatch.setattr(report_module, "_extract", dying)
    corpus = evalkit.read_reports(files, workers=2)
    assert len(corpus.reports) == 19
    assert corpus.failures["path"].tolist() == [str(files[7])]
    assert "工作进程意外终止" in corpus.failures["reason"].iloc[0]
    # results keep the order of the files
    assert corpus.reports["report_id"].tolist() == [f.stem for f in files if "kill" not in f.stem]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_opened(tmp_path):
    _write(tmp_path, "a.txt")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    corpus = evalkit.read_reports(tmp_path)  # would block forever if the FIFO were opened
    assert corpus.reports["report_id"].tolist() == ["a"]
    assert corpus.skipped["path"].tolist() == [str(fifo)]
    assert "不是普通文件" in corpus.skipped["reason"].iloc[0]
    given = evalkit.read_reports([fifo])
    assert "不是普通文件" in given.failures["reason"].iloc[0]
    with pytest.raises(ReportReadError, match="不是普通文件"):
        evalkit.read_report(fifo)


def test_links_in_a_folder_are_listed_with_their_reason(tmp_path):
    real = _write(tmp_path, "a.txt")
    (tmp_path / "link.txt").symlink_to(real)
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    corpus = evalkit.read_reports(tmp_path)
    assert corpus.reports["report_id"].tolist() == ["a"]
    reasons = dict(zip(corpus.skipped["path"], corpus.skipped["reason"]))
    assert set(reasons) == {str(tmp_path / "link.txt"), str(tmp_path / "loop.txt")}
    assert all("符号链接" in r for r in reasons.values())


def test_a_link_loop_given_by_name_is_a_failure_with_its_reason(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    corpus = evalkit.read_reports([loop])
    assert "链接指向不存在的文件或形成循环" in corpus.failures["reason"].iloc[0]


def test_a_path_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        evalkit.read_reports(tmp_path / "nope")


def test_a_folder_with_no_report_warns(tmp_path, caplog):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    with caplog.at_level("WARNING", logger="evalkit.report"):
        corpus = evalkit.read_reports(tmp_path)
    assert corpus.reports.empty
    assert "no report found" in caplog.text


def test_a_file_over_its_time_limit_is_a_failure_and_the_batch_goes_on(tmp_path, monkeypatch):
    import time

    slow = _write(tmp_path, "slow.txt")
    fast = _write(tmp_path, "fast.txt")
    real = report_module._extract

    def dawdle(doc):
        if doc.report_id == "slow":
            time.sleep(5)
        return real(doc)

    monkeypatch.setattr(report_module, "_extract", dawdle)
    corpus = evalkit.read_reports([slow, fast], workers=1, time_limit=0.5)
    assert corpus.reports["report_id"].tolist() == ["fast"]
    assert "读取超过时间上限（0.5 秒）" in corpus.failures["reason"].iloc[0]


def test_text_that_is_no_report_is_listed_as_skipped(tmp_path):
    _write(tmp_path, "a.txt")
    (tmp_path / "说明.txt").write_text("安装说明\n把文件夹复制到桌面，双击打开即可使用。如有问题请联系管理员。\n", encoding="utf-8")
    corpus = evalkit.read_reports(tmp_path)
    assert corpus.reports["report_id"].tolist() == ["a"]
    assert corpus.failures.empty
    assert corpus.skipped["path"].tolist() == [str(tmp_path / "说明.txt")]
    assert "不像是报告" in corpus.skipped["reason"].iloc[0]


def test_the_pool_keeps_only_a_window_of_tasks_in_flight(tmp_path, monkeypatch):
    """Reading many files in worker processes holds the results of a few tasks at a time, not
    of the whole batch: with one file per task and two workers, at most 8 tasks are submitted
    before the first result is taken."""
    from evalkit import report

    for i in range(30):
        (tmp_path / f"r{i:02d}.txt").write_text(
            f"某县医疗保障局2023年度部门整体支出绩效自评报告\n年初预算支出{100 + i}万元。\n", encoding="utf-8")
    monkeypatch.setattr(report, "_TASK", 1)
    submitted = []
    original = report.ProcessPoolExecutor.submit

    def counting(self, fn, *args, **kwargs):
        submitted.append(args[0][0])
        return original(self, fn, *args, **kwargs)

    monkeypatch.setattr(report.ProcessPoolExecutor, "submit", counting)
    paths = sorted(str(p) for p in tmp_path.glob("*.txt"))
    results = report._pooled(paths, 2)
    first = next(results)
    assert len(submitted) == 8  # the window: 4 tasks per worker
    rest = list(results)
    assert [first[0], *(r[0] for r in rest)] == paths and len(submitted) == 30
