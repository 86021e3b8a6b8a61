"""Tests for the administrative-division table and the region resolver."""

from __future__ import annotations

import csv
import dataclasses
import importlib.resources
import logging
import re
from collections import Counter
from pathlib import Path

import pytest

from evalkit.regions import (
    Region,
    lexical_region,
    load_admin_divisions,
    province_named_with,
    resolve_region,
    resolve_region_from_texts,
)

EXPECTED = Path(__file__).parent / "expected"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    res = importlib.resources.files("evalkit").joinpath("vocab", "admin_divisions.csv")
    with res.open("r", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def by_code(rows) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows}


def _find(rows, name: str) -> list[dict[str, str]]:
    return [r for r in rows if r["name"] == name]


# --- the table ---------------------------------------------------------------------------


def test_columns_and_codes(rows):
    assert list(rows[0]) == ["code", "name", "short_name", "level", "parent_code"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[1-8]\d{5}", c) for c in codes)
    assert all(r["name"] for r in rows)
    assert {r["level"] for r in rows} == {"province", "city", "county"}
    # No duplicate name under one parent.
    assert max(Counter((r["parent_code"], r["name"]) for r in rows).values()) == 1


def test_counts_by_level(rows):
    counts = Counter(r["level"] for r in rows)
    assert 31 <= counts["province"] <= 34
    assert counts["city"] >= 330
    assert counts["county"] >= 2800
    assert 3100 <= len(rows) <= 3400


def test_parents_present_and_levels_consistent(rows, by_code):
    for r in rows:
        if r["level"] == "province":
            assert r["parent_code"] == "" and r["code"].endswith("0000")
            continue
        parent = by_code[r["parent_code"]]  # KeyError if missing
        assert r["code"][:2] == parent["code"][:2]
        if r["level"] == "city":
            assert parent["level"] == "province"
        else:  # a county hangs under a city, or directly under its province (仙桃市)
            assert parent["level"] in ("city", "province")


def test_short_names(rows):
    for r in rows:
        s = r["short_name"]
        assert s == "" or (len(s) >= 2 and len(s) < len(r["name"])), r
    short = {r["name"]: r["short_name"] for r in rows}
    assert short["临湘市"] == "临湘"
    assert short["孝感市"] == "孝感"
    assert short["湖北省"] == "湖北"
    assert short["内蒙古自治区"] == "内蒙古"
    assert short["恩施土家族苗族自治州"] == "恩施"
    assert short["长阳土家族自治县"] == "长阳"
    assert short["浦东新区"] == "浦东"
    assert short["公安县"] == ""  # an everyday word (公安局)
    assert short["吉林省"] == "吉林" and short["吉林市"] == ""  # cross-level clash
    assert {r["short_name"] for r in _find(rows, "西湖区")} == {"西湖"}


@pytest.mark.parametrize(
    ("name", "parent", "grandparent"),
    [
        ("西湖区", "南昌市", "江西省"),
        ("临湘市", "岳阳市", "湖南省"),
        ("北塔区", "邵阳市", "湖南省"),
        ("孝感市", "湖北省", None),
        ("浦东新区", "上海市", "上海市"),
        ("恩施土家族苗族自治州", "湖北省", None),
        ("长阳土家族自治县", "宜昌市", "湖北省"),
        ("阿拉善左旗", "阿拉善盟", "内蒙古自治区"),
    ],
)
def test_known_parents(rows, by_code, name, parent, grandparent):
    found = [r for r in _find(rows, name) if by_code[r["parent_code"]]["name"] == parent]
    assert len(found) == 1, (name, parent)
    p = by_code[found[0]["parent_code"]]
    if grandparent is not None:
        assert by_code[p["parent_code"]]["name"] == grandparent


def test_district_names_repeat_across_cities(rows, by_code):
    xihu = _find(rows, "西湖区")
    assert sorted(by_code[r["parent_code"]]["name"] for r in xihu) == ["南昌市", "杭州市"]
    assert {r["code"] for r in xihu} == {"360103", "330106"}


def test_municipalities_are_province_and_city(rows, by_code):
    for name, code in [("北京市", "11"), ("天津市", "12"), ("上海市", "31"), ("重庆市", "50")]:
        prov, city = by_code[code + "0000"], by_code[code + "0100"]
        assert prov["name"] == city["name"] == name
        assert (prov["level"], city["level"], city["parent_code"]) == (
            "province",
            "city",
            prov["code"],
        )
        counties = [r for r in rows if r["parent_code"] == city["code"]]
        assert len(counties) >= 16 and all(r["level"] == "county" for r in counties)


def test_directly_administered_county_level_city(rows, by_code):
    (xiantao,) = _find(rows, "仙桃市")
    assert xiantao["level"] == "county"
    assert by_code[xiantao["parent_code"]]["name"] == "湖北省"


def test_load_admin_divisions_dataframe(rows):
    df = load_admin_divisions()
    assert list(df.columns) == ["code", "name", "short_name", "level", "parent_code"]
    assert len(df) == len(rows)
    assert df.loc[df["code"] == "420900", "name"].tolist() == ["孝感市"]


# --- the resolver ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("南昌市西湖区医疗保障局", ("江西省", "南昌市", "西湖区", "360103")),
        ("临湘市医疗保障事务中心", ("湖南省", "岳阳市", "临湘市", "430682")),
        ("北塔区医疗保障局（含医疗保障事务中心）", ("湖南省", "邵阳市", "北塔区", "430511")),
        ("湖北省孝感市医疗保障局", ("湖北省", "孝感市", None, "420900")),
        ("孝感市医疗保障局", ("湖北省", "孝感市", None, "420900")),
        ("邵阳市北塔区财政局", ("湖南省", "邵阳市", "北塔区", "430511")),
        ("上海市浦东新区医疗保障局", ("上海市", "上海市", "浦东新区", "310115")),
        ("北京市医疗保障局", ("北京市", "北京市", None, "110100")),
        ("恩施土家族苗族自治州医疗保障局", ("湖北省", "恩施土家族苗族自治州", None, "422800")),
        ("长阳土家族自治县医疗保障局", ("湖北省", "宜昌市", "长阳土家族自治县", "420528")),
        ("恩施州巴东县医疗保障局", ("湖北省", "恩施土家族苗族自治州", "巴东县", "422823")),
        ("仙桃市医疗保障局", ("湖北省", None, "仙桃市", "429004")),
        ("湖北孝感", ("湖北省", "孝感市", None, "420900")),
        ("杭州市西湖区", ("浙江省", "杭州市", "西湖区", "330106")),
        ("东西湖区医疗保障局", ("湖北省", "武汉市", "东西湖区", "420112")),
        ("湖南省医疗保障局", ("湖南省", None, None, "430000")),
        ("2023年度部门整体支出绩效自评报告", (None, None, None, None)),
        ("", (None, None, None, None)),
    ],
)
def test_resolve_region(text, expected):
    r = resolve_region(text)
    assert (r.province, r.city, r.county, r.code) == expected


