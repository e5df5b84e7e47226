from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.education.models import (
    CatchmentPlan,
    ChildCount,
    Development,
    Kindergarten,
    Phase,
    Profile,
    SchoolRecord,
)


@admin.register(Profile)
class ProfileAdmin(ModelAdmin[Profile]):
    list_display = ["zone", "persons_per_household", "occupancy", "kg_places_per_1000", "births_per_1000"]


class PhaseInline(admin.TabularInline[Phase, Development]):
    model = Phase
    extra = 0


@admin.register(Development)
class DevelopmentAdmin(ModelAdmin[Development]):
    list_display = ["code", "name", "street", "kindergarten"]
    search_fields = ["code", "name", "developer"]
    inlines = [PhaseInline]


@admin.register(Kindergarten)
class KindergartenAdmin(ModelAdmin[Kindergarten]):
    list_display = ["code", "name", "street", "classes", "places", "status"]
    search_fields = ["code", "name"]


@admin.register(SchoolRecord)
class SchoolRecordAdmin(ModelAdmin[SchoolRecord]):
    list_display = ["facility", "year", "classes", "pupils"]


@admin.register(CatchmentPlan)
class CatchmentPlanAdmin(ModelAdmin[CatchmentPlan]):
    list_display = ["name", "level", "year", "status", "objective"]
    list_filter = ["level", "status"]


@admin.register(ChildCount)
class ChildCountAdmin(ModelAdmin[ChildCount]):
    list_display = ["area", "year", "age", "children"]
    list_filter = ["year"]
