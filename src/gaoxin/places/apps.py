from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "gaoxin.places"
    label = "places"
    verbose_name = _("Places and facilities")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gaoxin.places.services import sync_facility_types

        post_migrate.connect(lambda sender, **kw: sync_facility_types(), sender=self, weak=False)
