"""Pages of the life-circle app: thin — access, then services/queries, then render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.analysis import access as engine
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.http import XLSX, attachment
from gaoxin.common.imports import ImportRejected
from gaoxin.lifecircle import access, exports, queries, services
from gaoxin.lifecircle.forms import RunForm
from gaoxin.lifecircle.models import CandidateList, Evaluation, Scenario, ScenarioFacility
from gaoxin.places.analysis import network_for_zone
from gaoxin.places.choices import ServiceClass
from gaoxin.places.models import Street
from gaoxin.places.queries import current_zone, street_at


def _evaluation(request: HttpRequest) -> Evaluation | None:
    pk = request.GET.get("evaluation")
    if pk and pk.isdigit():
        return access.evaluation_for(request.user, int(pk))  # type: ignore[arg-type]
    return queries.latest(current_zone())


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    evaluation = _evaluation(request)
    context: dict[str, object] = {
        "evaluation": evaluation,
        "runs": Evaluation.objects.select_related("profile")[:20],
        "form": RunForm(initial={"profile": services.default_profile_or_none()}),
        "can_run": access.can_run(request.user),
    }  # type: ignore[arg-type]
    if evaluation is not None:
        results = list(access.results_for(request.user, evaluation))  # type: ignore[arg-type]
        context |= {
            "classes": queries.class_coverage(evaluation, results),
            "streets": queries.street_rows(evaluation, results),
            "coverage": queries.coverage(evaluation, results),
            "gaps": queries.gaps(evaluation, results)[:15],
            "areas": len(results),
            "passing": sum(r.passes for r in results),
        }
        context["class_chart"] = {
            "type": "bars",
            "unit": "%",
            "max": 100,
            "labels": [str(c["label"]) for c in context["classes"]],  # type: ignore[attr-defined]
            "series": [{"name": _("Residents"), "values": [c["percent"] for c in context["classes"]]}],  # type: ignore[attr-defined]
        }
        context["street_chart"] = {
            "type": "stacked",
            "labels": [s["street"].name for s in context["streets"]],  # type: ignore[attr-defined]
            "series": [
                {
                    "name": _("meet every mandatory item"),
                    "values": [s["passing"] for s in context["streets"]],
                },  # type: ignore[attr-defined]
                {
                    "name": _("missing items"),
                    "values": [s["areas"] - s["passing"] for s in context["streets"]],
                },  # type: ignore[attr-defined]
            ],
        }
    return render(request, "lifecircle/index.html", context)


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not access.can_run(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    if form.is_valid():
        try:
            evaluation = services.evaluate(
                actor=request.user, zone=current_zone(), profile=form.cleaned_data["profile"]
            )  # type: ignore[arg-type]
        except services.EvaluationError as exc:
            messages.error(request, str(exc))
            return redirect("lifecircle:index")
        messages.success(
            request,
            _("Evaluated %(n)s residential areas in %(ms)s ms.")
            % {"n": evaluation.summary["areas"], "ms": evaluation.duration_ms},
        )
        return redirect(f"{reverse('lifecircle:index')}?evaluation={evaluation.pk}")
    messages.error(request, _("Choose a profile."))
    return redirect("lifecircle:index")


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    evaluation = _evaluation(request)
    gaps = []
    if evaluation is not None:
        gaps = queries.gaps(evaluation, access.results_for(request.user, evaluation))  # type: ignore[arg-type]
    return render(
        request,
        "lifecircle/map.html",
        {
            "evaluation": evaluation,
            "gaps": gaps,
            "classes": ServiceClass.choices,
            "strings": {
                "completeness": _("Completeness"),
                "missing": _("Missing"),
                "report": _("Report"),
                "walk": _("Walk"),
                "minutes": _("min"),
                "population": _("Population"),
                "none": _("none"),
            },
        },
    )


@login_required
def map_results(request: HttpRequest, pk: int) -> JsonResponse:
    evaluation = access.evaluation_for(request.user, pk)  # type: ignore[arg-type]
    results = access.results_for(request.user, evaluation)  # type: ignore[arg-type]
    features = []
    for r in results:
        a = r.area
        geometry = a.polygon or {"type": "Point", "coordinates": [a.center_lon, a.center_lat]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": a.pk,
                    "name": a.name,
                    "population": r.population,
                    "completeness": r.completeness,
                    "passes": r.passes,
                    "missing": [m["label"] for m in queries.missing_items(evaluation, r)],
                    "gates": a.gates,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def isochrone(request: HttpRequest) -> JsonResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
        distance = min(max(float(request.GET.get("distance", 300)), 50.0), 2000.0)
        network = network_for_zone(current_zone())  # type: ignore[arg-type]
        point = engine.snap(network, [lon], [lat])
        if not point.reachable[0]:
            return JsonResponse(
                {"error": "unreachable", "detail": _("No street within 300 m of this point.")}, status=400
            )
        return JsonResponse(
            {
                "type": "Feature",
                "properties": {"distance_m": distance},
                "geometry": engine.isochrone(network, point, distance_m=distance),
            }
        )
    except (KeyError, ValueError, AnalysisError):
        return JsonResponse(
            {"error": "bad_request", "detail": _("Give lon, lat and distance as numbers.")}, status=400
        )


@login_required
def area_report(request: HttpRequest, pk: int, area_id: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, pk)  # type: ignore[arg-type]
    result = access.area_result_for(request.user, evaluation, area_id)  # type: ignore[arg-type]
    rows = queries.report(evaluation, result)
    if request.GET.get("format") == "xlsx":
        data = exports.results_xlsx(
            evaluation, [result], _("Life-circle report: %(a)s") % {"a": result.area.name}
        )
        return attachment(data, f"report-{result.area.code}.xlsx", XLSX)
    if request.GET.get("format") == "pdf":
        from gaoxin.lifecircle.pdf import area_report_pdf

        return attachment(
            area_report_pdf(evaluation, result, rows), f"report-{result.area.code}.pdf", "application/pdf"
        )
    return render(
        request, "lifecircle/area_report.html", {"evaluation": evaluation, "r": result, "rows": rows}
    )


@login_required
def street_page(request: HttpRequest, pk: int, street_id: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, pk)  # type: ignore[arg-type]
    access.street_allowed(request.user, street_id)  # type: ignore[arg-type]
    street = get_object_or_404(Street, pk=street_id)
    results = [r for r in access.results_for(request.user, evaluation) if r.street_id == street.pk]  # type: ignore[arg-type]
    communities = request.GET.getlist("community")
    circle = [r for r in results if not communities or r.area.community.code in communities]
    if request.GET.get("format") == "xlsx":
        data = exports.results_xlsx(
            evaluation, results, _("Life-circle evaluation: %(s)s") % {"s": street.name}
        )
        return attachment(data, f"lifecircle-{street.code}.xlsx", XLSX)
    community_choices = sorted({(r.area.community.code, r.area.community.name) for r in results})
    return render(
        request,
        "lifecircle/street.html",
        {
            "evaluation": evaluation,
            "street": street,
            "results": results,
            "coverage": queries.coverage(evaluation, results),
            "classes": queries.class_coverage(evaluation, results),
            "checklist": queries.checklist(evaluation, circle),
            "community_choices": community_choices,
            "chosen": communities,
            "gaps": queries.gaps(evaluation, results),
        },
    )


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    runs = list(Evaluation.objects.select_related("profile")[:50])
    a_id, b_id = request.GET.get("a"), request.GET.get("b")
    context: dict[str, object] = {"runs": runs, "a_id": a_id, "b_id": b_id}
    if a_id and b_id and a_id.isdigit() and b_id.isdigit():
        a = access.evaluation_for(request.user, int(a_id))  # type: ignore[arg-type]
        b = access.evaluation_for(request.user, int(b_id))  # type: ignore[arg-type]
        context |= {
            "a": a,
            "b": b,
            "cmp": queries.compare(
                a, b, access.results_for(request.user, a), access.results_for(request.user, b)
            ),
        }  # type: ignore[arg-type]
    return render(request, "lifecircle/compare.html", context)


# --- siting and scenarios -------------------------------------------------------------------------


@login_required
def siting_page(request: HttpRequest) -> HttpResponse:
    """Choose a facility type, a street and a budget (or 'cover everyone'); see the proposed sites."""
    if not access.can_run(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    profile = services.default_profile()
    items = profile.items.select_related("facility_type").order_by("facility_type__order")
    streets = Street.objects.order_by("code")
    lists = CandidateList.objects.filter(zone=current_zone()).annotate(n=Count("sites"))
    context: dict[str, object] = {
        "items": items,
        "streets": streets,
        "params": request.GET,
        "candidate_lists": lists,
        "scenarios": Scenario.objects.filter(zone=current_zone())[:50],
    }
    type_code = request.GET.get("type")
    if type_code:
        street = Street.objects.filter(pk=request.GET.get("street") or 0).first()
        chosen = request.GET.get("candidates", "")
        candidate_list = lists.filter(pk=chosen).first() if chosen.isdigit() else None
        budget = request.GET.get("p", "").strip()
        p = int(budget) if budget.isdigit() else None
        places = request.GET.get("capacity", "").strip()
        capacity = int(places) if places.isdigit() and request.GET.get("capacitated") else None
        try:
            if request.GET.get("capacitated") and capacity is None:
                raise services.EvaluationError(_("Give the places of a new site as a whole number."))
            if budget and p is None:  # "-1", "3.5", "三": not silently "cover everyone"
                raise services.EvaluationError(
                    _("The number of new sites is a whole number (empty: cover everyone).")
                )
            context["proposal"] = services.propose_sites(
                actor=request.user,  # type: ignore[arg-type]
                zone=current_zone(),  # type: ignore[arg-type]
                type_code=type_code,
                p=p,
                street=street,
                capacity_per_site=capacity,
                median=request.GET.get("model") == "median",
                candidate_list=candidate_list,
            )
        except services.EvaluationError as exc:
            context["error"] = str(exc)
        context["street"] = street
        if request.GET.get("format") == "xlsx" and "proposal" in context:
            return attachment(
                exports.proposals_xlsx(context["proposal"], street.name if street else _("whole zone")),  # type: ignore[arg-type]
                f"siting-{type_code}.xlsx",
                XLSX,
            )
    return render(request, "lifecircle/siting.html", context)


@login_required
@require_POST
def scenario_create(request: HttpRequest) -> HttpResponse:
    if not access.can_run(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    chosen = request.POST.getlist("site")
    places = request.POST.get("capacity", "").strip()
    capacity = int(places) if places.isdigit() else 0  # places per site, from a capacitated proposal
    sites = []
    for value in chosen:
        try:
            lon, lat, gain = (float(x) for x in value.split(","))
        except ValueError:
            continue
        # a listed site's name and own places travel with it (keyed by its position)
        own = request.POST.get(f"cap:{value}", "").strip()
        sites.append(
            {
                "lon": lon,
                "lat": lat,
                "gain": gain,
                "capacity": int(own) if own.isdigit() else capacity,
                "name": request.POST.get(f"name:{value}", "").strip()[:120],
            }
        )
    if not sites:
        messages.error(request, _("Choose at least one proposed site."))
        return redirect(request.META.get("HTTP_REFERER") or reverse("lifecircle:siting"))
    into = request.POST.get("scenario", "")
    try:
        if into.isdigit():  # into a saved scenario
            scenario = get_object_or_404(Scenario, pk=int(into), zone=current_zone())
            services.add_sites(
                actor=request.user,  # type: ignore[arg-type]
                scenario=scenario,
                type_code=request.POST.get("type", ""),
                sites=sites,
            )
        else:
            scenario = services.create_scenario(
                actor=request.user,  # type: ignore[arg-type]
                zone=current_zone(),  # type: ignore[arg-type]
                name=request.POST.get("name") or _("New scenario"),
                type_code=request.POST.get("type", ""),
                sites=sites,
            )
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("lifecircle:siting"))
    return redirect("lifecircle:scenario", pk=scenario.pk)


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The saved scenarios of the zone: every planner and viewer sees them all (they are shared)."""
    access.require_view(request.user)  # type: ignore[arg-type]
    scenarios = (
        Scenario.objects.filter(zone=current_zone())
        .select_related("created_by", "profile")
        .annotate(n_added=Count("added", distinct=True), n_closed=Count("closed_facilities", distinct=True))
    )
    return render(
        request,
        "lifecircle/scenarios.html",
        {"scenarios": scenarios, "can_run": access.can_run(request.user)},  # type: ignore[arg-type]
    )


