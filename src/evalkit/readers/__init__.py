"""Readers of report files: .txt/.md, .docx, .html/.htm and .pdf, chosen by content and extension.

Each reader renders its format into the lines and locators of a
:class:`~evalkit.document.Document` (see :mod:`evalkit.readers._render`), so extraction works
unchanged on every format and ``source`` points to a paragraph, a table cell or a page line:

========  ==================================================  =====================
format    reader                                              locators
========  ==================================================  =====================
.txt      :func:`evalkit.readers.text.document_of_bytes`      the line number
.md       :func:`evalkit.readers.text.document_of_bytes`      the line number
.docx     :func:`evalkit.readers.docx.read_docx`              段落12, 表2第3行第4列
.html     :func:`evalkit.readers.html.read_html`              段落12, 表2第3行第4列
.pdf      :func:`evalkit.readers.pdf.read_pdf`                第3页第5行, 第3页表1第2行第4列
========  ==================================================  =====================

The heavy libraries (python-docx, lxml, pdfplumber) are imported only when a file of their
format is read.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from pathlib import Path

from evalkit.document import Document, ReportReadError
from evalkit.readers._render import RenderLimitError
from evalkit.readers.text import MAX_BYTES, TOO_LARGE_HINT, check_size, document_of_bytes

__all__ = ["SUPPORTED_SUFFIXES", "detect_format", "load_any"]

log = logging.getLogger(__name__)

#: File name extensions read from folders by :func:`evalkit.read_reports`.
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx", ".html", ".htm", ".xhtml", ".shtml", ".pdf")

_SUPPORTED_TEXT = "支持 .txt、.md、.docx、.html/.htm、.pdf"
_HEAD = 8192
_TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", "")

_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_HTML_MARKERS = ("<html", "<!doctype html", "<table", "<body", "<head")


def _looks_html(head: bytes) -> bool:
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    start = head[:256].decode("utf-16" if utf16 else "utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if start and not start.startswith("<"):
        return False  # (most files: decided on their first bytes)
    text = head.decode("utf-16" if utf16 else "utf-8", errors="ignore").lstrip("\ufeff").lstrip().lower()
    return any(m in text for m in _HTML_MARKERS)


def detect_format(path: str | Path) -> str:
    """The format of a report file: 'txt' (also Markdown), 'docx', 'html' or 'pdf', judged by content first.

    Magic bytes win over the extension (a PDF named ``.txt`` is read as a PDF); the extension
    decides only for content without a signature (text, HTML fragments).

    Raises
    ------
    ReportReadError
        For an unsupported file (an image, an old binary .doc, a spreadsheet, an unknown
        extension…), with a message in Chinese that names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("某县医疗保障局", encoding="utf-8")
    >>> _ = (d / "page.txt").write_text("<html><body><table></table></body></html>", encoding="utf-8")
    >>> _ = (d / "b.pdf").write_bytes(b"%PDF-1.7\\n")
    >>> detect_format(d / "a.txt"), detect_format(d / "page.txt"), detect_format(d / "b.pdf")
    ('txt', 'html', 'pdf')
    >>> _ = (d / "c.xyz").write_bytes(b"\\x00\\x01")
    >>> try:
    ...     detect_format(d / "c.xyz")
    ... except ReportReadError as exc:
    ...     "不支持" in str(exc)
    True
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise ReportReadError(f"{p}: 无法读取（{exc.strerror}）") from exc
    return _format_of(p, head)


def _format_and_text(p: Path) -> tuple[str, bytes]:
    """:func:`detect_format`, and for a text file its bytes (checked as
    :func:`evalkit.readers.text.read_checked` checks them), read in the same opening of the
    file: the text reader needs all of them, and opening the file again cost more than reading."""
    try:
        with p.open("rb") as fh:
            head = fh.read(_HEAD)
            kind = _format_of(p, head)
            if kind != "txt":
                return kind, head
            check_size(p, os.fstat(fh.fileno()).st_size, MAX_BYTES, TOO_LARGE_HINT)
            return kind, head + fh.read()
    except OSError as exc:
        raise ReportReadError(f"{p}: 无法读取（{exc.strerror}）") from exc


