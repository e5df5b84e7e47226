"""Deterministic generator of the 济宁高新区 demo zone.

Real: the zone code 370871, its five streets and their 9-digit codes, and the 123 communities and
villages with their 12-digit statistical codes (统计用区划代码 2023, National Bureau of Statistics, cut-off
2023-06-30); the zone's resident population of about 350,000 (济宁国家高新区概况, jnhn.gov.cn, 2025-02-28); some school, kindergarten
and health-centre names (public listings).
Synthetic: every shape and position (street centres are estimates, ±3-5 km, no public source gives them;
boundaries are Voronoi cells of those centres), the residential areas, their populations, the
facilities and the walking network. The UI and docs say so.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field
from typing import Any

import shapely
import shapely.geometry
from shapely.geometry import MultiPoint, Point, Polygon, box, mapping

ZONE_CODE = "370871"
ZONE_NAME = "济宁高新区"
TARGET_POPULATION = 350_000  # 常住 35 万 (济宁国家高新区概况, jnhn.gov.cn, 2025-02-28)

# (9-digit code, name, estimated centre lon, lat) — codes and names of 统计用区划代码 2023; centres estimated.
STREETS = [
    ("370871001", "洸河街道", 116.64, 35.41),
    ("370871002", "柳行街道", 116.64, 35.45),
    ("370871003", "接庄街道", 116.70, 35.37),
    ("370871004", "王因街道", 116.77, 35.47),
    ("370871005", "黄屯街道", 116.71, 35.50),
]

# Community suffixes and names per street (统计用区划代码 2023).
COMMUNITIES: dict[str, list[tuple[str, str]]] = {
    "370871001": [
        ("001", "东闸社区"),
        ("002", "西闸社区"),
        ("003", "王庄社区"),
        ("004", "三郭社区"),
        ("201", "江庄村"),
        ("202", "杨楼村"),
        ("203", "苏西村"),
        ("204", "苏东村"),
        ("205", "黄庄村"),
    ],
    "370871002": [
        ("001", "菱花居委会"),
        ("002", "凌云居委会"),
        ("006", "绿色家园社区"),
        ("007", "崇文社区"),
        ("200", "柳行村"),
        ("201", "杨桥村"),
        ("202", "南营村"),
        ("207", "卢营村"),
        ("210", "小屯村"),
        ("211", "曹庄村"),
        ("212", "东黄庄村"),
        ("213", "东田庄村"),
        ("217", "柳行新村"),
        ("218", "卞厂村"),
        ("219", "许厂村"),
        ("223", "皇桥村"),
        ("224", "宁安村"),
        ("228", "府河村"),
    ],
    "370871003": [
        ("200", "接庄村"),
        ("201", "宋楼村"),
        ("202", "接庄东村"),
        ("203", "西楼村"),
        ("208", "口头村"),
        ("209", "宗营村"),
        ("210", "前苏村"),
        ("211", "后苏村"),
        ("212", "王回庄村"),
        ("213", "高庙村"),
        ("214", "东贯庄村"),
        ("215", "西贯庄村"),
        ("216", "南贯集一村"),
        ("217", "南贯集二村"),
        ("218", "南贯集三村"),
        ("219", "南贯集四村"),
        ("220", "南贯集五村"),
        ("221", "南贯集六村"),
        ("222", "丁庄村"),
        ("223", "前袁村"),
        ("224", "后袁村"),
        ("225", "东郑庄村"),
        ("226", "岔河村"),
        ("227", "常营村"),
        ("231", "古柳村"),
        ("232", "东黄楼村"),
        ("233", "舒辛村"),
        ("236", "大郝村"),
        ("237", "小郝村"),
        ("238", "大屯村"),
        ("239", "十里营村"),
        ("240", "蒋屯村"),
        ("241", "八里营村"),
        ("242", "官庄村"),
        ("243", "二十里铺新村"),
        ("244", "东贾村"),
        ("245", "中贾村"),
        ("246", "西贾村"),
        ("247", "前栗村"),
        ("248", "后栗村"),
        ("249", "贾蔡庄村"),
        ("250", "申辛村"),
        ("251", "姜乔庄村"),
        ("501", "苗圃生活区"),
    ],
    "370871004": [
        ("203", "后岗村"),
        ("217", "长庆村"),
        ("224", "张家村"),
        ("232", "柳沟村"),
        ("237", "辛集村"),
        ("238", "苗营村"),
        ("240", "西娄庄村"),
        ("241", "前仁美村"),
        ("242", "西仁美村"),
        ("243", "中仁美村"),
        ("244", "后仁美村"),
        ("245", "沙河村"),
        ("262", "王因新村"),
        ("263", "新岗村"),
        ("264", "振东新村"),
        ("265", "竹亭村"),
        ("266", "崇文新村"),
        ("267", "台庄村"),
        ("268", "三河新村"),
        ("269", "府东新村"),
        ("270", "双营新村"),
        ("271", "矿前新村"),
        ("273", "侯营新村"),
        ("274", "滨河新村"),
        ("275", "幸福新村"),
        ("276", "河西新村"),
        ("277", "荷花新村"),
        ("278", "韩堂新村"),
        ("279", "众和村"),
        ("280", "东仁新村"),
        ("400", "杨村矿"),
    ],
    "370871005": [
        ("201", "李屯村"),
        ("202", "祖营村"),
        ("204", "孙氏店村"),
        ("205", "褚屯村"),
        ("210", "吴营村"),
        ("211", "任桥村"),
        ("212", "西郭营村"),
        ("214", "堌城村"),
        ("220", "庞村"),
        ("223", "马庄村"),
        ("224", "高刘屯村"),
        ("225", "黄金屯村"),
        ("227", "三仙庙村"),
        ("228", "孙氏闸村"),
        ("229", "高汪庄村"),
        ("230", "赵庄村"),
        ("231", "于屯村"),
        ("232", "华能新村"),
        ("233", "黄屯新村"),
        ("234", "二十里铺村"),
        ("235", "华东村"),
    ],
}

# Age structure, shares of the population (EST, close to Shandong's 2020 census profile; villages older).
AGE_SHARES_URBAN = {
    "pop_0_2": 0.028,
    "pop_3_5": 0.036,
    "pop_6_11": 0.078,
    "pop_12_14": 0.037,
    "pop_15_59": 0.651,
    "pop_60_64": 0.056,
    "pop_65_plus": 0.114,
}
AGE_SHARES_VILLAGE = {
    "pop_0_2": 0.022,
    "pop_3_5": 0.029,
    "pop_6_11": 0.066,
    "pop_12_14": 0.033,
    "pop_15_59": 0.575,
    "pop_60_64": 0.085,
    "pop_65_plus": 0.190,
}

# Rough zone outline (lon, lat) enclosing the five estimated street centres (synthetic).
ZONE_OUTLINE = [
    (116.600, 35.385),
    (116.625, 35.345),
    (116.680, 35.330),
    (116.740, 35.345),
    (116.760, 35.400),
    (116.815, 35.440),
    (116.815, 35.500),
    (116.760, 35.530),
    (116.700, 35.530),
    (116.650, 35.490),
    (116.605, 35.450),
]

NETWORK_SPACING_DEG = (0.0022, 0.0018)  # ≈ 200 m east-west and north-south at 35.4° N


@dataclass
class DemoZone:
    zone: dict[str, Any]
    streets: list[dict[str, Any]] = field(default_factory=list)
    communities: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    facilities: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


def _r7(v: float) -> float:
    return round(v, 7)


def _geo(geom: Any) -> dict[str, Any]:
    geom = shapely.set_precision(geom, 1e-7)
    out: dict[str, Any] = _listify(shapely.geometry.mapping(geom))
    return out


def _listify(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _listify(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_listify(v) for v in obj]
    return obj


def _random_point_in(poly: Any, rng: random.Random, near: Point | None = None, spread: float = 0.0) -> Point:
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(2000):
        if near is not None:
            p = Point(near.x + rng.gauss(0, spread), near.y + rng.gauss(0, spread * 0.8))
        else:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(p):
            return p
    return poly.representative_point()


def _voronoi_cells(points: list[Point], clip: Any) -> list[Any]:
    regions = shapely.voronoi_polygons(MultiPoint(points), extend_to=clip.envelope.buffer(0.1))
    cells = []
    for p in points:
        cell = next(g for g in regions.geoms if g.contains(p))
        part = cell.intersection(clip)
        if part.geom_type != "Polygon":
            part = max(getattr(part, "geoms", [part]), key=lambda g: g.area)
        cells.append(part)
    return cells


def generate(seed: int = 20261127) -> DemoZone:
    rng = random.Random(seed)
    outline = Polygon(ZONE_OUTLINE)
    zone_center = outline.centroid
    demo = DemoZone(
        zone={
            "code": ZONE_CODE,
            "name": ZONE_NAME,
            "boundary": _geo(outline),
            "center_lon": _r7(zone_center.x),
            "center_lat": _r7(zone_center.y),
        }
    )
    street_points = [Point(lon, lat) for _c, _n, lon, lat in STREETS]
    street_cells = _voronoi_cells(street_points, outline)
    for (code, name, lon, lat), cell in zip(STREETS, street_cells, strict=True):
        demo.streets.append(
            {"code": code, "name": name, "center_lon": lon, "center_lat": lat, "boundary": _geo(cell)}
        )

    # Communities: urban ones (suffix < 200, 400-499) near the street centre, villages spread out.
    raw_areas: list[dict[str, Any]] = []
    for (street_code, _name, lon, lat), cell in zip(STREETS, street_cells, strict=True):
        centre = Point(lon, lat)
        members = COMMUNITIES[street_code]
        points = []
        for suffix, _cname in members:
            urban = int(suffix) < 200 or 400 <= int(suffix) < 500
            points.append(
                _random_point_in(cell, rng, near=centre, spread=0.012)
                if urban
                else _random_point_in(cell, rng)
            )
        cells = _voronoi_cells(points, cell)
        for (suffix, cname), p, ccell in zip(members, points, cells, strict=True):
            ccode = street_code + suffix
            urban = int(suffix) < 200 or 400 <= int(suffix) < 500
            demo.communities.append(
                {
                    "code": ccode,
                    "name": cname,
                    "street": street_code,
                    "center_lon": _r7(p.x),
                    "center_lat": _r7(p.y),
                    "boundary": _geo(ccell),
                    "urban": urban,
                }
            )
            new_village = cname.endswith("新村")
            n_areas = rng.randint(3, 6) if urban else (rng.randint(2, 3) if new_village else 1)
            for i in range(n_areas):
                if urban:
                    label = rng.choice(["花园", "小区", "家园", "苑", "公馆", "名都", "雅居"])
                    aname = f"{cname.replace('社区', '').replace('居委会', '')}{['一', '二', '三', '四', '五', '六'][i]}{label}"
                    weight = rng.uniform(1500, 4200)
                elif new_village:
                    aname = f"{cname}{['一', '二', '三'][i]}区"
                    weight = rng.uniform(900, 2200)
                else:
                    aname = f"{cname}居住区"
                    weight = rng.uniform(350, 1300)
                raw_areas.append(
                    {
                        "community": ccode,
                        "street": street_code,
                        "name": aname,
                        "urban": urban,
                        "weight": weight,
                        "anchor": p,
                        "cell": ccell,
                        "index": i,
                    }
                )

    scale = TARGET_POPULATION / sum(a["weight"] for a in raw_areas)
    for n, a in enumerate(raw_areas, start=1):
        centre = _random_point_in(a["cell"], rng, near=a["anchor"], spread=0.0025 if a["urban"] else 0.004)
        half_w = rng.uniform(0.0012, 0.0026) if a["urban"] else rng.uniform(0.0015, 0.003)
        half_h = half_w * rng.uniform(0.6, 1.0)
        poly = box(centre.x - half_w, centre.y - half_h, centre.x + half_w, centre.y + half_h)
        gates = [[_r7(centre.x), _r7(centre.y - half_h)]]  # south gate
        if a["urban"]:
            gates.append([_r7(centre.x + half_w), _r7(centre.y)])  # east gate
        pop = round(a["weight"] * scale)
        shares = AGE_SHARES_URBAN if a["urban"] else AGE_SHARES_VILLAGE
        bands = {k: round(pop * s) for k, s in shares.items()}
        status, construction, delivery = "delivered", None, rng.randint(1998, 2023) if a["urban"] else None
        # Planned and under-construction housing in the new town (蓼河新城 is in 柳行/洸河; EST).
        if a["urban"] and a["index"] >= 4:
            status = rng.choice(["planned", "under_construction"])
            construction = 2026 if status == "under_construction" else None
            delivery = 2028
        demo.areas.append(
            {
                "code": f"RA{a['community']}{n:04d}",
                "name": a["name"],
                "community": a["community"],
                "polygon": _geo(poly),
                "gates": gates,
                "center_lon": _r7(centre.x),
                "center_lat": _r7(centre.y),
                "households": round(pop / 2.6),
                **bands,
                "status": status,
                "construction_year": construction,
                "delivery_year": delivery,
            }
        )

    _facilities(demo, rng)
    demo.edges = _network(outline, rng)
    return demo


# Facility plan per street: (type, how many, anchor: street|community|area, share of anchors served).
def _facilities(demo: DemoZone, rng: random.Random) -> None:
    zone_outline = Polygon(ZONE_OUTLINE)
    named = {
        ("370871001", "middle_school"): ["洸河中学"],
        ("370871002", "middle_school"): ["柳行中学"],
        ("370871005", "middle_school"): ["黄屯中学"],
        ("370871004", "middle_school"): ["杨村煤矿中学"],
        ("370871002", "primary_school"): ["宁安小学", "科苑小学"],
        ("370871001", "primary_school"): ["湖滨小学", "冠亚小学"],
        ("370871002", "kindergarten"): ["柳行中心幼儿园", "科苑幼儿园"],
        ("370871004", "kindergarten"): ["王因中心幼儿园"],
        ("370871001", "kindergarten"): ["左岸丽都幼儿园"],
        ("370871001", "health_center"): ["洸河街道卫生服务中心"],
        ("370871005", "health_center"): ["黄屯街道卫生院"],
        ("370871003", "health_center"): ["接庄街道卫生院"],
    }
    capacities = {
        "kindergarten": (180, 360),
        "primary_school": (900, 2100),
        "middle_school": (1200, 2400),
        "nursery": (40, 90),
        "day_care_center": (20, 60),
        "nursing_home": (200, 400),
        "elderly_service_center": (30, 80),
        "community_canteen": (40, 120),
        "mutual_aid_home": (10, 30),
        "health_center": (20, 60),
    }
    # (type, anchor, probability that an anchor gets one): gaps come from probabilities below 1.
    # (type, anchor, probability for an urban anchor, for a village anchor): the gaps come from
    # probabilities below 1 — dense service in the urban cores, thinner in the villages (EST).
    plan = [
        ("street_service_center", "street", 1.0, 1.0),
        ("health_center", "street", 1.0, 1.0),
        ("culture_center", "street", 0.8, 0.8),
        ("police_station", "street", 1.0, 1.0),
        ("fire_station", "street", 0.4, 0.4),
        ("sports_hall", "street", 0.4, 0.4),
        ("nursing_home", "street", 0.6, 0.6),
        ("elderly_service_center", "street", 0.6, 0.6),
        ("emergency_shelter", "street", 0.8, 0.8),
        ("middle_school", "street", 1.0, 1.0),
        ("street_service_center", "community", 0.2, 0.0),
        ("health_center", "community", 0.25, 0.0),
        ("culture_center", "community", 0.25, 0.0),
        ("police_station", "community", 0.25, 0.0),
        ("middle_school", "community", 0.3, 0.03),
        ("elderly_service_center", "community", 0.2, 0.0),
        ("community_service_station", "community", 0.95, 0.8),
        ("health_station", "community", 0.7, 0.5),
        ("culture_station", "community", 0.85, 0.5),
        ("fitness_ground", "community", 0.9, 0.6),
        ("primary_school", "community", 0.6, 0.2),
        ("kindergarten", "community", 0.8, 0.3),
        ("fresh_market", "community", 0.7, 0.2),
        ("police_post", "community", 0.6, 0.3),
        ("recycling_point", "community", 0.85, 0.5),
        ("public_toilet", "community", 0.7, 0.4),
        ("day_care_center", "community", 0.7, 0.3),
        ("community_canteen", "community", 0.6, 0.1),
        ("mutual_aid_home", "community", 0.0, 0.15),
        ("sports_ground", "community", 0.4, 0.15),
        ("park", "community", 0.4, 0.1),
        ("charity_room", "community", 0.3, 0.1),
        ("nursery", "community", 0.3, 0.05),
        ("convenience_store", "area", 0.9, 0.6),
        ("supermarket", "area", 0.3, 0.1),
        ("pharmacy", "area", 0.5, 0.2),
        ("daily_services", "area", 0.5, 0.3),
    ]
    type_names = {
        "street_service_center": "社区服务中心",
        "health_center": "社区卫生服务中心",
        "culture_center": "文化活动中心",
        "police_station": "派出所",
        "fire_station": "消防站",
        "sports_hall": "全民健身中心",
        "nursing_home": "养老院",
        "elderly_service_center": "社区养老服务中心",
        "emergency_shelter": "应急避难场所",
        "middle_school": "中学",
        "community_service_station": "党群服务中心",
        "health_station": "卫生室",
        "culture_station": "文化活动站",
        "fitness_ground": "健身广场",
        "primary_school": "小学",
        "kindergarten": "幼儿园",
        "fresh_market": "农贸市场",
        "police_post": "警务室",
        "recycling_point": "再生资源回收点",
        "public_toilet": "公厕",
        "day_care_center": "日间照料中心",
        "community_canteen": "长者食堂",
        "mutual_aid_home": "互助幸福院",
        "sports_ground": "运动场",
        "park": "游园",
        "charity_room": "慈善工作站",
        "nursery": "托育园",
        "convenience_store": "便利店",
        "supermarket": "超市",
        "pharmacy": "大药房",
        "daily_services": "便民服务点",
    }
    counters: dict[tuple[str, str], int] = {}
    communities = {c["code"]: c for c in demo.communities}
    areas_by_community: dict[str, list[dict[str, Any]]] = {}
    for a in demo.areas:
        if a["status"] == "delivered":
            areas_by_community.setdefault(a["community"], []).append(a)

    def add(
        street_code: str,
        ftype: str,
        anchor: str,
        anchor_name: str,
        community_code: str | None,
        point: Point,
        spread: float,
        always_open: bool = False,
    ) -> None:
        key = (street_code, ftype)
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        real = named.get(key, [])
        if n <= len(real):
            name = real[n - 1]
        elif anchor == "street":
            street_name = next(s["name"] for s in demo.streets if s["code"] == street_code)
            name = f"{street_name.replace('街道', '')}{type_names[ftype]}" + ("" if n == 1 else f"（{n}）")
        else:
            name = f"{anchor_name.replace('社区', '').replace('居委会', '')}{type_names[ftype]}"
        p = _random_point_in(zone_outline, rng, near=point, spread=spread)
        status = "open"
        if not always_open and rng.random() < 0.05:
            status = rng.choice(["planned", "under_construction"])
        lo_hi = capacities.get(ftype)
        demo.facilities.append(
            {
                "code": f"F{street_code}-{ftype}-{n:03d}",
                "name": name,
                "type": ftype,
                "street": street_code,
                "community": community_code,
                "lon": _r7(p.x),
                "lat": _r7(p.y),
                "capacity": rng.randint(*lo_hi) // 10 * 10 if lo_hi else None,
                "status": status,
                "planned_year": 2027 if status != "open" else None,
                "opened_on": f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-01"
                if status == "open"
                else None,
                "operator": "济宁高新区社会事业发展局"
                if ftype in ("kindergarten", "primary_school", "middle_school")
                else "",
            }
        )

    for ftype, anchor, p_urban, p_village in plan:
        if anchor == "street":
            anchors = [
                (s["code"], s["name"], None, Point(s["center_lon"], s["center_lat"]), 0.004, True)
                for s in demo.streets
            ]
        elif anchor == "community":
            # at one of the community's residential areas (services sit where people live)
            anchors = [
                (
                    c["street"],
                    c["name"],
                    c["code"],
                    _community_spot(c, areas_by_community, rng),
                    0.0008,
                    c["urban"],
                )
                for c in demo.communities
            ]
        else:
            anchors = [
                (
                    communities[a["community"]]["street"],
                    a["name"],
                    a["community"],
                    Point(a["center_lon"], a["center_lat"]),
                    0.0008,
                    communities[a["community"]]["urban"],
                )
                for a in demo.areas
                if a["status"] == "delivered"
            ]
        for street_code, anchor_name, community_code, point, spread, urban in anchors:
            if rng.random() > (p_urban if urban else p_village):
                continue
            add(street_code, ftype, anchor, anchor_name, community_code, point, spread)
    _pilot_facilities(demo, rng, functools.partial(add, always_open=True))


# The zone builds one standardized circle in each of 洸河, 柳行 and 王因 this year (the mission). In the
# demo the pilot community of each of those streets is nearly complete: every 5/10-minute item at each
# of its residential areas and the 15-minute items at its centre — except one deliberate gap each, so
# a planner sees what is missing (EST).
PILOT_STREETS = {
    "370871001": "day_care_center",
    "370871002": "kindergarten",
    "370871004": "community_canteen",
}
PILOT_LOCAL = [
    "community_service_station",
    "fresh_market",
    "convenience_store",
    "culture_station",
    "fitness_ground",
    "community_canteen",
    "recycling_point",
    "kindergarten",
    "primary_school",
    "day_care_center",
]
PILOT_DISTRICT = [
    "street_service_center",
    "health_center",
    "culture_center",
    "police_station",
    "middle_school",
    "elderly_service_center",
]


def pilot_communities(demo: DemoZone) -> dict[str, str]:
    """street code → the community with the most residential areas (urban first)."""
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for c in demo.communities:
        if c["street"] not in PILOT_STREETS:
            continue
        n = sum(1 for a in demo.areas if a["community"] == c["code"] and a["status"] == "delivered")
        key = (bool(c["urban"]), n)
        if c["street"] not in best or key > best[c["street"]][0]:
            best[c["street"]] = (key, c["code"])
    return {street: code for street, (_k, code) in best.items()}


def _pilot_facilities(demo: DemoZone, rng: random.Random, add: Any) -> None:
    communities = {c["code"]: c for c in demo.communities}
    for street, code in sorted(pilot_communities(demo).items()):
        gap = PILOT_STREETS[street]
        c = communities[code]
        areas = [a for a in demo.areas if a["community"] == code and a["status"] == "delivered"]
        for ftype in PILOT_LOCAL:
            if ftype == gap:
                continue
            for a in areas:
                gate = a["gates"][0]
                add(street, ftype, "community", c["name"], code, Point(gate[0], gate[1]), 0.0003)
        for ftype in PILOT_DISTRICT:
            add(street, ftype, "community", c["name"], code, Point(c["center_lon"], c["center_lat"]), 0.0005)


def _community_spot(
    c: dict[str, Any], areas_by_community: dict[str, list[dict[str, Any]]], rng: random.Random
) -> Point:
    """One of the community's delivered residential areas (or its centre when it has none)."""
    areas = areas_by_community.get(c["code"])
    if not areas:
        return Point(c["center_lon"], c["center_lat"])
    a = rng.choice(areas)
    return Point(a["center_lon"], a["center_lat"])


