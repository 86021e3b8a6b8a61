"""Scoring rule sets kept as data: ``evalkit/rules/<name>_<table>.csv``.

A rule set has five tables:

``weights``
    default first-level weights (预算执行率 10, 产出 50, 效益 30, 满意度 10) with the labels
    reports use for each level (``aliases``, ``|``-separated);
``grades``
    grade bands (lower bound inclusive, upper bound exclusive);
``qualitative_bands``
    the share of the weight a qualitative indicator earns in each band;
``qualitative_words``
    words of targets and actuals, their canonical form and band; ``match`` is ``exact``
    (the whole cell) or ``contains`` (anywhere in the cell);
``parameters``
    named settings (decimals of scores, the reverse-indicator multiple, …).

The national rule set (财预〔2020〕10号) is ``national``. A provincial variant is a new set of
files, e.g. ``hubei_grades.csv`` (in this folder, or in a folder passed as ``directory``);
tables the variant does not have are taken from ``national``.
"""

from __future__ import annotations

import csv
import functools
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from ._common import read_rule_file, rule_file_exists

logger = logging.getLogger(__name__)

__all__ = ["TABLES", "RuleSet", "load_rules"]

TABLES = ("weights", "grades", "qualitative_bands", "qualitative_words", "parameters")


@dataclass(frozen=True)
class RuleSet:
    """One scoring rule set, loaded from the CSV files of ``evalkit/rules``.

    Attributes
    ----------
    name : str
        Name of the set (``national``).
    weights : tuple of dict
        Rows of ``<name>_weights.csv``.
    grades : tuple of dict
        Rows of ``<name>_grades.csv``.
    qualitative_bands : tuple of dict
        Rows of ``<name>_qualitative_bands.csv``.
    qualitative_words : tuple of dict
        Rows of ``<name>_qualitative_words.csv``.
    parameters : dict
        ``name → value`` from ``<name>_parameters.csv``.
    """

    name: str
    weights: tuple[dict[str, str], ...]
    grades: tuple[dict[str, str], ...]
    qualitative_bands: tuple[dict[str, str], ...]
    qualitative_words: tuple[dict[str, str], ...]
    parameters: dict[str, str]

    def parameter(self, key: str, default: str | None = None) -> str | None:
        """A named parameter as text."""
        return self.parameters.get(key, default)

    @property
    def score_decimals(self) -> int:
        """Decimals scores are rounded to (half up)."""
        return int(self.parameters.get("score_decimals", "2"))

    def grade_for(self, score: float | None) -> str | None:
        """The grade of a total score under this rule set's bands.

        Examples
        --------
        >>> rules = load_rules()
        >>> rules.grade_for(90), rules.grade_for(89.99), rules.grade_for(60), rules.grade_for(59)
        ('优', '良', '中', '差')
        >>> rules.grade_for(None) is None
        True
        """
        if score is None or math.isnan(score):
            return None
        for row in self.grades:
            lower = float(row["lower"]) if row.get("lower") else float("-inf")
            upper = float(row["upper"]) if row.get("upper") else float("inf")
            if lower <= score < upper:
                return row["grade"]
        return None

    def band(self, band: str) -> tuple[float, float] | None:
        """(low, high) share of the weight, in percent, of a qualitative band.

        Examples
        --------
        >>> load_rules().band("部分达成")
        (60.0, 80.0)
        """
        for row in self.qualitative_bands:
            if band in (row["band"], row.get("label")):
                return float(row["low_pct"]), float(row["high_pct"])
        return None

    def band_label(self, band: str) -> str:
        """The long label of a band (达成 → 达成年度指标)."""
        for row in self.qualitative_bands:
            if row["band"] == band:
                return row.get("label") or band
        return band

    def default_level1(self, label: str | None) -> tuple[str, float] | None:
        """The default first-level weight a report's level-1 label corresponds to.

        Examples
        --------
        >>> load_rules().default_level1("项目产出指标")
        ('产出', 50.0)
        >>> load_rules().default_level1("社会效应") is None
        True
        """
        if not label:
            return None
        label = "".join(label.split())
        best: tuple[int, str, float] | None = None
        for row in self.weights:
            for alias in row["aliases"].split("|"):
                matches = bool(alias) and (label == alias or alias in label)
                if matches and (best is None or len(alias) > best[0]):
                    best = (len(alias), row["level1"], float(row["weight"]))
        return None if best is None else (best[1], best[2])


@functools.cache
def load_rules(name: str = "national", directory: str | os.PathLike | None = None) -> RuleSet:
    """Load a scoring rule set from ``evalkit/rules/<name>_<table>.csv``.

    Parameters
    ----------
    name : str, default 'national'
        The rule set. Tables a variant does not provide are taken from ``national``.
    directory : path-like, optional
        A folder holding the variant's files (``<name>_<table>.csv``), for rule sets kept
        outside the package; the national tables still come from the package.

    Returns
    -------
    RuleSet

    Raises
    ------
    ValueError
        If no file of the rule set exists.

    Examples
    --------
    >>> rules = load_rules()
    >>> [(r["level1"], r["weight"]) for r in rules.weights]
    [('预算执行率', '10'), ('产出', '50'), ('效益', '30'), ('满意度', '10')]
    >>> rules.parameter("reverse_zero_multiple")
    '2'
    """
    folder = Path(directory) if directory is not None else None

    def exists(filename: str) -> bool:
        return (folder / filename).is_file() if folder else rule_file_exists(filename)

    def read(filename: str) -> tuple[dict[str, str], ...]:
        if folder and (folder / filename).is_file():
            lines = (folder / filename).read_text(encoding="utf-8-sig").splitlines()
            return tuple(dict(row) for row in csv.DictReader(lines))
        return read_rule_file(filename)

    found = [t for t in TABLES if exists(f"{name}_{t}.csv")]
    if not found:
        where = folder or "evalkit/rules"
        raise ValueError(f"no rule files named {name}_*.csv in {where}")
    tables = {}
    for table in TABLES:
        source = name if table in found else "national"
        if source != name:
            logger.info("rule set %s has no %s table; using national", name, table)
        tables[table] = read(f"{source}_{table}.csv")
    parameters = {row["name"]: row["value"] for row in tables.pop("parameters")}
    return RuleSet(name=name, parameters=parameters, **tables)
