from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gaoxin.places.models import Zone


def site_context(request: HttpRequest) -> dict[str, Any]:
    """The zone's name and whether its geometry is synthetic, for every page's header and footer."""
    zone = (
        Zone.objects.only("name", "synthetic_geometry").order_by("pk").first()
        if request.user.is_authenticated
        else None
    )
    return {"current_zone": zone, "health_nav": SimpleLazyObject(lambda: _health_nav(request))}


def _health_nav(request: HttpRequest) -> bool:
    """Whether the user has any health page (care staff, a resident, the auditor, aggregates)."""
    from gaoxin.health import access

    user = request.user
    if not user.is_authenticated:
        return False
    return (
        access.is_staff_of_care(user)
        or getattr(user, "resident", None) is not None
        or access.can_read_audit(user)
        or access.can_see_kpis(user)
    )
