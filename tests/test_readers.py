"""Readers of .docx, .html and .pdf: the same report in every format gives the same tables.

The fixture report tests/fixtures/cells_layout.txt is rebuilt here as a Word document (with
python-docx), as a web page (by hand) and as a PDF with a text layer (matplotlib's PDF backend
and the CJK font of the mplfonts package): same narrative, same table with its merged cells
(a horizontally merged value cell, level 1 merged down = "same as above" in the text, the
cell 医保基金/结算及时率 written over two lines).
"""

from __future__ import annotations

import html
import io
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.document import MAX_BYTES, ReportReadError, load_document
from evalkit.readers import detect_format, load_any

FIXTURES = Path(__file__).parent / "fixtures"
TXT = FIXTURES / "cells_layout.txt"
COMPARED = ("indicators", "budget", "enrollment", "funds")

# ------------------------------------------------------------------ the fixture's content
TITLE = ["浏阳市医疗保障局", "2023年度部门整体支出绩效自评报告"]
BEFORE = [
    "一、部门基本情况",
    "全市基本医疗保险参保１２０.５万人，其中：职工医保20.5万人，城乡居民医保100万人。",
    "全年征收基金：职工医保2.5亿元，居民医保8,000万元；支付基金：职工医保2.2亿元，居民医保7600万元，增加300万元。",
]
AFTER = [
    "二、预算执行情况",
    "2023年决算收入520万元，其中财政拨款收入500万元，其他收入20万元；决算支出520万元，其中基本支出390万元，项目支出130万元。",
]
NCOLS = 7
UP = None  # merged with the cell above ("same as above")
# rows of (text, colspan); a tuple of texts is one cell written over several lines
TABLE = [
    [("部门名称", 1), ("浏阳市医疗保障局", 6)],
    [("联系人", 1), ("张三", 2), ("联系电话", 2), ("13800001111", 2)],
    [("当年预算情况（万元）", 7)],
    [("收入预算合计", 1), ("500", 2), ("其中：本级财政安排", 2), ("480", 2)],
    [("支出预算合计", 1), ("500", 2), ("其中：人员经费", 2), ("300", 2)],
    [("公用经费", 1), ("80", 2), ("项目经费", 2), ("120", 2)],
    [("年度绩效指标", 7)],
    [(t, 1) for t in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")],
    [(t, 1) for t in ("产出指标", "数量指标", "职工医疗保险参保人数", "≥200000人", "205000", "20", "20")],
    [(UP, 1)] + [(t, 1) for t in ("质量指标", ("医保基金", "结算及时率"), "＝100％", "98%", "20", "19.6")],
    [(t, 1) for t in ("效益指标", "社会效益指标", "群众满意度", "≥95%", "96%", "60", "57")],
    [("绩效自评综合得分", 1), ("96.6", 6)],
    [("评价等次", 1), ("优秀", 6)],
]


def _joined(text) -> str:
    return "" if text is UP else text if isinstance(text, str) else "".join(text)


def test_the_rebuilt_content_is_the_fixture():
    doc = load_document(TXT)
    assert [t.text for t in doc.text_lines] == TITLE + BEFORE + AFTER
    assert len(doc.tables) == 1
    assert [r.texts for r in doc.tables[0].rows] == [[_joined(t) for t, _ in row] for row in TABLE]


@pytest.fixture(scope="module")
def txt_report():
    return evalkit.read_report(TXT)


def assert_same_tables(a, b) -> None:
    for name in COMPARED:
        x = getattr(a, name).drop(columns=["report_id", "source"])
        y = getattr(b, name).drop(columns=["report_id", "source"])
        assert len(x), name
        pd.testing.assert_frame_equal(x, y, obj=name)
    ra, rb = a.reports.iloc[0], b.reports.iloc[0]
    for col in ("department", "province", "city", "county", "fiscal_year", "report_kind", "total_score", "grade"):
        assert ra[col] == rb[col], col
    assert b.residue.empty
    cols = ["table_coverage", "text_coverage"]
    assert a.coverage[cols].to_dict("records") == b.coverage[cols].to_dict("records")


# --------------------------------------------------------------------------------- docx
def make_docx(path: Path, *, header_footer: bool = True) -> Path:
    import docx

    d = docx.Document()
    for line in TITLE:
        d.add_paragraph(line)
    d.add_paragraph("")
    for line in BEFORE:
        d.add_paragraph(line)
    table = d.add_table(rows=len(TABLE), cols=NCOLS)
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        c = 0
        for text, span in row:
            cell = table.cell(r, c)
            if span > 1:
                cell = cell.merge(table.cell(r, c + span - 1))
            if text is UP:
                table.cell(r - 1, c).merge(table.cell(r, c))
            elif isinstance(text, tuple):
                cell.text = text[0]
                for more in text[1:]:
                    cell.add_paragraph(more)
            else:
                cell.text = text
            c += span
    d.add_paragraph("")
    for line in AFTER:
        d.add_paragraph(line)
    if header_footer:  # numbers in the header and footer must not reach the tables
        section = d.sections[0]
        section.header.paragraphs[0].text = "浏阳市医疗保障局 2024年3月 预算1000万元"
        section.footer.paragraphs[0].text = "第 1 页 共 3 页 参保99万人"
    d.save(path)
    return path


def test_docx_same_tables_as_text(tmp_path, txt_report):
    p = make_docx(tmp_path / "cells_layout.docx")
    assert detect_format(p) == "docx"
    assert_same_tables(txt_report, evalkit.read_report(p))


def test_docx_merged_cells_and_sources(tmp_path):
    p = make_docx(tmp_path / "r.docx")
    doc = load_any(p)
    rows = [r.texts for r in doc.tables[0].rows]
    assert rows == [[_joined(t) for t, _ in row] for row in TABLE]  # spans once, vMerge empty, lines joined
    assert not any("2024年3月" in line or "99万人" in line for line in doc.lines)  # header/footer ignored
    report = evalkit.read_report(p)
    ind = report.indicators.set_index("level3")["source"]
    assert ind["职工医疗保险参保人数"] == "r:表1第9行第3列"
    assert ind["医保基金结算及时率"] == "r:表1第10行第3列"
    budget = report.budget.set_index(["stage", "item"])["source"]
    assert budget[("年初预算", "财政拨款收入")] == "r:表1第4行第6列"  # the value cell after its label
    assert budget[("决算", "基本支出")] == "r:段落7"  # the 7th paragraph with text
    assert set(report.enrollment["source"]) == {"r:段落4"}


def test_docx_nested_tables_are_flattened(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某县医疗保障局2023年度部门整体支出绩效自评报告")
    frame = d.add_table(rows=1, cols=1)  # a one-column frame around the real content
    inner_cell = frame.cell(0, 0)
    inner_cell.paragraphs[0].text = "一、部门基本情况"
    inner = inner_cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "一级指标", "得分"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "产出指标", "19.6"
    d.add_paragraph("二、资金情况")  # (two tables with nothing between are one table, in Word as in text)
    data = d.add_table(rows=1, cols=2)  # a data table with a small table inside a cell
    data.cell(0, 0).text = "资金来源"
    sub = data.cell(0, 1).add_table(rows=2, cols=2)
    sub.cell(0, 0).text, sub.cell(0, 1).text = "本级", "480"
    sub.cell(1, 0).text, sub.cell(1, 1).text = "上级", "20"
    p = tmp_path / "nested.docx"
    d.save(p)
    doc = load_any(p)
    assert [t.text for t in doc.text_lines] == ["某县医疗保障局2023年度部门整体支出绩效自评报告", "一、部门基本情况",
                                                   "二、资金情况"]
    assert [r.texts for r in doc.tables[0].rows] == [["一级指标", "得分"], ["产出指标", "19.6"]]
    assert [r.texts for r in doc.tables[1].rows] == [["资金来源", "本级 480；上级 20"]]
    assert doc.locate(doc.tables[1].rows[0].cells[1].line) == "表2第1行第2列"


def _rezip(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dst


def test_docx_zip_bomb_is_refused(tmp_path):
    p = make_docx(tmp_path / "ok.docx")
    data = bytearray(p.read_bytes())
    # declare 4 GB uncompressed for word/document.xml in the central directory
    name = b"word/document.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + n] == name:
            data[at + 24:at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert at >= 0
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(bytes(data))
    with pytest.raises(ReportReadError, match="zip 炸弹") as exc:
        evalkit.read_report(bomb)
    assert str(bomb) in str(exc.value)


def test_docx_with_too_many_members_is_refused(tmp_path):
    p = make_docx(tmp_path / "ok.docx")
    many = tmp_path / "many.docx"
    many.write_bytes(p.read_bytes())
    with zipfile.ZipFile(many, "a") as zf:
        for k in range(5001):
            zf.writestr(f"customXml/item{k}.bin", b"")
    with pytest.raises(ReportReadError, match="超过上限"):
        load_any(many)


def test_docx_with_large_images_is_read(tmp_path, txt_report):
    """Scanned signatures and seals make a .docx large; over the 10 MiB text limit it is still read."""
    p = make_docx(tmp_path / "ok.docx")
    big = tmp_path / "with_images.docx"
    big.write_bytes(p.read_bytes())
    with zipfile.ZipFile(big, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/media/image1.png", random.Random(0).randbytes(12 * 1024 * 1024))
    assert big.stat().st_size > MAX_BYTES
    assert_same_tables(txt_report, evalkit.read_report(big))


def test_docx_with_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-999万元", encoding="utf-8")

    def inject(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        text = data.decode("utf-8")
        text = re.sub(r"^<\?xml[^>]*\?>\s*", "", text)
        text = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>' + text
        return text.replace("一、部门基本情况", "一、部门基本情况&xxe;").encode("utf-8")

    evil = _rezip(make_docx(tmp_path / "ok.docx"), tmp_path / "evil.docx", inject)
    with pytest.raises(ReportReadError, match="DTD") as exc:
        load_any(evil)
    assert "SECRET" not in str(exc.value)


def test_python_docx_parser_does_not_resolve_entities(tmp_path):
    # the second line of defence, should a DTD ever get past the check
    from docx.oxml.parser import parse_xml

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    root = parse_xml(f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}"><!ENTITY i "INTERNAL">]><x>&e;&i;</x>')
    assert "SECRET" not in "".join(root.itertext()) and "INTERNAL" not in "".join(root.itertext())


# --------------------------------------------------------------------------------- html
def _html_cell(text) -> str:
    if isinstance(text, tuple):
        return "<br>".join(html.escape(t) for t in text)
    return html.escape(text)


def make_html(charset: str = "utf-8") -> str:
    rows = []
    rowspans = {}  # cells merged down: (row, col) -> rowspan
    for r, row in enumerate(TABLE):
        c = 0
        for text, span in row:
            if text is UP:
                rowspans[(r - 1, c)] = rowspans.get((r - 1, c), 1) + 1
            c += span
    for r, row in enumerate(TABLE):
        tds, c = [], 0
        for text, span in row:
            if text is not UP:
                attrs = f' colspan="{span}"' if span > 1 else ""
                if (r, c) in rowspans:
                    attrs += f' rowspan="{rowspans[(r, c)]}"'
                tag = "th" if r == 7 else "td"
                tds.append(f"<{tag}{attrs}>{_html_cell(text)}</{tag}>")
            c += span
        rows.append("<tr>" + "".join(tds) + "</tr>")
    paragraphs = lambda lines: "\n".join(f'<p style="text-indent:2em">{html.escape(x)}</p>' for x in lines)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>浏阳市人民政府门户网站 2024年</title>
<style>.x {{ width: 100px }}</style><script>var visits = 12345;</script></head>
<body>
<header class="top"><div class="logo">浏阳市人民政府 2024</div></header>
<nav><ul><li><a href="/">首页</a></li><li>政务公开 2023</li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 财政预决算 &gt; 2023</div>
<div class="main">
<div class="article">
<h2>{TITLE[0]}</h2><h1>{TITLE[1]}</h1>
<div class="info">&nbsp;</div>
{paragraphs(BEFORE)}
<table border="1" cellspacing="0"><tbody>
{chr(10).join(rows)}
</tbody></table>
<!-- 正文结束 888万元 -->
<div class="TRS_Editor">
<h3>{AFTER[0]}</h3>
<p>{html.escape(AFTER[1][:20])}<span>{html.escape(AFTER[1][20:])}</span></p>
</div>
<div class="bdsharebuttonbox">分享到：微信 微博 阅读次数 1024</div>
<div style="display:none">隐藏 777万元</div>
</div></div>
<footer><p>主办：浏阳市人民政府办公室 电话：0731-83612345 网站标识码 4301810001</p></footer>
</body></html>
"""


def test_html_same_tables_as_text(tmp_path, txt_report):
    p = tmp_path / "cells_layout.html"
    p.write_text(make_html(), encoding="utf-8")
    assert detect_format(p) == "html"
    assert_same_tables(txt_report, evalkit.read_report(p))


def test_html_in_gbk_with_meta_charset(tmp_path, txt_report):
    p = tmp_path / "page.htm"
    p.write_bytes(make_html("gb2312").encode("gb18030"))
    assert_same_tables(txt_report, evalkit.read_report(p))


def test_html_spans_chrome_and_sources(tmp_path):
    p = tmp_path / "r.html"
    p.write_text(make_html(), encoding="utf-8")
    doc = load_any(p)
    assert [t.text for t in doc.text_lines] == TITLE + BEFORE + AFTER  # no nav, breadcrumb, share, footer
    assert [r.texts for r in doc.tables[0].rows] == [[_joined(t) for t, _ in row] for row in TABLE]
    report = evalkit.read_report(p)
    ind = report.indicators.set_index("level3")["source"]
    assert ind["医保基金结算及时率"] == "r:表1第10行第3列"
    assert set(report.funds["source"]) == {"r:段落5"}


def test_html_layout_table_is_read_as_body(tmp_path):
    p = tmp_path / "layout.html"
    p.write_text("""<html><body><table width="100%"><tr>
<td class="leftmenu">首页<br>政务公开</td>
<td><p>某县医疗保障局2023年度部门整体支出绩效自评报告</p>
<table border="1"><tr><td>一级指标</td><td>得分</td></tr><tr><td>产出指标</td><td>19.6</td></tr></table></td>
</tr></table></body></html>""", encoding="utf-8")
    doc = load_any(p)
    assert [t.text for t in doc.text_lines] == ["某县医疗保障局2023年度部门整体支出绩效自评报告"]
    assert [r.texts for r in doc.tables[0].rows] == [["一级指标", "得分"], ["产出指标", "19.6"]]


# ---------------------------------------------------------------------------------- pdf
def _cjk_font() -> Path | None:
    try:
        import mplfonts
    except ImportError:
        return None
    # Noto Sans CJK SC (SIL Open Font License); the SimHei file the wheel also carries has no licence
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return path if path.is_file() else None


A4 = (595.0, 842.0)
MARGIN = 56.0
WIDTHS = [90, 80, 120, 65, 55, 40, 45]  # points, 495 in all


def make_pdf(path: Path, split_after_row: int = 7) -> Path:
    """The fixture as a two-page PDF: narrative wrapped at the margin, the table ruled and
    continued on page 2, page numbers at the foot."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    font = _cjk_font()
    body, small = FontProperties(fname=str(font), size=10.5), FontProperties(fname=str(font), size=9)
    W, H = A4
    edges = [MARGIN]
    for w in WIDTHS:
        edges.append(edges[-1] + w)

    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        pages = []

        def new_page():
            fig = Figure(figsize=(W / 72, H / 72))
            pages.append(fig)
            return fig

        def text(fig, x, y, s, fp):
            return fig.text(x / W, 1 - y / H, s, fontproperties=fp, va="top", ha="left")

        def line(fig, x0, y0, x1, y1):
            fig.add_artist(Line2D([x0 / W, x1 / W], [1 - y0 / H, 1 - y1 / H], color="black", linewidth=0.6))

        def width_of(fig, s, fp):
            from matplotlib.backends.backend_agg import RendererAgg

            r = RendererAgg(W, H, 72)
            w, _, _ = r.get_text_width_height_descent(s, fp, ismath=False)
            return w

        def paragraph(fig, y, s):
            """Greedy wrap at the right margin, as a word processor does."""
            right = W - MARGIN
            rest = s
            while rest:
                n = len(rest)
                while n > 1 and MARGIN + width_of(fig, rest[:n], body) > right:
                    n -= 1
                while 1 < n < len(rest) and re.match(r"[\w.,]{2}", rest[n - 1:n + 1], re.ASCII):
                    n -= 1  # no break inside a number
                text(fig, MARGIN, y, rest[:n], body)
                rest = rest[n:]
                y += 16
            return y

        def table_rows(fig, y, rows):
            heights = []
            for row in rows:
                lines = max(len(t) if isinstance(t, tuple) else 1 for t, _ in row)
                heights.append(8 + 12 * lines)
            tops = [y]
            for h in heights:
                tops.append(tops[-1] + h)
            for r, row in enumerate(rows):
                c = 0
                for t, span in row:
                    x0, x1 = edges[c], edges[c + span]
                    y0, y1 = tops[r], tops[r + 1]
                    line(fig, x0, y0, x0, y1)
                    line(fig, x1, y0, x1, y1)
                    if t is not UP:
                        line(fig, x0, y0, x1, y0)  # no rule between a cell and its continuation
                        for k, piece in enumerate(t if isinstance(t, tuple) else (t,)):
                            text(fig, x0 + 3, y0 + 4 + 12 * k, piece, small)
                    c += span
            line(fig, edges[0], tops[-1], edges[-1], tops[-1])
            return tops[-1]

        fig = new_page()
        y = 60.0
        for s in TITLE:
            text(fig, MARGIN, y, s, body)
            y += 20
        y += 10
        for s in BEFORE:
            y = paragraph(fig, y, s)
        table_rows(fig, y + 12, TABLE[:split_after_row + 1])
        text(fig, W / 2, H - 40, "- 1 -", small)
        fig = new_page()
        y = table_rows(fig, 60.0, TABLE[split_after_row + 1:]) + 20
        for s in AFTER:
            y = paragraph(fig, y, s)
        text(fig, W / 2, H - 40, "- 2 -", small)
        for fig in pages:
            pdf.savefig(fig)
    return path


def _pdf_text_layer_works(tmp_path) -> str | None:
    """Why a PDF with a Chinese text layer cannot be made here, or None when it can."""
    if _cjk_font() is None:
        return "no CJK font (mplfonts' NotoSansCJKsc-Regular.otf) to write a PDF text layer with"
    import matplotlib
    import pdfplumber
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fig = Figure(figsize=(4, 1))
    fig.text(0.05, 0.5, "参保人数１２０.５万人≥95%", fontproperties=FontProperties(fname=str(_cjk_font())))
    p = tmp_path / "probe.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(p)
    with pdfplumber.open(p) as pdf:
        got = pdf.pages[0].extract_text()
    return None if got == "参保人数１２０.５万人≥95%" else f"pdfplumber reads the probe PDF back as {got!r}"


@pytest.fixture(scope="module")
def pdf_text_layer(tmp_path_factory):
    """Skip, saying why, where no PDF with a Chinese text layer can be written here."""
    why = _pdf_text_layer_works(tmp_path_factory.mktemp("probe"))
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def pdf_file(pdf_text_layer, tmp_path_factory):
    return make_pdf(tmp_path_factory.mktemp("pdf") / "cells_layout.pdf")


def test_pdf_same_tables_as_text(pdf_file, txt_report):
    assert detect_format(pdf_file) == "pdf"
    assert_same_tables(txt_report, evalkit.read_report(pdf_file))


def test_pdf_joins_table_across_pages_and_wrapped_lines(pdf_file):
    doc = load_any(pdf_file)
    assert [t.text for t in doc.text_lines] == TITLE + BEFORE + AFTER  # wrapped lines joined, page numbers gone
    assert len(doc.tables) == 1
    assert [r.texts for r in doc.tables[0].rows] == [[_joined(t) for t, _ in row] for row in TABLE]
    cells = doc.tables[0].rows
    assert doc.locate(cells[0].cells[0].line) == "第1页表1第1行第1列"
    assert doc.locate(cells[9].cells[2].line) == "第2页表1第10行第3列"  # rows numbered on across the page break
    assert doc.locate(doc.text_lines[-1].line) == "第2页第2行"  # the heading is line 1


def test_pdf_drops_running_headers_and_page_numbers(pdf_text_layer, tmp_path):
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    big, small = (FontProperties(fname=str(_cjk_font()), size=s) for s in (16, 8))
    body = ["一、部门基本情况", "二、预算执行情况", "三、绩效目标完成情况"]
    p = tmp_path / "headers.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(p) as pdf:
        for k, line in enumerate(body, start=1):
            fig = Figure(figsize=(A4[0] / 72, A4[1] / 72))
            fig.text(0.1, 1 - 30 / A4[1], "浏阳市医疗保障局2023年度自评报告", fontproperties=small, va="top")
            if k == 1:  # the title on page 1, in the header band but in a large size
                fig.text(0.1, 1 - 50 / A4[1], "浏阳市医疗保障局2023年度自评报告", fontproperties=big, va="top")
            fig.text(0.1, 0.5, line, fontproperties=small)
            fig.text(0.5, 30 / A4[1], f"第 {k} 页 共 3 页", fontproperties=small)
            pdf.savefig(fig)
    assert load_any(p).lines == ["浏阳市医疗保障局2023年度自评报告"] + body


def test_pdf_without_text_is_a_scan(tmp_path):
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4))
    fig.figimage(np.random.default_rng(0).random((200, 200)), xo=10, yo=10)
    p = tmp_path / "scan.pdf"
    fig.savefig(p)
    with pytest.raises(ReportReadError, match="没有可提取的文字（可能是扫描件），请先做 OCR") as exc:
        evalkit.read_report(p)
    assert str(p) in str(exc.value)


# ---------------------------------------------------------------------------- unsupported
@pytest.mark.parametrize("name,content,word", [
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "旧版 Office"),
    ("report.xlsx", None, "Excel"),
    ("scan.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "图片"),
    ("report.rtf", b"{\\rtf1\\ansi 2023}", "RTF"),
    ("data.bin", bytes(range(256)), "不支持的文件类型"),
    ("broken.docx", "这只是改了扩展名的文本".encode(), "扩展名是 .docx"),
])
def test_unsupported_files_get_a_clear_message(tmp_path, name, content, word):
    p = tmp_path / name
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
        content = buf.getvalue()
    p.write_bytes(content)
    with pytest.raises(ReportReadError, match=word) as exc:
        evalkit.read_report(p)
    assert str(p) in str(exc.value)


def test_a_text_file_is_opened_once_and_read_whole(tmp_path, monkeypatch):
    """The first bytes that tell the format and the rest come from one opening of the file;
    the document is the text reader's, also for a file longer than those first bytes."""
    p = tmp_path / "long.txt"
    p.write_bytes(TXT.read_bytes() + "备注：补充说明。\n".encode() * 2000)  # (far over 8 KB)
    expected = load_document(p)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read twice"))
    doc = load_any(p)
    assert opened == [p]
    assert (doc.lines, doc.sha256, doc.encoding) == (expected.lines, expected.sha256, expected.encoding)


def test_a_text_file_over_the_limit_is_refused_by_load_any(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_bytes(TXT.read_bytes() * 3)
    monkeypatch.setattr("evalkit.readers.MAX_BYTES", 2_000)  # (less than the first bytes read)
    with pytest.raises(ReportReadError, match="文件过大") as exc:
        load_any(p)
    assert str(p) in str(exc.value) and f"{p.stat().st_size} 字节" in str(exc.value)


def test_folders_take_every_supported_format(tmp_path):
    # three different reports (the same text in two formats would be read once, as a duplicate)
    make_docx(tmp_path / "a.docx")
    (tmp_path / "b.html").write_text(make_html().replace("</body>", "<p>备注：网页版。</p></body>"),
                                     encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(TXT.read_bytes() + "备注：另一份。\n".encode())
    (tmp_path / "notes.csv").write_text("编号,名称\n1,甲\n", encoding="utf-8")
    corpus = evalkit.read_reports(tmp_path)
    assert sorted(corpus.reports["report_id"]) == ["a", "b", "c"]
    assert corpus.failures.empty
    assert corpus.indicators.groupby("report_id").size().to_dict() == {"a": 3, "b": 3, "c": 3}
    assert corpus.skipped["path"].str.endswith("notes.csv").tolist() == [True]


def test_the_same_report_as_word_file_and_as_web_page_is_read_once(tmp_path):
    make_docx(tmp_path / "a.docx")
    (tmp_path / "b.html").write_text(make_html(), encoding="utf-8")
    corpus = evalkit.read_reports(tmp_path)
    assert corpus.reports["report_id"].tolist() == ["a"]
    [reason] = corpus.failures["reason"].tolist()
    assert "b.html" in reason and "a.docx" in reason and "文字相同" in reason


# ------------------------------------------------------------- the sample reports, rebuilt
def _blocks_to_docx(txt: Path, out: Path) -> Path:
    """A .docx with the sample's paragraphs and tables (a short row's last cell spans the rest)."""
    import docx

    from evalkit.document import TextLine

    d = docx.Document()
    for block in load_document(txt).blocks:
        if isinstance(block, TextLine):
            d.add_paragraph(block.text)
            continue
        width = max(len(r.cells) for r in block.rows)
        table = d.add_table(rows=len(block.rows), cols=width)
        for i, row in enumerate(block.rows):
            n = len(row.cells)
            if 0 < n < width:
                table.cell(i, n - 1).merge(table.cell(i, width - 1))
            for j, cell in enumerate(row.cells):
                table.cell(i, j).text = cell.text
        d.add_paragraph("")
    d.save(out)
    return out


def _blocks_to_html(txt: Path, out: Path) -> Path:
    from evalkit.document import TextLine

    parts = ['<html><head><meta charset="utf-8"></head><body><nav>首页 2024</nav><div class="content">']
    for block in load_document(txt).blocks:
        if isinstance(block, TextLine):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        width = max(len(r.cells) for r in block.rows)
        parts.append("<table border=1>")
        for row in block.rows:
            tds = [f"<td>{html.escape(c.text)}</td>" for c in row.cells]
            if 0 < len(tds) < width:
                tds[-1] = tds[-1].replace("<td>", f'<td colspan="{width - len(tds) + 1}">', 1)
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    parts.append('</div><div class="footer">版权所有 2024</div></body></html>')
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


@pytest.mark.parametrize("build", [_blocks_to_docx, _blocks_to_html], ids=["docx", "html"])
def test_sample_reports_rebuilt_in_other_formats_give_the_same_tables(tmp_path, build):
    from conftest import require_reports

    for txt in sorted(require_reports().glob("*.txt")):
        other = build(txt, tmp_path / (txt.stem + (".docx" if build is _blocks_to_docx else ".html")))
        a, b = evalkit.read_report(txt), evalkit.read_report(other)
        for name in COMPARED + ("rates",):
            x = getattr(a, name).drop(columns=["report_id", "source"])
            y = getattr(b, name).drop(columns=["report_id", "source"])
            pd.testing.assert_frame_equal(x, y, obj=f"{txt.stem} {name}")


# --------------------------------------------------------------- tab rows with a wrapped tail
def _tab_tables(lines: list[str]):
    from evalkit.document import Table
    from evalkit.readers.text import rebuild_blocks

    return [b for b in rebuild_blocks(lines) if isinstance(b, Table)]


def test_a_cells_wrapped_tail_stays_in_its_tab_table():
    # a unit wrapped out of the header's first cell, and a remark's last word on a line of its own
    lines = [
        "项目资金\t年初预算数\t全年预算数\t全年执行数",
        "（万元）",
        "年度资金总额\t320.00\t356.00\t341.76",
        "定点医药机构接入率\t100%\t98.5%\t网络改造已列入2024年",
        "计划",
        "项目建设完成时间\t12月31日前\t1月15日\t验收延迟",
    ]
    [table] = _tab_tables(lines)
    texts = [[c.text for c in row.cells] for row in table.rows]
    assert texts[0][0] == "项目资金（万元）"
    assert texts[1] == ["年度资金总额", "320.00", "356.00", "341.76"]
    assert texts[2][-1] == "网络改造已列入2024年计划"
    assert len(texts) == 4


@pytest.mark.parametrize("between", ["续表", "表2 支出明细", "二、项目支出", "- 2 -", "单位：万元", "本年度各项工作按计划推进。"])
def test_a_caption_or_heading_between_tab_rows_is_not_a_wrapped_tail(between):
    tables = _tab_tables(["项目\t年初预算数\t全年执行数", "基本支出\t10\t9", between,
                          "项目\t年初预算数\t全年执行数", "项目支出\t5\t4"])
    assert len(tables) == 2
    assert [c.text for c in tables[0].rows[-1].cells] == ["基本支出", "10", "9"]


def test_a_short_line_between_tab_rows_of_other_widths_ends_the_table():
    tables = _tab_tables(["项目\t年初预算数\t全年执行数", "基本支出\t10\t9", "说明", "一级\t二级\t三级\t分值"])
    assert [len(t.rows) for t in tables] == [2, 1]


def test_a_group_label_under_a_row_of_figures_is_not_glued_to_a_figure():
    tables = _tab_tables(["项目\t年初预算数\t全年执行数", "基本支出\t10\t9", "项目支出", "办公设备购置\t5\t4"])
    assert [c.text for c in tables[0].rows[-1].cells] == ["基本支出", "10", "9"]


@pytest.mark.parametrize("above, label", [("无", "效益指标"), ("网络改造未完成", "效益指标"), ("无", "计划")])
def test_a_level_label_or_a_cell_of_nothing_takes_no_wrapped_tail(above, label):
    lines = ["一级指标\t三级指标\t分值\t得分\t偏差原因", f"产出指标\t参保人数\t10\t10\t{above}", label,
             "\t群众满意度\t10\t9\t无"]
    first = _tab_tables(lines)[0]
    assert first.rows[1].cells[-1].text == above