def _format_of(p: Path, head: bytes) -> str:
    """:func:`detect_format` of a file whose first bytes are ``head``."""
    suffix = p.suffix.lower()
    if not head:
        raise ReportReadError(f"{p}: 空文件")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(p)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ReportReadError(f"{p}: 旧版 Office 二进制格式（.doc/.xls/.wps）或加密的 Office 文档，不支持；"
                              f"请用 Word/WPS 另存为 .docx（{_SUPPORTED_TEXT}）")
    if head.startswith(b"{\\rtf"):
        raise ReportReadError(f"{p}: RTF 文档不支持，请另存为 .docx（{_SUPPORTED_TEXT}）")
    for magic, kind in _IMAGES:
        if head.startswith(magic) and (kind != "BMP" or b"\x00" in head[2:14]):
            raise ReportReadError(f"{p}: 不是文本报告，而是图片（{kind}）；evalkit 不做文字识别，"
                                  f"请先做 OCR（{_SUPPORTED_TEXT}）")
    if _looks_html(head):
        return "html"
    if suffix in (".html", ".htm", ".xhtml", ".shtml"):
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return "txt"  # Markdown is a text file: its pipe tables are a layout of the text reader
    if suffix in (".docx", ".pdf"):
        raise ReportReadError(f"{p}: 扩展名是 {suffix}，但内容不是 {suffix[1:].upper()} 文件"
                              "（文件可能已损坏，或只是改了扩展名）")
    raise ReportReadError(f"{p}: 不支持的文件类型 {suffix or '（无扩展名）'}（{_SUPPORTED_TEXT}）")


def _zip_kind(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportReadError(f"{p}: zip 包已损坏，无法作为 .docx 读取（{exc}）") from exc
    if "word/document.xml" in names or any(re.match(r"word/document\d*\.xml$", n) for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        kind = "Excel 工作簿（.xlsx）"
    elif any(n.startswith("ppt/") for n in names):
        kind = "PowerPoint 演示文稿（.pptx）"
    elif "content.xml" in names:
        kind = "OpenDocument 文档（.odt/.ods）"
    else:
        kind = "zip 压缩包"
    raise ReportReadError(f"{p}: 是{kind}，不是 Word 文档，不支持（{_SUPPORTED_TEXT}）")


def load_any(path: str | Path, report_id: str | None = None) -> Document:
    """Read a report in any supported format into a :class:`~evalkit.document.Document`.

    Parameters
    ----------
    path : str or Path
        A .txt or .md (UTF-8, GB18030/GBK, UTF-16), .docx, .html/.htm or .pdf file with a text layer.
    report_id : str, optional
        Default: the file name without its extension.

    Returns
    -------
    Document
        Lines in the text layouts; for formats other than text, ``locators`` say where each
        line came from (``Document.locate``).

    Raises
    ------
    ReportReadError
        When the file cannot be read as a report: unsupported type, damaged file, a PDF
        without a text layer (a scan), a .docx that fails the safety checks; the message
        names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> _ = p.write_text("<html><body><nav>首页</nav><p>某县医疗保障局</p>"
    ...                  "<table><tr><td>一级指标</td><td>得分</td></tr></table></body></html>",
    ...                  encoding="utf-8")
    >>> doc = load_any(p)
    >>> doc.text_lines[0].text, doc.tables[0].rows[0].texts, doc.locate(4)
    ('某县医疗保障局', ['一级指标', '得分'], '表1第1行第2列')
    """
    p = Path(path)
    kind, data = _format_and_text(p)
    log.debug("%s: read as %s", p, kind)
    if kind == "txt":
        return document_of_bytes(p, data, report_id)
    try:
        return _read_rendered(kind, p, report_id)
    except RenderLimitError as exc:
        log.warning("%s: %s", p, exc)
        raise ReportReadError(f"{p}: {exc}") from None
    except (UnicodeError, RecursionError, MemoryError) as exc:  # a damaged file, said as such
        raise ReportReadError(f"{p}: 文件内容损坏或结构异常，无法读取（{type(exc).__name__}）") from None


def _read_rendered(kind: str, p: Path, report_id: str | None) -> Document:
    if kind == "docx":
        from evalkit.readers.docx import read_docx

        return read_docx(p, report_id)
    if kind == "html":
        from evalkit.readers.html import read_html

        return read_html(p, report_id)
    from evalkit.readers.pdf import read_pdf

    return read_pdf(p, report_id)
