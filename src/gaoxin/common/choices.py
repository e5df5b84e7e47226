from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Rejected: problems found")
    VALIDATED = "validated", _("Validated, waiting for confirmation")
    APPLIED = "applied", _("Applied")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (xlsx)"
    GEOJSON = "geojson", "GeoJSON"


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS, OpenStreetMap)")
    GCJ02 = "gcj02", _("GCJ-02 (Amap / Tencent maps)")


# The audit log's vocabulary as people read it (an action, an object type, an outcome). A name in the code
# without a label here shows as the code itself; tests/common/test_audit.py asks a label of every name the
# code records.
AUDIT_ACTIONS = {
    "read": pgettext_lazy("audit", "read"),
    "list": pgettext_lazy("audit", "listed"),
    "reveal": pgettext_lazy("audit", "shown in full"),
    "create": pgettext_lazy("audit", "created"),
    "update": pgettext_lazy("audit", "changed"),
    "register": pgettext_lazy("audit", "registered"),
    "import": pgettext_lazy("audit", "imported"),
    "export": pgettext_lazy("audit", "exported"),
    "login": pgettext_lazy("audit", "logged in"),
    "login_failed": pgettext_lazy("audit", "login failed"),
    "login_locked": pgettext_lazy("audit", "login refused: locked"),
    "login_unlock": pgettext_lazy("audit", "lock lifted"),
    "second_factor_set": pgettext_lazy("audit", "second factor set up"),
    "second_factor_failed": pgettext_lazy("audit", "second factor wrong"),
    "second_factor_reset": pgettext_lazy("audit", "second factor reset"),
    "recovery_code_used": pgettext_lazy("audit", "recovery code used"),
    "deactivate": pgettext_lazy("audit", "deactivated"),
    "user_change": pgettext_lazy("audit", "user changed"),
    "permission_change": pgettext_lazy("audit", "permissions changed"),
    "role_change": pgettext_lazy("audit", "roles changed"),
    "purge": pgettext_lazy("audit", "old events removed"),
    "rotate": pgettext_lazy("audit", "key rotated"),
    "break_glass": pgettext_lazy("audit", "emergency access"),
    "land_notice": pgettext_lazy("audit", "land notice published"),
    "score": pgettext_lazy("audit", "scored"),
    "notice": pgettext_lazy("audit", "public notice published"),
    "decide": pgettext_lazy("audit", "objection decided"),
    "confirm": pgettext_lazy("audit", "figures confirmed"),
    "publish": pgettext_lazy("audit", "published"),
    "backup": pgettext_lazy("audit", "backed up"),
    "restore": pgettext_lazy("audit", "restored"),
    "report": pgettext_lazy("audit", "progress reported"),
    "finish": pgettext_lazy("audit", "marked done"),
    "reopen": pgettext_lazy("audit", "reopened"),
    "escalate": pgettext_lazy("audit", "supervision notices issued"),
    "compute": pgettext_lazy("audit", "computed"),
    "sign": pgettext_lazy("audit", "signed"),
    "end": pgettext_lazy("audit", "ended"),
    "grant": pgettext_lazy("audit", "granted"),
    "review": pgettext_lazy("audit", "reviewed"),
    "book": pgettext_lazy("audit", "booked"),
    "cancel": pgettext_lazy("audit", "cancelled"),
}
AUDIT_TARGETS = {
    "resident": pgettext_lazy("audit", "resident"),
    "record": pgettext_lazy("audit", "health record"),
    "contract": pgettext_lazy("audit", "contract"),
    "delivery": pgettext_lazy("audit", "service delivered"),
    "guardianship": pgettext_lazy("audit", "guardianship"),
    "user": pgettext_lazy("audit", "user"),
    "role": pgettext_lazy("audit", "role"),
    "audit": pgettext_lazy("audit", "audit log"),
    "data_key": pgettext_lazy("audit", "data key"),
    "file": pgettext_lazy("audit", "file"),
    "scheme": pgettext_lazy("audit", "evaluation scheme"),
    "figures": pgettext_lazy("audit", "enterprise figures"),
    "mu_evaluation": pgettext_lazy("audit", "亩产效益 evaluation"),
    "mu_appeal": pgettext_lazy("audit", "objection"),
    "idle_case": pgettext_lazy("audit", "idle land case"),
    "redevelopment": pgettext_lazy("audit", "low-efficiency land redevelopment"),
    "database": pgettext_lazy("audit", "database"),
    "target": pgettext_lazy("audit", "target"),
    "programme": pgettext_lazy("audit", "programme"),
    "task": pgettext_lazy("audit", "task"),
    "node": pgettext_lazy("audit", "time node"),
    "project": pgettext_lazy("audit", "major project"),
    "facility": pgettext_lazy("audit", "facility"),
    "case": pgettext_lazy("audit", "resident request"),
    "dispute": pgettext_lazy("audit", "dispute"),
    "households": pgettext_lazy("audit", "households of a grid"),
    "api_client": pgettext_lazy("audit", "API client"),
    "development": pgettext_lazy("audit", "housing development"),
    "kindergarten": pgettext_lazy("audit", "housing kindergarten"),
    "school_record": pgettext_lazy("audit", "school register"),
    "catchment": pgettext_lazy("audit", "catchment plan"),
    "plant": pgettext_lazy("audit", "plant"),
    "lease": pgettext_lazy("audit", "lease"),
    "policy": pgettext_lazy("audit", "enterprise policy"),
    "policy_grant": pgettext_lazy("audit", "policy benefit of an enterprise"),
    "service_request": pgettext_lazy("audit", "enterprise service request"),
    "incubation_call": pgettext_lazy("audit", "incubation call"),
    "incubation_application": pgettext_lazy("audit", "incubation application"),
    "appointment": pgettext_lazy("audit", "appointment"),
    "referral": pgettext_lazy("audit", "referral"),
    "consultation": pgettext_lazy("audit", "online consultation"),
    "teleconsult": pgettext_lazy("audit", "remote consultation"),
    "slots": pgettext_lazy("audit", "appointment slots"),
}
AUDIT_OUTCOMES = {"ok": pgettext_lazy("audit", "done"), "denied": pgettext_lazy("audit", "refused")}


class JobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("job status", "waiting")
    RUNNING = "running", pgettext_lazy("job status", "running")
    DONE = "done", pgettext_lazy("job status", "done")
    FAILED = "failed", pgettext_lazy("job status", "failed")
    CANCELLED = "cancelled", pgettext_lazy("job status", "cancelled")


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)
