"""Re-scoring indicators: the national self-evaluation rules and the report's own rule texts.

National rules (《项目支出绩效评价管理办法》, 财预〔2020〕10号), weight *w*, target *t*,
actual *a*:

- positive (``>=``, ``>``): *a* ≥ *t* gives *w*, otherwise *a*/*t* × *w*;
- reverse (``<=``, ``<``): *a* ≤ *t* gives *w*; *t* < *a* < 2*t* gives (1 − (*a*−*t*)/*t*) × *w*;
  *a* ≥ 2*t* gives 0;
- equal (``=``): *t* = 0 gives *w* only if *a* ≤ 0; *t* > 0 is scored as positive;
- negative actuals count as 0; qualitative rows earn a band of *w* (达成 80–100 %,
  部分达成 60–80 %, 未达成 0–60 %), so their recomputed score is a range;
- scores are rounded half up to 2 decimals.

``±`` targets are not covered by the national rules; evalkit scores them as a reverse
indicator on |*a*| against |*t*| and says so (parameter ``plus_minus`` of the rule set).

A report that prints its own 评分细则 is re-scored with them too: :func:`parse_rule_text`
reads the common shapes and :meth:`RuleText.apply` computes the score.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from evalkit import vocab

from ._common import (
    cn_number,
    convert,
    fmt,
    fold_text,
    frame,
    is_na,
    num,
    per_distinct,
    records,
    round_half_up,
    text,
)
from .rulesets import RuleSet, load_rules

logger = logging.getLogger(__name__)

__all__ = [
    "RuleText",
    "canonical",
    "leaf_rows",
    "national_score",
    "parse_rule_text",
    "qualitative_band",
    "qualitative_range",
    "rescore",
    "score_summary",
]

POSITIVE = (">=", ">")
REVERSE = ("<=", "<")


def _rules(rules: RuleSet | str | None) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(rules or "national")


# --------------------------------------------------------------------------------------------
# qualitative words


def canonical(value: object, rules: RuleSet | str | None = None) -> str:
    """The canonical form of a qualitative text: folded, and mapped through the word list.

    Examples
    --------
    >>> canonical("比上年 有所增加"), canonical("比去年增加"), canonical("(1) (2) 未完成")
    ('比上年增加', '比上年增加', '(1)(2)未完成')
    """
    folded = fold_text(value)
    for row in _rules(rules).qualitative_words:
        if row["match"] == "exact" and fold_text(row["word"]) == folded:
            return row["canonical"]
    return folded


def qualitative_band(
    actual: object, target: object = None, rules: RuleSet | str | None = None
) -> tuple[str | None, str]:
    """Classify a qualitative actual into a band (达成 / 部分达成 / 未达成), with the reason.

    The actual is 达成 when it says the same as the target (after folding and synonyms) or is
    one of the ``exact`` words of the band; otherwise a ``contains`` word decides (negative
    words such as 未完成 first, then partial ones such as 基本完成). Anything else is not
    classified (band None): a sentence is not read as an achievement.

    Parameters
    ----------
    actual, target : str
        Cell texts as written.
    rules : RuleSet or str, optional
        Rule set whose ``qualitative_words`` are used (default national).

    Returns
    -------
    (band, reason) : tuple

    Examples
    --------
    >>> qualitative_band("比上年有所增加", "比上年增加")
    ('达成', '实际完成值与目标值表述一致（比上年增加）')
    >>> qualitative_band("全部完成")
    ('达成', '定性词“全部完成”')
    >>> qualitative_band("(1) (2) 未完成", "全部完成")
    ('未达成', '含定性词“未完成”')
    >>> qualitative_band("项目支出实际完成率为 96%", "全部完成")[0] is None
    True
    """
    rs = _rules(rules)
    folded = fold_text(actual)
    if not folded:
        return None, "无实际完成值"
    canon = canonical(folded, rs)
    if text(target) is not None and canonical(target, rs) == canon and num_like(folded) is None:
        return "达成", f"实际完成值与目标值表述一致（{canon}）"
    for row in rs.qualitative_words:
        if row["match"] == "exact" and fold_text(row["word"]) == folded:
            return row["band"], f"定性词“{row['word']}”"
    for band in ("未达成", "部分达成", "达成"):
        words = [r for r in rs.qualitative_words if r["match"] == "contains" and r["band"] == band]
        for row in sorted(words, key=lambda r: -len(r["word"])):
            if fold_text(row["word"]) in folded:
                return row["band"], f"含定性词“{row['word']}”"
    return None, f"“{text(actual)}”不是可识别的定性表述"


def num_like(value: str) -> float | None:
    """The number of a cell that is only a number (with %), else None."""
    m = re.fullmatch(r"[-+]?\d+(?:\.\d+)?%?", value)
    return float(value.rstrip("%")) if m else None


def qualitative_range(
    band: str | None, weight: float | None, rules: RuleSet | str | None = None
) -> tuple[float | None, float | None]:
    """The (low, high) score a qualitative band earns, rounded half up.

    Examples
    --------
    >>> qualitative_range("达成", 6), qualitative_range("部分达成", 5), qualitative_range(None, 5)
    ((4.8, 6.0), (3.0, 4.0), (None, None))
    """
    rs = _rules(rules)
    w = num(weight)
    shares = rs.band(band) if band else None
    if w is None or shares is None:
        return None, None
    nd = rs.score_decimals
    return round_half_up(w * shares[0] / 100, nd), round_half_up(w * shares[1] / 100, nd)


# --------------------------------------------------------------------------------------------
# national quantitative rules


def national_score(
    op: str | None,
    target: float | None,
    actual: float | None,
    weight: float | None,
    rules: RuleSet | str | None = None,
) -> tuple[float | None, str]:
    """Score one quantitative indicator under the national rules.

    Parameters
    ----------
    op : {'>=', '>', '<=', '<', '=', '±'}
    target, actual, weight : float
        Target and actual in the same unit; the weight (分值).
    rules : RuleSet or str, optional
        Rule set (parameters ``reverse_zero_multiple``, ``score_decimals``).

    Returns
    -------
    (score, method) : tuple
        The score rounded half up (None if it cannot be computed) and the arithmetic in words.

    Examples
    --------
    Positive: 3354 of a target 3384 earns 3354/3384 × 5:

    >>> national_score(">=", 3384, 3354, 5)
    (4.96, '正向指标：3354÷3384×5')
    >>> national_score(">", 95, 98, 5)[0]
    5.0

    Reverse: 12 against a ceiling of 10 earns (1 − (12−10)/10) × 5 = 4; twice the ceiling earns 0:

    >>> national_score("<=", 10, 12, 5)
    (4.0, '反向指标：(1−(12−10)÷10)×5')
    >>> national_score("<", 10, 20, 5)[0]
    0.0

    Equal with a zero target, negative actuals, and ``±`` (reverse on the absolute value):

    >>> national_score("=", 0, 0, 3)[0], national_score("=", 0, 1, 3)[0], national_score(">=", 10, -2, 4)[0]
    (3.0, 0.0, 0.0)
    >>> national_score("±", 10, 70, 5)
    (0.0, '±目标（按|实际值|的反向指标计，国家规则未规定）：|70| ≥ 2×10，得0分')
    """
    rs = _rules(rules)
    nd = rs.score_decimals
    k = float(rs.parameter("reverse_zero_multiple", "2") or 2)
    t, a, w = num(target), num(actual), num(weight)
    if op is None or t is None or a is None or w is None:
        missing = [n for n, v in (("比较符", op), ("目标值", t), ("实际值", a), ("分值", w)) if v is None]
        return None, "缺少" + "、".join(missing)
    prefix = ""
    if op == "±":
        a, t = abs(a), abs(t)
        prefix = "±目标（按|实际值|的反向指标计，国家规则未规定）："
        op = "<="
        if a >= k * t:
            return round_half_up(0.0, nd), f"{prefix}|{fmt(actual)}| ≥ {fmt(k)}×{fmt(t)}，得0分"
    elif a < 0:
        prefix = f"实际值{fmt(a)}为负，按0计；"
        a = 0.0
    if op == "=":
        if t == 0:
            score = w if a <= 0 else 0.0
            return round_half_up(score, nd), f"{prefix}等于指标（目标0）：实际{fmt(a)}，得{fmt(score)}分"
        if t < 0:
            return None, "等于指标的目标值为负，国家规则未规定"
        op, prefix = ">=", prefix + "等于指标按正向计；"
    if op in POSITIVE:
        if a >= t:
            return round_half_up(w, nd), f"{prefix}正向指标：{fmt(a)} ≥ {fmt(t)}，得满分"
        if t <= 0:
            return None, "正向指标的目标值不大于0，无法按比例计分"
        return round_half_up(a / t * w, nd), f"{prefix}正向指标：{fmt(a)}÷{fmt(t)}×{fmt(w)}"
    if op in REVERSE:
        if a <= t:
            return round_half_up(w, nd), f"{prefix}反向指标：{fmt(a)} ≤ {fmt(t)}，得满分"
        if t <= 0 or a >= k * t:
            return round_half_up(0.0, nd), f"{prefix}反向指标：{fmt(a)} ≥ {fmt(k)}×{fmt(t)}，得0分"
        score = (1 - (a - t) / ((k - 1) * t)) * w
        if k == 2:
            how = f"(1−({fmt(a)}−{fmt(t)})÷{fmt(t)})×{fmt(w)}"
        else:
            how = f"(1−({fmt(a)}−{fmt(t)})÷({fmt(k - 1)}×{fmt(t)}))×{fmt(w)}"
        return round_half_up(score, nd), f"{prefix}反向指标：{how}"
    return None, f"比较符“{op}”无国家计分规则"


# --------------------------------------------------------------------------------------------
# the report's own rule texts

_NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+)"
_UNIT = r"(%|<<rule_unit>>)?"
_HIGHER_VERBS = ("降低", "下降", "减少", "低于", "低", "少")
_LOWER_VERBS = ("增加", "超出", "超过", "提高", "上升", "高于", "高", "多")
_LOWER_PRE = ("小于等于", "小于", "低于", "不高于", "不超过", "≤", "<=", "<")
_HIGHER_PRE = ("大于等于", "高于", "大于", "不低于", "达到", "超过", "≥", ">=", ">")

_STEP_RE = vocab.words_pattern(
    r"^(?P<pre>" + "|".join(map(re.escape, _LOWER_PRE + _HIGHER_PRE)) + r")?"
    + r"(?P<x>\d+(?:\.\d+)?)" + _UNIT.replace("(", "(?P<xu>", 1)
    + r"(?P<suf>及以上|以上|<<within_bound>>)?的?,?得?" + _NUM.replace("(", "(?P<n>", 1) + r"分"
    + r"[,;]?(?:<<rule_measure>>)?每(?P<verb>"
    + "|".join(sorted(_HIGHER_VERBS + _LOWER_VERBS, key=len, reverse=True))
    + r")" + _NUM.replace("(", "(?P<y>", 1) + _UNIT.replace("(", "(?P<yu>", 1)
    + r"扣" + _NUM.replace("(", "(?P<z>", 1) + r"分$"
)
_COUNT_RE = re.compile(
    r"^(?:全部)?完成(?:" + _NUM.replace("(", "(?P<k>", 1) + r"项)?的?得?"
    + _NUM.replace("(", "(?P<n>", 1) + r"分[,;](?:每)?(?:有)?(?:一|1)项未完成(?P<kou>扣)?"
    + _NUM.replace("(", "(?P<z>", 1) + r"分$"
)
_AWARD_RE = re.compile(
    r"^全部完成的?得?" + _NUM.replace("(", "(?P<n>", 1) + r"分[,;](?:每)?完成(?:一|1)项的?得?"
    + _NUM.replace("(", "(?P<z>", 1) + r"分$"
)
_B = r"±?(\d+(?:\.\d+)?)%?"
_BAND_RES = (
    ("within", vocab.words_pattern(r"^" + _B + r"(?:<<within_bound>>)的?得?" + _NUM + r"分$")),
    ("between", re.compile(r"^" + _B + r"(?:-|~|～|—|至|到)" + _B + r"(?:之间)?的?得?" + _NUM + r"分$")),
    ("above", vocab.words_pattern(r"^(?:<<above_bound>>)" + _B + r"的?得?" + _NUM + r"分$")),
    ("above", re.compile(r"^" + _B + r"(?:及以上|以上)的?得?" + _NUM + r"分$")),
    ("below", vocab.words_pattern(r"^(?:<<below_bound>>)" + _B + r"的?得?" + _NUM + r"分$")),
)
_CATEGORY_RE = re.compile(r"^(?P<label>[^\d]+?)的?得?" + _NUM.replace("(", "(?P<n>", 1) + r"分$")


def _fold_rule(value: str) -> str:
    s = unicodedata.normalize("NFKC", value)
    s = re.sub(r"\s+", "", s)
    s = s.replace("。", ";").replace("，", ",").replace("；", ";")
    s = re.sub(r"[,;]*扣完为止[,;]*", ";", s)
    s = re.sub(r"[,;]+", lambda m: ";" if ";" in m.group(0) else ",", s)
    return s.strip(",;")


@dataclass(frozen=True)
class RuleText:
    """A parsed 评分细则.

    Attributes
    ----------
    kind : str
        ``step`` (full score at a threshold, Z points off per Y below/above it), ``bands``
        (intervals of the actual, or of its absolute value when the text uses ±, each with
        its points), ``count`` (完成 K 项得 N 分，一项未完成扣 Z 分), ``award`` (全部完成得 N 分，
        完成一项得 Z 分) or ``category`` (named outcomes with their points).
    text : str
        The rule as written.
    full : float
        The points for meeting the rule (the largest score it gives).
    params : dict
        The numbers of the rule.
    """

    kind: str
    text: str
    full: float
    params: dict = field(default_factory=dict)

    def apply(
        self,
        actual_value: float | None = None,
        actual_raw: object = None,
        actual_unit: str | None = None,
        explanation: object = None,
        rules: RuleSet | str | None = None,
    ) -> tuple[float | None, str]:
        """Score an actual with this rule; returns (score or None, the reasoning in words).

        Examples
        --------
        >>> parse_rule_text("高于95%得5分，每降低2%扣1分，扣完为止").apply(90.5, "90.5%", "%")
        (3.0, '低于95的差4.5，按完整步数计2步×1分：5−2=3')
        >>> parse_rule_text("±10%以内得5分，±20%以内得1分，超过20%得0分").apply(70, "70%", "%")
        (0.0, '|70|落在区间[20, ∞)：0分')
        """
        rs = _rules(rules)
        handler = getattr(self, f"_apply_{self.kind}")
        score, reason = handler(actual_value, actual_raw, actual_unit, explanation, rs)
        return (None if score is None else round_half_up(score, rs.score_decimals)), reason

    # -- shapes ---------------------------------------------------------------------------------
    def _value(self, actual_value, actual_unit, unit):
        a = num(actual_value)
        if a is None:
            return None, "实际值不是数值"
        if unit in (None, "分") or actual_unit in (None, unit):
            note = "" if actual_unit or unit is None else f"（实际值未写单位，按细则单位{unit}）"
            return a, note
        converted = convert(a, actual_unit, unit)
        if converted is None:
            return None, f"实际值单位{actual_unit}与细则单位{unit}不可比"
        return converted, f"（实际值{fmt(a)}{actual_unit}换算为{fmt(converted)}{unit}）"

    def _apply_step(self, actual_value, actual_raw, actual_unit, explanation, rs):
        p = self.params
        a, note = self._value(actual_value, actual_unit, p["unit"])
        if a is None:
            return None, note
        x, n, y, z = p["x"], p["n"], p["y"], p["z"]
        gap = (x - a) if p["direction"] == "higher" else (a - x)
        if gap <= 0:
            return n, f"{note}实际值{fmt(a)}达到细则门槛{fmt(x)}，得{fmt(n)}分"
        mode = rs.parameter("rule_text_steps", "floor")
        q = gap / y
        if mode == "ceil":
            steps, how = math.ceil(q - 1e-9), "不足一步按一步计"
        elif mode == "linear":
            steps, how = q, "按比例计"
        else:
            steps, how = math.floor(q + 1e-9), "按完整步数计"
        score = max(0.0, n - steps * z)
        side = "低于" if p["direction"] == "higher" else "高于"
        return score, (
            f"{note}{side}{fmt(x)}的差{fmt(round_half_up(gap, 6))}，{how}{fmt(steps)}步×{fmt(z)}分："
            f"{fmt(n)}−{fmt(round_half_up(steps * z, 6))}={fmt(score)}"
        )

    def _apply_bands(self, actual_value, actual_raw, actual_unit, explanation, rs):
        a = num(actual_value)
        if a is None:
            return None, "实际值不是数值"
        v = abs(a) if self.params["absolute"] else a
        shown = f"|{fmt(a)}|" if self.params["absolute"] else fmt(a)
        hits = [(n, lo, hi) for lo, hi, n in self.params["bands"] if lo - 1e-9 <= v <= hi + 1e-9]
        if not hits:
            return None, f"{shown}不在细则所列任何区间内"
        n, lo, hi = max(hits)
        where = f"[{fmt(lo) if lo != -math.inf else '−∞'}, {fmt(hi) if hi != math.inf else '∞'})"
        if hi != math.inf:
            where = where[:-1] + "]"
        extra = "（落在区间边界，取较高的档）" if len(hits) > 1 else ""
        return n, f"{shown}落在区间{where}：{fmt(n)}分{extra}"

    def _missing_items(self, actual_raw, rs):
        folded = fold_text(actual_raw)
        if not folded:
            return None, "无实际完成值"
        band, _ = qualitative_band(folded, None, rs)
        if band == "达成" and not re.search(r"\d", folded):
            return 0, f"实际“{text(actual_raw)}”：无未完成项"
        m = re.fullmatch(r"((?:\(\d+\)|\d+[、.])+)(?:均|都)?未完成", folded)
        if m:
            items = re.findall(r"\d+", m.group(1))
            return len(items), f"实际“{text(actual_raw)}”：{len(items)}项未完成"
        return None, f"无法从“{text(actual_raw)}”数出未完成的项数"

    def _apply_count(self, actual_value, actual_raw, actual_unit, explanation, rs):
        p = self.params
        missing, reason = self._missing_items(actual_raw, rs)
        if missing is None:
            return None, reason
        if p["deduct"]:
            score = max(0.0, p["n"] - missing * p["z"])
            return score, f"{reason}，{fmt(p['n'])}−{missing}×{fmt(p['z'])}={fmt(score)}"
        if missing == 0:
            return p["n"], f"{reason}，得{fmt(p['n'])}分"
        if missing == 1:
            return p["z"], f"{reason}，一项未完成得{fmt(p['z'])}分"
        return None, f"{reason}；细则只写了一项未完成的得分"

    def _apply_award(self, actual_value, actual_raw, actual_unit, explanation, rs):
        p = self.params
        missing, reason = self._missing_items(actual_raw, rs)
        if missing is None:
            return None, reason
        if missing == 0:
            return p["n"], f"{reason}，全部完成得{fmt(p['n'])}分"
        items = {int(i) for i in re.findall(r"\((\d+)\)", fold_text(explanation))}
        if not items:
            return None, f"{reason}；指标解释未列出共几项，无法算出完成项数"
        done = max(0, max(items) - missing)
        score = done * p["z"]
        tail = "（细则未写完成0项的得分，按0分计）" if done == 0 else ""
        return score, f"{reason}，共{max(items)}项、完成{done}项×{fmt(p['z'])}分={fmt(score)}{tail}"

    def _apply_category(self, actual_value, actual_raw, actual_unit, explanation, rs):
        folded = canonical(actual_raw, rs)
        if not folded:
            return None, "无实际完成值"
        labels = self.params["labels"]
        for label, n in labels:
            if canonical(label, rs) == folded:
                return n, f"实际“{text(actual_raw)}”对应“{label}”：{fmt(n)}分"
        contained = [(len(label), label, n) for label, n in labels if fold_text(label) in folded]
        if contained:
            _, label, n = max(contained)
            return n, f"实际“{text(actual_raw)}”含“{label}”：{fmt(n)}分"
        return None, f"实际“{text(actual_raw)}”不属于细则所列任一情形"


def _cn(token: str | None) -> float | None:
    return None if token is None else cn_number(token)


def _unit(token: str | None) -> str | None:
    if not token:
        return None
    return "万元" if token == "万" else token


def parse_rule_text(value: object) -> RuleText | None:
    """Parse a report's 评分细则 into a :class:`RuleText`; None if its shape is not known.

    Shapes read: '高于X%得N分，每降低Y%扣Z分' (also 'X%以上得N分，每低Y%扣Z分', 'X%得N分，…'),
    '小于等于X万得N分，金额每增加Y万扣一分', '±X以内N分，±X%-Y%得M分，…，Y%以上得0分',
    '完成K项得N分，一项未完成扣Z分', '全部完成得N分，完成一项得Z分' and 'A得N分，B得M分…'.
    A trailing '扣完为止' is implied (scores never go below 0).

    Examples
    --------
    >>> r = parse_rule_text("高于 95%得 5 分，每降低 2%扣 1 分，扣完为止")
    >>> r.kind, r.full, r.params["x"], r.params["direction"]
    ('step', 5.0, 95.0, 'higher')
    >>> r = parse_rule_text("小于等于 661.7 万得 5 分，金额每增加 80 万扣一分，扣完为止")
    >>> r.kind, r.params["direction"], r.params["unit"], r.params["z"]
    ('step', 'lower', '万元', 1.0)
    >>> parse_rule_text("±5 以内 5 分, ±5%-10% 得 2 分, 10%-15 得 1 分, 15%以上得 0 分").params["bands"]
    [(0.0, 5.0, 5.0), (5.0, 10.0, 2.0), (10.0, 15.0, 1.0), (15.0, inf, 0.0)]
    >>> parse_rule_text("落实到位3分，落实不到位2分，未落实0分").params["labels"]
    [('落实到位', 3.0), ('落实不到位', 2.0), ('未落实', 0.0)]
    >>> parse_rule_text("得分=完成率×分值") is None
    True
    """
    raw = text(value)
    if raw is None:
        return None
    s = _fold_rule(raw)
    m = _STEP_RE.match(s)
    if m:
        return _step_rule(m, raw)
    m = _COUNT_RE.match(s)
    if m:
        n, z = _cn(m.group("n")), _cn(m.group("z"))
        return RuleText("count", raw, n, {"k": _cn(m.group("k")), "n": n, "z": z,
                                            "deduct": bool(m.group("kou"))})
    m = _AWARD_RE.match(s)
    if m:
        n = _cn(m.group("n"))
        return RuleText("award", raw, n, {"n": n, "z": _cn(m.group("z"))})
    clauses = [c for c in re.split(r"[,;]", s) if c]
    return _bands_rule(clauses, "±" in s, raw) or _category_rule(clauses, raw)


def _step_direction(verb: str, pre: str | None, suf: str | None) -> str | None:
    """Decide a step rule's direction ('higher': points off below the threshold) from its deduction
    verb; None when the words around the threshold say the other way ('小于等于95%…每降低')."""
    direction = "higher" if verb in _HIGHER_VERBS else "lower"
    stated = None
    if pre in _LOWER_PRE or suf in ("以下", "及以下", "以内"):
        stated = "lower"
    elif pre in _HIGHER_PRE or suf in ("以上", "及以上"):
        stated = "higher"
    return None if stated is not None and stated != direction else direction


def _step_rule(m: re.Match, raw: str) -> RuleText | None:
    """The step rule a match of ``_STEP_RE`` writes; None when its direction contradicts itself."""
    direction = _step_direction(m.group("verb"), m.group("pre"), m.group("suf"))
    if direction is None:
        logger.debug("rule text direction contradicts its deduction verb: %s", raw)
        return None
    unit = _unit(m.group("xu")) or _unit(m.group("yu"))
    n = _cn(m.group("n"))
    return RuleText("step", raw, n, {
        "x": float(m.group("x")), "n": n, "y": _cn(m.group("y")), "z": _cn(m.group("z")),
        "direction": direction, "unit": unit,
    })


def _band(clause: str, absolute: bool) -> tuple[float, float, float | None] | None:
    """Decide the interval (low, high, points) a clause of a bands rule gives; None for another clause."""
    for kind, pattern in _BAND_RES:
        bm = pattern.match(clause)
        if not bm:
            continue
        g = bm.groups()
        if kind == "within":
            return (0.0 if absolute else -math.inf, float(g[0]), _cn(g[1]))
        if kind == "between":
            return (float(g[0]), float(g[1]), _cn(g[2]))
        if kind == "above":
            return (float(g[0]), math.inf, _cn(g[1]))
        return (-math.inf, float(g[0]), _cn(g[1]))
    return None


def _bands_rule(clauses: list[str], absolute: bool, raw: str) -> RuleText | None:
    """The bands rule the clauses write when every clause is an interval and there are two or more."""
    bands = []
    for clause in clauses:
        band = _band(clause, absolute)
        if band is None:
            return None
        bands.append(band)
    if len(bands) >= 2:
        return RuleText("bands", raw, max(b[2] for b in bands), {"bands": bands, "absolute": absolute})
    return None


def _category_rule(clauses: list[str], raw: str) -> RuleText | None:
    """The category rule the clauses write when every clause is a named outcome with its points
    (no digit in the name) and there are two or more."""
    labels = []
    for clause in clauses:
        cm = _CATEGORY_RE.match(clause)
        if not cm or re.search(r"\d", cm.group("label")):
            return None
        labels.append((cm.group("label"), _cn(cm.group("n"))))
    if len(labels) >= 2:
        return RuleText("category", raw, max(n for _, n in labels), {"labels": labels})
    return None


# --------------------------------------------------------------------------------------------
# re-scoring tables

RESCORE_COLUMNS: dict[str, str] = {
    "score_reported": "Float64",
    "national_score": "Float64",
    "national_low": "Float64",
    "national_high": "Float64",
    "national_difference": "Float64",
    "national_method": "str",
    "rule_text_used": "str",
    "rule_source": "str",
    "rule_status": "str",
    "rule_kind": "str",
    "rule_score": "Float64",
    "rule_difference": "Float64",
    "rule_reason": "str",
}


_KEY = ["report_id", "scope", "level3"]


def _siblings(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """For each row of ``df``: the one text of ``column`` the rows of its indicator (report_id,
    scope, level3) carry, and that text's source (the last row stating it); missing when they
    carry none or several texts."""
    have = df[(df[column].notna() & df["level3"].notna()).to_numpy(dtype=bool)]
    have = have[[*_KEY, column, "source"]].assign(_fold=have[column].map(fold_text))
    one = have.groupby(_KEY, dropna=False, sort=False)["_fold"].transform("nunique") == 1
    pick = have[one.to_numpy(dtype=bool)].drop_duplicates(_KEY, keep="last")
    pick = pick.rename(columns={column: "text", "source": "text_source"})[[*_KEY, "text", "text_source"]]
    return df[_KEY].merge(pick, on=_KEY, how="left")[["text", "text_source"]].set_axis(df.index)


def _texts_used(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the rule text and explanation each row is scored with (its own, or else the
    one its indicator carries in another table) and where that rule text stands."""
    rule = _siblings(df, "rule_text")
    own = df["rule_text"].map(text).astype("object")
    from_sibling = own.isna() & rule["text"].notna()
    out = df.assign(
        _rule=own.where(~from_sibling, rule["text"].astype("object")),
        _rule_source=df["source"].map(text).astype("object").where(~from_sibling,
                                                                    rule["text_source"].astype("object")),
        _explanation=None)
    if "explanation" in df.columns:
        expl = _siblings(df, "explanation")
        mine = df["explanation"].astype("object")
        blank = mine.map(text).isna() & expl["text"].notna()
        out["_explanation"] = mine.where(~blank, expl["text"].astype("object"))
    return out


