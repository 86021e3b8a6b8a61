"""Derived tables from the reader's tables: execution, achievement and re-scoring, findings.

Analysis knows only the reader's tables (reports, indicators, budget, rates, enrollment,
funds, and staff, assets, procurement where present); it never reads report files. Rule tables (weights, grade bands, qualitative bands and
words, identities, rate formulas, shares, indicator links) live as CSV files in
``evalkit/rules``; unit words come from ``evalkit/vocab/units.csv``.

>>> import pandas as pd
>>> from evalkit.analysis import derive
>>> out = derive({"budget": pd.DataFrame({"report_id": ["r", "r"], "scope": ["部门整体"] * 2,
...     "stage": ["年初预算", "决算"], "item": ["支出合计"] * 2, "parent": [None, None],
...     "amount_wan": [977.61, 1134.78], "source": ["r:41", "r:45"]})})
>>> sorted(out)
['achievement', 'execution', 'findings']
>>> round(float(out["execution"].loc[0, "rate_vs_initial"]), 2)
116.08
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from ._common import gc_paused, prepare, round_half_up
from .achievement import ACHIEVEMENT_COLUMNS, achievement, reconcile_units
from .checks import CHECKS, Finding, check, run_checks
from .checks._base import Context, run_in_context
from .execution import (
    EXECUTION_COLUMNS,
    amounts_by_scope,
    execution,
    execution_of,
    structure_shares,
    year_over_year,
)
from .rulesets import RuleSet, load_rules
from .scoring import (
    RESCORE_COLUMNS,
    RuleText,
    national_score,
    parse_rule_text,
    qualitative_band,
    qualitative_range,
    rescore,
    score_summary,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ACHIEVEMENT_COLUMNS",
    "CHECKS",
    "EXECUTION_COLUMNS",
    "RESCORE_COLUMNS",
    "Finding",
    "RuleSet",
    "RuleText",
    "achievement",
    "check",
    "derive",
    "execution",
    "load_rules",
    "national_score",
    "parse_rule_text",
    "qualitative_band",
    "qualitative_range",
    "reconcile_units",
    "rescore",
    "round_half_up",
    "run_checks",
    "score_summary",
    "structure_shares",
    "year_over_year",
]


def _execution(ctx: Context) -> pd.DataFrame:
    """:func:`execution` of the context's tables: from the rows the worker processes computed,
    else from the budget the checks grouped by report and scope when they ran in this process
    (else from the budget table)."""
    t = ctx.tables
    rows = ctx.made("execution-rows")
    if rows is not None:
        return year_over_year(rows)
    groups = ctx.made(("budget-groups", ("report_id", "scope")))
    if groups is None:
        return execution(t["budget"], t["rates"], t["reports"])
    return execution_of(amounts_by_scope(groups), t["rates"], t["reports"])


def derive(
    tables: Mapping[str, pd.DataFrame | None], rules: RuleSet | str | None = None,
    workers: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Compute the derived tables from the reader's tables.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The reader's tables by name: ``reports``, ``indicators``, ``budget``, ``rates``,
        ``enrollment``, ``funds`` (``residue`` is ignored). Missing tables count as empty.
    rules : RuleSet or str, optional
        Scoring rule set, default ``'national'`` (see :func:`load_rules`).
    workers : int, optional
        Processes for the checks (see :func:`run_checks`); default: one per CPU for a corpus
        of several hundred reports, else 1. The result does not depend on it.

    Returns
    -------
    dict of str to DataFrame
        ``execution`` (:func:`execution`: one row per report and scope), ``achievement``
        (:func:`achievement` with the re-scoring columns of :func:`rescore`: one row per
        indicator row) and ``findings`` (:func:`run_checks`: one row per finding).

    See Also
    --------
    structure_shares, score_summary : further derived tables.

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r"], "scope": ["部门整体"], "table": ["附表"],
    ...     "level3": ["项目经费变动率"], "weight": [5.0], "target_raw": ["±10%"],
    ...     "target_op": ["±"], "target_value": [10.0], "target_unit": ["%"],
    ...     "actual_raw": ["70%"], "actual_value": [70.0], "actual_unit": ["%"],
    ...     "score": [2.0], "source": ["r:508"]})
    >>> out = derive({"indicators": ind})
    >>> out["achievement"][["status", "national_score", "score_reported"]].values.tolist()
    [['未达成', 0.0, 2.0]]
    >>> out["findings"]["rule"].tolist()
    ['score-differs-national-rule']
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules or "national")
    with gc_paused():  # (millions of small objects, next to no cycles: see gc_paused)
        t = prepare(tables)
        ctx = Context(t, rs)
        # (judges the indicators on the way, and in worker processes computes the execution)
        findings = run_in_context(ctx, workers=workers, execution=True)
        return {
            "execution": _execution(ctx),
            "achievement": ctx.achievement,
            "findings": findings,
        }
