"""The JSON API (django-ninja; OpenAPI schema at /api/openapi.json, docs at /api/docs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from gaoxin.health.api import router as health_router
from gaoxin.lifecircle.api import router as lifecircle_router
from gaoxin.parks.api import router as parks_router
from gaoxin.places.api import router as places_router

api = NinjaAPI(title="Gaoxin API", version="1", auth=django_auth, urls_namespace="api")
api.add_router("/places/", places_router)
api.add_router("/lifecircle/", lifecircle_router)
api.add_router("/parks/", parks_router)
api.add_router("/health/", health_router)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"error": "forbidden", "detail": "You may not do this."}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"error": "unauthenticated", "detail": "Log in first."}, status=401)
