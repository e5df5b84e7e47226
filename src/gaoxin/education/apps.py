from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


class EducationConfig(AppConfig):
    name = "gaoxin.education"
    label = "education"
    verbose_name = _("Education planning")

    def ready(self) -> None:
        from gaoxin.education import imports

        imports.register_all()

    def navigation(self) -> list[NavLink]:
        from gaoxin.education import access

        return [NavLink(_("Education planning"), "education:ledger", access.can_view, order=60)]

    def landing(self, user: Any) -> Landing | None:
        """Education-bureau staff (they keep the registries) start at the ledger of kindergartens."""
        from django.urls import reverse

        if user.has_perm("education.change_development") and not user.has_perm("places.change_facility"):
            return Landing(50, reverse("education:ledger"))
        return None
