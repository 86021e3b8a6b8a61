"""Running the checks on shares of the reports in worker processes.

Every check compares figures of one report only, so a corpus can be split by report: each
worker process runs all the checks on its share and the findings are put back together in
the order one process would have found them (:func:`evalkit.analysis.run_checks` sorts them
by report, severity, rule and line; within a report a share holds the same findings in the
same order as the whole). The workers are forked, so the tables are shared with them, not
copied; where processes cannot be forked safely (any system but Linux) the checks run in the
calling process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

import numpy as np
import pandas as pd

from evalkit.side_process import can_fork

from .._common import key_values
from ._base import Context, execution_rows_of, findings_of, sorted_findings

logger = logging.getLogger(__name__)

#: Reports from which the checks are shared out among processes by default (below it the cost
#: of starting the processes is more than the checks').
SHARDED_FROM = 300

#: Shares per worker: more shares than workers even out the reports' differing sizes (at
#: 10 000 reports, 6 per worker ended the pool about 1 s sooner than 3; 10 no sooner than 6).
_SHARES_PER_WORKER = 6

# The context, check names, whether to compute the execution rows, and the rows of each share
# (:func:`_share_rows`) of the current run, set in the parent before the pool forks.
_RUN: tuple[Context, list[str], bool, dict[str, list[np.ndarray]]] | None = None


def default_workers(reports: int) -> int:
    """Processes for checking ``reports`` reports when the caller does not say.

    >>> default_workers(10)
    1
    """
    if reports < SHARDED_FROM or not can_fork():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def in_shards(ctx: Context, names: list[str], workers: int | None,
              execution: bool = False) -> pd.DataFrame | None:
    """The findings of :func:`findings_of` computed in ``workers`` processes, or None when the
    run is to stay in this process (one worker, few reports, no fork, or a pool that broke).
    Where ``ctx`` has no achievement table, each share judges its own indicators and the
    parts are put back in the order of the indicators table. With ``execution``, each share
    also computes its rows of :func:`execution_rows_of`, kept in ``ctx`` under
    ``'execution-rows'`` in the order one process gives them (so that the parent does not
    compute them alone after the pool)."""
    ids = _report_ids(ctx)
    workers = default_workers(len(ids)) if workers is None else workers
    if workers <= 1 or len(ids) < 2 or not can_fork():
        return None
    shares = _shares(ids, min(len(ids), workers * _SHARES_PER_WORKER))
    global _RUN
    _RUN = (ctx, names, execution and _shardable_budget(ctx), _share_rows(ctx, shares))
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_share_findings, range(len(shares))))
    except BrokenProcessPool:
        logger.warning("a check worker died; checking in this process")
        return None
    finally:
        _RUN = None
    if ctx._achievement is None:
        ctx._achievement = _in_table_order([(rows, judged) for _, rows, judged, _ in parts])
    if _all_executed(parts):
        ctx._shared["execution-rows"] = _execution_in_order(ctx, [e for *_, e in parts])
    found = [f for f, *_ in parts if not f.empty]
    if not found:
        return sorted_findings(findings_of(_subset(ctx, _share_rows(ctx, [[]]), 0)[0], names))
    return _merged(found)


def _merged(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of the shares (each sorted by :func:`sorted_findings`) as one table sorted
    as a whole.

    A stable sort keeps the order of rows alike in its keys, and the concatenation keeps the
    order each share gave them, so sorting the sorted shares gives what sorting the unsorted
    ones would. Where no report has findings in two shares (a report is in one share: only
    findings without a report could be), the shares need only be ordered by report: the rows
    of a report are all in one share, already in order; sorted by the one key, the parent
    does a fraction of the sorting alone.
    """
    out = pd.concat(found, ignore_index=True)
    counted = sum(f["report_id"].nunique(dropna=False) for f in found)
    if counted != out["report_id"].nunique(dropna=False):
        return sorted_findings(out)
    if out["report_id"].is_monotonic_increasing:  # (shares in order: a stable sort moves nothing)
        return out
    return out.sort_values("report_id", kind="stable").reset_index(drop=True)


def _shares(ids: list[str], n: int) -> list[list[str]]:
    """``ids`` cut into ``n`` runs of neighbours, in order.

    Runs rather than every n-th report: where the tables list the reports in order (as the
    reader writes them), the shares' parts put end to end are already in the order of the
    tables and of the report ids, and the parent has no rows to move (:func:`_in_table_order`,
    :func:`_merged`); several runs per worker even out their differing sizes.

    >>> _shares(["a", "b", "c", "d", "e"], 2)
    [['a', 'b'], ['c', 'd', 'e']]
    """
    bounds = [round(k * len(ids) / n) for k in range(n + 1)]
    return [ids[bounds[k]:bounds[k + 1]] for k in range(n)]


def _report_ids(ctx: Context) -> list[str]:
    """Every report id of the tables, in order of first appearance."""
    seen: dict[str, None] = {}
    for df in ctx.tables.values():
        if "report_id" in df.columns:
            # (unique keeps the order of first appearance: one key per report, not per row)
            seen.update(dict.fromkeys(df["report_id"].dropna().unique().astype("str").tolist()))
    return list(seen)


