from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.parks.models import (
    Application,
    Enterprise,
    IncubationCall,
    LandParcel,
    LandUse,
    Lease,
    Park,
    ParkUpgrade,
    ParkYear,
    Plant,
    PlantUnit,
    Policy,
    PolicyMeasure,
    Provider,
    Scheme,
    Service,
    ServiceRequest,
    YearFlag,
)


class ParkYearInline(admin.TabularInline[ParkYear, Park]):
    model = ParkYear
    extra = 0


@admin.register(Park)
class ParkAdmin(ModelAdmin[Park]):
    list_display = ("code", "name", "focus_industries")
    inlines = [ParkYearInline]


class LandUseInline(admin.TabularInline[LandUse, LandParcel]):
    model = LandUse
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(Enterprise)
class EnterpriseAdmin(ModelAdmin[Enterprise]):
    list_display = ("name", "uscc", "park", "industry_code", "scale", "high_tech")
    list_filter = ("park", "scale", "high_tech")
    search_fields = ("name", "uscc")
    filter_horizontal = ("users",)


@admin.register(LandParcel)
class LandParcelAdmin(ModelAdmin[LandParcel]):
    list_display = ("code", "park", "area_m2", "contract_start_by", "started_on", "completed_on")
    list_filter = ("park",)
    search_fields = ("code", "certificate")
    inlines = [LandUseInline]


class PlantUnitInline(admin.TabularInline[PlantUnit, Plant]):
    model = PlantUnit
    extra = 0


@admin.register(Plant)
class PlantAdmin(ModelAdmin[Plant]):
    list_display = ("name", "park", "standard", "stage", "floor_area_m2", "owner")
    list_filter = ("park", "standard", "stage")
    search_fields = ("name",)
    inlines = [PlantUnitInline]


@admin.register(Lease)
class LeaseAdmin(ModelAdmin[Lease]):
    list_display = ("unit", "tenant", "starts_on", "ends_on", "ended_on", "rent_yuan_per_m2_month")
    list_filter = ("unit__plant__park",)
    autocomplete_fields = ["tenant"]


@admin.register(YearFlag)
class YearFlagAdmin(ModelAdmin[YearFlag]):
    list_display = ("enterprise", "year", "code", "evidence")
    list_filter = ("year", "code")


@admin.register(PolicyMeasure)
class PolicyMeasureAdmin(ModelAdmin[PolicyMeasure]):
    list_display = ("klass", "kind", "text")


@admin.register(Scheme)
class SchemeAdmin(ModelAdmin[Scheme]):
    list_display = ("name", "version", "title", "builtin")
    readonly_fields = ("builtin",)


@admin.register(ParkUpgrade)
class ParkUpgradeAdmin(ModelAdmin[ParkUpgrade]):
    list_display = ("title", "park", "kind", "stage", "started_on", "accepted_on")
    list_filter = ("kind", "stage", "park")


class ServiceInline(admin.TabularInline[Service, Provider]):
    model = Service
    extra = 1


@admin.register(Provider)
class ProviderAdmin(ModelAdmin[Provider]):
    list_display = ("name", "kind", "contact", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    inlines = [ServiceInline]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ModelAdmin[ServiceRequest]):
    list_display = ("number", "enterprise", "field", "status", "provider", "due_on", "rating")
    list_filter = ("field", "status")
    search_fields = ("number", "title", "enterprise__name")
    readonly_fields = ("status", "handed_on", "due_on", "closed_on", "rating")


@admin.register(Policy)
class PolicyAdmin(ModelAdmin[Policy]):
    list_display = ("code", "title", "mode", "status", "version", "data_year")
    list_filter = ("mode", "status")
    readonly_fields = ("status", "version", "published_on", "rules")


@admin.register(IncubationCall)
class IncubationCallAdmin(ModelAdmin[IncubationCall]):
    list_display = ("code", "title", "cohort", "status", "places")
    readonly_fields = ("status",)


@admin.register(Application)
class ApplicationAdmin(ModelAdmin[Application]):
    list_display = ("number", "project", "call", "status", "score")
    list_filter = ("call", "status")
    search_fields = ("number", "project")
    readonly_fields = ("status", "score", "agreement_on", "agreement_ends_on")
