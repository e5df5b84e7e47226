from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


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

        from gaoxin.places.analysis import bump_data_version
        from gaoxin.places.models import Community, Facility, ResidentialArea, Street

        def place_changed(sender: object, instance: Any, **kw: object) -> None:
            if isinstance(instance, Street):
                bump_data_version(instance.zone_id)
            elif isinstance(instance, Community):
                bump_data_version(
                    Street.objects.filter(pk=instance.street_id).values_list("zone_id", flat=True).first()
                )
            else:  # a facility or a residential area
                bump_data_version(
                    Street.objects.filter(pk=instance.street_id).values_list("zone_id", flat=True).first()
                )

        for model in (Street, Community, ResidentialArea, Facility):
            post_save.connect(place_changed, sender=model, weak=False)
            post_delete.connect(place_changed, sender=model, weak=False)
        network_replaced.connect(lambda sender, zone, **kw: bump_network_version(zone.pk), weak=False)

    def navigation(self) -> list[NavLink]:
        from gaoxin.places import access

        view = access.can_view_places
        return [
            NavLink(_("Overview"), "overview", view, order=10),
            NavLink(_("Map"), "places:map", view, order=20),
            NavLink(_("Streets"), "places:street_list", view, order=60),
            NavLink(_("Communities"), "places:community_list", view, order=61),
            NavLink(_("Residential areas"), "places:area_list", view, order=62),
            NavLink(_("Facilities"), "places:facility_list", view, order=63),
            NavLink(_("Import / export"), "places:import", access.can_import, order=90),
        ]

    def measures(self) -> list[Any]:
        """What targets can be computed by from the facility registry (gaoxin.common.measures)."""
        from gaoxin.common.measures import Measure, Param
        from gaoxin.places import queries
        from gaoxin.places.models import Street

        def types() -> list[tuple[str, str]]:
            return [(t.code, t.label) for t in queries.facility_types()]

        def streets() -> list[tuple[str, str]]:
            return list(Street.objects.order_by("code").values_list("code", "name"))

        params = (
            Param("type", _("facility type"), "choice", choices=types),
            Param("street", _("street"), "choice", required=False, choices=streets),
            Param("opened_from", _("opened on or after"), "date", required=False),
        )
        return [
            Measure(
                "places.facilities_open",
                _("Open facilities of a type"),
                _("facilities"),
                queries.facilities_open_measure,
                params,
                _(
                    "Facilities of the type open on the day in the registry (opened on or before it, not closed)."
                ),
            ),
            Measure(
                "places.facility_capacity",
                _("Capacity of the open facilities of a type"),
                _("places, beds or seats"),
                queries.facility_capacity_measure,
                params,
                _("The capacity (places, beds or seats) of the facilities of the type open on the day."),
            ),
        ]

    def landing(self, user: Any) -> Landing | None:
        """Street staff start with their street's facilities (the life circle offers more when run)."""
        from django.urls import reverse

        from gaoxin.accounts.choices import Role

        if user.street_id and user.has_role(Role.STREET_STAFF):
            return Landing(40, f"{reverse('places:facility_list')}?street={user.street_id}")
        return None
