from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import services
from gaoxin.accounts.models import User
from gaoxin.common.admin import PrivateDeletion


@admin.register(User)
class UserAdmin(PrivateDeletion, BaseUserAdmin[User]):
    """Users who have acted are deactivated, never deleted: their name stays on every audit event and
    every record they wrote (等保 level 3: the audit trail stays whole)."""

    list_display = ("username", "display_name", "street", "is_active", "is_staff")
    list_filter = ("groups", "street", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Gaoxin"), {"fields": ("display_name", "street")}))
    actions = ["deactivate", "reset_second_factor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and services.has_acted(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found = super().get_actions(request)
        found.pop("delete_selected", None)  # a bulk delete would take users who acted with it
        return found

    @admin.action(description=_("Reset the second factor (a lost phone: the next login enrols anew)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            services.reset_second_factor(user, actor=actor)
        self.message_user(request, _("Second factors reset."), messages.SUCCESS)

    @admin.action(description=_("Deactivate (keeps the user's name on what they did)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            services.deactivate(user, actor=actor)
        self.message_user(request, _("Deactivated %(n)s users.") % {"n": queryset.count()}, messages.SUCCESS)
