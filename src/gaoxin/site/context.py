from typing import Any

from django.http import HttpRequest

from gaoxin.places.models import Zone


def site_context(request: HttpRequest) -> dict[str, Any]:
    """The zone's name and whether its geometry is synthetic, for every page's header and footer."""
    zone = (
        Zone.objects.only("name", "synthetic_geometry").order_by("pk").first()
        if request.user.is_authenticated
        else None
    )
    return {"current_zone": zone}
