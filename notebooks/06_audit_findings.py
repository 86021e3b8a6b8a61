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
# # 06 检查发现：报告哪里自相矛盾？
#
# **问题**：各报告内部有哪些不一致——合计与分项对不上、同一个数前后写得不一样、报告所列比率与按其
# 数字重算的不符、人数写法可疑、自评得分与评分规则不符？每一条发现涉及报告的哪几行、哪些数字？
#
# 检查由 `evalkit.analysis.run_checks` 完成，每条发现有规则的中文名称（`rule_name`，规则代码 `rule`
# 供脚本使用）、类别（`kind`：矛盾 = 报告自身数字不一致的审计发现；存疑 = 提取结果待复核）、严重程度、
# 中文说明、期望值、实际值、差额和来源（报告编号:行号）。规则目录见 `src/evalkit/rules/check_rules.csv`。
# 发现是核对线索，不是结论：需要对照原文逐条判断。

# %% tags=["parameters"]
# The data folder: tables written by `evalkit extract` (environment variable EVALKIT_DATA;
# default the bundled data). papermill can set DATA through this cell.
import os

DATA = os.environ.get("EVALKIT_DATA", "../data")

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import evalkit
from evalkit import plotting

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 200)
pd.set_option("display.max_rows", 200)
plotting.use_house_style()

corpus = evalkit.open_tables(DATA)
tables = corpus.tables()
derived = corpus.derived()
reports = tables["reports"]
findings = derived["findings"]
names = evalkit.unit_labels(reports)  # short department name plus region

# %% [markdown]
# ## 按规则和严重程度计数

# %%
# NBVAL_CHECK_OUTPUT
pd.crosstab([findings["kind"], findings["rule_name"]], findings["severity"], margins=True,
            margins_name="合计").rename_axis(index=["类别", "规则"], columns="严重程度")

# %% [markdown]
# ## 按报告计数

# %%
# NBVAL_CHECK_OUTPUT
pd.crosstab(
    findings["report_id"].map(names).rename("单位"), findings["severity"].rename("严重程度"),
    margins=True, margins_name="合计",
)

# %%
plotting.plot_findings(findings, reports)

# %% [markdown]
# ## 全部发现
#
# 按报告排列。`期望`/`实际`/`差额` 的含义随规则而定（例如合计与分项之和、多数表述与另一表述）。

# %%
# NBVAL_CHECK_OUTPUT
findings.assign(单位=findings["report_id"].map(names))[
    ["单位", "kind", "rule_name", "severity", "message", "expected", "observed", "difference", "sources"]
].rename(columns={
    "kind": "类别", "rule_name": "规则", "severity": "严重程度", "message": "说明", "expected": "期望",
    "observed": "实际", "difference": "差额", "sources": "来源",
})

# %% [markdown]
# ## 每条发现涉及的数字
#
# 每条发现的来源行上，数据表记录了哪些数字（项目和报告原文写法）。这样不用打开报告，也能看到
# 发现所依据的数字；需要上下文时，再按行号打开报告原文。

# %%
# Where each table keeps the name, the value and the words of a figure.
FIGURE_COLUMNS = {
    "budget": ("item_raw", "amount_wan", "item_raw"),
    "enrollment": ("scheme", "persons", "raw"),
    "funds": ("scheme", "amount_wan", "raw"),
    "rates": ("name", "value_pct", "raw"),
    "indicators": ("level3", "score", "actual_raw"),
    "staff": ("category_raw", "persons", "raw"),
    "assets": ("item_raw", "amount_wan", "raw"),
}
figures = pd.concat(
    [
        tables[name][["source", what, value, raw]].set_axis(
            ["来源", "项目", "数值", "原文"], axis=1
        ).astype({"数值": "Float64"}).assign(表=name)
        for name, (what, value, raw) in FIGURE_COLUMNS.items()
        if name in tables and len(tables[name])
    ],
    ignore_index=True,
)
cited = (
    findings.assign(来源=findings["sources"].str.split(";"))
    .explode("来源")
    .assign(来源=lambda f: f["来源"].str.strip())
    .reset_index(names="发现")
)

# %%
# NBVAL_CHECK_OUTPUT
evidence = cited[["发现", "来源"]].merge(figures, on="来源", how="left")
print(f"{len(findings)} 条发现引用 {cited['来源'].nunique()} 个来源行，"
      f"其中 {evidence.dropna(subset=['表'])['来源'].nunique()} 行在数据表中有对应数字")
evidence["数字"] = evidence["项目"].fillna("") + " " + evidence["原文"].fillna("")
per_finding = evidence.dropna(subset=["表"]).groupby("发现").agg(
    来源行=("来源", lambda s: "；".join(dict.fromkeys(x.split(":")[1] for x in s))),
    涉及数字=("数字", lambda s: "；".join(dict.fromkeys(s))),
)
findings[["rule_name", "message"]].rename(columns={"rule_name": "规则", "message": "说明"}).join(
    per_finding
).rename_axis("发现")

# %% [markdown]
# ## 导出审计工作底稿
#
# 把数据表、执行率、指标达成与复核、检查发现写成一个 Excel 工作簿（`evalkit.workpaper`），
# 每条发现链接到它涉及的数据行。命令行 `evalkit build data --out build` 做同样的事，并同时生成图表。

# %%
from evalkit.workpaper import write_workpaper

workbook = write_workpaper(
    tables, derived, Path("../build/workpaper.xlsx"),
    command="evalkit build data --out build",
)
print(workbook.name)

# %%
# NBVAL_CHECK_OUTPUT
from openpyxl import load_workbook

sheets = load_workbook(workbook, read_only=True).sheetnames
pd.Series(sheets, name="工作表").rename_axis("序号").to_frame()

# %% [markdown]
# ## 注意事项
#
# - 有些发现是误报，例如北塔区报告的财政拨款支出表只统计财政拨款资金，比全部资金口径的基本支出小，
#   两者的差额正好是其他收入——报告本身是自洽的。每个样本的核对结论见 `docs/` 中的验证记录。
# - 同一数字多处表述不一致时，检查给出“多数表述”与“另一表述”；哪一个正确只能看原文上下文判断。
# - 来源行在数据表中没有对应数字的，是正文中的计算依据（例如报告写的比率）或未归位内容，
#   可在 `residue` 表或报告原文中按行号查看。
