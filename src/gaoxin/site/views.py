from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from gaoxin.places import access, queries
from gaoxin.places.choices import ServiceClass
from gaoxin.places.web import Request


@login_required
def home(request: Request) -> HttpResponse:
    rows = queries.street_figures(request.zone) if access.can_view_places(request.user) else []
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
