"""PDF reports with a text layer: text lines and ruled tables, read with pdfplumber.

* Tables are the ruled ones (pdfplumber's line strategy: cells drawn with borders); a framed box
  of a single cell is read as text. A cell spanning columns appears once; a cell spanning rows
  appears in its first row and is an empty cell ("same as above") in the rows below.
* A table that ends a page and a table that starts the next one (nothing but a page number
  between them) are one table when their columns line up; its rows are numbered on.
* Text outside the tables, line by line in reading order from top to bottom. A line that runs
  to the right margin and goes on, not indented, on the next line is joined with it (a
  paragraph wrapped by the layout), unless it ends a sentence or the next line starts a
  heading. Page numbers and running headers/footers repeated on most pages are dropped.
* A PDF without any text (a scan) raises :class:`~evalkit.document.ReportReadError`; so does one
  whose fonts have no Unicode mapping (the text layer is unreadable glyph numbers) and an
  encrypted one.

Not supported: scans (do OCR first), tables without ruling (their cells come out as text
lines, not as a table), multi-column page layouts (lines are read across the columns).

Locators: ``第P页第L行`` (L counts the page's text lines outside tables) and
``第P页表T第R行第C列`` (T counts tables in the document, R the rows of the table across pages,
C the column of the table grid where the cell starts).
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.document import Document, ReportReadError, read_checked
from evalkit.readers._render import (
    MAX_CONTAINER_BYTES,
    Cell,
    LineWriter,
    finish,
    fold_cjk_spaces,
    join_pieces,
    one_line,
    render_grid,
)

__all__ = ["SCAN_MESSAGE", "read_pdf"]

log = logging.getLogger(__name__)

#: The message (after the file name) for a PDF without a text layer.
SCAN_MESSAGE = "PDF 中没有可提取的文字（可能是扫描件），请先做 OCR"

_SENTENCE_END = tuple("。！？：；!?:;")
_HEADING = re.compile(r"^(?:（?[一二三四五六七八九十]+[）、．.]|（\d+）|\(\d+\)|\d+[、．](?!\d)|第[一二三四五六七八九十\d]+[章节部分])")
_PAGE_NO = re.compile(r"^[\s\-—–_·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
                      r"[\s\-—–_·•]*$")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_BAND = 0.08  # top and bottom share of a page where running headers and footers stand
_EDGE_TOL = 3.0


@dataclass
class _Line:
    text: str
    page: int
    no: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    last_x0: float = 0.0
    last_x1: float = 0.0

    def __post_init__(self) -> None:
        self.last_x0, self.last_x1 = self.x0, self.x1


@dataclass
class _Piece:
    """A table (or the part of it) on one page."""

    page: int
    top: float
    x0: float
    x1: float
    bottom: float
    cells: list[tuple[int, int, int, int, str]]
    nrows: int
    ncols: int
    first_edges: list[float]
    last_edges: list[float]


@dataclass
class _Table:
    parts: list[_Piece] = field(default_factory=list)


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _piece(table, page_no: int) -> _Piece | None:
    bboxes = [tuple(b) for b in table.cells]
    if len(bboxes) < 2:
        return None  # a framed box, not a table
    texts: dict[tuple, str] = {}
    for row, values in zip(table.rows, table.extract()):
        for bbox, value in zip(row.cells, values):
            if bbox is not None:
                texts[tuple(bbox)] = value or ""
    xs = _cluster([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _cluster([b[1] for b in bboxes] + [b[3] for b in bboxes])
    cells = []
    for b in bboxes:
        c0, c1 = _index(xs, b[0]), _index(xs, b[2])
        r0, r1 = _index(ys, b[1]), _index(ys, b[3])
        text = join_pieces(fold_cjk_spaces(one_line(s)) for s in texts.get(b, "").split("\n"))
        cells.append((r0, c0, max(r1 - r0, 1), max(c1 - c0, 1), text))
    nrows = max(r + rs for r, _, rs, _, _ in cells)
    first = sorted({xs[c] for r, c, _, _, _ in cells if r == 0} | {xs[-1]})
    last = sorted({xs[c] for r, c, rs, _, _ in cells if r + rs == nrows} | {xs[-1]})
    x0, top, x1, bottom = table.bbox
    return _Piece(page_no, top, x0, x1, bottom, cells, nrows, len(xs) - 1, first, last)


def _same_edges(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= _EDGE_TOL for x, y in zip(a, b))


def _continues_table(prev: _Piece, nxt: _Piece) -> bool:
    if _same_edges(prev.last_edges, nxt.first_edges):
        return True
    return prev.ncols == nxt.ncols and abs(prev.x0 - nxt.x0) <= _EDGE_TOL and abs(prev.x1 - nxt.x1) <= _EDGE_TOL


def _read_page(page, page_no: int) -> tuple[list[_Line], list[_Piece], int, int]:
    """Text lines outside tables, table pieces, and the counts of characters and unmapped glyphs."""
    chars = page.chars
    n_chars = len(chars)
    unmapped = sum(1 for c in chars if c.get("text", "").startswith("(cid:"))
    pieces = [p for p in (_piece(t, page_no) for t in page.find_tables()) if p is not None]
    boxes = [(p.x0, p.top, p.x1, p.bottom) for p in pieces]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = []
    for no, found in enumerate(text_page.extract_text_lines(), start=1):
        text = fold_cjk_spaces(one_line(found["text"]))
        if not text:
            continue
        sizes = [c.get("size", 0.0) for c in found.get("chars", [])] or [10.0]
        lines.append(_Line(text, page_no, no, found["x0"], found["x1"], found["top"], found["bottom"],
                           float(statistics.median(sizes))))
    return lines, pieces, n_chars, unmapped


def _drop_running_lines(pages: list[tuple[list[_Line], float]]) -> None:
    """Drop page numbers and headers/footers repeated on most pages (in place)."""
    def in_band(line: _Line, height: float) -> bool:
        return line.top < _BAND * height or line.bottom > (1 - _BAND) * height

    def key(line: _Line) -> tuple[str, int]:  # same words, numbers aside, in the same size
        return re.sub(r"\d+", "#", line.text), round(line.size)

    counts: dict[tuple[str, int], set[int]] = {}
    for lines, height in pages:
        for ln in lines:
            if in_band(ln, height):
                counts.setdefault(key(ln), set()).add(ln.page)
    n = len(pages)
    repeated = {k for k, on in counts.items() if n >= 3 and len(on) >= max(2, n // 2 + 1)}
    for lines, height in pages:
        lines[:] = [ln for ln in lines if not (in_band(ln, height) and (
            _PAGE_NO.match(ln.text) or key(ln) in repeated))]


def _join_wrapped(lines: list[_Line]) -> list[_Line]:
    """Join lines that a paragraph was wrapped into by the page layout."""
    if not lines:
        return lines
    right = max(ln.x1 for ln in lines)
    left = min(ln.x0 for ln in lines)
    out: list[_Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None and _wraps(prev, ln, left, right):
            sep = " " if _ALNUM.match(prev.text[-1]) and _ALNUM.match(ln.text[0]) else ""
            prev.text += sep + ln.text
            prev.last_x0, prev.last_x1, prev.bottom = ln.x0, ln.x1, ln.bottom
            continue
        out.append(ln)
    return out


def _wraps(prev: _Line, ln: _Line, left: float, right: float) -> bool:
    size = max(prev.size, 1.0)
    return (
        prev.last_x1 >= right - 1.5 * size
        and prev.last_x1 - prev.last_x0 >= 0.6 * (right - left)
        and not prev.text.endswith(_SENTENCE_END)
        and 0 <= ln.top - prev.bottom <= 1.5 * size
        and ln.x0 <= prev.last_x0 + 0.5 * size
        and abs(ln.size - prev.size) < 0.5
        and not _HEADING.match(ln.text)
    )


#: The most pages read from one PDF (a report has tens; thousands are a bundle or a bomb).
MAX_PAGES = 1000


def _pdf_error(path: Path, exc: Exception, what: str) -> ReportReadError:
    """A message for pdfminer's errors, which often have an empty text: the kind says enough."""
    kind = type(exc).__name__
    detail = f"{kind}: {exc}" if str(exc).strip() else kind
    if any(w in detail.lower() for w in ("password", "encrypt", "notallowed")):
        return ReportReadError(f"{path}: PDF 已加密或禁止提取文字，需要密码或解除限制后才能读取（{kind}）")
    return ReportReadError(f"{path}: {what}（{detail}）")


