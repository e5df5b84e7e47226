from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.common import jobs
from gaoxin.common.models import Job
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


# --- background jobs (gaoxin.common.jobs) -------------------------------------------------------------


def _job_state(job: Job) -> dict[str, Any]:
    return jobs.state(job) | {"status_label": str(job.get_status_display())}


@login_required
def job_page(request: Request, pk: int) -> HttpResponse:
    """A job: its progress (updated by the page), its result or its reason, a cancel button."""
    job = jobs.job_for(request.user, pk)
    spec = jobs.REGISTRY.get(job.kind)
    return render(
        request,
        "site/job.html",
        {"job": job, "label": spec.label if spec else job.kind, "state": _job_state(job)},
    )


@login_required
def job_status(request: Request, pk: int) -> JsonResponse:
    response = JsonResponse(_job_state(jobs.job_for(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def job_cancel(request: Request, pk: int) -> HttpResponse:
    jobs.cancel(request.user, jobs.job_for(request.user, pk))
    return redirect("job", pk=pk)


@login_required
def job_list(request: Request) -> HttpResponse:
    """The user's recent jobs."""
    mine = Job.objects.filter(created_by=request.user).order_by("-created_at")[:50]
    rows = [(job, jobs.REGISTRY[job.kind].label if job.kind in jobs.REGISTRY else job.kind) for job in mine]
    return render(request, "site/jobs.html", {"rows": rows})
