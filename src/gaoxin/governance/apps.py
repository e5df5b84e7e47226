from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


class GovernanceConfig(AppConfig):
    name = "gaoxin.governance"
    label = "governance"
    verbose_name = _("Grid governance")

    def ready(self) -> None:
        from gaoxin.governance import imports

        imports.register_all()

        from django.db.models.signals import post_migrate

        from gaoxin.governance import services

        post_migrate.connect(lambda sender, **kw: services.sync_service_types(), sender=self, weak=False)

    def navigation(self) -> list[NavLink]:
        from gaoxin.governance import access

        def resident_only(user: Any) -> bool:
            from gaoxin.accounts.choices import Role

            return user.is_authenticated and user.has_role(Role.RESIDENT) and not access.can_view_board(user)

        return [
            NavLink(_("Requests"), "governance:board", access.can_view_board, order=50),
            NavLink(_("My requests"), "governance:mine", resident_only, order=51),
            NavLink(_("Disputes"), "governance:disputes", access.can_view_disputes, order=52),
            NavLink(_("Household visits"), "governance:collection", access.can_view_collection, order=53),
        ]

    def landing(self, user: Any) -> Landing | None:
        """A unit's member or a grid worker without another desk starts at the requests board."""
        from django.urls import reverse

        if user.departments.exists() or user.grids.exists():
            return Landing(30, reverse("governance:board"))
        return None
