# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 参保人数：各单位、各年度参保多少人，职工与居民各占多少？
#
# **问题**：报告所述地区的基本医疗保险参保人数是多少？职工医保与居民医保的构成如何？
# 与上年相比变化多少？哪些数字被检查标记为有问题？
#
# 参保人数来自报告正文和表格（`enrollment` 表，单位：人）。同一个数字在一份报告中常被重复表述，
# 表中保留每一次表述；下面的汇总对每个数取出现次数最多的值（与图表一致），并列出表述不一致之处。

# %% tags=["parameters"]
# The data folder: tables written by `evalkit extract` (environment variable EVALKIT_DATA;
# default the bundled data). papermill can set DATA through this cell.
import os

DATA = os.environ.get("EVALKIT_DATA", "../data")

# %%
# %matplotlib inline
import pandas as pd

import evalkit
from evalkit import plotting

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 120)
plotting.use_house_style()

corpus = evalkit.open_tables(DATA)
tables = corpus.tables()
derived = corpus.derived()
reports = tables["reports"]
enrollment = tables["enrollment"]
names = evalkit.unit_labels(reports)  # short department name plus region

# %% [markdown]
# ## 参保人数（万人）
#
# 每个单位、每个年度、每个险种一个数（万人，保留两位小数）。险种之间不相加：
# 职工医保与居民医保合为“合计”，生育保险和补充医疗保险的参保人包含在职工医保之中；
# “资助参保”是政府资助参保的困难群众人数，是某一险种（通常是居民医保）的一部分。

# %%
# NBVAL_CHECK_OUTPUT
# One row per unit and year, one value per figure (evalkit.panel: the rule is in its docstring).
panel = corpus.panel()
schemes = {"enrolled_total": "合计", "enrolled_employee": "职工医保", "enrolled_resident": "居民医保"}
table = panel.dropna(subset=list(schemes), how="all").set_index(["unit", "year"])[list(schemes)]
(table / 1e4).round(2).rename(columns=schemes).rename_axis(index=["单位", "年度"], columns="险种")

# %% [markdown]
# 每个数取自哪里：取值规则（众数、本年度报告优先）、表述次数、不同数值个数和来源行
# （`evalkit.panel_figures`）。

# %%
figures = evalkit.panel_figures(corpus, derived)
figures[figures["figure"].isin(list(schemes))][
    ["unit", "year", "label", "value", "rule", "n_statements", "n_values", "sources"]
]

# %% [markdown]
# ## 职工与居民的构成（%）
#
# 职工医保、居民医保参保人数占“合计”的比例（`evalkit.panel.composition`）。两者相加应为 100%；
# 不等于 100% 时说明报告的分项与合计不一致（或只给了其中一项）。

# %%
# NBVAL_CHECK_OUTPUT
from evalkit.panel import composition, year_over_year

shares = composition(table, ["enrolled_employee", "enrolled_resident"], "enrolled_total")
shares.dropna(how="all").set_axis(["职工医保占比（%）", "居民医保占比（%）", "两者合计（%）"], axis=1).rename_axis(
    index=["单位", "年度"])

# %% [markdown]
# ## 与上年相比
#
# 同一单位有多个年度的“合计”时，计算相邻可比年度之间的变化（`evalkit.panel.year_over_year`）：
# 变化率 = （本年 − 上一可比年度）÷ 上一可比年度 × 100%。缺失的年度（数字无法读取）跳过。

# %%
# NBVAL_CHECK_OUTPUT
year_over_year(panel, "enrolled_total").rename(columns={
    "unit": "单位", "year": "年度", "enrolled_total": "参保人数", "prev_year": "上一可比年度",
    "prev_value": "上年人数", "change": "变化（人）", "change_pct": "变化率（%）"})

# %%
plotting.plot_enrollment(enrollment, reports)

# %% [markdown]
# ## 被检查标记的数字
#
# 涉及参保人数的检查发现：同一年度、同一险种在报告中出现不同数值，或人数写法可疑
# （例如“46.98人”，很可能漏写了“万”字，工具不会替报告补全，只标出来）。
# `sources` 为报告编号和行号，可回到原文核对。

# %%
# NBVAL_CHECK_OUTPUT
# Rules of evalkit.analysis.checks that concern head counts.
findings = derived["findings"]
flagged = findings[findings["rule"].str.contains("enrollment|headcount")]
flagged.assign(单位=flagged["report_id"].map(names))[
    ["单位", "rule", "severity", "message", "sources"]
].rename(columns={"rule": "规则", "severity": "严重程度", "message": "说明", "sources": "来源"})

# %% [markdown]
# 未能读取的人数（`persons` 为空）逐条列出，附报告原文写法和说明：

# %%
# NBVAL_CHECK_OUTPUT
unread = enrollment[enrollment["persons"].isna()]
unread.assign(单位=unread["report_id"].map(names))[
    ["单位", "year", "scheme", "raw", "note", "source"]
].rename(columns={"year": "年度", "scheme": "险种", "raw": "原文", "note": "说明", "source": "来源"})

# %% [markdown]
# ## 注意事项
#
# - 只有两个单位的报告给出了参保人数；其他报告没有这一部分，不是提取遗漏。
# - 临湘市的报告给出了 2022—2024 年的“合计”，但 2023 年写作“46.98人”、2024 年另有一处写作
#   “43.06人”/“43.06万人”，与 43.01 万人不一致。汇总取出现次数最多的 43.01 万人，年度变化因此跨过
#   2023 年，直接比较 2024 年与 2022 年。
# - 南昌市西湖区的报告在两处给出不同的资助参保人数（5975 人、3546 人），两处说的是不同的资助对象；
#   汇总按规则取先出现的 5975 人，检查把它列为“提示”。
# - 全国统计口径中，职工医保参保人数包含生育保险参保人；各报告的口径以报告原文为准。