def test_bare_repeated_district_is_ambiguous(caplog):
    with caplog.at_level(logging.DEBUG, logger="evalkit.regions"):
        r = resolve_region("西湖区医疗保障局")
    assert r == Region()
    assert "ambiguous" in caplog.text and "360103" in caplog.text and "330106" in caplog.text


def test_two_counties_of_one_city_give_the_city():
    r = resolve_region("临湘市、汨罗市医疗保障局联合开展")
    assert (r.province, r.city, r.county) == ("湖南省", "岳阳市", None)


def test_short_and_generic_names_need_an_anchor():
    assert resolve_region("省、市和县三级医保部门") == Region()  # 和县 inside running text
    assert resolve_region("和县医疗保障局").county == "和县"
    assert resolve_region("安徽省马鞍山市和县医疗保障局").city == "马鞍山市"
    assert resolve_region("城区医疗保障局") == Region()  # several 城区
    assert resolve_region("阳泉市城区医疗保障局").county == "城区"
    assert resolve_region("推进乡村振兴和公安局协作") == Region()
    assert resolve_region("公安县医疗保障局").county == "公安县"


def test_region_is_frozen():
    r = resolve_region("临湘市医疗保障事务中心")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.county = "x"  # type: ignore[misc]


def test_resolve_from_texts_combines_lines():
    r = resolve_region_from_texts(
        [
            "北塔区医疗保障局",
            "根据《邵阳市北塔区财政局关于开展2020年度项目和整体支出绩效自评的通知》",
        ]
    )
    assert r == Region("湖南省", "邵阳市", "北塔区", "430511")
    assert resolve_region_from_texts(["西湖区医疗保障局", "南昌市第一医院"]).code == "360103"
    assert resolve_region_from_texts(["西湖区医疗保障局", "浙江省"]).city == "杭州市"
    assert resolve_region_from_texts(["整体支出绩效自评报告", None, ""]) == Region()  # type: ignore[list-item]


