"""The app template as an import-linter contract (``lint-imports`` runs it; pyproject.toml names it).

It discovers the project's packages itself, so a new app is checked the moment it exists — no list to
edit. The rules:

1. **The packages, in layers.** Highest first: ``site`` · ``demo`` · every *domain app* (a package with
   an ``apps`` module that is not one of the foundation packages), independent of each other ·
   ``places`` · ``accounts`` · ``common`` · ``standards`` · ``analysis``. A higher package may import a
   lower one, never the reverse; two domain apps never import each other (not even through a third
   module). A package that is none of these is reported: a new one must be an app or be placed here.
2. **Every domain app has the same files**, each in its layer (highest first)::

       apps | admin | urls | management | migrations | tasks     wiring and entry points of the framework
       views | api                                               the web and the JSON API
       forms | exports                                           input and output shapes
       services                                                  every state change
       imports                                                   the app's importers (the kit's pipeline)
       queries                                                   named reads
       access | analysis | datasets | filtersets                 gates · the adapter to the core ·
                                                                 columns of files · filters of lists
       models
       validators
       choices

   A module that is not one of these is reported (the template is the list). A lower file never
   imports a higher one: models do not import services, a gate never imports a view.
3. **Entry points hold no computation**: views, api, forms, filtersets, exports, admin and urls do not
   import the analysis core (``gaoxin.analysis``); the app's ``analysis.py`` adapter or its services
   and queries do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output

# Packages, highest first; the domain apps sit between "demo" and "places".
TOP = ("site", "demo")
FOUNDATION = ("places", "accounts", "common", "standards", "analysis")

TEMPLATE: tuple[tuple[str, ...], ...] = (
    ("apps", "admin", "urls", "management", "migrations", "tasks"),
    ("views", "api"),
    ("forms", "exports"),
    ("services",),
    ("imports",),
    ("queries",),
    ("access", "analysis", "datasets", "filtersets"),
    ("models",),
    ("validators",),
    ("choices",),
)
TEMPLATE_FILES = frozenset(name for layer in TEMPLATE for name in layer)
NO_CORE = ("views", "api", "forms", "filtersets", "exports", "admin", "urls")


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str


def domain_apps(graph: grimp.ImportGraph, root: str) -> list[str]:
    """The direct subpackages of ``root`` that are Django apps and not foundation or top packages."""
    known = set(TOP) | set(FOUNDATION)
    apps = []
    for child in sorted(graph.find_children(root)):
        tail = child.rsplit(".", 1)[1]
        if tail not in known and f"{child}.apps" in graph.modules:
            apps.append(tail)
    return apps


def _chains(graph: grimp.ImportGraph, dependencies: Iterable[object]) -> list[str]:
    out = []
    for dep in sorted(dependencies, key=lambda d: (d.importer, d.imported)):  # type: ignore[attr-defined]  # grimp's PackageDependency
        for route in dep.routes:  # type: ignore[attr-defined]  # grimp's PackageDependency
            heads = sorted(route.heads)
            tails = sorted(route.tails)
            path = [heads[0], *route.middle, tails[0]]
            out.append(" -> ".join(path))
    return out


def check(graph: grimp.ImportGraph, root: str) -> list[Violation]:
    violations: list[Violation] = []
    apps = domain_apps(graph, root)
    known = set(TOP) | set(FOUNDATION) | set(apps)

    # 1. the packages in layers, the domain apps independent
    for child in sorted(graph.find_children(root)):
        tail = child.rsplit(".", 1)[1]
        if tail not in known and child in graph.modules and graph.find_children(child):
            violations.append(
                Violation(
                    "packages",
                    f"{child} is neither an app (it has no apps.py) nor a known package: make it an app or "
                    "place it in devtools/import_contracts.py",
                )
            )
    layers: list[grimp.Layer] = [grimp.Layer(f"{root}.{t}") for t in TOP]
    if apps:
        layers.append(grimp.Layer(*[f"{root}.{a}" for a in apps], independent=True))
    layers += [grimp.Layer(f"{root}.{t}") for t in FOUNDATION if f"{root}.{t}" in graph.modules]
    for chain in _chains(graph, graph.find_illegal_dependencies_for_layers(layers=layers)):
        violations.append(
            Violation("packages", f"a lower package imports a higher one or an app another: {chain}")
        )

    # 2. each domain app: only template files, each in its layer
    for app in apps:
        package = f"{root}.{app}"
        for child in sorted(graph.find_children(package)):
            tail = child.rsplit(".", 1)[1]
            if tail not in TEMPLATE_FILES:
                violations.append(
                    Violation(
                        "template",
                        f"{child} is not a file of the app template ({', '.join(sorted(TEMPLATE_FILES))}); "
                        "see docs/adding-an-app.md",
                    )
                )
    containers = {f"{root}.{a}" for a in apps}
    if containers:
        template_layers = [grimp.Layer(*layer, independent=True) for layer in TEMPLATE]
        found = graph.find_illegal_dependencies_for_layers(layers=template_layers, containers=containers)
        for chain in _chains(graph, found):
            violations.append(Violation("template", f"a lower file of an app imports a higher one: {chain}"))

    # 3. entry points do not call the core
    core = f"{root}.analysis"
    if core in graph.modules:
        for app in apps:
            for tail in NO_CORE:
                module = f"{root}.{app}.{tail}"
                if module not in graph.modules:
                    continue
                importers = {module} | graph.find_descendants(module)
                for importer in sorted(importers):
                    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                        if imported == core or imported.startswith(core + "."):
                            violations.append(
                                Violation(
                                    "no-core",
                                    f"{importer} imports {imported}: entry points call services and queries, "
                                    "and the app's analysis.py calls the core",
                                )
                            )
    return violations


class AppTemplateContract(Contract):
    """import-linter contract type ``gaoxin_app_template`` (option: ``root``)."""

    type_name = "gaoxin_app_template"
    root = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        found = check(graph, str(self.root))
        return ContractCheck(kept=not found, metadata={"violations": [(v.rule, v.message) for v in found]})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for rule, message in check.metadata["violations"]:
            output.print_error(f"[{rule}] {message}", bold=False)
            output.new_line()
