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
        ]
