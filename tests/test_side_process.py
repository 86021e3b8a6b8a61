"""A function run in a forked process beside the caller's work (evalkit.side_process), and
build's charts drawn that way while the workbook is written."""

from __future__ import annotations

import os
import sys
import time
import types

import pytest

from evalkit import cli, side_process
from evalkit.export import write_tables
from evalkit.side_process import Beside

linux = pytest.mark.skipif(not side_process.can_fork(), reason="forks only on Linux")


@linux
def test_the_function_runs_in_another_process():
    with Beside(os.getpid) as job:
        assert job.result() != os.getpid()


def test_without_a_fork_it_runs_in_the_caller(monkeypatch):
    monkeypatch.setattr(side_process, "can_fork", lambda: False)
    with Beside(os.getpid) as job:
        assert job.result() == os.getpid()


@linux
def test_a_process_that_dies_is_an_error_not_a_wait():
    with Beside(os._exit, 3) as job, pytest.raises(RuntimeError, match="退出码 3"):
        job.result()


@linux
def test_an_exception_that_cannot_be_pickled_keeps_its_text():
    def fails():
        raise ValueError(lambda: None)  # (a lambda does not pickle)

    with Beside(fails) as job, pytest.raises(RuntimeError, match="lambda"):
        job.result()


@linux
def test_leaving_the_block_early_stops_the_process():
    started = time.monotonic()
    with pytest.raises(KeyError), Beside(time.sleep, 60) as job:
        raise KeyError("the caller's own work failed")
    assert job._process is None and time.monotonic() - started < 10  # stopped, not waited for


@linux
def test_build_draws_the_charts_beside_the_workbook(tmp_path, monkeypatch, capsys):
    from evalkit import schema

    def pid_chart(tables, derived, out_dir, **options):
        path = out_dir / "pid.svg"
        path.write_text(str(os.getpid()))
        return [path]

    monkeypatch.setitem(sys.modules, "evalkit.plotting", types.SimpleNamespace(build_charts=pid_chart))
    tables = {"reports": schema.typed_frame("reports", [{"report_id": "r1", "fiscal_year": 2023}])}
    write_tables(tables, tmp_path / "data")
    assert cli.main(["build", str(tmp_path / "data"), "--out", str(tmp_path / "build")]) == 0
    assert "图表：" in capsys.readouterr().out
    assert int((tmp_path / "build" / "charts" / "pid.svg").read_text()) != os.getpid()


def _beside_in_a_daemon(queue) -> None:
    from evalkit.side_process import Beside

    with Beside(sum, [1, 2]) as job:
        queue.put((job._process is None, job.result()))


def test_a_daemonic_process_runs_the_call_inline():
    """A pool's worker (a daemonic process) may not have children: the call runs in it."""
    import multiprocessing

    from evalkit.side_process import can_fork

    if not can_fork():
        pytest.skip("no fork on this system")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_beside_in_a_daemon, args=(queue,), daemon=True)
    process.start()
    got = queue.get(timeout=60)
    process.join(timeout=60)
    assert got == (True, 3)


@linux
def test_a_killed_caller_leaves_no_process_behind(tmp_path):
    """A command killed (a timeout, SIGKILL) while its side process works: that process ends too,
    and does not hold the command's output pipes open."""
    import signal
    import subprocess

    script = ("import os, sys, time\n"
              "from evalkit.side_process import Beside\n"
              "with Beside(time.sleep, 60) as job:\n"
              "    print(job._process.pid, flush=True)\n"
              "    time.sleep(60)\n")
    caller = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(caller.stdout.readline())
    os.kill(caller.pid, signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)
    assert caller.stdout.read() == ""  # (EOF: no process holds the pipe any more)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped by init, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
