"""Enrollment and funds checks: head counts and fund flows against the parts stated with them,
one figure stated with different values, head counts written with decimals, and figures the
reader kept with a problem noted (rule codes ``parts-exceed-total``, ``parts-short-of-total``,
``enrollment-conflict``, ``funds-conflict``, ``headcount-not-integer``, ``figure-noted``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from evalkit import vocab

from .._common import fmt, join_sources, lines_label, records, text
from ._base import (
    Context,
    Finding,
    _conflicts,
    _ctx,  # noqa: F401 (used by the doctests)
    _figures,
    _same_line_identities,
    check,
    grouped_records,
)


@check("enrollment-funds-identities")
def check_enrollment_funds_identities(ctx: Context) -> Iterator[Finding]:
    """Head counts and fund flows against the parts stated in the same sentence.

    参保人数 合计 = 职工医保 + 居民医保; 基金 合计 = 职工医保 + 居民医保; 职工医保 = 统筹基金 +
    个人账户 (``rules/identities.csv``). Tolerances follow the rounding written (43.01万人 ± 50).

    Examples
    --------
    >>> e = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3,
    ...     "scheme": ["合计", "职工医保", "居民医保"], "persons": [430100, 35800, 394300],
    ...     "raw": ["43.01万人", "3.58万人", "39.43万人"], "source": ["r:40"] * 3})
    >>> list(check_enrollment_funds_identities(_ctx(enrollment=e)))
    []
    """
    yield from _same_line_identities(ctx, "enrollment", "persons", ["year"])
    yield from _same_line_identities(ctx, "funds", "amount_wan", ["year", "flow"])


#: Schemes with one clear definition; other groupings (资助参保 …) may be counted differently
#: from one sentence to the next, so a difference in them is only a 提示.
#: Schemes with one definition (``vocab/scheme_list.csv``): two different counts of one are a conflict.
SCHEMES = vocab.schemes(well_defined_only=True)


@check("enrollment-funds-conflicts")
def check_enrollment_funds_conflicts(ctx: Context) -> Iterator[Finding]:
    """The same head count or fund flow (year, scheme, flow) stated with different values.

    For a scheme outside :data:`SCHEMES` the finding is a 提示.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3, "scheme": ["职工医保"] * 3,
    ...     "flow": ["支出"] * 3, "amount_wan": [16000.0, 17558.29, 16000.0],
    ...     "raw": ["1.6亿元", "17558.29万元", "1.6亿元"], "source": ["r:40", "r:815", "r:240"]})
    >>> [(f.rule, f.expected, f.observed) for f in check_enrollment_funds_conflicts(_ctx(funds=f))]
    [('funds-conflict', '16000', '17558.29')]

    1.6亿元 is 16000 ± 500 万元 as written; 17558.29 is outside.
    """
    keys = ["report_id", "year", "scheme"]
    # (the records carry only what _figures reads: smaller dicts, made faster)
    e = _stated_twice(ctx.tables["enrollment"], keys, "persons")[[*keys, "persons", "raw", "source"]]
    for (rid, year, scheme), rows in grouped_records(e, keys):
        yield from _conflicts(rid, f"{fmt(year)}年{scheme}参保人数", _figures(rows, "persons", "raw"),
                              "人", "enrollment-conflict", loose=scheme not in SCHEMES,
                              unclear=_unknown(year=year, scheme=scheme))
    keys = ["report_id", "year", "scheme", "flow"]
    f = _stated_twice(ctx.tables["funds"], keys, "amount_wan")[[*keys, "amount_wan", "raw", "source"]]
    for (rid, year, scheme, flow), rows in grouped_records(f, keys):
        yield from _conflicts(rid, f"{fmt(year)}年{scheme}基金{flow}",
                              _figures(rows, "amount_wan", "raw"), "万元", "funds-conflict",
                              loose=scheme not in SCHEMES,
                              unclear=_unknown(year=year, scheme=scheme, flow=flow))


def _stated_twice(df: pd.DataFrame, keys: list[str], value_col: str) -> pd.DataFrame:
    """The rows of the groups that state two values or more (the only ones that can conflict)."""
    several = df.groupby(keys, dropna=False, sort=False)[value_col].transform("nunique") > 1
    return df[several.to_numpy(dtype=bool)]


@check("headcounts")
def check_headcounts(ctx: Context) -> Iterator[Finding]:
    """Head counts written with decimals and no 万 (``46.98人``), kept without a value.

    When the number × 10 000 equals a head count stated elsewhere for the same year and
    scheme, the message says the 万 was probably dropped.

    Examples
    --------
    >>> e = pd.DataFrame({"report_id": ["r"] * 2, "year": [2024] * 2, "scheme": ["合计"] * 2,
    ...     "persons": [None, 430600], "raw": ["43.06人", "43.06万人"], "source": ["r:470", "r:819"]})
    >>> [f.message for f in check_headcounts(_ctx(enrollment=e))]
    ['2024年合计参保人数写作“43.06人”（带小数的人数，未取值）；同年另处为430600人（L819），疑漏写“万”']
    """
    e = ctx.tables["enrollment"]
    bad = e[e["persons"].isna() & e["raw"].notna()]
    for (rid, year, scheme, raw), rows in bad.groupby(["report_id", "year", "scheme", "raw"],
                                                      dropna=False, sort=False):
        written = _first_number(raw)
        if written is None:
            continue
        message = f"{fmt(year)}年{scheme}参保人数写作“{raw}”（带小数的人数，未取值）"
        others = e[(e["report_id"] == rid) & (e["year"] == year) & (e["scheme"] == scheme)
                   & e["persons"].notna()]
        match = others[(others["persons"].astype("float") - written * 10000).abs() < 0.5]
        extra: list[str] = []
        if not match.empty:
            message += (f"；同年另处为{fmt(written * 10000)}人（{lines_label(match['source'])}），"
                        "疑漏写“万”")
            extra = list(match["source"])
        notes = [text(n) for n in rows["note"] if text(n)]
        if notes and match.empty:
            message += f"；{notes[0]}"
        yield Finding(rid, "headcount-not-integer", "警告", message, "", text(raw) or "", None,
                      join_sources(rows["source"], extra))


@check("noted-figures")
def check_noted_figures(ctx: Context) -> Iterator[Finding]:
    """Head counts and fund figures the reader kept with a problem noted in ``note``.

    (Head counts without a value are reported by :func:`check_headcounts`.)

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"], "year": [2022], "scheme": ["合计"], "flow": ["支出"],
    ...     "amount_wan": [5.7], "raw": ["5.7"], "note": ["未写单位，按万元计"], "source": ["r:9"]})
    >>> [(x.rule, x.observed) for x in check_noted_figures(_ctx(funds=f))]
    [('figure-noted', '5.7')]
    """
    for table, value_col, what in (("enrollment", "persons", "参保人数"),
                                   ("funds", "amount_wan", "基金")):
        df = ctx.tables[table]
        noted = df[df["note"].notna() & df[value_col].notna()]
        for rec in records(noted):
            flow = text(rec.get("flow")) or ""
            yield Finding(rec["report_id"], "figure-noted", "提示",
                          f"{fmt(rec.get('year'))}年{rec.get('scheme')}{what}{flow}“{rec.get('raw')}”："
                          f"{rec.get('note')}", "", text(rec.get("raw")) or fmt(rec.get(value_col)),
                          None, join_sources([rec.get("source")]))


def _first_number(value: object) -> float | None:
    m = re.search(r"\d+(?:\.\d+)?", text(value) or "")
    return float(m.group(0)) if m else None


_KEY_WORDS = {"year": "年度", "scheme": "险种", "flow": "收支项"}


def _unknown(**keys: object) -> str | None:
    """Why two figures cannot be shown comparable: the keys that are missing, or None."""
    missing = [_KEY_WORDS[k] for k, v in keys.items() if pd.isna(v)]
    return f"{'、'.join(missing)}不明，无法确认两数是同一口径" if missing else None
