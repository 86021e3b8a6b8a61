"""Figures whose size says the reading went wrong leave their table for the residue, with the reason."""

from __future__ import annotations

from evalkit.extract.plausibility import set_aside_suspects


def _tables():
    return {
        "rates": [{"name": "执行率", "value_pct": 10001000100.0, "source": "r:3"},
                  {"name": "执行率", "value_pct": 98.5, "source": "r:4"}],
        "indicators": [{"level3": "参保率", "weight": 1010.0, "score": 55.0, "source": "r:7"},
                       {"level3": "满意度", "weight": 10.0, "score": 9.0, "source": "r:8"}],
        "enrollment": [{"scheme": "合计", "persons": 4301000000, "source": "r:9"},
                       {"scheme": "合计", "persons": 430100, "source": "r:10"}],
        "budget": [{"item": "支出合计", "amount_wan": 22809700.0 * 10000, "source": "r:11"},
                   {"item": "支出合计", "amount_wan": -363.0, "source": "r:12"}],
    }


def test_implausible_rows_leave_their_tables():
    tables = _tables()
    residue = set_aside_suspects(tables, {f"r:{n}": n for n in range(20)}, "r")
    assert [r["value_pct"] for r in tables["rates"]] == [98.5]
    assert [r["level3"] for r in tables["indicators"]] == ["满意度"]
    assert [r["persons"] for r in tables["enrollment"]] == [430100]
    assert [r["amount_wan"] for r in tables["budget"]] == [-363.0]
    assert [(r["line"], r["reason"].split("，")[0]) for r in residue] == [
        (3, "存疑：比率超过300%"),
        (7, "存疑：分值超出0-100"),
        (9, "存疑：参保人数超过全国人口"),
        (11, "存疑：预算金额超过10万亿元"),
    ]


def test_plausible_rows_stay():
    tables = {"rates": [{"value_pct": 300.0, "source": "r:1"}], "indicators": [{"weight": 0.0, "score": 100.0, "source": "r:2"}]}
    assert set_aside_suspects(tables, {}, "r") == []
    assert len(tables["rates"]) == 1 and len(tables["indicators"]) == 1


def test_only_plain_numbers_are_bounded():
    """NaN, a boolean or a text is no figure to bound; a number of another type is bounded."""
    from decimal import Decimal

    import numpy as np

    rows = [{"weight": float("nan"), "source": "r:1"}, {"weight": True, "source": "r:2"},
            {"weight": "1010", "source": "r:3"}, {"weight": np.float64(1010.0), "source": "r:4"},
            {"weight": Decimal(1010), "source": "r:5"}, {"weight": 1010, "source": "r:6"}]
    tables = {"indicators": rows}
    residue = set_aside_suspects(tables, {f"r:{n}": n for n in range(9)}, "r")
    assert [r["line"] for r in residue] == [4, 6]
    assert [r["source"] for r in tables["indicators"]] == ["r:1", "r:2", "r:3", "r:5"]