#: The columns :func:`_rescore_row` reads: a row is scored once per distinct combination.
_RESCORED = ["weight", "score", "op_used", "qualitative_band", "actual_in_target_unit",
             "target_value", "_rule", "actual_raw", "actual_value", "actual_unit", "_explanation"]


def rescore(table: pd.DataFrame, rules: RuleSet | str | None = None) -> pd.DataFrame:
    """Recompute each indicator's score with the national rules and with its own rule text.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`evalkit.analysis.achievement` (the reader's indicators table is
        accepted too; its achievement is computed first).
    rules : RuleSet or str, optional
        Rule set, default national.

    Returns
    -------
    DataFrame
        ``table`` with the columns of :data:`RESCORE_COLUMNS`: ``score_reported`` (the row's
        得分), ``national_score`` (quantitative rows) or ``national_low``/``national_high``
        (qualitative rows: the band's range), ``national_difference`` (reported − recomputed;
        for a range, the distance to the nearest end, 0 inside it), ``national_method`` (the
        arithmetic in words), and for the report's own rule: ``rule_text_used``,
        ``rule_source`` (where the rule text stands: the row itself, or the row of the same
        indicator in another table), ``rule_status`` (已解析 / 无法解析 / 无评分细则 /
        无实际完成值),
        ``rule_kind``, ``rule_score``, ``rule_difference``, ``rule_reason``.

    Examples
    --------
    >>> ind = pd.DataFrame({
    ...     "report_id": ["r", "r"], "scope": ["部门整体"] * 2, "table": ["附表"] * 2,
    ...     "level3": ["报销率", "项目经费变动率"], "weight": [5.0, 5.0],
    ...     "target_raw": ["≥95%", "±10%"], "target_op": [">=", "±"],
    ...     "target_value": [95.0, 10.0], "target_unit": ["%", "%"],
    ...     "actual_raw": ["90.5%", "70%"], "actual_value": [90.5, 70.0],
    ...     "actual_unit": ["%", "%"], "score": [4.0, 2.0], "source": ["r:1", "r:2"],
    ...     "rule_text": ["高于95%得5分，每降低2%扣1分", "±10%以内得5分，±20%以内得1分，超过20%得0分"]})
    >>> out = rescore(ind)
    >>> out[["national_score", "rule_score", "rule_difference"]].to_dict("list")
    {'national_score': [4.76, 0.0], 'rule_score': [3.0, 0.0], 'rule_difference': [1.0, 2.0]}

    Worked out: 90.5/95 × 5 = 4.763 → 4.76; the rule text deducts floor(4.5/2) = 2 points →
    3; the report gave 4 (+1). 70 is beyond ±20 % → 0 by both rules; the report gave 2.
    """
    rs = _rules(rules)
    if "op_used" not in table.columns:
        from .achievement import achievement

        table = achievement(table, rules=rs)
    df = table.copy().reset_index(drop=True)
    used = _texts_used(df)
    extra = per_distinct(used, _RESCORED, lambda rec: _rescore_row(rec, rs), RESCORE_COLUMNS)
    extra["rule_source"] = used["_rule_source"].where(used["_rule"].notna()).to_numpy()
    for col, dtype in RESCORE_COLUMNS.items():
        df[col] = extra[col].to_numpy() if len(df) else extra[col]
        df[col] = df[col].astype(dtype)
    return df


