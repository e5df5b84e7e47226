from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
