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

# %%
# %matplotlib inline
import pandas as pd

from evalkit import plotting
from evalkit.analysis import derive
from evalkit.export import read_tables

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 120)
plotting.use_house_style()

tables = read_tables("../data")
derived = derive(tables)
reports = tables["reports"]
enrollment = tables["enrollment"]
names = reports.set_index("report_id")["department"].fillna("（未注明单位）")

# %% [markdown]
# ## 参保人数（万人）
#
# 每个单位、每个年度、每个险种一个数（万人，保留两位小数）。险种之间不相加：
# 职工医保与居民医保合为“合计”，生育保险和补充医疗保险的参保人包含在职工医保之中；
# “资助参保”是政府资助参保的困难群众人数，是某一险种（通常是居民医保）的一部分。

# %%
# NBVAL_CHECK_OUTPUT
values = plotting.consensus(enrollment, ["report_id", "year", "scheme"], "persons")
values["单位"] = values["report_id"].map(names)
present = set(values["scheme"])
schemes = [s for s in plotting.SCHEME_ORDER if s in present]
schemes += sorted(present - set(schemes))
table = values.pivot_table(
    index=["单位", "year"], columns="scheme", values="persons", aggfunc="first"
).reindex(columns=schemes)
(table / 1e4).round(2).rename_axis(index=["单位", "年度"], columns="险种")

# %% [markdown]
# ## 职工与居民的构成（%）
#
# 职工医保、居民医保参保人数占“合计”的比例。两者相加应为 100%；不等于 100% 时说明报告的
# 分项与合计不一致（或只给了其中一项）。

# %%
# NBVAL_CHECK_OUTPUT
composition = pd.DataFrame({
    "职工医保占比（%）": table["职工医保"] / table["合计"] * 100,
    "居民医保占比（%）": table["居民医保"] / table["合计"] * 100,
})
composition["两者合计（%）"] = composition.sum(axis=1, min_count=2)
composition.dropna(how="all").round(2).rename_axis(index=["单位", "年度"])

# %% [markdown]
# ## 与上年相比
#
# 同一单位有多个年度的“合计”时，计算相邻可比年度之间的变化：
# 变化率 = （本年 − 上一可比年度）÷ 上一可比年度 × 100%。缺失的年度（数字无法读取）跳过。

# %%
# NBVAL_CHECK_OUTPUT
total = table["合计"].dropna().reset_index()
total["上一可比年度"] = total.groupby("单位")["year"].shift()
total["上年人数"] = total.groupby("单位")["合计"].shift()
total["变化（人）"] = total["合计"] - total["上年人数"]
total["变化率（%）"] = (total["变化（人）"] / total["上年人数"] * 100).round(2)
total.rename(columns={"year": "年度", "合计": "参保人数"})

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