def _rescore_row(rec: dict, rs: RuleSet) -> dict:
    nd = rs.score_decimals
    w = num(rec.get("weight"))
    reported = num(rec.get("score"))
    out: dict = {"score_reported": reported}
    # national rules
    op = text(rec.get("op_used"))
    if w is None:
        out["national_method"] = "无分值，无法计分"
    elif op == "定性":
        band = text(rec.get("qualitative_band"))
        low, high = qualitative_range(band, w, rs)
        out["national_low"], out["national_high"] = low, high
        if band is None:
            out["national_method"] = "定性指标：实际完成情况无法归档，无法计分"
        else:
            out["national_method"] = (
                f"定性指标：{rs.band_label(band)}，得分区间{fmt(low)}–{fmt(high)}"
            )
            if reported is not None:
                gap = 0.0 if low <= reported <= high else (
                    reported - low if reported < low else reported - high)
                out["national_difference"] = round_half_up(gap, nd)
    else:
        actual = num(rec.get("actual_in_target_unit"))
        score, method = national_score(op, num(rec.get("target_value")), actual, w, rs)
        out["national_method"] = method
        if score is not None:
            out["national_score"] = out["national_low"] = out["national_high"] = score
            if reported is not None:
                out["national_difference"] = round_half_up(reported - score, nd)
    # the report's own rule text
    rule = rec.get("_rule")  # the row's own rule text, or its indicator's in another table
    if is_na(rule):
        out["rule_status"] = "无评分细则"
        return out
    out["rule_text_used"] = rule  # rule_source: set by rescore
    if text(rec.get("actual_raw")) is None and num(rec.get("actual_value")) is None:
        out["rule_status"] = "无实际完成值"
        return out
    parsed = parse_rule_text(rule)
    if parsed is None:
        out["rule_status"] = "无法解析"
        out["rule_reason"] = f"评分细则“{rule}”的写法无法解析"
        return out
    out["rule_status"], out["rule_kind"] = "已解析", parsed.kind
    explanation = rec.get("_explanation")
    score, reason = parsed.apply(
        rec.get("actual_value"), rec.get("actual_raw"), text(rec.get("actual_unit")),
        explanation, rs,
    )
    if w is not None and parsed.full != w:
        reason += f"（细则满分{fmt(parsed.full)}与分值{fmt(w)}不同）"
    out["rule_score"], out["rule_reason"] = score, reason
    if score is not None and reported is not None:
        out["rule_difference"] = round_half_up(reported - score, nd)
    return out


