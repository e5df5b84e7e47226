from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


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

    def navigation(self) -> list[NavLink]:
        from gaoxin.lifecircle import access

        return [NavLink(_("Life circle"), "lifecircle:index", access.can_view, order=30)]

    def measures(self) -> list[Any]:
        """What targets can be computed by from the evaluation runs (gaoxin.common.measures)."""
        from gaoxin.common.measures import Measure, Param
        from gaoxin.lifecircle import queries

        return [
            Measure(
                "lifecircle.standardized_streets",
                _("Streets with a standardized 15-minute circle"),
                _("streets"),
                queries.standardized_streets_measure,
                (
                    Param(
                        "streets",
                        _("street codes (comma-separated; none: every street)"),
                        "text",
                        required=False,
                    ),
                ),
                _(
                    "Streets with at least one community whose residential areas pass the standardized-circle "
                    "checklist in the latest evaluation run up to the day."
                ),
            )
        ]

    def landing(self, user: Any) -> Landing | None:
        """Street staff start with their street's page of the latest evaluation."""
        from django.urls import reverse

        from gaoxin.accounts.choices import Role
        from gaoxin.lifecircle import access, queries

        if not (user.street_id and user.has_role(Role.STREET_STAFF) and access.can_view(user)):
            return None
        latest = queries.latest(user.street.zone)
        if latest is None:
            return None
        return Landing(45, reverse("lifecircle:street", args=[latest.pk, user.street_id]))
