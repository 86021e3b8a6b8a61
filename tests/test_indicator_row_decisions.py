"""The indicator table reader's row decisions (evalkit.extract.indicators), as tables of raw input
and expected decision, one row per case: how a row's cells sit under its header's roles
(:func:`_row_alignment`) and whether a row is a total (:func:`_total_kind`).

The expected decisions were worked out by hand; the rows are those of the layouts of
``test_indicators_layouts.py`` (one cell per line, merged level cells lost on the left, rows cut
short). Whole tables are tested there and in the gallery.
"""

from __future__ import annotations

import pytest

from evalkit.extract.indicators import _row_alignment, _total_kind

FORM = ["level1", "level2", "level3", "target", "actual", "weight", "score"]
NO_SCORES = ["level1", "level2", "level3", "target", "actual"]

# cells of the row | roles of its header || texts, one per role | offset | short
ALIGNMENTS = [
    (["产出指标", "数量指标", "参保人数", "≥48万人", "48.5万人", "10", "10"], FORM,
     ["产出指标", "数量指标", "参保人数", "≥48万人", "48.5万人", "10", "10"], 0, False),
    # a row wider than its header keeps its last cells (a sequence number before them)
    (["1", "产出指标", "数量指标", "参保人数", "≥48万人", "48.5万人", "10", "10"], FORM,
     ["产出指标", "数量指标", "参保人数", "≥48万人", "48.5万人", "10", "10"], 1, False),
    # merged level cells lost on the left: the score ends the row
    (["参保人数", "≥48万人", "48.5万人", "10", "10"], FORM,
     ["", "", "参保人数", "≥48万人", "48.5万人", "10", "10"], -2, False),
    # cut short on the right (no number last): padded, and a problem to record
    (["产出指标", "数量指标", "参保人数", "≥48万人", "良"], FORM,
     ["产出指标", "数量指标", "参保人数", "≥48万人", "良", "", ""], 0, True),
    # missing cells under no weight or score column: padded, a problem
    (["产出指标", "数量指标", "参保人数", "95"], NO_SCORES,
     ["产出指标", "数量指标", "参保人数", "95", ""], 0, True),
    # a row of blank cells is no problem
    (["", ""], FORM, ["", "", "", "", "", "", ""], 0, False),
    # no roles at all
    (["参保人数"], [], [], 1, False),
]


@pytest.mark.parametrize("cells, roles, texts, offset, short", ALIGNMENTS,
                         ids=[f"{'|'.join(c[0])}/{len(c[1])}" for c in ALIGNMENTS])
def test_row_alignment(cells, roles, texts, offset, short):
    assert _row_alignment(cells, roles) == (texts, offset, short)


# first text of a row || kind of total
TOTALS = [
    ("合计", "grand"),
    ("合 计", "grand"),
    ("总分", "grand"),
    ("综合评价", "grand"),
    ("小计", "total"),
    ("汇总", "total"),
    ("合计数", None),
    ("产出指标", None),
    ("", None),
]


@pytest.mark.parametrize("first, kind", TOTALS, ids=[c[0] or "(blank)" for c in TOTALS])
def test_total_kind(first, kind):
    assert _total_kind(first) == kind
