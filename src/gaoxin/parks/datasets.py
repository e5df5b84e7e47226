"""The departments' yearly files: their columns and the parsing of a cell.

Every file has the enterprise's 统一社会信用代码 and the department's figures for the year (the year
is chosen on upload). Money columns are in 万元 as the departments report them and are stored in
yuan (the units are those of parks.choices.METRIC_UNITS). A blank cell means "no figure", never zero.
Headers may be the Chinese ones or the English codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gaoxin.common.imports import Column
from gaoxin.parks.choices import METRIC_UNITS, MetricUnit, Source

USCC = Column("uscc", "统一社会信用代码", required=True)


@dataclass(frozen=True)
class Dataset:
    """One department's file: where its figures come from and the columns it may hold (each named by
    its METRIC_UNITS code)."""

    code: str
    source: Source
    label: Promise
    columns: tuple[Column, ...]

    def unit(self, column: Column) -> MetricUnit:
        return METRIC_UNITS[column.name]


DATASETS: dict[str, Dataset] = {
    d.code: d
    for d in (
        Dataset(
            "tax",
            Source.TAX,
            _("Tax bureau: tax paid and revenue"),
            (Column("tax_10k_yuan", "实缴税收(万元)"), Column("revenue_10k_yuan", "营业收入(万元)")),
        ),
        Dataset(
            "stats",
            Source.STATS,
            _("Statistics bureau: value added, R&D, employees, energy"),
            (
                Column("revenue_10k_yuan", "营业收入(万元)"),
                Column("value_added_10k_yuan", "工业增加值(万元)"),
                Column("rd_10k_yuan", "研发经费(万元)"),
                Column("employees", "年平均职工人数"),
                Column("energy_tce", "综合能耗(吨标煤)"),
            ),
        ),
        Dataset(
            "power",
            Source.POWER,
            _("Power company: electricity use"),
            (Column("electricity_kwh", "用电量(千瓦时)"),),
        ),
        Dataset(
            "eco",
            Source.ECO,
            _("Ecology and environment bureau: emissions"),
            (
                Column("cod_t", "化学需氧量(吨)"),
                Column("nh3n_t", "氨氮(吨)"),
                Column("so2_t", "二氧化硫(吨)"),
                Column("nox_t", "氮氧化物(吨)"),
            ),
        ),
    )
}

# The land file (自然资源局): one row per enterprise and parcel.
LAND_DATASET = "land"
LAND_LABEL = _("Natural resources bureau: land used by each enterprise")
LAND_COLUMNS = (
    USCC,
    Column("parcel", "宗地编号", required=True),
    Column("role", "使用方式"),  # 自有 / 租赁 (owner / tenant); blank = owner
    Column("area_m2", "使用面积(平方米)", required=True),
)

# The name of every file a department sends (the API documents them as its choices).
DatasetName = Literal["tax", "stats", "power", "eco", "land"]
if set(get_args(DatasetName)) != {*DATASETS, LAND_DATASET}:  # pragma: no cover - a new dataset is named twice
    raise ImportError("parks.datasets: DatasetName must list every dataset")


def parse_decimal(value: Any, *, signed: bool = False) -> Decimal | None:
    """A non-negative number (any finite number when ``signed``: a net tax after refunds), None for
    a blank cell; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite() or (number < 0 and not signed):
        raise ValueError("negative")
    return number
