"""The hand-checked account of docs/validation.md as a test: the reader's tables of the five
sample reports, checked.

Every finding of that account is listed here with its verdict. Contradictions (kind 矛盾) must be
exactly the genuine ones and the judgement call; everything else — the false alarms caused by
extraction, the expected hints on 市级项目支出, a rule text the parser cannot read — is either gone
or a review item (kind 存疑), never an audit finding.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import require_reports

# (report prefix, rule, expected, observed) as docs/validation.md lists them
GENUINE = {
    ("000", "indicator-differs-from-text", "6569", "14806"),
    ("000", "indicator-differs-from-text", "10332", "3384"),
    ("000", "staff-conflict", "24", "23"),  # 编制人数 24 (L38) vs 编制控制数 23 (L96)
    ("001", "enrollment-conflict", "430100", "430600"),
    ("001", "funds-conflict", "16000", "17558.29"),
    ("001", "headcount-not-integer", "", "46.98人"),
    ("001", "headcount-not-integer", "", "43.06人"),
    ("002", "amount-conflict", "151.57", "66.14"),
    ("003", "parts-exceed-total", "858.179982", "1219.042693"),
    ("003", "parts-short-of-total", "1455.488165", "1434.388165"),
    ("003", "procurement-conflict", "单一来源", "自行采购"),
    ("003", "procurement-seq-gap", "6", ""),
    ("003", "score-differs-report-rule", "6", "4"),  # 预算支出管理, 内控制度有效性
    ("003", "score-differs-report-rule", "4", "2"),  # 绩效管理规范性
    ("003", "score-differs-report-rule", "0", "1"),  # 信息化水平
    ("003", "score-differs-report-rule", "0", "2"),  # 项目经费变动率; 行政执法 (judgement call)
    ("003", "score-differs-national-rule", "4.8–6", "4"),
    ("003", "score-differs-national-rule", "3.2–4", "2"),
    ("003", "score-differs-national-rule", "0", "2"),
    ("004", "assets-identity-mismatch", "160.01", "159.83"),
    ("004", "parts-exceed-total", "75", "76"),
    ("004", "parts-short-of-total", "4", "3.21"),
}
# the four indicator-conflicts of 003 (附表 vs 表 3), and the two indicator-name-repeated of 000
GENUINE_COUNTS = {("003", "indicator-conflict"): 4, ("000", "indicator-name-repeated"): 2,
                  ("003", "score-differs-report-rule"): 6}
# false alarms, expected hints and the unparsed rule text: review items at most
NOT_FINDINGS = {
    ("000", "19", "15"),  # 事业编 19 (L38) vs the form's 事业编制人数 15 (persons in post, L104)
    ("002", "0", "43.34"),  # L312 年初结转及结余: the reader's stage choice
    ("002", "0", "100"),  # 差异率 recomputed with that misplaced figure
    ("003", "1455.488165", "249.1"),  # 市级项目支出 is a part of 项目支出
    ("003", "1455.488165", "255"),
}


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    import evalkit
    from evalkit.analysis import derive

    corpus = evalkit.read_reports(require_reports(), workers=1)
    f = derive(corpus.tables())["findings"]
    return f.assign(r=f["report_id"].str[:3])


def _keys(f: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    return set(f[["r", "rule", "expected", "observed"]].fillna("").itertuples(index=False, name=None))


def test_the_contradictions_are_the_genuine_findings(findings):
    contradictions = findings[findings["kind"] == "矛盾"]
    keys = {k for k in _keys(contradictions) if (k[0], k[1]) not in
            {("003", "indicator-conflict"), ("000", "indicator-name-repeated")}}
    assert keys == GENUINE
    counts = contradictions.groupby(["r", "rule"]).size()
    for key, n in GENUINE_COUNTS.items():
        assert counts[key] == n, key


def test_false_alarms_are_gone_or_review_items(findings):
    contradictions = findings[findings["kind"] == "矛盾"]
    said = set(contradictions[["r", "expected", "observed"]].fillna("").itertuples(index=False, name=None))
    assert not (NOT_FINDINGS & said)
    suspects = findings[findings["kind"] == "存疑"]
    assert set(suspects["rule"]) <= {"comparability-unclear", "rate-basis-unclear", "rule-text-unparsed"}
    # each suspect says why the figures could not be shown comparable
    why = suspects.set_index(["r", "expected", "observed"])["message"]
    assert "不一定是编制数" in why[("000", "19", "15")]
    assert "阶段（年初预算或决算）无法确认" in why[("002", "0", "43.34")]
    assert "阶段（年初预算或决算）无法确认" in why[("002", "0", "100")]
    assert "“市级项目支出”可能只是其中一部分" in why[("003", "1455.488165", "255")]


def test_every_finding_has_a_chinese_rule_name_and_a_catalogued_kind(findings):
    from evalkit.analysis.checks import rule_catalogue

    cat = rule_catalogue().set_index("rule")
    assert findings["rule"].isin(cat.index).all()
    assert (findings["rule_name"] == findings["rule"].map(cat["rule_name"])).all()
    assert not findings["rule_name"].str.contains(r"[a-z]-[a-z]").any()
    allowed = findings["rule"].map(cat["severity"]).str.split("|")
    assert all(s in a for s, a in zip(findings["severity"], allowed))


def test_the_excerpt_gives_the_words_of_the_lines_cited(findings):
    # 002 L201 日常公用经费 66.14 against the table's 公用经费 151.57 (L136, L296)
    row = findings[(findings["rule"] == "amount-conflict") & (findings["observed"] == "66.14")].iloc[0]
    assert "L201 日常公用经费 决算 66.14" in row["excerpt"]
    assert "L136 公用经费 决算 151.57" in row["excerpt"]
