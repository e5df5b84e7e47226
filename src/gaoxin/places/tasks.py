"""The places app's background jobs (gaoxin.common.jobs): one block of origins of a city-scale
accessibility job (``gaoxin access … --blocks N``), run by whichever worker takes it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs
from gaoxin.common.models import Job
from gaoxin.places.analysis import access_workdir, run_access_block


@jobs.register(
    "places.access_block",
    label=_("Walking distances for a block of origins"),
    allowed=lambda user: bool(user.is_superuser),  # the operator's command queues these
)
def access_block(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    try:
        workdir = access_workdir(str(job.params.get("workdir", "")))
        block = int(job.params.get("block", -1))
    except (TypeError, ValueError) as exc:
        raise jobs.JobFailed(str(exc)) from None
    progress(0.05, _("loading the network"))
    return run_access_block(workdir, block) | {"worker": jobs.worker_name()}
