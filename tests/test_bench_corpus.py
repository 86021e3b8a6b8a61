"""The benchmark's generated reports agree with themselves as published reports mostly do.

The benchmark (``bench/corpus.py``) times the whole job, and what ``check`` and ``build`` cost
grows with the findings: a corpus whose every paragraph contradicts the last times a job no
user runs. These tests hold the generator to its word: a restated paragraph restates the same
figures, parts add up to their totals, a balance is income less expense, and an indicator's
score is the national rule's (``evalkit.analysis.scoring.national_score``) unless deducted.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

from evalkit.analysis.scoring import national_score

_SPEC = importlib.util.spec_from_file_location("bench_corpus", Path(__file__).resolve().parents[1] / "bench" / "corpus.py")
corpus = sys.modules["bench_corpus"] = importlib.util.module_from_spec(_SPEC)  # (its dataclass looks itself up)
_SPEC.loader.exec_module(corpus)

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(text)]


@pytest.mark.parametrize("seed", range(20))
def test_parts_add_up_to_their_totals(seed):
    rng = random.Random(seed)
    enrolled = corpus._fill(corpus.PARAGRAPHS[0], rng, 2023)  # 参保 a 万人，其中：职工 b，居民 c
    _, a, b, c, _ = _numbers(enrolled)
    assert a == pytest.approx(b + c, abs=0.006)
    fund = corpus._fill(corpus.PARAGRAPHS[1], rng, 2023)  # 收入、支出、当期结余
    _, income, expense, balance, _ = _numbers(fund)
    assert balance == pytest.approx(income - expense, abs=0.006)
    resident = corpus._fill(corpus.PARAGRAPHS[2], rng, 2023)  # 收入、其中财政补助、支出、支出率
    income, subsidy, expense, rate = _numbers(resident)
    assert subsidy < income
    assert rate == pytest.approx(expense / income * 100, abs=0.006)
    final = corpus._fill(corpus.PARAGRAPHS[7], rng, 2023)  # 决算支出 = 基本支出 + 项目支出
    _, total, basic, project, _ = _numbers(final)
    assert total == pytest.approx(basic + project, abs=0.006)
    three = corpus._fill(corpus.PARAGRAPHS[8], rng, 2023)  # 三公经费 = 接待 + 公务用车
    total, reception, cars = _numbers(three)
    assert total == pytest.approx(reception + cars, abs=0.006)


def test_a_restated_paragraph_restates_the_same_figures():
    _, data = corpus.make_report(3, random.Random(7), ["示范县"], 40_000)  # report 3: the UTF-8 layout
    lines = data.decode("utf-8").split("\n")
    stated: dict[str, str] = {}
    for line in lines:
        for template in corpus.PARAGRAPHS:
            head = template.removeprefix("{y}").split("{")[0]  # the words before the first figure
            if line.lstrip("0123456789").startswith(head):
                assert stated.setdefault(head, line) == line
    assert stated  # the report has paragraphs with figures


@pytest.mark.parametrize("target, actual, weight, op, t, a", [
    ("≥95%", "96.5%", 5, ">=", 95, 96.5),
    ("≥95%", "90%", 5, ">=", 95, 90),
    ("≥3000人", "2850人", 10, ">=", 3000, 2850),
    ("≤20个工作日", "18个工作日", 4, "<=", 20, 18),
    ("≤100%", "97%", 3, "<=", 100, 97),
    ("100%", "92%", 6, ">=", 100, 92),
])
def test_a_score_is_the_national_rules(target, actual, weight, op, t, a):
    assert corpus._rule_score(target, actual, weight) == national_score(op, t, a, weight)[0]


def test_a_qualitative_indicator_met_in_words_gets_full_marks():
    assert corpus._rule_score("收支平衡", "基本平衡", 8) == 8.0


def test_names_drawn_again_are_told_apart():
    rows = corpus._indicator_rows(random.Random(1), "cells", 60)
    names = [row[2] for row in rows]
    assert len(set(names)) == len(names)
