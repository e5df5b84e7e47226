from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.places.models import (
    Community,
    Facility,
    FacilityType,
    ResidentialArea,
    Street,
    WalkEdge,
    Zone,
)


@admin.register(Zone)
class ZoneAdmin(ModelAdmin[Zone]):
    list_display = ("code", "name", "synthetic_geometry")


@admin.register(Street)
class StreetAdmin(ModelAdmin[Street]):
    list_display = ("code", "name", "zone")
    search_fields = ("code", "name")


@admin.register(Community)
class CommunityAdmin(ModelAdmin[Community]):
    list_display = ("code", "name", "street", "kind")
    list_filter = ("street", "kind")
    search_fields = ("code", "name")


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(ModelAdmin[ResidentialArea]):
    list_display = ("code", "name", "community", "street", "population", "status")
    list_filter = ("street", "status")
    search_fields = ("code", "name")
    list_select_related = ("community", "street")
    readonly_fields = ("street", "population")


@admin.register(FacilityType)
class FacilityTypeAdmin(ModelAdmin[FacilityType]):
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "service_class",
        "tier",
        "radius_m",
        "mandatory",
        "capacity_unit",
    )
    list_filter = ("service_class", "tier")


@admin.register(Facility)
class FacilityAdmin(ModelAdmin[Facility]):
    list_display = ("code", "name", "type", "street", "status", "capacity")
    list_filter = ("street", "type__service_class", "status")
    search_fields = ("code", "name", "address")
    list_select_related = ("type", "street")
    autocomplete_fields = ("street",)


@admin.register(WalkEdge)
class WalkEdgeAdmin(ModelAdmin[WalkEdge]):
    list_display = ("id", "zone", "highway", "name")
    list_filter = ("highway",)