@login_required
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    services.delete_scenario(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
    return redirect("lifecircle:scenarios")


def _scenario_map(scenario: Scenario, added: list[ScenarioFacility], cmp: dict | None) -> dict[str, list]:
    """What the scenario changes, for its map: sites added, facilities closed or moved, planned housing,
    and the areas whose count of missing mandatory items changes."""

    def point(lon: float | None, lat: float | None, name: str, **extra: object) -> dict[str, object] | None:
        return None if lon is None or lat is None else {"lon": lon, "lat": lat, "name": name, **extra}

    changed = []
    for c in (cmp or {}).get("changed", []):
        area = c["area"]
        lon = getattr(area, "center_lon", None) or getattr(area, "lon", None)
        lat = getattr(area, "center_lat", None) or getattr(area, "lat", None)
        changed.append(point(lon, lat, area.name, before=c["before"], after=c["after"]))
    return {
        "added": [point(f.lon, f.lat, f.name) for f in added],
        "closed": [point(*f.access_point, f.name) for f in scenario.closed_facilities.all()],
        "moved": [
            point(c.lon, c.lat, c.facility.name, origin=list(c.facility.access_point))
            for c in scenario.changes.select_related("facility")
            if c.lon is not None
        ],
        "housing": [point(a.lon, a.lat, a.name, population=a.population) for a in scenario.areas.all()],
        "changed": [c for c in changed if c is not None],
    }


@login_required
def scenario_page(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    scenario = get_object_or_404(Scenario.objects.select_related("profile", "zone"), pk=pk)
    try:
        comparison = services.compare_scenario(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    except services.EvaluationError as exc:
        comparison, error = None, str(exc)
    else:
        error = ""
    if comparison is not None and request.GET.get("format") == "xlsx":
        return attachment(exports.scenario_xlsx(scenario, comparison), f"scenario-{scenario.pk}.xlsx", XLSX)
    added = list(scenario.added.select_related("facility_type", "promoted"))
    for site in added:
        site.street_guess = street_at(site.lon, site.lat)  # type: ignore[attr-defined]
    return render(
        request,
        "lifecircle/scenario.html",
        {
            "scenario": scenario,
            "cmp": comparison,
            "error": error,
            "added": added,
            "map_data": _scenario_map(scenario, added, comparison),
            "without_places": any(not f.capacity and f.facility_type.capacity_unit for f in added),
            "streets": Street.objects.order_by("code"),
        },
    )


@login_required
@require_POST
def scenario_promote(request: HttpRequest, pk: int, site_id: int) -> HttpResponse:
    site = get_object_or_404(
        ScenarioFacility.objects.select_related("facility_type"), pk=site_id, scenario_id=pk
    )
    street = get_object_or_404(Street, pk=request.POST.get("street") or 0)
    try:
        facility = services.promote(
            actor=request.user,
            site=site,
            street=street,  # type: ignore[arg-type]
            code=request.POST.get("code") or f"P{street.code}-{site.facility_type.code}-{site.pk}",
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("lifecircle:scenario", pk=pk)
    messages.success(request, _("%(name)s is now a planned facility.") % {"name": facility.name})
    return redirect("places:facility_detail", pk=facility.pk)


@login_required
@require_POST
def scenario_site(request: HttpRequest, pk: int, site_id: int) -> HttpResponse:
    """Set the places of a proposed facility in the scenario, or remove it from the scenario."""
    site = get_object_or_404(ScenarioFacility, pk=site_id, scenario_id=pk)
    places = request.POST.get("capacity", "").strip()
    try:
        services.change_site(
            actor=request.user,  # type: ignore[arg-type]
            site=site,
            capacity=int(places) if places.isdigit() else None,
            remove="remove" in request.POST,
        )
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_close(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    try:
        facility = services.close_in_scenario(
            actor=request.user, scenario=scenario, facility_code=request.POST.get("code", "")
        )  # type: ignore[arg-type]
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is closed in this scenario.") % {"name": facility.name})
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an existing facility and/or give it another capacity, in the scenario only."""
    scenario = get_object_or_404(Scenario, pk=pk)
    try:
        lon, lat, cap = (request.POST.get(k, "").strip() for k in ("lon", "lat", "capacity"))
        change = services.change_in_scenario(
            actor=request.user,  # type: ignore[arg-type]
            scenario=scenario,
            facility_code=request.POST.get("code", ""),
            lon=float(lon) if lon else None,
            lat=float(lat) if lat else None,
            capacity=int(cap) if cap else None,
        )
    except ValueError:
        messages.error(request, _("Longitude, latitude and capacity are numbers."))
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is changed in this scenario.") % {"name": change.facility.name})
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_housing(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    try:
        lon, lat = float(request.POST.get("lon", "")), float(request.POST.get("lat", ""))
        population = int(request.POST.get("population", "0"))
        services.add_planned_housing(
            actor=request.user,
            scenario=scenario,
            name=request.POST.get("name", ""),  # type: ignore[arg-type]
            lon=lon,
            lat=lat,
            population=population,
        )
    except (ValueError, AnalysisError, services.EvaluationError) as exc:
        messages.error(
            request,
            _("Planned housing needs a longitude, a latitude and a population: %(e)s")
            % {"e": getattr(exc, "message", exc)},
        )
    return redirect("lifecircle:scenario", pk=pk)


# --- candidate site lists -------------------------------------------------------------------------


@login_required
def candidate_lists(request: HttpRequest) -> HttpResponse:
    """The zone's candidate site lists, and a new one from a file (planners)."""
    access.require_view(request.user)  # type: ignore[arg-type]
    problems: list[object] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            created = services.import_candidates(
                actor=request.user,  # type: ignore[arg-type]
                zone=current_zone(),  # type: ignore[arg-type]
                name=request.POST.get("name", ""),
                content=upload.read() if upload else b"",
                filename=upload.name if upload else "",
                coordinate_system=request.POST.get("coordinate_system", "wgs84"),
            )
        except ImportRejected as exc:
            problems = [p.as_dict() for p in exc.problems[:500]]
        else:
            messages.success(
                request,
                _("Candidate list “%(name)s” saved with %(n)s sites.")
                % {"name": created.name, "n": created.sites.count()},
            )
            return redirect("lifecircle:candidate_list", pk=created.pk)
    lists = (
        CandidateList.objects.filter(zone=current_zone())
        .select_related("created_by")
        .annotate(n=Count("sites"))
    )
    return render(
        request,
        "lifecircle/candidates.html",
        {
            "lists": lists,
            "problems": problems,
            "can_run": access.can_run(request.user),  # type: ignore[arg-type]
            "name": request.POST.get("name", ""),
        },
        status=400 if problems else 200,
    )


@login_required
def candidate_list(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_view(request.user)  # type: ignore[arg-type]
    found = get_object_or_404(CandidateList.objects.select_related("created_by"), pk=pk)
    if request.method == "POST":
        services.delete_candidate_list(actor=request.user, candidate_list=found)  # type: ignore[arg-type]
        messages.success(request, _("Candidate list “%(name)s” deleted.") % {"name": found.name})
        return redirect("lifecircle:candidates")
    return render(
        request,
        "lifecircle/candidate_list.html",
        {
            "list": found,
            "sites": found.sites.all(),
            "can_run": access.can_run(request.user),  # type: ignore[arg-type]
        },
    )
