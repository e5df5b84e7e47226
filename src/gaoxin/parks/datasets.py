"""The departments' yearly files: their columns and the parsing of one row.

Every file has the enterprise's 统一社会信用代码 and the department's figures for the year (the year
is chosen on upload). Money columns are in 万元 as the departments report them and are stored in
yuan. A blank cell means "no figure", never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from gaoxin.parks.choices import Metric, Source

USCC_COLUMNS = ("统一社会信用代码", "uscc")
# The land file (自然资源局): one row per enterprise and parcel.
LAND_DATASET = "land"
LAND_LABEL = _("Natural resources bureau: land used by each enterprise")
LAND_COLUMNS = {
    "parcel": ("宗地编号", "parcel"),
    "role": ("使用方式", "role"),  # 自有 / 租赁 (owner / tenant); blank = owner
    "area": ("使用面积(平方米)", "area_m2"),
}


@dataclass(frozen=True)
class Column:
    metric: str
    headers: tuple[str, ...]  # Chinese header first, then the English one
    factor: Decimal  # file unit → stored unit


WAN = Decimal(10000)
ONE = Decimal(1)

DATASETS: dict[str, tuple[str, Any, tuple[Column, ...]]] = {
    "tax": (
        Source.TAX,
        _("Tax bureau: tax paid and revenue"),
        (
            Column(Metric.TAX, ("实缴税收(万元)", "tax_10k_yuan"), WAN),
            Column(Metric.REVENUE, ("营业收入(万元)", "revenue_10k_yuan"), WAN),
        ),
    ),
    "stats": (
        Source.STATS,
        _("Statistics bureau: value added, R&D, employees, energy"),
        (
            Column(Metric.REVENUE, ("营业收入(万元)", "revenue_10k_yuan"), WAN),
            Column(Metric.VALUE_ADDED, ("工业增加值(万元)", "value_added_10k_yuan"), WAN),
            Column(Metric.RD, ("研发经费(万元)", "rd_10k_yuan"), WAN),
            Column(Metric.EMPLOYEES, ("年平均职工人数", "employees"), ONE),
            Column(Metric.ENERGY, ("综合能耗(吨标煤)", "energy_tce"), ONE),
        ),
    ),
    "power": (
        Source.POWER,
        _("Power company: electricity use"),
        (Column(Metric.ELECTRICITY, ("用电量(千瓦时)", "electricity_kwh"), ONE),),
    ),
    "eco": (
        Source.ECO,
        _("Ecology and environment bureau: emissions"),
        (
            Column(Metric.COD, ("化学需氧量(吨)", "cod_t"), ONE),
            Column(Metric.NH3N, ("氨氮(吨)", "nh3n_t"), ONE),
            Column(Metric.SO2, ("二氧化硫(吨)", "so2_t"), ONE),
            Column(Metric.NOX, ("氮氧化物(吨)", "nox_t"), ONE),
        ),
    ),
}


def cell(cells: dict[str, Any], headers: tuple[str, ...]) -> tuple[str | None, Any]:
    """The header found and its value (None, None when no such column)."""
    for h in headers:
        if h in cells:
            return h, cells[h]
    return None, None


def parse_decimal(value: Any) -> Decimal | None:
    """A non-negative number, None for a blank cell; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError("negative")
    return number