def _share_rows(ctx: Context, shares: list[list[str]]) -> dict[str, list[np.ndarray]]:
    """The positions of each share's rows in each table of ``ctx`` that names its reports (and
    in its achievement table, ``'_achievement'``), in table order: a row is in the share that
    holds its report id (as ``isin`` matches it), a row without one in none.

    Found once in the parent, before the pool forks: a worker then takes its rows without
    going through the whole of every table again for each of its shares.

    >>> from evalkit.analysis.checks._base import _ctx
    >>> ctx = _ctx(budget=pd.DataFrame({"report_id": ["a", "b", None, "a"]}))
    >>> _share_rows(ctx, [["a"], ["b"]])["budget"]
    [array([0, 3]), array([1])]
    """
    share_of = {rid: k for k, share in enumerate(shares) for rid in share}
    frames = dict(ctx.tables)
    if ctx._achievement is not None:
        frames["_achievement"] = ctx._achievement
    out = {}
    for name, df in frames.items():
        if df is None or "report_id" not in df.columns:
            continue
        codes, uniques = pd.factorize(df["report_id"])  # (a missing id: code -1, no share)
        # (the share of each distinct id, and -1, the last entry, for a missing one)
        share = np.array([share_of.get(u, -1) for u in uniques.tolist()] + [-1], dtype=np.int64)
        row_share = share[codes]
        order = np.argsort(row_share, kind="stable")  # (each share's rows in table order)
        bounds = np.searchsorted(row_share[order], np.arange(len(shares) + 1), side="left")
        out[name] = [order[bounds[k]:bounds[k + 1]] for k in range(len(shares))]
    return out


def _subset(ctx: Context, rows: dict[str, list[np.ndarray]], k: int) -> tuple[Context, np.ndarray]:
    """The context restricted to the reports of share ``k`` (``rows`` as :func:`_share_rows`
    gives them), and the positions its indicator rows hold in the whole indicators table."""

    def part(name: str, df: pd.DataFrame | None) -> pd.DataFrame | None:
        if df is None or "report_id" not in df.columns:
            return df
        return _rows_of(df, rows[name][k])

    tables = {name: part(name, df) for name, df in ctx.tables.items()}
    return (replace(ctx, tables=tables, _achievement=part("_achievement", ctx._achievement)),
            rows["indicators"][k])


def _rows_of(df: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows of ``df`` at ``positions`` (ascending), numbered from 0: a slice, not a copy,
    where they follow each other (the reader writes the rows of a report together)."""
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return df.iloc[positions[0]:positions[-1] + 1].reset_index(drop=True)
    return df.take(positions).reset_index(drop=True)


def _share_findings(k: int) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame | None,
                                     pd.DataFrame | None]:
    """In a worker: the findings of the reports of share ``k``; where the parent has no
    achievement table, the positions of their indicator rows and those rows judged; and
    their execution rows when the run asks for them."""
    ctx, names, execution, rows = _RUN
    judge = ctx._achievement is None
    share, positions = _subset(ctx, rows, k)
    found = sorted_findings(findings_of(share, names))  # (sorted here, in parallel)
    executed = execution_rows_of(share) if execution else None
    return found, positions, (share.achievement if judge else None), executed


def _shardable_budget(ctx: Context) -> bool:
    """True when every budget row names its report (a share holds only such rows: the rest
    are left to the parent's own computation of the execution)."""
    return not ctx.tables["budget"]["report_id"].isna().any()


def _all_executed(parts: list[tuple]) -> bool:
    """True when every share computed its execution rows."""
    return all(p[3] is not None for p in parts)


def _execution_in_order(ctx: Context, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The execution rows of every share in the order one process gives them: by (report,
    scope) in order of first appearance in the budget, a missing scope as None."""
    # (the first row of each pair in table order, as drop_duplicates keeps it: fewer keys)
    first = dict.fromkeys(key_values(ctx.tables["budget"][["report_id", "scope"]].drop_duplicates(),
                                     ["report_id", "scope"]))
    order = {key: i for i, key in enumerate(first)}
    rows = pd.concat(parts, ignore_index=True)
    if rows.empty:
        return parts[0]
    position = np.array([order[key] for key in key_values(rows, ["report_id", "scope"])])
    return rows.take(np.argsort(position, kind="stable")).reset_index(drop=True)


def _in_table_order(parts: list[tuple[np.ndarray, pd.DataFrame]]) -> pd.DataFrame:
    """The judged indicator rows of every share, back in the order of the indicators table."""
    rows = np.concatenate([r for r, _ in parts])
    judged = pd.concat([j for _, j in parts], ignore_index=True)
    if (np.diff(rows) > 0).all():  # (the shares' rows in table order already: nothing to move)
        return judged
    return judged.take(np.argsort(rows, kind="stable")).reset_index(drop=True)
