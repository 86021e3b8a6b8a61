"""Which units a briefing chart shows when the corpus holds more than it can draw readably.

A chart of 1 000 units is neither readable nor quick to make (the funds chart of a
1 000-report corpus drew 3 556 bars and 10 743 value labels). Every chart that draws a row,
a line or a bar per unit therefore takes ``max_units`` (default :data:`MAX_UNITS`; ``None``
draws all) and keeps the units that are largest by the chart's own measure, in the unit's
latest year, with **every** year of a unit kept so that trends stay whole. Ties go to the
unit whose name sorts first, so the choice does not depend on the order of the rows. The
chart's footnote says what was kept (:func:`cap_note`). A corpus of ``max_units`` units or
fewer is drawn exactly as without the cap.

The measure of each chart (documented in each chart function):

* 参保人数 (enrollment): the head count of 合计 in the unit's latest year, or, where the unit
  states no 合计 that year, the sum of the schemes drawn that year;
* 医保基金 (funds): the fund income of the unit's latest year with an income figure (the
  same rule over schemes); a unit stating no income is ranked by its expense;
* 预算执行率 (budget execution): the budget of the unit's latest year (部门整体 where present,
  adjusted budget, else initial budget, else final accounts);
* 预算支出结构 (budget structure): each panel its own pair's sum (基本支出 + 项目支出;
  人员经费 + 公用经费) in the unit's latest report;
* 指标达成 (indicator achievement, an audit chart): the number of indicators not met (未达成),
  then the number of indicators.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

logger = logging.getLogger(__name__)

#: Units a chart draws by default: the 20 largest by the chart's own measure.
MAX_UNITS = 20


def check_max_units(max_units: int | None) -> int | None:
    """Validate ``max_units`` (a positive whole number, or None for all)."""
    if max_units is None:
        return None
    if isinstance(max_units, bool) or not isinstance(max_units, int) or max_units < 1:
        raise ValueError(f"max_units must be a positive integer or None, not {max_units!r}")
    return max_units


def largest_units(sizes: Mapping[str, float], units: list[str] | set[str],
                  max_units: int | None) -> list[str] | None:
    """The *max_units* units of *units* largest by *sizes*, or None when all are drawn.

    A unit without a size (absent or NaN) ranks after every unit with one; ties go to the
    name that sorts first.

    Examples
    --------
    >>> largest_units({"甲": 5.0, "乙": 9.0, "丙": 5.0}, ["甲", "乙", "丙", "丁"], 2)
    ['乙', '丙']
    >>> largest_units({"甲": 5.0}, ["甲"], 20) is None
    True
    """
    max_units = check_max_units(max_units)
    every = sorted(set(units))
    if max_units is None or len(every) <= max_units:
        return None

    def key(unit: str) -> tuple[int, float, str]:
        size = sizes.get(unit)
        missing = size is None or math.isnan(float(size))
        return (1 if missing else 0, 0.0 if missing else -float(size), unit)

    kept = sorted(every, key=key)[:max_units]
    logger.info("chart draws %d of %d units (the largest)", len(kept), len(every))
    return kept


def cap_note(measure: str, shown: int, total: int, *, whole: str = "其各年度数据全部显示") -> str:
    """The footnote of a capped chart, in Chinese.

    Examples
    --------
    >>> cap_note("最近一年参保人数最多", 20, 1000)
    '仅显示最近一年参保人数最多的 20 个单位（共 1,000 个），其各年度数据全部显示。'
    """
    tail = f"，{whole}。" if whole else "。"
    return f"仅显示{measure}的 {shown} 个单位（共 {total:,} 个）{tail}"


def latest_total(data: pd.DataFrame, total: str = "合计") -> dict[str, float]:
    """Per unit, the value of its latest year: the *total* scheme where stated, else the sum
    of the schemes stated that year (columns ``unit``, ``year``, ``scheme``, ``value``).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"unit": ["甲", "甲", "甲", "乙", "乙"],
    ...     "year": [2022, 2023, 2023, 2023, 2023], "scheme": ["合计", "职工医保", "居民医保", "合计", "职工医保"],
    ...     "value": [50.0, 3.0, 40.0, 20.0, 4.0]})
    >>> latest_total(data)
    {'乙': 20.0, '甲': 43.0}
    """
    if data.empty:
        return {}
    latest = data[data["year"] == data.groupby("unit")["year"].transform("max")]
    is_total = latest["scheme"] == total
    with_total = set(latest.loc[is_total, "unit"])
    chosen = latest[is_total | ~latest["unit"].isin(with_total)]
    return {str(k): float(v) for k, v in chosen.groupby("unit")["value"].sum().items()}


def cap_units(data: pd.DataFrame, sizes: Mapping[str, float], max_units: int | None, measure: str,
              *, whole: str = "其各年度数据全部显示") -> tuple[pd.DataFrame, str]:
    """Keep the rows of the *max_units* largest units of *data* (column ``unit``).

    Returns the rows kept and the footnote saying so (``''`` when every unit is kept, and
    then *data* itself).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"unit": ["甲", "甲", "乙", "丙"], "year": [2022, 2023, 2023, 2023]})
    >>> kept, note = cap_units(data, {"甲": 3.0, "乙": 1.0, "丙": 2.0}, 2, "最近一年参保人数最多")
    >>> kept["unit"].tolist(), note
    (['甲', '甲', '丙'], '仅显示最近一年参保人数最多的 2 个单位（共 3 个），其各年度数据全部显示。')
    """
    units = data["unit"].unique().tolist()
    keep = largest_units(sizes, units, max_units)
    if keep is None:
        return data, ""
    return data[data["unit"].isin(keep)], cap_note(measure, len(keep), len(units), whole=whole)
