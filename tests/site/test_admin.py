"""The admin reads no personal data: its delete confirmation counts the rows about people that a
deletion would remove or is blocked by, and never lists them (their names would be read outside the
audit)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from gaoxin.common.admin import PrivateDeletion, is_personal
from gaoxin.health.models import Resident
from gaoxin.places.models import Community, Street
from tests.conftest import PASSWORD
from tests.health.conftest import care, people  # noqa: F401 - the health app's fixtures


def test_every_admin_of_the_project_hides_personal_data_on_deletion() -> None:
    ours = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("gaoxin.")}
    assert ours
    assert [m.__name__ for m, a in ours.items() if not isinstance(a, PrivateDeletion)] == []
    assert is_personal(Resident) and not is_personal(Community)


def _superuser_client(client):  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    return client


def test_deleting_a_community_or_street_with_residents_names_none(client, people):  # type: ignore[no-untyped-def]  # noqa: F811
    c = _superuser_client(client)
    community = Community.objects.get(code="370871001001")
    names = list(Resident.objects.filter(community=community).values_list("name", flat=True))
    assert len(names) == 3
    page = c.get(reverse("admin:places_community_delete", args=[community.pk])).content.decode()
    assert not any(name in page for name in names)
    assert "× 3" in page  # the residents are counted
    assert "东闸花园" in page  # what is not about a person is listed as before
    street = Street.objects.get(code="370871001")
    page = c.get(reverse("admin:places_street_delete", args=[street.pk])).content.decode()
    assert "东闸社区" in page and not any(name in page for name in names)
    bulk = c.post(
        reverse("admin:places_community_changelist"),
        {"action": "delete_selected", "_selected_action": [community.pk]},
    ).content.decode()
    assert not any(name in bulk for name in names) and "× 3" in bulk
