from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "gaoxin.health"
    label = "health"
    verbose_name = _("Health records and family doctors")
