from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import NavLink


class SiteConfig(AppConfig):
    name = "gaoxin.site"
    label = "site_ui"
    verbose_name = _("Site")

    def ready(self) -> None:
        from gaoxin.site import checks  # noqa: F401  (registers the deployment checks)

    def navigation(self) -> list[NavLink]:
        return [NavLink(_("Administration"), "admin:index", lambda user: user.is_staff, order=99)]
