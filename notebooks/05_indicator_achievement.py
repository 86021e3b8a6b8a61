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
# # 05 绩效指标：目标达成了吗，自评分站得住吗？
#
# **问题**：各单位的绩效指标有多少达成了目标？按一级、二级指标看如何？按评分规则重新计分，
# 与报告自评的得分和等级是否一致？
#
# `evalkit.analysis.achievement` 按目标值的运算符（≥、>、≤、<、=、±、定性）判断每个指标是否达成；
# `evalkit.analysis.rescore` 按全国通用规则（财预〔2020〕10号）重新计分，报告自己写了评分细则的，
# 也按细则再算一遍。重算结果与报告得分并列，不替换报告的数字。

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
from evalkit.analysis import score_summary

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.max_rows", 100)
plotting.use_house_style()

corpus = evalkit.open_tables(DATA)
tables = corpus.tables()
derived = corpus.derived()
reports = tables["reports"]
achievement = derived["achievement"]
names = evalkit.unit_labels(reports)  # short department name plus region
achievement = achievement.assign(
    单位=achievement["report_id"].map(names),
    一级指标=achievement["level1"].fillna("（未分级）"),
    二级指标=achievement["level2"].fillna("（未分级）"),
)

# %% [markdown]
# ## 按单位和一级指标：达成、未达成、无法判断
#
# “达成率”= 达成 ÷（达成＋未达成）× 100%，不计无法判断的指标（缺少实际完成值，或单位无法核对）。

# %%
# NBVAL_CHECK_OUTPUT
by_level1 = pd.crosstab([achievement["单位"], achievement["一级指标"]], achievement["status"])
by_level1 = by_level1.reindex(columns=["达成", "未达成", "无法判断"], fill_value=0)
judged = by_level1["达成"] + by_level1["未达成"]
by_level1["达成率（%）"] = (by_level1["达成"] / judged.where(judged > 0) * 100).round(1)
by_level1.rename_axis(columns=None)

# %% [markdown]
# ## 按二级指标
#
# 只列有可判断指标的二级指标。

# %%
# NBVAL_CHECK_OUTPUT
by_level2 = pd.crosstab(
    [achievement["单位"], achievement["一级指标"], achievement["二级指标"]],
    achievement["status"],
).reindex(columns=["达成", "未达成", "无法判断"], fill_value=0)
by_level2[(by_level2["达成"] + by_level2["未达成"]) > 0].rename_axis(columns=None)

# %%
plotting.plot_achievement(derived["achievement"], reports)

# %% [markdown]
# ## 自评得分与重算得分：按报告和表汇总
#
# 每张指标表把末级指标的分值和得分相加（`evalkit.analysis.score_summary`）。“国家规则重算”在
# 每个指标都能得到点值时给出；含定性指标时给出区间（下限—上限）。等级按 优 ≥ 90、良 80—90、
# 中 60—80、差 < 60 划分。

# %%
# NBVAL_CHECK_OUTPUT
summary = score_summary(derived["achievement"], reports)
summary_columns = {
    "table": "指标表", "n_indicators": "指标数", "weight_sum": "分值合计",
    "reported_sum": "自评得分合计", "national_sum": "国家规则重算",
    "national_low_sum": "重算下限", "national_high_sum": "重算上限",
    "rule_sum": "按报告细则重算", "total_score": "报告综合得分", "grade": "报告等级",
    "grade_from_reported_sum": "按自评合计定级", "grade_from_national_sum": "按重算定级",
}
summary.assign(单位=summary["report_id"].map(names))[
    ["单位", "scope", *summary_columns]
].rename(columns={"scope": "范围", **summary_columns})

# %% [markdown]
# ## 得分不一致的指标
#
# 自评得分与国家规则重算（或区间）不一致，或与报告自己的评分细则不一致的指标，附计算过程。

# %%
# NBVAL_CHECK_OUTPUT
differs = achievement[
    achievement["national_difference"].fillna(0).ne(0)
    | achievement["rule_difference"].fillna(0).ne(0)
]
differs[
    ["单位", "level3", "weight", "target_raw", "actual_raw", "score_reported",
     "national_score", "national_low", "national_high", "rule_score", "national_method"]
].rename(columns={
    "level3": "指标", "weight": "分值", "target_raw": "目标值", "actual_raw": "实际完成值",
    "score_reported": "自评得分", "national_score": "国家规则重算", "national_low": "区间下限",
    "national_high": "区间上限", "rule_score": "按报告细则重算", "national_method": "计算过程",
})

# %% [markdown]
# ## 注意事项
#
# - 约一半的指标行无法判断：南昌市西湖区报告的“目标表”只有目标值没有实际值，临湘市部门整体的
#   指标表只有得分，没有目标值和实际值。这些行在达成率中不计。
# - 定性指标（如“全部完成”）按档次给出得分区间（达成 80—100%、部分达成 60—80%、未达成 0—60%），
#   不是一个点值；汇总时给出区间的上下限。
# - 孝感市报告打印了自己的评分细则（如“高于95%得5分，每降低2%扣1分”）；能解析的细则都重算一遍，
#   无法解析的列在检查发现中（`rule-text-unparsed`）。
# - 重算结果只是核对线索：报告可能采用省级细则，或对指标有文字说明，需要对照原文判断。
