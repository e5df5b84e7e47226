"""The app-template contract (devtools/import_contracts.py) on small graphs and on the project."""

import grimp

from devtools.import_contracts import check, domain_apps

FOUNDATION = ["analysis", "standards", "common", "accounts", "places"]
APP = ["apps", "views", "api", "forms", "services", "queries", "access", "analysis", "models", "choices"]


def project(*apps: str, extra: dict[str, list[str]] | None = None) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    graph.add_module("gaoxin")
    for package in [*FOUNDATION, "site", "demo"]:
        graph.add_module(f"gaoxin.{package}")
        graph.add_module(f"gaoxin.{package}.core")
    graph.add_module("gaoxin.places.apps")
    for app in apps:
        graph.add_module(f"gaoxin.{app}")
        for tail in APP + (extra or {}).get(app, []):
            graph.add_module(f"gaoxin.{app}.{tail}")
        # the template's own direction: views → services → queries → access → models
        for importer, imported in [
            ("views", "services"),
            ("services", "queries"),
            ("queries", "access"),
            ("access", "models"),
        ]:
            graph.add_import(importer=f"gaoxin.{app}.{importer}", imported=f"gaoxin.{app}.{imported}")
        graph.add_import(importer=f"gaoxin.{app}.models", imported="gaoxin.places.core")
    return graph


def rules(graph: grimp.ImportGraph) -> list[str]:
    return [v.rule for v in check(graph, "gaoxin")]


def test_a_new_app_is_found_without_editing_a_list():
    assert domain_apps(project("education", "parks"), "gaoxin") == ["education", "parks"]


def test_an_app_that_follows_the_template_is_accepted():
    assert rules(project("education", "parks")) == []


def test_two_apps_may_not_import_each_other():
    graph = project("education", "parks")
    graph.add_import(importer="gaoxin.education.services", imported="gaoxin.parks.queries")
    assert rules(graph) == ["packages"]


def test_the_foundation_may_not_import_an_app_nor_the_core_django():
    graph = project("education")
    graph.add_import(importer="gaoxin.places.core", imported="gaoxin.education.models")
    graph.add_import(importer="gaoxin.analysis.core", imported="gaoxin.common.core")
    assert rules(graph) == ["packages", "packages"]


def test_a_file_outside_the_template_is_refused():
    graph = project("education", extra={"education": ["helpers"]})
    found = check(graph, "gaoxin")
    assert [v.rule for v in found] == ["template"] and "gaoxin.education.helpers" in found[0].message


def test_a_lower_file_may_not_import_a_higher_one():
    graph = project("education")
    graph.add_import(importer="gaoxin.education.models", imported="gaoxin.education.services")
    assert rules(graph) == ["template"]
    indirect = project("education")
    indirect.add_import(importer="gaoxin.education.access", imported="gaoxin.education.forms")
    assert rules(indirect) == ["template"]


def test_views_do_not_call_the_core():
    graph = project("education")
    graph.add_import(importer="gaoxin.education.views", imported="gaoxin.analysis.core")
    assert rules(graph) == ["no-core"]
    ok = project("education")
    ok.add_import(importer="gaoxin.education.analysis", imported="gaoxin.analysis.core")
    assert rules(ok) == []


def test_an_unknown_package_must_be_placed():
    graph = project("education")
    graph.add_module("gaoxin.utils")
    graph.add_module("gaoxin.utils.strings")
    assert rules(graph) == ["packages"]


def test_the_project_follows_the_template():
    graph = grimp.build_graph("gaoxin")
    assert check(graph, "gaoxin") == []
    assert {"lifecircle", "parks", "health"} <= set(domain_apps(graph, "gaoxin"))


def test_every_app_has_a_layers_contract_of_its_own() -> None:
    """Beside the template contract, import-linter's own layers contract holds each app (a new app adds
    one to pyproject.toml; this test says so)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    held = {c for contract in contracts if contract["type"] == "layers" for c in contract["containers"]}
    apps = {
        f"gaoxin.{p.parent.name}"
        for p in (root / "src" / "gaoxin").glob("*/apps.py")
        if p.parent.name not in ("common", "site", "demo", "standards", "analysis")
    }
    assert apps and apps <= held, sorted(apps - held)
