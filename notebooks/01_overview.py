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
# # 01 语料概览：这批报告里有什么？
#
# **问题**：随 evalkit 附带的绩效自评报告来自哪些单位、哪些地区、哪些年度？每张表提取了多少行？
# 每份报告还有多少数字没有归入任何表（未归位内容），检查又发现了多少问题？
#
# 数据来自 `data/` 文件夹：由 `evalkit extract` 从报告原文提取的表格（CSV）。
# 报告原文不随仓库提供；表中每个数字都带有 `source`（报告编号:行号），可回到原文核对。

# %% tags=["parameters"]
# The data folder: tables written by `evalkit extract` (environment variable EVALKIT_DATA;
# default the bundled data). papermill can set DATA through this cell.
import os

DATA = os.environ.get("EVALKIT_DATA", "../data")

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import display

import evalkit
from evalkit import plotting

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)
plotting.use_house_style()

corpus = evalkit.open_tables(DATA)
tables = corpus.tables()
derived = corpus.derived()
reports = tables["reports"]
corpus

# %% [markdown]
# ## 报告清单
#
# 每份报告一行：单位、所在地区、预算年度、报告类型，以及报告自己给出的综合得分和等级。

# %%
# NBVAL_CHECK_OUTPUT
reports[
    ["report_id", "department", "province", "city", "county", "fiscal_year", "report_kind",
     "evaluator", "total_score", "grade"]
].rename(columns={
    "report_id": "报告编号", "department": "单位", "province": "省", "city": "市",
    "county": "县（区）", "fiscal_year": "年度", "report_kind": "报告类型",
    "evaluator": "评价机构", "total_score": "综合得分", "grade": "等级",
})

# %% [markdown]
# ## 按地区和年度
#
# 省份与预算年度的交叉计数。没有写明单位和地区的报告记为“未注明”。

# %%
# NBVAL_CHECK_OUTPUT
pd.crosstab(
    reports["province"].fillna("未注明").rename("省"),
    reports["fiscal_year"].rename("年度"),
    margins=True, margins_name="合计",
)

# %% [markdown]
# ## 各表行数
#
# 读取器给出的数据表（参保、基金、预算、指标、比率、未归位内容等）和分析得出的派生表
# （执行率、指标达成与复核、检查发现）。

# %%
# NBVAL_CHECK_OUTPUT
rows = {name: len(frame) for name, frame in tables.items()}
rows |= {f"{name}（派生）": len(frame) for name, frame in derived.items()}
pd.Series(rows, name="行数").rename_axis("表").to_frame()

# %% [markdown]
# ## 每份报告：提取了多少，剩下多少，发现了什么
#
# 下表逐份报告列出各表的行数、未归位内容条数和检查发现条数；`coverage` 表给出报告中的数字
# 有多大比例被放进了表格（表格内的数字、正文中的数字分别计算，%）。

# %%
# NBVAL_CHECK_OUTPUT
names = evalkit.unit_labels(reports)  # short department name plus region
per_report = pd.DataFrame({
    label: frame["report_id"].value_counts()
    for label, frame in [
        ("绩效指标", tables["indicators"]), ("预算收支", tables["budget"]),
        ("参保人数", tables["enrollment"]), ("基金收支", tables["funds"]),
        ("业务数据", tables["services"]), ("未归位内容", tables["residue"]),
        ("检查发现", derived["findings"]),
    ]
}).reindex(reports["report_id"]).fillna(0).astype(int)
coverage = tables["coverage"].set_index("report_id")[["table_coverage", "text_coverage"]]
per_report = per_report.join(coverage.rename(columns={
    "table_coverage": "表格数字归位率（%）", "text_coverage": "正文数字归位率（%）"}))
per_report.insert(0, "单位", names)
per_report

# %% [markdown]
# ## 跨县面板：每个单位、每个年度一行
#
# `corpus.panel()` 把各单位各年度的主要数字放在一行：参保人数（人）、基金收支（万元）、预算与决算（万元）
# 和各口径执行率（%）、自评得分和等级、检查发现条数。同一数字多处表述时按 `evalkit.consensus` 的规则取一个值，
# `evalkit.panel_figures` 列出每个值的取值规则和来源行。单位以“简称 + 地区”命名。

# %%
# NBVAL_CHECK_OUTPUT
panel = corpus.panel()
panel[["unit", "year", "enrolled_total", "budget_final", "rate_vs_adjusted", "total_score", "grade",
       "findings_error", "findings_warning"]].rename(columns={
    "unit": "单位", "year": "年度", "enrolled_total": "参保人数", "budget_final": "决算（万元）",
    "rate_vs_adjusted": "执行率·对调整预算（%）", "total_score": "自评得分", "grade": "等级",
    "findings_error": "错误", "findings_warning": "警告"})

# %%
plotting.plot_overview(tables, derived)

# %% [markdown]
# ## 业务数据：正文里写的工作量与成效
#
# 备案人数、救助人次、检查家数、追回或处理的违规金额、罚款、集采金额、办件数……这些数字写在
# 正文里，不属于预算和基金，`services` 表按业务领域（`topic`）收录，金额为万元。下表按报告和领域
# 计数；再下面列出基金监管的数字。

# %%
# NBVAL_CHECK_OUTPUT
services = tables["services"]
services.pivot_table(index="report_id", columns="topic", values="value", aggfunc="count", fill_value=0)

# %%
services.loc[services["topic"] == "基金监管", ["report_id", "measure", "value", "unit", "raw", "source"]]

# %% [markdown]
# ## 注意事项
#
# - 有一份报告（2023 年度）正文没有写单位名称，也没有写地区，所以单位和地区为空。知道单位的用户
#   可以在 `data/manifest.csv` 中填写，声明的值优先于提取的值。
# - 临湘市医疗保障事务中心的文件里有两份报告：部门整体自评和“医疗保险基金”项目自评。`reports`
#   表只有一行（部门整体），项目自评的数字以 `scope` 列区分。
# - 孝感市的报告是第三方（武汉纺织大学）做的评价，不是单位自评。
# - 归位率低不一定是提取遗漏：正文中的日期、序号、人员编制等数字本来就不属于任何表。
#   未归位内容逐条列在 `residue` 表中，可以核对。
