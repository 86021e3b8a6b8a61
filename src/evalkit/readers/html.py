"""Web pages (.html/.htm): the paragraphs and tables of a government page, without its chrome.

* Encoding: a byte-order mark, else the page's ``<meta charset>`` (GB2312/GBK read as
  GB18030, their superset), else UTF-8, else GB18030.
* Page chrome is dropped: ``<head>``, ``<script>``, ``<style>``, ``<nav>``, ``<footer>``, ``<aside>``,
  ``<header>`` (unless inside ``<article>``/``<main>``), forms' controls, hidden elements, and
  elements whose class or id mentions nav, footer, share, breadcrumb/crumb or menu (unless they hold
  a large part of the page's text, which then is content however it is named).
* Text: every block element (``<p>``, ``<div>``, ``<h1>``…, ``<li>``) and every ``<br>`` ends a line.
* Tables: ``colspan`` — the cell appears once; ``rowspan`` — the cell appears in its first row and
  is an empty cell ("same as above") in the rows below. A table that holds other tables is a
  layout table: its cells are read as body, the inner tables as tables.

Locators: ``段落N`` (N counts the lines of text of the page body) and ``表T第R行第C列`` (T counts
data tables in page order, C is the column of the table grid where the cell starts).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from evalkit.document import Document, ReportReadError, decode, read_checked
from evalkit.readers._render import LineWriter, finish, join_pieces, render_grid

__all__ = ["decode_html", "read_html"]

log = logging.getLogger(__name__)

_CHROME_TAGS = {"head", "script", "style", "noscript", "template", "nav", "footer", "aside", "iframe", "button",
                "select", "input", "textarea", "option", "svg", "canvas", "object", "embed", "link", "meta",
                "map", "audio", "video"}
_CHROME_WORDS = ("nav", "footer", "share", "crumb", "menu")
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
               "article", "main", "blockquote", "pre", "address", "center", "form", "fieldset", "figure",
               "figcaption", "header", "hr", "body", "html", "tr", "td", "th", "caption", "legend", "details",
               "summary"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_INVISIBLE_STYLE = re.compile(r"visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030", "x-euc-cn", "hz-gb-2312"}
_BR = "\x00"  # marks a <br> in collected text; real white space is folded, this is not


def decode_html(data: bytes, name: str = "<html>") -> tuple[str, str]:
    """Decode a web page's bytes; returns the text and the encoding used.

    Examples
    --------
    >>> page = '<meta charset="gb2312"><p>参保人数</p>'.encode("gb18030")
    >>> decode_html(page)
    ('<meta charset="gb2312"><p>参保人数</p>', 'gb18030')
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data, name)
    found = _XML_ENCODING.search(data[:1024]) or _META_CHARSET.search(data[:8192])
    if found:
        enc = found.group(1).decode("ascii").lower()
        enc = "gb18030" if enc in _GB else enc
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            log.info("%s: declared charset %s does not decode the page; guessing", name, enc)
    return decode(data, name)


def _is_chrome(el, inside_article: bool, page_chars: int) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("html", "body"):
        return False
    if tag in _CHROME_TAGS or (tag == "header" and not inside_article):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style") or ""
    if _HIDDEN_STYLE.search(style):
        return True
    if _INVISIBLE_STYLE.search(style):
        # hidden until the page's script shows it: an article saved from WeChat keeps its whole
        # text in '<div id="js_content" style="visibility: hidden">' — the content, not chrome
        return len(el.text_content()) < page_chars // 2
    role = (el.get("role") or "").lower()
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if role in _CHROME_ROLES or any(w in names for w in _CHROME_WORDS):
        # a "menu" that holds much of the page's text is the content, however it is named
        return len(el.text_content()) < max(2000, page_chars // 3)
    return False


#: Inline tags that only style text: unwrapped when a page nests too deep (unclosed tags).
_INLINE_TAGS = frozenset({"font", "span", "b", "i", "u", "s", "strong", "em", "small", "big", "sup", "sub", "a"})
_HIDING_ATTRIBUTES = ("style", "hidden", "class", "id", "aria-hidden", "role")
#: Deeper than this, the walkers of a page would exceed Python's recursion limit.
MAX_DEPTH = 400


#: libxml2 stops nesting here even with huge_tree, and drops what follows.
_PARSER_DEPTH_LIMIT = 2040
_STYLING_TAG = re.compile(r"<(/?)(font|span|b|i|u|s|strong|em|small|big|sup|sub)\b([^>]*)>", re.IGNORECASE)


def _strip_styling(text: str) -> str:
    """The page without its styling tags, those that could hide text (with a style, class, id
    or hidden attribute) and the closing tags of their kind excepted."""
    kept = {m.group(2).lower() for m in _STYLING_TAG.finditer(text)
            if not m.group(1) and any(a in m.group(3).lower() for a in _HIDING_ATTRIBUTES)}

    def replace(m: re.Match[str]) -> str:
        tag = m.group(2).lower()
        if m.group(1):
            return m.group(0) if tag in kept else ""
        return m.group(0) if any(a in m.group(3).lower() for a in _HIDING_ATTRIBUTES) else ""

    return _STYLING_TAG.sub(replace, text)


def _depth(root) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in el)
    return deepest


