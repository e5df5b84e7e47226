"""Every domain app is installed, routed and in the API; the migrations match the models."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import get_resolver

from devtools.import_contracts import domain_apps
from gaoxin.site.api import api


def test_every_domain_app_is_installed_routed_and_in_the_api():
    found = domain_apps(grimp.build_graph("gaoxin"), "gaoxin")
    assert {"lifecircle", "parks", "health"} <= set(found)
    installed = {config.name for config in apps.get_app_configs()}
    namespaces = set(get_resolver().namespace_dict)
    routers = {prefix.strip("/") for prefix, _router in api._routers}  # ninja keeps (prefix, router) pairs
    for app in found:
        assert f"gaoxin.{app}" in installed, f"add gaoxin.{app} to INSTALLED_APPS"
        assert app in namespaces, f"include gaoxin.{app}.urls in site/urls.py (app_name = {app!r})"
        if (Path(apps.get_app_config(app).path) / "api.py").exists():
            assert app in routers, f"add gaoxin.{app}.api's router to site/api.py"


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
