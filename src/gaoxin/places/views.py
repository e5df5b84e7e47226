"""Pages of the places app: thin — parse, call access/services/queries, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports
from gaoxin.common.choices import CoordinateSystem, ImportStatus
from gaoxin.common.http import attachment, querystring_without_page
from gaoxin.places import access, queries, services
from gaoxin.places.choices import ImportDataset, ServiceClass
from gaoxin.places.datasets import COLUMNS
from gaoxin.places.filtersets import AreaFilter, CommunityFilter, FacilityFilter
from gaoxin.places.forms import AreaForm, FacilityForm, ImportForm
from gaoxin.places.imports import kind_of
from gaoxin.places.models import AGE_BANDS, Facility, FacilityType, Street

PAGE_SIZE = 50
PREFILL = {"code", "name", "type", "street", "community", "lon", "lat"}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "places/map.html",
        {
            "classes": ServiceClass.choices,
            "tile_url": settings.GAOXIN_MAP_TILE_URL,
            "tile_attribution": settings.GAOXIN_MAP_TILE_ATTRIBUTION,
            "zone": queries.current_zone(),
            "strings": {
                "population": _("Population"),
                "households": _("Households"),
                "community": _("Community"),
                "street": _("Street"),
                "capacity": _("Capacity"),
                "status": _("Status"),
                "details": _("Details"),
                "type": _("Type"),
                "code": _("Code"),
                "kind": _("Kind"),
                "gates": _("Gates"),
            },
        },
    )


@login_required
def map_layers(request: HttpRequest) -> JsonResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    return JsonResponse(queries.map_layers())


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    f = FacilityFilter(request.GET)
    page = _page(request, f.filter(queries.facilities().order_by("street__code", "type__order", "code")))
    return render(
        request,
        "places/facility_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    facility = get_object_or_404(queries.facilities(), pk=pk)
    can_edit = request.user.has_perm("places.change_facility") and access.can_edit_street(
        request.user, facility.street_id
    )  # type: ignore[arg-type]
    return render(request, "places/facility_detail.html", {"f": facility, "can_edit": can_edit})


def _facility_form(request: HttpRequest, facility: Facility | None) -> HttpResponse:
    user = request.user
    # A new facility may be proposed from elsewhere (e.g. a gap in a life-circle report): prefill it.
    initial = {k: v for k, v in request.GET.items() if k in PREFILL} if facility is None else None
    form = FacilityForm(request.POST or None, instance=facility, initial=initial, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        saved = services.save_facility(actor=user, facility=form.save(commit=False))  # type: ignore[arg-type]
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect("places:facility_detail", pk=saved.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "object": facility, "title": _("Edit facility") if facility else _("New facility")},
    )


@login_required
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _facility_form(request, access.facility_for_edit(request.user, pk))  # type: ignore[arg-type]


@login_required
def facility_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("places.add_facility") or not access.streets_for_edit(request.user).exists():  # type: ignore[arg-type]
        raise PermissionDenied
    return _facility_form(request, None)


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    f = AreaFilter(request.GET)
    page = _page(request, f.filter(queries.areas().order_by("street__code", "code")))
    return render(
        request,
        "places/area_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    area = get_object_or_404(queries.areas(), pk=pk)
    bands = [(label, getattr(area, name)) for name, label in AGE_BANDS]
    can_edit = request.user.has_perm("places.change_residentialarea") and access.can_edit_street(
        request.user, area.street_id
    )  # type: ignore[arg-type]
    return render(request, "places/area_detail.html", {"a": area, "bands": bands, "can_edit": can_edit})


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = access.area_for_edit(user, pk)  # type: ignore[arg-type]
    form = AreaForm(request.POST or None, instance=area, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        saved = services.save_area(actor=user, area=form.save(commit=False))  # type: ignore[arg-type]
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect("places:area_detail", pk=saved.pk)
    return render(
        request, "places/form.html", {"form": form, "object": area, "title": _("Edit residential area")}
    )


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    f = CommunityFilter(request.GET)
    page = _page(request, f.filter(queries.communities().order_by("code")))
    return render(
        request,
        "places/community_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def street_list(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "places/street_list.html",
        {"rows": queries.street_figures(), "classes": ServiceClass.choices},
    )


# --- import and export ----------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not access.can_import(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.validate_import(
            actor=request.user,  # type: ignore[arg-type]
            dataset=form.cleaned_data["dataset"],
            file_format=form.cleaned_data["file_format"],
            filename=upload.name,
            content=upload.read(),
            coordinate_system=form.cleaned_data["coordinate_system"],
        )
        return redirect("places:import_detail", pk=batch.pk)
    recent = imports.recent_batches(request.user, [kind_of(d) for d in ImportDataset.values], limit=10)
    return render(
        request,
        "places/import.html",
        {
            "form": form,
            "recent": recent,
            "columns": COLUMNS,
            "datasets": ImportDataset.choices,
            "types": FacilityType.objects.all(),
        },
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = imports.batch_for(request.user, pk)
    return render(
        request,
        "places/import_detail.html",
        {
            "batch": batch,
            "Status": ImportStatus,
            "dataset_label": ImportDataset(batch.dataset).label
            if batch.dataset in ImportDataset.values
            else "",
            "crs_label": CoordinateSystem(batch.options.get("coordinate_system", "wgs84")).label,
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = imports.batch_for(request.user, pk)
    try:
        result = services.apply_import(actor=request.user, batch=batch)  # type: ignore[arg-type]
    except imports.ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect("places:import_detail", pk=batch.pk)
    messages.success(request, _("Imported: %(created)s created, %(updated)s updated.") % result)
    return redirect("places:import_detail", pk=batch.pk)


@login_required
def export_download(request: HttpRequest, dataset: str, file_format: str) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    if dataset not in ImportDataset.values or file_format not in CONTENT_TYPES:
        return HttpResponse(_("Unknown dataset or format."), status=404)
    street = request.GET.get("street")
    street_id = get_object_or_404(Street, pk=street).pk if street and street.isdigit() else None
    data = queries.export_file(dataset, file_format, street_id=street_id)
    ext = "geojson" if file_format == "geojson" else file_format
    return attachment(data, f"gaoxin-{dataset}.{ext}", CONTENT_TYPES[file_format])
