"""The parks' background job: the 亩产效益 scoring of a year (every enterprise, both pools), which on a
city's registry takes long. Registered when the apps are ready (gaoxin.common.jobs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs
from gaoxin.common.models import Job
from gaoxin.parks import access, services
from gaoxin.parks.models import Evaluation


@jobs.register(
    "parks.score",
    label=_("亩产效益 scoring"),
    allowed=access.can_manage,
    result_url=lambda job: reverse("parks:evaluation", args=[job.result["evaluation"]]),
)
def score(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    evaluation = Evaluation.objects.get(pk=job.params["evaluation"])
    progress(0.1, str(_("scoring every enterprise")))
    try:
        services.run_step(job.created_by, evaluation, "score")
    except ValidationError as exc:
        raise jobs.JobFailed(" ".join(exc.messages)) from None
    evaluation.refresh_from_db()
    return {"evaluation": evaluation.pk, "results": evaluation.results.count()}
