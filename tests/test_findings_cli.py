"""`evalkit check` for people and scripts: order, width, counts, --fail-on, csv/json."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from evalkit.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def findings():
    from evalkit.analysis import derive
    from evalkit.export import read_tables

    if not (DATA / "reports.csv").exists():
        pytest.skip("data/ has no tables")
    return derive(read_tables(DATA))["findings"]


def test_table_output_is_sorted_counted_and_fits_100_columns(capsys, findings):
    code, out, _ = run(capsys, "check", DATA)
    assert code == 0
    lines = out.splitlines()
    assert max(_width(line) for line in lines) <= 100
    heads = [line for line in lines if line.startswith("[")]
    audit = findings[findings["kind"] == "矛盾"]
    assert len(heads) == len(findings)
    # the audit findings come first, 错误 before 警告 before 提示; suspects after them
    severities = [h[1:3] for h in heads[: len(audit)]]
    assert severities == sorted(severities, key=["错误", "警告", "提示"].index)
    assert lines[0] == f"审计发现（{len(audit)} 条）"
    n = {s: int((audit["severity"] == s).sum()) for s in ("错误", "警告", "提示")}
    assert lines[-1] == f"共 {len(findings)} 条检查发现。"
    assert lines[-2].startswith(f"审计发现 {len(audit)} 条（错误 {n['错误']}，警告 {n['警告']}，提示 {n['提示']}）")
    # Chinese rule names, no codes
    assert not any("-" in h.split(" · ")[0].split("] ")[1] for h in heads)


def test_fail_on_sets_the_exit_code(capsys, findings):
    audit = findings[findings["kind"] == "矛盾"]
    assert (audit["severity"] == "错误").any()  # 003's parts, 004's assets and staff
    code, _, err = run(capsys, "check", DATA, "--fail-on", "错误")
    assert code == 1 and "--fail-on 错误" in err
    code, _, _ = run(capsys, "check", DATA, "--fail-on", "警告", "--format", "csv")
    assert code == 1
    code, _, _ = run(capsys, "check", DATA)
    assert code == 0


def test_csv_and_json_keep_their_meaning(capsys, findings):
    _, out, _ = run(capsys, "check", DATA, "--format", "csv")
    got = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert list(got.columns) == list(findings.columns)
    assert sorted(got["rule"]) == sorted(findings["rule"])  # codes stay for scripts
    assert set(got["kind"]) <= {"矛盾", "存疑"}
    _, out, _ = run(capsys, "check", DATA, "--format", "json")
    records = json.loads(out)
    assert len(records) == len(findings) and {"rule", "rule_name", "kind"} <= set(records[0])
