"""The Corpus API: filter, derived tables, repr, and reading the bundled tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evalkit
from evalkit.report import TABLE_NAMES, Corpus

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return evalkit.open_tables(DATA)


def test_filter_keeps_every_table_consistent(corpus):
    hunan = corpus.filter(province="湖南")
    ids = set(hunan.reports["report_id"])
    assert len(ids) >= 1 and set(hunan.reports["province"]) == {"湖南省"}
    for name in TABLE_NAMES:
        frame = getattr(hunan, name)
        assert set(frame["report_id"]) <= ids, name
        full = getattr(corpus, name)
        assert len(frame) == int(full["report_id"].isin(ids).sum()), name
    assert list(hunan.budget.dtypes) == list(corpus.budget.dtypes)


@pytest.mark.parametrize(
    ("criteria", "column", "check"),
    [
        ({"year": range(2021, 2024)}, "fiscal_year", lambda v: 2021 <= v <= 2023),
        ({"year": 2024}, "fiscal_year", lambda v: v == 2024),
        ({"department": "医疗保障局"}, "department", lambda v: "医疗保障局" in v),
        ({"kind": "部门整体"}, "report_kind", lambda v: "部门整体" in v),
        ({"province": ["湖北", "江西"]}, "province", lambda v: v in {"湖北省", "江西省"}),
    ],
)
def test_filter_criteria(corpus, criteria, column, check):
    got = corpus.filter(**criteria).reports
    expected = corpus.reports[corpus.reports[column].map(lambda v: pd.notna(v) and check(v))]
    assert len(got) == len(expected) > 0
    assert got["report_id"].tolist() == expected["report_id"].tolist()


def test_filter_combines_criteria_and_drops_unknown_fields(corpus):
    none = corpus.filter(province="湖南", year=2021)
    assert len(none.reports) == 0 and len(none.budget) == 0
    # A report whose region is missing matches no region criterion.
    assert corpus.reports["province"].isna().any()
    assert not corpus.filter(province=["湖南", "湖北", "江西"]).reports["province"].isna().any()


def test_derived_tables_are_reachable_and_computed_once(corpus, monkeypatch):
    first = corpus.derived()
    assert set(first) == {"execution", "achievement", "findings"}
    import evalkit.analysis

    monkeypatch.setattr(evalkit.analysis, "derive", lambda tables: pytest.fail("derived twice"))
    assert corpus.derived() is first
    # A filtered corpus has its own derived tables, about its reports only.
    monkeypatch.undo()
    sub = corpus.filter(province="湖南")
    assert set(sub.derived()["findings"]["report_id"]) <= set(sub.reports["report_id"])


def test_repr_is_short_and_html_is_a_table(corpus):
    text = repr(corpus)
    assert len(text) < 400
    assert text.startswith(f"Corpus({len(corpus.reports)} 份报告")
    assert "budget" in text and "无法读取 0 个" in text
    html = corpus._repr_html_()
    assert html.startswith("<table>") and "各表行数" in html and "<script" not in html


def test_open_tables_refuses_a_folder_without_reports_csv(tmp_path):
    with pytest.raises(FileNotFoundError, match="reports.csv"):
        evalkit.open_tables(tmp_path)


def test_read_reports_raises_on_a_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        evalkit.read_reports(tmp_path / "nope")


def test_each_module_exports_its_api_only():
    import importlib

    # (evalkit.panel is the function; the module is reached by its import name)
    modules = [importlib.import_module(m) for m in ("evalkit", "evalkit.panel", "evalkit.plotting",
                                                    "evalkit.report", "evalkit.cli")]
    for module in modules:
        assert all(not name.startswith("_") or name == "__version__" for name in module.__all__)
        assert all(hasattr(module, name) for name in module.__all__), module.__name__
    assert callable(evalkit.panel) and evalkit.panel is modules[1].panel
