from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecircleConfig(AppConfig):
    name = "gaoxin.lifecircle"
    label = "lifecircle"
    verbose_name = _("15-minute life circle")

    def ready(self) -> None:
        from gaoxin.lifecircle import imports

        imports.register_all()

        from django.db.models.signals import post_delete, post_migrate, post_save

        from gaoxin.lifecircle import services
        from gaoxin.places.models import Facility, ResidentialArea, WalkEdge
        from gaoxin.places.signals import network_replaced

        post_migrate.connect(lambda sender, **kw: services.sync_builtin_profiles(), sender=self, weak=False)
        # Editing, adding or closing a facility (or an area, or the network) makes results stale.
        for model in (Facility, ResidentialArea, WalkEdge):
            post_save.connect(services.mark_stale_on_change, sender=model, weak=False)
            post_delete.connect(services.mark_stale_on_change, sender=model, weak=False)
        network_replaced.connect(services.mark_stale_on_change, weak=False)
