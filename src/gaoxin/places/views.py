"""Pages of the places app: thin — a form or filter set for the input, the gate or query, a service
for a change, then render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports
from gaoxin.common.cache import cached_json
from gaoxin.common.cache import key as cache_key
from gaoxin.common.choices import CoordinateSystem, ImportStatus
from gaoxin.common.http import attachment, page_of, querystring_without_page
from gaoxin.places import access, queries, services
from gaoxin.places.choices import ImportDataset, ServiceClass
from gaoxin.places.datasets import COLUMNS
from gaoxin.places.filtersets import AreaFilter, CommunityFilter, FacilityFilter
from gaoxin.places.forms import AreaForm, ExportForm, FacilityForm, ImportForm, prefill
from gaoxin.places.imports import kind_of
from gaoxin.places.models import AGE_BANDS, Facility
from gaoxin.places.web import Request

PAGE_SIZE = 50

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@login_required
def map_page(request: Request) -> HttpResponse:
    access.require_view(request.user)
    return render(
        request,
        "places/map.html",
        {
            "classes": ServiceClass.choices,
            "tile_url": settings.GAOXIN_MAP_TILE_URL,
            "tile_attribution": settings.GAOXIN_MAP_TILE_ATTRIBUTION,
            "zone": request.zone,
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
def map_layers(request: Request) -> HttpResponse:
    """Every layer of the zone map, built once per version of the zone's places (gaoxin.common.cache)."""
    access.require_view(request.user)
    zone = request.zone
    return cached_json(
        request, cache_key("places:layers", zone.pk, zone.data_version), lambda: queries.map_layers(zone)
    )


@login_required
def map_base(request: Request) -> HttpResponse:
    """The base map of every map page (streets from the walking network, the zone, its streets), built
    once per version of the network and the streets, kept by the browser for ten minutes."""
    access.require_view(request.user)
    zone = request.zone
    version = cache_key("places:base", zone.pk, zone.network_version, zone.data_version)
    return cached_json(request, version, lambda: queries.base_layers(zone), max_age=600)


@login_required
def facility_list(request: Request) -> HttpResponse:
    f = FacilityFilter(request.GET, zone=request.zone)
    page = page_of(queries.facility_list(request.user, request.zone, f), request.GET, PAGE_SIZE)
    return render(
        request,
        "places/facility_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def facility_detail(request: Request, pk: int) -> HttpResponse:
    facility = access.facility_for(request.user, request.zone, pk)
    can_edit = access.can_edit_facility(request.user, facility)
    return render(request, "places/facility_detail.html", {"f": facility, "can_edit": can_edit})


def _facility_form(request: Request, facility: Facility | None) -> HttpResponse:
    initial = prefill(request.GET) if facility is None else None
    form = FacilityForm(
        request.POST or None, instance=facility, initial=initial, user=request.user, zone=request.zone
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_facility(actor=request.user, facility=form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect("places:facility_detail", pk=saved.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "object": facility, "title": _("Edit facility") if facility else _("New facility")},
    )


@login_required
def facility_edit(request: Request, pk: int) -> HttpResponse:
    return _facility_form(request, access.facility_for_edit(request.user, request.zone, pk))


@login_required
def facility_create(request: Request) -> HttpResponse:
    if not access.can_add_facility(request.user):
        raise PermissionDenied
    return _facility_form(request, None)


@login_required
def area_list(request: Request) -> HttpResponse:
    f = AreaFilter(request.GET, zone=request.zone)
    page = page_of(queries.area_list(request.user, request.zone, f), request.GET, PAGE_SIZE)
    return render(
        request,
        "places/area_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def area_detail(request: Request, pk: int) -> HttpResponse:
    area = access.area_for(request.user, request.zone, pk)
    bands = [(label, getattr(area, name)) for name, label in AGE_BANDS]
    can_edit = access.can_edit_area(request.user, area)
    return render(request, "places/area_detail.html", {"a": area, "bands": bands, "can_edit": can_edit})


@login_required
def area_edit(request: Request, pk: int) -> HttpResponse:
    area = access.area_for_edit(request.user, request.zone, pk)
    form = AreaForm(request.POST or None, instance=area, user=request.user, zone=request.zone)
    if request.method == "POST" and form.is_valid():
        saved = services.save_area(actor=request.user, area=form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect("places:area_detail", pk=saved.pk)
    return render(
        request, "places/form.html", {"form": form, "object": area, "title": _("Edit residential area")}
    )


@login_required
def community_list(request: Request) -> HttpResponse:
    f = CommunityFilter(request.GET, zone=request.zone)
    page = page_of(queries.community_list(request.user, request.zone, f), request.GET, PAGE_SIZE)
    return render(
        request,
        "places/community_list.html",
        {"filter": f, "page": page, "qs": querystring_without_page(request)},
    )


@login_required
def street_list(request: Request) -> HttpResponse:
    access.require_view(request.user)
    return render(
        request,
        "places/street_list.html",
        {"rows": queries.street_figures(request.zone), "classes": ServiceClass.choices},
    )


# --- import and export ----------------------------------------------------------------------------


@login_required
def import_upload(request: Request) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.validate_import(
            actor=request.user,
            dataset=form.cleaned_data["dataset"],
            file_format=form.cleaned_data["file_format"],
            filename=upload.name,
            content=upload.read(),
            coordinate_system=form.cleaned_data["coordinate_system"],
        )
        return redirect("places:import_detail", pk=batch.pk)
    return render(
        request,
        "places/import.html",
        {
            "form": form,
            "recent": imports.recent_batches(
                request.user, [kind_of(d) for d in ImportDataset.values], limit=10
            ),
            "columns": COLUMNS,
            "datasets": ImportDataset.choices,
            "types": queries.facility_types(),
        },
    )


@login_required
def import_detail(request: Request, pk: int) -> HttpResponse:
    batch = imports.batch_for(request.user, pk)
    crs = batch.options.get("coordinate_system", CoordinateSystem.WGS84)
    return render(
        request,
        "places/import_detail.html",
        {
            "batch": batch,
            "problems": imports.described_problems(batch.kind, batch.problems),
            "Status": ImportStatus,
            "dataset_label": ImportDataset(batch.dataset).label
            if batch.dataset in ImportDataset.values
            else "",
            "crs_label": CoordinateSystem(crs).label if crs in CoordinateSystem.values else crs,
        },
    )


@login_required
@require_POST
def import_confirm(request: Request, pk: int) -> HttpResponse:
    batch = imports.batch_for(request.user, pk)
    try:
        result = services.apply_import(actor=request.user, batch=batch)
    except imports.ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect("places:import_detail", pk=batch.pk)
    messages.success(request, _("Imported: %(created)s created, %(updated)s updated.") % result)
    return redirect("places:import_detail", pk=batch.pk)


@login_required
def export_download(request: Request, dataset: str, file_format: str) -> HttpResponse:
    access.require_view(request.user)
    if dataset not in ImportDataset.values or file_format not in CONTENT_TYPES:
        raise Http404(_("Unknown dataset or format."))
    form = ExportForm(request.GET, zone=request.zone)
    if not form.is_valid():
        raise Http404(_("Unknown street."))
    street = form.cleaned_data["street"]
    data = queries.export_file(
        dataset, file_format, street_id=street.pk if street else None, zone=request.zone
    )
    return attachment(request, data, f"gaoxin-{dataset}.{file_format}", CONTENT_TYPES[file_format])
