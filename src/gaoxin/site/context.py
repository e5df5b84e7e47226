from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gaoxin.common.navigation import menu_for
from gaoxin.places.models import Zone


def site_context(request: HttpRequest) -> dict[str, Any]:
    """The zone's name and whether its geometry is synthetic, for every page's header and footer, and the
    menu of what the user can open (gaoxin.common.navigation)."""
    zone = (
        Zone.objects.only("name", "synthetic_geometry").order_by("pk").first()
        if request.user.is_authenticated
        else None
    )
    return {
        "current_zone": zone,
        "menu": SimpleLazyObject(lambda: menu_for(request.user, request.path)),
        "tile_url": settings.GAOXIN_MAP_TILE_URL,  # an intranet tile server drawn under every map, if any
    }
