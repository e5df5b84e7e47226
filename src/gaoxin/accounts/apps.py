from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from gaoxin.accounts import signals

        signals.connect()

        from django.db.models.signals import post_migrate

        from gaoxin.accounts.services import ensure_roles

        # Every app's post_migrate (its permissions exist only after its own signal).
        post_migrate.connect(lambda sender, **kw: ensure_roles(), weak=False)
