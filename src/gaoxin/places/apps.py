from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "gaoxin.places"
    label = "places"
    verbose_name = _("Places and facilities")

    def ready(self) -> None:
        from gaoxin.places import imports

        imports.register_all()

        from django.db.models.signals import post_migrate

        from gaoxin.places.services import sync_facility_types

        post_migrate.connect(lambda sender, **kw: sync_facility_types(), sender=self, weak=False)

        from django.db.models.signals import post_delete, post_save

        from gaoxin.places.analysis import bump_network_version
        from gaoxin.places.models import WalkEdge
        from gaoxin.places.signals import network_replaced

        def edge_changed(sender: object, instance: WalkEdge, **kw: object) -> None:
            bump_network_version(instance.zone_id)

        post_save.connect(edge_changed, sender=WalkEdge, weak=False)
        post_delete.connect(edge_changed, sender=WalkEdge, weak=False)
        network_replaced.connect(lambda sender, zone, **kw: bump_network_version(zone.pk), weak=False)
