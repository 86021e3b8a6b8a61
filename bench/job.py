"""The whole job as a user runs it, the memory of the streamed dataset, and real-layout documents.

Used by ``bench/run.py``:

* :func:`whole_job`: ``evalkit extract``, ``evalkit check`` and ``evalkit build`` on a folder of
  reports, each as its own command (wall time, peak memory of the process tree), as a user
  types them;
* :func:`scale`: ``evalkit extract --format parquet`` (the streamed dataset) at two corpus sizes:
  its time and peak memory, to show the memory does not grow with the corpus;
* :func:`documents`: a report of 20+ pages with tables written as .docx (python-docx) and
  converted to PDF (LibreOffice, when installed), each read by ``evalkit.read_report``: the cost
  per report of the formats a national corpus mostly comes in.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_SCRIPT = Path(sys.executable).parent / "evalkit"
EVALKIT = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "evalkit.cli"]  # as a user types it
#: A step that takes longer than this is stopped and reported as such; a step over more than
#: 10 000 reports gets as much more (100 000 reports take about 15 minutes on a quiet 2-core
#: machine, and more than 30 on a loaded one).
STEP_TIMEOUT = 1800.0


def _timeout(n_reports: int) -> float:
    return STEP_TIMEOUT * max(1.0, n_reports / 10_000)


def _sample(pid: int, stop: threading.Event, out: dict) -> None:
    """Peak PSS of a process and its children (psutil), sampled every 0.2 s."""
    try:
        import psutil

        proc = psutil.Process(pid)
    except Exception:  # noqa: BLE001 (no psutil, or the process is gone)
        return
    out["pss_mb"] = 0.0
    while not stop.is_set():
        total = 0
        try:
            procs = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            break
        for p in procs:
            try:
                info = p.memory_full_info()
                total += getattr(info, "pss", info.rss)
            except psutil.Error:
                continue
        out["pss_mb"] = max(out["pss_mb"], total / 2**20)
        stop.wait(0.2)


def timed(cmd: list[str], timeout: float = STEP_TIMEOUT, env: dict | None = None) -> dict:
    """Run a command; its wall time, exit code, peak memory of its process tree, last lines."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)  # (its own process group: stopped with its workers)
    stop, peak = threading.Event(), {}
    sampler = threading.Thread(target=_sample, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        # the whole group: workers left behind would hold the pipes open and wait for ever
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    stop.set()
    sampler.join()
    return {"seconds": time.perf_counter() - t0, "code": code, "peak_mb": peak.get("pss_mb"),
            "out_tail": out.strip().splitlines()[:2], "err_tail": err.strip().splitlines()[-2:]}


def whole_job(folder: Path, workers: int, work: Path) -> dict:
    """``extract``, ``check`` and ``build`` as commands, one after the other, on ``folder``.

    ``build`` reuses the derived tables ``check`` kept (:mod:`evalkit.derived_cache`), as it does
    for a user; the kept results go to a folder of this run, so that no earlier run's are found.
    """
    tables, built = work / "tables", work / "build"
    env = {**os.environ, "EVALKIT_CACHE_DIR": str(work / "derived-cache")}
    n_reports = sum(1 for _ in folder.iterdir())
    steps = {
        "extract": [*EVALKIT, "extract", str(folder), "--out", str(tables), "--workers", str(workers), "-q"],
        "check": [*EVALKIT, "check", str(tables), "--format", "csv", "--workers", str(workers)],
        "build": [*EVALKIT, "build", str(tables), "--out", str(built), "-q"],
    }
    out = {}
    for name, cmd in steps.items():
        print(f"  {name} ...", flush=True)
        out[name] = timed(cmd, timeout=_timeout(n_reports), env=env)
        print(f"    {out[name]['seconds']:.1f} s (exit {out[name]['code']})", flush=True)
        if out[name]["code"] is None:
            break
    rerun = [*EVALKIT, "extract", str(folder), "--out", str(tables), "--workers", str(workers), "-q"]
    print("  extract again (incremental, nothing changed) ...", flush=True)
    out["extract_again"] = timed(rerun, env=env)
    return out


def scale(build_corpus, sizes: list[int], workers: int, work: Path) -> dict:
    """``evalkit extract --format parquet`` on corpora of ``sizes`` reports: time and peak memory.

    ``build_corpus(folder, n)`` gives the folder of a corpus of ``n`` reports and whether it is
    to be removed after.
    """
    out = {}
    for n in sizes:
        folder, temporary = build_corpus(work / f"corpus-{n}", n)
        print(f"  {n} reports: extract --format parquet ...", flush=True)
        run = timed([*EVALKIT, "extract", str(folder), "--out", str(work / f"dataset-{n}"), "--format", "parquet",
                     "--workers", str(workers), "-q"], timeout=_timeout(n))
        print(f"    {run['seconds']:.1f} s, peak {run['peak_mb'] or float('nan'):.0f} MB (exit {run['code']})",
              flush=True)
        out[n] = run
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work / f"dataset-{n}", ignore_errors=True)
    return out


