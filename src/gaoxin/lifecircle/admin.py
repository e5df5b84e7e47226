from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User
from gaoxin.common.admin import ModelAdmin
from gaoxin.lifecircle import services
from gaoxin.lifecircle.models import (
    AreaResult,
    CandidateList,
    CandidateSite,
    Evaluation,
    Profile,
    ProfileItem,
)


class ProfileItemInline(admin.TabularInline[ProfileItem, Profile]):
    model = ProfileItem
    extra = 0
    fields = (
        "facility_type",
        "radius_m",
        "mandatory",
        "min_floor_area_m2",
        "min_land_area_m2",
        "norm_per_person",
        "demand_group",
        "walk_profile",
        "checklist_min_coverage",
        "clause",
    )


@admin.register(Profile)
class ProfileAdmin(ModelAdmin[Profile]):
    list_display = (
        "title",
        "name",
        "version",
        "builtin",
        "catchment_decay",
        "based_on",
        "created_by",
        "created_at",
    )
    inlines = [ProfileItemInline]
    actions = ["copy_as_new_version"]
    readonly_fields = ("builtin", "based_on", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: Profile | None = None) -> bool:
        # Built-in profiles follow their standards file, and a profile used by a run is history: copy it instead.
        if obj is not None and (obj.builtin or obj.evaluations.exists()):
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Copy as a new editable version"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        for profile in queryset:
            copy = services.copy_profile(actor=request.user, profile=profile)
            self.message_user(request, _("Created %(p)s.") % {"p": copy}, messages.SUCCESS)


@admin.register(Evaluation)
class EvaluationAdmin(ModelAdmin[Evaluation]):
    list_display = ("created_at", "zone", "profile", "stale", "duration_ms", "created_by")
    readonly_fields = ("zone", "profile", "items", "created_by", "stale", "duration_ms", "summary")


@admin.register(AreaResult)
class AreaResultAdmin(ModelAdmin[AreaResult]):
    list_display = ("evaluation", "area", "street", "population", "completeness", "passes", "missing")
    list_filter = ("passes", "street")
    list_select_related = ("area", "street", "evaluation")
    readonly_fields = (
        "evaluation",
        "area",
        "street",
        "population",
        "completeness",
        "passes",
        "missing",
        "class_completeness",
        "items",
    )


class CandidateSiteInline(admin.TabularInline[CandidateSite, CandidateList]):
    model = CandidateSite
    extra = 0
    fields = ("name", "kind", "lon", "lat", "capacity", "address")


@admin.register(CandidateList)
class CandidateListAdmin(ModelAdmin[CandidateList]):
    list_display = ("name", "zone", "created_by", "created_at")
    inlines = [CandidateSiteInline]
    readonly_fields = ("created_by",)
