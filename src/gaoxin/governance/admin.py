from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.governance.models import ApiClient, Department, Grid, ServiceType


@admin.register(Grid)
class GridAdmin(ModelAdmin[Grid]):
    list_display = ("code", "name", "community", "party_branch")
    search_fields = ("code", "name")
    filter_horizontal = ("workers",)


@admin.register(Department)
class DepartmentAdmin(ModelAdmin[Department]):
    list_display = ("name", "zone")
    filter_horizontal = ("members",)


@admin.register(ServiceType)
class ServiceTypeAdmin(ModelAdmin[ServiceType]):
    list_display = ("code", "name_zh", "group", "limit_normal_h", "limit_urgent_h", "limit_emergency_h")


@admin.register(ApiClient)
class ApiClientAdmin(ModelAdmin[ApiClient]):
    list_display = ("name", "active", "created_at")
    readonly_fields = ("key_hash",)
