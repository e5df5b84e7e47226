from django.urls import reverse


def test_login_page_renders_for_anyone(client, db):
    assert client.get(reverse("login")).status_code == 200


def test_demo_notice_shows_when_geometry_is_synthetic(client_of, planner):
    from gaoxin.places.models import Zone

    Zone.objects.update(synthetic_geometry=True)
    assert "合成数据" in client_of(planner).get(reverse("home")).content.decode()


def test_admin_lists_every_places_model(client, zone):
    from gaoxin.accounts.models import User

    admin = User.objects.create_superuser("root", password="x-Long-pass-99")
    client.force_login(admin)
    for model in [
        "zone",
        "street",
        "community",
        "residentialarea",
        "facilitytype",
        "facility",
        "walkedge",
        "importbatch",
    ]:
        assert client.get(f"/admin/places/{model}/").status_code == 200, model
