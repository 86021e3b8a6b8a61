"""Documents written for evalkit by people who had not read its code (tests/fixtures/holdout).

A second gallery, in the format of ``../shared/specimens`` (``expected/<stem>.json`` typed by the
writers from the documents, conventions of the gallery's README), in three batches of eight:
``ha-*`` (a department report from Word, one from a PDF with narrow wrapped lines, a project form
in Markdown, a city bulletin, a 决算 narrative, a third-party report, a web form, a target table)
and ``hb-*`` (a Word form with merged cells, tab tables with stage headers, a fund disclosure
page, a 决算 in 元, a third-party Markdown report, a year-column statistics table, a provincial
template with reordered columns, a narrative-only project report) and ``hc-*`` (a health bureau's
report, a 决算 web page, a wrapped PDF report, an education project in Markdown, a provincial fund
notice, a third-party report in Word, a tab-separated project form, a work summary), the third
batch written after the reader was last changed for the first two, and ``hd-*`` (a form drawn
with box characters by ``pdftotext -layout``, a web form with a two-row header, a health
bureau's report with 医保 traps, a 决算 in Markdown in 元, a city bulletin, a wrapped third-party
report, a Word form with real merges, a provincial allocation notice), written after the
reader's restructuring, and ``he-*`` (indicators as '名称：分值…' lines, a Word form with the
actual before the target, a web page's execution table, a third-party table split over pages, a
county fund notice with a 大病保险 section, a 决算 in two interleaved PDF columns, a target table
with mid-term columns, a hospital's settlement report), and ``hf-*`` (a report in pandoc grid
tables, a CMS page with a transposed table, a MinerU project form with HTML tables in Markdown, a
two-sided 决算 from ``pdftotext -layout``, a fund disclosure saved from WeChat, a transposed
third-party score table, a two-year report from antiword, a finance bureau's summary of many
departments as a trap), written after the tables were classified once. They tell how evalkit does on
documents it was not written for. Floors on the share of facts found, and a ceiling on unexpected
enrollment and fund rows; ``.venv/bin/python tests/gallery.py`` with
``EVALKIT_SPECIMENS=tests/fixtures/holdout`` lists every miss.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from gallery import score_gallery, share_found, specimens

HOLDOUT = Path(__file__).parent / "fixtures" / "holdout"
# (measured: 1353/1371 facts of the 48 documents found. The first batch scored 191/213 (89.7 %)
# when it arrived, the second 350/437 with the first (80.1 %), the third 238/271 (87.8 %), the
# fourth 171/210 (81.4 %), the fifth 175/214 (81.8 %), the sixth 130/239 (54.4 %: grid tables,
# a page hidden until a script shows it, HTML tables inside Markdown); the reader was then
# improved on each, so these floors guard what was reached (the sixth now 231/239). Left: he-06's
# two PDF columns read as one, 9 budget facts missed and 6 rows wrong; a table row cut by a page
# break and an execution-rate line of he-04/he-01; hf-06's transposed score table whose column
# headers wrap over two lines; hf-08, a finance bureau's summary, still gives budget rows)
FLOORS = {"report": 0.99, "budget": 0.97, "enrollment": 0.97, "funds": 0.97, "indicators": 0.97}
# the enrollment and fund rows left over are conventions of evalkit (在职/退休 parts, 长期护理保险,
# income parts as flows of their own, 医疗救助 spending as its fund's expense), and three of batch
# F: a 2022 total quoted in a link under '往期推荐' (dated 2022), a 2024 head count of hf-07, and
# a finance bureau's summary quoting the insurance's subsidy income (hf-08)
EXTRA_CEILING = {"enrollment": 10, "funds": 9}


@cache
def _scores():
    return score_gallery(folder=HOLDOUT)


@cache
def _expected():
    return {path.stem: expected for path, expected in specimens(HOLDOUT)}


def test_every_holdout_document_is_read():
    assert {s.stem: s.error for s in _scores() if s.error} == {}
    assert len(_scores()) == 48


@pytest.mark.parametrize("table", sorted(FLOORS))
def test_share_of_holdout_facts_found(table):
    found, facts = share_found(_scores(), _expected(), table)
    assert found / facts >= FLOORS[table], f"{table}: {found}/{facts}"


@pytest.mark.parametrize("table", sorted(EXTRA_CEILING))
def test_few_unexpected_enrollment_and_fund_rows(table):
    extra = [(s.stem, row.get("source")) for s in _scores() for t, row in s.extra if t == table]
    assert len(extra) <= EXTRA_CEILING[table], extra
