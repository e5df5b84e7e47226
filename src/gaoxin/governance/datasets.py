"""The columns of a grids file (GeoJSON features with these properties, or CSV/xlsx with the outline as
GeoJSON text in ``boundary``)."""

from __future__ import annotations

from gaoxin.common.imports import Column

GRID_COLUMNS: tuple[Column, ...] = (
    Column("code", "网格编码", required=True),
    Column("name", "网格名称", required=True),
    Column("community", "社区代码", required=True, aliases=("社区统计代码",)),
    Column("party_branch", "责任党支部"),
    Column("workers", "网格员账号", aliases=("网格员",)),
    Column("boundary", "边界"),
)
