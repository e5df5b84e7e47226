from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of these names (see DESIGN.md, "Who uses it")."""

    ZONE_ADMIN = "zone_admin", _("Zone administrator")
    PLANNER = "planner", _("Zone planner")
    STREET_STAFF = "street_staff", _("Street / community staff")
    DOCTOR = "doctor", _("Family doctor")
    RESIDENT = "resident", _("Resident")
    PARK_STAFF = "park_staff", _("Park service staff")
    ENTERPRISE = "enterprise", _("Enterprise")
    LEADERSHIP = "leadership", _("Leadership")
    AUDITOR = "auditor", _("Auditor")
    EDUCATION = "education", _("Education bureau staff")
    REVIEWER = "reviewer", _("Expert reviewer")
