"""Reading is bounded: a file over a limit fails with a message naming the file and the limit,
and nothing is cut in silence (issue 13). The files are made on the fly and kept small: the
tests lower the limits instead of building huge files."""

from __future__ import annotations

import pytest

import evalkit
from evalkit.document import ReportReadError
from evalkit.readers import _render, load_any


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def test_unclosed_styling_tags_do_not_cut_a_page(tmp_path):
    # old CMS pages leave <font>/<span> unclosed by the thousand; libxml2 stops nesting at 256
    # (at 2048 with its huge-tree option) and drops everything after it
    path = tmp_path / "deep.html"
    path.write_text(_page("".join(f"<font color=red><span>第{i}段，参保{i}人<br>" for i in range(3000))),
                    encoding="utf-8")
    doc = load_any(path)
    assert len(doc.lines) == 3000
    assert doc.lines[-1] == "第2999段，参保2999人"


def test_a_page_nested_too_deep_is_refused_with_a_message(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text(_page("".join(f'<div style="margin:0">第{i}段' for i in range(3000))), encoding="utf-8")
    with pytest.raises(ReportReadError, match=r"nested.html: 网页的标签嵌套过深"):
        load_any(path)


def test_a_span_bomb_is_refused(tmp_path):
    rows = "".join("<tr>" + "".join('<td rowspan="1000" colspan="1000">x</td>' for _ in range(3)) + "</tr>"
                   for _ in range(200))
    path = tmp_path / "spans.html"
    path.write_text(_page(f"<p>某县医疗保障局</p><table>{rows}</table>"), encoding="utf-8")
    with pytest.raises(ReportReadError, match=r"spans.html: .*单元格超过上限"):
        load_any(path)


def test_more_rendered_text_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_render, "MAX_RENDERED_CHARS", 2_000)
    path = tmp_path / "big.html"
    path.write_text(_page("".join(f"<p>第{i}段：医疗保障局的工作情况说明。</p>" for i in range(300))), encoding="utf-8")
    with pytest.raises(ReportReadError, match=r"big.html: 文件展开后的文字超过上限（2,000 个字符"):
        load_any(path)


def test_a_docx_over_the_limit_is_refused(tmp_path, monkeypatch):
    docx = pytest.importorskip("docx")
    monkeypatch.setattr(_render, "MAX_RENDERED_LINES", 50)
    document = docx.Document()
    for i in range(100):
        document.add_paragraph(f"第{i}段：某县医疗保障局2023年度工作情况。")
    path = tmp_path / "many.docx"
    document.save(path)
    with pytest.raises(ReportReadError, match=r"many.docx: 文件展开后的文字超过上限"):
        load_any(path)


def test_in_a_batch_the_refused_file_is_named_and_the_rest_read(tmp_path, monkeypatch):
    monkeypatch.setattr(_render, "MAX_RENDERED_CHARS", 2_000)
    (tmp_path / "big.html").write_text(_page("".join(f"<p>第{i}段：医疗保障局的工作情况。</p>" for i in range(300))),
                                       encoding="utf-8")
    (tmp_path / "ok.txt").write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\n参保43.01万人。\n", encoding="utf-8")
    corpus = evalkit.read_reports(tmp_path, workers=1)
    assert corpus.reports["report_id"].tolist() == ["ok"]
    assert "超过上限" in corpus.failures["reason"].iloc[0]