def _network(outline: Polygon, rng: random.Random) -> list[dict[str, Any]]:
    """A perturbed walking grid over the zone (≈200 m blocks), with the 洸府河 (a river running
    north-south west of the centre; synthetic course) crossed only at bridges every ~1.5 km."""
    minx, miny, maxx, maxy = outline.bounds
    dx, dy = NETWORK_SPACING_DEG
    nx, ny = int((maxx - minx) / dx) + 1, int((maxy - miny) / dy) + 1
    inside = outline.buffer(0.002)
    nodes: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(nx):
        for j in range(ny):
            x = minx + i * dx + rng.uniform(-0.25, 0.25) * dx
            y = miny + j * dy + rng.uniform(-0.25, 0.25) * dy
            if inside.contains(Point(x, y)):
                nodes[(i, j)] = (_r7(x), _r7(y))

    def river_x(y: float) -> float:
        return 116.662 + 0.01 * math.sin((y - 35.33) * 25)

    edges = []
    for (i, j), a in nodes.items():
        for di, dj in ((1, 0), (0, 1)):
            b = nodes.get((i + di, j + dj))
            if b is None:
                continue
            crosses = (a[0] - river_x(a[1])) * (b[0] - river_x(b[1])) < 0
            if crosses and j % 6 != 0:
                continue
            arterial = (di == 0 and i % 8 == 0) or (dj == 0 and j % 8 == 0)
            if not arterial and not crosses and rng.random() < 0.08:
                continue  # blocks with no through path
            edges.append(
                {
                    "coords": [list(a), list(b)],
                    # every other footbridge over the river has steps (slower for the elderly)
                    "highway": "primary"
                    if arterial
                    else (("steps" if j % 12 == 0 else "footway") if crosses else "residential"),
                }
            )
    return edges


def as_feature_collection(items: list[dict[str, Any]], geometry_key: str) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": it[geometry_key],
                "properties": {k: v for k, v in it.items() if k != geometry_key},
            }
            for it in items
        ],
    }


__all__ = ["DemoZone", "generate", "as_feature_collection", "mapping"]