# ------------------------------------------------------------------------------ documents
def _docx_report(path: Path, rng: random.Random, rows: int = 220, paragraphs: int = 260) -> None:
    """A department self-evaluation of 20+ pages: prose and figures, a budget table, a long
    indicator table (one row per indicator, as the national form has it)."""
    import docx

    sys.path.insert(0, str(HERE))
    import corpus

    year = 2023
    doc = docx.Document()
    doc.add_heading("示范县医疗保障局2023年度部门整体支出绩效自评报告", level=1)
    doc.add_paragraph("一、部门基本情况")
    for k in range(paragraphs // 2):
        doc.add_paragraph(corpus._fill(rng.choice(corpus.PARAGRAPHS), rng, year))
        doc.add_paragraph(rng.choice(corpus.PROSE))
        if k == 20:
            doc.add_paragraph("二、预算执行情况")
            doc.add_paragraph("表1 部门预算收支情况（单位：万元）")
            budget = doc.add_table(rows=1, cols=4)
            budget.style = "Table Grid"
            for cell, text in zip(budget.rows[0].cells, ("项目", "年初预算数", "调整后预算数", "决算数"), strict=True):
                cell.text = text
            for item in ("收入合计", "财政拨款收入", "支出合计", "基本支出", "人员经费", "公用经费", "项目支出"):
                a = rng.uniform(100, 5000)
                cells = budget.add_row().cells
                for cell, text in zip(cells, (item, f"{a:.2f}", f"{a * 1.05:.2f}", f"{a * 0.98:.2f}"), strict=True):
                    cell.text = text
        if k == 60:
            doc.add_paragraph("三、绩效指标完成情况")
            doc.add_paragraph("表2 部门整体支出绩效自评表")
            table = doc.add_table(rows=1, cols=7)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ("一级指标", "二级指标", "三级指标", "年度指标值",
                                                        "实际完成值", "分值", "得分"), strict=True):
                cell.text = text
            for _ in range(rows):
                level1, level2, name, target, actual = rng.choice(corpus.INDICATORS)
                values = {"n": rng.randint(100, 9000), "n2": rng.randint(100, 9000), "p": rng.randint(85, 99),
                          "p2": rng.randint(85, 100), "d": rng.randint(5, 30), "d2": rng.randint(3, 30)}
                cells = table.add_row().cells
                for cell, text in zip(cells, (level1, level2, name, target.format(**values),
                                              actual.format(**values), "2", "2"), strict=True):
                    cell.text = text
    doc.save(path)


def _pdf_of(docx_path: Path, out: Path) -> tuple[Path | None, str]:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return None, "LibreOffice is not installed (apt-get install libreoffice-writer): no PDF measured"
    try:
        subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
                       check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"LibreOffice could not convert the .docx ({exc})"
    pdf = out / (docx_path.stem + ".pdf")
    return (pdf, "") if pdf.is_file() else (None, "LibreOffice wrote no PDF")


def _read_time(path: Path, runs: int) -> dict:
    code = ("import sys, time, evalkit; t = time.perf_counter(); r = evalkit.read_report(sys.argv[1]); "
            "print(time.perf_counter() - t, len(r.indicators), len(r.budget))")
    times, rows = [], None
    for _ in range(runs):  # each in a fresh process: no cache of an earlier read helps
        done = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True,
                              cwd=ROOT)
        seconds, indicators, budget = done.stdout.split()
        times.append(float(seconds))
        rows = {"indicators": int(indicators), "budget": int(budget)}
    return {"seconds": min(times), "runs": runs, "rows": rows, "kb": path.stat().st_size / 1024}


def documents(runs: int = 3) -> dict:
    """Read a generated 20+ page report as .docx and as PDF: seconds per report."""
    try:
        import docx  # noqa: F401
    except ImportError:
        return {"skipped": "python-docx is not installed"}
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="evalkit-docs-") as tmp:
        tmp = Path(tmp)
        path = tmp / "示范县2023年度部门整体支出绩效自评报告.docx"
        _docx_report(path, random.Random(7))
        out["docx"] = _read_time(path, runs)
        pdf, why = _pdf_of(path, tmp)
        if pdf is None:
            out["pdf"] = {"skipped": why}
        else:
            import pdfplumber

            with pdfplumber.open(pdf) as doc:
                pages = len(doc.pages)
            out["pdf"] = {**_read_time(pdf, runs), "pages": pages}
    return out
