"""The shell's navigation, contributed by the apps: each app's ``AppConfig`` may define

- ``navigation() -> Sequence[NavLink]``: the entries of the top menu it owns, each with the gate that
  decides whether the user can open it (the same function the view calls, so the menu never offers a
  page that answers 403);
- ``landing(user) -> Landing | None``: the page where this app's users start their day, with a priority
  (the highest wins for a user with several roles; none: the overview).

The site collects them (:func:`links_for`, :func:`landing_for`); a new app adds its menu in its own
``apps.py`` and nothing else changes. tests/site/test_shell.py opens every link as every demo role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100
    url_args: tuple[Any, ...] = ()

    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)


@dataclass(frozen=True)
class Landing:
    priority: int
    url: str


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    active: bool


def _contributions() -> list[Any]:
    return [config for config in apps.get_app_configs() if hasattr(config, "navigation")]


MENU_SECONDS = 60  # a change of roles shows in the menu within a minute (the gates apply it at once)


def links_for(user: Any) -> list[NavLink]:
    """The links this user can open, in menu order."""
    if not user.is_authenticated:
        return []
    found = [link for config in _contributions() for link in config.navigation() if link.allowed(user)]
    return sorted(found, key=lambda link: link.order)


def _menu_entries(user: Any) -> list[tuple[str, str]]:
    """(label, address) of the user's links, kept a minute: the gates behind them cost queries."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"gx:menu:{user.pk}:{get_language()}"
    entries = cache.get(key)
    if entries is None:
        entries = [(str(link.label), link.url()) for link in links_for(user)]
        cache.set(key, entries, MENU_SECONDS)
    return list(entries)


def menu_for(user: Any, path: str) -> list[MenuItem]:
    """The menu as the template draws it; the entry whose address is the longest prefix of ``path`` is
    the current one."""
    items = _menu_entries(user) if user.is_authenticated else []
    best = max(
        (url for _label, url in items if path == url or (url != "/" and path.startswith(url))),
        key=len,
        default=None,
    )
    return [MenuItem(label, url, url == best) for label, url in items]


def landing_for(user: Any) -> str | None:
    """Where the user starts: the highest-priority landing any app offers (None: the overview)."""
    if not user.is_authenticated:
        return None
    offers: Sequence[Landing] = [
        offer
        for config in apps.get_app_configs()
        if hasattr(config, "landing")
        for offer in [config.landing(user)]
        if offer is not None
    ]
    return max(offers, key=lambda o: o.priority).url if offers else None