def _expected_reports() -> list[tuple[str, str, str, str]]:
    out = []
    for path in sorted(EXPECTED.glob("*/reports.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["department"]:
                    out.append((row["department"], row["province"], row["city"], row["county"]))
    return out


@pytest.mark.parametrize(("department", "province", "city", "county"), _expected_reports())
def test_departments_of_expected_tables(department, province, city, county):
    r = resolve_region(department)
    assert (r.province or "", r.city or "", r.county or "") == (province, city, county)


# --- the lexical fallback (names the reference table lacks) -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("随阳市曾安区医疗保障局", (None, "随阳市", "曾安区")),
        ("梨城市梨川市医疗保障局", (None, "梨城市", "梨川市")),  # a X市 after a city: county-level
        ("澄河市乐溪中心校", (None, "澄河市", None)),
        ("重庆市云岭区医疗保障局", ("重庆市", "重庆市", "云岭区")),
        ("宁夏回族自治区六盘川县医疗保障局", ("宁夏回族自治区", None, "六盘川县")),
        ("青石县河口镇中心卫生院", (None, None, "青石县")),  # 镇 ends the reading
        ("2023年度隆溪县医疗保障局部门整体支出", (None, None, "隆溪县")),
        ("《澄州市统计年鉴—2024》", (None, "澄州市", None)),
        ("县医疗保障局", (None, None, None)),
        ("社区卫生服务中心", (None, None, None)),
    ],
)
def test_lexical_region(text, expected):
    r = lexical_region(text)
    assert (r.province, r.city, r.county) == expected and r.code is None


def test_level_words_are_no_places():
    # '〔2018〕34号' with lost brackets, then 和县级: not the county 和县
    assert resolve_region("中发〔201834和县级预算绩效管理办法") == Region()
    assert resolve_region_from_texts(["隆溪县医疗保障局", "中发〔201834和县级预算绩效管理办法"]) == Region(
        None, None, "隆溪县", None
    )


def test_reference_table_wins_when_it_knows_the_names_written():
    assert resolve_region_from_texts(["临湘市医疗保障事务中心"]).city == "岳阳市"  # not 临湘市 as a city
    # a county the body names below the city of a city-level department is dropped
    r = resolve_region_from_texts(["孝感市医疗保障局", "孝感市孝南区"])
    assert (r.province, r.city, r.county, r.code) == ("湖北省", "孝感市", None, "420900")


def test_province_written_next_to_the_place():
    region = Region(county="永澜县")
    assert province_named_with(["技术支持：云南省永澜县融媒体中心"], region) == "云南省"
    assert province_named_with(["广东省和永澜县"], region) == "广东省"
    assert province_named_with(["云南省昆明市", "永澜县"], region) is None
    r = resolve_region_from_texts(["港城市海湾区医疗保障局", "贯彻执行国家、广东省和港城市医疗保障政策"])
    assert (r.province, r.city, r.county) == ("广东省", "港城市", "海湾区")
