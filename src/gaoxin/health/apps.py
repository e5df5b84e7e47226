from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "gaoxin.health"
    label = "health"
    verbose_name = _("Health records and family doctors")

    def ready(self) -> None:
        from gaoxin.common import crypto
        from gaoxin.health.models import Resident

        crypto.register(Resident, ["id_cipher", "phone_cipher"], hash_field="id_hash", hashed="id_cipher")
