"""Word (.docx) reports: body paragraphs and tables in document order, merged cells as the text layout has them.

* Paragraphs of the body (and of text boxes and content controls) in order, one line each; a
  manual line break starts a new line with the same locator. Headers, footers, footnotes and
  comments are other parts of the package and are not read. Deleted text (tracked changes)
  is left out, inserted text kept. Automatic list numbers (numbering.xml) are not rendered.
* Tables in document order: a cell merged across columns (``gridSpan``) appears once; a cell
  that continues a vertical merge (``vMerge``) is an empty cell, "same as above". A cell with
  several paragraphs is joined onto one line. A one-column table that holds other tables is a
  layout frame: its content is read as body. Any other table nested in a cell is folded into
  that cell's text (cells separated by a space, rows by '；').
* Safety: before python-docx opens the file, the zip is checked (at most
  :data:`MAX_MEMBERS` members and :data:`MAX_UNCOMPRESSED` bytes uncompressed, as declared;
  Python's zipfile never inflates a member past its declared size) and every XML part is
  refused if it declares a DTD or entities, which Word never writes. python-docx parses with
  ``resolve_entities=False`` and lxml loads nothing from the network, so no external entity
  is resolved even without that check.

Locators: ``段落N`` (N counts the body's paragraphs that have text) and ``表T第R行第C列`` (T counts
tables in document order, C is the column of the table grid where the cell starts).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

from evalkit.document import Document, ReportReadError, read_checked
from evalkit.readers._render import (
    MAX_CONTAINER_BYTES,
    LineWriter,
    finish,
    join_pieces,
)

__all__ = ["MAX_MEMBERS", "MAX_UNCOMPRESSED", "check_package", "read_docx"]

log = logging.getLogger(__name__)

#: Most members a .docx may have (a long report with images has a few hundred).
MAX_MEMBERS = 5000
#: Most bytes the members of a .docx may unpack to, in all.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_PROLOG_BYTES = 1 << 20

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _T, _SDT, _SDT_CONTENT = (_w(t) for t in ("p", "tbl", "tr", "tc", "t", "sdt", "sdtContent"))
_CUSTOM_XML, _TXBX = _w("customXml"), _w("txbxContent")
_BREAKS = {_w("br"), _w("cr")}
_SKIP_IN_PARAGRAPH = {_w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"),
                      f"{{{_MC}}}Fallback"}
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


# ----------------------------------------------------------------------------- safety
def check_package(data: bytes, name: str = "<docx>") -> None:
    """Refuse a .docx that could exhaust memory or smuggle in entities, before parsing it.

    Checks the number of zip members, their declared uncompressed size in all, that
    ``word/document.xml`` is there, and that no XML part declares a DTD (``<!DOCTYPE``,
    ``<!ENTITY``).

    Raises
    ------
    ReportReadError
        Naming the file and what failed.

    Examples
    --------
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    >>> try:
    ...     check_package(buf.getvalue(), "evil.docx")
    ... except ReportReadError as exc:
    ...     print(exc)
    evil.docx: word/document.xml 声明了 DTD/实体（<!DOCTYPE>），Word 文档不会包含这些内容，出于安全考虑拒绝读取
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReportReadError(f"{name}: 不是有效的 .docx（zip 包已损坏：{exc}）") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReportReadError(f"{name}: .docx 中有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS}"
                                  "（可能是 zip 炸弹），拒绝读取")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise ReportReadError(f"{name}: .docx 解压后共 {total} 字节，超过上限 {MAX_UNCOMPRESSED}"
                                  "（可能是 zip 炸弹），拒绝读取")
        names = {i.filename for i in infos}
        if "word/document.xml" not in names and not any(re.match(r"word/document\d*\.xml$", n) for n in names):
            raise ReportReadError(f"{name}: 不是 Word 文档（缺少 word/document.xml）")
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            try:
                with zf.open(info) as fh:
                    head = fh.read(_PROLOG_BYTES)
            except (RuntimeError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise ReportReadError(f"{name}: 无法读取 {info.filename}（{exc}；文件可能已加密或损坏）") from exc
            problem = _prolog_problem(head)
            if problem:
                raise ReportReadError(f"{name}: {info.filename} {problem}")


def _prolog_problem(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return "声明了 DTD/实体（<!DOCTYPE>），Word 文档不会包含这些内容，出于安全考虑拒绝读取"
    pos = 0
    while m := _PROLOG.match(text, pos):
        pos = m.end()
    rest = text[pos:].lstrip()
    if not rest and len(head) >= _PROLOG_BYTES:
        return "的 XML 序言过长，出于安全考虑拒绝读取"
    return None


# ---------------------------------------------------------------------------- reading
def read_docx(path: str | Path, report_id: str | None = None) -> Document:
    """Read a Word .docx report into a :class:`~evalkit.document.Document`.

    Parameters
    ----------
    path : str or Path
    report_id : str, optional
        Default: the file name without its extension.

    Raises
    ------
    ReportReadError
        For a damaged or unsafe package, or a document without text.

    Examples
    --------
    >>> import tempfile, pathlib, docx
    >>> d = docx.Document()
    >>> _ = d.add_paragraph("某县医疗保障局2023年度部门整体支出绩效自评报告")
    >>> t = d.add_table(rows=2, cols=2)
    >>> t.cell(0, 0).text, t.cell(0, 1).text = "一级指标", "得分"
    >>> t.cell(1, 0).text, t.cell(1, 1).text = "产出指标", "19.6"
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.docx"
    >>> d.save(p)
    >>> doc = read_docx(p)
    >>> doc.tables[0].rows[1].texts, doc.locate(1), doc.locate(7)
    (['产出指标', '19.6'], '段落1', '表1第2行第2列')
    """
    p = Path(path)
    data = read_checked(p, limit=MAX_CONTAINER_BYTES)  # images make such files large
    check_package(data, str(p))
    import docx  # python-docx; its XML parser does not resolve entities

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError, lxml errors
        raise ReportReadError(f"{p}: 无法打开 Word 文档（{type(exc).__name__}: {exc}）") from exc
    renderer = _Renderer()
    renderer.blocks(document.element.body)
    return finish(renderer.out, p, data, report_id, "docx")


def _children(el, tag: str):
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tag)


def _int_val(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(int(found.get(_w("val"), default)), 0)
    except ValueError:
        return default


def _paragraph_text(p) -> tuple[str, list]:
    """The text of a paragraph (``\\n`` for manual line breaks) and the text boxes anchored in it."""
    parts: list[str] = []
    boxes: list = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _w("tab"):
                parts.append(" ")
            elif tag in _BREAKS:
                if child.get(_w("type")) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _TXBX:
                boxes.append(child)
            else:
                walk(child)

    walk(p)
    return "".join(parts), boxes


class _Renderer:
    def __init__(self) -> None:
        self.out = LineWriter()
        self.paragraphs = 0
        self.tables = 0

    def blocks(self, parent) -> None:
        for el in parent:
            tag = el.tag
            if tag == _P:
                self.paragraph(el)
            elif tag == _TBL:
                self.table(el)
            elif tag == _SDT:
                content = el.find(_SDT_CONTENT)
                if content is not None:
                    self.blocks(content)
            elif tag == _CUSTOM_XML:
                self.blocks(el)

    def paragraph(self, p) -> None:
        text, boxes = _paragraph_text(p)
        if text.strip():
            self.paragraphs += 1
            self.out.text(text, f"段落{self.paragraphs}")
        for box in boxes:
            self.blocks(box)

    def table(self, tbl) -> None:
        rows = list(_children(tbl, _TR))
        nested = any(_TBL in {d.tag for d in tc.iter()} for tr in rows for tc in _children(tr, _TC))
        if nested and all(len(list(_children(tr, _TC))) <= 1 for tr in rows):
            for tr in rows:  # a one-column frame around other tables: read its content as body
                for tc in _children(tr, _TC):
                    self.blocks(tc)
            return
        self.tables += 1
        number = self.tables
        out: list[list[list]] = []
        above: dict[int, list] = {}  # grid column → the cell a vertical merge there started in
        for r, tr in enumerate(rows, start=1):
            col = _int_val(tr, f"{_w('trPr')}/{_w('gridBefore')}", 0)
            cells: list[list] = []
            for tc in _children(tr, _TC):
                span = max(_int_val(tc, f"{_w('tcPr')}/{_w('gridSpan')}", 1), 1)
                h_merge = tc.find(f"{_w('tcPr')}/{_w('hMerge')}")
                if h_merge is not None and h_merge.get(_w("val"), "continue") == "continue":
                    if cells:
                        cells[-1][3] += span  # old-style horizontal merge: the cell appears once
                    col += span
                    continue
                v_merge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                continues = v_merge is not None and v_merge.get(_w("val"), "continue") == "continue"
                text = "" if continues else _cell_text(tc)
                cell = [text, f"表{number}第{r}行第{col + 1}列", 1, span, continues]
                if continues and col in above:
                    above[col][2] += 1  # the merge's first cell spans one row more
                elif v_merge is not None:
                    above[col] = cell
                else:
                    above.pop(col, None)
                cells.append(cell)
                col += span
            out.append(cells)
        self.out.table([[tuple(cell) for cell in row] for row in out])


def _cell_text(tc) -> str:
    """A cell's text on one line: its paragraphs joined, nested tables folded in."""
    pieces: list[str] = []

    def walk(parent) -> None:
        for el in parent:
            if el.tag == _P:
                text, boxes = _paragraph_text(el)
                pieces.extend(text.split("\n"))
                for box in boxes:
                    walk(box)
            elif el.tag == _TBL:
                rows = []
                for tr in _children(el, _TR):
                    texts = [_cell_text(c) for c in _children(tr, _TC)]
                    row = " ".join(t for t in texts if t)
                    if row:
                        rows.append(row)
                pieces.append("；".join(rows))
            elif el.tag == _SDT:
                content = el.find(_SDT_CONTENT)
                if content is not None:
                    walk(content)
            elif el.tag == _CUSTOM_XML:
                walk(el)

    walk(tc)
    return join_pieces(pieces)
