from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gaoxin.common.models import ImportBatch

M = TypeVar("M", bound=Model)


def is_personal(model: type[Model]) -> bool:
    """A model whose rows are about a person (``personal_data = True`` on the model): read only through
    the audited pages (gaoxin.common.audit.load), never listed by the admin."""
    return bool(getattr(model, "personal_data", False))


class PrivateDeletion:
    """The admin's delete confirmation without personal data: what a deletion would remove or is
    blocked by is listed as usual, except the rows about people, which are counted (``居民 × 12``) —
    their names would otherwise be read outside the audit. Every admin of the project uses it
    (tests/site/test_admin.py walks the registry)."""

    admin_site: admin.AdminSite

    def get_deleted_objects(
        self, objs: Sequence[Model] | QuerySet[Model], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed: set[str] = set()
        site = self.admin_site

        def describe(obj: Model) -> Any:
            opts = obj._meta
            model = type(obj)
            if site.is_registered(model) and not site.get_model_admin(model).has_delete_permission(
                request, obj
            ):
                perms_needed.add(str(opts.verbose_name))
            if is_personal(model):
                return _Personal(str(capfirst(opts.verbose_name)))
            plain = "%s: %s" % (capfirst(opts.verbose_name), obj)
            if not site.is_registered(model):
                return plain
            try:
                url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),))
            except NoReverseMatch:
                return plain
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = _counted(collector.nested(describe))
        protected = _counted([describe(obj) for obj in collector.protected])
        model_count = {
            str(cast(type[Model], model)._meta.verbose_name_plural): len(
                rows
            )  # django-stubs types keys as str
            for model, rows in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


class _Personal(str):
    """A row about a person, shown only as its kind."""


def _counted(items: list[Any]) -> list[Any]:
    """The nested list with each run of rows about people of one kind folded into one count."""
    out: list[Any] = []
    counts: dict[str, int] = {}
    for item in items:
        if isinstance(item, _Personal):
            counts[item] = counts.get(item, 0) + 1
        elif isinstance(item, list):
            out.append(_counted(item))
        else:
            out.append(item)
    for label, n in counts.items():
        out.append(_("%(kind)s × %(n)d (personal data, not listed)") % {"kind": label, "n": n})
    return out


class ModelAdmin(PrivateDeletion, admin.ModelAdmin[M]):
    """The project's ModelAdmin."""


@admin.register(ImportBatch)
class ImportBatchAdmin(ModelAdmin[ImportBatch]):
    """Every import of the project, read-only: a batch is written by the import pipeline only."""

    list_display = ("filename", "kind", "status", "created_by", "created_at", "applied_at")
    list_filter = ("kind", "status")
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
