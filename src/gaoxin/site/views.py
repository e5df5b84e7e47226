from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from gaoxin.common.navigation import landing_for
from gaoxin.places import access, queries
from gaoxin.places.choices import ServiceClass
from gaoxin.places.web import Request


@login_required
def home(request: Request) -> HttpResponse:
    """Each role starts at its own work (gaoxin.common.navigation.landing_for); those who plan and lead
    start at the overview of the zone; an account without a role is told so."""
    target = landing_for(request.user)
    if target is not None:
        return redirect(target)
    if access.can_view_places(request.user):
        return overview(request)
    return render(request, "site/no_role.html")


@login_required
def overview(request: Request) -> HttpResponse:
    """The zone's figures per street."""
    access.require_view(request.user)
    rows = queries.street_figures(request.zone)
    totals = {
        key: sum(r[key] for r in rows)
        for key in (
            "communities",
            "areas",
            "households",
            "population",
            "children_3_5",
            "elderly_60",
            "facility_total",
        )
    }
    class_totals = [sum(r["facilities"][i] for r in rows) for i in range(len(ServiceClass.choices))]
    return render(
        request,
        "site/home.html",
        {"rows": rows, "totals": totals, "classes": ServiceClass.choices, "class_totals": class_totals},
    )
