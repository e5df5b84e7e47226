from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


class ParksConfig(AppConfig):
    name = "gaoxin.parks"
    label = "parks"
    verbose_name = _("Parks and 亩产效益")

    def ready(self) -> None:
        from gaoxin.parks import imports

        imports.register_all()

        from django.db.models.signals import post_migrate

        from gaoxin.parks import services

        post_migrate.connect(lambda sender, **kw: services.sync_builtin_schemes(), sender=self, weak=False)

    def navigation(self) -> list[NavLink]:
        from gaoxin.parks import access

        return [
            NavLink(_("Parks"), "parks:index", access.can_view_all, order=40),
            NavLink(_("My enterprise"), "parks:portal", access.is_enterprise_user, order=41),
            NavLink(_("My expert reviews"), "parks:reviews", access.is_reviewer, order=43),
        ]

    def measures(self) -> list[Any]:
        """What targets can be computed by from the parks' data (gaoxin.common.measures)."""
        from gaoxin.common.measures import Measure, Param
        from gaoxin.parks import queries
        from gaoxin.parks.choices import PlantStage, UpgradeKind

        return [
            Measure(
                "parks.revenue_parks",
                _("Parks with yearly revenue of at least a threshold"),
                _("parks"),
                queries.revenue_parks_measure,
                (
                    Param("threshold_yi", _("threshold (亿元)"), "decimal", required=False, default="100"),
                    Param("year", _("year"), "integer", required=False),
                ),
                _(
                    "Parks whose revenue reaches the threshold in the year (else in their latest year reported)."
                ),
            ),
            Measure(
                "parks.standard_plants_m2",
                _("Floor area of standard plants"),
                "m²",
                queries.standard_plants_measure,
                (
                    Param(
                        "stage",
                        _("stage"),
                        "choice",
                        required=False,
                        choices=lambda: [(v, str(label)) for v, label in PlantStage.choices],
                        default=PlantStage.COMPLETED,
                    ),
                ),
                _(
                    "The standard plants (标准化厂房) of the zone's parks in the stage; completed ones by the day."
                ),
            ),
            Measure(
                "parks.upgrades_accepted",
                _("Park upgrade projects accepted"),
                _("projects"),
                queries.upgrades_measure,
                (
                    Param(
                        "kind",
                        _("kind"),
                        "choice",
                        required=False,
                        choices=lambda: [(v, str(label)) for v, label in UpgradeKind.choices],
                    ),
                ),
                _(
                    "Upgrade projects of the kind (small-and-micro parks, smart or green parks) accepted by the day."
                ),
            ),
            Measure(
                "parks.plant_occupancy",
                _("Occupancy of the standard plants"),
                "%",
                queries.plant_occupancy_measure,
                (),
                _("The leased share of the lettable area of the completed standard plants on the day."),
            ),
        ]

    def landing(self, user: Any) -> Landing | None:
        """An enterprise starts at its portal, park staff at the parks' overview."""
        from django.urls import reverse

        from gaoxin.accounts.choices import Role
        from gaoxin.parks import access

        if access.is_enterprise_user(user) and not access.can_view_all(user):
            return Landing(90, reverse("parks:portal"))
        if access.is_reviewer(user) and not access.can_view_all(user):
            return Landing(80, reverse("parks:reviews"))
        if user.has_role(Role.PARK_STAFF) and access.can_view_all(user):
            return Landing(60, reverse("parks:index"))
        return None
