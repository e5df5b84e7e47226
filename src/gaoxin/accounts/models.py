from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.choices import Role


class User(AbstractUser):
    """A person who logs in. Roles are groups; street staff are bound to one street."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    street = models.ForeignKey(
        "places.Street",
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For street staff: the only street whose data they may change."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: Role) -> bool:
        names = {str(r) for r in roles}
        return self.is_active and any(g.name in names for g in self.groups.all())

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]


class SecondFactor(models.Model):
    """A user's authenticator (TOTP, RFC 6238): the shared secret, encrypted like every personal field,
    and the last time step used (a code is never accepted twice)."""

    personal_data = True  # read through the audited pages only (common.admin)

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="second_factor"
    )
    secret_cipher = models.TextField(_("secret (encrypted)"), editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    last_step = models.BigIntegerField(_("last time step used"), null=True, blank=True)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A one-time code for a lost authenticator; only its hash is kept."""

    personal_data = True  # read through the audited pages only (common.admin)

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} {'used' if self.used_at else 'unused'}"
