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