def read_pdf(path: str | Path, report_id: str | None = None) -> Document:
    """Read a PDF report with a text layer into a :class:`~evalkit.document.Document`.

    Parameters
    ----------
    path : str or Path
    report_id : str, optional
        Default: the file name without its extension.

    Raises
    ------
    ReportReadError
        For a scan (no text layer: :data:`SCAN_MESSAGE`), unreadable fonts, an encrypted or
        damaged file.

    Examples
    --------
    >>> import tempfile, pathlib, matplotlib
    >>> matplotlib.use("agg")
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 2))
    >>> _ = fig.text(0.1, 0.5, "Budget 2023: 520")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.pdf"
    >>> fig.savefig(p)
    >>> doc = read_pdf(p)
    >>> doc.lines, doc.locate(1)
    (['Budget 2023: 520'], '第1页第1行')
    """
    p = Path(path)
    data = read_checked(p, limit=MAX_CONTAINER_BYTES)
    pages = _read_pages(_open_pdf(p, data), p)
    _drop_running_lines([(lines, height) for lines, _, height in pages])
    return finish(_write_blocks(_blocks(pages)), p, data, report_id, "pdf")


def _open_pdf(p: Path, data: bytes):
    """The opened PDF; an error for an encrypted or damaged file, or one of more than MAX_PAGES pages."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's errors for encrypted and damaged files
        raise _pdf_error(p, exc, "无法打开 PDF") from exc
    if len(pdf.pages) > MAX_PAGES:
        pdf.close()
        raise ReportReadError(f"{p}: PDF 有 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页：请拆分后再读")
    return pdf


def _read_pages(pdf, p: Path) -> list[tuple[list[_Line], list[_Piece], float]]:
    """The text lines, table pieces and height of each page (the PDF is closed after); an error
    for a PDF whose content cannot be parsed or that has no readable text."""
    pages: list[tuple[list[_Line], list[_Piece], float]] = []
    total = unmapped = 0
    empty_pages = []
    with pdf:
        try:
            for no, page in enumerate(pdf.pages, start=1):
                lines, pieces, n_chars, n_unmapped = _read_page(page, no)
                total += n_chars
                unmapped += n_unmapped
                if not n_chars:
                    empty_pages.append(no)
                pages.append((lines, pieces, float(page.height)))
        except ReportReadError:
            raise
        except Exception as exc:
            raise _pdf_error(p, exc, "PDF 内容无法解析") from exc
    _check_text_layer(p, total, unmapped, empty_pages)
    return pages


def _check_text_layer(p: Path, total: int, unmapped: int, empty_pages: list[int]) -> None:
    """Decide whether the text layer can be read: an error for a scan (no characters) or for fonts
    without a Unicode mapping (over 30 % of the characters); a warning for pages without text."""
    if total == 0:
        raise ReportReadError(f"{p}: {SCAN_MESSAGE}")
    if unmapped > 0.3 * total:
        raise ReportReadError(f"{p}: PDF 的字体缺少 Unicode 映射，文字无法提取（只能读出字形编号），请先做 OCR")
    if empty_pages:
        log.warning("%s: pages without text (scanned?), not read: %s", p, empty_pages)


def _blocks(pages: list[tuple[list[_Line], list[_Piece], float]]) -> list[_Line | _Table]:
    """The text lines and tables of the document in reading order, page by page; a table that ends
    a page and one that starts the next page with the same columns are one table."""
    blocks: list[_Line | _Table] = []
    for lines, pieces, _height in pages:
        page_blocks: list[_Line | _Piece] = sorted(_join_wrapped(lines) + pieces, key=lambda b: b.top)
        for k, block in enumerate(page_blocks):
            if isinstance(block, _Line):
                blocks.append(block)
                continue
            last = blocks[-1] if blocks else None
            if (k == 0 and isinstance(last, _Table) and last.parts[-1].page == block.page - 1
                    and _continues_table(last.parts[-1], block)):
                last.parts.append(block)
            else:
                blocks.append(_Table([block]))
    return blocks


def _write_blocks(blocks: list[_Line | _Table]) -> LineWriter:
    """The document's lines with their locators: text lines, then the rows of each table across its pages."""
    out = LineWriter()
    n_tables = 0
    for block in blocks:
        if isinstance(block, _Line):
            out.text(block.text, f"第{block.page}页第{block.no}行")
            continue
        n_tables += 1
        rows: list[list[Cell]] = []
        offset = 0
        for part in block.parts:
            rows.extend(render_grid(part.cells, n_tables, offset, prefix=f"第{part.page}页"))
            offset += part.nrows
        out.table(rows)
    return out
