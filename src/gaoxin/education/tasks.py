"""The education app's background jobs (gaoxin.common.jobs): catchments and new-school proposals, which
compute walking distances over the zone's network and solve integer programs (seconds to minutes)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs
from gaoxin.common.models import Job
from gaoxin.education import access, queries, services
from gaoxin.places.models import Zone


@jobs.register(
    "education.catchments",
    label=_("Catchments (学区划分)"),
    allowed=access.can_plan,
    result_url=lambda job: reverse("education:plan", args=[job.result["plan"]]),
)
def catchments(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    zone = Zone.objects.get(pk=job.params["zone"])
    q = job.params["query"]
    try:
        plan = services.compute_catchments(
            job.created_by,
            zone,
            level=q["level"],
            year=int(q["year"]),
            objective=q["objective"],
            name=q.get("name", ""),
            progress=progress,
        )
    except services.PlanningError as exc:
        raise jobs.JobFailed(" ".join(exc.messages)) from None
    return {"plan": plan.pk, "total_m": plan.total_m, "longest_m": plan.longest_m}


@jobs.register(
    "education.siting",
    label=_("Where to build new schools"),
    allowed=access.can_plan,
    result_url=lambda job: f"{reverse('education:siting')}?job={job.pk}",
)
def siting(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    from django.utils import timezone

    zone = Zone.objects.get(pk=job.params["zone"])
    q = job.params["query"]
    progress(0.1, str(_("computing walking distances and solving the model")))
    try:
        return queries.propose(
            job.created_by,
            zone,
            level=q["level"],
            year=int(q["year"]),
            sites=int(q["sites"]),
            places=int(q["places"]),
            today=timezone.localdate(),
        )
    except ValueError as exc:
        raise jobs.JobFailed(str(_("The proposal cannot be computed: %(why)s") % {"why": exc})) from None