def leaf_rows(group: pd.DataFrame) -> pd.Series:
    """Mask of the indicator rows of one table that are leaves, not subtotals.

    Rows with a level-3 name are the leaves; in a table without level-3 names, rows with a
    level-2 name; in a table with only level-1 names (a score summary), those rows.

    Examples
    --------
    >>> g = pd.DataFrame({"level1": ["产出", "产出", "产出"], "level2": [None, "数量", "数量"],
    ...                   "level3": [None, None, "人数"]})
    >>> leaf_rows(g).tolist()
    [False, False, True]
    """
    for col in ("level3", "level2", "level1"):
        if col in group.columns and group[col].notna().any():
            return group[col].notna()
    return pd.Series(True, index=group.index)


SUMMARY_COLUMNS: dict[str, str] = {
    "report_id": "str", "scope": "str", "table": "str", "n_indicators": "Int64",
    "weight_sum": "Float64", "reported_sum": "Float64", "national_sum": "Float64",
    "national_low_sum": "Float64", "national_high_sum": "Float64", "rule_sum": "Float64",
    "total_score": "Float64", "grade": "str", "grade_from_reported_sum": "str",
    "grade_from_national_sum": "str",
}


def score_summary(
    rescored: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    rules: RuleSet | str | None = None,
) -> pd.DataFrame:
    """Per report, scope and table: weights and scores added up, recomputed totals and grades.

    Only leaf rows (see :func:`leaf_rows`) are added. ``national_sum`` is given when every
    leaf has a point score; ``national_low_sum``/``national_high_sum`` add the ranges of
    qualitative rows. ``total_score`` and ``grade`` are the report's (for scope 部门整体).

    Examples
    --------
    >>> ind = pd.DataFrame({"report_id": ["r", "r"], "scope": ["部门整体"] * 2,
    ...     "table": ["附表"] * 2, "level3": ["甲", "乙"], "weight": [60.0, 40.0],
    ...     "target_raw": [">=100", "全部完成"], "target_op": [">=", "定性"],
    ...     "target_value": [100.0, None], "actual_raw": ["90", "全部完成"],
    ...     "actual_value": [90.0, None], "score": [54.0, 40.0], "source": ["r:1", "r:2"]})
    >>> reports = pd.DataFrame({"report_id": ["r"], "total_score": [94.0], "grade": ["优"]})
    >>> s = score_summary(rescore(ind), reports)
    >>> s[["weight_sum", "reported_sum", "national_low_sum", "national_high_sum"]].iloc[0].tolist()
    [100.0, 94.0, 86.0, 94.0]
    >>> s[["grade", "grade_from_reported_sum"]].iloc[0].tolist()
    ['优', '优']

    Worked out: 90/100 × 60 = 54; 全部完成 earns 80–100 % of 40 = 32–40; so 86–94.
    """
    rs = _rules(rules)
    df = rescored if "national_low" in rescored.columns else rescore(rescored, rs)
    rep = {}
    if reports is not None and len(reports):
        for r in records(reports):
            rep[r.get("report_id")] = r
    rows = []
    for (rid, scope, table), group in df.groupby(["report_id", "scope", "table"], dropna=False,
                                                 sort=False):
        leaves = group[leaf_rows(group)]
        weight = leaves["weight"].dropna()
        reported = leaves["score"].dropna()
        low, high, point = leaves["national_low"], leaves["national_high"], leaves["national_score"]
        rule = leaves["rule_score"]
        row = {
            "report_id": rid, "scope": scope, "table": table, "n_indicators": len(leaves),
            "weight_sum": weight.sum() if len(weight) else None,
            "reported_sum": reported.sum() if len(reported) else None,
            "national_sum": point.sum() if len(leaves) and point.notna().all() else None,
            "national_low_sum": low.sum() if len(leaves) and low.notna().all() else None,
            "national_high_sum": high.sum() if len(leaves) and high.notna().all() else None,
            "rule_sum": rule.sum() if len(leaves) and rule.notna().all() else None,
        }
        r = rep.get(rid, {})
        if scope == "部门整体":
            row["total_score"] = r.get("total_score")
            row["grade"] = r.get("grade")
        row["grade_from_reported_sum"] = rs.grade_for(num(row["reported_sum"]))
        row["grade_from_national_sum"] = rs.grade_for(num(row["national_sum"]))
        rows.append(row)
    out = frame(rows, SUMMARY_COLUMNS)
    for col in ("weight_sum", "reported_sum", "national_sum", "national_low_sum",
                "national_high_sum", "rule_sum"):
        out[col] = out[col].map(lambda v: round_half_up(v, 6)).astype("Float64")
    return out
