from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "gaoxin.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        # Every app's tasks.py registers its kinds of background job (gaoxin.common.jobs), in the web
        # processes and the workers alike.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