def _flatten_inline(root, name) -> None:
    """Unwrap styling tags (``<font>``, ``<span>`` … with no attribute that could hide or name
    them) when a page nests deeper than :data:`MAX_DEPTH`: old CMS pages leave such tags unclosed
    by the thousand. A page still too deep is refused with a message, never cut in silence."""
    if _depth(root) <= MAX_DEPTH:
        return
    unwrap = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() in _INLINE_TAGS
              and not any(el.get(a) is not None for a in _HIDING_ATTRIBUTES)]
    for el in unwrap:
        el.drop_tag()
    depth = _depth(root)
    log.info("%s: %d styling tags unwrapped; the page nests %d deep now", name, len(unwrap), depth)
    if depth > MAX_DEPTH:
        raise ReportReadError(f"{name}: 网页的标签嵌套过深（{depth} 层，上限 {MAX_DEPTH} 层），无法完整读取")


def _prune(el, inside_article: bool, page_chars: int, dropped: list[str] | None = None) -> None:
    for child in list(el):
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions are skipped while walking
        if _is_chrome(child, inside_article, page_chars):
            if dropped is not None and _FOOTER.search(f"{child.tag} {child.get('class') or ''} {child.get('id') or ''}"):
                dropped.extend(" ".join(t.split()) for t in child.itertext() if t.strip())
            child.drop_tree()  # keeps the text after the element
        else:
            _prune(child, inside_article or child.tag.lower() in ("article", "main"), page_chars, dropped)


_FOOTER = re.compile(r"footer|foot|bottom|copyright|版权", re.IGNORECASE)


def _rows(table) -> list:
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return rows


def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _span(el, attr: str) -> int:
    try:
        return min(max(int(re.sub(r"[^0-9]", "", el.get(attr) or "1") or 1), 0), 1000)
    except ValueError:
        return 1


def _cell_text(cell) -> str:
    pieces = [""]

    def walk(el) -> None:
        for child in el:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                if tag == "br":
                    pieces.append("")
                else:
                    block = tag in _BLOCK_TAGS or tag == "table"
                    if block:
                        pieces.append("")
                    pieces[-1] += child.text or ""
                    walk(child)
                    if block:
                        pieces.append("")
            pieces[-1] += child.tail or ""

    pieces[-1] += cell.text or ""
    walk(cell)
    return join_pieces(pieces)


