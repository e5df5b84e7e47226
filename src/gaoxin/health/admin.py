"""Institutions, teams and packages are maintained in the admin. Residents, records and contracts
are not: every read of them must go through the audited pages."""

from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.health.models import Institution, ServicePackage, Team, TeamMember


@admin.register(Institution)
class InstitutionAdmin(ModelAdmin[Institution]):
    list_display = ("name", "kind", "street", "county_code")
    filter_horizontal = ("managers",)


class TeamMemberInline(admin.TabularInline[TeamMember, Team]):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(ModelAdmin[Team]):
    list_display = ("name", "institution", "caseload_warning")
    inlines = [TeamMemberInline]


@admin.register(ServicePackage)
class ServicePackageAdmin(ModelAdmin[ServicePackage]):
    list_display = ("name", "kind", "price_yuan", "resident_pays_yuan")
