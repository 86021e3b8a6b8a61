"""100 documents of other provinces' layouts, written for evalkit on 2026-12-03 (tests/fixtures/provinces).

A third gallery in the format of ``../shared/specimens`` (``expected/<stem>.json`` typed by the
writers from each document, conventions of the gallery's README; invented names and figures),
written by engineers who then mended the rules the documents showed wrong, family by family:
``ind-*`` indicator tables of other provinces' forms (tab text with cells wrapped mid-cell, one cell
per line, space-separated, Markdown split over pages, HTML with rowspans, 分值 before 指标值,
权重 and 完成率 columns, two forms on a page), ``meta-*`` report metadata (CMS chrome, titles over
several lines, Chinese-numeral years, 盟/旗 and 自治州, districts of 直辖市, scores of other years and
units, letter grades), ``tab-*`` budget and fund tables (决算 tables side by side with 栏次, subject
codes, 元 declared once, 上年数 columns, fund tables aligned with spaces), ``narr-*`` prose (budget,
enrollment and funds in sentences of other provinces' writers, with their traps), ``doc-*``
third-party reports and Word forms with real merged cells, and ``trap-*`` documents built around
figures that must not be read (other years, sub-units, targets, parts, other insurances).

When they were written evalkit found 1 363 of their 1 649 facts (82.7 %) and produced 298 rows
or fields a careful reader would not; after the day's rules, 1 612 (97.8 %) and 60, most of them
conventions of evalkit. The floors and ceilings below guard what the rules reached;
``EVALKIT_SPECIMENS=tests/fixtures/provinces .venv/bin/python tests/gallery.py``
lists every miss and every unexpected row.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from gallery import score_gallery, share_found, specimens

PROVINCES = Path(__file__).parent / "fixtures" / "provinces"
FLOORS = {"report": 0.99, "budget": 0.94, "enrollment": 0.98, "funds": 0.97, "indicators": 0.99}
# unexpected rows: evalkit's conventions (在职/退休 parts of 职工医保, income parts such as
# 财政补助收入 as flows of their own, 医疗救助 spending as its fund's expense, 长期护理保险) and
# the few readings left ambiguous (named in the closing note of the session)
EXTRA_CEILING = {"report": 2, "budget": 15, "enrollment": 18, "funds": 25, "indicators": 0}


@cache
def _scores():
    return score_gallery(folder=PROVINCES)


@cache
def _expected():
    return {path.stem: expected for path, expected in specimens(PROVINCES)}


def test_every_document_is_read():
    assert {s.stem: s.error for s in _scores() if s.error} == {}
    assert len(_scores()) == len(list((PROVINCES / "expected").glob("*.json")))


@pytest.mark.parametrize("table", sorted(FLOORS))
def test_share_of_facts_found(table):
    found, facts = share_found(_scores(), _expected(), table)
    assert found / facts >= FLOORS[table], f"{table}: {found}/{facts}"


@pytest.mark.parametrize("table", sorted(EXTRA_CEILING))
def test_few_unexpected_rows(table):
    extra = [(s.stem, row.get("source")) for s in _scores() for t, row in s.extra if t == table]
    assert len(extra) <= EXTRA_CEILING[table], extra
