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
# # 04 预算执行：钱花了多少，和预算比怎么样？
#
# **问题**：各单位的预算执行率是多少？对年初预算和对调整预算分别是多少？报告自己写的执行率
# 与按报告数字重算的是否一致？支出结构（基本支出与项目支出、人员经费与公用经费）如何？
#
# 执行率由 `evalkit.analysis.execution` 从 `budget` 表计算：执行率 = 决算数 ÷ 预算数 × 100%。
# 各报告所用的分母不同（年初预算、调整预算，或包含上年结转的可用资金），所以各种口径都算出来并列展示。

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
pd.set_option("display.max_colwidth", 80)
plotting.use_house_style()

corpus = evalkit.open_tables(DATA)
tables = corpus.tables()
derived = corpus.derived()
reports = tables["reports"]
# Units named by a short department name plus region (evalkit.unit_labels), as in the charts.
execution = derived["execution"].assign(
    department=lambda e: e["report_id"].map(evalkit.unit_labels(reports)))

# %% [markdown]
# ## 预算总额与执行率
#
# 金额单位万元，执行率单位 %。“报告所列”是报告自己写的执行率，“差异”是报告所列减去重算值
# （按报告所用的分母）。

# %%
# NBVAL_CHECK_OUTPUT
columns = {
    "department": "单位", "scope": "范围", "fiscal_year": "年度",
    "initial_total": "年初预算", "adjusted_total": "调整预算", "carryover": "上年结转",
    "final_total": "决算", "rate_vs_initial": "对年初预算（%）",
    "rate_vs_adjusted": "对调整预算（%）", "rate_vs_available": "对可用资金（%）",
    "rate_stated": "报告所列（%）", "stated_basis": "报告所用分母",
    "difference_vs_initial": "差异·年初", "difference_vs_adjusted": "差异·调整",
}
shown = execution[[c for c in columns if c in execution.columns]].rename(columns=columns)
shown["单位"] = shown["单位"].fillna("（未注明单位）")
shown.round(2)

# %%
plotting.plot_execution(execution, reports)

# %% [markdown]
# ## 支出结构
#
# 基本支出、项目支出占支出合计的比例，人员经费、公用经费占基本支出的比例，“三公”经费占支出合计的
# 比例（%）。取数阶段见“取数阶段”列。

# %%
# NBVAL_CHECK_OUTPUT
share_columns = {
    "department": "单位", "scope": "范围", "shares_stage": "取数阶段",
    "basic_share": "基本支出（%）", "project_share": "项目支出（%）",
    "personnel_share": "人员经费（%）", "public_share": "公用经费（%）",
    "three_public_share": "三公经费（%）",
}
shares = execution[[c for c in share_columns if c in execution.columns]].rename(
    columns=share_columns
)
shares["单位"] = shares["单位"].fillna("（未注明单位）")
shares.round(2)

# %%
plotting.plot_budget_structure(tables["budget"], reports)

# %% [markdown]
# ## 与上年相比
#
# 同一单位有上一年度的决算数时，计算决算总额的变化率。

# %%
# NBVAL_CHECK_OUTPUT
yoy = execution[["department", "scope", "fiscal_year", "final_total", "prev_fiscal_year",
                 "prev_final_total", "yoy_change_pct"]]
print(f"有上年数可比的单位：{int(yoy['yoy_change_pct'].notna().sum())} 个")

# %% [markdown]
# ## 预算数字相关的检查发现
#
# 涉及预算收支数字或报告所列比率所在行的检查发现（分项与合计不符、报告所列比率与重算不符等）。

# %%
# NBVAL_CHECK_OUTPUT
findings = derived["findings"]
names = evalkit.unit_labels(reports)  # short department name plus region
# Totals, conflicts and rates (rule codes of evalkit.analysis.checks) that name a line
# holding a budget figure or a stated rate.
budget_lines = set(tables["budget"]["source"]) | set(tables["rates"]["source"])
names_budget = findings["sources"].fillna("").str.split(";").map(
    lambda found: bool(budget_lines.intersection(x.strip() for x in found))
)
budget_rules = findings["rule"].str.contains("amount|parts|total|rate")
flagged = findings[names_budget & budget_rules]
flagged.assign(单位=flagged["report_id"].map(names))[
    ["单位", "rule", "severity", "message"]
].rename(columns={"rule": "规则", "severity": "严重程度", "message": "说明"})

# %% [markdown]
# ## 注意事项
#
# - 北塔区 2020 年的决算支出 363.47 万元包含上年结转 43.34 万元和其他收入，对年初预算
#   166.18 万元的执行率超过 200%；对可用资金（年初预算＋上年结转）也超过 100%。这说明年初预算
#   只覆盖了部分资金来源，不是超支的证据。
# - 临湘市的部门整体报告只给了决算数，没有预算数，所以算不出执行率；其“医疗保险基金”项目给了预算数。
# - 孝感市的报告写了两个执行率，分析取与重算值最接近的一个（见 `note` 列）。
# - 样本中每个单位只有一个年度，暂时无法做年度比较；加入同一单位其他年度的报告后，上一节会自动给出结果。
