from django.contrib import admin

from gaoxin.common.admin import ModelAdmin
from gaoxin.plans.models import (
    Node,
    Programme,
    ProgressReport,
    SupervisionNotice,
    Target,
    TargetReport,
    Task,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(ModelAdmin[Unit]):
    list_display = ("name", "zone")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(Target)
class TargetAdmin(ModelAdmin[Target]):
    list_display = ("year", "code", "title", "owner", "kind", "measure", "goal", "due_on")
    list_filter = ("year", "kind")


class NodeInline(admin.TabularInline[Node, Task]):
    model = Node
    extra = 0


@admin.register(Task)
class TaskAdmin(ModelAdmin[Task]):
    list_display = ("programme", "number", "lead", "leader")
    list_filter = ("programme",)
    inlines = [NodeInline]


@admin.register(Programme)
class ProgrammeAdmin(ModelAdmin[Programme]):
    list_display = ("name", "year", "coordinator")


@admin.register(TargetReport)
class TargetReportAdmin(ModelAdmin[TargetReport]):
    list_display = ("target", "value", "as_of")


@admin.register(ProgressReport)
class ProgressReportAdmin(ModelAdmin[ProgressReport]):
    list_display = ("task", "unit", "period", "reported_on")


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ModelAdmin[SupervisionNotice]):
    list_display = ("number", "unit", "issued_on", "days_late", "closed_on")
