"""Consistency checks: where a report contradicts itself.

Each check is a small generator function that yields :class:`Finding` objects; it never
stops at the first problem and never uses ``assert``. :func:`run_checks` runs all of them
(or a chosen few) and collects the findings into one table:

======================  ==================================================================
column                  meaning
======================  ==================================================================
report_id               the report
rule                    a stable code (``score-exceeds-weight``, ``parts-exceed-total`` …)
severity                错误 (arithmetic that cannot hold), 警告 (a contradiction worth a
                        question), 提示 (worth a look; often a difference of definitions)
message                 what is wrong, in Chinese, with the figures
expected, observed      the two values compared, as written (text)
difference              observed − expected, when both are numbers
sources                 the lines involved, ``'<report_id>:<line>'`` joined by ``;``
======================  ==================================================================

Figures are compared with a tolerance of half a unit of the last digit written, added up
over every figure involved (a total written to 2 decimals against four parts written to 2
decimals may differ by up to 0.025).

Rule codes
----------
Budget: ``parts-exceed-total``, ``parts-short-of-total`` (a breakdown against its total),
``amount-conflict`` and ``unit-scale-suspect`` (one quantity stated with different values).
Enrollment and funds: the same two parts codes, ``enrollment-conflict``, ``funds-conflict``,
``headcount-not-integer``, ``figure-noted`` (a problem the reader noted). Rates: ``rate-mismatch``. Indicators: ``score-exceeds-weight``,
``score-negative``, ``weights-not-100``, ``subtotal-mismatch``, ``score-sum-mismatch``,
``grade-mismatch``, ``duplicate-indicator-row``, ``indicator-name-repeated``,
``indicator-conflict``, ``score-differs-report-rule``, ``score-differs-national-rule``,
``rule-text-unparsed``, ``rule-not-applicable``, ``unit-unclear``,
``indicator-differs-from-text``, ``level1-weight-nonstandard``. Further tables of the reader:
``assets-identity-mismatch`` (``assets``: 资产总额 − 负债总额 = 净资产), the parts codes for
``staff`` (staff categories against their total) and for ``procurement`` (rows against the
合计 row), ``staff-conflict`` (one staff category stated with different values),
``procurement-conflict`` (a purchase the text lists differently from the table) and
``procurement-seq-gap``.
``check-failed`` reports a check that raised an exception (a bug, not a finding on the data).

Modules
-------
:mod:`._base` (Finding, Context, the registry, :func:`run_checks`, the helpers comparing figures),
:mod:`.budget`, :mod:`.enrollment_funds` (enrollment, funds, head counts, noted figures),
:mod:`.rates`, :mod:`.indicators` (weights and scores, duplicates and conflicts, re-scoring,
units, figures in the text) and :mod:`.extra_tables` (assets, staff, procurement). Importing the
package imports them in this order, which is the order the checks run in.
"""

from __future__ import annotations

# isort: off
# Each module registers its checks when it is imported: the order of these imports is the order
# the checks run in. The check functions and SCHEMES stay importable from here, as they were
# from the single module this package replaces.
from ._base import CHECKS, Context, Finding, _ctx, check, excerpts, rule_catalogue, rule_name, run_checks  # noqa: F401 (_ctx: doctests)
from .budget import (  # noqa: F401
    check_budget_breakdowns,
    check_budget_identities,
    check_budget_conflicts,
)
from .enrollment_funds import (  # noqa: F401
    SCHEMES,
    check_enrollment_funds_identities,
    check_enrollment_funds_conflicts,
    check_headcounts,
    check_noted_figures,
)
from .rates import check_stated_rates  # noqa: F401
from .indicators import (  # noqa: F401
    check_score_vs_weight,
    check_weights_total,
    check_subtotals,
    check_score_total,
    check_level1_weights,
    check_duplicate_indicators,
    check_indicator_conflicts,
    check_rescoring,
    check_indicator_units,
    check_indicators_vs_text,
)
from .extra_tables import (  # noqa: F401
    check_assets,
    check_staff,
    check_staff_conflicts,
    check_procurement,
)
# isort: on

__all__ = ["CHECKS", "Context", "Finding", "check", "excerpts", "rule_catalogue", "rule_name", "run_checks"]
