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
# # 03 医保基金收支：收入够不够支出？
#
# **问题**：各险种的医保基金收入和支出各是多少？当年结余多少，支出占收入的比例多高？
# 报告给出累计结余时，累计结余够支付几个月？
#
# 数据来自 `funds` 表（单位：万元；报告写“亿元”“元”的已换算，原文保留在 `raw` 列）。
# 同一数字多处表述时取出现次数最多的值，与图表一致。

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
funds = tables["funds"]
names = evalkit.unit_labels(reports)  # short department name plus region

# %% [markdown]
# ## 收入、支出和当年结余（万元）
#
# 每个单位、每个年度、每个险种（合计、职工医保、居民医保）一行，取自跨县面板（`corpus.panel()`）。
# 结余为报告所列，未列时为收入 − 支出；支出收入比 = 支出 ÷ 收入 × 100%。只有收入或只有支出的险种，
# 这两列为空。统筹基金、个人账户、生育保险等分项不在面板中（见 `funds` 表）。

# %%
# NBVAL_CHECK_OUTPUT
# One row per unit and year, one value per figure (evalkit.panel); a 结余 not stated is 收入 − 支出.
panel = corpus.panel()
long = panel.melt(id_vars=["unit", "year"], value_vars=[c for c in panel if c.startswith("fund_")])
long[["_", "flow", "scheme"]] = long["variable"].str.split("_", expand=True)
long["scheme"] = long["scheme"].map({"total": "合计", "employee": "职工医保", "resident": "居民医保"})
long["flow"] = long["flow"].map({"income": "收入", "expense": "支出", "balance": "结余（收入−支出或报告所列）"})
flows = long.dropna(subset=["value"]).pivot_table(
    index=["unit", "year", "scheme"], columns="flow", values="value", aggfunc="first")
flows = flows.reindex(columns=["收入", "支出", "结余（收入−支出或报告所列）"])
flows["支出收入比（%）"] = flows["支出"] / flows["收入"] * 100
flows.round(2).rename_axis(index=["单位", "年度", "险种"], columns=None)

# %% [markdown]
# ## 累计结余可支付月数
#
# 可支付月数 = 累计结余 ÷（当年支出 ÷ 12）。官方统计的口径和取整方式不同，这里把公式写出来，
# 便于核对；只有同时给出累计结余和当年支出的险种才能计算。累计结余不在面板中，这里用
# `evalkit.consensus`（面板所用的同一取值规则）从 `funds` 表取值。

# %%
# NBVAL_CHECK_OUTPUT
values = evalkit.consensus(funds, ["report_id", "year", "scheme", "flow"], "amount_wan")
values["单位"] = values["report_id"].map(names)
stock = values.pivot_table(index=["单位", "year", "scheme"], columns="flow", values="amount_wan",
                           aggfunc="first")
if {"累计结余", "支出"} <= set(stock.columns):
    months = stock[["累计结余", "支出"]].dropna()
    months["可支付月数"] = (months["累计结余"] / (months["支出"] / 12)).round(1)
else:
    months = pd.DataFrame(columns=["累计结余", "支出", "可支付月数"])
print(f"给出累计结余且可以计算的险种：{len(months)} 个")
months

# %%
plotting.plot_funds(funds, reports)

# %% [markdown]
# ## 表述不一致的数字
#
# 同一年度、同一险种、同一收支方向在报告中出现了不同的数值：

# %%
# NBVAL_CHECK_OUTPUT
findings = derived["findings"]
flagged = findings[findings["rule"].str.contains("funds")]
flagged.assign(单位=flagged["report_id"].map(names))[
    ["单位", "rule", "message", "expected", "observed", "difference"]
].rename(columns={"rule": "规则", "message": "说明", "expected": "多数表述",
                  "observed": "另一表述", "difference": "差额"})

# %% [markdown]
# ## 注意事项
#
# - 只有两个单位的报告给出了基金收支，且都没有给出累计结余，所以无法计算可支付月数。
# - 临湘市报告第 815 行给出的职工医保支出 17558.29 万元，与其他四处的 1.6 亿元不一致；
#   汇总取出现次数较多的 16000 万元。两者都保留在 `funds` 表中。
# - 职工医保统筹基金和个人账户是职工医保支出的组成部分，不能与职工医保相加；医疗救助不属于
#   医保基金，只是报告同一段落里提到的支出。
# - 全国统计中，累计结存的口径在不同年份有变化（是否含个人账户），职工医保数字包含生育保险；
#   跨单位、跨年度比较时需先统一口径。
