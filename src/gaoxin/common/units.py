"""Unit conversions, in one place. Storage is in base units (yuan, m²); people read 万元, 亿元 and 亩.

1 亩 = 10,000/15 m² (≈ 666.67 m², the statutory 市亩 of the State Council's 1984 order on legal units
of measurement); 1 万元 = 10⁴ yuan; 1 亿元 = 10⁸ yuan.
"""

from __future__ import annotations

from decimal import Decimal

YUAN_PER_WAN = Decimal(10_000)  # 万元
YUAN_PER_YI = Decimal(100_000_000)  # 亿元
M2_PER_MU = Decimal(10_000) / Decimal(15)  # 亩


def wan_to_yuan(value: Decimal) -> Decimal:
    return value * YUAN_PER_WAN


def yuan_to_wan(value: Decimal) -> Decimal:
    return value / YUAN_PER_WAN


def yuan_to_yi(value: Decimal) -> Decimal:
    return value / YUAN_PER_YI


def m2_to_mu(value: Decimal) -> Decimal:
    return value / M2_PER_MU


def mu_to_m2(value: Decimal) -> Decimal:
    return value * M2_PER_MU