def place_cells(rows: list, count=None) -> list[tuple[int, int, int, int, str]]:
    """The cells of a table's ``<tr>`` rows on its grid, as :func:`render_grid` takes them:
    ``(row, column, rowspan, colspan, text)``, 0-based. A cell stands right of the cells above
    that go on down into its row; ``rowspan="0"`` reaches the table's end. ``count(n)`` is told
    the grid cells each cell covers (the renderer's bound on a table's size).

    Examples
    --------
    >>> import lxml.html
    >>> t = lxml.html.fromstring('<table><tr><td rowspan="2">产出</td><td>数量</td></tr><tr><td>质量</td></tr></table>')
    >>> place_cells(_rows(t))
    [(0, 0, 2, 1, '产出'), (0, 1, 1, 1, '数量'), (1, 1, 1, 1, '质量')]
    """
    placed: list[tuple[int, int, int, int, str]] = []
    taken: set[tuple[int, int]] = set()
    for r, tr in enumerate(rows):
        c = 0
        for cell in _cells(tr):
            while (r, c) in taken:
                c += 1
            rowspan = min(_span(cell, "rowspan") or len(rows), len(rows) - r)  # 0: to the end
            colspan = _span(cell, "colspan") or 1
            if count is not None:
                count(rowspan * colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            placed.append((r, c, rowspan, colspan, _cell_text(cell)))
            c += colspan
    return placed


class _Renderer:
    def __init__(self) -> None:
        self.out = LineWriter()
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        for piece in text.split(_BR):
            line = " ".join(piece.split())
            if line:
                self.paragraphs += 1
                self.out.text(line, f"段落{self.paragraphs}")

    def visit(self, el) -> None:
        if not isinstance(el.tag, str):
            self.buffer.append(el.tail or "")
            return
        tag = el.tag.lower()
        if tag == "table":
            self.flush()
            self.table(el)
        elif tag == "br":
            self.buffer.append(_BR)
        else:
            block = tag in _BLOCK_TAGS
            if block:
                self.flush()
            self.buffer.append(el.text or "")
            for child in el:
                self.visit(child)
            if block:
                self.flush()
        self.buffer.append(el.tail or "")

    def block(self, el) -> None:
        self.flush()
        self.buffer.append(el.text or "")
        for child in el:
            self.visit(child)
        self.flush()

    def table(self, table) -> None:
        rows = _rows(table)
        captions = [c for c in table if isinstance(c.tag, str) and c.tag.lower() == "caption"]
        for caption in captions:
            self.block(caption)
        if any(True for _ in table.iterdescendants("table")):
            for tr in rows:  # a layout table: its cells are body, inner tables are tables
                for cell in _cells(tr):
                    self.block(cell)
            return
        placed = place_cells(rows, self.out.count_cells)
        if placed:
            self.tables += 1
            self.out.table(render_grid(placed, self.tables))


def read_html(path: str | Path, report_id: str | None = None) -> Document:
    """Read a report published as a web page into a :class:`~evalkit.document.Document`.

    Parameters
    ----------
    path : str or Path
    report_id : str, optional
        Default: the file name without its extension.

    Raises
    ------
    ReportReadError
        When the page cannot be parsed or has no text outside its chrome.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> _ = p.write_text('''<html><body><div class="breadcrumb">首页 &gt; 政务公开</div>
    ... <table><tr><td rowspan="2">产出指标</td><td>数量指标</td></tr><tr><td>质量指标</td></tr></table>
    ... <div class="share">分享到</div></body></html>''', encoding="utf-8")
    >>> doc = read_html(p)
    >>> [r.texts for r in doc.tables[0].rows], doc.lines[0]
    ([['产出指标', '数量指标'], ['', '质量指标']], '\\t产出指标')
    """
    p = Path(path)
    data = read_checked(p)
    text, encoding = decode_html(data, str(p))
    text = _XML_DECL.sub("", text, count=1)
    import lxml.html
    from lxml import etree

    try:  # huge_tree: no silent cut at libxml2's depth limit of 256 (unclosed <font> on old CMS pages)
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
        if _depth(root) >= _PARSER_DEPTH_LIMIT:  # cut even so: parse again without the styling tags
            log.info("%s: nests beyond the parser's limit; styling tags removed", p)
            root = lxml.html.document_fromstring(_strip_styling(text), parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise ReportReadError(f"{p}: 无法解析网页（{exc}）") from exc
    _flatten_inline(root, p)
    body = root.find("body")
    if body is None:
        body = root
    page_chars = len(body.text_content())
    footer: list[str] = []
    _prune(body, False, page_chars, footer)
    renderer = _Renderer()
    renderer.block(body)
    doc = finish(renderer.out, p, data, report_id, encoding)
    doc.chrome_lines = footer[:50]
    return doc
