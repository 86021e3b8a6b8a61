"""evalkit's benchmark (``make bench``; not part of the tests).

Builds a corpus of N reports by varying the fixture documents (see ``bench/corpus.py``), then
measures, each in a fresh process so that one measure does not disturb the next:

* extraction: ``evalkit.read_reports(folder, workers=os.cpu_count())`` — reports/s, MB/s,
  peak memory of the parent and of the worker processes;
* the floor: in one process, read the same files, decode them and run one regular-expression
  pass that finds every number — the least any extractor must do — and the ratio of
  extraction to it, raw (extraction on all cores against the floor on one) and per core;
* the checks: ``evalkit.analysis.derive(corpus.tables())`` (execution, achievement, findings) on
  the tables of the same corpus, in one process, against the extraction's time (the issue's
  target: derive takes no longer than reading);
* ``import evalkit`` against ``import pandas`` (fresh interpreters, median of several runs);
* the notebook suite under nbval;
* the whole job (``bench/job.py``): ``evalkit extract``, ``evalkit check`` and ``evalkit build``
  as commands on the corpus (wall time, peak memory), and ``extract`` again (incremental);
* the streamed Parquet dataset: ``evalkit extract --format parquet`` on N and 3N reports, its
  time and peak memory (flat with the corpus);
* a generated report of 20+ pages with tables read as .docx and as PDF (LibreOffice converts it).

Prints a table of the figures and writes it, with the machine it ran on, to bench/RESULTS.md
(the section between the ``latest-run`` markers is replaced; the rest of the file is kept).

    .venv/bin/python bench/run.py                 # 10 000 reports
    .venv/bin/python bench/run.py --quick         # 500 reports
    .venv/bin/python bench/run.py --reports 2000 --no-notebooks --no-write
    .venv/bin/python bench/run.py --reports 1000 --job-reports 1000 --scale 1000,3000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- latest-run:start -->", "<!-- latest-run:end -->"

#: The issue's targets, for a 2-core, 24 GiB machine.
TARGET_SECONDS_10K = 60.0
TARGET_PEAK_MB = 1024.0
TARGET_IMPORT_RATIO = 1.3
TARGET_FLOOR_RATIO = 10.0
TARGET_DERIVE_RATIO = 1.0  # derive / reading
TARGET_JOB_SECONDS_10K = 90.0  # extract + check + build of 10 000 text reports
TARGET_SCALE_GROWTH = 0.20  # peak memory of the streamed dataset, from the smaller corpus to the larger
HEAVY_MODULES = ("matplotlib", "seaborn", "openpyxl", "mplfonts", "pdfplumber", "docx", "lxml")


# ------------------------------------------------------------------------ child processes
def _peak_sampler(stop: threading.Event, out: dict) -> None:
    """Sample the memory of this process and its children (needs psutil) until ``stop``."""
    try:
        import psutil
    except ImportError:
        return
    me = psutil.Process()
    out.update(rss_mb=0.0, pss_mb=0.0, samples=0)
    while not stop.is_set():
        rss = pss = 0
        for p in [me, *me.children(recursive=True)]:
            try:
                info = p.memory_full_info()  # pss: shared pages (fork) counted once
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        out["rss_mb"] = max(out["rss_mb"], rss / 2**20)
        out["pss_mb"] = max(out["pss_mb"], pss / 2**20)
        out["samples"] += 1
        stop.wait(0.2)


def child_extract(folder: str, workers: int) -> dict:
    stop, peak = threading.Event(), {}
    sampler = threading.Thread(target=_peak_sampler, args=(stop, peak), daemon=True)
    t0 = time.perf_counter()
    import evalkit

    t_import = time.perf_counter() - t0
    sampler.start()
    last = {}

    def progress(done: int, total: int) -> None:
        if done == total:
            last["t"] = time.perf_counter()

    t1 = time.perf_counter()
    corpus = evalkit.read_reports(folder, workers=workers, progress=progress)
    seconds = time.perf_counter() - t1
    files_seconds = last.get("t", t1 + seconds) - t1
    stop.set()
    sampler.join()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "files_seconds": files_seconds,  # until the last file is read; the rest builds the tables
        "import_seconds": t_import,
        "reports": len(corpus.reports),
        "failures": len(corpus.failures),
        "failure_examples": corpus.failures["reason"].head(3).tolist(),
        "rows": {name: len(df) for name, df in corpus.tables().items()},
        "parent_maxrss_mb": me.ru_maxrss / 1024,
        "child_maxrss_mb": kids.ru_maxrss / 1024,  # the largest worker
        "cpu_seconds": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak": peak,
    }


def child_derive(folder: str, workers: int) -> dict:
    import evalkit
    from evalkit.analysis import derive

    t0 = time.perf_counter()
    tables = evalkit.read_reports(folder, workers=workers).tables()
    read_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    out = derive(tables, workers=workers)  # the checks shared out by report, as evalkit check does
    seconds = time.perf_counter() - t1
    findings = out["findings"]
    return {
        "seconds": seconds,
        "read_seconds": read_seconds,
        "findings": len(findings),
        "by_kind": {str(k): int(v) for k, v in findings["kind"].value_counts().items()} if len(findings) else {},
        "achievement_rows": len(out["achievement"]),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_floor(folder: str) -> dict:
    from evalkit.document import decode  # the decoding every reader needs

    number = re.compile(r"\d+(?:\.\d+)?")
    files = sorted(Path(folder).glob("*.txt"))
    t0 = time.perf_counter()
    count = size = 0
    for f in files:
        data = f.read_bytes()
        size += len(data)
        text, _ = decode(data, str(f))
        count += len(number.findall(text))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "numbers": count, "bytes": size, "files": len(files)}


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- measures
def time_import(module: str, runs: int) -> list[float]:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
        times.append(float(out.stdout.strip()))
    return times


def imports(runs: int) -> dict:
    pandas, evalkit = [], []
    for _ in range(runs):  # interleaved, so that a slow moment of the machine hits both
        pandas += time_import("pandas", 1)
        evalkit += time_import("evalkit", 1)
    loaded = subprocess.run(
        [sys.executable, "-c", f"import sys, evalkit; print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"],
        check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {"pandas": statistics.median(pandas), "evalkit": statistics.median(evalkit), "runs": runs,
            "heavy_loaded": [m for m in loaded.split(",") if m]}


def parallelism(workers: int) -> dict:
    """How much faster ``workers`` processes get through CPU-bound work than one (ideally ``workers``x).

    Virtual machines may share their cores with something else: this says what the extraction
    can expect from a process pool here.
    """
    code = "s = 0\nfor i in range(12_000_000):\n    s += i"

    def run(n: int) -> float:
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
        for p in procs:
            p.wait()
        return time.perf_counter() - t0

    one = min(run(1) for _ in range(2))
    many = min(run(workers) for _ in range(2))
    return {"one": one, "many": many, "speedup": workers * one / many}


def notebooks() -> dict:
    files = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not files:
        return {"skipped": "no notebooks in notebooks/"}
    try:
        import nbval  # noqa: F401
    except ImportError:
        return {"skipped": "nbval is not installed (pip install -e '.[dev]')"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env"]
    sanitize = ROOT / "notebooks" / "nbval_sanitize.cfg"
    if sanitize.exists():
        cmd.append(f"--nbval-sanitize-with={sanitize}")
    t0 = time.perf_counter()
    run = subprocess.run(cmd + [str(f) for f in files], check=False, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    summary = next((line for line in reversed(run.stdout.splitlines()) if " in " in line and "passed" in line
                    or "failed" in line), run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "")
    return {"seconds": seconds, "notebooks": len(files), "ok": run.returncode == 0, "summary": summary.strip("= ")}


def machine() -> dict:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        from importlib.metadata import version

        evalkit_version = version("evalkit")
        pandas_version = version("pandas")
    except Exception:  # noqa: BLE001
        evalkit_version = pandas_version = "?"
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True,
                                text=True, cwd=ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], check=False,
                               capture_output=True, text=True, cwd=ROOT).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except OSError:
        commit = "?"
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(), "memory": mem, "cpu": cpu,
        "python": platform.python_version(), "platform": platform.platform(),
        "evalkit": evalkit_version, "pandas": pandas_version, "commit": commit,
    }


# ------------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def figures(n: int, corpus_info: dict, ext: dict, floor: dict, imp: dict | None, nb: dict, workers: int,
            par: dict, der: dict | None = None, extras: dict | None = None) -> list[tuple]:
    mb = corpus_info["bytes"] / 1e6
    secs = ext["seconds"]
    proj = secs * 10_000 / n
    peak = ext["peak"]
    if peak.get("pss_mb"):
        peak_mb, peak_how = peak["pss_mb"], "sampled PSS of parent + workers (psutil)"
    else:
        peak_mb = ext["parent_maxrss_mb"] + workers * ext["child_maxrss_mb"]
        peak_how = "parent maxrss + workers x largest worker maxrss (upper bound)"
    ratio_raw = secs / floor["seconds"]
    ratio_core = secs * workers / floor["seconds"]
    rows = [
        ("corpus", f"{n} reports, {mb:.1f} MB, mean {corpus_info['bytes'] / n / 1024:.1f} KB", ""),
        ("extraction time", f"{secs:.1f} s with {workers} workers", ""),
        ("  reading the files", f"{ext['files_seconds']:.1f} s (the pool, until the last file is read)", ""),
        ("  building the tables", f"{secs - ext['files_seconds']:.1f} s (merging the rows into DataFrames)", ""),
        ("throughput", f"{n / secs:.1f} reports/s, {mb / secs:.2f} MB/s", ""),
        ("10 000 reports in", f"{proj:.1f} s" + ("" if n == 10_000 else " (projected from this run)"),
         f"< {TARGET_SECONDS_10K:.0f} s: {verdict(proj < TARGET_SECONDS_10K)}"),
        ("CPU time", f"{ext['cpu_seconds']:.1f} s ({ext['cpu_seconds'] / n * 1000:.1f} ms/report)", ""),
        ("machine parallelism", f"{workers} processes do {par['speedup']:.2f}x the CPU-bound work of one", ""),
        ("peak memory", f"{peak_mb:.0f} MB ({peak_how})", f"< {TARGET_PEAK_MB:.0f} MB: {verdict(peak_mb < TARGET_PEAK_MB)}"),
        ("  parent maxrss", f"{ext['parent_maxrss_mb']:.0f} MB", ""),
        ("  largest worker maxrss", f"{ext['child_maxrss_mb']:.0f} MB", ""),
        ("  sampled RSS sum", f"{peak.get('rss_mb', float('nan')):.0f} MB" if peak else "psutil not installed", ""),
        ("reports read / failed", f"{ext['reports']} / {ext['failures']}", ""),
        ("rows", ", ".join(f"{k} {v}" for k, v in ext["rows"].items() if v), ""),
        ("floor (1 process)", f"{floor['seconds']:.2f} s, {mb / floor['seconds']:.1f} MB/s, {floor['numbers']} numbers", ""),
        ("extraction / floor", f"{ratio_raw:.1f}x raw ({workers} cores vs 1), {ratio_core:.1f}x per core",
         f"<= {TARGET_FLOOR_RATIO:.0f}x: {verdict(ratio_core <= TARGET_FLOOR_RATIO)} (per core)"),
    ]
    if der:
        ratio = der["seconds"] / secs
        kinds = ", ".join(f"{k} {v}" for k, v in der["by_kind"].items())
        rows += [
            ("derive (checks)", (f"{der['seconds']:.1f} s with {workers} workers ({der['seconds'] / n * 1000:.1f} ms/report; "
                                 f"{der['findings']} findings: {kinds or 'none'}; "
                                 f"{der['achievement_rows']} indicator rows judged)"), ""),
            ("  reading in that process", f"{der['read_seconds']:.1f} s with {workers} workers (peak {der['maxrss_mb']:.0f} MB)", ""),
            ("derive / reading", f"{ratio:.2f}x (derive against the extraction time above)",
             f"<= {TARGET_DERIVE_RATIO:.0f}x: {verdict(ratio <= TARGET_DERIVE_RATIO)}"),
        ]
    if imp:
        ratio = imp["evalkit"] / imp["pandas"]
        rows += [
            ("import pandas", f"{imp['pandas'] * 1000:.0f} ms (median of {imp['runs']})", ""),
            ("import evalkit", f"{imp['evalkit'] * 1000:.0f} ms (median of {imp['runs']})", ""),
            ("import evalkit / pandas", f"{ratio:.2f}x", f"< {TARGET_IMPORT_RATIO}x: {verdict(ratio < TARGET_IMPORT_RATIO)}"),
            ("heavy modules at import", ", ".join(imp["heavy_loaded"]) or "none", ""),
        ]
    rows += job_rows(extras or {})
    if "skipped" in nb:
        rows.append(("notebook suite", f"skipped: {nb['skipped']}", ""))
    else:
        state = f"{'passed' if nb['ok'] else 'FAILED'}: {nb['summary']}"
        rows.append(("notebook suite", f"{nb['seconds']:.1f} s for {nb['notebooks']} notebooks ({state})", ""))
    return rows


def _step(run: dict) -> str:
    if run["code"] is None:
        return f"did not finish in {run['seconds']:.0f} s"
    peak = f", peak {run['peak_mb']:.0f} MB" if run.get("peak_mb") else ""
    return f"{run['seconds']:.1f} s (exit {run['code']}{peak})"


def job_rows(extras: dict) -> list[tuple]:
    """Rows of the whole job, the streamed dataset and the documents."""
    rows = []
    job = extras.get("job")
    if job:
        n = extras["job_reports"]
        steps = [k for k in ("extract", "check", "build") if k in job]
        total = sum(job[k]["seconds"] for k in steps)
        finished = all(job[k]["code"] is not None for k in steps) and len(steps) == 3
        proj = total * 10_000 / n
        rows.append(("whole job", f"{n} text reports: extract + check + build as commands", ""))
        rows += [(f"  evalkit {k}", _step(job[k]) + (" (the checks kept by check)" if k == "build" else ""), "")
                 for k in steps]
        if "extract_again" in job:
            rows.append(("  evalkit extract again", _step(job["extract_again"]) + " (incremental: nothing changed)", ""))
        rows.append(("  whole job, 10 000 reports", f"{proj:.0f} s" + ("" if n == 10_000 else " (projected, linear)"),
                     f"< {TARGET_JOB_SECONDS_10K:.0f} s: {verdict(finished and proj < TARGET_JOB_SECONDS_10K)}"))
    scaled = extras.get("scale")
    if scaled:
        sizes = sorted(scaled)
        for n in sizes:
            rows.append((f"extract --format parquet, {n} reports", _step(scaled[n]), ""))
        first, last = scaled[sizes[0]].get("peak_mb"), scaled[sizes[-1]].get("peak_mb")
        if len(sizes) > 1 and first and last:
            growth = last / first - 1
            rows.append(("  peak memory growth", f"{100 * growth:+.1f} % from {sizes[0]} to {sizes[-1]} reports",
                         f"< {100 * TARGET_SCALE_GROWTH:.0f} %: {verdict(growth < TARGET_SCALE_GROWTH)}; "
                         + f"< {TARGET_PEAK_MB:.0f} MB: {verdict(last < TARGET_PEAK_MB)}"))
    docs = extras.get("documents")
    if docs:
        for kind in ("docx", "pdf"):
            d = docs.get(kind) or docs
            if "skipped" in d:
                rows.append((f"reading a {kind} report", f"skipped: {d['skipped']}", ""))
                continue
            pages = f"{d['pages']} pages, " if "pages" in d else ""
            rows.append((f"reading a {kind} report", (f"{d['seconds']:.2f} s ({pages}{d['kb']:.0f} KB, "
                         f"{d['rows']['indicators']} indicator rows, {d['rows']['budget']} budget rows; best of "
                         f"{d['runs']}, fresh process)"), ""))
            if kind == "pdf":
                days = d["seconds"] * 300_000 / 86_400
                rows.append(("  300 000 such PDFs", f"{days:.1f} CPU-days; {days / 2:.1f} days on this 2-core machine", ""))
    return rows


def table(rows: list[tuple]) -> str:
    lines = ["| measure | figure | target |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def write_results(text: str) -> None:
    header = (
        "# Benchmark results\n\n"
        "Written by `make bench` (`bench/run.py`); the section between the markers is the latest run and\n"
        "is replaced by the next. How the corpus is made: `bench/corpus.py`.\n\n"
    )
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else header + f"{START}\n{END}\n"
    if START not in old or END not in old:
        old = old.rstrip("\n") + f"\n\n{START}\n{END}\n"
    before, rest = old.split(START, 1)
    _, after = rest.split(END, 1)
    RESULTS.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def whole_job_and_scale(args, folder: Path, n: int, tmp: Path, corpus_mod) -> dict:
    """The measures of ``bench/job.py`` the arguments ask for."""
    import job

    extras: dict = {}
    job_n = n if args.job_reports is None else min(args.job_reports, n)
    if job_n > 0:
        print(f"whole job on {job_n} reports ...", flush=True)
        sub = folder
        if job_n < n:
            sub = tmp / "job-reports"
            sub.mkdir(exist_ok=True)
            for f in sorted(folder.iterdir())[:job_n]:
                shutil.copyfile(f, sub / f.name)
        extras["job"], extras["job_reports"] = job.whole_job(sub, args.workers, tmp / "job"), job_n
    sizes = [n, 3 * n] if args.scale is None else [int(x) for x in args.scale.split(",") if int(x) > 0]
    if sizes:
        print(f"streamed dataset at {', '.join(map(str, sizes))} reports ...", flush=True)

        def corpus_of(target: Path, k: int) -> tuple[Path, bool]:
            if k == n:  # the corpus measured above
                return folder, False
            corpus_mod.build(target, k, seed=args.seed, mean_kb=args.kb)
            return target, True

        extras["scale"] = job.scale(corpus_of, sizes, args.workers, tmp / "scale")
    if not args.no_documents:
        print("documents (.docx, PDF) ...", flush=True)
        extras["documents"] = job.documents()
    return extras


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=10_000, help="number of reports (default 10000)")
    ap.add_argument("--quick", action="store_true", help="500 reports")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="default: os.cpu_count()")
    ap.add_argument("--kb", type=float, default=None,
                    help="mean report size in KB (default: the sizes of the five samples, mean 22 KB; "
                         "0: the fixtures as they are, about 1 KB)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--import-runs", type=int, default=9)
    ap.add_argument("--no-notebooks", action="store_true")
    ap.add_argument("--no-derive", action="store_true", help="do not time evalkit.analysis.derive")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    ap.add_argument("--keep", type=Path, help="build the corpus in this folder and keep it")
    ap.add_argument("--job-reports", type=int, default=None,
                    help="time extract, check and build as commands on this many reports "
                         "(default: all the corpus; 0: skip)")
    ap.add_argument("--scale", default=None,
                    help="corpus sizes for the streamed dataset's memory, e.g. 10000,30000 "
                         "(default: N and 3N; 0: skip)")
    ap.add_argument("--no-documents", action="store_true", help="do not time the .docx and PDF report")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        kind, folder, *rest = args.child
        child = {"extract": lambda: child_extract(folder, int(rest[0])),
                 "derive": lambda: child_derive(folder, int(rest[0])), "floor": lambda: child_floor(folder)}
        result = child[kind]()
        print(json.dumps(result))
        return 0

    sys.path.insert(0, str(HERE))
    import corpus as corpus_mod

    n = 500 if args.quick else args.reports
    info = machine()
    print(f"evalkit {info['evalkit']} · python {info['python']} · {info['nproc']} cores · {info['memory']} · "
          f"{info['date']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        folder = args.keep or Path(tmp) / "reports"
        t0 = time.perf_counter()
        built = corpus_mod.build(folder, n, seed=args.seed, mean_kb=args.kb)
        print(f"corpus: {n} reports, {built['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s → {folder}",
              flush=True)
        print("extraction ...", flush=True)
        ext = run_child("extract", str(folder), str(args.workers))
        print(f"  {ext['seconds']:.1f} s", flush=True)
        print("floor ...", flush=True)
        floor = run_child("floor", str(folder))
        print(f"  {floor['seconds']:.2f} s", flush=True)
        der = None
        if not args.no_derive:
            print("derive ...", flush=True)
            der = run_child("derive", str(folder), str(args.workers))
            print(f"  {der['seconds']:.1f} s (reading {ext['seconds']:.1f} s, "
                  f"ratio {der['seconds'] / ext['seconds']:.2f}x)", flush=True)
        extras = whole_job_and_scale(args, folder, n, Path(tmp), corpus_mod)
    print("parallelism ...", flush=True)
    par = parallelism(args.workers)
    print("imports ...", flush=True)
    imp = imports(args.import_runs) if args.import_runs > 0 else None
    if args.no_notebooks:
        nb = {"skipped": "--no-notebooks"}
    else:
        print("notebooks ...", flush=True)
        nb = notebooks()

    rows = figures(n, built, ext, floor, imp, nb, args.workers, par, der, extras)
    out = table(rows)
    print()
    print(out)
    if ext["failure_examples"]:
        print("failures, e.g.:", *ext["failure_examples"], sep="\n  ")
    described = (f"Run {info['date']} with `{' '.join(['bench/run.py', *(argv if argv is not None else sys.argv[1:])])}`"
                 f" on {info['nproc']} cores ({info['cpu']}), {info['memory']} memory, Python {info['python']}"
                 f" ({info['platform']}), evalkit {info['evalkit']}, pandas {info['pandas']}, commit {info['commit']}.")
    if not args.no_write:
        write_results(f"## Latest run\n\n{described}\n\n{out}\n")
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
