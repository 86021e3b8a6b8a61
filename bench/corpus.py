"""A synthetic corpus for the benchmark: the fixture reports of tests/fixtures/, varied.

Each report is one of the three fixture documents (one table cell per line in UTF-8;
tab-separated rows in GB18030; narrative in UTF-16 with CRLF), with

* the department renamed after a real county (``src/evalkit/vocab/admin_divisions.csv``),
* the fiscal year moved (2019-2024),
* money and head counts scaled by a random factor (percentages, weights and scores kept),
* more indicator rows and more paragraphs, drawn from pools written after the samples, until
  the file reaches a size drawn from the sizes of the five sample reports (9-37 KB, mean 22 KB),
  so that throughput in reports/s means what it would on real reports,
* figures that agree with each other as a published report's mostly do: a paragraph restated
  in a report restates the same figures, parts add up to their totals, an indicator's score is
  the national rule's except for an occasional deduction, and a name drawn again is qualified
  (（职工医保）, （第一季度）, …). What ``check`` and ``build`` cost grows with the findings; a
  corpus whose paragraphs all contradicted each other gave 134 findings per report, against
  about 7 in the five samples (now about 17, most of them the added paragraphs against the
  fixture's own tables).

Everything is drawn from one seeded :class:`random.Random`: the same arguments give the same files.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DIVISIONS = ROOT / "src" / "evalkit" / "vocab" / "admin_divisions.csv"

#: Sizes in bytes of the five sample reports (shared/reports); the corpus draws its sizes from them.
SAMPLE_SIZES = (30422, 21454, 14787, 37021, 8762)


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    encoding: str
    newline: str
    department: str  # as written in the fixture
    year: int  # the fiscal year of the fixture
    layout: str  # cells, tabs or narrative


def _templates() -> list[Template]:
    def read(name: str, encoding: str) -> str:
        return (FIXTURES / name).read_bytes().decode(encoding).replace("\r\n", "\n")

    return [
        Template("cells", read("cells_layout.txt", "utf-8"), "utf-8", "\n", "浏阳市医疗保障局", 2023, "cells"),
        Template("tabs", read("tabs_layout_gb18030.txt", "gb18030"), "gb18030", "\n", "湖南省长沙市医疗保障局",
                 2023, "tabs"),
        Template("narrative", read("narrative_utf16.txt", "utf-16"), "utf-16", "\r\n", "某县医疗保障局", 2022,
                 "narrative"),
    ]


def counties() -> list[str]:
    """Names of real counties (县, 县级市, 区) from the reference table of divisions."""
    with DIVISIONS.open(encoding="utf-8-sig") as fh:
        return [r["name"] for r in csv.DictReader(fh) if r["level"] == "county"]


# ----------------------------------------------------------------------------------- pools
#: (level1, level2, level3, target, actual) with {n}: a count, {p}: a percentage, {d}: days.
INDICATORS = [
    ("产出指标", "数量指标", "基本医疗保险参保人数", "≥{n}人", "{n2}人"),
    ("产出指标", "数量指标", "医疗救助人次", "≥{n}人次", "{n2}人次"),
    ("产出指标", "数量指标", "定点医药机构检查覆盖率", "100%", "{p}%"),
    ("产出指标", "质量指标", "医保基金结算及时率", "≥{p}%", "{p2}%"),
    ("产出指标", "质量指标", "异地就医直接结算率", "≥{p}%", "{p2}%"),
    ("产出指标", "质量指标", "医保目录执行准确率", "100%", "{p}%"),
    ("产出指标", "时效指标", "报销办结时间", "≤{d}个工作日", "{d2}个工作日"),
    ("产出指标", "时效指标", "资金拨付及时率", "≥{p}%", "{p2}%"),
    ("产出指标", "成本指标", "预算执行率", "≥{p}%", "{p2}%"),
    ("产出指标", "成本指标", "“三公”经费控制率", "≤100%", "{p}%"),
    ("效益指标", "社会效益指标", "参保群众政策知晓率", "≥{p}%", "{p2}%"),
    ("效益指标", "社会效益指标", "住院费用实际报销比例", "≥{p}%", "{p2}%"),
    ("效益指标", "社会效益指标", "困难群众应保尽保", "全部参保", "全部参保"),
    ("效益指标", "可持续影响指标", "医保基金运行平稳", "收支平衡", "基本平衡"),
    ("效益指标", "经济效益指标", "群众就医负担减轻", "有所减轻", "明显减轻"),
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥{p}%", "{p2}%"),
    ("满意度指标", "服务对象满意度指标", "定点医药机构满意度", "≥{p}%", "{p2}%"),
]

#: 指标解释 cells of the tab-separated layout.
EXPLANATIONS = ["年末参保人数", "已结算/应结算*100%", "问卷调查", "实际支出/预算数*100%", "抽查台账", "系统统计"]

#: Paragraphs with figures, written after the samples' narrative; {y} is the fiscal year. Their
#: figures add up as a published report's mostly do (parts to totals, 结余 = 收入 − 支出, a rate
#: to its amounts): see :func:`_fill`.
PARAGRAPHS = [
    "{y}年，全县基本医疗保险参保{a}万人，其中：职工医保{b}万人，居民医保{c}万人，参保率稳定在{p}%以上。",
    "{y}年职工医保基金收入{inc}万元，支出{exp}万元，当期结余{bal}万元，累计结余{m4}万元。",
    "城乡居民医保基金收入{inc}万元，其中财政补助{part}万元；基金支出{exp}万元，基金支出率{rate}%。",
    "全年共办理异地就医备案{n}人次，异地就医直接结算{n2}人次，结算金额{m1}万元。",
    "开展定点医药机构专项检查{k}家次，追回违规医保基金{m1}万元，处理违约金{m2}万元。",
    "全年医疗救助{n}人次，支出救助资金{tot}万元，其中：资助参保{q1}万元，直接救助{q2}万元。",
    "{y}年年初预算收入{inc}万元，其中一般公共预算财政拨款{part}万元；年初预算支出{inc}万元。",
    "{y}年决算支出{tot}万元，其中：基本支出{q1}万元，项目支出{q2}万元，预算执行率为{p}%。",
    "“三公”经费决算数{s1}万元，其中：公务接待费{s2}万元，公务用车运行维护费{s3}万元。",
    "{y}年政府采购预算{m1}万元，实际采购{exp}万元，其中授予中小企业合同金额{part_exp}万元。",
    "住院费用政策范围内报销比例职工医保{p}%、居民医保{p2}%，门诊慢特病待遇惠及{n}人。",
    "截至{y}年12月31日，单位在职人员{k}人，退休人员{k2}人，固定资产总额{m1}万元。",
]

#: Paragraphs of plain prose, as most of a real report is.
PROSE = [
    ("我局高度重视预算绩效管理工作，成立了以局长为组长、分管副局长为副组长、各股室负责人为成员的绩效评价工作领导小组，"
     "明确职责分工，确保自评工作有序开展。"),
    ("严格执行《中华人民共和国预算法》和财政部门关于预算管理的各项规定，坚持厉行节约，从严控制一般性支出，"
     "切实提高财政资金使用效益。"),
    "持续深化医保支付方式改革，全面推行按病种分值付费，建立健全医保基金监管长效机制，守好人民群众的“看病钱”“救命钱”。",
    "存在的主要问题：一是绩效目标设定不够细化量化，部分指标难以考核；二是预算执行进度不均衡；三是绩效评价结果运用不够充分。",
    "下一步，我局将进一步强化绩效理念，科学合理设定绩效目标，加强预算执行监控，推动绩效评价结果与预算安排有机结合。",
    "扎实推进医保经办服务标准化建设，推行“一站式服务、一窗口办理、一单制结算”，群众办事更加便捷高效。",
    "加强内部控制制度建设，完善财务管理、资产管理、政府采购等内控制度，规范财务审批程序，确保资金安全。",
    "积极开展医保政策宣传进社区、进乡村、进企业活动，发放宣传资料，提升群众对医保政策的知晓度和满意度。",
]

#: Share of added paragraphs that are plain prose. With 20-60 added indicator rows this gives 17
#: numbers and 15 lines per KB (the samples: 15 and 22) and about 130 table rows per report (the
#: samples: 125). Every sentence of the pool is read into some table (no residue; the samples:
#: 0-4 rows each), so the residue's slow path (ignore rules, snippets) runs less than on real
#: reports.
PROSE_SHARE = 0.7

#: Share of indicator rows whose score has a deduction the national rule would not make (the
#: samples re-score differently in about one row in fifteen).
SELF_DEDUCTION = 0.05

_NUM = re.compile(r"(?<![0-9.])[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")  # ASCII digits: full-width ones stay


def _scale_numbers(line: str, factor: float) -> str:
    """Scale money and head counts (numbers of 100 and more, not percentages) by ``factor``."""
    if "电话" in line or "日期" in line:
        return line

    def scale(m: re.Match) -> str:
        s = m.group(0)
        after = line[m.end() : m.end() + 1]
        value = float(s.replace(",", ""))
        if value < 100 or value >= 1e9 or after in ("%", "％", "年", "月", "日"):
            return s  # percentages, weights, scores, years, dates, phone numbers
        decimals = len(s.split(".")[1]) if "." in s else 0
        new = value * factor
        text = f"{new:,.{decimals}f}" if "," in s else f"{new:.{decimals}f}"
        return text

    return _NUM.sub(scale, line)


def _fill(template: str, rng: random.Random, year: int) -> str:
    """``template`` with drawn figures that agree with each other: a total is the sum of its
    two parts (``a`` = ``b`` + ``c``, ``tot`` = ``q1`` + ``q2``, ``s1`` = ``s2`` + ``s3``), a
    balance is income less expense, a part of income or expense is less than it, a rate is
    expense over income."""
    def money() -> float:
        return rng.uniform(20, 30000)

    b, c = rng.uniform(1, 20), rng.uniform(4, 100)
    inc = money()
    exp = inc * rng.uniform(0.8, 0.99)  # a balance, not a deficit: 当期结余 is written without a sign
    q1, q2 = money(), money()
    s2, s3 = rng.uniform(0.5, 10), rng.uniform(0.5, 15)
    values = {
        "y": year, "b": f"{b:.2f}", "c": f"{c:.2f}", "a": f"{float(f'{b:.2f}') + float(f'{c:.2f}'):.2f}",
        "p": f"{rng.uniform(85, 99.9):.1f}", "p2": f"{rng.uniform(85, 100):.1f}",
        "m1": f"{money():.2f}", "m2": f"{money():.2f}", "m4": f"{money():.2f}",
        "inc": f"{inc:.2f}", "exp": f"{exp:.2f}", "bal": f"{float(f'{inc:.2f}') - float(f'{exp:.2f}'):.2f}",
        "part": f"{inc * rng.uniform(0.3, 0.9):.2f}", "part_exp": f"{exp * rng.uniform(0.3, 0.9):.2f}",
        "rate": f"{float(f'{exp:.2f}') / float(f'{inc:.2f}') * 100:.2f}",
        "q1": f"{q1:.2f}", "q2": f"{q2:.2f}", "tot": f"{float(f'{q1:.2f}') + float(f'{q2:.2f}'):.2f}",
        "s1": f"{float(f'{s2:.2f}') + float(f'{s3:.2f}'):.2f}", "s2": f"{s2:.2f}", "s3": f"{s3:.2f}",
        "n": rng.randint(200, 90000), "n2": rng.randint(200, 90000), "k": rng.randint(5, 400), "k2": rng.randint(5, 200),
        "d": rng.randint(5, 30), "d2": rng.randint(3, 30),
    }
    return template.format(**values)


def _rule_score(target: str, actual: str, weight: int) -> float:
    """The score the national rule gives (达成 = full marks; short of a ≥ target, actual ÷ target
    of the weight; past a ≤ ceiling, 1 − excess ÷ ceiling), as a self-evaluation mostly gives it."""
    t, a = _NUM.search(target), _NUM.search(actual)
    if t is None or a is None:  # a qualitative indicator met in words
        return float(weight)
    t_value, a_value = float(t.group(0).replace(",", "")), float(a.group(0).replace(",", ""))
    if target.startswith("≤"):
        share = 1.0 if a_value <= t_value else max(0.0, 1 - (a_value - t_value) / t_value)
    else:
        share = 1.0 if a_value >= t_value else a_value / t_value
    return math.floor(weight * share * 100 + 0.5) / 100


def _indicator_row(rng: random.Random, layout: str) -> list[str]:
    level1, level2, level3, target, actual = rng.choice(INDICATORS)
    p = rng.randint(85, 99)
    values = {"n": rng.randint(1000, 500000), "p": p, "d": rng.randint(10, 30)}
    values.update(n2=int(values["n"] * rng.uniform(0.95, 1.1)), p2=round(rng.uniform(p - 3, 100), 1),
                  d2=rng.randint(5, values["d"]))
    weight = rng.choice([2, 3, 4, 5, 6, 8, 10])
    target, actual = target.format(**values), actual.format(**values)
    score = _rule_score(target, actual, weight)
    if rng.random() < SELF_DEDUCTION:  # a deduction the national rule does not make
        score = max(0.0, score - rng.choice([0.5, 1.0]))
    score_text = f"{score:.2f}".rstrip("0").rstrip(".")
    if layout == "tabs":  # 一级 二级 三级 分值权重 指标解释 目标值 完成值 得分
        return [level1, level2, level3, str(weight), rng.choice(EXPLANATIONS), target, actual, score_text]
    return [level1, level2, level3, target, actual, str(weight), score_text]


#: Qualifiers that tell apart rows drawn from the same pool entry, as a table splits an
#: indicator by scheme, area or quarter (a real table does not repeat a name).
QUALIFIERS = ["（职工医保）", "（居民医保）", "（城区）", "（乡镇）", "（第一季度）", "（第二季度）", "（第三季度）",
              "（第四季度）", "（线上）", "（窗口）"]


def _indicator_rows(rng: random.Random, layout: str, n: int) -> list[list[str]]:
    """``n`` indicator rows; a name drawn again gets the next qualifier."""
    rows, seen = [], {}
    for _ in range(n):
        row = _indicator_row(rng, layout)
        k = seen[row[2]] = seen.get(row[2], -1) + 1
        if k:
            row[2] += QUALIFIERS[(k - 1) % len(QUALIFIERS)]
        rows.append(row)
    return rows


def _cells_rows(rows: list[list[str]]) -> list[str]:
    out: list[str] = []
    for row in rows:
        out += ["\t" + c for c in row] + [""]
    return out


def make_report(i: int, rng: random.Random, names: list[str], target_bytes: int | None) -> tuple[str, bytes]:
    """The file name and bytes of report ``i``."""
    templates = _templates_cached()
    t = templates[i % len(templates)]
    county = rng.choice(names)
    department = f"{county}医疗保障局"
    year = rng.randint(2019, 2024)
    factor = rng.uniform(0.3, 3.0)

    text = t.text.replace(str(t.year + 1), "\x00NEXT\x00").replace(str(t.year), str(year))
    text = text.replace("\x00NEXT\x00", str(year + 1)).replace(t.department, department)
    lines = [_scale_numbers(line, factor) for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()

    # more indicator rows, inside the fixture's indicator table
    extra_rows = _indicator_rows(rng, t.layout, rng.randint(20, 60)) if target_bytes else []
    if t.layout == "cells" and extra_rows:
        at = next(k for k, line in enumerate(lines) if line.startswith("\t绩效自评综合得分"))
        lines[at:at] = _cells_rows(extra_rows)
    elif t.layout == "tabs" and extra_rows:
        at = next(k for k, line in enumerate(lines) if line.startswith("合计"))
        lines[at:at] = ["\t".join(row) for row in extra_rows]
    elif t.layout == "narrative" and extra_rows:
        lines += [f"{level3}年度目标{target}，实际完成{actual}，分值{weight}分，得分{score}分。"
                  for _, _, level3, target, actual, weight, score in extra_rows]

    # more paragraphs until the file has its size
    size = sum(len(x.encode(t.encoding)) + 2 for x in lines)
    k = 0
    stated: dict[str, str] = {}  # a paragraph restated in a report restates the same figures
    while target_bytes and size < target_bytes:
        k += 1
        if k % 6 == 0:
            para = f"（{k // 6}）{rng.choice(['预算执行情况', '绩效目标完成情况', '存在的问题', '改进措施'])}"
        elif rng.random() < PROSE_SHARE:
            para = rng.choice(PROSE)
        else:
            template = rng.choice(PARAGRAPHS)
            if template not in stated:
                stated[template] = _fill(template, rng, year)
            para = stated[template]
        lines.append(para)
        size += len(para.encode(t.encoding)) + 2

    data = (t.newline.join(lines) + t.newline).encode(t.encoding)
    name = f"{i:05d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    return name, data


_CACHE: list[Template] = []


def _templates_cached() -> list[Template]:
    if not _CACHE:
        _CACHE.extend(_templates())
    return _CACHE


def build(folder: Path, n: int, seed: int = 2024, mean_kb: float | None = None) -> dict:
    """Write ``n`` reports into ``folder``; return the count, total bytes and the encodings used.

    ``mean_kb``: None draws sizes from the samples' sizes (mean 22 KB); 0 writes the fixtures as
    they are (varied, not lengthened); any other value scales the samples' sizes to that mean.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = counties()
    mean_sample = sum(SAMPLE_SIZES) / len(SAMPLE_SIZES)
    scale = 1.0 if mean_kb is None else mean_kb * 1024 / mean_sample
    total = 0
    for i in range(n):
        target = None if scale == 0 else int(rng.choice(SAMPLE_SIZES) * scale * rng.uniform(0.8, 1.2))
        name, data = make_report(i, rng, names, target)
        (folder / name).write_bytes(data)
        total += len(data)
    return {"reports": n, "bytes": total, "layouts": {t.name: t.encoding for t in _templates_cached()}}


if __name__ == "__main__":  # write a few for a look: python bench/corpus.py OUT_DIR [N]
    import sys

    out = Path(sys.argv[1])
    info = build(out, int(sys.argv[2]) if len(sys.argv) > 2 else 6)
    print(f"{info['reports']} reports, {info['bytes'] / 1e6:.1f} MB in {out}")
