"""Findings for a terminal: sorted, wrapped to a width, counted by severity.

:func:`render_findings` writes the audit findings (kind 矛盾) first and the review list of
extraction suspects (kind 存疑) after them, each sorted by severity, then unit (the department,
else the report id), then rule; every finding is a block of lines no wider than ``width``
display columns (a CJK character counts two), its figures rounded to at most two decimals.
:func:`fails` says whether findings reach a severity (``evalkit check --fail-on``).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping

import pandas as pd

from ._common import SEVERITIES, fmt, records, round_half_up

logger = logging.getLogger(__name__)

__all__ = ["count_line", "fails", "render_findings", "sort_findings"]

_KIND_ORDER = {"矛盾": 0, "存疑": 1}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width`` display columns (a CJK character counts two)."""
    lines, line = [], ""
    for ch in text:
        if _width(line + ch) > width:
            lines.append(line.rstrip())
            line = "" if ch == " " else ch
        else:
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _shown(value: object) -> str:
    """A figure rounded to two decimals (858.179982 → 858.18); text as written."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return str(value)
    return fmt(round_half_up(number, 2))


def sort_findings(findings: pd.DataFrame, departments: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Findings in reading order: kind (矛盾 before 存疑), severity, unit, rule, report.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["b", "a", "a"], "rule": ["x", "y", "z"],
    ...     "kind": ["矛盾", "存疑", "矛盾"], "severity": ["提示", "错误", "错误"]})
    >>> sort_findings(f)["rule"].tolist()
    ['z', 'x', 'y']
    """
    departments = departments or {}
    unit = findings["report_id"].map(lambda r: departments.get(r) or str(r))
    kind = findings["kind"] if "kind" in findings.columns else pd.Series("矛盾", index=findings.index)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    keyed = findings.assign(_k=kind.map(_KIND_ORDER).fillna(2), _s=findings["severity"].map(order).fillna(9),
                            _u=unit)
    return keyed.sort_values(["_k", "_s", "_u", "rule", "report_id"], kind="stable").drop(
        columns=["_k", "_s", "_u"])


def count_line(findings: pd.DataFrame) -> str:
    """Counts by kind and severity, in one line.

    Examples
    --------
    >>> f = pd.DataFrame({"kind": ["矛盾", "矛盾", "存疑"], "severity": ["错误", "警告", "提示"]})
    >>> count_line(f)
    '审计发现 2 条（错误 1，警告 1，提示 0）；待复核疑点 1 条（错误 0，警告 0，提示 1）'
    """
    kind = findings["kind"] if "kind" in findings.columns else pd.Series("矛盾", index=findings.index)
    parts = []
    for k, label in (("矛盾", "审计发现"), ("存疑", "待复核疑点")):
        sub = findings[kind == k]
        counts = "，".join(f"{s} {int((sub['severity'] == s).sum())}" for s in SEVERITIES)
        parts.append(f"{label} {len(sub)} 条（{counts}）")
    return "；".join(parts)


def fails(findings: pd.DataFrame, level: str | None) -> bool:
    """True when an audit finding (kind 矛盾) is of severity ``level`` or more serious.

    Suspects never fail a run: they are evalkit's doubts about its own reading.

    Examples
    --------
    >>> f = pd.DataFrame({"kind": ["矛盾", "存疑"], "severity": ["警告", "错误"]})
    >>> fails(f, "错误"), fails(f, "警告"), fails(f, None)
    (False, True, False)
    """
    if not level or findings.empty:
        return False
    if level not in SEVERITIES:
        raise ValueError(f"unknown severity {level!r}: one of {SEVERITIES}")
    worst = SEVERITIES[: SEVERITIES.index(level) + 1]
    kind = findings["kind"] if "kind" in findings.columns else pd.Series("矛盾", index=findings.index)
    return bool(((kind == "矛盾") & findings["severity"].isin(worst)).any())


def render_findings(findings: pd.DataFrame, departments: Mapping[str, str] | None = None,
                    width: int = 100) -> str:
    """The findings as text for a terminal of ``width`` columns.

    Parameters
    ----------
    findings : DataFrame
        The findings table of :func:`evalkit.analysis.run_checks`.
    departments : mapping of str to str, optional
        report_id → department, to name the unit instead of the report id.
    width : int
        Display columns of the terminal (a CJK character counts two).

    Returns
    -------
    str
        Two sections (审计发现, 待复核疑点), each finding as a head line (severity, rule name,
        unit) and its message, figures, lines and rule code, wrapped; then the counts by
        severity.

    Examples
    --------
    >>> f = pd.DataFrame({"report_id": ["r"], "rule": ["parts-exceed-total"],
    ...     "rule_name": ["分项之和大于合计"], "kind": ["矛盾"], "severity": ["错误"],
    ...     "message": ["决算基本支出858.179982小于所列分项之和1219.042693"],
    ...     "expected": ["858.179982"], "observed": ["1219.042693"], "difference": [360.862711],
    ...     "sources": ["r:246;r:252"]})
    >>> print(render_findings(f, {"r": "孝感市医疗保障局"}))
    审计发现（1 条）
    [错误] 分项之和大于合计 · 孝感市医疗保障局
        决算基本支出858.179982小于所列分项之和1219.042693
        应为 858.18  实为 1219.04  差额 360.86  行 L246、L252（r）  规则代码 parts-exceed-total
    <BLANKLINE>
    审计发现 1 条（错误 1，警告 0，提示 0）；待复核疑点 0 条（错误 0，警告 0，提示 0）
    共 1 条检查发现。
    """
    departments = departments or {}
    f = sort_findings(findings, departments)
    kind = f["kind"] if "kind" in f.columns else pd.Series("矛盾", index=f.index)
    out: list[str] = []
    for k, title in (("矛盾", "审计发现"), ("存疑", "待复核疑点（evalkit 对自己的读取存疑，不是审计发现）")):
        part = f[kind == k]
        if part.empty:
            continue
        out.append(f"{title}（{len(part)} 条）")
        for rec in records(part):
            rid = str(rec.get("report_id") or "")
            unit = departments.get(rid) or rid
            name = rec.get("rule_name") or rec.get("rule")
            head = _wrap(f"[{rec.get('severity')}] {name} · {unit}", width)
            out.extend(head[:1] + ["    " + x for x in _wrap("".join(head[1:]), width - 4)])
            out.extend("    " + x for x in _wrap(str(rec.get("message") or ""), width - 4))
            figures = []
            for label, col in (("应为", "expected"), ("实为", "observed"), ("差额", "difference")):
                shown = _shown(rec.get(col))
                if shown:
                    figures.append(f"{label} {shown}")
            lines = [s.rsplit(":", 1)[-1] for s in str(rec.get("sources") or "").split(";") if s]
            if lines:
                figures.append("行 " + "、".join(f"L{x}" if x.isdigit() else x for x in lines)
                               + (f"（{rid}）" if unit != rid else ""))
            figures.append(f"规则代码 {rec.get('rule')}")  # for looking the rule up in the catalogue
            out.extend("    " + x for x in _wrap("  ".join(figures), width - 4))
        out.append("")
    out.append(count_line(f))
    out.append(f"共 {len(f)} 条检查发现。")
    return "\n".join(out)
