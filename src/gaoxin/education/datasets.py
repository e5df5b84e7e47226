"""The columns of the education registries as the housing and education bureaus keep them: developments
one row per phase (the development's own cells repeated, or left empty after its first row), housing
kindergartens one row each. The exports write the same layouts, so an export edited and imported again
round-trips."""

from __future__ import annotations

from gaoxin.common.imports import Column

DEVELOPMENT_COLUMNS: tuple[Column, ...] = (
    Column("code", "项目编号", required=True),
    Column("name", "项目名称", required=True),
    Column("developer", "开发企业", aliases=("建设单位",)),
    Column("street", "街道", required=True, aliases=("街道代码",)),
    Column("lon", "经度"),
    Column("lat", "纬度"),
    Column("permit_on", "规划许可日期", aliases=("规划许可",)),
    Column("kindergarten", "配套幼儿园编号", aliases=("配套幼儿园",)),
    Column("phase", "期次", required=True),
    Column("dwellings", "住宅套数", required=True, aliases=("套数",)),
    Column("start_planned", "计划开工"),
    Column("started_on", "开工日期", aliases=("实际开工",)),
    Column("acceptance_planned", "计划竣工验收"),
    Column("accepted_on", "竣工验收日期", aliases=("竣工验收",)),
    Column("delivery_planned", "计划交付"),
    Column("delivered_on", "交付日期", aliases=("实际交付",)),
)
DEVELOPMENT_HEADERS = [c.zh for c in DEVELOPMENT_COLUMNS]
DEVELOPMENT_FIELDS = ("code", "name", "developer", "street", "lon", "lat", "permit_on", "kindergarten")
PHASE_DATES = (
    "start_planned",
    "started_on",
    "acceptance_planned",
    "accepted_on",
    "delivery_planned",
    "delivered_on",
)

KINDERGARTEN_COLUMNS: tuple[Column, ...] = (
    Column("code", "幼儿园编号", required=True),
    Column("name", "幼儿园名称", required=True),
    Column("street", "街道", required=True, aliases=("街道代码",)),
    Column("lon", "经度"),
    Column("lat", "纬度"),
    Column("classes", "班数", required=True),
    Column("places", "学位数", aliases=("学位",)),
    Column("status", "状态"),
    Column("permit_on", "规划许可日期", aliases=("规划许可",)),
    Column("start_planned", "计划开工"),
    Column("started_on", "开工日期"),
    Column("acceptance_planned", "计划竣工验收"),
    Column("accepted_on", "竣工验收日期"),
    Column("delivery_planned", "计划交付"),
    Column("delivered_on", "交付日期"),
    Column("transferred_on", "移交教育部门日期", aliases=("移交日期",)),
)
KINDERGARTEN_HEADERS = [c.zh for c in KINDERGARTEN_COLUMNS]
KINDERGARTEN_DATES = (
    "permit_on",
    "start_planned",
    "started_on",
    "acceptance_planned",
    "accepted_on",
    "delivery_planned",
    "delivered_on",
    "transferred_on",
)
STATUS_WORDS = {
    "规划": "planned",
    "在建": "building",
    "已验收": "accepted",
    "已交付": "delivered",
    "已使用": "in_use",
    "在用": "in_use",
    "已移交": "transferred",
}

BIRTH_COLUMNS: tuple[Column, ...] = (
    Column("area", "小区编码", required=True, aliases=("居住小区编码",)),
    Column("birth_date", "出生日期", required=True),
    Column("count", "人数"),
)
