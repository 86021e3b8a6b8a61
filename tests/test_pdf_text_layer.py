"""Whether a PDF's text layer can be read (:func:`evalkit.readers.pdf._check_text_layer`), as a
table of the characters counted on its pages and the expected decision; the whole reader is
tested in ``test_readers.py``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from evalkit.document import ReportReadError
from evalkit.readers.pdf import SCAN_MESSAGE, _check_text_layer

# characters | of them without a Unicode mapping | pages without text || error (None: read) | warning
CASES = [
    (0, 0, [1, 2], SCAN_MESSAGE, False),  # a scan
    (1000, 301, [], "Unicode 映射", False),  # over 30 % glyph numbers
    (1000, 300, [], None, False),
    (1000, 0, [], None, False),
    (1000, 0, [3], None, True),  # a scanned page among text pages: read, with a warning
]


@pytest.mark.parametrize("total, unmapped, empty, error, warned", CASES, ids=[str(c[:3]) for c in CASES])
def test_text_layer_decision(total, unmapped, empty, error, warned, caplog):
    with caplog.at_level(logging.WARNING, logger="evalkit.readers.pdf"):
        if error is None:
            _check_text_layer(Path("r.pdf"), total, unmapped, empty)
        else:
            with pytest.raises(ReportReadError, match=error):
                _check_text_layer(Path("r.pdf"), total, unmapped, empty)
    assert ("pages without text" in caplog.text) == warned
