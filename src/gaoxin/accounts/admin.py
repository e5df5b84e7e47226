from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "display_name", "street", "is_active", "is_staff")
    list_filter = ("groups", "street", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Gaoxin"), {"fields": ("display_name", "street")}))
