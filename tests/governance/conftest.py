from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.governance.models import Department, Grid
from gaoxin.governance.services import sync_service_types
from gaoxin.places.models import Community
from tests.conftest import PASSWORD

# 东闸社区 (洸河街道) around its residential area at 116.641, 35.411
GRID_BOX = mapping(box(116.630, 35.400, 116.650, 35.420))


@pytest.fixture
def gov(zone):  # type: ignore[no-untyped-def]
    sync_service_types()
    worker = create_user("worker", PASSWORD, roles=[])
    other_worker = create_user("worker2", PASSWORD, roles=[])
    grid = Grid.objects.create(
        community=Community.objects.get(code="370871001001"), code="G1", name="东闸第1网格", boundary=GRID_BOX
    )
    grid.workers.add(worker)
    lamps = Department.objects.create(zone=zone, name="市政公用处")
    handler = create_user("handler", PASSWORD, roles=[])
    lamps.members.add(handler)
    other_unit = Department.objects.create(zone=zone, name="环卫处")
    outsider = create_user("outsider", PASSWORD, roles=[])
    other_unit.members.add(outsider)
    return {
        "grid": grid,
        "worker": worker,
        "other_worker": other_worker,
        "lamps": lamps,
        "handler": handler,
        "outsider": outsider,
        "resident": create_user("citizen", PASSWORD, roles=[Role.RESIDENT]),
        "other_resident": create_user("citizen2", PASSWORD, roles=[Role.RESIDENT]),
        "centre": create_user("centre", PASSWORD, roles=[Role.ZONE_ADMIN]),
        "leader": create_user("leader", PASSWORD, roles=[Role.LEADERSHIP]),
    }
