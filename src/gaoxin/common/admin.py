from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gaoxin.common.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    """Every import of the project, read-only: a batch is written by the import pipeline only."""

    list_display = ("filename", "kind", "status", "created_by", "created_at", "applied_at")
    list_filter = ("kind", "status")
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
