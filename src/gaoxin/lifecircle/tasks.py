"""The life circle's background jobs (gaoxin.common.jobs): a zone evaluation, and the siting models
that take seconds to minutes (p-median, capacitated, a whole zone). Registered when the app is ready."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs
from gaoxin.common.models import Job
from gaoxin.lifecircle import access, queries, services
from gaoxin.lifecircle.analysis import EvaluationError
from gaoxin.lifecircle.forms import SitingForm
from gaoxin.lifecircle.models import Profile
from gaoxin.places.models import Zone


def _jsonable(value: Any) -> Any:
    """Plain JSON (numpy numbers included) for a job's stored result."""

    def default(o: Any) -> Any:
        if hasattr(o, "item"):
            return o.item()
        return DjangoJSONEncoder().default(o)

    return json.loads(json.dumps(value, default=default))


@jobs.register(
    "lifecircle.evaluate",
    label=_("Evaluation of the zone"),
    allowed=access.can_evaluate,
    result_url=lambda job: f"{reverse('lifecircle:index')}?evaluation={job.result['evaluation']}",
)
def evaluate(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    zone = Zone.objects.get(pk=job.params["zone"])
    profile = (
        Profile.objects.filter(pk=job.params.get("profile")).first() if job.params.get("profile") else None
    )
    try:
        run = services.evaluate(actor=job.created_by, zone=zone, profile=profile, progress=progress)
    except EvaluationError as exc:
        raise jobs.JobFailed(str(exc)) from None
    return {"evaluation": run.pk, "areas": run.summary.get("areas", 0), "ms": run.duration_ms}


def siting_query(job: Job) -> dict[str, Any]:
    return {k: v for k, v in job.params["query"].items() if k not in ("job", "format")}


@jobs.register(
    "lifecircle.siting",
    label=_("Where to build next"),
    allowed=access.can_run,
    result_url=lambda job: (
        f"{reverse('lifecircle:siting')}?{urlencode(siting_query(job) | {'job': job.pk}, doseq=True)}"
    ),
)
def siting(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    zone = Zone.objects.get(pk=job.params["zone"])
    query = QueryDict(mutable=True)
    for key, values in siting_query(job).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    choices = queries.siting_choices(zone)
    form = SitingForm(query, zone=zone, types=[it.facility_type.code for it in choices["items"]])
    if not form.is_valid():
        raise jobs.JobFailed(form.message())
    progress(0.1, str(_("computing walking distances and solving the model")))
    if job.created_by is None:
        raise jobs.JobFailed(str(_("A siting job needs the planner who asked for it.")))
    try:
        proposal = queries.propose(job.created_by, zone, form.request(), progress=lambda f, m: progress(f, m))
    except EvaluationError as exc:
        raise jobs.JobFailed(str(exc)) from None
    item = proposal.pop("item")
    listed = proposal.pop("candidate_list")
    result: dict[str, Any] = _jsonable(
        proposal | {"item_id": item.pk, "candidate_list": str(listed) if listed else ""}
    )
    return result
