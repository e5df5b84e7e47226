from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import NavLink


class PlansConfig(AppConfig):
    name = "gaoxin.plans"
    label = "plans"
    verbose_name = _("Plans, targets and tasks")

    def ready(self) -> None:
        from gaoxin.plans import imports

        imports.register_all()

    def navigation(self) -> list[NavLink]:
        from gaoxin.plans import access

        return [
            NavLink(_("Targets"), "plans:index", access.can_view, order=70),
            NavLink(_("Major projects"), "plans:projects", access.can_view, order=71),
            NavLink(_("Elderly care"), "plans:care_list", access.can_view, order=72),
        ]

    def measures(self) -> list[Any]:
        """What targets can be computed by from the plans' own data (gaoxin.common.measures)."""
        from gaoxin.common.measures import Measure, Param
        from gaoxin.places.choices import ServiceClass
        from gaoxin.places.models import FacilityType
        from gaoxin.plans import queries

        def care_types() -> list[tuple[str, str]]:
            return [
                (t.code, t.label)
                for t in FacilityType.objects.filter(service_class=ServiceClass.ELDERCARE).order_by("order")
            ]

        return [
            Measure(
                "plans.reading_rooms",
                _("Elderly-care institutions with a reading room"),
                _("institutions"),
                queries.reading_rooms_measure,
                (Param("opened_from", _("opened on or after"), "date", required=False),),
                _("Institutions whose reading room (国学书屋) is open on the day."),
            ),
            Measure(
                "plans.improved_institutions",
                _("Institutions with improved service capacity"),
                _("institutions"),
                queries.improved_institutions_measure,
                (
                    Param("type", _("facility type"), "choice", choices=care_types, default="nursing_home"),
                    Param("since", _("improved since"), "date"),
                ),
                _(
                    "Institutions whose latest GB/T 37276-2018 assessment since the date scores higher than their "
                    "latest before it."
                ),
            ),
            Measure(
                "plans.meals_served",
                _("Meals served by the elderly canteens this year"),
                _("meals"),
                queries.meals_measure,
                (
                    Param(
                        "subsidised",
                        _("subsidised meals only"),
                        "choice",
                        required=False,
                        choices=lambda: [("yes", str(_("yes")))],
                    ),
                ),
                _("Meals served in the months of the day's year up to its month."),
            ),
        ]
